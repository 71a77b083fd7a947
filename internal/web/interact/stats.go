package interact

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"gongkai/internal/errs"
	"gongkai/internal/interact"
	"gongkai/internal/web"
)

type statsPage struct {
	web.Page
	Stats  *interact.Stats
	Year   int
	Month  int
	Years  []int
	Charts []chart
	Error  string
}

// Months are 1…12 for the month selector.
func (p *statsPage) Months() []int { return []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12} }

// statsTable is one table of the page.
type statsTable struct {
	ID, Title string
	Rows      []interact.Group
	P         *statsPage
}

// Table is the data of a table of groups.
func (p *statsPage) Table(id, title string, rows []interact.Group) statsTable {
	return statsTable{ID: id, Title: title, Rows: rows, P: p}
}

// Link is a month row's own statistics; the published answers behind a
// row are PublishedLink (RECORDS §11: each number leads to the list
// behind it).
func (t statsTable) Link(g interact.Group) string {
	switch t.ID {
	case "h-month":
		if y, m, ok := strings.Cut(g.Key, "-"); ok {
			return "/messages/stats?year=" + y + "&month=" + strings.TrimPrefix(m, "0")
		}
	}
	return ""
}

// Period is the statistics' period as the list's received filter.
func (p *statsPage) Period() string {
	if p.Month == 0 {
		return strconv.Itoa(p.Year)
	}
	return fmt.Sprintf("%04d-%02d", p.Year, p.Month)
}

// PublishedLink is the list of exactly the published answers a row
// counts: received in the period (the statistics count by receipt), of the
// row's category, department or month.
func (t statsTable) PublishedLink(g interact.Group) string {
	switch t.ID {
	case "h-cat":
		return "/messages?received=" + t.P.Period() + "&category=" + g.Key
	case "h-dept":
		if g.Key == "0" {
			return ""
		}
		return "/messages?received=" + t.P.Period() + "&department=" + g.Key
	case "h-month":
		return "/messages?received=" + g.Key
	}
	return ""
}

// Pct formats a ratio as a percentage.
func (p *statsPage) Pct(v float64) string { return pct(v) }

// Days formats a number of working days.
func (p *statsPage) Days(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func pct(v float64) string { return strconv.FormatFloat(v*100, 'f', 1, 64) + "%" }

// stats serves GET /messages/stats?year=&month=: the published statistics
// (RECORDS §11.2), generated from the records, never typed in.
func (s *Feature) stats(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	today := s.today()
	p := &statsPage{Page: s.Page(r, "留言统计"), Year: today.Year}
	status := http.StatusOK
	if y := q.Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 2000 || n > today.Year {
			p.Error, status = fmt.Sprintf("年份应为 2000 至 %d", today.Year), http.StatusUnprocessableEntity
		} else {
			p.Year = n
		}
	}
	if m := q.Get("month"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 1 || n > 12 {
			p.Error, status = "月份应为 1 至 12", http.StatusUnprocessableEntity
		} else {
			p.Month = n
		}
	}
	for y := today.Year; y >= today.Year-5; y-- {
		p.Years = append(p.Years, y)
	}
	st, err := s.Messages.Stats(r.Context(), web.SiteOf(r).Site.ID, p.Year, p.Month)
	if err != nil {
		if errs.CodeOf(err) == errs.Invalid {
			p.Error, status = errs.MessageOf(err), http.StatusUnprocessableEntity
		} else {
			s.ErrorPage(w, r, err)
			return
		}
	}
	p.Stats = st
	if st != nil {
		p.Title = st.Period() + "留言统计"
		if len(st.ByMonth) > 0 {
			var labels []string
			var rec, ans []int
			for _, g := range st.ByMonth {
				labels, rec, ans = append(labels, g.Label), append(rec, g.Received), append(ans, g.Answered)
			}
			title := st.Period() + "各月收到和答复留言数"
			p.Charts = append(p.Charts, chart{title, barChart("chart-month", title, labels, []series{{"收到", "#1f5fa8", rec}, {"答复", "#2e7d32", ans}})})
		}
		var labels []string
		var rec, ans []int
		for _, g := range st.ByCategory {
			labels, rec, ans = append(labels, g.Label), append(rec, g.Received), append(ans, g.Answered)
		}
		title := st.Period() + "各类别收到和答复留言数"
		p.Charts = append(p.Charts, chart{title, barChart("chart-cat", title, labels, []series{{"收到", "#1f5fa8", rec}, {"答复", "#2e7d32", ans}})})
	}
	s.Render(w, r, status, "public/message_stats", p)
}

// chart is a figure of the page: its caption and its SVG.
type chart struct {
	Title string
	SVG   template.HTML
}

type series struct {
	Name, Color string
	Values      []int
}

// barChart draws a grouped bar chart as inline SVG, rendered on the server:
// no script, text in currentColor (so it follows the display mode), a
// title and a description for screen readers, and the same figures in the
// table beside it.
func barChart(id, title string, labels []string, ss []series) template.HTML {
	const w, h, left, bottom, top = 720, 260, 40, 40, 30
	maxV := 1
	for _, s := range ss {
		for _, v := range s.Values {
			maxV = max(maxV, v)
		}
	}
	// A round scale: 1, 2 or 5 × 10^n per step, four steps.
	step := niceStep(maxV)
	top4 := step * 4
	plotH := float64(h - bottom - top)
	y := func(v int) float64 { return float64(h-bottom) - plotH*float64(v)/float64(top4) }
	var b strings.Builder
	esc := html.EscapeString
	var desc []string
	for i, l := range labels {
		var parts []string
		for _, s := range ss {
			parts = append(parts, fmt.Sprintf("%s%d", s.Name, s.Values[i]))
		}
		desc = append(desc, l+"："+strings.Join(parts, "，"))
	}
	fmt.Fprintf(&b, `<svg class="chart" id="%s" role="img" aria-labelledby="%s-t %s-d" viewBox="0 0 %d %d" width="100%%" preserveAspectRatio="xMidYMid meet">`, id, id, id, w, h)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(title), id, esc(strings.Join(desc, "；")))
	for i := 0; i <= 4; i++ {
		v := step * i
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="currentColor" stroke-opacity="0.25"/>`, left, w-10, y(v), y(v))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" font-size="12" text-anchor="end" fill="currentColor">%d</text>`, left-6, y(v)+4, v)
	}
	n := max(len(labels), 1)
	slot := float64(w-left-10) / float64(n)
	bw := slot * 0.7 / float64(max(len(ss), 1))
	for i, l := range labels {
		x0 := float64(left) + slot*float64(i) + slot*0.15
		for j, s := range ss {
			v := s.Values[i]
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s：%d</title></rect>`,
				x0+bw*float64(j), y(v), bw, float64(h-bottom)-y(v), s.Color, esc(l), esc(s.Name), v)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="12" text-anchor="middle" fill="currentColor">%s</text>`, x0+slot*0.35, h-bottom+16, esc(l))
	}
	for j, s := range ss {
		x := left + j*90
		fmt.Fprintf(&b, `<rect x="%d" y="6" width="12" height="12" fill="%s"/><text x="%d" y="16" font-size="12" fill="currentColor">%s</text>`, x, s.Color, x+16, esc(s.Name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text above is escaped
}

// niceStep is the smallest 1, 2 or 5 × 10^n whose four steps reach maxV.
func niceStep(maxV int) int {
	for mult := 1; ; mult *= 10 {
		for _, k := range []int{1, 2, 5} {
			if k*mult*4 >= maxV {
				return k * mult
			}
		}
	}
}
