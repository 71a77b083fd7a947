package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"gongkai/internal/annual"
	"gongkai/internal/errs"
)

// Formats are the export formats, in the order pages offer them.
var Formats = []string{"pdf", "docx", "xlsx"}

// Write writes r in format (pdf, docx or xlsx).
func Write(w io.Writer, format string, r *annual.Report) error {
	if r == nil {
		return fmt.Errorf("export: no report")
	}
	switch strings.ToLower(format) {
	case "pdf":
		return writePDF(w, r)
	case "docx":
		return writeDOCX(w, r)
	case "xlsx":
		return writeXLSX(w, r)
	}
	msg := fmt.Sprintf("不支持的导出格式：%s（可选 pdf、docx、xlsx）", format)
	return &errs.Error{Code: errs.Invalid, Message: msg, Fields: map[string]string{"format": msg}}
}

// ContentType is the media type of format, empty for an unknown one.
func ContentType(format string) string {
	switch strings.ToLower(format) {
	case "pdf":
		return "application/pdf"
	case "docx":
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case "xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return ""
}

// Filename is the download's file name: the report's title (or
// "<year>年政府信息公开工作年度报告") with the format's extension, without
// characters file systems refuse.
func Filename(r *annual.Report, format string) string {
	name := ""
	if r != nil {
		name = strings.TrimSpace(r.Title)
		if name == "" {
			name = fmt.Sprintf("%d年政府信息公开工作年度报告", r.Year)
		}
	}
	if name == "" {
		name = "政府信息公开工作年度报告"
	}
	name = strings.Map(func(c rune) rune {
		if c < 0x20 || strings.ContainsRune(`/\:*?"<>|`, c) {
			return '_'
		}
		return c
	}, name)
	return name + "." + strings.ToLower(format)
}

// tables returns the report's tables with their part, in report order,
// skipping missing ones.
func tables(r *annual.Report) []*annual.Table {
	var out []*annual.Table
	for _, t := range r.Tables.All() {
		if t != nil {
			out = append(out, t)
		}
	}
	return out
}

// partTitle is "一、总体情况".
func partTitle(p annual.Part) string {
	if p.No == "" {
		return p.Title
	}
	return p.No + "、" + p.Title
}

// paragraphs splits a part's text at blank lines (annual.Part.Text); a
// paragraph's inner line breaks are dropped (Chinese text has no spaces
// between lines).
func paragraphs(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var out []string
	for _, p := range strings.Split(s, "\n\n") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		lines := strings.Split(p, "\n")
		for i := range lines {
			lines[i] = strings.TrimSpace(lines[i])
		}
		out = append(out, strings.Join(lines, ""))
	}
	return out
}

// tableFor returns the part's table.
func tableFor(r *annual.Report, p annual.Part) *annual.Table {
	if p.Table == "" {
		return nil
	}
	return r.Table(p.Table)
}

// Note is a figure staff overrode, as every export marks it: the mark
// after the figure (※1) and, after the report, the note with the computed
// figure and the recorded reason (the draft's marks, issue 14).
type Note struct {
	N                  int
	Table, Row, Column string // the table's title, the row's label, the column's heading
	Shown, Computed    string
	Reason, At         string
}

// Mark is the text after an overridden figure.
func (n Note) Mark() string { return "※" + strconv.Itoa(n.N) }

// Text is the note as one line.
func (n Note) Text() string {
	at := n.At
	if len(at) >= 10 {
		at = at[:10]
	}
	return fmt.Sprintf("%s %s“%s”%s栏：报告数 %s，依据记录计算为 %s。修改理由：%s（%s）", n.Mark(), n.Table, n.Row, n.Column, n.Shown, n.Computed, n.Reason, at)
}

// notes numbers the report's overridden figures in table, row and column
// order; byKey maps a grid cell's Key to its note.
func notes(r *annual.Report) (list []Note, byKey map[string]Note) {
	byKey = map[string]Note{}
	for _, t := range tables(r) {
		for _, b := range t.Blocks {
			for _, row := range b.Rows {
				for _, col := range b.Columns {
					c := row.Cells[col]
					if c == nil || c.Override == nil {
						continue
					}
					n := Note{N: len(list) + 1, Table: t.Title, Row: row.Label, Column: annual.ColumnTitle(t.Code, col),
						Shown: c.Value, Computed: c.Computed, Reason: c.Override.Reason, At: c.Override.At}
					list = append(list, n)
					byKey[t.Code+"/"+row.Key+"/"+col] = n
				}
			}
		}
	}
	return list, byKey
}

// cellText is a grid cell's text with its override mark.
func cellText(c *GCell, byKey map[string]Note) string {
	if n, ok := byKey[c.Key]; ok && c.Overridden {
		return c.Text + n.Mark()
	}
	return c.Text
}

// Appendix headings and lines every export ends with: the overridden
// figures (when any) and the 勾稽关系 checks with their outcomes
// (REFERENCE §2.3–2.4).
const (
	NotesHeading  = "附：人工修改的统计数字"
	ChecksHeading = "附：勾稽关系校验结果"
)

// CheckLine is one check as a line: the rule, 通过 or 未通过, the detail.
func CheckLine(i int, c annual.Check) string {
	res := "通过"
	if !c.OK {
		res = "未通过"
	}
	s := fmt.Sprintf("%d. %s：%s", i+1, c.Rule, res)
	if !c.OK && c.Detail != "" {
		s += "（" + c.Detail + "）"
	}
	return s
}
