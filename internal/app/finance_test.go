package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gongkai/internal/compliance"
	"gongkai/internal/finance"
)

// financeXLSX builds a workbook as the office's files come: a merged
// title, a 编制单位 line and a unit, a blank row, a two-row header with
// merged cells, thousands separators and a footnote.
func financeXLSX(t *testing.T, unit string, total string, mutate func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sh := "Sheet1"
	f.SetCellValue(sh, "A1", "测试单位2026年部门收支总表")
	f.MergeCell(sh, "A1", "E1")
	f.SetCellValue(sh, "A2", "编制单位：测试单位")
	if unit != "" {
		f.SetCellValue(sh, "E2", "单位："+unit)
	}
	f.SetCellValue(sh, "A4", "科目编码")
	f.MergeCell(sh, "A4", "A5")
	f.SetCellValue(sh, "B4", "科目名称")
	f.MergeCell(sh, "B4", "B5")
	f.SetCellValue(sh, "C4", "本年预算")
	f.MergeCell(sh, "C4", "E4")
	f.SetCellValue(sh, "C5", "合计")
	f.SetCellValue(sh, "D5", "基本支出")
	f.SetCellValue(sh, "E5", "项目支出")
	rows := [][]any{{"", "合计", total, "1,000.00", "234.50"}, {}, {"2040601", "行政运行", "1000", "1000", ""}, {"2040607", "公共法律服务", "234.5", "", "234.50"}}
	for i, r := range rows {
		for j, v := range r {
			c, _ := excelize.CoordinatesToCellName(j+1, 6+i)
			f.SetCellValue(sh, c, v)
		}
	}
	f.SetCellValue(sh, "A11", "注：本表金额四舍五入。")
	f.NewSheet("空表")
	f.SetCellValue("空表", "A1", "政府性基金预算支出表")
	f.SetCellValue("空表", "C2", "单位：万元")
	f.SetCellValue("空表", "A3", "科目编码")
	f.SetCellValue("空表", "B3", "科目名称")
	f.SetCellValue("空表", "C3", "合计")
	f.SetCellValue("空表", "A4", "")
	f.SetCellValue("空表", "B4", "合计")
	if mutate != nil {
		mutate(f)
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// financeImport posts the back office's import form (multipart, with the
// session's form token).
func (b *browser) financeImport(t *testing.T, fields map[string]string, file []byte) resp {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", b.csrf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if file != nil {
		fw, _ := mw.CreateFormFile("file", "预算.xlsx")
		fw.Write(file)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", b.e.ts.URL+"/admin/finance/reports", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

func financeFields(e *env, t *testing.T, year, unitName string) map[string]string {
	return map[string]string{"kind": "budget", "year": year, "department_id": e.deptID(t, "办公室"), "unit_name": unitName,
		"approved_on": year + "-02-05", "explanation": "一、部门职责\n测试说明。", "sanshi": "“三公”经费 0 万元。"}
}

func findings(t *testing.T, e *env, code string) []compliance.Finding {
	t.Helper()
	rep, err := e.srv.Compliance.Run(context.Background(), e.site.ID, testDay)
	if err != nil {
		t.Fatal(err)
	}
	var out []compliance.Finding
	for _, f := range rep.Findings {
		if f.Rule.Code == code {
			out = append(out, f)
		}
	}
	return out
}

// The XLSX import over HTTP: a real workbook (merged headers, unit row,
// blank rows, separators, an empty table) becomes tables with their
// figures; bad files get a clear message and store nothing; only the
// department's staff and the office may import, only the office publishes;
// the public page shows the tables accessibly with the year-on-year
// comparison, the CSV and the API; the 20-day deadline is in the
// self-inspection.
func TestFinanceReports(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		office := e.browser().login("office")
		// Bad files: each refused with its reason, nothing stored.
		bads := []struct {
			file []byte
			want string
		}{
			{nil, "请选择预决算公开表"},
			{[]byte("not a workbook"), "不是有效的 Excel"},
			{financeXLSX(t, "", "1234.50", nil), "没有注明金额单位"},
			{financeXLSX(t, "万元", "一千", nil), "单元格 C6 的“一千”不是金额"},
		}
		for _, c := range bads {
			r := office.financeImport(t, financeFields(e, t, "2026", "测试单位"), c.file)
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, c.want) {
				t.Errorf("bad file: %d, want message %q in %s", r.status, c.want, clipBody(r.body))
			}
		}
		f := financeFields(e, t, "2026", "测试单位")
		f["sanshi"] = ""
		if r := office.financeImport(t, f, financeXLSX(t, "万元", "1234.50", nil)); r.status != 422 || !strings.Contains(r.body, "三公") {
			t.Errorf("no 三公 explanation: %d", r.status)
		}
		f = financeFields(e, t, "2026", strings.Repeat("测", finance.MaxUnitName+1))
		if r := office.financeImport(t, f, financeXLSX(t, "万元", "1234.50", nil)); r.status != 422 || !strings.Contains(r.body, "不能超过 100 个字") {
			t.Errorf("unit name too long: %d", r.status)
		}
		if reps, _ := e.srv.Finance.Reports(context.Background(), e.site.ID, finance.Filter{}); len(reps) != 0 {
			t.Fatalf("bad imports stored %d reports", len(reps))
		}
		// Another department's editor may not import for the 办公室.
		if r := e.browser().login("pfk").financeImport(t, financeFields(e, t, "2026", "测试单位"), financeXLSX(t, "万元", "1234.50", nil)); r.status != http.StatusForbidden {
			t.Errorf("pfk import: %d %s", r.status, clipBody(r.body[strings.Index(r.body, "<main"):]))
		}
		// The longest names and texts are kept on both databases.
		f = financeFields(e, t, "2025", strings.Repeat("测", finance.MaxUnitName))
		f["explanation"] = strings.Repeat("说", finance.MaxExplanation)
		r := office.financeImport(t, f, financeXLSX(t, "元", "12345000", nil))
		if r.status != http.StatusSeeOther {
			t.Fatalf("import 2025: %d %s", r.status, clipBody(r.body))
		}
		r = office.financeImport(t, financeFields(e, t, "2026", strings.Repeat("测", finance.MaxUnitName)), financeXLSX(t, "万元", "1234.50", nil))
		if r.status != http.StatusSeeOther {
			t.Fatalf("import 2026: %d %s", r.status, clipBody(r.body))
		}
		id := strings.TrimSuffix(strings.TrimPrefix(r.location, "/admin/finance/reports/"), "?done=finance_imported")
		rep, _ := e.srv.Finance.Reports(context.Background(), e.site.ID, finance.Filter{Year: 2026})
		full, err := e.srv.Finance.Report(context.Background(), e.site.ID, rep[0].ID, false)
		if err != nil || len(full.Tables) != 2 {
			t.Fatalf("tables: %v %+v", err, full)
		}
		t1 := full.Tables[0]
		if t1.Name != "测试单位2026年部门收支总表" || t1.Unit != "万元" || len(t1.Header) != 2 || t1.Header[0][3] != "本年预算" || len(t1.Rows) != 3 ||
			t1.Rows[0][2] != "1234.50" || t1.Rows[0][3] != "1000.00" || t1.Rows[2][0] != "2040607" || !full.Tables[1].Empty() {
			t.Fatalf("parsed table: %+v", t1)
		}
		// A draft is not public; the editor of the department cannot publish.
		if r := e.browser().get("/finance/reports/" + id); r.status != 404 {
			t.Errorf("draft public: %d", r.status)
		}
		if r := e.browser().login("bgs").post("/admin/finance/reports/"+id+"/publish", nil); r.status != http.StatusForbidden {
			t.Errorf("editor publish: %d", r.status)
		}
		// Unpublished past 2026-02-25 (approved 02-05 + 20 days): a fault.
		if fs := findings(t, e, finance.RuleReportLate.Code); len(fs) != 2 || fs[0].Level != compliance.Fault || !strings.Contains(fs[0].Message+fs[1].Message, "2026-02-25 前公开，至今未公开") {
			t.Errorf("deadline findings: %+v", fs)
		}
		// The public list, rendered and cached before the publication, must
		// show the report after it (the publication is a change event).
		if before := e.browser().get("/finance?kind=budget&year=2026"); before.status != 200 || strings.Contains(before.body, "2026年部门预算</a>") {
			t.Fatalf("before publication: %d", before.status)
		}
		all, _ := e.srv.Finance.Reports(context.Background(), e.site.ID, finance.Filter{})
		for _, x := range all {
			if r := office.post("/admin/finance/reports/"+itoa64(x.ID)+"/publish", nil); r.status != http.StatusSeeOther {
				t.Fatalf("publish: %d %s", r.status, clipBody(r.body))
			}
		}
		// Published (on the wall clock's day, after testDay's due): late.
		if fs := findings(t, e, finance.RuleReportLate.Code); len(fs) != 0 && !strings.Contains(fs[0].Message, "实际") {
			t.Errorf("late findings: %+v", fs)
		}
		// The public page: accessible table, explanations, comparison (2025
		// in 元 converted to 万元), the CSV.
		pub := e.browser().get("/finance/reports/" + id)
		if pub.status != 200 {
			t.Fatalf("public page: %d", pub.status)
		}
		mustContain(t, pub.body, `<caption>测试单位2026年部门收支总表（单位：万元）</caption>`, `<th scope="colgroup" colspan="3">本年预算</th>`,
			`<th scope="col" rowspan="2">科目编码</th>`, `<th scope="row"></th><td>合计</td><td class="num">1234.50</td>`, "本表无数据", "测试说明。", "“三公”经费 0 万元。",
			"与上年比较", `<td class="num">1234.50</td><td class="num">1234.50</td><td class="num">0.00</td><td class="num">0.0%</td>`)
		csvr := e.browser().get("/finance/reports/" + id + "/tables/1.csv")
		if csvr.status != 200 || !strings.Contains(csvr.body, "2040607,公共法律服务,234.50,,234.50") {
			t.Errorf("csv: %d %s", csvr.status, csvr.body)
		}
		// The site search finds it by what its tables and explanations say,
		// under its own category.
		found := e.browser().get("/search?q=" + url.QueryEscape("公共法律服务") + "&kind=finance_report")
		if found.status != 200 || !strings.Contains(found.body, "to=%2Ffinance%2Freports%2F"+id+`"`) {
			t.Errorf("search: %d %s", found.status, clipBody(found.body))
		}
		idx := e.browser().get("/finance?kind=budget&year=2026")
		if idx.status != 200 || !strings.Contains(idx.body, "2026年部门预算") || strings.Contains(idx.body, "2025年部门预算</a>") {
			t.Errorf("index filter: %d", idx.status)
		}
		if r := e.browser().get("/finance?year=abc"); r.status != 200 || !strings.Contains(r.body, "年度应为") {
			t.Errorf("bad filter: %d", r.status)
		}
		// The API, as described by the OpenAPI document.
		c := newAPIClient(t, e)
		ar := c.do(t, "GET", "/api/v1/finance/reports/"+id, "", nil, "")
		var got struct {
			Tables     []finance.Table      `json:"tables"`
			Comparison []finance.Comparison `json:"comparison"`
		}
		if ar.status != 200 || json.Unmarshal([]byte(ar.body), &got) != nil || len(got.Tables) != 2 || len(got.Comparison) != 1 {
			t.Errorf("api report: %d %s", ar.status, clipBody(ar.body))
		}
		if ar := c.do(t, "GET", "/api/v1/finance/reports?kind=x", "", nil, ""); ar.status != 422 || !strings.Contains(ar.body, `"code"`) {
			t.Errorf("api bad kind: %d %s", ar.status, ar.body)
		}
		if ar := c.do(t, "GET", "/api/v1/finance/reports/999999", "", nil, ""); ar.status != 404 {
			t.Errorf("api missing: %d", ar.status)
		}
	})
}

func itoa64(n int64) string { return strings.TrimSpace(strings.Repeat(" ", 0) + jsonInt(n)) }

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

// The procurement kinds are list kinds: imported, published, filtered and
// fed by the engine; an intention published less than 30 days before its
// procurement starts is flagged by the self-inspection, one published in
// time is not, and the rules of results (supplier, amount) hold.
func TestFinanceProcurement(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newAPIClient(t, e)
		rows := []map[string]string{
			{"code": "YX-1", "project_name": "按时公开的项目", "demand_summary": "概况", "budget_wan": "120.00", "expected_month": "2026-06", "unit": "临沂市司法局", "category": "goods", "first_published_on": "2026-04-20"},
			{"code": "YX-2", "project_name": "晚公开的项目", "demand_summary": "概况", "budget_wan": "80.00", "expected_month": "2026-05", "starts_on": "2026-05-10", "unit": "临沂市司法局", "category": "services", "first_published_on": "2026-04-25"},
			{"code": strings.Repeat("A", 40), "project_name": strings.Repeat("项", 200), "demand_summary": strings.Repeat("需", 5000), "budget_wan": "1.00", "expected_month": "2027-12", "unit": strings.Repeat("单", 100)},
		}
		c.publishRows(t, finance.Intentions, rows, true)
		fs := findings(t, e, finance.RuleIntentionLate.Code)
		if len(fs) != 1 || !strings.Contains(fs[0].Message, "晚公开的项目") || !strings.Contains(fs[0].Message, "应于 2026-04-10 前公开，实际 2026-04-25 公开") {
			t.Errorf("intention findings: %+v", fs)
		}
		// Bad rows: month format and negative budget, refused with reasons.
		bad := []map[string]string{{"code": "YX-9", "project_name": "x", "demand_summary": "x", "budget_wan": "1", "expected_month": "2026-13", "unit": "u"},
			{"code": "YX-10", "project_name": "x", "demand_summary": "x", "budget_wan": "-1", "expected_month": "2026-12", "unit": "u"}}
		r := c.upload(t, finance.Intentions.Code, "office", "x.csv", kindCSV(t, finance.Intentions, bad), map[string]string{"publish": "true", "note": "测试"})
		if r.status != 422 || !strings.Contains(r.body, "格式如 2025-06") || !strings.Contains(r.body, "预算金额不能为负数") {
			t.Errorf("bad intention: %d %s", r.status, clipBody(r.body))
		}
		// A result without a supplier is refused.
		n := map[string]string{"notice_no": "N-1", "project_no": "P-1", "project_name": "项目", "notice_type": "result", "method": "open_tender", "purchaser": "临沂市司法局", "notice_date": "2026-03-02"}
		r = c.upload(t, finance.Notices.Code, "office", "n.csv", kindCSV(t, finance.Notices, []map[string]string{n}), map[string]string{"publish": "true", "note": "测试"})
		if r.status != 422 || !strings.Contains(r.body, "中标（成交）供应商") {
			t.Errorf("bad result: %d %s", r.status, clipBody(r.body))
		}
		n["supplier"], n["amount_wan"], n["decided_on"] = "某公司", "99.50", "2026-02-27"
		c.publishRows(t, finance.Notices, []map[string]string{n}, true)
		c.publishRows(t, finance.Transactions, []map[string]string{{"code": "JY-1", "project_name": "改造工程", "tx_type": "construction", "stage": "announcement",
			"tenderer": "临沂市司法局", "platform": "临沂市公共资源交易平台", "published_on": "2026-03-01"}}, true)
		b := e.browser()
		for path, want := range map[string]string{
			"/lists/procurement_intentions?category=services": "晚公开的项目",
			"/lists/procurement_notices":                      "N-1",
			"/lists/resource_transactions":                    "改造工程",
			"/lists/procurement_intentions/feed.xml":          "政府采购意向",
		} {
			if r := b.get(path); r.status != 200 || !strings.Contains(r.body, want) {
				t.Errorf("%s: %d lacks %q", path, r.status, want)
			}
		}
		if r := b.get("/lists/procurement_intentions?category=services"); strings.Contains(r.body, "按时公开的项目") {
			t.Error("facet filter shows other categories")
		}
	})
}

var _ = io.EOF
