package export

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"gongkai/internal/annual"
)

// extreme builds the fixture with label given to table 三's first rows
// and block labels, and every figure set by num.
func extreme(label string, num func(i int) string) *annual.Report {
	n := 0
	r := fixture(func(string, int, int) string { n++; return num(n) })
	req := r.Tables.Requests
	req.Blocks[0].Rows[0].Label = label            // spans the three label columns
	req.Blocks[0].Rows[4].Label = label + "。"      // a level-3 label
	for _, row := range req.Blocks[0].Rows[4:12] { // the (三) group
		row.Group = "（三）" + label
	}
	r.Tables.Proactive.Blocks[1].Label = label
	r.Tables.Proactive.Blocks[1].Rows[0].Label = label
	r.Parts[0].Text = label + "\n\n" + strings.Repeat(label, 3)
	return r
}

// checkAll renders r in every format and checks that every label and
// figure is there.
func checkAll(t *testing.T, r *annual.Report) {
	t.Helper()
	pdfText := strings.Join(pdfPages(t, render(t, "pdf", r)), "")
	files := unzip(t, render(t, "docx", r))
	var doc docxDoc
	if err := xmlUnmarshal(files["word/document.xml"], &doc); err != nil {
		t.Fatalf("document.xml: %v", err)
	}
	var docText strings.Builder
	for _, tb := range doc.Body.Tables {
		for _, tr := range tb.Rows {
			for _, tc := range tr.Cells {
				for _, p := range tc.Paras {
					docText.WriteString(p.text())
				}
			}
		}
	}
	xf, err := excelize.OpenReader(bytes.NewReader(render(t, "xlsx", r)))
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	defer xf.Close()
	for _, tab := range tables(r) {
		g := Layout(tab)
		for _, c := range g.Cells {
			if c.Text == "" {
				continue
			}
			if s := compact(clean(c.Text)); !strings.Contains(pdfText, s) {
				t.Errorf("PDF lacks %.40q", s)
			}
			if !strings.Contains(docText.String(), strings.ToValidUTF8(c.Text, "\uFFFD")) && utf8.ValidString(c.Text) && !hasControl(c.Text) {
				t.Errorf("DOCX lacks %.40q", c.Text)
			}
			name, _ := excelize.CoordinatesToCellName(c.Col+1, c.Row+XLSXTop)
			if v, _ := xf.GetCellValue(SheetName(tab.Code), name); v != c.Text && utf8.ValidString(c.Text) && !hasControl(c.Text) {
				t.Errorf("XLSX %s = %.40q, want %.40q", name, v, c.Text)
			}
		}
	}
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return true
		}
	}
	return false
}

func TestLongLabelsAndExtremeNumbers(t *testing.T) {
	long := strings.Repeat("申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", 4) // 128 characters
	for _, tc := range []struct {
		name  string
		label string
		num   func(int) string
	}{
		{"zeros", "短", func(int) string { return "0" }},
		{"large", long, func(i int) string { return fmt.Sprint(9223372036854775807 - i) }},
		{"decimals", long, func(i int) string { return fmt.Sprintf("%d.%04d", 123456789+i, i%10000) }},
		{"latin", strings.Repeat("ABCDEFGHIJ", 20), func(i int) string { return fmt.Sprint(i) }},
	} {
		t.Run(tc.name, func(t *testing.T) { checkAll(t, extreme(tc.label, tc.num)) })
	}
}

// FuzzExport: any label text and figure never panics or fails a renderer,
// and the text stays present.
func FuzzExport(f *testing.F) {
	f.Add("1.属于国家秘密", uint64(0))
	f.Add(strings.Repeat("很长的标签", 30), uint64(18446744073709551615))
	f.Add("<w:t>&amp;\"'", uint64(42))
	f.Add("😀𠀀\t\x00", uint64(7))
	f.Fuzz(func(t *testing.T, label string, n uint64) {
		if r := []rune(label); len(r) > 200 {
			label = string(r[:200]) // a label taller than a page is not a template label
		}
		if strings.TrimSpace(clean(label)) == "" {
			label += "标"
		}
		checkAll(t, extreme(label, func(i int) string { return fmt.Sprint(n + uint64(i)%3) }))
	})
}
