package export

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode"

	"github.com/ledongthuc/pdf"
	"github.com/xuri/excelize/v2"

	"gongkai/internal/annual"
	"gongkai/internal/errs"
)

func render(t testing.TB, format string, r *annual.Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, format, r); err != nil {
		t.Fatalf("Write %s: %v", format, err)
	}
	if b.Len() == 0 {
		t.Fatalf("Write %s: empty", format)
	}
	return b.Bytes()
}

func compact(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '　' {
			return -1
		}
		return r
	}, s)
}

// pdfPages extracts each page's text (white space removed), checking that
// every page ends with its number "— N —", which is stripped.
func pdfPages(t testing.TB, b []byte) []string {
	t.Helper()
	rd, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("PDF does not parse: %v", err)
	}
	var pages []string
	for i := 1; i <= rd.NumPage(); i++ {
		txt, err := rd.Page(i).GetPlainText(nil)
		if err != nil {
			t.Fatalf("page %d: %v", i, err)
		}
		txt = compact(txt)
		num := fmt.Sprintf("—%d—", i)
		if !strings.HasSuffix(txt, num) {
			t.Errorf("page %d does not end with its number %s: …%s", i, num, txt[max(0, len(txt)-60):])
		}
		pages = append(pages, strings.TrimSuffix(txt, num))
	}
	return pages
}

// rowText is a data row as the renderers write it: its own label followed
// by its figures, left to right.
func rowText(b annual.Block, r *annual.Row) string {
	s := ""
	if b.LabelCols > 0 {
		s = r.Label
	}
	for _, c := range b.Columns {
		s += r.Cells[c].Value
	}
	return compact(s)
}

func allRows(r *annual.Report) (out []struct {
	b   annual.Block
	row *annual.Row
}) {
	for _, t := range tables(r) {
		for _, b := range t.Blocks {
			for _, row := range b.Rows {
				out = append(out, struct {
					b   annual.Block
					row *annual.Row
				}{b, row})
			}
		}
	}
	return out
}

func TestLayoutRequests(t *testing.T) {
	r := fixture(nil)
	g := Layout(r.Tables.Requests)
	if g.Cols != 10 || len(g.Rows) != 3+25 {
		t.Fatalf("grid %d×%d, want 10 columns × 28 rows", g.Cols, len(g.Rows))
	}
	area := 0
	for _, c := range g.Cells {
		area += c.RowSpan * c.ColSpan
	}
	if area != 10*28 {
		t.Errorf("cells cover %d positions, want 280 (no overlaps, no holes)", area)
	}
	find := func(text string) *GCell {
		for _, c := range g.Cells {
			if c.Text == text {
				return c
			}
		}
		t.Fatalf("no cell %q", text)
		return nil
	}
	want := []struct {
		text          string
		row, col      int
		rowspan, cols int
	}{
		{requestsNote, 0, 0, 3, 3},
		{"申请人情况", 0, 3, 1, 7},
		{"自然人", 1, 3, 2, 1},
		{"法人或其他组织", 1, 4, 1, 5},
		{"总计", 1, 9, 2, 1},
		{"其他", 2, 8, 1, 1},
		{"一、本年新收政府信息公开申请数量", 3, 0, 1, 3},
		{"二、上年结转政府信息公开申请数量", 4, 0, 1, 3},
		// REFERENCE §2.3: the level-1 cell spans 22 rows, (三)–(六) 8/3/5/3.
		{secResults, 5, 0, 22, 1},
		{"（一）予以公开", 5, 1, 1, 2},
		{"（三）不予公开", 7, 1, 8, 1},
		{"1.属于国家秘密", 7, 2, 1, 1},
		{"（四）无法提供", 15, 1, 3, 1},
		{"（五）不予处理", 18, 1, 5, 1},
		{"（六）其他处理", 23, 1, 3, 1},
		{"（七）总计", 26, 1, 1, 2},
		{"四、结转下年度继续办理", 27, 0, 1, 3},
	}
	for _, w := range want {
		c := find(w.text)
		if c.Row != w.row || c.Col != w.col || c.RowSpan != w.rowspan || c.ColSpan != w.cols {
			t.Errorf("%s at (%d,%d) span %d×%d, want (%d,%d) %d×%d", w.text, c.Row, c.Col, c.RowSpan, c.ColSpan, w.row, w.col, w.rowspan, w.cols)
		}
	}
	if c := g.At(27, 9); c.Text != "3246" || c.Kind != KindNumber {
		t.Errorf("四、结转 total = %+v, want 3246", c)
	}
	if n := len(g.HeadRows(0)); n != 3 {
		t.Errorf("%d header rows, want 3", n)
	}
}

func TestLayoutProactiveAndReview(t *testing.T) {
	r := fixture(nil)
	g := Layout(r.Tables.Proactive)
	// 4 blocks × (label row + heading row) + 6 data rows.
	if g.Cols != 4 || len(g.Rows) != 14 {
		t.Fatalf("table 二 grid %d×%d, want 4×14", g.Cols, len(g.Rows))
	}
	for _, want := range []struct {
		row, col, cols int
		text           string
	}{
		{0, 0, 4, "第二十条第（一）项"}, {1, 1, 1, "本年制发件数"}, {2, 3, 1, "202"},
		{4, 0, 4, "第二十条第（五）项"}, {5, 1, 3, "本年处理决定数量"}, {6, 1, 3, "220"},
		{12, 1, 3, "本年收费金额（单位：万元）"}, {13, 1, 3, "0.0400"},
	} {
		c := g.At(want.row, want.col)
		if c == nil || c.Text != want.text || c.ColSpan != want.cols || c.Row != want.row {
			t.Errorf("(%d,%d) = %+v, want %q spanning %d", want.row, want.col, c, want.text, want.cols)
		}
	}
	if hs := g.HeadRows(2); len(hs) != 2 || hs[0] != 7 {
		t.Errorf("block (六) header rows %v, want [7 8]", hs)
	}
	g = Layout(r.Tables.ReviewLitigation)
	if g.Cols != 15 || len(g.Rows) != 4 {
		t.Fatalf("table 四 grid %d×%d, want 15×4", g.Cols, len(g.Rows))
	}
	for _, want := range []struct {
		row, col, rows, cols int
		text                 string
	}{
		{0, 0, 1, 5, "行政复议"}, {0, 5, 1, 10, "行政诉讼"}, {1, 0, 2, 1, "结果维持"}, {1, 4, 2, 1, "总计"},
		{1, 5, 1, 5, "未经复议直接起诉"}, {1, 10, 1, 5, "复议后起诉"}, {2, 5, 1, 1, "结果维持"}, {2, 14, 1, 1, "总计"},
		{3, 0, 1, 1, "4000"}, {3, 14, 1, 1, "4014"},
	} {
		c := g.At(want.row, want.col)
		if c == nil || c.Text != want.text || c.ColSpan != want.cols || c.RowSpan != want.rows || c.Row != want.row {
			t.Errorf("(%d,%d) = %+v, want %q %d×%d", want.row, want.col, c, want.text, want.rows, want.cols)
		}
	}
}

func TestPDF(t *testing.T) {
	r := fixture(nil)
	pages := pdfPages(t, render(t, "pdf", r))
	if len(pages) < 2 {
		t.Fatalf("%d pages, want the report over several", len(pages))
	}
	all := strings.Join(pages, "")
	for _, s := range []string{r.Title, "一、总体情况", "2025年，临沂市司法局坚持以公开为常态、不公开为例外。", "二、主动公开政府信息情况",
		"三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
		"二是依申请公开答复的规范化程度有待提高。", "六、其他需要报告的事项", "全年实际收取信息处理费共计400元。",
		"第二十条第（一）项", "本年收费金额（单位：万元）", compact(requestsNote), "申请人情况", "法人或其他组织",
		"社会公益组织", secResults, "（三）不予公开", "（六）其他处理", "未经复议直接起诉", "复议后起诉"} {
		if !strings.Contains(all, compact(s)) {
			t.Errorf("PDF text lacks %q", s)
		}
	}
	// Every row: its label, then its figures in column order.
	for _, x := range allRows(r) {
		if s := rowText(x.b, x.row); !strings.Contains(all, s) {
			t.Errorf("PDF text lacks row %q", s)
		}
	}
	// Table 三 over more than one page repeats its header on each.
	var onPages, heads int
	for _, p := range pages {
		p, _, _ = strings.Cut(p, compact(ChecksHeading)) // the checks name rows too
		has := false
		for _, rr := range requestRows {
			if strings.Contains(p, compact(rr.label)) {
				has = true
			}
		}
		if has {
			onPages++
			heads += strings.Count(p, "申请人情况")
		}
	}
	if onPages < 1 || heads != onPages {
		t.Errorf("table 三 on %d pages with %d headers, want one header a page", onPages, heads)
	}
	// The parts in order.
	last := -1
	for _, p := range r.Parts {
		i := strings.Index(all, compact(partTitle(p)))
		if i <= last {
			t.Errorf("part %s out of order", p.No)
		}
		last = i
	}
}

// docx XML, as much as the checks read.
type docxDoc struct {
	Body struct {
		Paras  []docxP   `xml:"p"`
		Tables []docxTbl `xml:"tbl"`
	} `xml:"body"`
}
type docxTbl struct {
	Grid []struct {
		W int `xml:"w,attr"`
	} `xml:"tblGrid>gridCol"`
	Rows []struct {
		Header *struct{} `xml:"trPr>tblHeader"`
		Cells  []struct {
			Span *struct {
				Val int `xml:"val,attr"`
			} `xml:"tcPr>gridSpan"`
			VMerge *struct {
				Val string `xml:"val,attr"`
			} `xml:"tcPr>vMerge"`
			Paras []docxP `xml:"p"`
		} `xml:"tc"`
	} `xml:"tr"`
}
type docxP struct {
	Runs []struct {
		T string `xml:"t"`
	} `xml:"r"`
}

func (p docxP) text() string {
	s := ""
	for _, r := range p.Runs {
		s += r.T
	}
	return s
}

func unzip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	return out
}

func TestDOCX(t *testing.T) {
	r := fixture(nil)
	files := unzip(t, render(t, "docx", r))
	for _, n := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml", "word/footer1.xml", "word/_rels/document.xml.rels"} {
		if files[n] == nil {
			t.Errorf("no %s", n)
		}
		// Every part is well-formed XML.
		d := xml.NewDecoder(bytes.NewReader(files[n]))
		for {
			if _, err := d.Token(); err != nil {
				if !errors.Is(err, io.EOF) {
					t.Errorf("%s: %v", n, err)
				}
				break
			}
		}
	}
	styles := string(files["word/styles.xml"])
	for _, s := range []string{`w:eastAsia="宋体"`, `w:eastAsia="仿宋"`} {
		if !strings.Contains(styles, s) {
			t.Errorf("styles lack %s", s)
		}
	}
	docXML := string(files["word/document.xml"])
	if !strings.Contains(docXML, `<w:pgSz w:w="11906" w:h="16838"/>`) {
		t.Error("not A4")
	}
	var doc docxDoc
	if err := xml.Unmarshal(files["word/document.xml"], &doc); err != nil {
		t.Fatalf("document.xml: %v", err)
	}
	var paras []string
	for _, p := range doc.Body.Paras {
		paras = append(paras, p.text())
	}
	text := strings.Join(paras, "\n")
	for _, s := range []string{r.Title, "一、总体情况", "全年主动公开政府信息一百二十条。", "六、其他需要报告的事项", "全年实际收取信息处理费共计400元。"} {
		if !strings.Contains(text, s) {
			t.Errorf("DOCX paragraphs lack %q", s)
		}
	}
	if len(doc.Body.Tables) != 3 {
		t.Fatalf("%d tables, want 3", len(doc.Body.Tables))
	}
	for ti, tb := range doc.Body.Tables {
		tab := tables(r)[ti]
		g := Layout(tab)
		if len(tb.Grid) != g.Cols || len(tb.Rows) != len(g.Rows) {
			t.Fatalf("table %s: %d×%d, want %d×%d", tab.Code, len(tb.Grid), len(tb.Rows), g.Cols, len(g.Rows))
		}
		// Rows: every row's spans fill the grid; its texts joined hold the
		// label and figures of the data row.
		var rowTexts []string
		restarts := map[int]int{} // column → vMerge restarts
		for ri, tr := range tb.Rows {
			width, s := 0, ""
			for _, tc := range tr.Cells {
				span := 1
				if tc.Span != nil {
					span = tc.Span.Val
				}
				if tc.VMerge != nil && tc.VMerge.Val == "restart" {
					restarts[width]++
				}
				width += span
				for _, p := range tc.Paras {
					s += p.text()
				}
			}
			if width != g.Cols {
				t.Errorf("table %s row %d spans %d columns, want %d", tab.Code, ri, width, g.Cols)
			}
			if (tr.Header != nil) != (ri < len(g.HeadRows(0))) && tab.Code != "proactive" {
				t.Errorf("table %s row %d: tblHeader %v", tab.Code, ri, tr.Header != nil)
			}
			rowTexts = append(rowTexts, s)
		}
		joined := strings.Join(rowTexts, "\n")
		for _, b := range tab.Blocks {
			if b.Label != "" && !strings.Contains(joined, b.Label) {
				t.Errorf("table %s lacks %q", tab.Code, b.Label)
			}
			for _, row := range b.Rows {
				if s := rowText(b, row); !strings.Contains(joined, s) {
					t.Errorf("table %s lacks row %q", tab.Code, s)
				}
			}
		}
		if tab.Code == "requests" {
			// Merged: the corner (3 rows), 自然人 and 总计 (2 rows each),
			// 三、本年度办理结果 (22 rows); level 2: (三)–(六).
			if restarts[0] != 2 || restarts[1] != 4 || restarts[3] != 1 || restarts[9] != 1 {
				t.Errorf("vMerge restarts by column %v", restarts)
			}
			var cont int
			for _, tr := range tb.Rows {
				if c := tr.Cells[0]; c.VMerge != nil && c.VMerge.Val == "" {
					cont++
				}
			}
			if cont != 2+21 {
				t.Errorf("%d continued cells in column 1, want 23", cont)
			}
			if !strings.Contains(rowTexts[0], "申请人情况") || tb.Rows[0].Cells[1].Span == nil || tb.Rows[0].Cells[1].Span.Val != 7 {
				t.Error("申请人情况 does not span 7 columns")
			}
			if tb.Rows[2].Header == nil || tb.Rows[3].Header != nil {
				t.Error("header rows not marked to repeat")
			}
		}
	}
}

func TestXLSX(t *testing.T) {
	r := fixture(nil)
	f, err := excelize.OpenReader(bytes.NewReader(render(t, "xlsx", r)))
	if err != nil {
		t.Fatalf("XLSX does not open: %v", err)
	}
	defer f.Close()
	want := []string{"二、主动公开", "三、依申请公开", "四、复议诉讼", ChecksSheet}
	if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	for _, tab := range tables(r) {
		sheet := SheetName(tab.Code)
		g := Layout(tab)
		if v, _ := f.GetCellValue(sheet, "A1"); v != tab.Title {
			t.Errorf("%s A1 = %q, want the title", sheet, v)
		}
		// Every grid cell's value at its top-left corner, figures as numbers.
		for _, c := range g.Cells {
			name, _ := excelize.CoordinatesToCellName(c.Col+1, c.Row+XLSXTop)
			got, _ := f.GetCellValue(sheet, name)
			if got != c.Text {
				t.Errorf("%s %s = %q, want %q", sheet, name, got, c.Text)
			}
			if c.Kind == KindNumber && c.Text != "" {
				typ, _ := f.GetCellType(sheet, name)
				if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
					t.Errorf("%s %s is stored as %v, not a number", sheet, name, typ)
				}
			}
		}
		// The merged ranges are the grid's spans.
		merged, _ := f.GetMergeCells(sheet)
		got := map[string]string{}
		for _, m := range merged {
			got[m.GetStartAxis()+":"+m.GetEndAxis()] = m.GetCellValue()
		}
		n := 1 // the title row
		for _, c := range g.Cells {
			if c.RowSpan*c.ColSpan == 1 {
				continue
			}
			n++
			a, _ := excelize.CoordinatesToCellName(c.Col+1, c.Row+XLSXTop)
			b, _ := excelize.CoordinatesToCellName(c.Col+c.ColSpan, c.Row+c.RowSpan-1+XLSXTop)
			if v, ok := got[a+":"+b]; !ok || v != c.Text {
				t.Errorf("%s: no merged range %s:%s %q (have %v)", sheet, a, b, c.Text, got)
			}
		}
		if len(merged) != n {
			t.Errorf("%s: %d merged ranges, want %d", sheet, len(merged), n)
		}
		panes, _ := f.GetPanes(sheet)
		if !panes.Freeze || panes.YSplit != 1+len(g.HeadRows(0)) {
			t.Errorf("%s: panes %+v, want the header frozen", sheet, panes)
		}
	}
	// The template's rowspans, by address (REFERENCE §2.3).
	merged, _ := f.GetMergeCells("三、依申请公开")
	have := map[string]bool{}
	for _, m := range merged {
		have[m.GetStartAxis()+":"+m.GetEndAxis()] = true
	}
	for _, rg := range []string{"A2:C4", "D2:J2", "D3:D4", "E3:I3", "J3:J4", "A5:C5", "A7:A28", "B7:C7", "B9:B16", "B17:B19", "B20:B24", "B25:B27", "B28:C28", "A29:C29"} {
		if !have[rg] {
			t.Errorf("table 三: no merged range %s", rg)
		}
	}
	// The amount is a decimal number shown with four places.
	if v, _ := f.GetCellValue("二、主动公开", "B15"); v != "0.0400" {
		t.Errorf("fee shown as %q, want 0.0400", v)
	}
	if v, _ := f.GetCellValue("二、主动公开", "B15", excelize.Options{RawCellValue: true}); v != "0.04" {
		t.Errorf("fee stored as %q, want 0.04", v)
	}
	if v, _ := f.GetCellValue("三、依申请公开", "J29", excelize.Options{RawCellValue: true}); v != "3246" {
		t.Errorf("J29 = %q, want 3246", v)
	}
	rows, _ := f.GetRows(ChecksSheet)
	if len(rows) != 3 || rows[1][1] != "通过" || rows[2][1] != "未通过" || rows[2][2] != "自然人列：3230 ≠ 3231" {
		t.Errorf("checks sheet %v", rows)
	}
}

func TestFormats(t *testing.T) {
	r := fixture(nil)
	var b bytes.Buffer
	err := Write(&b, "odt", r)
	if e, ok := errors.AsType[*errs.Error](err); !ok || e.Code != errs.Invalid || b.Len() != 0 {
		t.Errorf("odt: %v", err)
	}
	for f, ct := range map[string]string{"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "odt": ""} {
		if got := ContentType(f); got != ct {
			t.Errorf("ContentType(%s) = %q", f, got)
		}
	}
	if got := Filename(r, "pdf"); got != "临沂市司法局2025年政府信息公开工作年度报告.pdf" {
		t.Errorf("Filename = %q", got)
	}
	if got := Filename(&annual.Report{Year: 2024, Title: `a/b:c`}, "xlsx"); got != "a_b_c.xlsx" {
		t.Errorf("Filename = %q", got)
	}
	if got := Filename(&annual.Report{Year: 2024}, "docx"); got != "2024年政府信息公开工作年度报告.docx" {
		t.Errorf("Filename = %q", got)
	}
}

func xmlUnmarshal(b []byte, v any) error { return xml.Unmarshal(b, v) }
