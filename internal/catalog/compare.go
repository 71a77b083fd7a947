package catalog

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"html"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gongkai/internal/errs"
)

// FieldText is one editable field of an input as text: what a reviewer
// compares and what the conflict form shows.
type FieldText struct {
	Name, Label, Text string
}

// FieldChange is a field whose value differs between two versions. Body
// changes also carry a line diff.
type FieldChange struct {
	Name, Label, Old, New string
	Lines                 []DiffLine
}

// DiffLine is one line of a line diff: Op is "=", "-" or "+".
type DiffLine struct {
	Op, Text string
}

// Texts lists every field an item of type t has in the form, in form
// order, with its value in in as text (option labels, a group's rows one
// per line). Names are the form's: core and type fields by name, plus
// column_id, department_id, body, successor_id and interprets.
func (t *DocType) Texts(in *Input) []FieldText {
	out := []FieldText{{"column_id", "所属栏目", idText(in.ColumnID)}, {"department_id", "起草科室", idText(in.DepartmentID)}}
	for _, c := range coreTable {
		if c.Always && !t.Has(c.Name) {
			out = append(out, FieldText{c.Name, c.Label, fieldText(c.Field, in)})
		}
	}
	for _, f := range t.Fields {
		out = append(out, FieldText{f.Name, f.Label, fieldText(f, in)})
	}
	out = append(out, FieldText{"body", "正文", in.Body})
	if t.Has("validity") {
		out = append(out, FieldText{"successor_id", "替代文件", idText(in.SuccessorID)})
	}
	if t.Interprets {
		ids := slices.Clone(in.Interprets)
		slices.Sort(ids)
		s := make([]string, len(ids))
		for i, id := range ids {
			s[i] = strconv.FormatInt(id, 10)
		}
		out = append(out, FieldText{"interprets", "所解读的文件", strings.Join(s, ",")})
	}
	for i := range out {
		// A textarea comes back with CRLF line ends and without a leading
		// newline: neither is a change.
		out[i].Text = strings.TrimSpace(strings.ReplaceAll(out[i].Text, "\r\n", "\n"))
	}
	return out
}

func idText(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

func fieldText(f Field, in *Input) string {
	switch f.Kind {
	case MultiSelect:
		vals := in.List(f.Name)
		if vals == nil && in.Fields[f.Name] != "" {
			vals = strings.Split(in.Fields[f.Name], ",")
		}
		out := make([]string, len(vals))
		for i, v := range vals {
			out[i] = OptionLabel(f.Options, v)
		}
		return strings.Join(out, "、")
	case Group:
		var lines []string
		for _, row := range in.GroupRows(f.Name) {
			cells := make([]string, 0, len(f.Sub))
			for _, sf := range f.Sub {
				cells = append(cells, row[sf.Name])
			}
			lines = append(lines, strings.Join(cells, " | "))
		}
		return strings.Join(lines, "\n")
	case Select:
		if v := in.Value(f.Name); v != "" {
			return OptionLabel(f.Options, v)
		}
		return ""
	case Bool:
		if in.Value(f.Name) == "1" {
			return "是"
		}
		return "否"
	}
	return in.Value(f.Name)
}

// Compare lists the fields whose text differs from old to new, in form order.
func (t *DocType) Compare(old, new *Input) []FieldChange {
	a, b := t.Texts(old), t.Texts(new)
	var out []FieldChange
	for i := range a {
		if a[i].Text == b[i].Text {
			continue
		}
		c := FieldChange{Name: a[i].Name, Label: a[i].Label, Old: a[i].Text, New: b[i].Text}
		if c.Name == "body" {
			// The reviewer reads text; a change in markup only is shown
			// as markup.
			o, n := bodyLines(c.Old, true), bodyLines(c.New, true)
			if slices.Equal(o, n) {
				o, n = bodyLines(c.Old, false), bodyLines(c.New, false)
			}
			c.Lines = LineDiff(o, n)
		}
		out = append(out, c)
	}
	return out
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// bodyLines splits a body into lines at paragraph and line breaks, as
// text (tags dropped, entities decoded) or as markup.
func bodyLines(body string, text bool) []string {
	r := strings.NewReplacer("</p>", "</p>\n", "<br>", "<br>\n", "</li>", "</li>\n", "</tr>", "</tr>\n", "\r\n", "\n")
	var out []string
	for _, l := range strings.Split(r.Replace(body), "\n") {
		if text {
			l = html.UnescapeString(tagRE.ReplaceAllString(l, ""))
		}
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// maxDiffCells bounds LineDiff's table; beyond it the diff is the old
// lines removed and the new ones added.
const maxDiffCells = 4 << 20

// LineDiff is the longest-common-subsequence diff of two line lists.
func LineDiff(a, b []string) []DiffLine {
	n, m := len(a), len(b)
	if n*m > maxDiffCells {
		var out []DiffLine
		for _, l := range a {
			out = append(out, DiffLine{"-", l})
		}
		for _, l := range b {
			out = append(out, DiffLine{"+", l})
		}
		return out
	}
	// lcs[i][j] is the LCS length of a[i:] and b[j:].
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []DiffLine
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			out = append(out, DiffLine{"=", a[i]})
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, DiffLine{"-", a[i]})
			i++
		default:
			out = append(out, DiffLine{"+", b[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, DiffLine{"-", a[i]})
	}
	for ; j < m; j++ {
		out = append(out, DiffLine{"+", b[j]})
	}
	return out
}

// Signatures are short hashes of each field's text, by name: an edit form
// carries those of the version it was opened on, so that after a conflict
// the server can tell which fields the editor changed and which the other
// person did.
func (t *DocType) Signatures(in *Input) map[string]string {
	out := map[string]string{}
	for _, f := range t.Texts(in) {
		out[f.Name] = textSig(f.Text)
	}
	return out
}

func textSig(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:6])
}

// EncodeSignatures is the form's hidden value of sigs ("name:sig;…", sorted).
func EncodeSignatures(sigs map[string]string) string {
	keys := slices.Sorted(maps.Keys(sigs))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ":" + sigs[k]
	}
	return strings.Join(parts, ";")
}

// DecodeSignatures reads EncodeSignatures' form; anything malformed is left out.
func DecodeSignatures(s string) map[string]string {
	out := map[string]string{}
	for _, p := range strings.Split(s, ";") {
		if k, v, ok := strings.Cut(p, ":"); ok && k != "" && len(v) == 12 {
			out[k] = v
		}
	}
	return out
}

// Merge is the outcome of a three-way comparison after an edit conflict.
type Merge struct {
	// Taken are the fields only the other person changed: the merged
	// input has their value.
	Taken []FieldChange
	// Clashes are the fields both changed (Old is theirs, New the
	// editor's): the merged input keeps the editor's value until they
	// choose the other.
	Clashes []FieldChange
}

// MergeInputs merges the editor's input (mine, started from the version
// whose signatures are base) with the stored one (theirs) field by field.
// Fields the editor did not touch take theirs; fields the other person
// did not touch keep the editor's; fields both changed are clashes. The
// result carries theirs' version, so saving it is no longer stale.
func (t *DocType) MergeInputs(base map[string]string, mine, theirs *Input) (Input, Merge) {
	merged := cloneInput(mine)
	merged.Version = theirs.Version
	var m Merge
	tm := t.Texts(theirs)
	for i, f := range t.Texts(mine) {
		th := tm[i]
		if f.Text == th.Text {
			continue
		}
		c := FieldChange{Name: f.Name, Label: f.Label, Old: th.Text, New: f.Text}
		switch b, known := base[f.Name]; {
		case known && textSig(f.Text) == b:
			TakeField(&merged, theirs, f.Name)
			m.Taken = append(m.Taken, c)
		case known && textSig(th.Text) == b:
			// Only the editor changed it: theirs is the base, keep mine.
		default:
			m.Clashes = append(m.Clashes, c)
		}
	}
	return merged, m
}

func cloneInput(in *Input) Input {
	out := *in
	out.Fields = maps.Clone(in.Fields)
	out.Lists = map[string][]string{}
	for k, v := range in.Lists {
		out.Lists[k] = slices.Clone(v)
	}
	out.Rows = map[string][]map[string]string{}
	for k, rs := range in.Rows {
		for _, r := range rs {
			out.Rows[k] = append(out.Rows[k], maps.Clone(r))
		}
	}
	out.Interprets = slices.Clone(in.Interprets)
	if out.Fields == nil {
		out.Fields = map[string]string{}
	}
	return out
}

// TakeField copies one field (a name of Texts) from src into dst.
func TakeField(dst, src *Input, name string) {
	switch name {
	case "column_id":
		dst.ColumnID = src.ColumnID
	case "department_id":
		dst.DepartmentID = src.DepartmentID
	case "body":
		dst.Body = src.Body
	case "successor_id":
		dst.SuccessorID = src.SuccessorID
	case "interprets":
		dst.Interprets = slices.Clone(src.Interprets)
	default:
		if p := coreInput(dst, name); p != nil {
			*p = *coreInput(src, name)
			return
		}
		if dst.Fields == nil {
			dst.Fields = map[string]string{}
		}
		if dst.Lists == nil {
			dst.Lists = map[string][]string{}
		}
		if dst.Rows == nil {
			dst.Rows = map[string][]map[string]string{}
		}
		setOrDelete(dst.Fields, src.Fields, name)
		delete(dst.Lists, name)
		if v, ok := src.Lists[name]; ok {
			dst.Lists[name] = slices.Clone(v)
		}
		delete(dst.Rows, name)
		for _, r := range src.Rows[name] {
			dst.Rows[name] = append(dst.Rows[name], maps.Clone(r))
		}
	}
}

func setOrDelete(dst, src map[string]string, k string) {
	if v, ok := src[k]; ok {
		dst[k] = v
	} else {
		delete(dst, k)
	}
}

// TitleFinder finds published documents of the types by title or 文号,
// as item ids, newest first, at most limit.
type TitleFinder func(ctx context.Context, siteID int64, types []string, q string, limit int) ([]int64, error)

// LookupWindow is how many of the newest published documents of each type
// the pickers' title search reads: successors and interpreted documents
// are recent ones, and the search must not scan the whole catalogue. An
// exact 索引号 finds any document.
const LookupWindow = 5000

// LookupItems finds published documents of the types whose title or
// document number contains q (among the newest LookupWindow of each type)
// or whose index number is q, newest first.
//
// titles, when not nil, finds the title and 文号 matches instead of the
// window scan: the site search's index (search.Service.FindTitles), item
// ids newest first.
func (s *Service) LookupItems(ctx context.Context, siteID int64, types []string, q string, limit int, titles TitleFinder) ([]*Item, error) {
	q = strings.TrimSpace(q)
	if q == "" || len(types) == 0 {
		return nil, nil
	}
	if utf8.RuneCountInString(q) > maxQuery {
		return nil, errs.E(errs.Invalid, "检索词不能超过 %d 个字", maxQuery)
	}
	like := "%" + escapeLike(q) + "%"
	var out []*Item
	seen := map[int64]bool{}
	scan := func(query string, args ...any) error {
		rows, err := s.DB.R.QueryContext(ctx, query, args...)
		if err != nil {
			return errs.Wrap(err, "lookup items")
		}
		defer rows.Close()
		for rows.Next() {
			it, err := scanItem(rows)
			if err != nil {
				return errs.Wrap(err, "lookup items")
			}
			if !seen[it.ID] && len(out) < limit {
				seen[it.ID] = true
				out = append(out, it)
			}
		}
		return rows.Err()
	}
	if err := scan(`SELECT `+listCols+itemFrom+` WHERE i.site_id = $1 AND i.index_no = $2 AND i.status = 'published'`, siteID, q); err != nil {
		return nil, err
	}
	if titles != nil {
		// The site search's title index (issue 15): no scan of titles.
		ids, err := titles(ctx, siteID, types, q, limit)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if len(out) >= limit {
				break
			}
			it, err := s.Item(ctx, siteID, id)
			if errs.CodeOf(err) == errs.NotFound {
				continue // withdrawn since it was indexed
			}
			if err != nil {
				return nil, err
			}
			if it.Public() && slices.Contains(types, it.DocType) && !seen[it.ID] {
				seen[it.ID] = true
				out = append(out, it)
			}
		}
		return out, nil
	}
	for _, t := range types {
		if len(out) >= limit {
			break
		}
		err := scan(`SELECT `+listCols+itemFrom+` WHERE i.id IN (SELECT id FROM items WHERE site_id = $1 AND doc_type = $2 AND status = 'published'
			ORDER BY published_on DESC, id DESC LIMIT $3)
			AND (LOWER(i.title) LIKE LOWER($4) ESCAPE '\' OR LOWER(i.doc_no) LIKE LOWER($4) ESCAPE '\')
			ORDER BY i.published_on DESC, i.id DESC LIMIT $5`, siteID, t, LookupWindow, like, limit)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
