package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"gongkai/internal/app"
	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/demo/synthetic"
	"gongkai/internal/web"
)

// runSearch: `gongkai search reindex [--site ID]` rebuilds the site search
// index from the database, with a progress bar; safe while `serve` runs
// (documents are replaced in place, stale ones removed at the end).
func runSearch(args []string) error {
	if len(args) == 0 || args[0] != "reindex" {
		return errors.New("用法：gongkai search reindex [--site ID] [--quiet] [--data DIR | --db DSN]")
	}
	fs := flag.NewFlagSet("search reindex", flag.ContinueOnError)
	var c common
	c.register(fs)
	siteID := fs.Int64("site", 0, "rebuild only this site (default: every site)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	ctx := context.Background()
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	cat := &catalog.Service{DB: db}
	sites, err := cat.Sites(ctx)
	if err != nil {
		return err
	}
	var ids []int64
	for _, s := range sites {
		if *siteID == 0 || s.ID == *siteID {
			ids = append(ids, s.ID)
		}
	}
	if len(ids) == 0 && *siteID != 0 {
		return fmt.Errorf("没有编号为 %d 的站点", *siteID)
	}
	if len(ids) == 0 {
		return errors.New("数据库中还没有站点")
	}
	return reindex(ctx, cat, ids, *siteID == 0, *quiet)
}

// reindex rebuilds the search index of the sites ids (all of the database's
// when all: the subscription then moves past the events the rebuild
// covered), with a progress bar unless quiet, and prints a summary.
func reindex(ctx context.Context, cat *catalog.Service, ids []int64, all, quiet bool) error {
	// The application as serve builds it, for its search service with every
	// capability's source registered (messages, lists, consultations …),
	// not only the catalogue's: moving the subscription past their events
	// would otherwise leave those records out of the index.
	a, err := app.New(cat, auth.NewService(cat.DB), nil, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})), web.Options{})
	if err != nil {
		return err
	}
	svc := a.Search
	var bar func(string, int, int)
	if !quiet {
		bar = synthetic.NewBar(os.Stderr)
	}
	start := time.Now()
	progress := func(site int64, done, total int) {
		if bar != nil {
			bar(fmt.Sprintf("站点 %d 索引", site), done, total)
		}
	}
	var n int
	if all {
		n, err = svc.ReindexAll(ctx, ids, progress)
	} else {
		n, err = svc.Reindex(ctx, ids[0], func(done, total int) { progress(ids[0], done, total) })
	}
	if err != nil {
		return err
	}
	el := time.Since(start)
	docs, bytes, _ := svc.Backend.Size(ctx)
	fmt.Printf("检索索引已重建：%d 条（%s），用时 %.1f 秒（%.0f 条/秒）；索引共 %d 条，约 %.1f MB\n",
		n, svc.Backend.Name(), el.Seconds(), float64(n)/max(el.Seconds(), 0.001), docs, float64(bytes)/1e6)
	return nil
}
