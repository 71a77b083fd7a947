package calendar

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The holiday tables of domain/REFERENCE.md §9.2, copied by hand from the
// markdown (not from the JSON), weekday names included, so that a mistake in
// either the data file or this transcription shows up as a failure.

type refHoliday struct {
	name     string
	from, to string   // first and last day off, "YYYY-MM-DD 周X"
	count    int      // the table's Count column
	makeup   []string // make-up working days, "YYYY-MM-DD 周X"
}

type refYear struct {
	year    int
	notices []string
	// Totals from §9.1/§9.2: listed days off (weekends inside a span count;
	// 2022-12-31 counts for 2023; the ordinary weekend 2023-12-30/31 next to
	// 2024's 元旦 does not) and make-up working days on weekends (holiday-cn's
	// Monday 2020-02-03 "work" entry is an ordinary working day and does not count).
	daysOff, makeupDays int
	holidays            []refHoliday
}

var reference = []refYear{
	{2020, []string{"国办发明电〔2019〕16号", "国办发明电〔2020〕1号"}, 30, 6, []refHoliday{
		{"元旦", "2020-01-01 周三", "2020-01-01 周三", 1, nil},
		// The planned make-up Saturday 2020-02-01 was cancelled by the extension.
		{"春节", "2020-01-24 周五", "2020-02-02 周日", 10, []string{"2020-01-19 周日"}},
		{"清明节", "2020-04-04 周六", "2020-04-06 周一", 3, nil},
		{"劳动节", "2020-05-01 周五", "2020-05-05 周二", 5, []string{"2020-04-26 周日", "2020-05-09 周六"}},
		{"端午节", "2020-06-25 周四", "2020-06-27 周六", 3, []string{"2020-06-28 周日"}},
		{"国庆节、中秋节", "2020-10-01 周四", "2020-10-08 周四", 8, []string{"2020-09-27 周日", "2020-10-10 周六"}},
	}},
	{2021, []string{"国办发明电〔2020〕27号"}, 31, 7, []refHoliday{
		{"元旦", "2021-01-01 周五", "2021-01-03 周日", 3, nil},
		{"春节", "2021-02-11 周四", "2021-02-17 周三", 7, []string{"2021-02-07 周日", "2021-02-20 周六"}},
		{"清明节", "2021-04-03 周六", "2021-04-05 周一", 3, nil},
		{"劳动节", "2021-05-01 周六", "2021-05-05 周三", 5, []string{"2021-04-25 周日", "2021-05-08 周六"}},
		{"端午节", "2021-06-12 周六", "2021-06-14 周一", 3, nil},
		{"中秋节", "2021-09-19 周日", "2021-09-21 周二", 3, []string{"2021-09-18 周六"}},
		{"国庆节", "2021-10-01 周五", "2021-10-07 周四", 7, []string{"2021-09-26 周日", "2021-10-09 周六"}},
	}},
	{2022, []string{"国办发明电〔2021〕11号"}, 31, 7, []refHoliday{
		{"元旦", "2022-01-01 周六", "2022-01-03 周一", 3, nil},
		{"春节", "2022-01-31 周一", "2022-02-06 周日", 7, []string{"2022-01-29 周六", "2022-01-30 周日"}},
		{"清明节", "2022-04-03 周日", "2022-04-05 周二", 3, []string{"2022-04-02 周六"}},
		{"劳动节", "2022-04-30 周六", "2022-05-04 周三", 5, []string{"2022-04-24 周日", "2022-05-07 周六"}},
		{"端午节", "2022-06-03 周五", "2022-06-05 周日", 3, nil},
		{"中秋节", "2022-09-10 周六", "2022-09-12 周一", 3, nil},
		{"国庆节", "2022-10-01 周六", "2022-10-07 周五", 7, []string{"2022-10-08 周六", "2022-10-09 周日"}},
	}},
	{2023, []string{"国办发明电〔2022〕16号"}, 27, 7, []refHoliday{
		{"元旦", "2022-12-31 周六", "2023-01-02 周一", 3, nil},
		{"春节", "2023-01-21 周六", "2023-01-27 周五", 7, []string{"2023-01-28 周六", "2023-01-29 周日"}},
		{"清明节", "2023-04-05 周三", "2023-04-05 周三", 1, nil},
		{"劳动节", "2023-04-29 周六", "2023-05-03 周三", 5, []string{"2023-04-23 周日", "2023-05-06 周六"}},
		{"端午节", "2023-06-22 周四", "2023-06-24 周六", 3, []string{"2023-06-25 周日"}},
		{"中秋节、国庆节", "2023-09-29 周五", "2023-10-06 周五", 8, []string{"2023-10-07 周六", "2023-10-08 周日"}},
	}},
	{2024, []string{"国办发明电〔2023〕7号"}, 28, 8, []refHoliday{
		{"元旦", "2024-01-01 周一", "2024-01-01 周一", 1, nil},
		{"春节", "2024-02-10 周六", "2024-02-17 周六", 8, []string{"2024-02-04 周日", "2024-02-18 周日"}},
		{"清明节", "2024-04-04 周四", "2024-04-06 周六", 3, []string{"2024-04-07 周日"}},
		{"劳动节", "2024-05-01 周三", "2024-05-05 周日", 5, []string{"2024-04-28 周日", "2024-05-11 周六"}},
		{"端午节", "2024-06-10 周一", "2024-06-10 周一", 1, nil},
		{"中秋节", "2024-09-15 周日", "2024-09-17 周二", 3, []string{"2024-09-14 周六"}},
		{"国庆节", "2024-10-01 周二", "2024-10-07 周一", 7, []string{"2024-09-29 周日", "2024-10-12 周六"}},
	}},
	{2025, []string{"国办发明电〔2024〕12号"}, 28, 5, []refHoliday{
		{"元旦", "2025-01-01 周三", "2025-01-01 周三", 1, nil},
		{"春节", "2025-01-28 周二", "2025-02-04 周二", 8, []string{"2025-01-26 周日", "2025-02-08 周六"}},
		{"清明节", "2025-04-04 周五", "2025-04-06 周日", 3, nil},
		{"劳动节", "2025-05-01 周四", "2025-05-05 周一", 5, []string{"2025-04-27 周日"}},
		{"端午节", "2025-05-31 周六", "2025-06-02 周一", 3, nil},
		{"国庆节、中秋节", "2025-10-01 周三", "2025-10-08 周三", 8, []string{"2025-09-28 周日", "2025-10-11 周六"}},
	}},
	{2026, []string{"国办发明电〔2025〕7号"}, 33, 6, []refHoliday{
		{"元旦", "2026-01-01 周四", "2026-01-03 周六", 3, []string{"2026-01-04 周日"}},
		{"春节", "2026-02-15 周日", "2026-02-23 周一", 9, []string{"2026-02-14 周六", "2026-02-28 周六"}},
		{"清明节", "2026-04-04 周六", "2026-04-06 周一", 3, nil},
		{"劳动节", "2026-05-01 周五", "2026-05-05 周二", 5, []string{"2026-05-09 周六"}},
		{"端午节", "2026-06-19 周五", "2026-06-21 周日", 3, nil},
		{"中秋节", "2026-09-25 周五", "2026-09-27 周日", 3, nil},
		{"国庆节", "2026-10-01 周四", "2026-10-07 周三", 7, []string{"2026-09-20 周日", "2026-10-10 周六"}},
	}},
}

// refDay parses "2021-10-09 周六" and checks the weekday against the date.
func refDay(t *testing.T, s string) Date {
	t.Helper()
	date, wd, ok := strings.Cut(s, " ")
	if !ok {
		t.Fatalf("reference day %q: want \"YYYY-MM-DD 周X\"", s)
	}
	d := mustDate(t, date)
	if got := WeekdayName(d); got != wd {
		t.Errorf("reference day %q: %s is a %s", s, date, got)
	}
	return d
}

// expected expands the reference tables into off-days and make-up days per year.
func expected(t *testing.T) (off, work map[int][]Date) {
	t.Helper()
	off, work = map[int][]Date{}, map[int][]Date{}
	for _, y := range reference {
		for _, h := range y.holidays {
			from, to := refDay(t, h.from), refDay(t, h.to)
			n := 0
			for d := from; !d.After(to); d = d.AddDays(1) {
				off[y.year] = append(off[y.year], d)
				n++
			}
			if n != h.count {
				t.Errorf("%d %s: %s–%s is %d days, the table says %d", y.year, h.name, h.from, h.to, n, h.count)
			}
			for _, m := range h.makeup {
				work[y.year] = append(work[y.year], refDay(t, m))
			}
		}
		slices.SortFunc(work[y.year], Date.Compare)
	}
	return off, work
}

func TestEmbeddedDataMatchesReference(t *testing.T) {
	off, work := expected(t)
	c := Default()
	var years []int
	data := map[int]Year{}
	for _, y := range c.Years() {
		years = append(years, y.Year)
		data[y.Year] = y
	}
	if want := []int{2020, 2021, 2022, 2023, 2024, 2025, 2026}; !slices.Equal(years, want) {
		t.Fatalf("embedded years = %v, want %v", years, want)
	}
	for _, ref := range reference {
		t.Run(strconv.Itoa(ref.year), func(t *testing.T) {
			got := data[ref.year]
			if !slices.Equal(got.Notices, ref.notices) {
				t.Errorf("notices = %q, want %q", got.Notices, ref.notices)
			}
			assertDates(t, "off", got.Off, off[ref.year])
			assertDates(t, "work", got.Work, work[ref.year])

			if len(off[ref.year]) != ref.daysOff {
				t.Errorf("reference tables list %d days off, §9 total is %d", len(off[ref.year]), ref.daysOff)
			}
			if len(got.Off) != ref.daysOff {
				t.Errorf("data lists %d days off, want %d", len(got.Off), ref.daysOff)
			}
			weekendWork := 0
			for _, d := range got.Work {
				if d.IsWeekend() {
					weekendWork++
				}
			}
			if weekendWork != ref.makeupDays {
				t.Errorf("data lists %d weekend make-up days, want %d", weekendWork, ref.makeupDays)
			}
			for _, d := range off[ref.year] {
				if k := c.Kind(d); k != Holiday || c.IsWorkday(d) {
					t.Errorf("Kind(%s) = %v, want %v", d, k, Holiday)
				}
			}
			for _, d := range work[ref.year] {
				if k := c.Kind(d); k != MakeupWorkday || !c.IsWorkday(d) {
					t.Errorf("Kind(%s) = %v, want %v", d, k, MakeupWorkday)
				}
			}
		})
	}
}

// TestEveryDay2020To2026 checks the kind of every day of the seven years:
// what the tables do not list is an ordinary weekday or weekend.
func TestEveryDay2020To2026(t *testing.T) {
	off, work := expected(t)
	listed := map[Date]DayKind{}
	for y := range off {
		for _, d := range off[y] {
			listed[d] = Holiday
		}
		for _, d := range work[y] {
			listed[d] = MakeupWorkday
		}
	}
	c := Default()
	for d := mustDate(t, "2020-01-01"); d.Year <= 2026; d = d.AddDays(1) {
		want, ok := listed[d]
		switch {
		case ok:
		case d.Weekday() == time.Saturday || d.Weekday() == time.Sunday:
			want = Weekend
		default:
			want = Workday
		}
		if got := c.Kind(d); got != want {
			t.Errorf("Kind(%s %s) = %v, want %v", d, WeekdayName(d), got, want)
		}
	}
	for y := 2020; y <= 2026; y++ {
		if !c.Known(y) {
			t.Errorf("Known(%d) = false", y)
		}
	}
	for _, y := range []int{2019, 2027} {
		if c.Known(y) {
			t.Errorf("Known(%d) = true", y)
		}
	}
}

// TestWorkdaysPerYear counts whole years. Hand count for 2021: 365 days from
// a Friday give 261 weekdays; 18 of the days off are weekdays (元旦1, 春节5,
// 清明1, 劳动节3, 端午1, 中秋2, 国庆5); plus 7 make-up days = 250. 2024: 366 days
// from a Monday give 262 weekdays; weekday days off 元旦1 春节5 清明2 劳动节3
// 端午1 中秋2 国庆5 = 19; plus 8 = 251. 2026: 365 days from a Thursday give 261
// weekdays; weekday days off 元旦2 春节6 清明1 劳动节3 端午1 中秋1 国庆5 = 19;
// plus 6 = 248.
func TestWorkdaysPerYear(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		year, want int
	}{{2021, 250}, {2024, 251}, {2026, 248}} {
		a := Date{tc.year - 1, time.December, 31}
		b := Date{tc.year, time.December, 31}
		if got := c.WorkdaysBetween(a, b); got != tc.want {
			t.Errorf("working days in %d = %d, want %d", tc.year, got, tc.want)
		}
	}
}

func assertDates(t *testing.T, what string, got, want []Date) {
	t.Helper()
	for _, d := range want {
		if !slices.Contains(got, d) {
			t.Errorf("%s: %s is in REFERENCE but missing from the data", what, d)
		}
	}
	for _, d := range got {
		if !slices.Contains(want, d) {
			t.Errorf("%s: %s is in the data but not in REFERENCE", what, d)
		}
	}
}

func mustDate(t testing.TB, s string) Date {
	t.Helper()
	d, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	return d
}
