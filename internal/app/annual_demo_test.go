package app

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode"

	"github.com/ledongthuc/pdf"
	"github.com/xuri/excelize/v2"

	"gongkai/internal/annual"
)

// TestAnnualDemoDownloads: the demo's 2025 report, generated from the demo
// records and published as `serve --demo` does, downloads from its public
// page as a PDF whose extracted text holds every row label followed by its
// figures, and as an XLSX whose table 三 reads back with every figure
// (issue 14's done-when).
func TestAnnualDemoDownloads(t *testing.T) {
	t.Parallel()
	e, _ := newRequestEnv(t, "sqlite")
	ctx := context.Background()
	for _, load := range []func() error{
		func() error { return e.srv.LoadListsDemo(ctx, e.site.ID) },
		func() error { return e.srv.LoadEnforceDemo(ctx, e.site.ID, testDay) },
		func() error { return e.srv.LoadRequestDemo(ctx, e.site.ID, testDay) },
		func() error { return e.srv.LoadAnnualDemo(ctx, e.site.ID, testDay) },
	} {
		if err := load(); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := e.srv.Annual.Published(ctx, e.site.ID, 2025)
	if err != nil || rep == nil {
		t.Fatalf("the demo's 2025 report is not published: %v", err)
	}
	if !rep.OK() {
		t.Fatalf("the published demo report fails a check: %+v", rep.Checks)
	}
	// The generated report is the year's only report item (no placeholder
	// from the catalogue demo), published on the demo's report day.
	var items int
	var on string
	if err := e.db.R.QueryRowContext(ctx, `SELECT COUNT(*), MAX(i.published_on) FROM items i JOIN item_facets f ON f.item_id = i.id AND f.name = 'report_year' AND f.value = '2025'
		WHERE i.site_id = $1 AND i.doc_type = 'annual_report'`, e.site.ID).Scan(&items, &on); err != nil {
		t.Fatal(err)
	}
	if items != 1 || on != "2026-01-26" {
		t.Errorf("2025 report items: %d, published on %q; want the generated one, on 2026-01-26", items, on)
	}
	if n := rep.Tables.Requests.Rows[0].Cells["total"].Value; n == "0" || n == "" {
		t.Fatalf("the demo's 2025 report received no requests (一、 total %q): not a meaningful fixture", n)
	}
	b := e.browser()
	// The index: the generated 2025 report and, before it, the reports
	// the demo catalogue holds as items (2019–2024), each once.
	idx := b.get("/annual-reports")
	mustContain(t, idx.body, `href="/annual-reports/2025"`)
	for y := 2019; y <= 2024; y++ {
		if n := strings.Count(idx.body, fmt.Sprintf("临沂市司法局%d年政府信息公开工作年度报告", y)); n != 1 {
			t.Errorf("index lists the %d report %d times", y, n)
		}
	}
	page := b.get("/annual-reports/2025")
	if page.status != http.StatusOK {
		t.Fatalf("public report page: %d", page.status)
	}
	for _, f := range []string{"/annual-reports/2025.pdf", "/annual-reports/2025.docx", "/annual-reports/2025.xlsx"} {
		mustContain(t, page.body, `href="`+f+`"`)
	}

	squeeze := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) || r == '　' {
				return -1
			}
			return r
		}, s)
	}
	// PDF: every row's label then its figures, in order.
	p := b.get("/annual-reports/2025.pdf")
	if p.status != http.StatusOK || !strings.HasPrefix(p.body, "%PDF-") {
		t.Fatalf("PDF: %d %.20q", p.status, p.body)
	}
	rd, err := pdf.NewReader(strings.NewReader(p.body), int64(len(p.body)))
	if err != nil {
		t.Fatalf("PDF does not parse: %v", err)
	}
	var text strings.Builder
	for i := 1; i <= rd.NumPage(); i++ {
		s, err := rd.Page(i).GetPlainText(nil)
		if err != nil {
			t.Fatalf("page %d: %v", i, err)
		}
		text.WriteString(squeeze(s))
	}
	all := text.String()
	mustContain(t, all, squeeze(rep.Title))
	rows := 0
	for _, tb := range rep.Tables.All() {
		for _, bl := range tb.Blocks {
			for _, row := range bl.Rows {
				want := ""
				if bl.LabelCols > 0 {
					want = row.Label
				}
				for _, c := range bl.Columns {
					want += row.Cells[c].Value
				}
				if !strings.Contains(all, squeeze(want)) {
					t.Errorf("PDF: %s row %q: no %q in the text", tb.Code, row.Label, squeeze(want))
				}
				rows++
			}
		}
	}
	if rows < 6+25+1 { // table 二's six rows, table 三's 25, table 四's one
		t.Errorf("only %d rows checked", rows)
	}

	// XLSX: table 三's sheet, every row's label and its seven figures.
	x := b.get("/annual-reports/2025.xlsx")
	if x.status != http.StatusOK {
		t.Fatalf("XLSX: %d", x.status)
	}
	wb, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
	if err != nil {
		t.Fatalf("XLSX does not open: %v", err)
	}
	defer wb.Close()
	var sheet string
	for _, name := range wb.GetSheetList() {
		if strings.HasPrefix(name, "三") {
			sheet = name
		}
	}
	grid, err := wb.GetRows(sheet)
	if err != nil || len(grid) == 0 {
		t.Fatalf("XLSX sheet %q: %v", sheet, err)
	}
	cols := len(annual.RequestColumns)
	for _, row := range rep.Tables.Requests.Rows {
		found := false
		for _, line := range grid {
			if len(line) < cols+1 || !lineHasLabel(line[:len(line)-cols], row.Label) {
				continue
			}
			found = true
			for i, c := range annual.RequestColumns {
				if got, want := line[len(line)-cols+i], row.Cells[c.Key].Value; got != want {
					t.Errorf("XLSX %q %s: %q, want %q", row.Label, c.Title, got, want)
				}
			}
			break
		}
		if !found {
			t.Errorf("XLSX: no line for %q", row.Label)
		}
	}
}

func lineHasLabel(cells []string, label string) bool {
	for _, c := range cells {
		if c == label {
			return true
		}
	}
	return false
}
