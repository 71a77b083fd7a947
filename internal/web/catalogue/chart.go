package catalogue

import (
	"fmt"
	"html"
	"html/template"
	"strconv"
	"strings"

	"gongkai/internal/catalog"
)

// chartColours are distinguishable for the common colour-vision
// deficiencies and keep 3:1 against white (WCAG 1.4.11); the series are
// also told apart by the legend order and the value printed on each bar.
var chartColours = []string{"#1f5fa8", "#c2410c", "#15803d", "#7c3aed", "#a16207", "#be185d", "#0e7490", "#4d5562"}

// barChart draws a statistics table as a horizontal grouped bar chart in
// SVG: one group per row, one bar per series, each bar labelled with its
// value. The table next to it is the full text alternative, so the SVG is
// an image with a title and a short description (role="img").
func barChart(id, title string, t *catalog.DataTable) template.HTML {
	series := len(t.Header) - 1
	const labelW, plotW, barH, gap, top = 180, 380, 14, 12, 28
	groupH := series*barH + gap
	w, h := labelW+plotW+90, top+len(t.Rows)*groupH+8
	max := t.Max()
	if max == 0 {
		max = 1
	}
	var b strings.Builder
	esc := html.EscapeString
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg">`, w, h, id, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">条形图：%d 个项目，%d 组数据（%s）；数值见下表。</desc>`, id, esc(title), id, len(t.Rows), series, esc(strings.Join(t.Header[1:], "、")))
	// Legend.
	x := labelW
	for j, name := range t.Header[1:] {
		c := chartColours[j%len(chartColours)]
		fmt.Fprintf(&b, `<rect x="%d" y="6" width="12" height="12" fill="%s"/><text x="%d" y="16" font-size="12">%s</text>`, x, c, x+16, esc(name))
		x += 16 + 13*len([]rune(name)) + 16
	}
	for i, row := range t.Rows {
		y := top + i*groupH
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" text-anchor="end">%s</text>`, labelW-8, y+groupH/2, esc(clipLabel(row[0], 14)))
		for j := range series {
			by := y + j*barH
			if t.Missing[i][j] {
				fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="#4d5562">无数据</text>`, labelW+4, by+barH-3)
				continue
			}
			v := t.Values[i][j]
			bw := int(v / max * plotW)
			if v > 0 && bw < 1 {
				bw = 1
			}
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/><text x="%d" y="%d" font-size="11">%s</text>`,
				labelW, by, bw, barH-2, chartColours[j%len(chartColours)], labelW+bw+4, by+barH-3, esc(number(v)))
		}
	}
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#4d5562"/>`, labelW, top-4, labelW, h-8)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// number prints a value as the table does: an integer without decimals,
// otherwise up to two.
func number(v float64) string {
	if v == float64(int64(v)) {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func clipLabel(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
