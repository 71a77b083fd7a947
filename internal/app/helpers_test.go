package app

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/blob"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/demo"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
	"gongkai/internal/web"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// env is a running server on the demo site, over real HTTP.
type env struct {
	t    *testing.T
	db   *store.DB
	cat  *catalog.Service
	au   *auth.Service
	srv  *App
	ts   *httptest.Server
	site *catalog.Site
	// blobDir is the directory of the blob store (attachments, images).
	blobDir string
}

// testDay is the day the demo site is loaded for and the self-inspection and
// deadlines work from, so no test depends on the wall clock.
var testDay = calendar.Date{Year: 2026, Month: 12, Day: 1}

func newEnv(t *testing.T, d store.Dialect) *env {
	t.Helper()
	return newEnvWith(t, d, web.Options{})
}

// newEnvWith is newEnv with server options (MaxUpload and Today are set
// as in newEnv).
func newEnvWith(t *testing.T, d store.Dialect, opts web.Options) *env {
	t.Helper()
	blobDir := filepath.Join(t.TempDir(), "attachments")
	blobs, err := blob.OpenFS(blobDir)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvBlobs(t, d, opts, blobs)
	e.blobDir = blobDir
	return e
}

// newEnvBlobs is newEnvWith over the given attachment store.
func newEnvBlobs(t *testing.T, d store.Dialect, opts web.Options, blobs *blob.Store) *env {
	t.Helper()
	db := storetest.Open(t, d)
	cat := &catalog.Service{DB: db, Today: func() calendar.Date { return testDay }}
	au := auth.NewService(db)
	site, err := demo.LoadWith(context.Background(), cat, au, blobs, "127.0.0.1", testDay)
	if err != nil {
		t.Fatalf("load demo: %v", err)
	}
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError}))
	opts.MaxUpload, opts.Today = 1<<20, func() calendar.Date { return testDay }
	if opts.FormLimits == (web.FormLimits{}) {
		// The tests post from one address many times; the public forms'
		// limits have their own tests (internal/web, TestRequestFormGuarded).
		opts.FormLimits = web.FormLimits{PerAddress: web.Rate{Burst: 1 << 20, Every: time.Millisecond}}
	}
	srv, err := New(cat, au, blobs, log, opts)
	if err != nil {
		t.Fatal(err)
	}
	// The demo site's inspection takes milliseconds, under the default
	// WaitBelow, so pages wait for a refresh after a change; on a loaded
	// test machine it may take longer: the tests wait whatever it takes.
	srv.Compliance.WaitBelow = time.Hour
	if err := srv.SetDataKey(testDataKey); err != nil { // disclosure requests (requests_test.go)
		t.Fatal(err)
	}
	// The demo was loaded before the search subscribed: index it as serve
	// does at start (Background's first index).
	if _, err := srv.Search.ReindexAll(context.Background(), []int64{site.ID}, nil); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &env{t: t, db: db, cat: cat, au: au, srv: srv, ts: ts, site: site}
}

// eachEnv runs fn against the demo site on every database engine.
func eachEnv(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, newEnv(t, d)) })
	}
}

// browser is a cookie-keeping client that does not follow redirects.
type browser struct {
	e    *env
	c    *http.Client
	csrf string
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type resp struct {
	status   int
	body     string
	location string
	header   http.Header
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) do(req *http.Request) resp {
	b.e.t.Helper()
	r, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer r.Body.Close()
	body, _ := io.ReadAll(r.Body)
	if m := csrfRE.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return resp{status: r.StatusCode, body: string(body), location: r.Header.Get("Location"), header: r.Header}
}

func (b *browser) get(path string) resp {
	b.e.t.Helper()
	req, _ := http.NewRequest("GET", b.e.ts.URL+path, nil)
	return b.do(req)
}

// post submits a form with the session's form token.
func (b *browser) post(path string, form url.Values) resp {
	b.e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("csrf") == "" && b.csrf != "" {
		form.Set("csrf", b.csrf)
	}
	req, _ := http.NewRequest("POST", b.e.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// login signs in as a demo user and loads a page carrying the form token.
func (b *browser) login(name string) *browser {
	b.e.t.Helper()
	r := b.post("/admin/login", url.Values{"name": {name}, "password": {demo.Password}})
	if r.status != http.StatusSeeOther {
		b.e.t.Fatalf("login %s: status %d: %s", name, r.status, r.body)
	}
	if r := b.get("/admin"); r.status != 200 || b.csrf == "" {
		b.e.t.Fatalf("after login %s: status %d", name, r.status)
	}
	return b
}

func mustContain(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("body lacks %q", w)
		}
	}
}

func mustNotContain(t *testing.T, body string, bad ...string) {
	t.Helper()
	for _, w := range bad {
		if strings.Contains(body, w) {
			t.Errorf("body contains %q", w)
		}
	}
}

func (e *env) mustTree(t *testing.T) *catalog.Tree {
	t.Helper()
	tree, err := e.cat.Tree(context.Background(), e.site.ID)
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func (e *env) countItems(t *testing.T) int {
	t.Helper()
	var n int
	if err := e.db.R.QueryRow(`SELECT COUNT(*) FROM items`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// itemID returns the id of the item with exactly this title.
func (e *env) itemID(t *testing.T, title string) string {
	t.Helper()
	var id int64
	if err := e.db.R.QueryRow(`SELECT id FROM items WHERE title = $1`, title).Scan(&id); err != nil {
		t.Fatalf("item %q: %v", title, err)
	}
	return itoa(id)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func cloneForm(v url.Values) url.Values {
	c := url.Values{}
	for k, vs := range v {
		c[k] = append([]string(nil), vs...)
	}
	return c
}

func withVersion(v url.Values, version string) url.Values {
	c := cloneForm(v)
	c.Set("version", version)
	return c
}

var versionRE = regexp.MustCompile(`name="version" value="(\d+)"`)

// versionOf reads the item's current version from its edit form.
func versionOf(t *testing.T, b *browser, id string) string {
	t.Helper()
	m := versionRE.FindStringSubmatch(b.get("/admin/items/" + id + "/edit").body)
	if m == nil {
		t.Fatalf("no version on the edit form of %s", id)
	}
	return m[1]
}

func unescape(s string) string { return html.UnescapeString(s) }

// editForm returns the item form as the edit page would submit it unchanged.
func (e *env) editForm(t *testing.T, id string) url.Values {
	t.Helper()
	n, _ := strconv.ParseInt(id, 10, 64)
	it, err := e.cat.Item(context.Background(), e.site.ID, n)
	if err != nil {
		t.Fatal(err)
	}
	in, err := e.cat.InputOf(context.Background(), it)
	if err != nil {
		t.Fatal(err)
	}
	f := url.Values{"doc_type": {in.DocType}, "column_id": {itoa(in.ColumnID)}, "department_id": {itoa(in.DepartmentID)}, "title": {in.Title},
		"summary": {in.Summary}, "body": {in.Body}, "publisher": {in.Publisher}, "published_on": {in.PublishedOn}, "disclosure": {in.Disclosure},
		"disclosure_reason": {in.DisclosureReason}, "doc_no": {in.DocNo}, "author": {in.Author}, "written_on": {in.WrittenOn}, "validity": {in.Validity},
		"topic": {in.Topic}, "genre": {in.Genre}, "keywords": {in.Keywords}, "version": {strconv.Itoa(in.Version)}}
	for k, v := range in.Fields {
		f.Set(k, v)
	}
	for _, x := range in.Interprets {
		f.Add("interprets", itoa(x))
	}
	if in.SuccessorID != 0 {
		f.Set("successor_id", itoa(in.SuccessorID))
	}
	return f
}

var captchaTokenRE = regexp.MustCompile(`name="captcha_token" value="([^"]+)"`)

// solved adds the right answer to the CAPTCHA of a form page to f.
func (e *env) solved(t *testing.T, form, page string, f url.Values) url.Values {
	t.Helper()
	m := captchaTokenRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CAPTCHA on the %s form", form)
	}
	ans, ok := e.srv.Web.Captcha.Answer(form, html.UnescapeString(m[1]))
	if !ok {
		t.Fatalf("the %s form's CAPTCHA token is not valid", form)
	}
	f.Set("captcha_token", html.UnescapeString(m[1]))
	f.Set("captcha_answer", ans)
	return f
}

// apiCaptcha is a fresh challenge of form with its answer, as an API
// client gets one (GET /captcha/{form}/new) and a person would solve it.
func (e *env) apiCaptcha(t *testing.T, form string) (token, answer string) {
	t.Helper()
	r := e.browser().get("/captcha/" + form + "/new")
	var c struct{ Token string }
	if err := json.Unmarshal([]byte(r.body), &c); err != nil || c.Token == "" {
		t.Fatalf("GET /captcha/%s/new: %d %s", form, r.status, clipBody(r.body))
	}
	ans, _ := e.srv.Web.Captcha.Answer(form, c.Token)
	return c.Token, ans
}
