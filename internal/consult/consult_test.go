package consult

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

// TestCheckWindow: 条例第十五条 counts calendar days ("不少于30日"), so
// holidays neither lengthen nor shorten the window: a consultation opened
// on the eve of the 2025 National Day holiday (10-01…10-08) must still
// close on or after 10-30; one opened on 2025-01-26, a make-up working
// day before the Spring Festival, on or after 02-25.
func TestCheckWindow(t *testing.T) {
	for _, c := range []struct {
		name, kind   string
		major        bool
		opens, close string
		reason       string
		wantErr      string // "" for none; else a part of the message
	}{
		{"legislative 30 days", "legislative", false, "2025-09-30", "2025-10-30", "", ""},
		{"legislative 29 days across the holiday", "legislative", false, "2025-09-30", "2025-10-29", "", "不能早于 2025-10-30"},
		{"decision across the Spring Festival", "decision", false, "2025-01-26", "2025-02-25", "", ""},
		{"decision one day short", "decision", false, "2025-01-26", "2025-02-24", "", "《重大行政决策程序暂行条例》第十五条"},
		{"legislative 20 days", "legislative", false, "2026-10-31", "2026-11-20", "", "不少于30日"},
		{"shortened with its reason", "legislative", false, "2026-10-31", "2026-11-10", "上位法修改，须在年底前完成", ""},
		{"policy 10 days", "policy", false, "2026-10-31", "2026-11-10", "", ""},
		{"policy of a major decision", "policy", true, "2026-10-31", "2026-11-10", "", "不少于30日"},
		{"closes before it opens", "policy", false, "2026-11-10", "2026-11-09", "", "不能早于开始日期"},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := errs.Validation{}
			CheckWindow(c.kind, c.major, day(t, c.opens), day(t, c.close), c.reason, v)
			got := v["closes_on"]
			if c.wantErr == "" && got != "" || c.wantErr != "" && !strings.Contains(got, c.wantErr) {
				t.Errorf("closes_on: %q, want %q", got, c.wantErr)
			}
		})
	}
}

// TestValidateSaysTheRule: the refusal's top message is the rule itself
// (the API's error message), not a generic one.
func TestValidateSaysTheRule(t *testing.T) {
	in := Input{Title: "草案", Kind: "legislative", OpensOn: "2026-10-31", ClosesOn: "2026-11-20", Articles: []Article{{Body: "第一条"}}}
	err := in.Validate()
	if errs.CodeOf(err) != errs.Invalid || !strings.Contains(errs.MessageOf(err), "立法草案征求意见期限不少于30日") {
		t.Fatalf("%v", err)
	}
}

// TestStateOn: the state follows the dates and the report.
func TestStateOn(t *testing.T) {
	c := &Consultation{ItemStatus: "published", OpensOn: "2026-11-01", ClosesOn: "2026-11-30"}
	for today, want := range map[string]string{"2026-10-31": StateUpcoming, "2026-11-01": StateOpen, "2026-11-30": StateOpen, "2026-12-01": StateClosed} {
		if got := c.StateOn(day(t, today)); got != want {
			t.Errorf("%s: %s, want %s", today, got, want)
		}
	}
	c.ReportPublishedOn = "2026-12-10"
	if got := c.StateOn(day(t, "2026-12-20")); got != StateFeedback {
		t.Errorf("with its report: %s", got)
	}
	c.ItemStatus = "draft"
	if got := c.StateOn(day(t, "2026-11-05")); got != StateDraft {
		t.Errorf("draft record: %s", got)
	}
}
