package events_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"gongkai/internal/events"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// appendN commits n events of site, one transaction each, and returns their ids.
func appendN(t *testing.T, db *store.DB, site int64, n int) []int64 {
	t.Helper()
	var ids []int64
	for i := 0; i < n; i++ {
		err := db.Tx(context.Background(), func(tx *sql.Tx) error {
			id, err := events.Append(context.Background(), tx, db.Dialect, events.Event{SiteID: site, Kind: events.ItemPublished, SubjectID: int64(100 + i),
				Payload: events.Payload(map[string]any{"n": i})})
			ids = append(ids, id)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// recorder is a subscriber that keeps what it received.
type recorder struct {
	mu   sync.Mutex
	ids  []int64
	sits []int64
	// fail, when set, refuses an event (and counts the attempts).
	fail     func(e events.Event) bool
	attempts map[int64]int
}

func (r *recorder) handle(_ context.Context, e events.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.attempts == nil {
		r.attempts = map[int64]int{}
	}
	r.attempts[e.ID]++
	if r.fail != nil && r.fail(e) {
		return errors.New("index unavailable")
	}
	r.ids = append(r.ids, e.ID)
	r.sits = append(r.sits, e.SiteID)
	return nil
}

func (r *recorder) got() []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.ids)
}

func (r *recorder) tries(id int64) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.attempts[id]
}

// eventually waits up to 5 s for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func fastBus(db *store.DB) *events.Bus {
	b := events.NewBus(db, nil)
	b.PollEvery, b.RetryBase, b.RetryMax = 50*time.Millisecond, 20*time.Millisecond, 100*time.Millisecond
	return b
}

func count(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.R.QueryRow(`SELECT COUNT(*) FROM change_events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAppendIsPartOfTheTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		boom := errors.New("the change failed")
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := events.Append(ctx, tx, db.Dialect, events.Event{SiteID: 1, Kind: events.SiteChanged}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		if n := count(t, db); n != 0 {
			t.Fatalf("a rolled-back transaction left %d events", n)
		}
		ids := appendN(t, db, 7, 3)
		evs, err := events.Since(ctx, db.R, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 3 {
			t.Fatalf("events = %+v", evs)
		}
		for i, e := range evs {
			if e.ID != ids[i] || e.SiteID != 7 || e.Kind != events.ItemPublished || e.SubjectID != int64(100+i) || string(e.Payload) != fmt.Sprintf(`{"n":%d}`, i) || e.CreatedAt == "" {
				t.Errorf("event %d = %+v", i, e)
			}
			if i > 0 && e.ID <= evs[i-1].ID {
				t.Errorf("ids not increasing: %d after %d", e.ID, evs[i-1].ID)
			}
		}
	})
}

// A subscriber that fails is retried with backoff until it succeeds, gets
// every event in order, and does not hold up the other subscribers.
func TestAtLeastOnceInOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		bus := fastBus(db)
		var mu sync.Mutex
		down := true
		flaky := &recorder{}
		good := &recorder{}
		ids := appendN(t, db, 1, 2)
		bad := ids[1]
		flaky.fail = func(e events.Event) bool {
			mu.Lock()
			defer mu.Unlock()
			return e.ID == bad && down
		}
		bus.Subscribe("search", flaky.handle)
		bus.Subscribe("feeds", good.handle)
		done := make(chan struct{})
		go func() { bus.Run(ctx); close(done) }()
		ids = append(ids, appendN(t, db, 1, 3)...)
		bus.Notify()
		eventually(t, "the healthy subscriber", func() bool { return len(good.got()) == 5 })
		eventually(t, "retries", func() bool { return flaky.tries(ids[1]) >= 3 })
		if got := flaky.got(); !slices.Equal(got, ids[:1]) {
			t.Fatalf("flaky got %v while failing on %d; later events must wait", got, ids[1])
		}
		if pos, _ := events.Position(ctx, db, "search"); pos != ids[0] {
			t.Errorf("stored position while failing = %d, want %d", pos, ids[0])
		}
		mu.Lock()
		down = false
		mu.Unlock()
		eventually(t, "recovery", func() bool { return len(flaky.got()) == 5 })
		if got := flaky.got(); !slices.Equal(got, ids) {
			t.Errorf("flaky got %v, want %v", got, ids)
		}
		if got := good.got(); !slices.Equal(got, ids) {
			t.Errorf("good got %v, want %v", got, ids)
		}
		eventually(t, "stored positions", func() bool {
			a, _ := events.Position(ctx, db, "search")
			b, _ := events.Position(ctx, db, "feeds")
			return a == ids[4] && b == ids[4]
		})
		cancel()
		<-done
	})
}

// A new Bus over the same database (a restart) resumes each durable
// subscriber where it stopped; a new durable subscriber starts at the oldest
// retained event.
func TestReplayAfterRestart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ids := appendN(t, db, 1, 2)
		last := ids[1]
		first := &recorder{fail: func(e events.Event) bool { return e.ID > last }} // crashes on what comes next
		bus := events.NewBus(db, nil)
		bus.Subscribe("search", first.handle)
		if err := bus.Deliver(ctx); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, appendN(t, db, 2, 2)...)
		if err := bus.Deliver(ctx); err == nil {
			t.Fatal("a failing subscriber reported no error")
		}
		if got := first.got(); !slices.Equal(got, ids[:2]) {
			t.Fatalf("before the restart: %v", got)
		}

		again := &recorder{}
		fresh := &recorder{}
		bus2 := events.NewBus(db, nil)
		bus2.Subscribe("search", again.handle)
		bus2.Subscribe("webhooks", fresh.handle)
		if err := bus2.Deliver(ctx); err != nil {
			t.Fatal(err)
		}
		if got := again.got(); !slices.Equal(got, ids[2:]) {
			t.Errorf("after the restart the subscriber got %v, want the undelivered %v", got, ids[2:])
		}
		if got := fresh.got(); !slices.Equal(got, ids) {
			t.Errorf("a new durable subscriber got %v, want all %v", got, ids)
		}
		if !slices.Equal(again.sits, []int64{2, 2}) {
			t.Errorf("site ids = %v", again.sits)
		}
	})
}

// Local subscribers start at "now", get this node's commits at once
// (Committed), and another node's by polling.
func TestTwoNodesOneDatabase(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			dsn := storetest.DSN(t, d)
			open := func() *store.DB {
				db, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				if _, err := db.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				return db
			}
			dbA, dbB := open(), open()
			old := appendN(t, dbA, 1, 1) // before either node started: not for local subscribers
			busA, busB := fastBus(dbA), fastBus(dbB)
			busB.PollEvery = 100 * time.Millisecond
			cacheA, cacheB := &recorder{}, &recorder{}
			if err := busA.SubscribeLocal(ctx, "web.render-cache", cacheA.handle); err != nil {
				t.Fatal(err)
			}
			if err := busB.SubscribeLocal(ctx, "web.render-cache", cacheB.handle); err != nil {
				t.Fatal(err)
			}
			// Node A does not run its loop: Committed alone must deliver to its local subscribers.
			var wg sync.WaitGroup
			wg.Add(1)
			go func() { defer wg.Done(); busB.Run(ctx) }()

			ids := appendN(t, dbA, 3, 1)
			busA.Committed(ctx)
			if got := cacheA.got(); !slices.Equal(got, ids) {
				t.Fatalf("node A's own commit: cache got %v at once, want %v", got, ids)
			}
			eventually(t, "node B to poll", func() bool { return len(cacheB.got()) == 1 })
			ids = append(ids, appendN(t, dbB, 4, 2)...)
			busB.Committed(ctx)
			busA.Committed(ctx) // A polls only in Run; a later commit of its own catches up
			eventually(t, "both nodes", func() bool { return len(cacheA.got()) == 3 && len(cacheB.got()) == 3 })
			for _, r := range []*recorder{cacheA, cacheB} {
				if got := r.got(); !slices.Equal(got, ids) || slices.Contains(got, old[0]) {
					t.Errorf("got %v, want %v (not the event %d from before the start)", got, ids, old[0])
				}
				if !slices.Equal(r.sits, []int64{3, 4, 4}) {
					t.Errorf("site ids = %v", r.sits)
				}
			}
			if pos, _ := events.Position(ctx, dbA, "web.render-cache"); pos != 0 {
				t.Errorf("a local subscriber stored a position (%d)", pos)
			}
			cancel()
			wg.Wait()
		})
	}
}

func TestPanicIsAFailedDelivery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ids := appendN(t, db, 1, 2)
		bus := events.NewBus(db, nil)
		calls := 0
		bus.Subscribe("p", func(_ context.Context, e events.Event) error {
			calls++
			if e.ID == ids[1] {
				panic("bad payload")
			}
			return nil
		})
		if err := bus.Deliver(ctx); err == nil {
			t.Fatal("panic not reported")
		}
		if pos, _ := events.Position(ctx, db, "p"); pos != ids[0] {
			t.Errorf("position = %d, want %d", pos, ids[0])
		}
	})
}

func TestPrune(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ids := appendN(t, db, 1, 4)
		// Events are "old" relative to a cutoff in the future.
		cutoff := time.Now().Add(time.Hour)
		slow := &recorder{fail: func(e events.Event) bool { return e.ID > ids[1] }}
		bus := events.NewBus(db, nil)
		bus.Subscribe("slow", slow.handle)
		bus.Deliver(ctx) // passes ids[0], ids[1]
		n, err := events.Prune(ctx, db, cutoff)
		if err != nil {
			t.Fatal(err)
		}
		if n != 2 || count(t, db) != 2 {
			t.Fatalf("pruned %d, left %d; want 2 and 2 (a durable subscriber has not seen the rest)", n, count(t, db))
		}
		if n, _ := events.Prune(ctx, db, time.Now().Add(-time.Hour)); n != 0 {
			t.Errorf("pruned %d recent events", n)
		}
		if err := events.Forget(ctx, db, "slow"); err != nil {
			t.Fatal(err)
		}
		if n, _ := events.Prune(ctx, db, cutoff); n != 2 || count(t, db) != 0 {
			t.Errorf("after forgetting the subscriber pruned %d", n)
		}
		// Ids are not reused after the newest rows went.
		next := appendN(t, db, 1, 1)
		if next[0] <= ids[3] {
			t.Errorf("id %d reused (last was %d)", next[0], ids[3])
		}
	})
}

// TestNotifyWakesOtherNodes: on PostgreSQL another node hears of a commit
// through LISTEN/NOTIFY at once, not at its next poll.
func TestNotifyWakesOtherNodes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dsn := storetest.DSN(t, store.Postgres)
	open := func() *store.DB {
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return db
	}
	dbA, dbB := open(), open()
	busB := events.NewBus(dbB, nil)
	busB.PollEvery = time.Hour // only a notification can wake it
	cache := &recorder{}
	if err := busB.SubscribeLocal(ctx, "cache", cache.handle); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { busB.Run(ctx); close(done) }()
	// Run delivers once at start; wait until the listener is in place.
	var listening bool
	for i := 0; i < 200 && !listening; i++ {
		dbA.R.QueryRow(`SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE query LIKE 'LISTEN gongkai_events%' AND datname = current_database())`).Scan(&listening)
		time.Sleep(10 * time.Millisecond)
	}
	if !listening {
		t.Fatal("no LISTEN connection")
	}
	ids := appendN(t, dbA, 1, 2)
	eventually(t, "the notification", func() bool { return len(cache.got()) == 2 })
	if got := cache.got(); !slices.Equal(got, ids) {
		t.Errorf("got %v, want %v", got, ids)
	}
	cancel()
	<-done
}

// An inline subscriber has the events of a commit when Committed returns,
// and keeps a stored position like any durable one.
func TestInlineDeliveredByCommitted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := &recorder{}
		bus := events.NewBus(db, nil)
		bus.SubscribeInline("search-inline", r.handle)
		ids := appendN(t, db, 1, 2)
		bus.Committed(ctx)
		if got := r.got(); !slices.Equal(got, ids) {
			t.Fatalf("after Committed: %v, want %v", got, ids)
		}
		pos, err := events.Position(ctx, db, "search-inline")
		if err != nil || pos != ids[1] {
			t.Errorf("stored position %d (%v), want %d", pos, err, ids[1])
		}
	})
}

func TestAdvanceOnlyForward(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ids := appendN(t, db, 1, 3)
		last, err := events.Last(ctx, db)
		if err != nil || last != ids[2] {
			t.Fatalf("Last = %d, %v", last, err)
		}
		for _, id := range []int64{ids[1], ids[0]} {
			if err := events.Advance(ctx, db, "rebuilt", id); err != nil {
				t.Fatal(err)
			}
		}
		if pos, _ := events.Position(ctx, db, "rebuilt"); pos != ids[1] {
			t.Errorf("position %d, want %d (never back)", pos, ids[1])
		}
		r := &recorder{}
		bus := events.NewBus(db, nil)
		bus.Subscribe("rebuilt", r.handle)
		if err := bus.Deliver(ctx); err != nil {
			t.Fatal(err)
		}
		if got := r.got(); !slices.Equal(got, ids[2:]) {
			t.Errorf("after Advance the subscriber got %v, want %v", got, ids[2:])
		}
	})
}
