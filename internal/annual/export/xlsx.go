package export

import (
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"gongkai/internal/annual"
	"gongkai/internal/errs"
)

// XLSX: one sheet per table (二, 三, 四) with the template's merged cells,
// figures as numbers, a frozen header, and a sheet with the checks.

// SheetName is the sheet of the table with code.
func SheetName(code string) string {
	switch code {
	case "proactive":
		return "二、主动公开"
	case "requests":
		return "三、依申请公开"
	case "review_litigation":
		return "四、复议诉讼"
	}
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, code)
	if r := []rune(name); len(r) > 31 {
		name = string(r[:31])
	}
	if name == "" {
		name = "表"
	}
	return name
}

// ChecksSheet is the sheet of the 勾稽关系 checks.
const ChecksSheet = "勾稽关系校验"

// NotesSheet lists the overridden figures (present when there is one);
// each such figure also carries the note as a cell comment and is shaded.
const NotesSheet = "人工修改"

// XLSXTop is the first grid row's spreadsheet row: row 1 holds the table's
// title.
const XLSXTop = 2

var (
	reInt = regexp.MustCompile(`^-?[0-9]+$`)
	reDec = regexp.MustCompile(`^-?[0-9]+\.([0-9]+)$`)
)

type xlsxStyles struct {
	f                   *excelize.File
	title, head, label  int
	labelCenter, intNum int
	marked              int
	dec                 map[int]int
	err                 error
}

func (s *xlsxStyles) new(st *excelize.Style) int {
	if s.err != nil {
		return 0
	}
	id, err := s.f.NewStyle(st)
	if err != nil {
		s.err = err
	}
	return id
}

var xlsxBorder = []excelize.Border{
	{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
	{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
}

func (s *xlsxStyles) decimal(places int) int {
	if id, ok := s.dec[places]; ok {
		return id
	}
	fmtCode := "0." + strings.Repeat("0", places)
	id := s.new(&excelize.Style{Border: xlsxBorder, CustomNumFmt: &fmtCode,
		Font:      &excelize.Font{Family: "宋体", Size: 11},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	s.dec[places] = id
	return id
}

func writeXLSX(w io.Writer, r *annual.Report) error {
	f := excelize.NewFile()
	defer f.Close()
	s := &xlsxStyles{f: f, dec: map[int]int{}}
	font := &excelize.Font{Family: "宋体", Size: 11}
	s.title = s.new(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 14, Bold: true},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	s.head = s.new(&excelize.Style{Border: xlsxBorder, Font: &excelize.Font{Family: "宋体", Size: 11, Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEEEEE"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	s.label = s.new(&excelize.Style{Border: xlsxBorder, Font: font,
		Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true}})
	s.labelCenter = s.new(&excelize.Style{Border: xlsxBorder, Font: font,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	s.intNum = s.new(&excelize.Style{Border: xlsxBorder, Font: font, NumFmt: 1,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	s.marked = s.new(&excelize.Style{Border: xlsxBorder, Font: font, NumFmt: 1, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF2CC"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if s.err != nil {
		return errs.Wrap(s.err, "export: xlsx styles")
	}
	list, byKey := notes(r)
	first := true
	for _, t := range tables(r) {
		name := SheetName(t.Code)
		if first {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return errs.Wrap(err, "export: xlsx")
			}
			first = false
		} else if _, err := f.NewSheet(name); err != nil {
			return errs.Wrap(err, "export: xlsx")
		}
		if err := xlsxTable(f, s, name, t, byKey); err != nil {
			return errs.Wrap(err, "export: xlsx "+name)
		}
	}
	if first {
		if err := f.SetSheetName("Sheet1", ChecksSheet); err != nil {
			return errs.Wrap(err, "export: xlsx")
		}
	} else if _, err := f.NewSheet(ChecksSheet); err != nil {
		return errs.Wrap(err, "export: xlsx")
	}
	if err := xlsxChecks(f, s, r); err != nil {
		return errs.Wrap(err, "export: xlsx checks")
	}
	if len(list) > 0 {
		if _, err := f.NewSheet(NotesSheet); err != nil {
			return errs.Wrap(err, "export: xlsx")
		}
		if err := xlsxNotes(f, s, list); err != nil {
			return errs.Wrap(err, "export: xlsx notes")
		}
	}
	f.SetActiveSheet(0)
	if _, err := f.WriteTo(w); err != nil {
		return errs.Wrap(err, "export: xlsx write")
	}
	return nil
}

func xlsxTable(f *excelize.File, s *xlsxStyles, sheet string, t *annual.Table, byKey map[string]Note) error {
	g := Layout(t)
	if g.Cols == 0 {
		return nil
	}
	name := func(r, c int) string {
		n, _ := excelize.CoordinatesToCellName(c+1, r+XLSXTop)
		return n
	}
	// Title row.
	end, _ := excelize.CoordinatesToCellName(g.Cols, 1)
	if err := f.SetCellStr(sheet, "A1", t.Title); err != nil {
		return err
	}
	if g.Cols > 1 {
		if err := f.MergeCell(sheet, "A1", end); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sheet, "A1", end, s.title); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheet, 1, 30); err != nil {
		return err
	}
	for _, c := range g.Cells {
		tl, br := name(c.Row, c.Col), name(c.Row+c.RowSpan-1, c.Col+c.ColSpan-1)
		style := s.head
		switch c.Kind {
		case KindLabel:
			style = s.labelCenter
			if c.Col+c.ColSpan == g.LabelCols && c.ColSpan < g.LabelCols {
				style = s.label
			}
		case KindNumber:
			style = s.intNum
		}
		v := strings.TrimSpace(c.Text)
		var err error
		switch {
		// Spreadsheets hold IEEE doubles, exact to 15 significant digits
		// (Excel's limit): a longer figure is kept exact as text.
		case c.Kind == KindNumber && reInt.MatchString(v) && digits(v) <= 15:
			n, perr := strconv.ParseInt(v, 10, 64)
			if perr != nil {
				err = f.SetCellStr(sheet, tl, v)
				break
			}
			err = f.SetCellInt(sheet, tl, n)
		case c.Kind == KindNumber && reDec.MatchString(v) && digits(v) <= 15:
			places := len(reDec.FindStringSubmatch(v)[1])
			x, _ := strconv.ParseFloat(v, 64)
			err = f.SetCellFloat(sheet, tl, x, places, 64)
			style = s.decimal(places)
		case v != "":
			err = f.SetCellStr(sheet, tl, c.Text)
		}
		if err != nil {
			return err
		}
		if c.RowSpan > 1 || c.ColSpan > 1 {
			if err := f.MergeCell(sheet, tl, br); err != nil {
				return err
			}
		}
		if n, ok := byKey[c.Key]; ok && c.Overridden {
			if style == s.intNum {
				style = s.marked
			}
			if err := f.AddComment(sheet, excelize.Comment{Cell: tl, Author: "gongkai", Text: n.Text()}); err != nil {
				return err
			}
		}
		if err := f.SetCellStyle(sheet, tl, br, style); err != nil {
			return err
		}
	}
	if s.err != nil {
		return s.err
	}
	// Column widths (characters): a label column by its longest unmerged
	// text, CJK characters counting two; figure columns 12.
	for k := 0; k < g.Cols; k++ {
		w := 12.0
		if k < g.LabelCols {
			w = 10
			for _, c := range g.Cells {
				if c.Col == k && c.ColSpan == 1 && c.Kind == KindLabel {
					w = max(w, min(60, float64(displayWidth(c.Text))+2))
				}
			}
		}
		col, _ := excelize.ColumnNumberToName(k + 1)
		if err := f.SetColWidth(sheet, col, col, w); err != nil {
			return err
		}
	}
	// Freeze the title and the header rows at the table's start.
	lead := 0
	for lead < len(g.Rows) && g.Rows[lead].Head {
		lead++
	}
	top := XLSXTop - 1 + lead
	cellName, _ := excelize.CoordinatesToCellName(1, top+1)
	return f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: top, TopLeftCell: cellName, ActivePane: "bottomLeft"})
}

// digits counts the decimal digits of a figure.
func digits(s string) int {
	n := 0
	for _, r := range strings.TrimLeft(strings.TrimLeft(s, "-"), "0") {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r < 0x80 {
			n++
		} else {
			n += 2
		}
	}
	return n
}

func xlsxChecks(f *excelize.File, s *xlsxStyles, r *annual.Report) error {
	sh := ChecksSheet
	heads := []string{"校验规则", "结果", "说明"}
	for i, h := range heads {
		n, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellStr(sh, n, h); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sh, "A1", "C1", s.head); err != nil {
		return err
	}
	for i, c := range r.Checks {
		row := i + 2
		res := "通过"
		if !c.OK {
			res = "未通过"
		}
		for k, v := range []string{c.Rule, res, c.Detail} {
			n, _ := excelize.CoordinatesToCellName(k+1, row)
			if err := f.SetCellStr(sh, n, v); err != nil {
				return err
			}
		}
		a, _ := excelize.CoordinatesToCellName(1, row)
		b, _ := excelize.CoordinatesToCellName(3, row)
		if err := f.SetCellStyle(sh, a, b, s.label); err != nil {
			return err
		}
	}
	for col, w := range map[string]float64{"A": 60, "B": 10, "C": 60} {
		if err := f.SetColWidth(sh, col, col, w); err != nil {
			return err
		}
	}
	return f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

func xlsxNotes(f *excelize.File, s *xlsxStyles, list []Note) error {
	sh := NotesSheet
	heads := []string{"标记", "表格", "行", "列", "报告数", "依据记录计算", "修改理由", "修改时间"}
	for i, h := range heads {
		n, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellStr(sh, n, h); err != nil {
			return err
		}
	}
	end, _ := excelize.CoordinatesToCellName(len(heads), 1)
	if err := f.SetCellStyle(sh, "A1", end, s.head); err != nil {
		return err
	}
	for i, n := range list {
		for k, v := range []string{n.Mark(), n.Table, n.Row, n.Column, n.Shown, n.Computed, n.Reason, n.At} {
			name, _ := excelize.CoordinatesToCellName(k+1, i+2)
			if err := f.SetCellStr(sh, name, v); err != nil {
				return err
			}
		}
		a, _ := excelize.CoordinatesToCellName(1, i+2)
		b, _ := excelize.CoordinatesToCellName(len(heads), i+2)
		if err := f.SetCellStyle(sh, a, b, s.label); err != nil {
			return err
		}
	}
	for col, w := range map[string]float64{"A": 6, "B": 24, "C": 40, "D": 16, "E": 10, "F": 12, "G": 50, "H": 22} {
		if err := f.SetColWidth(sh, col, col, w); err != nil {
			return err
		}
	}
	return nil
}
