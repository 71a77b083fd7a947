package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/demo"
	"gongkai/internal/demo/synthetic"
)

// runSeed fills an empty database: `gongkai seed --synthetic N` builds a
// realistic synthetic site of N items for benchmarks (internal/demo/synthetic),
// then every capability's registered generator scales its own records from N,
// with a progress bar on stderr.
func runSeed(args []string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	var c common
	c.register(fs)
	n := fs.Int("synthetic", 0, "build a synthetic site of this many items")
	seed := fs.Uint64("seed", 1, "random seed (the same seed builds the same site)")
	host := fs.String("host", "", "an extra host name for the site (e.g. 127.0.0.1)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	noIndex := fs.Bool("no-search-index", false, "leave the search index to the first serve (which then indexes every item in the background)")
	dataKey := fs.String("data-key", os.Getenv("GONGKAI_DATA_KEY"), "base64 32-byte key sealing personal data in the synthetic records (default: data/data-key, generated when missing, as serve --demo)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n <= 0 || fs.NArg() > 0 {
		return errors.New("用法：gongkai seed --synthetic N [--seed S] [--host H] [--data DIR | --db DSN]")
	}
	ctx := context.Background()
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	cat := &catalog.Service{DB: db}
	if k, err := cat.SiteCount(ctx); err != nil {
		return err
	} else if k > 0 {
		return errors.New("数据库中已有站点；合成站点只能载入空数据库")
	}
	key, err := loadDataKey(*dataKey, c.data, true)
	if err != nil {
		return fmt.Errorf("data key: %w", err)
	}
	opt := synthetic.Options{N: *n, Seed: *seed, Host: *host, DataKey: key, Today: calendar.Today()}
	if !*quiet {
		opt.Progress = synthetic.NewBar(os.Stderr)
	}
	start := time.Now()
	s, err := synthetic.Build(ctx, cat, auth.NewService(db), opt)
	if err != nil {
		return err
	}
	el := time.Since(start)
	fmt.Printf("合成站点 %s 已生成：%d 条信息，用时 %.1f 秒（%.0f 条/秒）；工作人员账号 %s 等，密码 %s\n",
		s.Site.Name, *n, el.Seconds(), float64(*n)/el.Seconds(), demo.Users[0].Name, demo.Password)
	if *noIndex {
		return nil
	}
	// The site search's index, as `gongkai search reindex` builds it: without
	// it the first serve indexes every item in the background, and a
	// benchmark run then measures that work beside its pages.
	return reindex(ctx, cat, []int64{s.Site.ID}, true, *quiet)
}
