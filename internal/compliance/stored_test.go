package compliance

import (
	"context"
	"reflect"
	"testing"
	"time"

	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

// TestStoredEqualsFreshRun: the stored run the pages read holds exactly
// the findings of a fresh run, in its order, with the summary; per
// department and per record as the pages ask; and a later run replaces it.
func TestStoredEqualsFreshRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		if st, err := f.svc.Latest(ctx, f.site.ID); err != nil || st != nil {
			t.Fatalf("stored before any run: %+v %v", st, err)
		}
		rep, err := f.svc.Run(ctx, f.site.ID, fixtureDay)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Save(ctx, rep); err != nil {
			t.Fatal(err)
		}
		st, err := f.svc.Latest(ctx, f.site.ID)
		if err != nil || st == nil {
			t.Fatalf("latest: %+v %v", st, err)
		}
		if st.Findings != len(rep.Findings) || st.Vetoes != rep.Vetoes() || st.Today != rep.Today || st.RanAt != rep.RanAt ||
			st.PolicyDocuments != rep.PolicyDocuments || st.InterpretationCoverage != rep.InterpretationCoverage {
			t.Errorf("summary %+v, report %d findings %d vetoes %s %s %d %.3f", st, len(rep.Findings), rep.Vetoes(), rep.Today, rep.RanAt, rep.PolicyDocuments, rep.InterpretationCoverage)
		}
		got, total, err := f.svc.Findings(ctx, FindingFilter{SiteID: f.site.ID})
		if err != nil || total != len(rep.Findings) || !reflect.DeepEqual(got, rep.Findings) {
			t.Fatalf("stored findings (%d, %v):\n%+v\nfresh:\n%+v", total, err, got, rep.Findings)
		}
		// Pages: the second finding alone; a department's part; a record's.
		if page, total, err := f.svc.Findings(ctx, FindingFilter{SiteID: f.site.ID, Limit: 1, Offset: 1}); err != nil || total != len(rep.Findings) || len(page) != 1 || !reflect.DeepEqual(page[0], rep.Findings[1]) {
			t.Errorf("page 2 of 1: %+v %d %v", page, total, err)
		}
		dept := rep.ForDepartment("法制科")
		if mine, total, err := f.svc.Findings(ctx, FindingFilter{SiteID: f.site.ID, ByDepartment: true, Department: "法制科"}); err != nil || total != len(dept) || len(dept) == 0 || !reflect.DeepEqual(mine, dept) {
			t.Errorf("法制科: %+v %d %v, want %+v", mine, total, err, dept)
		}
		link := rep.Findings[0].Link
		if one, _, err := f.svc.Findings(ctx, FindingFilter{SiteID: f.site.ID, Links: []string{link}}); err != nil || len(one) == 0 || one[0].Link != link {
			t.Errorf("by link %s: %+v %v", link, one, err)
		}
		counts, err := f.svc.CountByDepartment(ctx, f.site.ID)
		want := map[string]int{}
		for k, v := range rep.ByDepartment() {
			want[k] = v
		}
		gotCounts := map[string]int{}
		for _, c := range counts {
			gotCounts[c.Department] = c.Count
		}
		if err != nil || !reflect.DeepEqual(gotCounts, want) {
			t.Errorf("by department %v %v, want %v", gotCounts, err, want)
		}
	})
}

// TestChangeRefreshes: a page's Ensure after a change (the change count
// moved on) re-runs the inspection and stores the result, which then
// equals a fresh run; without a change it reuses the stored run.
func TestChangeRefreshes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		// Nothing stored: the first look runs it (a small site: waited for).
		st, refreshing, err := f.svc.Ensure(ctx, f.site.ID, fixtureDay, 0)
		if err != nil || st == nil || refreshing {
			t.Fatalf("first look: %+v %v %v", st, refreshing, err)
		}
		first := st.RanAt + "/" + st.Today
		before := st.Findings
		// No change: the same stored run (its row is not rewritten; the
		// marker is no duration a run of this site takes: 7 ms was, at times).
		if _, err := db.W.ExecContext(ctx, `UPDATE compliance_latest SET took_ms = 987654 WHERE site_id = $1`, f.site.ID); err != nil {
			t.Fatal(err)
		}
		st, _, err = f.svc.Ensure(ctx, f.site.ID, fixtureDay, 0)
		if err != nil || st.Took.Milliseconds() != 987654 || st.RanAt+"/"+st.Today != first {
			t.Fatalf("unchanged: %+v %v", st, err)
		}
		// A change: a stale column gets an item; the next look (change
		// count 1) shows the refreshed findings, equal to a fresh run.
		f.publishStatistics(t, fixtureDay)
		st, refreshing, err = f.svc.Ensure(ctx, f.site.ID, fixtureDay, 1)
		if err != nil || refreshing || st.Findings != before-1 || st.Took.Milliseconds() == 987654 {
			t.Fatalf("after a change: %+v refreshing %v %v (before %d)", st, refreshing, err, before)
		}
		rep, err := f.svc.Run(ctx, f.site.ID, fixtureDay)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := f.svc.Findings(ctx, FindingFilter{SiteID: f.site.ID})
		if err != nil || !reflect.DeepEqual(got, rep.Findings) {
			t.Errorf("refreshed findings %+v %v, fresh %+v", got, err, rep.Findings)
		}
		// A refresh is not a recorded run: the history stays empty.
		if h, err := f.svc.History(ctx, f.site.ID, 10); err != nil || len(h) != 0 {
			t.Errorf("history %+v %v", h, err)
		}
		// A recorded run (立即自查) enters the history and the stored run.
		<-f.svc.Record(f.site.ID, fixtureDay, 1, 0)
		if h, err := f.svc.History(ctx, f.site.ID, 10); err != nil || len(h) != 1 || h[0].Findings != len(rep.Findings) {
			t.Errorf("history after a recorded run %+v %v", h, err)
		}
		// The daily run skips a site recorded less than its age ago.
		<-f.svc.Record(f.site.ID, fixtureDay, 1, 24*3600e9)
		if h, _ := f.svc.History(ctx, f.site.ID, 10); len(h) != 1 {
			t.Errorf("daily run twice: %d runs", len(h))
		}
	})
}

// TestLargeSiteFirstLookDoesNotWait: with nothing stored and no run
// known, a page on a site of WaitItems items or more does not wait for the
// first run (issue 17: every view of a first serve on PostgreSQL at
// 100,000 items waited WaitBelow): it answers at once, refreshing.
func TestLargeSiteFirstLookDoesNotWait(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		f.svc.WaitItems = 1
		t0 := time.Now()
		st, refreshing, err := f.svc.Ensure(ctx, f.site.ID, fixtureDay, 0)
		if err != nil || st != nil || !refreshing {
			t.Fatalf("first look: %+v %v %v", st, refreshing, err)
		}
		if d := time.Since(t0); d > 30*time.Second {
			t.Errorf("first look took %v", d)
		}
		<-f.svc.Refresh(f.site.ID, fixtureDay, 0) // the run it started
		// Once a run is known to be quick, a look after a change waits for it.
		st, refreshing, err = f.svc.Ensure(ctx, f.site.ID, fixtureDay, 1)
		if err != nil || st == nil || refreshing {
			t.Fatalf("after the first run: %+v %v %v", st, refreshing, err)
		}
	})
}
