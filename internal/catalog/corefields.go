package catalog

import "strings"

// CoreField is one of the metadata fields every item has as a column of
// items (REFERENCE §4.2: 索引号 aside, these are the catalogue's metadata).
// This table is the one place they are listed: Item.Value, Input trimming
// and validation, scanning, the insert and update column lists, the audit
// view and the edit form's input all go through it.
type CoreField struct {
	Field
	// Column is the items column holding the value.
	Column string
	// Always marks the fields every type has (title, dates, disclosure, …);
	// the others are kept only when the type declares them.
	Always bool
	item   func(*Item) *string
	input  func(*Input) *string
}

// earliestRecord is the earliest 成文日期 or 发布日期 the catalogue takes:
// the founding of the People's Republic, before which no body whose
// information is disclosed here wrote or published anything. The latest is
// today, checked in Service.prepare with its own message (neither date may
// lie in the future), so the declared bound leaves it to that check.
const (
	earliestRecord = "1949-10-01"
	latestRecord   = "9999-12-31"
)

// coreTable is in the column order of items' SELECT and INSERT lists.
var coreTable = []CoreField{
	{Field: Field{Name: "title", Label: "信息名称", Kind: Text, Required: true, Max: 200}, Always: true,
		item: func(it *Item) *string { return &it.Title }, input: func(in *Input) *string { return &in.Title }},
	{Field: Field{Name: "summary", Label: "内容概述", Kind: TextArea, Max: 500, Help: "目录中显示的摘要；留空时取正文开头"}, Always: true,
		item: func(it *Item) *string { return &it.Summary }, input: func(in *Input) *string { return &in.Summary }},
	{Field: Field{Name: "doc_no", Label: "文号", Kind: Text, Max: 100, Help: "如 临司发〔2021〕5号；没有文号可留空"},
		item: func(it *Item) *string { return &it.DocNo }, input: func(in *Input) *string { return &in.DocNo }},
	{Field: Field{Name: "publisher", Label: "发布机构", Kind: Text, Max: 100, Help: "留空时为本单位全称"}, Always: true,
		item: func(it *Item) *string { return &it.Publisher }, input: func(in *Input) *string { return &in.Publisher }},
	{Field: Field{Name: "author", Label: "作者", Kind: Text, Max: 50},
		item: func(it *Item) *string { return &it.Author }, input: func(in *Input) *string { return &in.Author }},
	{Field: Field{Name: "written_on", Label: "成文日期", Kind: Date, MinDate: earliestRecord, MaxDate: latestRecord},
		item: func(it *Item) *string { return &it.WrittenOn }, input: func(in *Input) *string { return &in.WrittenOn }},
	{Field: Field{Name: "published_on", Label: "发布日期", Kind: Date, MinDate: earliestRecord, MaxDate: latestRecord, Help: "留空时为实际发布当天"}, Always: true,
		item: func(it *Item) *string { return &it.PublishedOn }, input: func(in *Input) *string { return &in.PublishedOn }},
	{Field: Field{Name: "disclosure", Label: "公开方式", Kind: Select, Options: Disclosures}, Always: true,
		item: func(it *Item) *string { return &it.Disclosure }, input: func(in *Input) *string { return &in.Disclosure }},
	{Field: Field{Name: "disclosure_reason", Label: "不公开或依申请公开的理由", Kind: TextArea, Max: 500}, Always: true,
		item: func(it *Item) *string { return &it.DisclosureReason }, input: func(in *Input) *string { return &in.DisclosureReason }},
	{Field: Field{Name: "validity", Label: "有效性", Kind: Select, Options: Validities},
		item: func(it *Item) *string { return &it.Validity }, input: func(in *Input) *string { return &in.Validity }},
	{Field: Field{Name: "topic", Label: "主题分类", Kind: Select, Options: Topics},
		item: func(it *Item) *string { return &it.Topic }, input: func(in *Input) *string { return &in.Topic }},
	{Field: Field{Name: "genre", Label: "体裁分类", Kind: Select, Options: Genres},
		item: func(it *Item) *string { return &it.Genre }, input: func(in *Input) *string { return &in.Genre }},
	{Field: Field{Name: "keywords", Label: "主题词", Kind: Text, Max: 100},
		item: func(it *Item) *string { return &it.Keywords }, input: func(in *Input) *string { return &in.Keywords }},
}

var coreByName = func() map[string]*CoreField {
	m := make(map[string]*CoreField, len(coreTable))
	for i := range coreTable {
		coreTable[i].Core = true
		if coreTable[i].Column == "" {
			coreTable[i].Column = coreTable[i].Name
		}
		m[coreTable[i].Name] = &coreTable[i]
	}
	return m
}()

// CoreFields returns the core metadata fields in their one order, for
// pages and the API that map them (e.g. the API's item object).
func CoreFields() []CoreField { return coreTable }

// CoreFieldByName returns the core field called name.
func CoreFieldByName(name string) (CoreField, bool) {
	if c := coreByName[name]; c != nil {
		return *c, true
	}
	return CoreField{}, false
}

// ItemValue returns the field's value on it.
func (c CoreField) ItemValue(it *Item) string { return *c.item(it) }

// InputValue returns a pointer to the field's value in in, to read or set.
func (c CoreField) InputValue(in *Input) *string { return c.input(in) }

// coreInput returns the input's slot for a core field, or nil.
func coreInput(in *Input, name string) *string {
	if c := coreByName[name]; c != nil {
		return c.input(in)
	}
	return nil
}

// coreColumns returns the core columns as "prefix.col, …".
func coreColumns(prefix string) string {
	cols := make([]string, len(coreTable))
	for i, c := range coreTable {
		col := c.Column
		if col == "" {
			col = c.Name
		}
		cols[i] = prefix + col
	}
	return strings.Join(cols, ", ")
}

// core returns a core field's declaration for a type's field list.
func core(name string, required bool) Field {
	f := coreByName[name].Field
	f.Required = required
	return f
}

// Value returns the input's value of a field, core or type-specific, as an
// edit form shows it (a multiselect's values joined by ",").
func (in *Input) Value(name string) string {
	if p := coreInput(in, name); p != nil {
		return *p
	}
	if l, ok := in.Lists[name]; ok {
		return strings.Join(l, ",")
	}
	return in.Fields[name]
}

// List returns a multiselect's values in the input.
func (in *Input) List(name string) []string { return in.Lists[name] }

// GroupRows returns a group's rows in the input.
func (in *Input) GroupRows(name string) []map[string]string { return in.Rows[name] }
