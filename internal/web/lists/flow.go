package lists

import (
	"fmt"
	"html"
	"html/template"
	"strings"
	"unicode/utf8"
)

// The process flowchart (办事流程图, 执法流程图) of a kind that declares Flow:
// drawn on the server from the declared steps as inline SVG (role="img",
// with <title> and <desc>), next to an ordered list of the same steps as its
// text alternative (RECORDS §3.3: "chart needs a text alternative"; 118号
// requires the 执法流程图 [R12]). Never an uploaded picture: the chart
// always says what the steps say.

// flowView is a flowchart and its text alternative.
type flowView struct {
	ID    string
	SVG   template.HTML
	Steps []string
}

// flowSteps splits the steps field: one step a line, numbering ("1." "1、"
// "（1）") and blank lines dropped.
func flowSteps(v string) []string {
	var out []string
	for _, l := range strings.Split(v, "\n") {
		l = strings.TrimSpace(l)
		l = strings.TrimLeft(l, "0123456789０１２３４５６７８９.、．)）(（ ")
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// wrapRunes breaks s into lines of at most n characters.
func wrapRunes(s string, n int) []string {
	var out []string
	r := []rune(s)
	for len(r) > n {
		out = append(out, string(r[:n]))
		r = r[n:]
	}
	return append(out, string(r))
}

const (
	flowWidth   = 560
	flowBoxW    = 480
	flowLineH   = 22
	flowPad     = 12
	flowGap     = 32
	flowPerLine = 20 // CJK characters per line at 16px in a 480px box
)

// flowchart draws steps top to bottom, boxes joined by arrows.
func flowchart(id, title string, steps []string) flowView {
	var b strings.Builder
	y := 16
	type box struct {
		y, h  int
		lines []string
	}
	var boxes []box
	for _, st := range steps {
		ls := wrapRunes(st, flowPerLine)
		h := len(ls)*flowLineH + 2*flowPad
		boxes = append(boxes, box{y, h, ls})
		y += h + flowGap
	}
	height := y - flowGap + 16
	x := (flowWidth - flowBoxW) / 2
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="flowchart" role="img" aria-labelledby="%s-t %s-d" viewBox="0 0 %d %d" width="100%%">`,
		id, id, flowWidth, height)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title>`, id, html.EscapeString(title))
	fmt.Fprintf(&b, `<desc id="%s-d">共 %d 个环节：%s</desc>`, id, len(steps), html.EscapeString(strings.Join(numbered(steps), "；")))
	fmt.Fprintf(&b, `<defs><marker id="%s-a" viewBox="0 0 10 10" refX="5" refY="9" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0 0 L10 0 L5 10 z" fill="currentColor"/></marker></defs>`, id)
	for i, bx := range boxes {
		rx := 6
		if i == 0 || i == len(boxes)-1 {
			rx = bx.h / 2 // start and end: rounded (terminal) boxes
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="%d" fill="none" stroke="currentColor" stroke-width="2"/>`, x, bx.y, flowBoxW, bx.h, rx)
		for j, l := range bx.lines {
			text := l
			if j == 0 {
				text = fmt.Sprintf("%d. %s", i+1, l)
			}
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-size="16" fill="currentColor">%s</text>`,
				flowWidth/2, bx.y+flowPad+(j+1)*flowLineH-5, html.EscapeString(text))
		}
		if i < len(boxes)-1 {
			fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="currentColor" stroke-width="2" marker-end="url(#%s-a)"/>`,
				flowWidth/2, bx.y+bx.h, flowWidth/2, bx.y+bx.h+flowGap-4, id)
		}
	}
	b.WriteString(`</svg>`)
	return flowView{ID: id, SVG: template.HTML(b.String()), Steps: steps}
}

func numbered(steps []string) []string {
	out := make([]string, len(steps))
	for i, s := range steps {
		out[i] = fmt.Sprintf("第%d步 %s", i+1, s)
	}
	return out
}

// maxFlowSteps bounds a chart (a 5000-character field of one-character
// lines would draw thousands of boxes).
const maxFlowSteps = 40

func flowOf(title, steps string) *flowView {
	st := flowSteps(steps)
	if len(st) == 0 {
		return nil
	}
	if len(st) > maxFlowSteps {
		st = st[:maxFlowSteps]
	}
	for i, s := range st {
		if utf8.RuneCountInString(s) > 200 {
			st[i] = string([]rune(s)[:200]) + "…"
		}
	}
	v := flowchart("flow", title, st)
	return &v
}
