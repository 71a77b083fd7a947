package app

import (
	"bufio"
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"gongkai/internal/auth"
	"gongkai/internal/blob"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/demo"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
	"gongkai/internal/web"
)

// TestReadReplica: with a real streaming replica (a hot standby started
// from pg_basebackup -R of the test server), anonymous public pages and
// API reads are served from the replica; a change is visible at once even
// while the replica has not replayed it (replay paused: the primary
// answers); staff pages never use it; and the site goes on when the
// replica is stopped.
func TestReadReplica(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := storetest.DSN(t, store.Postgres)
	rep := storetest.StartReplica(t)
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.UseReplicas(ctx, []string{rep.DSN(t, dsn)}); err != nil {
		t.Fatal(err)
	}
	// The change events' LISTEN needs the primary's pgx connection
	// (events.listenOnce) from the routing pool too.
	conn, err := db.W.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	conn.Raw(func(dc any) error {
		if _, ok := dc.(interface{ Conn() *pgx.Conn }); !ok {
			t.Errorf("the routing pool's connection %T hands out no pgx connection for LISTEN", dc)
		}
		return nil
	})
	conn.Close()
	cat := &catalog.Service{DB: db, Today: func() calendar.Date { return testDay }}
	au := auth.NewService(db)
	blobs, err := blob.OpenFS(filepath.Join(t.TempDir(), "attachments"))
	if err != nil {
		t.Fatal(err)
	}
	site, err := demo.LoadWith(ctx, cat, au, blobs, "127.0.0.1", testDay)
	if err != nil {
		t.Fatal(err)
	}
	// The demo load is a change the replica must replay before it serves
	// (store.DB.MarkChange, as a publish's change event marks it): without
	// this, a replica still replaying the load could answer the first item
	// page with a 404.
	if err := db.MarkChange(ctx); err != nil {
		t.Fatal(err)
	}
	srv, err := New(cat, au, blobs, slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError})),
		web.Options{Metrics: true, Today: func() calendar.Date { return testDay }})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	e := &env{t: t, db: db, cat: cat, au: au, srv: srv, ts: ts, site: site}

	metric := func(name string) float64 {
		t.Helper()
		body := e.browser().get("/metrics").body
		var sum float64
		sc := bufio.NewScanner(strings.NewReader(body))
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, name+"{") || strings.HasPrefix(line, name+" ") {
				f := strings.Fields(line)
				v, _ := strconv.ParseFloat(f[len(f)-1], 64)
				sum += v
			}
		}
		return sum
	}
	page, err := cat.List(ctx, catalog.Filter{SiteID: site.ID, Limit: 1}, false)
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("demo items: %v", err)
	}
	it := page.Items[0]
	itemPath := "/items/" + itoa(it.ID)
	anon := e.browser()
	// render gets the item page afresh (not from the render cache) and
	// says how many reads the replica served for it.
	render := func(path string) (string, float64) {
		t.Helper()
		srv.Web.DropPages()
		before := metric("gongkai_db_replica_queries_total")
		r := anon.get(path)
		if r.status != 200 {
			t.Fatalf("GET %s: %d", path, r.status)
		}
		return r.body, metric("gongkai_db_replica_queries_total") - before
	}
	// The replica catches up with the demo load (the loop waits for
	// streaming, it asserts nothing about time).
	deadline := time.Now().Add(60 * time.Second)
	for {
		body, n := render(itemPath)
		mustContain(t, body, it.Title)
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the replica never served a public page")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Lists and the public API read from it too.
	if _, n := render("/"); n == 0 {
		t.Error("the home page did not read from the replica")
	}
	if _, n := render("/api/v1/items/" + itoa(it.ID)); n == 0 {
		t.Error("the public API did not read from the replica")
	}
	if v := metric("gongkai_db_replica_up"); v != 1 {
		t.Errorf("gongkai_db_replica_up = %g, want 1", v)
	}
	// Staff pages read from the primary.
	staff := e.browser().login("office")
	before := metric("gongkai_db_replica_queries_total")
	staff.get("/admin/items")
	staff.get(itemPath)
	if n := metric("gongkai_db_replica_queries_total") - before; n != 0 {
		t.Errorf("staff pages made %g reads on the replica", n)
	}
	// A visitor who has just posted (here the display settings) reads
	// from the primary for a while, on any node (the gk_wrote cookie).
	poster := e.browser()
	poster.post("/a11y", url.Values{"next": {itemPath}})
	u, _ := url.Parse(ts.URL)
	if !slices.ContainsFunc(poster.c.Jar.Cookies(u), func(c *http.Cookie) bool { return c.Name == "gk_wrote" }) {
		t.Error("a post with replicas configured set no gk_wrote cookie")
	}
	// Once the replica has replayed the post (another visitor reads
	// from it again), the poster still reads from the primary.
	for deadline := time.Now().Add(60 * time.Second); ; {
		if _, n := render(itemPath); n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the replica never served again after a post")
		}
		time.Sleep(50 * time.Millisecond)
	}
	srv.Web.DropPages()
	before = metric("gongkai_db_replica_queries_total")
	if r := poster.get(itemPath); r.status != 200 {
		t.Fatalf("GET %s after a post: %d", itemPath, r.status)
	}
	if n := metric("gongkai_db_replica_queries_total") - before; n != 0 {
		t.Errorf("a visitor who had just posted made %g reads on the replica", n)
	}

	// Replay paused: the replica does not see the change; the page shows
	// it at once, from the primary.
	standby, err := sql.Open("pgx", rep.Base)
	if err != nil {
		t.Fatal(err)
	}
	defer standby.Close()
	if _, err := standby.ExecContext(ctx, `SELECT pg_wal_replay_pause()`); err != nil {
		t.Fatal(err)
	}
	office, err := au.UserByName(ctx, "office")
	if err != nil {
		t.Fatal(err)
	}
	full, err := cat.Item(ctx, it.SiteID, it.ID)
	if err != nil {
		t.Fatal(err)
	}
	in, err := cat.InputOf(ctx, full)
	if err != nil {
		t.Fatal(err)
	}
	in.Title, in.ChangeNote = "只读副本滞后时的新标题", "更正标题"
	if _, err := cat.Update(ctx, office, it.SiteID, it.ID, in); err != nil {
		t.Fatal(err)
	}
	stale := metric(`gongkai_db_replica_fallbacks_total{reason="stale"}`)
	body, n := render(itemPath)
	mustContain(t, body, "只读副本滞后时的新标题")
	if n != 0 {
		t.Errorf("%g reads went to a replica that had not replayed the change", n)
	}
	var seen int
	if err := standby.QueryRowContext(ctx, `SELECT count(*) FROM `+schemaOf(t, dsn)+`.items WHERE id = $1 AND title = $2`, it.ID, "只读副本滞后时的新标题").Scan(&seen); err != nil {
		t.Fatal(err)
	}
	if seen != 0 {
		t.Fatal("replay is paused but the replica has the change: the test shows nothing")
	}
	if metric(`gongkai_db_replica_fallbacks_total{reason="stale"}`) <= stale {
		t.Error("stale fallbacks not counted")
	}
	// Replay resumed: the replica serves again, with the change.
	if _, err := standby.ExecContext(ctx, `SELECT pg_wal_replay_resume()`); err != nil {
		t.Fatal(err)
	}
	for deadline = time.Now().Add(60 * time.Second); ; {
		body, n := render(itemPath)
		mustContain(t, body, "只读副本滞后时的新标题")
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the replica did not serve again after replay resumed")
		}
		time.Sleep(50 * time.Millisecond)
	}

	// The replica stopped: every page still answers, from the primary.
	standby.Close()
	rep.Stop()
	for _, p := range []string{itemPath, "/", "/api/v1/items/" + itoa(it.ID), itemPath} {
		body, _ := render(p)
		if p == itemPath {
			mustContain(t, body, "只读副本滞后时的新标题")
		}
	}
	if v := metric("gongkai_db_replica_up"); v != 0 {
		t.Errorf("gongkai_db_replica_up = %g after the replica stopped, want 0", v)
	}
}

// schemaOf is the test schema named in a storetest DSN's search_path.
func schemaOf(t *testing.T, dsn string) string {
	t.Helper()
	_, q, _ := strings.Cut(dsn, "search_path=")
	s, _, _ := strings.Cut(q, "&")
	if s == "" {
		t.Fatalf("no search_path in %s", dsn)
	}
	return s
}
