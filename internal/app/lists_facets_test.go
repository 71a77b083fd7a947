package app

import (
	"context"
	"strings"
	"testing"

	"gongkai/internal/execution"
	"gongkai/internal/lists"
)

// The facet counts of a published edition are counted when it is published
// and stored with it, on both databases: after a restart (the memory
// emptied) a list page's facets are read back from the edition, not
// recounted — shown by altering the stored counts, which the next page
// then shows; an edition without stored counts (published before they were
// kept) is counted on first view and stored; counts stored for other
// facets (a kind changed since) are not used.
func TestListFacetCountsStoredAtPublication(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := newAPIClient(t, e)
		c.publishRows(t, execution.Tasks, []map[string]string{
			execTask("F1", "2026-06-01", "2026-12-31", nil), execTask("F2", "2026-06-01", "2026-12-31", nil),
			execTask("F3", "2026-06-01", "2026-12-31", map[string]string{"source": "plan", "lead_unit": "普法与依法治理科"}),
		}, true)
		cur, err := e.srv.Lists.Current(ctx, e.site.ID, execution.Tasks)
		if err != nil {
			t.Fatal(err)
		}
		stored := func() string {
			var js string
			if err := e.db.R.QueryRow(`SELECT facet_counts FROM list_editions WHERE id = $1`, cur.ID).Scan(&js); err != nil {
				t.Fatal(err)
			}
			return js
		}
		js := stored()
		if !strings.Contains(js, `"counts":[`) || !strings.Contains(js, "普法与依法治理科") {
			t.Fatalf("no counts stored at publication: %q", js)
		}
		b := e.browser()
		facet := func(q string) string {
			t.Helper()
			r := b.get("/lists/execution_tasks" + q)
			if r.status != 200 {
				t.Fatalf("list page %s: %d", q, r.status)
			}
			return r.body
		}
		mustContain(t, facet("?lead_unit=法制科"), "法制科")

		// Restart with altered stored counts: the page shows them.
		altered := strings.Replace(js, `"counts":[`, `"counts":[70`, 1)
		if _, err := e.db.W.Exec(`UPDATE list_editions SET facet_counts = $1 WHERE id = $2`, altered, cur.ID); err != nil {
			t.Fatal(err)
		}
		lists.ForgetFacetCounts()
		if body := facet("?source=plan"); !strings.Contains(body, "普法与依法治理科（701）") {
			t.Errorf("the stored counts were not read back: %s", clipBody(body))
		}

		// Not stored (an older edition) or stored for other facets: counted on
		// view, stored again, and the page shows the real counts.
		for i, old := range []string{"", strings.Replace(js, `"sig":"`, `"sig":"x`, 1)} {
			if _, err := e.db.W.Exec(`UPDATE list_editions SET facet_counts = $1 WHERE id = $2`, old, cur.ID); err != nil {
				t.Fatal(err)
			}
			lists.ForgetFacetCounts()
			// A URL not yet rendered (the render cache keeps pages).
			year := []string{"&year=2026", "&year=2026&lead_unit=普法与依法治理科"}[i]
			if body := facet("?source=plan" + year); !strings.Contains(body, "普法与依法治理科（1）") || strings.Contains(body, "（701）") {
				t.Errorf("%d: not recounted: %s", i, clipBody(body))
			}
			if got := stored(); got != js {
				t.Errorf("%d: counted on view but stored %q, want %q", i, got, js)
			}
		}
	})
}
