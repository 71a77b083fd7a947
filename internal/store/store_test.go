package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

// migrationNames lists the migration files of dialect d, in order.
func migrationNames(t *testing.T, d store.Dialect) []string {
	t.Helper()
	entries, err := os.ReadDir("migrations/" + string(d))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		t.Fatalf("no migrations for %s", d)
	}
	return names
}

// openRaw opens a fresh database of dialect d without migrating it.
func openRaw(t *testing.T, d store.Dialect) (*store.DB, string) {
	t.Helper()
	dsn := storetest.DSN(t, d)
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { db.Close() })
	return db, dsn
}

func recorded(t *testing.T, db *store.DB) []string {
	t.Helper()
	rows, err := db.R.Query(`SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func TestMigrateAppliesOnceAndIsIdempotent(t *testing.T) {
	ctx := context.Background()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			db, _ := openRaw(t, d)
			want := migrationNames(t, d)
			applied, err := db.Migrate(ctx)
			if err != nil {
				t.Fatalf("first Migrate: %v", err)
			}
			if !slices.Equal(applied, want) {
				t.Errorf("first Migrate applied %v, want %v", applied, want)
			}
			again, err := db.Migrate(ctx)
			if err != nil {
				t.Fatalf("second Migrate: %v", err)
			}
			if len(again) != 0 {
				t.Errorf("second Migrate applied %v, want nothing", again)
			}
			if got := recorded(t, db); !slices.Equal(got, want) {
				t.Errorf("schema_migrations = %v, want %v", got, want)
			}
			// The schema is usable.
			var n int
			if err := db.R.QueryRow(`SELECT COUNT(*) FROM items`).Scan(&n); err != nil || n != 0 {
				t.Errorf("count items = %d, %v", n, err)
			}
		})
	}
}

func TestMigrateConcurrentPostgres(t *testing.T) {
	ctx := context.Background()
	_, dsn := openRaw(t, store.Postgres)
	want := migrationNames(t, store.Postgres)
	const nodes = 4
	var wg sync.WaitGroup
	results := make([][]string, nodes)
	errs := make([]error, nodes)
	for i := range nodes {
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = db.Migrate(ctx)
		}()
	}
	wg.Wait()
	var all []string
	for i := range nodes {
		if errs[i] != nil {
			t.Errorf("node %d: Migrate: %v", i, errs[i])
		}
		all = append(all, results[i]...)
	}
	sort.Strings(all)
	if !slices.Equal(all, want) {
		t.Errorf("migrations applied across nodes = %v, want each of %v exactly once", all, want)
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := recorded(t, db); !slices.Equal(got, want) {
		t.Errorf("schema_migrations = %v, want %v", got, want)
	}
}

// seedItem inserts a site, a column, an item, one event and one audit row
// with plain SQL and returns the ids of the event and audit rows.
func seedItem(t *testing.T, db *store.DB) (eventID, auditID int64) {
	t.Helper()
	now := store.Now()
	var site, col, item int64
	steps := []struct {
		q    string
		args []any
		dst  *int64
	}{
		{`INSERT INTO sites (slug, name, org_code, created_at) VALUES ('s', '测试局', 'ORG', $1) RETURNING id`, []any{now}, &site},
		{`INSERT INTO columns (site_id, slug, name, doc_types) VALUES ($1, 'c', '栏目', 'general') RETURNING id`, []any{&site}, &col},
		{`INSERT INTO items (site_id, column_id, doc_type, title, disclosure, status, created_at, updated_at)
			VALUES ($1, $2, 'general', '标题', 'proactive', 'draft', $3, $3) RETURNING id`, []any{&site, &col, now}, &item},
		{`INSERT INTO item_events (item_id, action, actor_name, created_at) VALUES ($1, 'create', '甲', $2) RETURNING id`, []any{&item, now}, &eventID},
		{`INSERT INTO audit_log (site_id, actor_name, action, target, created_at, prev_hash, hash)
			VALUES ($1, '甲', 'item.create', 'item:1', $2, '', 'h1') RETURNING id`, []any{&site, now}, &auditID},
	}
	for _, s := range steps {
		args := make([]any, len(s.args))
		for i, a := range s.args {
			if p, ok := a.(*int64); ok {
				a = *p
			}
			args[i] = a
		}
		if err := db.W.QueryRow(s.q, args...).Scan(s.dst); err != nil {
			t.Fatalf("%s: %v", s.q, err)
		}
	}
	return eventID, auditID
}

func TestLedgersAreAppendOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		eventID, auditID := seedItem(t, db)
		tests := []struct {
			name string
			q    string
			id   int64
		}{
			{"update audit_log", `UPDATE audit_log SET action = 'forged' WHERE id = $1`, auditID},
			{"delete audit_log", `DELETE FROM audit_log WHERE id = $1`, auditID},
			{"update item_events", `UPDATE item_events SET action = 'forged' WHERE id = $1`, eventID},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := db.W.Exec(tt.q, tt.id)
				if err == nil || !strings.Contains(err.Error(), "append-only") {
					t.Fatalf("err = %v, want an append-only refusal", err)
				}
			})
		}
		var action string
		if err := db.R.QueryRow(`SELECT action FROM audit_log WHERE id = $1`, auditID).Scan(&action); err != nil || action != "item.create" {
			t.Errorf("audit row after refused changes: action %q, err %v", action, err)
		}
		if err := db.R.QueryRow(`SELECT action FROM item_events WHERE id = $1`, eventID).Scan(&action); err != nil || action != "create" {
			t.Errorf("event row after refused change: action %q, err %v", action, err)
		}
		// Inserting stays allowed.
		if _, err := db.W.Exec(`INSERT INTO audit_log (actor_name, action, created_at, prev_hash, hash) VALUES ('乙', 'x', $1, 'h1', 'h2')`, store.Now()); err != nil {
			t.Errorf("insert audit row: %v", err)
		}
	})
}

func TestTxCommitsOrRollsBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		insert := func(tx *sql.Tx, slug string) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO sites (slug, name, org_code, created_at) VALUES ($1, '局', 'ORG', $2)`, slug, store.Now())
			return err
		}
		if err := db.Tx(ctx, func(tx *sql.Tx) error { return insert(tx, "kept") }); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			if err := insert(tx, "dropped"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Tx err = %v, want the callback's error", err)
		}
		err = db.Tx(ctx, func(tx *sql.Tx) error { return insert(tx, "kept") })
		if !store.IsUniqueViolation(err) {
			t.Errorf("duplicate slug: IsUniqueViolation(%v) = false", err)
		}
		var slugs []string
		rows, err := db.R.Query(`SELECT slug FROM sites ORDER BY slug`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			rows.Scan(&s)
			slugs = append(slugs, s)
		}
		if !slices.Equal(slugs, []string{"kept"}) {
			t.Errorf("sites = %v, want [kept]", slugs)
		}
	})
}

func TestIsUniqueViolation(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("UNIQUE constraint failed: sites.slug"), true},
		{errors.New(`ERROR: duplicate key value violates unique constraint "sites_slug_key" (SQLSTATE 23505)`), true},
		{errors.New("FOREIGN KEY constraint failed"), false},
		{errors.New("(SQLSTATE 23503)"), false},
	}
	for _, tt := range tests {
		if got := store.IsUniqueViolation(tt.err); got != tt.want {
			t.Errorf("IsUniqueViolation(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

func TestTimeFormatSortsAsTime(t *testing.T) {
	china := time.FixedZone("CST", 8*3600)
	a := time.Date(2021, 6, 14, 23, 30, 0, 0, china) // 15:30 UTC
	b := time.Date(2021, 6, 14, 16, 0, 0, 0, time.UTC)
	if got := store.FormatTime(a); got != "2021-06-14T15:30:00Z" {
		t.Errorf("FormatTime = %q", got)
	}
	if !(store.FormatTime(a) < store.FormatTime(b)) {
		t.Error("stored text order differs from time order")
	}
	if !store.ParseTime(store.FormatTime(a)).Equal(a) {
		t.Error("ParseTime(FormatTime(t)) != t")
	}
	if !store.ParseTime("").IsZero() {
		t.Error(`ParseTime("") is not zero`)
	}
}

// TestOpenWithCache: OpenWith's CacheKiB reaches every SQLite connection
// (gongkai check's one pass opens with a small cache), and Open keeps the
// server's 16,000 KiB.
func TestOpenWithCache(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, c := range []struct {
		o    store.Options
		want int
	}{{store.Options{}, -16000}, {store.Options{CacheKiB: 2000}, -2000}} {
		db, err := store.OpenWith(ctx, filepath.Join(dir, "c.db"), c.o)
		if err != nil {
			t.Fatal(err)
		}
		for _, pool := range []*sql.DB{db.R, db.W} {
			var got int
			if err := pool.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&got); err != nil || got != c.want {
				t.Errorf("%+v: cache_size %d, %v; want %d", c.o, got, err, c.want)
			}
		}
		db.Close()
	}
}

// TestStatementCache: SQLite connections keep their prepared statements
// (stmtcache.go) without changing what queries return: the same text with
// other arguments, the same text again while its first rows are still being
// read (in one transaction, on one connection), a failing query, more texts
// than the cache holds, and a change of the schema under a kept statement.
func TestStatementCache(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.W.ExecContext(ctx, `CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)`); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 5; i++ {
		if _, err := db.W.ExecContext(ctx, `INSERT INTO t (id, v) VALUES ($1, $2)`, i, fmt.Sprint("v", i)); err != nil {
			t.Fatal(err)
		}
	}
	one := func(q *sql.DB, id int) string {
		t.Helper()
		var v string
		if err := q.QueryRowContext(ctx, `SELECT v FROM t WHERE id = $1`, id).Scan(&v); err != nil {
			t.Fatalf("id %d: %v", id, err)
		}
		return v
	}
	for i := 1; i <= 5; i++ {
		for _, q := range []*sql.DB{db.R, db.W} {
			if got := one(q, i); got != fmt.Sprint("v", i) {
				t.Errorf("id %d: %q", i, got)
			}
		}
	}
	// Nested: the same text while its rows are open, on one connection.
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM t WHERE id >= $1 ORDER BY id`, 1)
		if err != nil {
			return err
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var id int
			if err := rows.Scan(&id); err != nil {
				return err
			}
			var c int
			if err := tx.QueryRowContext(ctx, `SELECT id FROM t WHERE id >= $1 ORDER BY id`, id).Scan(&c); err != nil || c != id {
				return fmt.Errorf("inner %d: %d, %v", id, c, err)
			}
			n++
		}
		if n != 5 {
			return fmt.Errorf("outer read %d rows", n)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	// A failing query, then the cache still answers.
	if err := db.R.QueryRowContext(ctx, `SELECT nothing FROM t`).Scan(new(string)); err == nil {
		t.Error("a query of a missing column succeeded")
	}
	// More texts than a connection keeps.
	for i := 0; i < 300; i++ {
		var n int
		if err := db.R.QueryRowContext(ctx, fmt.Sprintf(`SELECT COUNT(*) + %d FROM t`, i)).Scan(&n); err != nil || n != 5+i {
			t.Fatalf("query %d: %d, %v", i, n, err)
		}
	}
	// A new column under a kept statement: SQLite prepares it again.
	star := func() []string {
		t.Helper()
		rows, err := db.R.QueryContext(ctx, `SELECT * FROM t WHERE id = $1`, 2)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		return cols
	}
	if cols := star(); len(cols) != 2 {
		t.Errorf("columns: %v", cols)
	}
	if _, err := db.W.ExecContext(ctx, `ALTER TABLE t ADD COLUMN w TEXT DEFAULT 'x'`); err != nil {
		t.Fatal(err)
	}
	if cols := star(); len(cols) != 3 {
		t.Errorf("columns after ALTER TABLE: %v", cols)
	}
	if got := one(db.R, 3); got != "v3" {
		t.Errorf("after ALTER TABLE: %q", got)
	}
}
