package pg_test

import (
	"context"
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
