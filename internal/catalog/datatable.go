package catalog

import (
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits of a statistics table (统计数据 carried as data, issue 15).
const (
	MaxDataRows    = 200
	MaxDataColumns = 12
	maxDataCell    = 100
)

// DataFields name a type's data table fields: the table as CSV text and
// its unit of measure.
type DataFields struct{ Table, Unit string }

// DataTable is a statistics table: a header (the first cell names the
// rows' dimension, the others the series, e.g. periods), rows whose first
// cell is a label and whose other cells are numbers or empty.
type DataTable struct {
	Header []string
	Rows   [][]string
	// Values are the rows' numbers by series; Missing marks empty cells.
	Values  [][]float64
	Missing [][]bool
	Unit    string
}

// Max is the largest value in the table (0 for none).
func (t *DataTable) Max() float64 {
	m := 0.0
	for i, row := range t.Values {
		for j, v := range row {
			if !t.Missing[i][j] && v > m {
				m = v
			}
		}
	}
	return m
}

// ParseDataTable reads a statistics table from CSV text and returns it, or
// a Chinese message saying what is wrong (row and column counted as a
// spreadsheet shows them: the header is row 1).
func ParseDataTable(text string) (*DataTable, string) {
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(text, "\ufeff")))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	recs, err := r.ReadAll()
	if err != nil {
		return nil, "统计表不是有效的 CSV：" + csvMessage(err)
	}
	if len(recs) < 2 {
		return nil, "统计表至少需要表头和一行数据"
	}
	t := &DataTable{Header: trimAll(recs[0])}
	cols := len(t.Header)
	switch {
	case cols < 2:
		return nil, "统计表至少需要两列：第一列为项目，其余各列为数值"
	case cols > MaxDataColumns:
		return nil, fmt.Sprintf("统计表最多 %d 列，现有 %d 列", MaxDataColumns, cols)
	case len(recs)-1 > MaxDataRows:
		return nil, fmt.Sprintf("统计表最多 %d 行数据，现有 %d 行", MaxDataRows, len(recs)-1)
	}
	for j, h := range t.Header {
		if h == "" {
			return nil, fmt.Sprintf("表头第 %d 列为空", j+1)
		}
	}
	for i, rec := range recs[1:] {
		rec = trimAll(rec)
		if len(rec) != cols {
			return nil, fmt.Sprintf("第 %d 行有 %d 列，表头有 %d 列", i+2, len(rec), cols)
		}
		if rec[0] == "" {
			return nil, fmt.Sprintf("第 %d 行第 1 列（项目名称）为空", i+2)
		}
		vals, miss := make([]float64, cols-1), make([]bool, cols-1)
		for j, cell := range rec {
			if utf8.RuneCountInString(cell) > maxDataCell {
				return nil, fmt.Sprintf("第 %d 行第 %d 列超过 %d 个字", i+2, j+1, maxDataCell)
			}
			if j == 0 {
				continue
			}
			if cell == "" || cell == "-" || cell == "—" {
				miss[j-1] = true
				continue
			}
			v, err := strconv.ParseFloat(strings.ReplaceAll(cell, ",", ""), 64)
			if err != nil || v < 0 || v > 1e15 {
				return nil, fmt.Sprintf("第 %d 行第 %d 列“%s”不是数值（不小于 0 的数字，可留空）", i+2, j+1, cell)
			}
			vals[j-1] = v
		}
		t.Rows = append(t.Rows, rec)
		t.Values = append(t.Values, vals)
		t.Missing = append(t.Missing, miss)
	}
	return t, ""
}

func trimAll(rec []string) []string {
	out := make([]string, len(rec))
	for i, c := range rec {
		out[i] = strings.TrimSpace(c)
	}
	return out
}

func csvMessage(err error) string {
	if pe, ok := err.(*csv.ParseError); ok {
		return fmt.Sprintf("第 %d 行格式有误（引号不配对或多余）", pe.Line)
	}
	return "格式有误"
}

// DataCSV writes rows as CSV text (a spreadsheet's cells, for the data
// table field).
func DataCSV(rows [][]string) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	for _, row := range rows {
		w.Write(row)
	}
	w.Flush()
	return b.String()
}
