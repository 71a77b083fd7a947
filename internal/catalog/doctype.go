package catalog

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"gongkai/internal/calendar"
	"gongkai/internal/errs"
)

// FieldKind is how a field is entered and validated.
type FieldKind string

const (
	Text     FieldKind = "text"
	TextArea FieldKind = "textarea"
	Date     FieldKind = "date"
	Select   FieldKind = "select"
	Bool     FieldKind = "bool"
	URL      FieldKind = "url"
	Number   FieldKind = "number"
)

// Option is one choice of a Select field.
type Option struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// Field declares one field of a document type. Core fields (title, doc_no,
// written_on, ...) are columns of items; the others live in Item.Fields.
type Field struct {
	Name     string
	Label    string
	Kind     FieldKind
	Required bool
	Max      int // maximum length in characters for text
	Options  []Option
	Help     string
	// Core marks the fields stored as item columns.
	Core bool
}

// DocType declares a kind of document: its fields, what the metadata block,
// list pages and filters show. One machinery serves forms, review, list and
// detail pages, the API and feeds for every type (DESIGN principle 3).
type DocType struct {
	Code string
	Name string
	// Fields are the type's own fields, in form order (core fields first).
	Fields []Field
	// Meta are the field names shown in the item page's metadata block, in
	// order, after 索引号/发布机构/公开日期/公开方式.
	Meta []string
	// ListCols are the extra columns of list pages (title and date always).
	ListCols []string
	// Filters are the fields list pages can filter on (year and publisher always).
	Filters []string
	// Interprets marks interpretation types, which link to the documents they explain.
	Interprets bool
	// Check adds the type's own cross-field rules to v (nil for none).
	Check func(in *Input, v errs.Validation)
}

// Field returns the named field declaration, if the type has it.
func (t *DocType) Field(name string) (Field, bool) {
	for _, f := range t.Fields {
		if f.Name == name {
			return f, true
		}
	}
	if f, ok := coreFields[name]; ok {
		return f, true
	}
	return Field{}, false
}

// Validities are the 有效性 values (REFERENCE §4.2); a page marks the last three.
var Validities = []Option{
	{"in_force", "有效"},
	{"amended", "已修订"},
	{"repealed", "废止"},
	{"expired", "失效"},
}

// Disclosures are the 公开方式 decided at drafting (seed task 4).
var Disclosures = []Option{
	{"proactive", "主动公开"},
	{"on_request", "依申请公开"},
	{"withheld", "不予公开"},
}

// Genres are the 15 official document types of 《党政机关公文处理工作条例》 Art. 8
// (REFERENCE §4.4) plus the local non-document genres sites use.
var Genres = optionList("决议", "决定", "命令（令）", "公报", "公告", "通告", "意见", "通知", "通报", "报告", "请示", "批复", "议案", "函", "纪要",
	"公示公告", "规划计划", "工作动态", "统计数据", "解读", "其他")

// Topics is the part of the gov.cn 主题分类 tree (REFERENCE §4.3) a justice bureau uses,
// written as 一级\二级.
var Topics = optionList(`公安、安全、司法\司法`, `综合政务\政务公开`, `综合政务\政务督查`, `综合政务\应急管理`, `综合政务\信访`, `综合政务\其他`,
	`劳动、人事、监察\人事工作`, `财政、金融、审计\财政`, `财政、金融、审计\审计`, `国民经济管理、国有资产监管\统计`, `民政、扶贫、救灾\社会福利`, `其他`)

func optionList(values ...string) []Option {
	out := make([]Option, len(values))
	for i, v := range values {
		out[i] = Option{v, v}
	}
	return out
}

// OptionLabel returns the label of value among opts, or value itself.
func OptionLabel(opts []Option, value string) string {
	for _, o := range opts {
		if o.Value == value {
			return o.Label
		}
	}
	return value
}

var coreFields = map[string]Field{
	"title":        {Name: "title", Label: "信息名称", Kind: Text, Required: true, Max: 200, Core: true},
	"summary":      {Name: "summary", Label: "内容概述", Kind: TextArea, Max: 500, Core: true, Help: "目录中显示的摘要；留空时取正文开头"},
	"doc_no":       {Name: "doc_no", Label: "文号", Kind: Text, Max: 100, Core: true, Help: "如 临司发〔2021〕5号；没有文号可留空"},
	"publisher":    {Name: "publisher", Label: "发布机构", Kind: Text, Max: 100, Core: true, Help: "留空时为本单位全称"},
	"author":       {Name: "author", Label: "作者", Kind: Text, Max: 50, Core: true},
	"written_on":   {Name: "written_on", Label: "成文日期", Kind: Date, Core: true},
	"published_on": {Name: "published_on", Label: "发布日期", Kind: Date, Core: true, Help: "留空时为实际发布当天"},
	"validity":     {Name: "validity", Label: "有效性", Kind: Select, Options: Validities, Core: true},
	"topic":        {Name: "topic", Label: "主题分类", Kind: Select, Options: Topics, Core: true},
	"genre":        {Name: "genre", Label: "体裁分类", Kind: Select, Options: Genres, Core: true},
	"keywords":     {Name: "keywords", Label: "主题词", Kind: Text, Max: 100, Core: true},
}

func core(name string, required bool) Field {
	f := coreFields[name]
	f.Required = required
	return f
}

// docTypes is the registry. Later capabilities add types here.
var docTypes = []*DocType{
	{
		Code: "general", Name: "一般信息",
		Fields:   []Field{core("doc_no", false), core("written_on", false), core("topic", false), core("genre", false), core("keywords", false)},
		Meta:     []string{"doc_no", "written_on", "topic", "genre"},
		ListCols: []string{},
	},
	{
		Code: "news", Name: "工作动态",
		Fields:   []Field{core("author", false), {Name: "source", Label: "信息来源", Kind: Text, Max: 100}, core("topic", false)},
		Meta:     []string{"source", "author"},
		ListCols: []string{},
	},
	{
		Code: "notice", Name: "通知公告",
		Fields:   []Field{core("doc_no", false), core("written_on", false), core("genre", false), core("validity", false), {Name: "valid_until", Label: "截止日期", Kind: Date}},
		Meta:     []string{"doc_no", "written_on", "genre", "validity", "valid_until"},
		ListCols: []string{"doc_no"},
		Filters:  []string{"validity"},
	},
	{
		Code: "policy", Name: "政策文件",
		Fields: []Field{core("doc_no", false), core("written_on", true), core("validity", true), core("topic", false), core("genre", false), core("keywords", false),
			{Name: "normative", Label: "规范性文件", Kind: Bool, Help: "行政规范性文件须经合法性审核并统一登记、统一编号、统一发布"},
			{Name: "reg_no", Label: "登记号", Kind: Text, Max: 50, Help: "规范性文件统一登记编号，如 LYDR-2021-0010001"},
			{Name: "effective_on", Label: "施行日期", Kind: Date},
			{Name: "expires_on", Label: "有效期至", Kind: Date}},
		Meta:     []string{"doc_no", "written_on", "validity", "normative", "reg_no", "effective_on", "expires_on", "topic", "genre", "keywords"},
		ListCols: []string{"doc_no", "written_on", "validity"},
		Filters:  []string{"validity", "normative"},
	},
	{
		Code: "interpretation", Name: "政策解读", Interprets: true,
		Fields: []Field{core("author", false), core("topic", false),
			{Name: "form", Label: "解读形式", Kind: Select, Required: true, Options: optionList("文字解读", "图文解读", "图解", "视频解读", "动漫解读", "专家解读", "媒体解读")},
			{Name: "video_url", Label: "视频地址", Kind: URL, Max: 500, Help: "视频解读的播放地址（本站或政务新媒体）"}},
		Meta:     []string{"form", "author", "topic"},
		ListCols: []string{"form"},
		Filters:  []string{"form"},
	},
	{
		Code: "appointment", Name: "人事任免",
		Fields: []Field{core("doc_no", false), core("written_on", false),
			{Name: "kind", Label: "任免类别", Kind: Select, Required: true, Options: optionList("任职", "免职", "任免", "试用期满考核")}},
		Meta:     []string{"doc_no", "written_on", "kind"},
		ListCols: []string{"kind"},
		Filters:  []string{"kind"},
	},
	{
		Code: "plan", Name: "计划规划",
		Fields: []Field{core("doc_no", false), core("written_on", false), core("validity", false),
			{Name: "period", Label: "规划期", Kind: Text, Max: 50, Help: "如 2021年度 或 2021—2025年"},
			{Name: "kind", Label: "类别", Kind: Select, Options: optionList("年度计划", "中长期规划", "专项规划", "工作要点", "工作总结")}},
		Meta:     []string{"doc_no", "written_on", "period", "kind", "validity"},
		ListCols: []string{"period"},
		Filters:  []string{"kind"},
	},
	{
		Code: "statistics", Name: "统计数据",
		Fields: []Field{
			{Name: "period", Label: "统计期", Kind: Text, Required: true, Max: 50, Help: "如 2021年1—6月"},
			{Name: "data_source", Label: "数据来源", Kind: Text, Max: 100}},
		Meta:     []string{"period", "data_source"},
		ListCols: []string{"period"},
	},
}

// MinConsultationDays is the shortest public-comment period: "征求意见期限不少于30日"
// (seed task 2; 《重大行政决策程序暂行条例》第十四条 sets the same 30 days for major decisions).
const MinConsultationDays = 30

func init() {
	docTypes = append(docTypes,
		&DocType{
			Code: "consultation", Name: "征求意见",
			Fields: []Field{core("doc_no", false), core("topic", false),
				{Name: "opens_on", Label: "征求意见开始日期", Kind: Date, Required: true},
				{Name: "closes_on", Label: "征求意见截止日期", Kind: Date, Required: true, Help: "征求意见期限不少于30日"},
				{Name: "channels", Label: "意见提交方式", Kind: TextArea, Max: 500, Help: "如电子邮箱、信函地址、传真"},
				{Name: "feedback", Label: "意见收集和采纳情况", Kind: TextArea, Max: 5000, Help: "征求意见结束后填写：收到意见情况、采纳情况、未予采纳的理由"},
				{Name: "feedback_on", Label: "反馈公开日期", Kind: Date}},
			Meta:     []string{"doc_no", "opens_on", "closes_on", "channels", "feedback_on"},
			ListCols: []string{"opens_on", "closes_on"},
			Check: func(in *Input, v errs.Validation) {
				o, c := in.Fields["opens_on"], in.Fields["closes_on"]
				if t0, t1 := calendar.Day(o), calendar.Day(c); !t0.IsZero() && !t1.IsZero() && t1.Sub(t0) < MinConsultationDays {
					v.Add("closes_on", fmt.Sprintf("征求意见期限不少于%d日（截止日期不能早于 %s）", MinConsultationDays, t0.AddDays(MinConsultationDays)))
				}
				if in.Fields["feedback_on"] != "" && in.Fields["feedback"] == "" {
					v.Add("feedback", "填写反馈公开日期时，请同时填写意见收集和采纳情况")
				}
			},
		},
		&DocType{
			Code: "annual_report", Name: "政务公开年度报告",
			Fields:   []Field{{Name: "report_year", Label: "报告年度", Kind: Number, Required: true, Max: 4, Help: "如 2025"}},
			Meta:     []string{"report_year"},
			ListCols: []string{"report_year"},
		},
	)
	docTypeByCode = make(map[string]*DocType, len(docTypes))
	for _, t := range docTypes {
		docTypeByCode[t.Code] = t
	}
}

var docTypeByCode map[string]*DocType

// DocTypes returns every declared document type.
func DocTypes() []*DocType { return docTypes }

// DocTypeByCode returns the type with code, or nil.
func DocTypeByCode(code string) *DocType { return docTypeByCode[code] }

// validateField checks one value against its declaration.
func validateField(v errs.Validation, f Field, val string) {
	if val == "" {
		if f.Required {
			v.Add(f.Name, fmt.Sprintf("请填写%s", f.Label))
		}
		return
	}
	if f.Max > 0 && utf8.RuneCountInString(val) > f.Max {
		v.Add(f.Name, fmt.Sprintf("%s不能超过 %d 个字", f.Label, f.Max))
	}
	switch f.Kind {
	case Date:
		if !calendar.Valid(val) {
			v.Add(f.Name, fmt.Sprintf("%s格式应为 年-月-日，如 2021-06-14", f.Label))
		}
	case Select:
		ok := false
		for _, o := range f.Options {
			ok = ok || o.Value == val
		}
		if !ok {
			v.Add(f.Name, fmt.Sprintf("请从列表中选择%s", f.Label))
		}
	case Bool:
		if val != "1" && val != "0" {
			v.Add(f.Name, fmt.Sprintf("%s取值无效", f.Label))
		}
	case URL:
		u, err := url.Parse(val)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http" && !(u.Scheme == "" && strings.HasPrefix(val, "/"))) {
			v.Add(f.Name, fmt.Sprintf("%s应为 http(s):// 开头的网址或本站路径", f.Label))
		}
	case Number:
		for _, r := range val {
			if r < '0' || r > '9' {
				v.Add(f.Name, fmt.Sprintf("%s应为数字", f.Label))
				break
			}
		}
	}
}

// Has reports whether the type declares field name.
func (t *DocType) Has(name string) bool {
	for _, f := range t.Fields {
		if f.Name == name {
			return true
		}
	}
	return false
}
