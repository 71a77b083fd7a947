package catalog_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
)

func attachment(name string) *catalog.Attachment {
	return &catalog.Attachment{BlobKey: "ab/" + name, Name: name, Size: 1234, MIME: "application/pdf", SHA256: "00ff"}
}

func TestAttachPermissions(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		draft := f.create(f.fzkEditor, f.input("general", "草稿"))
		submitted := f.submitted(f.input("general", "已提交"))
		published := f.published(f.input("general", "已发布"))
		tests := []struct {
			name  string
			actor *auth.User
			item  *catalog.Item
			code  errs.Code // "" = allowed
		}{
			{"editor on own draft", f.fzkEditor, draft, ""},
			{"colleague on the draft", f.fzkEd2, draft, ""},
			{"editor of another department", f.pfkEditor, draft, errs.Forbidden},
			{"reviewer", f.fzkReviewer, draft, errs.Forbidden},
			{"editor after submitting", f.fzkEditor, submitted, errs.Forbidden},
			{"editor on a published item", f.fzkEditor, published, errs.Forbidden},
			{"office on a published item", f.office, published, ""},
			{"staff of another site", f.otherSiteOffice, draft, errs.Forbidden},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := f.with(t)
				before := f.rowCounts()
				a := attachment("通知.pdf")
				err := f.cat.Attach(f.ctx, tt.actor, f.site.ID, tt.item.ID, a)
				if tt.code != "" {
					wantCode(t, err, tt.code)
					f.unchanged(t, before)
					return
				}
				f.must(err)
				if a.ID == 0 || a.ItemID != tt.item.ID || a.CreatedAt == "" {
					t.Errorf("attachment = %+v", a)
				}
				got, it, err := f.cat.Attachment(f.ctx, f.site.ID, a.ID)
				f.must(err)
				if got.Name != "通知.pdf" || got.BlobKey != "ab/通知.pdf" || it.ID != tt.item.ID {
					t.Errorf("Attachment = %+v of item %d", got, it.ID)
				}
				// Only the same people may remove it.
				if tt.actor != f.office {
					_, err := f.cat.Detach(f.ctx, f.pfkEditor, f.site.ID, tt.item.ID, a.ID)
					wantCode(t, err, errs.Forbidden)
				}
				key, err := f.cat.Detach(f.ctx, tt.actor, f.site.ID, tt.item.ID, a.ID)
				f.must(err)
				if key != "ab/通知.pdf" {
					t.Errorf("Detach returned key %q", key)
				}
				if _, _, err := f.cat.Attachment(f.ctx, f.site.ID, a.ID); errs.CodeOf(err) != errs.NotFound {
					t.Errorf("detached attachment still loads: %v", err)
				}
				events, _ := f.cat.Events(f.ctx, f.site.ID, tt.item.ID)
				if n := len(events); n < 2 || events[n-2].Action != "attach" || events[n-1].Action != "detach" || events[n-1].Comment != "通知.pdf" {
					t.Errorf("events = %+v", events)
				}
			})
		}
		t.Run("unknown attachment and item", func(t *testing.T) {
			_, err := f.cat.Detach(f.ctx, f.office, f.site.ID, draft.ID, 999999)
			wantCode(t, err, errs.NotFound)
			wantCode(t, f.cat.Attach(f.ctx, f.office, f.site.ID, 999999, attachment("x.pdf")), errs.NotFound)
			// An attachment is found only through its own item and site.
			a := attachment("y.pdf")
			f.must(f.cat.Attach(f.ctx, f.office, f.site.ID, draft.ID, a))
			_, err = f.cat.Detach(f.ctx, f.office, f.site.ID, published.ID, a.ID)
			wantCode(t, err, errs.NotFound)
			_, _, err = f.cat.Attachment(f.ctx, f.otherSite.ID, a.ID)
			wantCode(t, err, errs.NotFound)
		})
	})
}

func TestAttachLimit(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		it := f.create(f.fzkEditor, f.input("general", "很多附件"))
		for i := range catalog.MaxAttachments {
			f.must(f.cat.Attach(f.ctx, f.fzkEditor, f.site.ID, it.ID, attachment(fmt.Sprintf("附件%02d.pdf", i))))
		}
		before := f.rowCounts()
		err := f.cat.Attach(f.ctx, f.fzkEditor, f.site.ID, it.ID, attachment("多余.pdf"))
		wantCode(t, err, errs.Invalid)
		f.unchanged(t, before)
		list, err := f.cat.Attachments(f.ctx, f.site.ID, it.ID)
		f.must(err)
		if len(list) != catalog.MaxAttachments || list[0].Name != "附件00.pdf" || list[19].Name != "附件19.pdf" {
			t.Errorf("attachments = %d, first %q", len(list), list[0].Name)
		}
		// Removing one makes room again, and the order stays the upload order.
		_, err = f.cat.Detach(f.ctx, f.fzkEditor, f.site.ID, it.ID, list[3].ID)
		f.must(err)
		f.must(f.cat.Attach(f.ctx, f.fzkEditor, f.site.ID, it.ID, attachment("补充.pdf")))
		list, err = f.cat.Attachments(f.ctx, f.site.ID, it.ID)
		f.must(err)
		if len(list) != catalog.MaxAttachments || list[len(list)-1].Name != "补充.pdf" {
			t.Errorf("after replacing: %d, last %q", len(list), list[len(list)-1].Name)
		}
	})
}

// Uploads racing for the last places must not pass the cap.
func TestAttachLimitConcurrent(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		it := f.create(f.fzkEditor, f.input("general", "并发附件"))
		const n = catalog.MaxAttachments + 10
		var wg sync.WaitGroup
		errc := make(chan error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errc <- f.cat.Attach(f.ctx, f.fzkEditor, f.site.ID, it.ID, attachment(fmt.Sprintf("%02d.pdf", i)))
			}()
		}
		wg.Wait()
		close(errc)
		refused := 0
		for err := range errc {
			if err != nil {
				if errs.CodeOf(err) != errs.Invalid {
					t.Errorf("attach: %v", err)
				}
				refused++
			}
		}
		if got := f.count(`SELECT COUNT(*) FROM attachments WHERE item_id = $1`, it.ID); got != catalog.MaxAttachments || refused != n-catalog.MaxAttachments {
			t.Errorf("%d attachments stored, %d refused; want %d and %d", got, refused, catalog.MaxAttachments, n-catalog.MaxAttachments)
		}
	})
}

func TestClicks(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		a := f.published(f.input("general", "甲"))
		b := f.published(f.input("general", "乙"))
		var c catalog.Clicks
		f.must(f.cat.FlushClicks(f.ctx, &c)) // nothing pending
		var wg sync.WaitGroup
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 10 {
					c.Add(a.ID)
					if i%5 == 0 {
						c.Add(b.ID)
					}
				}
			}()
		}
		wg.Wait()
		if c.Pending(a.ID) != 500 || c.Pending(b.ID) != 100 {
			t.Fatalf("pending = %d, %d; want 500, 100", c.Pending(a.ID), c.Pending(b.ID))
		}
		if f.item(a.ID).Clicks != 0 {
			t.Error("views written before a flush")
		}

		// A failed flush keeps the counts for the next try.
		cancelled, cancel := context.WithCancel(f.ctx)
		cancel()
		if err := f.cat.FlushClicks(cancelled, &c); err == nil {
			t.Fatal("flush with a cancelled context succeeded")
		}
		c.Add(a.ID) // a view arriving between the tries
		if c.Pending(a.ID) != 501 || c.Pending(b.ID) != 100 {
			t.Fatalf("after a failed flush pending = %d, %d; want 501, 100", c.Pending(a.ID), c.Pending(b.ID))
		}
		if f.item(a.ID).Clicks != 0 {
			t.Error("a failed flush wrote views")
		}

		f.must(f.cat.FlushClicks(f.ctx, &c))
		if got := f.item(a.ID).Clicks; got != 501 {
			t.Errorf("clicks of a = %d, want 501", got)
		}
		if got := f.item(b.ID).Clicks; got != 100 {
			t.Errorf("clicks of b = %d, want 100", got)
		}
		if c.Pending(a.ID) != 0 || c.Pending(b.ID) != 0 {
			t.Error("pending not cleared after a flush")
		}
		// Counts add up across flushes and do not touch the item's version.
		c.Add(a.ID)
		f.must(f.cat.FlushClicks(f.ctx, &c))
		got := f.item(a.ID)
		if got.Clicks != 502 || got.Version != a.Version {
			t.Errorf("clicks %d, version %d (was %d)", got.Clicks, got.Version, a.Version)
		}
		// Snapshots do not record views.
		revs, _ := f.cat.Revisions(f.ctx, f.site.ID, a.ID)
		if len(revs) != 1 || revs[0].Item.Clicks != 0 {
			t.Errorf("revision snapshot clicks = %d", revs[0].Item.Clicks)
		}
	})
}
