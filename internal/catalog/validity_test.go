package catalog_test

import (
	"testing"

	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
)

func day(s string) calendar.Date { return calendar.Day(s) }

// TestValidityOn: 有效性 follows 施行日期 and 有效期至 (issue 15), on the days
// themselves: in force on its 施行日期 and on its 有效期至, lapsed the day
// after; a recorded repeal or amendment stands whatever the dates.
func TestValidityOn(t *testing.T) {
	policy := catalog.DocTypeByCode("policy")
	dates := map[string]string{"effective_on": "2021-06-15", "expires_on": "2026-06-14"}
	get := func(n string) string { return dates[n] }
	for _, c := range []struct{ recorded, today, want string }{
		{"in_force", "2021-06-14", "not_yet"},
		{"in_force", "2021-06-15", "in_force"},
		{"not_yet", "2021-06-15", "in_force"},
		{"in_force", "2026-06-14", "in_force"},
		{"in_force", "2026-06-15", "expired"},
		{"not_yet", "2027-01-01", "expired"},
		{"repealed", "2021-01-01", "repealed"},
		{"amended", "2030-01-01", "amended"},
		{"expired", "2022-01-01", "expired"}, // recorded by staff: stands
		{"", "2022-01-01", ""},
	} {
		if got := policy.ValidityOn(c.recorded, get, day(c.today)); got != c.want {
			t.Errorf("%s on %s: %q, want %q", c.recorded, c.today, got, c.want)
		}
	}
	// A type without the dates keeps what was recorded.
	if got := catalog.DocTypeByCode("plan").ValidityOn("in_force", get, day("2030-01-01")); got != "in_force" {
		t.Errorf("plan: %q", got)
	}
}

// TestValidityFollowsTheDates: saving derives the recorded 有效性 from the
// dates as of the day; SweepValidity moves it on as the days pass, with a
// ledger entry, an audit entry and a change event for a published item.
func TestValidityFollowsTheDates(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		today := day("2026-06-10")
		f.cat.Today = func() calendar.Date { return today }
		mk := func(title, from, until string) *catalog.Item {
			in := f.input("policy", title)
			in.Fields = map[string]string{"effective_on": from, "expires_on": until}
			return f.published(in)
		}
		future := mk("明年施行的办法", "2026-07-01", "")
		lapsing := mk("即将到期的办法", "2021-06-15", "2026-06-14")
		lapsed := mk("已经到期的办法", "2016-01-01", "2020-12-31")
		// A draft has no 索引号 yet (NULL): the sweep reads it all the same.
		draftIn := f.input("policy", "尚在起草的办法")
		draftIn.Fields = map[string]string{"effective_on": "2026-07-01"}
		draft := f.create(f.fzkEditor, draftIn)
		if future.Validity != "not_yet" || lapsing.Validity != "in_force" || lapsed.Validity != "expired" {
			t.Fatalf("saved as %s, %s, %s; want not_yet, in_force, expired", future.Validity, lapsing.Validity, lapsed.Validity)
		}
		events := int(f.changes.Load())
		if n, err := f.cat.SweepValidity(f.ctx, day("2026-06-14")); err != nil || n != 0 {
			t.Fatalf("sweep on 2026-06-14: %d, %v; want nothing to change", n, err)
		}
		n, err := f.cat.SweepValidity(f.ctx, day("2026-07-01"))
		if err != nil || n != 3 {
			t.Fatalf("sweep on 2026-07-01: %d, %v; want 3 (two published, one draft)", n, err)
		}
		if got := f.item(draft.ID); got.Validity != "in_force" {
			t.Errorf("draft: %s", got.Validity)
		}
		if got := f.item(future.ID); got.Validity != "in_force" || got.Version != future.Version+1 {
			t.Errorf("future: %s version %d", got.Validity, got.Version)
		}
		if got := f.item(lapsing.ID); got.Validity != "expired" {
			t.Errorf("lapsing: %s", got.Validity)
		}
		if d := int(f.changes.Load()) - events; d != 2 {
			t.Errorf("%d change events, want 2", d)
		}
		evs, err := f.cat.Events(f.ctx, f.site.ID, lapsing.ID)
		if err != nil || evs[len(evs)-1].Action != "validity" || evs[len(evs)-1].ActorName != "系统" {
			t.Errorf("ledger: %+v %v", evs[len(evs)-1], err)
		}
		if got := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'item.validity'`); got != 3 {
			t.Errorf("%d audit entries", got)
		}
		// Idempotent on the same day.
		if n, _ := f.cat.SweepValidity(f.ctx, day("2026-07-01")); n != 0 {
			t.Errorf("second sweep changed %d", n)
		}
		// The public list filter sees the swept value.
		res, err := f.cat.List(f.ctx, catalog.Filter{SiteID: f.site.ID, Validity: "expired", DocType: "policy"}, false)
		if err != nil || len(res.Items) != 2 {
			t.Errorf("expired policies: %d, %v", len(res.Items), err)
		}
	})
}
