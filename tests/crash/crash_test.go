// Package crash kills the real server with SIGKILL while API clients write,
// again and again, and then checks that nothing acknowledged was lost and
// nothing was left half-way (issue 16: "make the attacks part of the suite").
//
// The test builds cmd/gongkai, runs `gongkai serve --demo` on SQLite and on
// PostgreSQL, and for each cycle: starts the server, waits for /healthz,
// lets four writers POST /api/v1/items with "publish": true, kills the
// server at a random moment (the seed is logged; GONGKAI_CRASH_SEED replays
// a run) and waits for it to die. Afterwards it opens the database itself:
//
//   - every write answered 201 is there, with the title and body sent,
//     published, with an index number and revision 1 in item_revisions;
//   - no item the writers sent is half-way: each is published, its ledger
//     begins with create and ends with publish, and it exists once;
//   - index numbers are unique; SQLite's integrity and foreign-key checks
//     pass; the audit log's hash chain verifies;
//   - after one more start, once the search subscription has caught up,
//     the search index holds exactly the published items.
package crash

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/events"
	"gongkai/internal/search"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

const (
	cycles  = 30
	writers = 4
	// titlePrefix marks the items this test writes.
	titlePrefix = "crash-"
)

func TestKillDuringWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test builds and kills the real server; skipped with -short")
	}
	bin := buildServer(t)
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			var dsn string
			if d == store.Postgres {
				dsn = storetest.DSN(t, d) // skips (or fails in CI) without PostgreSQL
			}
			runCrashCycles(t, bin, dsn)
		})
	}
}

// buildServer compiles cmd/gongkai into the test's temporary directory.
func buildServer(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "gongkai")
	start := time.Now()
	cmd := exec.Command(goBin, "build", "-o", bin, "./cmd/gongkai")
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("built %s in %v", bin, time.Since(start).Round(time.Millisecond))
	return bin
}

// ack is a write the server acknowledged with 201.
type ack struct {
	id          int64
	title, body string
}

// server is one run of `gongkai serve`.
type server struct {
	cmd  *exec.Cmd
	done chan struct{}
	log  *bytes.Buffer
}

type harness struct {
	t        *testing.T
	bin      string
	data     string
	dsn      string // "" for SQLite in data
	addr     string
	logs     []*bytes.Buffer
	logMu    sync.Mutex
	client   *http.Client
	token    string
	columnID int64
	loaded   bool // a run has come up, so the demo site is in the database
}

func (h *harness) args(cmd ...string) []string {
	a := append(cmd, "--data", h.data)
	if h.dsn != "" {
		a = append(a, "--db", h.dsn)
	}
	return a
}

// start runs the server and waits until /healthz answers. The first run
// loads the whole demo year (about a minute under the race detector on
// PostgreSQL in CI); later runs find it loaded and only recover.
func (h *harness) start() *server {
	h.t.Helper()
	for attempt := 0; ; attempt++ {
		var log bytes.Buffer
		cmd := exec.Command(h.bin, h.args("serve", "--demo", "--addr", h.addr, "--log", "warn")...)
		cmd.Stdout, cmd.Stderr = &log, &log
		if err := cmd.Start(); err != nil {
			h.t.Fatalf("start server: %v", err)
		}
		s := &server{cmd: cmd, done: make(chan struct{}), log: &log}
		go func() { cmd.Wait(); close(s.done) }()
		h.logMu.Lock()
		h.logs = append(h.logs, &log)
		h.logMu.Unlock()
		timeout := 30 * time.Second
		if !h.loaded {
			timeout = 5 * time.Minute
		}
		err := h.waitReady(s, timeout)
		if err == nil {
			h.loaded = true
			return s
		}
		h.kill(s)
		// Another process may have taken the port between cycles: move on.
		if attempt < 3 && strings.Contains(log.String(), "address already in use") {
			h.addr = freeAddr(h.t)
			continue
		}
		h.t.Fatalf("server not ready: %v\n%s", err, log.String())
	}
}

func (h *harness) waitReady(s *server, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return errors.New("server exited")
		default:
		}
		resp, err := h.client.Get("http://" + h.addr + "/healthz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("no answer from /healthz within %v", timeout)
}

// kill sends SIGKILL and waits for the process to be gone.
func (h *harness) kill(s *server) {
	s.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		h.t.Fatal("server did not die within 10 s of SIGKILL")
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func runCrashCycles(t *testing.T, bin, dsn string) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("GONGKAI_CRASH_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("GONGKAI_CRASH_SEED: %v", err)
		}
		seed = n
	}
	t.Logf("seed %d (replay with GONGKAI_CRASH_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 16))

	h := &harness{t: t, bin: bin, data: t.TempDir(), dsn: dsn, addr: freeAddr(t),
		client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: writers}}}
	t.Cleanup(func() {
		if t.Failed() {
			h.logMu.Lock()
			defer h.logMu.Unlock()
			for i, l := range h.logs {
				if l.Len() > 0 {
					t.Logf("server run %d log:\n%s", i, l.String())
				}
			}
		}
	})

	// The first run loads the demo site; then the office gets a token.
	s := h.start()
	out, err := exec.Command(bin, h.args("token", "create", "--user", "office", "--name", "crash test")...).Output()
	if err != nil {
		t.Fatalf("token create: %v", err)
	}
	h.token = strings.TrimSpace(string(out))
	h.columnID = h.column("gzdt")

	var (
		mu    sync.Mutex
		acks  []ack
		sent  int
		codes = map[int]int{}
	)
	start := time.Now()
	for c := 0; c < cycles; c++ {
		if s == nil {
			s = h.start()
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := 0; ; n++ {
					select {
					case <-stop:
						return
					default:
					}
					title := fmt.Sprintf("%sc%02d-w%d-n%03d", titlePrefix, c, w, n)
					body := "<p>" + title + " 正文</p>"
					mu.Lock()
					sent++
					mu.Unlock()
					id, code := h.post(title, body)
					mu.Lock()
					codes[code]++
					if code == http.StatusCreated {
						acks = append(acks, ack{id, title, body})
					}
					mu.Unlock()
					switch code {
					case http.StatusCreated:
					case http.StatusTooManyRequests:
						time.Sleep(25 * time.Millisecond) // the API allows 50 requests a second per address
					case 0:
						time.Sleep(5 * time.Millisecond) // the server is gone: wait for stop
					default:
						t.Errorf("POST %s: unexpected status %d", title, code)
						return
					}
				}
			}()
		}
		// Kill at a random moment: early (during the first writes) to late.
		time.Sleep(time.Duration(100+rng.IntN(900)) * time.Millisecond)
		h.kill(s)
		s = nil
		close(stop)
		wg.Wait()
	}
	mu.Lock()
	t.Logf("%d cycles in %v: %d requests sent, statuses %v (0 = no answer), %d acknowledged",
		cycles, time.Since(start).Round(time.Millisecond), sent, codes, len(acks))
	mu.Unlock()
	if len(acks) < cycles {
		t.Fatalf("only %d writes acknowledged in %d cycles: the test did not exercise the server", len(acks), cycles)
	}

	// One clean start after the last crash: the server must come up, and
	// its search subscription must catch up with every change (the events
	// a crash interrupted are replayed).
	final := h.start()
	h.waitSearch(t, 60*time.Second)
	h.kill(final)
	checkDatabase(t, h, acks)
	checkSearch(t, h)
}

// openDB opens the test's database (also while a server runs).
func (h *harness) openDB(t *testing.T) *store.DB {
	t.Helper()
	dsn := h.dsn
	if dsn == "" {
		dsn = filepath.Join(h.data, "gongkai.db")
	}
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// waitSearch waits until the search subscription has applied the newest
// change event.
func (h *harness) waitSearch(t *testing.T, timeout time.Duration) {
	t.Helper()
	db := h.openDB(t)
	defer db.Close()
	ctx := context.Background()
	deadline := time.Now().Add(timeout)
	for {
		last, err1 := events.Last(ctx, db)
		pos, err2 := events.Position(ctx, db, search.Subscriber)
		if err1 == nil && err2 == nil && pos >= last {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("search subscription at event %d of %d after %v (%v %v)", pos, last, timeout, err1, err2)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// checkSearch: after the crashes the index holds exactly the published
// items, with their current titles (issue 8: a crash never leaves the index
// and the database out of step).
func checkSearch(t *testing.T, h *harness) {
	db := h.openDB(t)
	defer db.Close()
	ctx := context.Background()
	var missing, stale, wrong int
	q := func(sql string, n *int) {
		if err := db.R.QueryRowContext(ctx, sql).Scan(n); err != nil {
			t.Fatal(err)
		}
	}
	q(`SELECT COUNT(*) FROM items i WHERE i.status = 'published' AND NOT EXISTS (SELECT 1 FROM search_docs d WHERE d.site_id = i.site_id AND d.ref = i.id AND d.kind = i.doc_type)`, &missing)
	q(`SELECT COUNT(*) FROM search_docs d WHERE d.url LIKE '/items/%' AND NOT EXISTS (SELECT 1 FROM items i WHERE i.id = d.ref AND i.status = 'published')`, &stale)
	q(`SELECT COUNT(*) FROM search_docs d JOIN items i ON i.id = d.ref AND d.url LIKE '/items/%' WHERE d.title <> i.title`, &wrong)
	if missing+stale+wrong != 0 {
		t.Errorf("search index out of step: %d published items missing, %d documents of unpublished items, %d with another title", missing, stale, wrong)
	}
	var ours int
	q(`SELECT COUNT(*) FROM search_docs WHERE title LIKE '`+titlePrefix+`%'`, &ours)
	if ours == 0 {
		t.Error("none of the written items is in the search index")
	}
}

// column returns the id of the column with this slug.
func (h *harness) column(slug string) int64 {
	h.t.Helper()
	resp, err := h.client.Get("http://" + h.addr + "/api/v1/columns")
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	type col struct {
		ID       int64  `json:"id"`
		Slug     string `json:"slug"`
		Children []col  `json:"children"`
	}
	var body struct{ Columns []col }
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		h.t.Fatal(err)
	}
	var find func([]col) int64
	find = func(cs []col) int64 {
		for _, c := range cs {
			if c.Slug == slug {
				return c.ID
			}
			if id := find(c.Children); id != 0 {
				return id
			}
		}
		return 0
	}
	id := find(body.Columns)
	if id == 0 {
		h.t.Fatalf("no column %q in the demo site", slug)
	}
	return id
}

// post creates and publishes one item; code 0 means no (complete) answer.
func (h *harness) post(title, body string) (int64, int) {
	in, _ := json.Marshal(map[string]any{"column_id": h.columnID, "doc_type": "news", "department": "法制科",
		"title": title, "body": body, "disclosure": "proactive", "publish": true})
	req, _ := http.NewRequest("POST", "http://"+h.addr+"/api/v1/items", bytes.NewReader(in))
	req.Header.Set("Authorization", "Bearer "+h.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := h.client.Do(req)
	if err != nil {
		return 0, 0
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, 0 // cut off mid-answer: not acknowledged
	}
	if resp.StatusCode != http.StatusCreated {
		return 0, resp.StatusCode
	}
	var out struct {
		ID    int64  `json:"id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal(b, &out); err != nil || out.ID == 0 || out.Title != title {
		h.t.Errorf("201 for %q with body %.200s", title, b)
		return 0, 0
	}
	return out.ID, resp.StatusCode
}

func checkDatabase(t *testing.T, h *harness, acks []ack) {
	ctx := context.Background()
	dsn := h.dsn
	if dsn == "" {
		dsn = filepath.Join(h.data, "gongkai.db")
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// Every acknowledged write, intact.
	for _, a := range acks {
		var title, body, status, indexNo string
		var revision, revisions int
		err := db.R.QueryRowContext(ctx, `SELECT title, body, status, COALESCE(index_no, ''), revision,
			(SELECT COUNT(*) FROM item_revisions r WHERE r.item_id = items.id AND r.revision = 1) FROM items WHERE id = $1`, a.id).
			Scan(&title, &body, &status, &indexNo, &revision, &revisions)
		if err != nil {
			t.Errorf("acknowledged item %d (%s): %v", a.id, a.title, err)
			continue
		}
		if title != a.title || body != a.body || status != "published" || indexNo == "" || revision < 1 || revisions != 1 {
			t.Errorf("acknowledged item %d: title %q body %q status %q index_no %q revision %d (revision-1 rows %d), want %q %q published",
				a.id, title, body, status, indexNo, revision, revisions, a.title, a.body)
		}
	}

	// No half-way item: whatever of ours was committed (acknowledged or
	// not) is published, once, and its ledger says so from start to end.
	rows, err := db.R.QueryContext(ctx, `SELECT id, title, status, COALESCE(index_no, ''), revision FROM items WHERE title LIKE $1 ORDER BY id`, titlePrefix+"%")
	if err != nil {
		t.Fatal(err)
	}
	type item struct {
		id                     int64
		title, status, indexNo string
		revision               int
	}
	var items []item
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.id, &it.title, &it.status, &it.indexNo, &it.revision); err != nil {
			t.Fatal(err)
		}
		items = append(items, it)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int64{}
	for _, it := range items {
		if other, dup := seen[it.title]; dup {
			t.Errorf("title %q stored twice (items %d and %d): one request, two items", it.title, other, it.id)
		}
		seen[it.title] = it.id
		ledger := ledgerOf(t, db, it.id)
		if it.status != "published" || it.indexNo == "" || it.revision < 1 ||
			len(ledger) < 2 || ledger[0] != "create" || ledger[len(ledger)-1] != "publish" {
			t.Errorf("half-way item %d %q: status %q index_no %q revision %d, ledger %v", it.id, it.title, it.status, it.indexNo, it.revision, ledger)
		}
	}
	t.Logf("%d acknowledged, %d committed (%d committed but not acknowledged: killed before the answer)", len(acks), len(items), len(items)-len(acks))
	if len(items) < len(acks) {
		t.Errorf("%d items stored, fewer than the %d acknowledged", len(items), len(acks))
	}

	var dups int
	if err := db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT site_id, index_no FROM items WHERE index_no IS NOT NULL AND index_no <> ''
		GROUP BY site_id, index_no HAVING COUNT(*) > 1) d`).Scan(&dups); err != nil {
		t.Fatal(err)
	}
	if dups != 0 {
		t.Errorf("%d index numbers used more than once", dups)
	}

	if db.Dialect == store.SQLite {
		var res string
		if err := db.R.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
			t.Errorf("PRAGMA integrity_check = %q, %v", res, err)
		}
		fk, err := db.R.QueryContext(ctx, `PRAGMA foreign_key_check`)
		if err != nil {
			t.Fatal(err)
		}
		if fk.Next() {
			t.Error("PRAGMA foreign_key_check reports dangling references")
		}
		fk.Close()
	}

	if bad, err := auth.NewService(db).VerifyAudit(ctx); err != nil || bad != 0 {
		t.Errorf("audit chain: first bad row %d, %v", bad, err)
	}
}

// ledgerOf returns an item's ledger actions in order.
func ledgerOf(t *testing.T, db *store.DB, itemID int64) []string {
	t.Helper()
	rows, err := db.R.QueryContext(context.Background(), `SELECT action FROM item_events WHERE item_id = $1 ORDER BY id`, itemID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}
