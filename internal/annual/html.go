package annual

import (
	"fmt"
	"html"
	"io"
	"strings"
)

// HTMLOptions change how WriteTablesHTML draws cells.
type HTMLOptions struct {
	// CellLink returns the href of a number's drill-down ("" for none).
	CellLink func(t *Table, row *Row, col string, c *Cell) string
	// Marks draws the override mark (staff pages).
	Marks bool
	// IDPrefix keeps the header ids unique when several reports share a
	// page (the comparison).
	IDPrefix string
}

// WriteHTMLFragment writes the report's six parts with their tables, as
// accessible HTML (captions, th scope, headers, the template's merged
// cells): the catalogue item's body and the public page's content.
func WriteHTMLFragment(w io.Writer, r *Report) error {
	return WritePartsHTML(w, r, HTMLOptions{})
}

// WritePartsHTML writes the parts in order, each table under its part.
func WritePartsHTML(w io.Writer, r *Report, o HTMLOptions) error {
	var b strings.Builder
	for _, p := range r.Parts {
		fmt.Fprintf(&b, "<h2>%s、%s</h2>\n", p.No, html.EscapeString(p.Title))
		same := map[int]bool{}
		for _, i := range p.SameAsLastYear {
			same[i] = true
		}
		for i, para := range Paragraphs(p.Text) {
			if o.Marks && same[i] {
				fmt.Fprintf(&b, "<p class=\"annual-same\"><mark>与上年报告相同：</mark>%s</p>\n", html.EscapeString(para))
			} else {
				fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(para))
			}
		}
		if t := r.Table(p.Table); t != nil {
			writeTable(&b, t, o)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteTablesHTML writes one table.
func WriteTableHTML(w io.Writer, t *Table, o HTMLOptions) error {
	var b strings.Builder
	writeTable(&b, t, o)
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteHTML writes a whole standalone HTML document (the CLI's html).
func WriteHTML(w io.Writer, r *Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>%s</title>\n", html.EscapeString(r.Title))
	b.WriteString("<style>body{font-family:sans-serif;max-width:60rem;margin:auto;padding:1rem;line-height:1.6}table{border-collapse:collapse;margin:1rem 0;width:100%}th,td{border:1px solid #444;padding:.25rem .4rem}td{text-align:right}caption{font-weight:bold;text-align:left}</style>\n</head>\n<body>\n<main>\n")
	fmt.Fprintf(&b, "<h1>%s</h1>\n", html.EscapeString(r.Title))
	if r.IndexNo != "" {
		fmt.Fprintf(&b, "<p>索引号：%s</p>\n", html.EscapeString(r.IndexNo))
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	if err := WriteHTMLFragment(w, r); err != nil {
		return err
	}
	_, err := io.WriteString(w, "</main>\n</body>\n</html>\n")
	return err
}

type headSpan struct {
	id         string
	start, end int // columns [start, end)
}

func writeTable(b *strings.Builder, t *Table, o HTMLOptions) {
	for bi, bl := range t.Blocks {
		prefix := fmt.Sprintf("%s%s-%d", o.IDPrefix, t.Code, bi)
		caption := t.Title
		if bl.Label != "" {
			caption += "：" + bl.Label
		}
		fmt.Fprintf(b, "<table class=\"annual-table\" id=\"%s\" tabindex=\"0\">\n<caption>%s</caption>\n<thead>\n", prefix, html.EscapeString(caption))
		// Lay the header out on a grid to know which columns each cell covers.
		var spans []headSpan
		width := 0
		occupied := map[[2]int]bool{}
		for ri, hr := range bl.Head {
			b.WriteString("<tr>")
			col := 0
			for ci, hc := range hr {
				for occupied[[2]int{ri, col}] {
					col++
				}
				cs, rs := max(hc.ColSpan, 1), max(hc.RowSpan, 1)
				for dr := 0; dr < rs; dr++ {
					for dc := 0; dc < cs; dc++ {
						occupied[[2]int{ri + dr, col + dc}] = true
					}
				}
				id := fmt.Sprintf("%s-h%d-%d", prefix, ri, ci)
				scope := "col"
				if cs > 1 {
					scope = "colgroup"
				}
				attrs := fmt.Sprintf(" id=\"%s\" scope=\"%s\"", id, scope)
				if cs > 1 {
					attrs += fmt.Sprintf(" colspan=\"%d\"", cs)
				}
				if rs > 1 {
					attrs += fmt.Sprintf(" rowspan=\"%d\"", rs)
				}
				fmt.Fprintf(b, "<th%s>%s</th>", attrs, html.EscapeString(hc.Text))
				spans = append(spans, headSpan{id, col, col + cs})
				col += cs
				width = max(width, col)
			}
			b.WriteString("</tr>\n")
		}
		b.WriteString("</thead>\n<tbody>\n")
		dataCols := width - bl.LabelCols
		cellSpan := 1
		if len(bl.Columns) > 0 && dataCols > len(bl.Columns) {
			cellSpan = dataCols / len(bl.Columns)
		}
		headersOf := func(start, end int) []string {
			var ids []string
			for _, s := range spans {
				if s.start < end && start < s.end && s.start >= bl.LabelCols {
					ids = append(ids, s.id)
				}
			}
			return ids
		}
		for ri, row := range bl.Rows {
			rowID := fmt.Sprintf("%s-r%d", prefix, ri)
			b.WriteString("<tr>")
			var rowHeaders []string
			switch bl.LabelCols {
			case 0:
			case 1:
				fmt.Fprintf(b, "<th id=\"%s\" scope=\"row\">%s</th>", rowID, html.EscapeString(row.Label))
				rowHeaders = append(rowHeaders, rowID)
			default:
				rowHeaders = writeLabels3(b, bl.Rows, ri, rowID, prefix)
			}
			for ci, col := range bl.Columns {
				c := row.Cells[col]
				start := bl.LabelCols + ci*cellSpan
				hs := append(headersOf(start, start+cellSpan), rowHeaders...)
				attrs := fmt.Sprintf(" headers=\"%s\"", strings.Join(hs, " "))
				if cellSpan > 1 {
					attrs += fmt.Sprintf(" colspan=\"%d\"", cellSpan)
				}
				if c == nil {
					fmt.Fprintf(b, "<td%s></td>", attrs)
					continue
				}
				v := html.EscapeString(c.Value)
				if o.CellLink != nil {
					if href := o.CellLink(t, row, col, c); href != "" {
						v = fmt.Sprintf("<a href=\"%s\">%s</a>", html.EscapeString(href), v)
					}
				}
				if o.Marks && c.Override != nil {
					attrs += " class=\"annual-override\""
					v += fmt.Sprintf("<span class=\"annual-mark\" title=\"%s\">（人工修改，计算值 %s）</span>", html.EscapeString(c.Override.Reason), html.EscapeString(c.Computed))
				}
				fmt.Fprintf(b, "<td%s>%s</td>", attrs, v)
			}
			b.WriteString("</tr>\n")
		}
		b.WriteString("</tbody>\n</table>\n")
	}
}

// writeLabels3 draws table 三's three label columns for row ri, merging
// equal consecutive Section and Group cells (the template's rowspans 22,
// 8, 3, 5, 3); it returns the ids of the row's header cells.
func writeLabels3(b *strings.Builder, rows []*Row, ri int, rowID, prefix string) []string {
	row := rows[ri]
	var ids []string
	if row.Section == "" {
		fmt.Fprintf(b, "<th id=\"%s\" scope=\"row\" colspan=\"3\">%s</th>", rowID, html.EscapeString(row.Label))
		return []string{rowID}
	}
	// The section's first row draws the merged section cell.
	first := ri
	for first > 0 && rows[first-1].Section == row.Section {
		first--
	}
	secID := fmt.Sprintf("%s-s%d", prefix, first)
	if first == ri {
		n := 0
		for j := ri; j < len(rows) && rows[j].Section == row.Section; j++ {
			n++
		}
		fmt.Fprintf(b, "<th id=\"%s\" scope=\"rowgroup\" rowspan=\"%d\">%s</th>", secID, n, html.EscapeString(row.Section))
	}
	ids = append(ids, secID)
	if row.Group == "" {
		fmt.Fprintf(b, "<th id=\"%s\" scope=\"row\" colspan=\"2\">%s</th>", rowID, html.EscapeString(row.Label))
		return append(ids, rowID)
	}
	gfirst := ri
	for gfirst > 0 && rows[gfirst-1].Group == row.Group && rows[gfirst-1].Section == row.Section {
		gfirst--
	}
	gID := fmt.Sprintf("%s-g%d", prefix, gfirst)
	if gfirst == ri {
		n := 0
		for j := ri; j < len(rows) && rows[j].Group == row.Group; j++ {
			n++
		}
		fmt.Fprintf(b, "<th id=\"%s\" scope=\"rowgroup\" rowspan=\"%d\">%s</th>", gID, n, html.EscapeString(row.Group))
	}
	fmt.Fprintf(b, "<th id=\"%s\" scope=\"row\">%s</th>", rowID, html.EscapeString(row.Label))
	return append(ids, gID, rowID)
}
