package catalog

import (
	"strings"
	"testing"
)

func TestMergeInputs(t *testing.T) {
	pt := DocTypeByCode("general")
	base := &Input{DocType: "general", Title: "标题", Summary: "摘要", Body: "<p>一</p>", Fields: map[string]string{}, Version: 1}
	sigs := pt.Signatures(base)
	theirs := cloneInput(base)
	theirs.Title, theirs.Body, theirs.Version = "对方标题", "<p>一</p><p>对方</p>", 2
	mine := cloneInput(base)
	mine.Summary, mine.Body = "我的摘要", "<p>一</p><p>我的</p>\r\n"
	merged, m := pt.MergeInputs(sigs, &mine, &theirs)
	if merged.Title != "对方标题" || merged.Summary != "我的摘要" || merged.Version != 2 || !strings.Contains(merged.Body, "我的") {
		t.Errorf("merged %+v", merged)
	}
	if len(m.Taken) != 1 || m.Taken[0].Name != "title" || len(m.Clashes) != 1 || m.Clashes[0].Name != "body" {
		t.Errorf("merge %+v", m)
	}
	// Without the base every difference is a clash.
	if _, m := pt.MergeInputs(nil, &mine, &theirs); len(m.Clashes) != 3 || len(m.Taken) != 0 {
		t.Errorf("no base: %+v", m)
	}
	// Only a CRLF difference is no change.
	crlf := cloneInput(base)
	crlf.Body = "<p>一</p>\r\n"
	if c := pt.Compare(base, &crlf); len(c) != 0 {
		t.Errorf("CRLF counted as a change: %+v", c)
	}
	TakeField(&mine, &theirs, "body")
	if mine.Body != theirs.Body {
		t.Error("TakeField body")
	}
}

func TestCompareBodyLines(t *testing.T) {
	pt := DocTypeByCode("general")
	a := &Input{DocType: "general", Body: "<p>一</p><p>二</p><p>三</p>", Fields: map[string]string{}}
	b := &Input{DocType: "general", Body: "<p>一</p><p>二改</p><p>三</p><p>四 &amp; 五</p>", Fields: map[string]string{}}
	c := pt.Compare(a, b)
	if len(c) != 1 || c[0].Name != "body" {
		t.Fatalf("changes %+v", c)
	}
	var ops []string
	for _, l := range c[0].Lines {
		ops = append(ops, l.Op+l.Text)
	}
	if got := strings.Join(ops, "|"); got != "=一|-二|+二改|=三|+四 & 五" {
		t.Errorf("line diff %s", got)
	}
	// A change in markup only shows the markup.
	m := &Input{DocType: "general", Body: "<p>一</p><p><strong>二</strong></p><p>三</p>", Fields: map[string]string{}}
	if c := pt.Compare(a, m); len(c) != 1 || !strings.Contains(c[0].Lines[1].Text+c[0].Lines[2].Text, "<strong>") {
		t.Errorf("markup change %+v", c)
	}
	// Beyond the table bound the diff is whole.
	long := make([]string, 3000)
	for i := range long {
		long[i] = strings.Repeat("x", i%7)
	}
	if d := LineDiff(long, append(long[1:], "y")); len(d) != 6000 {
		t.Errorf("bounded diff: %d lines", len(d))
	}
}
