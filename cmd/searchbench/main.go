// Command searchbench measures the search back ends at the size of a real
// site (issue 8): it indexes the published items of a site database (a copy
// of `gongkai seed --synthetic 100000`) into a back end, reporting items/s and
// the index size, then runs a query mix with concurrent clients (Match with
// facets and a candidate cap, then Docs of the top 10) and prints p50/p95/p99,
// QPS and the process's memory. A baseline (the old LIKE search, or FTS5 bm25
// over every match) runs the same mix for comparison.
//
//	searchbench -from /tmp/syn100k/gongkai.db -dsn /tmp/bench/search.db
//	searchbench -from /tmp/syn100k/gongkai.db -dsn postgres://…
//	searchbench -dsn /tmp/bench/search.db -index=false -baseline bm25
//
// The source is only read; the target is written (never point -dsn at the
// original site database: copy it first).
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"gongkai/internal/sanitize"
	"gongkai/internal/search"
	"gongkai/internal/search/fts5"
	"gongkai/internal/search/pg"
	"gongkai/internal/search/searchsql"
	"gongkai/internal/store"
)

var (
	typical = []string{"法律援助", "社区矫正 工作", "行政复议决定书", "临司发 2021", "人民调解委员会", "公证 办理"}
	worst   = []string{"司法", "工作", "全市各级司法行政机关", "政府信息公开", "的"}
)

func main() {
	from := flag.String("from", "", "site database to read published items from (only read)")
	dsn := flag.String("dsn", "", "target: SQLite file or postgres:// URL (written)")
	index := flag.Bool("index", true, "index the items of -from first (replacing the site's documents)")
	clients := flag.Int("clients", 8, "concurrent clients")
	dur := flag.Duration("duration", 20*time.Second, "how long each query set runs")
	capn := flag.Int("cap", search.CandidateCap, "candidate cap (Match.Cap; the site search uses search.CandidateCap)")
	batch := flag.Int("batch", 500, "documents per Put")
	baseline := flag.String("baseline", "", "also run a baseline: like (the old title/文号 LIKE search on -from) or bm25 (FTS5 ORDER BY rank, SQLite target)")
	site := flag.Int64("site", 1, "site id")
	nocache := flag.Bool("nocache", false, "measure without the back end's answer cache")
	bound := flag.Int("bound", searchsql.CountBound, "matches counted and faceted at most (searchsql.CountBound)")
	dump := flag.String("dump", "", "with -service: write the Service's answers to the query sets (pages 1 and 2, by relevance and by date, in titles) to this file as JSON, to compare two builds")
	service := flag.Bool("service", false, "also run the mix through search.Service (the site search: words, synonyms, ranking, bodies, snippets), as /search and /api/v1/search do")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the query runs to this file")
	pgdir := flag.String("pgdir", "", "PostgreSQL data directory (scripts/pg.sh's): also report the CPU time of the server's processes")
	pgdb := flag.String("pgdb", "", "with -pgdir: count only the backends of this database (a shared server; backends that exit are not counted)")
	path := flag.String("path", "", "PostgreSQL: force the walk's path (searchsql.PathDirect: rows tested one by one, searchsql.PathIndex: GIN windows; default: chosen by density)")
	flag.Float64Var(&searchsql.DirectRows, "directrows", searchsql.DirectRows, "PostgreSQL: searchsql.DirectRows")
	flag.Float64Var(&searchsql.IndexRows, "indexrows", searchsql.IndexRows, "PostgreSQL: searchsql.IndexRows")
	engineRuns := flag.Bool("engine", true, "run the engine mix (Match + Docs); -engine=false with -service measures only the Service")
	flag.Parse()
	searchsql.CountBound = *bound
	if *dsn == "" {
		log.Fatal("-dsn is required")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, *dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	var b search.Backend
	cacheSize := 0
	if *nocache {
		cacheSize = -1
	}
	if db.Dialect == store.Postgres {
		x := pg.New(db)
		x.CacheSize = cacheSize
		x.Path = *path
		b = x
	} else {
		x := fts5.New(db)
		x.CacheSize = cacheSize
		b = x
	}
	fmt.Printf("machine: %d CPUs (GOMAXPROCS %d), %s, back end %s, answer cache %v, cap %d, count bound %d, load %s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), time.Now().UTC().Format(time.DateOnly), b.Name(), !*nocache, *capn, *bound, loadavg())
	if *index {
		if *from == "" {
			log.Fatal("-from is required to index")
		}
		src, err := store.Open(ctx, *from)
		if err != nil {
			log.Fatal(err)
		}
		if err := load(ctx, src, b, *site, *batch); err != nil {
			log.Fatal(err)
		}
		src.Close()
	}
	n, bytes, err := b.Size(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("index: %d documents, %.0f MB\n", n, float64(bytes)/1e6)

	run := func(name string, qs []string, fn func(ctx context.Context, q string) error) {
		c0, s0 := cpuTime(), serverCPU(*pgdir, *pgdb)
		lat, count, errs := drive(ctx, *clients, *dur, qs, fn)
		server := ""
		if *pgdir != "" {
			server = fmt.Sprintf("  server CPU/query %.1f ms", ms(serverCPU(*pgdir, *pgdb)-s0)/float64(max(count, 1)))
		}
		fmt.Printf("%-22s %s  QPS %.0f  CPU/query %.1f ms%s  errors %d  RSS %s  load %s\n", name, percentiles(lat), float64(count)/dur.Seconds(), ms(cpuTime()-c0)/float64(max(count, 1)), server, errs, rss(), loadavg())
	}
	engine := func(ctx context.Context, q string) error {
		m := &search.Match{SiteID: *site, Must: clauses(q), Cap: *capn, Facets: true}
		r, err := b.Match(ctx, m)
		if err != nil {
			return err
		}
		ids := make([]int64, 0, 10)
		for _, c := range r.Candidates[:min(10, len(r.Candidates))] {
			ids = append(ids, c.ID)
		}
		_, err = b.Docs(ctx, *site, ids)
		return err
	}
	// One pass first: per query figures (single client), warm cache.
	for _, q := range append(slices.Clone(typical), worst...) {
		m := &search.Match{SiteID: *site, Must: clauses(q), Cap: *capn, Facets: true}
		t0 := time.Now()
		r, err := b.Match(ctx, m)
		if err != nil {
			log.Fatalf("%s: %v", q, err)
		}
		t1 := time.Since(t0)
		t0 = time.Now()
		b.Match(ctx, m)
		fmt.Printf("  %-24s total %5d exact %-5v candidates %4d  cold %6.1f ms  warm %6.1f ms\n", q, r.Total, r.Exact, len(r.Candidates), ms(t1), ms(time.Since(t0)))
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	if *service {
		// The Service's synonym table belongs to a site row.
		if _, err := db.W.ExecContext(ctx, `INSERT INTO sites (id, slug, name, org_code, created_at) VALUES ($1, 'bench', '基准站点', '0', $2) ON CONFLICT (id) DO NOTHING`, *site, store.Now()); err != nil {
			log.Fatal(err)
		}
		counted := &countingBackend{Backend: b}
		svc := search.NewService(db, counted, nil, nil)
		if *nocache {
			svc.CacheSize = -1
		}
		if *dump != "" {
			if err := dumpAnswers(ctx, svc, *site, *dump); err != nil {
				log.Fatal(err)
			}
		}
		// Per query, one client, warm: what each costs and how many
		// Match calls it makes (the fallbacks and corrections add some).
		for _, q := range append(slices.Clone(typical), worst...) {
			if _, err := svc.Search(ctx, &search.Request{SiteID: *site, Q: q}); err != nil {
				log.Fatalf("%s: %v", q, err)
			}
			const n = 5
			counted.matches.Store(0)
			c0, s0, t0 := cpuTime(), serverCPU(*pgdir, *pgdb), time.Now()
			var r *search.Result
			for range n {
				if r, err = svc.Search(ctx, &search.Request{SiteID: *site, Q: q}); err != nil {
					log.Fatalf("%s: %v", q, err)
				}
			}
			fmt.Printf("  service %-24s total %5d partial %-5v corrected %-5v Match calls %d  %6.1f ms  CPU %5.1f ms  server CPU %5.1f ms\n", q, r.Total, r.Partial, r.Corrected,
				counted.matches.Load()/n, ms(time.Since(t0))/n, ms(cpuTime()-c0)/n, ms(serverCPU(*pgdir, *pgdb)-s0)/n)
		}
		full := func(ctx context.Context, q string) error {
			_, err := svc.Search(ctx, &search.Request{SiteID: *site, Q: q})
			return err
		}
		run("service typical", typical, full)
		run("service worst-case", worst, full)
		run("service mixed", append(slices.Clone(typical), worst...), full)
	}
	if *engineRuns {
		run(b.Name()+" typical", typical, engine)
		run(b.Name()+" worst-case", worst, engine)
		run(b.Name()+" mixed", append(slices.Clone(typical), worst...), engine)
	}

	switch *baseline {
	case "like":
		src := db
		if *from != "" {
			if src, err = store.Open(ctx, *from); err != nil {
				log.Fatal(err)
			}
		}
		like := func(ctx context.Context, q string) error { return likeSearch(ctx, src, *site, q) }
		run("baseline LIKE typical", typical, like)
		run("baseline LIKE worst", worst, like)
	case "bm25":
		if db.Dialect != store.SQLite {
			log.Fatal("bm25 baseline needs an SQLite target")
		}
		bm := func(ctx context.Context, q string) error { return bm25(ctx, db, q) }
		run("baseline bm25 typical", typical, bm)
		run("baseline bm25 worst", worst, bm)
	}
}

func clauses(q string) []search.Clause {
	var out []search.Clause
	for _, w := range strings.Fields(q) {
		if p := search.PhraseOf(w, search.Anywhere); p != nil {
			out = append(out, search.Clause{*p})
		}
	}
	return out
}

// load indexes the site's published items in batches (keyset by item id).
func load(ctx context.Context, src *store.DB, b search.Backend, site int64, batch int) error {
	t0 := time.Now()
	c0 := cpuTime()
	var last int64
	total := 0
	for {
		rows, err := src.R.QueryContext(ctx, `SELECT id, doc_type, title, body, summary, keywords, doc_no, COALESCE(index_no, ''), publisher, column_id, topic, validity, published_on
			FROM items WHERE site_id = $1 AND status = 'published' AND id > $2 ORDER BY id LIMIT $3`, site, last, batch)
		if err != nil {
			return err
		}
		var docs []*search.Document
		for rows.Next() {
			d := &search.Document{SiteID: site}
			var body, summary, keywords string
			if err := rows.Scan(&d.Ref, &d.Kind, &d.Title, &body, &summary, &keywords, &d.DocNo, &d.IndexNo, &d.Publisher, &d.ColumnID, &d.Topic, &d.Validity, &d.PublishedOn); err != nil {
				rows.Close()
				return err
			}
			d.URL = fmt.Sprintf("/items/%d", d.Ref)
			d.Body = strings.TrimSpace(summary + "\n" + sanitize.Text(body))
			d.Extra = strings.Join([]string{keywords, d.DocNo, d.IndexNo}, " ")
			docs = append(docs, d)
			last = d.Ref
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(docs) == 0 {
			break
		}
		if err := b.Put(ctx, docs...); err != nil {
			return err
		}
		total += len(docs)
		if total%10000 < batch {
			fmt.Fprintf(os.Stderr, "\rindexed %d (%.0f items/s)", total, float64(total)/time.Since(t0).Seconds())
		}
	}
	el := time.Since(t0)
	cpu0 := cpuTime() - c0
	fmt.Fprintln(os.Stderr)
	if o, ok := b.(interface{ Optimize(context.Context) error }); ok {
		t1 := time.Now()
		if err := o.Optimize(ctx); err != nil {
			return err
		}
		fmt.Printf("optimize after the rebuild: %.1f s (items/s including it: %.0f)\n", time.Since(t1).Seconds(), float64(total)/time.Since(t0).Seconds())
	}
	fmt.Printf("indexing: %d items in %.1f s = %.0f items/s (batches of %d, RSS %s); this process used %.1f CPU s = %.0f items per CPU second; load %s\n",
		total, el.Seconds(), float64(total)/el.Seconds(), batch, rss(), cpu0.Seconds(), float64(total)/cpu0.Seconds(), loadavg())
	return nil
}

// drive runs fn over the queries round-robin from clients goroutines for d.
func drive(ctx context.Context, clients int, d time.Duration, qs []string, fn func(context.Context, string) error) (lat []time.Duration, count, errs int) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	end := time.Now().Add(d)
	for c := range clients {
		wg.Go(func() {
			var mine []time.Duration
			bad := 0
			for i := c; time.Now().Before(end); i++ {
				t0 := time.Now()
				if err := fn(ctx, qs[i%len(qs)]); err != nil {
					bad++
					if bad == 1 {
						log.Printf("%s: %v", qs[i%len(qs)], err)
					}
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			errs += bad
			mu.Unlock()
		})
	}
	wg.Wait()
	return lat, len(lat), errs
}

func percentiles(lat []time.Duration) string {
	if len(lat) == 0 {
		return "no samples"
	}
	slices.Sort(lat)
	p := func(q float64) float64 { return ms(lat[min(len(lat)-1, int(q*float64(len(lat))))]) }
	return fmt.Sprintf("p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms  max %6.1f ms  n %d", p(0.50), p(0.95), p(0.99), ms(lat[len(lat)-1]), len(lat))
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

// rss is the process's resident and peak memory from /proc.
func rss() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "?"
	}
	var cur, peak string
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			cur = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			peak = strings.TrimSpace(v)
		}
	}
	return cur + " (peak " + peak + ")"
}

// likeSearch is the search before issue 8: a substring of the title, the
// 文号 or the index number, newest first, with the count.
func likeSearch(ctx context.Context, db *store.DB, site int64, q string) error {
	like := "%" + q + "%"
	where := `site_id = $1 AND status = 'published' AND (LOWER(title) LIKE LOWER($2) OR LOWER(doc_no) LIKE LOWER($2) OR index_no = $3)`
	var n int
	if err := db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM items WHERE `+where, site, like, q).Scan(&n); err != nil {
		return err
	}
	rows, err := db.R.QueryContext(ctx, `SELECT id FROM items WHERE `+where+` ORDER BY published_on DESC, id DESC LIMIT 10`, site, like, q)
	if err != nil {
		return err
	}
	return drain(rows)
}

// bm25 is FTS5's own ranking over every match (ORDER BY rank), top 10.
func bm25(ctx context.Context, db *store.DB, q string) error {
	var parts []string
	for _, c := range clauses(q) {
		var toks []string
		for _, t := range c[0].Tokens {
			if s, ok := strings.CutSuffix(t, search.Prefix); ok {
				toks = append(toks, `"`+s+`" *`)
			} else {
				toks = append(toks, `"`+t+`"`)
			}
		}
		parts = append(parts, "("+strings.Join(toks, " + ")+")")
	}
	rows, err := db.R.QueryContext(ctx, `SELECT rowid FROM search_fts WHERE search_fts MATCH $1 ORDER BY rank LIMIT 10`, strings.Join(parts, " AND "))
	if err != nil {
		return err
	}
	return drain(rows)
}

func drain(rows *sql.Rows) error {
	defer rows.Close()
	for rows.Next() {
	}
	return rows.Err()
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// cpuTime is the CPU time this process has used (user + system): the
// machine is shared, so items and queries per CPU second are the figures
// that do not depend on what else runs.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// serverCPU is the CPU time used by the PostgreSQL server whose data
// directory is dir: the postmaster and its children (the backends), from
// /proc (with the children it reaped); 0 without dir.
func serverCPU(dir, db string) time.Duration {
	if dir == "" {
		return 0
	}
	b, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	if err != nil {
		return 0
	}
	pm := strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0])
	procs, _ := filepath.Glob("/proc/[0-9]*/stat")
	var ticks int64
	for _, p := range procs {
		st, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ... utime(14) stime(15): fields after the
		// command's closing parenthesis.
		s := string(st)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 13 {
			continue
		}
		pid := strings.Fields(s)[0]
		if pid != pm && f[1] != pm {
			continue
		}
		if db != "" {
			// A backend's title: "postgres: user database host(port) state".
			cmd, _ := os.ReadFile(filepath.Join(filepath.Dir(p), "cmdline"))
			if fs := strings.Fields(string(cmd)); pid == pm || len(fs) < 3 || fs[2] != db {
				continue
			}
		}
		for _, n := range f[11:13] { // utime, stime
			v, _ := strconv.ParseInt(n, 10, 64)
			ticks += v
		}
		if pid == pm { // and the backends that exited, reaped by the postmaster
			for _, n := range f[13:15] { // cutime, cstime
				v, _ := strconv.ParseInt(n, 10, 64)
				ticks += v
			}
		}
	}
	return time.Duration(ticks) * (time.Second / 100) // USER_HZ is 100 on Linux
}

// countingBackend counts the Match calls the Service makes.
type countingBackend struct {
	search.Backend
	matches atomic.Int64
}

func (c *countingBackend) Match(ctx context.Context, m *search.Match) (*search.Matches, error) {
	c.matches.Add(1)
	return c.Backend.Match(ctx, m)
}

// dumpAnswers writes the Service's answers to every query of the sets, in
// a few variants, as JSON lines (Elapsed zeroed): two builds that must
// answer the same write the same file.
func dumpAnswers(ctx context.Context, svc *search.Service, site int64, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	for _, q := range append(slices.Clone(typical), worst...) {
		for _, req := range []search.Request{
			{SiteID: site, Q: q}, {SiteID: site, Q: q, Page: 2}, {SiteID: site, Q: q, Sort: "date"},
			{SiteID: site, Q: q, InTitle: true}, {SiteID: site, Q: q, Limit: 50, Page: 3},
		} {
			r, err := svc.Search(ctx, &req)
			if err != nil {
				f.Close()
				return fmt.Errorf("%s: %w", q, err)
			}
			r.Elapsed = 0
			if err := enc.Encode(struct {
				Req *search.Request
				Res *search.Result
			}{&req, r}); err != nil {
				f.Close()
				return err
			}
		}
	}
	return f.Close()
}
