package request

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"gongkai/internal/calendar"
	"gongkai/internal/captcha"
	"gongkai/internal/errs"
	"gongkai/internal/letter"
	"gongkai/internal/request"
	srch "gongkai/internal/search"
	"gongkai/internal/web"
)

// formValues is what the public form holds, kept when validation fails.
type formValues struct {
	Kind, Name, IDType, IDNumber, OrgType, CreditCode, LegalRepresentative, ContactPerson string
	Phone, Email, Address, Title, DocNo, Description, Form, Delivery                      string
}

func readFormValues(r *http.Request) formValues {
	g := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return formValues{Kind: g("kind"), Name: g("name"), IDType: g("id_type"), IDNumber: g("id_number"), OrgType: g("org_type"),
		CreditCode: g("credit_code"), LegalRepresentative: g("legal_representative"), ContactPerson: g("contact_person"),
		Phone: g("phone"), Email: g("email"), Address: g("address"), Title: g("title"), DocNo: g("doc_no"),
		Description: g("description"), Form: g("form"), Delivery: g("delivery")}
}

func (f formValues) input() request.Input {
	return request.Input{Applicant: request.Applicant{Kind: f.Kind, Name: f.Name, IDType: f.IDType, IDNumber: f.IDNumber, OrgType: f.OrgType,
		CreditCode: f.CreditCode, LegalRepresentative: f.LegalRepresentative, ContactPerson: f.ContactPerson, Phone: f.Phone, Email: f.Email,
		Address: f.Address}, Title: f.Title, DocNo: f.DocNo, Description: f.Description, Form: f.Form, Delivery: f.Delivery}
}

// suggestion is a published item that may already answer the request.
type suggestion struct {
	Title, URL, DocNo, PublishedOn string
}

type formPage struct {
	web.Page
	Form        formValues
	Kinds       []request.Choice
	OrgTypes    []request.Choice
	IDTypes     []request.Choice
	Forms       []request.Choice
	Deliveries  []request.Choice
	Suggestions []suggestion
	Suggested   bool
	Error       string
	MaxUpload   int64
	// Captcha is the form's self-hosted CAPTCHA (web.CaptchaField).
	Captcha *web.CaptchaField
}

// The names of the public forms for the CAPTCHA and the rate limits.
const (
	formRequest = "request"
	formStatus  = "request-status"
)

// captchaLabel names the CAPTCHA's answer in the error summary.
const captchaLabel = "验证码"

// Field order of the error summary.
var formFields = []string{"kind", "name", "id_type", "id_number", "org_type", "credit_code", "legal_representative", "contact_person",
	"phone", "email", "address", "title", "doc_no", "description", "form", "delivery", "id_copy"}

// Labels of the form's fields, for the error summary.
var fieldLabels = map[string]string{"kind": "申请人类型", "name": "姓名或名称", "id_type": "证件类型", "id_number": "证件号码", "org_type": "组织类型",
	"credit_code": "统一社会信用代码", "legal_representative": "法定代表人", "contact_person": "联系人", "phone": "联系电话", "email": "电子邮箱",
	"address": "通信地址", "title": "信息名称", "doc_no": "文号", "description": "所需信息的描述", "form": "提供形式", "delivery": "获取方式", "id_copy": "身份证明复印件"}

// fieldView is one input of the form with its error.
type fieldView struct {
	Name, Label, Value, Hint, Err string
	Max                           int
}

// F describes a field for the form's input template.
func (p *formPage) F(name, label, value string, max int, hint string) fieldView {
	return fieldView{Name: name, Label: label, Value: value, Hint: hint, Err: p.Errors[name], Max: max}
}

// summaryLine is one entry of the error summary: the id of the input it
// leads to, the field's label and the message.
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
		out = append(out, summaryLine{"captcha-answer", captchaLabel, m})
	}
	return out
}

func (s *Feature) newFormPage(r *http.Request, title string) *formPage {
	return &formPage{Page: s.Page(r, title), Kinds: request.ApplicantKinds, OrgTypes: request.OrgTypes, IDTypes: request.IDTypes,
		Forms: request.Forms, Deliveries: request.Deliveries, MaxUpload: s.Opts.MaxUpload,
		Form: formValues{Kind: "natural_person", IDType: "id_card", Form: "electronic", Delivery: "online"}}
}

func (s *Feature) form(w http.ResponseWriter, r *http.Request) {
	p := s.newFormPage(r, "政府信息公开申请")
	p.Captcha = s.NewCaptcha(r, formRequest)
	s.Render(w, r, http.StatusOK, "public/request_form", p)
}

// formErrors maps the service's field names (applicant.name) to the form's (name).
func formErrors(err error) map[string]string {
	m := map[string]string{}
	for k, v := range errs.FieldsOf(err) {
		m[strings.TrimPrefix(k, "applicant.")] = v
	}
	return m
}

type donePage struct {
	web.Page
	TrackingNo, Code string
	Request          *request.Request
}

func (s *Feature) submit(w http.ResponseWriter, r *http.Request) {
	// Public forms: a rate limit per address and form, then the CAPTCHA
	// (the project's security rule; issue 9 "Privacy and abuse").
	if !s.LimitForm(w, r, formRequest) {
		return
	}
	limit := s.Opts.MaxUpload
	if limit <= 0 {
		limit = 10 << 20
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit+64<<10)
	p := s.newFormPage(r, "政府信息公开申请")
	if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		if err := r.ParseForm(); err != nil {
			p.Error = "提交的内容过大或无法读取，请减小身份证明复印件的大小后重试"
			s.Render(w, r, http.StatusRequestEntityTooLarge, "public/request_form", p)
			return
		}
	}
	p.Form = readFormValues(r)
	in := p.Form.input()
	// 查找已公开的信息: the form comes back with suggestions, as typed.
	if r.PostFormValue("op") == "suggest" {
		p.Captcha = s.NewCaptcha(r, formRequest)
		p.Suggested = true
		p.Suggestions = s.suggest(r.Context(), web.SiteOf(r).Site.ID, p.Form.Title+" "+p.Form.DocNo+" "+p.Form.Description)
		s.Render(w, r, http.StatusOK, "public/request_form", p)
		return
	}
	fail := func(err error) {
		p.Title = "错误：政府信息公开申请"
		p.Error, p.Errors = errs.MessageOf(err), formErrors(err)
		if p.Captcha == nil {
			p.Captcha = s.NewCaptcha(r, formRequest)
		}
		s.Render(w, r, web.StatusOf(err), "public/request_form", p)
	}
	check := in
	if err := check.Validate(false); err != nil {
		fail(err)
		return
	}
	// The answer is checked once the application is valid, so a visitor
	// correcting a field is not asked to solve a challenge twice for it.
	if c, err := s.CheckCaptcha(r, formRequest); err != nil {
		p.Captcha = c
		if err == web.ErrCaptchaRenewed {
			p.Errors = map[string]string{}
			s.Render(w, r, c.Status, "public/request_form", p)
			return
		}
		p.Title = "错误：政府信息公开申请"
		p.Error, p.Errors = errs.MessageOf(err), errs.FieldsOf(err)
		s.Render(w, r, c.Status, "public/request_form", p)
		return
	}
	if f, h, err := r.FormFile("id_copy"); err == nil {
		defer f.Close()
		if s.Blobs == nil {
			fail(errs.E(errs.Internal, "暂不能上传附件"))
			return
		}
		b, err := s.Blobs.Put(r.Context(), f, h.Filename, limit)
		if err != nil {
			fail(&errs.Error{Code: errs.Invalid, Message: errs.MessageOf(err), Fields: map[string]string{"id_copy": errs.MessageOf(err)}})
			return
		}
		in.IDCopy, in.IDCopyName = b.Key, h.Filename
	}
	req, code, err := s.Requests.Create(r.Context(), web.SiteOf(r).Site.ID, nil, in)
	if err != nil {
		fail(err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.Render(w, r, http.StatusCreated, "public/request_done", &donePage{Page: s.Page(r, "申请已提交"), TrackingNo: req.TrackingNo, Code: code, Request: req})
}

// suggest finds published items that may answer the request (the site search).
func (s *Feature) suggest(ctx context.Context, siteID int64, words string) []suggestion {
	words = strings.TrimSpace(words)
	if s.Search == nil || s.Search.Backend == nil || words == "" {
		return nil
	}
	if r := []rune(words); len(r) > 200 {
		words = string(r[:200])
	}
	res, err := s.Search.Search(ctx, &srch.Request{SiteID: siteID, Q: words, Limit: 5})
	if err != nil {
		return nil
	}
	var out []suggestion
	for _, h := range append(res.BestBets, res.Hits...) {
		out = append(out, suggestion{Title: h.Candidate.Title, URL: h.URL, DocNo: h.DocNo, PublishedOn: h.PublishedOn})
		if len(out) == 5 {
			break
		}
	}
	return out
}

type statusPage struct {
	web.Page
	No, Code  string
	Error     string
	Request   *request.Request
	Applicant request.Applicant
	Today     calendar.Date
	Steps     []statusStep
	Reply     *request.Event
	Decision  request.Decision
	Due       calendar.Date
	Explain   calendar.Explanation
}

// StatusLabels are the statuses' Chinese names.
func (p *statusPage) StatusLabels() map[string]string { return request.StatusLabels }

type statusStep struct {
	On, Label, Basis, Note string
	// Seq and Letter: the step's notice letter (告知书), when it has one
	// the applicant can download.
	Seq    int
	Letter string
}

func (s *Feature) statusForm(w http.ResponseWriter, r *http.Request) {
	s.Render(w, r, http.StatusOK, "public/request_status", &statusPage{Page: s.Page(r, "申请办理进度查询")})
}

func (s *Feature) status(w http.ResponseWriter, r *http.Request) {
	// Guessing query codes is bounded by the rate limit (the code is
	// random and only its keyed hash is stored).
	if !s.LimitForm(w, r, formStatus) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	p := &statusPage{Page: s.Page(r, "申请办理进度查询")}
	if err := r.ParseForm(); err != nil {
		p.Error = "请求无效"
		s.Render(w, r, http.StatusBadRequest, "public/request_status", p)
		return
	}
	p.No, p.Code = strings.TrimSpace(r.PostFormValue("no")), strings.TrimSpace(r.PostFormValue("code"))
	if p.No == "" || p.Code == "" {
		p.Errors = map[string]string{}
		if p.No == "" {
			p.Errors["no"] = "请填写申请编号"
		}
		if p.Code == "" {
			p.Errors["code"] = "请填写查询码"
		}
		p.Error = "请填写申请编号和查询码"
		s.Render(w, r, http.StatusUnprocessableEntity, "public/request_status", p)
		return
	}
	req, err := s.Requests.ByTracking(r.Context(), web.SiteOf(r).Site.ID, p.No, p.Code)
	if err != nil {
		s.LogErr(r, err)
		p.Error = errs.MessageOf(err)
		s.Render(w, r, web.StatusOf(err), "public/request_status", p)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	today := s.today()
	p.Request, p.Applicant, p.Today, p.Due = req, req.Applicant.Masked(), today, req.State.DueOn(today)
	p.Explain = req.State.Explain(today)
	for i := range req.Events {
		ev := &req.Events[i]
		info, _ := request.InfoOf(ev.Type)
		if !info.Public {
			continue
		}
		st := statusStep{On: ev.On.String(), Label: info.Label, Basis: info.Basis, Seq: ev.Seq}
		if _, sent := req.State.Sent[ev.Seq]; sent && ToApplicant(ev.Type) {
			// Only a letter the office has reviewed and sent (letter_sent).
			if _, _, err := s.letterFor(r.Context(), web.SiteOf(r).Site, req, ev.Seq); err == nil {
				st.Letter = letterKinds[ev.Type]
			}
		}
		if ev.Type == request.EvCorrectionRequested {
			st.Note = ev.Note
		}
		if ev.Type == request.EvExtended {
			st.Note = "延长" + itoa(ev.Days) + "个工作日"
		}
		p.Steps = append(p.Steps, st)
		if ev.Type == request.EvReplied {
			p.Reply = ev
			p.Decision, _ = request.DecisionOf(ev.Decision, ev.Reason)
		}
	}
	s.Render(w, r, http.StatusOK, "public/request_status", p)
}

// suggestJSON serves GET /request/suggest?q=: published items that may
// answer what the applicant describes, for request.js. Anything unusable
// answers an empty list.
func (s *Feature) suggestJSON(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	type hit struct {
		Title string `json:"title"`
		URL   string `json:"url"`
	}
	out := []hit{}
	if n := len([]rune(q)); n >= 2 && n <= 200 {
		for _, sg := range s.suggest(r.Context(), web.SiteOf(r).Site.ID, q) {
			out = append(out, hit{Title: sg.Title, URL: sg.URL})
		}
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	web.WriteJSON(w, http.StatusOK, map[string]any{"q": q, "suggestions": out})
}

// statusFile serves a document of the reply to the applicant, who proves
// it with the tracking number and query code again (POST, never in a URL).
func (s *Feature) statusFile(w http.ResponseWriter, r *http.Request) {
	if !s.LimitForm(w, r, formStatus) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		s.statusFail(w, r, errs.E(errs.Invalid, "请求无效"))
		return
	}
	req, err := s.Requests.ByTracking(r.Context(), web.SiteOf(r).Site.ID, strings.TrimSpace(r.PostFormValue("no")), r.PostFormValue("code"))
	if err != nil {
		s.statusFail(w, r, err)
		return
	}
	seq, _ := strconv.Atoi(r.PostFormValue("seq"))
	for _, ev := range req.Events {
		if ev.Seq != seq || ev.Type != request.EvReplied || ev.File == "" {
			continue
		}
		f, err := s.Blobs.Open(ev.File)
		if err != nil {
			s.statusFail(w, r, err)
			return
		}
		defer f.Close()
		w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(ev.FileName))
		w.Header().Set("Cache-Control", "no-store")
		http.ServeContent(w, r, "", parseTime(ev.CreatedAt), f)
		return
	}
	s.statusFail(w, r, errs.E(errs.NotFound, "该答复没有附件"))
}

// statusLetter serves a step's notice letter (告知书) as PDF to the
// applicant, who proves it with the tracking number and query code again.
func (s *Feature) statusLetter(w http.ResponseWriter, r *http.Request) {
	if !s.LimitForm(w, r, formStatus) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		s.statusFail(w, r, errs.E(errs.Invalid, "请求无效"))
		return
	}
	site := web.SiteOf(r).Site
	req, err := s.Requests.ByTracking(r.Context(), site.ID, strings.TrimSpace(r.PostFormValue("no")), r.PostFormValue("code"))
	if err != nil {
		s.statusFail(w, r, err)
		return
	}
	seq, _ := strconv.Atoi(r.PostFormValue("seq"))
	if !slices.ContainsFunc(req.Events, func(ev request.Event) bool { return ev.Seq == seq && ToApplicant(ev.Type) }) {
		s.statusFail(w, r, errs.E(errs.NotFound, "该办理步骤没有告知书"))
		return
	}
	if _, sent := req.State.Sent[seq]; !sent {
		s.statusFail(w, r, errs.E(errs.NotFound, "该告知书正在审核，尚未送出"))
		return
	}
	l, name, err := s.letterFor(r.Context(), site, req, seq)
	if err == nil && r.PostFormValue("format") == "html" {
		// The letter as a page: accessible, printable, the PDF one click away.
		var h template.HTML
		if h, err = letter.HTML(l); err == nil {
			w.Header().Set("Cache-Control", "no-store")
			ev, _ := letterStep(req, seq)
			s.Render(w, r, http.StatusOK, "public/request_letter", &statusLetterPage{Page: s.Page(r, letterKinds[ev.Type]),
				No: req.TrackingNo, Code: r.PostFormValue("code"), Seq: seq, Name: letterKinds[ev.Type], HTML: h})
			return
		}
	}
	if err == nil {
		err = writeLetter(w, l, name)
	}
	if err != nil {
		s.statusFail(w, r, err)
	}
}

// statusLetterPage is a letter on the applicant's side.
type statusLetterPage struct {
	web.Page
	No, Code, Name string
	Seq            int
	HTML           template.HTML
}

func (s *Feature) statusFail(w http.ResponseWriter, r *http.Request, err error) {
	s.LogErr(r, err)
	p := &statusPage{Page: s.Page(r, "申请办理进度查询"), Error: errs.MessageOf(err)}
	s.Render(w, r, web.StatusOf(err), "public/request_status", p)
}
