package consult_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/consult"
	"gongkai/internal/demo/synthetic"
	"gongkai/internal/secure"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// TestSyntheticParticipation: the synthetic site's public participation is
// consistent on both databases: every published consultation record has
// its draft, each published feedback report reconciles with its comments
// (the figures its record states: received, adopted; nothing pending or
// undisposed), the busy consultations are there, contacts are sealed, the
// decision catalogue covers 2016–2025 with timelines, and the paged,
// SQL-filtered list agrees with the states computed one by one.
func TestSyntheticParticipation(t *testing.T) {
	const n = 3000
	today := calendar.Date{Year: 2026, Month: 12, Day: 2}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		saved := secure.PasswordParams
		secure.PasswordParams = secure.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
		t.Cleanup(func() { secure.PasswordParams = saved })
		key := make([]byte, secure.KeySize)
		for i := range key {
			key[i] = byte(i + 1)
		}
		cat := &catalog.Service{DB: db, Today: func() calendar.Date { return today }}
		s, err := synthetic.Build(ctx, cat, auth.NewService(db), synthetic.Options{N: n, Seed: 7, DataKey: key, Today: today})
		if err != nil {
			t.Fatal(err)
		}
		sealer, err := secure.NewSealer(key)
		if err != nil {
			t.Fatal(err)
		}
		svc := &consult.Service{DB: db, Catalog: cat, Sealer: sealer, Today: func() calendar.Date { return today }}
		count := func(q string, args ...any) int {
			t.Helper()
			var k int
			if err := db.R.QueryRow(q, args...).Scan(&k); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return k
		}
		site := s.Site.ID
		if recs, rows := count(`SELECT COUNT(*) FROM items WHERE site_id = $1 AND doc_type = 'consultation' AND status = 'published'`, site), count(`SELECT COUNT(*) FROM consultations`); recs == 0 || rows != recs {
			t.Fatalf("%d records, %d consultations", recs, rows)
		}
		if k := count(`SELECT COUNT(*) FROM consultations c WHERE NOT EXISTS (SELECT 1 FROM consult_articles a WHERE a.consultation_id = c.id)`); k != 0 {
			t.Errorf("%d consultations without articles", k)
		}
		// Each reported consultation: the report reconciles with its record.
		all, err := svc.List(ctx, site, consult.Filter{State: consult.StateFeedback})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) < 10 {
			t.Fatalf("only %d consultations with feedback", len(all))
		}
		for _, c := range all {
			full, err := svc.Get(ctx, site, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := svc.Report(ctx, full)
			if err != nil {
				t.Fatal(err)
			}
			var received, adopted int
			fmt.Sscanf(strings.TrimPrefix(full.ReportSummary, "征求意见期间共收到意见建议"), "%d条，采纳%d条", &received, &adopted)
			if rep.Received != received || rep.Adopted != adopted || !rep.Complete() || rep.Adopted+rep.Partly+rep.NotAdopted != rep.Counted {
				t.Fatalf("consultation %d: record says %d received, %d adopted; report %+v", c.ID, received, adopted, rep)
			}
		}
		// The busy open one: s.N/30 comments, some in the queue.
		open, err := svc.List(ctx, site, consult.Filter{State: consult.StateOpen, Public: true})
		if err != nil {
			t.Fatal(err)
		}
		busy := 0
		for _, c := range open {
			if k := count(`SELECT COUNT(*) FROM consult_comments WHERE consultation_id = $1`, c.ID); k == n/30 {
				busy = int(c.ID)
			}
		}
		// (A small site may have no record open today: items are spread
		// over 2010–2026.)
		if len(open) > 0 && (busy == 0 || count(`SELECT COUNT(*) FROM consult_comments WHERE consultation_id = $1 AND status = 'pending'`, busy) == 0) {
			t.Fatalf("no busy open consultation with a queue among %d open", len(open))
		}
		cs, err := svc.Comments(ctx, all[0].ID, consult.CommentFilter{Article: -1, Open: true, Limit: 3})
		if err != nil || len(cs) != 3 || cs[0].Contact == "" {
			t.Fatalf("busy comments: %v %+v", err, cs)
		}
		if k := count(`SELECT COUNT(*) FROM consult_comments WHERE contact_sealed LIKE '%@example.cn%' OR contact_sealed LIKE '1%'`); k != 0 {
			t.Errorf("%d contacts in clear", k)
		}
		// The catalogue: every year 2016–2025, each entry with its timeline.
		if k := count(`SELECT COUNT(DISTINCT year) FROM decisions WHERE year BETWEEN 2016 AND 2025`); k != 10 {
			t.Errorf("decision years: %d", k)
		}
		if k := count(`SELECT COUNT(*) FROM decisions x WHERE NOT EXISTS (SELECT 1 FROM decision_events e WHERE e.decision_id = x.id)`); k != 0 {
			t.Errorf("%d decisions without a timeline", k)
		}
		if count(`SELECT COUNT(*) FROM meeting_applications`) == 0 || count(`SELECT COUNT(*) FROM survey_answers`) == 0 {
			t.Error("no applications or survey answers")
		}
		// The paged list agrees with the states computed one by one.
		public, err := svc.List(ctx, site, consult.Filter{Public: true})
		if err != nil {
			t.Fatal(err)
		}
		if total, err := svc.Count(ctx, site, consult.Filter{Public: true}); err != nil || total != len(public) {
			t.Fatalf("count %d (%v), list %d", total, err, len(public))
		}
		per := map[string]int{}
		for i, c := range public {
			per[c.State]++
			if i > 0 && public[i-1].OpensOn < c.OpensOn {
				t.Fatalf("not the latest first at %d", i)
			}
		}
		for _, st := range []string{consult.StateUpcoming, consult.StateOpen, consult.StateClosed, consult.StateFeedback} {
			k, err := svc.Count(ctx, site, consult.Filter{State: st, Public: true})
			if err != nil || k != per[st] {
				t.Errorf("state %s: SQL %d (%v), computed %d", st, k, err, per[st])
			}
		}
		page2, err := svc.List(ctx, site, consult.Filter{Public: true, Limit: 20, Offset: 20})
		if err != nil || len(page2) != 20 || page2[0].ID != public[20].ID {
			t.Fatalf("page 2: %v %d", err, len(page2))
		}
		kind := 0
		for _, c := range public {
			if c.Kind == "legislative" && strings.HasPrefix(c.OpensOn, "2020-") {
				kind++
			}
		}
		if k, err := svc.Count(ctx, site, consult.Filter{Kind: "legislative", Year: 2020, Public: true}); err != nil || k != kind {
			t.Errorf("legislative 2020: SQL %d (%v), computed %d", k, err, kind)
		}
	})
}
