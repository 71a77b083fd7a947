package deadline

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/calendar/calver"
	"gongkai/internal/catalog"
	"gongkai/internal/demo"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

type fx struct {
	t     *testing.T
	ctx   context.Context
	cat   *catalog.Service
	svc   *Service
	site  *catalog.Site
	admin *auth.User
	tree  *catalog.Tree
	dept  int64
}

func newFx(t *testing.T, db *store.DB) *fx {
	t.Helper()
	ctx := context.Background()
	cat := &catalog.Service{DB: db, Today: func() calendar.Date { return calendar.Date{Year: 2026, Month: 12, Day: 1} }}
	au := auth.NewService(db)
	site, err := demo.LoadOn(ctx, cat, au, "", calendar.Date{Year: 2026, Month: 12, Day: 1})
	if err != nil {
		t.Fatal(err)
	}
	admin, _ := au.UserByName(ctx, "admin")
	tree, _ := cat.Tree(ctx, site.ID)
	d, _ := cat.DepartmentByRef(ctx, "fzk")
	return &fx{t: t, ctx: ctx, cat: cat, svc: &Service{DB: db, Catalog: cat, Calendar: &calver.Versions{DB: db}}, site: site, admin: admin, tree: tree, dept: d.ID}
}

// item creates an item; published "" leaves it a draft.
func (f *fx) item(col, typ, title, written, published string, fields map[string]string, interprets ...int64) *catalog.Item {
	f.t.Helper()
	in := catalog.Input{DocType: typ, ColumnID: f.tree.BySlug[col].ID, DepartmentID: f.dept, Title: title, Disclosure: "proactive",
		WrittenOn: written, PublishedOn: published, Fields: fields, Interprets: interprets}
	if typ == "policy" {
		in.Validity = "in_force"
	}
	if typ == "interpretation" && fields == nil {
		in.Fields = map[string]string{"form": "文字解读"}
	}
	it, err := f.cat.Create(f.ctx, f.admin, f.site.ID, in)
	if err != nil {
		f.t.Fatal(err)
	}
	if published != "" {
		f.cat.Submit(f.ctx, f.admin, f.site.ID, it.ID)
		if it, err = f.cat.Publish(f.ctx, f.admin, f.site.ID, it.ID, time.Time{}); err != nil {
			f.t.Fatal(err)
		}
	}
	return it
}

func day(s string) calendar.Date {
	d, err := calendar.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

func (f *fx) find(itemID int64, rule, today string) *Deadline {
	f.t.Helper()
	ds, err := f.svc.ForItem(f.ctx, f.site.ID, itemID, day(today))
	if err != nil {
		f.t.Fatal(err)
	}
	for _, d := range ds {
		if d.Rule.Code == rule {
			return d
		}
	}
	return nil
}

// TestRulesWithRealDates checks each rule on dates around holidays and
// make-up working days (REFERENCE §9: 2021 国庆 10-01..10-07, make-up
// days 09-26 (Sun) and 10-09 (Sat)).
func TestRulesWithRealDates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		cases := []struct {
			name, typ, col, written, published, rule, today string
			due                                             string
			met, open, overdue                              bool
		}{
			// 7 calendar days from 09-28 end on 10-05, a holiday: moved to the next working day 10-08.
			{"policy on the moved last day", "policy", "zcwj", "2021-09-28", "2021-10-08", "policy.publish", "2021-12-01", "2021-10-08", true, false, false},
			// 10-09 is a make-up Saturday, a working day, but after the due date.
			{"policy one day late on a make-up Saturday", "policy", "zcwj", "2021-09-28", "2021-10-09", "policy.publish", "2021-12-01", "2021-10-08", false, false, false},
			// 7 days from 2021-09-20 (中秋 09-19..21) end on 09-27, a Monday working day.
			{"policy plain", "policy", "zcwj", "2021-09-20", "2021-09-27", "policy.publish", "2021-12-01", "2021-09-27", true, false, false},
			// Unpublished draft whose week has passed: open and overdue.
			{"policy draft overdue", "policy", "zcwj", "2021-09-28", "", "policy.publish", "2021-10-09", "2021-10-08", false, true, true},
			// 条例第二十六条: 20 working days from 2021-09-28 is 2021-11-01.
			{"proactive 20 working days", "general", "qzqd", "2021-09-28", "2021-11-01", "proactive.publish", "2021-12-01", "2021-11-01", true, false, false},
			{"proactive a day late", "general", "qzqd", "2021-09-28", "2021-11-02", "proactive.publish", "2021-12-01", "2021-11-01", false, false, false},
			// From 2020-12-31: 01-01..03 off (元旦), then four full weeks 01-04..01-29 → the 20th working day is 2021-01-29.
			{"proactive over new year", "general", "qzqd", "2020-12-31", "2021-01-28", "proactive.publish", "2021-12-01", "2021-01-29", true, false, false},
			// From 2021-02-05 (Fri) over 春节: 02-07 (make-up Sun) 1, 02-08..10 2–4, 02-11..17 off, 02-18..19 5–6,
			// 02-20 (make-up Sat) 7, 02-22..26 8–12, 03-01..05 13–17, 03-08..10 18–20 → 2021-03-10.
			{"proactive over spring festival", "general", "qzqd", "2021-02-05", "2021-03-11", "proactive.publish", "2021-12-01", "2021-03-10", false, false, false},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				it := f.item(c.col, c.typ, c.name, c.written, c.published, nil)
				d := f.find(it.ID, c.rule, c.today)
				if d == nil {
					t.Fatalf("no %s deadline", c.rule)
				}
				if d.Due.String() != c.due || d.Met != c.met || d.Open != c.open || d.Overdue(day(c.today)) != c.overdue {
					t.Errorf("due %s met %v open %v overdue %v; want %s %v %v %v", d.Due, d.Met, d.Open, d.Overdue(day(c.today)), c.due, c.met, c.open, c.overdue)
				}
				if d.Explanation.Summary == "" || d.Version == "" {
					t.Errorf("no explanation or version: %+v", d.Explanation)
				}
			})
		}

		// Interpretations: a policy published 2021-09-30 is due for its
		// interpretation on the 3rd working day: 10-08 (Fri), 10-09 (make-up Sat), 10-11.
		pol := f.item("zcwj", "policy", "解读期限测试", "2021-09-29", "2021-09-30", nil)
		d := f.find(pol.ID, "interpretation.publish", "2021-10-11")
		if d == nil || d.Due.String() != "2021-10-11" || !d.Open || d.Overdue(day("2021-10-11")) || !d.Overdue(day("2021-10-12")) {
			t.Fatalf("interpretation due: %+v", d)
		}
		steps := 0
		for _, s := range d.Explanation.Steps {
			if s.Counted {
				steps++
			}
		}
		if steps != 3 || len(d.Explanation.Steps) < 11 {
			t.Errorf("explanation steps: %d counted of %d", steps, len(d.Explanation.Steps))
		}
		interp := f.item("zcjd", "interpretation", "解读", "", "2021-10-11", nil, pol.ID)
		if d := f.find(interp.ID, "interpretation.publish", "2021-12-01"); d == nil || !d.Met || d.Subject == nil || d.Subject.ID != pol.ID {
			t.Errorf("the interpretation's page shows its document's duty, met: %+v", d)
		}

		// Consultations: at least 30 days, feedback within 20 working days of closing.
		cons := f.item("dczj", "consultation", "征求意见", "", "2021-09-01", map[string]string{"opens_on": "2021-09-01", "closes_on": "2021-10-01"})
		if d := f.find(cons.ID, "consultation.open", "2021-10-02"); d == nil || !d.Met || d.Due.String() != "2021-10-01" {
			t.Errorf("30-day period: %+v", d)
		}
		// Closing 10-01 (holiday): 10-08 is the 1st working day, 10-09 (make-up Sat) the 2nd … 2021-11-03 the 20th.
		if d := f.find(cons.ID, "consultation.feedback", "2021-11-04"); d == nil || d.Due.String() != "2021-11-03" || !d.Overdue(day("2021-11-04")) {
			t.Errorf("feedback due: %+v", d)
		}
	})
}

func TestAnnualReportDue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		facts, err := f.svc.LoadFacts(f.ctx, f.site.ID, day("2024-02-01"))
		if err != nil {
			t.Fatal(err)
		}
		// The demo catalogue (loaded as of 2026-12-01) has a report for each
		// year from 2019, its first year, to 2024. Remove 2022's: on 2024-02-01 the
		// 2022 report is overdue, and so would 2023's be had it not been
		// published in January 2024.
		facts.Items = slices.DeleteFunc(slices.Clone(facts.Items), func(it *catalog.Item) bool { return it.Value("report_year") == "2022" })
		dues := annualReportDues(facts, firstYear(facts.Today, facts.Items), facts.Items)
		years := map[string]*Deadline{}
		for _, d := range dues {
			years[d.Note] = d
		}
		if len(dues) != 2024-2019 || years["2019 年度报告"] == nil || years["2023 年度报告"] == nil || years["2024 年度报告"] != nil {
			t.Errorf("%d report duties on 2024-02-01: %v", len(dues), years)
		}
		if d := years["2022 年度报告"]; d == nil || !d.Open || d.Due.String() != "2023-01-31" || !d.Overdue(day("2024-02-01")) {
			t.Errorf("2022 report: %+v", d)
		}
		if d := years["2023 年度报告"]; d == nil || d.Open || !d.Met || d.Done.String() != "2024-01-26" {
			t.Errorf("2023 report: %+v", d)
		}
		// The demo catalogue alone has no 2025 report: it is generated
		// from the records and published by internal/annual (TestAnnualDemoDownloads
		// in internal/app checks it is on time).
		if d := annualReportDue(facts, 2025, facts.Items); !d.Open || d.Met {
			t.Errorf("2025 report: %+v", d)
		}
	})
}

// TestPinnedUntilRecomputed: a calendar correction does not move a due date
// computed earlier; recomputing on purpose does, and is audited.
func TestPinnedUntilRecomputed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		pol := f.item("zcwj", "policy", "版本测试", "2021-09-29", "2021-09-30", nil)
		d := f.find(pol.ID, "interpretation.publish", "2021-10-01")
		if d.Due.String() != "2021-10-11" || !d.Current {
			t.Fatalf("before: %+v", d)
		}
		old := d.Version
		// A (hypothetical) correction makes 2021-10-11 a day off.
		fix := []byte(`{"about":"x","years":{"2021":{"notices":["国办发明电〔2020〕27号","更正"],` +
			`"off":["2021-01-01","2021-01-02","2021-01-03","2021-02-11","2021-02-12","2021-02-13","2021-02-14","2021-02-15","2021-02-16","2021-02-17",` +
			`"2021-04-03","2021-04-04","2021-04-05","2021-05-01","2021-05-02","2021-05-03","2021-05-04","2021-05-05","2021-06-12","2021-06-13","2021-06-14",` +
			`"2021-09-19","2021-09-20","2021-09-21","2021-10-01","2021-10-02","2021-10-03","2021-10-04","2021-10-05","2021-10-06","2021-10-07","2021-10-11"],` +
			`"work":["2021-02-07","2021-02-20","2021-04-25","2021-05-08","2021-09-18","2021-09-26","2021-10-09"]}}}`)
		cal, err := f.svc.Calendar.Import(f.ctx, f.admin, fix, "测试更正")
		if err != nil {
			t.Fatal(err)
		}
		if cal.Version() == old {
			t.Fatal("version unchanged")
		}
		d = f.find(pol.ID, "interpretation.publish", "2021-10-01")
		if d.Due.String() != "2021-10-11" || d.Version != old || d.Current {
			t.Errorf("pinned due moved: %+v", d)
		}
		// A new item is computed with the calendar in force.
		pol2 := f.item("zcwj", "policy", "版本测试二", "2021-09-29", "2021-09-30", nil)
		if d := f.find(pol2.ID, "interpretation.publish", "2021-10-01"); d.Due.String() != "2021-10-12" || d.Version != cal.Version() {
			t.Errorf("new item: %+v", d)
		}
		if _, err := f.svc.Recompute(f.ctx, f.admin, f.site.ID, pol.ID); err != nil {
			t.Fatal(err)
		}
		if d := f.find(pol.ID, "interpretation.publish", "2021-10-01"); d.Due.String() != "2021-10-12" || !d.Current {
			t.Errorf("after recompute: %+v", d)
		}
		au := auth.NewService(db)
		log, _ := au.AuditLog(f.ctx, auth.AuditFilter{SiteID: f.site.ID, Action: "deadline.recompute"})
		if len(log) != 1 {
			t.Errorf("recompute audited %d times", len(log))
		}
		log, _ = au.AuditLog(f.ctx, auth.AuditFilter{SiteID: f.site.ID, Action: "calendar.import"})
		if len(log) != 1 {
			t.Errorf("import audited %d times", len(log))
		}
		// An editor may not recompute; importing the same data again is refused.
		if _, err := f.svc.Calendar.Import(f.ctx, f.admin, fix, "again"); err == nil {
			t.Error("same calendar imported twice")
		}
	})
}

// decisionType is a record type that brings its own deadline rule, as the
// enforcement results will (国办发〔2018〕118号: 7 working days).
var decisionType = &catalog.DocType{
	Code: "test_decision", Name: "行政许可决定",
	Fields: []catalog.Field{{Name: "decided_on", Label: "决定日期", Kind: catalog.Date, Required: true}},
	Deadlines: []catalog.DeadlineSpec{{Rule: "test_decision.publish", Title: "许可决定作出后 7 个工作日内公开", Unit: catalog.Workdays, Days: 7,
		Start: "decided_on", Basis: "国办发〔2018〕118号"}},
}

func init() { catalog.RegisterDocType(decisionType) }

// TestDeclaredRule: a rule declared with a type is evaluated like the
// shipped ones, with no code in this package naming the type.
func TestDeclaredRule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		col := &catalog.Column{SiteID: f.site.ID, Slug: "xzxk", Name: "行政许可", Kind: catalog.KindList, DocTypes: []string{"test_decision"}}
		if err := f.cat.SaveColumn(f.ctx, f.admin, col); err != nil {
			t.Fatal(err)
		}
		f.tree, _ = f.cat.Tree(f.ctx, f.site.ID)
		// Decided the day before 国庆 2021: 10-01..10-07 do not count, the
		// make-up Saturday 10-09 does.
		it := f.item("xzxk", "test_decision", "某许可决定", "", "", map[string]string{"decided_on": "2021-09-30"})
		d := f.find(it.ID, "test_decision.publish", "2021-10-11")
		if d == nil {
			t.Fatal("declared rule not applied")
		}
		if d.Due != day("2021-10-15") || !d.Open || d.Rule.Basis != "国办发〔2018〕118号" {
			t.Errorf("due %s open %v basis %q", d.Due, d.Open, d.Rule.Basis)
		}
		if r := RuleByCode("test_decision.publish"); r == nil || r.Days != 7 || r.Unit != Workdays {
			t.Errorf("RuleByCode = %+v", r)
		}
	})
}

// TestForItemAsTheWholeSite: ForItem reads only the items around one item
// (issue 17) and must give exactly what evaluating the whole site gives for
// that item: its own duties and, for an interpretation, the duty of each
// document it explains. Every demo item is checked, plus a second
// interpretation of one document and a draft one.
func TestForItemAsTheWholeSite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		today := day("2026-12-01")
		pol := f.item("zcwj", "policy", "两份解读的文件", "2026-11-02", "2026-11-03", nil)
		f.item("zcjd", "interpretation", "第一份解读", "", "2026-11-09", map[string]string{"form": "文字解读"}, pol.ID)
		f.item("zcjd", "interpretation", "第二份解读", "", "2026-11-05", map[string]string{"form": "文字解读"}, pol.ID)
		f.item("zcjd", "interpretation", "未发布的解读", "", "", map[string]string{"form": "文字解读"}, pol.ID)
		facts, err := f.svc.LoadFacts(f.ctx, f.site.ID, today)
		if err != nil {
			t.Fatal(err)
		}
		all, err := f.svc.Evaluate(f.ctx, facts)
		if err != nil {
			t.Fatal(err)
		}
		key := func(d *Deadline) string {
			subject := int64(0)
			if d.Subject != nil {
				subject = d.Subject.ID
			}
			return fmt.Sprintf("%s item %d subject %d %s→%s done %s met %v open %v %s", d.Rule.Code, d.ItemID, subject, d.Start, d.Due, d.Done, d.Met, d.Open, d.Version)
		}
		checked := 0
		for _, it := range facts.Items {
			mine := map[int64]bool{it.ID: true}
			for _, to := range facts.Interprets[it.ID] {
				mine[to] = true
			}
			var want []string
			for _, d := range all {
				if d.ItemID != 0 && mine[d.ItemID] && (d.ItemID == it.ID || d.Rule.Code == "interpretation.publish") {
					c := *d
					if d.ItemID != it.ID {
						c.Subject = facts.ByID[d.ItemID]
					}
					want = append(want, key(&c))
				}
			}
			ds, err := f.svc.ForItem(f.ctx, f.site.ID, it.ID, today)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range ds {
				got = append(got, key(d))
			}
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s (%d):\n got  %q\n want %q", it.Title, it.ID, got, want)
			}
			if len(want) > 0 {
				checked++
			}
		}
		if checked < 10 {
			t.Errorf("only %d items have deadlines to compare", checked)
		}
	})
}
