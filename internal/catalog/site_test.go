package catalog_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

func TestCreateSite(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		tests := []struct {
			name  string
			site  catalog.Site
			code  errs.Code
			field string
		}{
			{"bad slug", catalog.Site{Slug: "Bad Slug", Name: "局", OrgCode: "1"}, errs.Invalid, "slug"},
			{"empty slug", catalog.Site{Slug: "", Name: "局", OrgCode: "1"}, errs.Invalid, "slug"},
			{"slug starting with dash", catalog.Site{Slug: "-a", Name: "局", OrgCode: "1"}, errs.Invalid, "slug"},
			{"empty name", catalog.Site{Slug: "a", Name: "  ", OrgCode: "1"}, errs.Invalid, "name"},
			{"empty org code", catalog.Site{Slug: "a", Name: "局", OrgCode: ""}, errs.Invalid, "org_code"},
			{"org code with slash", catalog.Site{Slug: "a", Name: "局", OrgCode: "1/2"}, errs.Invalid, "org_code"},
			{"duplicate slug", catalog.Site{Slug: "test", Name: "局", OrgCode: "1"}, errs.Conflict, ""},
			{"host of another site", catalog.Site{Slug: "new", Name: "局", OrgCode: "1", Hosts: []string{"SFJ.example.cn"}}, errs.Conflict, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := f.with(t)
				before := f.count(`SELECT COUNT(*) FROM sites`)
				err := f.cat.CreateSite(f.ctx, f.admin, &tt.site)
				wantField(t, err, tt.code, tt.field)
				if after := f.count(`SELECT COUNT(*) FROM sites`); after != before {
					t.Errorf("sites %d -> %d after a refused create", before, after)
				}
			})
		}

		site := &catalog.Site{Slug: "third", Name: "第三局", OrgCode: "333", Hosts: []string{"Third.Example.CN", "www.third.cn"},
			Settings: catalog.Settings{Owner: "第三局", Phone: "0539-1234567", HomeColumns: []string{"a", "b"}}}
		f.must(f.cat.CreateSite(f.ctx, f.admin, site))
		got, err := f.cat.Site(f.ctx, site.ID)
		f.must(err)
		if got.Name != "第三局" || got.OrgCode != "333" || !slices.Equal(got.Hosts, []string{"third.example.cn", "www.third.cn"}) ||
			got.Settings.Phone != "0539-1234567" || !slices.Equal(got.Settings.HomeColumns, []string{"a", "b"}) {
			t.Errorf("site = %+v", got)
		}
		if n, err := f.cat.SiteCount(f.ctx); err != nil || n != 3 {
			t.Errorf("SiteCount = %d, %v", n, err)
		}
		sites, err := f.cat.Sites(f.ctx)
		if err != nil || len(sites) != 3 || sites[0].ID != f.site.ID || sites[2].ID != site.ID {
			t.Errorf("Sites = %v, %v", sites, err)
		}
		if _, err := f.cat.Site(f.ctx, 999999); !errors.Is(err, catalog.ErrNoSite) {
			t.Errorf("unknown site: %v", err)
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'site.create' AND site_id = $1`, site.ID); n != 1 {
			t.Errorf("site.create audit entries = %d", n)
		}
	})
}

func TestSiteForHost(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		tests := []struct {
			host string
			want int64
		}{
			{"sfj.example.cn", f.site.ID},
			{"SFJ.Example.CN", f.site.ID},
			{"sfj.example.cn:8080", f.site.ID},
			{"other.example.cn", f.otherSite.ID},
			{"other.example.cn:443", f.otherSite.ID},
			{"localhost", f.site.ID}, // unknown hosts get the first site
			{"127.0.0.1:8080", f.site.ID},
			{"[::1]", f.site.ID},
			{"[::1]:8080", f.site.ID},
		}
		for _, tt := range tests {
			got, err := f.cat.SiteForHost(f.ctx, tt.host)
			if err != nil || got.ID != tt.want {
				t.Errorf("SiteForHost(%q) = %v, %v; want site %d", tt.host, got, err, tt.want)
			}
		}
	})
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		cat := &catalog.Service{DB: db}
		if _, err := cat.SiteForHost(context.Background(), "x"); !errors.Is(err, catalog.ErrNoSite) {
			t.Errorf("no sites: %v, want ErrNoSite", err)
		}
	})
}

func TestUpdateSettings(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		st := catalog.Settings{Owner: "测试市司法局", Address: "某路 1 号", DeptAbbr: "sfj"}
		wantCode(t, f.cat.UpdateSettings(f.ctx, f.office, f.site.ID, "新名称", st), errs.Forbidden)
		wantField(t, f.cat.UpdateSettings(f.ctx, f.admin, f.site.ID, " ", st), errs.Invalid, "name")
		wantCode(t, f.cat.UpdateSettings(f.ctx, f.admin, 999999, "名称", st), errs.NotFound)
		before := f.changes.Load()
		f.must(f.cat.UpdateSettings(f.ctx, f.admin, f.site.ID, " 新名称 ", st))
		got, err := f.cat.Site(f.ctx, f.site.ID)
		f.must(err)
		if got.Name != "新名称" || got.Settings.Address != "某路 1 号" || got.Settings.DeptAbbr != "sfj" {
			t.Errorf("site = %+v", got)
		}
		if f.changes.Load() == before {
			t.Error("settings change did not notify OnPublish")
		}
		recs, err := f.au.AuditLog(f.ctx, auth.AuditFilter{SiteID: f.site.ID, Action: "site.settings"})
		if err != nil || len(recs) != 1 || recs[0].ActorName != "admin" {
			t.Errorf("audit = %+v, %v", recs, err)
		}
	})
}

func TestCreateDepartment(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		tests := []struct {
			name  string
			actor *auth.User
			dept  catalog.Department
			code  errs.Code
			field string
		}{
			{"empty name", f.admin, catalog.Department{Name: " ", Abbr: "x"}, errs.Invalid, "name"},
			{"empty abbr", f.admin, catalog.Department{Name: "科", Abbr: ""}, errs.Invalid, "abbr"},
			{"abbr with capitals", f.admin, catalog.Department{Name: "科", Abbr: "ABC"}, errs.Invalid, "abbr"},
			{"abbr with slash", f.admin, catalog.Department{Name: "科", Abbr: "a/b"}, errs.Invalid, "abbr"},
			{"abbr too long", f.admin, catalog.Department{Name: "科", Abbr: "abcdefghijklmnopqrstu"}, errs.Invalid, "abbr"},
			{"duplicate abbr", f.admin, catalog.Department{Name: "新科", Abbr: "fzk"}, errs.Conflict, ""},
			{"duplicate name", f.admin, catalog.Department{Name: "法制科", Abbr: "new"}, errs.Conflict, ""},
			{"office may not", f.office, catalog.Department{Name: "新科", Abbr: "new"}, errs.Forbidden, ""},
			{"editor may not", f.fzkEditor, catalog.Department{Name: "新科", Abbr: "new"}, errs.Forbidden, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := f.with(t)
				tt.dept.SiteID = f.site.ID
				before := f.count(`SELECT COUNT(*) FROM departments`)
				wantField(t, f.cat.CreateDepartment(f.ctx, tt.actor, &tt.dept), tt.code, tt.field)
				if after := f.count(`SELECT COUNT(*) FROM departments`); after != before {
					t.Errorf("departments %d -> %d", before, after)
				}
			})
		}
		// The same abbreviation is fine on another site.
		d := &catalog.Department{SiteID: f.otherSite.ID, Name: "法制科", Abbr: "fzk"}
		f.must(f.cat.CreateDepartment(f.ctx, f.admin, d))
		first := &catalog.Department{SiteID: f.site.ID, Name: "  办公室 ", Abbr: " bgs ", Sort: 0}
		f.must(f.cat.CreateDepartment(f.ctx, f.admin, first))
		deps, err := f.cat.Departments(f.ctx, f.site.ID)
		f.must(err)
		var names []string
		for _, d := range deps {
			names = append(names, d.Abbr+":"+d.Name)
		}
		if want := []string{"bgs:办公室", "fzk:法制科", "pfk:普法科"}; !slices.Equal(names, want) {
			t.Errorf("Departments = %v, want %v", names, want)
		}
		for _, ref := range []string{"普法科", "pfk"} {
			got, err := f.cat.DepartmentByRef(f.ctx, ref)
			if err != nil || got.ID != f.pfk.ID {
				t.Errorf("DepartmentByRef(%q) = %+v, %v", ref, got, err)
			}
		}
		_, err = f.cat.DepartmentByRef(f.ctx, "nope")
		wantCode(t, err, errs.NotFound)
	})
}
