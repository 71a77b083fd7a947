package calendar

import (
	"strings"
	"sync"
	"testing"
)

// Expected answers were worked out by hand from the REFERENCE §9.2 tables and a
// printed month calendar; the comment on each case gives the count. "mk" marks
// a make-up working day (counted), "off" a listed day off, "we" a weekend.

var addWorkdaysCases = []struct {
	start string
	n     int
	want  string
	why   string
}{
	// 2021 国庆 10-01..07 off, 10-09 Sat mk. 09-29(1) 09-30(2) 10-08(3) 10-09mk(4)
	// 10-11..15(5-9) 10-18..22(10-14) 10-25..29(15-19) 11-01(20).
	{"2021-09-28", 20, "2021-11-01", "the required check: 20 working days across 国庆"},
	// …then 11-02..05(21-24) 11-08..12(25-29) 11-15..19(30-34) 11-22..26(35-39) 11-29(40).
	{"2021-09-28", 40, "2021-11-29", "条例第三十三条 20+20 after extension"},
	// Starting on a holiday: 10-04..07 off, 10-08 Fri is the first working day.
	{"2021-10-03", 1, "2021-10-08", "start on a holiday (国庆 Sunday)"},
	// 10-08(1) 10-09mk(2) 10-11..15(3-7) 10-18..22(8-12) 10-25..29(13-17) 11-01..03(18-20).
	{"2021-10-01", 20, "2021-11-03", "start on the first day of 国庆"},
	// Starting on a make-up Saturday: 10-10 Sun we, 10-11 Mon(1).
	{"2021-10-09", 1, "2021-10-11", "start on a make-up Saturday"},
	// Starting on a make-up Sunday: 09-27(1) 09-28(2) 09-29(3) 09-30(4), 10-01..07 off, 10-08(5).
	{"2021-09-26", 5, "2021-10-08", "start on a make-up Sunday"},
	// 10-09 is a make-up Saturday, so it is the next working day.
	{"2021-10-08", 1, "2021-10-09", "due date on a make-up Saturday"},
	// 2021 中秋: 09-18 Sat mk(1), 09-19..21 off, 09-22(2).
	{"2021-09-17", 2, "2021-09-22", "中秋 with a make-up Saturday before it"},
	// 2020 春节: 01-18 Sat we, 01-19 Sun mk(1), 01-20 Mon(2).
	{"2020-01-17", 2, "2020-01-20", "make-up Sunday before 春节 2020"},
	// 01-24..02-02 off (the 02-01 make-up Saturday was cancelled), 02-03 Mon(1).
	{"2020-01-23", 1, "2020-02-03", "2020 春节 extended to 02-02"},
	// 01-23(1), 01-24..02-02 off, 02-03..07(2-6) 02-10..14(7-11) 02-17..21(12-16) 02-24..27(17-20).
	{"2020-01-22", 20, "2020-02-27", "20 working days across the extended 春节"},
	// 2020 劳动节: 04-25 Sat we, 04-26 Sun mk(1), 04-27..30(2-5).
	{"2020-04-24", 5, "2020-04-30", "make-up Sunday before 劳动节 2020"},
	// 05-01..05 off, 05-06(1) 05-07(2) 05-08(3) 05-09 Sat mk(4).
	{"2020-04-30", 4, "2020-05-09", "due on the make-up Saturday after 劳动节 2020"},
	// 2020 国庆+中秋: 09-26 Sat we, 09-27 Sun mk(1), 09-28(2), 09-29(3).
	{"2020-09-25", 3, "2020-09-29", "make-up Sunday before 国庆 2020"},
	// 10-01..08 off, 10-09 Fri(1), 10-10 Sat mk(2).
	{"2020-09-30", 2, "2020-10-10", "8-day 国庆 2020 then a make-up Saturday"},
	// Year end: 12-31 Thu(1), 2021-01-01..03 off, 01-04(2), 01-05(3).
	{"2020-12-30", 3, "2021-01-05", "year end 2020 into 元旦 2021"},
	// Year end: 12-30 Fri(1), 12-31 Sat off (listed in the 2023 notice),
	// 2023-01-01..02 off, 01-03 Tue(2).
	{"2022-12-29", 2, "2023-01-03", "元旦 2023 starting on 2022-12-31"},
	// Year end: 12-29 Fri(1), 12-30/31 we, 2024-01-01 off, 01-02(2), 01-03(3).
	{"2023-12-28", 3, "2024-01-03", "元旦 2024 joined with an ordinary weekend"},
	// Year end: 2025-01-01 Wed off, 01-02 Thu(1).
	{"2024-12-31", 1, "2025-01-02", "one-day 元旦 2025, no swap"},
	// Year end: 2026-01-01..03 off, 01-04 Sun mk(1).
	{"2025-12-31", 1, "2026-01-04", "make-up Sunday right after 元旦 2026"},
	// 2022 春节: 01-29 Sat mk(1), 01-30 Sun mk(2).
	{"2022-01-28", 2, "2022-01-30", "two make-up weekend days in a row"},
	// …01-31..02-06 off, 02-07 Mon(3).
	{"2022-01-28", 3, "2022-02-07", "across 春节 2022"},
	// 2022 清明: 04-02 Sat mk(1), 04-03..05 off, 04-06 Wed(2).
	{"2022-04-01", 2, "2022-04-06", "清明 2022 with a make-up Saturday"},
	// 2022 国庆: 10-01..07 off, 10-08 Sat mk(1), 10-09 Sun mk(2).
	{"2022-09-30", 2, "2022-10-09", "due on a make-up Sunday after 国庆 2022"},
	// 2023 春节: 01-21..27 off, 01-28 Sat mk(1).
	{"2023-01-20", 1, "2023-01-28", "make-up Saturday after 春节 2023"},
	// 2023 中秋+国庆: 09-29..10-06 off, 10-07 mk(1) 10-08 mk(2), 10-09..13(3-7)
	// 10-16..20(8-12) 10-23..27(13-17) 10-30(18) 10-31(19) 11-01(20).
	{"2023-09-28", 20, "2023-11-01", "20 working days across 中秋国庆 2023"},
	// 2024 春节: 02-09 Fri (除夕, only encouraged leave) (1), 02-10..17 off, 02-18 Sun mk(2).
	{"2024-02-08", 2, "2024-02-18", "除夕 2024 is a working day"},
	// 2024 端午: 06-08/09 we, 06-10 Mon off, 06-11 Tue(1).
	{"2024-06-07", 1, "2024-06-11", "one-day 端午 2024 joined with the weekend"},
	// 2024 国庆: 09-28 we, 09-29 Sun mk(1), 09-30(2), 10-01..07 off, 10-08..11(3-6),
	// 10-12 Sat mk(7), 10-13 we, 10-14..18(8-12) 10-21..25(13-17) 10-28..30(18-20).
	{"2024-09-27", 20, "2024-10-30", "国庆 2024 with make-up days on both sides"},
	// 2025 春节: 01-25 Sat we, 01-26 Sun mk(1).
	{"2025-01-24", 1, "2025-01-26", "make-up Sunday before 春节 2025"},
	// 01-28..02-04 off, 02-05(1) 02-06(2) 02-07(3) 02-08 Sat mk(4), 02-09 we, 02-10(5).
	{"2025-01-27", 5, "2025-02-10", "across 春节 2025 and its make-up Saturday"},
	// 2025 国庆+中秋: 10-01..08 off, 10-09 Thu(1).
	{"2025-09-30", 1, "2025-10-09", "8-day 国庆 2025"},
	// 2026 春节: 02-14 Sat mk(1), 02-15..23 off, 02-24 Tue(2).
	{"2026-02-13", 2, "2026-02-24", "9-day 春节 2026"},
	// 02-28 Sat mk(1).
	{"2026-02-27", 1, "2026-02-28", "make-up Saturday after 春节 2026"},
	// 2026: 09-19 we, 09-20 Sun mk(1), 09-21..24(2-5), 09-25..27 off, 09-28..30(6-8),
	// 10-01..07 off, 10-08(9) 10-09(10) 10-10 Sat mk(11), 10-11 we, 10-12..16(12-16), 10-19..22(17-20).
	{"2026-09-18", 20, "2026-10-22", "中秋 and 国庆 2026 apart"},
	// 2027 has no notice yet: plain weekends only. 12-25(1) 12-28..31(2-5),
	// 2027-01-01 Fri(6) (counted, no data), 01-04..07(7-10).
	// 2027 has no notice: 元旦 (Friday 2027-01-01) is a statutory day off.
	{"2026-12-24", 10, "2027-01-08", "into a year without data"},
	// Zero days: the start date itself, even on a holiday.
	{"2021-10-01", 0, "2021-10-01", "n = 0"},
}

func TestAddWorkdays(t *testing.T) {
	c := Default()
	for _, tc := range addWorkdaysCases {
		t.Run(tc.start+"+"+tc.why, func(t *testing.T) {
			d := mustDate(t, tc.start)
			want := mustDate(t, tc.want)
			if got := c.AddWorkdays(d, tc.n); got != want {
				t.Fatalf("AddWorkdays(%s, %d) = %s, want %s", d, tc.n, got, want)
			}
			if got := c.WorkdaysBetween(d, want); got != tc.n {
				t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", d, want, got, tc.n)
			}
			e := c.ExplainAddWorkdays(d, tc.n)
			assertExplanation(t, c, e, d, want)
			counted := 0
			for _, s := range e.Steps {
				if s.Counted {
					counted++
				}
			}
			if counted != tc.n {
				t.Errorf("explanation counts %d working days, want %d", counted, tc.n)
			}
		})
	}
}

var addDaysCases = []struct {
	start string
	n     int
	want  string
	why   string
}{
	// 06-14 is 端午 (Mon, off); 06-21 is a Monday, a working day.
	{"2021-06-14", 7, "2021-06-21", "the CLI example, starting on a holiday"},
	// 09-28 + 5 = 10-03 Sun in 国庆; 10-04..07 off; 10-08 Fri.
	{"2021-09-28", 5, "2021-10-08", "ends in 国庆: extended to the first working day"},
	// 09-24 + 15 = 10-09, a make-up Saturday: a working day, so it stays.
	{"2021-09-24", 15, "2021-10-09", "ends on a make-up Saturday: no extension"},
	// 10-14 + 2 = 10-16 Sat we, 10-17 Sun we, 10-18 Mon.
	{"2021-10-14", 2, "2021-10-18", "ends on an ordinary weekend"},
	// 01-20 + 5 = 01-25 (春节, off), 01-26..27 off, 01-28 Sat mk.
	{"2023-01-20", 5, "2023-01-28", "extended from 春节 onto a make-up Saturday"},
	// 12-16 + 15 = 12-31 Sat, 元旦 of the 2023 notice; 2023-01-01..02 off; 01-03 Tue.
	{"2022-12-16", 15, "2023-01-03", "year end: 2022-12-31 is a holiday of 2023"},
	// 01-17 + 15 = 02-01 Sat, the cancelled make-up day (off); 02-02 off; 02-03 Mon.
	{"2020-01-17", 15, "2020-02-03", "the cancelled 2020 make-up Saturday"},
	// 09-13 + 15 = 09-28 Sun, a make-up day: it stays.
	{"2025-09-13", 15, "2025-09-28", "ends on a make-up Sunday"},
	// 2026-12-12 + 20 = 2027-01-01 Fri; 2027 has no data, so a plain weekday.
	// The 20th day is 元旦 2027 (statutory, no notice yet), then a weekend.
	{"2026-12-12", 20, "2027-01-04", "into a year without data"},
	// n = 0 on a holiday: the day itself is off, so the next working day.
	{"2021-10-01", 0, "2021-10-08", "n = 0 on a holiday"},
	// 2024-12-02 + 30 = 2025-01-01 Wed, 元旦 (off); 01-02 Thu.
	{"2024-12-02", 30, "2025-01-02", "30 days ending on 元旦 2025"},
}

func TestAddDays(t *testing.T) {
	c := Default()
	for _, tc := range addDaysCases {
		t.Run(tc.start+"+"+tc.why, func(t *testing.T) {
			d := mustDate(t, tc.start)
			want := mustDate(t, tc.want)
			if got := c.AddDays(d, tc.n); got != want {
				t.Fatalf("AddDays(%s, %d) = %s, want %s", d, tc.n, got, want)
			}
			assertExplanation(t, c, c.ExplainAddDays(d, tc.n), d, want)
		})
	}
}

var betweenCases = []struct {
	a, b string
	want int
	why  string
}{
	{"2021-09-28", "2021-11-01", 20, "the required check, backwards"},
	{"2021-09-30", "2021-10-07", 0, "only 国庆 days off"},
	{"2021-10-07", "2021-10-10", 2, "10-08 Fri and the 10-09 make-up Saturday"},
	{"2021-11-01", "2021-09-28", 0, "b before a"},
	{"2021-11-01", "2021-11-01", 0, "b equals a"},
	{"2021-11-01", "2021-11-02", 1, "the next day, a Tuesday"},
	{"2022-12-30", "2023-01-03", 1, "only 01-03: 12-31 to 01-02 are 元旦"},
}

func TestWorkdaysBetween(t *testing.T) {
	c := Default()
	for _, tc := range betweenCases {
		t.Run(tc.a+"_"+tc.b, func(t *testing.T) {
			a, b := mustDate(t, tc.a), mustDate(t, tc.b)
			if got := c.WorkdaysBetween(a, b); got != tc.want {
				t.Fatalf("WorkdaysBetween(%s, %s) = %d, want %d (%s)", a, b, got, tc.want, tc.why)
			}
			e := c.ExplainWorkdaysBetween(a, b)
			if e.N != tc.want || e.Summary == "" || e.Version != c.Version() {
				t.Errorf("ExplainWorkdaysBetween = N %d, summary %q, version %q", e.N, e.Summary, e.Version)
			}
		})
	}
}

// TestDeadlineProperties checks every start day of 2020–2026 against the
// definitions, independently of the hand-worked cases.
func TestDeadlineProperties(t *testing.T) {
	c := Default()
	for d := mustDate(t, "2020-01-01"); d.Year <= 2026; d = d.AddDays(1) {
		for _, n := range []int{1, 7, 15, 20, 40} {
			due := c.AddWorkdays(d, n)
			if !c.IsWorkday(due) || c.WorkdaysBetween(d, due) != n || c.WorkdaysBetween(d, due.AddDays(-1)) != n-1 {
				t.Fatalf("AddWorkdays(%s, %d) = %s is not the %d-th working day", d, n, due, n)
			}
			end := c.AddDays(d, n)
			if !c.IsWorkday(end) || end.Before(d.AddDays(n)) || c.WorkdaysBetween(d.AddDays(n-1), end.AddDays(-1)) != 0 {
				t.Fatalf("AddDays(%s, %d) = %s is not the first working day from %s", d, n, end, d.AddDays(n))
			}
		}
	}
}

func TestExplainAddWorkdaysSteps(t *testing.T) {
	c := Default()
	e := c.ExplainAddWorkdays(mustDate(t, "2021-09-28"), 20)
	want := map[string]struct {
		kind    DayKind
		counted bool
		note    string
	}{
		"2021-09-29": {Workday, true, "工作日，计第1个工作日"},
		"2021-10-01": {Holiday, false, "节假日（放假，依国办发明电〔2020〕27号），不计入"},
		"2021-10-09": {MakeupWorkday, true, "调休上班（补班，依国办发明电〔2020〕27号），计第4个工作日"},
		"2021-10-10": {Weekend, false, "周末，不计入"},
		"2021-11-01": {Workday, true, "工作日，计第20个工作日"},
	}
	for _, s := range e.Steps {
		w, ok := want[s.Date.String()]
		if !ok {
			continue
		}
		delete(want, s.Date.String())
		if s.Kind != w.kind || s.Counted != w.counted || s.Note != w.note {
			t.Errorf("step %s = %v %v %q, want %v %v %q", s.Date, s.Kind, s.Counted, s.Note, w.kind, w.counted, w.note)
		}
	}
	for d := range want {
		t.Errorf("no step for %s", d)
	}
	if len(e.Steps) != 34 {
		t.Errorf("%d steps, want 34 (09-29 to 11-01)", len(e.Steps))
	}
	for _, s := range []string{"2021-09-28", "第20个工作日为2021-11-01（周一）", "周末7天", "节假日7天", "调休上班日1天"} {
		if !strings.Contains(e.Summary, s) {
			t.Errorf("summary %q lacks %q", e.Summary, s)
		}
	}
	if !strings.Contains(e.Basis, "第三十三条") || e.Warnings != nil {
		t.Errorf("basis %q, warnings %q", e.Basis, e.Warnings)
	}
}

func TestExplainAddDaysExtension(t *testing.T) {
	c := Default()
	e := c.ExplainAddDays(mustDate(t, "2021-09-28"), 5)
	if e.End != mustDate(t, "2021-10-08") || len(e.Steps) != 10 {
		t.Fatalf("End %s with %d steps, want 2021-10-08 with 10", e.End, len(e.Steps))
	}
	nominal, last := e.Steps[4], e.Steps[9]
	if nominal.Date != mustDate(t, "2021-10-03") || !nominal.Counted || !strings.Contains(nominal.Note, "顺延") {
		t.Errorf("5th step = %+v", nominal)
	}
	if e.Steps[5].Counted || last.Counted || !strings.Contains(last.Note, "顺延后的期间最后一日") {
		t.Errorf("extension steps = %+v … %+v", e.Steps[5], last)
	}
	if !strings.Contains(e.Summary, "第二百零三条") || !strings.Contains(e.Basis, "第二百零三条") {
		t.Errorf("summary %q, basis %q", e.Summary, e.Basis)
	}

	e = c.ExplainAddDays(mustDate(t, "2021-09-24"), 15)
	if e.End != mustDate(t, "2021-10-09") || len(e.Steps) != 15 || !strings.Contains(e.Summary, "是工作日") {
		t.Errorf("make-up Saturday: End %s, %d steps, summary %q", e.End, len(e.Steps), e.Summary)
	}
}

func TestExplainWarnsAboutUnknownYears(t *testing.T) {
	c := Default()
	e := c.ExplainAddWorkdays(mustDate(t, "2026-12-24"), 10)
	if len(e.Warnings) != 1 || !strings.Contains(e.Warnings[0], "2027年度放假通知尚未录入") || !strings.Contains(e.Warnings[0], "暂定") || !e.Provisional {
		t.Errorf("warnings = %q, provisional %v", e.Warnings, e.Provisional)
	}
	var newYear *Step
	for i := range e.Steps {
		if e.Steps[i].Date == mustDate(t, "2027-01-01") {
			newYear = &e.Steps[i]
		}
	}
	if newYear == nil || newYear.Counted || !strings.Contains(newYear.Note, "元旦") || !strings.Contains(newYear.Note, "暂定") {
		t.Errorf("2027-01-01 step: %+v", newYear)
	}
	if e := c.ExplainAddDays(mustDate(t, "2021-01-04"), 3); e.Warnings != nil || e.Provisional {
		t.Errorf("known year: warnings = %q, provisional %v", e.Warnings, e.Provisional)
	}
	// Before the 795号 revision, an unknown year is counted with weekends only.
	if w := c.ExplainAddWorkdays(mustDate(t, "2019-12-20"), 10).Warnings; len(w) != 1 || !strings.Contains(w[0], "2019年度节假日安排尚未录入") {
		t.Errorf("2019: warnings = %q", w)
	}
}

func TestNegativeCountPanics(t *testing.T) {
	c := Default()
	for name, f := range map[string]func(){
		"AddWorkdays":        func() { c.AddWorkdays(mustDate(t, "2021-01-04"), -1) },
		"AddDays":            func() { c.AddDays(mustDate(t, "2021-01-04"), -1) },
		"ExplainAddWorkdays": func() { c.ExplainAddWorkdays(mustDate(t, "2021-01-04"), MaxDays+1) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			f()
		})
	}
}

func TestConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			c := Default()
			if got := c.AddWorkdays(Date{2021, 9, 28}, 20); got != (Date{2021, 11, 1}) {
				t.Errorf("AddWorkdays = %s", got)
			}
			_ = c.ExplainAddDays(Date{2021, 9, 28}, 5)
		})
	}
	wg.Wait()
}

func assertExplanation(t *testing.T, c *Calendar, e Explanation, start, end Date) {
	t.Helper()
	if e.Start != start || e.End != end {
		t.Errorf("explanation runs %s to %s, want %s to %s", e.Start, e.End, start, end)
	}
	if len(e.Steps) != end.Sub(start) && !(end == start && len(e.Steps) == 0) {
		t.Errorf("explanation has %d steps, want one per day after %s up to %s (%d)", len(e.Steps), start, end, end.Sub(start))
	}
	for i, s := range e.Steps {
		if s.Date != start.AddDays(i+1) || s.Kind != c.Kind(s.Date) || s.Note == "" {
			t.Errorf("step %d = %+v", i, s)
		}
	}
	if e.Summary == "" || e.Basis == "" || e.Version != c.Version() {
		t.Errorf("summary %q, basis %q, version %q", e.Summary, e.Basis, e.Version)
	}
}
