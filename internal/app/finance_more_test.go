package app

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gongkai/internal/finance"
)

// Sum checks shown to staff before publication; a published report's
// tables as CSV and XLSX; the Atom feed; the list paged with its facets
// counted by the database — over HTTP on both databases.
func TestFinanceSumsExportsFeed(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		office := e.browser().login("office")
		// 合计 1300.00 where the items make 1234.50.
		r := office.financeImport(t, financeFields(e, t, "2026", "不平衡单位"), financeXLSX(t, "万元", "1300.00", nil))
		if r.status != http.StatusSeeOther {
			t.Fatalf("import: %d %s", r.status, clipBody(r.body))
		}
		page := office.get(strings.TrimSuffix(r.location, "?done=finance_imported"))
		mustContain(t, page.body, "表内数据不平衡，请核对后再发布", "“合计”行的“合计”为 1300.00，各项之和为 1234.50，相差 65.50万元", "“合计”行的“合计”为 1300.00，各项之和为 1234.50")
		r = office.financeImport(t, financeFields(e, t, "2026", "平衡单位"), financeXLSX(t, "万元", "1234.50", nil))
		id := strings.TrimSuffix(strings.TrimPrefix(r.location, "/admin/finance/reports/"), "?done=finance_imported")
		page = office.get("/admin/finance/reports/" + id)
		mustContain(t, page.body, "已核对：各表合计与分项之和一致")
		mustNotContain(t, page.body, "表内数据不平衡")
		if r := office.post("/admin/finance/reports/"+id+"/publish", nil); r.status != http.StatusSeeOther {
			t.Fatalf("publish: %d", r.status)
		}
		pub := e.browser()
		mustContain(t, pub.get("/finance/reports/"+id).body, `href="/finance/reports/`+id+`/tables.csv"`, `/tables.xlsx"`)
		c := pub.get("/finance/reports/" + id + "/tables.csv")
		if c.status != 200 || !strings.HasPrefix(c.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv: %d", c.status)
		}
		mustContain(t, c.body, "表1 测试单位2026年部门收支总表,单位：万元", ",合计,1234.50,1000.00,234.50", "2040607,公共法律服务,234.50,,234.50", "表2 政府性基金预算支出表")
		x := pub.get("/finance/reports/" + id + "/tables.xlsx")
		if x.status != 200 {
			t.Fatalf("xlsx: %d", x.status)
		}
		xf, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := xf.GetCellValue("表1", "C5"); v != "1234.5" {
			t.Errorf("表1 C5 = %q", v)
		}
		xf.Close()
		if r := pub.get("/finance/reports/999999/tables.csv"); r.status != 404 {
			t.Errorf("unknown report: %d", r.status)
		}
		unbalanced, _ := e.srv.Finance.Reports(ctx, e.site.ID, finance.Filter{Year: 2026, Kind: "budget"})
		for _, u := range unbalanced {
			if u.UnitName == "不平衡单位" {
				if r := pub.get(fmt.Sprintf("/finance/reports/%d/tables.csv", u.ID)); r.status != 404 {
					t.Errorf("a draft's tables download: %d", r.status)
				}
			}
		}

		// 35 more published reports: the list pages by 30, the facets count all.
		u, err := e.au.UserByName(ctx, "office")
		if err != nil {
			t.Fatal(err)
		}
		dept := int64(atoiT(t, e.deptID(t, "办公室")))
		for i := 0; i < 35; i++ {
			rep, err := e.srv.Finance.ImportReport(ctx, e.site.ID, u, finance.Import{Kind: "final", Year: 2025, DepartmentID: dept, UnitName: fmt.Sprintf("直属单位%02d", i),
				ApprovedOn: "2026-08-01", Explanation: "说明", Sanshi: "三公", FileName: "x.xlsx", File: bytes.NewReader(financeXLSX(t, "万元", "1234.50", nil))})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.srv.Finance.Publish(ctx, e.site.ID, u, rep.ID); err != nil {
				t.Fatal(err)
			}
		}
		l := pub.get("/finance")
		mustContain(t, l.body, "共 36 份，第 1 页", "部门预算（1）", "部门决算（35）", `rel="next"`, `<option value="2025"`, `<option value="2026"`)
		l2 := pub.get("/finance?page=2")
		mustContain(t, l2.body, "第 2 页", `rel="prev"`)
		if strings.Count(l2.body, `<li><a href="/finance/reports/`) != 6 {
			t.Errorf("page 2 holds %d reports", strings.Count(l2.body, `<li><a href="/finance/reports/`))
		}
		mustContain(t, pub.get("/finance?kind=final&year=2025").body, "共 35 份")

		f := pub.get("/finance/feed.xml")
		if f.status != 200 || !strings.HasPrefix(f.header.Get("Content-Type"), "application/atom+xml") {
			t.Fatalf("feed: %d %s", f.status, f.header.Get("Content-Type"))
		}
		mustContain(t, f.body, "财政预决算</title>", "直属单位34", `term="final"`, "<title>直属单位052025年部门决算</title>")
		if n := strings.Count(f.body, "<entry>"); n != 30 {
			t.Errorf("feed entries: %d", n)
		}
		mustNotContain(t, f.body, "不平衡单位", "直属单位04") // a draft; the 31st newest
	})
}

func atoiT(t *testing.T, s string) int {
	t.Helper()
	n := 0
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}
