package lists

import (
	"regexp"

	"gongkai/internal/catalog"
)

// The registries of 双随机、一公开 ("一单两库": the item list, the target
// directory and the inspector directory; REFERENCE §8, RECORDS §5.2). They
// are lists like any other, so import, export, editions and diffs come from
// the engine; internal/inspect draws from their published editions.

// InspectTargetTypes are the justice sector's inspection targets (REFERENCE
// §8 "Justice-sector targets": 律师事务所和律师、基层法律服务所和工作者、公证机构
// 和公证员、司法鉴定机构和鉴定人; RECORDS §5.3 Guangyuan 2020 ratios).
var InspectTargetTypes = []catalog.Option{
	{Value: "law_firm", Label: "律师事务所"},
	{Value: "lawyer", Label: "律师"},
	{Value: "legal_service_office", Label: "基层法律服务所"},
	{Value: "legal_service_worker", Label: "基层法律服务工作者"},
	{Value: "notary_office", Label: "公证机构"},
	{Value: "notary", Label: "公证员"},
	{Value: "appraisal_body", Label: "司法鉴定机构"},
	{Value: "appraiser", Label: "司法鉴定人"},
}

// InspectItemClasses: 一般检查事项 (ratio strictly limited) and 重点检查事项
// (no upper limit) — 市场监管总局 2019 notice (REFERENCE §8 [S68], RECORDS §5.1 [R69]).
var InspectItemClasses = []catalog.Option{
	{Value: "general", Label: "一般检查事项"},
	{Value: "key", Label: "重点检查事项"},
}

// Statuses that decide who is drawn: only "active" targets and inspectors
// enter a draw (internal/inspect, docs/ARCHITECTURE.md "Random inspections").
var (
	InspectTargetStatuses = []catalog.Option{
		{Value: "active", Label: "正常"},
		{Value: "suspended", Label: "停业整顿"},
		{Value: "closed", Label: "已注销"},
	}
	InspectorStatuses = []catalog.Option{
		{Value: "active", Label: "在岗"},
		{Value: "unavailable", Label: "不可用"},
	}
	riskLevels = []catalog.Option{
		{Value: "low", Label: "低风险"},
		{Value: "medium", Label: "一般风险"},
		{Value: "high", Label: "较高风险"},
	}
)

// targetCodePattern: a 统一社会信用代码 (18 characters) or a 执业证号 (digits);
// letters and digits only, so the keys sort the same everywhere.
var targetCodePattern = Pattern{RE: regexp.MustCompile(`^[0-9A-Z][0-9A-Z\-]*$`),
	Message: "代码只能由数字、大写字母和“-”组成（统一社会信用代码或执业证号）"}

// InspectItems is the 随机抽查事项清单: 国办发〔2015〕58号 requires 抽查依据、
// 抽查主体、抽查内容、抽查方式 for each item (RECORDS §5.1 [R67], §5.2); the other
// columns follow the Ordos Q&A (序号、检查项目、检查子项、检查主体、检查依据、检查方式、
// 检查内容和备注, [R16]).
var InspectItems = &Kind{
	Code: "inspection_items", Name: "随机抽查事项清单",
	Intro:  "本清单公布本机关“双随机、一公开”监管的抽查事项及其抽查依据、抽查主体、抽查内容和抽查方式。清单之外，不得实施随机抽查。",
	Basis:  "国办发〔2015〕58号；《优化营商环境条例》第五十四条；《山东省优化营商环境条例》第四十三条",
	Column: "ssjygk", Owner: "zfk", UpdateDays: defaultUpdateDays,
	Fields: []catalog.Field{
		{Name: "code", Label: "事项编号", Kind: catalog.Text, Required: true, Max: 40},
		{Name: "category", Label: "抽查类别", Kind: catalog.Text, Required: true, Max: 100, Facet: true},
		{Name: "item", Label: "抽查事项", Kind: catalog.Text, Required: true, Max: 200},
		{Name: "target_type", Label: "检查对象", Kind: catalog.Select, Required: true, Options: InspectTargetTypes, Facet: true},
		{Name: "item_class", Label: "事项类别", Kind: catalog.Select, Required: true, Options: InspectItemClasses, Facet: true},
		{Name: "inspecting_body", Label: "检查主体", Kind: catalog.Text, Required: true, Max: 100},
		{Name: "unit", Label: "承办机构", Kind: catalog.Text, Max: 100, Facet: true},
		{Name: "basis", Label: "检查依据", Kind: catalog.TextArea, Required: true, Max: 5000},
		{Name: "content", Label: "检查内容", Kind: catalog.TextArea, Required: true, Max: 5000},
		{Name: "method", Label: "检查方式", Kind: catalog.Text, Required: true, Max: 200, Help: "如 现场检查、书面检查、网络监测、案卷评查，多种方式用“、”分开"},
		{Name: "remark", Label: "备注", Kind: catalog.TextArea, Max: 1000},
	},
	Key: []string{"code"}, Title: "item", Body: "inspecting_body",
	ListCols: []string{"category", "target_type", "item_class", "method"},
	Sections: []Section{
		{"基本信息", []string{"code", "category", "item", "target_type", "item_class", "inspecting_body", "unit"}},
		{"抽查依据、内容和方式", []string{"basis", "content", "method"}},
		{"其他", []string{"remark"}},
	},
	Patterns: map[string]Pattern{"code": codePattern},
}

// InspectTargets is the 检查对象名录库: all targets of a type are in it (justice
// practice, RECORDS §5.2 [R70]); fields per RECORDS §5.2 (name, 统一社会信用代码
// or 执业证号, type, address, risk level, status, source).
var InspectTargets = &Kind{
	Code: "inspection_targets", Name: "检查对象名录库",
	Intro:  "本名录库收录本机关监管的全部检查对象，按检查对象类别编入，作为“双随机”抽取检查对象的范围。",
	Basis:  "国办发〔2015〕58号（建立检查对象名录库）；“一单两库一细则”",
	Column: "ssjygk", Owner: "zfk", UpdateDays: defaultUpdateDays,
	Fields: []catalog.Field{
		{Name: "code", Label: "统一社会信用代码或执业证号", Kind: catalog.Text, Required: true, Max: 40},
		{Name: "name", Label: "检查对象名称", Kind: catalog.Text, Required: true, Max: 200},
		{Name: "target_type", Label: "检查对象类别", Kind: catalog.Select, Required: true, Options: InspectTargetTypes, Facet: true},
		{Name: "address", Label: "住所（经营场所）", Kind: catalog.Text, Max: 200},
		{Name: "district", Label: "所在区县", Kind: catalog.Text, Max: 50, Facet: true},
		{Name: "risk_level", Label: "风险等级", Kind: catalog.Select, Options: riskLevels, Facet: true},
		{Name: "status", Label: "状态", Kind: catalog.Select, Required: true, Options: InspectTargetStatuses, Facet: true},
		{Name: "source", Label: "数据来源", Kind: catalog.Text, Max: 200},
		{Name: "remark", Label: "备注", Kind: catalog.TextArea, Max: 1000},
	},
	Key: []string{"code"}, Title: "name",
	ListCols: []string{"target_type", "district", "status"},
	Sections: []Section{
		{"基本信息", []string{"code", "name", "target_type", "address", "district"}},
		{"监管信息", []string{"risk_level", "status", "source", "remark"}},
	},
	Patterns: map[string]Pattern{"code": targetCodePattern},
}

// Inspectors is the 执法检查人员名录库 (RECORDS §5.2: name, cert_no, unit,
// enforcement category, specialty, status, conflicts for recusal). Enforcement
// staff with their certificate numbers are published under 国办发〔2018〕118号
// (事前公开 of 执法人员, RECORDS §2); 回避对象 lists the target codes an inspector
// may not be sent to (recusal, REFERENCE §8: "recusal for conflicts").
var Inspectors = &Kind{
	Code: "inspectors", Name: "执法检查人员名录库",
	Intro:  "本名录库收录本机关具有行政执法资格、可参加随机抽查的执法检查人员，作为“双随机”选派检查人员的范围。与检查对象有利害关系的，依法回避。",
	Basis:  "国办发〔2015〕58号（建立执法检查人员名录库）；国办发〔2018〕118号（公示执法人员）",
	Column: "ssjygk", Owner: "zfk", UpdateDays: defaultUpdateDays,
	Fields: []catalog.Field{
		{Name: "cert_no", Label: "执法证号", Kind: catalog.Text, Required: true, Max: 40},
		{Name: "name", Label: "姓名", Kind: catalog.Text, Required: true, Max: 50},
		{Name: "unit", Label: "所在单位", Kind: catalog.Text, Required: true, Max: 100, Facet: true},
		{Name: "category", Label: "执法类别", Kind: catalog.Text, Max: 100, Facet: true},
		{Name: "specialty", Label: "业务专长", Kind: catalog.Text, Max: 200},
		{Name: "status", Label: "状态", Kind: catalog.Select, Required: true, Options: InspectorStatuses, Facet: true},
		{Name: "conflicts", Label: "回避对象", Kind: catalog.TextArea, Max: 2000, Help: "与本人有利害关系的检查对象的统一社会信用代码或执业证号，多个用“、”分开"},
		{Name: "remark", Label: "备注", Kind: catalog.TextArea, Max: 1000},
	},
	Key: []string{"cert_no"}, Title: "name", Body: "unit",
	ListCols: []string{"unit", "category", "status"},
	Sections: []Section{
		{"基本信息", []string{"cert_no", "name", "unit", "category", "specialty", "status"}},
		{"回避", []string{"conflicts", "remark"}},
	},
	Patterns: map[string]Pattern{"cert_no": codePattern},
}

func init() { Register(InspectItems); Register(InspectTargets); Register(Inspectors) }
