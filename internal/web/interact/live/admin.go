package live

import (
	"gongkai/internal/blob"
	"net/http"
	"strconv"
	"strings"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/interact/live"
	"gongkai/internal/web"
)

type adminInterviewsPage struct {
	web.AdminPage
	Interviews []*live.Interview
	Pager      *web.Pager
}

// Rows a page of the lists.
const (
	interviewsPer = 50
	questionsPer  = 100
	staffPer      = 50
)

func (s *Feature) adminInterviews(w http.ResponseWriter, r *http.Request) {
	if err := s.service(); err != nil {
		s.AdminError(w, r, err)
		return
	}
	p := &adminInterviewsPage{AdminPage: s.AdminPage(r, "在线访谈")}
	page := web.PageNumber(r, 100000)
	ivs, total, err := s.Live.Interviews(r.Context(), p.Site.ID, live.InterviewFilter{Page: page, Per: interviewsPer})
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p.Interviews, p.Pager = ivs, web.NewPager(page, total, interviewsPer)
	s.Render(w, r, http.StatusOK, "admin/interviews_admin", p)
}

type adminInterviewPage struct {
	web.AdminPage
	Interview   *live.Interview // nil: a new one
	Form        live.InterviewInput
	Departments []catalog.Department
	Counts      map[string]int
	Next        string
	NextLabel   string
}

func (s *Feature) interviewForm(r *http.Request, iv *live.Interview) (*adminInterviewPage, error) {
	title := "新建在线访谈"
	if iv != nil {
		title = iv.Title + " · 在线访谈"
	}
	p := &adminInterviewPage{AdminPage: s.AdminPage(r, title), Interview: iv}
	var err error
	if p.Departments, err = s.Catalog.Departments(r.Context(), p.Site.ID); err != nil {
		return nil, err
	}
	if iv != nil {
		p.Form = live.InterviewInput{DepartmentID: iv.DepartmentID, Title: iv.Title, Topic: iv.Topic, Guests: iv.Guests, StartsAt: iv.StartsAt, EndsAt: iv.EndsAt,
			Summary: iv.Summary, VideoURL: iv.VideoURL, VideoCaptions: iv.VideoCaptions, VideoTranscript: iv.VideoTranscript}
		if p.Counts, err = s.Live.Counts(r.Context(), iv.ID); err != nil {
			return nil, err
		}
		p.Next = map[string]string{live.Announced: live.Live, live.Live: live.Closed, live.Closed: live.Archived}[iv.Status]
		p.NextLabel = map[string]string{live.Live: "开始直播", live.Closed: "结束访谈（停止接收提问）", live.Archived: "归档并公开实录"}[p.Next]
	} else if p.User != nil {
		p.Form.DepartmentID = p.User.DepartmentID
	}
	return p, nil
}

func (s *Feature) adminInterviewNew(w http.ResponseWriter, r *http.Request) {
	if err := s.service(); err != nil {
		s.AdminError(w, r, err)
		return
	}
	p, err := s.interviewForm(r, nil)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "admin/interview_admin", p)
}

func (s *Feature) adminLoadInterview(r *http.Request) (*live.Interview, error) {
	if err := s.service(); err != nil {
		return nil, err
	}
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.Live.Interview(r.Context(), s.siteID(r), id)
}

func (s *Feature) adminInterview(w http.ResponseWriter, r *http.Request) {
	iv, err := s.adminLoadInterview(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p, err := s.interviewForm(r, iv)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "admin/interview_admin", p)
}

func readInterviewForm(r *http.Request) live.InterviewInput {
	dept, _ := strconv.ParseInt(r.PostFormValue("department_id"), 10, 64)
	return live.InterviewInput{DepartmentID: dept, Title: r.PostFormValue("title"), Topic: r.PostFormValue("topic"), Guests: r.PostFormValue("guests"),
		StartsAt: r.PostFormValue("starts_at"), EndsAt: r.PostFormValue("ends_at"), Summary: r.PostFormValue("summary"), VideoURL: r.PostFormValue("video_url"),
		VideoCaptions: r.PostFormValue("video_captions"), VideoTranscript: r.PostFormValue("video_transcript")}
}

func (s *Feature) adminInterviewSave(w http.ResponseWriter, r *http.Request) {
	if err := s.service(); err != nil {
		s.AdminError(w, r, err)
		return
	}
	var iv *live.Interview
	if r.PathValue("id") != "" {
		var err error
		if iv, err = s.adminLoadInterview(r); err != nil {
			s.AdminError(w, r, err)
			return
		}
	}
	in := readInterviewForm(r)
	u := web.StaffOf(r).User
	var saved *live.Interview
	var err error
	if iv == nil {
		saved, err = s.Live.CreateInterview(r.Context(), u, s.siteID(r), in)
	} else {
		saved, err = s.Live.UpdateInterview(r.Context(), u, s.siteID(r), iv.ID, in)
	}
	if err != nil {
		p, perr := s.interviewForm(r, iv)
		if perr != nil {
			s.AdminError(w, r, perr)
			return
		}
		p.Form = in
		p.Fail(err)
		s.Render(w, r, web.StatusOf(err), "admin/interview_admin", p)
		return
	}
	http.Redirect(w, r, "/admin/interviews/"+itoa(saved.ID)+"?done=interview_saved", http.StatusSeeOther)
}

func (s *Feature) adminInterviewStatus(w http.ResponseWriter, r *http.Request) {
	iv, err := s.adminLoadInterview(r)
	if err == nil {
		_, err = s.Live.Advance(r.Context(), web.StaffOf(r).User, s.siteID(r), iv.ID, r.PostFormValue("to"))
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/interviews/"+itoa(iv.ID)+"?done=interview_status", http.StatusSeeOther)
}

func (s *Feature) adminInterviewImage(w http.ResponseWriter, r *http.Request) {
	iv, err := s.adminLoadInterview(r)
	if err == nil && s.Blobs == nil {
		err = errs.E(errs.Internal, "暂不能上传图片")
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	f, h, err := r.FormFile("image")
	if err != nil {
		err = &errs.Error{Code: errs.Invalid, Message: "请选择要上传的图片", Fields: map[string]string{"image": "请选择图片"}}
	} else {
		defer f.Close()
	}
	var b blob.Blob
	if err == nil {
		b, err = s.Blobs.Put(r.Context(), f, h.Filename, s.Opts.MaxUpload)
	}
	if err == nil {
		err = s.Live.AddImage(r.Context(), web.StaffOf(r).User, s.siteID(r), iv.ID, b.Key, b.MIME, r.PostFormValue("alt"))
		if err != nil {
			s.Blobs.Delete(b.Key)
		}
	}
	if err != nil {
		if errs.CodeOf(err) != errs.Invalid {
			s.AdminError(w, r, err)
			return
		}
		p, perr := s.interviewForm(r, iv)
		if perr != nil {
			s.AdminError(w, r, perr)
			return
		}
		p.Fail(err)
		if p.Errors == nil {
			p.Errors = map[string]string{"image": p.Error}
		}
		s.Render(w, r, http.StatusUnprocessableEntity, "admin/interview_admin", p)
		return
	}
	http.Redirect(w, r, "/admin/interviews/"+itoa(iv.ID)+"?done=interview_image", http.StatusSeeOther)
}

type adminQuestionsPage struct {
	web.AdminPage
	Interview *live.Interview
	Questions []*live.Question
	Pager     *web.Pager
	Pending   int
	// Form is the rejected or answered question's text when it failed.
	FailedID int64
	Reason   string
	Guest    string
	Answer   string
}

// questionsPage is a page of the staff screens' questions: the
// moderators' pending ones first (first "pending"), the guests' approved
// ones (first "approved", only approved and answered), then the others
// newest first.
func (s *Feature) questionsPage(r *http.Request, iv *live.Interview, title, first string) (*adminQuestionsPage, error) {
	p := &adminQuestionsPage{AdminPage: s.AdminPage(r, title+" · "+iv.Title), Interview: iv}
	f := live.QuestionFilter{First: first, Page: web.PageNumber(r, 100000), Per: staffPer}
	if first == live.Approved {
		f.Statuses = []string{live.Approved, live.Answered}
	}
	qs, total, err := s.Live.StaffQuestions(r.Context(), p.User, iv, f)
	if err != nil {
		return nil, err
	}
	p.Questions, p.Pager = qs, web.NewPager(f.Page, total, staffPer)
	counts, err := s.Live.Counts(r.Context(), iv.ID)
	if err != nil {
		return nil, err
	}
	p.Pending = counts[live.Pending]
	return p, nil
}

// adminModerate is the moderators' screen: questions waiting for review
// first, with approve and reject (with a reason) buttons.
func (s *Feature) adminModerate(w http.ResponseWriter, r *http.Request) {
	iv, err := s.adminLoadInterview(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p, err := s.questionsPage(r, iv, "审核提问", live.Pending)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "admin/interview_moderate", p)
}

func (s *Feature) questionID(r *http.Request) (int64, error) { return web.PathID(r, "q") }

func (s *Feature) adminModerateSave(w http.ResponseWriter, r *http.Request) {
	iv, err := s.adminLoadInterview(r)
	var qid int64
	if err == nil {
		qid, err = s.questionID(r)
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	approve := r.PostFormValue("decision") == "approve"
	if _, err := s.Live.Moderate(r.Context(), web.StaffOf(r).User, s.siteID(r), iv.ID, qid, approve, r.PostFormValue("reason")); err != nil {
		if errs.CodeOf(err) != errs.Invalid {
			s.AdminError(w, r, err)
			return
		}
		p, perr := s.questionsPage(r, iv, "审核提问", live.Pending)
		if perr != nil {
			s.AdminError(w, r, perr)
			return
		}
		p.Fail(err)
		p.FailedID, p.Reason = qid, r.PostFormValue("reason")
		s.Render(w, r, http.StatusUnprocessableEntity, "admin/interview_moderate", p)
		return
	}
	http.Redirect(w, r, "/admin/interviews/"+itoa(iv.ID)+"/moderate?done=question_moderated#q-"+itoa(qid), http.StatusSeeOther)
}

// adminAnswer is the guests' screen: approved questions with an answer
// form each; an answer is public, and pushed to open pages, at once.
func (s *Feature) adminAnswer(w http.ResponseWriter, r *http.Request) {
	iv, err := s.adminLoadInterview(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p, err := s.questionsPage(r, iv, "嘉宾答问", live.Approved)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "admin/interview_answer", p)
}

func (s *Feature) adminAnswerSave(w http.ResponseWriter, r *http.Request) {
	iv, err := s.adminLoadInterview(r)
	var qid int64
	if err == nil {
		qid, err = s.questionID(r)
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	guest, answer := strings.TrimSpace(r.PostFormValue("guest")), r.PostFormValue("answer")
	if _, err := s.Live.Answer(r.Context(), web.StaffOf(r).User, s.siteID(r), iv.ID, qid, guest, answer); err != nil {
		if errs.CodeOf(err) != errs.Invalid {
			s.AdminError(w, r, err)
			return
		}
		p, perr := s.questionsPage(r, iv, "嘉宾答问", live.Approved)
		if perr != nil {
			s.AdminError(w, r, perr)
			return
		}
		p.Fail(err)
		p.FailedID, p.Guest, p.Answer = qid, guest, answer
		s.Render(w, r, http.StatusUnprocessableEntity, "admin/interview_answer", p)
		return
	}
	http.Redirect(w, r, "/admin/interviews/"+itoa(iv.ID)+"/answer?done=question_answered#q-"+itoa(qid), http.StatusSeeOther)
}

// --- events ---

type adminEventsPage struct {
	web.AdminPage
	Events []*live.Event
}

func (s *Feature) adminEvents(w http.ResponseWriter, r *http.Request) {
	if err := s.service(); err != nil {
		s.AdminError(w, r, err)
		return
	}
	p := &adminEventsPage{AdminPage: s.AdminPage(r, "开放日与问政活动")}
	var err error
	if p.Events, err = s.Live.Events(r.Context(), p.Site.ID); err != nil {
		s.AdminError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "admin/events_admin", p)
}

type adminEventPage struct {
	web.AdminPage
	Event       *live.Event
	Form        live.EventInput
	Kinds       []live.Choice
	Departments []catalog.Department
	Signups     []live.Signup
	Opened      bool
	Report      string
}

func (s *Feature) eventForm(r *http.Request, e *live.Event) (*adminEventPage, error) {
	title := "发布活动"
	if e != nil {
		title = e.Title + " · 活动"
	}
	p := &adminEventPage{AdminPage: s.AdminPage(r, title), Event: e, Kinds: live.EventKinds, Form: live.EventInput{Kind: "open_day"}}
	var err error
	if p.Departments, err = s.Catalog.Departments(r.Context(), p.Site.ID); err != nil {
		return nil, err
	}
	if e != nil {
		p.Form = live.EventInput{DepartmentID: e.DepartmentID, Kind: e.Kind, Title: e.Title, Summary: e.Summary, Place: e.Place, StartsAt: e.StartsAt,
			EndsAt: e.EndsAt, SignupUntil: e.SignupUntil, Capacity: e.Capacity}
	} else if p.User != nil {
		p.Form.DepartmentID = p.User.DepartmentID
	}
	return p, nil
}

func (s *Feature) adminEventNew(w http.ResponseWriter, r *http.Request) {
	if err := s.service(); err != nil {
		s.AdminError(w, r, err)
		return
	}
	p, err := s.eventForm(r, nil)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "admin/event_admin", p)
}

func (s *Feature) adminEventSave(w http.ResponseWriter, r *http.Request) {
	if err := s.service(); err != nil {
		s.AdminError(w, r, err)
		return
	}
	dept, _ := strconv.ParseInt(r.PostFormValue("department_id"), 10, 64)
	capacity, cerr := strconv.Atoi(strings.TrimSpace(r.PostFormValue("capacity")))
	in := live.EventInput{DepartmentID: dept, Kind: r.PostFormValue("kind"), Title: r.PostFormValue("title"), Summary: r.PostFormValue("summary"),
		Place: r.PostFormValue("place"), StartsAt: r.PostFormValue("starts_at"), EndsAt: r.PostFormValue("ends_at"), SignupUntil: r.PostFormValue("signup_until"), Capacity: capacity}
	var old, e *live.Event
	var err error
	if r.PathValue("id") != "" {
		if old, err = s.adminLoadEvent(r); err != nil {
			s.AdminError(w, r, err)
			return
		}
	}
	switch {
	case cerr != nil && strings.TrimSpace(r.PostFormValue("capacity")) != "":
		err = &errs.Error{Code: errs.Invalid, Message: "提交的内容有误，请按提示修改", Fields: map[string]string{"capacity": "名额应为整数"}}
	case old != nil:
		e, err = s.Live.UpdateEvent(r.Context(), web.StaffOf(r).User, s.siteID(r), old.ID, in)
	default:
		e, err = s.Live.CreateEvent(r.Context(), web.StaffOf(r).User, s.siteID(r), in)
	}
	if err != nil {
		if errs.CodeOf(err) != errs.Invalid {
			s.AdminError(w, r, err)
			return
		}
		p, perr := s.eventForm(r, old)
		if perr == nil && old != nil {
			p.Signups, perr = s.Live.Signups(r.Context(), p.User, p.Site.ID, old.ID, false)
		}
		if perr != nil {
			s.AdminError(w, r, perr)
			return
		}
		p.Form = in
		p.Fail(err)
		s.Render(w, r, web.StatusOf(err), "admin/event_admin", p)
		return
	}
	http.Redirect(w, r, "/admin/events/"+itoa(e.ID)+"?done=event_saved", http.StatusSeeOther)
}

func (s *Feature) adminLoadEvent(r *http.Request) (*live.Event, error) {
	if err := s.service(); err != nil {
		return nil, err
	}
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.Live.Event(r.Context(), s.siteID(r), id)
}

// adminEvent shows an event's sign-ups (masked; ?open=1 shows names and
// phones, audited) and the report and cancel forms.
func (s *Feature) adminEvent(w http.ResponseWriter, r *http.Request) {
	e, err := s.adminLoadEvent(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p, err := s.eventForm(r, e)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p.Opened = r.URL.Query().Get("open") == "1"
	if p.Signups, err = s.Live.Signups(r.Context(), p.User, p.Site.ID, e.ID, p.Opened); err != nil {
		s.AdminError(w, r, err)
		return
	}
	p.Report = e.Report
	s.Render(w, r, http.StatusOK, "admin/event_admin", p)
}

func (s *Feature) adminEventStatus(w http.ResponseWriter, r *http.Request) {
	e, err := s.adminLoadEvent(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	u := web.StaffOf(r).User
	text := r.PostFormValue("report")
	if r.PostFormValue("to") == live.EventCancelled {
		_, err = s.Live.Cancel(r.Context(), u, s.siteID(r), e.ID, text)
	} else {
		_, err = s.Live.Report(r.Context(), u, s.siteID(r), e.ID, text)
	}
	if err != nil {
		if errs.CodeOf(err) != errs.Invalid {
			s.AdminError(w, r, err)
			return
		}
		p, perr := s.eventForm(r, e)
		if perr == nil {
			p.Signups, perr = s.Live.Signups(r.Context(), p.User, p.Site.ID, e.ID, false)
		}
		if perr != nil {
			s.AdminError(w, r, perr)
			return
		}
		p.Fail(err)
		p.Report = text
		s.Render(w, r, http.StatusUnprocessableEntity, "admin/event_admin", p)
		return
	}
	http.Redirect(w, r, "/admin/events/"+itoa(e.ID)+"?done=event_status", http.StatusSeeOther)
}

// --- new media ---

type adminAccountsPage struct {
	web.AdminPage
	Accounts []*live.Account
}

func (s *Feature) adminAccounts(w http.ResponseWriter, r *http.Request) {
	if err := s.service(); err != nil {
		s.AdminError(w, r, err)
		return
	}
	p := &adminAccountsPage{AdminPage: s.AdminPage(r, "政务新媒体名录")}
	var err error
	if p.Accounts, err = s.Live.Accounts(r.Context(), p.Site.ID, false); err != nil {
		s.AdminError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "admin/newmedia_admin", p)
}

type adminAccountPage struct {
	web.AdminPage
	Account   *live.Account
	Form      live.AccountInput
	Platforms []live.Choice
	Statuses  []live.Choice
}

func (s *Feature) accountForm(r *http.Request, a *live.Account) *adminAccountPage {
	title := "添加新媒体账号"
	if a != nil {
		title = a.Name + "（" + a.PlatformLabel() + "）"
	}
	p := &adminAccountPage{AdminPage: s.AdminPage(r, title), Account: a, Platforms: live.Platforms, Statuses: live.AccountStatuses, Form: live.AccountInput{Status: "running"}}
	if a != nil {
		p.Form = live.AccountInput{Name: a.Name, Platform: a.Platform, Owner: a.Owner, Operator: a.Operator, AccountID: a.AccountID, URL: a.URL, FilingNo: a.FilingNo,
			FiledOn: a.FiledOn, Status: a.Status, Interactive: a.Interactive, Sort: a.Sort}
	} else if p.Site != nil {
		p.Form.Owner = p.Site.Name
	}
	return p
}

func (s *Feature) adminAccountNew(w http.ResponseWriter, r *http.Request) {
	if err := s.service(); err != nil {
		s.AdminError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "admin/newmedia_account", s.accountForm(r, nil))
}

func (s *Feature) adminLoadAccount(r *http.Request) (*live.Account, error) {
	if err := s.service(); err != nil {
		return nil, err
	}
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.Live.Account(r.Context(), s.siteID(r), id)
}

func (s *Feature) adminAccount(w http.ResponseWriter, r *http.Request) {
	a, err := s.adminLoadAccount(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "admin/newmedia_account", s.accountForm(r, a))
}

func (s *Feature) adminAccountSave(w http.ResponseWriter, r *http.Request) {
	if err := s.service(); err != nil {
		s.AdminError(w, r, err)
		return
	}
	var a *live.Account
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if a, err = s.adminLoadAccount(r); err != nil {
			s.AdminError(w, r, err)
			return
		}
		id = a.ID
	}
	sort, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue("sort")))
	in := live.AccountInput{Name: r.PostFormValue("name"), Platform: r.PostFormValue("platform"), Owner: r.PostFormValue("owner"), Operator: r.PostFormValue("operator"),
		AccountID: r.PostFormValue("account_id"), URL: strings.TrimSpace(r.PostFormValue("url")), FilingNo: r.PostFormValue("filing_no"), FiledOn: r.PostFormValue("filed_on"),
		Status: r.PostFormValue("status"), Interactive: r.PostFormValue("interactive") == "1", Sort: sort}
	saved, err := s.Live.SaveAccount(r.Context(), web.StaffOf(r).User, s.siteID(r), id, in)
	if err != nil {
		p := s.accountForm(r, a)
		p.Form = in
		p.Fail(err)
		s.Render(w, r, web.StatusOf(err), "admin/newmedia_account", p)
		return
	}
	http.Redirect(w, r, "/admin/newmedia/"+itoa(saved.ID)+"?done=account_saved", http.StatusSeeOther)
}

func (s *Feature) adminAccountDelete(w http.ResponseWriter, r *http.Request) {
	a, err := s.adminLoadAccount(r)
	if err == nil {
		err = s.Live.DeleteAccount(r.Context(), web.StaffOf(r).User, s.siteID(r), a.ID)
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/newmedia?done=account_deleted", http.StatusSeeOther)
}
