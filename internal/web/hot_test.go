package web

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"gongkai/internal/calendar"
)

// The cached path sets header map entries directly (issue 17): every key
// must be in canonical form, as Header.Set would store it, or a client's
// Header.Get (and net/http's own Content-Length check) would miss it.
func TestCachedPageHeaders(t *testing.T) {
	e := newKit(t)
	h := e.ts.Config.Handler
	get := func(method string, hdr map[string]string) *httptest.ResponseRecorder {
		t.Helper()
		r := httptest.NewRequest(method, "/probe", nil)
		r.Host = "127.0.0.1"
		for k, v := range hdr {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	get("GET", nil) // renders and caches
	w := get("GET", nil)
	if w.Code != 200 {
		t.Fatalf("GET /probe: %d", w.Code)
	}
	for k := range w.Header() {
		if k != http.CanonicalHeaderKey(k) {
			t.Errorf("header key %q is not canonical (%q)", k, http.CanonicalHeaderKey(k))
		}
	}
	want := map[string]string{
		"Content-Type":           "text/html; charset=utf-8",
		"Cache-Control":          "public, max-age=0, must-revalidate",
		"Vary":                   "Cookie",
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "strict-origin-when-cross-origin",
		"X-Frame-Options":        "SAMEORIGIN",
		"Permissions-Policy":     "camera=(), microphone=(), geolocation=(), interest-cohort=()",
		"Content-Length":         strconv.Itoa(w.Body.Len()),
	}
	for k, v := range want {
		if got := w.Header().Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	etag, lm := w.Header().Get("ETag"), w.Header().Get("Last-Modified")
	if etag == "" || lm == "" || w.Header().Get("Content-Security-Policy") == "" {
		t.Fatalf("ETag %q Last-Modified %q CSP %q", etag, lm, w.Header().Get("Content-Security-Policy"))
	}
	modified, err := http.ParseTime(lm)
	if err != nil {
		t.Fatalf("Last-Modified %q: %v", lm, err)
	}
	for _, c := range []struct {
		hdr  map[string]string
		want int
	}{
		{map[string]string{"If-None-Match": etag}, 304},
		{map[string]string{"If-None-Match": "*"}, 304},
		{map[string]string{"If-None-Match": `W/"other"`}, 200},
		// If-None-Match wins over If-Modified-Since.
		{map[string]string{"If-None-Match": `W/"other"`, "If-Modified-Since": lm}, 200},
		{map[string]string{"If-Modified-Since": lm}, 304},
		{map[string]string{"If-Modified-Since": modified.Add(time.Hour).Format(http.TimeFormat)}, 304},
		{map[string]string{"If-Modified-Since": modified.Add(-time.Hour).Format(http.TimeFormat)}, 200},
		{map[string]string{"If-Modified-Since": "not a date"}, 200},
	} {
		if got := get("GET", c.hdr); got.Code != c.want {
			t.Errorf("%v: %d, want %d", c.hdr, got.Code, c.want)
		} else if got.Code == 304 && (got.Body.Len() != 0 || got.Header().Get("ETag") != etag) {
			t.Errorf("%v: 304 with %d body bytes, ETag %q", c.hdr, got.Body.Len(), got.Header().Get("ETag"))
		}
	}
	if w := get("HEAD", nil); w.Code != 200 || w.Body.Len() != 0 || w.Header().Get("Content-Length") != want["Content-Length"] {
		t.Errorf("HEAD: %d, %d body bytes, Content-Length %q", w.Code, w.Body.Len(), w.Header().Get("Content-Length"))
	}
}

func TestAppendDate(t *testing.T) {
	for _, d := range []calendar.Date{{Year: 2026, Month: 12, Day: 4}, {Year: 999, Month: 1, Day: 31}, {Year: 12345, Month: 3, Day: 9}} {
		if got := string(appendDate([]byte("x"), d)); got != "x"+d.String() {
			t.Errorf("appendDate(%v) = %q, want %q", d, got, "x"+d.String())
		}
	}
}
