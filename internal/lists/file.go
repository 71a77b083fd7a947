package lists

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
)

// Limits of an imported file. A municipal bureau's lists have tens to a
// few hundred rows (the 2023 Shandong licensing list, the largest, 717
// items: RECORDS §1.1); the limits leave room and bound the work a request
// can cause.
const (
	MaxFileBytes = 8 << 20
	MaxRows      = 5000
	// MaxColumns bounds the cells of a row (a kind has a few dozen fields).
	MaxColumns = 200
	// MaxCellsReported bounds the validation report (a wholly wrong file
	// would otherwise list every cell).
	MaxCellsReported = 1000
)

// Formats of files.
const (
	CSV  = "csv"
	XLSX = "xlsx"
)

// Cell is one bad cell of an imported file: Row as in the file (the header
// is row 1), Column the header's text (or the column letter where there is
// no header).
type Cell struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

// CellsError carries the validation report of a refused file; it is the
// cause of an errs.Invalid error (errors.As finds it).
type CellsError struct {
	Cells []Cell
	// More is how many further problems were not listed.
	More int
}

func (e *CellsError) Error() string { return fmt.Sprintf("%d bad cells", len(e.Cells)) }

// cellsErr makes the Invalid error of a report.
func cellsErr(cells []Cell) error {
	ce := &CellsError{Cells: cells}
	if len(cells) > MaxCellsReported {
		ce.Cells, ce.More = cells[:MaxCellsReported], len(cells)-MaxCellsReported
	}
	msg := fmt.Sprintf("文件中有 %d 处错误，未导入任何内容；请按错误报告修改后重新导入", len(cells))
	return &errs.Error{Code: errs.Invalid, Message: msg, Err: ce}
}

// CellsOf returns the report of a refused file, if err carries one.
func CellsOf(err error) (*CellsError, bool) {
	var ce *CellsError
	ok := errors.As(err, &ce)
	return ce, ok
}

// readTable reads a file's cells: CSV (UTF-8 with or without BOM, or the
// GB18030/GBK that Excel writes on Chinese Windows) or XLSX (its first
// sheet). The format is recognised from the content, not the name.
func readTable(data []byte, name string, limit int) ([][]string, string, error) {
	if len(data) == 0 {
		return nil, "", errs.E(errs.Invalid, "文件是空的")
	}
	if len(data) > MaxFileBytes {
		return nil, "", errs.E(errs.Invalid, "文件过大（上限 %d MB）", MaxFileBytes>>20)
	}
	lower := strings.ToLower(name)
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		rows, err := readXLSX(data, limit)
		return rows, XLSX, err
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, "", errs.E(errs.Invalid, "这是旧版 Excel（.xls）或加密的文件，无法读取；请在 Excel 中“另存为” .xlsx 或 CSV（逗号分隔）后再导入")
	case strings.HasSuffix(lower, ".xlsx"):
		return nil, "", errs.E(errs.Invalid, "文件扩展名为 .xlsx，但内容不是有效的 XLSX 文件（文件可能已损坏）")
	}
	rows, err := readCSV(data, limit)
	return rows, CSV, err
}

func readXLSX(data []byte, limit int) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 32 << 20})
	if err != nil {
		return nil, errs.E(errs.Invalid, "XLSX 文件已损坏或无法读取，请在 Excel 中打开确认后重新保存")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errs.E(errs.Invalid, "XLSX 文件中没有工作表")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, errs.E(errs.Invalid, "XLSX 文件的第一个工作表无法读取")
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		if len(out) > limit+1 {
			return nil, errs.E(errs.Invalid, "文件超过 %d 行，请分批整理", limit)
		}
		cols, err := rows.Columns()
		if err != nil {
			return nil, errs.E(errs.Invalid, "XLSX 文件第 %d 行无法读取", len(out)+1)
		}
		out = append(out, cols)
	}
	if rows.Error() != nil {
		return nil, errs.E(errs.Invalid, "XLSX 文件已损坏或无法读取")
	}
	return out, nil
}

func readCSV(data []byte, limit int) ([][]string, error) {
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, errs.E(errs.Invalid, "文件不是 CSV 或 XLSX 格式（含有二进制内容）；请上传从模板填写的 .xlsx 或 .csv 文件")
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		// Excel on Chinese Windows saves "CSV (逗号分隔)" in the ANSI code
		// page, GBK; GB18030 is its superset and decodes it.
		dec, _, err := transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), data)
		if err != nil || !utf8.Valid(dec) {
			return nil, errs.E(errs.Invalid, "无法识别文件的字符编码；请保存为 UTF-8 或 GBK 编码的 CSV")
		}
		data = dec
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	var out [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, errs.E(errs.Invalid, "CSV 文件第 %d 行格式错误（引号不成对或多余）", pe.StartLine)
			}
			return nil, errs.E(errs.Invalid, "CSV 文件无法读取")
		}
		if len(out) > limit+1 {
			return nil, errs.E(errs.Invalid, "文件超过 %d 行，请分批整理", limit)
		}
		out = append(out, rec)
	}
	return out, nil
}

// parsed is a file's rows, validated.
type parsed struct {
	rows   []Row
	format string
}

// parseFile reads and validates a file by the kind's declaration: every
// problem is reported with its row and column, and any problem refuses the
// whole file.
func (k *Kind) parseFile(data []byte, name string) (*parsed, error) {
	return k.parseFileWith(data, name, nil)
}

// unchangedPublic returns the prior row's values when raw is that row
// exactly as the public sees it (Kind.Public), for kinds whose public form
// differs from the stored one (persons, Redact).
func (k *Kind) unchangedPublic(raw map[string]string, prior map[string]Row) (map[string]string, bool) {
	if len(prior) == 0 || (!k.HasPersons() && k.Redact == nil) {
		return nil, false
	}
	key := make(map[string]string, len(k.Key))
	for _, n := range k.Key {
		f, _ := k.Field(n)
		key[n], _ = f.Normalize(raw[n])
	}
	was, ok := prior[k.keyOf(key)]
	if !ok {
		return nil, false
	}
	pub := k.publicValues(was.Values)
	for _, f := range k.Fields {
		c, msg := f.Normalize(raw[f.Name])
		if f.Kind == catalog.Bool && c == "0" {
			c = ""
		}
		if msg != "" || c != pub[f.Name] {
			return nil, false
		}
	}
	out := make(map[string]string, len(was.Values))
	for n, v := range was.Values {
		out[n] = v
	}
	return out, true
}

// parseFileWith is parseFile knowing the current edition's rows by key:
// a personal value that comes back masked (a public export edited and
// imported again) is recognised and restored from the row it masks, and
// refused when it masks nothing there (the round trip stays exact without
// ever publishing the full value).
func (k *Kind) parseFileWith(data []byte, name string, prior map[string]Row) (*parsed, error) {
	table, format, err := readTable(data, name, k.RowLimit())
	if err != nil {
		return nil, err
	}
	return k.parseTable(table, format, prior)
}

// parseTable checks a table read from a file (or built by a generator:
// Import.Table) against the kind, as parseFileWith does.
func (k *Kind) parseTable(table [][]string, format string, prior map[string]Row) (*parsed, error) {
	if len(table) == 0 {
		return nil, errs.E(errs.Invalid, "文件中没有内容；第一行应为表头（可下载导入模板）")
	}
	for i, rec := range table {
		if len(rec) > MaxColumns {
			return nil, errs.E(errs.Invalid, "文件第 %d 行有 %d 列，超过 %d 列；请使用导入模板", i+1, len(rec), MaxColumns)
		}
	}
	byLabel := map[string]catalog.Field{}
	for _, f := range k.Fields {
		byLabel[f.Label] = f
	}
	var cells []Cell
	header := table[0]
	cols := make([]string, len(header)) // field name per column; SeqHeader; "" none
	seen := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
		if h == "" {
			continue
		}
		if j, dup := seen[h]; dup {
			cells = append(cells, Cell{1, h, fmt.Sprintf("表头“%s”出现了两次（第 %s 列和第 %s 列）", h, colName(j), colName(i))})
			continue
		}
		seen[h] = i
		switch f, ok := byLabel[h]; {
		case ok:
			cols[i] = f.Name
		case h == SeqHeader:
			cols[i] = SeqHeader
		default:
			cells = append(cells, Cell{1, h, fmt.Sprintf("不是%s的列；表头应为导入模板中的列名", k.Name)})
		}
	}
	for _, f := range k.Fields {
		if _, ok := seen[f.Label]; !ok && f.Required {
			cells = append(cells, Cell{1, f.Label, fmt.Sprintf("缺少必填列“%s”", f.Label)})
		}
	}
	if len(cells) > 0 {
		return nil, cellsErr(cells)
	}
	p := &parsed{format: format}
	keyRow := map[string]int{}
	for i, rec := range table[1:] {
		line := i + 2
		blank := true
		for _, c := range rec {
			if strings.TrimSpace(c) != "" {
				blank = false
				break
			}
		}
		if blank {
			continue
		}
		raw := map[string]string{}
		reported := map[string]bool{}
		rowCells := 0
		for j, c := range rec {
			switch {
			case j >= len(cols) || (cols[j] == "" && strings.TrimSpace(c) != ""):
				if strings.TrimSpace(c) != "" {
					cells = append(cells, Cell{line, colName(j), "该列没有表头，内容无法识别"})
					rowCells++
				}
			case cols[j] == SeqHeader:
				if s := strings.TrimSpace(c); s != "" {
					if n, err := strconv.Atoi(s); err != nil || n < 1 {
						cells = append(cells, Cell{line, SeqHeader, "序号应为正整数（序号只读，导入时按文件中的顺序排列）"})
						rowCells++
					}
				}
			case cols[j] != "":
				f, _ := k.Field(cols[j])
				if format == CSV {
					c = unguard(c)
				}
				if !cleanCell(c) {
					cells = append(cells, Cell{line, f.Label, "含有无法识别的控制字符，请删除后重新导入"})
					rowCells++
					reported[f.Name] = true
					continue
				}
				raw[f.Name] = fromCell(f, c)
			}
		}
		if was, ok := k.unchangedPublic(raw, prior); ok {
			// A row exactly as the public export shows it (masked, or
			// redacted like a withdrawn decision): the stored row stands.
			raw = was
		}
		vals, bad := k.Validate(raw)
		for _, f := range k.Fields {
			if f.Kind != catalog.Person || !strings.ContainsRune(vals[f.Name], '*') || bad[f.Name] != "" {
				continue
			}
			was := prior[k.keyOf(vals)].Values[f.Name]
			if was != "" && Masked(was) == vals[f.Name] {
				vals[f.Name] = was
			} else {
				bad[f.Name] = f.Label + "是脱敏后的值（含“*”），与现行版本中该事项的记录不符；请填写完整内容"
			}
		}
		for _, f := range k.Fields {
			if m, ok := bad[f.Name]; ok && !reported[f.Name] {
				cells = append(cells, Cell{line, f.Label, m})
				rowCells++
			}
		}
		if rowCells > 0 {
			continue
		}
		key := k.keyOf(vals)
		if first, dup := keyRow[key]; dup {
			f, _ := k.Field(k.Key[0])
			cells = append(cells, Cell{line, f.Label, fmt.Sprintf("与第 %d 行重复（%s“%s”在清单中只能出现一次）", first, f.Label, key)})
			continue
		}
		keyRow[key] = line
		p.rows = append(p.rows, Row{Seq: len(p.rows) + 1, Key: key, Title: vals[k.Title], Values: vals})
	}
	if len(p.rows) > k.RowLimit() {
		return nil, errs.E(errs.Invalid, "文件超过 %d 行，请分批整理", k.RowLimit())
	}
	if len(cells) > 0 {
		return nil, cellsErr(cells)
	}
	if len(p.rows) == 0 {
		return nil, errs.E(errs.Invalid, "文件中只有表头，没有任何事项")
	}
	return p, nil
}

// cleanCell refuses what no list value carries and an XLSX export could
// not write (XML 1.0 has no C0 controls but tab, newline and return): NUL,
// other control characters, invalid UTF-8.
func cleanCell(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
			return false
		}
	}
	return true
}

// colName is a 0-based column index as a spreadsheet letter (A, B, … AA).
func colName(i int) string {
	s, _ := excelize.ColumnNumberToName(i + 1)
	return s + " 列"
}

// fromCell reads a cell as the field's input: 是/否 for a bool.
func fromCell(f catalog.Field, c string) string {
	c = strings.TrimSpace(c)
	if f.Kind == catalog.Bool {
		switch c {
		case "是", "TRUE", "true", "1":
			return "1"
		case "否", "FALSE", "false", "0", "":
			return "0"
		}
	}
	return c
}

// toCell writes a canonical value as the file carries it: the option's
// label, 是/否, and the canonical text otherwise (which imports back as it
// is: the round trip).
func toCell(f catalog.Field, canon string) string {
	switch f.Kind {
	case catalog.Select:
		return catalog.OptionLabel(f.Options, canon)
	case catalog.Bool:
		if canon == "1" {
			return "是"
		}
		return "否"
	}
	return canon
}

// guard keeps a CSV cell from being read as a formula by a spreadsheet
// (CSV injection, OWASP): a text starting with = + - @ or a tab or carriage
// return gets a leading apostrophe, which Excel hides; unguard removes it
// on import, so the round trip is exact.
func guard(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

func unguard(v string) string {
	if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(v[1])) {
		return v[1:]
	}
	return v
}

// table is the header and the rows of an export (no rows: the template).
func (k *Kind) table(rows []Row) [][]string {
	out := [][]string{k.Headers()}
	for i, r := range rows {
		out = append(out, k.line(i+1, r))
	}
	return out
}

// line is one row of an export: its number in the file (序号), then each
// field's cell.
func (k *Kind) line(n int, r Row) []string {
	line := make([]string, 0, len(k.Fields)+1)
	line = append(line, strconv.Itoa(n))
	for _, f := range k.Fields {
		line = append(line, toCell(f, r.Values[f.Name]))
	}
	return line
}

// WriteFile writes rows (none: the template) in format to w.
func (k *Kind) WriteFile(w io.Writer, format string, rows []Row) error {
	fw, err := k.NewFileWriter(w, format)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if err := fw.Row(r); err != nil {
			fw.abort()
			return err
		}
	}
	return fw.Close()
}

// FileWriter writes an export (or the template) row by row, so that a
// ledger of tens of thousands of rows is never held whole: a CSV goes out
// as it is written; an XLSX is built by excelize's StreamWriter (which
// keeps the sheet in a temporary file past 16 MB) and written to w on
// Close, the zip needing the whole sheet.
type FileWriter struct {
	k      *Kind
	format string
	n      int
	csv    *csv.Writer
	xlsx   *excelize.File
	sw     *excelize.StreamWriter
	w      io.Writer
	// text and head are the XLSX cell styles.
	text, head int
	cells      []any
}

// NewFileWriter starts a file of the kind in format on w, header first.
func (k *Kind) NewFileWriter(w io.Writer, format string) (*FileWriter, error) {
	fw := &FileWriter{k: k, format: format, w: w}
	switch format {
	case CSV:
		// With a BOM, Excel opens the UTF-8 file with its Chinese intact.
		if _, err := w.Write([]byte("\xEF\xBB\xBF")); err != nil {
			return nil, err
		}
		fw.csv = csv.NewWriter(w)
		fw.csv.UseCRLF = true
		if err := fw.csv.Write(k.Headers()); err != nil {
			return nil, err
		}
		return fw, nil
	case XLSX:
		if err := fw.startXLSX(); err != nil {
			fw.abort()
			return nil, err
		}
		return fw, nil
	}
	return nil, errs.E(errs.Invalid, "format 应为 csv 或 xlsx")
}

// Row writes the next row (numbered in the file from 1).
func (fw *FileWriter) Row(r Row) error {
	fw.n++
	line := fw.k.line(fw.n, r)
	if fw.csv != nil {
		for j := range line {
			line[j] = guard(line[j])
		}
		return fw.csv.Write(line)
	}
	return fw.xlsxRow(fw.n+1, line, fw.text)
}

// Close finishes the file: the CSV's last bytes, or the whole XLSX.
func (fw *FileWriter) Close() error {
	if fw.csv != nil {
		fw.csv.Flush()
		return fw.csv.Error()
	}
	defer fw.abort()
	if err := fw.sw.Flush(); err != nil {
		return err
	}
	return fw.xlsx.Write(fw.w)
}

// abort releases an unfinished XLSX (its temporary files).
func (fw *FileWriter) abort() {
	if fw.xlsx != nil {
		fw.xlsx.Close()
	}
}

func (fw *FileWriter) startXLSX() error {
	k := fw.k
	f := excelize.NewFile()
	fw.xlsx = f
	sheet := k.Name
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	// Every cell is text ("@"), so codes with leading zeros and dates stay
	// as written when the file is edited and saved again.
	var err error
	fw.text, err = f.NewStyle(&excelize.Style{NumFmt: 49, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	fw.head, err = f.NewStyle(&excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	fw.sw = sw
	if err := sw.SetColWidth(1, 1, 6); err != nil {
		return err
	}
	for i, fd := range k.Fields {
		width := 16.0
		if fd.Kind == catalog.TextArea {
			width = 40
		}
		if err := sw.SetColWidth(i+2, i+2, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	return fw.xlsxRow(1, k.Headers(), fw.head)
}

// xlsxRow writes line as sheet row n in style st.
func (fw *FileWriter) xlsxRow(n int, line []string, st int) error {
	fw.cells = fw.cells[:0]
	for _, v := range line {
		fw.cells = append(fw.cells, excelize.Cell{StyleID: st, Value: v})
	}
	cell, _ := excelize.CoordinatesToCellName(1, n)
	return fw.sw.SetRow(cell, fw.cells)
}

// ReadTable reads a spreadsheet file's cells (CSV in UTF-8 or GBK, or the
// first sheet of an XLSX), as the lists' import does; other features (a
// statistics item's table) read their uploads with it.
func ReadTable(data []byte, name string) ([][]string, error) {
	rows, _, err := readTable(data, name, MaxRows)
	return rows, err
}

// Table is rows of values by field name as an import's cells (header
// first), for Import.Table.
func (k *Kind) Table(rows []map[string]string) [][]string {
	rs := make([]Row, len(rows))
	for i, v := range rows {
		rs[i] = Row{Values: v}
	}
	return k.table(rs)
}
