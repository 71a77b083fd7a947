package app

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/blob"
	"gongkai/internal/catalog"
	"gongkai/internal/demo"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
	"gongkai/internal/web"
)

// TestNodesShareChanges: two servers on one database (several nodes on one
// PostgreSQL; two processes on one SQLite file). A change made through one
// drops the other's cached page, through the change events it polls.
func TestNodesShareChanges(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			dsn := storetest.DSN(t, d)
			node := func() (*catalog.Service, *httptest.Server) {
				db, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				if _, err := db.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				cat := &catalog.Service{DB: db}
				blobs, err := blob.OpenFS(filepath.Join(t.TempDir(), "attachments"))
				if err != nil {
					t.Fatal(err)
				}
				srv, err := New(cat, auth.NewService(db), blobs, slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError})), web.Options{})
				if err != nil {
					t.Fatal(err)
				}
				ts := httptest.NewServer(srv.Handler())
				t.Cleanup(ts.Close)
				done := make(chan struct{})
				go func() { srv.Background(ctx, time.Hour); close(done) }()
				t.Cleanup(func() { cancel(); <-done })
				return cat, ts
			}
			catA, tsA := node()
			au := auth.NewService(catA.DB)
			site, err := demo.Load(ctx, catA, au, "127.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			_, tsB := node()
			page, err := catA.List(ctx, catalog.Filter{SiteID: site.ID, Limit: 1}, false)
			if err != nil || len(page.Items) == 0 {
				t.Fatalf("demo items: %v", err)
			}
			it := page.Items[0]
			get := func(ts *httptest.Server) string {
				e := &env{t: t, ts: ts}
				return e.browser().get("/items/" + itoa(it.ID)).body
			}
			// Both nodes cache the page.
			mustContain(t, get(tsA), it.Title)
			mustContain(t, get(tsB), it.Title)
			office, err := au.UserByName(ctx, "office")
			if err != nil {
				t.Fatal(err)
			}
			full, err := catA.Item(ctx, it.SiteID, it.ID)
			if err != nil {
				t.Fatal(err)
			}
			in, err := catA.InputOf(ctx, full)
			if err != nil {
				t.Fatal(err)
			}
			in.Title, in.ChangeNote = "节点间同步的新标题", "更正标题"
			if _, err := catA.Update(ctx, office, it.SiteID, it.ID, in); err != nil {
				t.Fatal(err)
			}
			// Node A at once (its own commit), node B within its polling interval.
			mustContain(t, get(tsA), "节点间同步的新标题")
			deadline := time.Now().Add(10 * time.Second)
			for !strings.Contains(get(tsB), "节点间同步的新标题") {
				if time.Now().After(deadline) {
					t.Fatal("node B still serves the old page")
				}
				time.Sleep(100 * time.Millisecond)
			}
		})
	}
}

// TestInvalidationPerSite: a change on one site drops that site's cached
// pages only.
func TestInvalidationPerSite(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		other := &catalog.Site{Slug: "lysj", Name: "临沂市审计局", OrgCode: "1111111111", Hosts: []string{"sjj.example"}}
		if err := e.cat.CreateSite(ctx, nil, other); err != nil {
			t.Fatal(err)
		}
		admin, err := e.au.CreateUser(ctx, nil, auth.NewUser{SiteID: other.ID, Name: "sj-admin", Role: auth.Admin, Password: "another-long-password"})
		if err != nil {
			t.Fatal(err)
		}
		get := func(host, path string) {
			t.Helper()
			req := httptest.NewRequest("GET", e.ts.URL+path, nil)
			req.Host, req.RequestURI = host, ""
			if r := e.browser().do(req); r.status != 200 {
				t.Fatalf("%s%s: %d", host, path, r.status)
			}
		}
		pages := func() map[int64]int {
			out := map[int64]int{}
			for _, k := range e.srv.Web.CachedKeys() {
				switch {
				case strings.HasPrefix(k, "site:"+itoa(e.site.ID)+" "):
					out[e.site.ID]++
				case strings.HasPrefix(k, "site:"+itoa(other.ID)+" "):
					out[other.ID]++
				}
			}
			return out
		}
		get("127.0.0.1", "/")
		get("127.0.0.1", "/xxgk/guide")
		get("sjj.example", "/")
		if n := pages(); n[e.site.ID] != 2 || n[other.ID] != 1 {
			t.Fatalf("cached pages per site = %v", n)
		}
		// A column of the other site: a public change there.
		col := &catalog.Column{SiteID: other.ID, Slug: "tzgg", Name: "通知公告", Kind: catalog.KindList, DocTypes: []string{"notice"}}
		if err := e.cat.SaveColumn(ctx, admin, col); err != nil {
			t.Fatal(err)
		}
		if n := pages(); n[e.site.ID] != 2 || n[other.ID] != 0 {
			t.Errorf("after a change of the other site, cached pages per site = %v (want the justice bureau's kept)", n)
		}
	})
}

// TestInvalidationPerItem: a change of one item drops its page, the pages
// that show it (the document an interpretation explains) and the listings,
// and keeps the other items' pages cached (issue 17).
func TestInvalidationPerItem(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		office, err := e.au.UserByName(ctx, "office")
		if err != nil {
			t.Fatal(err)
		}
		// An interpretation I and the document P it explains, and an item
		// B in another column that neither links nor neighbours them.
		var iID, pID, iCol int64
		if err := e.db.R.QueryRowContext(ctx, `SELECT l.from_id, l.to_id, i.column_id FROM item_links l JOIN items i ON i.id = l.from_id
			JOIN items p ON p.id = l.to_id WHERE i.status = 'published' AND p.status = 'published' AND l.kind = 'interprets' ORDER BY l.from_id LIMIT 1`).Scan(&iID, &pID, &iCol); err != nil {
			t.Fatal(err)
		}
		var bID int64
		if err := e.db.R.QueryRowContext(ctx, `SELECT id FROM items WHERE status = 'published' AND column_id <> $1
			AND column_id <> (SELECT column_id FROM items WHERE id = $2)
			AND id NOT IN (SELECT from_id FROM item_links UNION SELECT to_id FROM item_links) ORDER BY id LIMIT 1`, iCol, pID).Scan(&bID); err != nil {
			t.Fatal(err)
		}
		b := e.browser()
		paths := map[string]string{"home": "/", "I": "/items/" + itoa(iID), "P": "/items/" + itoa(pID), "B": "/items/" + itoa(bID)}
		cached := func() map[string]bool {
			out := map[string]bool{}
			for _, k := range e.srv.Web.CachedKeys() {
				for name, p := range paths {
					if strings.HasSuffix(k, " "+p) {
						out[name] = true
					}
				}
			}
			return out
		}
		for _, p := range paths {
			if r := b.get(p); r.status != 200 {
				t.Fatalf("%s: %d", p, r.status)
			}
		}
		if c := cached(); len(c) != 4 {
			t.Fatalf("cached before the change: %v", c)
		}
		full, err := e.cat.Item(ctx, e.site.ID, iID)
		if err != nil {
			t.Fatal(err)
		}
		in, err := e.cat.InputOf(ctx, full)
		if err != nil {
			t.Fatal(err)
		}
		in.Title, in.ChangeNote = full.Title+"（修订）", "更正标题"
		if _, err := e.cat.Update(ctx, office, e.site.ID, iID, in); err != nil {
			t.Fatal(err)
		}
		c := cached()
		if c["I"] || c["P"] || c["home"] {
			t.Errorf("after the interpretation's revision still cached: %v (want I, P and the home page dropped)", c)
		}
		if !c["B"] {
			t.Error("an unrelated item's page was dropped by another item's revision")
		}
		// What was dropped shows the change.
		mustContain(t, b.get(paths["P"]).body, full.Title+"（修订）")
		b.get(paths["I"])
		b.get(paths["home"])
		// A new interpretation of P: P's cached page did not show it, and
		// is dropped because the new item points to it.
		in.Title, in.ChangeNote = "新增的政策解读（缓存测试）", ""
		in.Interprets, in.IndexNo = []int64{pID}, ""
		draft, err := e.cat.Create(ctx, office, e.site.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.cat.Submit(ctx, office, e.site.ID, draft.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.cat.Publish(ctx, office, e.site.ID, draft.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		c = cached()
		if c["P"] || c["home"] {
			t.Errorf("after a new interpretation of P still cached: %v", c)
		}
		if !c["B"] {
			t.Error("an unrelated item's page was dropped by a new item")
		}
		mustContain(t, b.get(paths["P"]).body, "新增的政策解读（缓存测试）")
	})
}
