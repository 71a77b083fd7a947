// Package docgen writes small but valid PDF, DOCX and XLSX files: the
// attachments of the demo site and the fixtures of the extraction tests, so
// that both use real files and there is one generator of each.
package docgen

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"encoding/hex"
	"fmt"
	"html"
	"slices"
	"strings"
	"unicode/utf16"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// PDFFont is how a PDF's text is encoded.
type PDFFont int

const (
	// CJKIdentity writes a Type0 font with Identity-H encoding, glyph ids
	// assigned per character, and a ToUnicode CMap: what subsetting
	// producers (Word, WPS) write; text is recovered only through the CMap.
	CJKIdentity PDFFont = iota
	// CJKUCS2 writes the standard STSong-Light font (no font embedded,
	// every viewer has it) with UniGB-UCS2-H encoding, plus a ToUnicode
	// CMap: a file that displays everywhere, used by the demo.
	CJKUCS2
	// CJKGBK writes STSong-Light with GBK-EUC-H encoding (GBK bytes) and no
	// ToUnicode CMap, as older Chinese producers do.
	CJKGBK
	// Latin writes Helvetica with WinAnsiEncoding (characters outside it
	// become '?').
	Latin
)

// PDF is a document to write: its lines are wrapped and paginated.
type PDF struct {
	Title string
	Lines []string
	Font  PDFFont
	// Raw leaves the page contents uncompressed (tests that read them).
	Raw bool
}

const (
	pdfFontSize   = 12
	pdfLeading    = 18
	pdfTop        = 780
	pdfLeft       = 60
	pdfLinesPage  = 40
	pdfCharsCJK   = 38 // characters a CJK line holds
	pdfCharsLatin = 80
)

// Bytes renders the document.
func (d PDF) Bytes() []byte {
	width := pdfCharsCJK
	if d.Font == Latin {
		width = pdfCharsLatin
	}
	var lines []string
	for _, l := range d.Lines {
		r := []rune(l)
		if len(r) == 0 {
			lines = append(lines, "")
		}
		for len(r) > 0 {
			n := min(width, len(r))
			lines = append(lines, string(r[:n]))
			r = r[n:]
		}
	}
	if len(lines) == 0 {
		lines = []string{""}
	}

	// Glyph ids of the Identity-H font: 1, 2, … in order of first use.
	cids := map[rune]uint16{}
	var order []rune
	for _, l := range lines {
		for _, c := range l {
			if _, ok := cids[c]; !ok && len(order) < 0xFFFE {
				order = append(order, c)
				cids[c] = uint16(len(order))
			}
		}
	}
	encode := func(s string) string {
		switch d.Font {
		case Latin:
			return "(" + winAnsi(s) + ")"
		case CJKGBK:
			g, _ := simplifiedchinese.GBK.NewEncoder().String(s)
			return "<" + strings.ToUpper(hex.EncodeToString([]byte(g))) + ">"
		case CJKUCS2:
			var b strings.Builder
			for _, u := range utf16.Encode([]rune(s)) {
				fmt.Fprintf(&b, "%04X", u)
			}
			return "<" + b.String() + ">"
		}
		var b strings.Builder
		for _, c := range s {
			fmt.Fprintf(&b, "%04X", cids[c])
		}
		return "<" + b.String() + ">"
	}

	var objs []string // objs[i] is object i+1
	add := func(s string) int { objs = append(objs, s); return len(objs) }
	stream := func(dict string, data []byte, compress bool) string {
		if compress {
			var z bytes.Buffer
			zw := zlib.NewWriter(&z)
			zw.Write(data)
			zw.Close()
			data = z.Bytes()
			dict += " /Filter /FlateDecode"
		}
		return fmt.Sprintf("<<%s /Length %d>>\nstream\n%s\nendstream", dict, len(data), data)
	}

	catalog := add("") // filled below
	pages := add("")
	var font string
	switch d.Font {
	case Latin:
		font = fmt.Sprintf("%d 0 R", add("<</Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding>>"))
	default:
		var cmap string
		var base, enc, sysinfo, sub string
		if d.Font == CJKGBK {
			base, enc, sub = "STSong-Light", "GBK-EUC-H", "CIDFontType0"
			sysinfo = "<</Registry (Adobe) /Ordering (GB1) /Supplement 2>>"
		} else if d.Font == CJKUCS2 {
			cmap = toUnicode(func(yield func(code, uni uint16)) {
				for _, c := range order {
					for _, u := range utf16.Encode([]rune{c}) {
						yield(u, u)
					}
				}
			})
			base, enc, sub = "STSong-Light", "UniGB-UCS2-H", "CIDFontType0"
			sysinfo = "<</Registry (Adobe) /Ordering (GB1) /Supplement 2>>"
		} else {
			cmap = toUnicode(func(yield func(code, uni uint16)) {
				for _, c := range order {
					if u := utf16.Encode([]rune{c}); len(u) == 1 {
						yield(cids[c], u[0])
					}
				}
			})
			base, enc, sub = "SimSun", "Identity-H", "CIDFontType2"
			sysinfo = "<</Registry (Adobe) /Ordering (Identity) /Supplement 0>>"
		}
		desc := add(fmt.Sprintf("<</Type /FontDescriptor /FontName /%s /Flags 6 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80>>", base))
		extra := ""
		if sub == "CIDFontType2" {
			extra = " /CIDToGIDMap /Identity"
		}
		cid := add(fmt.Sprintf("<</Type /Font /Subtype /%s /BaseFont /%s /CIDSystemInfo %s /FontDescriptor %d 0 R /DW 1000%s>>", sub, base, sysinfo, desc, extra))
		toUni := ""
		if cmap != "" {
			toUni = fmt.Sprintf(" /ToUnicode %d 0 R", add(stream("", []byte(cmap), false)))
		}
		font = fmt.Sprintf("%d 0 R", add(fmt.Sprintf("<</Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /%s /DescendantFonts [%d 0 R]%s>>", base, enc, cid, toUni)))
	}

	var kids []string
	for start := 0; start < len(lines); start += pdfLinesPage {
		var c bytes.Buffer
		fmt.Fprintf(&c, "BT\n/F1 %d Tf\n%d TL\n%d %d Td\n", pdfFontSize, pdfLeading, pdfLeft, pdfTop)
		for i, l := range lines[start:min(start+pdfLinesPage, len(lines))] {
			if i > 0 {
				c.WriteString("T*\n")
			}
			fmt.Fprintf(&c, "%s Tj\n", encode(l))
		}
		c.WriteString("ET\n")
		content := add(stream("", c.Bytes(), !d.Raw))
		page := add(fmt.Sprintf("<</Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources <</Font <</F1 %s>>>> /Contents %d 0 R>>", pages, font, content))
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
	}
	objs[pages-1] = fmt.Sprintf("<</Type /Pages /Kids [%s] /Count %d>>", strings.Join(kids, " "), len(kids))
	objs[catalog-1] = fmt.Sprintf("<</Type /Catalog /Pages %d 0 R>>", pages)
	info := add(fmt.Sprintf("<</Title <%s> /Producer (gongkai docgen)>>", utf16BE(d.Title)))

	var out bytes.Buffer
	out.WriteString("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<</Size %d /Root %d 0 R /Info %d 0 R>>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, catalog, info, xref)
	return out.Bytes()
}

// toUnicode writes a ToUnicode CMap of 2-byte codes.
func toUnicode(pairs func(yield func(code, uni uint16))) string {
	var entries []string
	pairs(func(code, uni uint16) { entries = append(entries, fmt.Sprintf("<%04X> <%04X>", code, uni)) })
	slices.Sort(entries)
	entries = slices.Compact(entries)
	var b strings.Builder
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo <</Registry (Adobe) /Ordering (UCS) /Supplement 0>> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	// At most 100 entries per block (PDF 32000-1 §9.10.3).
	for len(entries) > 0 {
		n := min(100, len(entries))
		fmt.Fprintf(&b, "%d beginbfchar\n%s\nendbfchar\n", n, strings.Join(entries[:n], "\n"))
		entries = entries[n:]
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return b.String()
}

// winAnsi escapes s for a literal string in WinAnsiEncoding.
func winAnsi(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r >= 0x20 && r < 0x7F:
			b.WriteRune(r)
		case r >= 0xA0 && r <= 0xFF:
			fmt.Fprintf(&b, "\\%03o", r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// utf16BE is a PDF text string in UTF-16BE with its BOM, as hex.
func utf16BE(s string) string {
	u := utf16.Encode([]rune(s))
	b := []byte{0xFE, 0xFF}
	for _, c := range u {
		b = append(b, byte(c>>8), byte(c))
	}
	return strings.ToUpper(hex.EncodeToString(b))
}

// Block is one part of a Word document's body: a paragraph (a heading when
// Heading is set) or a table.
type Block struct {
	Text    string
	Heading bool
	Table   [][]string
}

// DOCX is a Word document to write.
type DOCX struct {
	Header, Footer string
	Body           []Block
}

// Bytes renders the document as a minimal WordprocessingML package.
func (d DOCX) Bytes() []byte {
	var body strings.Builder
	para := func(s string, heading bool) {
		body.WriteString("<w:p>")
		if heading {
			body.WriteString(`<w:pPr><w:jc w:val="center"/></w:pPr>`)
		}
		body.WriteString("<w:r>")
		if heading {
			body.WriteString(`<w:rPr><w:b/><w:sz w:val="36"/></w:rPr>`)
		}
		fmt.Fprintf(&body, `<w:t xml:space="preserve">%s</w:t></w:r></w:p>`, html.EscapeString(s))
	}
	for _, b := range d.Body {
		if b.Table == nil {
			para(b.Text, b.Heading)
			continue
		}
		body.WriteString(`<w:tbl><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4"/><w:left w:val="single" w:sz="4"/><w:bottom w:val="single" w:sz="4"/><w:right w:val="single" w:sz="4"/><w:insideH w:val="single" w:sz="4"/><w:insideV w:val="single" w:sz="4"/></w:tblBorders></w:tblPr>`)
		for _, row := range b.Table {
			body.WriteString("<w:tr>")
			for _, cell := range row {
				body.WriteString("<w:tc>")
				para(cell, false)
				body.WriteString("</w:tc>")
			}
			body.WriteString("</w:tr>")
		}
		body.WriteString("</w:tbl>")
	}
	const ns = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	var refs, rels string
	parts := map[string]string{}
	if d.Header != "" {
		parts["word/header1.xml"] = fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr %s><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:hdr>`, ns, html.EscapeString(d.Header))
		refs += `<w:headerReference w:type="default" r:id="rIdH"/>`
		rels += `<Relationship Id="rIdH" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>`
	}
	if d.Footer != "" {
		parts["word/footer1.xml"] = fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:ftr %s><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:ftr>`, ns, html.EscapeString(d.Footer))
		refs += `<w:footerReference w:type="default" r:id="rIdF"/>`
		rels += `<Relationship Id="rIdF" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>`
	}
	parts["word/document.xml"] = fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document %s><w:body>%s<w:sectPr>%s<w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>`, ns, body.String(), refs)
	parts["word/_rels/document.xml.rels"] = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels + `</Relationships>`
	parts["[Content_Types].xml"] = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/></Types>`
	parts["_rels/.rels"] = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`
	return Zip(parts)
}

// XLSX is a workbook of one sheet: the first row's cells are written as
// shared strings, the others as inline strings (both occur in real files).
type XLSX struct {
	Rows [][]string
}

// Bytes renders the workbook.
func (x XLSX) Bytes() []byte {
	var shared []string
	var sheet strings.Builder
	for i, row := range x.Rows {
		fmt.Fprintf(&sheet, `<row r="%d">`, i+1)
		for j, cell := range row {
			ref := fmt.Sprintf("%c%d", 'A'+j%26, i+1)
			if i == 0 {
				fmt.Fprintf(&sheet, `<c r="%s" t="s"><v>%d</v></c>`, ref, len(shared))
				shared = append(shared, cell)
				continue
			}
			fmt.Fprintf(&sheet, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, html.EscapeString(cell))
		}
		sheet.WriteString("</row>")
	}
	var sst strings.Builder
	for _, s := range shared {
		fmt.Fprintf(&sst, "<si><t>%s</t></si>", html.EscapeString(s))
	}
	const main = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	return Zip(map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
		"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook ` + main + ` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml":   `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet ` + main + `><sheetData>` + sheet.String() + `</sheetData></worksheet>`,
		"xl/sharedStrings.xml":       fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst %s count="%d" uniqueCount="%d">%s</sst>`, main, len(shared), len(shared), sst.String()),
	})
}

// Zip writes parts (name → content) as a deflated zip archive, in name order
// with [Content_Types].xml first.
func Zip(parts map[string]string) []byte {
	names := make([]string, 0, len(parts))
	for n := range parts {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		if a == "[Content_Types].xml" {
			return -1
		}
		if b == "[Content_Types].xml" {
			return 1
		}
		return strings.Compare(a, b)
	})
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		f, err := zw.Create(n)
		if err != nil {
			panic(err) // writing to memory cannot fail
		}
		f.Write([]byte(parts[n]))
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}
