package catalog_test

import (
	"maps"
	"slices"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
)

// TestStatusCountsMaintained: the workbench's status counts, kept by
// triggers in item_status_counts (migration 0048), stay equal to counting
// the items across create, submit, return, approve, publish, scheduled
// publishing, withdraw, a change of department, a bulk load and deletes —
// per site and per department.
func TestStatusCountsMaintained(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		check := func(when string) {
			t.Helper()
			for _, site := range []int64{f.site.ID, f.otherSite.ID} {
				for _, dept := range []int64{0, f.fzk.ID, f.pfk.ID} {
					got, err := f.cat.StatusCounts(f.ctx, site, dept)
					f.must(err)
					want, err := f.cat.CountStatuses(f.ctx, site, dept)
					f.must(err)
					if !maps.Equal(got, want) {
						t.Errorf("%s: site %d department %d: counts %v, items %v", when, site, dept, got, want)
					}
				}
			}
		}
		check("empty")
		a := f.create(f.fzkEditor, f.input("policy", "甲"))
		b := f.create(f.fzkEditor, f.input("news", "乙"))
		c := f.create(f.pfkEditor, func() catalog.Input { in := f.input("news", "丙"); in.DepartmentID = f.pfk.ID; return in }())
		check("create")
		if got, _ := f.cat.StatusCounts(f.ctx, f.site.ID, 0); got[catalog.StatusDraft] != 3 {
			t.Fatalf("after three creates: %v", got)
		}
		_, err := f.cat.Submit(f.ctx, f.fzkEditor, f.site.ID, a.ID)
		f.must(err)
		check("submit")
		_, err = f.cat.Return(f.ctx, f.fzkReviewer, f.site.ID, a.ID, "请修改")
		f.must(err)
		check("return")
		_, err = f.cat.Submit(f.ctx, f.fzkEditor, f.site.ID, a.ID)
		f.must(err)
		_, err = f.cat.Approve(f.ctx, f.reviewer, f.site.ID, a.ID, "同意")
		f.must(err)
		check("approve")
		_, err = f.cat.Publish(f.ctx, f.office, f.site.ID, a.ID, time.Time{})
		f.must(err)
		check("publish")
		// Another publish, and a scheduled one that falls due.
		for _, x := range []struct {
			id       int64
			ed, revw *auth.User
		}{{b.ID, f.fzkEditor, f.fzkReviewer}, {c.ID, f.pfkEditor, f.pfkReviewer}} {
			_, err = f.cat.Submit(f.ctx, x.ed, f.site.ID, x.id)
			f.must(err)
			_, err = f.cat.Approve(f.ctx, x.revw, f.site.ID, x.id, "同意")
			f.must(err)
		}
		check("approve two")
		_, err = f.cat.Publish(f.ctx, f.office, f.site.ID, b.ID, time.Time{})
		f.must(err)
		check("office publish")
		_, err = f.cat.Publish(f.ctx, f.office, f.site.ID, c.ID, time.Now().Add(time.Hour))
		f.must(err)
		check("schedule")
		_, err = f.cat.PublishDue(f.ctx, time.Now().Add(2*time.Hour))
		f.must(err)
		check("scheduled publish")
		_, err = f.cat.Withdraw(f.ctx, f.office, f.site.ID, b.ID, "已失效")
		f.must(err)
		check("withdraw")
		// The item moves to another department.
		a, err = f.cat.Item(f.ctx, f.site.ID, a.ID)
		f.must(err)
		in, err := f.cat.InputOf(f.ctx, a)
		f.must(err)
		in.DepartmentID, in.ChangeNote = f.pfk.ID, "改由普法科发布"
		_, err = f.cat.Update(f.ctx, f.office, f.site.ID, a.ID, in)
		f.must(err)
		check("department change")
		_, err = f.cat.BulkLoad(f.ctx, f.admin, f.site.ID, slices.Values([]*catalog.BulkItem{
			{Item: &catalog.Item{ColumnID: f.col["gzdt"].ID, DocType: "news", DepartmentID: f.fzk.ID, Title: "批量", PublishedOn: "2021-04-01"}},
			{Item: &catalog.Item{ColumnID: f.col["gzdt"].ID, DocType: "news", DepartmentID: f.pfk.ID, Title: "批量草稿", Status: catalog.StatusDraft}},
		}), catalog.BulkOptions{})
		f.must(err)
		check("bulk load")
		for _, id := range []int64{b.ID, c.ID} {
			if _, err := f.db.W.ExecContext(f.ctx, `DELETE FROM items WHERE id = $1`, id); err != nil {
				t.Fatal(err)
			}
		}
		check("delete")
	})
}
