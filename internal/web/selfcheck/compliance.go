package selfcheck

import (
	"database/sql"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/calendar/calver"
	"gongkai/internal/compliance"
	"gongkai/internal/deadline"
	"gongkai/internal/errs"
	"gongkai/internal/store"
	"gongkai/internal/web"
)

// compliancePage is the self-inspection dashboard's data.
type compliancePage struct {
	web.AdminPage
	// Report is the stored run's summary (nil before the first run).
	Report   *compliance.Stored
	Findings []compliance.Finding
	// Total is the number of findings shown over all pages (the
	// department's, when filtered).
	Total      int
	Pager      *web.Pager
	Refreshing bool
	// Next: the site changed since the stored run (or the day did); a
	// large site's next run starts in the background at about this time.
	Next    string
	Depts   []deptCount
	History []compliance.Point
	Chart   template.HTML
	Rules   []deadline.Rule
	Levels  map[compliance.Level]string
	// Department: the page shows only this department's findings (an
	// editor's own; the office's filter).
	Department string
	// Own: the department is the viewer's own (an editor or reviewer).
	Own bool
}

type deptCount struct {
	Name  string
	Count int
}

// findingsPerPage is how many findings a page of the self-inspection lists.
const findingsPerPage = 100

// compliance shows the site's last self-inspection (stored, refreshed in
// the background when out of date), per department and overall, with the
// trend of earlier runs.
func (s *Feature) complianceDashboard(w http.ResponseWriter, r *http.Request) {
	p := &compliancePage{AdminPage: s.AdminPage(r, "政务公开自查"), Rules: deadline.AllRules(), Levels: compliance.LevelLabels}
	// A department's editors and reviewers see their department's part
	// (issue 15); the office and administrators the whole site's.
	own := !p.User.CanPublish()
	if own && p.User.DepartmentID == 0 {
		s.AdminError(w, r, errs.E(errs.Forbidden, "您没有所属科室：自查结果由政务公开办公室和系统管理员查看"))
		return
	}
	ctx := r.Context()
	st, refreshing, err := s.Compliance.Ensure(ctx, p.Site.ID, s.Today(), s.Writes(p.Site.ID))
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p.Report, p.Refreshing, p.Own = st, refreshing, own
	if st != nil && st.Stale {
		p.Next = store.FormatTime(st.Next)
	}
	f := compliance.FindingFilter{SiteID: p.Site.ID, Limit: findingsPerPage}
	switch {
	case own:
		p.Department = p.User.Department
	case r.URL.Query().Has("department"):
		p.Department = r.URL.Query().Get("department")
		if p.Department == "" {
			p.Department = "全站"
		}
	}
	if p.Department != "" {
		f.ByDepartment, f.Department = true, p.Department
		if !own && p.Department == "全站" {
			f.Department = ""
		}
	}
	page := web.PageNumber(r, 100000)
	f.Offset = (page - 1) * findingsPerPage
	if st != nil {
		if p.Findings, p.Total, err = s.Compliance.Findings(ctx, f); err != nil {
			s.AdminError(w, r, err)
			return
		}
		if !own {
			counts, err := s.Compliance.CountByDepartment(ctx, p.Site.ID)
			if err != nil {
				s.AdminError(w, r, err)
				return
			}
			for _, c := range counts {
				name := c.Department
				if name == "" {
					name = "全站"
				}
				p.Depts = append(p.Depts, deptCount{name, c.Count})
			}
		}
	}
	p.Pager = web.NewPager(page, p.Total, findingsPerPage)
	if web.RedirectPastEnd(w, r, p.Pager) {
		return
	}
	if !own {
		if p.History, err = s.Compliance.History(ctx, p.Site.ID, 60); err != nil {
			s.AdminError(w, r, err)
			return
		}
	}
	p.Chart = trendSVG(p.History)
	s.Render(w, r, http.StatusOK, "admin/compliance", p)
}

// runCompliance runs and records a check now (the server also does daily),
// through the single flight of the stored runs, and audits the request. A
// run that takes longer than the page waits goes on in the background.
func (s *Feature) runCompliance(w http.ResponseWriter, r *http.Request) {
	p := s.AdminPage(r, "政务公开自查")
	if !p.User.CanPublish() {
		s.AdminError(w, r, errs.E(errs.Forbidden, "只有政务公开办公室和系统管理员可以运行自查"))
		return
	}
	err := s.Catalog.DB.Tx(r.Context(), func(tx *sql.Tx) error {
		return auth.Audit(r.Context(), tx, s.Catalog.DB.Dialect, auth.Entry{SiteID: p.Site.ID, Actor: p.User, Action: "compliance.run", Target: "site:" + strconv.FormatInt(p.Site.ID, 10)})
	})
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	// The request's own change count: the run starts after this POST, so
	// it is current as of it (Writes counts the POST when it ends).
	done := s.Compliance.Record(p.Site.ID, s.Today(), s.Writes(p.Site.ID)+1, 0)
	wait := time.NewTimer(s.Compliance.RecordWait(r.Context(), p.Site.ID))
	defer wait.Stop()
	select {
	case <-done:
		http.Redirect(w, r, "/admin/compliance?done=checked", http.StatusSeeOther)
	case <-wait.C:
		http.Redirect(w, r, "/admin/compliance?done=checking", http.StatusSeeOther)
	case <-r.Context().Done():
	}
}

// recompute drops pinned due dates so they follow the calendar in force.
func (s *Feature) recompute(w http.ResponseWriter, r *http.Request) {
	p := s.AdminPage(r, "重新计算期限")
	var item int64
	if v := r.PostFormValue("item_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.AdminError(w, r, errs.E(errs.Invalid, "信息编号无效"))
			return
		}
		item = id
	}
	n, err := s.Deadlines.Recompute(r.Context(), p.User, p.Site.ID, item)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	to := "/admin/calendar?done=recomputed&n=" + strconv.FormatInt(n, 10)
	if item != 0 {
		to = "/admin/items/" + strconv.FormatInt(item, 10) + "?done=recomputed"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// calendarPage lists calendar versions and takes imports.
type calendarPage struct {
	web.AdminPage
	Versions []calver.VersionInfo
	Current  string
	Stale    int
	// Warning: a holiday notice that should be entered is missing.
	Warning string
	// Year is the form for entering one year's notice as dates; Statutory
	// lists that year's statutory days as a reference.
	Year      yearForm
	Statutory []calendar.StatutoryDay
}

// yearForm is the form for one year's notice, as typed.
type yearForm struct {
	Year, Notices, Off, Work, Note string
}

func (s *Feature) calendarAdmin(w http.ResponseWriter, r *http.Request) {
	s.renderCalendar(w, r, &calendarPage{AdminPage: s.AdminPage(r, "节假日安排")}, http.StatusOK)
}

func (s *Feature) renderCalendar(w http.ResponseWriter, r *http.Request, p *calendarPage, status int) {
	cur, err := s.Calendar.Current(r.Context())
	if err == nil {
		p.Versions, err = s.Calendar.History(r.Context())
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p.Current = cur.Version()
	p.Warning = cur.MissingNotice(s.Today())
	if p.Year.Year == "" {
		// Offer the first year from today on without its notice.
		y := s.Today().Year
		for cur.Known(y) && y < s.Today().Year+2 {
			y++
		}
		p.Year.Year = strconv.Itoa(y)
	}
	if y, err := strconv.Atoi(p.Year.Year); err == nil {
		p.Statutory = calendar.Statutory(y)
	}
	if p.Stale, err = s.Deadlines.StaleCount(r.Context(), p.Site.ID, p.Current); err != nil {
		s.AdminError(w, r, err)
		return
	}
	s.Render(w, r, status, "admin/calendar", p)
}

func (s *Feature) importCalendar(w http.ResponseWriter, r *http.Request) {
	p := &calendarPage{AdminPage: s.AdminPage(r, "节假日安排")}
	data := []byte(strings.TrimSpace(r.PostFormValue("data")))
	if f, _, err := r.FormFile("file"); err == nil {
		data, err = io.ReadAll(io.LimitReader(f, 1<<20))
		f.Close()
		if err != nil {
			s.AdminError(w, r, errs.E(errs.Invalid, "无法读取上传的文件"))
			return
		}
	}
	if len(data) == 0 {
		p.Error, p.Errors = "请上传或粘贴节假日安排数据", map[string]string{"data": "请上传 JSON 文件或在此粘贴内容"}
		s.renderCalendar(w, r, p, http.StatusUnprocessableEntity)
		return
	}
	if _, err := s.Calendar.Import(r.Context(), p.User, data, strings.TrimSpace(r.PostFormValue("note"))); err != nil {
		s.LogErr(r, err)
		p.Error = errs.MessageOf(err)
		p.Errors = map[string]string{"data": errs.MessageOf(err)}
		if errs.CodeOf(err) == errs.Internal || errs.CodeOf(err) == errs.Forbidden {
			s.AdminError(w, r, err)
			return
		}
		s.renderCalendar(w, r, p, web.StatusOf(err))
		return
	}
	http.Redirect(w, r, "/admin/calendar?done=imported", http.StatusSeeOther)
}

// importYear takes one year's notice entered as dates: the notice number,
// the days off and the make-up working days. It goes through the same
// validation and versioning as a file import.
func (s *Feature) importYear(w http.ResponseWriter, r *http.Request) {
	p := &calendarPage{AdminPage: s.AdminPage(r, "节假日安排")}
	f := r.PostFormValue
	p.Year = yearForm{Year: strings.TrimSpace(f("year")), Notices: strings.TrimSpace(f("notices")), Off: f("off"), Work: f("work"), Note: strings.TrimSpace(f("note"))}
	v := errs.Validation{}
	y := calendar.Year{}
	if n, err := strconv.Atoi(p.Year.Year); err != nil || n < 2000 || n > 2100 {
		v.Add("year", "请填写年度，如 2027")
	} else {
		y.Year = n
	}
	for _, line := range strings.Split(p.Year.Notices, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			y.Notices = append(y.Notices, line)
		}
	}
	if len(y.Notices) == 0 {
		v.Add("notices", "请填写放假通知的文号，如 国办发明电〔2026〕…号")
	} else if len(p.Year.Notices) > 500 {
		v.Add("notices", "文号过长")
	}
	var err error
	if y.Off, err = calendar.ParseDates(p.Year.Off); err != nil {
		v.Add("off", errs.MessageOf(err))
	} else if len(y.Off) == 0 {
		v.Add("off", "请填写放假日期")
	}
	if y.Work, err = calendar.ParseDates(p.Year.Work); err != nil {
		v.Add("work", errs.MessageOf(err))
	}
	if err := v.Err(); err != nil {
		p.Error, p.Errors = errs.MessageOf(err), errs.FieldsOf(err)
		s.renderCalendar(w, r, p, http.StatusUnprocessableEntity)
		return
	}
	data, err := calendar.MarshalYears([]calendar.Year{y}, "entered at /admin/calendar")
	if err != nil {
		s.AdminError(w, r, errs.Wrap(err, "marshal year"))
		return
	}
	note := p.Year.Note
	if note == "" {
		note = strings.Join(y.Notices, "、")
	}
	if _, err := s.Calendar.Import(r.Context(), p.User, data, note); err != nil {
		if c := errs.CodeOf(err); c == errs.Internal || c == errs.Forbidden {
			s.AdminError(w, r, err)
			return
		}
		// The calendar's own checks (a date outside the year, a make-up day
		// on a weekday, a day listed twice) belong to the dates.
		p.Error, p.Errors = errs.MessageOf(err), map[string]string{"off": errs.MessageOf(err)}
		s.renderCalendar(w, r, p, web.StatusOf(err))
		return
	}
	http.Redirect(w, r, "/admin/calendar?done=imported", http.StatusSeeOther)
}

// trendSVG draws the open findings of each run as a line chart with the
// veto count as bars; the numbers are also in a table next to it.
func trendSVG(points []compliance.Point) template.HTML {
	const w, h, left, bottom, top = 640, 220, 40, 30, 10
	if len(points) == 0 {
		return ""
	}
	max := 1
	for _, p := range points {
		if p.Findings > max {
			max = p.Findings
		}
	}
	x := func(i int) float64 {
		if len(points) == 1 {
			return left + float64(w-left-10)/2
		}
		return left + float64(i)*float64(w-left-10)/float64(len(points)-1)
	}
	y := func(v int) float64 { return float64(top) + float64(h-top-bottom)*(1-float64(v)/float64(max)) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="trend" viewBox="0 0 %d %d" role="img" aria-labelledby="trend-title trend-desc" xmlns="http://www.w3.org/2000/svg">`, w, h)
	last := points[len(points)-1]
	fmt.Fprintf(&b, `<title id="trend-title">自查问题数趋势</title><desc id="trend-desc">最近 %d 次自查，最新一次 %d 项问题，其中单项否决 %d 项。</desc>`, len(points), last.Findings, last.Vetoes)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#555"/>`, left, h-bottom, w-5, h-bottom)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#555"/>`, left, top, left, h-bottom)
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" text-anchor="end">%d</text><text x="%d" y="%d" font-size="12" text-anchor="end">0</text>`,
		left-4, top+10, max, left-4, h-bottom)
	var pts []string
	for i, p := range points {
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(p.Findings)))
		if p.Vetoes > 0 {
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="6" height="%.1f" fill="#b00020"/>`, x(i)-3, y(p.Vetoes), float64(h-bottom)-y(p.Vetoes))
		}
	}
	fmt.Fprintf(&b, `<polyline fill="none" stroke="#0b4f9c" stroke-width="2" points="%s"/>`, strings.Join(pts, " "))
	for i, p := range points {
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="#0b4f9c"/>`, x(i), y(p.Findings))
	}
	// The runs are stored as UTC instants; the axis shows China's days, as
	// the table beside it does (a run at 07:00 Beijing time is 23:00 UTC
	// the day before).
	first, lastDay := chinaDay(points[0].RanAt), chinaDay(last.RanAt)
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12">%s</text><text x="%d" y="%d" font-size="12" text-anchor="end">%s</text>`,
		left, h-8, template.HTMLEscapeString(first), w-5, h-8, template.HTMLEscapeString(lastDay))
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// chinaDay is the day in China of a stored instant.
func chinaDay(stored string) string {
	t := store.ParseTime(stored)
	if t.IsZero() {
		return stored
	}
	return calendar.DateOf(t.In(calendar.Beijing)).String()
}
