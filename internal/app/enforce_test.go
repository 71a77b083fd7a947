package app

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gongkai/internal/catalog"
	"gongkai/internal/lists"
	"gongkai/internal/lists/enforce"
)

// kindCSV writes rows (raw values by field name) as a kind's import CSV.
func kindCSV(t *testing.T, k *lists.Kind, rows []map[string]string) []byte {
	t.Helper()
	var rs []lists.Row
	for _, r := range rows {
		rs = append(rs, lists.Row{Values: r})
	}
	var b bytes.Buffer
	if err := k.WriteFile(&b, lists.CSV, rs); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func (c *apiClient) publishRows(t *testing.T, k *lists.Kind, rows []map[string]string, publish bool) apiResp {
	t.Helper()
	form := map[string]string{"note": "测试导入"}
	if publish {
		form["publish"] = "true"
	}
	r := c.upload(t, k.Code, "office", k.Code+".csv", kindCSV(t, k, rows), form)
	if r.status != 201 {
		t.Fatalf("%s import: %d %s", k.Code, r.status, clipBody(r.body))
	}
	return r
}

// xlsxText is the text of every part of an XLSX file (its shared strings
// and sheets), for searching.
func xlsxText(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, f := range zr.File {
		rc, _ := f.Open()
		x, _ := io.ReadAll(rc)
		rc.Close()
		out.Write(x)
	}
	return out.String()
}

var idNumberRE = regexp.MustCompile(`\d{17}[\dXx]`)

// Natural persons' names and ID numbers never leave the back office
// unmasked: pages, API, exports (CSV, XLSX), diffs, feeds, search.
func TestEnforceMasking(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		if err := e.srv.LoadEnforceDemo(ctx, e.site.ID, testDay); err != nil {
			t.Fatal(err)
		}
		if _, err := e.srv.Search.ReindexAll(ctx, []int64{e.site.ID}, nil); err != nil {
			t.Fatal(err)
		}
		c := newAPIClient(t, e)
		k := enforce.Decisions
		cur, err := e.srv.Lists.Current(ctx, e.site.ID, k)
		if err != nil || cur == nil {
			t.Fatalf("no decisions: %v", err)
		}
		stored, _ := e.srv.Lists.Rows(ctx, cur.ID)
		var secrets []string // full names and ID numbers as stored
		var persons []lists.Row
		for _, r := range stored {
			if r.Values["person_id"] != "" {
				secrets = append(secrets, r.Values["person_id"], r.Values["person_name"])
				persons = append(persons, r)
			}
		}
		if len(persons) < 50 {
			t.Fatalf("demo has %d decisions on natural persons", len(persons))
		}
		// The yearly figures (GROUP BY in the database) agree with a count
		// of the stored rows.
		want := map[string]int{}
		total := 0
		for _, r := range stored {
			if strings.HasPrefix(r.Values["decided_on"], "2025-") {
				want[r.Values["category"]]++
				total++
			}
		}
		var fig enforce.Figures
		c.do(t, "GET", "/api/v1/enforce/figures?year=2025", "", nil, "").decode(t, &fig)
		if fig.Total != total || total < 100 || fig.Licences != want["license"] || fig.Penalties != want["penalty"] || fig.CategoryCount("inspection") != want["inspection"] {
			t.Errorf("2025 figures %+v, counted %d %v", fig, total, want)
		}
		b := e.browser()
		var public []string
		get := func(path string) string {
			r := b.get(path)
			if r.status != 200 {
				t.Fatalf("GET %s: %d", path, r.status)
			}
			public = append(public, r.body)
			return r.body
		}
		list := get("/lists/enforcement_decisions")
		mustContain(t, list, "行政执法决定", "律师执业许可决定书")
		for i := 2; i <= 3; i++ {
			get(fmt.Sprintf("/lists/enforcement_decisions?page=%d", i))
		}
		for _, r := range persons[:10] {
			page := get(lists.RowURL(k.Code, r.Key))
			id := r.Values["person_id"]
			mustContain(t, page, esc(id[:3]+strings.Repeat("*", 11)+id[14:]), esc(string([]rune(r.Values["person_name"])[:1])+"*"))
		}
		get("/lists/enforcement_decisions/feed.xml")
		get("/search?kind=enforcement_decisions&q=" + url.QueryEscape("律师执业许可"))
		public = append(public, c.do(t, "GET", "/api/v1/search?kind=enforcement_decisions&q="+url.QueryEscape("律师执业许可"), "", nil, "").body)
		// Every API page of rows.
		next := ""
		for n := 0; n < 20; n++ {
			var p struct {
				NextCursor *string `json:"next_cursor"`
			}
			r := c.do(t, "GET", "/api/v1/lists/enforcement_decisions/rows?limit=100"+next, "", nil, "")
			r.decode(t, &p)
			public = append(public, r.body)
			if p.NextCursor == nil {
				break
			}
			next = "&cursor=" + url.QueryEscape(*p.NextCursor)
		}
		csv := c.raw(t, "/api/v1/lists/enforcement_decisions/export?format=csv")
		public = append(public, string(csv), xlsxText(t, c.raw(t, "/api/v1/lists/enforcement_decisions/export?format=xlsx")))

		// The masked export imports back unchanged: the full values are
		// recognised and kept (no diff), and a second edition exists for the diff.
		r := c.upload(t, k.Code, "office", "back.csv", csv, map[string]string{"note": "原样导入确认", "publish": "true"})
		if r.status != 201 {
			t.Fatalf("round trip: %d %s", r.status, clipBody(r.body))
		}
		var ed lists.Edition
		r.decode(t, &ed)
		if ed.Added+ed.Removed+ed.Changed != 0 {
			t.Fatalf("masked round trip changed rows: %+v", ed)
		}
		now, _ := e.srv.Lists.Current(ctx, e.site.ID, k)
		again, _ := e.srv.Lists.Rows(ctx, now.ID)
		for i := range stored {
			if again[i].Values["person_id"] != stored[i].Values["person_id"] || again[i].Values["person_name"] != stored[i].Values["person_name"] {
				t.Fatalf("row %s: person fields not restored: %q", stored[i].Key, again[i].Values["person_id"])
			}
		}
		// A corrected name is one changed row, shown masked; earlier
		// editions and diffs are not public (a withdrawn decision must not
		// stay readable there).
		edited := strings.Replace(string(csv), maskedOf(persons[0].Values["person_name"]), "钱多多", 1)
		r = c.upload(t, k.Code, "office", "edit.csv", []byte(edited), map[string]string{"note": "更正姓名", "publish": "true"})
		if r.status != 201 {
			t.Fatalf("edit: %d %s", r.status, clipBody(r.body))
		}
		r.decode(t, &ed)
		if ed.Changed != 1 || ed.Added+ed.Removed != 0 {
			t.Fatalf("correction: %+v", ed)
		}
		mustContain(t, get(lists.RowURL(k.Code, persons[0].Key)), "钱**")
		for _, path := range []string{"/api/v1/lists/enforcement_decisions/diff", fmt.Sprintf("/api/v1/lists/enforcement_decisions/export?format=csv&edition=%d", cur.ID),
			fmt.Sprintf("/api/v1/lists/enforcement_decisions/rows?edition=%d", cur.ID)} {
			if r := c.do(t, "GET", path, "", nil, ""); r.status != 404 {
				t.Errorf("%s: %d, want 404 (history not public)", path, r.status)
			}
		}
		for _, path := range []string{"/lists/enforcement_decisions/diff", fmt.Sprintf("/lists/enforcement_decisions/editions/%d", cur.ID),
			lists.RowURL(k.Code, persons[0].Key) + fmt.Sprintf("?edition=%d", cur.ID)} {
			if r := b.get(path); r.status != 404 {
				t.Errorf("%s: %d, want 404 (history not public)", path, r.status)
			}
		}
		public = append(public, get("/lists/enforcement_decisions/editions"))
		// A masked value that masks nothing is refused, naming the cell.
		bad := strings.Replace(string(csv), maskedOf(persons[1].Values["person_name"]), "赵*", 1)
		if maskedOf(persons[1].Values["person_name"]) != "赵*" {
			r := c.upload(t, k.Code, "office", "bad.csv", []byte(bad), map[string]string{"note": "x"})
			if r.status != 422 {
				t.Fatalf("bad masked value: %d", r.status)
			}
			mustContain(t, r.body, `"column":"自然人姓名"`, "脱敏后的值")
		}

		for i, body := range public {
			if m := idNumberRE.FindString(body); m != "" {
				t.Fatalf("public output %d carries an ID number %s", i, m)
			}
			for _, s := range secrets {
				if len([]rune(s)) > 1 && strings.Contains(body, s) {
					t.Fatalf("public output %d carries %q unmasked", i, s)
				}
			}
		}
		// Staff see the full values.
		staff := e.browser().login("fzk")
		if p := staff.get("/admin/lists/enforcement_decisions/editions/" + fmt.Sprint(cur.ID)); p.status != 200 {
			t.Fatalf("staff edition: %d", p.status)
		}
		checkGuides(t, e, c)
	})
}

func maskedOf(name string) string { return lists.Masked(name) }

// esc escapes like html/template for the checks of page text.
func esc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

func decision(no, category, outcome, decided string, extra map[string]string) map[string]string {
	v := map[string]string{"decision_no": no, "decision_title": "决定书" + no, "category": category, "body": "临沂市司法局",
		"party_type": "legal", "party_name": "山东某律师事务所", "basis": "《中华人民共和国律师法》", "outcome": outcome, "conclusion": "结论", "decided_on": decided}
	for k, x := range extra {
		v[k] = x
	}
	return v
}

// Publication deadlines (118号: 7 working days for licences and
// penalties, 20 for others) and withdrawal (3 days) over the 2026
// National Day holiday and its make-up day, reported by the
// self-inspection; the yearly figures from the same records.
func TestEnforceDeadlinesAndFigures(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := newAPIClient(t, e)
		published := []map[string]string{
			// due 2026-10-14 (10-10 is a make-up working day)
			decision("D1", "license", "granted", "2026-09-29", map[string]string{"first_published_on": "2026-10-14"}),
			decision("D2", "license", "refused", "2026-09-29", map[string]string{"first_published_on": "2026-10-15"}),
			// 20 working days: due 2026-11-02
			decision("D3", "inspection", "compliant", "2026-09-29", map[string]string{"first_published_on": "2026-11-02"}),
			// Changed on 2026-11-16, withdrawal due 2026-11-19; this edition
			// is published now, after that day.
			decision("D4", "penalty", "penalised", "2026-10-12", map[string]string{"first_published_on": "2026-10-13", "penalty_kind": "fine", "amount": "5,000",
				"changed_on": "2026-11-16", "withdrawal_reason": "经行政复议撤销"}),
			decision("D5", "penalty", "penalised", "2025-06-03", map[string]string{"first_published_on": "2025-06-04", "penalty_kind": "warning",
				"party_type": "person", "party_name": "", "person_name": "孙悟空", "person_id": "37130219900101123X", "publicity_until": "2030-01-01"}),
		}
		c.publishRows(t, enforce.Decisions, published, true)
		drafts := append(published,
			decision("N1", "license", "granted", "2026-11-19", nil), // due 2026-11-30: overdue on 2026-12-01
			decision("N2", "license", "granted", "2026-11-23", nil), // due 2026-12-02: soon
			decision("N3", "license", "granted", "2026-11-30", nil), // due 2026-12-09: nothing yet
		)
		c.publishRows(t, enforce.Decisions, drafts, false)
		rep, err := e.srv.Compliance.Run(ctx, e.site.ID, testDay)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		for _, f := range rep.Findings {
			if strings.HasPrefix(f.Rule.Code, "enforce.") {
				got[f.Rule.Code] = append(got[f.Rule.Code], string(f.Level)+" "+f.Message)
			}
		}
		late := strings.Join(got[enforce.RuleDecisionLate.Code], "\n")
		mustContain(t, late, "D2，2026-09-29 作出）应于 2026-10-14 前公开，实际 2026-10-15 公开，逾期 1 个工作日",
			"fault 决定书N1（N1，2026-11-19 作出）应于 2026-11-30 前公开，至今未公开", "soon 决定书N2（N2）须于 2026-12-02 前公开")
		for _, no := range []string{"（D1", "（D3", "（N3", "（D5"} {
			if strings.Contains(late, no) {
				t.Errorf("on-time decision %s reported:\n%s", no, late)
			}
		}
		mustContain(t, strings.Join(got[enforce.RuleWithdrawLate.Code], "\n"), "D4）于 2026-11-16 变更或撤销，应于 2026-11-19 前撤回公开并说明理由")

		// The staff ledger shows the same dates, explained.
		led := e.browser().login("fzk").get("/admin/enforce/decisions")
		mustContain(t, led.body, "共 8 件，其中 3 件逾期或未按时撤回", "逾期 1 个工作日公开", "未公开，已逾期 1 个工作日", "未公开，剩余 1 个工作日",
			"2026-11-16 变更或撤销，应于 2026-11-19 前撤回（逾期）", "第7个工作日为2026-10-14")
		if r := e.browser().get("/admin/enforce/decisions"); r.status == 200 {
			t.Error("the ledger is open to the public")
		}

		// The daily sweep tells the search when a decision's publicity ends
		// (D1–D3: decided 2026-09-29, public for a year, until 2027-09-29).
		if n, err := e.srv.Lists.SweepPublicity(ctx, e.site.ID, "2026-12-01", "2026-12-02"); n != 0 || err != nil {
			t.Errorf("sweep before any end: %d %v", n, err)
		}
		indexed := func() int {
			var n int
			if err := e.srv.Catalog.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM search_docs WHERE site_id = $1 AND kind = 'enforcement_decisions'`, e.site.ID).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := indexed()
		if n, err := e.srv.Lists.SweepPublicity(ctx, e.site.ID, "2027-09-29", "2027-09-30"); n != 1 || err != nil {
			t.Errorf("sweep on the day after the end: %d %v", n, err)
		}
		// The event names the three rows: the search drops their documents
		// and keeps the rest (no rebuild of every list row).
		if after := indexed(); after != before-3 {
			t.Errorf("search documents of decisions: %d after the sweep, %d before (want 3 fewer)", after, before)
		}
		// A later start (no previous day in memory) does not sweep the
		// same ended rows again: the last sweep's day is stored.
		if n, err := e.srv.Lists.SweepPublicity(ctx, e.site.ID, "", "2027-10-08"); n != 0 || err != nil {
			t.Errorf("sweep at a later start: %d %v (the rows that ended on 2027-09-29 were swept already)", n, err)
		}

		// Yearly figures: every 2026 decision of the current edition, the
		// withdrawn one included; drafts are not counted.
		var f enforce.Figures
		c.do(t, "GET", "/api/v1/enforce/figures?year=2026", "", nil, "").decode(t, &f)
		if f.Total != 4 || f.Licences != 2 || f.LicencesGranted != 1 || f.LicencesRefused != 1 || f.Penalties != 1 || f.CategoryCount("inspection") != 1 ||
			f.PenaltyAmountYuan != "5000.00" || f.Withdrawn != 1 || len(f.ByBody) != 1 || f.ByBody[0].Count != 4 {
			t.Errorf("2026 figures = %+v", f)
		}
		c.do(t, "GET", "/api/v1/enforce/figures?year=2025", "", nil, "").decode(t, &f)
		if f.Total != 1 || f.Penalties != 1 || f.PenaltiesByKind[0].Count != 1 || f.PenaltyAmountYuan != "0.00" {
			t.Errorf("2025 figures = %+v", f)
		}
		if r := c.do(t, "GET", "/api/v1/enforce/figures?year=20x", "", nil, ""); r.status != 422 || !strings.Contains(r.body, `"code":"invalid"`) {
			t.Errorf("bad year: %d %s", r.status, r.body)
		}
		ar, err := e.srv.Enforce.AnnualReportFigures(ctx, e.site.ID, 2026)
		if err != nil || ar != (enforce.AnnualReport{LicenceDecisions: 2, LicencesGranted: 1, Penalties: 1}) {
			t.Errorf("annual report figures = %+v %v", ar, err)
		}
		b := e.browser()
		page := b.get("/enforce/figures?year=2026")
		mustContain(t, page.body, "2026年共作出行政执法决定 4 宗", "<th scope=\"row\">行政检查</th><td>1</td>", "5000.00")
		if p := b.get("/enforce/figures?year=abc"); p.status != 200 || !strings.Contains(p.body, "年度应为") {
			t.Errorf("bad year page: %d", p.status)
		}
		// The withdrawn decision shows its number and reason only.
		w := b.get(lists.RowURL(enforce.Decisions.Code, "D4"))
		mustContain(t, w.body, "经行政复议撤销", "2026-11-16")
		if strings.Contains(w.body, "5,000.00") {
			t.Error("withdrawn decision still shows its content")
		}
		checkCertificates(t, e, c)
	})
}

// checkCertificates tests the public certificate lookup (证号 → name, unit,
// category, validity); it shares TestEnforceDeadlinesAndFigures' site
// (one env per test keeps internal/app's run short).
func checkCertificates(t *testing.T, e *env, c *apiClient) {
	c.publishRows(t, enforce.Staff, []map[string]string{
		{"cert_no": "37131001001", "name": "王建国", "unit": "律师工作科", "category": "lawyer", "area": "临沂市", "valid_until": "2028-12-31"},
		{"cert_no": "37131001002", "name": "李海燕", "unit": "公共法律服务管理科", "category": "notary", "area": "临沂市", "valid_until": "2026-11-30"},
	}, true)
	b := e.browser()
	mustContain(t, b.get("/enforce/certificates?no=37131001001").body, "王建国", "律师工作科", "律师管理", "2028-12-31", "<strong>有效</strong>")
	mustContain(t, b.get("/enforce/certificates?no=+37131001002+").body, "李海燕", "已过有效期")
	mustContain(t, b.get("/enforce/certificates?no=99999").body, "没有查到执法证号为“99999”的执法人员")
	over := b.get("/enforce/certificates?no=" + strings.Repeat("9", 31))
	mustContain(t, over.body, `aria-invalid="true"`, "执法证号不能超过 30 个字符")
	var cert enforce.Certificate
	c.do(t, "GET", "/api/v1/enforce/certificates/37131001001", "", nil, "").decode(t, &cert)
	if cert.Name != "王建国" || !cert.Valid || cert.URL != "/lists/enforcement_staff/rows/37131001001" {
		t.Errorf("cert = %+v", cert)
	}
	if r := c.do(t, "GET", "/api/v1/enforce/certificates/nope", "", nil, ""); r.status != 404 || !strings.Contains(r.body, `"code":"not_found"`) {
		t.Errorf("unknown cert: %d %s", r.status, r.body)
	}
}

// checkGuides tests the service guides on the demo site of
// TestEnforceMasking: completeness shown to staff and reported, the
// flowchart drawn as accessible SVG with its text alternative.
func checkGuides(t *testing.T, e *env, c *apiClient) {
	ctx := context.Background()
	b := e.browser()
	var rows struct {
		Total int
		Rows  []struct {
			Key    string
			Fields map[string]string
		}
	}
	c.do(t, "GET", "/api/v1/lists/service_guides/rows?limit=100", "", nil, "").decode(t, &rows)
	if rows.Total < 10 {
		t.Fatalf("demo guides = %d", rows.Total)
	}
	g := rows.Rows[0]
	page := b.get(lists.RowURL("service_guides", g.Key))
	steps := strings.Count(g.Fields["steps"], "\n") + 1
	mustContain(t, page.body, `<svg xmlns="http://www.w3.org/2000/svg" class="flowchart" role="img" aria-labelledby="flow-t flow-d"`,
		`<title id="flow-t">`, `<desc id="flow-d">共 `+fmt.Sprint(steps)+` 个环节`, `<ol class="flow-steps">`)
	if n := strings.Count(page.body, "<rect "); n != steps {
		t.Errorf("flowchart boxes = %d, steps = %d", n, steps)
	}
	if n := strings.Count(page.body[strings.Index(page.body, `<ol class="flow-steps">`):], "<li>"); n < steps {
		t.Errorf("text alternative has %d steps, want %d", n, steps)
	}
	mustContain(t, b.get(lists.RowURL("enforcement_matters", "CF-LS-047")).body, "执法程序图", "法制审核")
	// Every demo guide is complete: no finding.
	finds := func() []string {
		rep, err := e.srv.Compliance.Run(ctx, e.site.ID, testDay)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range rep.Findings {
			if f.Rule.Code == enforce.RuleGuideIncomplete.Code {
				out = append(out, f.Message)
			}
		}
		return out
	}
	if f := finds(); len(f) != 0 {
		t.Fatalf("complete demo guides reported: %v", f)
	}
	// A guide without its materials and hours is scored and reported.
	var all []map[string]string
	for _, r := range rows.Rows {
		all = append(all, r.Fields)
	}
	all[1]["materials"], all[1]["hours"] = "", ""
	r := c.publishRows(t, enforce.Guides, all, false)
	var ed lists.Edition
	r.decode(t, &ed)
	staff := e.browser().login("fzk")
	adm := staff.get(fmt.Sprintf("/admin/lists/service_guides/editions/%d", ed.ID))
	score := (len(enforce.Guides.Complete) - 2) * 100 / len(enforce.Guides.Complete)
	mustContain(t, adm.body, "要素完整度", "1 项缺少必备要素", fmt.Sprintf("<td>%d%%</td><td>申请材料、办理时间</td>", score))
	form := staff.get(fmt.Sprintf("/admin/lists/service_guides/editions/%d/rows/%s", ed.ID, url.PathEscape(all[1]["task_code"])))
	mustContain(t, form.body, fmt.Sprintf("要素完整度 %d%%，缺少：申请材料、办理时间", score))
	if f := finds(); len(f) != 0 {
		t.Fatalf("a draft's gaps are reported before publication: %v", f)
	}
	office := e.browser().login("office")
	office.get(fmt.Sprintf("/admin/lists/service_guides/editions/%d", ed.ID))
	if p := office.post(fmt.Sprintf("/admin/lists/service_guides/editions/%d/publish", ed.ID), url.Values{"effective_on": {"2026-12-01"}, "note": {"修订"}}); p.status != 303 {
		t.Fatalf("publish: %d", p.status)
	}
	f := finds()
	if len(f) != 1 || !strings.Contains(f[0], fmt.Sprintf("完整度 %d%%，缺少：申请材料、办理时间", score)) {
		t.Fatalf("incomplete guide findings = %v", f)
	}
	// The catalogue links every guide.
	mustContain(t, b.get("/lists/service_catalog").body, "政务服务事项目录", "律师执业核准（初审）")
}

// Every field of every enforcement kind at its maximum length, on both
// databases; one character more is refused by cell.
func TestEnforceMaxLength(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newAPIClient(t, e)
		for _, k := range []*lists.Kind{enforce.Bodies, enforce.Staff, enforce.Matters, enforce.Decisions, enforce.Guides, enforce.Catalog} {
			row := map[string]string{}
			for _, f := range k.Fields {
				switch f.Kind {
				case catalog.Text, catalog.TextArea, catalog.Person:
					row[f.Name] = strings.Repeat("法", f.Max)
				case catalog.URL:
					row[f.Name] = "/" + strings.Repeat("a", f.Max-1)
				case catalog.Select:
					row[f.Name] = f.Options[0].Value
				case catalog.Date:
					row[f.Name] = "2026-06-30"
				case catalog.Integer:
					row[f.Name] = strings.Repeat("9", f.Max)
				case catalog.Link:
					row[f.Name] = "1"
				}
			}
			for n := range k.Patterns {
				f, _ := k.Field(n)
				row[n] = strings.Repeat("A", f.Max)
			}
			for _, n := range k.Key {
				f, _ := k.Field(n)
				row[n] = strings.Repeat("A", f.Max)
			}
			if k == enforce.Decisions {
				row["publicity_until"] = "2099-12-31"
				// A natural person with every field at its maximum; the
				// organisation's name and code stay empty (the rules).
				row["party_type"], row["party_name"], row["party_uscc"] = "person", "", ""
				row["outcome"], row["penalty_kind"], row["category"] = "penalised", "fine", "penalty"
				row["amount"] = "999999999999999.99"
				row["changed_on"] = ""
				row["withdrawal_reason"] = ""
			}
			if k == enforce.Guides {
				row["online"], row["charges_fee"] = "1", "1"
			}
			c.publishRows(t, k, []map[string]string{row}, true)
			e2, _ := e.srv.Lists.Current(context.Background(), e.site.ID, k)
			stored, _ := e.srv.Lists.Rows(context.Background(), e2.ID)
			for _, f := range k.Fields {
				want := row[f.Name]
				if f.Kind == catalog.Money && want != "" {
					want = "999999999999999.99"
				}
				if got := stored[0].Values[f.Name]; got != want && !(f.Name == "publicity_until" && want == "") {
					t.Errorf("%s.%s: stored %q, sent %q", k.Code, f.Name, clipBody(got), clipBody(want))
				}
			}
			if p := e.browser().get(lists.RowURL(k.Code, stored[0].Key)); p.status != 200 {
				t.Errorf("%s: row page %d", k.Code, p.status)
			}
			// One character more in the title field is refused, naming the cell.
			tf, _ := k.Field(k.Title)
			row[k.Title] += "长"
			r := c.upload(t, k.Code, "office", "over.csv", kindCSV(t, k, []map[string]string{row}), map[string]string{"note": "超长"})
			if r.status != 422 {
				t.Fatalf("%s: over-long: %d", k.Code, r.status)
			}
			mustContain(t, r.body, `"row":2`, `"column":"`+tf.Label+`"`, fmt.Sprintf("不能超过 %d 个字", tf.Max))
		}
	})
}
