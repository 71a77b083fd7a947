// Package auth holds staff users, their roles and departments, sessions, API
// tokens and the append-only audit log.
package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"gongkai/internal/errs"
	"gongkai/internal/secure"
	"gongkai/internal/store"
)

// Role is what a staff member may do.
type Role string

const (
	// Admin manages users, columns, settings and reads the audit log; it can
	// also do everything the office can.
	Admin Role = "admin"
	// Office is the disclosure office (办公室): reviews and publishes anything.
	Office Role = "office"
	// Editor drafts and manages only their own department's items (谁起草谁公开).
	Editor Role = "editor"
	// Reviewer reviews submitted items of their department (all when unassigned)
	// and returns or endorses them.
	Reviewer Role = "reviewer"
)

// Roles lists every role with its Chinese label, in display order.
var Roles = []struct {
	Role  Role
	Label string
}{
	{Admin, "系统管理员"},
	{Office, "政务公开办公室"},
	{Reviewer, "审核人"},
	{Editor, "科室编辑"},
}

// Label returns the Chinese name of r.
func (r Role) Label() string {
	for _, x := range Roles {
		if x.Role == r {
			return x.Label
		}
	}
	return string(r)
}

// ParseRole accepts a role code.
func ParseRole(s string) (Role, error) {
	for _, x := range Roles {
		if string(x.Role) == s {
			return x.Role, nil
		}
	}
	return "", errs.E(errs.Invalid, "未知角色 %q（可选 admin、office、reviewer、editor）", s)
}

// User is a staff account. SiteID 0 means the user serves every site of the
// deployment (created with the CLI before any site existed, or a platform admin).
type User struct {
	ID           int64
	SiteID       int64
	Name         string
	DisplayName  string
	Role         Role
	DepartmentID int64
	Department   string
	Disabled     bool
	CreatedAt    string
}

// Label is the name shown in logs and pages.
func (u *User) Label() string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Name
}

// ServesSite reports whether u may act on site.
func (u *User) ServesSite(siteID int64) bool { return u.SiteID == 0 || u.SiteID == siteID }

// CanPublish reports whether u may publish, schedule and withdraw any item.
func (u *User) CanPublish() bool { return u.Role == Admin || u.Role == Office }

// CanManageSite reports whether u may manage columns, settings, users, the audit log.
func (u *User) CanManageSite() bool { return u.Role == Admin }

// CanEditDepartment reports whether u may draft and edit items owned by dept
// (谁起草谁公开: editors only their own department).
func (u *User) CanEditDepartment(dept int64) bool {
	switch u.Role {
	case Admin, Office:
		return true
	case Editor:
		return u.DepartmentID != 0 && u.DepartmentID == dept
	}
	return false
}

// CanReviewDepartment reports whether u may return or endorse items of dept.
func (u *User) CanReviewDepartment(dept int64) bool {
	switch u.Role {
	case Admin, Office:
		return true
	case Reviewer:
		return u.DepartmentID == 0 || u.DepartmentID == dept
	}
	return false
}

// Service stores users, sessions, tokens and the audit log.
type Service struct {
	DB *store.DB
	// SessionTTL is how long a session lives without being renewed.
	SessionTTL time.Duration
	// Now is the clock of token expiry and use (time.Now when nil); tests fix it.
	Now func() time.Time
	// TokenUseEvery is how often a token's use is written (last_used_at and a
	// token.used audit row): at most once per token per interval.
	TokenUseEvery time.Duration

	// tokenUse is shared by copies of the Service (a pointer, set by NewService).
	tokenUse *tokenUse
}

// NewService returns a Service with default settings.
func NewService(db *store.DB) *Service {
	return &Service{DB: db, SessionTTL: 8 * time.Hour, TokenUseEvery: time.Hour, tokenUse: &tokenUse{}}
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// ErrNotFound is returned when a user, session or token does not exist.
var ErrNotFound = errs.E(errs.NotFound, "用户不存在")

const userCols = `u.id, COALESCE(u.site_id, 0), u.name, u.display_name, u.role, COALESCE(u.department_id, 0), COALESCE(d.name, ''), u.disabled, u.created_at`

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	var u User
	var disabled int
	if err := row.Scan(&u.ID, &u.SiteID, &u.Name, &u.DisplayName, &u.Role, &u.DepartmentID, &u.Department, &disabled, &u.CreatedAt); err != nil {
		return nil, err
	}
	u.Disabled = disabled != 0
	return &u, nil
}

// NewUser is the input for creating a user.
type NewUser struct {
	SiteID      int64
	Name        string
	DisplayName string
	Role        Role
	// Department is a department name or abbreviation of the site (required for editors).
	DepartmentID int64
	Password     string
	// PasswordHash, when set, is stored instead of hashing Password (the demo
	// loader hashes its one shared password once).
	PasswordHash string
}

// CreateUser validates and stores a user.
func (s *Service) CreateUser(ctx context.Context, actor *User, in NewUser) (*User, error) {
	v := errs.Validation{}
	in.Name = strings.TrimSpace(in.Name)
	// The limit is in characters, as the message says: Chinese login names are allowed.
	// Any space (full-width too) or control character is refused, not only ASCII ones.
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 64 || strings.ContainsRune(in.Name, '/') ||
		strings.IndexFunc(in.Name, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		v.Add("name", "请填写登录名（不含空格和斜杠，64 个字符以内）")
	}
	if _, err := ParseRole(string(in.Role)); err != nil {
		v.Add("role", "请选择角色")
	}
	if in.Role == Editor && in.DepartmentID == 0 {
		v.Add("department_id", "科室编辑必须属于一个科室")
	}
	if in.PasswordHash == "" {
		if err := secure.ValidatePassword(in.Password); err != nil {
			v.Add("password", errs.MessageOf(err))
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	hash := in.PasswordHash
	if hash == "" {
		var err error
		if hash, err = secure.HashPassword(in.Password); err != nil {
			return nil, errs.Wrap(err, "hash password")
		}
	}
	var id int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if in.DepartmentID != 0 {
			var site int64
			if err := tx.QueryRowContext(ctx, `SELECT site_id FROM departments WHERE id = $1`, in.DepartmentID).Scan(&site); err != nil {
				return errs.E(errs.Invalid, "科室不存在")
			}
			in.SiteID = site
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO users (site_id, name, display_name, password_hash, role, department_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			nullID(in.SiteID), in.Name, in.DisplayName, hash, string(in.Role), nullID(in.DepartmentID), store.Now()).Scan(&id)
		if store.IsUniqueViolation(err) {
			return &errs.Error{Code: errs.Conflict, Message: "登录名已被使用", Fields: map[string]string{"name": "登录名已被使用"}}
		}
		if err != nil {
			return errs.Wrap(err, "insert user")
		}
		return Audit(ctx, tx, s.DB.Dialect, Entry{SiteID: in.SiteID, Actor: actor, Action: "user.create", Target: fmt.Sprintf("user:%d", id),
			After: map[string]any{"name": in.Name, "role": in.Role, "department_id": in.DepartmentID}})
	})
	if err != nil {
		return nil, err
	}
	return s.User(ctx, id)
}

// SetDisabled enables or disables a user; disabling ends their sessions and
// revokes their API tokens.
func (s *Service) SetDisabled(ctx context.Context, actor *User, id int64, disabled bool) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userCols+` FROM users u LEFT JOIN departments d ON d.id = u.department_id WHERE u.id = $1`, id))
		if err != nil {
			return ErrNotFound
		}
		v := 0
		if disabled {
			v = 1
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled = $1 WHERE id = $2`, v, id); err != nil {
			return errs.Wrap(err, "disable user")
		}
		after := map[string]any{"disabled": disabled}
		if disabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
				return errs.Wrap(err, "drop sessions")
			}
			// Revoked, not suspended: enabling the user again does not revive them.
			n, err := s.revokeUserTokens(ctx, tx, actor, id, RevokedDisabled)
			if err != nil {
				return err
			}
			if n > 0 {
				after["tokens_revoked"] = n
			}
		}
		action := "user.disable"
		if !disabled {
			action = "user.enable"
		}
		return Audit(ctx, tx, s.DB.Dialect, Entry{SiteID: u.SiteID, Actor: actor, Action: action, Target: fmt.Sprintf("user:%d", id),
			Before: map[string]any{"disabled": u.Disabled}, After: after})
	})
}

// SetPassword replaces a user's password, ends their sessions and revokes their API tokens.
func (s *Service) SetPassword(ctx context.Context, actor *User, id int64, password string) error {
	if err := secure.ValidatePassword(password); err != nil {
		return &errs.Error{Code: errs.Invalid, Message: errs.MessageOf(err), Fields: map[string]string{"password": errs.MessageOf(err)}}
	}
	hash, err := secure.HashPassword(password)
	if err != nil {
		return errs.Wrap(err, "hash password")
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		// The entry belongs to the user's site, so other sites' logs do not list it.
		var site int64
		err := tx.QueryRowContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2 RETURNING COALESCE(site_id, 0)`, hash, id).Scan(&site)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return errs.Wrap(err, "set password")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
			return errs.Wrap(err, "drop sessions")
		}
		// A reset is what one does after a leak: the user's API tokens go too.
		n, err := s.revokeUserTokens(ctx, tx, actor, id, RevokedPassword)
		if err != nil {
			return err
		}
		var after any
		if n > 0 {
			after = map[string]any{"tokens_revoked": n}
		}
		return Audit(ctx, tx, s.DB.Dialect, Entry{SiteID: site, Actor: actor, Action: "user.password", Target: fmt.Sprintf("user:%d", id), After: after})
	})
}

// User loads a user by id.
func (s *Service) User(ctx context.Context, id int64) (*User, error) {
	u, err := scanUser(s.DB.R.QueryRowContext(ctx, `SELECT `+userCols+` FROM users u LEFT JOIN departments d ON d.id = u.department_id WHERE u.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, errs.Wrap(err, "load user")
	}
	return u, nil
}

// UserByName loads a user by login name.
func (s *Service) UserByName(ctx context.Context, name string) (*User, error) {
	u, err := scanUser(s.DB.R.QueryRowContext(ctx, `SELECT `+userCols+` FROM users u LEFT JOIN departments d ON d.id = u.department_id WHERE u.name = $1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, errs.Wrap(err, "load user")
	}
	return u, nil
}

// Users lists the users serving site (and the deployment-wide ones).
func (s *Service) Users(ctx context.Context, siteID int64) ([]*User, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+userCols+` FROM users u LEFT JOIN departments d ON d.id = u.department_id
		WHERE u.site_id = $1 OR u.site_id IS NULL ORDER BY u.role, u.name`, siteID)
	if err != nil {
		return nil, errs.Wrap(err, "list users")
	}
	defer rows.Close()
	var out []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan user")
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// ErrBadLogin is the one message for a wrong name or password, so names
// cannot be probed.
var ErrBadLogin = errs.E(errs.Unauthorized, "登录名或密码错误")

// Authenticate checks a name and password. At most secure.HashConcurrency
// checks run at once; when no slot comes free in time it returns
// secure.ErrBusy (errs.TooMany), which is not a wrong password.
func (s *Service) Authenticate(ctx context.Context, name, password string) (*User, error) {
	var hash string
	var id int64
	var disabled int
	err := s.DB.R.QueryRowContext(ctx, `SELECT id, password_hash, disabled FROM users WHERE name = $1`, name).Scan(&id, &hash, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		// Spend the same time as a real check (and be as busy).
		if _, err := secure.CheckPasswordContext(ctx, dummyHash(), password); errors.Is(err, secure.ErrBusy) {
			return nil, err
		}
		return nil, ErrBadLogin
	}
	if err != nil {
		return nil, errs.Wrap(err, "login")
	}
	ok, err := secure.CheckPasswordContext(ctx, hash, password)
	if errors.Is(err, secure.ErrBusy) {
		// Every hashing slot is taken: try again later (not a failed login).
		return nil, err
	}
	// argon2id took its memory (19 MiB, secure.PasswordParams); give it back to the system now rather than in
	// minutes (logins are rare, an idle server should stay small).
	go debug.FreeOSMemory()
	if err != nil || !ok || disabled != 0 {
		return nil, ErrBadLogin
	}
	return s.User(ctx, id)
}

// AuditLogin records a login on site in the audit log, with the client
// address the context carries (WithClientIP): auth.login for user u, or
// auth.login_failed for a refused name (u nil; the name as typed, cut to 64
// characters, is the target).
func (s *Service) AuditLogin(ctx context.Context, siteID int64, name string, u *User) error {
	e := Entry{SiteID: siteID, Actor: u, Action: "auth.login"}
	if u != nil {
		e.Target = fmt.Sprintf("user:%d", u.ID)
	} else {
		// The name is whatever was typed: keep it printable and short.
		name = strings.Map(func(c rune) rune {
			if unicode.IsControl(c) {
				return -1
			}
			return c
		}, strings.ToValidUTF8(name, "\uFFFD"))
		if r := []rune(name); len(r) > 64 {
			name = string(r[:64])
		}
		e.Action, e.ActorName, e.Target = "auth.login_failed", "未登录访客", "login:"+name
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error { return Audit(ctx, tx, s.DB.Dialect, e) })
}

// dummyHash is checked for unknown names so they take as long as real ones;
// computed on first use, not at start-up.
var dummyHash = sync.OnceValue(func() string {
	h, _ := secure.HashPassword("gongkai-dummy-password")
	return h
})

// Session is a logged-in browser.
type Session struct {
	User *User
	CSRF string
}

// CreateSession starts a session and returns its secret id (for the cookie).
func (s *Service) CreateSession(ctx context.Context, u *User) (id string, sess *Session, err error) {
	id = secure.Token(32)
	csrf := secure.Token(32)
	now := time.Now()
	_, err = s.DB.W.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		secure.HashToken(id), u.ID, csrf, store.FormatTime(now), store.FormatTime(now.Add(s.SessionTTL)))
	if err != nil {
		return "", nil, errs.Wrap(err, "create session")
	}
	return id, &Session{User: u, CSRF: csrf}, nil
}

// SessionByID loads a live session; expired ones are not found.
func (s *Service) SessionByID(ctx context.Context, id string) (*Session, error) {
	var userID int64
	var csrf, expires string
	err := s.DB.R.QueryRowContext(ctx, `SELECT user_id, csrf, expires_at FROM sessions WHERE id_hash = $1`, secure.HashToken(id)).Scan(&userID, &csrf, &expires)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && expires <= store.Now()) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, errs.Wrap(err, "load session")
	}
	u, err := s.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, ErrNotFound
	}
	return &Session{User: u, CSRF: csrf}, nil
}

// DeleteSession ends a session (logout).
func (s *Service) DeleteSession(ctx context.Context, id string) error {
	_, err := s.DB.W.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, secure.HashToken(id))
	return errs.Wrap(err, "delete session")
}

// PurgeSessions deletes expired sessions.
func (s *Service) PurgeSessions(ctx context.Context) error {
	_, err := s.DB.W.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, store.Now())
	return errs.Wrap(err, "purge sessions")
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
