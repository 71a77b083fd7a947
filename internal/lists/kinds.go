package lists

import (
	"regexp"

	"gongkai/internal/catalog"
)

// The shipped list kinds. Each is only a declaration: the engine serves
// it everywhere (docs/ARCHITECTURE.md, "Structured lists").

// PowerTypes are the 权力类型 of RECORDS §1.2 (鲁政字〔2016〕76号; 山东省司法行政系统
// 权责清单 2019). 行政检查 is written 行政监督 in the 2016 Shandong text; one
// value serves both (RECORDS §1.2 notes).
var PowerTypes = []catalog.Option{
	{Value: "license", Label: "行政许可"},
	{Value: "penalty", Label: "行政处罚"},
	{Value: "coercion", Label: "行政强制"},
	{Value: "levy", Label: "行政征收"},
	{Value: "benefit", Label: "行政给付"},
	{Value: "inspection", Label: "行政检查"},
	{Value: "confirmation", Label: "行政确认"},
	{Value: "award", Label: "行政奖励"},
	{Value: "adjudication", Label: "行政裁决"},
	{Value: "other", Label: "其他行政权力"},
}

// codePattern: the 事项编码 format is not fixed nationally (RECORDS §1.3,
// UNVERIFIED; Hubei's draft used 16 characters); letters, digits and
// separators are accepted, so a code copied from any provincial system fits.
var codePattern = Pattern{RE: regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z_.\-]*$`),
	Message: "编码只能由字母、数字和“-”“_”“.”组成，且以字母或数字开头"}

// defaultUpdateDays: no national or Shandong period for confirming a list
// was found (RECORDS §1.6: UNVERIFIED); a year is the platform's default,
// so a list untouched for longer shows up in the self-inspection.
const defaultUpdateDays = 365

// PowerList is the 权责清单 (RECORDS §1.3; required elements per
// 鲁政字〔2016〕76号 and 山东省优化营商环境条例第二十七条: 依据、行使主体、对应责任).
var PowerList = &Kind{
	Code: "power_list", Name: "权责清单",
	Intro:  "本清单公布本机关行使的各项行政权力及其设定依据、实施机关和对应的责任事项、追责情形。未纳入清单的事项不得实施。",
	Basis:  "《山东省优化营商环境条例》第二十七条；鲁政字〔2016〕76号；临沂市司法局2021年政务公开重点任务第5项",
	Column: "qzqd", Owner: "fzk", UpdateDays: defaultUpdateDays,
	Fields: []catalog.Field{
		{Name: "item_code", Label: "事项编码", Kind: catalog.Text, Required: true, Max: 40, Help: "如 370100-SFJ-XK-001"},
		{Name: "item_name", Label: "事项名称", Kind: catalog.Text, Required: true, Max: 200},
		{Name: "sub_item_name", Label: "子项名称", Kind: catalog.Text, Max: 200},
		{Name: "power_type", Label: "权力类型", Kind: catalog.Select, Required: true, Options: PowerTypes, Facet: true},
		{Name: "implementing_body", Label: "实施机关", Kind: catalog.Text, Required: true, Max: 100, Facet: true},
		{Name: "handling_unit", Label: "承办机构", Kind: catalog.Text, Max: 100, Facet: true},
		{Name: "basis", Label: "设定和实施依据", Kind: catalog.TextArea, Required: true, Max: 5000},
		{Name: "level_and_scope", Label: "实施层级及权限", Kind: catalog.Text, Max: 200},
		{Name: "legal_time_limit", Label: "法定时限", Kind: catalog.Text, Max: 100},
		{Name: "promised_time_limit", Label: "承诺时限", Kind: catalog.Text, Max: 100},
		{Name: "charges_fee", Label: "是否收费", Kind: catalog.Bool, Facet: true},
		{Name: "duties", Label: "责任事项", Kind: catalog.TextArea, Required: true, Max: 5000, Help: "按环节分行填写，如 1.受理责任：…"},
		{Name: "duty_basis", Label: "责任事项依据", Kind: catalog.TextArea, Max: 5000},
		{Name: "accountability_cases", Label: "追责情形", Kind: catalog.TextArea, Required: true, Max: 5000},
		{Name: "supervision_phone", Label: "监督电话", Kind: catalog.Text, Max: 30},
		{Name: "remark", Label: "备注", Kind: catalog.TextArea, Max: 1000},
	},
	Key: []string{"item_code"}, Title: "item_name", Body: "implementing_body",
	ListCols: []string{"sub_item_name", "power_type", "implementing_body"},
	Sections: []Section{
		{"基本信息", []string{"item_code", "item_name", "sub_item_name", "power_type", "implementing_body", "handling_unit", "level_and_scope"}},
		{"依据", []string{"basis"}},
		{"办理", []string{"legal_time_limit", "promised_time_limit", "charges_fee", "supervision_phone"}},
		{"责任和追责", []string{"duties", "duty_basis", "accountability_cases"}},
		{"其他", []string{"remark"}},
	},
	Patterns: map[string]Pattern{"item_code": codePattern},
}

// DutyBoundary is the 职责边界清单 (RECORDS §1.5: Shandong and Jiangsu practice,
// no national template; UNVERIFIED as a fixed format). The 事项编号 is the
// platform's, so a boundary item keeps its identity across editions.
var DutyBoundary = &Kind{
	Code: "duty_boundary", Name: "职责边界清单",
	Intro:  "本清单公布本机关与其他部门存在关联的职责事项，明确牵头部门、配合部门及各自职责和协调配合机制。",
	Basis:  "山东省“三张清单、两个机制”（2020年）；临沂市司法局2021年政务公开重点任务第5项",
	Column: "zzbjqd", Owner: "fzk", UpdateDays: defaultUpdateDays,
	Fields: []catalog.Field{
		{Name: "code", Label: "事项编号", Kind: catalog.Text, Required: true, Max: 40},
		{Name: "boundary_item", Label: "职责事项", Kind: catalog.Text, Required: true, Max: 200},
		{Name: "departments", Label: "涉及部门", Kind: catalog.Text, Required: true, Max: 500, Help: "多个部门用“、”分开"},
		{Name: "lead_department", Label: "牵头部门", Kind: catalog.Text, Required: true, Max: 100, Facet: true},
		{Name: "lead_duties", Label: "牵头部门职责", Kind: catalog.TextArea, Required: true, Max: 5000},
		{Name: "cooperating", Label: "配合部门及职责", Kind: catalog.TextArea, Max: 5000},
		{Name: "basis", Label: "职责分工依据", Kind: catalog.TextArea, Max: 5000},
		{Name: "coordination", Label: "协调配合机制", Kind: catalog.TextArea, Max: 2000},
		{Name: "remark", Label: "备注", Kind: catalog.TextArea, Max: 1000},
	},
	Key: []string{"code"}, Title: "boundary_item", Body: "lead_department",
	ListCols: []string{"lead_department", "departments"},
	Sections: []Section{
		{"基本信息", []string{"code", "boundary_item", "departments", "lead_department"}},
		{"职责分工", []string{"lead_duties", "cooperating", "basis", "coordination"}},
		{"其他", []string{"remark"}},
	},
	Patterns: map[string]Pattern{"code": codePattern},
}

// ProofItems is the 证明事项实施清单 with its 告知承诺制 items (RECORDS §4.3):
// 优化营商环境条例第四十四条 requires 设定依据、索要单位、开具单位、办理指南 for each;
// 国办发〔2020〕42号 adds, for commitment items, the 证明义务、证明内容 and the
// liability for a false commitment. A third kind, declared and nothing else.
var ProofItems = &Kind{
	Code: "proof_items", Name: "证明事项实施清单",
	Intro:  "本清单公布本机关保留的证明事项及其设定依据、索要单位、开具单位和办理指南；清单之外，不得索要证明。实行告知承诺制的事项可由申请人自愿选择以书面承诺代替证明。",
	Basis:  "《优化营商环境条例》第四十四条；《山东省优化营商环境条例》第三十九条；国办发〔2020〕42号",
	Column: "zmsxqd", Owner: "fzk", UpdateDays: defaultUpdateDays,
	Fields: []catalog.Field{
		{Name: "code", Label: "证明编号", Kind: catalog.Text, Required: true, Max: 40},
		{Name: "name", Label: "证明名称", Kind: catalog.Text, Required: true, Max: 200},
		{Name: "used_for", Label: "对应办理事项", Kind: catalog.Text, Required: true, Max: 500},
		{Name: "basis", Label: "设定依据", Kind: catalog.TextArea, Required: true, Max: 5000},
		{Name: "requesting_body", Label: "索要单位", Kind: catalog.Text, Required: true, Max: 100, Facet: true},
		{Name: "issuing_body", Label: "开具单位", Kind: catalog.Text, Required: true, Max: 100, Facet: true},
		{Name: "guide", Label: "办理指南", Kind: catalog.URL, Required: true, Max: 500},
		{Name: "commitment", Label: "实行告知承诺制", Kind: catalog.Bool, Facet: true},
		{Name: "obligation", Label: "证明义务和证明内容", Kind: catalog.TextArea, Max: 2000},
		{Name: "false_commit_liability", Label: "不实承诺的法律责任", Kind: catalog.TextArea, Max: 2000},
		{Name: "verification", Label: "核查方式", Kind: catalog.Text, Max: 200},
		{Name: "remark", Label: "备注", Kind: catalog.TextArea, Max: 1000},
	},
	Key: []string{"code"}, Title: "name", Body: "requesting_body",
	ListCols: []string{"used_for", "issuing_body", "commitment"},
	Sections: []Section{
		{"基本信息", []string{"code", "name", "used_for", "basis", "requesting_body", "issuing_body", "guide"}},
		{"告知承诺制", []string{"commitment", "obligation", "false_commit_liability", "verification"}},
		{"其他", []string{"remark"}},
	},
	Patterns: map[string]Pattern{"code": codePattern},
	// 国办发〔2020〕42号: the agency tells the applicant in writing the 证明义务、
	// 证明内容 and the liability for a false commitment (RECORDS §4.2, §4.3).
	Check: func(v map[string]string) map[string]string {
		bad := map[string]string{}
		if v["commitment"] == "1" {
			if v["obligation"] == "" {
				bad["obligation"] = "实行告知承诺制的事项须填写证明义务和证明内容"
			}
			if v["false_commit_liability"] == "" {
				bad["false_commit_liability"] = "实行告知承诺制的事项须填写不实承诺的法律责任"
			}
		}
		return bad
	},
}

func init() {
	Register(PowerList)
	Register(DutyBoundary)
	Register(ProofItems)
}
