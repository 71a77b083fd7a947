package letter

import (
	"strings"

	"gongkai/internal/calendar"
)

// Sample returns a filled-in letter of the given kind with example data of
// the 临沂市司法局 demo site (contacts marked 示例): for previews (`gongkai
// letter`), tests and benchmarks. The remedy bodies are examples too; the
// periods are DefaultRemedyPeriods (UNVERIFIED).
func Sample(kind Kind) Letter {
	l := Letter{
		Kind:          kind,
		Number:        FormatNumber("临司依申", 2025, 12),
		Applicant:     "张三",
		ReceivedOn:    calendar.Day("2025-03-03"),
		Summary:       "2024年度本市法律援助案件办理情况统计数据（含案件数量、受援人数和经费使用情况）",
		Investigation: "本机关收到申请后，由法律援助科对本机关保存的2024年度法律援助案件档案和统计报表进行了检索。",
		Answer:        "如有疑问，请与本机关政府信息公开工作机构联系。",
		IssuedOn:      calendar.Day("2025-03-24"),
		Agency: Agency{Name: "临沂市司法局", Address: "山东省临沂市（示例地址）", Postcode: "276000",
			Phone: "0539-0000000（示例）", Contact: "李四（示例）"},
		Remedies: Remedies{ReconsiderationBody: "临沂市人民政府", Court: "有管辖权的人民法院",
			ReconsiderationPeriod: DefaultRemedyPeriods.ReconsiderationPeriod,
			LawsuitPeriod:         DefaultRemedyPeriods.LawsuitPeriod},
	}
	switch {
	case kind == "disclosed" || kind == "partially_disclosed":
		l.Answer = "本机关现以电子邮件方式向您提供《2024年度临沂市法律援助工作统计表》，请查收。"
		l.Attachments = []string{"2024年度临沂市法律援助工作统计表"}
		l.PolicyBasis = "《山东省政府信息公开办法》的有关规定。"
	case kind == "other.3":
		l.LegalBasis = regulation + "第三十三条"
		l.Answer = "您已于2025年3月20日撤回申请，本机关终止办理。"
	case strings.HasPrefix(string(kind), "withheld."):
		l.Answer = "具体理由如下：该信息的内容属于不予公开的范围，已经本机关审查确认。"
	}
	switch kind {
	case KindPublished:
		l.Answer = "该信息已于2025年1月20日在临沂市司法局网站“政府信息公开”栏目主动公开，您可以登录 https://sfj.linyi.gov.cn 查阅、下载。"
	case KindOtherAgency:
		l.OtherAgency = &OtherAgency{Name: "临沂市人民政府办公室", Contact: "0539-0000001（示例）"}
	case KindCorrection:
		l.Investigation, l.Answer = "", "如需帮助，可致电本机关政府信息公开工作机构，我们将为您说明如何描述所需的政府信息。"
		l.Correction = &Correction{DueOn: calendar.Day("2025-03-21"), Items: []string{
			"请写明所需政府信息的名称、文号，或者时间、事项等便于查询的特征性描述；",
			"请提供申请人的身份证明复印件；",
			"请写明获取信息的方式（纸质或者电子）和途径（自行领取、邮寄、电子邮件或者网上获取）。",
		}}
		l.IssuedOn = calendar.Day("2025-03-07")
	case KindExtension:
		l.Investigation, l.Answer = "", ""
		l.Extension = &Extension{Days: 20, DueOn: calendar.Day("2025-04-29"),
			Reason: "您申请的信息涉及多个年度的档案，需要调取、核查的材料较多"}
	case KindConsultation:
		l.Investigation, l.Answer = "", ""
		l.Consultation = &Consultation{Party: "临沂某某律师事务所", ReplyBy: calendar.Day("2025-03-31"),
			Questions: "是否同意公开贵所2024年度承办法律援助案件的数量和补贴金额。"}
		l.IssuedOn = calendar.Day("2025-03-10")
	case KindThirdPartyDecision:
		l.Investigation = ""
		l.Answer = "该信息反映法律援助经费的使用情况，涉及公共财政资金的使用，公众对此具有知情需要，不公开可能对公共利益造成重大影响。"
		l.Consultation = &Consultation{Party: "临沂某某律师事务所",
			Disclosed: "贵所2024年度承办法律援助案件的数量和领取的办案补贴金额。"}
		l.IssuedOn = calendar.Day("2025-04-02")
	case KindAgencyConsultation:
		l.Investigation, l.Answer = "", ""
		l.Consultation = &Consultation{Party: "临沂市财政局", ReplyBy: calendar.Day("2025-03-31")}
		l.IssuedOn = calendar.Day("2025-03-10")
	case KindFee:
		l.Investigation, l.Answer = "", ""
		f, _ := ComputeFeePerPage(260)
		f.PayBy = calendar.Day("2025-04-18")
		f.HowToPay = "请持本通知到本机关政务服务窗口缴纳，或者通过非税收入网上缴费平台缴纳，本机关开具财政票据。"
		l.Fee = &f
		l.IssuedOn = calendar.Day("2025-03-18")
	}
	return l
}

// Kinds lists the kinds of the default set, in order.
func Kinds() []Kind { return append([]Kind(nil), Default.kinds...) }
