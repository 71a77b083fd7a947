package pg_test

import (
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
