package execution

import (
	"strings"
	"testing"

	"gongkai/internal/calendar"
)

// Calendar months end on the same day number, or the month's last day
// (民法典第二百零二条); a period ending on a day off ends on the next working day.
func TestReplyDue(t *testing.T) {
	cal := calendar.Default()
	for _, c := range []struct {
		assigned  string
		difficult bool
		want      string
	}{
		{"2026-08-31", false, "2026-11-30"}, // November has no 31st
		{"2026-09-05", false, "2026-12-07"}, // 12-05 is a Saturday
		{"2026-08-31", true, "2027-03-01"},  // 2027-02-28 is a Sunday
		{"2026-07-01", false, "2026-10-08"}, // National Day holiday
		{"2025-11-30", false, "2026-02-28"}, // a Saturday, but a make-up working day of the 2026 Spring Festival
	} {
		if got := ReplyDue(cal, calendar.Day(c.assigned), c.difficult).String(); got != c.want {
			t.Errorf("ReplyDue(%s, %v) = %s, want %s", c.assigned, c.difficult, got, c.want)
		}
	}
	if got := AddMonths(calendar.Day("2024-11-30"), 3).String(); got != "2025-02-28" {
		t.Errorf("AddMonths over a year end: %s", got)
	}
	if got := AddMonths(calendar.Day("2023-11-29"), 3).String(); got != "2024-02-29" {
		t.Errorf("AddMonths into a leap February: %s", got)
	}
}

func TestUseScheme(t *testing.T) {
	defer UseScheme("abc")
	if err := UseScheme("abcd"); err != nil {
		t.Fatal(err)
	}
	f, _ := Proposals.Field("result_class")
	if len(f.Options) != 4 || len(ResultClasses()) != 4 {
		t.Errorf("abcd scheme: %d options", len(f.Options))
	}
	if err := UseScheme("xyz"); err == nil {
		t.Error("an unknown scheme is accepted")
	}
}

func TestStale(t *testing.T) {
	today := calendar.Day("2026-12-01")
	tk := &Task{StartsOn: "2026-06-01", Due: "2026-12-31", Values: map[string]string{}, Timeline: []Entry{{On: "2026-08-31"}}}
	tk.state(today)
	if !tk.Stale || tk.UpdateDue != "2026-11-30" || tk.State != OnSchedule {
		t.Errorf("%+v", tk)
	}
	tk = &Task{StartsOn: "2026-06-01", Due: "2026-12-31", Values: map[string]string{"update_months": "6"}, Timeline: []Entry{{On: "2026-08-31"}}}
	tk.state(today)
	if tk.Stale || tk.UpdateDue != "2027-02-28" {
		t.Errorf("6-month period: %+v", tk)
	}
	tk = &Task{StartsOn: "2026-01-01", Due: "2026-06-30", Completed: "2026-06-30", Values: map[string]string{}}
	tk.state(today)
	if tk.Stale || tk.State != Done {
		t.Errorf("done: %+v", tk)
	}
}

// The co-handler's opinion text is withheld unless the site publishes it
// (条例第十六条第二款 lets withhold process information; a setting).
func TestCoOpinionTextSetting(t *testing.T) {
	row := func() map[string]string { return map[string]string{"co_unit": "市财政局", "opinion": "原文"} }
	if got := redactCoOpinion(row()); got["opinion"] != "" || got["co_unit"] != "市财政局" {
		t.Errorf("withheld by default: %v", got)
	}
	defer PublishCoOpinions(Config.PublishCoOpinionText)
	PublishCoOpinions(true)
	if got := redactCoOpinion(row()); got["opinion"] != "原文" || strings.Contains(CoOpinions.Intro, "不予公开") {
		t.Errorf("published when set: %v (%s)", got, CoOpinions.Intro)
	}
}

// Planned classes follow the scheme (RECORDS §7.4).
func TestPlannedClasses(t *testing.T) {
	defer func(old string) { UseScheme(old) }(Config.Scheme)
	for _, c := range []struct {
		scheme string
		class  map[string]bool
	}{{"abc", map[string]bool{"A": false, "B": true, "C": false}}, {"abcd", map[string]bool{"A": false, "B": true, "C": true, "D": false}}, {"jyb", map[string]bool{"B": true, "C": false}}} {
		if err := UseScheme(c.scheme); err != nil {
			t.Fatal(err)
		}
		for cl, want := range c.class {
			if Planned(cl) != want {
				t.Errorf("%s %s: planned %v", c.scheme, cl, !want)
			}
		}
	}
}
