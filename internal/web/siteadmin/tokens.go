package siteadmin

import (
	"net/http"
	"strconv"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/errs"
	"gongkai/internal/web"
)

// tokensPage lists the API tokens of the site's users with the form to
// issue one, or (Own) a staff member's own tokens. Secret is set only on the
// response that issued it: the token is shown once and never stored in clear.
type tokensPage struct {
	web.AdminPage
	Own    bool
	Base   string // the page's path, which the revoke buttons post under
	Tokens []*auth.Token
	Users  []*auth.User
	Form   struct{ UserID, Name, Expires string }
	Secret string
	Issued *auth.Token
}

func (s *Feature) tokensPage(r *http.Request, own bool) *tokensPage {
	p := &tokensPage{AdminPage: s.AdminPage(r, "API 令牌"), Base: "/admin/tokens"}
	p.Form.Expires = "90d"
	if own {
		p.Own, p.Base, p.Title = true, "/admin/account/tokens", "我的 API 令牌"
	}
	return p
}

func (s *Feature) adminTokens(w http.ResponseWriter, r *http.Request) {
	s.renderTokens(w, r, s.tokensPage(r, false), http.StatusOK)
}

func (s *Feature) myTokens(w http.ResponseWriter, r *http.Request) {
	s.renderTokens(w, r, s.tokensPage(r, true), http.StatusOK)
}

func (s *Feature) renderTokens(w http.ResponseWriter, r *http.Request, p *tokensPage, status int) {
	var err error
	if p.Own {
		p.Tokens, err = s.Auth.Tokens(r.Context(), auth.TokenFilter{UserID: p.User.ID})
	} else if p.Tokens, err = s.Auth.Tokens(r.Context(), auth.TokenFilter{SiteID: p.Site.ID}); err == nil {
		p.Users, err = s.Auth.Users(r.Context(), p.Site.ID)
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	// A page that shows a secret must not be kept by the browser or a proxy.
	w.Header().Set("Cache-Control", "no-store")
	s.Render(w, r, status, "admin/tokens", p)
}

// siteUser returns the user of id if it serves the page's site.
func (s *Feature) siteUser(r *http.Request, siteID, id int64) (*auth.User, error) {
	u, err := s.Auth.User(r.Context(), id)
	if err != nil || !u.ServesSite(siteID) {
		return nil, &errs.Error{Code: errs.Invalid, Message: "用户不存在", Fields: map[string]string{"user": "请选择本站点的用户"}}
	}
	return u, nil
}

func (s *Feature) createToken(w http.ResponseWriter, r *http.Request) {
	p := s.tokensPage(r, false)
	p.Form.UserID, p.Form.Name, p.Form.Expires = r.PostFormValue("user_id"), r.PostFormValue("name"), strings.TrimSpace(r.PostFormValue("expires"))
	id, _ := strconv.ParseInt(p.Form.UserID, 10, 64)
	u, err := s.siteUser(r, p.Site.ID, id)
	if err == nil {
		p.Secret, p.Issued, err = s.Auth.IssueToken(r.Context(), p.User, auth.NewToken{UserName: u.Name, Name: p.Form.Name, Expires: p.Form.Expires})
	}
	if err != nil {
		s.LogErr(r, err)
		p.Fail(err)
		s.renderTokens(w, r, p, web.StatusOf(err))
		return
	}
	p.Form.UserID, p.Form.Name, p.Form.Expires = "", "", "90d"
	s.renderTokens(w, r, p, http.StatusOK)
}

func (s *Feature) revokeToken(w http.ResponseWriter, r *http.Request) {
	s.revoke(w, r, s.tokensPage(r, false))
}

func (s *Feature) revokeMyToken(w http.ResponseWriter, r *http.Request) {
	s.revoke(w, r, s.tokensPage(r, true))
}

// revoke serves both pages: an administrator revokes any token of the
// site's users, a staff member their own (RevokeToken checks the same rule).
func (s *Feature) revoke(w http.ResponseWriter, r *http.Request, p *tokensPage) {
	id, err := web.PathID(r, "id")
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	t, err := s.Auth.Token(r.Context(), id)
	if err != nil || (t.UserSiteID != 0 && t.UserSiteID != p.Site.ID) || (p.Own && t.UserID != p.User.ID) {
		s.AdminError(w, r, errs.E(errs.NotFound, "令牌不存在"))
		return
	}
	if err := s.Auth.RevokeToken(r.Context(), p.User, id); err != nil {
		s.LogErr(r, err)
		p.Error = errs.MessageOf(err)
		s.renderTokens(w, r, p, web.StatusOf(err))
		return
	}
	http.Redirect(w, r, p.Base+"?done=token_revoked", http.StatusSeeOther)
}
