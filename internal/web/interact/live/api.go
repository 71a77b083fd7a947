package live

import (
	"net/http"
	"reflect"
	"strconv"

	"gongkai/internal/auth"
	"gongkai/internal/errs"
	"gongkai/internal/interact/live"
	"gongkai/internal/web"
)

type apiInterview struct {
	ID         int64          `json:"id"`
	Title      string         `json:"title"`
	Topic      string         `json:"topic"`
	Guests     []string       `json:"guests"`
	StartsAt   string         `json:"starts_at"`
	EndsAt     string         `json:"ends_at"`
	Status     string         `json:"status"`
	Summary    string         `json:"summary"`
	VideoURL   string         `json:"video_url"`
	Captions   string         `json:"captions_url"`
	Transcript string         `json:"video_transcript"`
	Seq        int64          `json:"seq"`
	URL        string         `json:"url"`
	Questions  []liveQuestion `json:"questions,omitempty"`
	// QuestionsTotal and QuestionsPage: the one interview's page of
	// questions (?page=, ?per=).
	QuestionsTotal *int `json:"questions_total,omitempty"`
	QuestionsPage  *int `json:"questions_page,omitempty"`
}

func apiInterviewOf(iv *live.Interview) apiInterview {
	g := iv.GuestList()
	if g == nil {
		g = []string{}
	}
	a := apiInterview{ID: iv.ID, Title: iv.Title, Topic: iv.Topic, Guests: g, StartsAt: iv.StartsAt, EndsAt: iv.EndsAt, Status: iv.Status, Summary: iv.Summary,
		VideoURL: iv.VideoURL, Transcript: iv.VideoTranscript, Seq: iv.Seq, URL: "/interviews/" + itoa(iv.ID)}
	if iv.VideoCaptions != "" {
		a.Captions = "/interviews/" + itoa(iv.ID) + "/captions.vtt"
	}
	return a
}

// staff returns the token's user, or Unauthorized.
func (s *Feature) staff(r *http.Request) (*auth.User, error) {
	u, err := s.APIUser(r)
	if err != nil {
		return nil, err
	}
	if u == nil {
		return nil, errs.E(errs.Unauthorized, "需要令牌（Authorization: Bearer <token>）")
	}
	return u, nil
}

func (s *Feature) apiInterviews(w http.ResponseWriter, r *http.Request) {
	if err := s.service(); err != nil {
		s.APIError(w, r, err)
		return
	}
	status := r.URL.Query().Get("status")
	if status != "" && !validStatus(status) {
		s.APIError(w, r, &errs.Error{Code: errs.Invalid, Message: "status 应为 announced、live、closed 或 archived", Fields: map[string]string{"status": "未知状态"}})
		return
	}
	page, per, err := apiPage(r, 50)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	ivs, total, err := s.Live.Interviews(r.Context(), s.siteID(r), live.InterviewFilter{Statuses: []string{status}, Page: page, Per: per})
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	out := []apiInterview{}
	for _, iv := range ivs {
		out = append(out, apiInterviewOf(iv))
	}
	web.WriteJSON(w, http.StatusOK, apiInterviews{Total: total, Page: page, Per: per, Interviews: out})
}

// apiPage reads ?page= (from 1) and ?per= (1–200, def when absent).
func apiPage(r *http.Request, def int) (page, per int, err error) {
	q := r.URL.Query()
	page, per = 1, def
	if v := q.Get("page"); v != "" {
		if page, err = strconv.Atoi(v); err != nil || page < 1 || page > 1000000 {
			return 0, 0, &errs.Error{Code: errs.Invalid, Message: "page 应为 1 以上的整数", Fields: map[string]string{"page": "页码无效"}}
		}
	}
	if v := q.Get("per"); v != "" {
		if per, err = strconv.Atoi(v); err != nil || per < 1 || per > 200 {
			return 0, 0, &errs.Error{Code: errs.Invalid, Message: "per 应为 1 至 200 的整数", Fields: map[string]string{"per": "每页条数无效"}}
		}
	}
	return page, per, nil
}

func validStatus(s string) bool {
	for _, c := range live.InterviewStatuses {
		if c.Code == s {
			return true
		}
	}
	return false
}

func (s *Feature) apiInterview(w http.ResponseWriter, r *http.Request) {
	iv, err := s.loadInterview(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	page, per, err := apiPage(r, 200)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	qs, total, err := s.Live.QuestionPage(r.Context(), iv.ID, live.QuestionFilter{Public: true, Page: page, Per: per})
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	out := apiInterviewOf(iv)
	out.QuestionsTotal, out.QuestionsPage = &total, &page
	out.Questions = []liveQuestion{}
	for _, q := range qs {
		out.Questions = append(out.Questions, liveQuestionOf(q))
	}
	web.WriteJSON(w, http.StatusOK, out)
}

type apiInterviewIn struct {
	DepartmentID    int64  `json:"department_id"`
	Title           string `json:"title"`
	Topic           string `json:"topic"`
	Guests          string `json:"guests"`
	StartsAt        string `json:"starts_at"`
	EndsAt          string `json:"ends_at"`
	Summary         string `json:"summary"`
	VideoURL        string `json:"video_url"`
	VideoCaptions   string `json:"video_captions"`
	VideoTranscript string `json:"video_transcript"`
}

func (s *Feature) apiInterviewCreate(w http.ResponseWriter, r *http.Request) {
	u, err := s.staff(r)
	if err == nil {
		err = s.service()
	}
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	var in apiInterviewIn
	if err := web.DecodeJSON(w, r, &in, 1<<20); err != nil {
		s.APIError(w, r, err)
		return
	}
	iv, err := s.Live.CreateInterview(r.Context(), u, s.siteID(r), live.InterviewInput{DepartmentID: in.DepartmentID, Title: in.Title, Topic: in.Topic, Guests: in.Guests,
		StartsAt: in.StartsAt, EndsAt: in.EndsAt, Summary: in.Summary, VideoURL: in.VideoURL, VideoCaptions: in.VideoCaptions, VideoTranscript: in.VideoTranscript})
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusCreated, apiInterviewOf(iv))
}

func (s *Feature) apiInterviewStatus(w http.ResponseWriter, r *http.Request) {
	u, err := s.staff(r)
	var iv *live.Interview
	if err == nil {
		iv, err = s.loadInterview(r)
	}
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	var in struct {
		Status string `json:"status"`
	}
	if err := web.DecodeJSON(w, r, &in, 1<<10); err != nil {
		s.APIError(w, r, err)
		return
	}
	if iv, err = s.Live.Advance(r.Context(), u, s.siteID(r), iv.ID, in.Status); err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, apiInterviewOf(iv))
}

type apiStaffQuestion struct {
	ID          int64  `json:"id"`
	Asker       string `json:"asker"`
	Body        string `json:"body"`
	Status      string `json:"status"`
	Answer      string `json:"answer"`
	AnsweredBy  string `json:"answered_by"`
	AnsweredAt  string `json:"answered_at"`
	Contact     string `json:"contact"`
	Reason      string `json:"reason"`
	ModeratedBy string `json:"moderated_by"`
	CreatedAt   string `json:"created_at"`
}

func staffQuestionOf(q *live.Question) apiStaffQuestion {
	return apiStaffQuestion{ID: q.ID, Asker: q.AskerLabel(), Body: q.Body, Status: q.Status, Answer: q.Answer, AnsweredBy: q.AnsweredBy, AnsweredAt: q.AnsweredAt, Contact: q.ContactMasked, Reason: q.Reason, ModeratedBy: q.ModeratedBy, CreatedAt: q.CreatedAt}
}

// apiQuestions lists every question with its status, for staff tools.
func (s *Feature) apiQuestions(w http.ResponseWriter, r *http.Request) {
	u, err := s.staff(r)
	var iv *live.Interview
	if err == nil {
		iv, err = s.loadInterview(r)
	}
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	page, per, err := apiPage(r, 200)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	qs, total, err := s.Live.StaffQuestions(r.Context(), u, iv, live.QuestionFilter{Page: page, Per: per})
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	out := []apiStaffQuestion{}
	for _, q := range qs {
		out = append(out, staffQuestionOf(q))
	}
	web.WriteJSON(w, http.StatusOK, apiQuestionList{Total: total, Page: page, Per: per, Questions: out})
}

func (s *Feature) apiAsk(w http.ResponseWriter, r *http.Request) {
	// The public's questions are limited per address like the form's.
	if r.Header.Get("Authorization") == "" && !s.LimitForm(w, r, formQuestion) {
		return
	}
	iv, err := s.loadInterview(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	var in struct {
		Asker         string `json:"asker"`
		Contact       string `json:"contact"`
		Body          string `json:"body"`
		CaptchaToken  string `json:"captcha_token"`
		CaptchaAnswer string `json:"captcha_answer"`
	}
	if err := web.DecodeJSON(w, r, &in, 64<<10); err != nil {
		s.APIError(w, r, err)
		return
	}
	qi := live.QuestionInput{Asker: in.Asker, Contact: in.Contact, Body: in.Body}
	if err := qi.Validate(); err != nil {
		s.APIError(w, r, err)
		return
	}
	// Anonymous clients solve the form's CAPTCHA (GET /captcha/interview-question/new), as on the page.
	if u, _ := s.APIUser(r); u == nil {
		if err := s.Captcha.Verify(r.Context(), formQuestion, in.CaptchaToken, in.CaptchaAnswer); err != nil {
			s.APIError(w, r, err)
			return
		}
	}
	q, err := s.Live.Ask(r.Context(), s.siteID(r), iv.ID, qi)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusCreated, apiCreated{ID: q.ID, Status: q.Status})
}

func (s *Feature) apiModerate(w http.ResponseWriter, r *http.Request) {
	u, err := s.staff(r)
	var iv *live.Interview
	var qid int64
	if err == nil {
		iv, err = s.loadInterview(r)
	}
	if err == nil {
		qid, err = s.questionID(r)
	}
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	var in struct {
		Decision string `json:"decision"`
		Reason   string `json:"reason"`
	}
	if err := web.DecodeJSON(w, r, &in, 4<<10); err != nil {
		s.APIError(w, r, err)
		return
	}
	if in.Decision != "approve" && in.Decision != "reject" {
		s.APIError(w, r, &errs.Error{Code: errs.Invalid, Message: "decision 应为 approve 或 reject", Fields: map[string]string{"decision": "应为 approve 或 reject"}})
		return
	}
	q, err := s.Live.Moderate(r.Context(), u, s.siteID(r), iv.ID, qid, in.Decision == "approve", in.Reason)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, staffQuestionOf(q))
}

func (s *Feature) apiAnswer(w http.ResponseWriter, r *http.Request) {
	u, err := s.staff(r)
	var iv *live.Interview
	var qid int64
	if err == nil {
		iv, err = s.loadInterview(r)
	}
	if err == nil {
		qid, err = s.questionID(r)
	}
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	var in struct {
		Guest  string `json:"guest"`
		Answer string `json:"answer"`
	}
	if err := web.DecodeJSON(w, r, &in, 64<<10); err != nil {
		s.APIError(w, r, err)
		return
	}
	q, err := s.Live.Answer(r.Context(), u, s.siteID(r), iv.ID, qid, in.Guest, in.Answer)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, staffQuestionOf(q))
}

type apiEvent struct {
	ID          int64  `json:"id"`
	Kind        string `json:"kind"`
	Title       string `json:"title"`
	Summary     string `json:"summary"`
	Place       string `json:"place"`
	StartsAt    string `json:"starts_at"`
	EndsAt      string `json:"ends_at"`
	SignupUntil string `json:"signup_until"`
	Capacity    int    `json:"capacity"`
	Taken       int    `json:"taken"`
	SignupOpen  bool   `json:"signup_open"`
	Status      string `json:"status"`
	Report      string `json:"report"`
	URL         string `json:"url"`
}

func (s *Feature) apiEventOf(e *live.Event) apiEvent {
	return apiEvent{ID: e.ID, Kind: e.Kind, Title: e.Title, Summary: e.Summary, Place: e.Place, StartsAt: e.StartsAt, EndsAt: e.EndsAt, SignupUntil: e.SignupUntil,
		Capacity: e.Capacity, Taken: e.Taken, SignupOpen: e.SignupOpen(s.Today().String()), Status: e.Status, Report: e.Report, URL: "/events/" + itoa(e.ID)}
}

func (s *Feature) apiEvents(w http.ResponseWriter, r *http.Request) {
	if err := s.service(); err != nil {
		s.APIError(w, r, err)
		return
	}
	es, err := s.Live.Events(r.Context(), s.siteID(r))
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	out := []apiEvent{}
	for _, e := range es {
		out = append(out, s.apiEventOf(e))
	}
	web.WriteJSON(w, http.StatusOK, apiEvents{Events: out})
}

func (s *Feature) apiEvent(w http.ResponseWriter, r *http.Request) {
	e, err := s.loadEvent(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, s.apiEventOf(e))
}

func (s *Feature) apiSignUp(w http.ResponseWriter, r *http.Request) {
	if !s.LimitForm(w, r, formSignup) {
		return
	}
	e, err := s.loadEvent(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	var in struct {
		Name          string `json:"name"`
		Phone         string `json:"phone"`
		Note          string `json:"note"`
		CaptchaToken  string `json:"captcha_token"`
		CaptchaAnswer string `json:"captcha_answer"`
	}
	if err := web.DecodeJSON(w, r, &in, 16<<10); err != nil {
		s.APIError(w, r, err)
		return
	}
	si := live.SignupInput{Name: in.Name, Phone: in.Phone, Note: in.Note}
	if err := si.Validate(); err != nil {
		s.APIError(w, r, err)
		return
	}
	if err := s.Captcha.Verify(r.Context(), formSignup, in.CaptchaToken, in.CaptchaAnswer); err != nil {
		s.APIError(w, r, err)
		return
	}
	g, err := s.Live.SignUp(r.Context(), s.siteID(r), e.ID, si)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusCreated, apiSignup{ID: g.ID, Name: g.Name, Phone: g.Phone})
}

type apiAccount struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Platform    string `json:"platform"`
	PlatformCN  string `json:"platform_label"`
	Owner       string `json:"owner"`
	Operator    string `json:"operator"`
	AccountID   string `json:"account_id"`
	URL         string `json:"url"`
	QR          string `json:"qr_url"`
	FilingNo    string `json:"filing_no"`
	FiledOn     string `json:"filed_on"`
	Status      string `json:"status"`
	Interactive bool   `json:"interactive"`
}

func (s *Feature) apiAccounts(w http.ResponseWriter, r *http.Request) {
	if err := s.service(); err != nil {
		s.APIError(w, r, err)
		return
	}
	as, err := s.Live.Accounts(r.Context(), s.siteID(r), true)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	out := []apiAccount{}
	for _, a := range as {
		out = append(out, apiAccount{ID: a.ID, Name: a.Name, Platform: a.Platform, PlatformCN: a.PlatformLabel(), Owner: a.Owner, Operator: a.Operator, AccountID: a.AccountID,
			URL: a.URL, QR: qrPath(a.ID), FilingNo: a.FilingNo, FiledOn: a.FiledOn, Status: a.Status, Interactive: a.Interactive})
	}
	web.WriteJSON(w, http.StatusOK, apiAccounts{Accounts: out})
}

type apiInterviews struct {
	Total      int            `json:"total"`
	Page       int            `json:"page"`
	Per        int            `json:"per"`
	Interviews []apiInterview `json:"interviews"`
}

type apiQuestionList struct {
	Total     int                `json:"total"`
	Page      int                `json:"page"`
	Per       int                `json:"per"`
	Questions []apiStaffQuestion `json:"questions"`
}

type apiCreated struct {
	ID     int64  `json:"id"`
	Status string `json:"status"`
}

type apiEvents struct {
	Events []apiEvent `json:"events"`
}

type apiSignup struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

type apiAccounts struct {
	Accounts []apiAccount `json:"accounts"`
}

// Schemas lists the API's types with their OpenAPI schemas.
func Schemas() []web.Schema {
	return []web.Schema{
		{Type: reflect.TypeOf(apiInterview{}), Schema: "#/components/schemas/Interview"},
		{Type: reflect.TypeOf(apiInterviews{}), Schema: "#/components/schemas/Interviews"},
		{Type: reflect.TypeOf(liveQuestion{}), Schema: "#/components/schemas/InterviewQuestion"},
		{Type: reflect.TypeOf(apiStaffQuestion{}), Schema: "#/components/schemas/InterviewStaffQuestion"},
		{Type: reflect.TypeOf(apiQuestionList{}), Schema: "#/components/schemas/InterviewQuestions"},
		{Type: reflect.TypeOf(apiCreated{}), Schema: "#/components/schemas/InterviewQuestionCreated"},
		{Type: reflect.TypeOf(apiInterviewIn{}), Schema: "#/components/schemas/InterviewInput", Input: true},
		{Type: reflect.TypeOf(apiEvent{}), Schema: "#/components/schemas/Event"},
		{Type: reflect.TypeOf(apiEvents{}), Schema: "#/components/schemas/Events"},
		{Type: reflect.TypeOf(apiSignup{}), Schema: "#/components/schemas/EventSignup"},
		{Type: reflect.TypeOf(apiAccount{}), Schema: "#/components/schemas/NewMediaAccount"},
		{Type: reflect.TypeOf(apiAccounts{}), Schema: "#/components/schemas/NewMediaAccounts"},
	}
}
