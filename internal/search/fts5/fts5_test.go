package fts5_test

import (
	"context"
	"testing"

	"gongkai/internal/search"
	"gongkai/internal/search/fts5"
	"gongkai/internal/search/searchtest"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	searchtest.Run(t, func(t *testing.T) search.Backend {
		return fts5.New(storetest.Open(t, store.SQLite))
	})
}

// TestOptimize: after a rebuild's Optimize the index answers as before.
func TestOptimize(t *testing.T) {
	ctx := context.Background()
	b := fts5.New(storetest.Open(t, store.SQLite))
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

// TestRebuildSettings: a rebuild's BeginRebuild turns deletemerge off, its
// Optimize sets it back; hashsize is migration 0056's.
func TestRebuildSettings(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	b := fts5.New(db)
	setting := func(table, name string) int {
		t.Helper()
		var v int
		if err := db.R.QueryRowContext(ctx, `SELECT v FROM `+table+`_config WHERE k = $1`, name).Scan(&v); err != nil {
			t.Fatalf("%s %s: %v", table, name, err)
		}
		return v
	}
	for _, tb := range []string{"search_fts", "search_fts_title"} {
		if got := setting(tb, "hashsize"); got != 32<<20 {
			t.Errorf("%s hashsize %d", tb, got)
		}
	}
	if err := b.BeginRebuild(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tb := range []string{"search_fts", "search_fts_title"} {
		if got := setting(tb, "deletemerge"); got != 0 {
			t.Errorf("%s deletemerge %d during a rebuild", tb, got)
		}
	}
	if err := b.Optimize(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tb := range []string{"search_fts", "search_fts_title"} {
		if got := setting(tb, "deletemerge"); got != 10 {
			t.Errorf("%s deletemerge %d after Optimize", tb, got)
		}
	}
}
