package enforce

import (
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/lists"
)

// PartyTypes are the 行政相对人类别 of the 双公示 format (RECORDS §2.4,
// CF_XDR_LB: 01 自然人, 02 法人, 03 非法人组织, 04 个体工商户 [R22]).
var PartyTypes = []catalog.Option{
	{Value: "person", Label: "自然人"},
	{Value: "legal", Label: "法人"},
	{Value: "unincorporated", Label: "非法人组织"},
	{Value: "individual_business", Label: "个体工商户"},
}

// Outcomes are the conclusions the yearly figures count (RECORDS §2.7,
// 表一: 许可数量 / 不予许可数量 / 撤销许可数量; approved changes and renewals
// count as 许可, refused ones as 不予许可 [R18a]).
var Outcomes = []catalog.Option{
	{Value: "granted", Label: "准予许可"},
	{Value: "refused", Label: "不予许可"},
	{Value: "licence_revoked", Label: "撤销许可"},
	{Value: "penalised", Label: "给予行政处罚"},
	{Value: "not_penalised", Label: "不予行政处罚"},
	{Value: "compliant", Label: "检查未发现问题"},
	{Value: "rectify", Label: "责令限期整改"},
	{Value: "case_opened", Label: "移送立案处理"},
	{Value: "done", Label: "已作出决定"},
}

// PenaltyKinds are the 行政处罚法第九条 categories in the severity order of
// the yearly tables: one decision is one 宗, counted once in its heaviest
// category (RECORDS §2.7 表二 [R18a]). Staff record the heaviest.
var PenaltyKinds = []catalog.Option{
	{Value: "warning", Label: "警告"},
	{Value: "criticism", Label: "通报批评"},
	{Value: "fine", Label: "罚款"},
	{Value: "confiscation", Label: "没收违法所得、没收非法财物"},
	{Value: "suspension", Label: "暂扣许可证件"},
	{Value: "downgrade", Label: "降低资质等级"},
	{Value: "restriction", Label: "限制开展生产经营活动"},
	{Value: "stop", Label: "责令停产停业"},
	{Value: "closure", Label: "责令关闭、限制从业"},
	{Value: "revocation", Label: "吊销许可证件"},
	{Value: "detention", Label: "行政拘留"},
	{Value: "other", Label: "其他行政处罚"},
}

// PublicityDays is the default publicity period of a decision counted from
// its date, when the record gives no 公示截止期 (RECORDS §2.6: no national
// figure was read; Zhejiang's "一般为1年" [R19] is UNVERIFIED, Yuhua keeps
// 5 years, 2 for natural persons [R26]). Configurable; each record may set
// its own 公示截止期.
var PublicityDays = 365

// Decisions are the 行政执法决定 (事后公开, RECORDS §2.4): the 118号 elements
// 执法机关、执法对象、执法类别、执法结论 [R12] with the 双公示 fields that
// identify a decision (文书号, 决定日期, 依据 [R22]). A natural person's name
// and ID number are person fields: masked in every public rendering and
// the API (RECORDS §2.5 [R15][R19]); an organisation's name is published.
// The row leaves public view after 公示截止期 (RECORDS §2.6), and a decision
// changed, revoked or found unlawful shows only its number and the reason
// of its withdrawal (行政处罚法第四十八条 [R1]).
var Decisions = &lists.Kind{
	Code: "enforcement_decisions", Name: "行政执法决定",
	Intro:  "本栏公开本机关作出的行政许可、行政处罚、行政检查等行政执法决定的执法机关、执法对象、执法类别和执法结论。自然人的姓名和证件号码已作去标识化处理；公示期满的决定不再公开。",
	Basis:  "国办发〔2018〕118号（执法决定信息：行政许可、行政处罚7个工作日内，其他20个工作日内公开）；《中华人民共和国行政处罚法》第四十八条",
	Column: columnEnforce, Owner: owner,
	Fields: []catalog.Field{
		{Name: "decision_no", Label: "决定文书号", Kind: catalog.Text, Required: true, Max: 100},
		{Name: "decision_title", Label: "决定文书名称", Kind: catalog.Text, Required: true, Max: 200},
		{Name: "category", Label: "执法类别", Kind: catalog.Select, Required: true, Options: Categories, Facet: true},
		{Name: "body", Label: "执法机关", Kind: catalog.Text, Required: true, Max: 100, Facet: true},
		{Name: "party_type", Label: "执法对象类别", Kind: catalog.Select, Required: true, Options: PartyTypes, Facet: true},
		{Name: "party_name", Label: "执法对象名称", Kind: catalog.Text, Max: 200, Help: "法人、非法人组织或个体工商户的名称；自然人不填此项"},
		{Name: "party_uscc", Label: "统一社会信用代码", Kind: catalog.Text, Max: 18},
		{Name: "person_name", Label: "自然人姓名", Kind: catalog.Person, Max: 50, Help: "公开时去标识化（仅显示姓氏）"},
		{Name: "person_id", Label: "证件号码", Kind: catalog.Person, Max: 30, Help: "公开时去标识化"},
		{Name: "facts", Label: "主要事实", Kind: catalog.TextArea, Max: 5000, Help: "不得写入自然人的住址、联系方式、证件号码和当事人以外的自然人姓名"},
		{Name: "basis", Label: "执法依据", Kind: catalog.TextArea, Required: true, Max: 5000},
		{Name: "outcome", Label: "执法结论类别", Kind: catalog.Select, Required: true, Options: Outcomes, Facet: true},
		{Name: "penalty_kind", Label: "处罚种类", Kind: catalog.Select, Options: PenaltyKinds, Facet: true, Help: "多种处罚并处的，填最重的一种"},
		{Name: "amount", Label: "罚没金额", Kind: catalog.Money},
		{Name: "conclusion", Label: "执法结论", Kind: catalog.TextArea, Required: true, Max: 5000},
		{Name: "decided_on", Label: "决定日期", Kind: catalog.Date, Required: true, Sortable: true},
		{Name: "first_published_on", Label: "首次公开日期", Kind: catalog.Date, Help: "仅在本平台启用前已在其他渠道公开的决定填写；留空以本平台发布日期为准"},
		{Name: "publicity_until", Label: "公示截止日期", Kind: catalog.Date, Help: "留空的，自决定日期起公示一年"},
		{Name: "changed_on", Label: "决定变更撤销日期", Kind: catalog.Date, Help: "决定被变更、撤销或者确认违法、无效的日期；应在三日内撤回公开并说明理由"},
		{Name: "withdrawal_reason", Label: "撤回理由", Kind: catalog.TextArea, Max: 1000},
	},
	Key: []string{"decision_no"}, Title: "decision_title", Body: "body", Until: "publicity_until",
	// A ledger of every decision kept for years (an upload is still bounded
	// by lists.MaxFileBytes).
	MaxRows: 200000,
	// A withdrawn decision must not stay readable in an earlier edition.
	CurrentOnly: true,
	ListCols:    []string{"category", "body", "outcome", "decided_on"},
	Sections: []lists.Section{
		{Title: "执法决定", Fields: []string{"decision_no", "decision_title", "category", "body", "decided_on", "publicity_until"}},
		{Title: "执法对象", Fields: []string{"party_type", "party_name", "party_uscc", "person_name", "person_id"}},
		{Title: "事实、依据和结论", Fields: []string{"facts", "basis", "outcome", "penalty_kind", "amount", "conclusion"}},
		{Title: "撤回", Fields: []string{"changed_on", "withdrawal_reason"}},
	},
	Check:  checkDecision,
	Derive: deriveDecision,
	Redact: redactDecision, RedactWhen: "changed_on", RedactKeep: withdrawnShown,
}

func checkDecision(v map[string]string) map[string]string {
	bad := map[string]string{}
	if v["party_type"] == "person" {
		if v["person_name"] == "" {
			bad["person_name"] = "执法对象为自然人的，请填写自然人姓名"
		}
		if v["party_name"] != "" {
			// The name of a natural person belongs in the masked field only.
			bad["party_name"] = "执法对象为自然人的，姓名填在“自然人姓名”中（公开时去标识化），此项不填"
		}
		if v["party_uscc"] != "" {
			bad["party_uscc"] = "自然人没有统一社会信用代码"
		}
	} else if v["party_name"] == "" {
		bad["party_name"] = "请填写执法对象名称"
	}
	if v["person_id"] != "" && v["person_name"] == "" {
		bad["person_id"] = "填写证件号码的，请同时填写自然人姓名"
	}
	switch v["outcome"] {
	case "granted", "refused", "licence_revoked":
		if v["category"] != "license" {
			bad["outcome"] = "准予、不予、撤销许可只适用于行政许可"
		}
	case "penalised":
		if v["category"] != "penalty" {
			bad["outcome"] = "给予行政处罚只适用于行政处罚"
		} else if v["penalty_kind"] == "" {
			bad["penalty_kind"] = "给予行政处罚的，请选择处罚种类（并处的选最重的一种）"
		}
	case "not_penalised":
		if v["category"] != "penalty" {
			bad["outcome"] = "不予行政处罚只适用于行政处罚"
		}
	}
	if v["penalty_kind"] != "" && v["outcome"] != "penalised" {
		bad["penalty_kind"] = "只有给予行政处罚的决定填写处罚种类"
	}
	if len(v["amount"]) > 0 && v["amount"][0] == '-' {
		bad["amount"] = "罚没金额不能为负数"
	}
	d := v["decided_on"]
	if u := v["publicity_until"]; u != "" && u < d {
		bad["publicity_until"] = "公示截止日期不能早于决定日期"
	}
	if p := v["first_published_on"]; p != "" && p < d {
		bad["first_published_on"] = "首次公开日期不能早于决定日期"
	}
	if c := v["changed_on"]; c != "" {
		if c < d {
			bad["changed_on"] = "变更撤销日期不能早于决定日期"
		}
		if v["withdrawal_reason"] == "" {
			// 行政处罚法第四十八条: 撤回 … 并公开说明理由.
			bad["withdrawal_reason"] = "撤回已公开的决定须说明理由"
		}
	} else if v["withdrawal_reason"] != "" {
		bad["changed_on"] = "填写撤回理由的，请填写决定变更撤销日期"
	}
	return bad
}

func deriveDecision(v map[string]string) {
	if v["publicity_until"] == "" {
		if d := calendar.Day(v["decided_on"]); !d.IsZero() {
			// Within the date fields' bounds, so the row exports and imports back.
			v["publicity_until"] = min(d.AddDays(PublicityDays).String(), catalog.DefaultMaxDate)
		}
	}
}

// withdrawnShown are the fields a withdrawn decision keeps in public.
var withdrawnShown = []string{"decision_no", "decision_title", "category", "body", "decided_on", "publicity_until", "changed_on", "withdrawal_reason"}

func redactDecision(v map[string]string) map[string]string {
	if v["changed_on"] == "" {
		return v
	}
	out := map[string]string{}
	for _, n := range withdrawnShown {
		if v[n] != "" {
			out[n] = v[n]
		}
	}
	return out
}

// Publication periods (RECORDS §0.1, §2.4).
const (
	// LicencePenaltyDays: 行政许可、行政处罚 decision information within 7
	// working days (国办发〔2018〕118号 [R11][R12]; 双公示 424号 [R20]).
	LicencePenaltyDays = 7
	// OtherDays: other enforcement decision information within 20 working
	// days (118号 [R12]).
	OtherDays = 20
	// WithdrawDays: a published decision later changed, revoked or found
	// unlawful or void is withdrawn within 3 days, with reasons
	// (行政处罚法第四十八条, calendar days [R1]; RECORDS §0.1). Applied to every
	// category: the platform's choice, the law names penalties only.
	WithdrawDays = 3
)

// PublishDue is the last day to publish a decision of the category made on
// decided (working days: the day itself is not counted).
func PublishDue(cal *calendar.Calendar, category string, decided calendar.Date) calendar.Date {
	n := OtherDays
	if category == "license" || category == "penalty" {
		n = LicencePenaltyDays
	}
	return cal.AddWorkdays(decided, n)
}

// WithdrawDue is the last day to withdraw a decision changed on changed
// (three calendar days; a period ending on a day off ends on the next
// working day, 民法典第二百零三条, calendar.AddDays).
func WithdrawDue(cal *calendar.Calendar, changed calendar.Date) calendar.Date {
	return cal.AddDays(changed, WithdrawDays)
}
