package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/secure"
	"gongkai/internal/store"
)

// API tokens (issue 16 §7): every token expires, can be revoked, and is
// revoked with its user's password reset or disabling, so re-enabling a user
// does not bring old tokens back. Their use is written at most once per token
// per Service.TokenUseEvery.
const (
	// DefaultTokenTTL is a new token's lifetime unless another is asked for.
	DefaultTokenTTL = 90 * 24 * time.Hour
	// MaxTokenTTL bounds any token's lifetime: a leaked token stops working
	// within a year even if nobody revokes it.
	MaxTokenTTL = 366 * 24 * time.Hour
)

// Why a token was revoked.
const (
	RevokedManually  = "manual"
	RevokedPassword  = "password"
	RevokedDisabled  = "disabled"
	cliActorName     = "命令行/系统"
	maxTokenNameRune = 100
)

// TokenState is a token's state at a given instant.
type TokenState string

// The states of a token.
const (
	TokenActive  TokenState = "active"
	TokenExpired TokenState = "expired"
	TokenRevoked TokenState = "revoked"
)

// Label is the state's Chinese name.
func (s TokenState) Label() string {
	switch s {
	case TokenActive:
		return "有效"
	case TokenExpired:
		return "已过期"
	case TokenRevoked:
		return "已撤销"
	}
	return string(s)
}

// The messages a refused bearer token gets (401).
var (
	ErrTokenInvalid = errs.E(errs.Unauthorized, "访问令牌无效")
	ErrTokenExpired = errs.E(errs.Unauthorized, "令牌已过期")
	ErrTokenRevoked = errs.E(errs.Unauthorized, "令牌已撤销")
	errTokenMissing = errs.E(errs.NotFound, "令牌不存在")
)

// Token is a stored API token (never its secret). Instants are in storage
// format; LastUsedAt is at most TokenUseEvery behind the real last use.
type Token struct {
	ID           int64
	UserID       int64
	UserName     string
	UserSiteID   int64
	Name         string
	CreatedAt    string
	ExpiresAt    string
	LastUsedAt   string
	RevokedAt    string
	RevokedBy    string
	RevokeReason string
	// State is computed at loading time with the service's clock.
	State TokenState
}

// ReasonLabel says in Chinese why the token was revoked ("" if it was not).
func (t *Token) ReasonLabel() string {
	switch t.RevokeReason {
	case RevokedManually:
		return "手动撤销"
	case RevokedPassword:
		return "重置密码"
	case RevokedDisabled:
		return "停用用户"
	}
	return t.RevokeReason
}

// NewToken is the input for issuing a token.
type NewToken struct {
	UserName string
	Name     string
	// ExpiresAt is when the token stops working; when zero, Expires is read
	// (see ParseTokenExpiry; "" is DefaultTokenTTL from now).
	ExpiresAt time.Time
	Expires   string
}

// ParseTokenExpiry reads an expiry as typed on the command line or in the
// back office: "" (the default, 90 days), a number of days ("30d" or "30"),
// or the last valid day ("2027-06-30": the token works through that day,
// Beijing time).
func ParseTokenExpiry(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return now.Add(DefaultTokenTTL), nil
	}
	if n, err := strconv.Atoi(strings.TrimSuffix(s, "d")); err == nil {
		if n < 1 || time.Duration(n)*24*time.Hour > MaxTokenTTL {
			return time.Time{}, errs.E(errs.Invalid, "有效期应为 1 至 366 天")
		}
		return now.Add(time.Duration(n) * 24 * time.Hour), nil
	}
	d, err := calendar.Parse(s)
	if err != nil {
		return time.Time{}, errs.E(errs.Invalid, "有效期格式应为天数（如 90d）或截止日期（如 2027-06-30）")
	}
	y, m, day := d.Time().Date()
	return time.Date(y, m, day+1, 0, 0, 0, 0, calendar.Beijing), nil
}

// mayManageTokens reports whether actor may issue and revoke owner's tokens:
// the command line (nil), the owner, or an administrator serving the
// owner's site.
func mayManageTokens(actor, owner *User) bool {
	if actor == nil || actor.ID == owner.ID {
		return true
	}
	return actor.CanManageSite() && (actor.SiteID == 0 || owner.SiteID == 0 || actor.SiteID == owner.SiteID)
}

// CreateToken issues a token for user name with the default lifetime.
func (s *Service) CreateToken(ctx context.Context, actor *User, userName, label string) (string, error) {
	secret, _, err := s.IssueToken(ctx, actor, NewToken{UserName: userName, Name: label})
	return secret, err
}

// IssueToken issues an API token; only its hash is stored, so the returned
// secret is shown once.
func (s *Service) IssueToken(ctx context.Context, actor *User, in NewToken) (string, *Token, error) {
	now := s.now()
	in.Name = strings.TrimSpace(in.Name)
	v := errs.Validation{}
	if utf8.RuneCountInString(in.Name) > maxTokenNameRune || strings.ContainsFunc(in.Name, func(r rune) bool { return r < ' ' }) {
		v.Add("name", fmt.Sprintf("令牌用途不超过 %d 个字符，不含控制字符", maxTokenNameRune))
	}
	if in.ExpiresAt.IsZero() {
		at, err := ParseTokenExpiry(in.Expires, now)
		if err != nil {
			v.Add("expires", errs.MessageOf(err))
		}
		in.ExpiresAt = at
	}
	if in.ExpiresAt.IsZero() {
		// Already explained.
	} else if !in.ExpiresAt.After(now) {
		v.Add("expires", "有效期必须晚于当前时间")
	} else if in.ExpiresAt.Sub(now) > MaxTokenTTL+24*time.Hour {
		// A day of slack: "the last valid day" ends at midnight Beijing time.
		v.Add("expires", "有效期最长一年")
	}
	u, err := s.UserByName(ctx, strings.TrimSpace(in.UserName))
	if errors.Is(err, ErrNotFound) {
		v.Add("user", "用户不存在")
	} else if err != nil {
		return "", nil, err
	} else {
		if !mayManageTokens(actor, u) {
			return "", nil, errs.E(errs.Forbidden, "无权为该用户创建令牌")
		}
		if u.Disabled {
			v.Add("user", "该用户已停用")
		}
	}
	if err := v.Err(); err != nil {
		if len(v) == 1 && v["user"] == "用户不存在" {
			// The CLI's message for an unknown name, as before.
			return "", nil, &errs.Error{Code: errs.NotFound, Message: "用户不存在", Fields: v}
		}
		return "", nil, err
	}
	secret := "gk_" + secure.Token(32)
	var id int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, token_hash, name, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			u.ID, secure.HashToken(secret), in.Name, store.FormatTime(now), store.FormatTime(in.ExpiresAt)).Scan(&id); err != nil {
			return errs.Wrap(err, "insert token")
		}
		return Audit(ctx, tx, s.DB.Dialect, Entry{SiteID: u.SiteID, Actor: actor, Action: "token.create", Target: fmt.Sprintf("token:%d", id),
			After: map[string]any{"user": u.Name, "name": in.Name, "expires_at": store.FormatTime(in.ExpiresAt)}})
	})
	if err != nil {
		return "", nil, err
	}
	t, err := s.Token(ctx, id)
	if err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

const tokenCols = `t.id, t.user_id, u.name, COALESCE(u.site_id, 0), t.name, t.created_at, t.expires_at, t.last_used_at, t.revoked_at, t.revoked_by, t.revoke_reason`

func (s *Service) scanToken(row interface{ Scan(...any) error }, now string) (*Token, error) {
	var t Token
	if err := row.Scan(&t.ID, &t.UserID, &t.UserName, &t.UserSiteID, &t.Name, &t.CreatedAt, &t.ExpiresAt, &t.LastUsedAt, &t.RevokedAt, &t.RevokedBy, &t.RevokeReason); err != nil {
		return nil, err
	}
	t.State = tokenState(t.RevokedAt, t.ExpiresAt, now)
	return &t, nil
}

// tokenState: a token without an expiry cannot come from IssueToken (the
// migration gave older ones one), so it counts as expired.
func tokenState(revokedAt, expiresAt, now string) TokenState {
	switch {
	case revokedAt != "":
		return TokenRevoked
	case expiresAt == "" || expiresAt <= now:
		return TokenExpired
	}
	return TokenActive
}

// Token loads a token by id.
func (s *Service) Token(ctx context.Context, id int64) (*Token, error) {
	t, err := s.scanToken(s.DB.R.QueryRowContext(ctx, `SELECT `+tokenCols+` FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1`, id),
		store.FormatTime(s.now()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errTokenMissing
	}
	if err != nil {
		return nil, errs.Wrap(err, "load token")
	}
	return t, nil
}

// TokenFilter selects tokens for a list.
type TokenFilter struct {
	// SiteID lists the tokens of users serving that site (and of
	// deployment-wide users); 0 lists every site's.
	SiteID int64
	// UserID, when set, lists one user's tokens.
	UserID int64
}

// Tokens lists tokens newest first (at most 1,000).
func (s *Service) Tokens(ctx context.Context, f TokenFilter) ([]*Token, error) {
	where := []string{"1 = 1"}
	var args []any
	if f.SiteID != 0 {
		args = append(args, f.SiteID)
		where = append(where, fmt.Sprintf("(u.site_id = $%d OR u.site_id IS NULL)", len(args)))
	}
	if f.UserID != 0 {
		args = append(args, f.UserID)
		where = append(where, fmt.Sprintf("t.user_id = $%d", len(args)))
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+tokenCols+` FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY t.id DESC LIMIT 1000`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "list tokens")
	}
	defer rows.Close()
	now := store.FormatTime(s.now())
	var out []*Token
	for rows.Next() {
		t, err := s.scanToken(rows, now)
		if err != nil {
			return nil, errs.Wrap(err, "scan token")
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes one token. Revoking a revoked token is a conflict.
func (s *Service) RevokeToken(ctx context.Context, actor *User, id int64) error {
	t, err := s.Token(ctx, id)
	if err != nil {
		return err
	}
	owner, err := s.User(ctx, t.UserID)
	if err != nil {
		return err
	}
	if !mayManageTokens(actor, owner) {
		return errs.E(errs.Forbidden, "无权撤销该令牌")
	}
	now := store.FormatTime(s.now())
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1, revoked_by = $2, revoke_reason = $3 WHERE id = $4 AND revoked_at = ''`,
			now, actorName(actor), RevokedManually, id)
		if err != nil {
			return errs.Wrap(err, "revoke token")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, "令牌已撤销")
		}
		return Audit(ctx, tx, s.DB.Dialect, Entry{SiteID: owner.SiteID, Actor: actor, Action: "token.revoke", Target: fmt.Sprintf("token:%d", id),
			Before: map[string]any{"state": t.State}, After: map[string]any{"user": owner.Name, "name": t.Name, "state": TokenRevoked}})
	})
}

// revokeUserTokens revokes every live token of a user inside tx (a
// password reset or disabling) and returns how many it revoked.
func (s *Service) revokeUserTokens(ctx context.Context, tx *sql.Tx, actor *User, userID int64, reason string) (int64, error) {
	res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1, revoked_by = $2, revoke_reason = $3 WHERE user_id = $4 AND revoked_at = ''`,
		store.FormatTime(s.now()), actorName(actor), reason, userID)
	if err != nil {
		return 0, errs.Wrap(err, "revoke tokens")
	}
	n, _ := res.RowsAffected()
	return n, nil
}

func actorName(actor *User) string {
	if actor == nil {
		return cliActorName
	}
	return actor.Name
}

// UserByToken resolves a bearer token. Expired and revoked tokens are
// refused with their own messages; the use is recorded (see noteTokenUse).
func (s *Service) UserByToken(ctx context.Context, secret string) (*User, error) {
	if secret == "" {
		return nil, ErrTokenInvalid
	}
	var id, userID int64
	var expiresAt, revokedAt, lastUsed, name string
	err := s.DB.R.QueryRowContext(ctx, `SELECT id, user_id, name, expires_at, revoked_at, last_used_at FROM api_tokens WHERE token_hash = $1`,
		secure.HashToken(secret)).Scan(&id, &userID, &name, &expiresAt, &revokedAt, &lastUsed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrTokenInvalid
	}
	if err != nil {
		return nil, errs.Wrap(err, "load token")
	}
	now := s.now()
	switch tokenState(revokedAt, expiresAt, store.FormatTime(now)) {
	case TokenRevoked:
		return nil, ErrTokenRevoked
	case TokenExpired:
		return nil, ErrTokenExpired
	}
	u, err := s.User(ctx, userID)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrTokenRevoked
	}
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		// Disabling revokes; this covers a user disabled by hand in the database.
		return nil, ErrTokenRevoked
	}
	if err := s.noteTokenUse(ctx, u, id, name, lastUsed, now); err != nil {
		return nil, err
	}
	return u, nil
}

// tokenUse remembers when each token's use was last written, so a busy
// integration costs one write per token per interval, not one per request.
// It holds one entry per token that was used (tokens are few: an
// administrator issues each one).
type tokenUse struct {
	mu   sync.Mutex
	last map[int64]time.Time
}

// noteTokenUse writes last_used_at and a token.used audit row (with the
// client address from ctx) unless the token's use was written less than
// TokenUseEvery ago — by this process (in memory) or by another node or an
// earlier run (the stored last_used_at).
func (s *Service) noteTokenUse(ctx context.Context, u *User, id int64, name, lastUsed string, now time.Time) error {
	every := s.TokenUseEvery
	if every <= 0 {
		every = time.Hour
	}
	mem := s.tokenUse
	if mem == nil {
		// A Service not made by NewService: the stored last use alone throttles.
		mem = &tokenUse{}
	}
	mem.mu.Lock()
	if mem.last == nil {
		mem.last = map[int64]time.Time{}
	}
	prev, ok := mem.last[id]
	if stored := store.ParseTime(lastUsed); !ok || stored.After(prev) {
		prev, ok = stored, lastUsed != ""
	}
	if ok && now.Sub(prev) < every && !now.Before(prev) {
		mem.last[id] = prev
		mem.mu.Unlock()
		return nil
	}
	mem.last[id] = now
	mem.mu.Unlock()

	at := store.FormatTime(now)
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, at, id); err != nil {
			return errs.Wrap(err, "token last use")
		}
		return Audit(ctx, tx, s.DB.Dialect, Entry{SiteID: u.SiteID, Actor: u, Action: "token.used", Target: fmt.Sprintf("token:%d", id),
			After: map[string]any{"name": name}})
	})
	if err != nil {
		// Not written: let the next request try again.
		mem.mu.Lock()
		delete(mem.last, id)
		mem.mu.Unlock()
	}
	return err
}
