// Package finance serves 财政信息 (internal/finance): the public pages of
// the department budgets and final accounts (every table with its caption,
// unit and header scopes, the explanations, the year-on-year comparison and
// a CSV of each table), their back office (XLSX import per department,
// publication, audited) and /api/v1/finance. The procurement intentions,
// notices and results and the public-resource transactions are list kinds
// served by internal/web/lists (filters, facets, feeds, exports, search).
package finance

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/finance"
	"gongkai/internal/web"
)

//go:embed templates
var assets embed.FS

//go:embed openapi.json
var openapi []byte

// Feature serves the budgets and final accounts.
type Feature struct {
	*web.Server
	Finance *finance.Service
}

// Mount registers the templates, API description and routes.
func (s *Feature) Mount(kit *web.Server) error {
	s.Server = kit
	if err := kit.Templates("internal/web/finance", assets); err != nil {
		return err
	}
	if err := kit.OpenAPI(openapi); err != nil {
		return err
	}
	kit.Public("GET /finance", s.index)
	kit.Public("GET /finance/reports/{id}", s.reportPage)
	kit.Public("GET /finance/reports/{id}/tables/{seq}", s.tableCSV)
	kit.Public("GET /finance/reports/{id}/tables.csv", s.reportExport("csv"))
	kit.Public("GET /finance/reports/{id}/tables.xlsx", s.reportExport("xlsx"))
	kit.Public("GET /finance/feed.xml", s.feed)
	kit.Flashes(map[string]string{"finance_imported": "预决算公开表已导入，请核对后发布。", "finance_published": "预决算已发布。"})
	kit.Staff("GET /admin/finance", s.adminIndex)
	kit.Staff("POST /admin/finance/reports", s.adminImport)
	kit.Staff("GET /admin/finance/reports/{id}", s.adminReport)
	kit.Staff("POST /admin/finance/reports/{id}/publish", s.adminPublish)
	kit.API("GET /api/v1/finance/reports", s.apiReports)
	kit.API("GET /api/v1/finance/reports/{id}", s.apiReport)
	return nil
}

// Schemas ties the API's types to their OpenAPI schemas.
func Schemas() []web.Schema {
	return []web.Schema{
		{Type: reflect.TypeOf(finance.Report{}), Schema: "#/components/schemas/FinanceReport"},
		{Type: reflect.TypeOf(finance.Table{}), Schema: "#/components/schemas/FinanceTable"},
		{Type: reflect.TypeOf(finance.Comparison{}), Schema: "#/components/schemas/FinanceComparison"},
		{Type: reflect.TypeOf(finance.Change{}), Schema: "#/components/schemas/FinanceChange"},
	}
}

var errNoService = errs.E(errs.Internal, "财政信息服务暂时不可用")

func idOf(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.E(errs.NotFound, "没有这份预决算")
	}
	return id, nil
}

// filter reads ?kind= and ?year=.
func filter(r *http.Request) (finance.Filter, error) {
	f := finance.Filter{Kind: r.URL.Query().Get("kind")}
	if f.Kind != "" && f.Kind != finance.Budget && f.Kind != finance.Final {
		return f, &errs.Error{Code: errs.Invalid, Message: "类别应为 budget（部门预算）或 final（部门决算）", Fields: map[string]string{"kind": "请选择部门预算或部门决算"}}
	}
	if v := strings.TrimSpace(r.URL.Query().Get("year")); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 2000 || y > 2100 {
			return f, &errs.Error{Code: errs.Invalid, Message: "年度应为 2000 至 2100 之间的四位数字", Fields: map[string]string{"year": "年度应为四位数字，如 2025"}}
		}
		f.Year = y
	}
	return f, nil
}

type indexPage struct {
	web.Page
	Reports []*finance.Report
	Kind    string
	Year    int
	Years   []int
	Error   string
	Errs    map[string]string
	// Counts are the facets: reports by kind.
	Budgets, Finals int
	// Total is the filtered count; the list is one page of it.
	Total      int
	PageNo     int
	Prev, Next string
}

func atoiDefault(v string) int {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 || n > 100000 {
		return 1
	}
	return n
}

func (s *Feature) index(w http.ResponseWriter, r *http.Request) {
	if s.Finance == nil {
		s.ErrorPage(w, r, errNoService)
		return
	}
	p := &indexPage{Page: s.Page(r, "财政预决算")}
	f, err := filter(r)
	if err != nil {
		p.Error, p.Errs = errs.MessageOf(err), errs.FieldsOf(err)
		f = finance.Filter{}
	}
	f.Public = true
	// Facets by GROUP BY, then one page of the list (never every report).
	facets, err := s.Finance.Facets(r.Context(), p.Site.ID, true)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	total := 0
	for _, x := range facets {
		if len(p.Years) == 0 || p.Years[len(p.Years)-1] != x.Year {
			p.Years = append(p.Years, x.Year)
		}
		if f.Year == 0 || x.Year == f.Year {
			if x.Kind == finance.Budget {
				p.Budgets += x.Count
			} else {
				p.Finals += x.Count
			}
			if f.Kind == "" || x.Kind == f.Kind {
				total += x.Count
			}
		}
	}
	f.Page = max(1, atoiDefault(r.URL.Query().Get("page")))
	if p.Reports, err = s.Finance.Reports(r.Context(), p.Site.ID, f); err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	p.Total, p.PageNo = total, f.Page
	link := func(page int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(page))
		return "/finance?" + q.Encode()
	}
	if f.Page > 1 {
		p.Prev = link(f.Page - 1)
	}
	if f.Page*finance.PageSize < total {
		p.Next = link(f.Page + 1)
	}
	p.Kind, p.Year = f.Kind, f.Year
	s.Render(w, r, http.StatusOK, "public/finance_index", p)
}

// cell is a header cell with its spans (merged cells are spread over the
// cells they cover on import; equal neighbours are joined again here).
type cell struct {
	Text             string
	ColSpan, RowSpan int
	Col              bool // a column group header (scope=colgroup)
}

func headerCells(h [][]string) [][]cell {
	out := make([][]cell, len(h))
	covered := map[[2]int]bool{}
	for i, row := range h {
		for j := 0; j < len(row); j++ {
			if covered[[2]int{i, j}] {
				continue
			}
			cs := 1
			for j+cs < len(row) && row[j+cs] == row[j] && row[j] != "" && !covered[[2]int{i, j + cs}] {
				cs++
			}
			rs := 1
			if cs == 1 {
				for i+rs < len(h) && h[i+rs][j] == row[j] && row[j] != "" {
					covered[[2]int{i + rs, j}] = true
					rs++
				}
			}
			out[i] = append(out[i], cell{Text: row[j], ColSpan: cs, RowSpan: rs, Col: cs > 1})
			j += cs - 1
		}
	}
	return out
}

type tableView struct {
	finance.Table
	Head  [][]cell
	Empty bool
}

type reportPage struct {
	web.Page
	Report   *finance.Report
	Tables   []tableView
	Previous *finance.Report
	Compare  []finance.Comparison
	Paras    []string
	Sanshi   []string
}

func paras(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (s *Feature) reportPage(w http.ResponseWriter, r *http.Request) {
	if s.Finance == nil {
		s.ErrorPage(w, r, errNoService)
		return
	}
	id, err := idOf(r)
	var rep *finance.Report
	if err == nil {
		rep, err = s.Finance.Report(r.Context(), web.SiteOf(r).Site.ID, id, true)
	}
	var prev *finance.Report
	if err == nil {
		prev, err = s.Finance.Previous(r.Context(), web.SiteOf(r).Site.ID, rep)
	}
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	p := &reportPage{Page: s.Page(r, rep.Title()), Report: rep, Previous: prev, Compare: finance.Compare(rep, prev), Paras: paras(rep.Explanation), Sanshi: paras(rep.Sanshi)}
	for _, t := range rep.Tables {
		p.Tables = append(p.Tables, tableView{Table: t, Head: headerCells(t.Header), Empty: t.Empty()})
	}
	s.Render(w, r, http.StatusOK, "public/finance_report", p)
}

// tableCSV is one table as CSV ("1.csv"), header rows first.
func (s *Feature) tableCSV(w http.ResponseWriter, r *http.Request) {
	if s.Finance == nil {
		s.ErrorPage(w, r, errNoService)
		return
	}
	id, err := idOf(r)
	var rep *finance.Report
	if err == nil {
		rep, err = s.Finance.Report(r.Context(), web.SiteOf(r).Site.ID, id, true)
	}
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	seq, _ := strconv.Atoi(strings.TrimSuffix(r.PathValue("seq"), ".csv"))
	var t *finance.Table
	for i := range rep.Tables {
		if rep.Tables[i].Seq == seq {
			t = &rep.Tables[i]
		}
	}
	if t == nil || !strings.HasSuffix(r.PathValue("seq"), ".csv") {
		s.ErrorPage(w, r, errs.E(errs.NotFound, "没有这张表"))
		return
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff") // Excel opens UTF-8 CSV with a BOM
	cw := csv.NewWriter(&buf)
	cw.Write([]string{rep.Title() + " " + t.Name, "单位：" + t.Unit})
	for _, h := range t.Header {
		cw.Write(h)
	}
	for _, row := range t.Rows {
		cw.Write(row)
	}
	cw.Flush()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"finance-%d-%d.csv\"", rep.ID, t.Seq))
	w.Write(buf.Bytes())
}

type apiList struct {
	Reports []*finance.Report `json:"reports"`
}

type apiReport struct {
	*finance.Report
	Comparison []finance.Comparison `json:"comparison"`
}

func (s *Feature) apiReports(w http.ResponseWriter, r *http.Request) {
	if s.Finance == nil {
		s.APIError(w, r, errNoService)
		return
	}
	f, err := filter(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	f.Public = true
	reps, err := s.Finance.Reports(r.Context(), web.SiteOf(r).Site.ID, f)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	if reps == nil {
		reps = []*finance.Report{}
	}
	web.WriteJSON(w, http.StatusOK, apiList{Reports: reps})
}

func (s *Feature) apiReport(w http.ResponseWriter, r *http.Request) {
	if s.Finance == nil {
		s.APIError(w, r, errNoService)
		return
	}
	id, err := idOf(r)
	var rep, prev *finance.Report
	if err == nil {
		rep, err = s.Finance.Report(r.Context(), web.SiteOf(r).Site.ID, id, true)
	}
	if err == nil {
		prev, err = s.Finance.Previous(r.Context(), web.SiteOf(r).Site.ID, rep)
	}
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	cmp := finance.Compare(rep, prev)
	if cmp == nil {
		cmp = []finance.Comparison{}
	}
	web.WriteJSON(w, http.StatusOK, apiReport{Report: rep, Comparison: cmp})
}

// The back office.

type adminIndexPage struct {
	web.AdminPage
	Reports     []*finance.Report
	Departments []catalog.Department
	Form        map[string]string
	Error       string
	Errs        map[string]string
	PublishDays int
}

func (s *Feature) adminIndexWith(w http.ResponseWriter, r *http.Request, form map[string]string, fail error) {
	if s.Finance == nil {
		s.AdminError(w, r, errNoService)
		return
	}
	p := &adminIndexPage{AdminPage: s.AdminPage(r, "财政预决算"), Form: form, PublishDays: finance.PublishDays}
	var err error
	p.Reports, err = s.Finance.Reports(r.Context(), p.Site.ID, finance.Filter{})
	if err == nil {
		p.Departments, err = s.Finance.Catalog.Departments(r.Context(), p.Site.ID)
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	status := http.StatusOK
	if fail != nil {
		p.Error, p.Errs, status = errs.MessageOf(fail), errs.FieldsOf(fail), http.StatusUnprocessableEntity
	}
	s.Render(w, r, status, "admin/finance_index", p)
}

func (s *Feature) adminIndex(w http.ResponseWriter, r *http.Request) {
	s.adminIndexWith(w, r, map[string]string{"kind": finance.Budget, "year": strconv.Itoa(s.Today().Year), "unit_name": web.SiteOf(r).Site.Name}, nil)
}

func (s *Feature) adminImport(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, finance.MaxFileBytes+1<<20)
	if err := r.ParseMultipartForm(finance.MaxFileBytes + 1<<20); err != nil {
		s.adminIndexWith(w, r, map[string]string{}, &errs.Error{Code: errs.Invalid, Message: "上传内容过大或格式错误（文件不超过 10 MB）", Fields: map[string]string{"file": "文件不超过 10 MB"}})
		return
	}
	form := map[string]string{}
	for _, n := range []string{"kind", "year", "department_id", "unit_name", "approved_on", "explanation", "sanshi"} {
		form[n] = r.PostFormValue(n)
	}
	year, _ := strconv.Atoi(strings.TrimSpace(form["year"]))
	dept, _ := strconv.ParseInt(form["department_id"], 10, 64)
	in := finance.Import{Kind: form["kind"], Year: year, DepartmentID: dept, UnitName: form["unit_name"], ApprovedOn: form["approved_on"],
		Explanation: form["explanation"], Sanshi: form["sanshi"]}
	if f, hdr, err := r.FormFile("file"); err == nil {
		defer f.Close()
		in.File, in.FileName = f, hdr.Filename
	}
	rep, err := s.Finance.ImportReport(r.Context(), web.SiteOf(r).Site.ID, web.StaffOf(r).User, in)
	if err != nil {
		if c := errs.CodeOf(err); c != errs.Invalid {
			s.AdminError(w, r, err)
			return
		}
		s.adminIndexWith(w, r, form, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/finance/reports/%d?done=finance_imported", rep.ID), http.StatusSeeOther)
}

type adminReportPage struct {
	web.AdminPage
	Report *finance.Report
	Tables []tableView
	Late   bool
	// Sums are the totals the rows do not add up to (shown before publication).
	Sums []string
}

func (s *Feature) adminReport(w http.ResponseWriter, r *http.Request) {
	if s.Finance == nil {
		s.AdminError(w, r, errNoService)
		return
	}
	id, err := idOf(r)
	var rep *finance.Report
	if err == nil {
		rep, err = s.Finance.Report(r.Context(), web.SiteOf(r).Site.ID, id, false)
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p := &adminReportPage{AdminPage: s.AdminPage(r, rep.Title()), Report: rep, Late: rep.Late(s.Today()), Sums: rep.SumWarnings()}
	for _, t := range rep.Tables {
		p.Tables = append(p.Tables, tableView{Table: t, Head: headerCells(t.Header), Empty: t.Empty()})
	}
	s.Render(w, r, http.StatusOK, "admin/finance_report", p)
}

func (s *Feature) adminPublish(w http.ResponseWriter, r *http.Request) {
	if s.Finance == nil {
		s.AdminError(w, r, errNoService)
		return
	}
	id, err := idOf(r)
	if err == nil {
		_, err = s.Finance.Publish(r.Context(), web.SiteOf(r).Site.ID, web.StaffOf(r).User, id)
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/finance/reports/%d?done=finance_published", id), http.StatusSeeOther)
}
