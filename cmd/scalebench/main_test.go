package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPrefsVariants: every variant is distinct (each one a separate entry of
// the render cache) and in the canonical token order of internal/web/prefs.go.
func TestPrefsVariants(t *testing.T) {
	if len(prefsVariants) != 540 {
		t.Fatalf("%d variants, want 5×3×3×2×3×2 = 540", len(prefsVariants))
	}
	seen := map[string]bool{}
	order := "tslcgb"
	for _, v := range prefsVariants {
		if seen[v] {
			t.Fatalf("variant %q twice", v)
		}
		seen[v] = true
		if v == "" {
			continue
		}
		toks := strings.Split(v, ".")
		if toks[0] != "1" || len(v) > 40 {
			t.Fatalf("variant %q: not a version-1 cookie of at most 40 bytes", v)
		}
		last := -1
		for _, tok := range toks[1:] {
			i := strings.IndexByte(order, tok[0])
			if i <= last {
				t.Fatalf("variant %q: token %q out of the canonical order", v, tok)
			}
			last = i
		}
	}
}

// TestTable: the table shows each run, the ratio to the first and whether
// each goal is met, with the distance when it is not.
func TestTable(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, r Result) string {
		b, _ := json.Marshal(r)
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	small := write("a.json", Result{Label: "1k", Items: 1000, Rows: []Row{
		{Name: "item page", Kind: "latency", N: 100, P50: 2, P95: 5},
		{Name: "random item pages", Kind: "rate", N: 100, RPS: 1000},
		{Name: "gongkai check", Kind: "check", Secs: 0.2, RSS: 35},
	}})
	big := write("b.json", Result{Label: "100k", Items: 100000, Rows: []Row{
		{Name: "item page", Kind: "latency", N: 10, P50: 20, P95: 250},
		{Name: "random item pages", Kind: "rate", N: 10, RPS: 250},
		{Name: "gongkai check", Kind: "check", Secs: 2, RSS: 50},
	}})
	var out strings.Builder
	if err := table([]string{small, big}, &out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{
		"| item page | p95 < 100 ms | 2.00 / 5.00 (n 100; 0.00) | 20.0 / 250 (n 10; 0.00) | 10.0 | no: 100k 2.5× over |",
		"| random item pages | ≥ 500 req/s | 1000 req/s",
		"| 0.2 | no: 100k 2.00× short |",
		"| gongkai check | < 100 MB | 0.20 s, 35 MB | 2.00 s, 50 MB | 10.0 | yes |",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("table lacks %q:\n%s", want, s)
		}
	}
}

func TestPct(t *testing.T) {
	v := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}
	if p50, p95 := pct(v, 0.5), pct(v, 0.95); p50 != 10 || p95 != 19 {
		t.Errorf("p50 %v p95 %v, want 10 and 19", p50, p95)
	}
	if got := pct([]float64{7}, 0.95); got != 7 {
		t.Errorf("p95 of one sample: %v", got)
	}
}
