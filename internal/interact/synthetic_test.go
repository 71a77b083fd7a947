package interact_test

import (
	"context"
	"crypto/rand"
	"strings"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/demo/synthetic"
	"gongkai/internal/interact"
	_ "gongkai/internal/interact/live" // the interviews generator
	"gongkai/internal/secure"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var synthDay = calendar.Date{Year: 2026, Month: 12, Day: 1}

func buildSynth(t *testing.T, db *store.DB, n int, seed uint64, key []byte) *synthetic.Site {
	t.Helper()
	saved := secure.PasswordParams
	secure.PasswordParams = secure.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	t.Cleanup(func() { secure.PasswordParams = saved })
	s, err := synthetic.Build(context.Background(), &catalog.Service{DB: db}, auth.NewService(db),
		synthetic.Options{N: n, Seed: seed, DataKey: key, Today: synthDay})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.R.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestSyntheticMessages: the generated messages' projections are what
// their own ledgers replay to, the statistics reconcile with the rows, the
// writers' data is sealed, and the interviews are there; on both databases.
func TestSyntheticMessages(t *testing.T) {
	key := make([]byte, secure.KeySize)
	rand.Read(key)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := buildSynth(t, db, 1200, 5, key)
		site := s.Site.ID
		if got := count(t, db, `SELECT COUNT(*) FROM messages WHERE site_id = $1`, site); got != 600 {
			t.Fatalf("messages = %d, want 600", got)
		}
		sealer, _ := secure.NewSealer(key)
		svc := &interact.Service{DB: db, Sealer: sealer, Today: func() calendar.Date { return synthDay }}
		rows, err := db.R.Query(`SELECT id, status, due_on, answered_on, answer_workdays, on_time, published, rating, name FROM messages WHERE site_id = $1 ORDER BY id`, site)
		if err != nil {
			t.Fatal(err)
		}
		type proj struct {
			id                     int64
			status, due, ans, rate string
			wd, onTime, pub        int
			name                   string
		}
		var ps []proj
		for rows.Next() {
			var p proj
			if err := rows.Scan(&p.id, &p.status, &p.due, &p.ans, &p.wd, &p.onTime, &p.pub, &p.rate, &p.name); err != nil {
				t.Fatal(err)
			}
			ps = append(ps, p)
		}
		rows.Close()
		seen := map[string]int{}
		for _, p := range ps {
			m, err := svc.Get(ctx, site, p.id)
			if err != nil {
				t.Fatal(err)
			}
			st := m.State
			onTime, pub, ans := 0, 0, ""
			if st.Status == interact.StAnswered {
				ans = st.Answered.String()
				if st.OnTime() {
					onTime = 1
				}
				if st.Public {
					pub = 1
				}
			}
			if p.status != st.Status || p.due != st.Due.String() || p.ans != ans || p.onTime != onTime || p.pub != pub || p.rate != st.Rating ||
				(st.Status == interact.StAnswered && p.wd != st.Workdays) {
				t.Fatalf("message %d: row %+v, ledger %+v", p.id, p, st)
			}
			if !strings.HasPrefix(p.name, "v1:") || m.Name == "" || strings.Contains(p.name, m.Name) {
				t.Fatalf("message %d: name not sealed: %q", p.id, p.name)
			}
			seen[st.Status]++
		}
		if seen[interact.StAnswered] == 0 || seen[interact.StInvalid] == 0 || count(t, db, `SELECT COUNT(*) FROM messages WHERE site_id = $1 AND rating <> ''`, site) == 0 ||
			count(t, db, `SELECT COUNT(*) FROM messages WHERE site_id = $1 AND status = 'answered' AND on_time = 0`, site) == 0 {
			t.Errorf("statuses %v: want answered, invalid, rated and late ones", seen)
		}
		if got := count(t, db, `SELECT COUNT(DISTINCT category) FROM messages WHERE site_id = $1`, site); got != len(interact.Categories) {
			t.Errorf("%d categories", got)
		}
		st, err := svc.Stats(ctx, site, 2025, 0)
		if err != nil {
			t.Fatal(err)
		}
		if want := count(t, db, `SELECT COUNT(*) FROM messages WHERE site_id = $1 AND received_on LIKE '2025-%'`, site); st.Total.Received != want || want == 0 {
			t.Errorf("2025 received %d, rows %d", st.Total.Received, want)
		}
		if want := count(t, db, `SELECT COUNT(*) FROM messages WHERE site_id = $1 AND received_on LIKE '2025-%' AND published = 1`, site); st.Total.Published != want {
			t.Errorf("2025 published %d, rows %d", st.Total.Published, want)
		}
		if got := count(t, db, `SELECT COUNT(*) FROM message_faq WHERE site_id = $1`, site); got == 0 {
			t.Error("no FAQ")
		}
		if got := count(t, db, `SELECT COUNT(*) FROM live_interviews WHERE site_id = $1`, site); got != 2 {
			t.Errorf("interviews = %d, want 2", got)
		}
		if got := count(t, db, `SELECT COUNT(*) FROM live_interviews WHERE site_id = $1 AND status = 'announced'`, site); got != 1 {
			t.Errorf("announced interviews = %d, want 1", got)
		}
		if got := count(t, db, `SELECT COUNT(*) FROM live_questions q JOIN live_interviews i ON i.id = q.interview_id WHERE i.site_id = $1`, site); got < 13 {
			t.Errorf("questions = %d", got)
		}
	})
}

// TestSyntheticMessagesDeterministic: the same seed, the same messages;
// without a data key, none.
func TestSyntheticMessagesDeterministic(t *testing.T) {
	key := make([]byte, secure.KeySize)
	digest := func(seed uint64, key []byte) string {
		db := storetest.Open(t, store.SQLite)
		buildSynth(t, db, 400, seed, key)
		rows, err := db.R.Query(`SELECT tracking_no, category, title, received_on, status, answered_on, rating FROM messages ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var f [7]string
			if err := rows.Scan(&f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6]); err != nil {
				t.Fatal(err)
			}
			b.WriteString(strings.Join(f[:], "|") + "\n")
		}
		return b.String()
	}
	a, b, c := digest(1, key), digest(1, key), digest(2, key)
	if a == "" || a != b {
		t.Error("the same seed built different messages")
	}
	if a == c {
		t.Error("different seeds built the same messages")
	}
	if d := digest(1, nil); d != "" {
		t.Errorf("without a key: %d bytes of messages", len(d))
	}
}
