package interact

import (
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

// Reply deadlines over real 2025 dates: the National Day and Spring
// Festival holidays are skipped and their make-up working days (调休上班,
// 国办发明电〔2024〕12号) count.
func TestDueDatesAcrossHolidays(t *testing.T) {
	cal := calendar.Default()
	for _, tc := range []struct {
		cat, received, due string
		why                string
	}{
		{"consult", "2025-09-30", "2025-10-14", "Oct 1–8 off; Sat Oct 11 is a make-up working day"},
		{"error", "2025-09-26", "2025-09-30", "Sun Sep 28 is a make-up working day: 3 working days end on Tue"},
		{"legal", "2025-01-24", "2025-02-07", "Sun Jan 26 counts; Jan 28–Feb 4 off"},
		{"suggestion", "2025-04-30", "2025-05-12", "May 1–5 off: May 6, 7, 8, 9, 12"},
		{"complaint", "2025-06-06", "2025-06-13", "an ordinary week"},
	} {
		st, err := Replay(cal, tc.cat, day(t, tc.received), []Event{{Type: EvReceived, On: day(t, tc.received)}})
		if err != nil {
			t.Fatal(err)
		}
		if st.Due.String() != tc.due {
			t.Errorf("%s received %s: due %s, want %s (%s)", tc.cat, tc.received, st.Due, tc.due, tc.why)
		}
	}
}

func TestPeriodFixedAtReceipt(t *testing.T) {
	st, err := Replay(calendar.Default(), "consult", day(t, "2025-09-30"), []Event{{Type: EvReceived, On: day(t, "2025-09-30"), Period: 2}})
	if err != nil {
		t.Fatal(err)
	}
	// 2 working days after Sep 30: Oct 9, Oct 10.
	if st.Due.String() != "2025-10-10" {
		t.Errorf("due %s, want 2025-10-10", st.Due)
	}
}

func TestAddMonths(t *testing.T) {
	for _, tc := range [][3]any{
		{"2025-11-30", 3, "2026-02-28"}, {"2025-08-31", 3, "2025-11-30"}, {"2025-01-15", 3, "2025-04-15"},
		{"2024-02-29", -12, "2023-02-28"}, {"2025-12-31", 2, "2026-02-28"}, {"2025-03-31", -1, "2025-02-28"},
	} {
		if got := AddMonths(day(t, tc[0].(string)), tc[1].(int)).String(); got != tc[2] {
			t.Errorf("AddMonths(%s, %d) = %s, want %s", tc[0], tc[1], got, tc[2])
		}
	}
}

func TestLedgerSteps(t *testing.T) {
	cal := calendar.Default()
	rec := day(t, "2025-09-30")
	evs := []Event{{Type: EvReceived, On: rec}}
	st, _ := Replay(cal, "complaint", rec, evs)
	step := func(ev Event) error { return st.apply("complaint", ev) }
	if err := step(Event{Type: EvPublished, On: rec}); errs.CodeOf(err) != errs.Conflict {
		t.Errorf("publish before review: %v", err)
	}
	if err := step(Event{Type: EvRouted, On: rec, DepartmentID: 1}); err != nil {
		t.Fatal(err)
	}
	if err := step(Event{Type: EvTransferred, On: rec, DepartmentID: 2}); errs.CodeOf(err) != errs.Invalid {
		t.Errorf("transfer without reason: %v", err)
	}
	if err := step(Event{Type: EvTransferred, On: rec, DepartmentID: 2, Reason: "职责"}); err != nil || st.DepartmentID != 2 {
		t.Fatalf("transfer: %v, department %d", err, st.DepartmentID)
	}
	if err := step(Event{Type: EvDrafted, On: rec, Answer: "答复"}); errs.FieldsOf(err)["where"] == "" {
		t.Errorf("a complaint's answer without where it is handled: %v", err)
	}
	if err := step(Event{Type: EvDrafted, On: rec, Answer: "答复", Where: "区司法局"}); err != nil || st.Status != StReview {
		t.Fatalf("draft: %v %s", err, st.Status)
	}
	if err := step(Event{Type: EvReviewed, On: rec, Approved: false}); errs.FieldsOf(err)["note"] == "" {
		t.Errorf("return without a note: %v", err)
	}
	if err := step(Event{Type: EvReviewed, On: rec, Approved: true}); err != nil || st.Status != StApproved {
		t.Fatalf("review: %v %s", err, st.Status)
	}
	if err := step(Event{Type: EvRated, On: rec, Rating: "satisfied"}); errs.CodeOf(err) != errs.Conflict {
		t.Errorf("rating before the answer: %v", err)
	}
	// Answered on Oct 15, one working day after the due date Oct 14: late,
	// 6 working days (Oct 9, 10, 11, 13, 14, 15).
	if err := step(Event{Type: EvPublished, On: day(t, "2025-10-15"), Public: true}); err != nil {
		t.Fatal(err)
	}
	if st.Workdays != 6 || st.OnTime() || !st.Overdue(day(t, "2026-01-01")) {
		t.Errorf("workdays %d, on time %v", st.Workdays, st.OnTime())
	}
	if err := step(Event{Type: EvInvalid, On: rec, Reason: "duplicate"}); errs.CodeOf(err) != errs.Conflict {
		t.Errorf("invalid after the answer: %v", err)
	}
	if err := step(Event{Type: EvRated, On: rec, Rating: "basic"}); err != nil || st.Rating != "basic" {
		t.Fatalf("rate: %v", err)
	}
	if err := step(Event{Type: EvRated, On: rec, Rating: "satisfied"}); errs.CodeOf(err) != errs.Conflict {
		t.Errorf("second rating: %v", err)
	}
	if got := st.VetoLine().String(); got != "2025-12-30" {
		t.Errorf("veto line %s", got)
	}
}

func TestMedian(t *testing.T) {
	c := Counts{hist: map[int]int{1: 2, 3: 1, 10: 1}} // 1 1 3 10
	if got := c.MedianWorkdays(); got != 2 {
		t.Errorf("median %v, want 2", got)
	}
	c.hist[4] = 1 // 1 1 3 4 10
	if got := c.MedianWorkdays(); got != 3 {
		t.Errorf("median %v, want 3", got)
	}
}

func TestMaskText(t *testing.T) {
	got := MaskText("我的电话13912345678，身份证37130219800101123X，邮箱a.b@example.com，座机0539-8123456。")
	for _, bad := range []string{"13912345678", "37130219800101123X", "a.b@example.com", "8123456"} {
		if contains(got, bad) {
			t.Errorf("%q left in %q", bad, got)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
