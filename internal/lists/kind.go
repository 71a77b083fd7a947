// Package lists is the engine of structured lists (清单): hundreds of rows
// with the same typed fields, published and re-published as editions
// (权责清单, 职责边界清单, 证明事项清单 …, RECORDS §0.3 lifecycle 1). A list
// kind is a declaration (Kind) registered once; the same machinery serves
// import and export (CSV, XLSX), editions and their differences, the public
// list, filter and row pages, the API, the feed and the site search. The
// field kinds are the catalogue's (catalog.Field): one set of validation,
// canonical forms, display forms and facets for documents and list rows.
package lists

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
)

// Kind declares a list kind.
type Kind struct {
	// Code names the kind in URLs and the API (power_list).
	Code string
	// Name is the Chinese name (权责清单).
	Name string
	// Intro is the sentence the public page opens with.
	Intro string
	// Basis cites the rule that requires the list.
	Basis string
	// Fields are the typed columns, in file and form order. Scalar kinds
	// only (a cell of a spreadsheet holds one value).
	Fields []catalog.Field
	// Key are the fields whose values identify a row across editions (the
	// item code); they are required and unique within an edition.
	Key []string
	// Title is the field shown as the row's name (its page's heading).
	Title string
	// MaxRows caps an edition's rows (0: MaxRows). A ledger that grows with
	// every decision (行政执法决定) declares more than a list kept by hand.
	MaxRows int
	// Body is the field naming the body that exercises or answers for a
	// row (实施机关, 牵头部门 …): the search's 发布机构 filter.
	Body string
	// ListCols are the columns of the public list (the key and title always).
	ListCols []string
	// Sections are the row page's layout: headed groups of fields.
	Sections []Section
	// Patterns are formats a text field must match, with the message shown
	// when it does not (codes: 事项编码).
	Patterns map[string]Pattern
	// Until names a date field after which a row leaves public view (the
	// publication period of enforcement decisions, RECORDS §0.3 lifecycle 2
	// and §2.6); the row stays in its edition for staff and the archive.
	// Empty: rows are public as long as their edition is.
	Until string
	// Check adds cross-field rules: problems by field name (nil for none).
	Check func(vals map[string]string) map[string]string
	// Derive fills derived values of a valid row before it is stored (the
	// end of a decision's publicity period from its date); nil for none.
	Derive func(vals map[string]string)
	// Redact, when set, is the public form of a row's (already masked)
	// values: a withdrawn enforcement decision shows its number and the
	// reason only (行政处罚法第四十八条). It may drop fields, never add
	// personal ones.
	Redact func(vals map[string]string) map[string]string
	// RedactWhen and RedactKeep say in data what Redact does, for the
	// queries that filter and count in the database (PublicRows): a row
	// whose RedactWhen field is not empty shows only the RedactKeep fields.
	// A kind with Redact but no RedactWhen is filtered in memory.
	RedactWhen string
	RedactKeep []string
	// CurrentOnly: the public sees the current edition only — earlier
	// editions, diffs and their exports are the staff's. For records whose
	// later state must override what was once published (a decision
	// withdrawn under 行政处罚法第四十八条 must not stay readable in an
	// earlier edition, RECORDS §2.4, §2.6).
	CurrentOnly bool
	// Complete are the elements a row should carry (a service guide's
	// required elements, RECORDS §3.3): not refused when missing, but
	// scored for staff (Completeness) and reported by the self-inspection.
	Complete []string
	// Flow names a textarea field whose lines are the row's process
	// steps: the row page draws them as an accessible flowchart (SVG with
	// a text alternative), never an uploaded picture.
	Flow string
	// Images are the fields holding an uploaded image (a blob key, never
	// an address), each with the field of its text alternative, required
	// when there is an image (GB/T 37668-2019 非文本内容). The back office's
	// row form uploads them; the pages show them from
	// /lists/{kind}/images/{key} (issue 15: leaders' photos).
	Images map[string]string
	// UpdateDays is the period within which the list must be republished
	// or confirmed; the self-inspection reports lists older than that.
	UpdateDays int
	// Owner is the abbreviation of the department that keeps the list on
	// a site ("fzk", 法制科); editors of that department import it.
	Owner string
	// Column is the slug of the 信息公开 column that links to the list.
	Column string
	// Inline: the column's page shows the current edition's rows itself
	// (a short list of the body's own facts: leaders, units), with the
	// edition's date, above the column's items, under InlineTitle.
	Inline      bool
	InlineTitle string
}

// Section is a headed group of a row page.
type Section struct {
	Title  string
	Fields []string
}

// Pattern is a format a text value must match.
type Pattern struct {
	RE      *regexp.Regexp
	Message string
}

// SeqHeader is the read-only 序号 column that templates and exports carry:
// recognised and checked on import (a positive whole number or empty), never
// stored (rows keep the file's order).
const SeqHeader = "序号"

var (
	regMu  sync.RWMutex
	kinds  []*Kind
	byCode = map[string]*Kind{}
)

// Register adds a list kind; it panics on a declaration that cannot work
// (found by the first test that imports the package).
func Register(k *Kind) {
	if err := check(k); err != nil {
		panic(fmt.Sprintf("lists: kind %q: %v", k.Code, err))
	}
	regMu.Lock()
	defer regMu.Unlock()
	if byCode[k.Code] != nil {
		panic(fmt.Sprintf("lists: kind %q registered twice", k.Code))
	}
	kinds = append(kinds, k)
	byCode[k.Code] = k
}

var codeRE = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

func check(k *Kind) error {
	if !codeRE.MatchString(k.Code) || k.Name == "" {
		return fmt.Errorf("a kind needs a code (a-z, 0-9, _) and a name")
	}
	seen := map[string]bool{}
	labels := map[string]bool{SeqHeader: true}
	for i := range k.Fields {
		f := &k.Fields[i]
		if err := catalog.CheckField(*f); err != nil {
			return err
		}
		switch f.Kind {
		case catalog.MultiSelect, catalog.Group:
			return fmt.Errorf("field %q: a list cell holds one scalar value, not %s", f.Name, f.Kind)
		case catalog.Person:
			// A person (a natural person's name or ID number, RECORDS §2.5)
			// is masked in every public rendering (Kind.Public): it can
			// neither identify a row nor be filtered or searched on.
			if f.Facet || f.Sortable || slices.Contains(k.Key, f.Name) || k.Title == f.Name || k.Body == f.Name {
				return fmt.Errorf("field %q: a person is masked in public and cannot be a key, title, body or facet", f.Name)
			}
		case catalog.Link:
			if slices.Contains(k.Key, f.Name) || k.Title == f.Name {
				return fmt.Errorf("field %q: a link cannot be a key or title", f.Name)
			}
		}
		if f.Sortable {
			f.Facet = true
		}
		if seen[f.Name] || labels[f.Label] {
			return fmt.Errorf("field %q: name or label %q used twice (headers are labels)", f.Name, f.Label)
		}
		seen[f.Name], labels[f.Label] = true, true
	}
	if len(k.Key) == 0 {
		return fmt.Errorf("no key fields")
	}
	for _, n := range k.Key {
		f, ok := k.Field(n)
		if !ok {
			return fmt.Errorf("key %q is not a field", n)
		}
		if !f.Required {
			return fmt.Errorf("key %q must be required", n)
		}
	}
	if _, ok := k.Field(k.Title); !ok {
		return fmt.Errorf("title %q is not a field", k.Title)
	}
	names := slices.Clone(k.ListCols)
	for _, s := range k.Sections {
		names = append(names, s.Fields...)
	}
	if k.Body != "" {
		names = append(names, k.Body)
	}
	for n := range k.Patterns {
		names = append(names, n)
	}
	for _, n := range names {
		if _, ok := k.Field(n); !ok {
			return fmt.Errorf("%q is not a field", n)
		}
	}
	if k.Until != "" {
		if f, ok := k.Field(k.Until); !ok || f.Kind != catalog.Date {
			return fmt.Errorf("until %q is not a date field", k.Until)
		}
	}
	names = append(names[:0], k.Complete...)
	if k.Flow != "" {
		names = append(names, k.Flow)
	}
	for _, n := range names {
		if _, ok := k.Field(n); !ok {
			return fmt.Errorf("%q is not a field", n)
		}
	}
	if k.Flow != "" {
		if f, _ := k.Field(k.Flow); f.Kind != catalog.TextArea {
			return fmt.Errorf("flow %q is not a textarea", k.Flow)
		}
	}
	if k.UpdateDays < 0 {
		return fmt.Errorf("negative update period")
	}
	return nil
}

// Kinds returns every registered kind, in registration order.
func Kinds() []*Kind {
	regMu.RLock()
	defer regMu.RUnlock()
	return slices.Clone(kinds)
}

// KindByCode returns the kind, or nil.
func KindByCode(code string) *Kind {
	regMu.RLock()
	defer regMu.RUnlock()
	return byCode[code]
}

// Field returns the named field.
func (k *Kind) Field(name string) (catalog.Field, bool) {
	for _, f := range k.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return catalog.Field{}, false
}

// Facets are the fields the public list filters on.
func (k *Kind) Facets() []catalog.Field {
	var out []catalog.Field
	for _, f := range k.Fields {
		if f.Facet {
			out = append(out, f)
		}
	}
	return out
}

// Headers are the template's and export's header row: 序号, then every
// field's Chinese name.
func (k *Kind) Headers() []string {
	h := []string{SeqHeader}
	for _, f := range k.Fields {
		h = append(h, f.Label)
	}
	return h
}

// keyOf is a row's key: the key fields' canonical values joined by "/".
func (k *Kind) keyOf(vals map[string]string) string {
	parts := make([]string, len(k.Key))
	for i, n := range k.Key {
		parts[i] = vals[n]
	}
	return strings.Join(parts, "/")
}

// Validate checks and normalises one row's values (raw, by field name) by
// the declaration; problems are returned by field name.
func (k *Kind) Validate(raw map[string]string) (map[string]string, map[string]string) {
	out := map[string]string{}
	bad := map[string]string{}
	for _, f := range k.Fields {
		c, msg := f.Normalize(raw[f.Name])
		switch {
		case msg != "":
			bad[f.Name] = msg
		case c == "" && f.Required:
			bad[f.Name] = "请填写" + f.Label
		case c == "" || (f.Kind == catalog.Bool && c == "0"):
		default:
			if p, ok := k.Patterns[f.Name]; ok && !p.RE.MatchString(c) {
				bad[f.Name] = p.Message
				continue
			}
			out[f.Name] = c
		}
	}
	for img, alt := range k.Images {
		if out[img] != "" && strings.TrimSpace(out[alt]) == "" && bad[alt] == "" {
			f, _ := k.Field(alt)
			bad[alt] = "有图片时请填写" + f.Label
		}
	}
	if k.Check != nil && len(bad) == 0 {
		for n, m := range k.Check(out) {
			bad[n] = m
		}
	}
	if k.Derive != nil && len(bad) == 0 {
		k.Derive(out)
	}
	return out, bad
}

// Missing are the Complete elements a row lacks (labels), and its score:
// the share of elements present, 0–100 (100 when the kind declares none).
func (k *Kind) Missing(vals map[string]string) ([]string, int) {
	if len(k.Complete) == 0 {
		return nil, 100
	}
	var miss []string
	for _, n := range k.Complete {
		if strings.TrimSpace(vals[n]) == "" {
			f, _ := k.Field(n)
			miss = append(miss, f.Label)
		}
	}
	return miss, (len(k.Complete) - len(miss)) * 100 / len(k.Complete)
}

// HasPersons says whether the kind declares personal fields.
func (k *Kind) HasPersons() bool {
	for _, f := range k.Fields {
		if f.Kind == catalog.Person {
			return true
		}
	}
	return false
}

// Masked is a personal value as the public sees it (catalog.MaskPerson:
// a name keeps its first character, an ID card number its first three and
// last four). A value already in a masked shape (one run of "*", at least
// as many stars as other characters and at most 7 of those: no more than
// a masked ID number shows) is not masked twice; any other value with a
// "*" is masked.
func Masked(v string) string {
	if v == "" {
		return v
	}
	if maskedShape.MatchString(v) {
		shown := utf8.RuneCountInString(strings.ReplaceAll(v, "*", ""))
		if stars := strings.Count(v, "*"); shown <= 7 && stars >= shown {
			return v
		}
	}
	return catalog.MaskPerson(v)
}

var maskedShape = regexp.MustCompile(`^[^*]*\*+[^*]*$`)

// publicValues are one row's values as the public sees them: persons
// masked, then the kind's redaction.
func (k *Kind) publicValues(vals map[string]string) map[string]string {
	out := make(map[string]string, len(vals))
	for n, v := range vals {
		out[n] = v
	}
	for _, f := range k.Fields {
		if f.Kind == catalog.Person && out[f.Name] != "" {
			out[f.Name] = Masked(out[f.Name])
		}
	}
	if k.Redact != nil {
		out = k.Redact(out)
		for _, f := range k.Fields {
			if f.Kind == catalog.Person && out[f.Name] != "" {
				out[f.Name] = Masked(out[f.Name])
			}
		}
	}
	return out
}

// Public returns the rows the public sees on today: those whose Until date
// (if the kind declares one) has not passed, with personal fields masked
// and the kind's redaction applied (copies: the stored rows are unchanged).
// Every public surface — pages, API, exports, diffs, feeds, search — reads
// rows through it (RECORDS §2.5: names and ID numbers of natural persons).
func (k *Kind) Public(rows []Row, today calendar.Date) []Row {
	if k.Until == "" && !k.HasPersons() && k.Redact == nil {
		return rows
	}
	out := make([]Row, 0, len(rows))
	for _, r := range rows {
		if r, ok := k.PublicRow(r, today); ok {
			out = append(out, r)
		}
	}
	return out
}

// ImageAlt is the text-alternative field of an image field ("" when
// name is not one).
func (k *Kind) ImageAlt(name string) string { return k.Images[name] }

// ImagePath is the public path of an image field's uploaded file.
func (k *Kind) ImagePath(key string) string { return "/lists/" + k.Code + "/images/" + key }

// PublicRow is one row as Public gives it: false when its publicity period
// has passed on today (a copy of the values when they differ).
func (k *Kind) PublicRow(r Row, today calendar.Date) (Row, bool) {
	if u := r.Values[k.Until]; k.Until != "" && u != "" && u < today.String() {
		return r, false
	}
	if k.HasPersons() || k.Redact != nil {
		r.Values = k.publicValues(r.Values)
	}
	return r, true
}

// Display is a row's value as the public sees it.
func (k *Kind) Display(vals map[string]string, name string) string {
	f, ok := k.Field(name)
	if !ok {
		return ""
	}
	if _, ok := k.Images[name]; ok && vals[name] != "" {
		return k.ImagePath(vals[name])
	}
	switch f.Kind {
	case catalog.Person:
		return Masked(vals[name])
	case catalog.Link:
		// A link is an item of the site's catalogue: its public path.
		if vals[name] == "" {
			return ""
		}
		return ItemPath(vals[name])
	}
	return f.Display(vals[name], true)
}

// ItemPath is the public page of a catalogue item linked by id.
func ItemPath(id string) string { return "/items/" + id }

func cleanText(s string) bool { return catalog.CleanText(s) }

// RowLimit is the most rows an edition of the kind holds.
func (k *Kind) RowLimit() int {
	if k.MaxRows > 0 {
		return k.MaxRows
	}
	return MaxRows
}
