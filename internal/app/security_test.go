package app

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gongkai/internal/catalog"
	"gongkai/internal/demo"
	"gongkai/internal/store/storetest"
	"gongkai/internal/web"
)

// loginFrom posts the login form as if from addr, through the loopback
// proxy the env trusts (X-Forwarded-For).
func (b *browser) loginFrom(addr, name, password, next string) resp {
	b.e.t.Helper()
	path := "/admin/login"
	if next != "" {
		path += "?next=" + url.QueryEscape(next)
	}
	req, _ := http.NewRequest("POST", b.e.ts.URL+path, strings.NewReader(url.Values{"name": {name}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if addr != "" {
		req.Header.Set("X-Forwarded-For", addr)
	}
	return b.do(req)
}

// proxiedEnvs runs fn on every database with the test server behind a
// trusted proxy on loopback, so tests can speak for several addresses.
func proxiedEnvs(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, newEnvWith(t, d, web.Options{TrustedProxies: web.LoopbackProxies})) })
	}
}

// TestLoginLockoutIsPerAddress (issue 16 #8): wrong passwords for admin from
// one address neither block admin's right password from another address
// nor, while that address keeps to the right password, ever lock it out;
// successes use up nothing; a flood from one address is limited.
func TestLoginLockoutIsPerAddress(t *testing.T) {
	t.Parallel()
	proxiedEnvs(t, func(t *testing.T, e *env) {
		const a, b, c = "198.51.100.1", "198.51.100.2", "198.51.100.3"
		for i := range 5 {
			if r := e.browser().loginFrom(a, "admin", "wrong-password-1", ""); r.status != http.StatusUnauthorized {
				t.Fatalf("wrong password %d from A: %d", i+1, r.status)
			}
		}
		if r := e.browser().loginFrom(a, "admin", demo.Password, ""); r.status != http.StatusTooManyRequests {
			t.Errorf("6th try from A: %d, want 429", r.status)
		}
		if r := e.browser().loginFrom(b, "admin", demo.Password, ""); r.status != http.StatusSeeOther {
			t.Errorf("right password from B after A's failures: %d %s", r.status, r.body)
		}
		// Successes do not count: many right logins, then 4 wrong ones
		// and the right one still works from the same address.
		for i := range 12 {
			if r := e.browser().loginFrom(c, "office", demo.Password, ""); r.status != http.StatusSeeOther {
				t.Fatalf("success %d from C: %d", i+1, r.status)
			}
		}
		for range 4 {
			e.browser().loginFrom(c, "office", "wrong-password-1", "")
		}
		if r := e.browser().loginFrom(c, "office", demo.Password, ""); r.status != http.StatusSeeOther {
			t.Errorf("right password after 12 successes and 4 failures: %d", r.status)
		}
	})
}

// TestLoginNameLimitSparesCleanAddresses (#8): once a name has failed from
// many addresses its own limit is spent, yet an address that has not failed
// still logs in with the right password, while one that failed is refused.
func TestLoginNameLimitSparesCleanAddresses(t *testing.T) {
	t.Parallel()
	proxiedEnvs(t, func(t *testing.T, e *env) {
		// 20 failures for admin spread over 10 addresses (2 each) spend
		// the per-name burst without reaching any per-address limit.
		for i := range 20 {
			addr := "203.0.113." + itoa(int64(10+i/2))
			if r := e.browser().loginFrom(addr, "admin", "wrong-password-1", ""); r.status != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d", i+1, r.status)
			}
		}
		if r := e.browser().loginFrom("203.0.113.10", "admin", demo.Password, ""); r.status != http.StatusTooManyRequests {
			t.Errorf("an address that failed, after the name's limit: %d, want 429", r.status)
		}
		if r := e.browser().loginFrom("203.0.113.99", "admin", demo.Password, ""); r.status != http.StatusSeeOther {
			t.Errorf("a clean address with the right password, after the name's limit: %d", r.status)
		}
	})
}

// TestLoginFloodFromOneAddress (#8, #2): wrong passwords from one address
// over many names stop at the per-address limit, and rotating
// X-Forwarded-For's left part (which the client writes) does not help.
func TestLoginFloodFromOneAddress(t *testing.T) {
	t.Parallel()
	proxiedEnvs(t, func(t *testing.T, e *env) {
		limited := 0
		start := time.Now()
		for i := range 40 {
			// The client claims a new address each time; the proxy appends
			// the one it saw.
			xff := "10.9.8." + itoa(int64(i)) + ", 192.0.2.50"
			r := e.browser().loginFrom(xff, "nobody"+itoa(int64(i)), "wrong-password-1", "")
			if r.status == http.StatusTooManyRequests {
				limited++
				mustContain(t, r.body, "登录尝试过于频繁")
			}
		}
		// The address's allowance refills one try every 2 s: on a slow
		// machine the 40 tries may earn a few back, never more.
		refilled := int(time.Since(start) / (2 * time.Second))
		if limited > 10 || limited < 10-refilled {
			t.Errorf("%d of 40 tries limited, want 10 (per-address burst 30; %d may have refilled)", limited, refilled)
		}
	})
}

// TestConcurrentLoginsAllSucceed (#2): many logins at once wait for a
// hashing slot instead of failing or timing out.
func TestConcurrentLoginsAllSucceed(t *testing.T) {
	t.Parallel()
	proxiedEnvs(t, func(t *testing.T, e *env) {
		const n = 24
		var wg sync.WaitGroup
		status := make([]int, n)
		for i := range n {
			wg.Go(func() {
				req, _ := http.NewRequest("POST", e.ts.URL+"/admin/login", strings.NewReader(url.Values{"name": {"office"}, "password": {demo.Password}}.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-Forwarded-For", "198.51.100."+itoa(int64(i)))
				c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
				res, err := c.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				res.Body.Close()
				status[i] = res.StatusCode
			})
		}
		wg.Wait()
		for i, s := range status {
			if s != http.StatusSeeOther {
				t.Errorf("login %d: %d", i, s)
			}
		}
	})
}

// TestLoginRedirectStaysInBackOffice (#5): next must be a clean path under
// /admin on this site.
func TestLoginRedirectStaysInBackOffice(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, "sqlite", web.Options{TrustedProxies: web.LoopbackProxies})
	for i, tt := range []struct{ next, want string }{
		{"/admin/items?status=draft", "/admin/items?status=draft"},
		{"/admin/../%5Cevil.example/phish", "/admin"},
		{`/admin/../\evil.example/phish`, "/admin"},
		{"//evil.example/admin", "/admin"},
		{"https://evil.example/admin", "/admin"},
	} {
		// A fresh address each time, so no login limit interferes.
		r := e.browser().loginFrom("198.51.100."+itoa(int64(i+1)), "admin", demo.Password, tt.next)
		if r.status != http.StatusSeeOther || r.location != tt.want {
			t.Errorf("next=%q: %d Location %q, want %q", tt.next, r.status, r.location, tt.want)
		}
	}
}

// TestLoginsAreAudited: success and failure, with the client address.
func TestLoginsAreAudited(t *testing.T) {
	t.Parallel()
	proxiedEnvs(t, func(t *testing.T, e *env) {
		e.browser().loginFrom("198.51.100.7", "admin", "wrong-password-1", "")
		e.browser().loginFrom("198.51.100.8", "admin", demo.Password, "")
		rows, err := e.db.R.Query(`SELECT action, target, ip, actor_name, site_id FROM audit_log WHERE action LIKE 'auth.login%' ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var action, target, ip, actor string
			var site int64
			if err := rows.Scan(&action, &target, &ip, &actor, &site); err != nil {
				t.Fatal(err)
			}
			if site != e.site.ID {
				t.Errorf("%s: site %d, want %d", action, site, e.site.ID)
			}
			got = append(got, action+" "+ip+" "+actor+" "+strings.SplitN(target, ":", 2)[0])
		}
		want := []string{"auth.login_failed 198.51.100.7 未登录访客 login", "auth.login 198.51.100.8 admin user"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("audit rows %q, want %q", got, want)
		}
		if bad, err := e.au.VerifyAudit(context.Background()); err != nil || bad != 0 {
			t.Errorf("audit chain: row %d, %v", bad, err)
		}
	})
}

var hrefRE = regexp.MustCompile(`href="([^"]*)"`)

// TestPagerLinksCarryCanonicalParameters (#11): a list page rendered for a
// visitor who added a parameter has no trace of it in its links, neither
// for that visitor nor in the cached copy the next visitor gets.
func TestPagerLinksCarryCanonicalParameters(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		// Enough news for three pages of 20.
		var dept int64
		if err := e.db.R.QueryRow(`SELECT id FROM departments WHERE site_id = $1 AND abbr = 'bgs'`, e.site.ID).Scan(&dept); err != nil {
			t.Fatal(err)
		}
		col := e.mustTree(t).BySlug["gzdt"].ID
		var news []*catalog.BulkItem
		for i := range 45 {
			news = append(news, &catalog.BulkItem{Item: &catalog.Item{ColumnID: col, DocType: "news", DepartmentID: dept,
				Title: "工作动态 " + itoa(int64(i)), PublishedOn: "2026-11-" + fmt.Sprintf("%02d", 1+i%28)}})
		}
		if _, err := e.cat.BulkLoad(context.Background(), nil, e.site.ID, slices.Values(news), catalog.BulkOptions{}); err != nil {
			t.Fatal(err)
		}
		first := e.browser().get("/columns/gzdt?page=2&zzz=X")
		if first.status != 200 {
			t.Fatalf("page 2: %d", first.status)
		}
		second := e.browser().get("/columns/gzdt?page=2")
		for name, r := range map[string]resp{"first visitor": first, "cached copy": second} {
			pager := 0
			for _, m := range hrefRE.FindAllStringSubmatch(r.body, -1) {
				h := unescape(m[1])
				if strings.Contains(h, "zzz") {
					t.Errorf("%s: link %q carries the other visitor's parameter", name, h)
				}
				if strings.HasPrefix(h, "/columns/gzdt") {
					pager++
				}
			}
			if pager == 0 {
				t.Errorf("%s: no pager links on page 2", name)
			}
		}
	})
}

// TestFeedsUseTheSiteHost: absolute URLs in the feed, sitemap and
// robots.txt name the site's declared host, whatever Host the request
// carried.
func TestFeedsUseTheSiteHost(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		for _, path := range []string{"/columns/zcwj/feed.xml", "/sitemap.xml", "/robots.txt"} {
			req, _ := http.NewRequest("GET", e.ts.URL+path, nil)
			req.Host = "evil.example"
			req.Header.Set("X-Forwarded-Proto", "https") // not from a trusted proxy
			r := e.browser().do(req)
			if r.status != 200 {
				t.Fatalf("%s: %d", path, r.status)
			}
			mustNotContain(t, r.body, "evil.example", "https://")
			// The demo's hosts are 127.0.0.1 and sfj.linyi.gov.cn; the
			// first (in order) is 127.0.0.1, without the asked port.
			mustContain(t, r.body, "http://127.0.0.1/")
		}
		// Asked under a declared host, that host (and port) is used.
		r := e.browser().get("/sitemap.xml")
		mustContain(t, r.body, e.ts.URL+"/")
	})
}
