package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/calendar/calver"
	"gongkai/internal/catalog"
	"gongkai/internal/compliance"
	"gongkai/internal/deadline"
	"gongkai/internal/store"
)

// services wires the domain services over one database.
type services struct {
	cat        *catalog.Service
	au         *auth.Service
	cal        *calver.Versions
	deadlines  *deadline.Service
	compliance *compliance.Service
}

func newServices(db *store.DB) *services {
	s := &services{cat: &catalog.Service{DB: db}, au: auth.NewService(db), cal: &calver.Versions{DB: db}}
	s.deadlines = &deadline.Service{DB: db, Catalog: s.cat, Calendar: s.cal}
	s.compliance = &compliance.Service{DB: db, Catalog: s.cat, Deadlines: s.deadlines}
	return s
}

// errVeto makes `gongkai check` exit 1 without another message.
var errVeto = errors.New("veto")

// runCheck runs the self-inspection and prints its findings; it exits 1
// when any veto-level finding exists.
func runCheck(args []string) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	var c common
	c.register(fs)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	siteSlug := fs.String("site", "", "site code (default: every site)")
	today := fs.String("today", "", "check as of this date (YYYY-MM-DD; default today in China)")
	save := fs.Bool("save", true, "record the run in the history (never for a what-if --today run)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	day := calendar.Today()
	if *today != "" {
		d, err := calendar.Parse(*today)
		if err != nil {
			return err
		}
		day = d
	}
	// A what-if run as of another day is not a self-inspection of the
	// site as it is: it must not enter the live history and trend
	// (issue 15).
	if day != calendar.Today() {
		saveSet := false
		fs.Visit(func(f *flag.Flag) { saveSet = saveSet || f.Name == "save" })
		if saveSet && *save {
			return errors.New("--today 指定其他日期时是试算，不能用 --save 记入自查历史")
		}
		*save = false
	}
	ctx := context.Background()
	// One pass over the site reads each page once: a small page cache per
	// connection keeps the run's memory to its findings (issue 17).
	db, err := c.openWith(ctx, store.Options{CacheKiB: 2000})
	if err != nil {
		return err
	}
	defer db.Close()
	svc := newServices(db)
	sites, err := svc.cat.Sites(ctx)
	if err != nil {
		return err
	}
	var reports []*compliance.Report
	vetoes := 0
	for _, site := range sites {
		if *siteSlug != "" && site.Slug != *siteSlug {
			continue
		}
		rep, err := svc.compliance.Run(ctx, site.ID, day)
		if err != nil {
			return err
		}
		if *save {
			if err := svc.compliance.Save(ctx, rep); err != nil {
				return err
			}
		}
		vetoes += rep.Vetoes()
		reports = append(reports, rep)
	}
	if len(reports) == 0 {
		return errors.New("没有找到站点")
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"reports": reports, "vetoes": vetoes}); err != nil {
			return err
		}
	} else {
		for _, rep := range reports {
			fmt.Printf("%s 自查（%s）：%d 项问题，其中单项否决 %d 项；政策解读覆盖率 %.0f%%（%d 份政策文件）\n",
				rep.Site, rep.Today, len(rep.Findings), rep.Vetoes(), rep.InterpretationCoverage*100, rep.PolicyDocuments)
			for _, f := range rep.Findings {
				fmt.Printf("- [%s] %s\n  规则：%s（%s）\n", compliance.LevelLabels[f.Level], f.Message, f.Rule.Title, f.Rule.Basis)
				if f.Link != "" {
					fmt.Printf("  处理：%s\n", f.Link)
				}
			}
		}
	}
	if vetoes > 0 {
		return errVeto
	}
	return nil
}
