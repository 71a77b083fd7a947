package letter

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/signintech/gopdf"

	"gongkai/internal/errs"
	"gongkai/internal/letter/font"
)

// Page geometry in points (1 mm = 72/25.4 pt), after GB/T 9704-2012 (党政机关
// 公文格式): A4, top margin 37 mm, left 28 mm, text block 156 × 225 mm;
// body 16 pt (三号) at 22 lines a page, title 22 pt (二号), page numbers
// 14 pt (四号) below the text block.
const (
	mm         = 72 / 25.4
	pageW      = 595.28
	pageH      = 841.89
	marginTop  = 37 * mm
	marginLeft = 28 * mm
	textW      = 156 * mm
	textH      = 225 * mm
	bodySize   = 16.0
	bodyLead   = textH / 22
	titleSize  = 22.0
	titleLead  = 34.0
	smallSize  = 14.0
	smallLead  = 24.0
	footerY    = marginTop + textH + 7*mm
)

var (
	fontOnce      sync.Once
	fontContainer *gopdf.FontContainer
	fontErr       error
)

// fonts parses the embedded font once per process; each PDF then takes its
// own subset from the shared, read-only parse.
func fonts() (*gopdf.FontContainer, error) {
	fontOnce.Do(func() { fontContainer, fontErr = parseFont() })
	return fontContainer, fontErr
}

func parseFont() (*gopdf.FontContainer, error) {
	ttf, err := font.TTF()
	if err != nil {
		return nil, err
	}
	fc := &gopdf.FontContainer{}
	if err := fc.AddTTFFontData(font.Family, ttf); err != nil {
		return nil, fmt.Errorf("letter: font: %w", err)
	}
	return fc, nil
}

// RenderPDF writes the letter as an A4 PDF with the embedded Chinese font.
func RenderPDF(w io.Writer, l Letter) error { return Default.RenderPDF(w, l) }

// PDF returns the letter as an A4 PDF.
func PDF(l Letter) ([]byte, error) {
	var b bytes.Buffer
	if err := Default.RenderPDF(&b, l); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// RenderPDF writes the letter as an A4 PDF.
func (s *Set) RenderPDF(w io.Writer, l Letter) error {
	d, err := s.Compose(l)
	if err != nil {
		return err
	}
	return d.RenderPDF(w)
}

// RenderPDF writes a composed document as an A4 PDF.
func (d Document) RenderPDF(w io.Writer) error {
	if err := d.checkGlyphs(); err != nil {
		return err
	}
	p, err := newPDFWriter()
	if err != nil {
		return err
	}
	p.gp.SetInfo(gopdf.PdfInfo{Title: d.Title + " " + d.Number, Creator: "gongkai", Producer: "gongkai",
		// The issue date, not the clock: the same letter gives the same file.
		CreationDate: d.IssuedOn.Time()})
	if err := p.layout(d); err != nil {
		return errs.Wrap(err, "letter: pdf layout")
	}
	if _, err := p.gp.WriteTo(w); err != nil {
		return errs.Wrap(err, "letter: pdf write")
	}
	return nil
}

// checkGlyphs refuses text the font cannot show: gopdf would print a blank
// for it, and a name or a number silently changed in a legal notice is worse
// than no PDF. The HTML fragment shows such characters with the reader's fonts.
func (d Document) checkGlyphs() error {
	var missing []string
	seen := map[rune]bool{}
	check := func(s string) error {
		for _, r := range s {
			if seen[r] || r == ' ' || r == '\n' {
				continue
			}
			seen[r] = true
			ok, err := font.Has(r)
			if err != nil {
				return errs.Wrap(err, "letter: pdf font")
			}
			if !ok && len(missing) < 10 {
				missing = append(missing, fmt.Sprintf("“%c”（U+%04X）", r, r))
			}
		}
		return nil
	}
	texts := append([]string{d.Title, d.Number, d.Addressee, d.Signer, d.Date}, d.Attachments...)
	texts = append(texts, d.Contact...)
	for _, b := range d.Blocks {
		texts = append(texts, b.Text)
	}
	for _, s := range texts {
		if err := check(s); err != nil {
			return err
		}
	}
	if len(missing) > 0 {
		msg := "以下字符超出 PDF 字库范围，无法生成 PDF：" + strings.Join(missing, "、") + "。HTML 版本不受影响。"
		return &errs.Error{Code: errs.Invalid, Message: msg, Fields: map[string]string{"pdf": msg}}
	}
	return nil
}

// newPDFWriter starts an A4 document with the shared font.
func newPDFWriter() (*pdfWriter, error) {
	fc, err := fonts()
	if err != nil {
		return nil, errs.Wrap(err, "letter: pdf")
	}
	p := &pdfWriter{gp: &gopdf.GoPdf{}, widths: map[wkey]float64{}}
	p.gp.Start(gopdf.Config{PageSize: gopdf.Rect{W: pageW, H: pageH}, Unit: gopdf.UnitPT})
	if err := p.gp.AddTTFFontFromFontContainer(font.Family, fc); err != nil {
		return nil, errs.Wrap(err, "letter: pdf font")
	}
	return p, nil
}

type wkey struct {
	r    rune
	size float64
}

type pdfWriter struct {
	gp     *gopdf.GoPdf
	y      float64
	page   int
	size   float64
	widths map[wkey]float64
	err    error
}

func (p *pdfWriter) setSize(size float64) {
	if p.size == size || p.err != nil {
		return
	}
	p.size = size
	p.err = p.gp.SetFont(font.Family, "", size)
}

// width measures one rune at the current size (cached: the font's advance
// widths are fixed, and letters repeat few distinct characters).
func (p *pdfWriter) width(r rune) float64 {
	k := wkey{r, p.size}
	if w, ok := p.widths[k]; ok {
		return w
	}
	w, err := p.gp.MeasureTextWidth(string(r))
	if err != nil && p.err == nil {
		p.err = err
	}
	p.widths[k] = w
	return w
}

func (p *pdfWriter) newPage() {
	p.footer()
	p.gp.AddPage()
	p.page++
	p.y = marginTop
}

// footer writes the page number, "— N —" centred below the text block, as
// the page's last text (so that extracted text reads in order).
func (p *pdfWriter) footer() {
	if p.page == 0 {
		return
	}
	size := p.size
	p.setSize(smallSize)
	p.text(center, 0, footerY, fmt.Sprintf("— %d —", p.page))
	p.setSize(size)
}

type align int

const (
	left align = iota
	center
	right
)

// text draws one line; indent is from the left (left) or the right (right).
func (p *pdfWriter) text(a align, indent, y float64, s string) {
	if p.err != nil {
		return
	}
	w := 0.0
	for _, r := range s {
		w += p.width(r)
	}
	x := marginLeft + indent
	switch a {
	case center:
		x = marginLeft + (textW-w)/2
	case right:
		x = marginLeft + textW - indent - w
	}
	p.gp.SetXY(x, y)
	if err := p.gp.Cell(nil, s); err != nil && p.err == nil {
		p.err = err
	}
}

// need starts a new page unless h points are left on this one.
func (p *pdfWriter) need(h float64) {
	if p.page == 0 || p.y+h > marginTop+textH+0.01 {
		p.newPage()
	}
}

// para lays out a paragraph: first line indented by first, the others by
// rest, each line broken to the text width, lines of height lead.
func (p *pdfWriter) para(s string, a align, first, rest, lead float64) {
	lines := wrap(s, textW-first, textW-rest, p.width)
	for i, line := range lines {
		p.need(lead)
		ind := rest
		if i == 0 {
			ind = first
		}
		// Justify every line but a paragraph's last, as Chinese documents
		// are set: spread what is left of the line between the characters
		// (PDF character spacing, Tc). A line cut short before a long Latin
		// run would spread too far; it stays ragged.
		spacing := 0.0
		if a == left && i < len(lines)-1 {
			n := utf8.RuneCountInString(line)
			w := 0.0
			for _, r := range line {
				w += p.width(r)
			}
			if n > 1 {
				if sp := (textW - ind - w) / float64(n-1); sp > 0 && sp <= p.size/4 {
					spacing = sp
				}
			}
		}
		if spacing > 0 && p.err == nil {
			p.err = p.gp.SetCharSpacing(spacing)
		}
		p.text(a, ind, p.y, line)
		if spacing > 0 && p.err == nil {
			p.err = p.gp.SetCharSpacing(0)
		}
		p.y += lead
	}
}

func (p *pdfWriter) layout(d Document) error {
	p.setSize(titleSize)
	p.need(titleLead)
	p.para(d.Title, center, 0, 0, titleLead)
	p.setSize(bodySize)
	p.y += bodyLead / 2
	p.para(d.Number, center, 0, 0, bodyLead)
	p.y += bodyLead / 2
	em := bodySize
	p.para(d.Addressee, left, 0, 0, bodyLead)
	for _, b := range d.Blocks {
		if b.Heading {
			// Keep a heading with the first line of its section.
			p.need(2 * bodyLead)
		}
		p.para(b.Text, left, 2*em, 0, bodyLead)
	}
	if len(d.Attachments) > 0 {
		p.y += bodyLead
		label := "附件："
		for i, a := range d.Attachments {
			item := a
			if len(d.Attachments) > 1 {
				item = fmt.Sprintf("%d．%s", i+1, a)
			}
			if i == 0 {
				p.para(label+item, left, 2*em, 5*em, bodyLead)
			} else {
				p.para(item, left, 5*em, 5*em, bodyLead)
			}
		}
	}
	// 落款: two blank lines, the agency centred over the date, the date four
	// characters from the right (GB/T 9704-2012 7.3.5.2); kept on one page.
	signer := wrap(d.Signer, textW-4*em, textW-4*em, p.width)
	p.y += 2 * bodyLead
	p.need(float64(len(signer)+1) * bodyLead)
	dateW := 0.0
	for _, r := range d.Date {
		dateW += p.width(r)
	}
	for _, line := range signer {
		lw := 0.0
		for _, r := range line {
			lw += p.width(r)
		}
		// centred on the date's centre, but never past the right margin
		ind := max(0, 4*em+dateW/2-lw/2)
		p.text(right, ind, p.y, line)
		p.y += bodyLead
	}
	p.text(right, 4*em, p.y, d.Date)
	p.y += bodyLead
	if len(d.Contact) > 0 {
		p.setSize(smallSize)
		p.y += smallLead
		for _, c := range d.Contact {
			p.para(c, left, 0, 0, smallLead)
		}
	}
	p.footer()
	return p.err
}

// Line breaking for Chinese (after the rules of JIS X 4051 / W3C clreq that
// Chinese typesetting shares): break between any two CJK characters; keep
// runs of Latin letters and digits (a 文号 year, a phone number, a URL)
// together unless a run is wider than a line; never start a line with
// closing punctuation, nor end one with opening punctuation — the character
// before is pushed to the next line instead (push-out, so nothing overflows).
const (
	noStart = "，。、；：？！）］｝》〉」』】〕〗”’…—～·％,.;:?!)]}>%"
	noEnd   = "（［｛《〈「『【〔〖“‘([{<"
)

func isWordRune(r rune) bool {
	return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("./-_:@#&=+~'\"", r))
}

// units splits s into unbreakable pieces.
func units(s string) []string {
	var out []string
	rs := []rune(s)
	for i := 0; i < len(rs); {
		j := i + 1
		if isWordRune(rs[i]) {
			for j < len(rs) && isWordRune(rs[j]) {
				j++
			}
		}
		out = append(out, string(rs[i:j]))
		i = j
	}
	return out
}

// wrap breaks s into lines no wider than firstW (the first line) and restW
// (the others), measuring with width.
func wrap(s string, firstW, restW float64, width func(rune) float64) []string {
	uw := func(u string) float64 {
		w := 0.0
		for _, r := range u {
			w += width(r)
		}
		return w
	}
	var lines []string
	var cur []string
	curW := 0.0
	limit := firstW
	flush := func() {
		lines = append(lines, strings.TrimRight(strings.Join(cur, ""), " "))
		cur, curW, limit = nil, 0, restW
	}
	starts := func(u string, set string) bool {
		r := []rune(u)
		return len(r) > 0 && strings.ContainsRune(set, r[0])
	}
	ends := func(u string, set string) bool {
		r := []rune(u)
		return len(r) > 0 && strings.ContainsRune(set, r[len(r)-1])
	}
	us := units(s)
	for k := 0; k < len(us); k++ {
		u := us[k]
		if len(cur) == 0 && u == " " {
			continue // no space at a line's start
		}
		w := uw(u)
		if curW+w <= limit+1e-6 {
			cur, curW = append(cur, u), curW+w
			continue
		}
		if len([]rune(u)) > 1 && w > restW {
			// A Latin run wider than a line: break it by characters.
			var split []string
			for _, r := range u {
				split = append(split, string(r))
			}
			us = append(us[:k], append(split, us[k+1:]...)...)
			k--
			continue
		}
		if len(cur) == 0 {
			// A single character wider than the line (not with a body font
			// on A4): place it alone rather than loop.
			cur, curW = append(cur, u), w
			continue
		}
		// u does not fit: break before it. If u may not start a line, the
		// unit before it goes down with it (and the one before that, if it is
		// closing punctuation too); a unit that may not end a line goes down.
		var carry []string
		move := starts(u, noStart)
		for len(cur) > 1 && len(carry) < 4 {
			last := cur[len(cur)-1]
			if !move && !ends(last, noEnd) {
				break
			}
			carry = append([]string{last}, carry...)
			cur = cur[:len(cur)-1]
			move = starts(last, noStart)
		}
		if strings.TrimSpace(strings.Join(cur, "")) == "" {
			cur, carry = append(cur, carry...), nil // nothing would be left: give up
		}
		flush()
		for _, c := range carry {
			cur, curW = append(cur, c), curW+uw(c)
		}
		k-- // place u on the new line
	}
	if len(cur) > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}
