package fts5_test

import (
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
