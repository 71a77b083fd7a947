package consult

import (
	"net/http"
	"reflect"
	"strconv"

	"gongkai/internal/auth"
	"gongkai/internal/consult"
	"gongkai/internal/errs"
	"gongkai/internal/web"
)

type apiConsultationInput struct {
	Title       string   `json:"title"`
	Kind        string   `json:"kind"`
	Major       bool     `json:"major"`
	Department  string   `json:"department"`
	DecisionID  int64    `json:"decision_id"`
	Basis       string   `json:"basis"`
	Explanation string   `json:"explanation"`
	Channels    string   `json:"channels"`
	OpensOn     string   `json:"opens_on"`
	ClosesOn    string   `json:"closes_on"`
	ShortReason string   `json:"short_reason"`
	Articles    []string `json:"articles"`
	Publish     bool     `json:"publish"`
}

type apiConsultations struct {
	Consultations []*consult.Consultation `json:"consultations"`
	Total         int                     `json:"total"`
	Page          int                     `json:"page"`
}

const apiPerPage = 100

type apiCommentInput struct {
	Article        int    `json:"article"`
	Body           string `json:"body"`
	Name           string `json:"name"`
	Contact        string `json:"contact"`
	PublishConsent bool   `json:"publish_consent"`
	CaptchaToken   string `json:"captcha_token"`
	CaptchaAnswer  string `json:"captcha_answer"`
}

type apiCommentReceipt struct {
	Seq    int    `json:"seq"`
	Status string `json:"status"`
}

// apiComment is a comment as the public sees it: never the contact.
type apiComment struct {
	Seq        int    `json:"seq"`
	Article    int    `json:"article"`
	Name       string `json:"name"`
	Body       string `json:"body"`
	Status     string `json:"status"`
	Reason     string `json:"reason,omitempty"`
	ReceivedAt string `json:"received_at"`
}

type apiComments struct {
	Comments []apiComment `json:"comments"`
}

type apiModerationInput struct {
	Comments []int  `json:"comments"`
	Action   string `json:"action"`
	Reason   string `json:"reason"`
}

type apiModerated struct {
	Moderated int `json:"moderated"`
}

type apiDispositionInput struct {
	Comments []int  `json:"comments"`
	Outcome  string `json:"outcome"`
	Reason   string `json:"reason"`
}

type apiReport struct {
	Consultation *consult.Consultation `json:"consultation"`
	Report       *consult.Report       `json:"report"`
}

type apiDecisionInput struct {
	Year       int            `json:"year"`
	Title      string         `json:"title"`
	Department string         `json:"department"`
	Basis      string         `json:"basis"`
	PlannedOn  string         `json:"planned_on"`
	Links      []consult.Link `json:"links"`
}

type apiDecisionStatusInput struct {
	Status string `json:"status"`
	Reason string `json:"reason"`
}

type apiDecisions struct {
	Year      int                 `json:"year"`
	Decisions []*consult.Decision `json:"decisions"`
}

// Schemas lists the API types with their OpenAPI schemas.
func Schemas() []web.Schema {
	return []web.Schema{
		{Type: reflect.TypeOf(apiConsultationInput{}), Schema: "#/components/schemas/ConsultationInput", Input: true},
		{Type: reflect.TypeOf(consult.Consultation{}), Schema: "#/components/schemas/Consultation"},
		{Type: reflect.TypeOf(consult.Article{}), Schema: "#/components/schemas/ConsultationArticle"},
		{Type: reflect.TypeOf(apiConsultations{}), Schema: "#/components/schemas/Consultations"},
		{Type: reflect.TypeOf(apiCommentInput{}), Schema: "#/components/schemas/ConsultationCommentInput", Input: true},
		{Type: reflect.TypeOf(apiCommentReceipt{}), Schema: "#/components/schemas/ConsultationCommentReceipt"},
		{Type: reflect.TypeOf(apiComment{}), Schema: "#/components/schemas/ConsultationComment"},
		{Type: reflect.TypeOf(apiComments{}), Schema: "#/components/schemas/ConsultationComments"},
		{Type: reflect.TypeOf(apiModerationInput{}), Schema: "#/components/schemas/ConsultationModerationInput", Input: true},
		{Type: reflect.TypeOf(apiModerated{}), Schema: "#/components/schemas/ConsultationModerated"},
		{Type: reflect.TypeOf(apiDispositionInput{}), Schema: "#/components/schemas/ConsultationDispositionInput", Input: true},
		{Type: reflect.TypeOf(consult.Disposition{}), Schema: "#/components/schemas/ConsultationDisposition"},
		{Type: reflect.TypeOf(apiReport{}), Schema: "#/components/schemas/ConsultationReport"},
		{Type: reflect.TypeOf(consult.Report{}), Schema: "#/components/schemas/ConsultationReportFigures"},
		{Type: reflect.TypeOf(consult.ReportArticle{}), Schema: "#/components/schemas/ConsultationReportArticle"},
		{Type: reflect.TypeOf(apiDecisionInput{}), Schema: "#/components/schemas/DecisionInput", Input: true},
		{Type: reflect.TypeOf(apiDecisionStatusInput{}), Schema: "#/components/schemas/DecisionStatusInput", Input: true},
		{Type: reflect.TypeOf(consult.Decision{}), Schema: "#/components/schemas/Decision"},
		{Type: reflect.TypeOf(consult.Link{}), Schema: "#/components/schemas/DecisionLink"},
		{Type: reflect.TypeOf(consult.DecisionEvent{}), Schema: "#/components/schemas/DecisionEvent"},
		{Type: reflect.TypeOf(apiDecisions{}), Schema: "#/components/schemas/Decisions"},
		{Type: reflect.TypeOf(consult.Meeting{}), Schema: "#/components/schemas/Meeting"},
		{Type: reflect.TypeOf(consult.Topic{}), Schema: "#/components/schemas/MeetingTopic"},
		{Type: reflect.TypeOf(consult.Attendee{}), Schema: "#/components/schemas/MeetingAttendee"},
		{Type: reflect.TypeOf(apiMeetings{}), Schema: "#/components/schemas/Meetings"},
		{Type: reflect.TypeOf(apiMeetingInput{}), Schema: "#/components/schemas/MeetingInput", Input: true},
		{Type: reflect.TypeOf(apiTopicInput{}), Schema: "#/components/schemas/MeetingTopicInput", Input: true},
		{Type: reflect.TypeOf(apiApplicationInput{}), Schema: "#/components/schemas/MeetingApplicationInput", Input: true},
		{Type: reflect.TypeOf(apiApplicationReceipt{}), Schema: "#/components/schemas/MeetingApplicationReceipt"},
		{Type: reflect.TypeOf(apiDecideInput{}), Schema: "#/components/schemas/MeetingDecisionInput", Input: true},
		{Type: reflect.TypeOf(consult.Application{}), Schema: "#/components/schemas/MeetingApplication"},
		{Type: reflect.TypeOf(apiApplications{}), Schema: "#/components/schemas/MeetingApplications"},
		{Type: reflect.TypeOf(apiOutcomeInput{}), Schema: "#/components/schemas/MeetingOutcomeInput", Input: true},
		{Type: reflect.TypeOf(consult.Survey{}), Schema: "#/components/schemas/Survey"},
		{Type: reflect.TypeOf(consult.Question{}), Schema: "#/components/schemas/SurveyQuestion"},
		{Type: reflect.TypeOf(apiSurveys{}), Schema: "#/components/schemas/Surveys"},
		{Type: reflect.TypeOf(apiSurveyInput{}), Schema: "#/components/schemas/SurveyInput", Input: true},
		{Type: reflect.TypeOf(apiSurveyResults{}), Schema: "#/components/schemas/SurveyResults"},
		{Type: reflect.TypeOf(consult.Result{}), Schema: "#/components/schemas/SurveyResult"},
		{Type: reflect.TypeOf(apiSurveyAnswerInput{}), Schema: "#/components/schemas/SurveyAnswerInput", Input: true},
		{Type: reflect.TypeOf(apiSurveyReceipt{}), Schema: "#/components/schemas/SurveyReceipt"},
	}
}

// staff is the API caller's account; the call needs a token.
func (s *Feature) staff(w http.ResponseWriter, r *http.Request) *auth.User {
	u, err := s.APIUser(r)
	if err == nil && u == nil {
		err = errs.E(errs.Unauthorized, "需要访问令牌")
	}
	if err == nil && s.Consult == nil {
		err = errNoService
	}
	if err != nil {
		s.APIError(w, r, err)
		return nil
	}
	return u
}

func (s *Feature) apiLoad(w http.ResponseWriter, r *http.Request, public bool) *consult.Consultation {
	c, err := s.load(r, public)
	if err != nil {
		s.APIError(w, r, err)
		return nil
	}
	return c
}

func (s *Feature) apiList(w http.ResponseWriter, r *http.Request) {
	if s.Consult == nil {
		s.APIError(w, r, errNoService)
		return
	}
	u, err := s.APIUser(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	f, err := s.filter(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	f.Public = u == nil
	total, err := s.Consult.Count(r.Context(), web.SiteOf(r).Site.ID, f)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	page := 1
	if v := r.URL.Query().Get("page"); v != "" {
		if page, err = strconv.Atoi(v); err != nil || page < 1 {
			s.APIError(w, r, &errs.Error{Code: errs.Invalid, Message: "页码无效：" + v, Fields: map[string]string{"page": "页码应为正整数"}})
			return
		}
	}
	f.Limit, f.Offset = apiPerPage, (page-1)*apiPerPage
	cs, err := s.Consult.List(r.Context(), web.SiteOf(r).Site.ID, f)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	if cs == nil {
		cs = []*consult.Consultation{}
	}
	for _, c := range cs {
		c.Articles = []consult.Article{}
	}
	web.WriteJSON(w, http.StatusOK, apiConsultations{Consultations: cs, Total: total, Page: page})
}

func (s *Feature) apiCreate(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	var in apiConsultationInput
	if err := web.DecodeJSON(w, r, &in, 2<<20); err != nil {
		s.APIError(w, r, err)
		return
	}
	ci := consult.Input{Title: in.Title, Kind: in.Kind, Major: in.Major, Department: in.Department, DecisionID: in.DecisionID, Basis: in.Basis,
		Explanation: in.Explanation, Channels: in.Channels, OpensOn: in.OpensOn, ClosesOn: in.ClosesOn, ShortReason: in.ShortReason, Publish: in.Publish}
	for _, a := range in.Articles {
		ci.Articles = append(ci.Articles, consult.Article{Body: a})
	}
	c, err := s.Consult.Create(r.Context(), u, web.SiteOf(r).Site.ID, ci)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/consultations/"+strconv.FormatInt(c.ID, 10))
	web.WriteJSON(w, http.StatusCreated, c)
}

func (s *Feature) apiGet(w http.ResponseWriter, r *http.Request) {
	u, err := s.APIUser(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	if c := s.apiLoad(w, r, u == nil); c != nil {
		web.WriteJSON(w, http.StatusOK, c)
	}
}

// apiComments lists the published comments; with a token, every comment
// with its status (contacts are never in the API).
func (s *Feature) apiComments(w http.ResponseWriter, r *http.Request) {
	u, err := s.APIUser(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	c := s.apiLoad(w, r, u == nil)
	if c == nil {
		return
	}
	f := consult.CommentFilter{Status: consult.CommentPublished, Article: -1}
	if u != nil {
		f.Status = r.URL.Query().Get("status")
	}
	cs, err := s.Consult.Comments(r.Context(), c.ID, f)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	out := apiComments{Comments: []apiComment{}}
	for _, m := range cs {
		name := m.Name
		if u == nil && name == "" {
			name = "匿名"
		}
		out.Comments = append(out.Comments, apiComment{Seq: m.Seq, Article: m.Article, Name: name, Body: m.Body, Status: m.Status, Reason: m.Reason, ReceivedAt: m.ReceivedAt})
	}
	web.WriteJSON(w, http.StatusOK, out)
}

// apiComment takes a comment from the public: rate-limited, valid first,
// then the CAPTCHA, as on the form.
func (s *Feature) apiComment(w http.ResponseWriter, r *http.Request) {
	if !s.LimitForm(w, r, formComment) {
		return
	}
	c := s.apiLoad(w, r, true)
	if c == nil {
		return
	}
	var in apiCommentInput
	if err := web.DecodeJSON(w, r, &in, 64<<10); err != nil {
		s.APIError(w, r, err)
		return
	}
	ci := consult.CommentInput{Article: in.Article, Body: in.Body, Name: in.Name, Contact: in.Contact, PublishConsent: in.PublishConsent}
	check := ci
	if err := check.Validate(); err != nil {
		s.APIError(w, r, err)
		return
	}
	if c.State != consult.StateOpen {
		s.APIError(w, r, errs.E(errs.Conflict, "该征集%s，不能提交意见（征集期限 %s 至 %s）", c.StateLabel(), c.OpensOn, c.ClosesOn))
		return
	}
	if err := s.Captcha.Verify(r.Context(), formComment, in.CaptchaToken, in.CaptchaAnswer); err != nil {
		s.APIError(w, r, err)
		return
	}
	m, err := s.Consult.AddComment(r.Context(), web.SiteOf(r).Site.ID, c.ID, ci)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusCreated, apiCommentReceipt{Seq: m.Seq, Status: m.Status})
}

func (s *Feature) apiModerate(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	c := s.apiLoad(w, r, false)
	if c == nil {
		return
	}
	var in apiModerationInput
	if err := web.DecodeJSON(w, r, &in, 256<<10); err != nil {
		s.APIError(w, r, err)
		return
	}
	if in.Action != "pass" && in.Action != "reject" {
		s.APIError(w, r, &errs.Error{Code: errs.Invalid, Message: "action 应为 pass 或 reject", Fields: map[string]string{"action": "应为 pass（通过）或 reject（不予采用）"}})
		return
	}
	n, err := s.Consult.Moderate(r.Context(), u, c.SiteID, c.ID, in.Comments, in.Action == "pass", in.Reason)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, apiModerated{Moderated: n})
}

func (s *Feature) apiDispose(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	c := s.apiLoad(w, r, false)
	if c == nil {
		return
	}
	var in apiDispositionInput
	if err := web.DecodeJSON(w, r, &in, 256<<10); err != nil {
		s.APIError(w, r, err)
		return
	}
	d, err := s.Consult.Dispose(r.Context(), u, c.SiteID, c.ID, in.Comments, in.Outcome, in.Reason)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusCreated, d)
}

func (s *Feature) apiReport(w http.ResponseWriter, r *http.Request) {
	u, err := s.APIUser(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	c := s.apiLoad(w, r, u == nil)
	if c == nil {
		return
	}
	if u == nil && c.State != consult.StateFeedback {
		s.APIError(w, r, errs.E(errs.NotFound, "意见收集和采纳情况尚未公开"))
		return
	}
	rep, err := s.Consult.Report(r.Context(), c)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, apiReport{Consultation: c, Report: rep})
}

func (s *Feature) apiPublishReport(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	c := s.apiLoad(w, r, false)
	if c == nil {
		return
	}
	c, err := s.Consult.PublishReport(r.Context(), u, c.SiteID, c.ID)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	rep, err := s.Consult.Report(r.Context(), c)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusCreated, apiReport{Consultation: c, Report: rep})
}

func (s *Feature) apiDecisions(w http.ResponseWriter, r *http.Request) {
	if s.Consult == nil {
		s.APIError(w, r, errNoService)
		return
	}
	y, _, err := s.year(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	ds, err := s.Consult.Decisions(r.Context(), web.SiteOf(r).Site.ID, y)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	out := apiDecisions{Year: y, Decisions: []*consult.Decision{}}
	for _, d := range ds {
		tl, err := s.Consult.Timeline(r.Context(), d.ID)
		if err != nil {
			s.APIError(w, r, err)
			return
		}
		d.Timeline = tl
		out.Decisions = append(out.Decisions, d)
	}
	web.WriteJSON(w, http.StatusOK, out)
}

func (s *Feature) apiDecisionCreate(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	var in apiDecisionInput
	if err := web.DecodeJSON(w, r, &in, 256<<10); err != nil {
		s.APIError(w, r, err)
		return
	}
	d, err := s.Consult.CreateDecision(r.Context(), u, web.SiteOf(r).Site.ID, consult.DecisionInput{Year: in.Year, Title: in.Title, Department: in.Department,
		Basis: in.Basis, PlannedOn: in.PlannedOn, Links: in.Links})
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusCreated, d)
}

func (s *Feature) apiDecisionStatus(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	id, err := web.PathID(r, "id")
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	var in apiDecisionStatusInput
	if err := web.DecodeJSON(w, r, &in, 64<<10); err != nil {
		s.APIError(w, r, err)
		return
	}
	d, err := s.Consult.SetDecisionStatus(r.Context(), u, web.SiteOf(r).Site.ID, id, in.Status, in.Reason)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, d)
}

func (s *Feature) apiDecisionLink(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	id, err := web.PathID(r, "id")
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	var in consult.Link
	if err := web.DecodeJSON(w, r, &in, 64<<10); err != nil {
		s.APIError(w, r, err)
		return
	}
	d, err := s.Consult.LinkDecision(r.Context(), u, web.SiteOf(r).Site.ID, id, in)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, d)
}
