package enforce

import (
	"strings"
	"testing"

	"gongkai/internal/calendar"
	"gongkai/internal/lists"
)

// Deadlines on real dates across holidays and make-up working days
// (国务院办公厅 holiday notices for 2025 and 2026, in internal/calendar).
func TestPublishDue(t *testing.T) {
	cal := calendar.Default()
	for _, c := range []struct {
		category, decided, want, why string
	}{
		// 2025 National Day: 10-01…10-08 off, Sun 09-28 and Sat 10-11 worked.
		{"penalty", "2025-09-26", "2025-10-13", "09-28 (make-up) 1, 09-29 2, 09-30 3, 10-09 4, 10-10 5, 10-11 (make-up) 6, 10-13 7"},
		// 2026 National Day: 10-01…10-07 off, Sat 10-10 worked.
		{"license", "2026-09-29", "2026-10-14", "09-30 1, 10-08 2, 10-09 3, 10-10 (make-up) 4, 10-12 5, 10-13 6, 10-14 7"},
		// Other decisions: 20 working days (118号).
		{"inspection", "2026-09-29", "2026-11-02", "20 working days over the same holiday"},
		// 2026 Spring Festival: 02-15…02-23 off, Sat 02-14 and Sat 02-28 worked.
		{"penalty", "2026-02-12", "2026-02-28", "02-13 1, 02-14 (make-up) 2, 02-24 3, 02-25 4, 02-26 5, 02-27 6, 02-28 (make-up) 7"},
		// An ordinary week: the decision day itself is not counted.
		{"license", "2026-11-19", "2026-11-30", "7 working days without holidays"},
	} {
		if got := PublishDue(cal, c.category, calendar.Day(c.decided)).String(); got != c.want {
			t.Errorf("%s decided %s: due %s, want %s (%s)", c.category, c.decided, got, c.want, c.why)
		}
	}
}

func TestWithdrawDue(t *testing.T) {
	cal := calendar.Default()
	// Three calendar days (行政处罚法第四十八条); a period ending on a day off
	// ends on the next working day: 2026-09-28 + 3 = 10-01, a holiday → 10-08.
	if got := WithdrawDue(cal, calendar.Day("2026-09-28")).String(); got != "2026-10-08" {
		t.Errorf("withdraw due = %s, want 2026-10-08", got)
	}
	if got := WithdrawDue(cal, calendar.Day("2026-11-16")).String(); got != "2026-11-19" {
		t.Errorf("withdraw due = %s, want 2026-11-19", got)
	}
}

func TestEntryStates(t *testing.T) {
	today := calendar.Day("2026-12-01")
	e := &Entry{DecidedOn: calendar.Day("2026-11-19"), Due: calendar.Day("2026-11-30")}
	if !e.Overdue(today) || e.Late() {
		t.Error("unpublished past due must be overdue, not late")
	}
	e.PublishedOn = calendar.Day("2026-12-01")
	if e.Overdue(today) || !e.Late() {
		t.Error("published after due must be late")
	}
	e.PublishedOn = calendar.Day("2026-11-30")
	if e.Late() {
		t.Error("published on the due day is on time")
	}
	e.ChangedOn, e.WithdrawDue = calendar.Day("2026-11-25"), calendar.Day("2026-11-28")
	if !e.WithdrawLate(today) {
		t.Error("a withdrawal still unpublished after its due day is late")
	}
	e.WithdrawnOn = calendar.Day("2026-11-27")
	if e.WithdrawLate(today) {
		t.Error("a withdrawal published in time is not late")
	}
}

func valid() map[string]string {
	return map[string]string{"decision_no": "临司罚决〔2026〕1号", "decision_title": "行政处罚决定书", "category": "penalty", "body": "临沂市司法局",
		"party_type": "person", "person_name": "张三丰", "person_id": "371302199001011234", "basis": "律师法", "outcome": "penalised",
		"penalty_kind": "fine", "amount": "5000", "conclusion": "罚款。", "decided_on": "2026-03-02"}
}

func TestDecisionRules(t *testing.T) {
	out, bad := Decisions.Validate(valid())
	if len(bad) > 0 {
		t.Fatalf("valid decision refused: %v", bad)
	}
	if out["publicity_until"] != calendar.Day("2026-03-02").AddDays(PublicityDays).String() {
		t.Errorf("default publicity end = %q", out["publicity_until"])
	}
	for name, c := range map[string]struct {
		change map[string]string
		field  string
	}{
		"person name in the open field": {map[string]string{"party_name": "张三丰"}, "party_name"},
		"person without a name":         {map[string]string{"person_name": "", "person_id": ""}, "person_name"},
		"organisation without a name":   {map[string]string{"party_type": "legal", "person_name": "", "person_id": ""}, "party_name"},
		"penalty without its kind":      {map[string]string{"penalty_kind": ""}, "penalty_kind"},
		"licence outcome on a penalty":  {map[string]string{"outcome": "granted", "penalty_kind": ""}, "outcome"},
		"withdrawal without a reason":   {map[string]string{"changed_on": "2026-04-01"}, "withdrawal_reason"},
		"changed before decided":        {map[string]string{"changed_on": "2026-01-01", "withdrawal_reason": "撤销"}, "changed_on"},
		"publicity ends before":         {map[string]string{"publicity_until": "2026-03-01"}, "publicity_until"},
		"negative amount":               {map[string]string{"amount": "-1"}, "amount"},
	} {
		v := valid()
		for k, x := range c.change {
			v[k] = x
		}
		if _, bad := Decisions.Validate(v); bad[c.field] == "" {
			t.Errorf("%s: no message on %s (got %v)", name, c.field, bad)
		}
	}
}

func TestWithdrawnDecisionShowsOnlyTheReason(t *testing.T) {
	v := valid()
	v["changed_on"], v["withdrawal_reason"], v["facts"] = "2026-04-01", "经行政复议撤销", "事实"
	got := Decisions.Public([]lists.Row{{Key: "k", Values: v}}, calendar.Day("2026-04-02"))
	if len(got) != 1 {
		t.Fatal("a withdrawn decision keeps its notice in public")
	}
	pv := got[0].Values
	for _, n := range []string{"person_name", "person_id", "facts", "conclusion", "amount"} {
		if pv[n] != "" {
			t.Errorf("withdrawn decision still shows %s = %q", n, pv[n])
		}
	}
	if pv["withdrawal_reason"] != "经行政复议撤销" || pv["decision_no"] == "" {
		t.Errorf("withdrawn notice = %v", pv)
	}
}

func TestGuideCompleteness(t *testing.T) {
	g := demoGuides()[0]
	if miss, score := Guides.Missing(g); len(miss) != 0 || score != 100 {
		t.Fatalf("demo guide incomplete: %v %d", miss, score)
	}
	delete(g, "materials")
	delete(g, "tolerance")
	miss, score := Guides.Missing(g)
	if strings.Join(miss, ",") != "申请材料,容缺受理" || score != (len(Guides.Complete)-2)*100/len(Guides.Complete) {
		t.Errorf("missing = %v, score %d", miss, score)
	}
	for _, g := range demoGuides() {
		if _, bad := Guides.Validate(g); len(bad) > 0 {
			t.Errorf("demo guide %s invalid: %v", g["name"], bad)
		}
	}
}

func TestFiguresFindings(t *testing.T) {
	led := []*Entry{
		{DecidedOn: calendar.Day("2026-12-30")}, // unpublished
		{DecidedOn: calendar.Day("2026-05-06"), PublishedOn: calendar.Day("2026-05-07")},
		{DecidedOn: calendar.Day("2027-01-04")}, // this year's: not counted
	}
	if f := figuresFindings(led, calendar.Day("2026-12-31")); f != nil {
		t.Errorf("before the year ends: %v", f)
	}
	f := figuresFindings(led, calendar.Day("2027-01-20"))
	if len(f) != 1 || f[0].Level != "soon" || f[0].Due != "2027-01-31" || !strings.Contains(f[0].Message, "2026年有 1 件") {
		t.Errorf("in January: %+v", f)
	}
	if f := figuresFindings(led, calendar.Day("2027-02-01")); len(f) != 1 || f[0].Level != "fault" {
		t.Errorf("after 31 January: %+v", f)
	}
	led[0].PublishedOn = calendar.Day("2027-01-05")
	if f := figuresFindings(led, calendar.Day("2027-02-01")); f != nil {
		t.Errorf("all published: %v", f)
	}
}
