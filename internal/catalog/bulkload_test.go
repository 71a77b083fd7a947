package catalog_test

import (
	"slices"
	"testing"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
)

// TestBulkLoad: a bulk load continues the site's index numbers after the
// workflow's (and the workflow continues after it), reserves imported
// numbers, links interpretations to policies of the same load or stored
// ones, writes facets, attachment rows, ledger and revision rows, reports
// one public change, and refuses an invalid item without writing anything.
func TestBulkLoad(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		stored := f.published(f.dated("已有", "2021-03-01", f.fzk)) // ORG/fzk/2021-0000001
		storedPolicy := f.published(func() catalog.Input {
			in := f.input("policy", "已有政策")
			in.PublishedOn = "2021-03-05" // ORG/fzk/2021-0000002
			return in
		}())
		changes := f.changes.Load()
		policy := &catalog.Item{ColumnID: f.col["zcwj"].ID, DocType: "policy", DepartmentID: f.pfk.ID, Title: "批量政策", PublishedOn: "2021-04-01",
			WrittenOn: "2021-03-28", Validity: "in_force", Body: "<p>正文</p>", Fields: map[string]string{"normative": "1", "effective_on": "2021-05-01", "reg_no": ""}}
		interp := &catalog.Item{ColumnID: f.col["zcjd"].ID, DocType: "interpretation", DepartmentID: f.pfk.ID, Title: "批量解读", PublishedOn: "2021-04-02",
			Fields: map[string]string{"form": "图解"}}
		imported := &catalog.Item{ColumnID: f.col["ybxx"].ID, DocType: "general", DepartmentID: f.fzk.ID, Title: "导入的", PublishedOn: "2021-01-09",
			IndexNo: "ORG/fzk/2021-0000050"}
		draft := &catalog.Item{ColumnID: f.col["gzdt"].ID, DocType: "news", DepartmentID: f.fzk.ID, Title: "草稿", Status: catalog.StatusDraft}
		items := []*catalog.BulkItem{
			{Item: policy, Attachments: []catalog.Attachment{{BlobKey: "k1", Name: "附件1.pdf", Size: 10, MIME: "application/pdf", SHA256: "00"}}},
			{Item: interp, Interprets: []*catalog.Item{policy, storedPolicy}},
			{Item: imported},
			{Item: draft},
		}
		var progress []int
		st, err := f.cat.BulkLoad(f.ctx, f.admin, f.site.ID, slices.Values(items), catalog.BulkOptions{TxSize: 3, Progress: func(n int) { progress = append(progress, n) }})
		f.must(err)
		if st.Items != 4 || st.Links != 2 || st.Attachments != 1 || !slices.Equal(progress, []int{3, 4}) {
			t.Errorf("stats %+v, progress %v", st, progress)
		}
		if got := f.changes.Load() - changes; got != 1 {
			t.Errorf("%d public changes reported, want 1", got)
		}
		want := map[int64]string{policy.ID: "ORG/pfk/2021-0000003", interp.ID: "ORG/pfk/2021-0000004", imported.ID: "ORG/fzk/2021-0000050", draft.ID: ""}
		for id, no := range want {
			it := f.item(id)
			if it.IndexNo != no {
				t.Errorf("item %q: index %q, want %q", it.Title, it.IndexNo, no)
			}
			if it.ID <= stored.ID {
				t.Errorf("item %q got id %d, not after the stored %d", it.Title, it.ID, stored.ID)
			}
		}
		if it := f.item(policy.ID); it.Status != catalog.StatusPublished || it.Revision != 1 || it.Publisher != f.site.Name || it.Summary != "正文" ||
			it.Fields["normative"] != "1" || it.Fields["reg_no"] != "" {
			t.Errorf("policy stored as %+v", it)
		}
		if got := f.count(`SELECT COUNT(*) FROM item_facets WHERE item_id = $1`, policy.ID); got != 2 {
			t.Errorf("policy has %d facets, want 2 (normative, effective_on)", got)
		}
		links, err := f.cat.Interprets(f.ctx, interp.ID)
		f.must(err)
		if !slices.Equal(links, []int64{storedPolicy.ID, policy.ID}) {
			t.Errorf("interpretation links %v", links)
		}
		if revs, err := f.cat.Revisions(f.ctx, policy.SiteID, policy.ID); err != nil || len(revs) != 1 || revs[0].Item.Title != "批量政策" || revs[0].Item.Body != "<p>正文</p>" {
			t.Errorf("revisions %+v %v", revs, err)
		}
		if evs, err := f.cat.Events(f.ctx, draft.SiteID, draft.ID); err != nil || len(evs) != 1 || evs[0].Action != "create" {
			t.Errorf("draft ledger %+v %v", evs, err)
		}
		// The workflow continues past every number the load used.
		next := f.published(f.dated("之后", "2021-06-01", f.fzk))
		if next.IndexNo != "ORG/fzk/2021-0000051" {
			t.Errorf("next workflow number %q, want ORG/fzk/2021-0000051", next.IndexNo)
		}
		// And the workflow works on bulk-loaded items.
		if _, err := f.cat.Withdraw(f.ctx, f.office, f.site.ID, policy.ID, "测试撤回"); err != nil {
			t.Errorf("withdraw a bulk-loaded item: %v", err)
		}

		// Refusals write nothing.
		bad := []struct {
			name string
			bi   *catalog.BulkItem
			code errs.Code
		}{
			{"column does not hold the type", &catalog.BulkItem{Item: &catalog.Item{ColumnID: f.col["zcwj"].ID, DocType: "news", DepartmentID: f.fzk.ID, Title: "x", PublishedOn: "2021-01-01"}}, errs.Invalid},
			{"other site's department", &catalog.BulkItem{Item: &catalog.Item{ColumnID: f.col["ybxx"].ID, DocType: "general", DepartmentID: 999999, Title: "x", PublishedOn: "2021-01-01"}}, errs.Invalid},
			{"bad date", &catalog.BulkItem{Item: &catalog.Item{ColumnID: f.col["ybxx"].ID, DocType: "general", DepartmentID: f.fzk.ID, Title: "x", PublishedOn: "2021-02-30"}}, errs.Invalid},
			{"missing required field", &catalog.BulkItem{Item: &catalog.Item{ColumnID: f.col["zcjd"].ID, DocType: "interpretation", DepartmentID: f.fzk.ID, Title: "x", PublishedOn: "2021-01-01"}}, errs.Invalid},
			{"interprets a non-policy", &catalog.BulkItem{Item: &catalog.Item{ColumnID: f.col["zcjd"].ID, DocType: "interpretation", DepartmentID: f.fzk.ID, Title: "x",
				PublishedOn: "2021-01-01", Fields: map[string]string{"form": "图解"}}, Interprets: []*catalog.Item{stored}}, errs.Invalid},
			{"taken index number", &catalog.BulkItem{Item: &catalog.Item{ColumnID: f.col["ybxx"].ID, DocType: "general", DepartmentID: f.fzk.ID, Title: "x",
				PublishedOn: "2021-01-01", IndexNo: stored.IndexNo}}, errs.Conflict},
		}
		for _, b := range bad {
			before := f.rowCounts()
			_, err := f.cat.BulkLoad(f.ctx, f.admin, f.site.ID, slices.Values([]*catalog.BulkItem{b.bi}), catalog.BulkOptions{})
			if errs.CodeOf(err) != b.code {
				t.Errorf("%s: %v, want %s", b.name, err, b.code)
			}
			f.unchanged(t, before)
		}
		_, err = f.cat.BulkLoad(f.ctx, f.office, f.site.ID, slices.Values(items[:1]), catalog.BulkOptions{})
		wantCode(t, err, errs.Forbidden)
	})
}
