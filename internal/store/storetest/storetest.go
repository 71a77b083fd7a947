// Package storetest opens fresh test databases: an SQLite file in the
// test's temporary directory, and a private schema on the PostgreSQL server
// named by GONGKAI_TEST_POSTGRES (which `make test` starts). When
// GONGKAI_REQUIRE_POSTGRES=1 a missing server fails the test instead of
// skipping it.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gongkai/internal/secure"
	"gongkai/internal/store"
)

// Dialects lists the engines every store test runs against.
var Dialects = []store.Dialect{store.SQLite, store.Postgres}

// Open returns a migrated, empty database of dialect d, closed when the test ends.
func Open(tb testing.TB, d store.Dialect) *store.DB {
	tb.Helper()
	ctx := context.Background()
	var dsn string
	switch d {
	case store.SQLite:
		dsn = filepath.Join(tb.TempDir(), "test.db")
	case store.Postgres:
		dsn = postgresSchema(tb)
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		tb.Fatalf("open %s: %v", d, err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatalf("migrate %s: %v", d, err)
	}
	return db
}

// DSN returns the connection string of a fresh, unmigrated database of dialect d.
func DSN(tb testing.TB, d store.Dialect) string {
	tb.Helper()
	if d == store.Postgres {
		return postgresSchema(tb)
	}
	return filepath.Join(tb.TempDir(), "test.db")
}

// Each runs fn as a subtest per dialect.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, Open(t, d)) })
	}
}

// postgresSchema creates a private schema and returns a DSN whose
// search_path points at it; the schema is dropped when the test ends.
func postgresSchema(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv("GONGKAI_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("GONGKAI_REQUIRE_POSTGRES") == "1" || os.Getenv("CI") != "" {
			tb.Fatal("GONGKAI_TEST_POSTGRES is not set: run the tests with `make test`, which starts PostgreSQL")
		}
		tb.Skip("PostgreSQL not available (set GONGKAI_TEST_POSTGRES or run `make test`)")
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		a.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Main runs a package's tests with cheap password hashing, so fixtures that
// create users stay fast. Use it as the package's TestMain.
func Main(m *testing.M) {
	secure.PasswordParams = secure.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	os.Exit(m.Run())
}

// Replica is a PostgreSQL hot standby of the test server, started for one
// test by `scripts/pg.sh replica` (streaming replication from a
// pg_basebackup -R copy) and stopped when the test ends.
type Replica struct {
	// Base is the standby's DSN of the test database.
	Base string
	dir  string
	root string
}

// StartReplica starts a standby of the server of GONGKAI_TEST_POSTGRES_DIR
// (which `make test` and scripts/pg.sh set); without one the test is
// skipped, or fails under GONGKAI_REQUIRE_POSTGRES=1.
func StartReplica(tb testing.TB) *Replica {
	tb.Helper()
	dir := os.Getenv("GONGKAI_TEST_POSTGRES_DIR")
	if dir == "" || os.Getenv("GONGKAI_TEST_POSTGRES") == "" {
		if os.Getenv("GONGKAI_REQUIRE_POSTGRES") == "1" || os.Getenv("CI") != "" {
			tb.Fatal("GONGKAI_TEST_POSTGRES_DIR is not set: run the tests with `make test`, which starts PostgreSQL")
		}
		tb.Skip("PostgreSQL not available (a replica needs GONGKAI_TEST_POSTGRES_DIR)")
	}
	root, err := repoRoot()
	if err != nil {
		tb.Fatal(err)
	}
	out, err := exec.Command("bash", filepath.Join(root, "scripts", "pg.sh"), "replica", dir).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			tb.Fatalf("pg.sh replica: %v\n%s", err, ee.Stderr)
		}
		tb.Fatalf("pg.sh replica: %v", err)
	}
	r := &Replica{root: root}
	for _, line := range strings.Split(string(out), "\n") {
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if !ok {
			continue
		}
		v = strings.Trim(v, "'")
		switch k {
		case "GONGKAI_TEST_POSTGRES_REPLICA":
			r.Base = v
		case "GONGKAI_TEST_POSTGRES_REPLICA_DIR":
			r.dir = v
		}
	}
	if r.Base == "" || r.dir == "" {
		tb.Fatalf("pg.sh replica printed no DSN:\n%s", out)
	}
	tb.Cleanup(r.Stop)
	return r
}

// DSN is the standby's address of the primary's dsn (same database,
// user and search_path: the schema of storetest.DSN).
func (r *Replica) DSN(tb testing.TB, primary string) string {
	tb.Helper()
	p, err := url.Parse(primary)
	if err != nil {
		tb.Fatal(err)
	}
	b, err := url.Parse(r.Base)
	if err != nil {
		tb.Fatal(err)
	}
	p.Host = b.Host
	return p.String()
}

// Stop stops the standby (the site must go on without it); the test's
// clean-up calls it again harmlessly.
func (r *Replica) Stop() {
	if r.dir == "" {
		return
	}
	exec.Command("bash", filepath.Join(r.root, "scripts", "pg.sh"), "stop", r.dir).Run()
	r.dir = ""
}

// repoRoot is the directory holding go.mod, above the test's directory.
func repoRoot() (string, error) {
	d, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		up := filepath.Dir(d)
		if up == d {
			return "", errors.New("go.mod not found above the test directory")
		}
		d = up
	}
}
