// Package formtest is a test-only public form, 留言 at /guestbook, that
// uses the kit's CAPTCHA and rate limits exactly as a feature does (the
// lines of internal/web/captcha.go's comment). internal/web's tests mount
// it on the real kit, and so does the browser test's server
// (tests/browser/captchaserver). No application wiring imports it.
package formtest

import (
	"net/http"
	"sync"
	"testing/fstest"

	"gongkai/internal/errs"
	"gongkai/internal/web"
)

// Form is the name the guestbook's CAPTCHA and limits go by.
const Form = "guestbook"

// Guestbook is the feature; Saved lists the accepted posts' text.
type Guestbook struct {
	mu    sync.Mutex
	saved []string
}

// Saved returns the texts accepted so far.
func (g *Guestbook) Saved() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.saved...)
}

type page struct {
	web.Page
	Body    string
	Done    bool
	Captcha *web.CaptchaField
}

var templates = fstest.MapFS{
	"templates/public/guestbook.html": {Data: []byte(`{{define "content"}}<div class="doc">
<h1>留言（测试表单）</h1>
{{if .Done}}<p role="status">留言已提交。</p>{{end}}
{{with .Errors}}<div class="error-summary" role="alert" aria-labelledby="err-h"><h2 id="err-h">留言没有提交，请修改以下内容</h2><ul>{{range $k, $v := .}}<li><a href="#captcha-answer">{{$v}}</a></li>{{end}}</ul></div>{{end}}
<form method="post" action="/guestbook" novalidate>
<div class="field"><label for="body">留言内容</label>
<textarea id="body" name="body" rows="4">{{.Body}}</textarea></div>
{{template "captcha" .Captcha}}
<div class="actions"><button type="submit">提交留言</button></div>
</form></div>{{end}}`)},
}

// Mount registers GET and POST /guestbook and POST /api/v1/guestbook.
func (g *Guestbook) Mount(s *web.Server) error {
	if err := s.Templates("internal/web/formtest", templates); err != nil {
		return err
	}
	s.Public("GET /guestbook", func(w http.ResponseWriter, r *http.Request) {
		p := &page{Page: s.Page(r, "留言"), Done: r.URL.Query().Get("done") == "1"}
		p.Captcha = s.NewCaptcha(r, Form)
		s.Render(w, r, http.StatusOK, "public/guestbook", p)
	})
	s.Public("POST /guestbook", func(w http.ResponseWriter, r *http.Request) {
		if !s.LimitForm(w, r, Form) {
			return
		}
		p := &page{Page: s.Page(r, "留言"), Body: r.PostFormValue("body")}
		if c, err := s.CheckCaptcha(r, Form); err != nil {
			p.Captcha, p.Errors = c, errs.FieldsOf(err)
			s.Render(w, r, c.Status, "public/guestbook", p)
			return
		}
		g.mu.Lock()
		g.saved = append(g.saved, p.Body)
		g.mu.Unlock()
		http.Redirect(w, r, "/guestbook?done=1", http.StatusSeeOther)
	})
	s.API("POST /api/v1/guestbook", func(w http.ResponseWriter, r *http.Request) {
		if !s.LimitForm(w, r, Form) {
			return
		}
		web.WriteJSON(w, http.StatusCreated, map[string]string{"ok": "1"})
	})
	return nil
}
