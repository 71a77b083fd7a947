package letter

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"gongkai/internal/calendar"
	"gongkai/internal/errs"
)

// Kind names a letter template: one of the 21 category codes (a decision
// letter, 答复告知书), disclosed.published (already proactively disclosed,
// counted in row disclosed), unavailable.1.other_agency (非本机关负责公开,
// counted in row unavailable.1), or a notice: correction, extension,
// consultation, consultation.agency, consultation.disclosure, fee.
type Kind string

// Procedural notice kinds and the 非本机关 decision letter.
const (
	KindCorrection         Kind = "correction"                 // 补正告知书, 条例第三十条
	KindExtension          Kind = "extension"                  // 延期答复告知书, 条例第三十三条第二款
	KindConsultation       Kind = "consultation"               // 征求第三方意见书, 条例第三十二条
	KindAgencyConsultation Kind = "consultation.agency"        // 征求其他机关意见函, 条例第三十四条
	KindFee                Kind = "fee"                        // 收费通知书, 条例第四十二条, 109号
	KindOtherAgency        Kind = "unavailable.1.other_agency" // 非本机关负责公开, 条例第三十六条第（五）项
	KindPublished          Kind = "disclosed.published"        // 已主动公开, 条例第三十六条第（一）项
	KindThirdPartyDecision Kind = "consultation.disclosure"    // 公开决定告知第三方, 条例第三十二条
)

// Limits on what a letter holds, in characters (runes). They are generous
// (an answer of 20,000 characters is some 35 pages) and bound the work.
const (
	MaxNumber      = 64
	MaxName        = 200
	MaxSummary     = 4000
	MaxText        = 20000 // Investigation, Answer, PolicyBasis, LegalBasis, Reason
	MaxItems       = 50    // attachments, correction items
	MaxItem        = 500   // one attachment or correction item
	MaxContactLine = 300   // each agency field
)

// Agency is the issuing body as the letter names it (落款 and contacts).
type Agency struct {
	Name     string // 临沂市司法局 (required)
	Address  string // 通讯地址
	Postcode string // 邮政编码
	Phone    string // 联系电话
	Contact  string // 联系人
}

// Remedies are the applicant's remedies that every decision letter states:
// 条例第五十一条 says the applicant may apply for administrative
// reconsideration or bring an administrative lawsuit.
//
// The periods are NOT in REFERENCE (it cites only Art. 51, which names no
// period), so they are configuration. DefaultRemedyPeriods carries the
// commonly cited figures, UNVERIFIED here; the bodies have no default.
type Remedies struct {
	ReconsiderationBody   string // 行政复议机关, e.g. 临沂市人民政府
	ReconsiderationPeriod string // e.g. 六十日
	Court                 string // e.g. 有管辖权的人民法院, or a named court
	LawsuitPeriod         string // e.g. 六个月
}

// DefaultRemedyPeriods fills the two periods of Remedies. UNVERIFIED: the
// figures (60 days, 《中华人民共和国行政复议法》; 6 months, 《中华人民共和国行政诉讼法》)
// are not in REFERENCE; confirm them and set them in configuration.
var DefaultRemedyPeriods = Remedies{ReconsiderationPeriod: "六十日", LawsuitPeriod: "六个月"}

// OtherAgency is the body responsible for information this agency does not
// hold (条例第三十六条第（五）项: name and contacts when they can be determined).
type OtherAgency struct {
	Name    string
	Contact string // 联系方式
}

// Correction is what a 补正告知书 asks for, all in one notice (条例第三十条:
// 一次性告知, with a reasonable period).
type Correction struct {
	Items []string      // each matter to correct (required, at least one)
	DueOn calendar.Date // the end of the correction period (required)
}

// Extension is an approved extension (条例第三十三条第二款: at most 20
// working days, with the disclosure office head's consent).
type Extension struct {
	Days   int           // working days, 1…20
	DueOn  calendar.Date // the new due date, computed by the caller on the calendar
	Reason string        // why the reply cannot be made in time (required)
}

// Consultation is a written consultation of a third party (条例第三十二条)
// or of a co-making agency (条例第三十四条); both have 15 working days.
type Consultation struct {
	Party     string        // the addressee: the third party or the agency (required)
	ReplyBy   calendar.Date // optional: the 15th working day, if the caller computed it
	Questions string        // optional: what the party is asked to comment on
	// Disclosed is, for KindThirdPartyDecision, the content decided to be
	// disclosed (required there; the reasons go in Letter.Answer).
	Disclosed string
}

// Letter is one notice letter: what the caller fills in. Which fields a kind
// needs is checked by Validate; text fields are plain text (a blank line or a
// newline starts a new paragraph), never HTML.
type Letter struct {
	Kind   Kind
	Number string // 编号, e.g. 临司依申〔2025〕第12号 (FormatNumber builds one)

	Applicant  string        // the applicant's name as addressed (required except for consultations)
	ReceivedOn calendar.Date // the day the request was received (收到申请之日, 条例第三十一条) (required)
	Summary    string        // what was asked for (required)

	Investigation string   // 调查结果 (required in decision letters)
	Answer        string   // 答复 (required in decision letters; guidance in a 补正告知书)
	PolicyBasis   string   // 政策依据 (optional)
	LegalBasis    string   // 适用法律; empty: the category's default (required for other.3)
	Attachments   []string // 附件 names

	IssuedOn calendar.Date // 成文日期 (required)
	Agency   Agency
	Remedies Remedies // required in decision letters

	OtherAgency  *OtherAgency  // for KindOtherAgency (optional details)
	Correction   *Correction   // for KindCorrection
	Extension    *Extension    // for KindExtension
	Consultation *Consultation // for KindConsultation, KindAgencyConsultation
	Fee          *Fee          // for KindFee (ComputeFeePerRequest / ComputeFeePerPage build one)
}

// FormatNumber builds a letter number such as 临司依申〔2025〕第12号 from the
// agency's prefix (代字, e.g. 临司依申), the year and the sequence number.
func FormatNumber(prefix string, year, seq int) string {
	return fmt.Sprintf("%s〔%d〕第%d号", prefix, year, seq)
}

// Validate checks the letter for its kind and returns an errs.Invalid error
// with a Chinese message per field (keys are the Go field names in snake
// case: applicant, kind, number, …), or nil.
func (l Letter) Validate() error { return Default.validate(l) }

// Validate checks the letter against this set's templates.
func (s *Set) Validate(l Letter) error { return s.validate(l) }

func (s *Set) validate(l Letter) error {
	v := errs.Validation{}
	t, ok := s.byKind[l.Kind]
	if !ok {
		if l.Kind == "" {
			v.Add("kind", "请选择告知书类型")
		} else {
			v.Add("kind", fmt.Sprintf("未知的告知书类型“%s”", clip(string(l.Kind), 40)))
		}
		return v.Err()
	}
	text := func(field, label, s string, required bool, max int) {
		switch {
		case strings.TrimSpace(s) == "":
			if required {
				v.Add(field, "请填写"+label)
			}
		case utf8.RuneCountInString(s) > max:
			v.Add(field, fmt.Sprintf("%s不能超过 %d 个字", label, max))
		case !utf8.ValidString(s) || hasControl(s):
			v.Add(field, label+"含有无效字符")
		}
	}
	text("number", "告知书编号", l.Number, true, MaxNumber)
	addressee := !t.ToParty
	text("applicant", "申请人姓名或名称", l.Applicant, addressee, MaxName)
	text("summary", "申请内容", l.Summary, true, MaxSummary)
	text("investigation", "调查结果", l.Investigation, t.Decision, MaxText)
	text("answer", "答复内容", l.Answer, t.Decision || l.Kind == KindThirdPartyDecision, MaxText)
	text("policy_basis", "政策依据", l.PolicyBasis, false, MaxText)
	text("legal_basis", "法律依据", l.LegalBasis, t.Decision && t.basis() == "", MaxText)
	if l.ReceivedOn.IsZero() || !calendar.Valid(l.ReceivedOn.String()) {
		v.Add("received_on", "请填写收到申请的日期")
	}
	if l.IssuedOn.IsZero() || !calendar.Valid(l.IssuedOn.String()) {
		v.Add("issued_on", "请填写告知书日期")
	} else if !l.ReceivedOn.IsZero() && l.IssuedOn.Before(l.ReceivedOn) {
		v.Add("issued_on", "告知书日期不能早于收到申请的日期")
	}
	if len(l.Attachments) > MaxItems {
		v.Add("attachments", fmt.Sprintf("附件不能超过 %d 个", MaxItems))
	}
	for _, a := range l.Attachments {
		text("attachments", "附件名称", a, true, MaxItem)
	}
	text("agency.name", "机关名称", l.Agency.Name, true, MaxContactLine)
	text("agency.address", "机关地址", l.Agency.Address, false, MaxContactLine)
	text("agency.postcode", "邮政编码", l.Agency.Postcode, false, MaxContactLine)
	text("agency.phone", "联系电话", l.Agency.Phone, false, MaxContactLine)
	text("agency.contact", "联系人", l.Agency.Contact, false, MaxContactLine)
	if t.Decision || t.Remedy != "" {
		text("remedies.reconsideration_body", "行政复议机关", l.Remedies.ReconsiderationBody, true, MaxContactLine)
		text("remedies.reconsideration_period", "申请行政复议的期限", l.Remedies.ReconsiderationPeriod, true, MaxContactLine)
		text("remedies.court", "受理行政诉讼的人民法院", l.Remedies.Court, true, MaxContactLine)
		text("remedies.lawsuit_period", "提起行政诉讼的期限", l.Remedies.LawsuitPeriod, true, MaxContactLine)
	}
	switch l.Kind {
	case KindOtherAgency:
		if l.OtherAgency != nil {
			text("other_agency.name", "负责公开的机关名称", l.OtherAgency.Name, false, MaxContactLine)
			text("other_agency.contact", "负责公开的机关联系方式", l.OtherAgency.Contact, false, MaxContactLine)
		}
	case KindCorrection:
		c := l.Correction
		switch {
		case c == nil || len(c.Items) == 0:
			v.Add("correction.items", "请列出需要补正的全部事项")
		case len(c.Items) > MaxItems:
			v.Add("correction.items", fmt.Sprintf("补正事项不能超过 %d 项", MaxItems))
		default:
			for _, it := range c.Items {
				text("correction.items", "补正事项", it, true, MaxItem)
			}
		}
		if c == nil || c.DueOn.IsZero() {
			v.Add("correction.due_on", "请填写补正期限")
		} else if !l.IssuedOn.IsZero() && !c.DueOn.After(l.IssuedOn) {
			v.Add("correction.due_on", "补正期限应晚于告知书日期")
		}
	case KindExtension:
		e := l.Extension
		if e == nil {
			v.Add("extension.days", "请填写延长的工作日数")
			break
		}
		// 条例第三十三条第二款: 延长的期限最长不得超过20个工作日.
		if e.Days < 1 || e.Days > 20 {
			v.Add("extension.days", "延长的期限应为 1 至 20 个工作日（条例第三十三条第二款）")
		}
		if e.DueOn.IsZero() {
			v.Add("extension.due_on", "请填写延长后的答复期限")
		} else if !l.IssuedOn.IsZero() && e.DueOn.Before(l.IssuedOn) {
			v.Add("extension.due_on", "延长后的答复期限不能早于告知书日期")
		}
		text("extension.reason", "延期理由", e.Reason, true, MaxText)
	case KindConsultation, KindAgencyConsultation, KindThirdPartyDecision:
		c := l.Consultation
		if c == nil {
			v.Add("consultation.party", "请填写被征求意见的单位或个人")
			break
		}
		text("consultation.party", "被征求意见的单位或个人", c.Party, true, MaxName)
		text("consultation.questions", "征求意见的事项", c.Questions, false, MaxText)
		text("consultation.disclosed", "决定公开的政府信息内容", c.Disclosed, l.Kind == KindThirdPartyDecision, MaxText)
		if !c.ReplyBy.IsZero() && !l.IssuedOn.IsZero() && !c.ReplyBy.After(l.IssuedOn) {
			v.Add("consultation.reply_by", "提出意见的期限应晚于征求意见书日期")
		}
	case KindFee:
		if l.Fee == nil {
			v.Add("fee", "请先计算信息处理费")
		} else if err := l.Fee.check(); err != nil {
			v.Add("fee", err.Error())
		} else {
			text("fee.how_to_pay", "缴费方式", l.Fee.HowToPay, true, MaxText)
			if !l.Fee.PayBy.IsZero() && !l.IssuedOn.IsZero() && !l.Fee.PayBy.After(l.IssuedOn) {
				v.Add("fee.pay_by", "缴费期限应晚于通知日期")
			}
		}
	}
	return v.Err()
}

// hasControl reports control characters other than newlines and tabs,
// which a letter never needs and a PDF cannot show.
func hasControl(s string) bool {
	for _, r := range s {
		if r != '\n' && r != '\r' && r != '\t' && (unicode.IsControl(r) || r == '\u2028' || r == '\u2029') {
			return true
		}
	}
	return false
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
