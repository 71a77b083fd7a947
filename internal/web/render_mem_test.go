package web

import (
	"sync"
	"sync/atomic"
	"testing"
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
