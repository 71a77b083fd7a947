package export

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/signintech/gopdf"

	"gongkai/internal/annual"
	"gongkai/internal/errs"
	"gongkai/internal/letter"
	"gongkai/internal/letter/font"
)

// PDF geometry in points: A4 portrait, 25 mm top and bottom, 20 mm left
// and right (the tables need the width: table 四 has 15 figure columns).
const (
	mm         = 72 / 25.4
	pageW      = 595.28
	pageH      = 841.89
	marginTop  = 25 * mm
	marginLeft = 20 * mm
	textW      = pageW - 2*marginLeft
	bottom     = pageH - 25*mm
	footerY    = pageH - 17*mm

	titleSize = 18.0
	titleLead = 28.0
	headSize  = 14.0
	headLead  = 26.0
	bodySize  = 12.0
	bodyLead  = 21.0
	cellSize  = 9.0
	cellLead  = 12.0
	cellPadX  = 2.5
	cellPadY  = 3.0
	footSize  = 10.5
)

type pdfDoc struct {
	gp     *gopdf.GoPdf
	y      float64
	page   int
	size   float64
	widths map[[2]float64]float64
	notes  map[string]Note
	err    error
}

func writePDF(w io.Writer, r *annual.Report) error {
	fc, err := letter.PDFFonts()
	if err != nil {
		return errs.Wrap(err, "export: pdf font")
	}
	d := &pdfDoc{gp: &gopdf.GoPdf{}, widths: map[[2]float64]float64{}}
	d.gp.Start(gopdf.Config{PageSize: gopdf.Rect{W: pageW, H: pageH}, Unit: gopdf.UnitPT})
	if err := d.gp.AddTTFFontFromFontContainer(font.Family, fc); err != nil {
		return errs.Wrap(err, "export: pdf font")
	}
	d.gp.SetInfo(gopdf.PdfInfo{Title: r.Title, Author: r.Body, Subject: "政府信息公开工作年度报告", Creator: "gongkai", Producer: "gongkai"})
	d.setSize(bodySize)
	d.newPage()
	d.layout(r)
	d.footer()
	if d.err != nil {
		return errs.Wrap(d.err, "export: pdf")
	}
	if _, err := d.gp.WriteTo(w); err != nil {
		return errs.Wrap(err, "export: pdf write")
	}
	return nil
}

func (d *pdfDoc) layout(r *annual.Report) {
	title := r.Title
	if title == "" {
		title = fmt.Sprintf("%d年政府信息公开工作年度报告", r.Year)
	}
	d.setSize(titleSize)
	for _, line := range letter.Wrap(clean(title), textW, textW, d.width) {
		d.need(titleLead)
		d.text(marginLeft, d.y, textW, line, center)
		d.y += titleLead
	}
	d.y += bodyLead / 2
	list, byKey := notes(r)
	d.notes = byKey
	drawn := map[string]bool{}
	for _, p := range r.Parts {
		d.heading(partTitle(p))
		for _, para := range paragraphs(p.Text) {
			d.para(para)
		}
		if t := tableFor(r, p); t != nil {
			drawn[t.Code] = true
			d.table(t)
		}
	}
	// Tables no part names (a report without parts) follow with their titles.
	for _, t := range tables(r) {
		if !drawn[t.Code] {
			d.heading(t.Title)
			d.table(t)
		}
	}
	if len(list) > 0 {
		d.heading(NotesHeading)
		for _, n := range list {
			d.para(n.Text())
		}
	}
	d.heading(ChecksHeading)
	for i, c := range r.Checks {
		d.para(CheckLine(i, c))
	}
}

// clean drops control characters and replaces a character the font lacks
// (a rare CJK extension character, an emoji) with □, so that nothing prints
// as a silent blank and staff text never stops the export.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		if ok, err := font.Has(r); err == nil && !ok {
			if r == ' ' || unicode.IsSpace(r) {
				return ' '
			}
			return '□'
		}
		return r
	}, s)
}

func (d *pdfDoc) setSize(size float64) {
	if d.size == size || d.err != nil {
		return
	}
	d.size = size
	d.err = d.gp.SetFont(font.Family, "", size)
}

func (d *pdfDoc) width(r rune) float64 {
	k := [2]float64{float64(r), d.size}
	if w, ok := d.widths[k]; ok {
		return w
	}
	w, err := d.gp.MeasureTextWidth(string(r))
	if err != nil && d.err == nil {
		d.err = err
	}
	d.widths[k] = w
	return w
}

func (d *pdfDoc) strWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		w += d.width(r)
	}
	return w
}

func (d *pdfDoc) newPage() {
	d.footer()
	d.gp.AddPage()
	d.page++
	d.y = marginTop
}

// footer writes the page number "— N —" centred below the text, as the
// page's last text.
func (d *pdfDoc) footer() {
	if d.page == 0 {
		return
	}
	size := d.size
	d.setSize(footSize)
	d.text(marginLeft, footerY, textW, fmt.Sprintf("— %d —", d.page), center)
	d.setSize(size)
}

func (d *pdfDoc) need(h float64) {
	if d.y+h > bottom+0.01 {
		d.newPage()
	}
}

type halign int

const (
	left halign = iota
	center
)

// text draws one line in the box [x, x+w) with its top at y.
func (d *pdfDoc) text(x, y, w float64, s string, a halign) {
	if d.err != nil || s == "" {
		return
	}
	if a == center {
		x += (w - d.strWidth(s)) / 2
	}
	d.gp.SetXY(x, y)
	if err := d.gp.Cell(nil, s); err != nil && d.err == nil {
		d.err = err
	}
}

func (d *pdfDoc) heading(s string) {
	d.setSize(headSize)
	lines := letter.Wrap(clean(s), textW, textW, d.width)
	// Keep a heading with at least two body lines.
	d.need(float64(len(lines))*headLead + 2*bodyLead)
	d.y += 4
	for _, line := range lines {
		d.text(marginLeft, d.y, textW, line, left)
		d.y += headLead
	}
}

// para is a body paragraph, first line indented by two characters.
func (d *pdfDoc) para(s string) {
	d.setSize(bodySize)
	ind := 2 * bodySize
	for i, line := range letter.Wrap(clean(s), textW-ind, textW, d.width) {
		d.need(bodyLead)
		x := marginLeft
		if i == 0 {
			x += ind
		}
		d.text(x, d.y, textW, line, left)
		d.y += bodyLead
	}
}

// colWidths shares the text width between the grid's columns: figure
// columns equal (at most 60 pt), label columns by their longest unmerged
// text (between 4 and 20 characters' worth).
func colWidths(g *Grid) []float64 {
	ws := make([]float64, g.Cols)
	if g.Cols == 0 {
		return ws
	}
	nlab := g.LabelCols
	if nlab >= g.Cols {
		nlab = g.Cols - 1
	}
	nnum := g.Cols - nlab
	if nlab == 0 {
		for i := range ws {
			ws[i] = textW / float64(g.Cols)
		}
		return ws
	}
	numW := min(60, textW*0.6/float64(nnum))
	weights := make([]float64, nlab)
	for i := range weights {
		weights[i] = 4
	}
	for _, c := range g.Cells {
		if c.ColSpan == 1 && c.Col < nlab && c.Kind != KindHead {
			weights[c.Col] = max(weights[c.Col], min(20, float64(len([]rune(c.Text)))))
		}
	}
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	rest := textW - numW*float64(nnum)
	for i := range ws {
		if i < nlab {
			ws[i] = rest * weights[i] / sum
		} else {
			ws[i] = numW
		}
	}
	return ws
}

// table draws a laid-out table: row heights from the wrapped cell texts,
// page breaks between rows with the block's header rows repeated, and a
// merged cell cut at a page break drawn (with its text) on both pages.
func (d *pdfDoc) table(t *annual.Table) {
	g := Layout(t)
	if len(g.Rows) == 0 {
		return
	}
	d.setSize(cellSize)
	ws := colWidths(g)
	xs := make([]float64, g.Cols+1)
	xs[0] = marginLeft
	for i, w := range ws {
		xs[i+1] = xs[i] + w
	}
	lines := map[*GCell][]string{}
	for _, c := range g.Cells {
		inner := xs[c.Col+c.ColSpan] - xs[c.Col] - 2*cellPadX
		lines[c] = capLines(letter.Wrap(clean(cellText(c, d.notes)), inner, inner, d.width))
	}
	hs := make([]float64, len(g.Rows))
	for i := range hs {
		hs[i] = cellLead + 2*cellPadY
	}
	need := func(c *GCell) float64 { return float64(len(lines[c]))*cellLead + 2*cellPadY }
	cells := append([]*GCell(nil), g.Cells...)
	sort.SliceStable(cells, func(i, j int) bool { return cells[i].RowSpan < cells[j].RowSpan })
	for _, c := range cells {
		have := 0.0
		for r := c.Row; r < c.Row+c.RowSpan; r++ {
			have += hs[r]
		}
		if n := need(c); n > have {
			hs[c.Row+c.RowSpan-1] += n - have
		}
	}

	// Pagination: a page is a list of grid rows; each page after the first
	// starts with the header rows of the block its first data row is in.
	d.y += 4
	var pages [][]int
	var cur []int
	y := d.y
	for i := 0; i < len(g.Rows); {
		if g.Rows[i].Head {
			// The header group and the first data row after it stay together.
			j, h := i, 0.0
			for j < len(g.Rows) && g.Rows[j].Head {
				h += hs[j]
				j++
			}
			if j < len(g.Rows) {
				h += hs[j]
				j++
			}
			if y+h > bottom && len(cur) > 0 {
				pages = append(pages, cur)
				cur, y = nil, marginTop
			}
			for ; i < j; i++ {
				cur = append(cur, i)
				y += hs[i]
			}
			continue
		}
		if y+hs[i] > bottom && len(cur) > 0 {
			pages = append(pages, cur)
			cur, y = nil, marginTop
			for _, h := range g.HeadRows(g.Rows[i].Block) {
				cur = append(cur, h)
				y += hs[h]
			}
		}
		cur = append(cur, i)
		y += hs[i]
		i++
	}
	pages = append(pages, cur)

	for pi, rows := range pages {
		if pi > 0 || d.y+hs[rows[0]] > bottom {
			d.newPage()
			d.setSize(cellSize)
		}
		// ry: the top of each grid row on this page; a repeated header
		// row and the same row later never both appear on one page.
		ry := map[int]float64{}
		y := d.y
		for _, r := range rows {
			ry[r] = y
			y += hs[r]
		}
		done := map[*GCell]bool{}
		for _, r := range rows {
			for k := 0; k < g.Cols; k++ {
				c := g.At(r, k)
				if c == nil || done[c] {
					continue
				}
				done[c] = true
				// The cell's part on this page: its rows present here.
				top, h := ry[r], 0.0
				for rr := c.Row; rr < c.Row+c.RowSpan; rr++ {
					if _, ok := ry[rr]; ok {
						h += hs[rr]
					}
				}
				d.cell(c, xs[c.Col], top, xs[c.Col+c.ColSpan]-xs[c.Col], h, lines[c])
			}
		}
		d.y = y
	}
	d.y += bodyLead / 2
	d.setSize(bodySize)
}

// maxCellLines caps a cell's lines at half a page, so that a row and the
// header rows repeated above it always fit on one page: a row is never
// taller than a page and need not be split. The template's own labels
// take at most 4 lines and a figure (at most annual.MaxValue characters)
// 2, so only a label far beyond the template's (a renderer's input from
// elsewhere) is cut, its last line ending in "…".
var maxCellLines = int(math.Floor((bottom-marginTop)/2/cellLead)) - 1

func capLines(lines []string) []string {
	if len(lines) <= maxCellLines {
		return lines
	}
	out := append([]string(nil), lines[:maxCellLines]...)
	last := []rune(out[maxCellLines-1])
	if len(last) > 1 {
		last = last[:len(last)-1]
	}
	out[maxCellLines-1] = string(last) + "…"
	return out
}

// cell draws one cell's box and its lines, centred vertically; headers are
// shaded.
func (d *pdfDoc) cell(c *GCell, x, y, w, h float64, lines []string) {
	if d.err != nil {
		return
	}
	if c.Kind == KindHead {
		d.gp.SetFillColor(238, 238, 238)
		d.gp.RectFromUpperLeftWithStyle(x, y, w, h, "F")
		d.gp.SetFillColor(0, 0, 0)
	}
	d.gp.SetLineWidth(0.6)
	d.gp.SetStrokeColor(0, 0, 0)
	d.gp.RectFromUpperLeftWithStyle(x, y, w, h, "D")
	fit := int((h - 2*cellPadY + 0.01) / cellLead)
	if fit < 1 {
		fit = 1
	}
	shown := lines
	if len(shown) > fit {
		// A merged label cut by a page break keeps its whole text on its
		// first page; its rest repeats the text as far as it fits.
		shown = shown[:fit]
	}
	ty := y + (h-float64(len(shown))*cellLead)/2
	a := center
	if c.Kind == KindLabel && len(lines) > 1 {
		a = left
	}
	for _, line := range shown {
		d.text(x+cellPadX, ty, w-2*cellPadX, strings.TrimSpace(line), a)
		ty += cellLead
	}
}
