package request

import (
	"fmt"
	"strconv"
	"strings"
)

// Decision is one row of block 三 of the annual report's table
// (REFERENCE §2.3, 国办公开办函〔2021〕30号): what a request ended as. A
// reply chooses exactly one, and the reply must cite the row's legal basis
// (REFERENCE §1.2, 条例第三十六条至第三十九条).
type Decision struct {
	// Kind is the API's decision name: disclosed, partially_disclosed,
	// withheld, unavailable, not_handled or other.
	Kind string
	// Reason is the sub-row number (1–8, 1–3, 1–5, 1–3); 0 for the two
	// rows without sub-rows.
	Reason int
	// Group is the row's level-2 label, Label its level-3 label (the same
	// as Group for 予以公开 and 部分公开).
	Group, Label string
	// Basis is the legal basis the reply must state.
	Basis string
	// ByEvent: the row is reached only by a ledger event (correction or fee
	// period missed), never chosen in a reply.
	ByEvent bool
}

// Code is the decision's key, "withheld.3" or "disclosed".
func (d Decision) Code() string {
	if d.Reason == 0 {
		return d.Kind
	}
	return d.Kind + "." + strconv.Itoa(d.Reason)
}

// Title is the group and the label, "（三）不予公开 3.危及“三安全一稳定”".
func (d Decision) Title() string {
	if d.Reason == 0 {
		return d.Group
	}
	return d.Group + " " + d.Label
}

// Decisions are the 22 rows of block 三 in the report's order, except the
// (七)总计 row. Each carries the article that grounds it (REFERENCE §1.2).
var Decisions = []Decision{
	{Kind: "disclosed", Group: "（一）予以公开", Label: "予以公开",
		Basis: "《中华人民共和国政府信息公开条例》第三十六条第一项、第二项：已经主动公开的，告知获取的方式和途径；可以公开的，向申请人提供该政府信息，或者告知获取的方式、途径和时间。"},
	{Kind: "partially_disclosed", Group: "（二）部分公开", Label: "部分公开",
		Basis: "《中华人民共和国政府信息公开条例》第三十七条：申请公开的信息中含有不应当公开或者不属于政府信息的内容，但是能够作区分处理的，应当向申请人提供可以公开的政府信息内容，并对不予公开的内容说明理由。"},
	{Kind: "withheld", Reason: 1, Group: "（三）不予公开", Label: "1.属于国家秘密",
		Basis: "《中华人民共和国政府信息公开条例》第十四条、第三十六条第三项：依法确定为国家秘密的政府信息不予公开。"},
	{Kind: "withheld", Reason: 2, Group: "（三）不予公开", Label: "2.其他法律行政法规禁止公开",
		Basis: "《中华人民共和国政府信息公开条例》第十四条、第三十六条第三项：法律、行政法规禁止公开的政府信息不予公开。"},
	{Kind: "withheld", Reason: 3, Group: "（三）不予公开", Label: "3.危及“三安全一稳定”",
		Basis: "《中华人民共和国政府信息公开条例》第十四条、第三十六条第三项：公开后可能危及国家安全、公共安全、经济安全、社会稳定的政府信息不予公开。"},
	{Kind: "withheld", Reason: 4, Group: "（三）不予公开", Label: "4.保护第三方合法权益",
		Basis: "《中华人民共和国政府信息公开条例》第十五条、第三十二条、第三十六条第三项：涉及商业秘密、个人隐私等公开会对第三方合法权益造成损害的政府信息不予公开，第三方同意公开或者不公开会对公共利益造成重大影响的除外。"},
	{Kind: "withheld", Reason: 5, Group: "（三）不予公开", Label: "5.属于三类内部事务信息",
		Basis: "《中华人民共和国政府信息公开条例》第十六条第一款、第三十六条第三项：人事管理、后勤管理、内部工作流程等内部事务信息，可以不予公开。"},
	{Kind: "withheld", Reason: 6, Group: "（三）不予公开", Label: "6.属于四类过程性信息",
		Basis: "《中华人民共和国政府信息公开条例》第十六条第二款、第三十六条第三项：讨论记录、过程稿、磋商信函、请示报告等过程性信息，可以不予公开；法律、法规、规章规定上述信息应当公开的，从其规定。"},
	{Kind: "withheld", Reason: 7, Group: "（三）不予公开", Label: "7.属于行政执法案卷",
		Basis: "《中华人民共和国政府信息公开条例》第十六条第二款、第三十六条第三项：行政执法案卷信息，可以不予公开；法律、法规、规章规定应当公开的，从其规定。"},
	{Kind: "withheld", Reason: 8, Group: "（三）不予公开", Label: "8.属于行政查询事项",
		Basis: "《中华人民共和国政府信息公开条例》第三十六条第七项：所申请公开信息属于工商、不动产登记资料等信息，有关法律、行政法规对信息的获取有特别规定的，告知申请人依照有关法律、行政法规的规定办理。（第三十六条第七项归入本行系通行做法，REFERENCE §1.2、§10 第12项标注为未经官方确认。）"},
	{Kind: "unavailable", Reason: 1, Group: "（四）无法提供", Label: "1.本机关不掌握相关政府信息",
		Basis: "《中华人民共和国政府信息公开条例》第三十六条第四项、第五项：经检索没有所申请公开信息的，告知申请人该政府信息不存在；所申请公开信息不属于本行政机关负责公开的，告知申请人并说明理由，能够确定负责公开该政府信息的行政机关的，告知申请人该行政机关的名称、联系方式。"},
	{Kind: "unavailable", Reason: 2, Group: "（四）无法提供", Label: "2.没有现成信息需要另行制作",
		Basis: "《中华人民共和国政府信息公开条例》第三十八条：行政机关向申请人提供的信息，应当是已制作或者获取的政府信息；需要行政机关对现有政府信息进行加工、分析的，行政机关可以不予提供。"},
	{Kind: "unavailable", Reason: 3, Group: "（四）无法提供", Label: "3.补正后申请内容仍不明确",
		Basis: "《中华人民共和国政府信息公开条例》第二十九条第二款第二项、第三十条：申请人补正后，申请内容仍不能明确指向特定政府信息的，无法提供。"},
	{Kind: "not_handled", Reason: 1, Group: "（五）不予处理", Label: "1.信访举报投诉类申请",
		Basis: "《中华人民共和国政府信息公开条例》第三十九条第一款：申请人以政府信息公开申请的形式进行信访、投诉、举报等活动，行政机关应当告知申请人不作为政府信息公开申请处理并可以告知通过相应渠道提出。"},
	{Kind: "not_handled", Reason: 2, Group: "（五）不予处理", Label: "2.重复申请",
		Basis: "《中华人民共和国政府信息公开条例》第三十六条第六项：行政机关已就申请人提出的政府信息公开申请作出答复、申请人重复申请公开相同政府信息的，告知申请人不予重复处理。"},
	{Kind: "not_handled", Reason: 3, Group: "（五）不予处理", Label: "3.要求提供公开出版物",
		Basis: "《中华人民共和国政府信息公开条例》第三十九条第二款：申请人提出的申请内容为要求行政机关提供政府公报、报刊、书籍等公开出版物的，行政机关可以告知获取的途径。"},
	{Kind: "not_handled", Reason: 4, Group: "（五）不予处理", Label: "4.无正当理由大量反复申请",
		Basis: "《中华人民共和国政府信息公开条例》第三十五条：申请人申请公开政府信息的数量、频次明显超过合理范围，说明理由不合理的，行政机关可以告知申请人不予处理。"},
	{Kind: "not_handled", Reason: 5, Group: "（五）不予处理", Label: "5.要求行政机关确认或重新出具已获取信息",
		// No article names this row (REFERENCE §1.2 has none; §10 item 12:
		// the mapping is practice). Art. 39 para 1 covers petitions,
		// complaints and reports only, so it is not cited. A request to
		// confirm or re-issue what the applicant already holds asks for no
		// existing 政府信息 (Art. 2, Art. 38), which is the ground stated.
		Basis: "《中华人民共和国政府信息公开条例》第二条、第三十八条：本条例所称政府信息，是指行政机关在履行行政管理职能过程中制作或者获取的，以一定形式记录、保存的信息；行政机关向申请人提供的信息，应当是已制作或者获取的政府信息。申请人要求行政机关确认或者重新出具已获取的信息，不属于申请获取政府信息，不予处理。（归入本行系通行做法，条例未明文规定，REFERENCE §1.2、§10 第12项标注为未经官方确认。）"},
	{Kind: "other", Reason: 1, Group: "（六）其他处理", Label: "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", ByEvent: true,
		Basis: "《中华人民共和国政府信息公开条例》第三十条：申请人无正当理由逾期不补正的，视为放弃申请，行政机关不再处理该政府信息公开申请。"},
	{Kind: "other", Reason: 2, Group: "（六）其他处理", Label: "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", ByEvent: true,
		Basis: "《中华人民共和国政府信息公开条例》第四十二条、《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）：申请人自收到收费通知次日起20个工作日内未缴纳费用的，视为放弃申请，行政机关不再处理该政府信息公开申请。"},
	{Kind: "other", Reason: 3, Group: "（六）其他处理", Label: "3.其他",
		Basis: "《中华人民共和国政府信息公开条例》第三十三条、第四十五条：其他情形，依申请办理程序予以处理并说明情况（如申请人撤回申请）。"},
}

// Kinds are the decision names in the report's order, with the level-2 label.
var Kinds = []struct{ Kind, Label string }{
	{"disclosed", "予以公开"}, {"partially_disclosed", "部分公开"}, {"withheld", "不予公开"},
	{"unavailable", "无法提供"}, {"not_handled", "不予处理"}, {"other", "其他处理"},
}

// DecisionOf returns the row for a decision name and sub-row number.
func DecisionOf(kind string, reason int) (Decision, error) {
	var known, subs bool
	for _, d := range Decisions {
		if d.Kind != kind {
			continue
		}
		known = true
		if d.Reason != 0 {
			subs = true
		}
		if d.Reason == reason {
			return d, nil
		}
	}
	switch {
	case !known:
		return Decision{}, fmt.Errorf("答复类型 %q 无效，应为 disclosed（予以公开）、partially_disclosed（部分公开）、withheld（不予公开）、unavailable（无法提供）、not_handled（不予处理）或 other（其他处理）", kind)
	case subs && reason == 0:
		return Decision{}, fmt.Errorf("答复类型 %s 须注明具体情形（reason），可选 %s", kind, reasonRange(kind))
	case !subs:
		return Decision{}, fmt.Errorf("答复类型 %s 没有具体情形，不应填写 reason", kind)
	}
	return Decision{}, fmt.Errorf("答复类型 %s 的具体情形（reason）应为 %s", kind, reasonRange(kind))
}

// DecisionByCode returns the row for "withheld.3" or "disclosed".
func DecisionByCode(code string) (Decision, bool) {
	kind, r, _ := strings.Cut(code, ".")
	n := 0
	if r != "" {
		var err error
		if n, err = strconv.Atoi(r); err != nil {
			return Decision{}, false
		}
	}
	d, err := DecisionOf(kind, n)
	return d, err == nil
}

func reasonRange(kind string) string {
	n := 0
	for _, d := range Decisions {
		if d.Kind == kind && d.Reason > n {
			n = d.Reason
		}
	}
	return fmt.Sprintf("1 至 %d", n)
}
