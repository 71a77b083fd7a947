package interact

import (
	"net/http"
	"strconv"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/interact"
	"gongkai/internal/web"
)

type deskPage struct {
	web.AdminPage
	Rows        []interact.Row
	Today       calendar.Date
	Status      string
	Department  int64
	Departments []catalog.Department
	Overdue     int
	VetoSoon    int
	Pager       *web.Pager
	Office      bool
	Statuses    map[string]string
}

// deskPer is the desk's rows a page.
const deskPer = 50

// IsOverdue reports whether a row is past its due date.
func (p *deskPage) IsOverdue(r interact.Row) bool { return r.Overdue(p.Today) }

// VetoLine is a row's 3-month line.
func (p *deskPage) VetoLine(r interact.Row) calendar.Date { return interact.AddMonths(r.Received, 3) }

// deskScope limits editors and reviewers to their department's messages.
func deskScope(u *auth.User) (int64, bool) {
	if u.CanPublish() {
		return 0, true
	}
	return u.DepartmentID, u.DepartmentID != 0
}

func (s *Feature) desk(w http.ResponseWriter, r *http.Request) {
	p := &deskPage{AdminPage: s.AdminPage(r, "留言办理"), Today: s.today(), Statuses: interact.StatusLabels}
	dept, ok := deskScope(p.User)
	if !ok {
		s.AdminError(w, r, errs.E(errs.Forbidden, "您没有所属科室，不能查看留言"))
		return
	}
	p.Office = p.User.CanPublish()
	q := r.URL.Query()
	p.Status = q.Get("status")
	if p.Status == "" {
		p.Status = "open"
	}
	if _, ok := interact.StatusLabels[p.Status]; !ok && p.Status != "open" && p.Status != "all" && p.Status != "overdue" {
		p.Status = "open"
	}
	if p.Office {
		p.Department, _ = strconv.ParseInt(q.Get("department"), 10, 64)
		p.Departments, _ = s.Catalog.Departments(r.Context(), p.Site.ID)
	} else {
		p.Department = dept
	}
	f := interact.Filter{DepartmentID: p.Department, Status: p.Status}
	switch p.Status {
	case "all":
		f.Status = ""
	case "overdue":
		f.Status, f.Overdue = "", true
	}
	f.Page, f.Per = web.PageNumber(r, 100000), deskPer
	rows, total, err := s.Messages.List(r.Context(), p.Site.ID, f)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p.Rows, p.Pager = rows, web.NewPager(f.Page, total, deskPer)
	// The alerts count over the open messages of the desk's scope.
	if p.Overdue, p.VetoSoon, err = s.Messages.Alerts(r.Context(), p.Site.ID, p.Department, p.Today); err != nil {
		s.AdminError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "admin/messages", p)
}

type messagePage struct {
	web.AdminPage
	M           *interact.Message
	Full        bool // the writer's data in full (the handlers)
	Allowed     map[string]bool
	Departments []catalog.Department
	DeptNames   map[int64]string
	Today       calendar.Date
	Reasons     any
	Explain     calendar.Explanation
	Form        map[string]string
}

// Label names an event type.
func (p *messagePage) Label(t string) string { i, _ := interact.InfoOf(t); return i.Label }

// StatusLabel is the message's status.
func (p *messagePage) StatusLabel() string { return interact.StatusLabels[p.M.State.Status] }

// InvalidLabel names an invalid reason.
func (p *messagePage) InvalidLabel(c string) string { return interact.InvalidLabel(c) }

// RatingLabel names a rating.
func (p *messagePage) RatingLabel(c string) string { return interact.RatingLabel(c) }

// Where: the category asks for where such matters are handled.
func (p *messagePage) Where() bool { c, _ := interact.CategoryOf(p.M.Category); return c.Where }

func (s *Feature) messagePage(r *http.Request, m *interact.Message) *messagePage {
	p := &messagePage{AdminPage: s.AdminPage(r, m.TrackingNo+" "+m.Title), M: m, Today: s.today(), Reasons: interact.InvalidReasons, Form: map[string]string{}}
	p.Full = interact.CanHandle(p.User, m)
	p.Allowed = interact.Allowed(p.User, m)
	p.Departments, _ = s.Catalog.Departments(r.Context(), p.Site.ID)
	p.DeptNames = map[int64]string{}
	for _, d := range p.Departments {
		p.DeptNames[d.ID] = d.Name
	}
	p.Explain = m.State.Explain()
	return p
}

func (s *Feature) loadForDesk(w http.ResponseWriter, r *http.Request) (*interact.Message, bool) {
	id, err := web.PathID(r, "id")
	if err != nil {
		s.AdminError(w, r, err)
		return nil, false
	}
	st := web.SiteOf(r)
	m, err := s.Messages.Get(r.Context(), st.Site.ID, id)
	if err != nil {
		s.AdminError(w, r, err)
		return nil, false
	}
	u := web.StaffOf(r).User
	if dept, _ := deskScope(u); dept != 0 && !interact.CanHandle(u, m) {
		// A department sees the messages routed to it, and no other.
		s.AdminError(w, r, errs.E(errs.Forbidden, "该留言不由您的科室办理"))
		return nil, false
	}
	return m, true
}

func (s *Feature) deskMessage(w http.ResponseWriter, r *http.Request) {
	m, ok := s.loadForDesk(w, r)
	if !ok {
		return
	}
	s.Render(w, r, http.StatusOK, "admin/message", s.messagePage(r, m))
}

func (s *Feature) deskEvent(w http.ResponseWriter, r *http.Request) {
	m, ok := s.loadForDesk(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.AdminError(w, r, errs.E(errs.Invalid, "提交的内容过大或无法读取"))
		return
	}
	g := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	ev := interact.Event{Type: g("type"), Reason: g("reason"), Note: g("note"), Answer: g("answer"), Where: g("where"),
		Approved: g("approved") == "1", Public: g("public") == "1"}
	ev.DepartmentID, _ = strconv.ParseInt(g("department"), 10, 64)
	var err error
	if on := g("on"); on != "" {
		if ev.On, err = calendar.Parse(on); err != nil {
			err = &errs.Error{Code: errs.Invalid, Message: "办理日期应为 YYYY-MM-DD", Fields: map[string]string{"on": "应为 YYYY-MM-DD"}}
		}
	}
	if err == nil {
		_, err = s.Messages.AddEvent(r.Context(), web.StaffOf(r).User, m.SiteID, m.ID, ev)
	}
	if err != nil {
		s.LogErr(r, err)
		p := s.messagePage(r, m)
		p.Fail(err)
		p.Form = map[string]string{"type": ev.Type, "answer": ev.Answer, "where": ev.Where, "reason": ev.Reason, "note": ev.Note}
		s.Render(w, r, web.StatusOf(err), "admin/message", p)
		return
	}
	http.Redirect(w, r, "/admin/messages/"+strconv.FormatInt(m.ID, 10)+"?done=message_step", http.StatusSeeOther)
}

type settingsPage struct {
	web.AdminPage
	Categories []interact.Category
	Periods    map[string]int
	Max        int
}

func (s *Feature) settings(w http.ResponseWriter, r *http.Request) {
	p := &settingsPage{AdminPage: s.AdminPage(r, "留言答复期限"), Categories: interact.Categories, Max: interact.MaxPeriod}
	var err error
	if p.Periods, err = s.Messages.Periods(r.Context(), p.Site.ID); err != nil {
		s.AdminError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "admin/message_settings", p)
}

func (s *Feature) saveSettings(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		s.AdminError(w, r, errs.E(errs.Invalid, "请求无效"))
		return
	}
	p := &settingsPage{AdminPage: s.AdminPage(r, "留言答复期限"), Categories: interact.Categories, Max: interact.MaxPeriod, Periods: map[string]int{}}
	v := errs.Validation{}
	for _, c := range interact.Categories {
		n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue(c.Code)))
		if err != nil {
			v.Add(c.Code, "请填写工作日数")
		}
		p.Periods[c.Code] = n
	}
	err := v.Err()
	if err == nil {
		err = s.Messages.SetPeriods(r.Context(), p.User, p.Site.ID, p.Periods)
	}
	if err != nil {
		p.Fail(err)
		s.Render(w, r, web.StatusOf(err), "admin/message_settings", p)
		return
	}
	http.Redirect(w, r, "/admin/messages/settings?done=message_periods", http.StatusSeeOther)
}

type faqAdminPage struct {
	web.AdminPage
	Entries    []interact.FAQ
	Edit       interact.FAQ
	Categories []interact.Category
	CanEdit    bool
}

func (s *Feature) faqAdminPage(r *http.Request) (*faqAdminPage, error) {
	p := &faqAdminPage{AdminPage: s.AdminPage(r, "常见问题"), Categories: interact.Categories}
	p.CanEdit = p.User.CanPublish()
	var err error
	p.Entries, err = s.Messages.FAQs(r.Context(), p.Site.ID)
	return p, err
}

func (s *Feature) deskFAQ(w http.ResponseWriter, r *http.Request) {
	p, err := s.faqAdminPage(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	q := r.URL.Query()
	if id, _ := strconv.ParseInt(q.Get("edit"), 10, 64); id > 0 {
		f, err := s.Messages.FAQByID(r.Context(), p.Site.ID, id)
		if err != nil {
			s.AdminError(w, r, err)
			return
		}
		p.Edit = *f
	} else if id, _ := strconv.ParseInt(q.Get("message"), 10, 64); id > 0 {
		// From an answered message: its published (masked) question and answer.
		m, err := s.Messages.PublicMessage(r.Context(), p.Site.ID, id)
		if err != nil {
			s.AdminError(w, r, err)
			return
		}
		p.Edit = interact.FAQ{MessageID: m.ID, Category: m.Category, Question: m.Title, Answer: m.State.Answer}
	}
	s.Render(w, r, http.StatusOK, "admin/message_faq", p)
}

func (s *Feature) saveFAQ(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.AdminError(w, r, errs.E(errs.Invalid, "请求无效"))
		return
	}
	g := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := interact.FAQ{Category: g("category"), Question: g("question"), Answer: g("answer")}
	f.ID, _ = strconv.ParseInt(g("id"), 10, 64)
	f.MessageID, _ = strconv.ParseInt(g("message_id"), 10, 64)
	f.Position, _ = strconv.Atoi(g("position"))
	u := web.StaffOf(r).User
	siteID := web.SiteOf(r).Site.ID
	var err error
	if g("op") == "delete" {
		err = s.Messages.DeleteFAQ(r.Context(), u, siteID, f.ID)
	} else {
		_, err = s.Messages.SaveFAQ(r.Context(), u, siteID, f)
	}
	if err != nil {
		p, perr := s.faqAdminPage(r)
		if perr != nil {
			s.AdminError(w, r, perr)
			return
		}
		p.Edit = f
		p.Fail(err)
		s.Render(w, r, web.StatusOf(err), "admin/message_faq", p)
		return
	}
	http.Redirect(w, r, "/admin/messages/faq?done=message_faq", http.StatusSeeOther)
}
