package export

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"gongkai/internal/annual"
	"gongkai/internal/errs"
)

// DOCX: hand-written WordprocessingML (ECMA-376 Part 1): A4 with the
// template's fonts — 宋体 for the title, headings and tables, 仿宋 for the
// body — tables with gridSpan / vMerge for the merged cells and the
// leading header rows marked to repeat on every page (w:tblHeader).
const (
	docxFontBody  = "仿宋"
	docxFontTable = "宋体"
	// A4 in twentieths of a point, margins 2.5 cm top and bottom, 2 cm
	// left and right (the PDF's).
	twPageW   = 11906
	twPageH   = 16838
	twMarginV = 1418
	twMarginH = 1134
	twTextW   = twPageW - 2*twMarginH
)

func writeDOCX(w io.Writer, r *annual.Report) error {
	var doc bytes.Buffer
	writeDocument(&doc, r)
	files := []struct{ name, body string }{
		{"[Content_Types].xml", docxContentTypes},
		{"_rels/.rels", docxRels},
		{"docProps/core.xml", docxCore(r)},
		{"word/_rels/document.xml.rels", docxDocRels},
		{"word/styles.xml", docxStyles},
		{"word/settings.xml", docxSettings},
		{"word/footer1.xml", docxFooter},
		{"word/document.xml", doc.String()},
	}
	z := zip.NewWriter(w)
	for _, f := range files {
		fw, err := z.Create(f.name)
		if err != nil {
			return errs.Wrap(err, "export: docx")
		}
		if _, err := io.WriteString(fw, f.body); err != nil {
			return errs.Wrap(err, "export: docx")
		}
	}
	if err := z.Close(); err != nil {
		return errs.Wrap(err, "export: docx")
	}
	return nil
}

// esc escapes s for XML text and attribute values; characters XML does not
// allow become U+FFFD.
func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func writeDocument(b *bytes.Buffer, r *annual.Report) {
	b.WriteString(xml.Header)
	b.WriteString(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>`)
	title := r.Title
	if title == "" {
		title = fmt.Sprintf("%d年政府信息公开工作年度报告", r.Year)
	}
	fmt.Fprintf(b, `<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>`, esc(title))
	list, byKey := notes(r)
	drawn := map[string]bool{}
	for _, p := range r.Parts {
		docxHeading(b, partTitle(p))
		for _, para := range paragraphs(p.Text) {
			fmt.Fprintf(b, `<w:p><w:pPr><w:pStyle w:val="BodyText"/></w:pPr><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>`, esc(para))
		}
		if t := tableFor(r, p); t != nil {
			drawn[t.Code] = true
			docxTable(b, t, byKey)
		}
	}
	for _, t := range tables(r) {
		if !drawn[t.Code] {
			docxHeading(b, t.Title)
			docxTable(b, t, byKey)
		}
	}
	body := func(s string) {
		fmt.Fprintf(b, `<w:p><w:pPr><w:pStyle w:val="BodyText"/></w:pPr><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>`, esc(s))
	}
	if len(list) > 0 {
		docxHeading(b, NotesHeading)
		for _, n := range list {
			body(n.Text())
		}
	}
	docxHeading(b, ChecksHeading)
	for i, c := range r.Checks {
		body(CheckLine(i, c))
	}
	fmt.Fprintf(b, `<w:sectPr><w:footerReference w:type="default" r:id="rIdFooter1"/><w:pgSz w:w="%d" w:h="%d"/><w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="851" w:footer="850" w:gutter="0"/></w:sectPr>`,
		twPageW, twPageH, twMarginV, twMarginH, twMarginV, twMarginH)
	b.WriteString(`</w:body></w:document>`)
}

func docxHeading(b *bytes.Buffer, s string) {
	fmt.Fprintf(b, `<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>`, esc(s))
}

func docxTable(b *bytes.Buffer, t *annual.Table, byKey map[string]Note) {
	g := Layout(t)
	if len(g.Rows) == 0 {
		return
	}
	ws := colWidths(g)
	tw := make([]int, len(ws))
	for i, w := range ws {
		tw[i] = int(w / textW * twTextW)
	}
	b.WriteString(`<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/><w:jc w:val="center"/>`)
	b.WriteString(`<w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tblBorders>`)
	b.WriteString(`<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>`)
	for _, w := range tw {
		fmt.Fprintf(b, `<w:gridCol w:w="%d"/>`, w)
	}
	b.WriteString(`</w:tblGrid>`)
	// Word repeats only the header rows at the table's start.
	lead := 0
	for lead < len(g.Rows) && g.Rows[lead].Head {
		lead++
	}
	for r := range g.Rows {
		b.WriteString(`<w:tr><w:trPr><w:cantSplit/>`)
		if r < lead {
			b.WriteString(`<w:tblHeader/>`)
		}
		b.WriteString(`</w:trPr>`)
		for k := 0; k < g.Cols; {
			c := g.At(r, k)
			width := 0
			for i := c.Col; i < c.Col+c.ColSpan; i++ {
				width += tw[i]
			}
			fmt.Fprintf(b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>`, width)
			if c.ColSpan > 1 {
				fmt.Fprintf(b, `<w:gridSpan w:val="%d"/>`, c.ColSpan)
			}
			if c.RowSpan > 1 {
				if c.Row == r {
					b.WriteString(`<w:vMerge w:val="restart"/>`)
				} else {
					b.WriteString(`<w:vMerge/>`)
				}
			}
			if c.Kind == KindHead {
				b.WriteString(`<w:shd w:val="clear" w:color="auto" w:fill="EEEEEE"/>`)
			}
			b.WriteString(`<w:vAlign w:val="center"/></w:tcPr>`)
			jc := "center"
			if c.Kind == KindLabel && c.Col+c.ColSpan == g.LabelCols && c.ColSpan < g.LabelCols {
				jc = "left"
			}
			fmt.Fprintf(b, `<w:p><w:pPr><w:pStyle w:val="TableText"/><w:jc w:val="%s"/></w:pPr>`, jc)
			if c.Row == r && c.Text != "" {
				fmt.Fprintf(b, `<w:r><w:t xml:space="preserve">%s</w:t></w:r>`, esc(c.Text))
				if n, ok := byKey[c.Key]; ok && c.Overridden {
					fmt.Fprintf(b, `<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>%s</w:t></w:r>`, esc(n.Mark()))
				}
			}
			b.WriteString(`</w:p></w:tc>`)
			k = c.Col + c.ColSpan
		}
		b.WriteString(`</w:tr>`)
	}
	b.WriteString(`</w:tbl><w:p/>`)
}

const docxContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>`

const docxRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`

const docxDocRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rIdFooter1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/></Relationships>`

const docxSettings = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>`

// The footer: the page number "— N —" centred (a PAGE field).
const docxFooter = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t xml:space="preserve">— </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>`

func rFonts(f string) string {
	return fmt.Sprintf(`<w:rFonts w:ascii="%s" w:hAnsi="%s" w:eastAsia="%s" w:cs="%s" w:hint="eastAsia"/>`, f, f, f, f)
}

// Styles: sizes in half-points — title 二号 (22 pt), headings 三号 (16 pt),
// body 三号 仿宋 at 28 pt line spacing, tables 五号 (10.5 pt) 宋体.
var docxStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
	`<w:docDefaults><w:rPrDefault><w:rPr>` + rFonts(docxFontBody) + `<w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>` +
	`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:jc w:val="center"/><w:spacing w:before="240" w:after="480"/></w:pPr><w:rPr>` + rFonts(docxFontTable) + `<w:b/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/><w:ind w:firstLine="640"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr>` + rFonts(docxFontTable) + `<w:b/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="BodyText"><w:name w:val="Body Text"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:line="560" w:lineRule="exact"/><w:ind w:firstLine="640"/><w:jc w:val="both"/></w:pPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:jc w:val="center"/></w:pPr><w:rPr>` + rFonts(docxFontTable) + `<w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr></w:style>` +
	`<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tblBorders></w:tblPr></w:style>` +
	`</w:styles>`

func docxCore(r *annual.Report) string {
	return xml.Header + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>` +
		esc(r.Title) + `</dc:title><dc:creator>` + esc(r.Body) + `</dc:creator></cp:coreProperties>`
}
