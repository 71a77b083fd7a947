package pg_test

import (
	"context"
	"strings"
	"testing"

	"gongkai/internal/search"
	"gongkai/internal/search/pg"
	"gongkai/internal/search/searchtest"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	searchtest.Run(t, func(t *testing.T) search.Backend {
		return pg.New(storetest.Open(t, store.Postgres))
	})
}

// TestOptimize: after a rebuild's Optimize the index answers as before.
func TestOptimize(t *testing.T) {
	ctx := context.Background()
	b := pg.New(storetest.Open(t, store.Postgres))
	if err := b.Put(ctx, &search.Document{SiteID: 1, Kind: "policy", Ref: 1, Title: "法律援助条例", PublishedOn: "2021-01-01"}); err != nil {
		t.Fatal(err)
	}
	if err := b.Optimize(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := b.Match(ctx, &search.Match{SiteID: 1, Must: []search.Clause{{*search.PhraseOf("法律援助", search.TitleOnly)}}, Cap: 10})
	if err != nil || len(r.Candidates) != 1 {
		t.Fatalf("after Optimize: %+v, %v", r, err)
	}
}

// TestOlderFormat: rows written before migration 0051 (format 1, no
// n-grams) are matched by positions until none is left, and a vector whose
// n-grams did not fit is matched by positions too.
func TestOlderFormat(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.Postgres)
	b := pg.New(db)
	if err := b.Put(ctx,
		&search.Document{SiteID: 1, Kind: "policy", Ref: 1, Title: "通知", Body: "全面推进社区矫正工作", PublishedOn: "2021-01-01"},
		&search.Document{SiteID: 1, Kind: "policy", Ref: 2, Title: "通知", Body: "社区服务中心和矫正措施", PublishedOn: "2021-01-02"}); err != nil {
		t.Fatal(err)
	}
	want := func(b *pg.Index, what string, words ...string) {
		t.Helper()
		for _, w := range words {
			r, err := b.Match(ctx, &search.Match{SiteID: 1, Must: []search.Clause{{*search.PhraseOf(w, search.Anywhere)}}, Cap: 10})
			if err != nil || len(r.Candidates) != 1 || r.Candidates[0].Ref != 1 {
				t.Errorf("%s: %s: %+v, %v", what, w, r, err)
			}
		}
	}
	want(b, "n-grams", "社区矫正", "矫正工", "全面推进社区矫正工作")
	if _, err := db.W.ExecContext(ctx, `UPDATE search_fts SET format = 1, tsv = tsv::text::tsvector`); err != nil {
		t.Fatal(err)
	}
	old := pg.New(db)
	want(old, "format 1", "社区矫正", "矫正工", "全面推进社区矫正工作")
	// A body of distinct characters whose n-grams exceed the vector's text.
	var body strings.Builder
	body.WriteString("社区矫正工作。")
	for x := uint32(1); body.Len() < 400000; {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		body.WriteRune(rune(0x4e00 + x%20000))
	}
	if err := b.Put(ctx, &search.Document{SiteID: 1, Kind: "policy", Ref: 3, Title: "通知", Body: body.String(), PublishedOn: "2021-01-03"}); err != nil {
		t.Fatal(err)
	}
	if v := pg.Vector(&search.Document{Body: body.String()}); !strings.Contains(v, "'~partial'") {
		t.Fatalf("vector of %d bytes not partial", len(v))
	}
	r, err := b.Match(ctx, &search.Match{SiteID: 1, Must: []search.Clause{{*search.PhraseOf("矫正工", search.Anywhere)}}, Cap: 10})
	if err != nil || len(r.Candidates) != 2 {
		t.Errorf("partial vector: %+v, %v", r, err)
	}
}

func TestVectorGrams(t *testing.T) {
	v := pg.Vector(&search.Document{Title: "法律援助", Body: "abc 2021年"})
	for _, want := range []string{"'法律':1A", "'~法律援'", "'~法律援助'", "'~律援助'", "'~abc 2021'", "'~abc 2021 年'", "'~2021 年'"} {
		if !strings.Contains(v, want) {
			t.Errorf("Vector = %s, missing %s", v, want)
		}
	}
	if strings.Contains(v, "'~援助 abc'") {
		t.Errorf("Vector = %s: an n-gram across fields", v)
	}
}
