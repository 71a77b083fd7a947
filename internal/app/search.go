package app

import (
	"context"
	"log/slog"

	"gongkai/internal/catalog"
	"gongkai/internal/search"
	"gongkai/internal/search/fts5"
	"gongkai/internal/search/pg"
	"gongkai/internal/store"
)

// NewSearch builds the site search over the database's back end (FTS5 on
// SQLite, PostgreSQL full text on PostgreSQL) with the catalogue's records
// registered. The serve command and `gongkai search reindex` share it.
func NewSearch(cat *catalog.Service, log *slog.Logger) *search.Service {
	var b search.Backend
	if cat.DB.Dialect == store.Postgres {
		b = pg.New(cat.DB)
	} else {
		b = fts5.New(cat.DB)
	}
	s := search.NewService(cat.DB, b, cat.Bus, log)
	s.Register(cat.SearchSource())
	return s
}

// firstIndex builds the index of a database that has items but no search
// documents (a database from before the search, or restored without it).
func (a *App) firstIndex(ctx context.Context) {
	docs, _, err := a.Search.Backend.Size(ctx)
	if err != nil || docs > 0 {
		return
	}
	sites, err := a.Catalog.Sites(ctx)
	if err != nil || len(sites) == 0 {
		return
	}
	ids := make([]int64, len(sites))
	for i, s := range sites {
		ids[i] = s.ID
	}
	a.Log.Info("search: building the index")
	n, err := a.Search.ReindexAll(ctx, ids, nil)
	if err != nil {
		a.Log.Error("search: first index", "err", err)
		return
	}
	a.Log.Info("search: index built", "documents", n)
}
