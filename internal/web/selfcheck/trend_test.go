package selfcheck

import (
	"strings"
	"testing"

	"gongkai/internal/compliance"
)

// The trend chart's axis shows China's days: a run at 07:30 Beijing time on
// 2 December is stored as 23:30 UTC on 1 December (issue 15).
func TestTrendDaysInChina(t *testing.T) {
	svg := string(trendSVG([]compliance.Point{{RanAt: "2026-11-30T23:30:00Z", Findings: 3}, {RanAt: "2026-12-01T23:30:00Z", Findings: 2, Vetoes: 1}}))
	if !strings.Contains(svg, ">2026-12-01</text>") || !strings.Contains(svg, ">2026-12-02</text>") {
		t.Errorf("axis days: %s", svg)
	}
}
