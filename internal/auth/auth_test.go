package auth_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/errs"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

const password = "correct-horse-42"

// fixture is one site with two departments and an admin, on a fresh database.
type fixture struct {
	t     *testing.T
	db    *store.DB
	svc   *auth.Service
	site  int64
	other int64 // a second site
	fzk   int64 // 法制科
	pfk   int64 // 普法科
	admin *auth.User
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	f := &fixture{t: t, db: db, svc: auth.NewService(db)}
	f.site = f.insertID(`INSERT INTO sites (slug, name, org_code, created_at) VALUES ('lysfj', '临沂市司法局', '1438332193', $1) RETURNING id`, store.Now())
	f.other = f.insertID(`INSERT INTO sites (slug, name, org_code, created_at) VALUES ('other', '其他局', '99', $1) RETURNING id`, store.Now())
	f.fzk = f.insertID(`INSERT INTO departments (site_id, name, abbr) VALUES ($1, '法制科', 'fzk') RETURNING id`, f.site)
	f.pfk = f.insertID(`INSERT INTO departments (site_id, name, abbr) VALUES ($1, '普法与依法治理科', 'pfk') RETURNING id`, f.site)
	f.admin = f.user("admin", auth.Admin, 0)
	return f
}

func (f *fixture) insertID(q string, args ...any) int64 {
	f.t.Helper()
	var id int64
	if err := f.db.W.QueryRow(q, args...).Scan(&id); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	return id
}

func (f *fixture) count(q string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.R.QueryRow(q, args...).Scan(&n); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// user creates a user of f.site with the shared test password.
func (f *fixture) user(name string, role auth.Role, dept int64) *auth.User {
	f.t.Helper()
	u, err := f.svc.CreateUser(context.Background(), f.admin, auth.NewUser{SiteID: f.site, Name: name, DisplayName: name + "（显示名）", Role: role,
		DepartmentID: dept, Password: password})
	if err != nil {
		f.t.Fatalf("create user %s: %v", name, err)
	}
	return u
}

// wantCode fails unless err carries code.
func wantCode(t *testing.T, err error, code errs.Code) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want %s", code)
	}
	if got := errs.CodeOf(err); got != code {
		t.Fatalf("code = %s (%v), want %s", got, err, code)
	}
}

func TestCreateUser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		ok := auth.NewUser{SiteID: f.site, Name: "fzk", Role: auth.Editor, DepartmentID: f.fzk, Password: password}
		tests := []struct {
			name  string
			edit  func(*auth.NewUser)
			code  errs.Code
			field string
		}{
			{"empty name", func(u *auth.NewUser) { u.Name = "  " }, errs.Invalid, "name"},
			{"name with space", func(u *auth.NewUser) { u.Name = "li si" }, errs.Invalid, "name"},
			{"name with slash", func(u *auth.NewUser) { u.Name = "a/b" }, errs.Invalid, "name"},
			{"name with newline", func(u *auth.NewUser) { u.Name = "a\nb" }, errs.Invalid, "name"},
			{"name with tab", func(u *auth.NewUser) { u.Name = "a\tb" }, errs.Invalid, "name"},
			{"name with full-width space", func(u *auth.NewUser) { u.Name = "张\u3000三" }, errs.Invalid, "name"},
			{"name too long", func(u *auth.NewUser) { u.Name = strings.Repeat("a", 65) }, errs.Invalid, "name"},
			{"unknown role", func(u *auth.NewUser) { u.Role = "root" }, errs.Invalid, "role"},
			{"editor without department", func(u *auth.NewUser) { u.DepartmentID = 0 }, errs.Invalid, "department_id"},
			{"short password", func(u *auth.NewUser) { u.Password = "abc12345" }, errs.Invalid, "password"},
			{"common password", func(u *auth.NewUser) { u.Password = "password123" }, errs.Invalid, "password"},
			{"repetitive password", func(u *auth.NewUser) { u.Password = "aaaaabbbbbaaaaa" }, errs.Invalid, "password"},
			{"unknown department", func(u *auth.NewUser) { u.DepartmentID = 999999 }, errs.Invalid, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := ok
				tt.edit(&in)
				before := f.count(`SELECT COUNT(*) FROM users`)
				_, err := f.svc.CreateUser(ctx, f.admin, in)
				wantCode(t, err, tt.code)
				if tt.field != "" && errs.FieldsOf(err)[tt.field] == "" {
					t.Errorf("fields = %v, want a message for %s", errs.FieldsOf(err), tt.field)
				}
				if after := f.count(`SELECT COUNT(*) FROM users`); after != before {
					t.Errorf("users %d -> %d after a refused create", before, after)
				}
			})
		}

		t.Run("valid editor", func(t *testing.T) {
			u, err := f.svc.CreateUser(ctx, f.admin, ok)
			if err != nil {
				t.Fatal(err)
			}
			if u.Name != "fzk" || u.Role != auth.Editor || u.DepartmentID != f.fzk || u.Department != "法制科" || u.SiteID != f.site || u.Disabled {
				t.Errorf("user = %+v", u)
			}
			recs, err := f.svc.AuditLog(ctx, auth.AuditFilter{SiteID: f.site, Target: fmt.Sprintf("user:%d", u.ID)})
			if err != nil || len(recs) != 1 || recs[0].Action != "user.create" || recs[0].ActorName != "admin" {
				t.Errorf("audit = %+v, %v; want one user.create by admin", recs, err)
			}
			if strings.Contains(recs[0].After, password) {
				t.Error("audit entry contains the password")
			}
		})
		t.Run("duplicate name", func(t *testing.T) {
			in := ok
			in.Role, in.DepartmentID = auth.Office, 0
			_, err := f.svc.CreateUser(ctx, f.admin, in)
			wantCode(t, err, errs.Conflict)
			if errs.FieldsOf(err)["name"] == "" {
				t.Errorf("fields = %v, want a message for name", errs.FieldsOf(err))
			}
		})
		t.Run("department decides the site", func(t *testing.T) {
			u, err := f.svc.CreateUser(ctx, nil, auth.NewUser{SiteID: f.other, Name: "pfk", Role: auth.Reviewer, DepartmentID: f.pfk, Password: password})
			if err != nil {
				t.Fatal(err)
			}
			if u.SiteID != f.site {
				t.Errorf("SiteID = %d, want the department's site %d", u.SiteID, f.site)
			}
		})
		t.Run("chinese login name within 64 characters", func(t *testing.T) {
			name := strings.Repeat("张", 30) // 30 characters, 90 bytes
			u, err := f.svc.CreateUser(ctx, f.admin, auth.NewUser{SiteID: f.site, Name: name, Role: auth.Office, Password: password})
			if err != nil {
				t.Fatalf("CreateUser(%d-character name): %v", len([]rune(name)), err)
			}
			if u.Name != name {
				t.Errorf("name = %q", u.Name)
			}
		})
		t.Run("platform user without site", func(t *testing.T) {
			u, err := f.svc.CreateUser(ctx, nil, auth.NewUser{Name: "root", Role: auth.Admin, Password: password})
			if err != nil {
				t.Fatal(err)
			}
			if u.SiteID != 0 || !u.ServesSite(f.site) || !u.ServesSite(f.other) {
				t.Errorf("platform admin = %+v, want one serving every site", u)
			}
		})
	})
}

func TestAuthenticate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		editor := f.user("fzk", auth.Editor, f.fzk)
		gone := f.user("gone", auth.Office, 0)
		if err := f.svc.SetDisabled(ctx, f.admin, gone.ID, true); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name, login, password string
			wantID                int64
		}{
			{"right password", "fzk", password, editor.ID},
			{"wrong password", "fzk", password + "x", 0},
			{"empty password", "fzk", "", 0},
			{"unknown user", "nobody", password, 0},
			{"name is case sensitive", "FZK", password, 0},
			{"disabled user", "gone", password, 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				u, err := f.svc.Authenticate(ctx, tt.login, tt.password)
				if tt.wantID != 0 {
					if err != nil || u.ID != tt.wantID {
						t.Fatalf("Authenticate = %v, %v; want user %d", u, err, tt.wantID)
					}
					return
				}
				if !errors.Is(err, auth.ErrBadLogin) || u != nil {
					t.Fatalf("Authenticate = %v, %v; want ErrBadLogin", u, err)
				}
			})
		}
	})
}

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		u := f.user("fzk", auth.Editor, f.fzk)

		id, sess, err := f.svc.CreateSession(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if len(id) < 32 || sess.CSRF == "" || sess.CSRF == id {
			t.Errorf("session id %q, csrf %q", id, sess.CSRF)
		}
		if n := f.count(`SELECT COUNT(*) FROM sessions WHERE id_hash = $1`, id); n != 0 {
			t.Error("the session id is stored in clear")
		}
		got, err := f.svc.SessionByID(ctx, id)
		if err != nil || got.User.ID != u.ID || got.CSRF != sess.CSRF {
			t.Fatalf("SessionByID = %+v, %v", got, err)
		}
		_, err = f.svc.SessionByID(ctx, "not-a-session")
		wantCode(t, err, errs.NotFound)

		t.Run("expired", func(t *testing.T) {
			short := *f.svc
			short.SessionTTL = -time.Minute
			old, _, err := short.CreateSession(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.svc.SessionByID(ctx, old)
			wantCode(t, err, errs.NotFound)
			if err := f.svc.PurgeSessions(ctx); err != nil {
				t.Fatal(err)
			}
			if n := f.count(`SELECT COUNT(*) FROM sessions WHERE user_id = $1`, u.ID); n != 1 {
				t.Errorf("sessions after purge = %d, want only the live one", n)
			}
		})
		t.Run("logout", func(t *testing.T) {
			other, _, err := f.svc.CreateSession(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.svc.DeleteSession(ctx, other); err != nil {
				t.Fatal(err)
			}
			_, err = f.svc.SessionByID(ctx, other)
			wantCode(t, err, errs.NotFound)
			if _, err := f.svc.SessionByID(ctx, id); err != nil {
				t.Errorf("the other session ended too: %v", err)
			}
		})
		t.Run("new password ends sessions", func(t *testing.T) {
			v := f.user("pwd", auth.Office, 0)
			sid, _, err := f.svc.CreateSession(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			wantCode(t, f.svc.SetPassword(ctx, f.admin, v.ID, "short"), errs.Invalid)
			if _, err := f.svc.SessionByID(ctx, sid); err != nil {
				t.Fatalf("refused password change ended the session: %v", err)
			}
			if err := f.svc.SetPassword(ctx, f.admin, v.ID, "another-secret-7"); err != nil {
				t.Fatal(err)
			}
			_, err = f.svc.SessionByID(ctx, sid)
			wantCode(t, err, errs.NotFound)
			if _, err := f.svc.Authenticate(ctx, "pwd", password); !errors.Is(err, auth.ErrBadLogin) {
				t.Errorf("old password still works: %v", err)
			}
			if _, err := f.svc.Authenticate(ctx, "pwd", "another-secret-7"); err != nil {
				t.Errorf("new password: %v", err)
			}
			wantCode(t, f.svc.SetPassword(ctx, f.admin, 999999, "another-secret-7"), errs.NotFound)
			// The entry belongs to the user's site, not to every site.
			target := fmt.Sprintf("user:%d", v.ID)
			if recs, _ := f.svc.AuditLog(ctx, auth.AuditFilter{SiteID: f.site, Action: "user.password", Target: target}); len(recs) != 1 || recs[0].SiteID != f.site {
				t.Errorf("password entries of the user's site = %+v, want one of site %d", recs, f.site)
			}
			// The action prefix ignores case on both databases alike.
			if recs, _ := f.svc.AuditLog(ctx, auth.AuditFilter{SiteID: f.site, Action: "USER.PASS", Target: target}); len(recs) != 1 {
				t.Errorf("action prefix USER.PASS found %d entries, want 1 (as user.pass)", len(recs))
			}
			if recs, _ := f.svc.AuditLog(ctx, auth.AuditFilter{SiteID: f.other, Target: target}); len(recs) != 0 {
				t.Errorf("another site's audit log lists %+v", recs)
			}
		})
		t.Run("disabled user's sessions dropped", func(t *testing.T) {
			if err := f.svc.SetDisabled(ctx, f.admin, u.ID, true); err != nil {
				t.Fatal(err)
			}
			if n := f.count(`SELECT COUNT(*) FROM sessions WHERE user_id = $1`, u.ID); n != 0 {
				t.Errorf("%d sessions left for a disabled user", n)
			}
			_, err := f.svc.SessionByID(ctx, id)
			wantCode(t, err, errs.NotFound)
			if err := f.svc.SetDisabled(ctx, f.admin, u.ID, false); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.SessionByID(ctx, id); err == nil {
				t.Error("re-enabling the user revived a dropped session")
			}
			recs, err := f.svc.AuditLog(ctx, auth.AuditFilter{SiteID: f.site, Target: fmt.Sprintf("user:%d", u.ID), Limit: 2})
			if err != nil || len(recs) != 2 || recs[0].Action != "user.enable" || recs[1].Action != "user.disable" {
				t.Errorf("audit of disable then enable = %+v, %v; want user.disable then user.enable", recs, err)
			}
			wantCode(t, f.svc.SetDisabled(ctx, f.admin, 999999, true), errs.NotFound)
		})
	})
}

func TestTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		u := f.user("api", auth.Office, 0)
		token, err := f.svc.CreateToken(ctx, f.admin, "api", "省平台")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(token, "gk_") || len(token) < 40 {
			t.Errorf("token = %q", token)
		}
		if n := f.count(`SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1`, token); n != 0 {
			t.Error("the token is stored in clear")
		}
		got, err := f.svc.UserByToken(ctx, token)
		if err != nil || got.ID != u.ID {
			t.Fatalf("UserByToken = %v, %v", got, err)
		}
		_, err = f.svc.CreateToken(ctx, f.admin, "nobody", "x")
		wantCode(t, err, errs.NotFound)

		tests := []struct {
			name  string
			token func() string
		}{
			{"unknown", func() string { return "gk_unknown" }},
			{"empty", func() string { return "" }},
			{"revoked", func() string {
				tok, err := f.svc.CreateToken(ctx, f.admin, "api", "revoked")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := db.W.Exec(`UPDATE api_tokens SET revoked_at = $1 WHERE name = 'revoked'`, store.Now()); err != nil {
					t.Fatal(err)
				}
				return tok
			}},
			{"disabled user", func() string {
				v := f.user("api2", auth.Office, 0)
				tok, err := f.svc.CreateToken(ctx, f.admin, "api2", "")
				if err != nil {
					t.Fatal(err)
				}
				if err := f.svc.SetDisabled(ctx, f.admin, v.ID, true); err != nil {
					t.Fatal(err)
				}
				return tok
			}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				u, err := f.svc.UserByToken(ctx, tt.token())
				wantCode(t, err, errs.Unauthorized)
				if u != nil {
					t.Errorf("user = %+v", u)
				}
			})
		}
	})
}

func TestAuditLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		editor := f.user("fzk", auth.Editor, f.fzk)
		if _, err := f.svc.CreateToken(ctx, f.admin, "fzk", "t"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SetDisabled(ctx, f.admin, editor.ID, true); err != nil {
			t.Fatal(err)
		}
		// One entry by the command line, not tied to a site.
		if err := db.Tx(ctx, func(tx *sql.Tx) error {
			return auth.Audit(ctx, tx, db.Dialect, auth.Entry{Action: "site.create", Target: "site:9", After: map[string]any{"name": "局"}, IP: "127.0.0.1"})
		}); err != nil {
			t.Fatal(err)
		}
		// One entry of another site, never listed for f.site.
		if err := db.Tx(ctx, func(tx *sql.Tx) error {
			return auth.Audit(ctx, tx, db.Dialect, auth.Entry{SiteID: f.other, Actor: f.admin, Action: "user.create", Target: "user:777"})
		}); err != nil {
			t.Fatal(err)
		}
		all, err := f.svc.AuditLog(ctx, auth.AuditFilter{SiteID: f.site})
		if err != nil {
			t.Fatal(err)
		}
		actions := func(rs []auth.AuditRecord) string {
			var s []string
			for _, r := range rs {
				s = append(s, r.Action)
			}
			return strings.Join(s, ",")
		}
		// newest first: the admin (user.create), the editor, the token, the
		// disabling, the command line entry.
		if got, want := actions(all), "site.create,user.disable,token.create,user.create,user.create"; got != want {
			t.Fatalf("actions = %s, want %s", got, want)
		}
		for i := 1; i < len(all); i++ {
			if all[i].ID >= all[i-1].ID {
				t.Errorf("not newest first: %d before %d", all[i-1].ID, all[i].ID)
			}
		}
		if cli := all[0]; cli.ActorName != "命令行/系统" || cli.SiteID != 0 || cli.IP != "127.0.0.1" || cli.After != `{"name":"局"}` {
			t.Errorf("command line entry = %+v", cli)
		}
		if d := all[1]; d.Before != `{"disabled":false}` || d.After != `{"disabled":true,"tokens_revoked":1}` || d.Target != fmt.Sprintf("user:%d", editor.ID) {
			t.Errorf("disable entry = %+v", d)
		}

		tests := []struct {
			name   string
			filter auth.AuditFilter
			want   string
		}{
			{"actor", auth.AuditFilter{Actor: "admin"}, "user.disable,token.create,user.create"},
			{"unknown actor", auth.AuditFilter{Actor: "nobody"}, ""},
			{"action prefix", auth.AuditFilter{Action: "user."}, "user.disable,user.create,user.create"},
			{"exact action", auth.AuditFilter{Action: "token.create"}, "token.create"},
			// LIKE wildcards in the filter are literal characters.
			{"percent is literal", auth.AuditFilter{Action: "%"}, ""},
			{"underscore is literal", auth.AuditFilter{Action: "user_"}, ""},
			{"backslash is literal", auth.AuditFilter{Action: `user\`}, ""},
			{"target", auth.AuditFilter{Target: fmt.Sprintf("user:%d", editor.ID)}, "user.disable,user.create"},
			{"limit", auth.AuditFilter{Limit: 2}, "site.create,user.disable"},
			{"before", auth.AuditFilter{Before: all[1].ID}, "token.create,user.create,user.create"},
			{"before and limit", auth.AuditFilter{Before: all[1].ID, Limit: 1}, "token.create"},
			{"before the first", auth.AuditFilter{Before: all[len(all)-1].ID}, ""},
			{"other site", auth.AuditFilter{SiteID: f.other}, "user.create,site.create"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if tt.filter.SiteID == 0 {
					tt.filter.SiteID = f.site
				}
				got, err := f.svc.AuditLog(ctx, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				if actions(got) != tt.want {
					t.Errorf("actions = %q, want %q", actions(got), tt.want)
				}
			})
		}

		t.Run("paging walks every row once", func(t *testing.T) {
			var seen []int64
			before := int64(0)
			for {
				page, err := f.svc.AuditLog(ctx, auth.AuditFilter{SiteID: f.site, Before: before, Limit: 2})
				if err != nil {
					t.Fatal(err)
				}
				if len(page) == 0 {
					break
				}
				for _, r := range page {
					seen = append(seen, r.ID)
				}
				before = page[len(page)-1].ID
			}
			if len(seen) != len(all) {
				t.Fatalf("paged %v, want %d rows", seen, len(all))
			}
			for i, r := range all {
				if seen[i] != r.ID {
					t.Fatalf("paged %v, want the ids of %v", seen, all)
				}
			}
		})
	})
}

// tamper changes one audit row behind the triggers' back, as someone with
// database access might.
func tamper(t *testing.T, db *store.DB, id int64, set string) {
	t.Helper()
	var stmts []string
	switch db.Dialect {
	case store.SQLite:
		stmts = []string{`DROP TRIGGER audit_log_no_update`, `UPDATE audit_log SET ` + set + ` WHERE id = $1`}
	case store.Postgres:
		stmts = []string{`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`, `UPDATE audit_log SET ` + set + ` WHERE id = $1`,
			`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`}
	}
	for _, s := range stmts {
		var args []any
		if strings.Contains(s, "$1") {
			args = []any{id}
		}
		if _, err := db.W.Exec(s, args...); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func TestVerifyAudit(t *testing.T) {
	tests := []struct {
		name string
		set  string
	}{
		{"action changed", `action = 'user.delete'`},
		{"actor changed", `actor_name = 'someone'`},
		{"after changed", `after_json = '{"name":"x"}'`},
		{"time changed", `created_at = '2020-01-01T00:00:00Z'`},
		{"hash recomputed without the chain", `prev_hash = 'forged'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				f := newFixture(t, db)
				ctx := context.Background()
				f.user("a", auth.Office, 0)
				victim := f.user("b", auth.Office, 0)
				f.user("c", auth.Office, 0)
				bad, err := f.svc.VerifyAudit(ctx)
				if err != nil || bad != 0 {
					t.Fatalf("intact chain: VerifyAudit = %d, %v; want 0", bad, err)
				}
				recs, err := f.svc.AuditLog(ctx, auth.AuditFilter{SiteID: f.site, Target: fmt.Sprintf("user:%d", victim.ID)})
				if err != nil || len(recs) != 1 {
					t.Fatalf("audit of victim: %v, %v", recs, err)
				}
				tamper(t, db, recs[0].ID, tt.set)
				bad, err = f.svc.VerifyAudit(ctx)
				if err != nil || bad != recs[0].ID {
					t.Errorf("after tampering row %d: VerifyAudit = %d, %v", recs[0].ID, bad, err)
				}
			})
		})
	}
}

func TestVerifyAuditEmpty(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bad, err := auth.NewService(db).VerifyAudit(context.Background())
		if err != nil || bad != 0 {
			t.Errorf("VerifyAudit on an empty log = %d, %v", bad, err)
		}
	})
}

// Concurrent writers must keep one unbroken chain (an advisory lock on
// PostgreSQL, the single write connection on SQLite).
func TestAuditChainUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.user("api", auth.Office, 0)
		const n = 20
		var wg sync.WaitGroup
		errc := make(chan error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := f.svc.CreateToken(ctx, f.admin, "api", fmt.Sprintf("t%d", i))
				errc <- err
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Fatal(err)
			}
		}
		if got := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'token.create'`); got != n {
			t.Errorf("token.create entries = %d, want %d", got, n)
		}
		if bad, err := f.svc.VerifyAudit(ctx); err != nil || bad != 0 {
			t.Errorf("VerifyAudit = %d, %v; want an intact chain", bad, err)
		}
		if got := f.count(`SELECT COUNT(DISTINCT prev_hash) FROM audit_log`); got != f.count(`SELECT COUNT(*) FROM audit_log`) {
			t.Errorf("two rows share a predecessor: the chain forked")
		}
	})
}

func TestRoles(t *testing.T) {
	const own, other = 1, 2
	users := map[string]*auth.User{
		"admin":               {Role: auth.Admin},
		"office":              {Role: auth.Office, DepartmentID: own},
		"editor":              {Role: auth.Editor, DepartmentID: own, SiteID: 7},
		"editor without dept": {Role: auth.Editor},
		"reviewer":            {Role: auth.Reviewer, DepartmentID: own},
		"reviewer of all":     {Role: auth.Reviewer},
	}
	tests := []struct {
		user                         string
		publish, manage              bool
		editOwn, editOther, editNone bool
		reviewOwn, reviewOther       bool
		servesSite7, servesSite8     bool
	}{
		{"admin", true, true, true, true, true, true, true, true, true},
		{"office", true, false, true, true, true, true, true, true, true},
		{"editor", false, false, true, false, false, false, false, true, false},
		{"editor without dept", false, false, false, false, false, false, false, true, true},
		{"reviewer", false, false, false, false, false, true, false, true, true},
		{"reviewer of all", false, false, false, false, false, true, true, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			u := users[tt.user]
			checks := []struct {
				name      string
				got, want bool
			}{
				{"CanPublish", u.CanPublish(), tt.publish},
				{"CanManageSite", u.CanManageSite(), tt.manage},
				{"CanEditDepartment(own)", u.CanEditDepartment(own), tt.editOwn},
				{"CanEditDepartment(other)", u.CanEditDepartment(other), tt.editOther},
				{"CanEditDepartment(0)", u.CanEditDepartment(0), tt.editNone},
				{"CanReviewDepartment(own)", u.CanReviewDepartment(own), tt.reviewOwn},
				{"CanReviewDepartment(other)", u.CanReviewDepartment(other), tt.reviewOther},
				{"ServesSite(7)", u.ServesSite(7), tt.servesSite7},
				{"ServesSite(8)", u.ServesSite(8), tt.servesSite8},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
				}
			}
		})
	}
}

func TestParseRoleAndLabels(t *testing.T) {
	for _, r := range auth.Roles {
		got, err := auth.ParseRole(string(r.Role))
		if err != nil || got != r.Role {
			t.Errorf("ParseRole(%q) = %q, %v", r.Role, got, err)
		}
		if r.Role.Label() != r.Label || r.Label == "" {
			t.Errorf("%s.Label() = %q", r.Role, r.Role.Label())
		}
	}
	if _, err := auth.ParseRole("Admin"); errs.CodeOf(err) != errs.Invalid {
		t.Errorf("ParseRole(Admin) err = %v, want Invalid", err)
	}
	u := &auth.User{Name: "fzk"}
	if u.Label() != "fzk" {
		t.Errorf("Label without display name = %q", u.Label())
	}
	u.DisplayName = "法制科编辑"
	if u.Label() != "法制科编辑" {
		t.Errorf("Label = %q", u.Label())
	}
}

func TestVerifyAuditFindsDeletedRow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.user("a", auth.Office, 0)
		b := f.user("b", auth.Office, 0)
		recs, err := f.svc.AuditLog(ctx, auth.AuditFilter{SiteID: f.site, Action: "user.create", Limit: 2})
		if err != nil || len(recs) != 2 || recs[0].Target != fmt.Sprintf("user:%d", b.ID) || recs[1].Target != fmt.Sprintf("user:%d", a.ID) {
			t.Fatalf("audit = %+v, %v", recs, err)
		}
		var stmts []string
		switch db.Dialect {
		case store.SQLite:
			stmts = []string{`DROP TRIGGER audit_log_no_delete`, `DELETE FROM audit_log WHERE id = $1`}
		case store.Postgres:
			stmts = []string{`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`, `DELETE FROM audit_log WHERE id = $1`}
		}
		for _, s := range stmts {
			var args []any
			if strings.Contains(s, "$1") {
				args = []any{recs[1].ID}
			}
			if _, err := db.W.Exec(s, args...); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
		}
		// The row after the gap no longer follows its predecessor.
		bad, err := f.svc.VerifyAudit(ctx)
		if err != nil || bad != recs[0].ID {
			t.Errorf("after deleting row %d: VerifyAudit = %d, %v; want %d", recs[1].ID, bad, err, recs[0].ID)
		}
	})
}

func TestUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		editor := f.user("fzk", auth.Editor, f.fzk)
		f.user("reviewer", auth.Reviewer, f.pfk)
		if _, err := f.svc.CreateUser(ctx, nil, auth.NewUser{Name: "platform", Role: auth.Admin, Password: password}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CreateUser(ctx, nil, auth.NewUser{SiteID: f.other, Name: "elsewhere", Role: auth.Office, Password: password}); err != nil {
			t.Fatal(err)
		}
		users, err := f.svc.Users(ctx, f.site)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, u := range users {
			names = append(names, string(u.Role)+":"+u.Name)
		}
		if got, want := strings.Join(names, " "), "admin:admin admin:platform editor:fzk reviewer:reviewer"; got != want {
			t.Errorf("Users = %s, want %s", got, want)
		}
		got, err := f.svc.UserByName(ctx, "fzk")
		if err != nil || got.ID != editor.ID || got.Department != "法制科" || got.Label() != "fzk（显示名）" {
			t.Errorf("UserByName = %+v, %v", got, err)
		}
		if _, err := f.svc.UserByName(ctx, "nobody"); !errors.Is(err, auth.ErrNotFound) {
			t.Errorf("UserByName(nobody) = %v", err)
		}
		if _, err := f.svc.User(ctx, 999999); !errors.Is(err, auth.ErrNotFound) {
			t.Errorf("User(999999) = %v", err)
		}
	})
}

// TestAuditClientIP: an entry without an address takes the client address
// carried by ctx (WithClientIP); an explicit Entry.IP wins; the chain still verifies.
func TestAuditClientIP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := auth.WithClientIP(context.Background(), "203.0.113.7")
		if got := auth.ClientIP(ctx); got != "203.0.113.7" {
			t.Fatalf("ClientIP = %q", got)
		}
		if got := auth.ClientIP(context.Background()); got != "" {
			t.Fatalf("ClientIP of a bare context = %q", got)
		}
		// Through a service call, as a handler would make it.
		if _, err := f.svc.CreateToken(ctx, f.admin, "admin", "t"); err != nil {
			t.Fatal(err)
		}
		if err := db.Tx(ctx, func(tx *sql.Tx) error {
			return auth.Audit(ctx, tx, db.Dialect, auth.Entry{SiteID: f.site, Actor: f.admin, Action: "x.explicit", Target: "x:1", IP: "198.51.100.1"})
		}); err != nil {
			t.Fatal(err)
		}
		if err := db.Tx(context.Background(), func(tx *sql.Tx) error {
			return auth.Audit(context.Background(), tx, db.Dialect, auth.Entry{SiteID: f.site, Actor: f.admin, Action: "x.none", Target: "x:2"})
		}); err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		rs, err := f.svc.AuditLog(context.Background(), auth.AuditFilter{SiteID: f.site})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			got[r.Action] = r.IP
		}
		want := map[string]string{"token.create": "203.0.113.7", "x.explicit": "198.51.100.1", "x.none": "", "user.create": ""}
		for a, ip := range want {
			if got[a] != ip {
				t.Errorf("%s: ip = %q, want %q", a, got[a], ip)
			}
		}
		if bad, err := f.svc.VerifyAudit(context.Background()); err != nil || bad != 0 {
			t.Errorf("VerifyAudit = %d, %v", bad, err)
		}
	})
}
