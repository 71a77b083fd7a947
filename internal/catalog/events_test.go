package catalog_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/events"
	"gongkai/internal/store"
)

// newEvents returns the change events written since after.
func (f *fixture) newEvents(after int64) []events.Event {
	f.t.Helper()
	evs, err := events.Since(f.ctx, f.db.R, after, 1000)
	f.must(err)
	return evs
}

func (f *fixture) lastEventID() int64 {
	f.t.Helper()
	var id int64
	f.must(f.db.R.QueryRow(`SELECT COALESCE(MAX(id), 0) FROM change_events`).Scan(&id))
	return id
}

func kinds(evs []events.Event) string {
	var s []string
	for _, e := range evs {
		s = append(s, e.Kind)
	}
	return strings.Join(s, ",")
}

// TestChangeEvents: every public change writes its event in its own
// transaction, with the site and the subject; changes the public cannot
// see write none.
func TestChangeEvents(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		// A node-local subscriber: Committed delivers before the call returns.
		bus := events.NewBus(f.db, nil)
		var seen []events.Event
		f.must(bus.SubscribeLocal(f.ctx, "cache", func(_ context.Context, e events.Event) error { seen = append(seen, e); return nil }))
		f.cat.Bus = bus

		start := f.lastEventID()
		draft := f.create(f.fzkEditor, f.input("policy", "草稿不是公开的变化"))
		_, err := f.cat.Submit(f.ctx, f.fzkEditor, f.site.ID, draft.ID)
		f.must(err)
		_, err = f.cat.Publish(f.ctx, f.office, f.site.ID, draft.ID, time.Now().Add(24*time.Hour))
		f.must(err)
		if evs := f.newEvents(start); len(evs) != 0 {
			t.Fatalf("drafting, submitting and scheduling wrote %s", kinds(evs))
		}

		it := f.published(f.input("notice", "通知"))
		in, err := f.cat.InputOf(f.ctx, it)
		f.must(err)
		in.Title, in.ChangeNote = "通知（更正）", "更正标题"
		_, err = f.cat.Update(f.ctx, f.office, f.site.ID, it.ID, in)
		f.must(err)
		f.must(f.cat.Attach(f.ctx, f.office, f.site.ID, it.ID, &catalog.Attachment{BlobKey: "k", Name: "a.pdf", Size: 1, MIME: "application/pdf", SHA256: "00"}))
		_, err = f.cat.Withdraw(f.ctx, f.office, f.site.ID, it.ID, "内容有误")
		f.must(err)
		_, err = f.cat.Publish(f.ctx, f.office, f.site.ID, it.ID, time.Time{})
		f.must(err)
		col := f.col["ybxx"]
		col.Name = "一般信息（新）"
		f.must(f.cat.SaveColumn(f.ctx, f.admin, col))
		site, err := f.cat.Site(f.ctx, f.site.ID)
		f.must(err)
		f.must(f.cat.UpdateSettings(f.ctx, f.admin, f.site.ID, site.Name, site.Settings))

		evs := f.newEvents(start)
		want := "item.published,item.revised,item.files,item.withdrawn,item.published,column.changed,site.changed"
		if got := kinds(evs); got != want {
			t.Fatalf("events = %s, want %s", got, want)
		}
		for i, e := range evs {
			if e.SiteID != f.site.ID {
				t.Errorf("%s: site %d", e.Kind, e.SiteID)
			}
			switch {
			case i < 5 && e.SubjectID != it.ID, i == 5 && e.SubjectID != col.ID:
				t.Errorf("%s: subject %d", e.Kind, e.SubjectID)
			}
		}
		if !strings.Contains(string(evs[0].Payload), `"index_no":"ORG/fzk/`) {
			t.Errorf("publish payload = %s", evs[0].Payload)
		}
		if len(seen) != len(evs) {
			t.Errorf("the local subscriber saw %d events at once, want %d", len(seen), len(evs))
		}

		// Scheduled publication by the system writes the event too.
		before := f.lastEventID()
		n, err := f.cat.PublishDue(f.ctx, time.Now().Add(25*time.Hour))
		f.must(err)
		if evs := f.newEvents(before); n != 1 || kinds(evs) != events.ItemPublished || evs[0].SubjectID != draft.ID {
			t.Errorf("PublishDue: %d published, events %s", n, kinds(evs))
		}
	})
}

// TestRefusedChangeWritesNoEvent: a step that fails after the event was
// appended rolls the event back with it.
func TestRefusedChangeWritesNoEvent(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		it := f.submitted(f.input("notice", "会失败的发布"))
		failRevisions(t, f.db)
		before := f.rowCounts()
		_, err := f.cat.Publish(f.ctx, f.office, f.site.ID, it.ID, time.Time{})
		if err == nil {
			t.Fatal("publish succeeded although the revision could not be written")
		}
		f.unchanged(t, before)
		if got := f.item(it.ID).Status; got != catalog.StatusSubmitted {
			t.Errorf("status = %s", got)
		}
	})
}

// failRevisions makes every insert into item_revisions fail (the first
// publication's snapshot), to break the publish step in the middle.
func failRevisions(t *testing.T, db *store.DB) {
	t.Helper()
	var stmts []string
	if db.Dialect == store.Postgres {
		stmts = []string{
			`CREATE FUNCTION refuse_revision() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'revisions refused by the test'; END $$ LANGUAGE plpgsql`,
			`CREATE TRIGGER refuse_revision BEFORE INSERT ON item_revisions FOR EACH ROW EXECUTE FUNCTION refuse_revision()`,
		}
	} else {
		stmts = []string{`CREATE TRIGGER refuse_revision BEFORE INSERT ON item_revisions BEGIN SELECT RAISE(ABORT, 'revisions refused by the test'); END`}
	}
	for _, s := range stmts {
		if _, err := db.W.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCreateItem(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		base := func() catalog.NewItem {
			in := f.input("notice", "接口发布的通知")
			in.DepartmentID = 0 // named by Department instead
			return catalog.NewItem{Input: in, Department: "普法科", Publish: true}
		}
		t.Run("publishes in one call", func(t *testing.T) {
			f := f.with(t)
			start := f.lastEventID()
			it, err := f.cat.CreateItem(f.ctx, f.office, f.site.ID, base())
			f.must(err)
			if it.Status != catalog.StatusPublished || it.DepartmentID != f.pfk.ID || it.Publisher != f.site.Name || !strings.HasPrefix(it.IndexNo, "ORG/pfk/") {
				t.Errorf("item = %+v", it)
			}
			evs, err := f.cat.Events(f.ctx, f.site.ID, it.ID)
			f.must(err)
			var acts []string
			for _, e := range evs {
				acts = append(acts, e.Action)
			}
			if strings.Join(acts, ",") != "create,submit,publish" {
				t.Errorf("ledger = %v", acts)
			}
			if kinds(f.newEvents(start)) != events.ItemPublished {
				t.Errorf("change events = %s", kinds(f.newEvents(start)))
			}
		})
		t.Run("doc type from a one-type column, department by abbreviation, draft", func(t *testing.T) {
			f := f.with(t)
			req := base()
			req.ColumnID, req.DocType, req.Department, req.Publish = f.col["gzdt"].ID, "", "fzk", false
			it, err := f.cat.CreateItem(f.ctx, f.fzkEditor, f.site.ID, req)
			f.must(err)
			if it.Status != catalog.StatusDraft || it.DocType != "news" || it.DepartmentID != f.fzk.ID {
				t.Errorf("item = %+v", it)
			}
		})
		f.must(f.cat.CreateDepartment(f.ctx, nil, &catalog.Department{SiteID: f.otherSite.ID, Name: "另一个局的科", Abbr: "lyk"}))
		refused := []struct {
			name  string
			actor func() *auth.User
			edit  func(*catalog.NewItem)
			code  errs.Code
			field string
		}{
			{"unknown department", nil, func(r *catalog.NewItem) { r.Department = "无此科" }, errs.Invalid, "department"},
			{"department of another site", nil, func(r *catalog.NewItem) { r.Department = "另一个局的科" }, errs.Invalid, "department"},
			{"editor may not publish", func() *auth.User { return f.fzkEditor }, func(r *catalog.NewItem) { r.Department = "" }, errs.Forbidden, "publish"},
			{"on request is not published", nil, func(r *catalog.NewItem) { r.Disclosure, r.DisclosureReason = "on_request", "涉及第三方" }, errs.Invalid, "publish"},
			{"invalid input", nil, func(r *catalog.NewItem) { r.Title = "" }, errs.Invalid, "title"},
			{"published_on in the future", nil, func(r *catalog.NewItem) { r.PublishedOn = "2999-01-01" }, errs.Invalid, "published_on"},
		}
		for _, tt := range refused {
			t.Run(tt.name, func(t *testing.T) {
				f := f.with(t)
				req := base()
				tt.edit(&req)
				actor := f.office
				if tt.actor != nil {
					actor = tt.actor()
				}
				before := f.rowCounts()
				_, err := f.cat.CreateItem(f.ctx, actor, f.site.ID, req)
				wantField(t, err, tt.code, tt.field)
				f.unchanged(t, before)
			})
		}
		t.Run("a failure in the publish step leaves nothing behind", func(t *testing.T) {
			f := f.with(t)
			failRevisions(t, f.db)
			before := f.rowCounts()
			if _, err := f.cat.CreateItem(f.ctx, f.office, f.site.ID, base()); err == nil {
				t.Fatal("created although publishing failed")
			}
			f.unchanged(t, before)
		})
	})
}

// TestRepublish: the office publishes a withdrawn item again; it keeps its
// index number, the ledger records it, the public sees it again.
func TestRepublish(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		it := f.published(f.input("notice", "撤回后恢复"))
		no, published := it.IndexNo, it.PublishedOn
		_, err := f.cat.Withdraw(f.ctx, f.office, f.site.ID, it.ID, "核实中")
		f.must(err)
		_, err = f.cat.Publish(f.ctx, f.fzkEditor, f.site.ID, it.ID, time.Time{})
		wantCode(t, err, errs.Forbidden)
		again, err := f.cat.Publish(f.ctx, f.office, f.site.ID, it.ID, time.Time{})
		f.must(err)
		if again.Status != catalog.StatusPublished || again.IndexNo != no || again.PublishedOn != published || again.WithdrawnReason != "" || again.Revision != 1 {
			t.Errorf("republished = %+v", again)
		}
		evs, err := f.cat.Events(f.ctx, f.site.ID, it.ID)
		f.must(err)
		if last := evs[len(evs)-1]; last.Action != "republish" || catalog.EventLabels[last.Action] != "恢复并重新发布" {
			t.Errorf("last ledger entry = %+v", last)
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'item.republish'`); n != 1 {
			t.Errorf("audit entries = %d", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM index_counters WHERE last_seq > 1`); n != 0 {
			t.Errorf("republishing used a new index number")
		}
	})
}

// TestPublishedOnInTheFuture: a 发布日期 later than today is refused when
// saving and when publishing now; scheduling sets the date.
func TestPublishedOnInTheFuture(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		in := f.input("notice", "未来的日期")
		in.PublishedOn = "2999-01-01"
		before := f.rowCounts()
		_, err := f.cat.Create(f.ctx, f.fzkEditor, f.site.ID, in)
		wantField(t, err, errs.Invalid, "published_on")
		if msg := errs.FieldsOf(err)["published_on"]; !strings.Contains(msg, "定时发布") {
			t.Errorf("message = %q", msg)
		}
		f.unchanged(t, before)

		in.PublishedOn = "2021-05-01" // a past date is kept (imports, late publication)
		it := f.published(in)
		if it.PublishedOn != "2021-05-01" {
			t.Errorf("published_on = %s", it.PublishedOn)
		}
		edit, err := f.cat.InputOf(f.ctx, it)
		f.must(err)
		edit.PublishedOn, edit.ChangeNote = "2999-01-01", "改日期"
		_, err = f.cat.Update(f.ctx, f.office, f.site.ID, it.ID, edit)
		wantField(t, err, errs.Invalid, "published_on")

		// A date written into the database by older versions: not published now.
		d := f.submitted(f.input("notice", "旧数据"))
		if _, err := f.db.W.Exec(`UPDATE items SET published_on = '2999-01-01' WHERE id = $1`, d.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.cat.Publish(f.ctx, f.office, f.site.ID, d.ID, time.Time{})
		wantField(t, err, errs.Invalid, "published_on")
	})
}

// TestNarrowColumnTypes: a column's document types cannot drop a type its
// items have; the message names the types.
func TestNarrowColumnTypes(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		col := f.col["tzgg"] // notice, general
		f.create(f.fzkEditor, f.input("notice", "通知一"))
		g := f.input("general", "一般信息")
		g.ColumnID = col.ID
		f.create(f.fzkEditor, g)
		narrowed := *col
		narrowed.DocTypes = []string{"notice"}
		before := f.rowCounts()
		err := f.cat.SaveColumn(f.ctx, f.admin, &narrowed)
		wantField(t, err, errs.Conflict, "doc_types")
		if msg := errs.MessageOf(err); !strings.Contains(msg, "“一般信息”（1 条）") || strings.Contains(msg, "通知公告") {
			t.Errorf("message = %q", msg)
		}
		f.unchanged(t, before)
		got, err := f.cat.Column(f.ctx, col.ID)
		f.must(err)
		if strings.Join(got.DocTypes, ",") != "notice,general" {
			t.Errorf("doc types = %v", got.DocTypes)
		}
		// Widening, or narrowing to the types in use, is fine.
		narrowed.DocTypes = []string{"notice", "general", "news"}
		f.must(f.cat.SaveColumn(f.ctx, f.admin, &narrowed))
		narrowed.DocTypes = []string{"general", "notice"}
		f.must(f.cat.SaveColumn(f.ctx, f.admin, &narrowed))
	})
}

// TestItemRecordsNeedTheSite: the ledger, revisions and attachments of an
// item are not listed under another site.
func TestItemRecordsNeedTheSite(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		it := f.published(f.input("notice", "本站信息"))
		f.must(f.cat.Attach(f.ctx, f.office, f.site.ID, it.ID, &catalog.Attachment{BlobKey: "k", Name: "a.pdf", Size: 1, MIME: "application/pdf", SHA256: "00"}))
		evs, err := f.cat.Events(f.ctx, f.site.ID, it.ID)
		f.must(err)
		revs, err := f.cat.Revisions(f.ctx, f.site.ID, it.ID)
		f.must(err)
		atts, err := f.cat.Attachments(f.ctx, f.site.ID, it.ID)
		f.must(err)
		if len(evs) == 0 || len(revs) != 1 || len(atts) != 1 {
			t.Fatalf("own site: %d events, %d revisions, %d attachments", len(evs), len(revs), len(atts))
		}
		evs, err = f.cat.Events(f.ctx, f.otherSite.ID, it.ID)
		f.must(err)
		revs, err = f.cat.Revisions(f.ctx, f.otherSite.ID, it.ID)
		f.must(err)
		atts, err = f.cat.Attachments(f.ctx, f.otherSite.ID, it.ID)
		f.must(err)
		if len(evs)+len(revs)+len(atts) != 0 {
			t.Errorf("another site sees %d events, %d revisions, %d attachments", len(evs), len(revs), len(atts))
		}
	})
}
