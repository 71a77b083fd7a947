package searchsql_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"gongkai/internal/search"
	"gongkai/internal/search/fts5"
	"gongkai/internal/search/pg"
	"gongkai/internal/search/searchsql"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

// TestCacheSeesOtherWriters: two back ends over one database (two nodes):
// an answer cached by one is not reused after the other changes the site.
func TestCacheSeesOtherWriters(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			db := storetest.Open(t, d)
			a, b := newBackend(db), newBackend(db)
			ctx := context.Background()
			m := &search.Match{SiteID: 1, Must: []search.Clause{{*search.PhraseOf("法律援助", search.Anywhere)}}, Cap: 10, Facets: true}
			count := func() int {
				t.Helper()
				r, err := b.Match(ctx, m)
				if err != nil {
					t.Fatal(err)
				}
				return len(r.Candidates)
			}
			if n := count(); n != 0 {
				t.Fatalf("empty index: %d", n)
			}
			if err := a.Put(ctx, &search.Document{SiteID: 1, Kind: "policy", Ref: 1, Title: "法律援助", PublishedOn: "2021-01-01"}); err != nil {
				t.Fatal(err)
			}
			if n := count(); n != 1 {
				t.Errorf("after the other node's Put: %d candidates, want 1", n)
			}
			r, _ := b.Match(ctx, m)
			r.Candidates[0].Title = "changed by the caller"
			if r2, _ := b.Match(ctx, m); r2.Candidates[0].Title != "法律援助" {
				t.Errorf("cached answer changed by a caller: %q", r2.Candidates[0].Title)
			}
			if err := a.Delete(ctx, 1, "policy", 1); err != nil {
				t.Fatal(err)
			}
			if n := count(); n != 0 {
				t.Errorf("after the other node's Delete: %d candidates", n)
			}
		})
	}
}

func newBackend(db *store.DB) search.Backend {
	if db.Dialect == store.Postgres {
		return pg.New(db)
	}
	return fts5.New(db)
}

// TestCacheBounded: the answers kept stay within the byte bound however
// many are asked for, and a kept answer is still reused.
func TestCacheBounded(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			db := storetest.Open(t, d)
			var x *searchsql.Index
			var b search.Backend
			if d == store.Postgres {
				p := pg.New(db)
				b, x = p, p.Index
			} else {
				f := fts5.New(db)
				b, x = f, f.Index
			}
			ctx := context.Background()
			long := strings.Repeat("政府信息公开年度报告", 20)
			for i := 1; i <= 300; i++ {
				if err := b.Put(ctx, &search.Document{SiteID: 1, Kind: "policy", Ref: int64(i), Title: "法律援助" + long + strconv.Itoa(i), PublishedOn: "2021-01-01"}); err != nil {
					t.Fatal(err)
				}
			}
			for off := range 60 {
				m := &search.Match{SiteID: 1, Must: []search.Clause{{*search.PhraseOf("法律援助", search.Anywhere)}}, Cap: 300, Offset: off}
				if _, err := b.Match(ctx, m); err != nil {
					t.Fatal(err)
				}
				if n, size := x.CacheUse(); size > searchsql.CacheBytes || n == 0 {
					t.Fatalf("after %d answers: %d kept, %d bytes (bound %d)", off+1, n, size, searchsql.CacheBytes)
				}
			}
			if n, _ := x.CacheUse(); n >= 60 {
				t.Errorf("%d answers of some 100 KB kept", n)
			}
		})
	}
}
