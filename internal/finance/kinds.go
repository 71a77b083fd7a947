// Package finance is 财政信息 (issue 13, seed task 7): department budgets and
// final accounts as structured tables (their own storage: a year's set of
// grids imported from the office's XLSX workbooks, with explanations and
// the 20-day publication deadline after approval), and government
// procurement and public-resource transactions as list kinds of the list
// engine (internal/lists): procurement intentions (采购意向), procurement
// notices and results, and public-resource transactions. The list engine
// gives those kinds their pages, filters, facets, feeds, exports, search
// and API; this package adds the intentions' 30-day lead-time rule and the
// budgets' deadline to the self-inspection.
package finance

import (
	"regexp"

	"gongkai/internal/catalog"
	"gongkai/internal/lists"
)

// Column slugs of the demo site's 财政预决算, 政府采购 and 公共资源配置
// columns; 办公室 (bgs) keeps the bureau's finance in the demo departments.
const (
	ColumnBudget      = "czyjs"
	ColumnProcurement = "zfcg"
	ColumnResources   = "ggzypz"
	owner             = "bgs"
)

var monthRE = lists.Pattern{RE: regexp.MustCompile(`^(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])$`),
	Message: "预计采购时间填写到月，格式如 2025-06"}

var projectCodeRE = lists.Pattern{RE: regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z_.\-\[\]〔〕()（）号]*$`),
	Message: "项目编号只能由字母、数字和“-”“_”“.”等组成"}

// ProcurementMethods are the 政府采购法 Art. 26 methods (公开招标、邀请招标、
// 竞争性谈判、单一来源采购、询价) plus 竞争性磋商 (财库〔2014〕214号) and the
// framework agreement (财政部令第110号); "其他" covers the rest.
var ProcurementMethods = []catalog.Option{
	{Value: "open_tender", Label: "公开招标"},
	{Value: "invited_tender", Label: "邀请招标"},
	{Value: "negotiation", Label: "竞争性谈判"},
	{Value: "consultation", Label: "竞争性磋商"},
	{Value: "single_source", Label: "单一来源采购"},
	{Value: "inquiry", Label: "询价"},
	{Value: "framework", Label: "框架协议采购"},
	{Value: "other", Label: "其他"},
}

// ProcurementCategories are goods, works and services (政府采购法 Art. 2;
// the 政府采购 explanation of RECORDS §8.5 reports amounts by these).
var ProcurementCategories = []catalog.Option{
	{Value: "goods", Label: "货物"},
	{Value: "works", Label: "工程"},
	{Value: "services", Label: "服务"},
}

// NoticeTypes are the procurement notices the bureau publishes: the tender
// (采购公告), the result (中标、成交结果公告, 政府采购法实施条例 Art. 43: within
// 2 working days of the supplier being determined), the contract (Art. 50:
// within 2 working days of signing), single-source publicity (Art. 38: at
// least 5 working days) and corrections (更正公告). RECORDS §8.7.
var NoticeTypes = []catalog.Option{
	{Value: "tender", Label: "采购公告"},
	{Value: "single_source", Label: "单一来源公示"},
	{Value: "correction", Label: "更正公告"},
	{Value: "result", Label: "中标（成交）结果公告"},
	{Value: "termination", Label: "终止公告"},
	{Value: "contract", Label: "合同公告"},
}

// TransactionTypes are the 公共资源交易 fields of 国办发〔2017〕97号 that a
// justice bureau meets (RECORDS §8.8): mostly procurement and tenders run on
// the city trading platform, seldom property.
var TransactionTypes = []catalog.Option{
	{Value: "procurement", Label: "政府采购"},
	{Value: "construction", Label: "工程建设项目招标投标"},
	{Value: "property", Label: "国有产权交易"},
	{Value: "asset", Label: "国有资产处置"},
	{Value: "other", Label: "其他"},
}

// TransactionStages are the published stages of a transaction (资格预审公告 /
// 招标公告, 中标候选人公示, 交易结果; RECORDS §8.8 [R64]).
var TransactionStages = []catalog.Option{
	{Value: "announcement", Label: "交易公告"},
	{Value: "candidates", Label: "中标候选人公示"},
	{Value: "result", Label: "交易结果"},
}

// Intentions are the 政府采购意向 (财库〔2020〕10号, RECORDS §8.6 [R60][R61]):
// 采购项目名称、采购需求概况、预算金额（万元）、预计采购时间（to the month) per
// project, published at least IntentionLeadDays before the procurement
// begins (checked by the self-inspection, intentionFindings).
var Intentions = &lists.Kind{
	Code: "procurement_intentions", Name: "政府采购意向",
	Intro:  "本栏公开本单位政府采购意向。本次公开的采购意向是本单位政府采购工作的初步安排，具体采购项目情况以相关采购公告和采购文件为准。",
	Basis:  "财政部《关于开展政府采购意向公开工作的通知》（财库〔2020〕10号）：原则上不得晚于采购活动开始前30日公开",
	Column: ColumnProcurement, Owner: owner, UpdateDays: 365,
	Fields: []catalog.Field{
		{Name: "code", Label: "意向编号", Kind: catalog.Text, Required: true, Max: 40},
		{Name: "project_name", Label: "采购项目名称", Kind: catalog.Text, Required: true, Max: 200},
		{Name: "demand_summary", Label: "采购需求概况", Kind: catalog.TextArea, Required: true, Max: 5000},
		{Name: "budget_wan", Label: "预算金额（万元）", Kind: catalog.Money, Required: true},
		{Name: "expected_month", Label: "预计采购时间", Kind: catalog.Text, Required: true, Max: 7, Facet: true, Help: "填写到月，如 2025-06"},
		{Name: "starts_on", Label: "采购活动开始日期", Kind: catalog.Date, Help: "已确定的填写；留空的，以预计采购月份的第一天计算公开时限"},
		{Name: "category", Label: "采购品目类别", Kind: catalog.Select, Options: ProcurementCategories, Facet: true},
		{Name: "unit", Label: "采购单位", Kind: catalog.Text, Required: true, Max: 100, Facet: true},
		{Name: "first_published_on", Label: "首次公开日期", Kind: catalog.Date, Help: "已在中国政府采购网等渠道先行公开的填写；留空以本平台发布日期为准"},
		{Name: "remark", Label: "备注", Kind: catalog.TextArea, Max: 1000},
	},
	Key: []string{"code"}, Title: "project_name", Body: "unit",
	ListCols: []string{"budget_wan", "expected_month", "category", "unit"},
	Sections: []lists.Section{
		{Title: "采购意向", Fields: []string{"code", "project_name", "demand_summary", "budget_wan", "expected_month", "starts_on", "category", "unit"}},
		{Title: "其他", Fields: []string{"first_published_on", "remark"}},
	},
	Patterns: map[string]lists.Pattern{"code": projectCodeRE, "expected_month": monthRE},
	Check:    checkIntention,
}

func checkIntention(v map[string]string) map[string]string {
	bad := map[string]string{}
	if b := v["budget_wan"]; len(b) > 0 && b[0] == '-' {
		bad["budget_wan"] = "预算金额不能为负数"
	}
	if s, m := v["starts_on"], v["expected_month"]; s != "" && len(m) == 7 && s[:7] < m {
		bad["starts_on"] = "采购活动开始日期不能早于预计采购月份"
	}
	return bad
}

// Notices are the procurement notices and results (政府采购法实施条例 Art. 43,
// 50, 38; RECORDS §8.7 [R9]): one row per notice, keyed by its number.
var Notices = &lists.Kind{
	Code: "procurement_notices", Name: "政府采购公告和结果",
	Intro:  "本栏公开本单位政府采购项目的采购公告、更正公告、中标（成交）结果公告和合同公告。中标、成交结果自供应商确定之日起2个工作日内公告，合同自签订之日起2个工作日内公告。",
	Basis:  "《中华人民共和国政府采购法实施条例》第四十三条、第五十条、第三十八条",
	Column: ColumnProcurement, Owner: owner, UpdateDays: 365,
	Fields: []catalog.Field{
		{Name: "notice_no", Label: "公告编号", Kind: catalog.Text, Required: true, Max: 60},
		{Name: "project_no", Label: "项目编号", Kind: catalog.Text, Required: true, Max: 60},
		{Name: "project_name", Label: "项目名称", Kind: catalog.Text, Required: true, Max: 200},
		{Name: "notice_type", Label: "公告类型", Kind: catalog.Select, Required: true, Options: NoticeTypes, Facet: true},
		{Name: "method", Label: "采购方式", Kind: catalog.Select, Required: true, Options: ProcurementMethods, Facet: true},
		{Name: "category", Label: "采购品目类别", Kind: catalog.Select, Options: ProcurementCategories, Facet: true},
		{Name: "purchaser", Label: "采购人", Kind: catalog.Text, Required: true, Max: 100, Facet: true},
		{Name: "agency", Label: "采购代理机构", Kind: catalog.Text, Max: 100},
		{Name: "contact", Label: "联系方式", Kind: catalog.Text, Max: 200, Help: "采购人和采购代理机构的地址、联系电话"},
		{Name: "budget_wan", Label: "预算金额（万元）", Kind: catalog.Money},
		{Name: "supplier", Label: "中标（成交）供应商", Kind: catalog.Text, Max: 200},
		{Name: "supplier_address", Label: "供应商地址", Kind: catalog.Text, Max: 200},
		{Name: "amount_wan", Label: "中标（成交）金额（万元）", Kind: catalog.Money},
		{Name: "subject", Label: "主要标的", Kind: catalog.TextArea, Max: 5000, Help: "名称、规格型号、数量、单价、服务要求"},
		{Name: "experts", Label: "评审专家名单", Kind: catalog.TextArea, Max: 1000},
		{Name: "decided_on", Label: "供应商确定或合同签订日期", Kind: catalog.Date, Help: "结果公告填供应商确定日期，合同公告填签订日期"},
		{Name: "notice_date", Label: "公告日期", Kind: catalog.Date, Required: true, Sortable: true},
		{Name: "source_url", Label: "原文链接", Kind: catalog.Text, Max: 500, Help: "中国政府采购网或公共资源交易平台的公告地址"},
	},
	Key: []string{"notice_no"}, Title: "project_name", Body: "purchaser",
	ListCols: []string{"notice_type", "method", "amount_wan", "notice_date"},
	Sections: []lists.Section{
		{Title: "项目", Fields: []string{"notice_no", "project_no", "project_name", "notice_type", "method", "category", "budget_wan", "notice_date"}},
		{Title: "采购人和代理机构", Fields: []string{"purchaser", "agency", "contact"}},
		{Title: "结果", Fields: []string{"supplier", "supplier_address", "amount_wan", "subject", "experts", "decided_on"}},
		{Title: "其他", Fields: []string{"source_url"}},
	},
	Patterns: map[string]lists.Pattern{"notice_no": projectCodeRE, "project_no": projectCodeRE},
	Check:    checkNotice,
}

func checkNotice(v map[string]string) map[string]string {
	bad := map[string]string{}
	switch v["notice_type"] {
	case "result", "contract":
		// Art. 43 para 3: the result names the supplier and the amount.
		if v["supplier"] == "" {
			bad["supplier"] = "结果公告和合同公告应当写明中标（成交）供应商"
		}
		if v["amount_wan"] == "" {
			bad["amount_wan"] = "结果公告和合同公告应当写明中标（成交）金额"
		}
		if v["decided_on"] == "" {
			bad["decided_on"] = "请填写供应商确定日期或合同签订日期"
		} else if v["notice_date"] != "" && v["notice_date"] < v["decided_on"] {
			bad["notice_date"] = "公告日期不能早于供应商确定日期或合同签订日期"
		}
	}
	for _, n := range []string{"budget_wan", "amount_wan"} {
		if b := v[n]; len(b) > 0 && b[0] == '-' {
			bad[n] = "金额不能为负数"
		}
	}
	return bad
}

// Transactions are the 公共资源交易 records (国办发〔2017〕97号; 发改办法规〔2018〕
// 94号; RECORDS §8.8 [R91][R64]): the bureau's projects run on the city
// trading platform, with a link to the platform's notice.
var Transactions = &lists.Kind{
	Code: "resource_transactions", Name: "公共资源交易",
	Intro:  "本栏公开本单位在公共资源交易平台进行的招标投标、政府采购和国有资产交易项目的交易公告、中标候选人公示和交易结果。",
	Basis:  "国务院办公厅《关于推进公共资源配置领域政府信息公开的意见》（国办发〔2017〕97号）；《招标公告和公示信息发布管理办法》",
	Column: ColumnResources, Owner: owner, UpdateDays: 365,
	Fields: []catalog.Field{
		{Name: "code", Label: "交易编号", Kind: catalog.Text, Required: true, Max: 60},
		{Name: "project_name", Label: "项目名称", Kind: catalog.Text, Required: true, Max: 200},
		{Name: "tx_type", Label: "交易类型", Kind: catalog.Select, Required: true, Options: TransactionTypes, Facet: true},
		{Name: "stage", Label: "公开环节", Kind: catalog.Select, Required: true, Options: TransactionStages, Facet: true},
		{Name: "scope", Label: "项目内容、规模和资金来源", Kind: catalog.TextArea, Max: 5000},
		{Name: "qualification", Label: "投标人资格要求", Kind: catalog.TextArea, Max: 2000},
		{Name: "tenderer", Label: "招标人", Kind: catalog.Text, Required: true, Max: 100, Facet: true},
		{Name: "agency", Label: "招标代理机构", Kind: catalog.Text, Max: 100},
		{Name: "platform", Label: "交易平台", Kind: catalog.Text, Required: true, Max: 100, Facet: true},
		{Name: "deadline", Label: "投标截止时间", Kind: catalog.Date},
		{Name: "winner", Label: "中标人", Kind: catalog.Text, Max: 200},
		{Name: "amount_wan", Label: "中标金额（万元）", Kind: catalog.Money},
		{Name: "published_on", Label: "发布日期", Kind: catalog.Date, Required: true, Sortable: true},
		{Name: "source_url", Label: "平台公告地址", Kind: catalog.Text, Max: 500},
	},
	Key: []string{"code"}, Title: "project_name", Body: "tenderer",
	ListCols: []string{"tx_type", "stage", "platform", "published_on"},
	Sections: []lists.Section{
		{Title: "项目", Fields: []string{"code", "project_name", "tx_type", "stage", "scope", "qualification", "published_on"}},
		{Title: "招标人和平台", Fields: []string{"tenderer", "agency", "platform", "deadline", "source_url"}},
		{Title: "结果", Fields: []string{"winner", "amount_wan"}},
	},
	Patterns: map[string]lists.Pattern{"code": projectCodeRE},
	Check: func(v map[string]string) map[string]string {
		bad := map[string]string{}
		if v["stage"] == "result" && v["winner"] == "" {
			bad["winner"] = "交易结果应当写明中标人"
		}
		if b := v["amount_wan"]; len(b) > 0 && b[0] == '-' {
			bad["amount_wan"] = "金额不能为负数"
		}
		return bad
	},
}

func init() {
	lists.Register(Intentions)
	lists.Register(Notices)
	lists.Register(Transactions)
}
