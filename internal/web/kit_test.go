package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/demo"
	"gongkai/internal/secure"
	"gongkai/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// probe is a feature made for the kit's tests: a cached public page, an
// API endpoint, and routes that panic.
type probe struct{ renders int }

type probePage struct {
	Page
}

func (p *probe) Mount(s *Server) error {
	s.Public("GET /probe", func(w http.ResponseWriter, r *http.Request) {
		s.Cached(w, r, func() (string, Cacheable, error) {
			p.renders++
			pg := &probePage{Page: s.Page(r, "probe")}
			return "public/error", pg, nil
		})
	})
	s.Public("GET /probe/panic", func(w http.ResponseWriter, r *http.Request) { panic("probe") })
	s.API("GET /api/v1/probe/{id}", func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusOK, map[string]string{"id": r.PathValue("id")})
	})
	s.API("POST /api/v1/probe/{id}", func(w http.ResponseWriter, r *http.Request) { panic("probe") })
	return nil
}

type kitEnv struct {
	kit   *Server
	probe *probe
	ts    *httptest.Server
	cat   *catalog.Service
	site  *catalog.Site
}

func newKit(t *testing.T) *kitEnv {
	t.Helper()
	db := storetest.Open(t, "sqlite")
	cat := &catalog.Service{DB: db}
	site, err := demo.Load(context.Background(), cat, auth.NewService(db), "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	kit, err := New(cat, auth.NewService(db), slog.New(slog.NewTextHandler(io.Discard, nil)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := &probe{}
	if err := kit.Mount(p); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(kit.Handler())
	t.Cleanup(ts.Close)
	return &kitEnv{kit: kit, probe: p, ts: ts, cat: cat, site: site}
}

func (e *kitEnv) do(t *testing.T, method, path string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, e.ts.URL+path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestAPIFallbacks(t *testing.T) {
	e := newKit(t)
	// CORS preflight for a known path: the methods it serves, no body.
	res, _ := e.do(t, "OPTIONS", "/api/v1/probe/7", map[string]string{"Origin": "https://other.example", "Access-Control-Request-Method": "POST"})
	if res.StatusCode != http.StatusNoContent {
		t.Fatalf("preflight: %d", res.StatusCode)
	}
	if got := res.Header.Get("Access-Control-Allow-Methods"); got != "GET, HEAD, POST, OPTIONS" {
		t.Errorf("Allow-Methods %q", got)
	}
	if got := res.Header.Get("Access-Control-Allow-Headers"); !strings.Contains(got, "Authorization") {
		t.Errorf("Allow-Headers %q lacks Authorization", got)
	}
	// A known path with another method: 405 with Allow, in JSON.
	res, body := e.do(t, "DELETE", "/api/v1/probe/7", nil)
	if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD, POST, OPTIONS" {
		t.Errorf("DELETE: %d Allow %q", res.StatusCode, res.Header.Get("Allow"))
	}
	var eb struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal([]byte(body), &eb); err != nil || eb.Error.Code != "method_not_allowed" {
		t.Errorf("DELETE body %s", body)
	}
	// An unknown path: 404, also for OPTIONS.
	if res, _ := e.do(t, "OPTIONS", "/api/v1/nothing", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("preflight of an unknown path: %d", res.StatusCode)
	}
}

// A page asked with a method it does not serve answers 405 with Allow and
// a Chinese page, as the API does in JSON; an unknown path stays 404.
func TestPageMethodNotAllowed(t *testing.T) {
	e := newKit(t)
	for _, c := range []struct{ method, path, allow string }{
		{"POST", "/probe", "GET, HEAD"},
		{"DELETE", "/a11y", "GET, HEAD, POST"},
		{"PUT", "/healthz", "GET, HEAD"},
		{"GET", "/admin/logout", "POST"},
	} {
		res, body := e.do(t, c.method, c.path, nil)
		if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != c.allow {
			t.Errorf("%s %s: %d Allow %q, want 405 Allow %q", c.method, c.path, res.StatusCode, res.Header.Get("Allow"), c.allow)
		}
		if !strings.Contains(body, "此页面不支持 "+c.method+" 请求") {
			t.Errorf("%s %s: body lacks the Chinese message: %.300s", c.method, c.path, body)
		}
	}
	for _, path := range []string{"/nothing", "/probe/x/y"} {
		if res, _ := e.do(t, "POST", path, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("POST %s: %d, want 404", path, res.StatusCode)
		}
	}
}

func TestPanicAnswersInTheSurfacesLanguage(t *testing.T) {
	e := newKit(t)
	res, body := e.do(t, "POST", "/api/v1/probe/1", nil)
	if res.StatusCode != 500 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("API panic: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if !strings.Contains(body, `"code":"internal"`) || !strings.Contains(body, "服务器内部错误") {
		t.Errorf("API panic body %s", body)
	}
	res, body = e.do(t, "GET", "/probe/panic", nil)
	if res.StatusCode != 500 || strings.Contains(body, `"error"`) {
		t.Errorf("page panic: %d %s", res.StatusCode, body)
	}
}

func TestRateLimitedAPISaysWhenToRetry(t *testing.T) {
	e := newKit(t)
	lim := secure.NewLimiter(rate.Every(time.Hour), 1, time.Minute)
	t.Cleanup(lim.Stop)
	e.kit.SetAPILimiter(lim)
	if res, _ := e.do(t, "GET", "/api/v1/probe/1", nil); res.StatusCode != 200 {
		t.Fatalf("first: %d", res.StatusCode)
	}
	res, body := e.do(t, "GET", "/api/v1/probe/1", nil)
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || !strings.Contains(body, "too_many_requests") {
		t.Errorf("second: %d Retry-After %q %s", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
}

// TestInvalidateIsPerSite: a change on one site of a shared platform keeps
// the other sites' cached pages.
func TestInvalidateIsPerSite(t *testing.T) {
	e := newKit(t)
	other := &catalog.Site{Slug: "other", Name: "临沂市审计局", OrgCode: "1111111111", Hosts: []string{"other.example"}}
	if err := e.cat.CreateSite(context.Background(), nil, other); err != nil {
		t.Fatal(err)
	}
	get := func(host string) {
		req, _ := http.NewRequest("GET", e.ts.URL+"/probe", nil)
		req.Host = host
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d", host, res.StatusCode)
		}
	}
	host := strings.TrimPrefix(e.ts.URL, "http://")
	get(host)
	get("other.example")
	if e.probe.renders != 2 {
		t.Fatalf("renders %d, want 2", e.probe.renders)
	}
	e.kit.Invalidate(other.ID)
	get(host)
	if e.probe.renders != 2 {
		t.Errorf("the demo site's page was rendered again after the other site changed")
	}
	get("other.example")
	if e.probe.renders != 3 {
		t.Errorf("the other site's page was not rendered again after its change (renders %d)", e.probe.renders)
	}
	e.kit.Invalidate(0)
	get(host)
	if e.probe.renders != 4 {
		t.Errorf("Invalidate(0) kept the demo site's page (renders %d)", e.probe.renders)
	}
}
