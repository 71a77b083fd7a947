package finance

import (
	"bytes"
	"fmt"
	"io"
	"math/big"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"gongkai/internal/errs"
)

// Limits of an imported workbook: a department's budget has 8 or 9 tables
// (RECORDS §8.3, §8.4) of a few hundred rows.
const (
	MaxFileBytes = 10 << 20
	MaxTables    = 20
	MaxRows      = 2000
	MaxCols      = 30
	MaxCell      = 200
)

// Table is one table of a budget or final accounts: its header rows (merged
// cells already spread over the cells they cover), then rows of cells. A
// column is a text column (科目编码, 科目名称, 项目 — a two-sided 收支总表 has
// two) or an amount column in Unit, whose cells are canonical decimals
// ("" for an empty cell).
type Table struct {
	Seq    int        `json:"seq"`
	Name   string     `json:"name"`
	Unit   string     `json:"unit"`
	Header [][]string `json:"header"`
	Text   []bool     `json:"text"`
	Rows   [][]string `json:"rows"`
}

// Empty says the table has no figures: published as an empty table with a
// note ("没有数据的表格应当列出空表并说明", RECORDS §8.2 [R63]).
func (t *Table) Empty() bool {
	for _, r := range t.Rows {
		for j, v := range r {
			if !t.Text[j] && v != "" {
				return false
			}
		}
	}
	return true
}

// First is the index of the first amount column.
func (t *Table) First() int {
	for j, x := range t.Text {
		if !x {
			return j
		}
	}
	return -1
}

var (
	unitRE  = regexp.MustCompile(`单位\s*[:：]\s*(万元|元)`)
	labelRE = regexp.MustCompile(`编码|代码|科目|名称|^项目$|^类$|^款$|^项$|^序号$|^行次$`)
	numRE   = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
)

func bad(format string, a ...any) error {
	return &errs.Error{Code: errs.Invalid, Message: fmt.Sprintf(format, a...), Fields: map[string]string{"file": fmt.Sprintf(format, a...)}}
}

// amount reads an amount cell: thousands separators and spaces are
// dropped, "-", "—" and "" are empty; ok is false for anything else.
func amount(s string) (string, bool) {
	s = strings.NewReplacer(",", "", "，", "", " ", "", "\u00a0", "").Replace(strings.TrimSpace(s))
	if s == "" || s == "-" || s == "—" || s == "——" || s == "/" {
		return "", true
	}
	if !numRE.MatchString(s) {
		return "", false
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return "", false
	}
	return r.FloatString(2), true
}

// ParseWorkbook reads a department's budget or final-accounts workbook:
// every sheet with a header is a table. Tolerated, because the office's
// real spreadsheets have them: a title row and a 单位：万元 (or 元) row
// above the header, merged header cells (spread over the cells they
// cover), several header rows, blank rows and columns, thousands
// separators, and sheets without data (an empty table). Refused, with the
// sheet and cell named: no unit, an amount that is not a number, too many
// tables, rows or columns.
func ParseWorkbook(r io.Reader) ([]Table, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, bad("无法读取上传的文件")
	}
	if len(data) > MaxFileBytes {
		return nil, bad("文件不能超过 %d MB", MaxFileBytes>>20)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, bad("文件不是有效的 Excel（.xlsx）工作簿，请用 Excel 或 WPS 另存为 .xlsx 后重新上传")
	}
	defer f.Close()
	var out []Table
	for _, sheet := range f.GetSheetList() {
		t, err := parseSheet(f, sheet)
		if err != nil {
			return nil, err
		}
		if t == nil {
			continue
		}
		if len(out) == MaxTables {
			return nil, bad("一个工作簿最多 %d 张表", MaxTables)
		}
		t.Seq = len(out) + 1
		out = append(out, *t)
	}
	if len(out) == 0 {
		return nil, bad("工作簿中没有找到表格：每个工作表应有表名、“单位：万元”（或“元”）和表头")
	}
	return out, nil
}

func parseSheet(f *excelize.File, sheet string) (*Table, error) {
	rows, err := f.GetRows(sheet)
	if err != nil {
		return nil, bad("无法读取工作表“%s”", sheet)
	}
	if len(rows) > MaxRows+20 {
		return nil, bad("工作表“%s”超过 %d 行", sheet, MaxRows)
	}
	width := 0
	for _, r := range rows {
		width = max(width, len(r))
	}
	if width > MaxCols {
		return nil, bad("工作表“%s”超过 %d 列", sheet, MaxCols)
	}
	grid := make([][]string, len(rows))
	for i, r := range rows {
		grid[i] = make([]string, width)
		for j, c := range r {
			grid[i][j] = strings.TrimSpace(c)
		}
	}
	// Spread merged cells over the cells they cover.
	merged, _ := f.GetMergeCells(sheet)
	for _, m := range merged {
		c1, r1, e1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, e2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if e1 != nil || e2 != nil {
			continue
		}
		v := strings.TrimSpace(m.GetCellValue())
		for i := r1 - 1; i < r2 && i < len(grid); i++ {
			for j := c1 - 1; j < c2 && j < width; j++ {
				grid[i][j] = v
			}
		}
	}
	nonEmpty := func(r []string) int {
		n := 0
		for _, c := range r {
			if c != "" {
				n++
			}
		}
		return n
	}
	distinct := func(r []string) []string {
		var out []string
		for _, c := range r {
			if c != "" && (len(out) == 0 || out[len(out)-1] != c) {
				out = append(out, c)
			}
		}
		return out
	}
	t := &Table{}
	i := 0
	// Title and unit rows: rows with one distinct text (a merged title) or
	// a 单位 note, before the header.
	for ; i < len(grid); i++ {
		r := grid[i]
		if nonEmpty(r) == 0 {
			continue
		}
		line := strings.Join(distinct(r), " ")
		if m := unitRE.FindStringSubmatch(line); m != nil {
			t.Unit = m[1]
			if rest := strings.TrimSpace(unitRE.ReplaceAllString(line, "")); t.Name == "" && rest != "" && !strings.Contains(rest, "编制") {
				t.Name = rest
			}
			continue
		}
		if len(distinct(r)) == 1 && t.Name == "" {
			t.Name = distinct(r)[0]
			continue
		}
		if len(distinct(r)) == 1 && strings.Contains(line, "编制") {
			continue // 编制单位：… line
		}
		break
	}
	if i >= len(grid) {
		if t.Name == "" {
			return nil, nil // an empty sheet
		}
		return nil, bad("工作表“%s”没有表头", sheet)
	}
	if t.Name == "" {
		t.Name = sheet
	}
	if utf8.RuneCountInString(t.Name) > MaxCell {
		return nil, bad("工作表“%s”的表名超过 %d 个字", sheet, MaxCell)
	}
	if t.Unit == "" {
		return nil, bad("工作表“%s”（%s）没有注明金额单位：请在表头上方写明“单位：万元”或“单位：元”", sheet, t.Name)
	}
	// Header rows: up to the first row holding a number outside the label
	// columns; the label columns are the leading columns whose header
	// names a code or a subject.
	start := i
	for ; i < len(grid); i++ {
		if nonEmpty(grid[i]) == 0 {
			continue
		}
		if hasNumber(grid[i][1:]) && !strings.Contains(strings.Join(grid[i], ""), "栏次") {
			break
		}
	}
	for h := start; h < i; h++ {
		if nonEmpty(grid[h]) > 0 && !strings.Contains(strings.Join(grid[h], ""), "栏次") {
			t.Header = append(t.Header, grid[h])
		}
	}
	if len(t.Header) == 0 {
		return nil, bad("工作表“%s”（%s）没有表头", sheet, t.Name)
	}
	t.Text = make([]bool, width)
	for j := 0; j < width; j++ {
		for _, h := range t.Header {
			if labelRE.MatchString(strings.Join(strings.Fields(h[j]), "")) {
				t.Text[j] = true
			}
		}
	}
	t.Text[0] = true // the first column names the row
	if t.First() < 0 {
		return nil, bad("工作表“%s”（%s）没有金额列", sheet, t.Name)
	}
	for ; i < len(grid); i++ {
		r := grid[i]
		if nonEmpty(r) == 0 {
			continue // blank rows
		}
		if line := strings.Join(distinct(r), ""); nonEmpty(r[1:]) == 0 && (strings.HasPrefix(line, "注") || strings.HasPrefix(line, "说明")) {
			continue // a footnote
		}
		if len(t.Rows) == MaxRows {
			return nil, bad("工作表“%s”（%s）超过 %d 行", sheet, t.Name, MaxRows)
		}
		row := make([]string, width)
		for j := 0; j < width; j++ {
			if t.Text[j] {
				if utf8.RuneCountInString(r[j]) > MaxCell {
					return nil, bad("工作表“%s”（%s）第 %d 行的文字超过 %d 个字", sheet, t.Name, i+1, MaxCell)
				}
				row[j] = r[j]
				continue
			}
			v, ok := amount(r[j])
			if !ok {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				return nil, bad("工作表“%s”（%s）单元格 %s 的“%s”不是金额", sheet, t.Name, cell, short(r[j]))
			}
			row[j] = v
		}
		t.Rows = append(t.Rows, row)
	}
	for h := range t.Header {
		for j, c := range t.Header[h] {
			if utf8.RuneCountInString(c) > MaxCell {
				t.Header[h][j] = string([]rune(c)[:MaxCell])
			}
		}
	}
	return t, nil
}

func hasNumber(r []string) bool {
	for _, c := range r {
		if v, ok := amount(c); ok && v != "" {
			return true
		}
	}
	return false
}

func short(s string) string {
	if utf8.RuneCountInString(s) > 20 {
		return string([]rune(s)[:20]) + "…"
	}
	return s
}
