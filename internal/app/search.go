package app

import (
	"context"
	"log/slog"

	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/demo"
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

// LoadSearchDemo indexes a freshly loaded demo site and gives it a year of
// search analytics and its best bets (search.Service.LoadDemo), as the
// demo administrator.
func (a *App) LoadSearchDemo(ctx context.Context, siteID int64, today calendar.Date) error {
	if _, err := a.Search.ReindexAll(ctx, []int64{siteID}, nil); err != nil {
		return err
	}
	admin, err := a.Auth.UserByName(ctx, demo.Users[0].Name)
	if err != nil {
		return err
	}
	return a.Search.LoadDemo(ctx, admin, siteID, today)
}

// LoadListsDemo publishes the demo site's structured lists (权责清单 in two
// editions, 职责边界清单, 证明事项实施清单) as the demo office; call it before
// LoadSearchDemo, whose rebuild indexes them.
func (a *App) LoadListsDemo(ctx context.Context, siteID int64) error {
	office, err := a.Auth.UserByName(ctx, demo.Users[1].Name)
	if err != nil {
		return err
	}
	if err := a.Lists.LoadDemo(ctx, siteID, office); err != nil {
		return err
	}
	return a.Lists.LoadOrgDemo(ctx, siteID, office, a.Web.Today())
}
