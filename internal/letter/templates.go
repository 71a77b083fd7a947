package letter

// The wording of every letter, as data. Each text is a text/template over
// the letter (see data in compose.go: the Letter's fields, .Category, .Basis,
// and the functions date, yuan, cn, inc, last, clause); a newline in the
// output starts a new paragraph. Change wording here, not in the renderers.

// decisionIntro opens every decision letter.
const decisionIntro = `本机关于{{date .ReceivedOn}}收到您提交的政府信息公开申请，申请获取：{{clause .Summary}}。本机关依照《中华人民共和国政府信息公开条例》的规定进行了办理，现将有关情况告知如下：`

// requestIntro opens the applicant's procedural notices.
const requestIntro = `本机关于{{date .ReceivedOn}}收到您提交的政府信息公开申请，申请获取：{{clause .Summary}}。`

// basisLine states the applicable law of a decision letter.
const basisLine = `依据{{.Basis}}的规定，作出上述答复。`

// remedyLine: 条例第五十一条 (reconsideration or lawsuit). The periods and
// bodies are configuration (Remedies): REFERENCE names no period.
const remedyLine = `如对本答复不服，您可以自收到本告知书之日起{{.Remedies.ReconsiderationPeriod}}内向{{.Remedies.ReconsiderationBody}}申请行政复议，也可以自收到本告知书之日起{{.Remedies.LawsuitPeriod}}内向{{.Remedies.Court}}提起行政诉讼。`

const closing = `特此告知。`

func decision(kind Kind, title, statement string) Template {
	return Template{Kind: kind, Category: string(kind), Title: title, Decision: true,
		Intro: decisionIntro, Statement: statement, Closing: closing}
}

// defaultTemplates: one decision letter per category of REFERENCE §2.3 (the
// statement names the situation of 条例第三十六条 to 第三十九条 that the
// category's row stands for, REFERENCE §1.2), then the procedural notices.
var defaultTemplates = []Template{
	decision("disclosed", "政府信息公开告知书",
		`您申请获取的政府信息属于公开范围，本机关予以公开。`),
	decision("partially_disclosed", "政府信息部分公开告知书",
		`您申请获取的政府信息中含有不应当公开或者不属于政府信息的内容，但是能够作区分处理。本机关向您提供可以公开的政府信息内容，并对不予公开的内容说明理由。`),
	decision("withheld.1", "政府信息不予公开告知书",
		`您申请获取的政府信息属于依法确定为国家秘密的政府信息，本机关决定不予公开。`),
	decision("withheld.2", "政府信息不予公开告知书",
		`您申请获取的政府信息属于法律、行政法规禁止公开的政府信息，本机关决定不予公开。`),
	decision("withheld.3", "政府信息不予公开告知书",
		`您申请获取的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定，本机关决定不予公开。`),
	decision("withheld.4", "政府信息不予公开告知书",
		`您申请获取的政府信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害，本机关决定不予公开。`),
	decision("withheld.5", "政府信息不予公开告知书",
		`您申请获取的政府信息属于行政机关的内部事务信息（人事管理、后勤管理、内部工作流程等方面的信息），本机关决定不予公开。`),
	decision("withheld.6", "政府信息不予公开告知书",
		`您申请获取的政府信息属于行政机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、请示报告等过程性信息，本机关决定不予公开。`),
	decision("withheld.7", "政府信息不予公开告知书",
		`您申请获取的政府信息属于行政执法案卷信息，本机关决定不予公开。`),
	decision("withheld.8", "政府信息不予公开告知书",
		`您申请获取的信息属于工商、不动产登记资料等信息，有关法律、行政法规对信息的获取有特别规定，请您依照有关法律、行政法规的规定办理。`),
	decision("unavailable.1", "政府信息不存在告知书",
		`经检索，本机关没有您所申请公开的信息，该政府信息不存在。`),
	decision("unavailable.2", "政府信息无法提供告知书",
		`您申请获取的信息需要本机关对现有政府信息进行加工、分析方能形成，本机关不予提供。`),
	decision("unavailable.3", "政府信息无法提供告知书",
		`本机关已告知您对申请作出补正，但补正后的申请内容仍不明确，本机关无法据此确定您所申请公开的政府信息，无法向您提供。`),
	decision("not_handled.1", "政府信息公开申请不予处理告知书",
		`您以政府信息公开申请的形式提出的事项属于信访、投诉、举报等活动，本机关不作为政府信息公开申请处理，您可以通过相应渠道提出。`),
	decision("not_handled.2", "政府信息公开申请不予处理告知书",
		`本机关已就您提出的政府信息公开申请作出答复，您重复申请公开相同政府信息，本机关不予重复处理。`),
	decision("not_handled.3", "政府信息公开申请不予处理告知书",
		`您申请获取的是政府公报、报刊、书籍等公开出版物，不作为政府信息公开申请处理，本机关告知您获取的途径。`),
	decision("not_handled.4", "政府信息公开申请不予处理告知书",
		`您申请公开政府信息的数量、频次明显超过合理范围。经本机关要求您说明理由，本机关认为申请理由不合理，对您的申请不予处理。`),
	decision("not_handled.5", "政府信息公开申请不予处理告知书",
		`您的申请内容为要求本机关确认或者重新出具您已获取的信息，不属于申请获取本机关已制作或者获取的政府信息，本机关不予处理。`),
	decision("other.1", "政府信息公开申请终止处理告知书",
		`本机关已一次性告知您对申请作出补正，您无正当理由逾期未补正，视为放弃申请，本机关不再处理该政府信息公开申请。`),
	decision("other.2", "政府信息公开申请终止处理告知书",
		`本机关已向您发出信息处理费收费通知，您逾期未按收费通知的要求缴纳费用，视为放弃申请，本机关不再处理该政府信息公开申请。`),
	decision("other.3", "政府信息公开申请处理告知书", ``),

	// 条例第三十六条第（一）项: already proactively disclosed; tell the
	// applicant how and where to get it (the Answer says where). Counted in
	// row disclosed (REFERENCE §1.2, "usual practice").
	{Kind: KindPublished, Category: "disclosed", Title: "政府信息公开告知书", Decision: true,
		Basis: regulation + "第三十六条第（一）项",
		Intro: decisionIntro, Closing: closing,
		Statement: `您申请获取的政府信息已经主动公开，本机关告知您获取该政府信息的方式、途径。`},

	// 条例第三十六条第（五）项: not this agency's information; tell the
	// applicant, give reasons, and name the responsible agency and its
	// contacts when known. Counted in row unavailable.1 (REFERENCE §1.2).
	{Kind: KindOtherAgency, Category: "unavailable.1", Title: "非本机关负责公开告知书", Decision: true,
		Basis: regulation + "第十条、第三十六条第（五）项",
		Intro: decisionIntro, Closing: closing,
		Statement: `您申请获取的政府信息不属于本机关负责公开。` +
			`{{with .OtherAgency}}{{if .Name}}负责公开该政府信息的行政机关为{{.Name}}{{if .Contact}}（联系方式：{{.Contact}}）{{end}}，请您向该机关提出申请。{{end}}{{end}}`},

	// 条例第三十条: within 7 working days of receipt (the request desk checks
	// the day), tell the applicant in one go what to correct and give a
	// reasonable period; the reply period restarts on the corrected request's
	// arrival; no correction in time without good reason = withdrawn.
	{Kind: KindCorrection, Title: "政府信息公开申请补正告知书", Intro: requestIntro, Closing: closing,
		Body: []string{
			`经审查，您的申请内容不明确。根据《中华人民共和国政府信息公开条例》第二十九条、第三十条的规定，现一次性告知您对下列事项作出补正：`,
			`{{range $i, $it := .Correction.Items}}（{{cn (inc $i)}}）{{$it}}` + "\n" + `{{end}}`,
			`{{.Answer}}`,
			`请您于{{date .Correction.DueOn}}之前（含当日）向本机关提交补正后的申请。答复期限自本机关收到补正的申请之日起计算。您无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。`,
		}},

	// 条例第三十三条第二款: extension with the disclosure office head's consent,
	// notice to the applicant, at most 20 working days.
	{Kind: KindExtension, Title: "政府信息公开申请延期答复告知书", Intro: requestIntro, Closing: closing,
		Body: []string{
			`因{{clause .Extension.Reason}}，本机关不能在规定的期限内作出答复。经本机关政府信息公开工作机构负责人同意，根据《中华人民共和国政府信息公开条例》第三十三条第二款的规定，答复期限延长{{.Extension.Days}}个工作日，本机关将于{{date .Extension.DueOn}}之前（含当日）作出答复。`,
			`{{.Answer}}`,
		}},

	// 条例第三十二条: written consultation of the third party, 15 working days
	// from receipt; silence → the agency decides; a reasoned objection →
	// withheld unless withholding would seriously affect the public interest,
	// in which case the third party is told the content and reasons in writing.
	// The applicant is not named to the third party.
	{Kind: KindConsultation, Title: "政府信息公开征求第三方意见书", ToParty: true, Closing: `特此函询。`,
		Intro: `本机关于{{date .ReceivedOn}}收到一份政府信息公开申请，申请公开的政府信息为：{{clause .Summary}}。经审查，该政府信息公开可能损害贵方的合法权益。根据《中华人民共和国政府信息公开条例》第三十二条的规定，现书面征求贵方意见。`,
		Body: []string{
			`{{with .Consultation.Questions}}请贵方就以下事项提出意见：{{.}}{{end}}`,
			`请贵方自收到本征求意见书之日起15个工作日内{{if not .Consultation.ReplyBy.IsZero}}（截至{{date .Consultation.ReplyBy}}）{{end}}，以书面形式向本机关提出是否同意公开的意见；不同意公开的，请说明理由。逾期未提出意见的，由本机关依照《中华人民共和国政府信息公开条例》的规定决定是否公开。`,
			`贵方不同意公开且有合理理由的，本机关不予公开。本机关认为不公开可能对公共利益造成重大影响的，可以决定予以公开，并将决定公开的政府信息内容和理由书面告知贵方。`,
		}},

	// 条例第三十二条, last sentence: when the agency decides to disclose over
	// the third party's objection because withholding would seriously affect
	// the public interest, it tells the third party the content and the
	// reasons in writing. The third party may seek review (条例第五十一条).
	{Kind: KindThirdPartyDecision, Title: "政府信息公开决定告知书", ToParty: true, Closing: closing,
		Intro: `本机关于{{date .ReceivedOn}}收到一份政府信息公开申请，申请公开的政府信息为：{{clause .Summary}}。本机关已依照《中华人民共和国政府信息公开条例》第三十二条的规定书面征求贵方意见。`,
		Body: []string{
			`经审查，本机关认为不公开该政府信息可能对公共利益造成重大影响，根据《中华人民共和国政府信息公开条例》第十五条、第三十二条的规定，决定予以公开。现将决定公开的政府信息内容和理由告知如下：`,
			`决定公开的政府信息内容：{{.Consultation.Disclosed}}`,
			`理由：{{.Answer}}`,
		},
		Remedy: `贵方如对本决定不服，可以自收到本告知书之日起{{.Remedies.ReconsiderationPeriod}}内向{{.Remedies.ReconsiderationBody}}申请行政复议，也可以自收到本告知书之日起{{.Remedies.LawsuitPeriod}}内向{{.Remedies.Court}}提起行政诉讼。`},

	// 条例第三十四条: the lead maker may consult co-makers; 15 working days;
	// silence counts as consent to disclose.
	{Kind: KindAgencyConsultation, Title: "政府信息公开征求意见函", ToParty: true, Closing: `特此函询。`,
		Intro: `本机关于{{date .ReceivedOn}}收到一份政府信息公开申请，申请公开的政府信息为：{{clause .Summary}}。该政府信息由本机关牵头、与贵机关共同制作。根据《中华人民共和国政府信息公开条例》第三十四条的规定，现征求贵机关意见。`,
		Body: []string{
			`{{with .Consultation.Questions}}请贵机关就以下事项提出意见：{{.}}{{end}}`,
			`请贵机关自收到本征求意见书之日起15个工作日内{{if not .Consultation.ReplyBy.IsZero}}（截至{{date .Consultation.ReplyBy}}）{{end}}提出意见；逾期未提出意见的，视为同意公开。`,
		}},

	// 条例第四十二条 and 109号 (REFERENCE §3): the notice states the basis, the
	// rate, the amount and how to pay; payment within 20 working days from the
	// day after receipt, else the request counts as abandoned (row other.2).
	{Kind: KindFee, Title: "政府信息公开信息处理费收费通知书", Intro: requestIntro, Closing: `特此通知。`,
		Body: []string{
			`您申请公开政府信息的数量、频次明显超过合理范围。根据《中华人民共和国政府信息公开条例》第四十二条和` + feeMeasures + `的规定，本机关决定收取信息处理费。`,
			`{{if eq .Fee.Method "per_request"}}计收方式：按件计收。同一申请人一个自然月内累计申请10件以下（含10件）的，不收费；第11件至第30件，每件100元；自第31件起，每10件为一档，每档每件的收费标准比上一档提高100元。本申请为您本自然月内累计提交的第{{.Fee.First}}件{{if gt .Fee.Units 1}}至第{{last .Fee}}件{{end}}申请。` +
				`{{else}}计收方式：按量计收。同一申请30页以下（含30页）的，不收费；第31页至第100页，每页10元；第101页至第200页，每页20元；第201页起，每页40元。本申请需提供的信息共{{.Fee.Units}}页。{{end}}`,
			`计算方法：` + "\n" +
				`{{$u := unit .Fee}}{{range .Fee.Bands}}{{if .Rate}}{{if .To}}第{{.From}}{{$u}}至第{{.To}}{{$u}}{{else}}第{{.From}}{{$u}}起{{end}}：每{{$u}}{{.Rate}}元 × {{.Units}}{{$u}} = {{yuan .Amount}}元` + "\n" +
				`{{else}}第{{.From}}{{$u}}至第{{.To}}{{$u}}：不收费（{{.Units}}{{$u}}）` + "\n" + `{{end}}{{end}}`,
			`应缴金额：人民币{{yuan .Fee.Total}}元。`,
			`请您自收到本通知之日的次日起20个工作日内{{if not .Fee.PayBy.IsZero}}（截至{{date .Fee.PayBy}}）{{end}}缴纳。缴费方式：{{.Fee.HowToPay}}`,
			`您逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。`,
		}},
}
