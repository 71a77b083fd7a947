package auth_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/errs"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

// clock is a settable clock for the service.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var tokenStart = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// wantMessage fails unless err is 401 with the message.
func wantMessage(t *testing.T, err error, msg string) {
	t.Helper()
	wantCode(t, err, errs.Unauthorized)
	if got := errs.MessageOf(err); got != msg {
		t.Errorf("message = %q, want %q", got, msg)
	}
}

func TestParseTokenExpiry(t *testing.T) {
	now := tokenStart
	tests := []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{"", now.Add(90 * 24 * time.Hour), false},
		{"30d", now.Add(30 * 24 * time.Hour), false},
		{"7", now.Add(7 * 24 * time.Hour), false},
		{"366d", now.Add(366 * 24 * time.Hour), false},
		// Through the named day, Beijing time: until 2026-06-30 16:00 UTC.
		{"2026-06-30", time.Date(2026, 6, 30, 16, 0, 0, 0, time.UTC), false},
		{"0d", time.Time{}, true},
		{"-3d", time.Time{}, true},
		{"367d", time.Time{}, true},
		{"2026-02-30", time.Time{}, true},
		{"tomorrow", time.Time{}, true},
	}
	for _, tt := range tests {
		got, err := auth.ParseTokenExpiry(tt.in, now)
		if tt.bad {
			if errs.CodeOf(err) != errs.Invalid {
				t.Errorf("%q: err = %v, want invalid", tt.in, err)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("%q = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

// TestTokenExpiry: a token works until its expiry, by the service's clock,
// then answers 令牌已过期; the default lifetime is 90 days.
func TestTokenExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := &clock{t: tokenStart}
		f.svc.Now = c.Now
		ctx := context.Background()
		u := f.user("api", auth.Office, 0)

		secret, tok, err := f.svc.IssueToken(ctx, f.admin, auth.NewToken{UserName: "api", Name: "省平台"})
		if err != nil {
			t.Fatal(err)
		}
		if tok.ExpiresAt != "2026-05-31T09:00:00Z" || tok.CreatedAt != "2026-03-02T09:00:00Z" || tok.State != auth.TokenActive || tok.UserID != u.ID {
			t.Errorf("token = %+v", tok)
		}
		short, _, err := f.svc.IssueToken(ctx, f.admin, auth.NewToken{UserName: "api", Name: "短期", ExpiresAt: tokenStart.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}

		c.Add(time.Hour - time.Second)
		if got, err := f.svc.UserByToken(ctx, short); err != nil || got.ID != u.ID {
			t.Fatalf("a second before expiry: %v, %v", got, err)
		}
		c.Add(time.Second)
		_, err = f.svc.UserByToken(ctx, short)
		wantMessage(t, err, "令牌已过期")
		if _, err := f.svc.UserByToken(ctx, secret); err != nil {
			t.Fatalf("the 90-day token after an hour: %v", err)
		}
		c.Add(90*24*time.Hour - time.Hour)
		_, err = f.svc.UserByToken(ctx, secret)
		wantMessage(t, err, "令牌已过期")

		list, err := f.svc.Tokens(ctx, auth.TokenFilter{SiteID: f.site})
		if err != nil || len(list) != 2 || list[0].State != auth.TokenExpired || list[1].State != auth.TokenExpired {
			t.Fatalf("Tokens = %+v, %v", list, err)
		}

		// Expiries in the past, beyond a year, or for unknown or disabled users are refused.
		tests := []struct {
			name string
			in   auth.NewToken
			code errs.Code
		}{
			{"past", auth.NewToken{UserName: "api", ExpiresAt: c.Now().Add(-time.Minute)}, errs.Invalid},
			{"now", auth.NewToken{UserName: "api", ExpiresAt: c.Now()}, errs.Invalid},
			{"too long", auth.NewToken{UserName: "api", ExpiresAt: c.Now().Add(400 * 24 * time.Hour)}, errs.Invalid},
			{"unknown user", auth.NewToken{UserName: "nobody"}, errs.NotFound},
			{"expiry text", auth.NewToken{UserName: "api", Expires: "soon"}, errs.Invalid},
			{"expiry days beyond a year", auth.NewToken{UserName: "api", Expires: "400d"}, errs.Invalid},
			{"control character in name", auth.NewToken{UserName: "api", Name: "a\x00b"}, errs.Invalid},
		}
		for _, tt := range tests {
			_, _, err := f.svc.IssueToken(ctx, f.admin, tt.in)
			if errs.CodeOf(err) != tt.code {
				t.Errorf("%s: err = %v, want %s", tt.name, err, tt.code)
			}
		}
	})
}

// TestTokenRevocation: a revoked token answers 令牌已撤销; a password reset
// and disabling revoke every token of the user, and enabling the user again
// does not revive them. Only the owner, an administrator of the owner's site
// or the command line may revoke.
func TestTokenRevocation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := &clock{t: tokenStart}
		f.svc.Now = c.Now
		ctx := context.Background()
		api := f.user("api", auth.Office, 0)
		editor := f.user("fzk", auth.Editor, f.fzk)
		issue := func(user, name string) (string, *auth.Token) {
			t.Helper()
			s, tok, err := f.svc.IssueToken(ctx, f.admin, auth.NewToken{UserName: user, Name: name})
			if err != nil {
				t.Fatal(err)
			}
			return s, tok
		}

		t.Run("manual", func(t *testing.T) {
			s, tok := issue("api", "manual")
			keep, _ := issue("api", "keep")
			wantCode(t, f.svc.RevokeToken(ctx, editor, tok.ID), errs.Forbidden)
			c.Add(time.Minute)
			if err := f.svc.RevokeToken(ctx, f.admin, tok.ID); err != nil {
				t.Fatal(err)
			}
			_, err := f.svc.UserByToken(ctx, s)
			wantMessage(t, err, "令牌已撤销")
			if _, err := f.svc.UserByToken(ctx, keep); err != nil {
				t.Errorf("the other token: %v", err)
			}
			got, err := f.svc.Token(ctx, tok.ID)
			if err != nil || got.State != auth.TokenRevoked || got.RevokedBy != "admin" || got.RevokeReason != auth.RevokedManually || got.RevokedAt != "2026-03-02T09:01:00Z" {
				t.Errorf("revoked token = %+v, %v", got, err)
			}
			wantCode(t, f.svc.RevokeToken(ctx, f.admin, tok.ID), errs.Conflict)
			wantCode(t, f.svc.RevokeToken(ctx, f.admin, 999999), errs.NotFound)
			if recs, _ := f.svc.AuditLog(ctx, auth.AuditFilter{SiteID: f.site, Action: "token.revoke", Target: fmt.Sprintf("token:%d", tok.ID)}); len(recs) != 1 {
				t.Errorf("audit of the revocation = %+v", recs)
			}
		})

		t.Run("owner revokes own", func(t *testing.T) {
			_, tok := issue("fzk", "own")
			if err := f.svc.RevokeToken(ctx, editor, tok.ID); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("password reset", func(t *testing.T) {
			a, _ := issue("api", "reset-a")
			b, _ := issue("api", "reset-b")
			other, _ := issue("fzk", "other user")
			if err := f.svc.SetPassword(ctx, f.admin, api.ID, "another-password-9"); err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{a, b} {
				_, err := f.svc.UserByToken(ctx, s)
				wantMessage(t, err, "令牌已撤销")
			}
			if _, err := f.svc.UserByToken(ctx, other); err != nil {
				t.Errorf("another user's token after a reset: %v", err)
			}
			for _, tok := range mustTokens(t, f.svc, auth.TokenFilter{UserID: api.ID}) {
				if tok.State != auth.TokenRevoked {
					t.Errorf("after the reset: %+v", tok)
				}
				if tok.Name == "reset-a" && tok.RevokeReason != auth.RevokedPassword {
					t.Errorf("reason = %q", tok.RevokeReason)
				}
			}
		})

		t.Run("disable then enable", func(t *testing.T) {
			s, _ := issue("fzk", "disabled")
			if err := f.svc.SetDisabled(ctx, f.admin, editor.ID, true); err != nil {
				t.Fatal(err)
			}
			_, err := f.svc.UserByToken(ctx, s)
			wantMessage(t, err, "令牌已撤销")
			if err := f.svc.SetDisabled(ctx, f.admin, editor.ID, false); err != nil {
				t.Fatal(err)
			}
			_, err = f.svc.UserByToken(ctx, s)
			wantMessage(t, err, "令牌已撤销")
			// A new token after re-enabling works.
			fresh, _ := issue("fzk", "fresh")
			if _, err := f.svc.UserByToken(ctx, fresh); err != nil {
				t.Errorf("a new token: %v", err)
			}
		})

		t.Run("other site's administrator", func(t *testing.T) {
			otherAdmin, err := f.svc.CreateUser(ctx, f.admin, auth.NewUser{SiteID: f.other, Name: "admin2", Role: auth.Admin, Password: password})
			if err != nil {
				t.Fatal(err)
			}
			_, tok := issue("fzk", "cross-site")
			wantCode(t, f.svc.RevokeToken(ctx, otherAdmin, tok.ID), errs.Forbidden)
			_, _, err = f.svc.IssueToken(ctx, otherAdmin, auth.NewToken{UserName: "fzk"})
			wantCode(t, err, errs.Forbidden)
			if err := f.svc.RevokeToken(ctx, nil, tok.ID); err != nil {
				t.Errorf("the command line: %v", err)
			}
			for _, tok := range mustTokens(t, f.svc, auth.TokenFilter{SiteID: f.other}) {
				if tok.UserSiteID == f.site {
					t.Errorf("the other site lists %+v", tok)
				}
			}
		})

		if bad, err := f.svc.VerifyAudit(ctx); err != nil || bad != 0 {
			t.Errorf("VerifyAudit = %d, %v", bad, err)
		}
	})
}

func mustTokens(t *testing.T, svc *auth.Service, f auth.TokenFilter) []*auth.Token {
	t.Helper()
	list, err := svc.Tokens(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// TestTokenUseAudit: token use writes last_used_at and a token.used audit
// row with the client address, at most once per token per interval, also
// across service instances (another node, a restart) through the stored
// last use.
func TestTokenUseAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := &clock{t: tokenStart}
		f.svc.Now = c.Now
		f.user("api", auth.Office, 0)
		ctx := auth.WithClientIP(context.Background(), "203.0.113.9")
		a, ta, err := f.svc.IssueToken(ctx, f.admin, auth.NewToken{UserName: "api", Name: "a"})
		if err != nil {
			t.Fatal(err)
		}
		b, tb, err := f.svc.IssueToken(ctx, f.admin, auth.NewToken{UserName: "api", Name: "b"})
		if err != nil {
			t.Fatal(err)
		}
		uses := func(tok *auth.Token) []auth.AuditRecord {
			t.Helper()
			recs, err := f.svc.AuditLog(context.Background(), auth.AuditFilter{SiteID: f.site, Action: "token.used", Target: fmt.Sprintf("token:%d", tok.ID)})
			if err != nil {
				t.Fatal(err)
			}
			return recs
		}
		use := func(svc *auth.Service, s string, n int) {
			t.Helper()
			for range n {
				if _, err := svc.UserByToken(ctx, s); err != nil {
					t.Fatal(err)
				}
			}
		}

		use(f.svc, a, 50)
		if r := uses(ta); len(r) != 1 || r[0].IP != "203.0.113.9" || r[0].ActorName != "api" {
			t.Fatalf("after 50 uses: %+v", r)
		}
		if got, _ := f.svc.Token(ctx, ta.ID); got.LastUsedAt != "2026-03-02T09:00:00Z" {
			t.Errorf("last used = %q", got.LastUsedAt)
		}
		use(f.svc, b, 1)
		if len(uses(tb)) != 1 {
			t.Error("the second token's use is throttled with the first's")
		}

		c.Add(59 * time.Minute)
		use(f.svc, a, 10)
		// Another node (or a restart) with an empty memory reads the stored last use.
		node2 := auth.NewService(db)
		node2.Now = c.Now
		use(node2, a, 10)
		if r := uses(ta); len(r) != 1 {
			t.Fatalf("within the hour: %d rows", len(r))
		}

		c.Add(time.Minute)
		use(f.svc, a, 10)
		use(node2, a, 10)
		if r := uses(ta); len(r) != 2 {
			t.Fatalf("after the hour: %d rows", len(r))
		}
		if got, _ := f.svc.Token(ctx, ta.ID); got.LastUsedAt != "2026-03-02T10:00:00Z" {
			t.Errorf("last used = %q", got.LastUsedAt)
		}

		// Concurrent requests of one token write once.
		c.Add(2 * time.Hour)
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				if _, err := f.svc.UserByToken(ctx, b); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if r := uses(tb); len(r) != 2 {
			t.Fatalf("20 concurrent uses wrote %d rows in all, want 2", len(r))
		}
		// Refused tokens write nothing.
		if err := f.svc.RevokeToken(ctx, f.admin, ta.ID); err != nil {
			t.Fatal(err)
		}
		c.Add(2 * time.Hour)
		if _, err := f.svc.UserByToken(ctx, a); err == nil {
			t.Fatal("revoked token accepted")
		}
		if r := uses(ta); len(r) != 2 {
			t.Errorf("a refused token wrote a use: %d rows", len(r))
		}
	})
}

// TestTokenMigration: migration 0009 on a database with tokens from before
// it gives live tokens 90 days from the upgrade and revokes the tokens of
// users disabled at the time (which enabling used to revive).
func TestTokenMigration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		// Back to the schema before 0009.
		for _, q := range []string{`DROP INDEX api_tokens_user`, `ALTER TABLE api_tokens DROP COLUMN expires_at`, `ALTER TABLE api_tokens DROP COLUMN last_used_at`,
			`ALTER TABLE api_tokens DROP COLUMN revoked_by`, `ALTER TABLE api_tokens DROP COLUMN revoke_reason`,
			`DELETE FROM schema_migrations WHERE version = '0009_token_lifecycle.sql'`} {
			if _, err := db.W.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		live := f.user("live", auth.Office, 0)
		off := f.user("off", auth.Office, 0)
		if _, err := db.W.Exec(`UPDATE users SET disabled = 1 WHERE id = $1`, off.ID); err != nil {
			t.Fatal(err)
		}
		for i, row := range []struct {
			user    int64
			revoked string
		}{{live.ID, ""}, {off.ID, ""}, {live.ID, "2025-01-01T00:00:00Z"}} {
			if _, err := db.W.Exec(`INSERT INTO api_tokens (user_id, token_hash, name, created_at, revoked_at) VALUES ($1, $2, $3, '2024-05-01T00:00:00Z', $4)`,
				row.user, fmt.Sprintf("hash%d", i), fmt.Sprintf("t%d", i), row.revoked); err != nil {
				t.Fatal(err)
			}
		}
		before := time.Now().UTC().Truncate(time.Second)
		if applied, err := db.Migrate(ctx); err != nil || len(applied) != 1 {
			t.Fatalf("Migrate = %v, %v", applied, err)
		}
		after := time.Now().UTC()
		got := map[string]*auth.Token{}
		for _, tok := range mustTokens(t, f.svc, auth.TokenFilter{}) {
			got[tok.Name] = tok
		}
		exp := store.ParseTime(got["t0"].ExpiresAt)
		if got["t0"].State != auth.TokenActive || exp.Before(before.Add(auth.DefaultTokenTTL)) || exp.After(after.Add(auth.DefaultTokenTTL)) {
			t.Errorf("live token = %+v", got["t0"])
		}
		if tok := got["t1"]; tok.State != auth.TokenRevoked || tok.RevokeReason != auth.RevokedDisabled || tok.RevokedAt == "" {
			t.Errorf("disabled user's token = %+v", tok)
		}
		if tok := got["t2"]; tok.RevokedAt != "2025-01-01T00:00:00Z" || tok.RevokeReason != "" {
			t.Errorf("revoked token = %+v", tok)
		}
	})
}
