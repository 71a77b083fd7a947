package interact

import (
	"context"
	"net/http"
	"reflect"
	"strconv"

	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/interact"
	"gongkai/internal/web"
)

// apiMessageInput is the body of POST /api/v1/messages.
type apiMessageInput struct {
	Category    string `json:"category"`
	Title       string `json:"title"`
	Body        string `json:"body"`
	Name        string `json:"name"`
	Contact     string `json:"contact"`
	PageURL     string `json:"page_url"`
	Publishable bool   `json:"publishable"`
	// Staff only (bearer token).
	ReceivedOn string `json:"received_on"`
	Department string `json:"department"`
	// A message without a token answers the CAPTCHA (GET /captcha/message/new).
	CaptchaToken  string `json:"captcha_token"`
	CaptchaAnswer string `json:"captcha_answer"`
}

// apiAnswerInput is the body of POST /api/v1/messages/{id}/answer.
type apiAnswerInput struct {
	Body       string `json:"body"`
	Where      string `json:"where"`
	Publish    bool   `json:"publish"`
	AnsweredOn string `json:"answered_on"`
}

type apiStep struct {
	Seq        int    `json:"seq"`
	Type       string `json:"type"`
	Label      string `json:"label"`
	On         string `json:"on"`
	Department string `json:"department,omitempty"`
	Reason     string `json:"reason,omitempty"`
	Note       string `json:"note,omitempty"`
	Actor      string `json:"actor,omitempty"`
}

// apiMessage is a message as the API returns it.
type apiMessage struct {
	ID             int64     `json:"id"`
	TrackingNo     string    `json:"tracking_no"`
	Code           string    `json:"code,omitempty"`
	Category       string    `json:"category"`
	CategoryLabel  string    `json:"category_label"`
	Title          string    `json:"title"`
	Body           string    `json:"body"`
	Name           string    `json:"name"`
	Contact        string    `json:"contact"`
	Publishable    bool      `json:"publishable"`
	Status         string    `json:"status"`
	StatusLabel    string    `json:"status_label"`
	ReceivedOn     string    `json:"received_on"`
	DueOn          string    `json:"due_on"`
	Overdue        bool      `json:"overdue"`
	Department     string    `json:"department"`
	Answer         string    `json:"answer"`
	Where          string    `json:"where"`
	AnsweredOn     string    `json:"answered_on"`
	AnswerWorkdays int       `json:"answer_workdays"`
	OnTime         bool      `json:"on_time"`
	Published      bool      `json:"published"`
	Rating         string    `json:"rating"`
	Ledger         []apiStep `json:"ledger"`
}

// apiPublicMessage is an answered message in the public list.
type apiPublicMessage struct {
	ID             int64  `json:"id"`
	TrackingNo     string `json:"tracking_no"`
	Category       string `json:"category"`
	Title          string `json:"title"`
	Body           string `json:"body"`
	Department     string `json:"department"`
	ReceivedOn     string `json:"received_on"`
	AnsweredOn     string `json:"answered_on"`
	AnswerWorkdays int    `json:"answer_workdays"`
	Answer         string `json:"answer"`
	URL            string `json:"url"`
}

type apiMessageList struct {
	Total    int                `json:"total"`
	Page     int                `json:"page"`
	Messages []apiPublicMessage `json:"messages"`
}

type apiSatisfaction struct {
	Satisfied   int     `json:"satisfied"`
	Basic       int     `json:"basic"`
	Unsatisfied int     `json:"unsatisfied"`
	Rated       int     `json:"rated"`
	Rate        float64 `json:"rate"`
}

// apiCounts are the figures of a group.
type apiCounts struct {
	Key               string          `json:"key,omitempty"`
	Label             string          `json:"label,omitempty"`
	Received          int             `json:"received"`
	Invalid           int             `json:"invalid"`
	Accepted          int             `json:"accepted"`
	Answered          int             `json:"answered"`
	Open              int             `json:"open"`
	OnTime            int             `json:"on_time"`
	AnswerRate        float64         `json:"answer_rate"`
	OnTimeRate        float64         `json:"on_time_rate"`
	AvgWorkingDays    float64         `json:"avg_working_days"`
	MedianWorkingDays float64         `json:"median_working_days"`
	Satisfaction      apiSatisfaction `json:"satisfaction"`
}

// apiStats is the body of GET /api/v1/messages/stats.
type apiStats struct {
	Year              int             `json:"year"`
	Month             int             `json:"month"`
	Received          int             `json:"received"`
	Invalid           int             `json:"invalid"`
	Accepted          int             `json:"accepted"`
	Answered          int             `json:"answered"`
	Open              int             `json:"open"`
	OnTime            int             `json:"on_time"`
	AnswerRate        float64         `json:"answer_rate"`
	OnTimeRate        float64         `json:"on_time_rate"`
	AvgWorkingDays    float64         `json:"avg_working_days"`
	MedianWorkingDays float64         `json:"median_working_days"`
	Satisfaction      apiSatisfaction `json:"satisfaction"`
	ByCategory        []apiCounts     `json:"by_category"`
	ByDepartment      []apiCounts     `json:"by_department"`
	ByMonth           []apiCounts     `json:"by_month"`
}

// Schemas ties the API's types to their OpenAPI schemas.
func Schemas() []web.Schema {
	return []web.Schema{
		{Type: reflect.TypeOf(apiMessage{}), Schema: "#/components/schemas/Message"},
		{Type: reflect.TypeOf(apiStep{}), Schema: "#/components/schemas/MessageStep"},
		{Type: reflect.TypeOf(apiPublicMessage{}), Schema: "#/components/schemas/PublicMessage"},
		{Type: reflect.TypeOf(apiMessageList{}), Schema: "#/components/schemas/MessageList"},
		{Type: reflect.TypeOf(apiStats{}), Schema: "#/components/schemas/MessageStats"},
		{Type: reflect.TypeOf(apiCounts{}), Schema: "#/components/schemas/MessageCounts"},
		{Type: reflect.TypeOf(apiSatisfaction{}), Schema: "#/components/schemas/MessageSatisfaction"},
		{Type: reflect.TypeOf(apiMessageInput{}), Schema: "#/components/schemas/MessageInput", Input: true},
		{Type: reflect.TypeOf(apiAnswerInput{}), Schema: "#/components/schemas/MessageAnswerInput", Input: true},
	}
}

func dateText(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// view is the API's form of m; full for staff who handle it (the writer's
// data in full, every step), else the writer's view (masked, public steps).
func view(m *interact.Message, today calendar.Date, full bool, depts map[int64]string) apiMessage {
	st := m.State
	out := apiMessage{ID: m.ID, TrackingNo: m.TrackingNo, Category: m.Category, CategoryLabel: m.CategoryLabel(), Title: m.Title, Body: m.Body,
		Name: m.MaskedName(), Contact: m.MaskedContact(), Publishable: m.Publishable, Status: st.Status, StatusLabel: interact.StatusLabels[st.Status],
		ReceivedOn: m.Received.String(), DueOn: st.Due.String(), Overdue: st.Overdue(today), Department: depts[st.DepartmentID],
		Answer: st.Answer, Where: st.Where, AnsweredOn: dateText(st.Answered), AnswerWorkdays: st.Workdays, OnTime: st.OnTime(), Published: st.Public,
		Rating: st.Rating, Ledger: []apiStep{}}
	if full {
		out.Name, out.Contact = m.Name, m.Contact
	}
	for _, ev := range m.Events {
		info, _ := interact.InfoOf(ev.Type)
		if !full && !info.Public {
			continue
		}
		s := apiStep{Seq: ev.Seq, Type: ev.Type, Label: info.Label, On: ev.On.String(), Department: depts[ev.DepartmentID], Reason: ev.Reason}
		if full {
			s.Note, s.Actor = ev.Note, ev.ActorName
		}
		out.Ledger = append(out.Ledger, s)
	}
	return out
}

// department resolves a department named by name, abbreviation or id.
func (s *Feature) department(ctx context.Context, siteID int64, name string) (int64, error) {
	if name == "" {
		return 0, nil
	}
	ds, err := s.Catalog.Departments(ctx, siteID)
	if err != nil {
		return 0, err
	}
	for _, d := range ds {
		if d.Name == name || d.Abbr == name || strconv.FormatInt(d.ID, 10) == name {
			return d.ID, nil
		}
	}
	return 0, &errs.Error{Code: errs.Invalid, Message: "承办科室“" + name + "”不存在", Fields: map[string]string{"department": "本站没有这个科室"}}
}

func (s *Feature) apiCreate(w http.ResponseWriter, r *http.Request) {
	u, err := s.APIUser(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	if u == nil && !s.LimitForm(w, r, formMessage) {
		return
	}
	st := web.SiteOf(r)
	var in apiMessageInput
	if err := web.DecodeJSON(w, r, &in, 64<<10); err != nil {
		s.APIError(w, r, err)
		return
	}
	mi := interact.Input{Category: in.Category, Title: in.Title, Body: in.Body, Name: in.Name, Contact: in.Contact, PageURL: in.PageURL, Publishable: in.Publishable}
	if u == nil && (in.ReceivedOn != "" || in.Department != "") {
		s.APIError(w, r, &errs.Error{Code: errs.Invalid, Message: "收到日期和承办科室只能由工作人员登记（需要访问令牌）", Fields: map[string]string{"received_on": "需要访问令牌"}})
		return
	}
	if in.ReceivedOn != "" {
		if mi.ReceivedOn, err = calendar.Parse(in.ReceivedOn); err != nil {
			s.APIError(w, r, &errs.Error{Code: errs.Invalid, Message: errs.MessageOf(err), Fields: map[string]string{"received_on": "应为 YYYY-MM-DD"}})
			return
		}
	}
	if u != nil {
		if mi.DepartmentID, err = s.department(r.Context(), st.Site.ID, in.Department); err != nil {
			s.APIError(w, r, err)
			return
		}
	} else {
		// The public's message: valid first, then the CAPTCHA, as on the form.
		check := mi
		if err := check.Validate(false); err != nil {
			s.APIError(w, r, err)
			return
		}
		if err := s.Captcha.Verify(r.Context(), formMessage, in.CaptchaToken, in.CaptchaAnswer); err != nil {
			s.APIError(w, r, err)
			return
		}
	}
	m, code, err := s.Messages.Submit(r.Context(), st.Site.ID, u, mi)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	out := view(m, s.today(), u != nil && interact.CanHandle(u, m), s.departmentNames(r.Context(), st.Site.ID))
	out.Code = code
	w.Header().Set("Location", "/api/v1/messages/status/"+m.TrackingNo)
	web.WriteJSON(w, http.StatusCreated, out)
}

func (s *Feature) apiStatus(w http.ResponseWriter, r *http.Request) {
	if !s.LimitForm(w, r, formStatus) {
		return
	}
	st := web.SiteOf(r)
	code := r.URL.Query().Get("code")
	if code == "" {
		s.APIError(w, r, &errs.Error{Code: errs.Invalid, Message: "请提供查询码（code）", Fields: map[string]string{"code": "必填"}})
		return
	}
	m, err := s.Messages.ByTracking(r.Context(), st.Site.ID, r.PathValue("tracking_no"), code)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, view(m, s.today(), false, s.departmentNames(r.Context(), st.Site.ID)))
}

// apiAnswer drafts the answer of message id and, with publish, reviews and
// releases it in the same call (which needs the right to review and
// publish: the office, or the department's reviewer for another's draft —
// who sends publish without a body to release the draft under review).
// An unrouted message is first routed to the caller's department (the
// office answering itself).
func (s *Feature) apiAnswer(w http.ResponseWriter, r *http.Request) {
	u, err := s.APIUser(r)
	if err == nil && u == nil {
		err = errs.E(errs.Unauthorized, "答复留言需要访问令牌（Authorization: Bearer <token>）")
	}
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	st := web.SiteOf(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.APIError(w, r, interact.ErrNotFound)
		return
	}
	var in apiAnswerInput
	if err := web.DecodeJSON(w, r, &in, 64<<10); err != nil {
		s.APIError(w, r, err)
		return
	}
	var on calendar.Date
	if in.AnsweredOn != "" {
		if on, err = calendar.Parse(in.AnsweredOn); err != nil {
			s.APIError(w, r, &errs.Error{Code: errs.Invalid, Message: errs.MessageOf(err), Fields: map[string]string{"answered_on": "应为 YYYY-MM-DD"}})
			return
		}
	}
	m, err := s.Messages.Get(r.Context(), st.Site.ID, id)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	steps := []interact.Event{}
	if m.State.Status == interact.StReceived {
		if u.DepartmentID == 0 || !u.CanPublish() {
			s.APIError(w, r, errs.E(errs.Conflict, "该留言尚未分办，请先分办到承办科室"))
			return
		}
		steps = append(steps, interact.Event{Type: interact.EvRouted, On: on, DepartmentID: u.DepartmentID})
	}
	// Without a body, publish releases the draft waiting for review (a
	// reviewer approving another's draft); with one, the body is the draft.
	if in.Body != "" || !in.Publish || m.State.Status != interact.StReview {
		steps = append(steps, interact.Event{Type: interact.EvDrafted, On: on, Answer: in.Body, Where: in.Where})
	}
	if in.Publish {
		steps = append(steps, interact.Event{Type: interact.EvReviewed, On: on, Approved: true}, interact.Event{Type: interact.EvPublished, On: on, Public: true})
	}
	// One transaction: a call refused half-way leaves nothing recorded.
	if m, err = s.Messages.AddEvents(r.Context(), u, st.Site.ID, id, steps); err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, view(m, s.today(), true, s.departmentNames(r.Context(), st.Site.ID)))
}

func (s *Feature) apiList(w http.ResponseWriter, r *http.Request) {
	st := web.SiteOf(r)
	q := r.URL.Query()
	f := interact.PublicFilter{Category: q.Get("category"), Month: q.Get("month"), Per: 20}
	if f.Category != "" {
		if _, ok := interact.CategoryOf(f.Category); !ok {
			s.APIError(w, r, &errs.Error{Code: errs.Invalid, Message: "没有这个留言类别", Fields: map[string]string{"category": "未知的类别"}})
			return
		}
	}
	if f.Month != "" && !monthRE.MatchString(f.Month) {
		s.APIError(w, r, &errs.Error{Code: errs.Invalid, Message: "月份格式应为 YYYY-MM", Fields: map[string]string{"month": "应为 YYYY-MM"}})
		return
	}
	var err error
	if f.DepartmentID, err = s.department(r.Context(), st.Site.ID, q.Get("department")); err != nil {
		s.APIError(w, r, err)
		return
	}
	f.Page = web.PageNumber(r, 10000)
	rows, total, err := s.Messages.Public(r.Context(), st.Site.ID, f)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	out := apiMessageList{Total: total, Page: f.Page, Messages: []apiPublicMessage{}}
	for _, x := range rows {
		out.Messages = append(out.Messages, apiPublicMessage{ID: x.ID, TrackingNo: x.TrackingNo, Category: x.Category, Title: x.Title, Body: x.Body,
			Department: x.Department, ReceivedOn: x.Received.String(), AnsweredOn: x.Answered.String(), AnswerWorkdays: x.Workdays, Answer: x.Answer,
			URL: interact.MessageURL(x.ID)})
	}
	web.WriteJSON(w, http.StatusOK, out)
}

func counts(key, label string, c interact.Counts) apiCounts {
	return apiCounts{Key: key, Label: label, Received: c.Received, Invalid: c.Invalid, Accepted: c.Accepted(), Answered: c.Answered, Open: c.Open(),
		OnTime: c.OnTime, AnswerRate: round(c.AnswerRate(), 4), OnTimeRate: round(c.OnTimeRate(), 4), AvgWorkingDays: round(c.AvgWorkdays(), 2),
		MedianWorkingDays: c.MedianWorkdays(), Satisfaction: apiSatisfaction{Satisfied: c.Satisfied, Basic: c.Basic, Unsatisfied: c.Unsatisfied,
			Rated: c.Rated(), Rate: round(c.SatisfactionRate(), 4)}}
}

func round(v float64, places int) float64 {
	p := 1.0
	for range places {
		p *= 10
	}
	return float64(int64(v*p+0.5)) / p
}

func (s *Feature) apiStats(w http.ResponseWriter, r *http.Request) {
	st := web.SiteOf(r)
	q := r.URL.Query()
	year, err := strconv.Atoi(q.Get("year"))
	if err != nil {
		s.APIError(w, r, &errs.Error{Code: errs.Invalid, Message: "请提供年份（year），例如 2025", Fields: map[string]string{"year": "应为四位年份"}})
		return
	}
	month := 0
	if m := q.Get("month"); m != "" {
		if month, err = strconv.Atoi(m); err != nil {
			s.APIError(w, r, &errs.Error{Code: errs.Invalid, Message: "月份（month）应为 1 至 12", Fields: map[string]string{"month": "应为 1 至 12"}})
			return
		}
	}
	res, err := s.Messages.Stats(r.Context(), st.Site.ID, year, month)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	t := counts("", "", res.Total)
	out := apiStats{Year: year, Month: month, Received: t.Received, Invalid: t.Invalid, Accepted: t.Accepted, Answered: t.Answered, Open: t.Open,
		OnTime: t.OnTime, AnswerRate: t.AnswerRate, OnTimeRate: t.OnTimeRate, AvgWorkingDays: t.AvgWorkingDays, MedianWorkingDays: t.MedianWorkingDays,
		Satisfaction: t.Satisfaction, ByCategory: []apiCounts{}, ByDepartment: []apiCounts{}, ByMonth: []apiCounts{}}
	for _, g := range res.ByCategory {
		out.ByCategory = append(out.ByCategory, counts(g.Key, g.Label, g.Counts))
	}
	for _, g := range res.ByDepartment {
		out.ByDepartment = append(out.ByDepartment, counts(g.Key, g.Label, g.Counts))
	}
	for _, g := range res.ByMonth {
		out.ByMonth = append(out.ByMonth, counts(g.Key, g.Label, g.Counts))
	}
	web.WriteJSON(w, http.StatusOK, out)
}
