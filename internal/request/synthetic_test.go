package request_test

import (
	"context"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/calendar/calver"
	"gongkai/internal/catalog"
	"gongkai/internal/demo/synthetic"
	"gongkai/internal/request"
	"gongkai/internal/secure"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// TestSyntheticRequests: the generator's requests (s.N/5 of them) load on
// both databases, every ledger replays under the desk's rules, the
// derived columns agree with the replay, every decision row and the
// letters' review appear, personal data is sealed at rest, and tables 三
// of each year reconcile.
func TestSyntheticRequests(t *testing.T) {
	saved := secure.PasswordParams
	secure.PasswordParams = secure.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	t.Cleanup(func() { secure.PasswordParams = saved })
	key := make([]byte, secure.KeySize)
	for i := range key {
		key[i] = byte(i)
	}
	today := calendar.Day("2026-12-02")
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat := &catalog.Service{DB: db}
		s, err := synthetic.Build(ctx, cat, auth.NewService(db), synthetic.Options{N: 2500, Seed: 7, DataKey: key, Today: today})
		if err != nil {
			t.Fatal(err)
		}
		sealer, _ := secure.NewSealer(key)
		svc := &request.Service{DB: db, Calendar: &calver.Versions{DB: db}, Sealer: sealer, Rules: request.DefaultRules, Today: func() calendar.Date { return today }}
		all, err := svc.List(ctx, s.Site.ID, request.Filter{})
		if err != nil {
			t.Fatal(err) // a ledger that does not replay fails here
		}
		if want := 2500/request.SyntheticShare + 5; len(all) != want {
			t.Fatalf("%d requests, want %d", len(all), want)
		}
		results, open, sent := map[string]bool{}, 0, 0
		for _, r := range all {
			if r.State.Open() {
				open++
			} else {
				results[r.State.Result] = true
			}
			sent += len(r.State.Sent)
			if r.Applicant.IDNumber == "" && r.Applicant.Kind == "natural_person" {
				t.Fatalf("%s: the sealed ID number does not open", r.TrackingNo)
			}
		}
		if open == 0 || sent == 0 {
			t.Errorf("open %d, letters sent %d", open, sent)
		}
		if len(results) < 15 {
			t.Errorf("only %d decision rows among the synthetic requests: %v", len(results), results)
		}
		for y := 2016; y <= 2025; y++ {
			t3, err := svc.Stats(ctx, s.Site.ID, y)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range t3.Checks {
				if !c.OK {
					t.Errorf("%d: %s fails", y, c.Rule)
				}
			}
			if t3.Count("new", "total") == 0 {
				t.Errorf("%d: no requests", y)
			}
		}
		var raw string
		if err := db.R.QueryRow(`SELECT phone FROM requests WHERE site_id = $1 ORDER BY id LIMIT 1`, s.Site.ID).Scan(&raw); err != nil || raw == "" || raw[:3] != "v1:" {
			t.Errorf("the phone is not sealed at rest: %q %v", raw, err)
		}
	})
}
