package consult

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"gongkai/internal/consult"
	"gongkai/internal/errs"
	"gongkai/internal/web"
)

type decisionsPage struct {
	web.Page
	Year      int
	Years     []int
	Decisions []*consult.Decision
}

// year reads ?year=, defaulting to the latest year with a catalogue (or this year).
func (s *Feature) year(r *http.Request) (int, []int, error) {
	years, err := s.Consult.DecisionYears(r.Context(), web.SiteOf(r).Site.ID)
	if err != nil {
		return 0, nil, err
	}
	if y := r.URL.Query().Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 1900 || n > 2100 {
			return 0, nil, &errs.Error{Code: errs.Invalid, Message: "年度无效：" + y, Fields: map[string]string{"year": "年度应为四位数字"}}
		}
		return n, years, nil
	}
	if len(years) > 0 {
		return years[0], years, nil
	}
	return s.Today().Year, years, nil
}

func (s *Feature) decisions(w http.ResponseWriter, r *http.Request) {
	if s.Consult == nil {
		s.ErrorPage(w, r, errNoService)
		return
	}
	y, years, err := s.year(r)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	ds, err := s.Consult.Decisions(r.Context(), web.SiteOf(r).Site.ID, y)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "public/decisions", &decisionsPage{Page: s.Page(r, fmt.Sprintf("%d年度重大行政决策事项目录", y)), Year: y, Years: years, Decisions: ds})
}

// decisionsCSV is the year's catalogue as a table (UTF-8 with BOM, so
// spreadsheet programs read the Chinese text).
func (s *Feature) decisionsCSV(w http.ResponseWriter, r *http.Request) {
	if s.Consult == nil {
		s.ErrorPage(w, r, errNoService)
		return
	}
	y, _, err := s.year(r)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	ds, err := s.Consult.Decisions(r.Context(), web.SiteOf(r).Site.ID, y)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="decisions-%d.csv"`, y))
	w.Write([]byte("\xEF\xBB\xBF"))
	cw := csv.NewWriter(w)
	cw.Write([]string{"序号", "决策事项", "承办科室", "法律依据", "计划完成时间", "状态", "调整理由", "关联材料"})
	for _, d := range ds {
		var links []string
		for _, l := range d.Links {
			links = append(links, l.KindLabel()+"："+l.Title+" "+l.URL)
		}
		cw.Write([]string{strconv.Itoa(d.Seq), csvSafe(d.Title), csvSafe(d.Department), csvSafe(d.Basis), d.PlannedOn, d.StatusLabel(), csvSafe(d.StatusReason), csvSafe(strings.Join(links, "；"))})
	}
	cw.Flush()
}

// csvSafe keeps a spreadsheet from reading a cell as a formula.
func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

type decisionPage struct {
	web.Page
	D        *consult.Decision
	Timeline []consult.DecisionEvent
}

func (s *Feature) decision(w http.ResponseWriter, r *http.Request) {
	if s.Consult == nil {
		s.ErrorPage(w, r, errNoService)
		return
	}
	id, err := web.PathID(r, "id")
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	d, err := s.Consult.Decision(r.Context(), web.SiteOf(r).Site.ID, id)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	tl, err := s.Consult.Timeline(r.Context(), d.ID)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "public/decision", &decisionPage{Page: s.Page(r, d.Title), D: d, Timeline: tl})
}

type adminDecisionsPage struct {
	web.AdminPage
	Year      int
	Decisions []*consult.Decision
	Statuses  []consult.Choice
	LinkKinds []consult.Choice
}

func (s *Feature) adminDecisions(w http.ResponseWriter, r *http.Request) {
	s.renderAdminDecisions(w, r, http.StatusOK, nil)
}

func (s *Feature) renderAdminDecisions(w http.ResponseWriter, r *http.Request, status int, fail error) {
	if s.Consult == nil {
		s.AdminError(w, r, errNoService)
		return
	}
	y, _, err := s.year(r)
	if err != nil {
		y = s.Today().Year
	}
	ds, err := s.Consult.Decisions(r.Context(), web.SiteOf(r).Site.ID, y)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p := &adminDecisionsPage{AdminPage: s.AdminPage(r, "重大行政决策事项目录"), Year: y, Decisions: ds, Statuses: consult.DecisionStatuses, LinkKinds: consult.LinkKinds}
	if fail != nil {
		p.Fail(fail)
	}
	s.Render(w, r, status, "admin/decisions", p)
}

func (s *Feature) adminDecisionCreate(w http.ResponseWriter, r *http.Request) {
	y, _ := strconv.Atoi(r.PostFormValue("year"))
	in := consult.DecisionInput{Year: y, Title: r.PostFormValue("title"), Department: r.PostFormValue("department"), Basis: r.PostFormValue("basis"), PlannedOn: r.PostFormValue("planned_on")}
	d, err := s.Consult.CreateDecision(r.Context(), web.StaffOf(r).User, web.SiteOf(r).Site.ID, in)
	if err != nil {
		s.renderAdminDecisions(w, r, web.StatusOf(err), err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/decisions?year=%d&done=decision_saved", d.Year), http.StatusSeeOther)
}

func (s *Feature) adminDecisionStatus(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	d, err := s.Consult.SetDecisionStatus(r.Context(), web.StaffOf(r).User, web.SiteOf(r).Site.ID, id, r.PostFormValue("status"), r.PostFormValue("status_reason"))
	if err != nil {
		s.renderAdminDecisions(w, r, web.StatusOf(err), err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/decisions?year=%d&done=decision_saved", d.Year), http.StatusSeeOther)
}

func (s *Feature) adminDecisionLink(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	l := consult.Link{Kind: r.PostFormValue("kind"), Title: r.PostFormValue("title"), URL: r.PostFormValue("url")}
	d, err := s.Consult.LinkDecision(r.Context(), web.StaffOf(r).User, web.SiteOf(r).Site.ID, id, l)
	if err != nil {
		s.renderAdminDecisions(w, r, web.StatusOf(err), err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/decisions?year=%d&done=decision_saved", d.Year), http.StatusSeeOther)
}
