package web

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"
)

func TestStripMarks(t *testing.T) {
	for in, want := range map[string]string{
		"":                    "",
		"abc":                 "abc",
		clickMark:             "",
		"a" + clickMark + "b": "ab",
		clickMark + "x" + clickMark + clickMark + "y": "xy",
		"点击" + clickMark + "次" + clickMark:            "点击次",
	} {
		if got := string(stripMarks([]byte(in))); got != want {
			t.Errorf("stripMarks(%q) = %q, want %q", in, got, want)
		}
	}
}

// Requests for a file being made wait for it: one fill however many ask.
func TestFillOnce(t *testing.T) {
	c := newRenderCache(10)
	var fills atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	got := make([]*cachedPage, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := c.fillOnce("k", func() (*cachedPage, error) {
				fills.Add(1)
				<-release
				return &cachedPage{head: []byte("x")}, nil
			})
			if err != nil {
				t.Error(err)
			}
			got[i] = p
		}()
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := fills.Load(); n < 1 || n > 8 {
		t.Fatalf("%d fills", n)
	}
	for _, p := range got {
		if p == nil || string(p.head) != "x" {
			t.Fatalf("page %v", p)
		}
	}
	// After it, a new fill runs again (nothing is kept by fillOnce).
	p, err := c.fillOnce("k", func() (*cachedPage, error) { return &cachedPage{head: []byte("y")}, nil })
	if err != nil || string(p.head) != "y" {
		t.Fatalf("second fill: %v %v", p, err)
	}
}

// Pages are parsed at start-up, so a broken one is an error there, but
// kept parsed only from their first render on.
func TestLazyPages(t *testing.T) {
	e := newKit(t)
	broken := fstest.MapFS{"templates/public/broken.html": {Data: []byte(`{{define "content"}}{{if}}{{end}}`)}}
	if err := e.kit.Templates("internal/web/broken", broken); err == nil || !strings.Contains(err.Error(), "broken.html") {
		t.Fatalf("broken template: %v", err)
	}
	p := e.kit.tmpl.pages["public/error"]
	if p == nil {
		names := make([]string, 0, len(e.kit.tmpl.pages))
		for k := range e.kit.tmpl.pages {
			names = append(names, k)
		}
		t.Fatalf("no public/error among %v", names)
	}
	if p.t != nil {
		t.Fatal("public/error parsed before its first render")
	}
	if res, _ := e.do(t, "GET", "/no-such-page", nil); res.StatusCode != http.StatusNotFound {
		t.Fatalf("GET /no-such-page: %d", res.StatusCode)
	}
	if p.t == nil {
		t.Error("public/error not kept after its render")
	}
}
