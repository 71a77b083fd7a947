package export

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gongkai/internal/annual"
)

// docxText is the text of every paragraph of a DOCX, tables included.
func docxText(t *testing.T, b []byte) string {
	t.Helper()
	xmlText := string(unzip(t, b)["word/document.xml"])
	var out strings.Builder
	for _, part := range strings.Split(xmlText, "<w:t")[1:] {
		_, rest, _ := strings.Cut(part, ">")
		text, _, _ := strings.Cut(rest, "</w:t>")
		out.WriteString(text)
	}
	return out.String()
}

// TestOverridesAndChecksInEveryExport: an overridden figure is marked (※1)
// in the PDF, the DOCX and the XLSX, with a note giving the computed figure
// and the recorded reason, and every export ends with each 勾稽关系 check
// and its outcome; read back from the files.
func TestOverridesAndChecksInEveryExport(t *testing.T) {
	r := fixture(nil)
	c := r.Tables.Requests.Rows[0].Cells["natural_person"]
	c.Computed, c.Value = c.Value, "99"
	c.Override = &annual.Override{Value: "99", Reason: "补录纸质登记簿中漏登的申请", By: "office", At: "2026-01-10T08:00:00Z"}
	fee := r.Tables.Proactive.Rows[5].Cells["amount"]
	fee.Computed, fee.Value = fee.Value, "1.2500"
	fee.Override = &annual.Override{Value: "1.2500", Reason: "含不动产登记费", By: "office", At: "2026-01-11T08:00:00Z"}
	list, _ := notes(r)
	if len(list) != 2 || list[0].Table != r.Tables.Proactive.Title || list[1].Row != "一、本年新收政府信息公开申请数量" || list[1].Column != "自然人" {
		t.Fatalf("notes: %+v", list)
	}
	want := []string{"99※2", "1.2500※1", NotesHeading, ChecksHeading,
		"※2收到和处理政府信息公开申请情况“一、本年新收政府信息公开申请数量”自然人栏：报告数99，依据记录计算为3000。修改理由：补录纸质登记簿中漏登的申请（2026-01-10）",
		"※1主动公开政府信息情况“行政事业性收费”本年收费金额（单位：万元）栏：报告数1.2500，依据记录计算为0.0400。修改理由：含不动产登记费（2026-01-11）"}
	for i, ch := range r.Checks {
		want = append(want, compact(CheckLine(i, ch)))
	}
	if !strings.Contains(CheckLine(1, r.Checks[1]), "未通过（自然人列：3230 ≠ 3231）") {
		t.Errorf("failing check line: %s", CheckLine(1, r.Checks[1]))
	}

	pdfText := strings.Join(pdfPages(t, render(t, "pdf", r)), "")
	docText := compact(docxText(t, render(t, "docx", r)))
	for _, w := range want {
		if !strings.Contains(pdfText, compact(w)) {
			t.Errorf("PDF lacks %q", w)
		}
		if !strings.Contains(docText, compact(w)) {
			t.Errorf("DOCX lacks %q", w)
		}
	}

	xf, err := excelize.OpenReader(bytes.NewReader(render(t, "xlsx", r)))
	if err != nil {
		t.Fatal(err)
	}
	defer xf.Close()
	// The figure stays a number; its comment is the note.
	g := Layout(r.Tables.Requests)
	var at string
	for _, gc := range g.Cells {
		if gc.Key == "requests/new/natural_person" {
			at, _ = excelize.CoordinatesToCellName(gc.Col+1, gc.Row+XLSXTop)
		}
	}
	if v, _ := xf.GetCellValue(SheetName("requests"), at); at == "" || v != "99" {
		t.Errorf("XLSX %s = %q", at, v)
	}
	comments, err := xf.GetComments(SheetName("requests"))
	if err != nil || len(comments) != 1 || comments[0].Cell != at || !strings.Contains(comments[0].Text, "补录纸质登记簿中漏登的申请") {
		t.Errorf("XLSX comments: %+v %v", comments, err)
	}
	rows, err := xf.GetRows(NotesSheet)
	if err != nil || len(rows) != 3 || rows[2][0] != "※2" || rows[2][4] != "99" || rows[2][5] != "3000" || rows[2][6] != "补录纸质登记簿中漏登的申请" {
		t.Errorf("XLSX %s: %q %v", NotesSheet, rows, err)
	}
	rows, err = xf.GetRows(ChecksSheet)
	if err != nil || len(rows) != 1+len(r.Checks) || rows[2][1] != "未通过" || rows[2][2] != "自然人列：3230 ≠ 3231" {
		t.Errorf("XLSX %s: %q %v", ChecksSheet, rows, err)
	}

	// Without overrides: no notes, the checks still there.
	plain := fixture(nil)
	if s := strings.Join(pdfPages(t, render(t, "pdf", plain)), ""); strings.Contains(s, NotesHeading) || strings.Contains(s, "※") || !strings.Contains(s, compact(ChecksHeading)) {
		t.Errorf("PDF without overrides: notes %v, checks %v", strings.Contains(s, NotesHeading), strings.Contains(s, ChecksHeading))
	}
	xp, _ := excelize.OpenReader(bytes.NewReader(render(t, "xlsx", plain)))
	if idx, _ := xp.GetSheetIndex(NotesSheet); idx != -1 {
		t.Errorf("XLSX without overrides has a %s sheet", NotesSheet)
	}
}

// TestPDFCellTallerThanAPage: a label far beyond the template's (5,000
// characters) is cut at half a page with "…", so its row and the header
// repeated above it fit on one page; the template's longest labels are
// never cut.
func TestPDFCellTallerThanAPage(t *testing.T) {
	long := strings.Repeat("申请人无正当理由逾期不补正", 400)
	r := fixture(nil)
	r.Tables.Requests.Blocks[0].Rows[4].Label = long
	pages := pdfPages(t, render(t, "pdf", r))
	all := strings.Join(pages, "")
	if !strings.Contains(all, "…") || strings.Contains(all, long[:len(long)/2]) {
		t.Errorf("the long label is not cut (%d pages)", len(pages))
	}
	// Every other row is still there.
	for i, row := range r.Tables.Requests.Rows {
		if i == 4 {
			continue
		}
		if !strings.Contains(all, compact(rowText(r.Tables.Requests.Blocks[0], row))) {
			t.Errorf("row %q missing", row.Label)
		}
	}
	if len(pages) > 12 {
		t.Errorf("%d pages", len(pages))
	}
	for _, lines := range [][]string{make([]string, maxCellLines), make([]string, maxCellLines+1)} {
		if got := capLines(lines); len(got) > maxCellLines {
			t.Errorf("capLines(%d) = %d lines", len(lines), len(got))
		}
	}
	// Half a page of cell lines and the tallest header group fit a page.
	if float64(maxCellLines)*cellLead+2*cellPadY+3*(3*cellLead+2*cellPadY) > bottom-marginTop {
		t.Errorf("maxCellLines %d: a capped row and its header exceed a page", maxCellLines)
	}
}
