package catalog_test

import (
	"fmt"
	"slices"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
)

func TestSaveColumnValidation(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		valid := func() catalog.Column {
			return catalog.Column{SiteID: f.site.ID, Slug: "new", Name: "新栏目", Kind: catalog.KindList, DocTypes: []string{"general"}}
		}
		tests := []struct {
			name  string
			edit  func(*catalog.Column)
			code  errs.Code
			field string
		}{
			{"empty name", func(c *catalog.Column) { c.Name = " " }, errs.Invalid, "name"},
			{"bad slug", func(c *catalog.Column) { c.Slug = "新栏目" }, errs.Invalid, "slug"},
			{"slug with slash", func(c *catalog.Column) { c.Slug = "a/b" }, errs.Invalid, "slug"},
			{"list without types", func(c *catalog.Column) { c.DocTypes = nil }, errs.Invalid, "doc_types"},
			{"unknown type", func(c *catalog.Column) { c.DocTypes = []string{"general", "nope"} }, errs.Invalid, "doc_types"},
			{"link without url", func(c *catalog.Column) { c.Kind = catalog.KindLink }, errs.Invalid, "link_url"},
			{"link to javascript", func(c *catalog.Column) { c.Kind, c.LinkURL = catalog.KindLink, "javascript:alert(1)" }, errs.Invalid, "link_url"},
			{"unknown kind", func(c *catalog.Column) { c.Kind = "tree" }, errs.Invalid, "kind"},
			{"negative update days", func(c *catalog.Column) { c.UpdateDays = -1 }, errs.Invalid, "update_days"},
			{"update days too large", func(c *catalog.Column) { c.UpdateDays = 3661 }, errs.Invalid, "update_days"},
			{"unknown parent", func(c *catalog.Column) { c.ParentID = 999999 }, errs.Invalid, "parent_id"},
			{"parent of another site", func(c *catalog.Column) {
				other := &catalog.Column{SiteID: f.otherSite.ID, Slug: "g", Name: "组", Kind: catalog.KindGroup}
				f.must(f.cat.SaveColumn(f.ctx, nil, other))
				c.ParentID = other.ID
			}, errs.Invalid, "parent_id"},
			{"duplicate slug", func(c *catalog.Column) { c.Slug = "zcwj" }, errs.Conflict, "slug"},
			{"unknown responsible department", func(c *catalog.Column) { c.DepartmentID = 999999 }, errs.Invalid, "department_id"},
			{"responsible department of another site", func(c *catalog.Column) {
				d := &catalog.Department{SiteID: f.otherSite.ID, Name: "别处科", Abbr: "bck"}
				f.must(f.cat.CreateDepartment(f.ctx, nil, d))
				c.DepartmentID = d.ID
			}, errs.Invalid, "department_id"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := f.with(t)
				c := valid()
				tt.edit(&c)
				before := f.count(`SELECT COUNT(*) FROM columns WHERE site_id = $1`, f.site.ID)
				wantField(t, f.cat.SaveColumn(f.ctx, f.admin, &c), tt.code, tt.field)
				if after := f.count(`SELECT COUNT(*) FROM columns WHERE site_id = $1`, f.site.ID); after != before {
					t.Errorf("columns %d -> %d", before, after)
				}
			})
		}
		t.Run("responsible department kept", func(t *testing.T) {
			f := f.with(t)
			c := valid()
			c.Slug, c.DepartmentID = "with-dept", f.pfk.ID
			f.must(f.cat.SaveColumn(f.ctx, f.admin, &c))
			got, err := f.cat.Column(f.ctx, c.ID)
			if err != nil || got.DepartmentID != f.pfk.ID {
				t.Fatalf("department %d, %v; want %d", got.DepartmentID, err, f.pfk.ID)
			}
			c.DepartmentID = 0
			f.must(f.cat.SaveColumn(f.ctx, f.admin, &c))
			if got, _ := f.cat.Column(f.ctx, c.ID); got.DepartmentID != 0 {
				t.Errorf("cleared department: %d", got.DepartmentID)
			}
		})
		t.Run("only admins", func(t *testing.T) {
			for _, actor := range []*auth.User{f.office, f.fzkEditor, f.reviewer} {
				c := valid()
				wantCode(t, f.cat.SaveColumn(f.ctx, actor, &c), errs.Forbidden)
			}
		})
		t.Run("same slug on another site", func(t *testing.T) {
			c := valid()
			c.SiteID, c.Slug = f.otherSite.ID, "zcwj"
			if err := f.cat.SaveColumn(f.ctx, nil, &c); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("group drops types, saved and audited", func(t *testing.T) {
			c := catalog.Column{SiteID: f.site.ID, Slug: "grp", Name: " 分组 ", Kind: catalog.KindGroup, DocTypes: []string{"general"}, UpdateDays: 30, Hidden: true, Sort: 5}
			if err := f.cat.SaveColumn(f.ctx, f.admin, &c); err != nil {
				t.Fatal(err)
			}
			got, err := f.cat.Column(f.ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != "分组" || got.DocTypes != nil || !got.Hidden || got.UpdateDays != 30 || got.Sort != 5 || got.ParentID != 0 {
				t.Errorf("column = %+v", got)
			}
			if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'column.create' AND target = $1`, fmt.Sprintf("column:%d", c.ID)); n != 1 {
				t.Errorf("column.create audit entries = %d", n)
			}
		})
	})
}

func TestColumnTree(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		// A third level and sort order among siblings.
		deep := &catalog.Column{SiteID: f.site.ID, ParentID: f.col["zcwj"].ID, Slug: "gfxwj", Name: "规范性文件", Kind: catalog.KindList, DocTypes: []string{"policy"}}
		f.must(f.cat.SaveColumn(f.ctx, f.admin, deep))
		first := &catalog.Column{SiteID: f.site.ID, Slug: "first", Name: "首栏", Kind: catalog.KindGroup, Sort: -1}
		f.must(f.cat.SaveColumn(f.ctx, f.admin, first))

		tree, err := f.cat.Tree(f.ctx, f.site.ID)
		f.must(err)
		var roots []string
		for _, c := range tree.Roots {
			roots = append(roots, c.Slug)
		}
		if want := []string{"first", "xxgk", "gzdt", "tzgg", "ybxx", "guide"}; !slices.Equal(roots, want) {
			t.Errorf("roots = %v, want %v", roots, want)
		}
		var children []string
		for _, c := range tree.BySlug["xxgk"].Children {
			children = append(children, c.Slug)
		}
		if want := []string{"zcwj", "zcjd", "tjsj", "rsrm", "jhgh"}; !slices.Equal(children, want) {
			t.Errorf("children of xxgk = %v, want %v", children, want)
		}
		c := tree.BySlug["gfxwj"]
		if c == nil || tree.ByID[deep.ID] != c {
			t.Fatalf("BySlug/ByID do not find the new column")
		}
		var path []string
		for _, p := range c.Path() {
			path = append(path, p.Slug)
		}
		if want := []string{"xxgk", "zcwj", "gfxwj"}; !slices.Equal(path, want) {
			t.Errorf("Path = %v, want %v", path, want)
		}
		if c.Depth() != 2 || tree.BySlug["xxgk"].Depth() != 0 {
			t.Errorf("Depth = %d", c.Depth())
		}
		if all := tree.All(); len(all) != len(fixtureColumns)+2 || all[0].Slug != "first" || all[1].Slug != "xxgk" || all[2].Slug != "zcwj" || all[3].Slug != "gfxwj" {
			t.Errorf("All is not depth first: %v", slugs(all))
		}
		if !c.Holds("policy") || c.Holds("general") {
			t.Error("Holds")
		}
		// Another site's tree is separate.
		other, err := f.cat.Tree(f.ctx, f.otherSite.ID)
		f.must(err)
		if len(other.Roots) != 0 {
			t.Errorf("other site's tree = %v", slugs(other.All()))
		}
		if _, err := f.cat.Column(f.ctx, 999999); err != catalog.ErrNoColumn {
			t.Errorf("unknown column: %v", err)
		}
	})
}

func TestMoveColumn(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		grandchild := &catalog.Column{SiteID: f.site.ID, ParentID: f.col["zcwj"].ID, Slug: "gfxwj", Name: "规范性文件", Kind: catalog.KindList, DocTypes: []string{"policy"}}
		f.must(f.cat.SaveColumn(f.ctx, f.admin, grandchild))
		tests := []struct {
			name   string
			col    string
			parent int64
		}{
			{"under itself", "xxgk", f.col["xxgk"].ID},
			{"under its child", "xxgk", f.col["zcwj"].ID},
			{"under its grandchild", "xxgk", grandchild.ID},
			{"child under grandchild", "zcwj", grandchild.ID},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := f.with(t)
				c, err := f.cat.Column(f.ctx, f.col[tt.col].ID)
				f.must(err)
				before := c.ParentID
				c.ParentID = tt.parent
				wantField(t, f.cat.SaveColumn(f.ctx, f.admin, c), errs.Invalid, "parent_id")
				again, err := f.cat.Column(f.ctx, c.ID)
				f.must(err)
				if again.ParentID != before {
					t.Errorf("parent changed to %d", again.ParentID)
				}
			})
		}
		// A legal move: the grandchild to the root, then xxgk under gzdt's sibling group.
		grandchild.ParentID = 0
		f.must(f.cat.SaveColumn(f.ctx, f.admin, grandchild))
		tree, err := f.cat.Tree(f.ctx, f.site.ID)
		f.must(err)
		if tree.BySlug["gfxwj"].Parent != nil || len(tree.BySlug["zcwj"].Children) != 0 {
			t.Error("move to the root not applied")
		}
		grandchild.ParentID = f.col["xxgk"].ID
		f.must(f.cat.SaveColumn(f.ctx, f.admin, grandchild))
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'column.update'`); n != 2 {
			t.Errorf("column.update audit entries = %d, want 2", n)
		}
		// A column of another site cannot be saved through this site.
		c, err := f.cat.Column(f.ctx, f.col["ybxx"].ID)
		f.must(err)
		c.SiteID = f.otherSite.ID
		err = f.cat.SaveColumn(f.ctx, f.admin, c)
		if err == nil {
			t.Error("saved a column under another site")
		}
	})
}

func TestColumnKindChange(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.create(f.fzkEditor, f.input("general", "一般信息"))
		for _, kind := range []string{catalog.KindGroup, catalog.KindLink} {
			c, err := f.cat.Column(f.ctx, f.col["ybxx"].ID)
			f.must(err)
			c.Kind, c.LinkURL, c.Name = kind, "/x", "改名"
			before := f.rowCounts()
			wantCode(t, f.cat.SaveColumn(f.ctx, f.admin, c), errs.Conflict)
			f.unchanged(t, before)
			again, err := f.cat.Column(f.ctx, c.ID)
			f.must(err)
			if again.Kind != catalog.KindList || again.Name != "栏目ybxx" || !again.Holds("general") {
				t.Errorf("column changed by a refused save: %+v", again)
			}
		}
		// An empty list column may become a group.
		c, err := f.cat.Column(f.ctx, f.col["gzdt"].ID)
		f.must(err)
		c.Kind = catalog.KindGroup
		f.must(f.cat.SaveColumn(f.ctx, f.admin, c))
	})
}

func TestDeleteColumn(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.create(f.fzkEditor, f.input("general", "一般信息"))
		wantCode(t, f.cat.DeleteColumn(f.ctx, f.office, f.site.ID, f.col["gzdt"].ID), errs.Forbidden)
		wantCode(t, f.cat.DeleteColumn(f.ctx, f.admin, f.site.ID, f.col["ybxx"].ID), errs.Conflict) // has an item
		wantCode(t, f.cat.DeleteColumn(f.ctx, f.admin, f.site.ID, f.col["xxgk"].ID), errs.Conflict) // has children
		wantCode(t, f.cat.DeleteColumn(f.ctx, f.admin, f.otherSite.ID, f.col["gzdt"].ID), errs.NotFound)
		wantCode(t, f.cat.DeleteColumn(f.ctx, f.admin, f.site.ID, 999999), errs.NotFound)
		f.must(f.cat.DeleteColumn(f.ctx, f.admin, f.site.ID, f.col["gzdt"].ID))
		if _, err := f.cat.Column(f.ctx, f.col["gzdt"].ID); err != catalog.ErrNoColumn {
			t.Errorf("deleted column still loads: %v", err)
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'column.delete'`); n != 1 {
			t.Errorf("column.delete audit entries = %d", n)
		}
	})
}

func slugs(cs []*catalog.Column) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Slug)
	}
	return out
}
