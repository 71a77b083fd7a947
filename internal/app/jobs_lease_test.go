package app

import (
	"context"
	"log/slog"
	"sync"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/store/storetest"
	"gongkai/internal/web"
)

// TestScheduledJobsOncePerPlatform: two nodes over one database; the
// once-per-platform jobs (publishing, sweep, daily self-inspection …) run
// on the node holding the lease only, the holder keeps it by renewing, and
// when it stops (releases) the other node takes over. Of two nodes
// starting at the same moment, one runs them.
func TestScheduledJobsOncePerPlatform(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d)
			ctx := context.Background()
			// A second node: its own services over the same database.
			cat := &catalog.Service{DB: e.db, Today: func() calendar.Date { return testDay }}
			log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError}))
			b, err := New(cat, auth.NewService(e.db), e.srv.Blobs, log, web.Options{Today: func() calendar.Date { return testDay }})
			if err != nil {
				t.Fatal(err)
			}
			a := e.srv
			if a.node == b.node {
				t.Fatalf("two nodes share the id %q", a.node)
			}
			var sa, sb calendar.Date
			// At the same moment: exactly one of them runs the jobs.
			var wg sync.WaitGroup
			var got [2]bool
			for i, n := range []*App{a, b} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					sw := &sa
					if n == b {
						sw = &sb
					}
					got[i] = n.scheduled(ctx, sw)
				}()
			}
			wg.Wait()
			if got[0] == got[1] {
				t.Fatalf("node a ran %v, node b ran %v: want exactly one", got[0], got[1])
			}
			holder, other := a, b
			hs, ot := &sa, &sb
			if got[1] {
				holder, other, hs, ot = b, a, &sb, &sa
			}
			// The daily self-inspection ran once, on the holder.
			var runs int
			if err := e.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM compliance_runs WHERE site_id = $1`, e.site.ID).Scan(&runs); err != nil {
				t.Fatal(err)
			}
			if runs != 1 {
				t.Errorf("%d self-inspection runs saved, want 1", runs)
			}
			for range 3 {
				if !holder.scheduled(ctx, hs) {
					t.Fatal("the holder lost its lease on renewal")
				}
				if other.scheduled(ctx, ot) {
					t.Fatal("the other node ran the jobs while the lease is held")
				}
			}
			// The holder stops: the other node takes over at its next minute.
			if err := e.db.ReleaseLease(ctx, jobsLease, holder.node); err != nil {
				t.Fatal(err)
			}
			if !other.scheduled(ctx, ot) {
				t.Error("the other node did not take over a released lease")
			}
			if holder.scheduled(ctx, hs) {
				t.Error("the stopped holder ran the jobs again beside the new one")
			}
		})
	}
}
