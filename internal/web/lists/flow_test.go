package lists

import (
	"strings"
	"testing"
)

func TestFlowSteps(t *testing.T) {
	got := flowSteps("1. 受理\n\n2、审查\n（3）决定\n 送达 \n")
	if strings.Join(got, "|") != "受理|审查|决定|送达" {
		t.Errorf("steps = %q", got)
	}
	if flowOf("x", "\n \n") != nil {
		t.Error("no steps must draw no chart")
	}
}

func TestFlowchartIsAccessibleAndEscaped(t *testing.T) {
	long := strings.Repeat("长", 45)
	f := flowOf("律师执业许可办理流程图", "申请\n<script>alert(1)</script>\n"+long)
	svg := string(f.SVG)
	for _, want := range []string{`role="img"`, `aria-labelledby="flow-t flow-d"`, `<title id="flow-t">律师执业许可办理流程图</title>`,
		`<desc id="flow-d">共 3 个环节：第1步 申请；第2步 &lt;script&gt;alert(1)&lt;/script&gt;；第3步 ` + long + `</desc>`} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %s", want)
		}
	}
	if strings.Contains(svg, "<script>") {
		t.Error("a step's text is not escaped")
	}
	if n := strings.Count(svg, "<rect "); n != 3 {
		t.Errorf("%d boxes for 3 steps", n)
	}
	if n := strings.Count(svg, "<line "); n != 2 {
		t.Errorf("%d arrows between 3 steps", n)
	}
	// Lines of at most 20 characters: 1 + 2 (25 characters) + 3 (45).
	if n := strings.Count(svg, "<text "); n != 1+2+3 {
		t.Errorf("%d text lines, want 6", n)
	}
	if len(f.Steps) != 3 || f.Steps[1] != "<script>alert(1)</script>" {
		t.Errorf("text alternative = %q (escaped by the template)", f.Steps)
	}
	many := strings.Repeat("步\n", maxFlowSteps+10)
	if got := len(flowOf("x", many).Steps); got != maxFlowSteps {
		t.Errorf("%d steps drawn, want at most %d", got, maxFlowSteps)
	}
}
