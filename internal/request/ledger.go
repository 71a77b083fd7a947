package request

import (
	"fmt"

	"gongkai/internal/calendar"
	"gongkai/internal/errs"
)

// The periods of the regulation (《中华人民共和国政府信息公开条例》, REFERENCE §1.1).
const (
	// ReplyWorkdays: 不能当场答复的，应当自收到申请之日起20个工作日内予以答复 (第三十三条第二款).
	ReplyWorkdays = 20
	// MaxExtension: 延长的期限最长不得超过20个工作日 (第三十三条第二款).
	MaxExtension = 20
	// CorrectionWorkdays: 应当自收到申请之日起7个工作日内一次性告知申请人作出补正 (第三十条).
	CorrectionWorkdays = 7
	// ConsultationWorkdays: 第三方应当自收到征求意见书之日起15个工作日内提出意见 (第三十二条、第三十四条).
	ConsultationWorkdays = 15
)

// Event types of the ledger, the API's names.
const (
	EvConfirmed            = "confirmed"
	EvCorrectionRequested  = "correction_requested"
	EvCorrectionReceived   = "correction_received"
	EvCorrectionLapsed     = "correction_lapsed"
	EvConsultationStarted  = "consultation_started"
	EvConsultationEnded    = "consultation_ended"
	EvExtended             = "extended"
	EvFeeNotified          = "fee_notified"
	EvFeePaid              = "fee_paid"
	EvFeeLapsed            = "fee_lapsed"
	EvReplied              = "replied"
	EvDelivered            = "delivered"
	EvAssigned             = "assigned"
	EvTransferred          = "transferred"
	EvNote                 = "note"
	EvDeadlineSet          = "deadline_set"
	EvReplyDrafted         = "reply_drafted"
	EvReplyReturned        = "reply_returned"
	EvReconsiderationFiled = "reconsideration_filed"
	EvReconsiderationDone  = "reconsideration_decided"
	EvLawsuitFiled         = "lawsuit_filed"
	EvLawsuitDone          = "lawsuit_decided"
	// EvLetterSent: the office has reviewed a step's notice letter (告知书)
	// and sent it; the applicant sees a letter only from then on.
	EvLetterSent = "letter_sent"
)

// LetterSteps are the ledger steps that come with a numbered notice letter
// (告知书): the reply (条例第三十六条至第三十九条), the correction notice
// (第三十条), the extension notice (第三十三条第二款), the consultation
// letter to the third party (第三十二条) and the fee notice (第四十二条).
var LetterSteps = map[string]bool{EvReplied: true, EvCorrectionRequested: true, EvExtended: true, EvConsultationStarted: true, EvFeeNotified: true}

// EventInfo describes an event type: its Chinese label, the article that
// governs it, and whether the applicant sees it on the status page.
type EventInfo struct {
	Type, Label, Basis string
	Public             bool
	// Clock events move the deadline and must be in date order.
	Clock bool
}

// EventTypes lists every event type.
var EventTypes = []EventInfo{
	{EvConfirmed, "确认收到申请", "条例第三十一条：通过互联网渠道或者政府信息公开工作机构的传真提交申请的，以双方确认之日为收到申请之日。", true, true},
	{EvCorrectionRequested, "告知补正", "条例第三十条：申请内容不明确的，应当自收到申请之日起7个工作日内一次性告知申请人作出补正，说明需要补正的事项和合理的补正期限。", true, true},
	{EvCorrectionReceived, "收到补正", "条例第三十条：答复期限自行政机关收到补正的申请之日起计算。", true, true},
	{EvCorrectionLapsed, "逾期未补正，不再处理", "条例第三十条：申请人无正当理由逾期不补正的，视为放弃申请，行政机关不再处理该政府信息公开申请。", true, true},
	{EvConsultationStarted, "征求第三方或其他机关意见", "条例第三十二条、第三十四条：书面征求第三方或者其他机关意见，第三方应当自收到征求意见书之日起15个工作日内提出意见；征求意见所需时间不计算在答复期限内（第三十三条第三款）。", true, true},
	{EvConsultationEnded, "征求意见结束", "条例第三十三条第三款：行政机关征求第三方和其他机关意见所需时间不计算在前款规定的期限内。", true, true},
	{EvExtended, "延长答复期限", "条例第三十三条第二款：需要延长答复期限的，应当经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不得超过20个工作日。", true, true},
	{EvFeeNotified, "发出收费通知", "条例第四十二条、《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）：申请数量、频次明显超过合理范围的，可以收取信息处理费，在答复期限内发出收费通知。", true, true},
	{EvFeePaid, "缴纳信息处理费", "《政府信息公开信息处理费管理办法》：申请人缴费后继续办理。", true, true},
	{EvFeeLapsed, "逾期未缴费，不再处理", "《政府信息公开信息处理费管理办法》：申请人自收到收费通知次日起20个工作日内未缴纳费用的，视为放弃申请，不再处理。", true, true},
	{EvReplied, "作出答复", "条例第三十三条、第三十六条至第三十九条：按申请内容作出答复，并说明理由和依据。", true, true},
	{EvDelivered, "送达", "条例第四十条：依申请公开的政府信息，根据申请人的要求及行政机关保存政府信息的实际情况，确定提供政府信息的具体形式。", true, true},
	{EvDeadlineSet, "确定合理的答复期限", "条例第三十五条：申请人申请公开政府信息的数量、频次明显超过合理范围，说明理由合理，但是无法在本条例第三十三条规定的期限内答复申请人的，可以确定延迟答复的合理期限并告知申请人。", true, true},
	{EvAssigned, "分办承办科室", "条例第四十五条：行政机关应当建立健全政府信息公开申请登记、审核、办理、答复、归档的工作制度。", false, false},
	{EvTransferred, "转办其他科室", "条例第四十五条", false, false},
	{EvNote, "内部备注", "条例第四十五条", false, false},
	{EvReplyDrafted, "承办科室拟稿", "条例第四十五条：登记、审核、办理、答复。", false, false},
	{EvReplyReturned, "办公室审核退回", "条例第四十五条：审核。", false, false},
	{EvReconsiderationFiled, "申请人申请行政复议", "条例第五十一条：公民、法人或者其他组织认为行政机关在政府信息公开工作中侵犯其合法权益的，可以依法申请行政复议或者提起行政诉讼。", false, false},
	{EvReconsiderationDone, "行政复议审结", "条例第五十一条", false, false},
	{EvLawsuitFiled, "申请人提起行政诉讼", "条例第五十一条", false, false},
	{EvLawsuitDone, "行政诉讼审结", "条例第五十一条", false, false},
	{EvLetterSent, "告知书经审核送出", "条例第四十五条：行政机关应当建立健全政府信息公开申请登记、审核、办理、答复、归档的工作制度；告知书经政府信息公开工作机构审核后送出。", true, false},
}

// InfoOf returns the description of an event type.
func InfoOf(typ string) (EventInfo, bool) {
	for _, e := range EventTypes {
		if e.Type == typ {
			return e, true
		}
	}
	return EventInfo{}, false
}

// Remedy results, the columns of table 四 (REFERENCE §2.4).
var RemedyResults = []struct{ Code, Label string }{
	{"upheld", "结果维持"}, {"corrected", "结果纠正"}, {"other", "其他结果"},
}

// Reply is the text of a reply, kept in parts so that a notice letter can be
// rendered from them (seed task 9: 调查结果、答复内容、政策依据、适用法律).
type Reply struct {
	Investigation string `json:"investigation,omitempty"` // 调查结果
	Answer        string `json:"answer,omitempty"`        // 答复内容
	Policy        string `json:"policy,omitempty"`        // 政策依据
	Law           string `json:"law,omitempty"`           // 适用法律
}

// Event is one ledger entry.
type Event struct {
	Seq  int
	Type string
	On   calendar.Date
	// Days: the extension's working days (extended).
	Days int
	// Decision and Reason: the decision row (replied, reply_drafted).
	Decision string
	Reason   int
	// DepartmentID: assigned, transferred.
	DepartmentID int64
	// Note: internal note, the extension's or correction's reason, what to
	// correct, the consulted party, the return's reason.
	Note string
	// Approver: the head of the disclosure office who approved an extension
	// (条例第三十三条第二款).
	Approver string
	// Fee: the amount in yuan, its method and the counted units
	// (the request's rank in the month, or pages).
	Amount    int
	FeeMethod string
	Units     int
	// Until: the correction period's last day (条例第三十条：合理的补正期限).
	Until calendar.Date
	// Reply: the reply's text (replied, reply_drafted).
	Reply Reply
	// Result: upheld, corrected or other (reconsideration_decided, lawsuit_decided).
	Result string
	// AfterReconsideration: the lawsuit follows a reconsideration (lawsuit_filed).
	AfterReconsideration bool
	// Letter: the step (seq) whose notice letter was reviewed and sent (letter_sent).
	Letter int
	// File and FileName: a document of the reply (the information provided),
	// a blob key with its original name; the applicant downloads it from
	// the status page.
	File, FileName string

	ActorName string
	CreatedAt string
}

// Statuses of a request, derived from its ledger.
const (
	StAwaitingConfirmation = "awaiting_confirmation"
	StProcessing           = "processing"
	StAwaitingCorrection   = "awaiting_correction"
	StConsulting           = "consulting"
	StAwaitingFee          = "awaiting_fee"
	StReplied              = "replied"
	StClosed               = "closed"
	StDelivered            = "delivered"
)

// StatusLabels are the Chinese names of statuses.
var StatusLabels = map[string]string{
	StAwaitingConfirmation: "待确认收到", StProcessing: "办理中", StAwaitingCorrection: "待申请人补正",
	StConsulting: "征求意见中（暂停计时）", StAwaitingFee: "待缴纳信息处理费（暂停计时）", StReplied: "已答复",
	StClosed: "已终止办理", StDelivered: "已答复并送达",
}

// Rules are the configurable parts of the clock.
type Rules struct {
	// FeeExcluded: the time between the fee notice and the payment is left
	// out of the reply period. REFERENCE §3 marks this UNVERIFIED; the
	// default (true) lets the 20 working days to pay (109号) run without
	// the reply period expiring meanwhile.
	FeeExcluded bool
}

// DefaultRules are the rules in force unless configured otherwise.
var DefaultRules = Rules{FeeExcluded: true}

// span is a pause of the clock: working days after From up to and
// including To are not counted; To is zero while the pause lasts.
type span struct {
	From, To calendar.Date
	Why      string
}

// Remedy is a reconsideration or a lawsuit about the request.
type Remedy struct {
	Kind                 string // reconsideration, lawsuit
	AfterReconsideration bool
	Filed, Decided       calendar.Date
	Result               string // "" while pending
}

// State is what the ledger says now.
type State struct {
	Channel string
	Status  string
	// Submitted is the day the application arrived; Received is 收到申请之日
	// (条例第三十一条): Submitted for in-person and post, the confirmation
	// day for online and fax; zero until confirmed.
	Submitted, Received calendar.Date
	// Start is the day the reply period runs from (not counted): Received,
	// or the day a correction arrived (条例第三十条).
	Start    calendar.Date
	Extended int
	// Later is the reasonable later deadline of an excessive request
	// (条例第三十五条), set by hand; zero when none.
	Later calendar.Date
	// Pauses excluded from the period since Start (条例第三十三条第三款).
	pauses []span
	// Closed is the reply or closing day; Result the decision code.
	Closed    calendar.Date
	Result    string
	Delivered calendar.Date

	correctionAsked calendar.Date
	correctionUntil calendar.Date
	corrected       bool
	feeNotified     calendar.Date
	feePaid         bool
	lastClock       calendar.Date
	DepartmentID    int64
	Draft           *Event // the latest draft not yet replied or returned
	// Letters are the steps with a notice letter (seq → type), Sent the
	// day each letter was reviewed and sent (letter_sent).
	Letters  map[int]string
	Sent     map[int]calendar.Date
	Remedies []Remedy
	rules    Rules
	cal      *calendar.Calendar
}

// NewState starts the ledger of a request that arrived on submitted through
// channel. In person and by post the clock starts on arrival; online and by
// fax it starts when both sides confirm (条例第三十一条).
func NewState(cal *calendar.Calendar, rules Rules, channel string, submitted calendar.Date) *State {
	s := &State{Channel: channel, Submitted: submitted, rules: rules, cal: cal, lastClock: submitted}
	if NeedsConfirmation(channel) {
		s.Status = StAwaitingConfirmation
	} else {
		s.Status, s.Received, s.Start = StProcessing, submitted, submitted
	}
	return s
}

// NeedsConfirmation reports whether the clock of a channel starts on the day
// both sides confirm (条例第三十一条: 互联网渠道或者政府信息公开工作机构的传真).
func NeedsConfirmation(channel string) bool { return channel == "online" || channel == "fax" }

// Open reports whether the request is still being handled.
func (s *State) Open() bool { return s.Closed.IsZero() }

// Limit is the reply period in working days: 20, plus the extension.
func (s *State) Limit() int { return ReplyWorkdays + s.Extended }

// paused counts the working days of pauses within (a, b]; an open pause runs to b.
func (s *State) paused(a, b calendar.Date) int {
	n := 0
	for _, p := range s.pauses {
		from, to := p.From, p.To
		if to.IsZero() || to.After(b) {
			to = b
		}
		if from.Before(a) {
			from = a
		}
		n += s.cal.WorkdaysBetween(from, to)
	}
	return n
}

// Paused reports whether the clock is stopped now (consultation, fee).
func (s *State) Paused() bool {
	return len(s.pauses) > 0 && s.pauses[len(s.pauses)-1].To.IsZero()
}

// DueOn returns the last day of the reply period as of today: the Limit-th
// counted working day after Start, moved on by every paused working day
// (an open pause counts up to today). Zero while not started or while
// waiting for a correction.
func (s *State) DueOn(today calendar.Date) calendar.Date {
	if s.Start.IsZero() || s.Status == StAwaitingCorrection {
		return calendar.Date{}
	}
	if !s.Later.IsZero() {
		return s.Later
	}
	end := today
	if !s.Open() {
		end = s.Closed
	}
	// Walk forward: the due date is where Limit counted days are reached.
	d, counted := s.Start, 0
	for counted < s.Limit() {
		d = d.AddDays(1)
		if s.cal.IsWorkday(d) && !s.inPause(d, end) {
			counted++
		}
		if d.Sub(s.Start) > calendar.MaxDays {
			break
		}
	}
	return d
}

// inPause reports whether working day d falls in a pause; an open pause
// covers the days up to end (the clock does not know when it will end).
func (s *State) inPause(d, end calendar.Date) bool {
	for _, p := range s.pauses {
		to := p.To
		if to.IsZero() {
			to = end
		}
		if d.After(p.From) && !d.After(to) {
			return true
		}
	}
	return false
}

// Used returns the working days of the period used by today (or by the
// reply), pauses excluded.
func (s *State) Used(today calendar.Date) int {
	if s.Start.IsZero() || s.Status == StAwaitingCorrection {
		return 0
	}
	end := today
	if !s.Open() {
		end = s.Closed
	}
	return s.cal.WorkdaysBetween(s.Start, end) - s.paused(s.Start, end)
}

// Left returns the working days left (negative when overdue).
func (s *State) Left(today calendar.Date) int { return s.Limit() - s.Used(today) }

// Overdue reports whether the request is open past its due date, or was
// answered after it.
func (s *State) Overdue(today calendar.Date) bool {
	due := s.DueOn(today)
	if due.IsZero() {
		return false
	}
	if s.Open() {
		return today.After(due) && !s.Paused()
	}
	return s.Closed.After(due)
}

func invalid(format string, args ...any) error {
	return errs.E(errs.Invalid, format, args...)
}

// Apply checks ev against the state and, when allowed, applies it. today
// bounds the event's date. A refused event leaves the state unchanged.
func (s *State) Apply(ev Event, today calendar.Date) error {
	info, ok := InfoOf(ev.Type)
	if !ok {
		return invalid("未知的事件类型 %q", ev.Type)
	}
	if ev.On.IsZero() {
		return invalid("请填写事件日期（on）")
	}
	if ev.On.After(today) {
		return invalid("事件日期 %s 晚于今天（%s），不能预先登记", ev.On, today)
	}
	if ev.On.Before(s.Submitted) {
		return invalid("事件日期 %s 早于申请提交日 %s", ev.On, s.Submitted)
	}
	if info.Clock && ev.On.Before(s.lastClock) {
		return invalid("事件日期 %s 早于上一步办理日期 %s，办理记录须按时间顺序登记", ev.On, s.lastClock)
	}
	if err := s.apply(ev); err != nil {
		return err
	}
	if LetterSteps[ev.Type] && ev.Seq > 0 {
		if s.Letters == nil {
			s.Letters = map[int]string{}
		}
		s.Letters[ev.Seq] = ev.Type
	}
	if info.Clock {
		s.lastClock = ev.On
	}
	return nil
}

func (s *State) requireRunning(what string) error {
	switch s.Status {
	case StAwaitingConfirmation:
		return invalid("尚未确认收到申请，不能%s（条例第三十一条：以双方确认之日为收到申请之日）", what)
	case StAwaitingCorrection:
		return invalid("正在等待申请人补正，不能%s；请先登记收到补正或逾期未补正", what)
	case StConsulting:
		return invalid("征求意见尚未结束，不能%s；请先登记征求意见结束", what)
	case StAwaitingFee:
		return invalid("信息处理费尚未缴纳，不能%s；请先登记缴费或逾期未缴费", what)
	case StReplied, StClosed, StDelivered:
		return invalid("该申请已办结，不能%s", what)
	}
	return nil
}

func (s *State) apply(ev Event) error {
	switch ev.Type {
	case EvConfirmed:
		if s.Status != StAwaitingConfirmation {
			if NeedsConfirmation(s.Channel) {
				return invalid("该申请已于 %s 确认收到，不能重复确认", s.Received)
			}
			return invalid("当面、邮寄提交的申请以收到之日为收到申请之日，无需确认（条例第三十一条）")
		}
		s.Status, s.Received, s.Start = StProcessing, ev.On, ev.On
	case EvCorrectionRequested:
		if err := s.requireRunning("告知补正"); err != nil {
			return err
		}
		if !s.correctionAsked.IsZero() {
			return invalid("已于 %s 告知补正；补正须一次性告知（条例第三十条），不能再次要求补正", s.correctionAsked)
		}
		if n := s.cal.WorkdaysBetween(s.Received, ev.On); n > CorrectionWorkdays {
			return invalid("告知补正须在收到申请之日起7个工作日内（条例第三十条），%s 已是第%d个工作日", ev.On, n)
		}
		if !ev.Until.IsZero() && !ev.Until.After(ev.On) {
			return invalid("补正期限（until）应晚于告知日 %s", ev.On)
		}
		s.Status, s.correctionAsked, s.correctionUntil = StAwaitingCorrection, ev.On, ev.Until
	case EvCorrectionReceived:
		if s.Status != StAwaitingCorrection {
			return invalid("没有待补正的告知，不能登记收到补正")
		}
		// 条例第三十条：答复期限自收到补正的申请之日起计算 — the clock restarts.
		s.Status, s.Start, s.pauses, s.corrected = StProcessing, ev.On, nil, true
	case EvCorrectionLapsed:
		if s.Status != StAwaitingCorrection {
			return invalid("没有待补正的告知，不能登记逾期未补正")
		}
		if !s.correctionUntil.IsZero() && !ev.On.After(s.correctionUntil) {
			return invalid("补正期限至 %s，期限届满后才能登记逾期未补正", s.correctionUntil)
		}
		s.close(ev.On, "other.1")
	case EvConsultationStarted:
		if err := s.requireRunning("征求意见"); err != nil {
			return err
		}
		if due := s.DueOn(ev.On); ev.On.After(due) {
			return invalid("答复期限已于 %s 届满，不能再征求意见", due)
		}
		s.pauses = append(s.pauses, span{From: ev.On, Why: "consultation"})
		s.Status = StConsulting
	case EvConsultationEnded:
		if s.Status != StConsulting {
			return invalid("没有进行中的征求意见，不能登记征求意见结束")
		}
		s.pauses[len(s.pauses)-1].To = ev.On
		s.Status = StProcessing
	case EvExtended:
		if err := s.requireRunning("延长答复期限"); err != nil {
			return err
		}
		if s.Extended > 0 {
			return invalid("答复期限已延长过一次（%d个工作日），不能再次延长（条例第三十三条第二款）", s.Extended)
		}
		if ev.Days < 1 || ev.Days > MaxExtension {
			return invalid("延长的期限应为 1 至 20 个工作日（条例第三十三条第二款），不能是 %d", ev.Days)
		}
		if due := s.DueOn(ev.On); ev.On.After(due) {
			return invalid("答复期限已于 %s 届满，不能再延长", due)
		}
		if ev.Approver == "" {
			return invalid("延长答复期限须经政府信息公开工作机构负责人同意（条例第三十三条第二款），请填写批准人")
		}
		s.Extended = ev.Days
	case EvDeadlineSet:
		if err := s.requireRunning("确定答复期限"); err != nil {
			return err
		}
		if !s.Later.IsZero() {
			return invalid("已确定答复期限至 %s，不能再次确定", s.Later)
		}
		due := s.DueOn(ev.On)
		if ev.On.After(due) {
			return invalid("答复期限已于 %s 届满，不能再确定延迟答复的期限", due)
		}
		if !ev.Until.After(due) {
			return invalid("延迟答复的合理期限（until）应晚于现在的答复期限 %s（条例第三十五条）", due)
		}
		if ev.Note == "" {
			return invalid("请说明申请数量、频次超过合理范围的情况和申请人说明的理由（条例第三十五条）")
		}
		s.Later = ev.Until
	case EvFeeNotified:
		if err := s.requireRunning("发出收费通知"); err != nil {
			return err
		}
		if !s.feeNotified.IsZero() {
			return invalid("已于 %s 发出收费通知，不能重复收费", s.feeNotified)
		}
		if due := s.DueOn(ev.On); ev.On.After(due) {
			return invalid("收费通知须在答复期限内发出，答复期限已于 %s 届满", due)
		}
		if ev.FeeMethod != FeePerRequest && ev.FeeMethod != FeePerPage {
			return invalid("计费方式（fee_method）应为 per_request（按件计收）或 per_page（按量计收），二者只能选其一")
		}
		want := FeeForPages(ev.Units)
		if ev.FeeMethod == FeePerRequest {
			want = FeeForRequest(ev.Units)
		}
		if want == 0 {
			return invalid("按%s计算为免费（按件：同一申请人一个自然月内10件以内；按量：30页以内），不能收费", feeMethodLabel(ev.FeeMethod))
		}
		if ev.Amount != want {
			return invalid("收费金额应为 %d 元（%s，%d），不是 %d 元", want, feeMethodLabel(ev.FeeMethod), ev.Units, ev.Amount)
		}
		s.feeNotified = ev.On
		s.Status = StAwaitingFee
		if s.rules.FeeExcluded {
			s.pauses = append(s.pauses, span{From: ev.On, Why: "fee"})
		}
	case EvFeePaid:
		if s.Status != StAwaitingFee {
			return invalid("没有待缴纳的信息处理费")
		}
		if last := s.cal.AddWorkdays(s.feeNotified, FeePayWorkdays); ev.On.After(last) {
			return invalid("缴费期限已于 %s 届满（收到收费通知次日起20个工作日），应登记逾期未缴费", last)
		}
		s.endFeePause(ev.On)
		s.Status, s.feePaid = StProcessing, true
	case EvFeeLapsed:
		if s.Status != StAwaitingFee {
			return invalid("没有待缴纳的信息处理费")
		}
		if last := s.cal.AddWorkdays(s.feeNotified, FeePayWorkdays); !ev.On.After(last) {
			return invalid("缴费期限至 %s（收到收费通知次日起20个工作日），期限届满后才能登记逾期未缴费", last)
		}
		s.endFeePause(ev.On)
		s.close(ev.On, "other.2")
	case EvReplied:
		if err := s.requireRunning("作出答复"); err != nil {
			return err
		}
		d, err := DecisionOf(ev.Decision, ev.Reason)
		if err != nil {
			return invalid("%s", err.Error())
		}
		if d.ByEvent {
			return invalid("“%s”由登记逾期未补正或逾期未缴费自动得出，不能直接选择", d.Title())
		}
		s.close(ev.On, d.Code())
		s.Draft = nil
	case EvDelivered:
		if s.Open() {
			return invalid("尚未答复，不能登记送达")
		}
		if !s.Delivered.IsZero() {
			return invalid("已于 %s 登记送达", s.Delivered)
		}
		s.Delivered, s.Status = ev.On, StDelivered
	case EvAssigned, EvTransferred:
		if !s.Open() {
			return invalid("该申请已办结，不能再分办或转办")
		}
		if ev.DepartmentID == 0 {
			return invalid("请选择承办科室")
		}
		if ev.Type == EvTransferred && s.DepartmentID == 0 {
			return invalid("尚未分办，不能转办；请先分办")
		}
		if ev.DepartmentID == s.DepartmentID {
			return invalid("已由该科室承办")
		}
		s.DepartmentID = ev.DepartmentID
	case EvNote:
		if ev.Note == "" {
			return invalid("请填写备注内容")
		}
	case EvReplyDrafted:
		if !s.Open() {
			return invalid("该申请已办结，不能再拟稿")
		}
		d, err := DecisionOf(ev.Decision, ev.Reason)
		if err != nil {
			return invalid("%s", err.Error())
		}
		if d.ByEvent {
			return invalid("“%s”由登记逾期未补正或逾期未缴费自动得出，不能拟稿选择", d.Title())
		}
		e := ev
		s.Draft = &e
	case EvReplyReturned:
		if s.Draft == nil {
			return invalid("没有待审核的答复稿")
		}
		if ev.Note == "" {
			return invalid("退回须说明理由")
		}
		s.Draft = nil
	case EvLetterSent:
		// 条例第四十五条: the letter is reviewed before it is sent, once.
		typ, ok := s.Letters[ev.Letter]
		if !ok {
			return invalid("第 %d 步没有告知书，不能登记送出（letter 应为有告知书的办理步骤序号）", ev.Letter)
		}
		if d, sent := s.Sent[ev.Letter]; sent {
			return invalid("第 %d 步的告知书已于 %s 审核送出，不能重复登记", ev.Letter, d)
		}
		if typ == EvReplied && s.Status != StReplied && s.Status != StDelivered {
			return invalid("答复尚未作出，不能送出答复告知书")
		}
		if s.Sent == nil {
			s.Sent = map[int]calendar.Date{}
		}
		s.Sent[ev.Letter] = ev.On
	case EvReconsiderationFiled, EvLawsuitFiled:
		if s.Open() {
			return invalid("尚未答复，不能登记行政复议或行政诉讼")
		}
		if ev.On.Before(s.Closed) {
			return invalid("立案日期 %s 早于答复日期 %s", ev.On, s.Closed)
		}
		if ev.Type == EvReconsiderationFiled {
			s.Remedies = append(s.Remedies, Remedy{Kind: "reconsideration", Filed: ev.On})
		} else {
			s.Remedies = append(s.Remedies, Remedy{Kind: "lawsuit", Filed: ev.On, AfterReconsideration: ev.AfterReconsideration})
		}
	case EvReconsiderationDone, EvLawsuitDone:
		kind := "reconsideration"
		if ev.Type == EvLawsuitDone {
			kind = "lawsuit"
		}
		if !validResult(ev.Result) {
			return invalid("审结结果（result）应为 upheld（维持）、corrected（纠正）或 other（其他）")
		}
		for i := len(s.Remedies) - 1; i >= 0; i-- {
			r := &s.Remedies[i]
			if r.Kind == kind && r.Result == "" {
				if ev.On.Before(r.Filed) {
					return invalid("审结日期早于立案日期 %s", r.Filed)
				}
				r.Result, r.Decided = ev.Result, ev.On
				return nil
			}
		}
		return invalid("没有尚未审结的%s", map[string]string{"reconsideration": "行政复议", "lawsuit": "行政诉讼"}[kind])
	}
	return nil
}

func validResult(r string) bool {
	for _, x := range RemedyResults {
		if x.Code == r {
			return true
		}
	}
	return false
}

func (s *State) endFeePause(on calendar.Date) {
	if n := len(s.pauses); n > 0 && s.pauses[n-1].Why == "fee" && s.pauses[n-1].To.IsZero() {
		s.pauses[n-1].To = on
	}
}

func (s *State) close(on calendar.Date, result string) {
	s.Closed, s.Result = on, result
	if result == "other.1" || result == "other.2" {
		s.Status = StClosed
	} else {
		s.Status = StReplied
	}
}

func feeMethodLabel(m string) string {
	if m == FeePerRequest {
		return "按件计收"
	}
	return "按量计收"
}

// Replay builds the state of a request from its ledger.
func Replay(cal *calendar.Calendar, rules Rules, channel string, submitted calendar.Date, events []Event) (*State, error) {
	s := NewState(cal, rules, channel, submitted)
	far := calendar.Date{Year: 9999, Month: 12, Day: 31}
	for _, ev := range events {
		if err := s.Apply(ev, far); err != nil {
			return nil, fmt.Errorf("request ledger event %d (%s): %w", ev.Seq, ev.Type, err)
		}
	}
	return s, nil
}
