package compliance

import (
	"context"
	"reflect"
	"testing"
	"time"

	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

// TestSlowSiteRefreshesInTheBackground: on a site whose run takes
// WaitBelow or more, a page after a change starts no run (issue 17: every
// dashboard view of a 100,000-item site after a change started a
// whole-site run): it shows the stored run, dated, out of date and when
// the next one starts. The background's Tick starts none within the
// cooldown, one after it, and one at once for a new day; the refreshed
// run equals a fresh one.
func TestSlowSiteRefreshesInTheBackground(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		<-f.svc.Record(f.site.ID, fixtureDay, 0, 0)
		f.svc.WaitBelow = time.Nanosecond // every run is a slow site's
		st, refreshing, err := f.svc.Ensure(ctx, f.site.ID, fixtureDay, 0)
		if err != nil || st == nil || refreshing || st.Stale {
			t.Fatalf("unchanged: %+v %v %v", st, refreshing, err)
		}
		ranAt, before := st.RanAt, st.Findings
		// A change (the stale statistics column gets an item).
		f.publishStatistics(t, fixtureDay)
		for range 3 {
			st, refreshing, err = f.svc.Ensure(ctx, f.site.ID, fixtureDay, 1)
			if err != nil || refreshing || !st.Stale || st.RanAt != ranAt || st.Findings != before {
				t.Fatalf("a view after a change: %+v refreshing %v %v", st, refreshing, err)
			}
		}
		if want := store.ParseTime(ranAt).Add(f.svc.cooldown(st.Took)); st.Next.Before(want.Add(-time.Second)) || st.Next.After(want.Add(time.Minute)) {
			t.Errorf("next run at %v, want about %v", st.Next, want)
		}
		// Within the cooldown the background waits.
		if done, err := f.svc.Tick(ctx, f.site.ID, fixtureDay, 1); err != nil || done != nil {
			t.Fatalf("tick within the cooldown: %v %v", done, err)
		}
		// After it, it refreshes, once.
		if _, err := db.W.ExecContext(ctx, `UPDATE compliance_latest SET ran_at = $1 WHERE site_id = $2`, store.FormatTime(time.Now().Add(-f.svc.maxAge()-time.Minute)), f.site.ID); err != nil {
			t.Fatal(err)
		}
		done, err := f.svc.Tick(ctx, f.site.ID, fixtureDay, 1)
		if err != nil || done == nil {
			t.Fatalf("tick after the cooldown: %v %v", done, err)
		}
		<-done
		st, refreshing, err = f.svc.Ensure(ctx, f.site.ID, fixtureDay, 1)
		if err != nil || refreshing || st.Stale || st.Findings != before-1 {
			t.Fatalf("after the background run: %+v refreshing %v %v (before %d)", st, refreshing, err, before)
		}
		rep, err := f.svc.Run(ctx, f.site.ID, fixtureDay)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := f.svc.Findings(ctx, FindingFilter{SiteID: f.site.ID})
		if err != nil || !reflect.DeepEqual(got, rep.Findings) {
			t.Errorf("refreshed findings %+v %v, fresh %+v", got, err, rep.Findings)
		}
		if done, err := f.svc.Tick(ctx, f.site.ID, fixtureDay, 1); err != nil || done != nil {
			t.Fatalf("tick with a current run: %v %v", done, err)
		}
		// A new day: the page says so, the background runs at once.
		next := fixtureDay.AddDays(1)
		if st, _, err := f.svc.Ensure(ctx, f.site.ID, next, 1); err != nil || !st.Stale || time.Until(st.Next) > time.Second {
			t.Fatalf("a new day's view: %+v %v", st, err)
		}
		done, err = f.svc.Tick(ctx, f.site.ID, next, 1)
		if err != nil || done == nil {
			t.Fatalf("tick of a new day: %v %v", done, err)
		}
		<-done
		if st, err := f.svc.Latest(ctx, f.site.ID); err != nil || st.Today != next.String() {
			t.Fatalf("after the new day's run: %+v %v", st, err)
		}
		// Staff can still ask for a run now.
		<-f.svc.Record(f.site.ID, next, 1, 0)
		if h, err := f.svc.History(ctx, f.site.ID, 10); err != nil || len(h) != 2 {
			t.Errorf("history %+v %v", h, err)
		}
	})
}
