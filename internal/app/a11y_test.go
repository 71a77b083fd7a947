package app

import (
	"bytes"
	"compress/gzip"
	"gongkai/internal/web"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// getWith fetches path with the prefs cookie set to prefs (none when "").
func (b *browser) getWith(path, prefs string) resp {
	b.e.t.Helper()
	req, _ := http.NewRequest("GET", b.e.ts.URL+path, nil)
	if prefs != "" {
		req.Header.Set("Cookie", web.PrefsCookie+"="+prefs)
	}
	return b.do(req)
}

// postPrefs submits the /a11y form with the given cookie.
func (b *browser) postPrefs(form url.Values, prefs string) resp {
	b.e.t.Helper()
	req, _ := http.NewRequest("POST", b.e.ts.URL+"/a11y", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if prefs != "" {
		req.Header.Set("Cookie", web.PrefsCookie+"="+prefs)
	}
	return b.do(req)
}

var htmlTagRE = regexp.MustCompile(`<html lang="zh-CN"(?: class="([^"]*)")?>`)

func htmlClass(t *testing.T, body string) string {
	t.Helper()
	m := htmlTagRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no <html> tag")
	}
	return m[1]
}

func prefsSetCookie(t *testing.T, r resp) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == web.PrefsCookie {
			return c
		}
	}
	return nil
}

func TestPrefsRenderedOnServer(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		b := &browser{e: e, c: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		seed := "/items/" + e.itemID(t, "2021年临沂市司法局政务公开工作重点任务安排")

		plain := b.getWith(seed, "")
		if c := htmlClass(t, plain.body); c != "" {
			t.Errorf("no cookie: class %q", c)
		}
		mustContain(t, plain.body, `>无障碍浏览</a>`, `value="elderly-on">长辈版</button>`, `id="a11y-bar" class="a11ybar" aria-label="无障碍工具条" hidden`)
		if v := plain.header.Get("Vary"); v != "Cookie" {
			t.Errorf("Vary = %q", v)
		}

		old := b.getWith(seed, "1.e.sc")
		if c := htmlClass(t, old.body); c != "s-contrast m-elderly" {
			t.Errorf("elderly contrast: class %q", c)
		}
		mustContain(t, old.body, `value="elderly-off">退出长辈版</button>`, "您正在使用长辈版", `<span class="clicks">`)
		mustNotContain(t, old.body, "\x00")
		if old.header.Get("ETag") == plain.header.Get("ETag") {
			t.Error("a variant shares the ETag of the standard page")
		}
		// The same settings in another order are the same variant.
		if same := b.getWith(seed, "1.sc.e"); same.header.Get("ETag") != old.header.Get("ETag") {
			t.Error("equivalent cookies render different variants")
		}
		// A 304 for the variant's own ETag, not for the standard page's.
		req, _ := http.NewRequest("GET", e.ts.URL+seed, nil)
		req.Header.Set("Cookie", web.PrefsCookie+"=1.e.sc")
		req.Header.Set("If-None-Match", old.header.Get("ETag"))
		if r := b.do(req); r.status != http.StatusNotModified {
			t.Errorf("variant If-None-Match: %d", r.status)
		}
		req.Header.Set("If-None-Match", plain.header.Get("ETag"))
		if r := b.do(req); r.status != http.StatusOK {
			t.Errorf("standard ETag for the variant: %d, want 200", r.status)
		}
		// A bad cookie is the standard page.
		if bad := b.getWith(seed, "9.zz"); bad.header.Get("ETag") != plain.header.Get("ETag") {
			t.Error("a malformed cookie changed the page")
		}
		// Cache entries: standard and one elderly-contrast variant of the item.
		n := 0
		for _, k := range e.srv.Web.CachedKeys() {
			if strings.Contains(k, seed) {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%d cached variants of the item, want 2", n)
		}

		// Plain-text view and the toolbar shown by the server.
		txt := b.getWith(seed, "1.p.b")
		mustContain(t, txt.body, `/static/text.`, `id="a11y-bar" class="a11ybar" aria-label="无障碍工具条">`, `value="plain-off">退出纯文本</button>`, "为认真落实国家")
		mustNotContain(t, txt.body, `rel="stylesheet" href="/static/site.`)
		if c := htmlClass(t, txt.body); c != "v-plain" {
			t.Errorf("plain: class %q", c)
		}
		// Uncached pages (search, errors) get the classes too.
		if c := htmlClass(t, b.getWith("/search?q=x", "1.t3").body); c != "t-3" {
			t.Errorf("search: class %q", c)
		}
		if r := b.getWith("/no/such/page", "1.sd"); r.status != 404 || htmlClass(t, r.body) != "s-dark" {
			t.Errorf("404: %d %q", r.status, htmlClass(t, r.body))
		}
	})
}

func TestPrefsForm(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		b := &browser{e: e, c: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}

		r := b.getWith("/a11y?next=/items/2", "1.t2.e")
		if r.status != 200 {
			t.Fatalf("GET /a11y: %d", r.status)
		}
		mustContain(t, r.body, "无障碍浏览设置", `name="next" value="/items/2"`, `id="text-2" name="text" value="2" checked`,
			`id="mode-1" name="mode" value="elderly" checked`, "保存设置", "全部恢复默认")
		if r := b.getWith("/a11y?next=//evil.example", ""); !strings.Contains(r.body, `<input type="hidden" name="next" value="/">`) {
			t.Error("GET /a11y kept an off-site next")
		}

		// One toolbar button: set, then back to the page.
		r = b.postPrefs(url.Values{"op": {"elderly-on"}, "next": {"/items/2?x=1"}}, "1.t1")
		if r.status != http.StatusSeeOther || r.location != "/items/2?x=1" {
			t.Fatalf("op: %d %q", r.status, r.location)
		}
		c := prefsSetCookie(t, r)
		if c == nil || c.Value != "1.t1.e" || c.Path != "/" || c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.MaxAge < 86400*300 {
			t.Errorf("cookie %+v", c)
		}

		// The whole form.
		form := url.Values{"text": {"4"}, "scheme": {"dark"}, "lines": {"2"}, "cursor": {"1"}, "guide": {"cross"}, "mode": {"normal"},
			"view": {"normal"}, "bar": {"1"}, "next": {"/columns/zcwj"}}
		r = b.postPrefs(form, "1.e")
		if r.status != http.StatusSeeOther || r.location != "/columns/zcwj" {
			t.Fatalf("form: %d %q", r.status, r.location)
		}
		if c := prefsSetCookie(t, r); c == nil || c.Value != "1.t4.sd.l2.c.gx.b" {
			t.Errorf("form cookie %+v", c)
		}
		// Reset deletes the cookie.
		r = b.postPrefs(url.Values{"op": {"reset"}, "next": {"/"}}, "1.t4.sd")
		if c := prefsSetCookie(t, r); r.status != http.StatusSeeOther || c == nil || c.MaxAge >= 0 {
			t.Errorf("reset: %d %+v", r.status, c)
		}

		// No open redirect.
		for _, next := range []string{"//evil.example", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"} {
			r = b.postPrefs(url.Values{"op": {"text+"}, "next": {next}}, "")
			if r.location != "/" {
				t.Errorf("next %q redirected to %q", next, r.location)
			}
		}

		// A value that is no choice: 422, message tied to its fieldset, nothing stored.
		bad := cloneForm(form)
		bad.Set("scheme", "purple")
		r = b.postPrefs(bad, "1.e")
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("invalid: %d", r.status)
		}
		mustContain(t, r.body, "错误：无障碍浏览设置", `aria-describedby=" e-scheme"`, `id="e-scheme"`, "请从列出的选项中选择配色。", `href="#scheme-0"`,
			`id="text-4" name="text" value="4" checked`) // the valid choices are kept
		if c := prefsSetCookie(t, r); c != nil {
			t.Errorf("invalid form set a cookie: %+v", c)
		}
		if r := b.postPrefs(url.Values{"op": {"nonsense"}}, ""); r.status != http.StatusUnprocessableEntity {
			t.Errorf("unknown op: %d", r.status)
		}

		// Cross-site posts are refused (http.CrossOriginProtection).
		req, _ := http.NewRequest("POST", e.ts.URL+"/a11y", strings.NewReader("op=elderly-on"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if r := b.do(req); r.status != http.StatusForbidden {
			t.Errorf("cross-site: %d", r.status)
		}
	})
}

func TestSearchFormErrors(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.browser()
		if r := b.get("/search"); r.status != 200 || strings.Contains(r.body, "q-error") {
			t.Errorf("/search: %d", r.status)
		}
		r := b.get("/search?q=+")
		if r.status != http.StatusUnprocessableEntity {
			t.Errorf("empty query: %d", r.status)
		}
		mustContain(t, r.body, `aria-describedby="q-hint q-error"`, `aria-invalid="true"`, `id="q-error"`, "请输入要搜索的关键词", `<title>错误：站内搜索`, `href="#q"`)
		r = b.get("/search?q=" + strings.Repeat("长", 201))
		if r.status != http.StatusUnprocessableEntity {
			t.Errorf("long query: %d", r.status)
		}
		mustContain(t, r.body, "关键词最多 200 个字")
		mustNotContain(t, r.body, "全部（")
		r = b.get("/search?q=" + url.QueryEscape(strings.Repeat("长", 200)))
		if r.status != 200 || strings.Contains(r.body, "q-error") {
			t.Errorf("200 characters: %d", r.status)
		}
	})
}

// TestStaticGzip: the stylesheets and script are served gzipped to clients
// that accept it (compressed once at start-up), identical once inflated.
func TestStaticGzip(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		for _, name := range []string{"site.css", "text.css", "print.css", "site.js"} {
			u := e.ts.URL + e.srv.Web.StaticURL(name)
			raw, err := http.Get(u) // the client asks for gzip and inflates it itself
			if err != nil {
				t.Fatal(err)
			}
			want, _ := io.ReadAll(raw.Body)
			raw.Body.Close()
			if !bytes.Equal(want, e.srv.Web.StaticFile(strings.TrimPrefix(e.srv.Web.StaticURL(name), "/static/"))) {
				t.Errorf("%s: body differs from the file", name)
			}
			req, _ := http.NewRequest("GET", u, nil)
			req.Header.Set("Accept-Encoding", "gzip, deflate, br")
			r, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			if r.Header.Get("Content-Encoding") != "gzip" || r.Header.Get("Vary") != "Accept-Encoding" {
				t.Errorf("%s: Content-Encoding %q, Vary %q", name, r.Header.Get("Content-Encoding"), r.Header.Get("Vary"))
			}
			zr, err := gzip.NewReader(r.Body)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got, _ := io.ReadAll(zr)
			r.Body.Close()
			if !bytes.Equal(got, want) {
				t.Errorf("%s: gzipped body differs", name)
			}
		}
	})
}
