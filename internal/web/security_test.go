package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestClientIP (issue 16 #2): X-Forwarded-For counts only when the peer is
// a trusted proxy, and then its right-most address that is not a proxy.
func TestClientIP(t *testing.T) {
	proxies, err := ParseProxies("10.0.0.0/8, 192.0.2.7,::1")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name    string
		proxies bool
		peer    string
		xff     []string
		want    string
	}{
		{"no proxies configured", false, "198.51.100.1:1234", []string{"1.2.3.4"}, "198.51.100.1"},
		{"peer is not a proxy", true, "198.51.100.1:1234", []string{"1.2.3.4"}, "198.51.100.1"},
		{"one proxy", true, "10.1.1.1:80", []string{"198.51.100.9"}, "198.51.100.9"},
		{"client-written left part ignored", true, "10.1.1.1:80", []string{"6.6.6.6, 198.51.100.9"}, "198.51.100.9"},
		{"chain of proxies", true, "10.1.1.1:80", []string{"6.6.6.6, 198.51.100.9, 192.0.2.7, 10.2.2.2"}, "198.51.100.9"},
		{"several header lines", true, "10.1.1.1:80", []string{"6.6.6.6", "198.51.100.9, 10.3.3.3"}, "198.51.100.9"},
		{"IPv6 proxy", true, "[::1]:80", []string{"2001:db8::5"}, "2001:db8::5"},
		{"mapped IPv4", true, "10.1.1.1:80", []string{"::ffff:198.51.100.9"}, "198.51.100.9"},
		{"garbage stops the walk", true, "10.1.1.1:80", []string{"6.6.6.6, garbage, 10.2.2.2"}, "10.2.2.2"},
		{"only proxies", true, "10.1.1.1:80", []string{"10.2.2.2"}, "10.2.2.2"},
		{"no header", true, "10.1.1.1:80", nil, "10.1.1.1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := &Server{}
			if tt.proxies {
				s.Opts.TrustedProxies = proxies
			}
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.peer
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := s.ClientIP(r); got != tt.want {
				t.Errorf("ClientIP = %q, want %q", got, tt.want)
			}
		})
	}
	if _, err := ParseProxies("10.0.0.0/8,example.com"); err == nil {
		t.Error("ParseProxies accepted a name")
	}
}

// TestAdminNext (#5): only clean paths under /admin survive.
func TestAdminNext(t *testing.T) {
	for _, tt := range []struct{ next, want string }{
		{"", "/admin"},
		{"/admin", "/admin"},
		{"/admin/items", "/admin/items"},
		{"/admin/items?status=draft&page=2", "/admin/items?status=draft&page=2"},
		{"/admin/items/7/edit", "/admin/items/7/edit"},
		{`/admin/../\evil.example/phish`, "/admin"},
		{"/admin/../%5Cevil.example/phish", "/admin"},
		{"/admin/..%2f..%2fevil", "/admin"},
		{"/admin/%2e%2e/x", "/admin"},
		{"/admin/%252e%252e/x", "/admin"},
		{"/admin/../x", "/admin"},
		{"/admin/./items", "/admin"},
		{"/admin//evil.example", "/admin"},
		{"//evil.example/admin", "/admin"},
		{"///evil.example/admin", "/admin"},
		{`/\evil.example`, "/admin"},
		{`\\evil.example\admin`, "/admin"},
		{"https://evil.example/admin", "/admin"},
		{"http:/admin", "/admin"},
		{"javascript:alert(1)", "/admin"},
		{"/adminx", "/admin"},
		{"/admin.evil.example", "/admin"},
		{"admin/items", "/admin"},
		{"/admin/\titems", "/admin"},
		{"/admin/\r\nLocation: http://evil.example", "/admin"},
		{"/admin/\x00", "/admin"},
		{"/admin/\u2028x", "/admin"},
		{"/admin/\u3000x", "/admin"},
		{"/admin/\u202ex", "/admin"},
		{"/admin/\xffx", "/admin"},
		{"/admin/items#frag", "/admin"},
		{"/admin@evil.example", "/admin"},
		{"/admin/" + strings.Repeat("a", 2100), "/admin"},
	} {
		if got := adminNext(tt.next); got != tt.want {
			t.Errorf("adminNext(%q) = %q, want %q", tt.next, got, tt.want)
		}
	}
}

// TestUnknownHostsDoNotGrowCaches (#3): thousands of made-up Host headers
// are all the default site, and neither the site cache nor the render
// cache grows with them.
func TestUnknownHostsDoNotGrowCaches(t *testing.T) {
	e := newKit(t)
	get := func(host string) string {
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
		return res.Header.Get("ETag")
	}
	first := get("127.0.0.1")
	base := e.kit.sites.size()
	for i := range 3000 {
		if tag := get(fmt.Sprintf("h%d.evil.example", i)); tag != first {
			t.Fatalf("host %d got another page (ETag %q, want %q)", i, tag, first)
		}
	}
	if n := e.kit.sites.size(); n != base {
		t.Errorf("site cache holds %d entries after 3,000 unknown hosts, %d before", n, base)
	}
	if n := len(e.kit.CachedKeys()); n != 1 {
		t.Errorf("render cache holds %d pages, want 1", n)
	}
	if e.probe.renders != 1 {
		t.Errorf("rendered %d times, want once", e.probe.renders)
	}
	// The cache holds one state per site and the declared hosts: the demo
	// declares two.
	if base != 1+2 {
		t.Errorf("site cache size %d, want 3 (one site, two declared hosts)", base)
	}
}
