package auth

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// Entry is one staff action for the audit log.
type Entry struct {
	SiteID int64
	// Actor is nil for the command line and the system (scheduled publishing).
	Actor *User
	// ActorName names an actor who is not a user (a failed login); when
	// empty and Actor is nil, the row reads 命令行/系统.
	ActorName string
	Action    string
	Target    string
	Before    any
	After     any
	// IP is the client address; when empty, Audit takes it from ctx (see WithClientIP).
	IP string
}

type clientIPKey struct{}

// WithClientIP returns a context that carries the client's address, which
// Audit records for entries that do not name one. The web layer sets it per
// request (from X-Forwarded-For only behind a trusted proxy, --trusted-proxies).
func WithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, clientIPKey{}, ip)
}

// ClientIP returns the client address carried by ctx ("" when none).
func ClientIP(ctx context.Context) string {
	ip, _ := ctx.Value(clientIPKey{}).(string)
	return ip
}

// AuditRecord is a stored audit log row.
type AuditRecord struct {
	ID        int64
	SiteID    int64
	ActorName string
	Action    string
	Target    string
	Before    string
	After     string
	IP        string
	CreatedAt string
	PrevHash  string
	Hash      string
}

// Audit appends e to the audit log inside tx. Rows are hash-chained: each
// hash covers the previous hash and the row, so editing or deleting a row
// (which triggers also forbid) breaks VerifyAudit.
func Audit(ctx context.Context, tx *sql.Tx, d store.Dialect, e Entry) error {
	if b, ok := ctx.Value(auditBufferKey{}).(*AuditBuffer); ok && b.tx == tx {
		// Held to the transaction's end (BufferAudit): what it records is
		// fixed now, its place in the chain when it is written.
		if e.IP == "" {
			e.IP = ClientIP(ctx)
		}
		b.entries = append(b.entries, bufferedEntry{e: e, before: jsonText(e.Before), after: jsonText(e.After)})
		return nil
	}
	return audit(ctx, tx, d, e, jsonText(e.Before), jsonText(e.After))
}

// AuditBuffer holds a transaction's audit entries until Flush writes them,
// just before the commit (BufferAudit).
type AuditBuffer struct {
	tx      *sql.Tx
	entries []bufferedEntry
}

type bufferedEntry struct {
	e             Entry
	before, after string
}

type auditBufferKey struct{}

// BufferAudit makes Audit calls on tx through the returned context wait
// in the buffer until Flush, which the transaction calls last (issue 17:
// on PostgreSQL the chain's lock is held from the first entry to the
// commit, so a create + publish that audited after its INSERT held every
// other audited write of the platform through its submit and publish
// steps). The entries keep their order; each is chained when written.
func BufferAudit(ctx context.Context, tx *sql.Tx) (context.Context, *AuditBuffer) {
	b := &AuditBuffer{tx: tx}
	return context.WithValue(ctx, auditBufferKey{}, b), b
}

// Flush writes the buffered entries, in order, to the chain.
func (b *AuditBuffer) Flush(ctx context.Context, d store.Dialect) error {
	entries := b.entries
	b.entries = nil
	for _, x := range entries {
		if err := audit(ctx, b.tx, d, x.e, x.before, x.after); err != nil {
			return err
		}
	}
	return nil
}

func audit(ctx context.Context, tx *sql.Tx, d store.Dialect, e Entry, before, after string) error {
	if d == store.Postgres {
		// Serialise writers of the chain; SQLite write transactions already are.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, store.AuditLock); err != nil {
			return errs.Wrap(err, "audit lock")
		}
	}
	if e.IP == "" {
		e.IP = ClientIP(ctx)
	}
	var prev string
	err := tx.QueryRowContext(ctx, `SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1`).Scan(&prev)
	if err != nil && err != sql.ErrNoRows {
		return errs.Wrap(err, "audit chain")
	}
	r := AuditRecord{SiteID: e.SiteID, ActorName: "命令行/系统", Action: e.Action, Target: e.Target,
		Before: before, After: after, IP: e.IP, CreatedAt: store.Now(), PrevHash: prev}
	var actorID any
	if e.Actor != nil {
		actorID = e.Actor.ID
		r.ActorName = e.Actor.Name
	} else if e.ActorName != "" {
		r.ActorName = e.ActorName
	}
	r.Hash = r.computeHash()
	var site any
	if e.SiteID != 0 {
		site = e.SiteID
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (site_id, actor_id, actor_name, action, target, before_json, after_json, ip, created_at, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		site, actorID, r.ActorName, r.Action, r.Target, r.Before, r.After, r.IP, r.CreatedAt, r.PrevHash, r.Hash)
	return errs.Wrap(err, "audit insert")
}

func (r *AuditRecord) computeHash() string {
	h := sha256.New()
	for _, s := range []string{r.PrevHash, fmt.Sprint(r.SiteID), r.ActorName, r.Action, r.Target, r.Before, r.After, r.IP, r.CreatedAt} {
		fmt.Fprintf(h, "%d:%s|", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func jsonText(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// AuditFilter selects audit rows.
type AuditFilter struct {
	SiteID int64
	Actor  string
	Action string
	Target string
	Before int64 // rows with id < Before, for paging; 0 = newest
	Limit  int
}

// AuditLog lists audit rows newest first.
func (s *Service) AuditLog(ctx context.Context, f AuditFilter) ([]AuditRecord, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	where := []string{"(site_id = $1 OR site_id IS NULL)"}
	args := []any{f.SiteID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.Actor != "" {
		add("actor_name = $%d", f.Actor)
	}
	if len(f.Action) > 100 {
		// Action names are short ("item.publish"); a longer prefix matches
		// nothing, and past 50,000 bytes SQLite refuses the LIKE pattern (a
		// 500 the attack corpus found).
		return nil, errs.E(errs.Invalid, "操作名称不能超过 100 个字符")
	}
	if f.Action != "" {
		// A prefix match: "item." finds every item action. The prefix's own
		// % and _ are literal (an action named "item_x" must not match "itemAx").
		// Actions are lower case; lowering the prefix makes PostgreSQL's
		// case-sensitive LIKE answer as SQLite's ASCII-insensitive one does.
		add(`action LIKE $%d ESCAPE '\'`, strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(f.Action))+"%")
	}
	if f.Target != "" {
		add("target = $%d", f.Target)
	}
	if f.Before > 0 {
		add("id < $%d", f.Before)
	}
	args = append(args, f.Limit)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, COALESCE(site_id, 0), actor_name, action, target, before_json, after_json, ip, created_at, prev_hash, hash
		FROM audit_log WHERE `+strings.Join(where, " AND ")+fmt.Sprintf(` ORDER BY id DESC LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, errs.Wrap(err, "audit list")
	}
	defer rows.Close()
	var out []AuditRecord
	for rows.Next() {
		var r AuditRecord
		if err := rows.Scan(&r.ID, &r.SiteID, &r.ActorName, &r.Action, &r.Target, &r.Before, &r.After, &r.IP, &r.CreatedAt, &r.PrevHash, &r.Hash); err != nil {
			return nil, errs.Wrap(err, "audit scan")
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// VerifyAudit walks the whole chain and returns the id of the first row
// whose hash does not match (0 when the chain is intact).
func (s *Service) VerifyAudit(ctx context.Context) (badID int64, err error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, COALESCE(site_id, 0), actor_name, action, target, before_json, after_json, ip, created_at, prev_hash, hash FROM audit_log ORDER BY id`)
	if err != nil {
		return 0, errs.Wrap(err, "audit verify")
	}
	defer rows.Close()
	prev := ""
	for rows.Next() {
		var r AuditRecord
		if err := rows.Scan(&r.ID, &r.SiteID, &r.ActorName, &r.Action, &r.Target, &r.Before, &r.After, &r.IP, &r.CreatedAt, &r.PrevHash, &r.Hash); err != nil {
			return 0, errs.Wrap(err, "audit scan")
		}
		if r.PrevHash != prev || r.computeHash() != r.Hash {
			return r.ID, nil
		}
		prev = r.Hash
	}
	return 0, rows.Err()
}
