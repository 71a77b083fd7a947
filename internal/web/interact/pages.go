package interact

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"gongkai/internal/calendar"
	"gongkai/internal/captcha"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/interact"
	srch "gongkai/internal/search"
	"gongkai/internal/web"
)

// formValues is what the public form holds, kept when validation fails.
type formValues struct {
	Category, Title, Body, Name, Contact, PageURL string
	Publishable                                   bool
}

func readFormValues(r *http.Request) formValues {
	g := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return formValues{Category: g("category"), Title: g("title"), Body: g("body"), Name: g("name"), Contact: g("contact"),
		PageURL: g("page_url"), Publishable: g("publishable") != "0"}
}

func (f formValues) input() interact.Input {
	return interact.Input{Category: f.Category, Title: f.Title, Body: f.Body, Name: f.Name, Contact: f.Contact, PageURL: f.PageURL,
		Publishable: f.Publishable}
}

// suggestion is an answered message or FAQ entry that may already answer
// the question.
type suggestion struct {
	Title, URL, Kind, On string
}

type formPage struct {
	web.Page
	Form        formValues
	Categories  []interact.Category
	Periods     map[string]int
	Suggestions []suggestion
	Suggested   bool
	Error       string
	Captcha     *web.CaptchaField
}

// Field order and labels of the error summary.
var formFields = []string{"category", "title", "body", "name", "contact", "page_url", "received_on"}

var fieldLabels = map[string]string{"category": "留言类别", "title": "标题", "body": "留言内容", "name": "姓名", "contact": "联系方式",
	"page_url": "出错页面地址", "received_on": "收到日期"}

type fieldView struct {
	Name, Label, Value, Hint, Err string
	Max                           int
}

// F describes a field for the form's input template.
func (p *formPage) F(name, label, value string, max int, hint string) fieldView {
	return fieldView{Name: name, Label: label, Value: value, Hint: hint, Err: p.Errors[name], Max: max}
}

type summaryLine struct{ ID, Label, Message string }

// ErrorList is the error summary in field order, the CAPTCHA last.
func (p *formPage) ErrorList() []summaryLine {
	var out []summaryLine
	for _, f := range formFields {
		if m, ok := p.Errors[f]; ok {
			out = append(out, summaryLine{"f-" + f, fieldLabels[f], m})
		}
	}
	if m, ok := p.Errors[captcha.FieldAnswer]; ok {
		out = append(out, summaryLine{"captcha-answer", "验证码", m})
	}
	return out
}

func (s *Feature) newFormPage(r *http.Request) *formPage {
	p := &formPage{Page: s.Page(r, "我要留言"), Categories: interact.Categories, Form: formValues{Publishable: true}}
	p.Periods, _ = s.Messages.Periods(r.Context(), web.SiteOf(r).Site.ID)
	return p
}

func (s *Feature) form(w http.ResponseWriter, r *http.Request) {
	p := s.newFormPage(r)
	if c := r.URL.Query().Get("category"); c != "" {
		if _, ok := interact.CategoryOf(c); ok {
			p.Form.Category = c
		}
	}
	if p.Form.Category == "error" {
		p.Title = "我为政府网站找错"
		p.Form.PageURL = strings.TrimSpace(r.URL.Query().Get("page"))
		if len(p.Form.PageURL) > interact.MaxPageURL || !strings.HasPrefix(p.Form.PageURL, "/") {
			p.Form.PageURL = ""
		}
	}
	p.Captcha = s.NewCaptcha(r, formMessage)
	s.Render(w, r, http.StatusOK, "public/message_form", p)
}

type donePage struct {
	web.Page
	TrackingNo, Code string
	Message          *interact.Message
}

func (s *Feature) submit(w http.ResponseWriter, r *http.Request) {
	// Public forms: a rate limit per address and form, then the CAPTCHA.
	if !s.LimitForm(w, r, formMessage) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	p := s.newFormPage(r)
	if err := r.ParseForm(); err != nil {
		p.Error = "提交的内容过大或无法读取"
		p.Captcha = s.NewCaptcha(r, formMessage)
		s.Render(w, r, http.StatusRequestEntityTooLarge, "public/message_form", p)
		return
	}
	p.Form = readFormValues(r)
	in := p.Form.input()
	if r.PostFormValue("op") == "suggest" {
		// The no-JS preview: the form comes back, as typed, with answered
		// messages and FAQ entries that may already answer it.
		p.Captcha = s.NewCaptcha(r, formMessage)
		p.Suggested = true
		p.Suggestions = s.suggest(r.Context(), web.SiteOf(r).Site.ID, p.Form.Title+" "+p.Form.Body)
		s.Render(w, r, http.StatusOK, "public/message_form", p)
		return
	}
	fail := func(err error) {
		p.Title = "错误：我要留言"
		p.Error, p.Errors = errs.MessageOf(err), errs.FieldsOf(err)
		if p.Captcha == nil {
			p.Captcha = s.NewCaptcha(r, formMessage)
		}
		s.Render(w, r, web.StatusOf(err), "public/message_form", p)
	}
	check := in
	if err := check.Validate(false); err != nil {
		fail(err)
		return
	}
	if c, err := s.CheckCaptcha(r, formMessage); err != nil {
		p.Captcha = c
		if err == web.ErrCaptchaRenewed {
			p.Errors = map[string]string{}
			s.Render(w, r, c.Status, "public/message_form", p)
			return
		}
		p.Title = "错误：我要留言"
		p.Error, p.Errors = errs.MessageOf(err), errs.FieldsOf(err)
		s.Render(w, r, c.Status, "public/message_form", p)
		return
	}
	m, code, err := s.Messages.Submit(r.Context(), web.SiteOf(r).Site.ID, nil, in)
	if err != nil {
		fail(err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.Render(w, r, http.StatusCreated, "public/message_done", &donePage{Page: s.Page(r, "留言已提交"), TrackingNo: m.TrackingNo, Code: code, Message: m})
}

// suggest finds answered messages and FAQ entries (the site search) that
// may already answer the question.
func (s *Feature) suggest(ctx context.Context, siteID int64, words string) []suggestion {
	words = strings.TrimSpace(words)
	if s.Search == nil || s.Search.Backend == nil || words == "" {
		return nil
	}
	if r := []rune(words); len(r) > 100 {
		words = string(r[:100])
	}
	res, err := s.Search.Search(ctx, &srch.Request{SiteID: siteID, Q: words, Kinds: []string{interact.KindMessage, interact.KindFAQ}, Limit: 5})
	if err != nil {
		return nil
	}
	var out []suggestion
	for _, h := range res.Hits {
		out = append(out, suggestion{Title: h.Candidate.Title, URL: h.URL, Kind: h.KindLabel, On: h.PublishedOn})
		if len(out) == 5 {
			break
		}
	}
	return out
}

// suggestJSON serves GET /messages/suggest?q=: for messages.js, while the
// writer types. Anything unusable answers an empty list.
func (s *Feature) suggestJSON(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	type hit struct {
		Title string `json:"title"`
		URL   string `json:"url"`
		Kind  string `json:"kind"`
	}
	out := []hit{}
	if n := len([]rune(q)); n >= 2 && n <= 200 {
		for _, sg := range s.suggest(r.Context(), web.SiteOf(r).Site.ID, q) {
			out = append(out, hit{Title: sg.Title, URL: sg.URL, Kind: sg.Kind})
		}
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	web.WriteJSON(w, http.StatusOK, map[string]any{"q": q, "suggestions": out})
}

type statusStep struct{ On, Label, Note string }

type statusPage struct {
	web.Page
	No, Code string
	Error    string
	Message  *interact.Message
	Today    calendar.Date
	Steps    []statusStep
	Rated    bool
	Ratings  any
}

// StatusLabel is the message's status in Chinese.
func (p *statusPage) StatusLabel() string { return interact.StatusLabels[p.Message.State.Status] }

// RatingLabel names a rating.
func (p *statusPage) RatingLabel(c string) string { return interact.RatingLabel(c) }

func (s *Feature) statusForm(w http.ResponseWriter, r *http.Request) {
	s.Render(w, r, http.StatusOK, "public/message_status", &statusPage{Page: s.Page(r, "留言办理查询")})
}

// publicSteps are the ledger's steps the writer sees.
func publicSteps(m *interact.Message, depts map[int64]string) []statusStep {
	var out []statusStep
	for _, ev := range m.Events {
		info, _ := interact.InfoOf(ev.Type)
		if !info.Public {
			continue
		}
		st := statusStep{On: ev.On.String(), Label: info.Label}
		switch ev.Type {
		case interact.EvRouted:
			st.Note = "承办科室：" + depts[ev.DepartmentID]
		case interact.EvTransferred:
			st.Note = "转至" + depts[ev.DepartmentID] + "，理由：" + ev.Reason
		case interact.EvInvalid:
			st.Note = interact.InvalidLabel(ev.Reason)
		case interact.EvRated:
			st.Note = interact.RatingLabel(ev.Rating)
		}
		out = append(out, st)
	}
	return out
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

func (s *Feature) showStatus(w http.ResponseWriter, r *http.Request, p *statusPage, m *interact.Message, status int) {
	w.Header().Set("Cache-Control", "no-store")
	p.Message, p.Today, p.Ratings = m, s.today(), interact.Ratings
	p.Steps = publicSteps(m, s.departmentNames(r.Context(), m.SiteID))
	s.Render(w, r, status, "public/message_status", p)
}

func (s *Feature) status(w http.ResponseWriter, r *http.Request) {
	// Guessing query codes is bounded by the rate limit (the code is
	// random and only its keyed hash is stored).
	if !s.LimitForm(w, r, formStatus) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	p := &statusPage{Page: s.Page(r, "留言办理查询")}
	if err := r.ParseForm(); err != nil {
		p.Error = "请求无效"
		s.Render(w, r, http.StatusBadRequest, "public/message_status", p)
		return
	}
	p.No, p.Code = strings.TrimSpace(r.PostFormValue("no")), strings.TrimSpace(r.PostFormValue("code"))
	if p.No == "" || p.Code == "" {
		p.Errors = map[string]string{}
		if p.No == "" {
			p.Errors["no"] = "请填写留言编号"
		}
		if p.Code == "" {
			p.Errors["code"] = "请填写查询码"
		}
		p.Error = "请填写留言编号和查询码"
		s.Render(w, r, http.StatusUnprocessableEntity, "public/message_status", p)
		return
	}
	m, err := s.Messages.ByTracking(r.Context(), web.SiteOf(r).Site.ID, p.No, p.Code)
	if err != nil {
		p.Error = errs.MessageOf(err)
		s.Render(w, r, web.StatusOf(err), "public/message_status", p)
		return
	}
	s.showStatus(w, r, p, m, http.StatusOK)
}

func (s *Feature) rate(w http.ResponseWriter, r *http.Request) {
	if !s.LimitForm(w, r, formStatus) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	p := &statusPage{Page: s.Page(r, "留言办理查询")}
	if err := r.ParseForm(); err != nil {
		p.Error = "请求无效"
		s.Render(w, r, http.StatusBadRequest, "public/message_status", p)
		return
	}
	p.No, p.Code = strings.TrimSpace(r.PostFormValue("no")), strings.TrimSpace(r.PostFormValue("code"))
	siteID := web.SiteOf(r).Site.ID
	m, err := s.Messages.Rate(r.Context(), siteID, p.No, p.Code, r.PostFormValue("rating"), r.PostFormValue("comment"))
	if err != nil {
		if errs.CodeOf(err) == errs.NotFound {
			p.Error = errs.MessageOf(err)
			s.Render(w, r, http.StatusNotFound, "public/message_status", p)
			return
		}
		p.Error, p.Errors = "评价没有提交："+errs.MessageOf(err), errs.FieldsOf(err)
		if m2, err2 := s.Messages.ByTracking(r.Context(), siteID, p.No, p.Code); err2 == nil {
			s.showStatus(w, r, p, m2, web.StatusOf(err))
			return
		}
		s.Render(w, r, web.StatusOf(err), "public/message_status", p)
		return
	}
	p.Rated = true
	s.showStatus(w, r, p, m, http.StatusOK)
}

// listPage is the answered messages.
type listPage struct {
	web.Page
	Rows        []interact.Row
	Total       int
	Pager       *web.Pager
	Categories  []interact.Category
	Departments []catalog.Department
	Category    string
	Department  int64
	Month       string
	Received    string // YYYY or YYYY-MM of receipt (the statistics' links)
	Filter      string // the filters as a query string, for the pager
	Error       string
}

var (
	monthRE  = regexp.MustCompile(`^(20[0-9]{2})-(0[1-9]|1[0-2])$`)
	periodRE = regexp.MustCompile(`^20[0-9]{2}(-(0[1-9]|1[0-2]))?$`)
)

// ReceivedLabel names the period of receipt in Chinese.
func (p *listPage) ReceivedLabel() string {
	if len(p.Received) == 4 {
		return p.Received + "年"
	}
	return p.Received[:4] + "年" + strings.TrimPrefix(p.Received[5:], "0") + "月"
}

func (s *Feature) list(w http.ResponseWriter, r *http.Request) {
	st := web.SiteOf(r)
	q := r.URL.Query()
	p := &listPage{Page: s.Page(r, "留言答复"), Categories: interact.Categories}
	p.Departments, _ = s.Catalog.Departments(r.Context(), st.Site.ID)
	f := interact.PublicFilter{Per: 20}
	status := http.StatusOK
	if c := q.Get("category"); c != "" {
		if _, ok := interact.CategoryOf(c); ok {
			f.Category, p.Category = c, c
		} else {
			p.Error, status = "没有这个留言类别", http.StatusUnprocessableEntity
		}
	}
	if d := q.Get("department"); d != "" {
		id, _ := strconv.ParseInt(d, 10, 64)
		for _, x := range p.Departments {
			if x.ID == id {
				f.DepartmentID, p.Department = id, id
			}
		}
		if f.DepartmentID == 0 {
			p.Error, status = "没有这个科室", http.StatusUnprocessableEntity
		}
	}
	if m := q.Get("month"); m != "" {
		if monthRE.MatchString(m) {
			f.Month, p.Month = m, m
		} else {
			p.Error, status = "月份格式应为 YYYY-MM，例如 2025-06", http.StatusUnprocessableEntity
		}
	}
	if v := q.Get("received"); v != "" {
		if periodRE.MatchString(v) {
			f.Received, p.Received = v, v
		} else {
			p.Error, status = "收到时间格式应为 YYYY 或 YYYY-MM，例如 2025 或 2025-06", http.StatusUnprocessableEntity
		}
	}
	f.Page = web.PageNumber(r, 10000)
	rows, total, err := s.Messages.Public(r.Context(), st.Site.ID, f)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	p.Rows, p.Total, p.Pager = rows, total, web.NewPager(f.Page, total, f.Per)
	var parts []string
	if p.Category != "" {
		parts = append(parts, "category="+p.Category)
	}
	if p.Department != 0 {
		parts = append(parts, "department="+strconv.FormatInt(p.Department, 10))
	}
	if p.Month != "" {
		parts = append(parts, "month="+p.Month)
	}
	if p.Received != "" {
		parts = append(parts, "received="+p.Received)
	}
	p.Filter = strings.Join(parts, "&")
	s.Render(w, r, status, "public/messages", p)
}

type detailPage struct {
	web.Page
	Message *interact.Message
}

// Where is the published answer's "where such matters are handled".
func (p *detailPage) RatingLabel(c string) string { return interact.RatingLabel(c) }

func (s *Feature) detail(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	m, err := s.Messages.PublicMessage(r.Context(), web.SiteOf(r).Site.ID, id)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "public/message", &detailPage{Page: s.Page(r, m.Title), Message: m})
}

type faqPage struct {
	web.Page
	Groups []faqGroup
}

type faqGroup struct {
	Category interact.Category
	Entries  []interact.FAQ
}

func (s *Feature) faq(w http.ResponseWriter, r *http.Request) {
	fs, err := s.Messages.FAQs(r.Context(), web.SiteOf(r).Site.ID)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	p := &faqPage{Page: s.Page(r, "常见问题")}
	for _, c := range interact.Categories {
		g := faqGroup{Category: c}
		for _, f := range fs {
			if f.Category == c.Code {
				g.Entries = append(g.Entries, f)
			}
		}
		if len(g.Entries) > 0 {
			p.Groups = append(p.Groups, g)
		}
	}
	s.Render(w, r, http.StatusOK, "public/message_faq", p)
}
