package web

import (
	"context"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/errs"
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
	if !s.loginIPs.Allow(s.ClientIP(r)) || !s.loginLimit.Allow(name) {
		p.Error = "登录尝试过于频繁，请稍后再试"
		s.Render(w, r, http.StatusTooManyRequests, "admin/login", p)
		return
	}
	u, err := s.Auth.Authenticate(r.Context(), name, r.PostFormValue("password"))
	if err == nil && !u.ServesSite(SiteOf(r).Site.ID) {
		err = auth.ErrBadLogin
	}
	if err != nil {
		s.LogErr(r, err)
		p.Error = errs.MessageOf(err)
		s.Render(w, r, StatusOf(err), "admin/login", p)
		return
	}
	id, _, err := s.Auth.CreateSession(r.Context(), u)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, Secure: s.Opts.Secure, SameSite: http.SameSiteLaxMode,
		MaxAge: int(s.Auth.SessionTTL / time.Second)})
	next := r.URL.Query().Get("next")
	if !strings.HasPrefix(next, "/admin") || strings.HasPrefix(next, "//") {
		next = "/admin"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.Auth.DeleteSession(r.Context(), c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.Opts.Secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
}
