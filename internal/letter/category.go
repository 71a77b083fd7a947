package letter

import (
	"strings"

	"gongkai/internal/errs"
)

// Category is one reply category: a result row of table 三 of the annual
// report (REFERENCE §2.3, 国办公开办函〔2021〕30号), with the legal basis a
// letter in that category states by default (REFERENCE §1.2, the 条例's
// articles as published in 国务院令第711号).
type Category struct {
	// Code is the row's code: disclosed, partially_disclosed, withheld.1 …
	// withheld.8, unavailable.1 … .3, not_handled.1 … .5, other.1 … .3. The
	// number after the dot is the sub-row's number in §2.3.
	Code string
	// Group is the level-2 label of §2.3, e.g. "（三）不予公开".
	Group string
	// Name is the sub-row's label as printed (the group label for the two
	// rows without sub-rows).
	Name string
	// Basis is the default applicable law, with articles, as a letter cites
	// it after "依据". Empty for other.3, whose basis the desk must write.
	Basis string
	// Verified is false when REFERENCE marks the row↔article mapping
	// UNVERIFIED or gives no article for the row: the desk should check the
	// basis (a page can flag it), and may override it per letter.
	Verified bool
	// Note says where the mapping comes from when it is not a plain article.
	Note string
}

// Short names of the texts the categories cite.
const (
	regulation = "《中华人民共和国政府信息公开条例》"
	// feeMeasures is 国办函〔2020〕109号 (REFERENCE §3).
	feeMeasures = "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"
)

// categories is table 三's result block, in the order of the annual report.
// Each basis cites the article REFERENCE §1.2 gives for the row; Art. 36(3)
// is added to every 不予公开 row because it is the article that makes the
// agency tell the applicant and give reasons.
var categories = []Category{
	// 条例第三十六条第（二）项 (can be disclosed: provide it or say how,
	// where, when). The other case of the row, 第（一）项 (already proactively
	// disclosed: say how and where to get it), has its own letter kind,
	// disclosed.published.
	{Code: "disclosed", Group: "（一）予以公开", Name: "予以公开",
		Basis: regulation + "第三十六条第（二）项", Verified: true},
	// 条例第三十七条: separable content, provide the rest and give reasons.
	{Code: "partially_disclosed", Group: "（二）部分公开", Name: "部分公开（区分处理的，只计这一情形，不计其他情形）",
		Basis: regulation + "第三十七条", Verified: true},

	// 不予公开 1–8: 条例第十四条, 第十五条, 第十六条 (REFERENCE §1.2 grounds table).
	{Code: "withheld.1", Group: "（三）不予公开", Name: "属于国家秘密",
		Basis: regulation + "第十四条、第三十六条第（三）项", Verified: true},
	{Code: "withheld.2", Group: "（三）不予公开", Name: "其他法律行政法规禁止公开",
		Basis: regulation + "第十四条、第三十六条第（三）项", Verified: true},
	{Code: "withheld.3", Group: "（三）不予公开", Name: "危及“三安全一稳定”",
		Basis: regulation + "第十四条、第三十六条第（三）项", Verified: true},
	{Code: "withheld.4", Group: "（三）不予公开", Name: "保护第三方合法权益",
		Basis: regulation + "第十五条、第三十二条、第三十六条第（三）项", Verified: true},
	{Code: "withheld.5", Group: "（三）不予公开", Name: "属于三类内部事务信息",
		Basis: regulation + "第十六条第一款、第三十六条第（三）项", Verified: true},
	{Code: "withheld.6", Group: "（三）不予公开", Name: "属于四类过程性信息",
		Basis: regulation + "第十六条第二款、第三十六条第（三）项", Verified: true},
	{Code: "withheld.7", Group: "（三）不予公开", Name: "属于行政执法案卷",
		Basis: regulation + "第十六条第二款、第三十六条第（三）项", Verified: true},
	// 条例第三十六条第（七）项 (registration data with its own access route);
	// its mapping to row 8 is common practice, UNVERIFIED (REFERENCE §1.2, §10 item 12).
	{Code: "withheld.8", Group: "（三）不予公开", Name: "属于行政查询事项",
		Basis: regulation + "第三十六条第（七）项", Verified: false,
		Note: "REFERENCE §1.2: the mapping of Art. 36(7) to this row is practice, UNVERIFIED"},

	// 无法提供 1–3.
	// 条例第三十六条第（四）项 (not found after search). The other case of this
	// row, 第（五）项 (not this agency's), has its own letter kind,
	// unavailable.1.other_agency.
	{Code: "unavailable.1", Group: "（四）无法提供", Name: "本机关不掌握相关政府信息",
		Basis: regulation + "第三十六条第（四）项", Verified: true},
	// 条例第三十八条: information that must be processed or analysed to exist.
	{Code: "unavailable.2", Group: "（四）无法提供", Name: "没有现成信息需要另行制作",
		Basis: regulation + "第三十八条", Verified: true},
	// REFERENCE gives no article for this row; the rules it rests on are
	// 条例第二十九条第二款第（二）项 (a description that allows the
	// information to be found) and 第三十条 (correction).
	{Code: "unavailable.3", Group: "（四）无法提供", Name: "补正后申请内容仍不明确",
		Basis: regulation + "第二十九条第二款第（二）项、第三十条", Verified: false,
		Note: "REFERENCE gives no article for this row; Art. 29 para 2 (2) and Art. 30 are the rules it rests on"},

	// 不予处理 1–5.
	{Code: "not_handled.1", Group: "（五）不予处理", Name: "信访举报投诉类申请",
		Basis: regulation + "第三十九条第一款", Verified: true},
	{Code: "not_handled.2", Group: "（五）不予处理", Name: "重复申请",
		Basis: regulation + "第三十六条第（六）项", Verified: true},
	{Code: "not_handled.3", Group: "（五）不予处理", Name: "要求提供公开出版物",
		Basis: regulation + "第三十九条第二款", Verified: true},
	{Code: "not_handled.4", Group: "（五）不予处理", Name: "无正当理由大量反复申请",
		Basis: regulation + "第三十五条", Verified: true},
	// No article names this case; a request to confirm or re-issue what the
	// applicant already holds asks for no existing 政府信息 (Art. 2, Art. 38:
	// what is provided must already have been made or obtained). Practice,
	// UNVERIFIED (REFERENCE §10 item 12).
	{Code: "not_handled.5", Group: "（五）不予处理", Name: "要求行政机关确认或重新出具已获取信息",
		Basis: regulation + "第二条、第三十八条", Verified: false,
		Note: "REFERENCE §10 item 12: the row is practice; no article names it"},

	// 其他处理 1–3.
	// 条例第三十条: no correction in time without good reason → treated as withdrawn.
	{Code: "other.1", Group: "（六）其他处理", Name: "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
		Basis: regulation + "第三十条", Verified: true},
	// 条例第四十二条 and 109号: unpaid fee within 20 working days → abandoned
	// (REFERENCE §3, via the Sichuan notice [S18]; 109号's article number is UNVERIFIED).
	{Code: "other.2", Group: "（六）其他处理", Name: "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
		Basis: regulation + "第四十二条、" + feeMeasures, Verified: true,
		Note: "the article of 109号 that sets the 20-working-day payment period is UNVERIFIED (REFERENCE §3)"},
	// 其他: the basis depends on the case; the desk writes it (Letter.LegalBasis).
	{Code: "other.3", Group: "（六）其他处理", Name: "其他",
		Basis: "", Verified: false, Note: "the desk writes the basis for each case"},
}

var categoryByCode = func() map[string]Category {
	m := make(map[string]Category, len(categories))
	for _, c := range categories {
		m[c.Code] = c
	}
	return m
}()

// Categories returns the 21 reply categories in the annual report's order.
// The slice is a copy.
func Categories() []Category { return append([]Category(nil), categories...) }

// CategoryOf returns the category with the given code.
func CategoryOf(code string) (Category, bool) {
	c, ok := categoryByCode[code]
	return c, ok
}

// KindFor maps a reply as the request ledger records it — decision
// (disclosed, partially_disclosed, withheld, unavailable, not_handled, other)
// and, for the last four, reason (the sub-row: "3" or "withheld.3") — to the
// decision letter's kind. An unknown pair is an error naming it.
func KindFor(decision, reason string) (Kind, error) {
	code := decision
	switch {
	case reason == "":
	case strings.HasPrefix(reason, decision+"."):
		code = reason
	default:
		code = decision + "." + reason
	}
	if _, ok := categoryByCode[code]; !ok || (reason == "" && strings.Contains(code, ".")) {
		return "", errs.E(errs.Invalid, "未知的答复类型“%s”", clip(code, 60))
	}
	return Kind(code), nil
}
