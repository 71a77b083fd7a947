package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"gongkai/internal/lists"
	"gongkai/internal/web"
)

// The attack corpus (issue 16): every payload of tests/attack/payloads.txt
// is sent through the inputs of every route the kit registers (the same
// list as testdata/routes.golden), so a route added later is attacked
// without anyone writing a test for it:
//   - GET routes: the query parameters their pages' forms submit, the ones
//     seen in crawled links, and every path wildcard;
//   - POST routes of the back office: the forms found on the crawled pages,
//     as the administrator and as a department editor, every text field
//     filled with payloads and the other fields kept valid;
//   - the API: every query parameter in the OpenAPI document and every
//     string field of POST /api/v1/items.
// No response may be a 500, and no page — the response itself, and after a
// write the pages that show the record — may carry a payload as markup:
// a <script> calling gkxss, an on* handler, a javascript: URL, or the
// gkxattr attribute and <gkxtag> element that breakouts add. The same
// records are loaded in Chromium by tests/browser/test/attack.test.mjs.
//
// The inputs that matter most (search, the item forms, the API body) get
// every payload; every other input gets a seeded, deterministic rotating
// sample, so one run stays well under a minute per database.

// attackSample is the number of payloads per minor input; attackFull the
// number for the inputs that get "every" payload. Under -race (CI's
// go test -race, where modernc SQLite runs several times slower) both are
// thinner: the plain go test run, and the browser stage, keep the full
// corpus.
var attackSample, attackFull = 12, 0

func init() {
	if attackRace {
		attackSample, attackFull = 6, 60
	}
}

// loadPayloads reads the corpus, decoding its escapes (see the file's
// header).
func loadPayloads(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "tests", "attack", "payloads.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for line := range strings.SplitSeq(string(raw), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "@LONG:"); ok {
			n, text, _ := strings.Cut(rest, ":")
			k, err := strconv.Atoi(n)
			if err != nil {
				t.Fatalf("bad @LONG line %q", line)
			}
			out = append(out, strings.Repeat(decodePayload(text), k))
			continue
		}
		out = append(out, decodePayload(line))
	}
	if len(out) < 200 {
		t.Fatalf("the corpus has %d payloads, want at least 200", len(out))
	}
	return out
}

func decodePayload(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		switch s[i+1] {
		case 'n':
			b.WriteByte('\n')
			i++
		case 'r':
			b.WriteByte('\r')
			i++
		case 't':
			b.WriteByte('\t')
			i++
		case '\\':
			b.WriteByte('\\')
			i++
		case 'x':
			if i+3 < len(s)+0 && i+4 <= len(s) {
				if v, err := strconv.ParseUint(s[i+2:i+4], 16, 8); err == nil {
					b.WriteByte(byte(v))
					i += 3
					continue
				}
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// attacker drives one env.
type attacker struct {
	t        *testing.T
	e        *env
	payloads []string
	rng      *rand.Rand
	mux      *http.ServeMux
	routes   []web.Route
	nextID   int
	uses     map[int]string // marker id → where it was sent
	found    int
	sends    int

	anon, admin, editor *browser
	samples             map[string][]string        // GET pattern → concrete URLs seen
	params              map[string]map[string]bool // GET pattern → query parameter names
	forms               map[string][]attackForm    // POST pattern → forms (with the page and the role)
	visited             map[string]bool            // role+URL
	tokens              map[string]string          // API tokens by user
	created             []string                   // public item paths written with payloads
	fullDone            map[string]bool            // POST patterns given every payload
	hit                 map[string]bool            // route patterns requested
	shown               int                        // pages loaded after a write that show a stored payload
}

type attackField struct {
	name, kind, value string
	options           []string
	required          bool
}

type attackForm struct {
	role, page, action, method string
	fields                     []attackField
}

func TestAttackCorpus(t *testing.T) {
	t.Parallel()
	payloads := loadPayloads(t)
	eachEnv(t, func(t *testing.T, e *env) {
		start := time.Now()
		a := newAttacker(t, e, payloads)
		for _, phase := range []struct {
			name string
			run  func()
		}{{"crawl", a.crawl}, {"GET inputs", a.attackGET}, {"forms", a.attackForms}, {"API", a.attackAPI}, {"lists import", a.attackListImport}, {"lists publish", a.attackListPublish}, {"login", a.attackLogin}, {"rescan", a.rescan}} {
			t0 := time.Now()
			phase.run()
			t.Logf("%s: %v (%d requests with payloads so far)", phase.name, time.Since(t0).Round(time.Millisecond), a.sends)
		}
		a.mustHaveReached()
		a.reportCoverage()
		t.Logf("%d requests with payloads, %d pages crawled, in %v", a.sends, len(a.visited), time.Since(start).Round(time.Millisecond))
	})
}

func newAttacker(t *testing.T, e *env, payloads []string) *attacker {
	kit, err := Describe()
	if err != nil {
		t.Fatal(err)
	}
	a := &attacker{t: t, e: e, payloads: payloads, rng: rand.New(rand.NewPCG(16, 2026)), mux: http.NewServeMux(),
		routes: kit.Routes(), uses: map[int]string{}, samples: map[string][]string{}, params: map[string]map[string]bool{},
		forms: map[string][]attackForm{}, visited: map[string]bool{}, fullDone: map[string]bool{}, hit: map[string]bool{}}
	for _, rt := range a.routes {
		a.mux.Handle(rt.Pattern, http.NotFoundHandler())
	}
	api := newAPIClient(t, e) // lifts the API rate limit
	a.tokens = api.tokens
	a.anon = e.browser()
	a.admin = e.browser().login("admin")
	a.editor = e.browser().login("fzk")
	return a
}

// mark replaces GKID with a fresh number and remembers where it went.
func (a *attacker) mark(p, where string) string {
	if !strings.Contains(p, "GKID") {
		return p
	}
	a.nextID++
	a.uses[a.nextID] = where
	return strings.ReplaceAll(p, "GKID", strconv.Itoa(a.nextID))
}

// pick returns n payload indexes: attackFull (all of them, without -race)
// when n <= 0, otherwise a seeded sample.
func (a *attacker) pick(n int) []int {
	if n <= 0 {
		n = attackFull
	}
	if n <= 0 || n >= len(a.payloads) {
		out := make([]int, len(a.payloads))
		for i := range out {
			out[i] = i
		}
		return out
	}
	out := a.rng.Perm(len(a.payloads))[:n]
	// The very long strings go into every sample: limits are where a
	// minor input breaks (a 70,000-character list query was a 500).
	for i, p := range a.payloads {
		if len(p) > 10000 && !slices.Contains(out, i) {
			out = append(out, i)
		}
	}
	return out
}

// patternOf names the route a request reaches.
func (a *attacker) patternOf(method, target string) string {
	r, err := http.NewRequest(method, "http://x"+target, nil)
	if err != nil {
		return ""
	}
	_, p := a.mux.Handler(r)
	return p
}

func (a *attacker) client(role string) *browser {
	switch role {
	case "admin":
		return a.admin
	case "editor":
		return a.editor
	}
	return a.anon
}

// --- crawling ---

// crawl walks the site from its entry points as a visitor, the
// administrator and an editor, keeping a few concrete URLs per route and
// every form.
func (a *attacker) crawl() {
	type job struct{ role, url string }
	queue := []job{{"anon", "/"}, {"admin", "/admin"}, {"editor", "/admin"}}
	for _, rt := range a.routes {
		if m, p, ok := strings.Cut(rt.Pattern, " "); ok && m == "GET" && !strings.Contains(p, "{") {
			role := "anon"
			if strings.HasPrefix(p, "/admin") && p != "/admin/login" {
				role = "admin"
			}
			queue = append(queue, job{role, p})
		}
	}
	// The item form of every document type.
	for _, p := range []string{"/admin/items/new?type=news", "/admin/items/new?type=policy", "/admin/items?status=draft"} {
		queue = append(queue, job{"admin", p}, job{"editor", p})
	}
	perPattern := map[string]int{}
	for len(queue) > 0 && len(a.visited) < 600 {
		j := queue[0]
		queue = queue[1:]
		key := j.role + " " + j.url
		if a.visited[key] {
			continue
		}
		pat := a.patternOf("GET", j.url)
		if pat == "" || strings.HasPrefix(j.url, "/api/") || strings.HasPrefix(j.url, "/static/") || strings.HasPrefix(j.url, "/attachments/") ||
			(pat == "GET /admin/login" && j.role != "anon") {
			continue
		}
		if perPattern[j.role+pat] >= 3 {
			continue
		}
		perPattern[j.role+pat]++
		a.hit[pat] = true
		a.visited[key] = true
		u, _ := url.Parse(j.url)
		if !a.hasSample(pat, j.url) {
			a.samples[pat] = append(a.samples[pat], j.url)
		}
		for k := range u.Query() {
			a.param(pat, k)
		}
		r := a.client(j.role).get(j.url)
		if r.status >= 500 {
			a.t.Errorf("crawl: GET %s as %s: %d", j.url, j.role, r.status)
		}
		if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
			continue
		}
		a.scan("GET "+j.url+" as "+j.role, r)
		doc, err := html.Parse(strings.NewReader(r.body))
		if err != nil {
			continue
		}
		for _, f := range parseForms(doc) {
			f.role, f.page = j.role, j.url
			if f.method == "GET" {
				fp := a.patternOf("GET", f.action)
				for _, fl := range f.fields {
					a.param(fp, fl.name)
				}
				continue
			}
			fp := a.patternOf("POST", f.action)
			if fp != "" && len(a.forms[fp]) < 6 {
				a.forms[fp] = append(a.forms[fp], f)
			}
		}
		for _, href := range links(doc) {
			if lu, err := url.Parse(href); err == nil && lu.Host == "" && strings.HasPrefix(lu.Path, "/") {
				queue = append(queue, job{j.role, lu.RequestURI()})
			}
		}
	}
}

func (a *attacker) hasSample(pat, u string) bool {
	for _, s := range a.samples[pat] {
		if s == u {
			return true
		}
	}
	return false
}

func (a *attacker) param(pat, name string) {
	if pat == "" || name == "" || name == "csrf" {
		return
	}
	if a.params[pat] == nil {
		a.params[pat] = map[string]bool{}
	}
	a.params[pat][name] = true
}

func attr(n *html.Node, k string) (string, bool) {
	for _, at := range n.Attr {
		if at.Key == k {
			return at.Val, true
		}
	}
	return "", false
}

func links(doc *html.Node) []string {
	var out []string
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.Data == "a" {
			if h, ok := attr(n, "href"); ok {
				out = append(out, h)
			}
		}
	}
	return out
}

func parseForms(doc *html.Node) []attackForm {
	var out []attackForm
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode || n.Data != "form" {
			continue
		}
		f := attackForm{method: "GET"}
		if m, _ := attr(n, "method"); strings.EqualFold(m, "post") {
			f.method = "POST"
		}
		f.action, _ = attr(n, "action")
		if u, err := url.Parse(f.action); err == nil {
			f.action = u.RequestURI()
			if f.method == "GET" {
				f.action = u.Path
			}
		}
		seen := map[string]int{}
		for c := range n.Descendants() {
			if c.Type != html.ElementNode {
				continue
			}
			name, _ := attr(c, "name")
			if name == "" {
				continue
			}
			_, req := attr(c, "required")
			fl := attackField{name: name, required: req}
			switch c.Data {
			case "input":
				fl.kind, _ = attr(c, "type")
				fl.kind = strings.ToLower(fl.kind)
				fl.value, _ = attr(c, "value")
				if fl.kind == "checkbox" || fl.kind == "radio" {
					if _, on := attr(c, "checked"); !on {
						fl.value = ""
						if fl.kind == "radio" && seen[name] == 0 {
							// No choice checked: keep the first one valid.
							fl.value, _ = attr(c, "value")
						} else {
							continue
						}
					}
				}
				if fl.kind == "submit" || fl.kind == "button" || fl.kind == "file" || fl.kind == "image" {
					continue
				}
			case "textarea":
				fl.kind = "textarea"
				if c.FirstChild != nil {
					fl.value = c.FirstChild.Data
				}
			case "select":
				fl.kind = "select"
				var first string
				for o := range c.Descendants() {
					if o.Type == html.ElementNode && o.Data == "option" {
						v, ok := attr(o, "value")
						if !ok && o.FirstChild != nil {
							v = o.FirstChild.Data
						}
						fl.options = append(fl.options, v)
						if first == "" && v != "" {
							first = v
						}
						if _, sel := attr(o, "selected"); sel {
							fl.value = v
						}
					}
				}
				if fl.value == "" {
					fl.value = first
				}
			default:
				continue
			}
			if i, ok := seen[name]; ok && fl.kind == "radio" {
				_ = i
				// A later checked radio wins over the first-choice default.
				for k := range f.fields {
					if f.fields[k].name == name && fl.value != "" {
						f.fields[k].value = fl.value
					}
				}
				continue
			}
			seen[name]++
			f.fields = append(f.fields, fl)
		}
		out = append(out, f)
	}
	return out
}

// fuzzable says which fields get payloads: text of every kind, and hidden
// values (a return path, say) other than the form token and the version.
func fuzzable(f attackField) bool {
	if f.name == "csrf" || f.name == "version" {
		return false
	}
	return textual(f.kind) || f.kind == "hidden"
}

func textual(kind string) bool {
	switch kind {
	case "", "text", "search", "textarea", "email", "url", "tel":
		return true
	}
	return false
}

// --- checking ---

// scan fails for a 500 and for payload markup in an HTML response, and for
// a header that a payload added.
func (a *attacker) scan(where string, r resp) {
	a.t.Helper()
	for k, vs := range r.header {
		if strings.Contains(strings.ToLower(k), "gkx") {
			a.fail("%s: a payload added the response header %q", where, k)
		}
		for _, v := range vs {
			if k == "Set-Cookie" && strings.Contains(v, "gkx") {
				a.fail("%s: a payload set a cookie: %q", where, v)
			}
		}
	}
	if loc := r.location; loc != "" && !sameSite(loc) {
		a.fail("%s: redirects off the site: Location %q", where, loc)
	}
	if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		return
	}
	if strings.HasPrefix(where, "after ") && strings.Contains(r.body, "gkxss(") {
		a.shown++ // a stored payload shown (as text)
	}
	for _, f := range dangerous(r.body) {
		a.fail("%s: payload markup in the page: %s", where, a.explain(f))
	}
}

func (a *attacker) explain(f string) string {
	i := strings.Index(f, "gkxss(")
	if i >= 0 {
		if n, err := strconv.Atoi(strings.TrimRightFunc(strings.SplitN(f[i+6:], ")", 2)[0], func(r rune) bool { return r < '0' || r > '9' })); err == nil {
			if w, ok := a.uses[n]; ok {
				return f + " (sent " + w + ")"
			}
		}
	}
	return f
}

func (a *attacker) fail(format string, args ...any) {
	a.t.Helper()
	a.found++
	if a.found <= 40 {
		a.t.Errorf(format, args...)
	} else if a.found == 41 {
		a.t.Errorf("more findings left out")
	}
}

// sameSite says whether a Location stays on this site: a path, not a
// scheme-relative //host or a /\host that browsers read as one.
func sameSite(loc string) bool {
	if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") {
		return false
	}
	u, err := url.Parse(loc)
	return err == nil && u.Host == "" && u.Scheme == ""
}

// urlAttrs are the attributes whose javascript: URL runs (a value=""
// holding one is only text).
var urlAttrs = map[string]bool{"href": true, "src": true, "action": true, "formaction": true, "xlink:href": true, "data": true,
	"background": true, "poster": true, "srcdoc": true, "lowsrc": true, "dynsrc": true, "to": true, "from": true, "values": true}

// dangerous lists payload markers standing in the page as markup.
func dangerous(page string) []string {
	var out []string
	z := html.NewTokenizer(strings.NewReader(page))
	inScript := ""
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out
		case html.TextToken:
			if inScript != "" && strings.Contains(string(z.Text()), "gkxss") {
				out = append(out, fmt.Sprintf("<%s>%s", inScript, clip(string(z.Text()), 120)))
			}
		case html.EndTagToken:
			inScript = ""
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			if tok.Data == "script" || tok.Data == "style" {
				inScript = tok.Data
			} else {
				inScript = ""
			}
			if strings.Contains(tok.Data, "gkx") {
				out = append(out, "<"+tok.Data+">")
			}
			refresh := false
			for _, at := range tok.Attr {
				refresh = refresh || (tok.Data == "meta" && strings.EqualFold(at.Key, "http-equiv"))
			}
			for _, at := range tok.Attr {
				k, v := strings.ToLower(at.Key), at.Val
				if refresh && k == "content" {
					k = "href" // <meta http-equiv=refresh content="0;url=…">
					if i := strings.Index(strings.ToLower(v), "url="); i >= 0 {
						v = v[i+4:]
					}
				}
				lv := strings.Map(func(r rune) rune {
					if r <= ' ' {
						return -1
					}
					return r
				}, strings.ToLower(v))
				switch {
				case strings.Contains(k, "gkx"):
					out = append(out, fmt.Sprintf("<%s %s=%q>", tok.Data, at.Key, clip(v, 80)))
				case (strings.HasPrefix(k, "on") || k == "srcdoc") && strings.Contains(v, "gkx"):
					out = append(out, fmt.Sprintf("<%s %s=%q>", tok.Data, at.Key, clip(v, 80)))
				case urlAttrs[k] && strings.Contains(lv, "gkx") && (strings.HasPrefix(lv, "javascript:") || strings.HasPrefix(lv, "vbscript:") ||
					strings.HasPrefix(lv, "data:text/html")),
					k == "style" && strings.Contains(lv, "gkx") && (strings.Contains(lv, "expression(") || strings.Contains(lv, "url(javascript")):
					out = append(out, fmt.Sprintf("<%s %s=%q>", tok.Data, at.Key, clip(v, 80)))
				}
			}
		}
	}
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// outcome checks one response to a request carrying a payload.
func (a *attacker) outcome(where, payload string, r resp) {
	a.t.Helper()
	a.sends++
	if r.status >= 500 {
		a.fail("BUG: %s: status %d for payload %q: %s", where, r.status, clip(payload, 100), clip(r.body, 200))
		return
	}
	a.scan(where, r)
}

// --- GET inputs ---

func (a *attacker) attackGET() {
	for _, rt := range a.routes {
		method, path, ok := strings.Cut(rt.Pattern, " ")
		if !ok {
			// The kit's fall-backs ("/", "/api/"): any path under them.
			for _, i := range a.pick(attackSample) {
				where := fmt.Sprintf("GET %s<payload#%d>", rt.Pattern, i)
				p := a.mark(a.payloads[i], where)
				a.outcome(where, p, a.anon.get(rt.Pattern+url.PathEscape(p)))
			}
			a.hit[rt.Pattern] = true
			continue
		}
		if method != "GET" || rt.Surface == web.SurfaceAPI {
			continue
		}
		role := "anon"
		if rt.Surface == web.SurfaceStaff || rt.Surface == web.SurfaceAdmin {
			role = "admin"
		}
		base := path
		if s := a.samples[rt.Pattern]; len(s) > 0 {
			base = s[0]
		}
		bu, _ := url.Parse(strings.ReplaceAll(base, "{$}", ""))
		names := make([]string, 0, len(a.params[rt.Pattern]))
		for k := range a.params[rt.Pattern] {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, name := range names {
			n := attackSample
			if rt.Pattern == "GET /search" && name == "q" {
				n = 0
			}
			for _, i := range a.pick(n) {
				where := fmt.Sprintf("%s ?%s=payload#%d as %s", rt.Pattern, name, i, role)
				p := a.mark(a.payloads[i], where)
				q := bu.Query()
				q.Set(name, p)
				a.outcome(where, p, a.client(role).get(bu.Path+"?"+q.Encode()))
			}
		}
		a.attackWildcards(rt, role, "GET", bu.Path, nil)
	}
}

// attackWildcards sends payloads in place of each path wildcard.
func (a *attacker) attackWildcards(rt web.Route, role, method, sample string, form url.Values) {
	_, pat, _ := strings.Cut(rt.Pattern, " ")
	ps, ss := strings.Split(pat, "/"), strings.Split(sample, "/")
	for k, seg := range ps {
		if !strings.HasPrefix(seg, "{") || seg == "{$}" {
			continue
		}
		for _, i := range a.pick(attackSample) {
			where := fmt.Sprintf("%s %s %s=payload#%d as %s", method, pat, seg, i, role)
			p := a.mark(a.payloads[i], where)
			parts := append([]string(nil), ps...)
			if len(ss) == len(ps) {
				parts = append([]string(nil), ss...)
			}
			for j, s := range parts {
				if strings.HasPrefix(s, "{") {
					parts[j] = "1"
				}
			}
			parts[k] = url.PathEscape(p)
			a.hit[rt.Pattern] = true
			target := strings.Join(parts, "/")
			b := a.client(role)
			if method == "GET" {
				a.outcome(where, p, b.get(target))
			} else {
				a.outcome(where, p, b.post(target, cloneForm(form)))
			}
		}
	}
}

// --- forms ---

// fillers keep the non-payload fields of a form valid.
func filler(f attackField) string {
	if f.value != "" {
		return f.value
	}
	switch f.kind {
	case "date":
		return "2026-11-30"
	case "number":
		return "1"
	case "password":
		return "Gk-attack-2026-Passw0rd"
	case "select":
		if len(f.options) > 0 {
			return f.options[len(f.options)-1]
		}
	}
	if f.required {
		return "攻击测试"
	}
	return ""
}

func (a *attacker) attackForms() {
	for _, rt := range a.routes {
		method, _, _ := strings.Cut(rt.Pattern, " ")
		if method != "POST" || rt.Surface == web.SurfaceAPI {
			continue
		}
		if rt.Pattern == "POST /admin/logout" || rt.Pattern == "POST /admin/login" {
			continue // a session's end; the login form is attacked last
		}
		forms := a.forms[rt.Pattern]
		role := "admin"
		if rt.Surface == web.SurfacePublic {
			role = "anon"
		}
		sample := strings.TrimPrefix(rt.Pattern, "POST ")
		var valid url.Values
		if len(forms) > 0 {
			sample, _, _ = strings.Cut(forms[0].action, "?")
			valid = a.valid(forms[0])
		}
		// The editor runs first, so the administrator's later writes
		// (password resets among them) cannot take the editor's session.
		for _, f := range forms {
			if f.role == "editor" {
				a.attackForm(rt, f)
			}
		}
		for _, f := range forms {
			if f.role != "editor" {
				a.attackForm(rt, f)
			}
		}
		a.attackWildcards(rt, role, "POST", sample, valid)
		if !a.hit[rt.Pattern] {
			// Buttons only and no wildcard (run the self-inspection, say):
			// submitted once, with a payload in a field it does not read.
			where := rt.Pattern + " with an unread field gkx=payload as " + role
			v := cloneForm(valid)
			v.Set("gkx", a.mark(a.payloads[a.rng.IntN(len(a.payloads))], where))
			a.outcome(where, v.Get("gkx"), a.client(role).post(sample, v))
			a.hit[rt.Pattern] = true
		}
	}
}

func (a *attacker) valid(f attackForm) url.Values {
	v := url.Values{}
	for _, fl := range f.fields {
		if fl.name == "csrf" {
			continue
		}
		if val := filler(fl); val != "" || fl.kind != "checkbox" {
			v.Add(fl.name, val)
		}
	}
	return v
}

// attackForm submits one form with payloads in its text fields: every
// text field at once, and each text field alone with the others valid.
func (a *attacker) attackForm(rt web.Route, f attackForm) {
	var text []string
	for _, fl := range f.fields {
		if fuzzable(fl) {
			text = append(text, fl.name)
		}
	}
	if len(text) == 0 {
		return // buttons only (workflow steps, revocations): the wildcards are attacked
	}
	// The item form gets every payload once (the editor's new-item
	// form); its other forms, a larger sample.
	n := attackSample
	if strings.HasPrefix(rt.Pattern, "POST /admin/items") {
		n = 2 * attackSample
		if f.role == "editor" && !a.fullDone[rt.Pattern] {
			n, a.fullDone[rt.Pattern] = 0, true
		}
	}
	b := a.client(f.role)
	rounds := a.pick(n)
	for r, i := range rounds {
		v := a.valid(f)
		var one string
		if r%2 == 1 || len(text) == 1 {
			// Each text field alone, the others valid, so the record is
			// stored and its pages can be checked.
			one = text[(r/2)%len(text)]
		}
		var sent []string
		for k, name := range text {
			if one != "" && name != one {
				continue
			}
			j := (i + k) % len(a.payloads)
			where := fmt.Sprintf("%s %s=payload#%d as %s (form on %s)", rt.Pattern, name, j, f.role, f.page)
			p := a.mark(a.payloads[j], where)
			v.Set(name, p)
			sent = append(sent, p)
		}
		where := fmt.Sprintf("%s fields %v payloads from #%d as %s (form on %s)", rt.Pattern, text, i, f.role, f.page)
		res := b.post(f.action, v)
		a.hit[rt.Pattern] = true
		a.outcome(where, strings.Join(sent, ""), res)
		if res.status == http.StatusSeeOther {
			a.afterWrite(where, f, res.location)
		}
		a.keepSession(f.role)
	}
}

// afterWrite loads the pages that show what was just written.
func (a *attacker) afterWrite(where string, f attackForm, location string) {
	var pages []string
	if !strings.HasPrefix(f.page, "/admin/items") {
		// The list the form is on; settings and columns show on the home
		// page. An item's pages are its location and its public page.
		pages = append(pages, f.page, "/")
	}
	if u, err := url.Parse(location); err == nil && u.Host == "" && strings.HasPrefix(u.Path, "/") && !strings.HasPrefix(u.Path, "/admin/login") {
		pages = append(pages, u.RequestURI())
		if id, ok := strings.CutPrefix(u.Path, "/admin/items/"); ok && !strings.Contains(id, "/") {
			pages = append(pages, "/items/"+id)
			a.created = append(a.created, "/items/"+id)
		}
	}
	b := a.client(f.role)
	for _, p := range pages {
		c := b
		if !strings.HasPrefix(p, "/admin") {
			c = a.anon
		}
		a.scan("after "+where+": GET "+p, c.get(p))
	}
}

// keepSession logs in again when a write ended the session (a password
// reset of the signed-in user, say).
func (a *attacker) keepSession(role string) {
	if role == "anon" {
		return
	}
	b := a.client(role)
	if r := b.get("/admin"); r.status == 200 {
		return
	}
	name := map[string]string{"admin": "admin", "editor": "fzk"}[role]
	for _, pw := range []string{"Gk-attack-2026-Passw0rd"} {
		nb := a.e.browser()
		r := nb.post("/admin/login", url.Values{"name": {name}, "password": {pw}})
		if r.status == http.StatusSeeOther {
			nb.get("/admin")
			*b = *nb
			return
		}
	}
	*b = *a.e.browser().login(name)
}

// --- API ---

func (a *attacker) attackAPI() {
	// Query parameters of every GET operation in the OpenAPI document.
	var doc map[string]any
	r := a.anon.get("/api/v1/openapi.json")
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
		a.t.Fatalf("openapi.json: %v", err)
	}
	seed := a.firstItemID()
	paths, _ := doc["paths"].(map[string]any)
	for _, rt := range a.routes {
		method, pat, _ := strings.Cut(rt.Pattern, " ")
		if rt.Surface != web.SurfaceAPI || method != "GET" {
			continue
		}
		concrete := strings.ReplaceAll(pat, "{id}", seed)
		op, _ := paths[pat].(map[string]any)
		get, _ := op["get"].(map[string]any)
		params, _ := get["parameters"].([]any)
		for _, p := range params {
			pm, _ := p.(map[string]any)
			if ref, ok := pm["$ref"].(string); ok {
				pm = resolveRef(doc, ref)
			}
			name, _ := pm["name"].(string)
			in, _ := pm["in"].(string)
			if in == "path" {
				if sch, _ := pm["schema"].(map[string]any); sch != nil {
					if enum, _ := sch["enum"].([]any); len(enum) > 0 {
						concrete = strings.ReplaceAll(concrete, "{"+name+"}", fmt.Sprint(enum[0]))
					}
				}
				continue
			}
			if in != "query" {
				continue
			}
			a.param(rt.Pattern, name)
			for _, i := range a.pick(attackSample) {
				where := fmt.Sprintf("%s ?%s=payload#%d", rt.Pattern, name, i)
				pl := a.mark(a.payloads[i], where)
				res := a.api("GET", concrete+"?"+url.Values{name: {pl}}.Encode(), "admin", "")
				a.hit[rt.Pattern] = true
				a.apiOutcome(where, pl, res)
			}
		}
		a.attackWildcards(rt, "anon", "GET", concrete, nil)
		if !a.hit[rt.Pattern] {
			where := rt.Pattern + " with an unread parameter gkx=payload"
			pl := a.mark(a.payloads[a.rng.IntN(len(a.payloads))], where)
			a.apiOutcome(where, pl, a.api("GET", concrete+"?"+url.Values{"gkx": {pl}}.Encode(), "", ""))
			a.hit[rt.Pattern] = true
		}
	}

	// Every string field of the item body: all at once (most are
	// refused), and the free-text ones on an otherwise valid item that
	// is published, so the public pages show it.
	cols := a.columnID("gzdt")
	base := map[string]any{"column_id": cols, "doc_type": "news", "department": "法制科", "title": "攻击测试", "body": "<p>正文</p>",
		"disclosure": "proactive", "publish": true}
	all := []string{"doc_type", "department", "index_no", "title", "summary", "body", "doc_no", "publisher", "author", "written_on",
		"published_on", "disclosure", "disclosure_reason", "validity", "topic", "genre", "keywords"}
	free := []string{"title", "summary", "body", "author", "keywords", "publisher"}
	for r, i := range a.pick(0) {
		fields := free
		if r%3 == 2 {
			fields = all
		}
		m := map[string]any{}
		for k, v := range base {
			m[k] = v
		}
		var sent []string
		for k, name := range fields {
			j := (i + k) % len(a.payloads)
			pl := a.mark(a.payloads[j], fmt.Sprintf("POST /api/v1/items %s=payload#%d", name, j))
			m[name] = pl
			sent = append(sent, pl)
		}
		if r%3 == 2 {
			m["fields"] = map[string]string{"gkx": a.payloads[i], "source": a.payloads[(i+1)%len(a.payloads)]}
		}
		body, err := json.Marshal(m)
		if err != nil {
			a.t.Fatal(err)
		}
		where := fmt.Sprintf("POST /api/v1/items %v payloads from #%d", fields, i)
		res := a.api("POST", "/api/v1/items", "office", string(body))
		a.hit["POST /api/v1/items"] = true
		a.apiOutcome(where, strings.Join(sent, ""), res)
		if res.status == http.StatusCreated {
			var it struct {
				ID int64 `json:"id"`
			}
			if json.Unmarshal([]byte(res.body), &it) == nil && it.ID != 0 {
				id := itoa(it.ID)
				a.created = append(a.created, "/items/"+id)
				a.scan("after "+where+": GET /items/"+id, a.anon.get("/items/"+id))
				a.scan("after "+where+": GET /admin/items/"+id, a.admin.get("/admin/items/"+id))
			}
		}
	}
	a.attackRequests()
	a.attackConsult()
	a.attackMessages()
	a.attackLive()
	a.attackInspect()
	a.attackPractice()
}

// attackListImport sends payloads in the cells, the note and the date of
// a list import (multipart), then scans the pages that show the list.
func (a *attacker) attackListImport() {
	k := lists.PowerList
	for r, i := range a.pick(0) {
		var csv bytes.Buffer
		csv.WriteString(strings.Join(k.Headers(), ",") + "\n")
		cells := []string{"1"}
		var sent []string
		for n, f := range k.Fields {
			v := "攻击测试"
			switch f.Name {
			case "item_code":
				v = fmt.Sprintf("ATK-%d", r)
			case "power_type":
				v = "行政检查"
			case "charges_fee":
				v = "否"
			default:
				if n%2 == r%2 || f.Name == "item_name" {
					v = a.mark(a.payloads[(i+n)%len(a.payloads)], fmt.Sprintf("POST /api/v1/lists/power_list/import %s=payload", f.Name))
					sent = append(sent, v)
				}
			}
			cells = append(cells, `"`+strings.ReplaceAll(v, `"`, `""`)+`"`)
		}
		csv.WriteString(strings.Join(cells, ",") + "\n")
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", a.mark(a.payloads[i], "import file name")+".csv")
		fw.Write(csv.Bytes())
		note := a.mark(a.payloads[(i+1)%len(a.payloads)], "import note")
		mw.WriteField("note", note)
		if r%4 == 3 {
			mw.WriteField("effective_on", a.payloads[i])
		}
		mw.WriteField("publish", "true")
		mw.Close()
		req, _ := http.NewRequest("POST", a.e.ts.URL+"/api/v1/lists/power_list/import", &body)
		req.Header.Set("Authorization", "Bearer "+a.tokens["office"])
		req.Header.Set("Content-Type", mw.FormDataContentType())
		res, err := a.e.ts.Client().Do(req)
		if err != nil {
			a.t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		where := fmt.Sprintf("POST /api/v1/lists/power_list/import payloads from #%d", i)
		a.hit["POST /api/v1/lists/{kind}/import"] = true
		a.apiOutcome(where, strings.Join(append(sent, note), ""), resp{status: res.StatusCode, body: string(b), header: res.Header})
		if res.StatusCode == http.StatusCreated {
			for _, p := range []string{"/lists/power_list", "/lists/power_list/rows/ATK-" + itoa(int64(r)), "/lists/power_list/editions", "/lists/power_list/diff", "/lists/power_list/feed.xml"} {
				a.scan("after "+where+": GET "+p, a.anon.get(p))
			}
			a.scan("after "+where+": GET /admin/lists/power_list", a.admin.get("/admin/lists/power_list"))
		}
	}
}

// attackListPublish sends payloads in the body and the path of the
// publication of a list draft.
func (a *attacker) attackListPublish() {
	k := lists.PowerList
	for r, i := range a.pick(attackSample) {
		row := []string{"1", fmt.Sprintf("PUB-%d", r), "发布测试", "", "行政检查", "临沂市司法局", "", "依据", "", "", "", "否", "责任", "", "追责", "", ""}
		csv := strings.Join(k.Headers(), ",") + "\n" + strings.Join(row, ",") + "\n"
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "draft.csv")
		fw.Write([]byte(csv))
		mw.Close()
		req, _ := http.NewRequest("POST", a.e.ts.URL+"/api/v1/lists/power_list/import", &body)
		req.Header.Set("Authorization", "Bearer "+a.tokens["office"])
		req.Header.Set("Content-Type", mw.FormDataContentType())
		res, err := a.e.ts.Client().Do(req)
		if err != nil {
			a.t.Fatal(err)
		}
		var ed struct{ ID int64 }
		json.NewDecoder(res.Body).Decode(&ed)
		res.Body.Close()
		if res.StatusCode != http.StatusCreated {
			a.t.Fatalf("list draft for the attack: %d", res.StatusCode)
		}
		pl := a.mark(a.payloads[i], fmt.Sprintf("POST /api/v1/lists/{kind}/editions/{id}/publish note=payload#%d", i))
		m := map[string]string{"note": pl}
		if r%2 == 1 {
			m["effective_on"] = a.payloads[(i+1)%len(a.payloads)]
		}
		b, _ := json.Marshal(m)
		where := fmt.Sprintf("POST /api/v1/lists/power_list/editions/%d/publish payload#%d", ed.ID, i)
		out := a.api("POST", fmt.Sprintf("/api/v1/lists/power_list/editions/%d/publish", ed.ID), "office", string(b))
		a.hit["POST /api/v1/lists/{kind}/editions/{id}/publish"] = true
		a.apiOutcome(where, pl, out)
		if out.status == http.StatusOK {
			for _, p := range []string{"/lists/power_list", "/lists/power_list/editions", "/lists/power_list/feed.xml"} {
				a.scan("after "+where+": GET "+p, a.anon.get(p))
			}
		}
		wp := a.mark(a.payloads[i], "publish path id")
		a.apiOutcome("POST publish with a payload id", wp, a.api("POST", "/api/v1/lists/power_list/editions/"+url.PathEscape(wp)+"/publish", "office", `{}`))
	}
}

func resolveRef(doc map[string]any, ref string) map[string]any {
	var cur any = doc
	for _, k := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, _ := cur.(map[string]any)
		cur = m[k]
	}
	m, _ := cur.(map[string]any)
	return m
}

func (a *attacker) firstItemID() string {
	var id int64
	if err := a.e.db.R.QueryRow(`SELECT id FROM items WHERE status = 'published' ORDER BY id LIMIT 1`).Scan(&id); err != nil {
		a.t.Fatal(err)
	}
	return itoa(id)
}

func (a *attacker) columnID(slug string) int64 {
	for _, c := range a.e.mustTree(a.t).All() {
		if c.Slug == slug {
			return c.ID
		}
	}
	a.t.Fatalf("no column %s", slug)
	return 0
}

func (a *attacker) api(method, path, user, body string) resp {
	var rd io.Reader
	if body != "" {
		rd = bytes.NewReader([]byte(body))
	}
	req, _ := http.NewRequest(method, a.e.ts.URL+path, rd)
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+a.tokens[user])
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := a.e.ts.Client().Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, body: string(b), header: res.Header}
}

// apiOutcome is outcome for JSON: the answer must be JSON, never a page
// that would render the payload.
func (a *attacker) apiOutcome(where, payload string, r resp) {
	a.t.Helper()
	if ct := r.header.Get("Content-Type"); r.status != 404 && !strings.HasPrefix(ct, "application/json") && !strings.HasPrefix(ct, "application/problem+json") {
		a.fail("%s: answered %d with Content-Type %q, not JSON", where, r.status, ct)
	}
	a.outcome(where, payload, r)
}

// --- login, last: failed logins spend the address's allowance ---

func (a *attacker) attackLogin() {
	// The end of a session of its own, with a payload in the form.
	b := a.e.browser().login("bgs")
	where := "POST /admin/logout with gkx=payload"
	p := a.mark(a.payloads[a.rng.IntN(len(a.payloads))], where)
	a.outcome(where, p, b.post("/admin/logout", url.Values{"gkx": {p}}))
	a.hit["POST /admin/logout"] = true

	for _, i := range a.pick(attackSample) {
		where := fmt.Sprintf("POST /admin/login name,password,next=payload#%d", i)
		p := a.mark(a.payloads[i], where)
		b := a.e.browser()
		res := b.post("/admin/login?"+url.Values{"next": {p}}.Encode(), url.Values{"name": {p}, "password": {p}})
		a.hit["POST /admin/login"] = true
		a.outcome(where, p, res)
		if res.status == http.StatusSeeOther {
			a.fail("%s: a payload signed in", where)
		}
	}
}

// --- the pages that show the records ---

// rescan loads again every page the crawl visited and every item written
// with payloads, now that the records carry them.
func (a *attacker) rescan() {
	keys := make([]string, 0, len(a.visited))
	for k := range a.visited {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	a.keepSession("admin")
	a.keepSession("editor")
	for _, k := range keys {
		role, u, _ := strings.Cut(k, " ")
		r := a.client(role).get(u)
		if r.status >= 500 {
			a.fail("rescan: GET %s as %s: %d", u, role, r.status)
		}
		a.scan("rescan GET "+u+" as "+role, r)
	}
	for _, p := range []string{"/search?q=gkxss", "/search?q=" + url.QueryEscape("攻击测试"), "/admin/items?q=gkxss", "/admin/items?status=draft",
		"/columns/gzdt", "/columns/gzdt/feed.xml", "/xxgk/catalogue", "/sitemap.xml"} {
		b := a.anon
		if strings.HasPrefix(p, "/admin") {
			b = a.admin
		}
		a.scan("rescan GET "+p, b.get(p))
	}
	for _, p := range a.created[:min(len(a.created), 80)] {
		a.scan("rescan GET "+p, a.anon.get(p))
		a.scan("rescan GET /admin"+p, a.admin.get("/admin"+p))
	}
}

// mustHaveReached fails when the crawl lost the forms that matter, so a
// template change cannot quietly turn the corpus off.
func (a *attacker) mustHaveReached() {
	for _, p := range []string{"POST /admin/items", "POST /admin/items/{id}", "POST /admin/settings", "POST /admin/columns", "POST /admin/columns/{id}",
		"POST /admin/departments", "POST /admin/users", "POST /admin/tokens", "POST /a11y"} {
		if !hasText(a.forms[p]) {
			a.t.Errorf("the crawl found no form with a text field for %s", p)
		}
	}
	if len(a.params["GET /search"]) == 0 || len(a.params["GET /columns/{slug}"]) == 0 || len(a.params["GET /admin/items"]) == 0 {
		a.t.Errorf("the crawl found no query parameters for the search, column or item list pages: %v", a.params)
	}
	for _, rt := range a.routes {
		if !a.hit[rt.Pattern] {
			a.t.Errorf("route %s was never requested: make the crawl reach it (a link or form on a page) or attack it here", rt.Pattern)
		}
	}
	if a.shown < 50 {
		a.t.Errorf("only %d pages loaded after a write show a stored payload; the stored-payload checks need them", a.shown)
	}
	if len(a.created) < 50 {
		a.t.Errorf("only %d items were stored with payloads; the stored-payload checks need them", len(a.created))
	}
}

// reportCoverage logs the routes that got payloads only in their path or
// not at all (pages without inputs), so a reviewer sees what a new route
// gets.
func (a *attacker) reportCoverage() {
	var none []string
	for _, rt := range a.routes {
		method, pat, ok := strings.Cut(rt.Pattern, " ")
		if !ok {
			continue // the kit's fall-backs
		}
		if strings.Contains(pat, "{") || len(a.params[rt.Pattern]) > 0 || rt.Pattern == "POST /admin/login" || rt.Pattern == "POST /api/v1/items" {
			continue
		}
		if method == "POST" && hasText(a.forms[rt.Pattern]) {
			continue
		}
		none = append(none, rt.Pattern)
	}
	a.t.Logf("routes without a payload input (requested by the crawl only): %v", none)
}

func hasText(fs []attackForm) bool {
	for _, f := range fs {
		for _, fl := range f.fields {
			if fuzzable(fl) {
				return true
			}
		}
	}
	return false
}

// TestAttackDetector keeps the page check honest: markup that a payload
// would leave behind is found, the same payload escaped is not.
func TestAttackDetector(t *testing.T) {
	t.Parallel()
	bad := []string{
		`<p><script>gkxss(1)</script></p>`,
		`<img src=x onerror=gkxss(2)>`,
		`<a href=" JaVa&#x09;Script:gkxss(3)">x</a>`,
		`<input value="" gkxattr="4">`,
		`<gkxtag>5</gkxtag>`,
		`<div style="width:expression(gkxss(6))">`,
		`<meta http-equiv="refresh" content="0;url=javascript:gkxss(7)">`,
		`<iframe srcdoc="&lt;script&gt;gkxss(8)&lt;/script&gt;"></iframe>`,
		`<svg><a xlink:href="javascript:gkxss(9)">x</a></svg>`,
	}
	for _, b := range bad {
		if len(dangerous(b)) == 0 {
			t.Errorf("not detected: %s", b)
		}
	}
	good := []string{
		`<p>&lt;script&gt;gkxss(1)&lt;/script&gt;</p>`,
		`<input value="&quot; onerror=gkxss(2)">`,
		`<input value="javascript:gkxss(3)">`,
		`<meta name="description" content="javascript:gkxss(4)">`,
		`<textarea><script>gkxss(5)</script></textarea>`,
		`<title><img src=x onerror=gkxss(6)></title>`,
		`<a href="/search?q=javascript%3Agkxss(7)">x</a>`,
	}
	for _, g := range good {
		if f := dangerous(g); len(f) > 0 {
			t.Errorf("false alarm on %s: %v", g, f)
		}
	}
	for loc, want := range map[string]bool{"/admin/items/3": true, "/?done=saved": true, "//evil.example/": false, "/\\evil.example": false,
		"https://evil.example/": false, "javascript:gkxss(1)": false, "evil.example": false} {
		if sameSite(loc) != want {
			t.Errorf("sameSite(%q) = %v, want %v", loc, !want, want)
		}
	}
}

// TestLongListQuery: a list query longer than any title, and an audit
// action filter longer than any action, were 500s on SQLite ("LIKE or GLOB
// pattern too complex" past 50,000 bytes), found by the attack corpus; now
// 422s on both databases and every surface.
func TestLongListQuery(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		long := url.QueryEscape(strings.Repeat("a", 70000))
		admin := e.browser().login("admin")
		if r := admin.get("/admin/items?q=" + long); r.status != http.StatusUnprocessableEntity {
			t.Errorf("GET /admin/items?q=<70,000 characters>: status %d, want 422", r.status)
		}
		if r := admin.get("/admin/audit?action=" + long); r.status != http.StatusUnprocessableEntity {
			t.Errorf("GET /admin/audit?action=<70,000 characters>: status %d, want 422", r.status)
		}
		if r := admin.get("/admin/items?q=" + url.QueryEscape(strings.Repeat("长", 200))); r.status != http.StatusOK {
			t.Errorf("GET /admin/items?q=<200 characters>: status %d, want 200", r.status)
		}
		res, err := e.ts.Client().Get(e.ts.URL + "/api/v1/items?q=" + long)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), `"code":"invalid"`) {
			t.Errorf("GET /api/v1/items?q=<70,000 characters>: status %d %s, want 422 invalid", res.StatusCode, clip(string(b), 200))
		}
	})
}
