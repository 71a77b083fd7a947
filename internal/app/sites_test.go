package app

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
)

// TestTwoSitesByHost: one deployment serves several bodies' sites (集约化),
// chosen by host name, each with its own columns, items and staff.
func TestTwoSitesByHost(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		other := &catalog.Site{Slug: "lysj", Name: "临沂市审计局", OrgCode: "1111111111", Hosts: []string{"sjj.example"},
			Settings: catalog.Settings{HomeColumns: []string{"tzgg"}, Phone: "(0539)0000000"}}
		if err := e.cat.CreateSite(ctx, nil, other); err != nil {
			t.Fatal(err)
		}
		d := &catalog.Department{SiteID: other.ID, Name: "办公室", Abbr: "bgs"}
		if err := e.cat.CreateDepartment(ctx, nil, d); err != nil {
			t.Fatal(err)
		}
		au := auth.NewService(e.db)
		sjAdmin, err := au.CreateUser(ctx, nil, auth.NewUser{SiteID: other.ID, Name: "sj-admin", Role: auth.Admin, Password: "another-long-password"})
		if err != nil {
			t.Fatal(err)
		}
		col := &catalog.Column{SiteID: other.ID, Slug: "tzgg", Name: "通知公告", Kind: catalog.KindList, DocTypes: []string{"notice"}}
		if err := e.cat.SaveColumn(ctx, sjAdmin, col); err != nil {
			t.Fatal(err)
		}
		it, err := e.cat.Create(ctx, sjAdmin, other.ID, catalog.Input{DocType: "notice", ColumnID: col.ID, DepartmentID: d.ID, Title: "审计局通知", Disclosure: "proactive"})
		if err != nil {
			t.Fatal(err)
		}
		e.cat.Submit(ctx, sjAdmin, other.ID, it.ID)
		if it, err = e.cat.Publish(ctx, sjAdmin, other.ID, it.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(it.IndexNo, "1111111111/bgs/") {
			t.Errorf("index number %q", it.IndexNo)
		}
		get := func(host, path string) resp {
			req, _ := http.NewRequest("GET", e.ts.URL+path, nil)
			req.Host = host
			return e.browser().do(req)
		}
		r := get("sjj.example", "/")
		mustContain(t, r.body, "临沂市审计局", "审计局通知", "(0539)0000000")
		mustNotContain(t, r.body, "临沂市司法局")
		if r := get("sjj.example", "/items/"+itoa(it.ID)); r.status != 200 {
			t.Errorf("own item: %d", r.status)
		}
		seed := e.itemID(t, "2021年临沂市司法局政务公开工作重点任务安排")
		if r := get("sjj.example", "/items/"+seed); r.status != 404 {
			t.Errorf("other site's item on this host: %d", r.status)
		}
		if r := get("sjj.example", "/columns/zcwj"); r.status != 404 {
			t.Errorf("other site's column: %d", r.status)
		}
		// Unknown hosts get the first site; the justice bureau's host too.
		mustContain(t, get("sfj.linyi.gov.cn", "/").body, "临沂市司法局")
		// Staff of one site cannot sign in on another.
		b := e.browser()
		req, _ := http.NewRequest("POST", e.ts.URL+"/admin/login", strings.NewReader(url.Values{"name": {"office"}, "password": {"gongkai-demo-2021"}}.Encode()))
		req.Host = "sjj.example"
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if r := b.do(req); r.status != http.StatusUnauthorized {
			t.Errorf("司法局 office on 审计局 host: %d", r.status)
		}
	})
}

// TestAuditRecordsClientAddress: every staff action's audit row carries the
// address the request came from (the README promises it for --trust-proxy).
func TestAuditRecordsClientAddress(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.browser().login("admin")
		if r := b.post("/admin/departments", url.Values{"name": {"审计测试科"}, "abbr": {"sjcs"}}); r.status != http.StatusSeeOther {
			t.Fatalf("create department: %d %s", r.status, r.body)
		}
		var ip string
		if err := e.db.R.QueryRow(`SELECT ip FROM audit_log WHERE action = 'department.create' ORDER BY id DESC LIMIT 1`).Scan(&ip); err != nil {
			t.Fatal(err)
		}
		if ip != "127.0.0.1" {
			t.Errorf("audit ip %q, want 127.0.0.1", ip)
		}
	})
}
