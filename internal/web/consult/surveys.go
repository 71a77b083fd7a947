package consult

import (
	"bytes"
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"

	"gongkai/internal/captcha"
	"gongkai/internal/consult"
	"gongkai/internal/errs"
	"gongkai/internal/web"
)

// formSurvey names the survey form (CAPTCHA, rate limits).
const formSurvey = "survey-answer"

type surveysPage struct {
	web.Page
	Surveys []*consult.Survey
}

func (s *Feature) surveys(w http.ResponseWriter, r *http.Request) {
	if s.Consult == nil {
		s.ErrorPage(w, r, errNoService)
		return
	}
	sv, err := s.Consult.Surveys(r.Context(), web.SiteOf(r).Site.ID)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "public/surveys", &surveysPage{Page: s.Page(r, "网上调查"), Surveys: sv})
}

type surveyPage struct {
	web.Page
	S       *consult.Survey
	Total   int
	Results []consult.Result
	Chosen  map[string]bool // "q1-2": question 1, option 2
	Texts   map[int]string
	Contact string
	Error   string
	Captcha *web.CaptchaField
	Done    bool
}

// Checked reports whether option o of question q was chosen (the form kept).
func (p *surveyPage) Checked(q, o int) bool { return p.Chosen[fmt.Sprintf("q%d-%d", q, o)] }

// Text is the kept free text of question q.
func (p *surveyPage) Text(q int) string { return p.Texts[q] }

// Err is the message of a field.
func (p *surveyPage) Err(name string) string { return p.Errors[name] }

// QErr is the message of question q.
func (p *surveyPage) QErr(q int) string { return p.Errors[fmt.Sprintf("q%d", q)] }

// ErrorList is the error summary, each linking to its field.
func (p *surveyPage) ErrorList() [][2]string {
	var out [][2]string
	for _, q := range p.S.Questions {
		if m := p.QErr(q.Seq); m != "" {
			out = append(out, [2]string{fmt.Sprintf("q%d", q.Seq), m})
		}
	}
	if m := p.Err("contact"); m != "" {
		out = append(out, [2]string{"s-contact", m})
	}
	if m := p.Err(captcha.FieldAnswer); m != "" {
		out = append(out, [2]string{"captcha-answer", m})
	}
	return out
}

// Percent is count as a share of the answers.
func (p *surveyPage) Percent(n int) string {
	if p.Total == 0 {
		return "0%"
	}
	return fmt.Sprintf("%.0f%%", float64(n)*100/float64(p.Total))
}

func (s *Feature) loadSurvey(r *http.Request) (*consult.Survey, error) {
	if s.Consult == nil {
		return nil, errNoService
	}
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, consult.ErrNotFound
	}
	return s.Consult.Survey(r.Context(), web.SiteOf(r).Site.ID, id)
}

func (s *Feature) surveyData(r *http.Request, sv *consult.Survey) (*surveyPage, error) {
	p := &surveyPage{Page: s.Page(r, sv.Title), S: sv, Chosen: map[string]bool{}, Texts: map[int]string{}}
	if sv.State == consult.StateClosed {
		var err error
		if p.Total, p.Results, err = s.Consult.Results(r.Context(), sv); err != nil {
			return nil, err
		}
	}
	if sv.State == consult.StateOpen {
		p.Captcha = s.NewCaptcha(r, formSurvey)
	}
	return p, nil
}

func (s *Feature) survey(w http.ResponseWriter, r *http.Request) {
	sv, err := s.loadSurvey(r)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	p, err := s.surveyData(r, sv)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.Render(w, r, http.StatusOK, "public/survey", p)
}

// answerOf reads the form: q{N} holds option numbers or the free text.
func answerOf(sv *consult.Survey, r *http.Request, p *surveyPage) (consult.Answer, error) {
	a := consult.Answer{Choices: map[int][]int{}, Texts: map[int]string{}}
	_ = r.ParseForm()
	for _, q := range sv.Questions {
		name := fmt.Sprintf("q%d", q.Seq)
		if q.Kind == consult.QText {
			a.Texts[q.Seq] = r.PostFormValue(name)
			p.Texts[q.Seq] = a.Texts[q.Seq]
			continue
		}
		for _, v := range r.PostForm[name] {
			n, err := strconv.Atoi(v)
			if err != nil {
				return a, &errs.Error{Code: errs.Invalid, Message: "选项无效", Fields: map[string]string{name: "选项无效"}}
			}
			a.Choices[q.Seq] = append(a.Choices[q.Seq], n)
			p.Chosen[fmt.Sprintf("q%d-%d", q.Seq, n)] = true
		}
	}
	return a, nil
}

func (s *Feature) answer(w http.ResponseWriter, r *http.Request) {
	if !s.LimitForm(w, r, formSurvey) {
		return
	}
	sv, err := s.loadSurvey(r)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	p, err := s.surveyData(r, sv)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	fail := func(err error, status int) {
		p.Title = "错误：" + sv.Title
		p.Error, p.Errors = errs.MessageOf(err), errs.FieldsOf(err)
		s.Render(w, r, status, "public/survey", p)
	}
	a, err := answerOf(sv, r, p)
	p.Contact = r.PostFormValue("contact")
	if err != nil {
		fail(err, http.StatusUnprocessableEntity)
		return
	}
	if sv.State != consult.StateOpen {
		fail(errs.E(errs.Conflict, "该调查%s", sv.StateLabel()), http.StatusConflict)
		return
	}
	// The answers first, the CAPTCHA after: bad input gets its messages
	// with what was typed kept, and the CAPTCHA shown stays unspent.
	check := a
	if err := consult.CheckAnswer(sv, p.Contact, &check); err != nil {
		fail(err, web.StatusOf(err))
		return
	}
	if cf, err := s.CheckCaptcha(r, formSurvey); err != nil {
		p.Captcha = cf
		if err == web.ErrCaptchaRenewed {
			p.Errors = map[string]string{}
			s.Render(w, r, cf.Status, "public/survey", p)
			return
		}
		fail(err, cf.Status)
		return
	}
	if err := s.Consult.Respond(r.Context(), sv.SiteID, sv.ID, p.Contact, a); err != nil {
		p.Captcha = s.NewCaptcha(r, formSurvey)
		fail(err, web.StatusOf(err))
		return
	}
	p.Done, p.Captcha = true, nil
	s.Render(w, r, http.StatusCreated, "public/survey", p)
}

// resultSVG draws one question's results as a horizontal bar chart on the
// server (no script, no third-party library); the page puts the same
// figures in a table beside it for screen readers.
func (s *Feature) resultSVG(w http.ResponseWriter, r *http.Request) {
	sv, err := s.loadSurvey(r)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	if sv.State != consult.StateClosed {
		s.ErrorPage(w, r, errs.E(errs.NotFound, "调查结束后公布结果"))
		return
	}
	q, _ := strconv.Atoi(r.PathValue("q"))
	total, res, err := s.Consult.Results(r.Context(), sv)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	if q < 1 || q > len(res) || res[q-1].Kind == consult.QText {
		s.ErrorPage(w, r, errs.E(errs.NotFound, "没有这道选择题"))
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(BarChart(res[q-1], total))
}

// BarChart is an SVG bar chart of one question's counts.
func BarChart(res consult.Result, total int) []byte {
	const width, label, bar, row = 640, 220, 340, 32
	h := row*len(res.Options) + 16
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`, width, h, width, h, html.EscapeString(res.Text))
	fmt.Fprintf(&b, `<title>%s</title>`, html.EscapeString(res.Text))
	maxN := 1
	for _, n := range res.Counts {
		maxN = max(maxN, n)
	}
	for i, opt := range res.Options {
		n := res.Counts[i]
		y := 8 + i*row
		wd := bar * n / maxN
		pct := 0.0
		if total > 0 {
			pct = float64(n) * 100 / float64(total)
		}
		lbl := []rune(opt)
		if len(lbl) > 14 {
			lbl = append(lbl[:13], '…')
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="14" text-anchor="end" fill="#1a1a1a">%s</text>`, label-8, y+18, html.EscapeString(string(lbl)))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="22" fill="#1d5b9e"/>`, label, y+2, max(wd, 1))
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="14" fill="#1a1a1a">%d（%s）</text>`, label+max(wd, 1)+6, y+18, n, strings.TrimSuffix(fmt.Sprintf("%.1f", pct), ".0")+"%")
	}
	b.WriteString(`</svg>`)
	return b.Bytes()
}

type adminSurveysPage struct {
	web.AdminPage
	Surveys []*consult.Survey
}

func (s *Feature) adminSurveys(w http.ResponseWriter, r *http.Request) {
	s.renderAdminSurveys(w, r, http.StatusOK, nil)
}

func (s *Feature) renderAdminSurveys(w http.ResponseWriter, r *http.Request, status int, fail error) {
	if s.Consult == nil {
		s.AdminError(w, r, errNoService)
		return
	}
	sv, err := s.Consult.Surveys(r.Context(), web.SiteOf(r).Site.ID)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p := &adminSurveysPage{AdminPage: s.AdminPage(r, "网上调查"), Surveys: sv}
	if fail != nil {
		p.Fail(fail)
	}
	s.Render(w, r, status, "admin/surveys", p)
}

// parseQuestions reads the questions textarea: one per line,
// "单选|题目|选项1|选项2…", "多选|…" or "填空|题目".
func parseQuestions(text string) []consult.Question {
	kinds := map[string]string{"单选": consult.QSingle, "多选": consult.QMultiple, "填空": consult.QText}
	var out []consult.Question
	for _, l := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		parts := strings.Split(strings.TrimSpace(l), "|")
		if len(parts) < 2 {
			continue
		}
		q := consult.Question{Kind: kinds[strings.TrimSpace(parts[0])], Text: parts[1]}
		if q.Kind == "" {
			q.Kind = strings.TrimSpace(parts[0])
		}
		q.Options = parts[2:]
		out = append(out, q)
	}
	return out
}

func (s *Feature) adminSurveyCreate(w http.ResponseWriter, r *http.Request) {
	g := func(k string) string { return r.PostFormValue(k) }
	_, err := s.Consult.CreateSurvey(r.Context(), web.StaffOf(r).User, web.SiteOf(r).Site.ID,
		consult.SurveyInput{Title: g("title"), Intro: g("intro"), OpensOn: g("opens_on"), ClosesOn: g("closes_on"), Questions: parseQuestions(g("questions"))})
	if err != nil {
		s.renderAdminSurveys(w, r, web.StatusOf(err), err)
		return
	}
	http.Redirect(w, r, "/admin/surveys?done=survey_saved", http.StatusSeeOther)
}

// --- API ---

type apiSurveyInput struct {
	Title     string             `json:"title"`
	Intro     string             `json:"intro"`
	OpensOn   string             `json:"opens_on"`
	ClosesOn  string             `json:"closes_on"`
	Questions []consult.Question `json:"questions"`
}

type apiSurveys struct {
	Surveys []*consult.Survey `json:"surveys"`
}

type apiSurveyResults struct {
	Survey  *consult.Survey  `json:"survey"`
	Answers int              `json:"answers"`
	Results []consult.Result `json:"results"`
}

type apiSurveyAnswerInput struct {
	Contact       string            `json:"contact"`
	Choices       map[string][]int  `json:"choices"`
	Texts         map[string]string `json:"texts"`
	CaptchaToken  string            `json:"captcha_token"`
	CaptchaAnswer string            `json:"captcha_answer"`
}

type apiSurveyReceipt struct {
	Status string `json:"status"`
}

func (s *Feature) apiSurveys(w http.ResponseWriter, r *http.Request) {
	if s.Consult == nil {
		s.APIError(w, r, errNoService)
		return
	}
	sv, err := s.Consult.Surveys(r.Context(), web.SiteOf(r).Site.ID)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	if sv == nil {
		sv = []*consult.Survey{}
	}
	web.WriteJSON(w, http.StatusOK, apiSurveys{Surveys: sv})
}

func (s *Feature) apiSurveyCreate(w http.ResponseWriter, r *http.Request) {
	u := s.staff(w, r)
	if u == nil {
		return
	}
	var in apiSurveyInput
	if err := web.DecodeJSON(w, r, &in, 256<<10); err != nil {
		s.APIError(w, r, err)
		return
	}
	sv, err := s.Consult.CreateSurvey(r.Context(), u, web.SiteOf(r).Site.ID, consult.SurveyInput{Title: in.Title, Intro: in.Intro, OpensOn: in.OpensOn, ClosesOn: in.ClosesOn, Questions: in.Questions})
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusCreated, sv)
}

// apiSurveyResults: the results once the survey has closed.
func (s *Feature) apiSurveyResults(w http.ResponseWriter, r *http.Request) {
	sv, err := s.loadSurvey(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	if sv.State != consult.StateClosed {
		s.APIError(w, r, errs.E(errs.NotFound, "调查结束（%s）后公布结果", sv.ClosesOn))
		return
	}
	total, res, err := s.Consult.Results(r.Context(), sv)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, apiSurveyResults{Survey: sv, Answers: total, Results: res})
}

func (s *Feature) apiSurveyAnswer(w http.ResponseWriter, r *http.Request) {
	if !s.LimitForm(w, r, formSurvey) {
		return
	}
	sv, err := s.loadSurvey(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	var in apiSurveyAnswerInput
	if err := web.DecodeJSON(w, r, &in, 64<<10); err != nil {
		s.APIError(w, r, err)
		return
	}
	a := consult.Answer{Choices: map[int][]int{}, Texts: map[int]string{}}
	for k, v := range in.Choices {
		n, err := strconv.Atoi(k)
		if err != nil {
			s.APIError(w, r, &errs.Error{Code: errs.Invalid, Message: "题号无效：" + k, Fields: map[string]string{"choices": "键应为题号"}})
			return
		}
		a.Choices[n] = v
	}
	for k, v := range in.Texts {
		n, err := strconv.Atoi(k)
		if err != nil {
			s.APIError(w, r, &errs.Error{Code: errs.Invalid, Message: "题号无效：" + k, Fields: map[string]string{"texts": "键应为题号"}})
			return
		}
		a.Texts[n] = v
	}
	if sv.State != consult.StateOpen {
		s.APIError(w, r, errs.E(errs.Conflict, "该调查%s", sv.StateLabel()))
		return
	}
	if err := s.Captcha.Verify(r.Context(), formSurvey, in.CaptchaToken, in.CaptchaAnswer); err != nil {
		s.APIError(w, r, err)
		return
	}
	if err := s.Consult.Respond(r.Context(), sv.SiteID, sv.ID, in.Contact, a); err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusCreated, apiSurveyReceipt{Status: "received"})
}
