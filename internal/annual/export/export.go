package export

import (
	"fmt"
	"io"
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
