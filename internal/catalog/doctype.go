package catalog

import (
	"fmt"

	"gongkai/internal/calendar"
	"gongkai/internal/errs"
)

// DocType declares a kind of document: its fields, what the metadata block,
// list pages and filters show, its deadline rules and what it links to. One
// machinery serves forms, review, list and detail pages, the API and feeds
// for every type (DESIGN principle 3).
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
	// Filters are the fields list pages can filter on (year and publisher
	// always): core columns or fields declared Facet.
	Filters []string
	// InterpretTargets are the types an item of this type may explain
	// (政策解读 → 政策文件); non-empty makes it an interpretation type.
	InterpretTargets []string
	// Interprets is set from InterpretTargets when the type is registered.
	Interprets bool
	// Deadlines are the type's deadline rules, evaluated by internal/deadline.
	Deadlines []DeadlineSpec
	// Check adds the type's own cross-field rules to v (nil for none).
	Check func(in *Input, v errs.Validation)
	// ValidFrom and ValidUntil name the date fields from which and until
	// which a document is in force (施行日期, 有效期至); its 有效性 follows
	// them (ValidityOn) besides the recorded repeal or amendment.
	ValidFrom, ValidUntil string
	// Sections are text fields shown on the item page as headed sections
	// after the body, in order (an interpretation's 背景, 依据, 目的 …).
	Sections []string
	// Expected are sections the self-inspection reports when a published
	// item leaves them empty, under ExpectedRule; unlike Required they do
	// not stop a save (a draft is written a section at a time).
	Expected     []string
	ExpectedRule string
	// Video names the fields of a video (its address, its WebVTT captions
	// and its transcript) that the item page plays in its own <video> with
	// a <track> and shows as text (REFERENCE §6.1: GB/T 37668 follows
	// WCAG 2.0, whose 1.2.2/1.2.3 ask video for captions and a transcript).
	Video *VideoFields
	// Data names the fields of a statistics table (CSV text and unit), shown
	// as an accessible table with a chart and downloadable as CSV.
	Data *DataFields
}

// VideoFields name a type's video fields.
type VideoFields struct{ URL, Captions, Transcript string }

// Deadline units (internal/deadline counts them).
const (
	Workdays     = "workdays"      // the N-th working day after the start
	CalendarDays = "calendar_days" // N days, moved off a non-working last day
	FixedDate    = "fixed"         // a date of the year (the annual report: 1 月 31 日)
)

// What fulfils a deadline (DeadlineSpec.Done), besides a date field's name.
const (
	// DonePublished: the item's own publication (the default).
	DonePublished = ""
	// DoneInterpreted: the first published interpretation linked to the item.
	DoneInterpreted = "@interpreted"
)

// DeadlineSpec is one deadline rule declared with a type, as plain data:
// internal/deadline evaluates every type's specs the same way.
type DeadlineSpec struct {
	// Rule is the rule's code; a site may shorten its period by this code.
	Rule  string
	Title string
	// Basis cites the rule's source.
	Basis string
	// Unit is Workdays, CalendarDays or FixedDate.
	Unit string
	// Days is the default period.
	Days int
	// Minimum marks a shortest period (consultations) rather than a latest date.
	Minimum bool
	// Start names the date field (core or the type's) that starts the clock;
	// for a FixedDate rule, the integer field holding the year it concerns.
	Start string
	// Done says what fulfils the duty: DonePublished, DoneInterpreted, or
	// the name of a date field.
	Done string
	// DoneNeeds names a field that must be filled for Done's date to count
	// (feedback published only with its text).
	DoneNeeds string
	// OnlyInForce: the duty arises only for published items still in force.
	OnlyInForce bool
	// AfterStart: the duty arises once a published item's Start date has
	// passed, or as soon as the Done field is filled.
	AfterStart bool
	// WaivedBy, when set, says from an item's values (value reads a field)
	// that the rule does not apply to it: a consultation window shortened
	// with its stated reason (《重大行政决策程序暂行条例》第十五条), or a draft
	// kind without the minimum.
	WaivedBy func(value func(string) string) bool
}

// Field returns the named field declaration, if the type has it (core
// fields always resolve, declared or not).
func (t *DocType) Field(name string) (Field, bool) {
	for _, f := range t.Fields {
		if f.Name == name {
			return f, true
		}
	}
	if c, ok := coreByName[name]; ok {
		return c.Field, true
	}
	return Field{}, false
}

// Validities are the 有效性 values (REFERENCE §4.2); a page marks all but
// the first. 尚未施行 and 失效 also follow the dates (ValidityOn).
var Validities = []Option{
	{"in_force", "有效"},
	{"not_yet", "尚未施行"},
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

// Deadline rules shared by several types.
var (
	// ruleProactive: 条例第二十六条, 20 working days from the information's forming.
	ruleProactive = DeadlineSpec{Rule: "proactive.publish", Title: "主动公开信息自形成之日起 20 个工作日内公开", Unit: Workdays, Days: 20,
		Basis: "《中华人民共和国政府信息公开条例》第二十六条", Start: "written_on"}
)

// builtinTypes are the types this package ships; capabilities add theirs
// with RegisterDocType.
var builtinTypes = []*DocType{
	{
		Code: "general", Name: "一般信息",
		Fields:    []Field{core("doc_no", false), core("written_on", false), core("topic", false), core("genre", false), core("keywords", false)},
		Meta:      []string{"doc_no", "written_on", "topic", "genre"},
		ListCols:  []string{},
		Deadlines: []DeadlineSpec{ruleProactive},
	},
	{
		Code: "news", Name: "工作动态",
		Fields:   []Field{core("author", false), {Name: "source", Label: "信息来源", Kind: Text, Max: 100}, core("topic", false)},
		Meta:     []string{"source", "author"},
		ListCols: []string{},
	},
	{
		Code: "notice", Name: "通知公告",
		Fields:    []Field{core("doc_no", false), core("written_on", false), core("genre", false), core("validity", false), {Name: "valid_until", Label: "截止日期", Kind: Date}},
		Meta:      []string{"doc_no", "written_on", "genre", "validity", "valid_until"},
		ListCols:  []string{"doc_no"},
		Filters:   []string{"validity"},
		Deadlines: []DeadlineSpec{ruleProactive},
	},
	{
		Code: "policy", Name: "政策文件",
		Fields: []Field{core("doc_no", false), core("written_on", true), core("validity", true), core("topic", false), core("genre", false), core("keywords", false),
			{Name: "normative", Label: "规范性文件", Kind: Bool, Facet: true, Help: "行政规范性文件须经合法性审核并统一登记、统一编号、统一发布"},
			{Name: "reg_no", Label: "登记号", Kind: Text, Max: 50, Help: "规范性文件统一登记编号，如 LYDR-2021-0010001"},
			{Name: "effective_on", Label: "施行日期", Kind: Date, Facet: true, Sortable: true},
			{Name: "expires_on", Label: "有效期至", Kind: Date}},
		Meta: []string{"doc_no", "written_on", "validity", "normative", "reg_no", "effective_on", "expires_on", "topic", "genre", "keywords"},
		// 国办发〔2017〕47号: a document's validity is marked on the document
		// itself; before 施行日期 it is not yet in force, after 有效期至 it
		// has lapsed.
		ValidFrom: "effective_on", ValidUntil: "expires_on",
		ListCols: []string{"doc_no", "written_on", "validity"},
		Filters:  []string{"validity", "normative"},
		Check: func(in *Input, v errs.Validation) {
			// Issue 15: accepted before, each a typing error on the page.
			if e, x := in.Fields["effective_on"], in.Fields["expires_on"]; calendar.Valid(e) && calendar.Valid(x) && x < e {
				v.Add("expires_on", "有效期至不能早于施行日期")
			}
			// 规范性文件 are registered, numbered and published together
			// (统一登记、统一编号、统一发布, the field's help); issue 15
			// lists one without its 登记号 as a validation gap.
			if in.Fields["normative"] == "1" && in.Fields["reg_no"] == "" {
				v.Add("reg_no", "规范性文件须填写统一登记号")
			}
		},
		Deadlines: []DeadlineSpec{
			{Rule: "policy.publish", Title: "政策文件印发后 7 日内公开", Unit: CalendarDays, Days: 7, Start: "written_on",
				Basis: "临沂市司法局2021年政务公开重点任务第4项（“谁起草，谁公开”，印发后7日内公开至“政策文件”专栏）"},
			// Interpretation duty: only for published documents still in force.
			{Rule: "interpretation.publish", Title: "政策文件公开后 3 个工作日内发布解读", Unit: Workdays, Days: 3, Start: "published_on",
				Done: DoneInterpreted, OnlyInForce: true, Basis: "重点任务第4、8项（政策解读“三同步”，文件发布3个工作日内发布解读并相互关联）"},
		},
	},
	{
		Code: "interpretation", Name: "政策解读", InterpretTargets: []string{"policy"},
		Fields: []Field{core("author", false), core("topic", false),
			{Name: "form", Label: "解读形式", Kind: Select, Required: true, Facet: true, Options: optionList("文字解读", "图文解读", "图解", "视频解读", "动漫解读", "专家解读", "媒体解读")},
			// Seed task 8: "解读内容应包含对政策背景、决策依据、出台目的、重要举措
			// 等方面的实质性解读" — each its own section.
			{Name: "background", Label: "政策背景", Kind: TextArea, Max: 5000, Help: "为什么制定本文件：形势、问题和要求"},
			{Name: "basis", Label: "决策依据", Kind: TextArea, Max: 5000, Help: "所依据的法律、法规、规章和上级文件"},
			{Name: "purpose", Label: "出台目的", Kind: TextArea, Max: 5000, Help: "本文件要达到的目标"},
			{Name: "measures", Label: "主要内容和重要举措", Kind: TextArea, Max: 20000, Help: "主要条款、重要举措和与公众相关的变化"},
			{Name: "glossary", Label: "名词解释", Kind: TextArea, Max: 5000},
			{Name: "contact", Label: "咨询方式", Kind: TextArea, Max: 1000, Help: "承办科室、电话、地址"},
			{Name: "text_alternative", Label: "图解文字说明", Kind: TextArea, Max: 20000, Help: "图解解读的全部文字内容，供读屏软件和无法查看图片的读者使用（图解必填）"},
			{Name: "video_url", Label: "视频地址", Kind: URL, Max: 500, Help: "视频、动漫解读的播放地址（本站或政务新媒体，https）"},
			{Name: "captions", Label: "字幕（WebVTT）", Kind: TextArea, Max: 20000, Help: "视频的同步字幕，WebVTT 格式（以 WEBVTT 开头）；视频、动漫解读必填"},
			{Name: "transcript", Label: "文字实录", Kind: TextArea, Max: 20000, Help: "视频的完整文字稿；视频、动漫解读必填"}},
		Meta:         []string{"form", "author", "topic"},
		ListCols:     []string{"form"},
		Filters:      []string{"form"},
		Sections:     []string{"background", "basis", "purpose", "measures", "glossary", "contact", "text_alternative"},
		Expected:     []string{"background", "basis", "purpose", "measures"},
		ExpectedRule: "重点任务第8项：解读内容应包含对政策背景、决策依据、出台目的、重要举措等方面的实质性解读",
		Video:        &VideoFields{URL: "video_url", Captions: "captions", Transcript: "transcript"},
		Check: func(in *Input, v errs.Validation) {
			// Seed tasks 4 and 8: an interpretation is linked to the
			// document it explains; a video one carries its video.
			if len(in.Interprets) == 0 {
				v.Add("interprets", "请选择本解读所解读的政策文件")
			}
			switch in.Fields["form"] {
			case "视频解读", "动漫解读":
				// REFERENCE §6.1: GB/T 37668-2019, based on WCAG 2.0,
				// whose 1.2.2 and 1.2.3 ask prerecorded video for captions
				// and a text alternative.
				if in.Fields["video_url"] == "" {
					v.Add("video_url", in.Fields["form"]+"须填写视频地址")
				}
				if c := in.Fields["captions"]; c == "" {
					v.Add("captions", in.Fields["form"]+"须提供字幕（WebVTT），听障读者才能理解视频")
				} else if msg := CheckWebVTT(c); msg != "" {
					v.Add("captions", msg)
				}
				if in.Fields["transcript"] == "" {
					v.Add("transcript", in.Fields["form"]+"须提供文字实录")
				}
			case "图解":
				if in.Fields["text_alternative"] == "" {
					v.Add("text_alternative", "图解须填写文字说明，读屏软件读不出图片中的文字")
				}
			}
		},
	},
	{
		Code: "appointment", Name: "人事任免",
		Fields: []Field{core("doc_no", false), core("written_on", false),
			{Name: "kind", Label: "任免类别", Kind: Select, Required: true, Facet: true, Options: optionList("任职", "免职", "任免", "试用期满考核")}},
		Meta:      []string{"doc_no", "written_on", "kind"},
		ListCols:  []string{"kind"},
		Filters:   []string{"kind"},
		Deadlines: []DeadlineSpec{ruleProactive},
	},
	{
		Code: "plan", Name: "计划规划",
		Fields: []Field{core("doc_no", false), core("written_on", false), core("validity", false),
			{Name: "period", Label: "规划期", Kind: Text, Max: 50, Facet: true, Help: "如 2021年度 或 2021—2025年"},
			{Name: "kind", Label: "类别", Kind: Select, Facet: true, Options: optionList("年度计划", "中长期规划", "专项规划", "工作要点", "工作总结")}},
		Meta:      []string{"doc_no", "written_on", "period", "kind", "validity"},
		ListCols:  []string{"period"},
		Filters:   []string{"kind"},
		Deadlines: []DeadlineSpec{ruleProactive},
	},
	{
		Code: "statistics", Name: "统计数据",
		Fields: []Field{
			{Name: "period", Label: "统计期", Kind: Text, Required: true, Max: 50, Facet: true, Help: "如 2021年1—6月"},
			{Name: "data_source", Label: "数据来源", Kind: Text, Max: 100},
			// Seed task 13 ("定期汇总司法行政业务数据"): the figures as data,
			// not only prose, so the page can show a table and a chart.
			{Name: "unit", Label: "计量单位", Kind: Text, Max: 20, Help: "如 件、人、万元"},
			{Name: "data", Label: "统计表（CSV）", Kind: TextArea, Max: 20000,
				Help: "第一行为表头：第一列为项目，其余各列为数值，如“项目,2021年1—6月,2020年1—6月”；也可在信息页面导入 CSV 或 XLSX 文件"}},
		Meta:     []string{"period", "data_source", "unit"},
		ListCols: []string{"period"},
		Data:     &DataFields{Table: "data", Unit: "unit"},
		Check: func(in *Input, v errs.Validation) {
			if d := in.Fields["data"]; d != "" {
				if _, msg := ParseDataTable(d); msg != "" {
					v.Add("data", msg)
				}
			}
		},
	},
}

// MinConsultationDays is the shortest public-comment period: "征求意见期限不少于30日"
// (seed task 2; 《重大行政决策程序暂行条例》第十五条: "一般不少于30日", and a
// shorter period for urgency needs its reason stated when consulting).
// internal/consult applies it by draft kind (consult.Kinds).
const MinConsultationDays = 30

// DraftKinds are the kinds of draft a consultation publishes (internal/consult
// owns the rules; the record carries the kind so the check below knows it).
var DraftKinds = []Option{{"legislative", "立法草案"}, {"decision", "重大行政决策草案"}, {"policy", "政策文件草案"}}

// shortWindow: a consultation that may be open for less than 30 days, a
// policy draft outside a major decision or one whose shorter window has its
// recorded reason (条例第十五条).
func shortWindow(value func(string) string) bool {
	return value("draft_kind") == "policy" || value("short_reason") != ""
}

func init() {
	builtinTypes = append(builtinTypes,
		&DocType{
			Code: "consultation", Name: "征求意见",
			Fields: []Field{core("doc_no", false), core("topic", false),
				{Name: "opens_on", Label: "征求意见开始日期", Kind: Date, Required: true, Facet: true, Sortable: true},
				{Name: "closes_on", Label: "征求意见截止日期", Kind: Date, Required: true, Facet: true, Sortable: true, Help: "征求意见期限不少于30日"},
				{Name: "channels", Label: "意见提交方式", Kind: TextArea, Max: 500, Help: "如电子邮箱、信函地址、传真"},
				{Name: "draft_kind", Label: "草案类别", Kind: Select, Options: DraftKinds, Facet: true},
				{Name: "short_reason", Label: "缩短征求意见期限的理由", Kind: TextArea, Max: 500, Help: "期限少于30日的，须说明理由并向社会公开（《重大行政决策程序暂行条例》第十五条）"},
				{Name: "feedback", Label: "意见收集和采纳情况", Kind: TextArea, Max: 5000, Help: "征求意见结束后填写：收到意见情况、采纳情况、未予采纳的理由"},
				{Name: "feedback_on", Label: "反馈公开日期", Kind: Date}},
			Meta:     []string{"doc_no", "draft_kind", "opens_on", "closes_on", "short_reason", "channels", "feedback_on", "feedback"},
			ListCols: []string{"opens_on", "closes_on"},
			Deadlines: []DeadlineSpec{
				{Rule: "consultation.open", Title: "征求意见期限不少于 30 日", Unit: CalendarDays, Days: MinConsultationDays, Minimum: true,
					Start: "opens_on", Done: "closes_on", Basis: "重点任务第2项；《重大行政决策程序暂行条例》第十五条", WaivedBy: shortWindow},
				{Rule: "consultation.feedback", Title: "征求意见结束后公开意见收集和采纳情况", Unit: Workdays, Days: 20,
					Start: "closes_on", Done: "feedback_on", DoneNeeds: "feedback", AfterStart: true,
					Basis: "重点任务第2项（及时反馈意见采纳情况和未予采纳理由）；期限按《政府信息公开条例》第二十六条计"},
			},
			Check: func(in *Input, v errs.Validation) {
				o, c := in.Fields["opens_on"], in.Fields["closes_on"]
				// A policy draft outside a major decision has no statutory
				// minimum; a shorter window of the others needs its reason
				// (条例第十五条), which the record then shows.
				short := shortWindow(func(n string) string { return in.Fields[n] })
				if t0, t1 := calendar.Day(o), calendar.Day(c); !short && !t0.IsZero() && !t1.IsZero() && t1.Sub(t0) < MinConsultationDays {
					v.Add("closes_on", fmt.Sprintf("征求意见期限不少于%d日（截止日期不能早于 %s）", MinConsultationDays, t0.AddDays(MinConsultationDays)))
				}
				if in.Fields["feedback_on"] != "" && in.Fields["feedback"] == "" {
					v.Add("feedback", "填写反馈公开日期时，请同时填写意见收集和采纳情况")
				}
			},
		},
		&DocType{
			Code: "annual_report", Name: "政务公开年度报告",
			Fields:   []Field{{Name: "report_year", Label: "报告年度", Kind: Integer, Required: true, Max: 4, Facet: true, Sortable: true, Help: "如 2025"}},
			Meta:     []string{"report_year"},
			ListCols: []string{"report_year"},
			Deadlines: []DeadlineSpec{{Rule: "annual_report.publish", Title: "每年 1 月 31 日前公布上一年度政府信息公开工作年度报告", Unit: FixedDate,
				Start: "report_year", Basis: "《中华人民共和国政府信息公开条例》第四十九条"}},
		},
	)
	for _, t := range builtinTypes {
		RegisterDocType(t)
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

// ValidityOn is the 有效性 of a document of type t on today: a recorded
// repeal, amendment or lapse stands; otherwise a document before its
// ValidFrom date is not yet in force (not_yet) and one after its ValidUntil
// date has lapsed (expired). value reads the document's fields.
func (t *DocType) ValidityOn(recorded string, value func(string) string, today calendar.Date) string {
	if t == nil || recorded != "in_force" && recorded != "not_yet" {
		return recorded
	}
	if t.ValidUntil != "" {
		if until := calendar.Day(value(t.ValidUntil)); !until.IsZero() && today.After(until) {
			return "expired"
		}
	}
	if t.ValidFrom != "" {
		if from := calendar.Day(value(t.ValidFrom)); !from.IsZero() && today.Before(from) {
			return "not_yet"
		}
	}
	return "in_force"
}
