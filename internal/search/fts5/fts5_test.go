package fts5_test

import (
	"context"
	"fmt"
	"slices"
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

// TestTidySmall: the one-transaction segments that writes leave are merged,
// the rebuild's large segment is kept apart, and the answers do not change.
func TestTidySmall(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	b := fts5.New(db)
	segments := func() int {
		var n int
		if err := db.R.QueryRowContext(ctx, `SELECT COUNT(DISTINCT segid) FROM search_fts_title_idx`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	put := func(ref int64) {
		if err := b.Put(ctx, &search.Document{SiteID: 1, Kind: "policy", Ref: ref, Title: fmt.Sprintf("法律援助条例第%d号", ref), PublishedOn: "2021-01-01"}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 20 {
		put(int64(i + 1))
	}
	if err := b.Optimize(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		put(int64(100 + i))
	}
	match := func() []int64 {
		r, err := b.Match(ctx, &search.Match{SiteID: 1, Must: []search.Clause{{*search.PhraseOf("法律援助", search.TitleOnly)}}, Cap: 100, NoCache: true})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, c := range r.Candidates {
			ids = append(ids, c.Ref)
		}
		return ids
	}
	before, n := match(), segments()
	if n < 10 {
		t.Fatalf("%d segments before, want one per write", n)
	}
	if err := b.TidySmall(ctx); err != nil {
		t.Fatal(err)
	}
	if got := segments(); got > 3 {
		t.Errorf("%d segments after TidySmall (from %d)", got, n)
	}
	if after := match(); !slices.Equal(before, after) || len(after) != 32 {
		t.Errorf("matches changed: %v → %v", before, after)
	}
}

// TestPackedColumns: a match's text columns come back as written, whether
// they are read packed in one value or, when a value holds a NUL itself,
// one by one.
func TestPackedColumns(t *testing.T) {
	ctx := context.Background()
	b := fts5.New(storetest.Open(t, store.SQLite))
	docs := []*search.Document{
		{SiteID: 1, Kind: "policy", Ref: 1, URL: "/a/1", Title: "法律援助条例", DocNo: "临司发〔2021〕1号", Publisher: "司法局", Topic: "legal", Validity: "valid", ColumnID: 7, PublishedOn: "2021-01-01"},
		{SiteID: 1, Kind: "news", Ref: 2, URL: "/a/2", Title: "法律援助", PublishedOn: "2021-01-02"},
	}
	if err := b.Put(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	match := func() []search.Candidate {
		t.Helper()
		r, err := b.Match(ctx, &search.Match{SiteID: 1, Must: []search.Clause{{*search.PhraseOf("法律援助", search.Anywhere)}}, Cap: 10, NoCache: true})
		if err != nil {
			t.Fatal(err)
		}
		return r.Candidates
	}
	check := func(got []search.Candidate, want []*search.Document) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%d candidates, want %d", len(got), len(want))
		}
		for i, c := range got {
			d := want[len(want)-1-i] // newest first
			if c.Kind != d.Kind || c.Ref != d.Ref || c.URL != d.URL || c.Title != d.Title || c.DocNo != d.DocNo || c.Publisher != d.Publisher ||
				c.Topic != d.Topic || c.Validity != d.Validity || c.ColumnID != d.ColumnID || c.PublishedOn != d.PublishedOn {
				t.Errorf("candidate %d: %+v, document %+v", i, c, d)
			}
		}
	}
	check(match(), docs)
	docs = append(docs, &search.Document{SiteID: 1, Kind: "news", Ref: 3, URL: "/a/3", Title: "法律援助\x00指南", Publisher: "a\x00b", PublishedOn: "2021-01-03"})
	if err := b.Put(ctx, docs[2]); err != nil {
		t.Fatal(err)
	}
	check(match(), docs)
}
