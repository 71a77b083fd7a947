package catalog

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/secure"
)

// FieldKind is how a field is entered, validated, stored and shown.
//
// Every value is stored in items.fields as its canonical text (so the JSON
// stays readable and exact: money is "1234.50", never a float):
//
//	kind          canonical form              display form
//	text          trimmed text                as is
//	textarea      trimmed text (newlines)     as is
//	integer       "-12"                       "-12"
//	decimal       "1234.500" (Scale digits)   "1,234.500 <Unit>"
//	money         "1234.56" (2 digits, 元)     "1,234.56 元"
//	date          "2021-06-14"                "2021-06-14"
//	select        the option's value          the option's label
//	multiselect   list of option values       labels joined by "、"
//	bool          "1" (false is not stored)   "是" / "否"
//	url           the URL                     the URL
//	person        a name or ID-like value     masked on public pages
//	link          an item id "42"             the id to staff; public pages link the title
//	group         list of rows (sub-fields)   a table
type FieldKind string

const (
	Text        FieldKind = "text"
	TextArea    FieldKind = "textarea"
	Integer     FieldKind = "integer"
	Decimal     FieldKind = "decimal"
	Money       FieldKind = "money"
	Date        FieldKind = "date"
	Select      FieldKind = "select"
	MultiSelect FieldKind = "multiselect"
	Bool        FieldKind = "bool"
	URL         FieldKind = "url"
	Person      FieldKind = "person"
	Link        FieldKind = "link"
	Group       FieldKind = "group"

	// Enum is another name for Select (a single choice).
	Enum = Select
	// Number is the old name of Integer.
	Number = Integer
)

// FieldKinds lists every kind.
var FieldKinds = []FieldKind{Text, TextArea, Integer, Decimal, Money, Date, Select, MultiSelect, Bool, URL, Person, Link, Group}

// Limits of the exact number kinds. Scaled values (value × 10^Scale) fit an
// int64, so facet rows can sort and compare them exactly on both databases.
const (
	// MaxMoneyDigits is the most integer digits of a money value
	// (999 万亿 元 and more: beyond any budget a body publishes).
	MaxMoneyDigits = 15
	// MaxDecimalScale is the most fraction digits a decimal field may declare
	// (罚款金额（万元） has 6 in the 双公示 format, RECORDS §2.4).
	MaxDecimalScale = 6
	// DefaultMaxItems bounds a multiselect or group that declares no MaxItems.
	DefaultMaxItems = 50
)

// Option is one choice of a Select or MultiSelect field.
type Option struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// Field declares one field of a document type. Core fields (title, doc_no,
// written_on, ...) are columns of items; the others live in Item.Fields
// (scalars), Item.Lists (multiselect) and Item.Rows (group).
type Field struct {
	Name     string
	Label    string
	Kind     FieldKind
	Required bool
	Max      int // maximum length in characters for text, person, url (and integer digits)
	Options  []Option
	Help     string
	// Core marks the fields stored as item columns.
	Core bool
	// Scale is the number of fraction digits of a decimal (money: always 2).
	Scale int
	// Unit is shown after a decimal or money value (money: "元" unless set, e.g. "万元").
	Unit string
	// MaxItems bounds the values of a multiselect and the rows of a group.
	MaxItems int
	// Sub are a group's fields, one set per row (scalar kinds only).
	Sub []Field
	// Targets limits a link to items of these document types (empty: any type).
	Targets []string
	// Facet writes the value to item_facets, so list pages and the API can
	// filter on it (equality, and from/to ranges for numbers, money and
	// dates). Only short kinds may be facets; long text never is.
	Facet bool
	// Sortable lets lists order by the field (implies Facet).
	Sortable bool
	// MinDate and MaxDate bound a date field (YYYY-MM-DD, inclusive); empty
	// means DefaultMinDate and DefaultMaxDate. The kind's syntax accepts any
	// real date (0001-01-01 … 9999-12-31); the bounds keep typing errors
	// (0202-01-01, 9999-12-31) out of lists sorted by date (issue 16 #10).
	MinDate, MaxDate string
}

// Default bounds of a date field. Government information handled here is
// produced by today's bodies and reaches back at most to the laws still
// cited (and the birth dates of people in records); plans and validity
// periods reach a few decades ahead. 1900 … 2100 covers both with room,
// and refuses dates no catalogue entry can truthfully carry. The core
// 成文日期 and 发布日期 are narrower (corefields.go).
const (
	DefaultMinDate = "1900-01-01"
	DefaultMaxDate = "2100-12-31"
)

// DateRange returns the inclusive bounds of a date field.
func (f Field) DateRange() (min, max string) {
	min, max = f.MinDate, f.MaxDate
	if min == "" {
		min = DefaultMinDate
	}
	if max == "" {
		max = DefaultMaxDate
	}
	return min, max
}

// Ranged reports whether the field's facet supports from/to filters.
func (f Field) Ranged() bool {
	switch f.Kind {
	case Integer, Decimal, Money, Date:
		return true
	}
	return false
}

// scale returns the fraction digits of a number kind.
func (f Field) scale() int {
	switch f.Kind {
	case Money:
		return 2
	case Decimal:
		return f.Scale
	}
	return 0
}

func (f Field) unit() string {
	if f.Kind == Money && f.Unit == "" {
		return "元"
	}
	return f.Unit
}

func (f Field) maxItems() int {
	if f.MaxItems > 0 {
		return f.MaxItems
	}
	return DefaultMaxItems
}

// NormalDate returns s if it is a real YYYY-MM-DD date. Other spellings
// (2021/3/1, 2021年3月1日) are refused rather than guessed: the date picker
// and the API both send this form.
func NormalDate(s string) (string, bool) {
	return s, calendar.Valid(s)
}

// halfWidth maps the full-width digits and signs a Chinese input method
// types to ASCII, so "１，２３４．５" is read as "1,234.5".
var halfWidth = strings.NewReplacer("０", "0", "１", "1", "２", "2", "３", "3", "４", "4", "５", "5", "６", "6", "７", "7", "８", "8", "９", "9",
	"，", ",", "．", ".", "。", ".", "－", "-", "＋", "+", "／", "/", " ", "")

var numberRE = regexp.MustCompile(`^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?$`)

// ParseDecimal reads a number written with optional thousands separators
// ("1,234.56", "1234.5", "-0.5") into its canonical form with exactly scale
// fraction digits ("1234.56", "1234.50", "-0.50"); intDigits bounds the
// integer part. It never rounds: more fraction digits than scale is an error.
func ParseDecimal(s string, scale, intDigits int) (string, error) {
	s = halfWidth.Replace(strings.TrimSpace(s))
	m := numberRE.FindStringSubmatch(s)
	if m == nil {
		return "", errBadNumber
	}
	sign, ip, fp := m[1], strings.ReplaceAll(m[2], ",", ""), m[3]
	fp = strings.TrimRight(fp, "0")
	if len(fp) > scale {
		return "", errTooManyDecimals
	}
	ip = strings.TrimLeft(ip, "0")
	if ip == "" {
		ip = "0"
	}
	if len(ip) > intDigits {
		return "", errTooLarge
	}
	if scale > 0 {
		fp += strings.Repeat("0", scale-len(fp))
		ip += "." + fp
	}
	if sign == "-" && strings.Trim(ip, "0.") != "" {
		ip = "-" + ip
	}
	return ip, nil
}

var (
	errBadNumber       = fmt.Errorf("not a number")
	errTooManyDecimals = fmt.Errorf("too many decimals")
	errTooLarge        = fmt.Errorf("too large")
)

// scaled returns a canonical decimal as an integer of its smallest unit
// ("1234.56" at scale 2 is 123456): the sortable number of facet rows.
func scaled(canon string) (int64, bool) {
	n, err := strconv.ParseInt(strings.Replace(canon, ".", "", 1), 10, 64)
	return n, err == nil
}

// GroupThousands writes a canonical decimal with thousands separators:
// "-1234567.50" becomes "-1,234,567.50".
func GroupThousands(canon string) string {
	sign := ""
	if strings.HasPrefix(canon, "-") {
		sign, canon = "-", canon[1:]
	}
	ip, fp, hasFrac := strings.Cut(canon, ".")
	var b strings.Builder
	for i, r := range ip {
		if i > 0 && (len(ip)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteString("." + fp)
	}
	return sign + b.String()
}

// decimalDigits is how many integer digits a decimal of scale may have so
// that its scaled value fits an int64 (18 digits in all).
func decimalDigits(scale int) int { return 18 - scale }

// normalize checks one scalar value against its declaration and returns its
// canonical form, or a message in Chinese. It does not check required-ness
// (the caller does, on the canonical value) nor whether a link's item exists.
func normalize(f Field, val string) (string, string) {
	val = strings.TrimSpace(val)
	if val == "" {
		return "", ""
	}
	switch f.Kind {
	case Person:
		val = strings.Join(strings.Fields(val), " ")
	case TextArea:
		val = strings.ReplaceAll(val, "\r\n", "\n")
	}
	if f.Max > 0 && f.Kind != Integer && utf8.RuneCountInString(val) > f.Max {
		return "", fmt.Sprintf("%s不能超过 %d 个字", f.Label, f.Max)
	}
	switch f.Kind {
	case Date:
		d, ok := NormalDate(val)
		if !ok {
			return "", fmt.Sprintf("%s格式应为 年-月-日，如 2021-06-14", f.Label)
		}
		if min, max := f.DateRange(); d < min || d > max {
			return "", fmt.Sprintf("%s应在 %s 至 %s 之间", f.Label, min, max)
		}
		return d, ""
	case Select:
		for _, o := range f.Options {
			if o.Value == val || o.Label == val {
				return o.Value, ""
			}
		}
		return "", fmt.Sprintf("请从列表中选择%s", f.Label)
	case Bool:
		// Forms send "1" or "0" (ReadForm), JSON true/false arrive as the same.
		switch val {
		case "1", "0":
			return val, ""
		}
		return "", fmt.Sprintf("%s取值无效", f.Label)
	case URL:
		u, err := url.Parse(val)
		// "https:0" parses with a scheme but names no host (found by FuzzNormalize).
		if err != nil || ((u.Scheme != "https" && u.Scheme != "http" || u.Host == "") && !(u.Scheme == "" && strings.HasPrefix(val, "/"))) {
			return "", fmt.Sprintf("%s应为 http(s):// 开头的网址或本站路径", f.Label)
		}
	case Integer:
		s := strings.ReplaceAll(halfWidth.Replace(val), ",", "")
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
				return "", fmt.Sprintf("%s超出范围（应在 %d 到 %d 之间）", f.Label, math.MinInt64, math.MaxInt64)
			}
			return "", fmt.Sprintf("%s应为整数，如 2025", f.Label)
		}
		val = strconv.FormatInt(n, 10)
		if f.Max > 0 && len(strings.TrimPrefix(val, "-")) > f.Max {
			return "", fmt.Sprintf("%s不能超过 %d 位数字", f.Label, f.Max)
		}
	case Decimal, Money:
		digits := decimalDigits(f.scale())
		if f.Kind == Money {
			digits = MaxMoneyDigits
			val = strings.TrimSpace(strings.TrimSuffix(val, f.unit())) // "1,234.56 元"
		}
		c, err := ParseDecimal(val, f.scale(), digits)
		switch err {
		case nil:
			return c, ""
		case errTooManyDecimals:
			return "", fmt.Sprintf("%s最多保留 %d 位小数", f.Label, f.scale())
		case errTooLarge:
			return "", fmt.Sprintf("%s数值过大（整数部分不能超过 %d 位）", f.Label, digits)
		}
		if f.Kind == Money {
			return "", fmt.Sprintf("%s格式无效，应为金额，如 1,234.56", f.Label)
		}
		return "", fmt.Sprintf("%s应为数字，如 1234.5", f.Label)
	case Link:
		id, err := strconv.ParseInt(strings.TrimPrefix(val, "#"), 10, 64)
		if err != nil || id <= 0 {
			return "", fmt.Sprintf("%s应为信息编号", f.Label)
		}
		return strconv.FormatInt(id, 10), ""
	}
	return val, ""
}

// display returns a canonical scalar as readers see it; public masks persons.
func display(f Field, v string, public bool) string {
	if v == "" {
		return ""
	}
	switch f.Kind {
	case Select:
		return OptionLabel(f.Options, v)
	case Bool:
		if v == "1" {
			return "是"
		}
		return "否"
	case Money, Decimal:
		s := GroupThousands(v)
		if u := f.unit(); u != "" {
			s += " " + u
		}
		return s
	case Person:
		if public {
			return MaskPerson(v)
		}
	case Link:
		if public {
			return "" // an id means nothing to readers: pages show the linked title (Service.Linked)
		}
	}
	return v
}

// MaskPerson masks a personal value for public pages (GB/T 35273 §7.2):
// an ID card number or a phone number keeps its ends, a name its first
// character (internal/secure).
func MaskPerson(v string) string {
	switch {
	case idCardRE.MatchString(v):
		return secure.MaskIDCard(v)
	case phoneRE.MatchString(v):
		return secure.MaskPhone(v)
	}
	return secure.MaskName(v)
}

var (
	idCardRE = regexp.MustCompile(`^\d{17}[\dXx]$|^\d{15}$`)
	phoneRE  = regexp.MustCompile(`^[\d-]{7,13}$`)
)

// facetKey is the sortable number of a facet row: the scaled value of a
// number or money, YYYYMMDD for a date; false for other kinds.
func facetKey(f Field, canon string) (int64, bool) {
	switch f.Kind {
	case Integer, Decimal, Money:
		return scaled(canon)
	case Date:
		n, err := strconv.ParseInt(strings.ReplaceAll(canon, "-", ""), 10, 64)
		return n, err == nil
	}
	return 0, false
}

// splitList reads a multiselect sent as one string: "a,b" or "a、b".
func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// validateValues checks and normalises every type-specific value of in:
// scalars in in.Fields, lists in in.Lists, group rows in in.Rows. It drops
// values the type does not declare and returns the link values to check
// (field path -> item id) against the database.
func (t *DocType) validateValues(in *Input, v errs.Validation) map[string]linkRef {
	fields := map[string]string{}
	lists := map[string][]string{}
	rows := map[string][]map[string]string{}
	links := map[string]linkRef{}
	for _, f := range t.Fields {
		if f.Core {
			continue
		}
		switch f.Kind {
		case MultiSelect:
			vals := in.Lists[f.Name]
			if len(vals) == 0 && in.Fields[f.Name] != "" {
				vals = splitList(in.Fields[f.Name])
			}
			if out, msg := normalizeList(f, vals); msg != "" {
				v.Add(f.Name, msg)
			} else if len(out) > 0 {
				lists[f.Name] = out
			} else if f.Required {
				v.Add(f.Name, fmt.Sprintf("请选择%s", f.Label))
			}
		case Group:
			out := normalizeRows(f, in.Rows[f.Name], v, links)
			if len(out) > 0 {
				rows[f.Name] = out
			} else if f.Required {
				v.Add(f.Name, fmt.Sprintf("请至少填写一行%s", f.Label))
			}
		default:
			c, msg := normalize(f, in.Fields[f.Name])
			switch {
			case msg != "":
				v.Add(f.Name, msg)
			case c == "" && f.Required:
				v.Add(f.Name, fmt.Sprintf("请填写%s", f.Label))
			case c == "" || (f.Kind == Bool && c == "0"):
				// Empty and false values are not stored (facets still record false).
			default:
				fields[f.Name] = c
				if f.Kind == Link {
					links[f.Name] = linkRef{f, c}
				}
			}
		}
	}
	in.Fields, in.Lists, in.Rows = fields, nilIfEmpty(lists), nilIfEmptyRows(rows)
	return links
}

type linkRef struct {
	f  Field
	id string
}

func nilIfEmpty(m map[string][]string) map[string][]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

func nilIfEmptyRows(m map[string][]map[string]string) map[string][]map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

// normalizeList checks a multiselect: known options, no more than
// MaxItems, duplicates dropped, in the declaration's order.
func normalizeList(f Field, vals []string) ([]string, string) {
	seen := map[string]bool{}
	for _, val := range vals {
		val = strings.TrimSpace(val)
		if val == "" {
			continue
		}
		c, msg := normalize(Field{Name: f.Name, Label: f.Label, Kind: Select, Options: f.Options}, val)
		if msg != "" {
			return nil, fmt.Sprintf("%s的选项“%s”无效，请从列表中选择", f.Label, clip(val, 20))
		}
		seen[c] = true
	}
	if len(seen) > f.maxItems() {
		return nil, fmt.Sprintf("%s最多选择 %d 项", f.Label, f.maxItems())
	}
	var out []string
	for _, o := range f.Options {
		if seen[o.Value] {
			out = append(out, o.Value)
		}
	}
	return out, ""
}

// normalizeRows checks a group's rows; a row's errors are reported under
// "name.N.sub" with N its index as sent (from 0), as the form names its
// inputs and as the API's array counts. Blank rows are dropped.
func normalizeRows(f Field, in []map[string]string, v errs.Validation, links map[string]linkRef) []map[string]string {
	var out []map[string]string
	for i, row := range in {
		blank := true
		for _, sf := range f.Sub {
			if s := strings.TrimSpace(row[sf.Name]); s != "" && !(sf.Kind == Bool && s == "0") {
				blank = false
			}
		}
		if blank {
			continue
		}
		clean := map[string]string{}
		for _, sf := range f.Sub {
			key := fmt.Sprintf("%s.%d.%s", f.Name, i, sf.Name)
			label := sf
			label.Label = fmt.Sprintf("%s第 %d 行的%s", f.Label, i+1, sf.Label)
			c, msg := normalize(label, row[sf.Name])
			switch {
			case msg != "":
				v.Add(key, msg)
			case c == "" && sf.Required:
				v.Add(key, fmt.Sprintf("请填写%s", label.Label))
			case c == "" || (sf.Kind == Bool && c == "0"):
			default:
				clean[sf.Name] = c
				if sf.Kind == Link {
					links[key] = linkRef{label, c}
				}
			}
		}
		out = append(out, clean)
	}
	if len(out) > f.maxItems() {
		v.Add(f.Name, fmt.Sprintf("%s最多 %d 行", f.Label, f.maxItems()))
		return nil
	}
	return out
}

// FieldValues is the JSON form of an item's type-specific values, as stored
// in items.fields and as the API sends and receives them: one object, a
// string per scalar field, a list of strings per multiselect, a list of
// objects (one per row, a string per sub-field) per group:
//
//	{"reg_no": "LYDR-2021-0010001", "categories": ["警告", "罚款"],
//	 "fines": [{"party": "某公司", "amount": "1234.56"}]}
//
// When reading, JSON numbers and booleans are accepted for scalars (2025,
// true) and kept as their text ("2025", "1"); validation then normalises.
type FieldValues struct {
	Fields map[string]string
	Lists  map[string][]string
	Rows   map[string][]map[string]string
}

// MarshalJSON writes the one readable object.
func (fv FieldValues) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(fv.Fields)+len(fv.Lists)+len(fv.Rows))
	for k, v := range fv.Fields {
		m[k] = v
	}
	for k, v := range fv.Lists {
		m[k] = v
	}
	for k, v := range fv.Rows {
		m[k] = v
	}
	return json.Marshal(m)
}

// UnmarshalJSON reads the object; a value of another shape is refused with
// a Chinese message naming the field.
func (fv *FieldValues) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return errs.E(errs.Invalid, "fields 应为 JSON 对象")
	}
	*fv = FieldValues{Fields: map[string]string{}}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		r := raw[k]
		if s, ok := scalarJSON(r); ok {
			if s != nil {
				fv.Fields[k] = *s
			}
			continue
		}
		var arr []json.RawMessage
		if json.Unmarshal(r, &arr) != nil {
			return &errs.Error{Code: errs.Invalid, Message: "字段值格式无效", Fields: map[string]string{k: "字段值应为字符串、字符串列表或对象列表"}}
		}
		var list []string
		var rows []map[string]string
		for _, e := range arr {
			if s, ok := scalarJSON(e); ok && s != nil && rows == nil {
				list = append(list, *s)
				continue
			}
			var obj map[string]json.RawMessage
			if json.Unmarshal(e, &obj) != nil || obj == nil || list != nil {
				return &errs.Error{Code: errs.Invalid, Message: "字段值格式无效", Fields: map[string]string{k: "列表中的值应全部为字符串或全部为对象"}}
			}
			row := map[string]string{}
			for sk, sv := range obj {
				s, ok := scalarJSON(sv)
				if !ok {
					return &errs.Error{Code: errs.Invalid, Message: "字段值格式无效", Fields: map[string]string{k: fmt.Sprintf("行中的 %s 应为字符串", sk)}}
				}
				if s != nil {
					row[sk] = *s
				}
			}
			rows = append(rows, row)
		}
		switch {
		case rows != nil:
			if fv.Rows == nil {
				fv.Rows = map[string][]map[string]string{}
			}
			fv.Rows[k] = rows
		default:
			if fv.Lists == nil {
				fv.Lists = map[string][]string{}
			}
			fv.Lists[k] = list
		}
	}
	return nil
}

// scalarJSON reads a JSON string, number, bool or null as text (nil for null).
func scalarJSON(r json.RawMessage) (*string, bool) {
	t := strings.TrimSpace(string(r))
	if t == "null" {
		return nil, true
	}
	if t == "true" || t == "false" {
		s := "0"
		if t == "true" {
			s = "1"
		}
		return &s, true
	}
	var s string
	if json.Unmarshal(r, &s) == nil {
		return &s, true
	}
	var n json.Number
	if json.Unmarshal(r, &n) == nil {
		s = n.String()
		return &s, true
	}
	return nil, false
}

// Values returns the item's type-specific values in their JSON form.
func (it *Item) Values() FieldValues {
	return FieldValues{Fields: it.Fields, Lists: it.Lists, Rows: it.Rows}
}

// SetValues puts JSON-form values (from the API) into in.
func (in *Input) SetValues(fv FieldValues) {
	in.Fields, in.Lists, in.Rows = fv.Fields, fv.Lists, fv.Rows
}

// ReadForm fills in's core and type-specific values from an HTML form, by
// the type's declaration. The form names inputs like this:
//
//	scalar       name="reg_no"                       one value
//	bool         name="normative" value="1"          a checkbox: absent is false
//	multiselect  name="categories" (repeated)        checkboxes or <select multiple>
//	group        name="fines.0.amount"               row N (from 0), sub-field
//
// Core fields every type has (title, summary, publisher, published_on,
// disclosure, disclosure_reason) are read when the form has them. Group rows
// are read in row order; rows left blank are dropped when validated.
func (t *DocType) ReadForm(form url.Values, in *Input) {
	if in.Fields == nil {
		in.Fields = map[string]string{}
	}
	ReadCoreForm(form, in)
	for _, f := range t.Fields {
		switch {
		case f.Core:
			if p := coreInput(in, f.Name); p != nil {
				*p = formScalar(form, f)
			}
		case f.Kind == MultiSelect:
			if in.Lists == nil {
				in.Lists = map[string][]string{}
			}
			in.Lists[f.Name] = append([]string(nil), form[f.Name]...)
		case f.Kind == Group:
			if in.Rows == nil {
				in.Rows = map[string][]map[string]string{}
			}
			in.Rows[f.Name] = formRows(form, f)
		default:
			in.Fields[f.Name] = formScalar(form, f)
		}
	}
}

// ReadCoreForm reads the core fields every type has (title, summary,
// publisher, published_on, disclosure, disclosure_reason) that the form
// carries.
func ReadCoreForm(form url.Values, in *Input) {
	for _, c := range coreTable {
		if c.Always && form.Has(c.Name) {
			*c.input(in) = form.Get(c.Name)
		}
	}
}

func formScalar(form url.Values, f Field) string {
	v := form.Get(f.Name)
	if f.Kind == Bool {
		if v != "" && v != "0" {
			return "1"
		}
		return "0"
	}
	return v
}

// formRows collects "name.N.sub" inputs into rows ordered by N. Indexes
// beyond MaxItems (plus one, so validation can say there are too many) are
// ignored, so a forged form cannot make the server allocate without bound.
func formRows(form url.Values, f Field) []map[string]string {
	byIndex := map[int]map[string]string{}
	prefix := f.Name + "."
	for key, vals := range form {
		rest, ok := strings.CutPrefix(key, prefix)
		if !ok || len(vals) == 0 {
			continue
		}
		idx, sub, ok := strings.Cut(rest, ".")
		n, err := strconv.Atoi(idx)
		if !ok || err != nil || n < 0 || n > f.maxItems() {
			continue
		}
		if byIndex[n] == nil {
			byIndex[n] = map[string]string{}
		}
		byIndex[n][sub] = vals[0]
	}
	idxs := make([]int, 0, len(byIndex))
	for n := range byIndex {
		idxs = append(idxs, n)
	}
	sort.Ints(idxs)
	rows := make([]map[string]string, 0, len(idxs))
	for _, n := range idxs {
		row := byIndex[n]
		for _, sf := range f.Sub {
			if sf.Kind == Bool {
				row[sf.Name] = formScalar(url.Values{sf.Name: {row[sf.Name]}}, sf)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// Normalize checks one scalar value against the field's declaration and
// returns its canonical form, or a message in Chinese (empty values are
// "", ""; required-ness is the caller's). Other record engines (structured
// lists, internal/lists) reuse the kinds through it.
func (f Field) Normalize(val string) (canon, msg string) { return normalize(f, val) }

// Display returns a canonical scalar as readers see it; public masks persons.
func (f Field) Display(canon string, public bool) string { return display(f, canon, public) }

// CheckField checks one field declaration as RegisterDocType does.
func CheckField(f Field) error { return checkField(f, false) }
