package annual

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gongkai/internal/annual"
	"gongkai/internal/errs"
	"gongkai/internal/web"
)

type adminIndexPage struct {
	web.AdminPage
	Years []int
}

func (s *Feature) adminIndex(w http.ResponseWriter, r *http.Request) {
	p := &adminIndexPage{AdminPage: s.AdminPage(r, "政府信息公开工作年度报告")}
	for y := s.Today().Year - 1; y >= s.Today().Year-6 && y >= 2000; y-- {
		p.Years = append(p.Years, y)
	}
	s.Render(w, r, http.StatusOK, "admin/annual_index", p)
}

type draftPage struct {
	web.AdminPage
	Year     int
	Report   *annual.Report
	Body     template.HTML
	Form     map[string]string
	Last     *annual.Stored
	Skeleton string
	Cells    []cellOption
	Overs    []overrideRow
	CanWrite bool
}

type cellOption struct{ Value, Label string }

type overrideRow struct {
	Table, Row, Col, Label string
	*annual.Override
	Computed string
}

func cellLink(year int) func(t *annual.Table, row *annual.Row, col string, c *annual.Cell) string {
	return func(t *annual.Table, row *annual.Row, col string, c *annual.Cell) string {
		q := url.Values{"table": {t.Code}, "row": {row.Key}, "col": {col}}
		return fmt.Sprintf("/admin/annual/%d/cell?%s", year, q.Encode())
	}
}

func (s *Feature) adminDraft(w http.ResponseWriter, r *http.Request) {
	s.adminDraftWith(w, r, nil, nil)
}

func (s *Feature) adminDraftWith(w http.ResponseWriter, r *http.Request, form map[string]string, fail error) {
	year, err := parseYear(r.PathValue("year"))
	if err == nil && s.Annual == nil {
		err = errNoService
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p := &draftPage{AdminPage: s.AdminPage(r, fmt.Sprintf("%d年度政府信息公开工作年度报告", year)), Year: year, Form: form}
	p.CanWrite = p.User != nil && p.User.CanPublish()
	ctx := r.Context()
	if p.Report, err = s.Annual.Draft(ctx, p.Site.ID, year); err != nil {
		s.AdminError(w, r, err)
		return
	}
	if p.Last, err = s.Annual.Load(ctx, p.Site.ID, year-1); err != nil {
		s.AdminError(w, r, err)
		return
	}
	if p.Form == nil {
		st, err := s.Annual.Load(ctx, p.Site.ID, year)
		if err != nil {
			s.AdminError(w, r, err)
			return
		}
		p.Form = map[string]string{"part1": st.Part1, "part5": st.Part5, "part6": st.Part6, "licence_basis": st.LicenceBasis}
	}
	prev, err := s.Annual.Draft(ctx, p.Site.ID, year-1)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p.Skeleton = annual.Skeleton(p.Report, prev)
	var b bytes.Buffer
	if err := annual.WritePartsHTML(&b, p.Report, annual.HTMLOptions{CellLink: cellLink(year), Marks: true}); err != nil {
		s.AdminError(w, r, err)
		return
	}
	p.Body = template.HTML(b.String())
	for _, t := range p.Report.Tables.All() {
		for _, row := range t.Rows {
			for _, blk := range t.Blocks {
				for _, col := range blk.Columns {
					c, ok := row.Cells[col]
					if !ok || !containsRow(blk.Rows, row) {
						continue
					}
					label := t.Title + " · " + strings.TrimSpace(row.Group+" "+row.Label) + " · " + annual.ColumnTitle(t.Code, col)
					p.Cells = append(p.Cells, cellOption{t.Code + "|" + row.Key + "|" + col, label})
					if c.Override != nil {
						p.Overs = append(p.Overs, overrideRow{t.Code, row.Key, col, label, c.Override, c.Computed})
					}
				}
			}
		}
	}
	if fail != nil {
		p.Error, p.Errors = errs.MessageOf(fail), errs.FieldsOf(fail)
	}
	status := http.StatusOK
	if fail != nil {
		status = web.StatusOf(fail)
	}
	s.Render(w, r, status, "admin/annual_draft", p)
}

func containsRow(rows []*annual.Row, row *annual.Row) bool {
	for _, r := range rows {
		if r == row {
			return true
		}
	}
	return false
}

type cellPage struct {
	web.AdminPage
	Year              int
	Table, Row, Col   string
	Cell              *annual.Cell
	Label, ColumnName string
	// Refs are the records behind the figure, at most annual.RefLimit;
	// More: the figure counts more than are listed.
	Refs []annual.Ref
	More bool
}

func (s *Feature) adminCell(w http.ResponseWriter, r *http.Request) {
	year, err := parseYear(r.PathValue("year"))
	if err == nil && s.Annual == nil {
		err = errNoService
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	q := r.URL.Query()
	p := &cellPage{AdminPage: s.AdminPage(r, "数字的来源"), Year: year, Table: q.Get("table"), Row: q.Get("row"), Col: q.Get("col")}
	rep, err := s.Annual.Draft(r.Context(), p.Site.ID, year)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	c, ok := rep.CellKeys(p.Table, p.Row, p.Col)
	if !ok {
		s.AdminError(w, r, errs.E(errs.NotFound, "没有这个单元格"))
		return
	}
	p.Cell = c
	if p.Refs, err = s.Annual.CellRefs(r.Context(), p.Site.ID, year, p.Table, p.Row, p.Col); err != nil {
		s.AdminError(w, r, err)
		return
	}
	p.More = c.Computed != strconv.Itoa(len(p.Refs)) && len(p.Refs) == annual.RefLimit
	for _, row := range rep.Table(p.Table).Rows {
		if row.Key == p.Row {
			p.Label = strings.TrimSpace(row.Section + " " + row.Group + " " + row.Label)
		}
	}
	p.ColumnName = annual.ColumnTitle(p.Table, p.Col)
	p.Title = fmt.Sprintf("%d年度报告：%s · %s", year, p.Label, p.ColumnName)
	s.Render(w, r, http.StatusOK, "admin/annual_cell", p)
}

func (s *Feature) adminTexts(w http.ResponseWriter, r *http.Request) {
	year, err := parseYear(r.PathValue("year"))
	f := map[string]string{}
	for _, n := range []string{"part1", "part5", "part6", "licence_basis"} {
		f[n] = r.PostFormValue(n)
	}
	if err == nil && s.Annual == nil {
		err = errNoService
	}
	if err == nil {
		err = s.Annual.SaveTexts(r.Context(), web.StaffOf(r).User, web.SiteOf(r).Site.ID, year, annual.Texts{Part1: f["part1"], Part5: f["part5"], Part6: f["part6"], LicenceBasis: f["licence_basis"]})
	}
	if err != nil {
		s.adminDraftWith(w, r, f, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/annual/%d?done=annual_saved", year), http.StatusSeeOther)
}

func (s *Feature) adminOverride(w http.ResponseWriter, r *http.Request) {
	year, err := parseYear(r.PathValue("year"))
	if err == nil && s.Annual == nil {
		err = errNoService
	}
	cell := strings.Split(r.PostFormValue("cell"), "|")
	if err == nil && len(cell) != 3 {
		err = &errs.Error{Code: errs.Invalid, Message: "请选择要修改的单元格", Fields: map[string]string{"cell": "请选择单元格"}}
	}
	done := "annual_override"
	if err == nil {
		u, site := web.StaffOf(r).User, web.SiteOf(r).Site.ID
		if r.PostFormValue("clear") == "1" {
			err, done = s.Annual.ClearOverride(r.Context(), u, site, year, cell[0], cell[1], cell[2], r.PostFormValue("reason")), "annual_cleared"
		} else {
			err = s.Annual.SetOverride(r.Context(), u, site, year, cell[0], cell[1], cell[2], r.PostFormValue("value"), r.PostFormValue("reason"))
		}
	}
	if err != nil {
		s.adminDraftWith(w, r, nil, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/annual/%d?done=%s#checks", year, done), http.StatusSeeOther)
}

// adminStep submits, approves or publishes (the last path segment).
func (s *Feature) adminStep(w http.ResponseWriter, r *http.Request) {
	year, err := parseYear(r.PathValue("year"))
	if err == nil && s.Annual == nil {
		err = errNoService
	}
	step := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	if err == nil {
		u, site := web.StaffOf(r).User, web.SiteOf(r).Site.ID
		switch step {
		case "submit":
			_, err = s.Annual.Submit(r.Context(), u, site, year)
		case "approve":
			_, err = s.Annual.Approve(r.Context(), u, site, year, r.PostFormValue("comment"))
		case "publish":
			_, err = s.Annual.Publish(r.Context(), u, site, year)
			if err == nil {
				s.Invalidate(site)
			}
		}
	}
	if err != nil {
		s.adminDraftWith(w, r, nil, err)
		return
	}
	done := map[string]string{"submit": "annual_submitted", "approve": "annual_approved", "publish": "annual_published"}[step]
	http.Redirect(w, r, fmt.Sprintf("/admin/annual/%d?done=%s", year, done), http.StatusSeeOther)
}

type compareRow struct {
	Table, Label, Column string
	A, B                 string
	Diff                 string
}

type comparePage struct {
	web.AdminPage
	A, B    int
	Rows    []compareRow
	PartsA  []annual.Part
	PartsB  []annual.Part
	Choices []int
}

func (s *Feature) adminCompare(w http.ResponseWriter, r *http.Request) {
	if s.Annual == nil {
		s.AdminError(w, r, errNoService)
		return
	}
	q := r.URL.Query()
	b, err := parseYear(q.Get("b"))
	if err != nil {
		b = s.Today().Year - 1
	}
	a, err := parseYear(q.Get("a"))
	if err != nil {
		a = b - 1
	}
	p := &comparePage{AdminPage: s.AdminPage(r, fmt.Sprintf("年度报告对比：%d年与%d年", a, b)), A: a, B: b}
	for y := s.Today().Year; y >= s.Today().Year-8 && y >= 2000; y-- {
		p.Choices = append(p.Choices, y)
	}
	ra, err := s.Annual.Draft(r.Context(), p.Site.ID, a)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	rb, err := s.Annual.Draft(r.Context(), p.Site.ID, b)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p.PartsA, p.PartsB = ra.Parts, rb.Parts
	for ti, tb := range rb.Tables.All() {
		ta := ra.Tables.All()[ti]
		for ri, row := range tb.Rows {
			for _, blk := range tb.Blocks {
				if !containsRow(blk.Rows, row) {
					continue
				}
				for _, col := range blk.Columns {
					va, vb := ta.Rows[ri].Cells[col].Value, row.Cells[col].Value
					cr := compareRow{Table: tb.Title, Label: strings.TrimSpace(row.Group + " " + row.Label), Column: annual.ColumnTitle(tb.Code, col), A: va, B: vb}
					if x, e1 := strconv.ParseFloat(va, 64); e1 == nil {
						if y, e2 := strconv.ParseFloat(vb, 64); e2 == nil {
							switch d := y - x; {
							case d > 0:
								cr.Diff = "+" + strconv.FormatFloat(d, 'f', -1, 64)
							case d < 0:
								cr.Diff = strconv.FormatFloat(d, 'f', -1, 64)
							default:
								cr.Diff = "持平"
							}
						}
					}
					p.Rows = append(p.Rows, cr)
				}
			}
		}
	}
	s.Render(w, r, http.StatusOK, "admin/annual_compare", p)
}
