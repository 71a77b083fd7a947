// Package store opens the database (embedded SQLite or PostgreSQL), runs the
// migrations and offers the few helpers every domain package shares. Domain
// packages write their own SQL with $N placeholders; the same text runs on both
// engines (modernc SQLite binds $N like PostgreSQL).
package store

import (
	"cmp"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// Dialect names the SQL engine behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is the database handle shared by all domain packages. Reads go to R; all
// writes go to W. On SQLite W is a one-connection pool so writers queue in Go
// instead of failing with SQLITE_BUSY; on PostgreSQL both are the same pool.
type DB struct {
	R, W    *sql.DB
	Dialect Dialect
	// Path is the SQLite file ("" for PostgreSQL); backups need it.
	Path string
	// dsn is the PostgreSQL primary's (UseReplicas opens more of it).
	dsn string
	// replicas route marked reads to hot standbys (replica.go); nil
	// without.
	replicas *replicas
}

// Open opens dsn: a postgres:// URL, or a path to an SQLite file.
func Open(ctx context.Context, dsn string) (*DB, error) {
	return OpenWith(ctx, dsn, Options{})
}

// Options tune OpenWith for one process's use of the database.
type Options struct {
	// CacheKiB is SQLite's page cache per connection (0: 16,000 KiB). A
	// one-pass batch job such as `gongkai check` reads each page once and
	// needs little: at 100,000 items 2,000 KiB keeps its peak under 100 MB
	// (issue 17). `serve` opens with 2,000 KiB too: its nine connections'
	// caches were most of its memory, and the operating system's file cache
	// serves the rest of the reads about as fast (docs/BENCHMARKS.md).
	CacheKiB int
}

// OpenWith is Open with options; PostgreSQL ignores CacheKiB.
func OpenWith(ctx context.Context, dsn string, o Options) (*DB, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, dsn, cmp.Or(o.CacheKiB, 16000))
}

func openSQLite(ctx context.Context, path string, cacheKiB int) (*DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(ON)", "synchronous(NORMAL)", fmt.Sprintf("cache_size(-%d)", cacheKiB)} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	dsn := "file:" + abs + "?" + q.Encode()
	w, err := sql.Open(cachingDriverName, dsn)
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open(cachingDriverName, dsn)
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	db := &DB{R: r, W: w, Dialect: SQLite, Path: abs}
	if err := w.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", abs, err)
	}
	return db, nil
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	p, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	p.SetMaxOpenConns(20)
	p.SetMaxIdleConns(10)
	p.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := p.PingContext(pctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("connect postgres: %w", err)
	}
	return &DB{R: p, W: p, Dialect: Postgres, dsn: dsn}, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	if db.replicas != nil {
		db.replicas.close()
	}
	err := db.W.Close()
	if db.R != db.W {
		err = errors.Join(err, db.R.Close())
	}
	return err
}

// Tx runs fn in a write transaction, committing when fn returns nil.
func (db *DB) Tx(ctx context.Context, fn func(*sql.Tx) error) error {
	PrimaryOnly(ctx) // what this request reads afterwards must see the write
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

//go:embed migrations
var migrationFS embed.FS

// Pending returns the embedded migrations not yet applied (the /readyz
// check: a node whose schema is behind its build is not ready).
func (db *DB) Pending(ctx context.Context) ([]string, error) {
	names, err := migrationNames(db.Dialect)
	if err != nil {
		return nil, err
	}
	done := map[string]bool{}
	rows, err := db.R.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		done[v] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var pending []string
	for _, n := range names {
		if !done[n] {
			pending = append(pending, n)
		}
	}
	return pending, nil
}

// migrationNames are the embedded migrations of a dialect, in order.
func migrationNames(d Dialect) ([]string, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations/"+string(d))
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// Migrate applies the embedded migrations that have not run yet, each in its
// own transaction, recorded in schema_migrations. Forward only. On PostgreSQL
// an advisory lock lets several nodes start at once.
func (db *DB) Migrate(ctx context.Context) (applied []string, err error) {
	dir := "migrations/" + string(db.Dialect)
	names, err := migrationNames(db.Dialect)
	if err != nil {
		return nil, err
	}

	conn, err := db.W.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if db.Dialect == Postgres {
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7263001)`); err != nil {
			return nil, fmt.Errorf("migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(7263001)`)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	done := map[string]bool{}
	rows, err := conn.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return nil, err
		}
		done[v] = true
	}
	rows.Close()
	for _, name := range names {
		if done[name] {
			continue
		}
		body, err := fs.ReadFile(migrationFS, dir+"/"+name)
		if err != nil {
			return applied, err
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return applied, err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return applied, fmt.Errorf("migration %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, name, Now()); err != nil {
			tx.Rollback()
			return applied, err
		}
		if err := tx.Commit(); err != nil {
			return applied, fmt.Errorf("migration %s: %w", name, err)
		}
		applied = append(applied, name)
	}
	return applied, nil
}

// TimeFormat is how instants are stored: UTC, fixed width, so text order is
// time order on both engines.
const TimeFormat = "2006-01-02T15:04:05Z"

// AuditLock is the PostgreSQL transaction-scoped advisory lock that
// serialises writers of the audit chain (auth.Audit). events.Append takes
// it before the outbox's own lock, so the two are always taken in one order.
const AuditLock = 7263002

// Now returns the current instant in storage format.
func Now() string { return time.Now().UTC().Format(TimeFormat) }

// FormatTime formats t for storage.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeFormat) }

// ParseTime parses a stored instant; the zero time for "".
func ParseTime(s string) time.Time {
	t, _ := time.Parse(TimeFormat, s)
	return t
}

// IsUniqueViolation reports whether err is a unique-constraint failure on
// either engine.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

// Int64s runs a query of one integer column and returns its values.
func Int64s(ctx context.Context, db *sql.DB, query string, args ...any) ([]int64, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Counts runs a query of (label, count) rows, such as a GROUP BY status,
// and returns the counts by label.
func Counts(ctx context.Context, db *sql.DB, query string, args ...any) (map[string]int, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var label string
		var n int
		if err := rows.Scan(&label, &n); err != nil {
			return nil, err
		}
		out[label] = n
	}
	return out, rows.Err()
}
