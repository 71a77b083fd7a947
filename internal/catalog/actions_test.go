package catalog_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
)

var statuses = []string{catalog.StatusDraft, catalog.StatusReturned, catalog.StatusSubmitted, catalog.StatusReviewed,
	catalog.StatusScheduled, catalog.StatusPublished, catalog.StatusWithdrawn}

// inStatus makes a fresh 法制科 item in status.
func (f *fixture) inStatus(status, title string) *catalog.Item {
	f.t.Helper()
	in := f.input("general", title)
	var it *catalog.Item
	var err error
	switch status {
	case catalog.StatusDraft:
		return f.create(f.fzkEditor, in)
	case catalog.StatusSubmitted:
		return f.submitted(in)
	case catalog.StatusReturned:
		it, err = f.cat.Return(f.ctx, f.office, f.site.ID, f.submitted(in).ID, "请补充")
	case catalog.StatusReviewed:
		it, err = f.cat.Approve(f.ctx, f.office, f.site.ID, f.submitted(in).ID, "")
	case catalog.StatusScheduled:
		it, err = f.cat.Publish(f.ctx, f.office, f.site.ID, f.submitted(in).ID, time.Now().Add(48*time.Hour))
	case catalog.StatusPublished:
		return f.published(in)
	case catalog.StatusWithdrawn:
		it, err = f.cat.Withdraw(f.ctx, f.office, f.site.ID, f.published(in).ID, "信息有误")
	}
	f.must(err)
	if it.Status != status {
		f.t.Fatalf("status %s, want %s", it.Status, status)
	}
	return it
}

// letters spells ItemActions: E edit, S submit, R return, A approve,
// P publish, C schedule, W withdraw, U republish, V revise, F attach and detach.
func letters(a catalog.ItemActions) string {
	var b strings.Builder
	for _, x := range []struct {
		ok bool
		l  string
	}{{a.Edit, "E"}, {a.Submit, "S"}, {a.Return, "R"}, {a.Approve, "A"}, {a.Publish, "P"}, {a.Schedule, "C"}, {a.Withdraw, "W"},
		{a.Republish, "U"}, {a.Revise, "V"}, {a.Attach && a.Detach, "F"}} {
		if x.ok {
			b.WriteString(x.l)
		}
	}
	if a.Attach != a.Detach {
		b.WriteString("?")
	}
	return b.String()
}

// office is what the office and the administrator may do, by status.
var officeMatrix = map[string]string{
	catalog.StatusDraft: "ESF", catalog.StatusReturned: "ESF", catalog.StatusSubmitted: "ERAPCF", catalog.StatusReviewed: "ERPCF",
	catalog.StatusScheduled: "EPWF", catalog.StatusPublished: "WVF", catalog.StatusWithdrawn: "U",
}

var ownEditorMatrix = map[string]string{catalog.StatusDraft: "ESF", catalog.StatusReturned: "ESF"}

var reviewerMatrix = map[string]string{catalog.StatusSubmitted: "RA", catalog.StatusReviewed: "R"}

// TestActionsMatrix is the workflow permission matrix as a table, for an
// item of 法制科 in every status.
func TestActionsMatrix(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		users := []struct {
			name string
			u    *auth.User
			want map[string]string
		}{
			{"admin", f.admin, officeMatrix},
			{"office", f.office, officeMatrix},
			{"own department's editor", f.fzkEditor, ownEditorMatrix},
			{"other department's editor", f.pfkEditor, nil},
			{"own department's reviewer", f.fzkReviewer, reviewerMatrix},
			{"reviewer of every department", f.reviewer, reviewerMatrix},
			{"other department's reviewer", f.pfkReviewer, nil},
			{"office of another site", f.otherSiteOffice, nil},
			{"the public", nil, nil},
		}
		for _, st := range statuses {
			it := f.inStatus(st, "矩阵"+st)
			for _, u := range users {
				if got, want := letters(catalog.Actions(u.u, it)), u.want[st]; got != want {
					t.Errorf("%s on a %s item: %q, want %q", u.name, st, got, want)
				}
			}
		}
	})
}

// TestActionsAgreeWithSteps runs every step for users in every status and
// checks that the domain allows exactly what Actions shows.
func TestActionsAgreeWithSteps(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		users := map[string]*auth.User{"office": f.office, "fzk editor": f.fzkEditor, "pfk editor": f.pfkEditor, "fzk reviewer": f.fzkReviewer,
			"other site office": f.otherSiteOffice}
		type call struct {
			name string
			// allowed reads the matching flag of Actions.
			allowed func(catalog.ItemActions) bool
			do      func(u *auth.User, it *catalog.Item) error
		}
		calls := []call{
			{"edit or revise", func(a catalog.ItemActions) bool { return a.Edit || a.Revise }, func(u *auth.User, it *catalog.Item) error {
				in, err := f.cat.InputOf(f.ctx, it)
				f.must(err)
				in.Title, in.ChangeNote = it.Title+"（改）", "更正标题"
				_, err = f.cat.Update(f.ctx, u, f.site.ID, it.ID, in)
				return err
			}},
			{"submit", func(a catalog.ItemActions) bool { return a.Submit }, func(u *auth.User, it *catalog.Item) error {
				_, err := f.cat.Submit(f.ctx, u, f.site.ID, it.ID)
				return err
			}},
			{"return", func(a catalog.ItemActions) bool { return a.Return }, func(u *auth.User, it *catalog.Item) error {
				_, err := f.cat.Return(f.ctx, u, f.site.ID, it.ID, "请修改")
				return err
			}},
			{"approve", func(a catalog.ItemActions) bool { return a.Approve }, func(u *auth.User, it *catalog.Item) error {
				_, err := f.cat.Approve(f.ctx, u, f.site.ID, it.ID, "")
				return err
			}},
			{"publish now", func(a catalog.ItemActions) bool { return a.Publish || a.Republish }, func(u *auth.User, it *catalog.Item) error {
				_, err := f.cat.Publish(f.ctx, u, f.site.ID, it.ID, time.Time{})
				return err
			}},
			{"schedule", func(a catalog.ItemActions) bool { return a.Schedule }, func(u *auth.User, it *catalog.Item) error {
				_, err := f.cat.Publish(f.ctx, u, f.site.ID, it.ID, time.Now().Add(72*time.Hour))
				return err
			}},
			{"withdraw", func(a catalog.ItemActions) bool { return a.Withdraw }, func(u *auth.User, it *catalog.Item) error {
				_, err := f.cat.Withdraw(f.ctx, u, f.site.ID, it.ID, "撤回")
				return err
			}},
			{"attach", func(a catalog.ItemActions) bool { return a.Attach }, func(u *auth.User, it *catalog.Item) error {
				return f.cat.Attach(f.ctx, u, f.site.ID, it.ID, &catalog.Attachment{BlobKey: fmt.Sprintf("k%d", it.ID), Name: "a.pdf", Size: 1, MIME: "application/pdf", SHA256: "00"})
			}},
		}
		n := 0
		for _, st := range statuses {
			for uname, u := range users {
				for _, c := range calls {
					n++
					it := f.inStatus(st, fmt.Sprintf("一致%d", n))
					want := c.allowed(catalog.Actions(u, it))
					err := c.do(u, it)
					switch {
					case want && err != nil:
						t.Errorf("%s may %s a %s item (Actions), but the step failed: %v", uname, c.name, st, err)
					case !want && err == nil:
						t.Errorf("%s may not %s a %s item (Actions), but the step succeeded", uname, c.name, st)
					case !want && errs.CodeOf(err) != errs.Forbidden && errs.CodeOf(err) != errs.Conflict:
						t.Errorf("%s %s a %s item: %v, want forbidden or conflict", uname, c.name, st, err)
					}
				}
			}
		}
	})
}

// TestCanView: unpublished items only for their department, its reviewers,
// the office and the administrator; List with a Viewer agrees.
func TestCanView(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		var items []*catalog.Item
		for _, st := range statuses {
			items = append(items, f.inStatus(st, "可见"+st))
		}
		pfkDraft := f.create(f.pfkEditor, func() catalog.Input {
			in := f.input("general", "普法科草稿")
			in.DepartmentID = f.pfk.ID
			return in
		}())
		items = append(items, pfkDraft)
		users := []struct {
			name string
			u    *auth.User
			// sees unpublished items of 法制科 / 普法科
			fzk, pfk bool
		}{
			{"admin", f.admin, true, true},
			{"office", f.office, true, true},
			{"fzk editor", f.fzkEditor, true, false},
			{"pfk editor", f.pfkEditor, false, true},
			{"fzk reviewer", f.fzkReviewer, true, false},
			{"pfk reviewer", f.pfkReviewer, false, true},
			{"reviewer of every department", f.reviewer, true, true},
			{"office of another site", f.otherSiteOffice, false, false},
		}
		for _, u := range users {
			var want []int64
			for _, it := range items {
				w := it.Public() || (it.DepartmentID == f.fzk.ID && u.fzk) || (it.DepartmentID == f.pfk.ID && u.pfk)
				if got := catalog.CanView(u.u, it); got != w {
					t.Errorf("%s, %s item of %d: CanView = %v, want %v", u.name, it.Status, it.DepartmentID, got, w)
				}
				if w {
					want = append(want, it.ID)
				}
			}
			// A small limit: a page is never short while more visible rows exist.
			var got []int64
			cursor := ""
			for {
				page, err := f.cat.List(f.ctx, catalog.Filter{SiteID: f.site.ID, Status: "*", Viewer: u.u, Limit: 2, Cursor: cursor}, false)
				f.must(err)
				if page.NextCursor != "" && len(page.Items) != 2 {
					t.Errorf("%s: a short page (%d) with more to come", u.name, len(page.Items))
				}
				for _, it := range page.Items {
					got = append(got, it.ID)
				}
				if cursor = page.NextCursor; cursor == "" {
					break
				}
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s: List = %v, want %v", u.name, got, want)
			}
		}
		for _, it := range items {
			if got := catalog.CanView(nil, it); got != it.Public() {
				t.Errorf("the public, %s item: %v", it.Status, got)
			}
		}
	})
}
