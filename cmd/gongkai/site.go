package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"gongkai/internal/catalog"
)

// runSite adds a body's site to a shared platform (集约化) or lists the sites.
func runSite(args []string) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "list") {
		return errors.New("用法：gongkai site add --slug S --name 单位名称 --org-code 索引号前段码 --host 域名[,域名] [--dept-abbr 代码]；gongkai site list")
	}
	fs := flag.NewFlagSet("site "+args[0], flag.ContinueOnError)
	var c common
	c.register(fs)
	slug := fs.String("slug", "", "site code (lower-case letters, digits, -)")
	name := fs.String("name", "", "the body's full name (e.g. 临沂市司法局)")
	org := fs.String("org-code", "", "the index number's first segment")
	hosts := fs.String("host", "", "host names, comma-separated")
	abbr := fs.String("dept-abbr", "", "default index-number department segment")
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
	if args[0] == "list" {
		sites, err := cat.Sites(ctx)
		if err != nil {
			return err
		}
		for _, s := range sites {
			fmt.Printf("%s\t%s\t%s\t%s\n", s.Slug, s.Name, s.OrgCode, strings.Join(s.Hosts, ","))
		}
		return nil
	}
	site := &catalog.Site{Slug: *slug, Name: *name, OrgCode: *org, Settings: catalog.Settings{Owner: *name, DeptAbbr: *abbr}}
	for _, h := range strings.Split(*hosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			site.Hosts = append(site.Hosts, h)
		}
	}
	if err := cat.CreateSite(ctx, nil, site); err != nil {
		return err
	}
	fmt.Printf("站点 %s（%s）已创建；请用 gongkai user add 为其创建管理员，再在后台建立栏目和科室。\n", site.Name, site.Slug)
	return nil
}
