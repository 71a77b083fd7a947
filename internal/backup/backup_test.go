package backup

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/blob"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/demo"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// fixture loads the demo site and stores one attachment on the seed item.
func fixture(t *testing.T, db *store.DB, dataDir string) (items int, blobKey string) {
	t.Helper()
	ctx := context.Background()
	cat := &catalog.Service{DB: db, Today: func() calendar.Date { return calendar.Date{Year: 2026, Month: 12, Day: 1} }}
	au := auth.NewService(db)
	site, err := demo.LoadOn(ctx, cat, au, "", calendar.Date{Year: 2026, Month: 12, Day: 1})
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.OpenFS(filepath.Join(dataDir, "attachments"))
	if err != nil {
		t.Fatal(err)
	}
	defer blobs.Close()
	b, err := blobs.Put(ctx, strings.NewReader("%PDF-1.4\n%%EOF\n"), "a.pdf", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	page, err := cat.List(ctx, catalog.Filter{SiteID: site.ID, IndexNo: demo.SeedIndexNo}, false)
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("seed item: %v", err)
	}
	admin, _ := au.UserByName(ctx, "admin")
	if err := cat.Attach(ctx, admin, site.ID, page.Items[0].ID, &catalog.Attachment{BlobKey: b.Key, Name: "a.pdf", Size: b.Size, MIME: b.MIME, SHA256: b.SHA256}); err != nil {
		t.Fatal(err)
	}
	db.R.QueryRow(`SELECT COUNT(*) FROM items`).Scan(&items)
	return items, b.Key
}

func TestSQLiteRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := t.TempDir()
	db, err := store.Open(ctx, filepath.Join(src, "gongkai.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	items, key := fixture(t, db, src)

	// Take the backup while another goroutine keeps writing, as a serving node would.
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				db.W.Exec(`UPDATE items SET clicks = clicks + 1`)
			}
		}
	}()
	var buf bytes.Buffer
	m, err := Write(ctx, db, "", src, &buf)
	close(stop)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	if m.Dialect != "sqlite" || m.Files != 1 {
		t.Fatalf("manifest %+v", m)
	}

	dst := t.TempDir()
	// A database already in the target is kept aside, not lost.
	os.WriteFile(filepath.Join(dst, "gongkai.db"), []byte("old"), 0o600)
	if _, err := Restore(ctx, bytes.NewReader(buf.Bytes()), dst, ""); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dst, "gongkai.db.before-restore")); string(b) != "old" {
		t.Error("previous database not kept")
	}
	rdb, err := store.Open(ctx, filepath.Join(dst, "gongkai.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	var n int
	rdb.R.QueryRow(`SELECT COUNT(*) FROM items`).Scan(&n)
	if n != items {
		t.Errorf("restored %d items, want %d", n, items)
	}
	blobs, err := blob.OpenFS(filepath.Join(dst, "attachments"))
	if err != nil {
		t.Fatal(err)
	}
	defer blobs.Close()
	f, err := blobs.Open(key)
	if err != nil {
		t.Fatalf("restored attachment: %v", err)
	}
	f.Close()
}

func TestRestoreRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	for name, in := range map[string][]byte{"not gzip": []byte("hello"), "empty": nil} {
		if _, err := Restore(ctx, bytes.NewReader(in), t.TempDir(), ""); err == nil {
			t.Errorf("%s: restored", name)
		}
	}
}

// TestPostgresRoundTrip backs up a PostgreSQL database with pg_dump and
// restores it into a fresh database.
func TestPostgresRoundTrip(t *testing.T) {
	base := os.Getenv("GONGKAI_TEST_POSTGRES")
	if base == "" {
		storetest.DSN(t, store.Postgres) // fails in CI, skips locally
		return
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	mk := func(suffix string) string {
		name := fmt.Sprintf("gk_backup_%d_%s", time.Now().UnixNano(), suffix)
		if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`) })
		u, _ := url.Parse(base)
		u.Path = "/" + name
		return u.String()
	}
	srcDSN, dstDSN := mk("src"), mk("dst")
	db, err := store.Open(ctx, srcDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	src := t.TempDir()
	items, key := fixture(t, db, src)
	var buf bytes.Buffer
	if _, err := Write(ctx, db, srcDSN, src, &buf); err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	if _, err := Restore(ctx, bytes.NewReader(buf.Bytes()), dst, dstDSN); err != nil {
		t.Fatal(err)
	}
	rdb, err := store.Open(ctx, dstDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	var n int
	if err := rdb.R.QueryRow(`SELECT COUNT(*) FROM items`).Scan(&n); err != nil || n != items {
		t.Errorf("restored %d items (%v), want %d", n, err, items)
	}
	blobs, err := blob.OpenFS(filepath.Join(dst, "attachments"))
	if err != nil {
		t.Fatal(err)
	}
	defer blobs.Close()
	if f, err := blobs.Open(key); err != nil {
		t.Errorf("attachment not restored: %v", err)
	} else {
		f.Close()
	}
	// A SQLite restore of a PostgreSQL backup is refused.
	if _, err := Restore(ctx, bytes.NewReader(buf.Bytes()), t.TempDir(), ""); err == nil {
		t.Error("restored a PostgreSQL backup without --db")
	}
}
