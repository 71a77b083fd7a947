package app

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"gongkai/internal/lists"
	"gongkai/internal/lists/enforce"
)

// The decision ledger aggregated in the database (enforce.Service.Ledger)
// is, entry for entry, the ledger computed from every version of every
// decision (enforce.LedgerOf of lists.History): over the demo's year of
// decisions and editions that change a decision's category and title,
// change it twice, remove and bring it back, and drafts on top.
func TestEnforceLedgerAsHistory(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		if err := e.srv.LoadEnforceDemo(ctx, e.site.ID, testDay); err != nil {
			t.Fatal(err)
		}
		cal, err := e.srv.Calendar.Current(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// Each state is read twice: the second call takes the published
		// editions' part from the service's cache.
		compare := func(when string) []*enforce.Entry {
			t.Helper()
			hist, err := e.srv.Lists.History(ctx, e.site.ID, enforce.Decisions)
			if err != nil {
				t.Fatal(err)
			}
			want := enforce.LedgerOf(hist, cal)
			var got []*enforce.Entry
			for _, call := range []string{"first call", "cached"} {
				got, err = e.srv.Enforce.Ledger(ctx, e.site.ID, cal)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(want) {
					t.Fatalf("%s, %s: %d entries, the history gives %d", when, call, len(got), len(want))
				}
				for i := range want {
					if g, w := fmt.Sprintf("%+v", *got[i]), fmt.Sprintf("%+v", *want[i]); g != w {
						t.Errorf("%s, %s: entry %d\n got %s\nwant %s", when, call, i, g, w)
					}
				}
			}
			return got
		}
		if led := compare("demo"); len(led) < 10 {
			t.Fatalf("the demo records %d decisions", len(led))
		}
		c := newAPIClient(t, e)
		// Each edition published on a day of its own (the import publishes
		// now), so that which edition a date comes from shows.
		publishedOn := func(r apiResp, instant string) {
			t.Helper()
			var ed lists.Edition
			r.decode(t, &ed)
			if _, err := e.db.W.ExecContext(ctx, `UPDATE list_editions SET published_at = $1 WHERE id = $2`, instant, ed.ID); err != nil {
				t.Fatal(err)
			}
		}
		r := c.publishRows(t, enforce.Decisions, []map[string]string{
			decision("L1", "license", "granted", "2026-09-29", map[string]string{"first_published_on": "2026-10-14"}),
			decision("L2", "penalty", "penalised", "2026-10-12", map[string]string{"penalty_kind": "warning", "changed_on": "2026-11-16", "withdrawal_reason": "经行政复议撤销"}),
			decision("L3", "inspection", "compliant", "2026-09-30", nil),
		}, true)
		publishedOn(r, "2026-10-20T01:00:00Z")
		compare("first edition")
		r = c.publishRows(t, enforce.Decisions, []map[string]string{
			// L1 recategorised and retitled, with an earlier 首次公开日期.
			decision("L1", "inspection", "compliant", "2026-09-28", map[string]string{"first_published_on": "2026-10-01", "decision_title": "检查结果L1"}),
			// L2 changed again, later.
			decision("L2", "penalty", "penalised", "2026-10-12", map[string]string{"penalty_kind": "warning", "changed_on": "2026-11-20", "withdrawal_reason": "经行政诉讼确认违法"}),
			// L3 removed; L4 new.
			decision("L4", "license", "refused", "2026-11-02", nil),
		}, true)
		publishedOn(r, "2026-11-24T17:00:00Z") // 2026-11-25 in Beijing
		compare("second edition")
		c.publishRows(t, enforce.Decisions, []map[string]string{
			decision("L1", "inspection", "compliant", "2026-09-28", map[string]string{"decision_title": "检查结果L1（草稿更正）"}),
			decision("L3", "inspection", "rectify", "2026-09-30", map[string]string{"changed_on": "2026-11-25", "withdrawal_reason": "撤销"}),
			decision("L5", "license", "granted", "2026-11-27", nil), // only in a draft
		}, false)
		led := compare("draft")
		by := map[string]*enforce.Entry{}
		for _, x := range led {
			by[x.Key] = x
		}
		// The cases are there: the draft's title, the first change's
		// publication, the later change, a draft-only decision.
		if x := by["L1"]; x == nil || x.Title != "检查结果L1（草稿更正）" || x.Category != "inspection" || x.PublishedOn.String() != "2026-10-01" {
			t.Errorf("L1 = %+v", x)
		}
		if x := by["L2"]; x == nil || x.ChangedOn.String() != "2026-11-20" || x.WithdrawnOn.String() != "2026-10-20" {
			t.Errorf("L2 = %+v", x)
		}
		if x := by["L3"]; x == nil || x.ChangedOn.String() != "2026-11-25" || !x.WithdrawnOn.IsZero() || x.PublishedOn.String() != "2026-10-20" {
			t.Errorf("L3 = %+v", x)
		}
		if x := by["L4"]; x == nil || x.PublishedOn.String() != "2026-11-25" {
			t.Errorf("L4 = %+v", x)
		}
		if x := by["L5"]; x == nil || !x.PublishedOn.IsZero() {
			t.Errorf("L5 = %+v", x)
		}
	})
}

// The yearly figures are kept per site and edition: a new edition of the
// decisions, once published, gives new figures; a draft does not.
func TestEnforceFiguresFollowNewEdition(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newAPIClient(t, e)
		figures := func() enforce.Figures {
			var f enforce.Figures
			c.do(t, "GET", "/api/v1/enforce/figures?year=2026", "", nil, "").decode(t, &f)
			return f
		}
		if f := figures(); f.Total != 0 {
			t.Fatalf("no decisions: %+v", f)
		}
		rows := []map[string]string{
			decision("F1", "license", "granted", "2026-03-02", nil),
			decision("F2", "penalty", "penalised", "2026-04-01", map[string]string{"penalty_kind": "fine", "amount": "200"}),
		}
		c.publishRows(t, enforce.Decisions, rows, true)
		if f := figures(); f.Total != 2 || f.Licences != 1 || f.PenaltyAmountYuan != "200.00" {
			t.Fatalf("first edition: %+v", f)
		}
		// The kept figures are a copy: changing the answer changes nothing.
		f, err := e.srv.Enforce.YearFigures(context.Background(), e.site.ID, 2026)
		if err != nil {
			t.Fatal(err)
		}
		f.ByCategory[0].Count = 99
		if g := figures(); g.CategoryCount(f.ByCategory[0].Code) == 99 {
			t.Error("the kept figures were changed through an answer")
		}
		rows = append(rows, decision("F3", "penalty", "penalised", "2026-05-06", map[string]string{"penalty_kind": "fine", "amount": "300.50"}))
		c.publishRows(t, enforce.Decisions, rows, false)
		if f := figures(); f.Total != 2 {
			t.Errorf("a draft changed the figures: %+v", f)
		}
		c.publishRows(t, enforce.Decisions, rows, true)
		if f := figures(); f.Total != 3 || f.Penalties != 2 || f.PenaltyAmountYuan != "500.50" {
			t.Errorf("second edition: %+v", f)
		}
		page := e.browser().get("/enforce/figures?year=2026")
		mustContain(t, page.body, "2026年共作出行政执法决定 3 宗")
	})
}

// The diff of two stored editions compared in the database (only rows
// whose stored values differ are read) equals the diff of both editions'
// rows read whole, as stored and as the public sees them: over the
// power list's demo editions and decisions whose publicity period and
// masked persons differ between editions.
func TestListsDiffInDatabase(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		if err := e.srv.LoadListsDemo(ctx, e.site.ID); err != nil {
			t.Fatal(err)
		}
		c := newAPIClient(t, e)
		person := func(no, name, until string, extra map[string]string) map[string]string {
			v := map[string]string{"party_type": "person", "party_name": "", "person_name": name, "person_id": "37130219900101123X",
				"penalty_kind": "warning", "publicity_until": until}
			for k, x := range extra {
				v[k] = x
			}
			return decision(no, "penalty", "penalised", "2025-06-03", v)
		}
		c.publishRows(t, enforce.Decisions, []map[string]string{
			person("P1", "孙悟空", "2026-01-01", nil), // past its publicity on testDay
			person("P2", "孙悟空", "2030-01-01", nil),
			person("P3", "猪八戒", "2030-01-01", nil),
			person("P4", "沙悟净", "2030-01-01", nil),
			decision("P5", "license", "granted", "2026-09-29", nil),
		}, true)
		c.publishRows(t, enforce.Decisions, []map[string]string{
			person("P1", "孙悟空", "2030-01-01", nil),                                  // public again: added for the public
			person("P2", "孙大圣", "2030-01-01", nil),                                  // masked alike (孙**): no public change
			person("P3", "猪八戒", "2026-01-01", nil),                                  // past its publicity: removed for the public
			person("P4", "沙悟净", "2030-01-01", map[string]string{"conclusion": "改"}), // changed
			decision("P6", "license", "granted", "2026-10-09", nil),
		}, true)
		seen := map[string]int{}
		for _, k := range []*lists.Kind{lists.PowerList, enforce.Decisions} {
			eds, err := e.srv.Lists.Editions(ctx, e.site.ID, k, false)
			if err != nil || len(eds) < 2 {
				t.Fatalf("%s: %d editions, %v", k.Code, len(eds), err)
			}
			for _, a := range eds {
				for _, b := range eds {
					ra, err := e.srv.Lists.Rows(ctx, a.ID)
					if err != nil {
						t.Fatal(err)
					}
					rb, err := e.srv.Lists.Rows(ctx, b.ID)
					if err != nil {
						t.Fatal(err)
					}
					for _, public := range []bool{false, true} {
						want := k.Diff(ra, rb)
						if public {
							want = k.Diff(k.Public(ra, testDay), k.Public(rb, testDay))
						}
						got, err := e.srv.Lists.DiffEditions(ctx, k, a.ID, b.ID, public, testDay)
						if err != nil {
							t.Fatal(err)
						}
						if g, w := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", want); g != w {
							t.Errorf("%s %d→%d public=%v:\n got %.600s\nwant %.600s", k.Code, a.Number, b.Number, public, g, w)
						}
						seen[k.Code+" added"] += len(got.Added)
						seen[k.Code+" removed"] += len(got.Removed)
						seen[k.Code+" changed"] += len(got.Changed)
					}
				}
			}
		}
		for _, what := range []string{"added", "removed", "changed"} {
			for _, k := range []string{lists.PowerList.Code, enforce.Decisions.Code} {
				if seen[k+" "+what] == 0 {
					t.Errorf("no %s rows compared for %s: %v", what, k, seen)
				}
			}
		}
		// The public comparison of the decisions' last two editions, by key.
		eds, _ := e.srv.Lists.Editions(ctx, e.site.ID, enforce.Decisions, false)
		d, err := e.srv.Lists.DiffEditions(ctx, enforce.Decisions, eds[1].ID, eds[0].ID, true, testDay)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, x := range d.Added {
			keys = append(keys, "+"+x.Key)
		}
		for _, x := range d.Removed {
			keys = append(keys, "-"+x.Key)
		}
		for _, x := range d.Changed {
			keys = append(keys, "~"+x.Key)
		}
		if got := strings.Join(keys, " "); got != "+P1 +P6 -P3 -P5 ~P4" {
			t.Errorf("public diff of the decisions: %s", got)
		}
	})
}

// The exports, written row by row from a cursor, are the file the whole
// public edition written at once gives: the CSV byte for byte, the XLSX
// cell for cell (both read back as an import reads them).
func TestListsExportStreamed(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		if err := e.srv.LoadListsDemo(ctx, e.site.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.srv.LoadEnforceDemo(ctx, e.site.ID, testDay); err != nil {
			t.Fatal(err)
		}
		c := newAPIClient(t, e)
		for _, k := range []*lists.Kind{lists.PowerList, enforce.Decisions} {
			cur, err := e.srv.Lists.Current(ctx, e.site.ID, k)
			if err != nil || cur == nil {
				t.Fatal(cur, err)
			}
			rows, err := e.srv.Lists.Rows(ctx, cur.ID)
			if err != nil {
				t.Fatal(err)
			}
			public := k.Public(rows, testDay)
			if len(public) < 10 {
				t.Fatalf("%s: %d public rows", k.Code, len(public))
			}
			var want bytes.Buffer
			if err := k.WriteFile(&want, lists.CSV, public); err != nil {
				t.Fatal(err)
			}
			got := c.raw(t, "/api/v1/lists/"+k.Code+"/export?format=csv")
			if !bytes.Equal(got, want.Bytes()) {
				t.Errorf("%s: the streamed CSV (%d bytes) differs from the whole edition's (%d bytes)", k.Code, len(got), want.Len())
			}
			var wantX bytes.Buffer
			if err := k.WriteFile(&wantX, lists.XLSX, public); err != nil {
				t.Fatal(err)
			}
			wantTable, err := lists.ReadTable(wantX.Bytes(), "x.xlsx")
			if err != nil {
				t.Fatal(err)
			}
			x := c.raw(t, "/api/v1/lists/"+k.Code+"/export?format=xlsx")
			gotTable, err := lists.ReadTable(x, "x.xlsx")
			if err != nil {
				t.Fatal(err)
			}
			if len(gotTable) != len(public)+1 || fmt.Sprint(gotTable) != fmt.Sprint(wantTable) {
				t.Errorf("%s: the streamed XLSX holds %d lines (%d public rows) or differs from the whole edition's", k.Code, len(gotTable), len(public))
			}
		}
	})
}
