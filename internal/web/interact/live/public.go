package live

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"gongkai/internal/captcha"
	"gongkai/internal/errs"
	"gongkai/internal/interact/live"
	"gongkai/internal/web"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// summaryLine is one entry of a form's error summary.
type summaryLine struct{ ID, Label, Message string }

// errorList orders a form's errors for its summary, the CAPTCHA last.
func errorList(errors map[string]string, order []string, labels map[string]string) []summaryLine {
	var out []summaryLine
	for _, f := range order {
		if m, ok := errors[f]; ok {
			out = append(out, summaryLine{"f-" + f, labels[f], m})
		}
	}
	if m, ok := errors[captcha.FieldAnswer]; ok {
		out = append(out, summaryLine{"captcha-answer", "验证码", m})
	}
	return out
}

type interviewsPage struct {
	web.Page
	Current, Archive []*live.Interview
	// Pager is the archive's (the current ones are few, and all shown).
	Pager *web.Pager
}

func (s *Feature) interviews(w http.ResponseWriter, r *http.Request) {
	s.Cached(w, r, func() (string, web.Cacheable, error) {
		if err := s.service(); err != nil {
			return "", nil, err
		}
		p := &interviewsPage{Page: s.Page(r, "在线访谈")}
		page := web.PageNumber(r, 100000)
		if page == 1 {
			var err error
			if p.Current, _, err = s.Live.Interviews(r.Context(), p.Site.ID, live.InterviewFilter{Statuses: []string{live.Announced, live.Live}, Per: 200}); err != nil {
				return "", nil, err
			}
		}
		past, total, err := s.Live.Interviews(r.Context(), p.Site.ID, live.InterviewFilter{Statuses: []string{live.Closed, live.Archived}, Page: page, Per: interviewsPer})
		if err != nil {
			return "", nil, err
		}
		p.Archive, p.Pager = past, web.NewPager(page, total, interviewsPer)
		return "public/interviews", p, nil
	})
}

type questionForm struct{ Asker, Contact, Body string }

type interviewPage struct {
	web.Page
	Interview *live.Interview
	Questions []*live.Question
	// Pager pages the questions (in the order sent); live answers are
	// appended on the last page only (Last).
	Pager   *web.Pager
	Form    questionForm
	Captcha *web.CaptchaField
	Error   string
	Sent    bool
}

var questionFields = []string{"asker", "contact", "body"}
var questionLabels = map[string]string{"asker": "显示的称呼", "contact": "联系方式", "body": "问题"}

// ErrorList is the form's error summary.
func (p *interviewPage) ErrorList() []summaryLine {
	return errorList(p.Errors, questionFields, questionLabels)
}

// Err returns a field's message.
func (p *interviewPage) Err(name string) string { return p.Errors[name] }

func (s *Feature) loadInterview(r *http.Request) (*live.Interview, error) {
	if err := s.service(); err != nil {
		return nil, err
	}
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.Live.Interview(r.Context(), s.siteID(r), id)
}

func (s *Feature) interviewPage(r *http.Request, iv *live.Interview) (*interviewPage, error) {
	p := &interviewPage{Page: s.Page(r, iv.Title), Interview: iv}
	page := web.PageNumber(r, 100000)
	qs, total, err := s.Live.QuestionPage(r.Context(), iv.ID, live.QuestionFilter{Public: true, Page: page, Per: questionsPer})
	p.Questions, p.Pager = qs, web.NewPager(page, total, questionsPer)
	return p, err
}

// Last reports whether the page shows the last questions (where new ones
// arrive).
func (p *interviewPage) Last() bool {
	return p.Pager == nil || p.Pager.Page >= p.Pager.Pages
}

// interview is an interview's page. While questions may be sent the page
// carries a fresh CAPTCHA and the live questions, so it is rendered for
// each visitor; afterwards it is the cached archive page.
func (s *Feature) interview(w http.ResponseWriter, r *http.Request) {
	iv, err := s.loadInterview(r)
	if err != nil || !iv.Open() {
		s.Cached(w, r, func() (string, web.Cacheable, error) {
			if err != nil {
				return "", nil, err
			}
			p, err := s.interviewPage(r, iv)
			return "public/interview", p, err
		})
		return
	}
	p, err := s.interviewPage(r, iv)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	p.Captcha = s.NewCaptcha(r, formQuestion)
	s.Render(w, r, http.StatusOK, "public/interview", p)
}

func (s *Feature) ask(w http.ResponseWriter, r *http.Request) {
	if !s.LimitForm(w, r, formQuestion) {
		return
	}
	iv, err := s.loadInterview(r)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	p, err := s.interviewPage(r, iv)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	g := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	p.Form = questionForm{Asker: g("asker"), Contact: g("contact"), Body: g("body")}
	in := live.QuestionInput{Asker: p.Form.Asker, Contact: p.Form.Contact, Body: p.Form.Body}
	fail := func(err error, status int) {
		p.Title = "错误：" + iv.Title
		p.Error, p.Errors = errs.MessageOf(err), errs.FieldsOf(err)
		if p.Captcha == nil {
			p.Captcha = s.NewCaptcha(r, formQuestion)
		}
		s.Render(w, r, status, "public/interview", p)
	}
	if !iv.Open() {
		fail(errs.E(errs.Conflict, "本次访谈已结束，不再接收提问"), http.StatusConflict)
		return
	}
	if err := in.Validate(); err != nil {
		fail(err, web.StatusOf(err))
		return
	}
	if c, err := s.CheckCaptcha(r, formQuestion); err != nil {
		p.Captcha = c
		if err == web.ErrCaptchaRenewed {
			s.Render(w, r, c.Status, "public/interview", p)
			return
		}
		fail(err, c.Status)
		return
	}
	if _, err := s.Live.Ask(r.Context(), s.siteID(r), iv.ID, in); err != nil {
		fail(err, web.StatusOf(err))
		return
	}
	p.Sent, p.Form = true, questionForm{}
	p.Captcha = s.NewCaptcha(r, formQuestion)
	s.Render(w, r, http.StatusCreated, "public/interview", p)
}

// captions serves a video's WebVTT captions (the <track> of the player).
func (s *Feature) captions(w http.ResponseWriter, r *http.Request) {
	iv, err := s.loadInterview(r)
	if err == nil && iv.VideoCaptions == "" {
		err = errs.E(errs.NotFound, "这次访谈的视频没有字幕文件")
	}
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/vtt; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	io.WriteString(w, iv.VideoCaptions)
}

// image serves an interview's photo from the blob store.
func (s *Feature) image(w http.ResponseWriter, r *http.Request) {
	iv, err := s.loadInterview(r)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	imgID, err := web.PathID(r, "image")
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	im, err := s.Live.ImageOf(r.Context(), s.siteID(r), iv.ID, imgID)
	if err == nil && s.Blobs == nil {
		err = errNoService
	}
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	f, err := s.Blobs.Open(im.BlobKey)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", im.MIME)
	w.Header().Set("Cache-Control", "public, max-age=86400")
	io.Copy(w, f)
}

type eventsPage struct {
	web.Page
	Upcoming, Past []*live.Event
}

// events is the cached list of events; it shows each capacity, not the
// places left (which change with every sign-up: the event's own page,
// rendered per visitor while sign-up is open, shows them).
func (s *Feature) events(w http.ResponseWriter, r *http.Request) {
	s.Cached(w, r, func() (string, web.Cacheable, error) {
		if err := s.service(); err != nil {
			return "", nil, err
		}
		p := &eventsPage{Page: s.Page(r, "开放日与问政活动")}
		all, err := s.Live.Events(r.Context(), p.Site.ID)
		if err != nil {
			return "", nil, err
		}
		for _, e := range all {
			if e.Upcoming(p.Today) {
				p.Upcoming = append(p.Upcoming, e)
			} else {
				p.Past = append(p.Past, e)
			}
		}
		return "public/events", p, nil
	})
}

type signupForm struct{ Name, Phone, Note string }

type eventPage struct {
	web.Page
	Event   *live.Event
	Open    bool
	Form    signupForm
	Captcha *web.CaptchaField
	Error   string
	Done    *live.Signup
}

var signupFields = []string{"name", "phone", "note"}
var signupLabels = map[string]string{"name": "姓名", "phone": "联系电话", "note": "备注"}

// ErrorList is the form's error summary.
func (p *eventPage) ErrorList() []summaryLine { return errorList(p.Errors, signupFields, signupLabels) }

// Err returns a field's message.
func (p *eventPage) Err(name string) string { return p.Errors[name] }

func (s *Feature) loadEvent(r *http.Request) (*live.Event, error) {
	if err := s.service(); err != nil {
		return nil, err
	}
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.Live.Event(r.Context(), s.siteID(r), id)
}

// event is an event's page: rendered per visitor while sign-up is open
// (the form's CAPTCHA, the places left), cached otherwise.
func (s *Feature) event(w http.ResponseWriter, r *http.Request) {
	e, err := s.loadEvent(r)
	today := s.Today().String()
	if err != nil || !e.SignupOpen(today) {
		s.Cached(w, r, func() (string, web.Cacheable, error) {
			if err != nil {
				return "", nil, err
			}
			return "public/event", &eventPage{Page: s.Page(r, e.Title), Event: e}, nil
		})
		return
	}
	p := &eventPage{Page: s.Page(r, e.Title), Event: e, Open: true, Captcha: s.NewCaptcha(r, formSignup)}
	s.Render(w, r, http.StatusOK, "public/event", p)
}

func (s *Feature) signUp(w http.ResponseWriter, r *http.Request) {
	if !s.LimitForm(w, r, formSignup) {
		return
	}
	e, err := s.loadEvent(r)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	p := &eventPage{Page: s.Page(r, e.Title), Event: e, Open: e.SignupOpen(s.Today().String())}
	g := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	p.Form = signupForm{Name: g("name"), Phone: g("phone"), Note: g("note")}
	in := live.SignupInput{Name: p.Form.Name, Phone: p.Form.Phone, Note: p.Form.Note}
	fail := func(err error, status int) {
		p.Title = "错误：" + e.Title
		p.Error, p.Errors = errs.MessageOf(err), errs.FieldsOf(err)
		if p.Captcha == nil && p.Open {
			p.Captcha = s.NewCaptcha(r, formSignup)
		}
		s.Render(w, r, status, "public/event", p)
	}
	if err := in.Validate(); err != nil {
		fail(err, web.StatusOf(err))
		return
	}
	if c, err := s.CheckCaptcha(r, formSignup); err != nil {
		p.Captcha = c
		if err == web.ErrCaptchaRenewed {
			s.Render(w, r, c.Status, "public/event", p)
			return
		}
		fail(err, c.Status)
		return
	}
	g2, err := s.Live.SignUp(r.Context(), s.siteID(r), e.ID, in)
	if err != nil {
		if e2, err2 := s.Live.Event(r.Context(), s.siteID(r), e.ID); err2 == nil {
			p.Event, p.Open = e2, e2.SignupOpen(s.Today().String())
		}
		fail(err, web.StatusOf(err))
		return
	}
	p.Done, p.Form, p.Open = g2, signupForm{}, false
	if e2, err := s.Live.Event(r.Context(), s.siteID(r), e.ID); err == nil {
		p.Event = e2
	}
	w.Header().Set("Cache-Control", "no-store")
	s.Render(w, r, http.StatusCreated, "public/event", p)
}

type accountsPage struct {
	web.Page
	Accounts []*live.Account
}

func (s *Feature) accounts(w http.ResponseWriter, r *http.Request) {
	s.Cached(w, r, func() (string, web.Cacheable, error) {
		if err := s.service(); err != nil {
			return "", nil, err
		}
		p := &accountsPage{Page: s.Page(r, "政务新媒体")}
		var err error
		p.Accounts, err = s.Live.Accounts(r.Context(), p.Site.ID, true)
		return "public/newmedia", p, err
	})
}

// qr serves an account's QR code, drawn here from its link (no third-party
// service sees the visitors).
func (s *Feature) qr(w http.ResponseWriter, r *http.Request) {
	if err := s.service(); err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	id, err := web.PathID(r, "id")
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	a, err := s.Live.Account(r.Context(), s.siteID(r), id)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	svg, err := live.QRSVG(a.URL, a.Name+"（"+a.PlatformLabel()+"）的二维码，链接："+a.URL)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.Write(svg)
}

// Start is the number of the page's first question.
func (p *interviewPage) Start() int { return (p.Pager.Page-1)*questionsPer + 1 }
