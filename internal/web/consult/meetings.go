package consult

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"gongkai/internal/captcha"
	"gongkai/internal/consult"
	"gongkai/internal/errs"
	"gongkai/internal/web"
)

// formApply names the stakeholder application form (CAPTCHA, rate limits).
const formApply = "meeting-apply"

type meetingsPage struct {
	web.Page
	Meetings []*consult.Meeting
}

func (s *Feature) meetings(w http.ResponseWriter, r *http.Request) {
	if s.Consult == nil {
		s.ErrorPage(w, r, errNoService)
		return
	}
	ms, err := s.Consult.Meetings(r.Context(), web.SiteOf(r).Site.ID, true)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "public/meetings", &meetingsPage{Page: s.Page(r, "会议公开"), Meetings: ms})
}

type applyForm struct{ Name, Category, Organisation, Contact, Reason string }

type meetingPage struct {
	web.Page
	M          *consult.Meeting
	Open       bool
	Categories []consult.Choice
	Form       applyForm
	Error      string
	Captcha    *web.CaptchaField
	Done       *consult.Application
}

// Err is the message of a form field.
func (p *meetingPage) Err(name string) string { return p.Errors[name] }

// ErrorList is the error summary in field order.
func (p *meetingPage) ErrorList() [][3]string {
	var out [][3]string
	for _, f := range [][2]string{{"name", "姓名"}, {"category", "身份类别"}, {"organisation", "单位"}, {"contact", "联系方式"}, {"reason", "申请理由"}, {captcha.FieldAnswer, "验证码"}} {
		if m, ok := p.Errors[f[0]]; ok {
			id := "a-" + f[0]
			if f[0] == captcha.FieldAnswer {
				id = "captcha-answer"
			}
			out = append(out, [3]string{id, f[1], m})
		}
	}
	return out
}

func (s *Feature) loadMeeting(r *http.Request, public bool) (*consult.Meeting, error) {
	if s.Consult == nil {
		return nil, errNoService
	}
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, consult.ErrNotFound
	}
	m, err := s.Consult.Meeting(r.Context(), web.SiteOf(r).Site.ID, id)
	if err == nil && public && !m.Published {
		err = consult.ErrNotFound
	}
	return m, err
}

func (s *Feature) meetingData(r *http.Request, m *consult.Meeting) *meetingPage {
	p := &meetingPage{Page: s.Page(r, m.Title), M: m, Open: m.OpenForApplications(s.Consult.Now()), Categories: consult.AttendeeCategories, Form: applyForm{Category: "stakeholder"}}
	if p.Open {
		p.Captcha = s.NewCaptcha(r, formApply)
	}
	return p
}

func (s *Feature) meeting(w http.ResponseWriter, r *http.Request) {
	m, err := s.loadMeeting(r, true)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.Render(w, r, http.StatusOK, "public/meeting", s.meetingData(r, m))
}

func (s *Feature) apply(w http.ResponseWriter, r *http.Request) {
	if !s.LimitForm(w, r, formApply) {
		return
	}
	m, err := s.loadMeeting(r, true)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	p := s.meetingData(r, m)
	g := func(k string) string { return r.PostFormValue(k) }
	p.Form = applyForm{Name: g("name"), Category: g("category"), Organisation: g("organisation"), Contact: g("contact"), Reason: g("reason")}
	in := consult.ApplicationInput{Name: p.Form.Name, Category: p.Form.Category, Organisation: p.Form.Organisation, Contact: p.Form.Contact, Reason: p.Form.Reason}
	fail := func(err error, status int) {
		p.Title = "错误：" + m.Title
		p.Error, p.Errors = errs.MessageOf(err), errs.FieldsOf(err)
		s.Render(w, r, status, "public/meeting", p)
	}
	if !p.Open {
		fail(errs.E(errs.Conflict, "该会议的列席报名已截止"), http.StatusConflict)
		return
	}
	check := in
	if err := check.Validate(); err != nil {
		fail(err, web.StatusOf(err))
		return
	}
	if cf, err := s.CheckCaptcha(r, formApply); err != nil {
		p.Captcha = cf
		if err == web.ErrCaptchaRenewed {
			p.Errors = map[string]string{}
			s.Render(w, r, cf.Status, "public/meeting", p)
			return
		}
		fail(err, cf.Status)
		return
	}
	a, err := s.Consult.Apply(r.Context(), m.SiteID, m.ID, in)
	if err != nil {
		p.Captcha = s.NewCaptcha(r, formApply)
		fail(err, web.StatusOf(err))
		return
	}
	p.Done, p.Captcha, p.Form = a, nil, applyForm{}
	s.Render(w, r, http.StatusCreated, "public/meeting", p)
}

type adminMeetingsPage struct {
	web.AdminPage
	Meetings []*consult.Meeting
	Types    []consult.Choice
}

func (s *Feature) adminMeetings(w http.ResponseWriter, r *http.Request) {
	s.renderAdminMeetings(w, r, http.StatusOK, nil)
}

func (s *Feature) renderAdminMeetings(w http.ResponseWriter, r *http.Request, status int, fail error) {
	if s.Consult == nil {
		s.AdminError(w, r, errNoService)
		return
	}
	ms, err := s.Consult.Meetings(r.Context(), web.SiteOf(r).Site.ID, false)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p := &adminMeetingsPage{AdminPage: s.AdminPage(r, "会议公开"), Meetings: ms, Types: consult.MeetingTypes}
	if fail != nil {
		p.Fail(fail)
	}
	s.Render(w, r, status, "admin/meetings", p)
}

// parseTopics reads the topics textarea: one per line, "议题|起草科室|列席建议";
// a line starting with * touches the public's interests.
func parseTopics(text string) []consult.Topic {
	var out []consult.Topic
	for _, l := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		var t consult.Topic
		if strings.HasPrefix(l, "*") {
			t.PublicInterest, l = true, strings.TrimSpace(l[1:])
		}
		parts := strings.SplitN(l, "|", 3)
		t.Title = parts[0]
		if len(parts) > 1 {
			t.Department = strings.TrimSpace(parts[1])
		}
		if len(parts) > 2 {
			t.StakeholderPlan = strings.TrimSpace(parts[2])
		}
		out = append(out, t)
	}
	return out
}

func (s *Feature) adminMeetingCreate(w http.ResponseWriter, r *http.Request) {
	g := func(k string) string { return r.PostFormValue(k) }
	in := consult.MeetingInput{Title: g("title"), MeetingType: g("meeting_type"), HeldOn: g("held_on"), Place: g("place"), ApplyUntil: g("apply_until"),
		Invited: g("invited"), Decisions: g("decisions"), Topics: parseTopics(g("topics")), Publish: g("publish") != ""}
	m, err := s.Consult.CreateMeeting(r.Context(), web.StaffOf(r).User, web.SiteOf(r).Site.ID, in)
	if err != nil {
		s.renderAdminMeetings(w, r, web.StatusOf(err), err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/meetings/%d?done=meeting_saved", m.ID), http.StatusSeeOther)
}

type adminMeetingPage struct {
	web.AdminPage
	M            *consult.Meeting
	Applications []consult.Application
	// TopicsEditable: the agenda may still be corrected (before the
	// meeting day); WhyFixed says why not.
	TopicsEditable bool
	WhyFixed       string
}

func (s *Feature) adminMeeting(w http.ResponseWriter, r *http.Request) {
	s.renderAdminMeeting(w, r, http.StatusOK, nil)
}

func (s *Feature) renderAdminMeeting(w http.ResponseWriter, r *http.Request, status int, fail error) {
	m, err := s.loadMeeting(r, false)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	apps, err := s.Consult.Applications(r.Context(), m.ID, "", true)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p := &adminMeetingPage{AdminPage: s.AdminPage(r, m.Title), M: m, Applications: apps}
	p.TopicsEditable, p.WhyFixed = m.TopicEditable(s.Consult.Now())
	if fail != nil {
		p.Fail(fail)
	}
	s.Render(w, r, status, "admin/meeting", p)
}

func (s *Feature) adminDecide(w http.ResponseWriter, r *http.Request) {
	m, err := s.loadMeeting(r, false)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	app, err := strconv.ParseInt(r.PathValue("app"), 10, 64)
	if err != nil {
		s.AdminError(w, r, errs.E(errs.NotFound, "没有这份列席申请"))
		return
	}
	if _, err := s.Consult.Decide(r.Context(), web.StaffOf(r).User, m.SiteID, m.ID, app, r.PostFormValue("decision") == "accept", r.PostFormValue("answer")); err != nil {
		s.renderAdminMeeting(w, r, web.StatusOf(err), err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/meetings/%d?done=meeting_decided", m.ID), http.StatusSeeOther)
}

// --- API ---

type apiMeetings struct {
	Meetings []*consult.Meeting `json:"meetings"`
}

type apiMeetingInput struct {
	Title       string          `json:"title"`
	MeetingType string          `json:"meeting_type"`
	HeldOn      string          `json:"held_on"`
	Place       string          `json:"place"`
	ApplyUntil  string          `json:"apply_until"`
	Invited     string          `json:"invited"`
	Decisions   string          `json:"decisions"`
	Topics      []apiTopicInput `json:"topics"`
	Links       []consult.Link  `json:"links"`
	Publish     bool            `json:"publish"`
}

type apiTopicInput struct {
	Title           string `json:"title"`
	Department      string `json:"department"`
	PublicInterest  bool   `json:"public_interest"`
	StakeholderPlan string `json:"stakeholder_plan"`
}

type apiApplicationInput struct {
	Name          string `json:"name"`
	Category      string `json:"category"`
	Organisation  string `json:"organisation"`
	Contact       string `json:"contact"`
	Reason        string `json:"reason"`
	CaptchaToken  string `json:"captcha_token"`
	CaptchaAnswer string `json:"captcha_answer"`
}

type apiApplicationReceipt struct {
	ID     int64  `json:"id"`
	Status string `json:"status"`
}

type apiDecideInput struct {
	Decision string `json:"decision"`
	Answer   string `json:"answer"`
}

type apiApplications struct {
	Applications []consult.Application `json:"applications"`
}

func (s *Feature) apiMeetings(w http.ResponseWriter, r *http.Request) {
	if s.Consult == nil {
		s.APIError(w, r, errNoService)
		return
	}
	u, err := s.APIUser(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	ms, err := s.Consult.Meetings(r.Context(), web.SiteOf(r).Site.ID, u == nil)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	out := apiMeetings{Meetings: []*consult.Meeting{}}
	for _, m := range ms {
		full, err := s.Consult.Meeting(r.Context(), m.SiteID, m.ID)
		if err != nil {
			s.APIError(w, r, err)
			return
		}
		out.Meetings = append(out.Meetings, full)
	}
	web.WriteJSON(w, http.StatusOK, out)
}

func (s *Feature) apiMeeting(w http.ResponseWriter, r *http.Request) {
	u, err := s.APIUser(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	m, err := s.loadMeeting(r, u == nil)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, m)
}

func (s *Feature) apiMeetingCreate(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	var in apiMeetingInput
	if err := web.DecodeJSON(w, r, &in, 512<<10); err != nil {
		s.APIError(w, r, err)
		return
	}
	mi := consult.MeetingInput{Title: in.Title, MeetingType: in.MeetingType, HeldOn: in.HeldOn, Place: in.Place, ApplyUntil: in.ApplyUntil, Invited: in.Invited,
		Decisions: in.Decisions, Links: in.Links, Publish: in.Publish}
	for _, t := range in.Topics {
		mi.Topics = append(mi.Topics, consult.Topic{Title: t.Title, Department: t.Department, PublicInterest: t.PublicInterest, StakeholderPlan: t.StakeholderPlan})
	}
	m, err := s.Consult.CreateMeeting(r.Context(), u, web.SiteOf(r).Site.ID, mi)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusCreated, m)
}

// apiApply takes an application from the public (rate limit, CAPTCHA).
func (s *Feature) apiApply(w http.ResponseWriter, r *http.Request) {
	if !s.LimitForm(w, r, formApply) {
		return
	}
	m, err := s.loadMeeting(r, true)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	var in apiApplicationInput
	if err := web.DecodeJSON(w, r, &in, 64<<10); err != nil {
		s.APIError(w, r, err)
		return
	}
	ai := consult.ApplicationInput{Name: in.Name, Category: in.Category, Organisation: in.Organisation, Contact: in.Contact, Reason: in.Reason}
	check := ai
	if err := check.Validate(); err != nil {
		s.APIError(w, r, err)
		return
	}
	if !m.OpenForApplications(s.Consult.Now()) {
		s.APIError(w, r, errs.E(errs.Conflict, "该会议的列席报名已截止"))
		return
	}
	if err := s.Captcha.Verify(r.Context(), formApply, in.CaptchaToken, in.CaptchaAnswer); err != nil {
		s.APIError(w, r, err)
		return
	}
	a, err := s.Consult.Apply(r.Context(), m.SiteID, m.ID, ai)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusCreated, apiApplicationReceipt{ID: a.ID, Status: a.Status})
}

func (s *Feature) apiApplications(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	m, err := s.loadMeeting(r, false)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	apps, err := s.Consult.Applications(r.Context(), m.ID, r.URL.Query().Get("status"), false)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	if apps == nil {
		apps = []consult.Application{}
	}
	web.WriteJSON(w, http.StatusOK, apiApplications{Applications: apps})
}

func (s *Feature) apiDecide(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	m, err := s.loadMeeting(r, false)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	app, err := web.PathID(r, "app")
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	var in apiDecideInput
	if err := web.DecodeJSON(w, r, &in, 64<<10); err != nil {
		s.APIError(w, r, err)
		return
	}
	if in.Decision != "accept" && in.Decision != "decline" {
		s.APIError(w, r, &errs.Error{Code: errs.Invalid, Message: "decision 应为 accept 或 decline", Fields: map[string]string{"decision": "应为 accept（同意）或 decline（不同意）"}})
		return
	}
	a, err := s.Consult.Decide(r.Context(), u, m.SiteID, m.ID, app, in.Decision == "accept", in.Answer)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, a)
}

// adminOutcome records the meeting's 议定事项 and a linked document.
func (s *Feature) adminOutcome(w http.ResponseWriter, r *http.Request) {
	m, err := s.loadMeeting(r, false)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	links := m.Links
	if t, u := strings.TrimSpace(r.PostFormValue("link_title")), strings.TrimSpace(r.PostFormValue("link_url")); t != "" || u != "" {
		links = append(links, consult.Link{Kind: "final_document", Title: t, URL: u})
	}
	_, err = s.Consult.SetOutcome(r.Context(), web.StaffOf(r).User, m.SiteID, m.ID, consult.MeetingOutcome{Decisions: r.PostFormValue("decisions"), Links: links, Publish: r.PostFormValue("publish") != ""})
	if err != nil {
		s.renderAdminMeeting(w, r, web.StatusOf(err), err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/meetings/%d?done=meeting_saved", m.ID), http.StatusSeeOther)
}

type apiOutcomeInput struct {
	Decisions string         `json:"decisions"`
	Links     []consult.Link `json:"links"`
	Publish   bool           `json:"publish"`
}

func (s *Feature) apiOutcome(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	m, err := s.loadMeeting(r, false)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	var in apiOutcomeInput
	if err := web.DecodeJSON(w, r, &in, 256<<10); err != nil {
		s.APIError(w, r, err)
		return
	}
	m, err = s.Consult.SetOutcome(r.Context(), u, m.SiteID, m.ID, consult.MeetingOutcome{Decisions: in.Decisions, Links: in.Links, Publish: in.Publish})
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, m)
}

// adminEditTopic corrects one agenda topic before the meeting.
func (s *Feature) adminEditTopic(w http.ResponseWriter, r *http.Request) {
	m, err := s.loadMeeting(r, false)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	seq, err := strconv.Atoi(r.PathValue("seq"))
	if err != nil {
		s.AdminError(w, r, consult.ErrNotFound)
		return
	}
	tp := consult.Topic{Title: r.PostFormValue("title"), Department: r.PostFormValue("department"), PublicInterest: r.PostFormValue("public_interest") != "",
		StakeholderPlan: r.PostFormValue("stakeholder_plan")}
	if _, err := s.Consult.EditTopic(r.Context(), web.StaffOf(r).User, web.SiteOf(r).Site.ID, m.ID, seq, tp); err != nil {
		s.renderAdminMeeting(w, r, web.StatusOf(err), err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/meetings/%d?done=meeting_topic", m.ID), http.StatusSeeOther)
}
