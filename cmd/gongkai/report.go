package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"gongkai/internal/annual"
	"gongkai/internal/annual/export"
	"gongkai/internal/calendar/calver"
	"gongkai/internal/catalog"
	"gongkai/internal/lists"
	"gongkai/internal/lists/enforce"
	"gongkai/internal/request"
)

// runReport: `gongkai report annual --year 2025 --format pdf|docx|xlsx|html
// --out FILE [--site ID]` writes a year's annual report: the published one,
// else the current draft (computed from the records).
func runReport(args []string) error {
	const use = "用法：gongkai report annual --year 2025 --format pdf|docx|xlsx|html --out FILE [--site ID] [--data DIR | --db DSN]"
	if len(args) == 0 || args[0] != "annual" {
		return errors.New(use)
	}
	fs := flag.NewFlagSet("report annual", flag.ContinueOnError)
	var c common
	c.register(fs)
	year := fs.Int("year", 0, "report year")
	format := fs.String("format", "html", "pdf, docx, xlsx or html")
	out := fs.String("out", "", "output file")
	siteID := fs.Int64("site", 0, "site id (default: the first site)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *year < 2000 || *year > 2100 || *out == "" {
		return errors.New(use)
	}
	switch *format {
	case "html":
	case "pdf", "docx", "xlsx":
	default:
		return errors.New(use)
	}
	ctx := context.Background()
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	cat := &catalog.Service{DB: db}
	if *siteID == 0 {
		sites, err := cat.Sites(ctx)
		if err != nil {
			return err
		}
		if len(sites) == 0 {
			return errors.New("数据库中还没有站点")
		}
		*siteID = sites[0].ID
	}
	svc := &annual.Service{DB: db, Catalog: cat, Requests: &request.Service{DB: db, Calendar: &calver.Versions{DB: db}, Rules: request.DefaultRules},
		Enforce: &enforce.Service{Lists: &lists.Service{DB: db, Catalog: cat}}}
	rep, err := svc.Published(ctx, *siteID, *year)
	if err != nil {
		return err
	}
	if rep == nil {
		if rep, err = svc.Draft(ctx, *siteID, *year); err != nil {
			return err
		}
	}
	var b bytes.Buffer
	if *format == "html" {
		err = annual.WriteHTML(&b, rep)
	} else {
		err = export.Write(&b, *format, rep)
	}
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("%s（%s）已写入 %s\n", rep.Title, *format, *out)
	return nil
}
