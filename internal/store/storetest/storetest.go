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
	"net/url"
	"os"
	"path/filepath"
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
