// Package annual serves the 政府信息公开工作年度报告 (internal/annual): the
// staff draft with drill-down, text, overrides, checks, comparison and the
// review workflow; the public pages of every published year with their
// downloads; the API (JSON and CSV of the tables).
package annual

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"gongkai/internal/annual"
	"gongkai/internal/errs"
	"gongkai/internal/web"
)

//go:embed templates
var assets embed.FS

//go:embed openapi.json
var openapi []byte

// Exporter writes a report as pdf, docx or xlsx (export.Write of
// gongkai/internal/annual/export); nil until it is wired, and the
// downloads answer that the format is not available.
type Exporter func(w io.Writer, format string, r *annual.Report) error

// Feature serves the annual reports.
type Feature struct {
	*web.Server
	Annual *annual.Service
	Export Exporter
}

// Formats are the downloads besides HTML and CSV.
var Formats = map[string]string{
	"pdf":  "application/pdf",
	"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// Mount registers the templates, API description and routes.
func (s *Feature) Mount(kit *web.Server) error {
	s.Server = kit
	if err := kit.Templates("internal/web/annual", assets); err != nil {
		return err
	}
	if err := kit.OpenAPI(openapi); err != nil {
		return err
	}
	kit.Public("GET /annual-reports", s.index)
	// {file} is 2025, 2025.pdf, 2025.docx, 2025.xlsx or 2025.csv.
	kit.Public("GET /annual-reports/{file}", s.report)

	kit.Flashes(map[string]string{"annual_saved": "年度报告文字已保存。", "annual_override": "数字已修改，理由已记录。", "annual_cleared": "已恢复计算值。",
		"annual_submitted": "年度报告已提交审核。", "annual_approved": "年度报告已审核通过。", "annual_published": "年度报告已发布。"})
	kit.Staff("GET /admin/annual", s.adminIndex)
	kit.Staff("GET /admin/annual/compare", s.adminCompare)
	kit.Staff("GET /admin/annual/{year}", s.adminDraft)
	kit.Staff("GET /admin/annual/{year}/cell", s.adminCell)
	kit.Staff("POST /admin/annual/{year}/texts", s.adminTexts)
	kit.Staff("POST /admin/annual/{year}/overrides", s.adminOverride)
	kit.Staff("POST /admin/annual/{year}/submit", s.adminStep)
	kit.Staff("POST /admin/annual/{year}/approve", s.adminStep)
	kit.Staff("POST /admin/annual/{year}/publish", s.adminStep)

	kit.API("GET /api/v1/annual-reports", s.apiList)
	// {year} is 2025 (JSON) or 2025.csv (the tables as CSV).
	kit.API("GET /api/v1/annual-reports/{year}", s.apiReport)
	return nil
}

// Schemas ties the API's types to their OpenAPI schemas.
func Schemas() []web.Schema {
	return []web.Schema{
		{Type: reflect.TypeOf(annual.Report{}), Schema: "#/components/schemas/AnnualReport"},
		{Type: reflect.TypeOf(annual.Part{}), Schema: "#/components/schemas/AnnualPart"},
		{Type: reflect.TypeOf(annual.Tables{}), Schema: "#/components/schemas/AnnualTables"},
		{Type: reflect.TypeOf(annual.Table{}), Schema: "#/components/schemas/AnnualTable"},
		{Type: reflect.TypeOf(annual.Block{}), Schema: "#/components/schemas/AnnualBlock"},
		{Type: reflect.TypeOf(annual.HeadCell{}), Schema: "#/components/schemas/AnnualHeadCell"},
		{Type: reflect.TypeOf(annual.Row{}), Schema: "#/components/schemas/AnnualRow"},
		{Type: reflect.TypeOf(annual.Cell{}), Schema: "#/components/schemas/AnnualCell"},
		{Type: reflect.TypeOf(annual.Override{}), Schema: "#/components/schemas/AnnualOverride"},
		{Type: reflect.TypeOf(annual.Check{}), Schema: "#/components/schemas/AnnualCheck"},
		{Type: reflect.TypeOf(annualList{}), Schema: "#/components/schemas/AnnualReportList"},
		{Type: reflect.TypeOf(annualListItem{}), Schema: "#/components/schemas/AnnualReportListItem"},
	}
}

var errNoService = errs.E(errs.Internal, "年度报告服务暂时不可用")

func parseYear(v string) (int, error) {
	y, err := strconv.Atoi(v)
	if err != nil || y < 2000 || y > 2100 {
		return 0, &errs.Error{Code: errs.Invalid, Message: "年份应为 2000 至 2100 之间的四位数", Fields: map[string]string{"year": "应为四位年份"}}
	}
	return y, nil
}

// splitFile parses "2025" or "2025.pdf".
func splitFile(v string) (int, string, error) {
	base, ext, _ := strings.Cut(v, ".")
	y, err := parseYear(base)
	if err != nil {
		return 0, "", errs.E(errs.NotFound, "没有这一年度的报告")
	}
	return y, ext, nil
}

// ---- public ----

type indexPage struct {
	web.Page
	Years []int
	// Earlier are the years' reports published as catalogue items before
	// the platform generated them.
	Earlier []annual.EarlierReport
}

func (s *Feature) index(w http.ResponseWriter, r *http.Request) {
	s.Cached(w, r, func() (string, web.Cacheable, error) {
		if s.Annual == nil {
			return "", nil, errNoService
		}
		p := &indexPage{Page: s.Page(r, "政府信息公开工作年度报告")}
		var err error
		if p.Years, err = s.Annual.PublishedYears(r.Context(), p.Site.ID); err != nil {
			return "", nil, err
		}
		earlier, err := s.Annual.EarlierReports(r.Context(), p.Site.ID)
		for _, e := range earlier {
			if !slices.Contains(p.Years, e.Year) {
				p.Earlier = append(p.Earlier, e)
			}
		}
		return "public/annual_index", p, err
	})
}

type reportPage struct {
	web.Page
	Report *annual.Report
	Body   template.HTML
	Export bool
}

func (s *Feature) published(r *http.Request, year int) (*annual.Report, error) {
	if s.Annual == nil {
		return nil, errNoService
	}
	rep, err := s.Annual.Published(r.Context(), web.SiteOf(r).Site.ID, year)
	if err != nil {
		return nil, err
	}
	if rep == nil {
		return nil, errs.E(errs.NotFound, "%d年度的政府信息公开工作年度报告尚未发布", year)
	}
	return rep, nil
}

func (s *Feature) report(w http.ResponseWriter, r *http.Request) {
	year, ext, err := splitFile(r.PathValue("file"))
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	switch ext {
	case "":
		s.Cached(w, r, func() (string, web.Cacheable, error) {
			rep, err := s.published(r, year)
			if err != nil {
				return "", nil, err
			}
			var b bytes.Buffer
			if err := annual.WriteHTMLFragment(&b, rep); err != nil {
				return "", nil, err
			}
			p := &reportPage{Page: s.Page(r, rep.Title), Report: rep, Body: template.HTML(b.String()), Export: s.Export != nil}
			return "public/annual_report", p, nil
		})
	case "csv":
		rep, err := s.published(r, year)
		if err != nil {
			s.ErrorPage(w, r, err)
			return
		}
		writeCSV(w, rep)
	default:
		ctype, ok := Formats[ext]
		if !ok {
			s.ErrorPage(w, r, errs.E(errs.NotFound, "不支持的下载格式"))
			return
		}
		if s.Export == nil {
			s.ErrorPage(w, r, errs.E(errs.NotFound, "该格式的下载暂不可用"))
			return
		}
		// A PDF takes a good part of a second to draw: made once per
		// change and day, from the render cache (CachedFile), so a burst
		// of downloads costs one rendering.
		s.CachedFile(w, r, ctype, func() ([]byte, error) {
			rep, err := s.published(r, year)
			if err != nil {
				return nil, err
			}
			var b bytes.Buffer
			if err := s.Export(&b, ext, rep); err != nil {
				return nil, err
			}
			return b.Bytes(), nil
		})
	}
}

// WriteCSV writes every table's cells, one line per cell: table, section,
// group, row label, column, value (the shown figure).
func WriteCSV(w io.Writer, rep *annual.Report) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"表格", "行键", "一级标签", "二级标签", "行标签", "列键", "列", "数值"})
	for _, t := range rep.Tables.All() {
		if t == nil {
			continue
		}
		for _, b := range t.Blocks {
			for _, row := range b.Rows {
				for _, col := range b.Columns {
					v := ""
					if c := row.Cells[col]; c != nil {
						v = c.Value
					}
					cw.Write([]string{t.Title, row.Key, row.Section, row.Group, row.Label, col, annual.ColumnTitle(t.Code, col), v})
				}
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func writeCSV(w http.ResponseWriter, rep *annual.Report) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="annual-report-%d.csv"`, rep.Year))
	w.Write([]byte("\xef\xbb\xbf")) // BOM: spreadsheet programs read UTF-8
	WriteCSV(w, rep)
}

// ---- API ----

type annualListItem struct {
	Year int    `json:"year"`
	URL  string `json:"url"`
}

type annualList struct {
	Items []annualListItem `json:"items"`
}

func (s *Feature) apiList(w http.ResponseWriter, r *http.Request) {
	if _, err := s.APIUser(r); err != nil {
		s.APIError(w, r, err)
		return
	}
	if s.Annual == nil {
		s.APIError(w, r, errNoService)
		return
	}
	ys, err := s.Annual.PublishedYears(r.Context(), web.SiteOf(r).Site.ID)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	out := annualList{Items: []annualListItem{}}
	for _, y := range ys {
		out.Items = append(out.Items, annualListItem{Year: y, URL: fmt.Sprintf("/api/v1/annual-reports/%d", y)})
	}
	web.WriteJSON(w, http.StatusOK, out)
}

// apiReport is the published report; a token of the office gets the
// current draft of an unpublished year (?draft=1).
func (s *Feature) apiReport(w http.ResponseWriter, r *http.Request) {
	u, err := s.APIUser(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	if s.Annual == nil {
		s.APIError(w, r, errNoService)
		return
	}
	base, ext, _ := strings.Cut(r.PathValue("year"), ".")
	year, err := parseYear(base)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	if ext != "" && ext != "csv" && ext != "json" {
		s.APIError(w, r, errs.E(errs.NotFound, "不支持的格式 %q（可用 json、csv）", ext))
		return
	}
	var rep *annual.Report
	if r.URL.Query().Get("draft") == "1" {
		if u == nil || !u.CanPublish() {
			s.APIError(w, r, errs.E(errs.Forbidden, "只有政务公开办公室可以读取年度报告草稿"))
			return
		}
		rep, err = s.Annual.Draft(r.Context(), web.SiteOf(r).Site.ID, year)
	} else {
		rep, err = s.published(r, year)
	}
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	if ext == "csv" {
		writeCSV(w, rep)
		return
	}
	web.WriteJSON(w, http.StatusOK, rep)
}
