package live

import (
	"net/http"
	"testing"
)

func TestStreamGate(t *testing.T) {
	for ip, want := range map[string]string{
		"203.0.113.7":          "203.0.113.7",
		"2001:db8:1:2:3:4:5:6": "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1": "2001:db8:1:2::/64",
		"::ffff:203.0.113.7":   "::ffff:203.0.113.7",
		"not an address":       "not an address",
		"2001:db8:1:3::1":      "2001:db8:1:3::/64",
	} {
		if got := streamKey(ip); got != want {
			t.Errorf("streamKey(%q) = %q, want %q", ip, got, want)
		}
	}
	var g streamGate
	a, b := streamKey("2001:db8:1:2::1"), streamKey("2001:db8:1:2::2") // one /64
	for i := 0; i < 2; i++ {
		if st := g.acquire(a, 4, 2); st != 0 {
			t.Fatalf("acquire %d: %d", i, st)
		}
	}
	if st := g.acquire(b, 4, 2); st != http.StatusTooManyRequests {
		t.Errorf("same /64 over its cap: %d", st)
	}
	c := streamKey("198.51.100.1")
	for i := 0; i < 2; i++ {
		if st := g.acquire(c, 4, 2); st != 0 {
			t.Fatalf("other address %d: %d", i, st)
		}
	}
	if st := g.acquire(streamKey("198.51.100.2"), 4, 2); st != http.StatusServiceUnavailable {
		t.Errorf("over the total: %d", st)
	}
	g.release(a)
	if st := g.acquire(b, 4, 2); st != 0 {
		t.Errorf("after a release: %d", st)
	}
	g.release(a)
	g.release(a)
	g.release(c)
	g.release(c)
	if g.total != 0 || len(g.byAddr) != 0 {
		t.Errorf("left: %d %v", g.total, g.byAddr)
	}
}
