package calver_test

import (
	"context"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/calendar/calver"
	"gongkai/internal/errs"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

const year2027 = `{"years":{"2027":{"notices":["国办发明电〔2026〕测试号"],"off":["2027-01-01","2027-02-05","2027-02-08"],"work":["2027-02-06"]}}}`

// TestVersions: with nothing imported the embedded calendar is in force; an
// import becomes the new version (audited), the old one stays readable, and
// the same data twice is refused.
func TestVersions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		v := &calver.Versions{DB: db}
		cur, err := v.Current(ctx)
		if err != nil || cur.Version() != calendar.Default().Version() {
			t.Fatalf("current before import: %v %v", cur, err)
		}
		next, err := v.Import(ctx, nil, []byte(year2027), "2027 notice")
		if err != nil {
			t.Fatal(err)
		}
		if next.Version() == cur.Version() || !next.Known(2027) || next.IsWorkday(calendar.Date{Year: 2027, Month: 2, Day: 5}) ||
			!next.IsWorkday(calendar.Date{Year: 2027, Month: 2, Day: 6}) {
			t.Fatalf("imported calendar %s: 2027 known %v", next.Version(), next.Known(2027))
		}
		if got, err := v.Current(ctx); err != nil || got.Version() != next.Version() {
			t.Errorf("current after import = %v, %v", got, err)
		}
		if got, err := v.Get(ctx, cur.Version()); err != nil || got.Version() != cur.Version() {
			t.Errorf("embedded version: %v %v", got, err)
		}
		if _, err := v.Get(ctx, "nope"); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("unknown version: %v", err)
		}
		if _, err := v.Import(ctx, nil, []byte(year2027), "again"); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("same import again: %v", err)
		}
		if _, err := v.Import(ctx, &auth.User{Role: auth.Editor}, []byte(year2027), "editor"); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("editor import: %v", err)
		}
		h, err := v.History(ctx)
		if err != nil || len(h) != 2 || h[0].Version != next.Version() || h[0].Note != "2027 notice" || h[1].Version != cur.Version() {
			t.Fatalf("history %+v %v", h, err)
		}
		var n int
		if err := db.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'calendar.import'`).Scan(&n); err != nil || n != 1 {
			t.Errorf("audit rows %d %v", n, err)
		}
	})
}
