package web

// The public forms' protection (issue 9 "Privacy and abuse", issues 10
// and 11): the CAPTCHA of internal/captcha in a template partial, and
// per-address and per-form rate limits on their posts.
//
// A feature's form page:
//
//	p.Captcha = s.NewCaptcha(r, "message")                   // GET handler
//	{{template "captcha" .Captcha}}                          // in the <form>, before its submit button
//	if !s.LimitForm(w, r, "message") { return }              // POST handler, first: 429 written
//	if c, err := s.CheckCaptcha(r, "message"); err != nil {   // then, before any write
//		p.Captcha = c; s.Render(w, r, c.Status, "public/message_form", p); return }
//
// CheckCaptcha also serves the partial's own buttons — 换一张 (a new image)
// and 改用文字问题 / 改用图片 (switch kind): they submit the form to the
// feature's handler, which shows the form again with what was typed and a
// fresh challenge (c.Status 200). So a visitor never loses the form to the
// CAPTCHA, with or without JavaScript (WCAG 2.2.1: the expiry is stated
// and a new challenge can be had at any time).

import (
	"errors"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"gongkai/internal/calendar"
	"gongkai/internal/captcha"
	"gongkai/internal/errs"
	"gongkai/internal/secure"
)

// CaptchaField is what the "captcha" partial shows: put one in the page
// data and pass it to {{template "captcha" .Captcha}}.
type CaptchaField struct {
	Form  string
	Token string
	// Question is the text question of a Question challenge; "" shows
	// the image.
	Question string
	ImageURL string
	// Minutes and Until (Beijing time, 15:04) state how long it may be
	// answered.
	Minutes int
	Until   string
	// Error is the message on the answer field; Notice announces a new
	// challenge the visitor asked for (both move the focus to the answer).
	Error  string
	Notice string
	// Status is the HTTP status of the page shown again: 422 after a
	// wrong answer, 200 after a button of the partial, 500 on failure.
	Status int
}

// ErrCaptchaRenewed is CheckCaptcha's answer to the partial's own buttons
// (a new challenge, or the other kind): nothing is wrong, the form is
// shown again with a fresh challenge.
var ErrCaptchaRenewed = &errs.Error{Code: errs.Invalid, Message: "已更换验证码，请输入新的验证码后再提交",
	Fields: map[string]string{captcha.FieldAnswer: "已更换验证码，请输入新的验证码"}}

// formNameRE is what a form's name may be (it appears in the image URL).
var formNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)

// Form field and values of the partial's buttons.
const (
	captchaOp         = "captcha_op"
	captchaOpNew      = "new"
	captchaOpQuestion = "question"
	captchaOpImage    = "image"
)

// NewCaptcha returns a fresh image challenge for form, for its form page.
func (s *Server) NewCaptcha(r *http.Request, form string) *CaptchaField {
	return s.captchaField(form, captcha.Image)
}

func (s *Server) captchaField(form string, kind captcha.Kind) *CaptchaField {
	if !formNameRE.MatchString(form) {
		panic("web: captcha form name " + strconv.Quote(form) + " must match " + formNameRE.String())
	}
	return s.fieldOf(form, s.Captcha.New(form, kind))
}

// fieldOf is the partial's data for challenge c of form.
func (s *Server) fieldOf(form string, c captcha.Challenge) *CaptchaField {
	now := time.Now()
	if s.Captcha.Now != nil {
		now = s.Captcha.Now()
	}
	f := &CaptchaField{Form: form, Token: c.Token, Question: c.Prompt, Status: http.StatusOK,
		Minutes: max(int(math.Round(c.Expires.Sub(now).Minutes())), 0),
		Until:   c.Expires.In(calendar.Beijing).Format("15:04")}
	if c.Kind == captcha.Image {
		f.ImageURL = "/captcha/" + form + "/" + c.Token + ".png"
	}
	return f
}

// CheckCaptcha verifies the CAPTCHA of a post to form. nil: passed, go on.
// Otherwise do not act on the post: show the form again, with what was
// typed, and the returned field (a fresh challenge where one is needed,
// with its message) at field.Status. The error is errs.Invalid with the
// message on field captcha.FieldAnswer (for an error summary), or
// ErrCaptchaRenewed when the visitor asked for a new challenge; an
// Internal one when the database failed.
func (s *Server) CheckCaptcha(r *http.Request, form string) (*CaptchaField, error) {
	token := r.PostFormValue(captcha.FieldToken)
	current, known := s.Captcha.Peek(form, token)
	kind := captcha.Image
	if known {
		kind = current.Kind
	}
	switch r.PostFormValue(captchaOp) {
	case captchaOpNew:
		f := s.captchaField(form, kind)
		f.Notice = "已换一张新的验证码。"
		if kind == captcha.Question {
			f.Notice = "已换一道新的问题。"
		}
		return f, ErrCaptchaRenewed
	case captchaOpQuestion:
		f := s.captchaField(form, captcha.Question)
		f.Notice = "已改为文字问题，请在下方回答。"
		return f, ErrCaptchaRenewed
	case captchaOpImage:
		f := s.captchaField(form, captcha.Image)
		f.Notice = "已改为图片验证码。"
		return f, ErrCaptchaRenewed
	}
	err := s.Captcha.Verify(r.Context(), form, token, r.PostFormValue(captcha.FieldAnswer))
	if err == nil {
		return nil, nil
	}
	var f *CaptchaField
	if known && !captcha.Fresh(err) {
		// Nothing typed: the same challenge again.
		f = s.fieldOf(form, current)
	} else {
		f = s.captchaField(form, kind)
	}
	f.Status = StatusOf(err)
	f.Error = errs.MessageOf(err)
	if errs.CodeOf(err) == errs.Internal {
		s.LogErr(r, err)
	}
	return f, err
}

// captchaImage serves a challenge's image, never cached (a new token is
// a new URL anyway; no-store keeps it out of shared caches).
func (s *Server) captchaImage(w http.ResponseWriter, r *http.Request) {
	if !s.captchaFetch.Allow(s.ClientIP(r)) {
		w.Header().Set("Retry-After", "2")
		http.Error(w, "请求过于频繁，请稍后再试", http.StatusTooManyRequests)
		return
	}
	form := r.PathValue("form")
	token, ok := strings.CutSuffix(r.PathValue("token"), ".png")
	if !ok || !formNameRE.MatchString(form) {
		http.NotFound(w, r)
		return
	}
	b, err := s.Captcha.ImagePNG(form, token)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}

// captchaNew gives a fresh challenge as JSON: to captcha.js for the 换一张
// button without a page load, and to API clients of a public form, which
// send the token and answer in their body and whose handler calls
// s.Captcha.Verify: {"token","image","minutes","until"}, or with
// ?kind=question {"token","question","minutes","until"}.
func (s *Server) captchaNew(w http.ResponseWriter, r *http.Request) {
	if !s.captchaFetch.Allow(s.ClientIP(r)) {
		w.Header().Set("Retry-After", "2")
		WriteJSON(w, http.StatusTooManyRequests, apiErrorBody{apiError{Code: errs.TooMany, Message: "请求过于频繁，请稍后再试"}})
		return
	}
	form := r.PathValue("form")
	if !formNameRE.MatchString(form) {
		WriteJSON(w, http.StatusNotFound, apiErrorBody{apiError{Code: errs.NotFound, Message: "没有这个表单"}})
		return
	}
	kind := captcha.Image
	if r.URL.Query().Get("kind") == "question" {
		kind = captcha.Question
	}
	f := s.captchaField(form, kind)
	w.Header().Set("Cache-Control", "no-store")
	out := map[string]any{"token": f.Token, "minutes": f.Minutes, "until": f.Until}
	if kind == captcha.Question {
		out["question"] = f.Question
	} else {
		out["image"] = f.ImageURL
	}
	WriteJSON(w, http.StatusOK, out)
}

// --- rate limits ---

// Rate is an allowance: Burst events at once, then one every Every.
// Burst 0 means no limit.
type Rate struct {
	Burst int
	Every time.Duration
}

// ParseRate reads "BURST/EVERY" ("5/2m": five at once, then one every two
// minutes); "off" or "" is no limit.
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "off" || s == "0" {
		return Rate{}, nil
	}
	b, e, ok := strings.Cut(s, "/")
	burst, err := strconv.Atoi(b)
	if !ok || err != nil || burst < 1 {
		return Rate{}, errors.New("rate: want BURST/EVERY, e.g. 5/2m")
	}
	every, err := time.ParseDuration(e)
	if err != nil || every <= 0 {
		return Rate{}, errors.New("rate: want BURST/EVERY with a positive duration, e.g. 5/2m")
	}
	return Rate{Burst: burst, Every: every}, nil
}

// FormLimits are the rate limits of public form posts (LimitForm).
type FormLimits struct {
	// PerAddress counts the posts of one client address to one form.
	PerAddress Rate
	// PerForm counts every post to one form, from anywhere: a ceiling
	// against floods from many addresses. It can refuse honest visitors
	// while a flood lasts, so it is set high.
	PerForm Rate
}

// DefaultFormLimits: from one address, 5 posts of a form at once, then one
// every 2 minutes (several people of an office behind one NAT address can
// still file); for the whole form, 300 at once, then one a second.
var DefaultFormLimits = FormLimits{
	PerAddress: Rate{Burst: 5, Every: 2 * time.Minute},
	PerForm:    Rate{Burst: 300, Every: time.Second},
}

// formLimiters are the limiters of LimitForm, made at first use.
type formLimiters struct {
	once                sync.Once
	perAddress, perForm *secure.Limiter
}

func newRateLimiter(r Rate) *secure.Limiter {
	if r.Burst <= 0 {
		return nil
	}
	return secure.NewLimiter(rate.Every(r.Every), r.Burst, time.Hour)
}

// LimitForm counts a post to form against the limits and reports whether
// it may go on. When it may not, it has written the answer: 429 with
// Retry-After, as a page in Chinese, or as the API's JSON error for a path
// under /api/. Call it first in a public form's POST handler (also the
// API's), before the CAPTCHA.
func (s *Server) LimitForm(w http.ResponseWriter, r *http.Request, form string) bool {
	l := &s.formLimits
	l.once.Do(func() {
		lim := s.Opts.FormLimits
		if lim == (FormLimits{}) {
			lim = DefaultFormLimits
		}
		s.Opts.FormLimits = lim
		l.perAddress, l.perForm = newRateLimiter(lim.PerAddress), newRateLimiter(lim.PerForm)
	})
	wait := time.Duration(0)
	if l.perAddress != nil {
		back, ok := l.perAddress.Take(form + "\x00" + s.ClientIP(r))
		if !ok {
			wait = s.Opts.FormLimits.PerAddress.Every
		} else if l.perForm != nil && !l.perForm.Allow(form) {
			back()
			wait = s.Opts.FormLimits.PerForm.Every
		}
	} else if l.perForm != nil && !l.perForm.Allow(form) {
		wait = s.Opts.FormLimits.PerForm.Every
	}
	if wait == 0 {
		return true
	}
	// One event comes back after at most one interval.
	secs := int(math.Ceil(wait.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	err := errs.E(errs.TooMany, "提交过于频繁，请在 %s后再试。可以用浏览器的“后退”返回表单，已填写的内容通常仍在。", humanWait(wait))
	if isAPI(r) {
		s.APIError(w, r, errs.E(errs.TooMany, "提交过于频繁，请在 %d 秒后再试", secs))
		return false
	}
	s.ErrorPage(w, r, err)
	return false
}

// humanWait says a wait in Chinese ("2 分钟", "30 秒").
func humanWait(d time.Duration) string {
	if d >= time.Minute {
		return strconv.Itoa(int(math.Ceil(d.Minutes()))) + " 分钟"
	}
	return strconv.Itoa(int(math.Ceil(d.Seconds()))) + " 秒"
}
