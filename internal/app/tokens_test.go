package app

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"gongkai/internal/auth"
)

var secretRE = regexp.MustCompile(`value="(gk_[A-Za-z0-9_-]+)"`)

// apiStatus calls GET path with a bearer token and returns the status and
// the error message, if any.
func (e *env) apiStatus(t *testing.T, path, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", e.ts.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := e.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	json.NewDecoder(res.Body).Decode(&body)
	return res.StatusCode, body.Error.Message
}

// TestAdminTokens (issue 16 §7): an administrator issues a token in the
// back office (shown once), sees it listed with its last use, revokes it,
// and the API then refuses it with 令牌已撤销; a password reset revokes a
// user's tokens; an expired token gets 令牌已过期; editors and the office
// cannot reach the page but see and revoke their own tokens.
func TestAdminTokens(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		var mu sync.Mutex
		now := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
		e.au.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
		office, err := e.au.UserByName(ctx, "office")
		if err != nil {
			t.Fatal(err)
		}
		admin := e.browser().login("admin")

		r := admin.get("/admin/tokens")
		if r.status != 200 {
			t.Fatalf("GET /admin/tokens: %d", r.status)
		}
		mustContain(t, r.body, "<h1>API 令牌</h1>", "还没有令牌", `href="/admin/tokens"`)

		issue := func(name, expires string) string {
			t.Helper()
			r := admin.post("/admin/tokens", url.Values{"user_id": {itoa(office.ID)}, "name": {name}, "expires": {expires}})
			if r.status != 200 {
				t.Fatalf("POST /admin/tokens: %d %s", r.status, r.body)
			}
			m := secretRE.FindStringSubmatch(r.body)
			if m == nil {
				t.Fatalf("no secret shown: %s", r.body)
			}
			mustContain(t, r.body, "令牌只显示这一次", "所属用户 office")
			if cc := r.header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control = %q", cc)
			}
			return m[1]
		}
		secret := issue("省平台", "30d")

		r = admin.get("/admin/tokens")
		mustContain(t, r.body, "<td>省平台</td><td>office</td>", "2026-12-31 10:00", "从未使用", "<td>有效</td>", `action="/admin/tokens/`)
		mustNotContain(t, r.body, secret, "只显示这一次")

		if status, msg := e.apiStatus(t, "/api/v1/items", secret); status != 200 {
			t.Fatalf("the new token: %d %s", status, msg)
		}
		r = admin.get("/admin/tokens")
		mustContain(t, r.body, "2026-12-01 10:00</td>")
		mustNotContain(t, r.body, "从未使用")
		if recs, _ := e.au.AuditLog(ctx, auth.AuditFilter{SiteID: e.site.ID, Action: "token.used"}); len(recs) != 1 || recs[0].IP != "127.0.0.1" || recs[0].ActorName != "office" {
			t.Errorf("token.used audit = %+v", recs)
		}

		// Bad input comes back with the message on its field.
		tests := []struct {
			name string
			form url.Values
			want string
		}{
			{"bad expiry", url.Values{"user_id": {itoa(office.ID)}, "expires": {"soon"}}, "有效期格式"},
			{"beyond a year", url.Values{"user_id": {itoa(office.ID)}, "expires": {"2099-01-01"}}, "有效期最长一年"},
			{"no user", url.Values{"expires": {"90d"}}, "请选择本站点的用户"},
		}
		for _, tt := range tests {
			r := admin.post("/admin/tokens", tt.form)
			if r.status != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d", tt.name, r.status)
			}
			mustContain(t, r.body, tt.want)
			if secretRE.MatchString(r.body) {
				t.Errorf("%s: a secret was shown", tt.name)
			}
		}

		// Revoke: the API answers 401 with the message.
		list, err := e.au.Tokens(ctx, auth.TokenFilter{SiteID: e.site.ID})
		if err != nil || len(list) != 1 {
			t.Fatalf("tokens = %+v, %v", list, err)
		}
		r = admin.post("/admin/tokens/"+itoa(list[0].ID)+"/revoke", nil)
		if r.status != http.StatusSeeOther || r.location != "/admin/tokens?done=token_revoked" {
			t.Fatalf("revoke: %d %q", r.status, r.location)
		}
		mustContain(t, admin.get(r.location).body, "令牌已撤销，使用它的请求将被拒绝", "已撤销（手动撤销，admin，")
		if status, msg := e.apiStatus(t, "/api/v1/items", secret); status != 401 || msg != "令牌已撤销" {
			t.Errorf("revoked token: %d %q", status, msg)
		}
		if r := admin.post("/admin/tokens/"+itoa(list[0].ID)+"/revoke", nil); r.status != http.StatusConflict {
			t.Errorf("second revoke: %d", r.status)
		}
		if r := admin.post("/admin/tokens/999999/revoke", nil); r.status != http.StatusNotFound {
			t.Errorf("revoke unknown: %d", r.status)
		}

		// A password reset in the back office revokes the user's tokens.
		reset := issue("重置前", "90d")
		if r := admin.post("/admin/users/"+itoa(office.ID)+"/password", url.Values{"password": {"a-new-password-42"}}); r.status != http.StatusSeeOther {
			t.Fatalf("reset: %d %s", r.status, r.body)
		}
		if status, msg := e.apiStatus(t, "/api/v1/items", reset); status != 401 || msg != "令牌已撤销" {
			t.Errorf("token after a reset: %d %q", status, msg)
		}

		// Expiry, by the service's clock.
		short := issue("短期", "1d")
		advance(24*time.Hour + time.Second)
		if status, msg := e.apiStatus(t, "/api/v1/items", short); status != 401 || msg != "令牌已过期" {
			t.Errorf("expired token: %d %q", status, msg)
		}

		// Staff see and revoke only their own tokens.
		own := issue("自用", "90d")
		var ownID int64
		for _, tok := range mustList(t, e) {
			if tok.Name == "自用" {
				ownID = tok.ID
			}
		}

		// Editors and the office cannot reach the page or issue tokens.
		for _, name := range []string{"fzk", "office"} {
			var b *browser
			if name == "office" {
				// The office's password was reset above.
				b = e.browser()
				if r := b.post("/admin/login", url.Values{"name": {"office"}, "password": {"a-new-password-42"}}); r.status != http.StatusSeeOther {
					t.Fatalf("office login: %d", r.status)
				}
				b.get("/admin")
			} else {
				b = e.browser().login(name)
			}
			if r := b.get("/admin/tokens"); r.status != http.StatusForbidden {
				t.Errorf("%s GET /admin/tokens: %d", name, r.status)
			}
			if r := b.get("/admin"); strings.Contains(r.body, `href="/admin/tokens"`) {
				t.Errorf("%s sees the tokens link", name)
			}
			before := len(mustList(t, e))
			if r := b.post("/admin/tokens", url.Values{"user_id": {itoa(office.ID)}, "expires": {"90d"}}); r.status != http.StatusForbidden || secretRE.MatchString(r.body) {
				t.Errorf("%s POST /admin/tokens: %d", name, r.status)
			}
			if after := len(mustList(t, e)); after != before {
				t.Errorf("%s created a token", name)
			}
			r := b.get("/admin/account/tokens")
			if r.status != 200 {
				t.Fatalf("%s GET /admin/account/tokens: %d", name, r.status)
			}
			mustContain(t, r.body, "<h1>我的 API 令牌</h1>", `href="/admin/account/tokens"`)
			mustNotContain(t, r.body, "创建令牌")
			if name == "fzk" {
				mustContain(t, r.body, "还没有令牌")
				mustNotContain(t, r.body, "自用")
				if r := b.post("/admin/account/tokens/"+itoa(ownID)+"/revoke", nil); r.status != http.StatusNotFound {
					t.Errorf("fzk revokes office's token: %d", r.status)
				}
				if status, _ := e.apiStatus(t, "/api/v1/items", own); status != 200 {
					t.Errorf("office's token after fzk's attempt: %d", status)
				}
				continue
			}
			mustContain(t, r.body, "<td>自用</td>", "<td>省平台</td>", "已撤销（重置密码，admin，", "<td>已过期</td>",
				`action="/admin/account/tokens/`+itoa(ownID)+`/revoke"`)
			if strings.Count(r.body, "/revoke\"") != 1 {
				t.Errorf("office's page offers %d revoke buttons, want 1", strings.Count(r.body, "/revoke\""))
			}
			r = b.post("/admin/account/tokens/"+itoa(ownID)+"/revoke", nil)
			if r.status != http.StatusSeeOther || r.location != "/admin/account/tokens?done=token_revoked" {
				t.Fatalf("office revokes own: %d %q", r.status, r.location)
			}
			if status, msg := e.apiStatus(t, "/api/v1/items", own); status != 401 || msg != "令牌已撤销" {
				t.Errorf("own token after revoking: %d %q", status, msg)
			}
		}
	})
}

func mustList(t *testing.T, e *env) []*auth.Token {
	t.Helper()
	list, err := e.au.Tokens(context.Background(), auth.TokenFilter{SiteID: e.site.ID})
	if err != nil {
		t.Fatal(err)
	}
	return list
}
