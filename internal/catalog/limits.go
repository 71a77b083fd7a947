package catalog

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"gongkai/internal/errs"
)

// Limits of an input checked before any transaction (issue 16 #4): one
// request must not hold the single SQLite writer, or a PostgreSQL
// connection, for longer than its own small write. Every list an input
// carries is capped here, so the work validation then does against the
// database is bounded whatever a client sends.
const (
	// MaxInterprets is the most policy documents one interpretation may
	// explain (a 解读 explains one document, sometimes a package of several).
	MaxInterprets = 50
	// maxValues bounds the type-specific values of one input (scalars,
	// lists and groups together; the largest declared type has about 20).
	maxValues = 200
	// maxValueBytes bounds any one text value before its declared Max is
	// checked (no declared field allows more than a few thousand characters).
	maxValueBytes = 64 << 10
	// maxBodyBytes bounds the body as sent (before sanitising; the stored
	// body is bounded at 2 MB in prepare).
	maxBodyBytes = 4 << 20
)

// msgBadText is the message for text that the databases cannot store alike:
// PostgreSQL refuses NUL in text (SQLSTATE 22021) and SQLite would store
// NUL and invalid UTF-8 as sent (issue 16 #9).
const msgBadText = "含有无效字符（空字符或非 UTF-8 编码），请删除后重试"

// CleanText reports whether s is valid UTF-8 without NUL bytes: text that
// both databases store and return unchanged.
func CleanText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// checkLimits refuses an input whose sizes, counts or characters are out of
// bounds. It reads nothing from the database and runs before any
// transaction; its error names each field at fault.
func checkLimits(in *Input) error {
	v := errs.Validation{}
	text := func(name, s string, max int) {
		switch {
		case !CleanText(s):
			v.Add(name, msgBadText)
		case len(s) > max:
			v.Add(name, fmt.Sprintf("内容过长（超过 %d KB）", max>>10))
		}
	}
	for _, c := range coreTable {
		text(c.Name, *c.input(in), maxValueBytes)
	}
	text("doc_type", in.DocType, 64)
	text("index_no", in.IndexNo, maxValueBytes)
	text("change_note", in.ChangeNote, maxValueBytes)
	text("body", in.Body, maxBodyBytes)
	if len(in.Interprets) > MaxInterprets {
		v.Add("interprets", fmt.Sprintf("所解读的文件最多 %d 个（收到 %d 个）", MaxInterprets, len(in.Interprets)))
	}
	if n := len(in.Fields) + len(in.Lists) + len(in.Rows); n > maxValues {
		v.Add("fields", fmt.Sprintf("字段过多（最多 %d 个，收到 %d 个）", maxValues, n))
		return v.Err() // not worth looking at each of them
	}
	t := DocTypeByCode(in.DocType)
	// limit is a list field's declared bound (undeclared names are dropped
	// by validation, but they too must be small to get there).
	limit := func(name string) (Field, int) {
		if t != nil {
			if f, ok := t.Field(name); ok {
				return f, f.maxItems()
			}
		}
		return Field{Name: name, Label: name}, DefaultMaxItems
	}
	for _, k := range slices.Sorted(maps.Keys(in.Fields)) {
		text(k, k, 100)
		text(k, in.Fields[k], maxValueBytes)
	}
	for _, k := range slices.Sorted(maps.Keys(in.Lists)) {
		text(k, k, 100)
		f, max := limit(k)
		// Twice the bound: duplicates and blanks are dropped later, and the
		// declared bound is checked on what remains.
		if vals := in.Lists[k]; len(vals) > 2*max {
			v.Add(k, fmt.Sprintf("%s最多选择 %d 项（收到 %d 项）", f.Label, max, len(vals)))
		} else {
			for _, s := range vals {
				text(k, s, maxValueBytes)
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(in.Rows)) {
		text(k, k, 100)
		f, max := limit(k)
		rows := in.Rows[k]
		if len(rows) > 2*max {
			v.Add(k, fmt.Sprintf("%s最多 %d 行（收到 %d 行）", f.Label, max, len(rows)))
			continue
		}
		for i, row := range rows {
			if len(row) > maxValues {
				v.Add(fmt.Sprintf("%s.%d", k, i), "该行字段过多")
				continue
			}
			for sk, s := range row {
				key := fmt.Sprintf("%s.%d.%s", k, i, sk)
				text(key, sk, 100)
				text(key, s, maxValueBytes)
			}
		}
	}
	return v.Err()
}
