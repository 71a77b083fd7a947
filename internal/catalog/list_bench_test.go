package catalog_test

// Benchmarks of the list queries behind a column page, on a column holding
// 1,000 published items. Run them with
//
//	go test -run x -bench . -benchmem ./internal/catalog
//
// docs/BENCHMARKS.md has the figures.

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/demo"
	"gongkai/internal/secure"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

// listBenchItems is how many published items the benchmark column holds.
const listBenchItems = 1000

// newListBench loads the demo site on a fresh SQLite file and fills its
// 计划规划 column (the seed item's) up to listBenchItems published items,
// copies of the seed with publication dates spread over ten years and three
// publishers; others more published items (short news) go to 工作动态, so
// the site is larger than the column. It returns the service and the filter
// of the column's first page as the public column page asks for it.
func newListBench(b *testing.B, others int) (*catalog.Service, catalog.Filter) {
	b.Helper()
	ctx := context.Background()
	// Cheap password hashing: demo.Load creates six staff accounts.
	saved := secure.PasswordParams
	secure.PasswordParams = secure.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	b.Cleanup(func() { secure.PasswordParams = saved })

	db := storetest.Open(b, store.SQLite)
	cat := &catalog.Service{DB: db}
	site, err := demo.Load(ctx, cat, auth.NewService(db), "127.0.0.1")
	if err != nil {
		b.Fatalf("load demo: %v", err)
	}
	tree, err := cat.Tree(ctx, site.ID)
	if err != nil {
		b.Fatal(err)
	}
	col := tree.BySlug["jhgh"]
	if col == nil {
		b.Fatal("demo column jhgh missing")
	}
	res, err := cat.List(ctx, catalog.Filter{SiteID: site.ID, IndexNo: demo.SeedIndexNo, Limit: 1}, false)
	if err != nil || len(res.Items) != 1 {
		b.Fatalf("seed item: %v", err)
	}
	seed := res.Items[0]
	f := catalog.Filter{SiteID: site.ID, ColumnIDs: []int64{col.ID}, Limit: 20}
	have, err := cat.List(ctx, f, true)
	if err != nil {
		b.Fatal(err)
	}
	publishers := []string{site.Name, "临沂市司法局办公室", "中共临沂市委全面依法治市委员会办公室"}
	start := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	now := time.Now().UTC().Format(time.RFC3339)
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		for k := have.Total; k < listBenchItems; k++ {
			day := start.AddDate(0, 0, k*11/3).Format("2006-01-02") // ten years
			_, err := tx.ExecContext(ctx, `INSERT INTO items (site_id, column_id, doc_type, department_id, title, summary, body, publisher,
				published_on, disclosure, fields, status, revision, created_by, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $14, $14)`,
				site.ID, col.ID, seed.DocType, seed.DepartmentID, fmt.Sprintf("%s（基准测试副本 %d）", seed.Title, k), seed.Summary, seed.Body,
				publishers[k%len(publishers)], day, "proactive", `{"period":"2021年度","kind":"工作要点"}`, catalog.StatusPublished,
				seed.CreatedBy, now)
			if err != nil {
				return err
			}
		}
		news := tree.BySlug["gzdt"]
		for k := 0; k < others; k++ {
			day := start.AddDate(0, 0, k*3650/max(others, 1)).Format("2006-01-02")
			_, err := tx.ExecContext(ctx, `INSERT INTO items (site_id, column_id, doc_type, department_id, title, summary, body, publisher,
				published_on, disclosure, status, revision, created_by, created_at, updated_at)
				VALUES ($1, $2, 'news', $3, $4, '', $5, $6, $7, 'proactive', $8, 1, $9, $10, $10)`,
				site.ID, news.ID, seed.DepartmentID, fmt.Sprintf("工作动态 %d", k), "<p>（基准测试数据。）</p>", site.Name, day,
				catalog.StatusPublished, seed.CreatedBy, now)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatalf("insert items: %v", err)
	}
	if got, err := cat.List(ctx, f, true); err != nil || got.Total != listBenchItems {
		b.Fatalf("column holds %v items, want %d (err %v)", got, listBenchItems, err)
	}
	return cat, f
}

// BenchmarkList is the column-page query on a column of 1,000 published
// items (the demo site holds few others): page 1 and the last page
// (OFFSET 980) with the total count, page 1 without it (as the home page and
// the API ask), the year and publisher filter lists, and everything a column
// page asks the database for (years, publishers, the counted page).
func BenchmarkList(b *testing.B) {
	benchList(b, 0)
}

// BenchmarkListBusySite is BenchmarkList with 20,000 more published items
// in another column of the same site, as on a site with years of news: the
// column's queries should not depend on the rest of the site.
func BenchmarkListBusySite(b *testing.B) {
	benchList(b, 20000)
}

func benchList(b *testing.B, others int) {
	cat, f := newListBench(b, others)
	ctx := context.Background()
	list := func(b *testing.B, f catalog.Filter) {
		b.ReportAllocs()
		for b.Loop() {
			p, err := cat.List(ctx, f, true)
			if err != nil || len(p.Items) != f.Limit || p.Total != listBenchItems {
				b.Fatalf("list: %d items of %d, err %v", len(p.Items), p.Total, err)
			}
		}
	}
	b.Run("page1", func(b *testing.B) { list(b, f) })
	b.Run("page1-nocount", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if p, err := cat.List(ctx, f, false); err != nil || len(p.Items) != f.Limit {
				b.Fatalf("list: %v", err)
			}
		}
	})
	b.Run("page50", func(b *testing.B) {
		last := f
		last.Offset = listBenchItems - f.Limit
		list(b, last)
	})
	b.Run("years", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := cat.Years(ctx, f.SiteID, f.ColumnIDs); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("publishers", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := cat.Publishers(ctx, f.SiteID, f.ColumnIDs); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("columnPage", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := cat.Years(ctx, f.SiteID, f.ColumnIDs); err != nil {
				b.Fatal(err)
			}
			if _, err := cat.Publishers(ctx, f.SiteID, f.ColumnIDs); err != nil {
				b.Fatal(err)
			}
			if _, err := cat.List(ctx, f, true); err != nil {
				b.Fatal(err)
			}
		}
	})
}
