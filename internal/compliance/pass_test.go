package compliance

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/calendar/calver"
	"gongkai/internal/catalog"
	"gongkai/internal/deadline"
	"gongkai/internal/demo/synthetic"
	"gongkai/internal/secure"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

// samePass checks that Run (the pass over pages of items, with pages of
// a few items so that every page boundary is crossed) finds exactly what
// the reference (every item at once, reference_test.go) finds, in the
// same order, with the same coverage; and returns the findings.
func samePass(t *testing.T, svc *Service, siteID int64, day calendar.Date, page int) []Finding {
	t.Helper()
	ctx := context.Background()
	saved := pageSize
	pageSize = page
	defer func() { pageSize = saved }()
	got, err := svc.Run(ctx, siteID, day)
	if err != nil {
		t.Fatal(err)
	}
	want, err := svc.refRun(ctx, siteID, day)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Findings) != len(want.Findings) {
		t.Errorf("%s: %d findings, reference %d", day, len(got.Findings), len(want.Findings))
	}
	for i := range min(len(got.Findings), len(want.Findings)) {
		if !reflect.DeepEqual(got.Findings[i], want.Findings[i]) {
			t.Fatalf("%s: finding %d\n got %+v\nwant %+v", day, i, got.Findings[i], want.Findings[i])
		}
	}
	if got.InterpretationCoverage != want.InterpretationCoverage || got.PolicyDocuments != want.PolicyDocuments || got.Site != want.Site {
		t.Errorf("%s: coverage %v of %d (%s), reference %v of %d (%s)", day, got.InterpretationCoverage, got.PolicyDocuments, got.Site,
			want.InterpretationCoverage, want.PolicyDocuments, want.Site)
	}
	return got.Findings
}

// TestPassEqualsReferenceDemo: on the demo site, with its lapses, on
// several inspection days.
func TestPassEqualsReferenceDemo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		kinds := map[string]bool{}
		for i, day := range []string{"2026-12-01", "2024-02-01", "2026-06-15", "2027-03-01"} {
			for _, x := range samePass(t, f.svc, f.site.ID, calendar.Day(day), 3+i) {
				kinds[x.Rule.Code] = true
			}
		}
		// The comparison means something only if the findings are varied.
		for _, code := range []string{"deadline.interpretation.publish", "deadline.annual_report.publish", "deadline.consultation.feedback", "column.stale", "site.home_stale"} {
			if !kinds[code] {
				t.Errorf("no %s finding on the demo site: %v", code, kinds)
			}
		}
	})
}

// TestPassEqualsReferenceSynthetic: on a generated site of 1,200 items
// (policies with their interpretations across the years, annual reports,
// consultations), with bodies linking to missing, withdrawn, draft and
// published items, and a withdrawn interpretation.
func TestPassEqualsReferenceSynthetic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		saved := secure.PasswordParams
		secure.PasswordParams = secure.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
		t.Cleanup(func() { secure.PasswordParams = saved })
		today := calendar.Date{Year: 2026, Month: 12, Day: 1}
		cat := &catalog.Service{DB: db, Today: func() calendar.Date { return today }}
		s, err := synthetic.Build(ctx, cat, auth.NewService(db), synthetic.Options{N: 1200, Seed: 11, Today: today})
		if err != nil {
			t.Fatal(err)
		}
		site := s.Site.ID
		ids := func(q string, args ...any) []int64 {
			rows, err := db.R.QueryContext(ctx, q, args...)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []int64
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				out = append(out, id)
			}
			return out
		}
		exec := func(q string, args ...any) {
			if _, err := db.W.ExecContext(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		published := ids(`SELECT id FROM items WHERE site_id = $1 AND status = 'published' ORDER BY id`, site)
		interps := ids(`SELECT from_id FROM item_links WHERE kind = 'interprets' ORDER BY from_id`)
		if len(published) < 1000 || len(interps) < 20 {
			t.Fatalf("%d published, %d interpretations", len(published), len(interps))
		}
		// A withdrawn interpretation (its document's duty reopens), a draft,
		// and bodies that link to them, to a missing item, to a published
		// one, to a missing column, with an image without alt.
		withdrawn, draft := interps[3], published[len(published)/2]
		exec(`UPDATE items SET status = 'withdrawn' WHERE id = $1`, withdrawn)
		exec(`UPDATE items SET status = 'draft' WHERE id = $1`, draft)
		exec(`UPDATE items SET validity = 'amended', successor_id = NULL WHERE id IN (SELECT id FROM items WHERE site_id = $1 AND status = 'published' AND doc_type = 'policy' ORDER BY id LIMIT 3)`, site)
		for i, id := range published[10:60] {
			body := fmt.Sprintf(`<p>见<a href="/items/%d">撤回的</a>、<a href="/items/%d?x=1#a">草稿</a>、<a href="/items/999999">不存在的</a>、<a href="/items/%d">已发布的</a>、<a href="/columns/no-such">栏目</a>、<a href="/items/x1">坏的</a>。</p>`,
				withdrawn, draft, published[i])
			if i%3 == 0 {
				body += `<p><img src="/static/a.png"></p>`
			}
			exec(`UPDATE items SET body = $1 WHERE id = $2`, body, id)
		}
		dl := &deadline.Service{DB: db, Catalog: cat, Calendar: &calver.Versions{DB: db}}
		svc := &Service{DB: db, Catalog: cat, Deadlines: dl, WaitBelow: time.Hour}
		kinds := map[string]int{}
		for _, day := range []string{"2026-12-01", "2025-02-03"} {
			for _, x := range samePass(t, svc, site, calendar.Day(day), 97) {
				kinds[x.Rule.Code]++
			}
		}
		for _, code := range []string{"content.broken_link", "content.withdrawn_link", "content.img_alt", "validity.no_successor", "deadline.interpretation.publish", "deadline.policy.publish"} {
			if kinds[code] == 0 {
				t.Errorf("no %s finding: %v", code, kinds)
			}
		}
		if len(kinds) < 5 {
			t.Errorf("findings of only %d rules: %v", len(kinds), kinds)
		}
	})
}
