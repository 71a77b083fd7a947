package secure

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// fakeClock is a clock that moves only when told to.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newTestLimiter(t *testing.T, r rate.Limit, burst int, ttl time.Duration, opts ...LimiterOption) (*Limiter, *fakeClock) {
	t.Helper()
	c := newFakeClock()
	l := NewLimiter(r, burst, ttl, append(opts, withClock(c.Now))...)
	t.Cleanup(l.Stop)
	return l, c
}

func TestLimiterBurstAndRefill(t *testing.T) {
	// 5 logins a minute with a burst of 5.
	l, c := newTestLimiter(t, rate.Every(12*time.Second), 5, time.Hour)
	for i := range 5 {
		if !l.Allow("1.2.3.4") {
			t.Fatalf("attempt %d refused within burst", i+1)
		}
	}
	if l.Allow("1.2.3.4") {
		t.Fatal("attempt 6 allowed")
	}
	if !l.Allow("5.6.7.8") {
		t.Fatal("another key is limited by the first")
	}
	c.Advance(11 * time.Second)
	if l.Allow("1.2.3.4") {
		t.Fatal("allowed before a token was refilled")
	}
	c.Advance(time.Second)
	if !l.Allow("1.2.3.4") {
		t.Fatal("refused after a token was refilled")
	}
	if l.Allow("1.2.3.4") {
		t.Fatal("allowed two after one refill")
	}
}

func TestLimiterForgetsIdleKeys(t *testing.T) {
	l, c := newTestLimiter(t, rate.Every(time.Second), 1, time.Minute)
	l.Allow("a")
	c.Advance(30 * time.Second)
	l.Allow("b")
	if got := l.sweep(c.Now()); got != 0 || l.Len() != 2 {
		t.Fatalf("sweep before ttl removed %d, Len %d", got, l.Len())
	}
	c.Advance(31 * time.Second)
	if got := l.sweep(c.Now()); got != 1 || l.Len() != 1 {
		t.Fatalf("sweep removed %d, Len %d; want 1, 1", got, l.Len())
	}
	l.Allow("b") // used again: stays
	c.Advance(59 * time.Second)
	if got := l.sweep(c.Now()); got != 0 {
		t.Fatalf("sweep removed a key used %v ago", 59*time.Second)
	}
}

func TestLimiterNeverForgetsBeforeRefill(t *testing.T) {
	// One attempt per 10 minutes, but a ttl of 1 minute: forgetting the
	// key after a minute would hand out a fresh attempt.
	l, c := newTestLimiter(t, rate.Every(10*time.Minute), 1, time.Minute)
	if !l.Allow("admin") {
		t.Fatal("first attempt refused")
	}
	c.Advance(2 * time.Minute)
	l.sweep(c.Now())
	if l.Allow("admin") {
		t.Fatal("second attempt allowed after the ttl but before the refill")
	}
}

func TestLimiterMaxKeys(t *testing.T) {
	l, c := newTestLimiter(t, rate.Every(time.Hour), 1, time.Hour, WithMaxKeys(3))
	for _, k := range []string{"a", "b", "c"} {
		l.Allow(k)
		c.Advance(time.Second)
	}
	l.Allow("a") // a is now the most recently used; b the least
	l.Allow("d")
	if l.Len() != 3 {
		t.Fatalf("Len = %d, want 3", l.Len())
	}
	// a and c are still limited; b was forgotten.
	if l.Allow("a") || l.Allow("c") {
		t.Error("a recently used key was forgotten")
	}
	if !l.Allow("b") {
		t.Error("the least recently used key was not the one forgotten")
	}
	for i := range 1000 {
		l.Allow(fmt.Sprint("spray-", i))
	}
	if l.Len() != 3 {
		t.Errorf("Len after spraying keys = %d, want 3", l.Len())
	}
}

func TestLimiterConcurrent(t *testing.T) {
	// Without refill, exactly burst events pass however they interleave.
	l, _ := newTestLimiter(t, 0, 50, time.Hour, WithMaxKeys(1000))
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 100 {
				if l.Allow("shared") {
					allowed.Add(1)
				}
				l.Allow(fmt.Sprint(g, "-", i%10))
			}
		})
	}
	wg.Wait()
	if got := allowed.Load(); got != 50 {
		t.Errorf("allowed %d events on the shared key, want 50", got)
	}
	if got := l.Len(); got != 1+16*10 {
		t.Errorf("Len = %d, want %d", got, 1+16*10)
	}
}

func TestLimiterJanitor(t *testing.T) {
	// Real clock: the background sweep forgets keys by itself.
	l := NewLimiter(rate.Inf, 1, 20*time.Millisecond)
	defer l.Stop()
	l.Allow("a")
	deadline := time.Now().Add(5 * time.Second)
	for l.Len() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("janitor did not forget an idle key")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestLimiterStop(t *testing.T) {
	l := NewLimiter(rate.Every(time.Second), 1, time.Minute)
	l.Stop()
	l.Stop() // idempotent
	select {
	case <-l.done:
	default:
		t.Fatal("janitor still running after Stop")
	}
	if !l.Allow("a") || l.Allow("a") {
		t.Error("Limiter does not limit after Stop")
	}
}

func TestNewLimiterBadTTL(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("NewLimiter with ttl 0 did not panic")
		}
	}()
	NewLimiter(1, 1, 0)
}
