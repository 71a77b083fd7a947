package compliance

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/calendar/calver"
	"gongkai/internal/catalog"
	"gongkai/internal/deadline"
	"gongkai/internal/demo"
	"gongkai/internal/errs"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

type fixture struct {
	db   *store.DB
	cat  *catalog.Service
	au   *auth.Service
	svc  *Service
	site *catalog.Site
}

// fixtureDay is the date the fixture's demo site is loaded for, unless a test says otherwise.
var fixtureDay = calendar.Date{Year: 2026, Month: 12, Day: 1}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	return newFixtureOn(t, db, fixtureDay)
}

func newFixtureOn(t *testing.T, db *store.DB, today calendar.Date) *fixture {
	t.Helper()
	cat := &catalog.Service{DB: db, Today: func() calendar.Date { return today }}
	au := auth.NewService(db)
	site, err := demo.LoadOn(context.Background(), cat, au, "", today)
	if err != nil {
		t.Fatal(err)
	}
	dl := &deadline.Service{DB: db, Catalog: cat, Calendar: &calver.Versions{DB: db}}
	return &fixture{db: db, cat: cat, au: au, site: site, svc: &Service{DB: db, Catalog: cat, Deadlines: dl, WaitBelow: time.Hour}}
}

func codes(rep *Report) []string {
	var out []string
	for _, f := range rep.Findings {
		out = append(out, f.Rule.Code)
	}
	sort.Strings(out)
	return out
}

// TestDemoLapses: the demo site's self-inspection reports exactly its three
// planted lapses (and, from February, last year's missing annual report) whatever the date it is loaded and inspected on (the
// demo's dates are relative to that day), and fixing one in the back office
// removes it.
func TestDemoLapses(t *testing.T) {
	for _, day := range []calendar.Date{{Year: 2026, Month: 12, Day: 1}, {Year: 2027, Month: 1, Day: 10}, {Year: 2027, Month: 2, Day: 15},
		{Year: 2028, Month: 6, Day: 30}} {
		t.Run(day.String(), func(t *testing.T) { testDemoLapses(t, day) })
	}
}

func testDemoLapses(t *testing.T, day calendar.Date) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixtureOn(t, db, day)
		rep, err := f.svc.Run(ctx, f.site.ID, day)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"column.stale", "deadline.interpretation.publish", "deadline.interpretation.publish"}
		// The catalogue alone holds no report for last year (the annual
		// report capability makes it): from February it is overdue.
		if day.Month >= 2 {
			want = []string{"column.stale", "deadline.annual_report.publish", "deadline.interpretation.publish", "deadline.interpretation.publish"}
		}
		if got := codes(rep); strings.Join(got, ",") != strings.Join(want, ",") {
			for _, x := range rep.Findings {
				t.Logf("%s %s: %s", x.Level, x.Rule.Code, x.Message)
			}
			t.Fatalf("findings %v, want %v", got, want)
		}
		all := ""
		for _, x := range rep.Findings {
			all += x.Message + "\n"
			if x.Link == "" || x.Rule.Basis == "" {
				t.Errorf("finding without link or basis: %+v", x)
			}
			// A column's finding names the department keeping the column
			// (issue 15), as an item's names the item's.
			if x.Rule.Code == "column.stale" && x.Department != "办公室" {
				t.Errorf("stale 统计数据 column: department %q, want 办公室", x.Department)
			}
		}
		for _, w := range []string{"统计数据", "公共法律服务事项清单管理办法", "至今没有已发布的解读", "行政执法案卷评查", "解读发布过晚"} {
			if !strings.Contains(all, w) {
				t.Errorf("findings lack %q:\n%s", w, all)
			}
		}
		if rep.Vetoes() != 0 {
			t.Errorf("vetoes: %d", rep.Vetoes())
		}
		// 6 policy documents, the trial measures repealed: 5 count (two of
		// them issued last year), 4 covered (one planted lapse has none).
		if rep.PolicyDocuments != 5 || rep.InterpretationCoverage < 0.79 || rep.InterpretationCoverage > 0.81 {
			t.Errorf("coverage %.2f of %d", rep.InterpretationCoverage, rep.PolicyDocuments)
		}
		if err := f.svc.Save(ctx, rep); err != nil {
			t.Fatal(err)
		}

		// Fix the stale column: the 法制科 editor publishes this quarter's statistics via the office.
		f.publishStatistics(t, day)
		rep2, err := f.svc.Run(ctx, f.site.ID, day)
		if err != nil {
			t.Fatal(err)
		}
		if got := codes(rep2); strings.Join(got, ",") != strings.Join(want[1:], ",") {
			t.Errorf("after fixing: %v", got)
		}
		if err := f.svc.Save(ctx, rep2); err != nil {
			t.Fatal(err)
		}
		h, err := f.svc.History(ctx, f.site.ID, 10)
		if err != nil || len(h) != 2 || h[0].Findings != len(want) || h[1].Findings != len(want)-1 {
			t.Errorf("history %+v %v", h, err)
		}
	})
}

func TestColumnAndContentChecks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		admin, _ := f.au.UserByName(ctx, "admin")
		// Five new empty columns reach the veto line (≥ 5 empty columns).
		tree, _ := f.cat.Tree(ctx, f.site.ID)
		parent := tree.BySlug["fdzdgk"].ID
		for i, slug := range []string{"e1", "e2", "e3", "e4", "e5"} {
			c := &catalog.Column{SiteID: f.site.ID, ParentID: parent, Slug: slug, Name: "空栏目" + slug, Kind: catalog.KindList, DocTypes: []string{"general"}, Sort: 100 + i}
			if err := f.cat.SaveColumn(ctx, admin, c); err != nil {
				t.Fatal(err)
			}
		}
		// A published body with a broken internal link, a link to a withdrawn
		// item and an image without alt text.
		tree, _ = f.cat.Tree(ctx, f.site.ID)
		dept, _ := f.cat.DepartmentByRef(ctx, "bgs")
		mk := func(title, body string) *catalog.Item {
			it, err := f.cat.Create(ctx, admin, f.site.ID, catalog.Input{DocType: "general", ColumnID: tree.BySlug["qzqd"].ID, DepartmentID: dept.ID,
				Title: title, Disclosure: "proactive", Body: body})
			if err != nil {
				t.Fatal(err)
			}
			f.cat.Submit(ctx, admin, f.site.ID, it.ID)
			if it, err = f.cat.Publish(ctx, admin, f.site.ID, it.ID, timeZero); err != nil {
				t.Fatal(err)
			}
			return it
		}
		gone := mk("将被撤回的信息", "<p>x</p>")
		if _, err := f.cat.Withdraw(ctx, admin, f.site.ID, gone.ID, "内容有误"); err != nil {
			t.Fatal(err)
		}
		mk("链接检查", `<p><a href="/items/999999">不存在</a> <a href="/items/`+itoa(gone.ID)+`">已撤回</a> <a href="/columns/nope">无栏目</a> <a href="https://www.gov.cn/">外部</a> <img src="/x.png" alt="示意图"></p>`)
		// Saving refuses an image without alt text; one stored before that
		// rule (or by an old import) is still found.
		old := mk("旧图片", `<p><img src="/y.png" alt="旧图"></p>`)
		if _, err := f.db.W.ExecContext(ctx, `UPDATE items SET body = $1 WHERE id = $2`, `<p><img src="/y.png"></p>`, old.ID); err != nil {
			t.Fatal(err)
		}
		rep, err := f.svc.Run(ctx, f.site.ID, fixtureDay)
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, x := range rep.Findings {
			count[x.Rule.Code]++
		}
		wants := map[string]int{"column.empty": 5, "site.columns_stale": 1, "content.broken_link": 2, "content.withdrawn_link": 1, "content.img_alt": 1}
		for code, n := range wants {
			if count[code] != n {
				t.Errorf("%s: %d findings, want %d", code, count[code], n)
			}
		}
		if rep.Vetoes() != 1 {
			t.Errorf("vetoes %d, want 1", rep.Vetoes())
		}
	})
}

var timeZero time.Time

// publishStatistics publishes, as the office, this quarter's figures in the
// statistics column (tjsj), dated the day before day: the change that
// mends the column the fixture leaves stale.
func (f *fixture) publishStatistics(t *testing.T, day calendar.Date) {
	t.Helper()
	ctx := context.Background()
	office, _ := f.au.UserByName(ctx, "office")
	tree, _ := f.cat.Tree(ctx, f.site.ID)
	dept, _ := f.cat.DepartmentByRef(ctx, "zfk")
	it, err := f.cat.Create(ctx, office, f.site.ID, catalog.Input{DocType: "statistics", ColumnID: tree.BySlug["tjsj"].ID, DepartmentID: dept.ID,
		Title: "本季度全市司法行政业务数据", Disclosure: "proactive", Fields: map[string]string{"period": "本季度"}, PublishedOn: day.AddDays(-1).String()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.cat.Submit(ctx, office, f.site.ID, it.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.cat.Publish(ctx, office, f.site.ID, it.ID, timeZero); err != nil {
		t.Fatal(err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestArt20ByDuty: the 条例第二十条 check follows the column's declared
// duty, not its name.
func TestArt20ByDuty(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		admin, _ := f.au.UserByName(ctx, "admin")
		tree, _ := f.cat.Tree(ctx, f.site.ID)
		parent := tree.BySlug["fdzdgk"].ID
		duty := &catalog.Column{SiteID: f.site.ID, ParentID: parent, Slug: "fgk", Name: "法规规章库", Kind: catalog.KindList, DocTypes: []string{"policy"}, Duty: "art20.1"}
		named := &catalog.Column{SiteID: f.site.ID, ParentID: parent, Slug: "tjsj2", Name: "统计数据", Kind: catalog.KindList, DocTypes: []string{"statistics"}}
		for _, c := range []*catalog.Column{duty, named} {
			if err := f.cat.SaveColumn(ctx, admin, c); err != nil {
				t.Fatal(err)
			}
		}
		rep, err := f.svc.Run(ctx, f.site.ID, calendar.Today())
		if err != nil {
			t.Fatal(err)
		}
		var art20 []Finding
		for _, x := range rep.Findings {
			if x.Rule.Code == "column.art20_empty" {
				art20 = append(art20, x)
			}
		}
		if len(art20) != 1 || !strings.Contains(art20[0].Message, "（一）行政法规、规章和规范性文件") || !strings.Contains(art20[0].Message, "法规规章库") ||
			art20[0].Link != "/admin/columns/"+itoa(duty.ID) {
			t.Errorf("art20 findings %+v, want one for 法规规章库", art20)
		}
		got, err := f.cat.Column(ctx, duty.ID)
		if err != nil || got.Duty != "art20.1" {
			t.Errorf("column duty %q (%v)", got.Duty, err)
		}
		bad := &catalog.Column{SiteID: f.site.ID, ParentID: parent, Slug: "bad", Name: "错误", Kind: catalog.KindList, DocTypes: []string{"general"}, Duty: "art20.99"}
		if err := f.cat.SaveColumn(ctx, admin, bad); errs.FieldsOf(err)["duty"] == "" {
			t.Errorf("unknown duty accepted: %v", err)
		}
	})
}

// TestFutureDateIsNoUpdate: issue 16 #10. A published item dated after the
// inspection day (9999-12-31, typed before dates were bounded, or an
// import) hid the stale-column finding and the home page's. It counts as
// no update; the column is stale, not empty.
func TestFutureDateIsNoUpdate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		office, _ := f.au.UserByName(ctx, "office")
		tree, _ := f.cat.Tree(ctx, f.site.ID)
		dept, _ := f.cat.DepartmentByRef(ctx, "zfk")
		it, err := f.cat.Create(ctx, office, f.site.ID, catalog.Input{DocType: "statistics", ColumnID: tree.BySlug["tjsj"].ID, DepartmentID: dept.ID,
			Title: "日期有误的统计数据", Disclosure: "proactive", Fields: map[string]string{"period": "本季度"}})
		if err != nil {
			t.Fatal(err)
		}
		f.cat.Submit(ctx, office, f.site.ID, it.ID)
		if _, err := f.cat.Publish(ctx, office, f.site.ID, it.ID, timeZero); err != nil {
			t.Fatal(err)
		}
		// Published today it is an update: the demo's stale column is fixed.
		rep, err := f.svc.Run(ctx, f.site.ID, fixtureDay)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(codes(rep), ","); strings.Contains(got, "column.stale") {
			t.Fatalf("published today, still stale: %v", got)
		}
		// The same item dated in the future (stored as before the bound).
		if _, err := db.W.ExecContext(ctx, `UPDATE items SET published_on = '9999-12-31' WHERE id = $1`, it.ID); err != nil {
			t.Fatal(err)
		}
		for _, inspect := range []calendar.Date{fixtureDay, fixtureDay.AddDays(-1)} {
			rep, err = f.svc.Run(ctx, f.site.ID, inspect)
			if err != nil {
				t.Fatal(err)
			}
			var stale []string
			for _, x := range rep.Findings {
				if x.Rule.Code == "column.stale" || x.Rule.Code == "column.empty" {
					stale = append(stale, x.Rule.Code+": "+x.Message)
				}
			}
			if len(stale) != 1 || !strings.HasPrefix(stale[0], "column.stale") || !strings.Contains(stale[0], "统计数据") {
				t.Errorf("inspected %s: column findings %q, want the statistics column stale", inspect, stale)
			}
		}
	})
}

// TestValidityChecks: a document lapsing within 90 days is flagged to be
// reviewed in time, one lapsing later is not; an amended document without
// the document that amended it is a fault (issue 15).
func TestValidityChecks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		today := calendar.Date{Year: 2026, Month: 12, Day: 1}
		f := newFixtureOn(t, db, today)
		admin, _ := f.au.UserByName(ctx, "admin")
		tree, _ := f.cat.Tree(ctx, f.site.ID)
		dept, _ := f.cat.DepartmentByRef(ctx, "fzk")
		mk := func(title, validity, expires string) {
			it, err := f.cat.Create(ctx, admin, f.site.ID, catalog.Input{DocType: "policy", ColumnID: tree.BySlug["zcwj"].ID, DepartmentID: dept.ID,
				Title: title, WrittenOn: "2024-01-01", Validity: validity, Disclosure: "proactive", Body: "<p>正文</p>",
				Fields: map[string]string{"effective_on": "2024-01-10", "expires_on": expires}})
			if err != nil {
				t.Fatal(err)
			}
			f.cat.Submit(ctx, admin, f.site.ID, it.ID)
			if _, err := f.cat.Publish(ctx, admin, f.site.ID, it.ID, timeZero); err != nil {
				t.Fatal(err)
			}
		}
		mk("九十天内到期的办法", "in_force", "2027-03-01")
		mk("明年年底到期的办法", "in_force", "2027-12-31")
		mk("已修订但未关联的办法", "amended", "")
		rep, err := f.svc.Run(ctx, f.site.ID, today)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, x := range rep.Findings {
			if strings.HasPrefix(x.Rule.Code, "validity.") {
				got[x.Rule.Code] += x.Message + string(x.Level) + ";"
			}
		}
		if e := got["validity.expiring"]; !strings.Contains(e, "九十天内到期的办法") || !strings.Contains(e, "还有 90 天") || strings.Contains(e, "明年年底") || !strings.Contains(e, "soon") {
			t.Errorf("expiring: %q", e)
		}
		if a := got["validity.no_successor"]; !strings.Contains(a, "已修订但未关联的办法") || !strings.Contains(a, "fault") {
			t.Errorf("amended without successor: %q", a)
		}
	})
}
