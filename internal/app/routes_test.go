package app

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/routes.golden")

// TestRoutesGolden keeps every route of every surface in one file, so a
// reviewer sees in one place what a change adds or removes. After adding a
// route on purpose: go test ./internal/app -run RoutesGolden -update
func TestRoutesGolden(t *testing.T) {
	t.Parallel()
	kit, err := Describe()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("# Every route of every surface (internal/app TestRoutesGolden; -update rewrites).\n")
	seen := map[string]bool{}
	for _, rt := range kit.Routes() {
		line := fmt.Sprintf("%-7s %s\n", rt.Surface, rt.Pattern)
		if seen[line] {
			t.Errorf("route registered twice: %s", line)
		}
		seen[line] = true
		b.WriteString(line)
	}
	golden := filepath.Join("testdata", "routes.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("routes differ from %s (run with -update after a deliberate change):\n--- got\n%s--- want\n%s", golden, got, want)
	}
}
