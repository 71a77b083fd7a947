// Package search serves the site search on every surface: on the public
// site the results page (分类展现: tabs per record kind, facets, snippets,
// best bets, "您是不是要找"), its Atom feed, the advanced form, typing
// suggestions and the click-tracking redirect; in the back office the
// synonym table, best bets and search analytics; in the API /api/v1/search.
// The search itself is internal/search's Service.
package search

import (
	"context"
	"embed"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	srch "gongkai/internal/search"
	"gongkai/internal/web"
)

//go:embed templates static
var assets embed.FS

//go:embed openapi.json
var openapi []byte

// Feature serves the site search.
type Feature struct {
	*web.Server
	Catalog *catalog.Service
	Search  *srch.Service
}

// engine is what the pages ask of the search service beyond its
// administration data.
type engine interface {
	Search(ctx context.Context, r *srch.Request) (*srch.Result, error)
	Suggest(ctx context.Context, siteID int64, prefix string, n int) ([]string, error)
}

var errUnavailable = errs.E(errs.Internal, "站内搜索暂时不可用，请稍后再试")

// engine returns the search service as the pages use it.
func (s *Feature) engine() (engine, error) {
	if s.Search == nil || s.Search.Backend == nil {
		return nil, errUnavailable
	}
	return s.Search, nil
}

// Mount registers the templates, static files, messages, API description
// and routes.
func (s *Feature) Mount(kit *web.Server) error {
	s.Server = kit
	if err := kit.Templates("internal/web/search", assets); err != nil {
		return err
	}
	if err := kit.OpenAPI(openapi); err != nil {
		return err
	}
	// The results page is not cached (each search has its own log id for
	// click tracking), but its parameters are declared so the page's URL
	// (where the display preference buttons return) keeps the search.
	kit.CacheParams(params...)
	kit.Flashes(map[string]string{"synonym_saved": "同义词已保存。", "synonym_deleted": "同义词已删除。",
		"bestbet_saved": "推荐结果已保存。", "bestbet_deleted": "推荐结果已删除。"})

	kit.Public("GET /search", s.results)
	kit.Public("GET /search/feed.xml", s.feed)
	kit.Public("GET /search/advanced", s.advanced)
	kit.Public("GET /search/suggest", s.suggest)
	kit.Public("GET /search/go", s.click)

	kit.Admin("GET /admin/search/synonyms", s.synonyms)
	kit.Admin("POST /admin/search/synonyms", s.saveSynonym)
	kit.Admin("POST /admin/search/synonyms/{id}", s.saveSynonym)
	kit.Admin("POST /admin/search/synonyms/{id}/delete", s.deleteSynonym)
	kit.Admin("GET /admin/search/bestbets", s.bestBets)
	kit.Admin("POST /admin/search/bestbets", s.saveBestBet)
	kit.Admin("POST /admin/search/bestbets/{id}", s.saveBestBet)
	kit.Admin("POST /admin/search/bestbets/{id}/delete", s.deleteBestBet)
	kit.Admin("GET /admin/search/analytics", s.analytics)

	kit.API("GET /api/v1/search", s.apiSearch)
	return nil
}
