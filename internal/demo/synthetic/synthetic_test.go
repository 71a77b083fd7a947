package synthetic_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/demo/synthetic"
	"gongkai/internal/secure"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func build(t testing.TB, db *store.DB, n int, seed uint64) (*catalog.Service, *synthetic.Site) {
	t.Helper()
	saved := secure.PasswordParams
	secure.PasswordParams = secure.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	t.Cleanup(func() { secure.PasswordParams = saved })
	cat := &catalog.Service{DB: db}
	s, err := synthetic.Build(context.Background(), cat, auth.NewService(db), synthetic.Options{N: n, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return cat, s
}

func count(t testing.TB, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.R.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestSyntheticSiteConsistent: the generated site has what it promises
// (N items of every type across the years, linked interpretations, unique
// index numbers, counters past them, facets, attachment rows) and its
// pages load through the ordinary catalogue calls, on both databases.
func TestSyntheticSiteConsistent(t *testing.T) {
	const n = 1500
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat, s := build(t, db, n, 7)
		site := s.Site.ID
		if got := count(t, db, `SELECT COUNT(*) FROM items WHERE site_id = $1`, site); got != n {
			t.Fatalf("items = %d, want %d", got, n)
		}
		// Every document type, in a plausible share.
		perType := map[string]int{}
		rows, err := db.R.Query(`SELECT doc_type, COUNT(*) FROM items WHERE site_id = $1 GROUP BY doc_type`, site)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var typ string
			var k int
			if err := rows.Scan(&typ, &k); err != nil {
				t.Fatal(err)
			}
			perType[typ] = k
		}
		rows.Close()
		for _, dt := range catalog.DocTypes() {
			if perType[dt.Code] == 0 {
				t.Errorf("no %s items (%v)", dt.Code, perType)
			}
		}
		if perType["annual_report"] != 16 || perType["news"] < n/5 || perType["interpretation"] < n/20 {
			t.Errorf("type mix %v", perType)
		}
		// Every year from 2010 to 2026.
		if got := count(t, db, `SELECT COUNT(DISTINCT SUBSTR(published_on, 1, 4)) FROM items WHERE site_id = $1`, site); got != 17 {
			t.Errorf("%d distinct years, want 17 (2010–2026)", got)
		}
		// Every interpretation explains a published policy document.
		if got := count(t, db, `SELECT COUNT(*) FROM items i WHERE i.doc_type = 'interpretation' AND NOT EXISTS
			(SELECT 1 FROM item_links l JOIN items p ON p.id = l.to_id WHERE l.from_id = i.id AND l.kind = 'interprets' AND p.doc_type = 'policy' AND p.status = 'published')`); got != 0 {
			t.Errorf("%d interpretations without their policy document", got)
		}
		// Index numbers: every published or withdrawn item has one, all
		// unique, and the counters are past them so the workflow continues.
		if got := count(t, db, `SELECT COUNT(*) FROM items WHERE status IN ('published', 'withdrawn') AND (index_no IS NULL OR index_no = '')`); got != 0 {
			t.Errorf("%d live items without index number", got)
		}
		if got := count(t, db, `SELECT COUNT(*) FROM items WHERE status NOT IN ('published', 'withdrawn') AND index_no IS NOT NULL`); got != 0 {
			t.Errorf("%d drafts with an index number", got)
		}
		if d, all := count(t, db, `SELECT COUNT(DISTINCT index_no) FROM items`), count(t, db, `SELECT COUNT(index_no) FROM items`); d != all {
			t.Errorf("%d distinct index numbers of %d", d, all)
		}
		if got := count(t, db, `SELECT COUNT(*) FROM items i WHERE i.index_no IS NOT NULL AND CAST(SUBSTR(i.index_no, LENGTH(i.index_no) - 6, 7) AS INTEGER) >
			(SELECT c.last_seq FROM index_counters c WHERE c.site_id = i.site_id AND c.year = CAST(SUBSTR(i.published_on, 1, 4) AS INTEGER))`); got != 0 {
			t.Errorf("%d index numbers beyond their year's counter", got)
		}
		// Facets match the fields; revisions and ledger rows exist for live items.
		if got := count(t, db, `SELECT COUNT(*) FROM items i WHERE i.doc_type = 'policy' AND i.fields LIKE '%"effective_on"%' AND NOT EXISTS
			(SELECT 1 FROM item_facets f WHERE f.item_id = i.id AND f.name = 'effective_on')`); got != 0 {
			t.Errorf("%d policies without their effective_on facet", got)
		}
		if got, want := count(t, db, `SELECT COUNT(*) FROM item_revisions`), count(t, db, `SELECT COUNT(*) FROM items WHERE status IN ('published', 'withdrawn')`); got != want {
			t.Errorf("%d revisions for %d live items", got, want)
		}
		if got := count(t, db, `SELECT COUNT(*) FROM item_events`); got != n {
			t.Errorf("%d ledger events, want one per item", got)
		}
		if got := count(t, db, `SELECT COUNT(*) FROM attachments`); got < n/20 {
			t.Errorf("only %d attachment rows", got)
		}
		// No file stands behind them: none waits for the start-up text
		// backfill (which would open every missing file).
		if got := count(t, db, `SELECT COUNT(*) FROM attachments WHERE text_status = 'pending'`); got != 0 {
			t.Errorf("%d synthetic attachments pending text extraction", got)
		}
		// A repealed or amended document names its successor (the
		// self-inspection's validity.no_successor).
		if got := count(t, db, `SELECT COUNT(*) FROM items WHERE successor_id IS NOT NULL AND validity NOT IN ('repealed', 'amended')`); got != 0 {
			t.Errorf("%d items with a successor but neither repealed nor amended", got)
		}
		if got := count(t, db, `SELECT COUNT(*) FROM items WHERE successor_id IS NULL AND validity = 'amended'`); got != 0 {
			t.Errorf("%d amended items without their successor", got)
		}
		if got := count(t, db, `SELECT COUNT(*) FROM items WHERE validity = 'repealed'`); got == 0 {
			t.Error("no repealed policy documents")
		}
		// Pages load through the catalogue: every list column's first page,
		// paging by cursor through a whole column, and item pages.
		tree, err := cat.Tree(ctx, site)
		if err != nil {
			t.Fatal(err)
		}
		seen := 0
		for _, c := range tree.All() {
			if c.Kind != catalog.KindList {
				continue
			}
			p, err := cat.List(ctx, catalog.Filter{SiteID: site, ColumnIDs: []int64{c.ID}, Limit: 20}, true)
			if err != nil {
				t.Fatalf("column %s: %v", c.Slug, err)
			}
			seen += p.Total
			for _, it := range p.Items {
				if it.IndexNo == "" || it.Title == "" || it.PublishedOn == "" {
					t.Errorf("column %s: incomplete item %+v", c.Slug, it)
				}
			}
		}
		if want := count(t, db, `SELECT COUNT(*) FROM items WHERE status = 'published'`); seen != want {
			t.Errorf("columns list %d published items, want %d", seen, want)
		}
		col := tree.BySlug["gzdt"]
		f := catalog.Filter{SiteID: site, ColumnIDs: []int64{col.ID}, Limit: 100}
		walked, last := 0, "9999-12-31"
		for {
			p, err := cat.List(ctx, f, false)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range p.Items {
				if it.PublishedOn > last {
					t.Fatalf("not newest first: %s after %s", it.PublishedOn, last)
				}
				last = it.PublishedOn
			}
			walked += len(p.Items)
			if p.NextCursor == "" {
				break
			}
			f.Cursor = p.NextCursor
		}
		if want := count(t, db, `SELECT COUNT(*) FROM items WHERE column_id = $1 AND status = 'published'`, col.ID); walked != want {
			t.Errorf("walked %d of %d items in 工作动态", walked, want)
		}
		p, err := cat.List(ctx, catalog.Filter{SiteID: site, DocType: "interpretation", Limit: 5}, false)
		if err != nil || len(p.Items) == 0 {
			t.Fatalf("interpretations: %v", err)
		}
		for _, li := range p.Items {
			it, err := cat.Item(ctx, site, li.ID)
			if err != nil {
				t.Fatal(err)
			}
			if n := utf8.RuneCountInString(it.Body); n < 500 || !strings.HasPrefix(it.Body, "<p>") {
				t.Errorf("body of %d characters: %.40q", n, it.Body)
			}
			rel, err := cat.Related(ctx, it, true)
			if err != nil || len(rel) != 1 || rel[0].DocType != "policy" {
				t.Errorf("related of interpretation %d: %v %v", it.ID, rel, err)
			}
			if !strings.Contains(it.Title, "《临沂市司法局关于") {
				t.Errorf("interpretation title %q", it.Title)
			}
		}
		// The workflow goes on after a bulk load: the next number follows the counter.
		office, err := s.Auth.UserByName(ctx, "office")
		if err != nil {
			t.Fatal(err)
		}
		it, err := cat.Create(ctx, office, site, catalog.Input{ColumnID: tree.BySlug["gzdt"].ID, DocType: "news", DepartmentID: s.Departments["bgs"],
			Title: "批量导入后新发布的信息", Disclosure: "proactive", PublishedOn: "2026-11-30"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cat.Submit(ctx, office, site, it.ID); err != nil {
			t.Fatal(err)
		}
		it, err = cat.Publish(ctx, office, site, it.ID, time.Time{})
		if err != nil {
			t.Fatalf("publish after bulk load: %v", err)
		}
		if got := count(t, db, `SELECT COUNT(*) FROM items WHERE index_no = $1`, it.IndexNo); got != 1 {
			t.Errorf("new index number %s used %d times", it.IndexNo, got)
		}
	})
}

// TestSyntheticDeterministic: the same seed builds the same site; another seed another one.
func TestSyntheticDeterministic(t *testing.T) {
	digest := func(seed uint64) string {
		db := storetest.Open(t, store.SQLite)
		build(t, db, 300, seed)
		rows, err := db.R.Query(`SELECT id, title, published_on, COALESCE(index_no, ''), doc_no, LENGTH(body), fields FROM items ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var id, n int
			var title, on, ix, no, fields string
			if err := rows.Scan(&id, &title, &on, &ix, &no, &n, &fields); err != nil {
				t.Fatal(err)
			}
			b.WriteString(strings.Join([]string{title, on, ix, no, fields}, "|"))
		}
		return b.String()
	}
	a, b, c := digest(1), digest(1), digest(2)
	if a != b {
		t.Error("the same seed built different sites")
	}
	if a == c {
		t.Error("different seeds built the same site")
	}
}

// TestRegister: generators run in registration order after the items, and
// a duplicate name panics.
func TestRegister(t *testing.T) {
	if got := synthetic.Generators(); len(got) == 0 || got[0] != "items" {
		t.Fatalf("generators %v, want items first", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("registering items twice did not panic")
		}
	}()
	synthetic.Register("items", nil)
}

func BenchmarkSyntheticSite(b *testing.B) {
	const n = 5000
	for b.Loop() {
		b.StopTimer()
		db := storetest.Open(b, store.SQLite)
		b.StartTimer()
		build(b, db, n, 1)
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "items/s")
}
