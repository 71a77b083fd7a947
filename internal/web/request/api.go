package request

import (
	"context"
	"net/http"
	"reflect"
	"strconv"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/request"
	"gongkai/internal/web"
)

type apiApplicant struct {
	Kind                string `json:"kind"`
	Name                string `json:"name"`
	IDType              string `json:"id_type"`
	IDNumber            string `json:"id_number"`
	OrgType             string `json:"org_type"`
	CreditCode          string `json:"credit_code"`
	LegalRepresentative string `json:"legal_representative"`
	ContactPerson       string `json:"contact_person"`
	Phone               string `json:"phone"`
	Email               string `json:"email"`
	Address             string `json:"address"`
}

// apiRequestInput is the body of POST /api/v1/requests.
type apiRequestInput struct {
	Applicant   apiApplicant `json:"applicant"`
	Title       string       `json:"title"`
	DocNo       string       `json:"doc_no"`
	Description string       `json:"description"`
	Form        string       `json:"form"`
	Delivery    string       `json:"delivery"`
	Channel     string       `json:"channel"`
	ReceivedOn  string       `json:"received_on"`
	Department  string       `json:"department"`
	// An application without a token answers the CAPTCHA
	// (GET /captcha/request/new).
	CaptchaToken  string `json:"captcha_token"`
	CaptchaAnswer string `json:"captcha_answer"`
}

type apiReply struct {
	Investigation string `json:"investigation"`
	Answer        string `json:"answer"`
	Policy        string `json:"policy"`
	Law           string `json:"law"`
}

// apiEventInput is the body of POST /api/v1/requests/{id}/events.
type apiEventInput struct {
	Type                 string    `json:"type"`
	On                   string    `json:"on"`
	Days                 int       `json:"days"`
	Decision             string    `json:"decision"`
	Reason               int       `json:"reason"`
	Department           string    `json:"department"`
	Note                 string    `json:"note"`
	Approver             string    `json:"approver"`
	Amount               int       `json:"amount"`
	FeeMethod            string    `json:"fee_method"`
	Units                int       `json:"units"`
	Until                string    `json:"until"`
	Reply                *apiReply `json:"reply"`
	Result               string    `json:"result"`
	AfterReconsideration bool      `json:"after_reconsideration"`
	Letter               int       `json:"letter"`
}

type apiEvent struct {
	Seq                  int       `json:"seq"`
	Type                 string    `json:"type"`
	Label                string    `json:"label"`
	On                   string    `json:"on"`
	Basis                string    `json:"basis"`
	Days                 int       `json:"days,omitempty"`
	Decision             string    `json:"decision,omitempty"`
	Reason               int       `json:"reason,omitempty"`
	Department           string    `json:"department,omitempty"`
	Note                 string    `json:"note,omitempty"`
	Approver             string    `json:"approver,omitempty"`
	Amount               int       `json:"amount,omitempty"`
	FeeMethod            string    `json:"fee_method,omitempty"`
	Units                int       `json:"units,omitempty"`
	Until                string    `json:"until,omitempty"`
	Reply                *apiReply `json:"reply,omitempty"`
	Result               string    `json:"result,omitempty"`
	AfterReconsideration bool      `json:"after_reconsideration,omitempty"`
	Letter               int       `json:"letter,omitempty"`
	Actor                string    `json:"actor,omitempty"`
}

type apiNotice struct {
	Kind      string `json:"kind"`
	Subject   string `json:"subject"`
	Body      string `json:"body"`
	CreatedAt string `json:"created_at"`
	SentAt    string `json:"sent_at"`
}

// apiRequest is a request as the API returns it.
type apiRequest struct {
	ID           int64        `json:"id"`
	TrackingNo   string       `json:"tracking_no"`
	Code         string       `json:"code,omitempty"`
	Status       string       `json:"status"`
	StatusLabel  string       `json:"status_label"`
	Channel      string       `json:"channel"`
	SubmittedOn  string       `json:"submitted_on"`
	ReceivedOn   string       `json:"received_on"`
	DueOn        string       `json:"due_on"`
	WorkdaysUsed int          `json:"workdays_used"`
	WorkdaysLeft int          `json:"workdays_left"`
	Overdue      bool         `json:"overdue"`
	ClosedOn     string       `json:"closed_on"`
	Result       string       `json:"result"`
	ResultLabel  string       `json:"result_label"`
	Department   string       `json:"department"`
	Applicant    apiApplicant `json:"applicant"`
	Title        string       `json:"title"`
	DocNo        string       `json:"doc_no"`
	Description  string       `json:"description"`
	Form         string       `json:"form"`
	Delivery     string       `json:"delivery"`
	Explanation  string       `json:"explanation"`
	Ledger       []apiEvent   `json:"ledger"`
	Notices      []apiNotice  `json:"notices"`
}

type apiStatsRow struct {
	Key    string         `json:"key"`
	Label  string         `json:"label"`
	Counts map[string]int `json:"counts"`
}

type apiCheck struct {
	Rule   string `json:"rule"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// apiStats is the body of GET /api/v1/requests/stats.
type apiStats struct {
	Year   int           `json:"year"`
	OK     bool          `json:"ok"`
	Table3 []apiStatsRow `json:"table3"`
	Table4 []apiStatsRow `json:"table4"`
	Checks []apiCheck    `json:"checks"`
}

// Schemas ties the API's types to their OpenAPI schemas.
func Schemas() []web.Schema {
	return []web.Schema{
		{Type: reflect.TypeOf(apiRequest{}), Schema: "#/components/schemas/Request"},
		{Type: reflect.TypeOf(apiApplicant{}), Schema: "#/components/schemas/RequestApplicant"},
		{Type: reflect.TypeOf(apiEvent{}), Schema: "#/components/schemas/RequestEvent"},
		{Type: reflect.TypeOf(apiNotice{}), Schema: "#/components/schemas/RequestNotice"},
		{Type: reflect.TypeOf(apiReply{}), Schema: "#/components/schemas/RequestReply"},
		{Type: reflect.TypeOf(apiStats{}), Schema: "#/components/schemas/RequestStats"},
		{Type: reflect.TypeOf(apiStatsRow{}), Schema: "#/components/schemas/RequestStatsRow"},
		{Type: reflect.TypeOf(apiCheck{}), Schema: "#/components/schemas/RequestCheck"},
		{Type: reflect.TypeOf(apiRequestInput{}), Schema: "#/components/schemas/RequestInput", Input: true},
		{Type: reflect.TypeOf(apiEventInput{}), Schema: "#/components/schemas/RequestEventInput", Input: true},
	}
}

func dateText(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// view builds the API's form of r; full is for staff who handle it
// (unmasked personal data, internal steps).
func view(r *request.Request, today calendar.Date, full bool) apiRequest {
	st := r.State
	a := r.Applicant
	if !full {
		a = a.Masked()
	}
	out := apiRequest{ID: r.ID, TrackingNo: r.TrackingNo, Status: st.Status, StatusLabel: request.StatusLabels[st.Status], Channel: r.Channel,
		SubmittedOn: r.Submitted.String(), ReceivedOn: dateText(st.Received), DueOn: dateText(st.DueOn(today)), WorkdaysUsed: st.Used(today),
		WorkdaysLeft: st.Left(today), Overdue: st.Overdue(today), ClosedOn: dateText(st.Closed), Result: st.Result, Department: r.Department,
		Applicant: apiApplicant{Kind: a.Kind, Name: a.Name, IDType: a.IDType, IDNumber: a.IDNumber, OrgType: a.OrgType, CreditCode: a.CreditCode,
			LegalRepresentative: a.LegalRepresentative, ContactPerson: a.ContactPerson, Phone: a.Phone, Email: a.Email, Address: a.Address},
		Title: r.Title, DocNo: r.DocNo, Description: r.Description, Form: r.Form, Delivery: r.Delivery,
		Explanation: st.Explain(today).Summary, Ledger: []apiEvent{}, Notices: []apiNotice{}}
	if d, ok := request.DecisionByCode(st.Result); ok {
		out.ResultLabel = d.Title()
	}
	for _, ev := range r.Events {
		info, _ := request.InfoOf(ev.Type)
		if !full && !info.Public {
			continue
		}
		e := apiEvent{Seq: ev.Seq, Type: ev.Type, Label: info.Label, On: ev.On.String(), Basis: info.Basis, Days: ev.Days, Decision: ev.Decision,
			Reason: ev.Reason, Amount: ev.Amount, FeeMethod: ev.FeeMethod, Units: ev.Units, Until: dateText(ev.Until), Result: ev.Result,
			AfterReconsideration: ev.AfterReconsideration, Letter: ev.Letter}
		if ev.Reply != (request.Reply{}) {
			e.Reply = &apiReply{Investigation: ev.Reply.Investigation, Answer: ev.Reply.Answer, Policy: ev.Reply.Policy, Law: ev.Reply.Law}
		}
		if full {
			e.Note, e.Approver, e.Actor = ev.Note, ev.Approver, ev.ActorName
			if ev.DepartmentID != 0 {
				e.Department = strconv.FormatInt(ev.DepartmentID, 10)
			}
		} else if ev.Type == request.EvCorrectionRequested {
			e.Note = ev.Note // what to correct is the applicant's to read
		}
		out.Ledger = append(out.Ledger, e)
	}
	for _, n := range r.Notices {
		out.Notices = append(out.Notices, apiNotice{Kind: n.Kind, Subject: n.Subject, Body: n.Body, CreatedAt: n.CreatedAt, SentAt: n.SentAt})
	}
	return out
}

// department resolves a department named by name or abbreviation.
func (s *Feature) department(ctx context.Context, siteID int64, name string) (int64, error) {
	if name == "" {
		return 0, nil
	}
	ds, err := s.Catalog.Departments(ctx, siteID)
	if err != nil {
		return 0, err
	}
	for _, d := range ds {
		if d.Name == name || d.Abbr == name {
			return d.ID, nil
		}
	}
	return 0, &errs.Error{Code: errs.Invalid, Message: "承办科室“" + name + "”不存在", Fields: map[string]string{"department": "本站没有这个科室"}}
}

func (s *Feature) departmentNames(ctx context.Context, siteID int64) map[int64]string {
	m := map[int64]string{}
	if ds, err := s.Catalog.Departments(ctx, siteID); err == nil {
		for _, d := range ds {
			m[d.ID] = d.Name
		}
	}
	return m
}

func (s *Feature) apiCreate(w http.ResponseWriter, r *http.Request) {
	u, err := s.APIUser(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	if u == nil && !s.LimitForm(w, r, formRequest) {
		return
	}
	st := web.SiteOf(r)
	var in apiRequestInput
	if err := web.DecodeJSON(w, r, &in, 64<<10); err != nil {
		s.APIError(w, r, err)
		return
	}
	a := in.Applicant
	ri := request.Input{Applicant: request.Applicant{Kind: a.Kind, Name: a.Name, IDType: a.IDType, IDNumber: a.IDNumber, OrgType: a.OrgType,
		CreditCode: a.CreditCode, LegalRepresentative: a.LegalRepresentative, ContactPerson: a.ContactPerson, Phone: a.Phone, Email: a.Email, Address: a.Address},
		Title: in.Title, DocNo: in.DocNo, Description: in.Description, Form: in.Form, Delivery: in.Delivery, Channel: in.Channel}
	if u == nil && (in.ReceivedOn != "" || in.Department != "") {
		s.APIError(w, r, &errs.Error{Code: errs.Invalid, Message: "收到日期和承办科室只能由工作人员登记（需要访问令牌）", Fields: map[string]string{"received_on": "需要访问令牌"}})
		return
	}
	if in.ReceivedOn != "" {
		if ri.ReceivedOn, err = calendar.Parse(in.ReceivedOn); err != nil {
			s.APIError(w, r, &errs.Error{Code: errs.Invalid, Message: errs.MessageOf(err), Fields: map[string]string{"received_on": "应为 YYYY-MM-DD"}})
			return
		}
	}
	if u != nil {
		if ri.DepartmentID, err = s.department(r.Context(), st.Site.ID, in.Department); err != nil {
			s.APIError(w, r, err)
			return
		}
		if u.Role != auth.Admin && u.Role != auth.Office {
			s.APIError(w, r, errs.E(errs.Forbidden, "只有政务公开办公室可以登记申请"))
			return
		}
	}
	if u == nil {
		// The public's application: valid first, then the CAPTCHA, as on
		// the form.
		check := ri
		if err := check.Validate(false); err != nil {
			s.APIError(w, r, err)
			return
		}
		if err := s.Captcha.Verify(r.Context(), formRequest, in.CaptchaToken, in.CaptchaAnswer); err != nil {
			s.APIError(w, r, err)
			return
		}
	}
	req, code, err := s.Requests.Create(r.Context(), st.Site.ID, u, ri)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	out := view(req, s.today(), u != nil)
	out.Code = code
	w.Header().Set("Location", "/api/v1/requests/"+req.TrackingNo)
	web.WriteJSON(w, http.StatusCreated, out)
}

func (s *Feature) apiGet(w http.ResponseWriter, r *http.Request) {
	st := web.SiteOf(r)
	code := r.URL.Query().Get("code")
	if code == "" {
		s.APIError(w, r, &errs.Error{Code: errs.Invalid, Message: "请提供查询码（code）", Fields: map[string]string{"code": "必填"}})
		return
	}
	req, err := s.Requests.ByTracking(r.Context(), st.Site.ID, r.PathValue("tracking_no"), code)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, view(req, s.today(), false))
}

func (s *Feature) apiEvent(w http.ResponseWriter, r *http.Request) {
	u, err := s.APIUser(r)
	if err == nil && u == nil {
		err = errs.E(errs.Unauthorized, "登记办理步骤需要访问令牌（Authorization: Bearer <token>）")
	}
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	st := web.SiteOf(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.APIError(w, r, request.ErrNotFound)
		return
	}
	var in apiEventInput
	if err := web.DecodeJSON(w, r, &in, 256<<10); err != nil {
		s.APIError(w, r, err)
		return
	}
	ev, err := s.eventOf(r.Context(), st.Site.ID, in)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	req, err := s.Requests.AddEvent(r.Context(), u, st.Site.ID, id, ev)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusCreated, view(req, s.today(), true))
}

func (s *Feature) eventOf(ctx context.Context, siteID int64, in apiEventInput) (request.Event, error) {
	ev := request.Event{Type: in.Type, Days: in.Days, Decision: in.Decision, Reason: in.Reason, Note: in.Note, Approver: in.Approver,
		Amount: in.Amount, FeeMethod: in.FeeMethod, Units: in.Units, Result: in.Result, AfterReconsideration: in.AfterReconsideration, Letter: in.Letter}
	var err error
	if in.On == "" {
		ev.On = s.today()
	} else if ev.On, err = calendar.Parse(in.On); err != nil {
		return ev, &errs.Error{Code: errs.Invalid, Message: errs.MessageOf(err), Fields: map[string]string{"on": "应为 YYYY-MM-DD"}}
	}
	if in.Until != "" {
		if ev.Until, err = calendar.Parse(in.Until); err != nil {
			return ev, &errs.Error{Code: errs.Invalid, Message: errs.MessageOf(err), Fields: map[string]string{"until": "应为 YYYY-MM-DD"}}
		}
	}
	if in.Reply != nil {
		ev.Reply = request.Reply{Investigation: in.Reply.Investigation, Answer: in.Reply.Answer, Policy: in.Reply.Policy, Law: in.Reply.Law}
	}
	if ev.DepartmentID, err = s.department(ctx, siteID, in.Department); err != nil {
		return ev, err
	}
	return ev, nil
}

func (s *Feature) apiStats(w http.ResponseWriter, r *http.Request) {
	u, err := s.APIUser(r)
	if err == nil && u == nil {
		err = errs.E(errs.Unauthorized, "统计数据需要访问令牌（Authorization: Bearer <token>）")
	}
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	st := web.SiteOf(r)
	year, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil {
		s.APIError(w, r, &errs.Error{Code: errs.Invalid, Message: "请提供年份（year），例如 2025", Fields: map[string]string{"year": "应为四位年份"}})
		return
	}
	t3, err := s.Requests.Stats(r.Context(), st.Site.ID, year)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	t4, err := s.Requests.Remedies(r.Context(), st.Site.ID, year)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	out := apiStats{Year: year, OK: t3.OK(), Table3: []apiStatsRow{}, Table4: []apiStatsRow{}, Checks: []apiCheck{}}
	for _, row := range request.Rows() {
		c := map[string]int{}
		for _, col := range request.Columns {
			c[col.Code] = t3.Count(row.Key, col.Code)
		}
		out.Table3 = append(out.Table3, apiStatsRow{Key: row.Key, Label: row.Label, Counts: c})
	}
	for _, g := range request.Table4Groups {
		c := map[string]int{}
		for _, res := range request.Table4Results {
			c[res.Code] = t4.Count(g.Code, res.Code)
		}
		out.Table4 = append(out.Table4, apiStatsRow{Key: g.Code, Label: g.Label, Counts: c})
	}
	for _, c := range append(t3.Checks, t4.Checks...) {
		out.Checks = append(out.Checks, apiCheck{Rule: c.Rule, OK: c.OK, Detail: c.Detail})
		out.OK = out.OK && c.OK
	}
	web.WriteJSON(w, http.StatusOK, out)
}
