package enforce

import (
	"regexp"

	"gongkai/internal/catalog"
	"gongkai/internal/lists"
)

// ItemTypes are the 事项类型 of service items (RECORDS §3.3, after §1.2).
var ItemTypes = []catalog.Option{
	{Value: "license", Label: "行政许可"},
	{Value: "benefit", Label: "行政给付"},
	{Value: "confirmation", Label: "行政确认"},
	{Value: "award", Label: "行政奖励"},
	{Value: "adjudication", Label: "行政裁决"},
	{Value: "filing", Label: "行政备案"},
	{Value: "other_power", Label: "其他行政权力"},
	{Value: "public_service", Label: "公共服务"},
}

// Levels are the 行使层级 (RECORDS §3.3).
var Levels = []catalog.Option{
	{Value: "national", Label: "国家级"}, {Value: "provincial", Label: "省级"}, {Value: "city", Label: "设区的市级"},
	{Value: "county", Label: "县级"}, {Value: "township", Label: "乡镇（街道）级"},
}

// PowerSources are the 权力来源 (RECORDS §3.3).
var PowerSources = []catalog.Option{
	{Value: "statutory", Label: "法定本级行使"}, {Value: "delegated", Label: "上级下放"},
	{Value: "entrusted", Label: "上级委托"}, {Value: "other", Label: "其他"},
}

// CaseTypes are the 办件类型 (RECORDS §3.3 [R55]).
var CaseTypes = []catalog.Option{{Value: "immediate", Label: "即办件"}, {Value: "promised", Label: "承诺件"}}

// ResultTypes are the 审批结果类型 (RECORDS §3.3 [R55]).
var ResultTypes = []catalog.Option{
	{Value: "certificate", Label: "出证办结"}, {Value: "document", Label: "出文办结"},
	{Value: "approval", Label: "审批办结"}, {Value: "other", Label: "其他"},
}

// serviceCode: item codes are opaque strings of at most 64 characters,
// checked only for their characters (RECORDS §3.2: the code layout of
// GB/T 39554.1 is UNVERIFIED).
var serviceCode = lists.Pattern{RE: regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z_.\-]*$`),
	Message: "事项编码只能由字母、数字和“-”“_”“.”组成"}

// Guides are the 办事指南 (RECORDS §3.3–3.5): every element the exchange
// schema, 优化营商环境条例第三十五条、在线政务服务若干规定第六条 and
// 山东省优化营商环境条例第二十八条 require is a field; only the codes and the
// name are refused when missing, the rest is scored (Complete): a guide
// lacking a required element is listed for staff and reported by the
// self-inspection (REFERENCE §5.1: missing key guide elements, 服务不实用).
// The process steps are drawn as the 办事流程图 (Flow), never uploaded.
var Guides = &lists.Kind{
	Code: "service_guides", Name: "办事指南",
	Intro:  "本栏公布本机关政务服务事项的办事指南：受理条件、申请材料、办理流程、办理时限、办理地点和咨询监督方式，并附办事流程图。网上办理请通过“爱山东”政务服务平台。",
	Basis:  "《优化营商环境条例》第三十五条；《国务院关于在线政务服务的若干规定》第六条；《山东省优化营商环境条例》第二十八条；国办发〔2018〕118号（服务指南、执法流程图）",
	Column: columnGuides, Owner: owner, UpdateDays: 365,
	Fields: []catalog.Field{
		{Name: "task_code", Label: "实施编码", Kind: catalog.Text, Required: true, Max: 64},
		{Name: "catalog_code", Label: "基本编码", Kind: catalog.Text, Max: 64},
		{Name: "name", Label: "事项名称", Kind: catalog.Text, Required: true, Max: 200},
		{Name: "item_type", Label: "事项类型", Kind: catalog.Select, Options: ItemTypes, Facet: true},
		{Name: "setting_basis", Label: "设定依据", Kind: catalog.TextArea, Max: 5000},
		{Name: "exercise_level", Label: "行使层级", Kind: catalog.Select, Options: Levels, Facet: true},
		{Name: "power_source", Label: "权力来源", Kind: catalog.Select, Options: PowerSources},
		{Name: "body", Label: "实施主体", Kind: catalog.Text, Max: 100, Facet: true},
		{Name: "body_nature", Label: "实施主体性质", Kind: catalog.Select, Options: BodyNatures},
		{Name: "accepting_body", Label: "受理机构", Kind: catalog.Text, Max: 100},
		{Name: "approving_body", Label: "审批机构", Kind: catalog.Text, Max: 100},
		{Name: "served_parties", Label: "服务对象", Kind: catalog.Text, Max: 100, Help: "如 自然人、法人、非法人组织"},
		{Name: "case_type", Label: "办件类型", Kind: catalog.Select, Options: CaseTypes, Facet: true},
		{Name: "conditions", Label: "受理条件", Kind: catalog.TextArea, Max: 5000},
		{Name: "materials", Label: "申请材料", Kind: catalog.TextArea, Max: 5000, Help: "每行一项：材料名称、原件或复印件、份数、来源渠道"},
		{Name: "review_standard", Label: "审查标准", Kind: catalog.TextArea, Max: 5000},
		{Name: "legal_limit", Label: "法定办结时限", Kind: catalog.Text, Max: 100},
		{Name: "promised_limit", Label: "承诺办结时限", Kind: catalog.Text, Max: 100},
		{Name: "special_steps", Label: "特别程序", Kind: catalog.TextArea, Max: 2000, Help: "现场踏勘、听证、专家评审等；没有的填“无”"},
		{Name: "steps", Label: "办理流程", Kind: catalog.TextArea, Max: 5000, Help: "每行一个环节，按先后顺序填写，将据此生成办事流程图"},
		{Name: "channels", Label: "办理形式", Kind: catalog.Text, Max: 200, Help: "如 窗口办理、网上办理、邮寄申请"},
		{Name: "onsite_visits", Label: "到办事现场次数", Kind: catalog.Integer, Max: 2},
		{Name: "online", Label: "是否网办", Kind: catalog.Bool, Facet: true},
		{Name: "online_url", Label: "网办地址", Kind: catalog.URL, Max: 500},
		{Name: "place", Label: "办理地点", Kind: catalog.TextArea, Max: 1000},
		{Name: "hours", Label: "办理时间", Kind: catalog.Text, Max: 200},
		{Name: "consult", Label: "咨询方式", Kind: catalog.Text, Max: 200},
		{Name: "complaint", Label: "监督投诉方式", Kind: catalog.Text, Max: 200},
		{Name: "charges_fee", Label: "是否收费", Kind: catalog.Bool, Facet: true},
		{Name: "fee", Label: "收费标准及依据", Kind: catalog.TextArea, Max: 2000},
		{Name: "result_type", Label: "审批结果类型", Kind: catalog.Select, Options: ResultTypes},
		{Name: "result_name", Label: "审批结果名称", Kind: catalog.Text, Max: 200},
		{Name: "commitment", Label: "是否实行告知承诺制", Kind: catalog.Bool, Facet: true},
		{Name: "tolerance", Label: "容缺受理", Kind: catalog.TextArea, Max: 2000, Help: "可容缺的材料及补正期限；不实行的填“不实行”"},
		{Name: "sample", Label: "申请书示范文本", Kind: catalog.URL, Max: 500},
		{Name: "faq", Label: "常见问题", Kind: catalog.TextArea, Max: 5000},
	},
	Key: []string{"task_code"}, Title: "name", Body: "body",
	ListCols: []string{"item_type", "body", "promised_limit"},
	Sections: []lists.Section{
		{Title: "基本信息", Fields: []string{"task_code", "catalog_code", "name", "item_type", "exercise_level", "power_source", "body", "body_nature", "accepting_body", "approving_body", "served_parties", "case_type"}},
		{Title: "设定依据", Fields: []string{"setting_basis"}},
		{Title: "受理条件和申请材料", Fields: []string{"conditions", "materials", "review_standard", "tolerance", "commitment", "sample"}},
		{Title: "办理流程和时限", Fields: []string{"steps", "special_steps", "legal_limit", "promised_limit", "result_type", "result_name"}},
		{Title: "办理方式", Fields: []string{"channels", "onsite_visits", "online", "online_url", "place", "hours"}},
		{Title: "收费", Fields: []string{"charges_fee", "fee"}},
		{Title: "咨询和监督", Fields: []string{"consult", "complaint", "faq"}},
	},
	Patterns: map[string]lists.Pattern{"task_code": serviceCode, "catalog_code": serviceCode},
	Flow:     "steps",
	// The elements marked 必填 in RECORDS §3.3 (exchange schema [R50];
	// 受理机构、审批机构、受理条件、办理时限 by 118号 [R12]; 审查标准、容缺受理 by
	// 山东省优化营商环境条例第二十八条 [R8]). Booleans always carry a value.
	Complete: []string{"task_code", "catalog_code", "name", "item_type", "setting_basis", "exercise_level", "power_source", "body", "body_nature",
		"accepting_body", "approving_body", "served_parties", "case_type", "conditions", "materials", "review_standard", "legal_limit", "promised_limit",
		"special_steps", "steps", "onsite_visits", "place", "hours", "consult", "complaint", "result_type", "tolerance"},
	Check: func(v map[string]string) map[string]string {
		bad := map[string]string{}
		if v["charges_fee"] == "1" && v["fee"] == "" {
			bad["fee"] = "收费的事项请填写收费标准及依据"
		}
		if v["online"] == "1" && v["online_url"] == "" {
			bad["online_url"] = "网上可办的事项请填写网办地址"
		}
		return bad
	},
}

// Catalog is the 政务服务事项目录 (RECORDS §3.2: the items as implemented
// by this body, with the six basic elements that must be identical
// statewide: 事项名称、事项编码、事项类型、主管部门、实施机关、设定和实施依据 [R51]).
var Catalog = &lists.Kind{
	Code: "service_catalog", Name: "政务服务事项目录",
	Intro:  "本目录公布本机关实施的政务服务事项及其编码、类型、实施机关和设定依据，每个事项链接到其办事指南。",
	Basis:  "《山东省优化营商环境条例》第二十八条（全省统一的政务服务事项目录）；国发〔2022〕5号",
	Column: columnCatalog, Owner: owner, UpdateDays: 365,
	Fields: []catalog.Field{
		{Name: "task_code", Label: "实施编码", Kind: catalog.Text, Required: true, Max: 64},
		{Name: "catalog_code", Label: "基本编码", Kind: catalog.Text, Required: true, Max: 64},
		{Name: "name", Label: "事项名称", Kind: catalog.Text, Required: true, Max: 200},
		{Name: "sub_item", Label: "子项名称", Kind: catalog.Text, Max: 200},
		{Name: "item_type", Label: "事项类型", Kind: catalog.Select, Required: true, Options: ItemTypes, Facet: true},
		{Name: "competent_dept", Label: "主管部门", Kind: catalog.Text, Required: true, Max: 100, Facet: true},
		{Name: "body", Label: "实施机关", Kind: catalog.Text, Required: true, Max: 100, Facet: true},
		{Name: "exercise_level", Label: "行使层级", Kind: catalog.Select, Options: Levels, Facet: true},
		{Name: "basis", Label: "设定和实施依据", Kind: catalog.TextArea, Required: true, Max: 5000},
		{Name: "online", Label: "是否网办", Kind: catalog.Bool, Facet: true},
		{Name: "guide", Label: "办事指南", Kind: catalog.URL, Max: 500},
		{Name: "remark", Label: "备注", Kind: catalog.TextArea, Max: 1000},
	},
	Key: []string{"task_code"}, Title: "name", Body: "body",
	ListCols: []string{"item_type", "body", "online"},
	Sections: []lists.Section{
		{Title: "基本要素", Fields: []string{"task_code", "catalog_code", "name", "sub_item", "item_type", "competent_dept", "body", "exercise_level", "basis"}},
		{Title: "办理", Fields: []string{"online", "guide", "remark"}},
	},
	Patterns: map[string]lists.Pattern{"task_code": serviceCode, "catalog_code": serviceCode},
}
