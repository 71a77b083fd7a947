package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gongkai/internal/auth"
	"gongkai/internal/errs"
	"gongkai/internal/secure"
)

const sessionCookie = "gk_session"

// StaffOf returns the request's staff session (nil outside the back office).
func StaffOf(r *http.Request) *auth.Session {
	sess, _ := r.Context().Value(keySession).(*auth.Session)
	return sess
}

// SessionUser returns the staff user of the request's session cookie on any
// surface (nil for visitors), for pages that show staff more.
func (s *Server) SessionUser(r *http.Request) *auth.User {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	sess, err := s.Auth.SessionByID(r.Context(), c.Value)
	if err != nil || sess == nil || SiteOf(r) == nil || !sess.User.ServesSite(SiteOf(r).Site.ID) {
		return nil
	}
	return sess.User
}

// withStaff loads the session; without one, pages redirect to the login form.
// Every POST must carry the session's form token (on top of the
// cross-origin check in Handler).
func (s *Server) withStaff(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		var sess *auth.Session
		if err == nil {
			sess, err = s.Auth.SessionByID(r.Context(), c.Value)
		}
		if err != nil || sess == nil || !sess.User.ServesSite(SiteOf(r).Site.ID) {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/admin/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.ErrorPage(w, r, errs.E(errs.Unauthorized, "登录已过期，请重新登录"))
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, s.Opts.MaxUpload+1<<20)
			token := r.Header.Get("X-CSRF-Token")
			if token == "" {
				if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
					if err := r.ParseMultipartForm(8 << 20); err != nil {
						s.AdminError(w, r, errs.E(errs.Invalid, "上传内容过大或格式错误（单个文件不超过 %s）", HumanSize(s.Opts.MaxUpload)))
						return
					}
				}
				token = r.PostFormValue("csrf")
			}
			if subtle.ConstantTimeCompare([]byte(token), []byte(sess.CSRF)) != 1 {
				s.AdminError(w, r, errs.E(errs.Forbidden, "表单已过期或来源无效，请返回刷新页面后重试"))
				return
			}
		}
		w.Header().Set("Cache-Control", "no-store")
		h(w, r.WithContext(context.WithValue(r.Context(), keySession, sess)))
	}
}

// --- login ---

// loginPage is the staff login form.
type loginPage struct {
	AdminPage
	Name string
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	p := s.AdminPage(r, "工作人员登录")
	s.Render(w, r, http.StatusOK, "admin/login", &loginPage{AdminPage: p})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<16)
	name := strings.TrimSpace(r.PostFormValue("name"))
	p := &loginPage{AdminPage: s.AdminPage(r, "工作人员登录"), Name: name}
	ip := s.ClientIP(r)
	site := SiteOf(r).Site.ID
	giveBack, ok := s.loginAllowance(name, ip)
	if !ok {
		p.Error = "登录尝试过于频繁，请稍后再试"
		w.Header().Set("Retry-After", "60")
		s.Render(w, r, http.StatusTooManyRequests, "admin/login", p)
		return
	}
	u, err := s.Auth.Authenticate(r.Context(), name, r.PostFormValue("password"))
	if err == nil && !u.ServesSite(site) {
		err = auth.ErrBadLogin
	}
	if errors.Is(err, secure.ErrBusy) {
		// Not a wrong password: every hashing slot was taken.
		giveBack()
		p.Error = errs.MessageOf(err)
		w.Header().Set("Retry-After", "5")
		s.Render(w, r, http.StatusServiceUnavailable, "admin/login", p)
		return
	}
	if err != nil {
		s.LogErr(r, err)
		if errs.CodeOf(err) == errs.Unauthorized {
			if aerr := s.Auth.AuditLogin(r.Context(), site, name, nil); aerr != nil {
				s.LogErr(r, aerr)
			}
		}
		p.Error = errs.MessageOf(err)
		s.Render(w, r, StatusOf(err), "admin/login", p)
		return
	}
	// A right password does not use up anyone's allowance.
	giveBack()
	if err := s.Auth.AuditLogin(r.Context(), site, name, u); err != nil {
		s.AdminError(w, r, err)
		return
	}
	id, _, err := s.Auth.CreateSession(r.Context(), u)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, Secure: s.Opts.Secure, SameSite: http.SameSiteLaxMode,
		MaxAge: int(s.Auth.SessionTTL / time.Second)})
	http.Redirect(w, r, adminNext(r.URL.Query().Get("next")), http.StatusSeeOther)
}

// loginAllowance counts a login attempt of name from ip against the limits,
// before the password is checked (so that concurrent attempts cannot slip
// past them), and returns the function that gives the attempt back when the
// password was right: only failures use up an allowance.
//
// The limits are per (name, address) and per address, which stop guessing
// from one place, and per name across all addresses, which slows guessing
// from many. Once a name is over its limit, only addresses that have not
// failed for it (a full per-(name, address) allowance) may still try, so a
// stranger who hammers "admin" cannot lock the real administrator out; each
// new address the stranger brings gets one try before it is shut out too.
func (s *Server) loginAllowance(name, ip string) (giveBack func(), ok bool) {
	pair := name + "\x00" + ip
	clean := s.loginPairs.Full(pair)
	backIP, ok := s.loginIPs.Take(ip)
	if !ok {
		return nil, false
	}
	backPair, ok := s.loginPairs.Take(pair)
	if !ok {
		backIP()
		return nil, false
	}
	backName, ok := s.loginNames.Take(name)
	if !ok && !clean {
		backIP()
		backPair()
		return nil, false
	}
	return func() { backIP(); backPair(); backName() }, true
}

// adminNext is where a login returns to: next when it is a clean path of
// the back office on this site, else /admin. A path is clean when it has no
// backslash, control character or percent-encoded separator, and path.Clean
// leaves it unchanged, so that no browser or proxy can read it as another
// host ("/\evil.example", "//evil.example") or as a path outside /admin
// ("/admin/../x").
func adminNext(next string) string {
	const home = "/admin"
	if next == "" || len(next) > 2000 || strings.ContainsAny(next, "\\") {
		return home
	}
	for _, c := range next {
		// Controls, spaces, line separators and invisible format
		// characters (bidi overrides, zero-width): none belong in a path.
		if c == utf8.RuneError || unicode.In(c, unicode.Cc, unicode.Cf, unicode.Zs, unicode.Zl, unicode.Zp) {
			return home
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || u.Fragment != "" {
		return home
	}
	// Encoded slashes, backslashes, dots or percent signs have no business
	// in a back-office path; refuse them rather than guess how a decoder
	// further on would read them.
	lower := strings.ToLower(u.EscapedPath())
	for _, bad := range []string{"%2f", "%5c", "%2e", "%25", "%00"} {
		if strings.Contains(lower, bad) {
			return home
		}
	}
	p := u.Path
	if p != path.Clean(p) || strings.HasPrefix(p, "//") || (p != home && !strings.HasPrefix(p, home+"/")) {
		return home
	}
	return u.RequestURI()
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.Auth.DeleteSession(r.Context(), c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.Opts.Secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
}
