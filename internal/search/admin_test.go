package search

import (
	"context"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/errs"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestParseSynonyms(t *testing.T) {
	in := "# comment\n\n双随机 = 双随机一公开\n法援 => 法律援助 = 法律援助中心\n  律所 =  律师事务所  \n"
	gs, err := ParseSynonyms(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"双随机 = 双随机一公开", "法援 => 法律援助 = 法律援助中心", "律所 = 律师事务所"}
	if len(gs) != len(want) {
		t.Fatalf("groups %d, want %d", len(gs), len(want))
	}
	for i, g := range gs {
		if g.Line() != want[i] {
			t.Errorf("line %d: %q, want %q", i, g.Line(), want[i])
		}
	}
	f := gs[1].Finds()
	if len(f["法援"]) != 2 || len(f["法律援助"]) != 0 {
		t.Errorf("one-way finds %v", f)
	}
	if f := gs[0].Finds(); f["双随机一公开"][0] != "双随机" || f["双随机"][0] != "双随机一公开" {
		t.Errorf("symmetric finds %v", f)
	}
	for _, bad := range []string{"a => b => c", "只有一个词", "！！ = ？？", strings.Repeat("长", MaxTermRunes+1) + " = 短"} {
		if _, err := ParseSynonyms(strings.NewReader("# x\n" + bad)); errs.CodeOf(err) != errs.Invalid || !strings.Contains(errs.MessageOf(err), "第 2 行") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if _, err := DefaultSynonyms(); err != nil {
		t.Errorf("the default table: %v", err)
	}
}

func newTestService(t *testing.T, db *store.DB) (*Service, int64) {
	t.Helper()
	var id int64
	if err := db.W.QueryRow(`INSERT INTO sites (slug, name, org_code, created_at) VALUES ('s', '测试站点', '1', $1) RETURNING id`, store.Now()).Scan(&id); err != nil {
		t.Fatal(err)
	}
	s := NewService(db, nil, nil, nil)
	s.Register(&Source{Kinds: []Kind{{Code: "policy", Label: "政策文件"}}})
	return s, id
}

func countRows(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.R.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSynonymsSeededOnceAuditedAndBounded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, site := newTestService(t, db)
		admin := &auth.User{ID: 1, SiteID: site, Name: "admin", Role: auth.Admin}
		editor := &auth.User{ID: 2, SiteID: site, Name: "editor", Role: auth.Editor}
		defaults, _ := DefaultSynonyms()
		gs, err := s.Synonyms(ctx, site)
		if err != nil || len(gs) != len(defaults) || len(gs) == 0 {
			t.Fatalf("seeded %d groups (%v), want %d", len(gs), err, len(defaults))
		}
		for _, g := range gs {
			if err := s.DeleteSynonym(ctx, admin, site, g.ID); err != nil {
				t.Fatal(err)
			}
		}
		if gs, _ := s.Synonyms(ctx, site); len(gs) != 0 {
			t.Fatalf("deleting every group reseeded %d", len(gs))
		}
		g := &SynonymGroup{SiteID: site, Terms: SplitTerms("年检\n年度检查，年检"), Note: "常用"}
		if err := s.SaveSynonym(ctx, editor, g); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("editor: %v", err)
		}
		if err := s.SaveSynonym(ctx, admin, g); err != nil || len(g.Terms) != 2 {
			t.Fatalf("save: %v %v", err, g.Terms)
		}
		g.Terms, g.OneWay = []string{"年检", "年度检查", "年审"}, true
		if err := s.SaveSynonym(ctx, admin, g); err != nil {
			t.Fatal(err)
		}
		exp, _ := s.SynonymExpansions(ctx, site)
		if len(exp["年检"]) != 2 || len(exp["年审"]) != 0 {
			t.Errorf("expansions %v", exp)
		}
		if n := countRows(t, db, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'search.synonym.%'`); n != len(defaults)+2 {
			t.Errorf("audit rows %d", n)
		}
		if n := countRows(t, db, `SELECT COUNT(*) FROM change_events WHERE kind = $1`, ConfigChanged); n != len(defaults)+2 {
			t.Errorf("events %d", n)
		}
		for name, bad := range map[string]*SynonymGroup{
			"terms": {SiteID: site, Terms: []string{"甲", strings.Repeat("长", MaxTermRunes+1)}},
			"note":  {SiteID: site, Terms: []string{"甲", "乙"}, Note: strings.Repeat("注", MaxNoteRunes+1)},
		} {
			if err := s.SaveSynonym(ctx, admin, bad); errs.FieldsOf(err)[name] == "" {
				t.Errorf("%s: %v", name, err)
			}
		}
		// At the limits both databases store the text as given.
		max := &SynonymGroup{SiteID: site, Terms: []string{strings.Repeat("长", MaxTermRunes), strings.Repeat("短", MaxTermRunes)}, Note: strings.Repeat("注", MaxNoteRunes)}
		if err := s.SaveSynonym(ctx, admin, max); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteSynonym(ctx, admin, site, 999999); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("missing: %v", err)
		}
	})
}

func TestBestBets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, site := newTestService(t, db)
		admin := &auth.User{ID: 1, SiteID: site, Name: "admin", Role: auth.Admin}
		ok := []*BestBet{
			{SiteID: site, Query: "  法律援助 ", Kind: "policy", Ref: 7, Position: 2},
			{SiteID: site, Query: "法律援助", URL: "/xxgk/guide", Title: "信息公开指南", Position: 1, EndsOn: "2026-12-31"},
			{SiteID: site, Query: "法律援助", URL: "/help", Title: "过期", EndsOn: "2026-01-01"},
		}
		for _, b := range ok {
			if err := s.SaveBestBet(ctx, admin, b); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.BestBetsOn(ctx, site, "法律援助", "2026-06-01")
		if err != nil || len(got) != 2 || got[0].URL != "/xxgk/guide" || got[1].Ref != 7 {
			t.Fatalf("best bets %+v %v", got, err)
		}
		if got, _ := s.BestBetsOn(ctx, site, "法律援助", "2027-01-01"); len(got) != 1 {
			t.Errorf("after the end date: %d", len(got))
		}
		for name, bad := range map[string]*BestBet{
			"query":    {SiteID: site, Query: strings.Repeat("长", MaxBestBetQuery+1), Kind: "policy", Ref: 1},
			"target":   {SiteID: site, Query: "x", URL: "//evil.example/", Title: "t"},
			"title":    {SiteID: site, Query: "x", URL: "/a", Title: strings.Repeat("长", MaxBestBetTitle+1)},
			"position": {SiteID: site, Query: "x", Kind: "policy", Ref: 1, Position: 11},
			"ends_on":  {SiteID: site, Query: "x", Kind: "policy", Ref: 1, EndsOn: "2026-13-01"},
		} {
			if err := s.SaveBestBet(ctx, admin, bad); errs.FieldsOf(err)[name] == "" {
				t.Errorf("%s: %v", name, err)
			}
		}
		for _, u := range []string{"https://evil.example/", "/\\evil", "javascript:alert(1)", "/a b"} {
			if LocalPath(u) {
				t.Errorf("LocalPath(%q)", u)
			}
		}
		max := &BestBet{SiteID: site, Query: strings.Repeat("长", MaxBestBetQuery), URL: "/" + strings.Repeat("a", MaxBestBetURL-1), Title: strings.Repeat("题", MaxBestBetTitle), Note: strings.Repeat("注", MaxNoteRunes)}
		if err := s.SaveBestBet(ctx, admin, max); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteBestBet(ctx, &auth.User{SiteID: site, Role: auth.Office}, site, max.ID); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("office deletes: %v", err)
		}
		if err := s.DeleteBestBet(ctx, admin, site, max.ID); err != nil {
			t.Fatal(err)
		}
	})
}

func TestQueryLogAnalytics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, site := newTestService(t, db)
		// 2026-11-30 is the Monday of ISO week 49; 23:30 UTC on Sunday the
		// 29th is already Monday in Beijing.
		day := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 30, 0, 0, time.UTC) }
		log := func(q string, total int, at time.Time) int64 {
			id, err := s.logQueryAt(ctx, site, q, total, at)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		a1 := log("法律援助", 5, day(29, 23))
		log("法律援助", 5, day(30, 2))
		log(" 法律援助", 5, day(25, 2))
		log("社区娇正", 0, day(30, 3))
		log("年检", 3, day(30, 4))
		if id := log("   ", 1, day(30, 4)); id != 0 {
			t.Errorf("empty query logged: %d", id)
		}
		long := log(strings.Repeat("长", 300), 1, day(30, 5))
		if err := s.LogClick(ctx, site, a1, "/items/1"); err != nil {
			t.Fatal(err)
		}
		if err := s.LogClick(ctx, site+1, long, "/items/1"); err != nil {
			t.Fatal(err)
		}
		var q string
		db.R.QueryRow(`SELECT query FROM search_queries WHERE id = $1`, long).Scan(&q)
		if len([]rune(q)) != MaxLoggedQuery {
			t.Errorf("logged %d characters", len([]rune(q)))
		}
		a, err := s.Analytics(ctx, site, "2026-11-01", "2026-12-06")
		if err != nil {
			t.Fatal(err)
		}
		if a.Searches != 6 || a.NoResults != 1 || len(a.Top) == 0 || a.Top[0].Query != "法律援助" || a.Top[0].Searches != 3 || a.Top[0].Clicked != 1 {
			t.Fatalf("analytics %+v", a)
		}
		if len(a.Empty) != 1 || a.Empty[0].Query != "社区娇正" {
			t.Errorf("no results %+v", a.Empty)
		}
		if len(a.Unopened) != 2 { // 年检 and the long one
			t.Errorf("unopened %+v", a.Unopened)
		}
		if len(a.Weeks) != 2 || a.Weeks[0].Week != "2026-W49" || a.Weeks[0].Start != "2026-11-30" || a.Weeks[0].Searches != 5 || a.Weeks[1].Searches != 1 {
			t.Errorf("weeks %+v", a.Weeks)
		}
		for _, p := range [][2]string{{"2026-1-1", "2026-12-01"}, {"2026-12-02", "2026-12-01"}, {"2020-01-01", "2026-12-01"}} {
			if _, err := s.Analytics(ctx, site, p[0], p[1]); errs.CodeOf(err) != errs.Invalid {
				t.Errorf("%v: %v", p, err)
			}
		}
		if n, err := s.PruneQueryLog(ctx, day(27, 0)); err != nil || n != 1 {
			t.Errorf("pruned %d %v", n, err)
		}
	})
}
