package request

import (
	"strings"
	"testing"

	"gongkai/internal/calendar"
	"gongkai/internal/errs"
)

func day(t *testing.T, s string) calendar.Date {
	t.Helper()
	d, err := calendar.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var far = calendar.Date{Year: 2030, Month: 1, Day: 1}

// run applies events and fails on the first refusal.
func run(t *testing.T, channel, submitted string, evs ...Event) *State {
	t.Helper()
	s := NewState(calendar.Default(), DefaultRules, channel, day(t, submitted))
	for _, ev := range evs {
		if err := s.Apply(ev, far); err != nil {
			t.Fatalf("%s on %s: %v", ev.Type, ev.On, err)
		}
	}
	return s
}

func ev(t *testing.T, typ, on string) Event { return Event{Type: typ, On: day(t, on)} }

func refused(t *testing.T, s *State, e Event, want string) {
	t.Helper()
	err := s.Apply(e, far)
	if err == nil {
		t.Fatalf("%s on %s accepted, want refusal", e.Type, e.On)
	}
	if errs.CodeOf(err) != errs.Invalid || !strings.Contains(errs.MessageOf(err), want) {
		t.Fatalf("%s: %v, want invalid with %q", e.Type, err, want)
	}
}

// An online application confirmed on 2021-09-28 is due on 2021-11-01: the
// National Day holiday (1–7 October) is skipped and the make-up Saturday
// 9 October counts (国办发明电〔2020〕27号).
func TestOnlineConfirmedDue(t *testing.T) {
	s := run(t, "online", "2021-09-27")
	if s.Status != StAwaitingConfirmation || !s.DueOn(far).IsZero() {
		t.Fatalf("before confirmation: %s due %s", s.Status, s.DueOn(far))
	}
	refused(t, s, Event{Type: EvReplied, On: day(t, "2021-09-28"), Decision: "disclosed"}, "尚未确认收到申请")
	s = run(t, "online", "2021-09-27", ev(t, EvConfirmed, "2021-09-28"))
	if got := s.DueOn(day(t, "2021-10-01")); got != day(t, "2021-11-01") {
		t.Fatalf("due %s, want 2021-11-01", got)
	}
	if u, l := s.Used(day(t, "2021-10-09")), s.Left(day(t, "2021-10-09")); u != 4 || l != 16 {
		t.Errorf("on 2021-10-09 used %d left %d, want 4 and 16 (9-29, 9-30, 10-8, make-up 10-9)", u, l)
	}
	e := s.Explain(day(t, "2021-10-01"))
	if e.End != day(t, "2021-11-01") || !strings.Contains(e.Summary, "双方确认之日 2021-09-28") {
		t.Errorf("explanation %s: %s", e.End, e.Summary)
	}
	var makeup bool
	for _, st := range e.Steps {
		if st.Date == day(t, "2021-10-09") {
			makeup = st.Counted && strings.Contains(st.Note, "调休上班")
		}
	}
	if !makeup {
		t.Error("the make-up Saturday 2021-10-09 is not shown as a counted working day")
	}
	refused(t, s, ev(t, EvConfirmed, "2021-09-29"), "不能重复确认")
}

// In person, the clock starts on arrival; a confirmation is refused.
func TestInPersonStartsOnArrival(t *testing.T) {
	s := run(t, "in_person", "2021-09-28")
	if s.DueOn(far) != day(t, "2021-11-01") {
		t.Fatalf("due %s", s.DueOn(far))
	}
	refused(t, s, ev(t, EvConfirmed, "2021-09-28"), "无需确认")
}

// A 补正 asked on the 5th working day (2021-10-11, after the holiday and the
// make-up Saturday) and answered 10 days later restarts the clock from the
// day the correction arrived (条例第三十条).
func TestCorrectionRestartsClock(t *testing.T) {
	s := run(t, "in_person", "2021-09-28", Event{Type: EvCorrectionRequested, On: day(t, "2021-10-11"), Note: "请明确文件名称"})
	if s.Status != StAwaitingCorrection || !s.DueOn(far).IsZero() {
		t.Fatalf("awaiting correction: %s due %s", s.Status, s.DueOn(far))
	}
	refused(t, s, Event{Type: EvReplied, On: day(t, "2021-10-12"), Decision: "disclosed"}, "等待申请人补正")
	if err := s.Apply(ev(t, EvCorrectionReceived, "2021-10-21"), far); err != nil {
		t.Fatal(err)
	}
	if got := s.DueOn(far); got != day(t, "2021-11-18") {
		t.Fatalf("due after correction %s, want 2021-11-18 (20 working days from 2021-10-21)", got)
	}
	if !strings.Contains(s.Explain(far).Summary, "重新计算") {
		t.Error("the explanation does not say the clock restarted")
	}
	refused(t, s, ev(t, EvCorrectionRequested, "2021-10-22"), "一次性")
}

// The correction notice must go out within 7 working days: with the 2025
// Spring Festival (28 January – 4 February off, Sunday 26 January worked),
// the 7th working day after 2025-01-20 is 2025-02-05, and 2025-02-06 is late.
func TestCorrectionWithinSevenWorkdays(t *testing.T) {
	s := run(t, "post", "2025-01-20")
	refused(t, s, ev(t, EvCorrectionRequested, "2025-02-06"), "第8个工作日")
	run(t, "post", "2025-01-20", ev(t, EvCorrectionRequested, "2025-02-05"))
	// Missed correction: closed as （六）其他处理 1, but only after the period given.
	s = run(t, "post", "2025-01-20", Event{Type: EvCorrectionRequested, On: day(t, "2025-01-22"), Until: day(t, "2025-02-10")})
	refused(t, s, ev(t, EvCorrectionLapsed, "2025-02-10"), "期限届满后")
	if err := s.Apply(ev(t, EvCorrectionLapsed, "2025-02-11"), far); err != nil {
		t.Fatal(err)
	}
	if s.Status != StClosed || s.Result != "other.1" {
		t.Fatalf("lapsed: %s %s", s.Status, s.Result)
	}
}

// A 12-working-day third-party consultation does not count (条例第三十三条第三款),
// across the 2025 National Day holiday (1–8 October; 28 September and
// 11 October worked).
func TestConsultationExcluded(t *testing.T) {
	s := run(t, "in_person", "2025-09-22")
	if s.DueOn(far) != day(t, "2025-10-24") {
		t.Fatalf("plain due %s", s.DueOn(far))
	}
	for _, e := range []Event{{Type: EvConsultationStarted, On: day(t, "2025-09-24"), Note: "第三方：某公司"}, ev(t, EvConsultationEnded, "2025-10-16")} {
		if err := s.Apply(e, far); err != nil {
			t.Fatal(err)
		}
	}
	if n := calendar.Default().WorkdaysBetween(day(t, "2025-09-24"), day(t, "2025-10-16")); n != 12 {
		t.Fatalf("the consultation lasts %d working days, the test wants 12", n)
	}
	if got := s.DueOn(far); got != day(t, "2025-11-11") {
		t.Fatalf("due %s, want 2025-11-11 (32 working days after 2025-09-22)", got)
	}
	if u := s.Used(day(t, "2025-10-16")); u != 2 {
		t.Errorf("used %d by the end of the consultation, want 2", u)
	}
	paused := 0
	for _, st := range s.Explain(far).Steps {
		if strings.Contains(st.Note, "征求第三方") {
			paused++
		}
	}
	if paused != 12 {
		t.Errorf("%d days explained as consultation, want 12", paused)
	}
}

// An extension adds its days, at most 20, once, with an approver, before the period ends.
func TestExtension(t *testing.T) {
	s := run(t, "in_person", "2025-09-22")
	refused(t, s, Event{Type: EvExtended, On: day(t, "2025-10-20"), Days: 21, Approver: "王主任"}, "1 至 20")
	refused(t, s, Event{Type: EvExtended, On: day(t, "2025-10-20"), Days: 20}, "批准人")
	refused(t, s, Event{Type: EvExtended, On: day(t, "2025-10-27"), Days: 20, Approver: "王主任"}, "已于 2025-10-24 届满")
	if err := s.Apply(Event{Type: EvExtended, On: day(t, "2025-10-24"), Days: 20, Approver: "王主任"}, far); err != nil {
		t.Fatal(err)
	}
	if got := s.DueOn(far); got != day(t, "2025-11-21") {
		t.Fatalf("due %s, want 2025-11-21 (40 working days)", got)
	}
	refused(t, s, Event{Type: EvExtended, On: day(t, "2025-10-27"), Days: 1, Approver: "王主任"}, "不能再次延长")
	// Replied late: overdue.
	if err := s.Apply(Event{Type: EvReplied, On: day(t, "2025-11-24"), Decision: "withheld", Reason: 4}, far); err != nil {
		t.Fatal(err)
	}
	if !s.Overdue(far) || s.Result != "withheld.4" {
		t.Errorf("late reply: overdue %v result %s", s.Overdue(far), s.Result)
	}
}

// Fees are right at each threshold (国办函〔2020〕109号, REFERENCE §3).
func TestFeeThresholds(t *testing.T) {
	for _, c := range []struct{ n, want int }{{1, 0}, {10, 0}, {11, 100}, {30, 100}, {31, 200}, {40, 200}, {41, 300}, {50, 300}, {51, 400}} {
		if got := FeeForRequest(c.n); got != c.want {
			t.Errorf("request %d: %d yuan, want %d", c.n, got, c.want)
		}
	}
	for _, c := range []struct{ pages, want int }{{0, 0}, {30, 0}, {31, 10}, {100, 700}, {101, 720}, {200, 2700}, {201, 2740}, {250, 4700}} {
		if got := FeeForPages(c.pages); got != c.want {
			t.Errorf("%d pages: %d yuan, want %d", c.pages, got, c.want)
		}
	}
}

// The fee notice pauses the clock; unpaid after 20 working days from the day
// after the notice, the request closes as （六）其他处理 2.
func TestFeeLedger(t *testing.T) {
	s := run(t, "in_person", "2025-09-22")
	refused(t, s, Event{Type: EvFeeNotified, On: day(t, "2025-09-25"), FeeMethod: FeePerPage, Units: 30, Amount: 0}, "免费")
	refused(t, s, Event{Type: EvFeeNotified, On: day(t, "2025-09-25"), FeeMethod: FeePerPage, Units: 31, Amount: 20}, "应为 10 元")
	if err := s.Apply(Event{Type: EvFeeNotified, On: day(t, "2025-09-25"), FeeMethod: FeePerPage, Units: 31, Amount: 10}, far); err != nil {
		t.Fatal(err)
	}
	last := calendar.Default().AddWorkdays(day(t, "2025-09-25"), 20) // 2025-10-29
	refused(t, s, Event{Type: EvReplied, On: day(t, "2025-09-26"), Decision: "disclosed"}, "尚未缴纳")
	refused(t, s, ev(t, EvFeeLapsed, last.String()), "期限届满后")
	paid := *s
	paid.pauses = append([]span(nil), s.pauses...)
	if err := paid.Apply(ev(t, EvFeePaid, last.String()), far); err != nil {
		t.Fatalf("paid on the last day %s: %v", last, err)
	}
	// 3 working days used before the notice; the 20-day wait is excluded.
	if got, want := paid.DueOn(far), calendar.Default().AddWorkdays(last, 17); got != want {
		t.Errorf("due after payment %s, want %s", got, want)
	}
	if err := s.Apply(ev(t, EvFeeLapsed, last.AddDays(1).String()), far); err != nil {
		t.Fatal(err)
	}
	if s.Status != StClosed || s.Result != "other.2" {
		t.Fatalf("lapsed: %s %s", s.Status, s.Result)
	}
	refused(t, s, Event{Type: EvReplied, On: day(t, "2025-11-03"), Decision: "disclosed"}, "已办结")
}

func TestDecisions(t *testing.T) {
	if len(Decisions) != 21 {
		t.Fatalf("%d decision rows, the report has 21 besides the total", len(Decisions))
	}
	for _, d := range Decisions {
		if !strings.Contains(d.Basis, "条例") && !strings.Contains(d.Basis, "办法") {
			t.Errorf("%s has no legal basis", d.Code())
		}
		if got, ok := DecisionByCode(d.Code()); !ok || got.Label != d.Label {
			t.Errorf("%s does not round-trip", d.Code())
		}
	}
	s := run(t, "in_person", "2025-09-22")
	refused(t, s, Event{Type: EvReplied, On: day(t, "2025-09-23"), Decision: "withheld"}, "1 至 8")
	refused(t, s, Event{Type: EvReplied, On: day(t, "2025-09-23"), Decision: "not_handled", Reason: 6}, "1 至 5")
	refused(t, s, Event{Type: EvReplied, On: day(t, "2025-09-23"), Decision: "other", Reason: 1}, "自动得出")
	refused(t, s, Event{Type: EvReplied, On: day(t, "2025-09-23"), Decision: "disclosed", Reason: 1}, "没有具体情形")
	refused(t, s, Event{Type: EvDelivered, On: day(t, "2025-09-23")}, "尚未答复")
	refused(t, s, Event{Type: EvConsultationStarted, On: day(t, "2025-09-20")}, "早于")
}

// An excessive request gets a reasonable later deadline by hand (条例第三十五条).
func TestLaterDeadline(t *testing.T) {
	s := run(t, "in_person", "2025-09-22")
	refused(t, s, Event{Type: EvDeadlineSet, On: day(t, "2025-10-10"), Until: day(t, "2025-10-24"), Note: "一月内申请120件"}, "应晚于")
	refused(t, s, Event{Type: EvDeadlineSet, On: day(t, "2025-10-10"), Until: day(t, "2025-12-31")}, "请说明")
	if err := s.Apply(Event{Type: EvDeadlineSet, On: day(t, "2025-10-10"), Until: day(t, "2025-12-31"), Note: "一月内申请120件"}, far); err != nil {
		t.Fatal(err)
	}
	if got := s.DueOn(far); got != day(t, "2025-12-31") {
		t.Fatalf("due %s", got)
	}
	if !strings.Contains(s.Explain(far).Summary, "第三十五条") {
		t.Error("the explanation does not cite Art. 35")
	}
	refused(t, s, Event{Type: EvDeadlineSet, On: day(t, "2025-10-11"), Until: day(t, "2026-01-31"), Note: "x"}, "不能再次")
}

// Reconsiderations and lawsuits follow the reply, each decided once.
func TestRemedies(t *testing.T) {
	s := run(t, "in_person", "2025-09-22")
	refused(t, s, Event{Type: EvReconsiderationFiled, On: day(t, "2025-09-23")}, "尚未答复")
	if err := s.Apply(Event{Type: EvReplied, On: day(t, "2025-09-30"), Decision: "withheld", Reason: 5}, far); err != nil {
		t.Fatal(err)
	}
	refused(t, s, Event{Type: EvReconsiderationFiled, On: day(t, "2025-09-29")}, "早于答复日期")
	refused(t, s, Event{Type: EvReconsiderationDone, On: day(t, "2025-10-29"), Result: "upheld"}, "没有尚未审结")
	for _, e := range []Event{{Type: EvReconsiderationFiled, On: day(t, "2025-10-20")}, {Type: EvReconsiderationDone, On: day(t, "2025-12-01"), Result: "corrected"}} {
		if err := s.Apply(e, far); err != nil {
			t.Fatal(err)
		}
	}
	refused(t, s, Event{Type: EvLawsuitDone, On: day(t, "2025-12-02"), Result: "bogus"}, "upheld")
	if len(s.Remedies) != 1 || s.Remedies[0].Result != "corrected" {
		t.Errorf("remedies: %+v", s.Remedies)
	}
}
