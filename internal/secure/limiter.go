package secure

import (
	"container/list"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// DefaultMaxKeys is how many keys a Limiter tracks unless WithMaxKeys says
// otherwise; at about 200 bytes a key that is some 20 MB.
const DefaultMaxKeys = 100_000

// Limiter is a token-bucket rate limiter per key (a client address, a login
// name), for login attempts, request submissions and the like. Keys idle for
// longer than the ttl are forgotten, and at most a fixed number are tracked,
// so memory stays bounded whatever keys clients send. A Limiter is safe for
// concurrent use; call Stop when done with it.
type Limiter struct {
	limit   rate.Limit
	burst   int
	forget  time.Duration
	maxKeys int
	now     func() time.Time

	mu    sync.Mutex
	keys  map[string]*list.Element
	order *list.List // of *limiterEntry, most recently used first

	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
}

type limiterEntry struct {
	key string
	// tokens is the bucket's content at filled (a token bucket as in
	// x/time/rate, kept here so that an event can be given back).
	tokens float64
	filled time.Time
	last   time.Time // last use, for forgetting idle keys
}

// refill brings e's bucket up to now and returns its tokens.
func (l *Limiter) refill(e *limiterEntry, now time.Time) float64 {
	if l.limit == rate.Inf {
		e.tokens = float64(l.burst)
	} else if d := now.Sub(e.filled); d > 0 {
		e.tokens = min(float64(l.burst), e.tokens+d.Seconds()*float64(l.limit))
	}
	if now.After(e.filled) {
		e.filled = now
	}
	return e.tokens
}

// LimiterOption configures a Limiter.
type LimiterOption func(*Limiter)

// WithMaxKeys sets how many keys the Limiter tracks at most. When full, the
// least recently used key is forgotten to make room.
func WithMaxKeys(n int) LimiterOption {
	return func(l *Limiter) {
		if n > 0 {
			l.maxKeys = n
		}
	}
}

// withClock replaces the clock, for tests.
func withClock(now func() time.Time) LimiterOption {
	return func(l *Limiter) { l.now = now }
}

// NewLimiter returns a Limiter that allows each key r events per second with
// bursts of up to burst, and forgets keys unused for ttl. A key is never
// forgotten before its bucket would have refilled, so forgetting cannot be
// used to gain attempts. It panics if ttl is not positive.
//
// A background goroutine removes idle keys; Stop ends it.
func NewLimiter(r rate.Limit, burst int, ttl time.Duration, opts ...LimiterOption) *Limiter {
	if ttl <= 0 {
		panic("secure: NewLimiter: ttl must be positive")
	}
	forget := ttl
	if r > 0 && r != rate.Inf {
		if refill := time.Duration(float64(burst) / float64(r) * float64(time.Second)); refill > forget {
			forget = refill
		}
	}
	l := &Limiter{
		limit:   r,
		burst:   burst,
		forget:  forget,
		maxKeys: DefaultMaxKeys,
		now:     time.Now,
		keys:    map[string]*list.Element{},
		order:   list.New(),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	for _, o := range opts {
		o(l)
	}
	go l.janitor(min(max(forget/2, 10*time.Millisecond), time.Minute))
	return l
}

// Allow reports whether an event for key may happen now, and counts it if so.
func (l *Limiter) Allow(key string) bool {
	_, ok := l.Take(key)
	return ok
}

// Take is Allow that can be undone: when the event is allowed it is counted,
// and giveBack returns it to key's allowance (a login that turned out to be
// right does not use up the allowance; counting before the slow check keeps
// concurrent attempts from slipping past the limit). giveBack may be called
// at most once; it is a no-op when ok is false.
func (l *Limiter) Take(key string) (giveBack func(), ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	// Read the clock under the lock so that entries are used in clock order.
	now := l.now()
	e := l.entry(key, now)
	if l.limit != rate.Inf && l.refill(e, now) < 1 {
		return func() {}, false
	}
	if l.limit != rate.Inf {
		e.tokens--
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			// The entry may have been forgotten meanwhile; then key is
			// back to a full allowance anyway.
			if el, ok := l.keys[key]; ok && el.Value.(*limiterEntry) == e {
				l.refill(e, l.now())
				e.tokens = min(float64(l.burst), e.tokens+1)
			}
		})
	}, true
}

// Full reports whether key has its whole allowance: no event counted for it
// that has not been given back or refilled since.
func (l *Limiter) Full(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	el, ok := l.keys[key]
	if !ok {
		return true
	}
	return l.refill(el.Value.(*limiterEntry), l.now()) >= float64(l.burst)
}

// Len returns the number of keys being tracked.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

// Stop ends the background eviction and waits for it to finish. The Limiter
// still works afterwards, bounded by its key cap alone. Stop may be called
// more than once.
func (l *Limiter) Stop() {
	l.stopOnce.Do(func() { close(l.stop) })
	<-l.done
}

// entry returns key's entry, creating it if needed, and marks it used at now.
// l.mu must be held.
func (l *Limiter) entry(key string, now time.Time) *limiterEntry {
	if el, ok := l.keys[key]; ok {
		l.order.MoveToFront(el)
		e := el.Value.(*limiterEntry)
		e.last = now
		return e
	}
	if len(l.keys) >= l.maxKeys {
		l.sweepLocked(now)
	}
	for len(l.keys) >= l.maxKeys {
		l.removeLocked(l.order.Back())
	}
	e := &limiterEntry{key: key, tokens: float64(l.burst), filled: now, last: now}
	l.keys[key] = l.order.PushFront(e)
	return e
}

// sweep forgets keys idle since before now minus the forget time and returns
// how many it removed.
func (l *Limiter) sweep(now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.sweepLocked(now)
}

func (l *Limiter) sweepLocked(now time.Time) int {
	n := 0
	// The list is in order of use, so idle keys are all at the back.
	for el := l.order.Back(); el != nil; el = l.order.Back() {
		if now.Sub(el.Value.(*limiterEntry).last) < l.forget {
			break
		}
		l.removeLocked(el)
		n++
	}
	return n
}

func (l *Limiter) removeLocked(el *list.Element) {
	delete(l.keys, el.Value.(*limiterEntry).key)
	l.order.Remove(el)
}

func (l *Limiter) janitor(every time.Duration) {
	defer close(l.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			l.sweep(l.now())
		}
	}
}
