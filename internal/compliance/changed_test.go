package compliance

import (
	"context"
	"testing"
	"time"

	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

// TestChangedRefreshes: a change event newer than the stored run makes
// the next look refresh it, once; one older than the run (the run already
// saw it, on whichever node it ran) does not.
func TestChangedRefreshes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		f.svc.MaxAge = 24 * time.Hour
		st, _, err := f.svc.Ensure(ctx, f.site.ID, fixtureDay, 0)
		if err != nil || st == nil {
			t.Fatalf("first look: %+v %v", st, err)
		}
		ran := store.ParseTime(st.RanAt)
		mark := func() {
			if _, err := db.W.ExecContext(ctx, `UPDATE compliance_latest SET took_ms = 987654 WHERE site_id = $1`, f.site.ID); err != nil {
				t.Fatal(err)
			}
		}
		marked := func() bool {
			t.Helper()
			st, _, err := f.svc.Ensure(ctx, f.site.ID, fixtureDay, 0)
			if err != nil {
				t.Fatal(err)
			}
			return st.Took == 987654*time.Millisecond
		}
		mark()
		f.svc.Changed(f.site.ID, ran.Add(-time.Second))
		if !marked() {
			t.Error("an event older than the stored run refreshed it")
		}
		f.svc.Changed(f.site.ID, ran.Add(time.Hour))
		if marked() {
			t.Error("an event newer than the stored run did not refresh it")
		}
		mark()
		if !marked() {
			t.Error("the same event refreshed the run twice")
		}
	})
}
