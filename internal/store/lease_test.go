package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

// TestLease: one holder at a time, renewals, expiry and release; and of
// many claimants at the same instant exactly one wins, on both engines.
func TestLease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Date(2026, 12, 3, 1, 0, 0, 0, time.UTC)
		try := func(holder string, at time.Time) bool {
			t.Helper()
			ok, err := db.TryLease(ctx, "daily", holder, at, 10*time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if !try("a", t0) {
			t.Fatal("a free lease was refused")
		}
		if try("b", t0.Add(time.Minute)) {
			t.Error("b took a's lease before it expired")
		}
		if !try("a", t0.Add(9*time.Minute)) {
			t.Error("a could not renew its own lease")
		}
		// The renewal moved the expiry to 0:19.
		if try("b", t0.Add(15*time.Minute)) {
			t.Error("b took a's renewed lease")
		}
		if !try("b", t0.Add(19*time.Minute)) {
			t.Error("b could not take the expired lease")
		}
		if try("a", t0.Add(20*time.Minute)) {
			t.Error("a took back b's lease")
		}
		if err := db.ReleaseLease(ctx, "daily", "a"); err != nil {
			t.Fatal(err)
		}
		if try("a", t0.Add(21*time.Minute)) {
			t.Error("a's release of b's lease freed it")
		}
		if err := db.ReleaseLease(ctx, "daily", "b"); err != nil {
			t.Fatal(err)
		}
		if !try("a", t0.Add(22*time.Minute)) {
			t.Error("a released lease was refused")
		}
		if _, err := db.TryLease(ctx, "x", "a", t0, 0); err == nil {
			t.Error("a zero ttl was accepted")
		}

		// Twenty nodes at the same instant on a new lease: one wins.
		var wg sync.WaitGroup
		var mu sync.Mutex
		won := 0
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := db.TryLease(ctx, "race", fmt.Sprintf("node-%d", i), t0, time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					mu.Lock()
					won++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if won != 1 {
			t.Errorf("%d of 20 simultaneous claimants hold the lease, want 1", won)
		}
	})
}
