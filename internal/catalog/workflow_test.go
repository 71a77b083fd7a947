package catalog_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
)

func TestWorkflow(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		it := f.create(f.fzkEditor, f.input("policy", "关于某事项的通知"))
		id := it.ID
		step := func(name string, got *catalog.Item, err error, status string) *catalog.Item {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got.Status != status {
				t.Fatalf("%s: status %s, want %s", name, got.Status, status)
			}
			return got
		}
		got, err := f.cat.Submit(f.ctx, f.fzkEditor, f.site.ID, id)
		it = step("submit", got, err, catalog.StatusSubmitted)

		before := f.rowCounts()
		_, err = f.cat.Return(f.ctx, f.fzkReviewer, f.site.ID, id, "  ")
		wantField(t, err, errs.Invalid, "comment")
		_, err = f.cat.Return(f.ctx, f.fzkReviewer, f.site.ID, id, strings.Repeat("改", 1001))
		wantField(t, err, errs.Invalid, "comment")
		f.unchanged(t, before)

		got, err = f.cat.Return(f.ctx, f.fzkReviewer, f.site.ID, id, "  请补充文号  ")
		it = step("return", got, err, catalog.StatusReturned)

		in, err := f.cat.InputOf(f.ctx, it)
		f.must(err)
		in.DocNo = "临司发〔2021〕8号"
		got, err = f.cat.Update(f.ctx, f.fzkEditor, f.site.ID, id, in)
		it = step("edit", got, err, catalog.StatusReturned)

		got, err = f.cat.Submit(f.ctx, f.fzkEd2, f.site.ID, id)
		it = step("resubmit", got, err, catalog.StatusSubmitted)
		got, err = f.cat.Approve(f.ctx, f.reviewer, f.site.ID, id, " 同意 ")
		it = step("approve", got, err, catalog.StatusReviewed)
		if it.IndexNo != "" || it.PublishedOn != "" || it.Revision != 0 {
			t.Errorf("approved item already has index %q, date %q, revision %d", it.IndexNo, it.PublishedOn, it.Revision)
		}
		changes := f.changes.Load()
		got, err = f.cat.Publish(f.ctx, f.office, f.site.ID, id, time.Time{})
		it = step("publish", got, err, catalog.StatusPublished)
		if it.PublishedOn != calendar.Today().String() || it.IndexNo == "" || it.Revision != 1 || !it.Public() {
			t.Errorf("published item: date %q, index %q, revision %d", it.PublishedOn, it.IndexNo, it.Revision)
		}
		if f.changes.Load() == changes {
			t.Error("publishing did not notify OnPublish")
		}

		events, err := f.cat.Events(f.ctx, f.site.ID, id)
		f.must(err)
		var got2 []string
		for _, e := range events {
			got2 = append(got2, fmt.Sprintf("%s/%s/%s", e.Action, e.ActorName, e.Comment))
		}
		want := []string{"create/fzk/", "submit/fzk/", "return/fzk-reviewer/请补充文号", "edit/fzk/", "submit/fzk2/", "approve/reviewer/同意", "publish/office/"}
		if strings.Join(got2, " ") != strings.Join(want, " ") {
			t.Errorf("events =\n  %v\nwant\n  %v", got2, want)
		}
		for i := 1; i < len(events); i++ {
			if events[i].ID <= events[i-1].ID || events[i].CreatedAt < events[i-1].CreatedAt {
				t.Errorf("events out of order: %+v before %+v", events[i-1], events[i])
			}
		}
		for _, e := range events {
			if catalog.EventLabels[e.Action] == "" {
				t.Errorf("event %s has no label", e.Action)
			}
		}

		recs, err := f.au.AuditLog(f.ctx, auth.AuditFilter{SiteID: f.site.ID, Target: fmt.Sprintf("item:%d", id)})
		f.must(err)
		var actions []string
		for i := len(recs) - 1; i >= 0; i-- {
			actions = append(actions, recs[i].Action)
		}
		wantActions := "item.create item.submit item.return item.edit item.submit item.approve item.publish"
		if strings.Join(actions, " ") != wantActions {
			t.Errorf("audit actions = %v, want %s", actions, wantActions)
		}
		if last := recs[0]; last.Before != `{"status":"reviewed"}` || !strings.Contains(last.After, `"status":"published"`) {
			t.Errorf("publish audit entry = before %s, after %s", last.Before, last.After)
		}
		if bad, err := f.au.VerifyAudit(f.ctx); err != nil || bad != 0 {
			t.Errorf("VerifyAudit = %d, %v", bad, err)
		}
	})
}

func TestWrongStateTransitions(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		draft := f.create(f.fzkEditor, f.input("general", "草稿"))
		submitted := f.submitted(f.input("general", "待审核"))
		published := f.published(f.input("general", "已发布"))
		withdrawn := f.published(f.input("general", "已撤回"))
		_, err := f.cat.Withdraw(f.ctx, f.office, f.site.ID, withdrawn.ID, "过时")
		f.must(err)

		submit := func(it *catalog.Item) func() error {
			return func() error { _, err := f.cat.Submit(f.ctx, f.office, f.site.ID, it.ID); return err }
		}
		ret := func(it *catalog.Item) func() error {
			return func() error { _, err := f.cat.Return(f.ctx, f.office, f.site.ID, it.ID, "退回"); return err }
		}
		approve := func(it *catalog.Item) func() error {
			return func() error { _, err := f.cat.Approve(f.ctx, f.office, f.site.ID, it.ID, ""); return err }
		}
		publish := func(it *catalog.Item) func() error {
			return func() error { _, err := f.cat.Publish(f.ctx, f.office, f.site.ID, it.ID, time.Time{}); return err }
		}
		schedule := func(it *catalog.Item) func() error {
			return func() error {
				_, err := f.cat.Publish(f.ctx, f.office, f.site.ID, it.ID, time.Now().Add(24*time.Hour))
				return err
			}
		}
		withdraw := func(it *catalog.Item) func() error {
			return func() error { _, err := f.cat.Withdraw(f.ctx, f.office, f.site.ID, it.ID, "撤回"); return err }
		}
		tests := []struct {
			name string
			do   func() error
		}{
			{"approve a draft", approve(draft)},
			{"return a draft", ret(draft)},
			{"publish a draft", publish(draft)},
			{"schedule a draft", schedule(draft)},
			{"withdraw a draft", withdraw(draft)},
			{"submit a submitted item", submit(submitted)},
			{"withdraw a submitted item", withdraw(submitted)},
			{"submit a published item", submit(published)},
			{"approve a published item", approve(published)},
			{"return a published item", ret(published)},
			{"publish a published item", publish(published)},
			// Publishing a withdrawn item now is republishing (TestRepublish);
			// scheduling one is not a step of the workflow.
			{"schedule a withdrawn item", schedule(withdrawn)},
			{"withdraw a withdrawn item", withdraw(withdrawn)},
			{"submit a withdrawn item", submit(withdrawn)},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := f.with(t)
				before := f.rowCounts()
				err := tt.do()
				wantCode(t, err, errs.Conflict)
				if !strings.Contains(errs.MessageOf(err), "当前状态") {
					t.Errorf("message = %q", errs.MessageOf(err))
				}
				f.unchanged(t, before)
			})
		}
		t.Run("unknown item", func(t *testing.T) {
			_, err := f.cat.Submit(f.ctx, f.office, f.site.ID, 999999)
			wantCode(t, err, errs.NotFound)
			_, err = f.cat.Submit(f.ctx, f.otherSiteOffice, f.otherSite.ID, draft.ID)
			wantCode(t, err, errs.NotFound)
		})
		t.Run("non-public items are not published on the site", func(t *testing.T) {
			in := f.input("general", "依申请公开")
			in.Disclosure, in.DisclosureReason = "on_request", "涉及个人信息"
			it := f.submitted(in)
			_, err := f.cat.Publish(f.ctx, f.office, f.site.ID, it.ID, time.Time{})
			wantCode(t, err, errs.Invalid)
			if got := f.item(it.ID); got.Status != catalog.StatusSubmitted || got.IndexNo != "" {
				t.Errorf("item after refused publish: %+v", got)
			}
		})
	})
}

func TestScheduledPublishing(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		// 17:30 UTC is 01:30 the next day in China: the date must be China's.
		at := time.Now().UTC().Add(72 * time.Hour).Truncate(24 * time.Hour).Add(17*time.Hour + 30*time.Minute)
		wantDate := calendar.DateOf(at.In(calendar.Beijing)).String()
		it := f.submitted(f.input("general", "定时发布的信息"))
		other := f.submitted(f.input("general", "立即发布的信息"))
		changes := f.changes.Load()
		got, err := f.cat.Publish(f.ctx, f.office, f.site.ID, it.ID, at)
		f.must(err)
		if got.Status != catalog.StatusScheduled || got.PublishAt != at.UTC().Format(time.RFC3339) || got.IndexNo != "" || got.Public() {
			t.Fatalf("scheduled item: status %s, publish_at %q, index %q", got.Status, got.PublishAt, got.IndexNo)
		}
		if f.changes.Load() != changes {
			t.Error("scheduling notified OnPublish, but nothing public changed")
		}
		if page, _ := f.cat.List(f.ctx, catalog.Filter{SiteID: f.site.ID}, true); page.Total != 0 {
			t.Errorf("public list shows %d items before the time", page.Total)
		}
		// A time within the next minute publishes at once.
		got, err = f.cat.Publish(f.ctx, f.office, f.site.ID, other.ID, time.Now().Add(30*time.Second))
		f.must(err)
		if got.Status != catalog.StatusPublished {
			t.Errorf("publish within a minute: status %s", got.Status)
		}

		for _, now := range []time.Time{time.Now(), at.Add(-time.Second)} {
			n, err := f.cat.PublishDue(f.ctx, now)
			if err != nil || n != 0 {
				t.Errorf("PublishDue(%s) = %d, %v; want nothing yet", now, n, err)
			}
		}
		if got := f.item(it.ID); got.Status != catalog.StatusScheduled {
			t.Fatalf("published early: %s", got.Status)
		}
		n, err := f.cat.PublishDue(f.ctx, at.Add(time.Minute))
		if err != nil || n != 1 {
			t.Fatalf("PublishDue after the time = %d, %v; want 1", n, err)
		}
		got = f.item(it.ID)
		if got.Status != catalog.StatusPublished || got.PublishedOn != wantDate || got.PublishAt != "" || got.Revision != 1 ||
			!strings.Contains(got.IndexNo, "/"+wantDate[:4]+"-") {
			t.Errorf("after PublishDue: status %s, published_on %q (want %s), publish_at %q, revision %d, index %q",
				got.Status, got.PublishedOn, wantDate, got.PublishAt, got.Revision, got.IndexNo)
		}
		events, _ := f.cat.Events(f.ctx, f.site.ID, it.ID)
		if len(events) < 2 || events[len(events)-2].Action != "schedule" || events[len(events)-1].Action != "publish" || events[len(events)-1].ActorName != "系统" {
			t.Errorf("events = %+v", events)
		}
		if n, err := f.cat.PublishDue(f.ctx, at.Add(time.Hour)); err != nil || n != 0 {
			t.Errorf("second PublishDue = %d, %v; want nothing left", n, err)
		}
		recs, _ := f.au.AuditLog(f.ctx, auth.AuditFilter{SiteID: f.site.ID, Target: fmt.Sprintf("item:%d", it.ID), Limit: 1})
		if len(recs) != 1 || recs[0].Action != "item.publish" || recs[0].ActorName != "命令行/系统" {
			t.Errorf("audit of the scheduled publish = %+v", recs)
		}
	})
}

func TestScheduledItemCanBePublishedOrWithdrawnEarly(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		at := time.Now().Add(48 * time.Hour)
		a := f.submitted(f.input("general", "提前发布"))
		b := f.submitted(f.input("general", "撤回定时"))
		for _, it := range []*catalog.Item{a, b} {
			_, err := f.cat.Publish(f.ctx, f.office, f.site.ID, it.ID, at)
			f.must(err)
		}
		got, err := f.cat.Publish(f.ctx, f.office, f.site.ID, a.ID, time.Time{})
		f.must(err)
		if got.Status != catalog.StatusPublished || got.PublishedOn != calendar.Today().String() || got.PublishAt != "" {
			t.Errorf("published early: %+v", got)
		}
		got, err = f.cat.Withdraw(f.ctx, f.office, f.site.ID, b.ID, "暂缓发布")
		f.must(err)
		if got.Status != catalog.StatusWithdrawn || got.PublishAt != "" || got.IndexNo != "" {
			t.Errorf("withdrawn scheduled item: %+v", got)
		}
		if n, err := f.cat.PublishDue(f.ctx, at.Add(time.Hour)); err != nil || n != 0 {
			t.Errorf("PublishDue = %d, %v; want nothing", n, err)
		}
	})
}

// Two nodes run PublishDue at the same minute: each item is published once,
// with one index number and one first revision.
func TestPublishDueConcurrent(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		at := time.Now().Add(48 * time.Hour)
		const n = 6
		for i := range n {
			it := f.submitted(f.input("general", fmt.Sprintf("定时 %d", i)))
			_, err := f.cat.Publish(f.ctx, f.office, f.site.ID, it.ID, at)
			f.must(err)
		}
		var wg sync.WaitGroup
		counts := make([]int, 3)
		errc := make([]error, 3)
		for node := range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				counts[node], errc[node] = f.cat.PublishDue(f.ctx, at.Add(time.Minute))
			}()
		}
		wg.Wait()
		total := 0
		for node := range 3 {
			if errc[node] != nil {
				t.Errorf("node %d: PublishDue: %v", node, errc[node])
			}
			total += counts[node]
		}
		if total != n {
			t.Errorf("published %d items in all, want %d", total, n)
		}
		if got := f.count(`SELECT COUNT(*) FROM items WHERE status = 'published'`); got != n {
			t.Errorf("published items = %d", got)
		}
		if got := f.count(`SELECT COUNT(*) FROM item_revisions`); got != n {
			t.Errorf("revisions = %d, want one per item", got)
		}
		if got := f.count(`SELECT COUNT(*) FROM item_events WHERE action = 'publish'`); got != n {
			t.Errorf("publish events = %d, want one per item", got)
		}
		if got := f.count(`SELECT MAX(last_seq) FROM index_counters`); got != n {
			t.Errorf("index counter = %d, want %d (no number wasted)", got, n)
		}
	})
}

// The same item published by two office users at once goes live once.
func TestPublishSameItemConcurrently(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		it := f.submitted(f.input("general", "同时发布"))
		const n = 8
		var wg sync.WaitGroup
		errc := make(chan error, n)
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := f.cat.Publish(f.ctx, f.office, f.site.ID, it.ID, time.Time{})
				errc <- err
			}()
		}
		wg.Wait()
		close(errc)
		ok := 0
		for err := range errc {
			switch {
			case err == nil:
				ok++
			case errs.CodeOf(err) != errs.Conflict:
				t.Errorf("publish: %v, want success or Conflict", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d publishes succeeded, want exactly 1", ok)
		}
		got := f.item(it.ID)
		if got.Revision != 1 || !strings.HasSuffix(got.IndexNo, "-0000001") {
			t.Errorf("item: revision %d, index %q; want revision 1 and the first number", got.Revision, got.IndexNo)
		}
		if c := f.count(`SELECT COUNT(*) FROM item_events WHERE action = 'publish'`); c != 1 {
			t.Errorf("publish events = %d", c)
		}
		if c := f.count(`SELECT MAX(last_seq) FROM index_counters`); c != 1 {
			t.Errorf("index counter = %d, want 1", c)
		}
	})
}

func TestWithdraw(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		it := f.published(f.input("general", "将被撤回"))
		keep := f.published(f.input("general", "保留"))
		for _, reason := range []string{"", "   ", strings.Repeat("理", 501)} {
			before := f.rowCounts()
			_, err := f.cat.Withdraw(f.ctx, f.office, f.site.ID, it.ID, reason)
			wantField(t, err, errs.Invalid, "reason")
			f.unchanged(t, before)
		}
		changes := f.changes.Load()
		got, err := f.cat.Withdraw(f.ctx, f.office, f.site.ID, it.ID, " 内容已过时 ")
		f.must(err)
		if got.Status != catalog.StatusWithdrawn || got.WithdrawnReason != "内容已过时" || got.Public() || got.IndexNo != it.IndexNo {
			t.Errorf("withdrawn item = %+v", got)
		}
		if f.changes.Load() == changes {
			t.Error("withdrawing did not notify OnPublish")
		}
		page, err := f.cat.List(f.ctx, catalog.Filter{SiteID: f.site.ID}, true)
		f.must(err)
		if page.Total != 1 || len(page.Items) != 1 || page.Items[0].ID != keep.ID {
			t.Errorf("public list after withdraw = %d items", page.Total)
		}
		page, err = f.cat.List(f.ctx, catalog.Filter{SiteID: f.site.ID, Status: catalog.StatusWithdrawn}, true)
		f.must(err)
		if page.Total != 1 || page.Items[0].WithdrawnReason != "内容已过时" {
			t.Errorf("withdrawn list = %+v", page.Items)
		}
		events, _ := f.cat.Events(f.ctx, f.site.ID, it.ID)
		if last := events[len(events)-1]; last.Action != "withdraw" || last.Comment != "内容已过时" {
			t.Errorf("last event = %+v", last)
		}
	})
}
