// Command scalebench measures the table of issue 17 (speed and scale) on one
// site: it starts `gongkai serve` on a data directory (SQLite) or a
// PostgreSQL database, then runs every row of the table — public pages, API
// calls, back-office pages, `gongkai check`, API create + publish — with 8
// concurrent clients for a fixed time each, every request a real miss of the
// render cache, and writes the figures as JSON. `scalebench table` prints
// several such files as one Markdown table with the ratio of each run to the
// first and whether each goal of the issue is met. scripts/scale.sh drives
// it (`make scale`); docs/BENCHMARKS.md keeps the results.
//
//	scalebench run -bin /tmp/gk -data /tmp/big -label "100k SQLite" -out 100k.json
//	scalebench run -bin /tmp/gk -data /tmp/pg -db postgres://… -label "100k PostgreSQL" -out pg.json
//	scalebench table 1k.json 100k.json pg.json
//
// How a request misses the render cache: the cache (internal/web/page.go)
// keys a public page by site, day, path, the query parameters it knows and
// the display-preferences cookie (gk_prefs). Item pages and API details use
// a distinct item per request; a page with one URL (a column page, the
// catalogue, search) is requested with a distinct gk_prefs variant per
// request (540 of them: text size × scheme × line spacing × cursor × guide
// × toolbar), each a full render of the same data. What is not a page of the
// render cache (the API, the back office) needs no trick. The sitemap is
// served from its own file cache: its first request is the cold one and is
// reported separately.
//
// Standard library only: it talks to the server over HTTP and reads its
// memory from /proc.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Row is one line of the table measured on one site.
type Row struct {
	Name   string         `json:"name"`
	Kind   string         `json:"kind"` // latency, rate, check, memory
	URL    string         `json:"url,omitempty"`
	N      int            `json:"n"`
	Errors int            `json:"errors"`
	Status map[string]int `json:"status,omitempty"`
	First  float64        `json:"first_ms,omitempty"` // the first request alone
	P50    float64        `json:"p50_ms"`
	P95    float64        `json:"p95_ms"`
	Max    float64        `json:"max_ms"`
	RPS    float64        `json:"rps"`
	RSS    float64        `json:"rss_mb"` // peak server VmRSS sampled during the row
	// CPU is the server's CPU time (user + system, /proc/PID/stat) over the
	// row's concurrent part divided by its requests: on a busy machine the
	// wall figures measure the queue, this what a request costs.
	CPU  float64 `json:"cpu_ms_per_req,omitempty"`
	Secs float64 `json:"seconds,omitempty"`
	Note string  `json:"note,omitempty"`
}

// Result is one run: one site on one engine.
type Result struct {
	Label     string  `json:"label"`
	Items     int64   `json:"items"`
	Engine    string  `json:"engine"`
	Date      string  `json:"date"`
	Load      string  `json:"load"` // /proc/loadavg before and after
	StartSecs float64 `json:"start_s"`
	IdleRSS   float64 `json:"idle_rss_mb"`
	PeakRSS   float64 `json:"peak_rss_mb"` // VmHWM at the end
	Rows      []Row   `json:"rows"`
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: scalebench run|table …")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "run":
		err = run(os.Args[2:])
	case "table":
		err = table(os.Args[2:], os.Stdout)
	case "plain":
		err = plain(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "scalebench:", err)
		os.Exit(1)
	}
}

type runner struct {
	base    string
	pid     int
	clients int
	dur     time.Duration
	max     int // requests per row at most
	jar     http.CookieJar
	token   string
	hc      *http.Client
	peak    atomic.Int64 // KB, reset per row
	allPeak atomic.Int64 // KB, the whole run
	ipSeq   atomic.Uint32
}

func run(args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	bin := fs.String("bin", "", "gongkai binary")
	data := fs.String("data", "", "data directory")
	dsn := fs.String("db", "", "PostgreSQL DSN (default: SQLite in -data)")
	port := fs.Int("port", 19510, "port to serve on (127.0.0.1)")
	label := fs.String("label", "", "label of the run")
	out := fs.String("out", "", "JSON file to write")
	clients := fs.Int("c", 8, "concurrent clients")
	dur := fs.Duration("d", 8*time.Second, "time per row (requests in flight at the end are waited for)")
	maxReq := fs.Int("max", 5000, "requests per row at most")
	column := fs.String("column", "zcwj", "column of the column-page rows")
	publishes := fs.Int("publish", 200, "API create + publish requests at most")
	only := fs.String("only", "", "comma-separated row names to measure (default: every row), e.g. \"column page 1,admin dashboard\"")
	idleWait := fs.Duration("idle", 40*time.Minute, "wait at most this long after start for the server to idle (under 0.1 core for 3 s)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *bin == "" || *data == "" || *out == "" {
		return errors.New("run needs -bin, -data and -out")
	}
	res := &Result{Label: *label, Engine: "SQLite", Date: time.Now().UTC().Format(time.RFC3339), Load: loadavg()}
	dbArgs := []string{"--data", *data}
	if *dsn != "" {
		res.Engine = "PostgreSQL"
		dbArgs = append(dbArgs, "--db", *dsn)
	}

	// The token first: the CLI opens the database before the server does.
	tok, err := exec.Command(*bin, append([]string{"token", "create", "--user", "office", "--name", "scalebench"}, dbArgs...)...).Output()
	if err != nil {
		return fmt.Errorf("token create: %w", err)
	}

	addr := fmt.Sprintf("127.0.0.1:%d", *port)
	logf, err := os.Create(*out + ".serve.log")
	if err != nil {
		return err
	}
	defer logf.Close()
	t0 := time.Now()
	srv := exec.Command(*bin, append([]string{"serve", "--addr", addr, "--log", "warn", "--trusted-proxies", "127.0.0.1/32"}, dbArgs...)...)
	srv.Stdout, srv.Stderr = logf, logf
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() {
		srv.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { srv.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			srv.Process.Kill()
		}
	}()
	jar, _ := cookiejar.New(nil)
	r := &runner{base: "http://" + addr, pid: srv.Process.Pid, clients: *clients, dur: *dur, max: *maxReq, jar: jar,
		token: strings.TrimSpace(string(tok)),
		hc: &http.Client{Timeout: 5 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 64},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	if err := r.waitReady(15 * time.Minute); err != nil {
		return err
	}
	res.StartSecs = time.Since(t0).Seconds()
	// Start-up jobs (a search reindex after a bulk load, the attachment
	// text backfill) run in the background and would be measured with
	// the pages: wait until the server idles.
	r.waitIdle(*idleWait)
	res.IdleRSS = float64(procKB(r.pid, "VmRSS")) / 1024
	logp("%s: server ready in %.1f s, RSS %.0f MB", *label, res.StartSecs, res.IdleRSS)

	stop := make(chan struct{})
	go r.sample(stop)
	defer close(stop)

	if err := r.login(); err != nil {
		return err
	}
	// The site's size and newest item.
	var list struct {
		Items []struct{ ID int64 } `json:"items"`
	}
	if err := r.getJSON("/api/v1/items?limit=1", &list); err != nil || len(list.Items) == 0 {
		return fmt.Errorf("newest item: %v", err)
	}
	maxID := list.Items[0].ID
	res.Items = maxID
	last, err := r.lastPage("/columns/" + *column)
	if err != nil {
		return err
	}
	smap, err := r.sitemapFile()
	if err != nil {
		return err
	}
	logp("%s: newest item %d, /columns/%s has %d pages, sitemap file %s", *label, maxID, *column, last, smap)

	ids := func(k int) int64 { return 1 + int64(k)*7919%maxID } // distinct for k < maxID (7919 is prime)
	rnd := func(int) int64 { return 1 + rand.Int64N(maxID) }
	variant := func(k int) string { return prefsVariants[k%len(prefsVariants)] }
	itemURL := func(id func(int) int64) func(int) req {
		return func(k int) req {
			return req{path: "/items/" + strconv.FormatInt(id(k), 10), prefs: variant(k / int(maxID)), gone: true}
		}
	}
	onePage := func(path string) func(int) req {
		// Variant 0 (no cookie) may be cached already (the discovery
		// requests above): start at 1.
		return func(k int) req { return req{path: path, prefs: variant(k + 1), limit: len(prefsVariants) - 1} }
	}
	colPath := "/columns/" + *column
	rows := []struct {
		name, kind string
		gen        func(int) req
	}{
		{"item page", "latency", itemURL(ids)},
		{"API item detail", "latency", func(k int) req {
			return req{path: "/api/v1/items/" + strconv.FormatInt(ids(k+int(maxID)/2), 10), gone: true}
		}},
		{"random item pages", "rate", func(k int) req {
			return req{path: "/items/" + strconv.FormatInt(rnd(k), 10), prefs: variant(rand.IntN(len(prefsVariants))), gone: true}
		}},
		{"column page 1", "latency", onePage(colPath)},
		{"column last page", "latency", onePage(colPath + "?page=" + strconv.Itoa(last))},
		{"catalogue page 1", "latency", onePage("/xxgk/catalogue")},
		{"sitemap index", "latency", onePage("/sitemap.xml")},
		{"sitemap file", "latency", onePage(smap)},
		{"search", "latency", func(k int) req {
			return req{path: "/search?q=" + url.QueryEscape(query(k)), prefs: variant(k / len(terms) / len(terms))}
		}},
		{"API q=", "latency", func(k int) req { return req{path: "/api/v1/items?q=" + url.QueryEscape(query(k))} }},
		{"admin item page", "latency", func(k int) req {
			return req{path: "/admin/items/" + strconv.FormatInt(ids(k+int(maxID)/3), 10), staff: true, gone: true}
		}},
		{"admin compliance", "latency", func(int) req { return req{path: "/admin/compliance", staff: true} }},
		{"admin item list", "latency", func(k int) req {
			return req{path: "/admin/items?page=" + strconv.Itoa(1+k%20), staff: true}
		}},
		{"admin dashboard", "latency", func(int) req { return req{path: "/admin", staff: true} }},
	}
	want := func(name string) bool {
		if *only == "" {
			return true
		}
		for n := range strings.SplitSeq(*only, ",") {
			if strings.TrimSpace(n) == name {
				return true
			}
		}
		return false
	}
	for _, row := range rows {
		if want(row.name) {
			res.Rows = append(res.Rows, r.measure(row.name, row.kind, row.gen))
		}
	}

	// gongkai check beside the idle server, as the daily job would run.
	if want("gongkai check") {
		res.Rows = append(res.Rows, runCheck(*bin, dbArgs))
	}

	// Create + publish last: each publish invalidates cached pages.
	body := func(k int) string {
		b, _ := json.Marshal(map[string]any{"column_id": r.columnID(*column), "doc_type": "policy", "department": "办公室",
			"title": fmt.Sprintf("规模基准测试通知第%d号", k), "doc_no": fmt.Sprintf("临司发〔2026〕%d号", 5000+k),
			"written_on": "2026-12-01", "validity": "in_force", "topic": `公安、安全、司法\司法`, "genre": "通知",
			"body": "<p>各县区司法局：</p><p>现就规模基准测试有关事项通知如下。</p>", "disclosure": "proactive", "publish": true})
		return string(b)
	}
	if want("API create + publish") {
		old := r.max
		r.max = *publishes
		res.Rows = append(res.Rows, r.measure("API create + publish", "latency", func(k int) req {
			return req{method: "POST", path: "/api/v1/items", body: body(k), api: true}
		}))
		r.max = old
	}

	// VmHWM, or the sampled peak when the server is gone.
	res.PeakRSS = float64(max(procKB(r.pid, "VmHWM"), r.allPeak.Load())) / 1024
	res.Rows = append(res.Rows, Row{Name: "server memory (peak VmHWM)", Kind: "memory", RSS: res.PeakRSS})
	res.Load += " → " + loadavg()
	b, _ := json.MarshalIndent(res, "", "  ")
	return os.WriteFile(*out, b, 0o644)
}

type req struct {
	method, path, body, prefs string
	staff, api                bool
	limit                     int  // distinct requests available (0: unlimited)
	gone                      bool // 404 and 410 are answers, not errors (an item id that was withdrawn or never published)
}

func (r *runner) do(q req) (int, time.Duration, error) {
	m := q.method
	if m == "" {
		m = "GET"
	}
	var rd io.Reader
	if q.body != "" {
		rd = strings.NewReader(q.body)
	}
	hr, err := http.NewRequest(m, r.base+q.path, rd)
	if err != nil {
		return 0, 0, err
	}
	// A distinct client address per request: the API's per-address rate
	// limit (50/s) is not what is measured; crawlers come from many.
	n := r.ipSeq.Add(1)
	hr.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255))
	if q.prefs != "" {
		hr.Header.Set("Cookie", "gk_prefs="+q.prefs)
	}
	if q.staff {
		for _, c := range r.jar.Cookies(hr.URL) {
			hr.AddCookie(c)
		}
	}
	if q.api {
		hr.Header.Set("Authorization", "Bearer "+r.token)
		hr.Header.Set("Content-Type", "application/json")
	}
	t := time.Now()
	resp, err := r.hc.Do(hr)
	if err != nil {
		return 0, time.Since(t), err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, time.Since(t), nil
}

// measure runs one row: the first request alone, then r.clients clients
// for r.dur (at most r.max requests, or the generator's limit).
func (r *runner) measure(name, kind string, gen func(int) req) Row {
	row := Row{Name: name, Kind: kind, Status: map[string]int{}}
	first := gen(0)
	row.URL = first.path
	limit := r.max
	if first.limit > 0 && first.limit < limit {
		limit = first.limit
	}
	code, d, err := r.do(first)
	row.First = ms(d)
	if err != nil || code >= 300 {
		row.Note = fmt.Sprintf("first request: %d %v", code, err)
	}
	r.peak.Store(0)
	var (
		mu   sync.Mutex
		lat  []float64
		next atomic.Int64
		wg   sync.WaitGroup
	)
	next.Store(1)
	deadline := time.Now().Add(r.dur)
	t0, cpu0 := time.Now(), procCPU(r.pid)
	for range r.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				k := int(next.Add(1) - 1)
				if k >= limit {
					return
				}
				q := gen(k)
				code, d, err := r.do(q)
				key := strconv.Itoa(code)
				if err != nil {
					key = "error"
				}
				mu.Lock()
				lat = append(lat, ms(d))
				row.Status[key]++
				if err != nil || code >= 500 || code >= 400 && !(q.gone && (code == 404 || code == 410)) {
					row.Errors++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	el, cpu := time.Since(t0), procCPU(r.pid)-cpu0
	slices.Sort(lat)
	row.N = len(lat)
	if row.N > 0 {
		row.P50, row.P95, row.Max = pct(lat, 0.50), pct(lat, 0.95), lat[len(lat)-1]
		row.RPS = float64(row.N) / el.Seconds()
		row.CPU = ms(cpu) / float64(row.N)
	}
	row.RSS = float64(r.peak.Load()) / 1024
	logp("  %-22s n=%-5d err=%-3d first=%7.1f p50=%7.1f p95=%7.1f max=%7.1f ms  %7.1f req/s  CPU %.1f ms/req  RSS %.0f MB %v",
		name, row.N, row.Errors, row.First, row.P50, row.P95, row.Max, row.RPS, row.CPU, row.RSS, row.Status)
	return row
}

func pct(sorted []float64, p float64) float64 {
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// sample records the server's peak VmRSS every 50 ms.
func (r *runner) sample(stop chan struct{}) {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			kb := procKB(r.pid, "VmRSS")
			for _, peak := range []*atomic.Int64{&r.peak, &r.allPeak} {
				for {
					p := peak.Load()
					if kb <= p || peak.CompareAndSwap(p, kb) {
						break
					}
				}
			}
		}
	}
}

// procCPU is the process's CPU time so far, user and system
// (/proc/PID/stat fields 14 and 15, in clock ticks of 1/100 s).
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) is in parentheses and may hold spaces.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+s) * 10 * time.Millisecond
}

func procKB(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, field+":") {
			f := strings.Fields(l)
			if len(f) >= 2 {
				n, _ := strconv.ParseInt(f[1], 10, 64)
				return n
			}
		}
	}
	return 0
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func logp(format string, a ...any) { fmt.Fprintf(os.Stderr, "[scale] "+format+"\n", a...) }

func (r *runner) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if resp, err := r.hc.Get(r.base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				// /healthz answers before the first page can be
				// served: wait for the home page too.
				if code, _, err := r.do(req{path: "/"}); err == nil && code == 200 {
					return nil
				}
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return errors.New("server not ready")
}

// waitIdle waits until the server uses under 0.1 core over 3 seconds.
func (r *runner) waitIdle(limit time.Duration) {
	t0 := time.Now()
	for time.Since(t0) < limit {
		a := procCPU(r.pid)
		time.Sleep(3 * time.Second)
		if used := (procCPU(r.pid) - a).Seconds() / 3; used < 0.1 {
			if w := time.Since(t0); w > 4*time.Second {
				logp("waited %.0f s for the server's start-up jobs", w.Seconds())
			}
			return
		}
	}
	logp("server still busy after %s; measuring anyway", limit)
}

func (r *runner) login() error {
	c := &http.Client{Jar: r.jar, CheckRedirect: r.hc.CheckRedirect}
	resp, err := c.PostForm(r.base+"/admin/login", url.Values{"name": {"office"}, "password": {"gongkai-demo-2021"}})
	if err != nil {
		return err
	}
	resp.Body.Close()
	u, _ := url.Parse(r.base)
	if len(r.jar.Cookies(u)) == 0 {
		return fmt.Errorf("login as office: %s, no session cookie", resp.Status)
	}
	return nil
}

func (r *runner) get(path string) ([]byte, error) {
	resp, err := r.hc.Get(r.base + path)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return b, err
}

func (r *runner) getJSON(path string, v any) error {
	b, err := r.get(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

var pageRE = regexp.MustCompile(`[?&;]page=(\d+)`)

// lastPage reads the highest page number the column's pager links to.
func (r *runner) lastPage(path string) (int, error) {
	b, err := r.get(path)
	if err != nil {
		return 0, err
	}
	last := 1
	for _, m := range pageRE.FindAllSubmatch(b, -1) {
		if n, _ := strconv.Atoi(string(m[1])); n > last {
			last = n
		}
	}
	return last, nil
}

var locRE = regexp.MustCompile(`<loc>([^<]+)</loc>`)

// sitemapFile returns the path of the first file of the sitemap index (or
// /sitemap.xml itself when it is a plain sitemap).
func (r *runner) sitemapFile() (string, error) {
	b, err := r.get("/sitemap.xml")
	if err != nil {
		return "", err
	}
	if !bytes.Contains(b, []byte("<sitemapindex")) {
		return "/sitemap.xml", nil
	}
	m := locRE.FindSubmatch(b)
	if m == nil {
		return "", errors.New("sitemap index without <loc>")
	}
	u, err := url.Parse(string(m[1]))
	if err != nil {
		return "", err
	}
	return u.Path, nil
}

var colIDs sync.Map

func (r *runner) columnID(slug string) int64 {
	if v, ok := colIDs.Load(slug); ok {
		return v.(int64)
	}
	b, _ := r.get("/api/v1/columns")
	m := regexp.MustCompile(`"id":(\d+),"parent_id":\d+,"slug":"` + regexp.QuoteMeta(slug) + `"`).FindSubmatch(b)
	var id int64
	if m != nil {
		id, _ = strconv.ParseInt(string(m[1]), 10, 64)
	}
	colIDs.Store(slug, id)
	return id
}

// runCheck times `gongkai check` (without recording the run) under
// /usr/bin/time -v: wall time and maximum resident set size.
func runCheck(bin string, dbArgs []string) Row {
	row := Row{Name: "gongkai check", Kind: "check", N: 1}
	cmd := exec.Command("/usr/bin/time", append([]string{"-v", bin, "check", "--save=false"}, dbArgs...)...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	t := time.Now()
	err := cmd.Run()
	row.Secs = time.Since(t).Seconds()
	row.P50, row.P95 = row.Secs*1000, row.Secs*1000
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 1) { // 1: veto findings
		row.Errors, row.Note = 1, err.Error()
	}
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if v, ok := strings.CutPrefix(l, "Maximum resident set size (kbytes): "); ok {
			kb, _ := strconv.ParseFloat(v, 64)
			row.RSS = kb / 1024
		}
	}
	logp("  gongkai check: %.2f s, max RSS %.0f MB %s", row.Secs, row.RSS, row.Note)
	return row
}

// prefsVariants are the canonical gk_prefs encodings (internal/web/prefs.go)
// of every combination of text size, scheme, line spacing, cursor, guide and
// toolbar; "" is the default page.
var prefsVariants = func() []string {
	var out []string
	for _, t := range []string{"", "t1", "t2", "t3", "t4"} {
		for _, s := range []string{"", "sc", "sd"} {
			for _, l := range []string{"", "l1", "l2"} {
				for _, c := range []string{"", "c"} {
					for _, g := range []string{"", "gl", "gx"} {
						for _, b := range []string{"", "b"} {
							var toks []string
							for _, x := range []string{t, s, l, c, g, b} {
								if x != "" {
									toks = append(toks, x)
								}
							}
							if len(toks) == 0 {
								out = append(out, "")
							} else {
								out = append(out, "1."+strings.Join(toks, "."))
							}
						}
					}
				}
			}
		}
	}
	return out
}()

// terms make the search queries: pairs of common words of the synthetic
// site, so that each request is a distinct query (the search back end keeps
// an answer cache).
var terms = []string{"法律援助", "行政复议", "社区矫正", "人民调解", "公证", "司法鉴定", "普法", "律师", "通知", "工作",
	"政府信息公开", "年度报告", "行政执法", "法治", "培训", "实施意见", "管理办法", "临沂", "监督", "服务"}

func query(k int) string {
	a, b := terms[k%len(terms)], terms[(k/len(terms))%len(terms)]
	if a == b {
		return a
	}
	return a + " " + b
}

// --- plain -----------------------------------------------------------------

// plain serves one file's bytes with a fixed set of response headers from
// plain net/http, nothing else: the ceiling of a Go server on this machine
// for a page the app serves from its render cache (scripts/bench.sh runs it
// beside nginx and the app).
func plain(args []string) error {
	fs := flag.NewFlagSet("plain", flag.ContinueOnError)
	file := fs.String("file", "", "body to serve")
	headers := fs.String("headers", "", "response headers to send, one `Name: value` a line (curl -D output)")
	addr := fs.String("addr", "127.0.0.1:19520", "listen address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	body, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	hdr := http.Header{}
	if *headers != "" {
		b, err := os.ReadFile(*headers)
		if err != nil {
			return err
		}
		for _, l := range strings.Split(string(b), "\n") {
			k, v, ok := strings.Cut(strings.TrimSpace(l), ":")
			switch strings.ToLower(k) {
			case "", "date", "content-length", "connection", "transfer-encoding":
				continue
			}
			if ok {
				hdr.Add(k, strings.TrimSpace(v))
			}
		}
	}
	size := strconv.Itoa(len(body))
	return http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range hdr {
			h[k] = v
		}
		h["Content-Length"] = []string{size}
		w.Write(body)
	}))
}

// --- table ------------------------------------------------------------------

const (
	goalP95 = 100.0 // ms
	goalRPS = 500.0
	goalRSS = 150.0 // MB, server
	goalChk = 100.0 // MB, gongkai check
)

func table(files []string, w io.Writer) error {
	var rs []*Result
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var r Result
		if err := json.Unmarshal(b, &r); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		rs = append(rs, &r)
	}
	if len(rs) == 0 {
		return errors.New("table needs at least one JSON file")
	}
	fmt.Fprintf(w, "| row | goal |")
	for i, r := range rs {
		fmt.Fprintf(w, " %s (%d items) |", r.Label, r.Items)
		if i > 0 {
			fmt.Fprintf(w, " ×%s |", rs[0].Label)
		}
	}
	fmt.Fprintf(w, " goal met |\n|---|---|")
	for i := range rs {
		fmt.Fprintf(w, "---:|")
		if i > 0 {
			fmt.Fprintf(w, "---:|")
		}
	}
	fmt.Fprintf(w, "---|\n")
	for _, base := range rs[0].Rows {
		goal, _ := goalOf(base)
		fmt.Fprintf(w, "| %s | %s |", base.Name, goal)
		var met []string
		for i, r := range rs {
			row, ok := find(r, base.Name)
			if !ok {
				fmt.Fprintf(w, " – |")
				if i > 0 {
					fmt.Fprintf(w, " – |")
				}
				continue
			}
			fmt.Fprintf(w, " %s |", cell(row))
			if i > 0 {
				fmt.Fprintf(w, " %s |", ratio(base, row))
			}
			_, ok = goalOf(row)
			if !ok {
				met = append(met, r.Label+" "+miss(row))
			}
		}
		if len(met) == 0 {
			fmt.Fprintf(w, " yes |\n")
		} else {
			fmt.Fprintf(w, " no: %s |\n", strings.Join(met, "; "))
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Cells: p50 / p95 in ms (n requests; first request alone in brackets; the server's CPU time per request when measured), req/s for the random item pages, wall time and max RSS for `gongkai check`, VmHWM for the server. The ratio column divides each run's p50 (req/s for the rate row, RSS for memory) by the first run's.")
	for _, r := range rs {
		fmt.Fprintf(w, "- %s: %s, started in %.1f s, idle RSS %.0f MB, load average %s, %s\n", r.Label, r.Engine, r.StartSecs, r.IdleRSS, r.Load, r.Date)
		for _, row := range r.Rows {
			if row.Errors > 0 || row.Note != "" {
				fmt.Fprintf(w, "  - %s: %d errors %v %s\n", row.Name, row.Errors, row.Status, row.Note)
			}
		}
	}
	return nil
}

func find(r *Result, name string) (Row, bool) {
	for _, row := range r.Rows {
		if row.Name == name {
			return row, true
		}
	}
	return Row{}, false
}

func cell(row Row) string {
	switch row.Kind {
	case "rate":
		return fmt.Sprintf("%.0f req/s (p95 %s ms, n %d)", row.RPS, num(row.P95), row.N)
	case "check":
		return fmt.Sprintf("%.2f s, %.0f MB", row.Secs, row.RSS)
	case "memory":
		return fmt.Sprintf("%.0f MB", row.RSS)
	}
	c := fmt.Sprintf("%s / %s (n %d; %s)", num(row.P50), num(row.P95), row.N, num(row.First))
	if row.CPU > 0 {
		c += fmt.Sprintf(", CPU %s ms/req", num(row.CPU))
	}
	return c
}

func num(v float64) string {
	switch {
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

func ratio(base, row Row) string {
	var a, b float64
	switch row.Kind {
	case "rate":
		a, b = base.RPS, row.RPS
	case "check", "memory":
		a, b = base.RSS, row.RSS
		if row.Kind == "check" {
			a, b = base.Secs, row.Secs
		}
	default:
		a, b = base.P50, row.P50
	}
	if a == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f", b/a)
}

// goalOf names the row's goal and reports whether row meets it.
func goalOf(row Row) (string, bool) {
	switch row.Kind {
	case "rate":
		return "≥ 500 req/s", row.RPS >= goalRPS && row.Errors == 0
	case "check":
		return "< 100 MB", row.RSS < goalChk && row.Errors == 0
	case "memory":
		return "< 150 MB", row.RSS < goalRSS
	}
	return "p95 < 100 ms", row.P95 < goalP95 && row.Errors == 0
}

func miss(row Row) string {
	errs := ""
	if row.Errors > 0 {
		errs = fmt.Sprintf(", %d errors", row.Errors)
	}
	switch row.Kind {
	case "rate":
		return fmt.Sprintf("%.2f× short%s", goalRPS/math.Max(row.RPS, 0.01), errs)
	case "check":
		return fmt.Sprintf("%.1f× over%s", row.RSS/goalChk, errs)
	case "memory":
		return fmt.Sprintf("%.1f× over", row.RSS/goalRSS)
	}
	return fmt.Sprintf("%.1f× over%s", row.P95/goalP95, errs)
}
