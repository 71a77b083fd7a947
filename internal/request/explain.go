package request

import (
	"fmt"
	"strings"

	"gongkai/internal/calendar"
)

// Explain shows the reply period day by day, as item deadlines do
// (calendar.Explanation): every day after Start up to the due date, whether
// it counts, and why not — a day off of the calendar, or a day of a
// consultation or of waiting for the fee (条例第三十三条第三款).
func (s *State) Explain(today calendar.Date) calendar.Explanation {
	due := s.DueOn(today)
	if due.IsZero() {
		e := calendar.Explanation{Start: s.Start, Basis: calendar.BasisWorkdays, Version: s.cal.Version()}
		switch s.Status {
		case StAwaitingConfirmation:
			e.Summary = "尚未确认收到申请；通过互联网或传真提交的申请，以双方确认之日为收到申请之日（条例第三十一条），确认后开始计算答复期限。"
		case StAwaitingCorrection:
			e.Summary = fmt.Sprintf("已于 %s 告知补正，答复期限自收到补正的申请之日起重新计算（条例第三十条）。", s.correctionAsked)
		}
		return e
	}
	end := today
	if !s.Open() {
		end = s.Closed
	}
	if !s.Later.IsZero() {
		e := s.cal.ExplainWorkdaysBetween(s.Start, due)
		e.Summary = fmt.Sprintf("申请数量、频次明显超过合理范围，已确定延迟答复的合理期限至 %s（条例第三十五条）。", due)
		return e
	}
	base := s.cal.ExplainWorkdaysBetween(s.Start, due)
	e := base
	e.End, e.N = due, s.Limit()
	e.Steps = make([]calendar.Step, 0, len(base.Steps))
	k, skippedPause := 0, 0
	for _, st := range base.Steps {
		label := st.Note
		if i := strings.Index(label, "，计第"); i >= 0 {
			label = label[:i]
		} else if i := strings.Index(label, "，不计入"); i >= 0 {
			label = label[:i]
		}
		switch {
		case !st.Kind.IsWorkday():
			st.Counted, st.Note = false, label+"，不计入"
		case s.inPause(st.Date, end):
			st.Counted = false
			st.Note = label + "，" + s.pauseWhy(st.Date, end) + "，不计入（条例第三十三条第三款）"
			skippedPause++
		default:
			k++
			st.Counted, st.Note = true, fmt.Sprintf("%s，计第%d个工作日", label, k)
		}
		e.Steps = append(e.Steps, st)
	}
	var b strings.Builder
	switch {
	case s.corrected:
		fmt.Fprintf(&b, "自收到补正的申请之日 %s 起重新计算（条例第三十条，当日不计入）", s.Start)
	case NeedsConfirmation(s.Channel):
		fmt.Fprintf(&b, "自双方确认之日 %s 起算（条例第三十一条，当日不计入）", s.Start)
	default:
		fmt.Fprintf(&b, "自收到申请之日 %s 起算（条例第三十一条，当日不计入）", s.Start)
	}
	fmt.Fprintf(&b, "，答复期限为%d个工作日（条例第三十三条第二款", ReplyWorkdays)
	if s.Extended > 0 {
		fmt.Fprintf(&b, "；经批准延长%d个工作日", s.Extended)
	}
	b.WriteString("）")
	if skippedPause > 0 {
		fmt.Fprintf(&b, "，征求意见或等待缴费的%d个工作日不计入（条例第三十三条第三款）", skippedPause)
	}
	fmt.Fprintf(&b, "，第%d个计入的工作日为 %s（%s）。", s.Limit(), due, calendar.WeekdayName(due))
	if s.Paused() {
		b.WriteString("目前暂停计时，恢复计时前每过一个工作日，期限顺延一个工作日。")
	}
	e.Summary = b.String()
	return e
}

func (s *State) pauseWhy(d, end calendar.Date) string {
	for _, p := range s.pauses {
		to := p.To
		if to.IsZero() {
			to = end
		}
		if d.After(p.From) && !d.After(to) {
			if p.Why == "fee" {
				return "等待缴纳信息处理费"
			}
			return "征求第三方或其他机关意见"
		}
	}
	return ""
}
