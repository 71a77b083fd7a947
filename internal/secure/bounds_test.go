package secure

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// TestLimiterTakeGiveBack: an event given back is not counted, so only
// failures use up the allowance; Full tells a key that has not failed.
func TestLimiterTakeGiveBack(t *testing.T) {
	l, c := newTestLimiter(t, rate.Every(12*time.Second), 3, time.Hour)
	for i := range 10 {
		back, ok := l.Take("a")
		if !ok {
			t.Fatalf("attempt %d refused although every earlier one was given back", i+1)
		}
		back()
		back() // a second call gives nothing more
	}
	if !l.Full("a") || !l.Full("never-seen") {
		t.Fatal("a key whose events were all given back is not full")
	}
	for range 3 {
		if _, ok := l.Take("a"); !ok {
			t.Fatal("refused within the burst")
		}
	}
	if l.Full("a") {
		t.Error("full after three counted events")
	}
	if _, ok := l.Take("a"); ok {
		t.Error("a fourth event allowed over a burst of 3")
	}
	c.Advance(36 * time.Second)
	if !l.Full("a") {
		t.Error("not full after the bucket refilled")
	}
	// Giving back never raises a key over its burst.
	back1, _ := l.Take("b")
	back1()
	back1()
	for range 3 {
		l.Take("b")
	}
	if _, ok := l.Take("b"); ok {
		t.Error("gave back more than was taken")
	}
}

// TestHashingIsBounded (issue 16 #2): many password checks at once all
// succeed, and never more than HashConcurrency run at the same time.
func TestHashingIsBounded(t *testing.T) {
	saved := PasswordParams
	// Costly enough that the checks overlap.
	PasswordParams = Argon2Params{Memory: 4 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}
	defer func() { PasswordParams = saved }()
	h, err := HashPassword("a-long-enough-password")
	if err != nil {
		t.Fatal(err)
	}
	hashPeak.Store(0)
	const n = 40
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			ok, err := CheckPasswordContext(context.Background(), h, "a-long-enough-password")
			if err == nil && !ok {
				err = errors.New("right password refused")
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("check %d: %v", i, err)
		}
	}
	if p := hashPeak.Load(); p > int32(HashConcurrency) || p < 1 {
		t.Errorf("peak of %d hashes at once, bound %d", p, HashConcurrency)
	}
}

// TestHashingBusy: when every slot stays taken, a check gives up with
// ErrBusy after HashWait, or as soon as its context ends, instead of
// waiting for ever.
func TestHashingBusy(t *testing.T) {
	h, err := HashPassword("a-long-enough-password")
	if err != nil {
		t.Fatal(err)
	}
	for range HashConcurrency {
		hashSlots <- struct{}{}
	}
	defer func() {
		for range HashConcurrency {
			<-hashSlots
		}
	}()
	savedWait := HashWait
	HashWait = 20 * time.Millisecond
	defer func() { HashWait = savedWait }()
	if _, err := CheckPasswordContext(context.Background(), h, "a-long-enough-password"); !errors.Is(err, ErrBusy) {
		t.Errorf("all slots taken: %v, want ErrBusy", err)
	}
	HashWait = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := CheckPasswordContext(ctx, h, "a-long-enough-password"); !errors.Is(err, ErrBusy) {
		t.Errorf("cancelled context: %v, want ErrBusy", err)
	}
}
