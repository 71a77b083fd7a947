package calendar

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"gongkai/internal/errs"
)

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Date
		ok   bool
	}{
		{"2021-09-28", Date{2021, time.September, 28}, true},
		{"2020-02-29", Date{2020, time.February, 29}, true},
		{"2021-02-29", Date{}, false},
		{"2021-13-01", Date{}, false},
		{"2021-9-28", Date{}, false},
		{"2021/09/28", Date{}, false},
		{"2021-09-28T00:00:00Z", Date{}, false},
		{"0000-01-01", Date{}, false},
		{"", Date{}, false},
	} {
		got, err := Parse(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("Parse(%q) = %v, %v; want %v, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && errs.CodeOf(err) != errs.Invalid {
			t.Errorf("Parse(%q) error code = %s, want invalid", tc.in, errs.CodeOf(err))
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	d := mustDate(t, "2020-12-31")
	for _, tc := range []struct {
		n    int
		want string
	}{{0, "2020-12-31"}, {1, "2021-01-01"}, {-306, "2020-02-29"}, {60, "2021-03-01"}, {365, "2021-12-31"}} {
		got := d.AddDays(tc.n)
		if got.String() != tc.want {
			t.Errorf("%s.AddDays(%d) = %s, want %s", d, tc.n, got, tc.want)
		}
		if got.Sub(d) != tc.n {
			t.Errorf("%s.Sub(%s) = %d, want %d", got, d, got.Sub(d), tc.n)
		}
	}
	a, b := mustDate(t, "2021-09-28"), mustDate(t, "2021-10-01")
	if !a.Before(b) || a.After(b) || !b.After(a) || a.Before(a) || a.Compare(a) != 0 || b.Compare(a) != 1 {
		t.Error("Before/After/Compare disagree with the calendar order")
	}
	if a.Weekday() != time.Tuesday || WeekdayName(a) != "周二" || a.IsWeekend() || !mustDate(t, "2021-10-09").IsWeekend() {
		t.Errorf("2021-09-28 weekday = %v %s", a.Weekday(), WeekdayName(a))
	}
	if !(Date{}).IsZero() || a.IsZero() {
		t.Error("IsZero")
	}
	if tm := a.Time(); tm.Location() != time.UTC || tm.Hour() != 0 || DateOf(tm) != a {
		t.Errorf("Time() = %v", tm)
	}
}

func TestDateJSON(t *testing.T) {
	b, err := json.Marshal([]Date{{2021, time.October, 9}})
	if err != nil || string(b) != `["2021-10-09"]` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var ds []Date
	if err := json.Unmarshal(b, &ds); err != nil || ds[0] != (Date{2021, time.October, 9}) {
		t.Fatalf("Unmarshal = %v, %v", ds, err)
	}
	if err := json.Unmarshal([]byte(`["2021-10-32"]`), &ds); err == nil {
		t.Error("Unmarshal accepted 2021-10-32")
	}
}

// validYear is a small, correct arrangement used as the base of the validation cases.
func validYear(t *testing.T) Year {
	t.Helper()
	return Year{
		Year:    2021,
		Notices: []string{"国办发明电〔2020〕27号"},
		Off:     []Date{mustDate(t, "2021-10-01"), mustDate(t, "2021-10-02")},
		Work:    []Date{mustDate(t, "2021-10-09")},
	}
}

func TestNewValidation(t *testing.T) {
	d := func(s string) Date { return mustDate(t, s) }
	for _, tc := range []struct {
		name string
		edit func(y *Year) []Year // returns the years to pass to New
		want string               // substring of the error message; "" for no error
	}{
		{"valid", func(y *Year) []Year { return []Year{*y} }, ""},
		{"late December of the year before", func(y *Year) []Year {
			y.Year, y.Off = 2023, []Date{d("2022-12-31"), d("2023-01-01")}
			y.Work = nil
			return []Year{*y}
		}, ""},
		{"implausible year", func(y *Year) []Year { y.Year = 1900; return []Year{*y} }, "年度 1900 不在合理范围"},
		{"year twice", func(y *Year) []Year { return []Year{*y, *y} }, "2021年度重复出现"},
		{"no notice", func(y *Year) []Year { y.Notices = nil; return []Year{*y} }, "缺少国务院办公厅通知文号"},
		{"blank notice", func(y *Year) []Year { y.Notices = []string{" "}; return []Year{*y} }, "空白的通知文号"},
		{"no days off", func(y *Year) []Year { y.Off = nil; return []Year{*y} }, "没有放假日期"},
		{"off and work", func(y *Year) []Year { y.Work = append(y.Work, d("2021-10-02")); return []Year{*y} }, "2021-10-02 同时列为放假和调休上班"},
		{"work on a weekday", func(y *Year) []Year { y.Work = []Date{d("2021-10-08")}; return []Year{*y} }, "调休上班日 2021-10-08 是周五，不是周末"},
		{"date out of range", func(y *Year) []Year { y.Off = append(y.Off, d("2022-01-03")); return []Year{*y} }, "2022-01-03 超出范围"},
		{"too early", func(y *Year) []Year { y.Off = append(y.Off, d("2020-11-30")); return []Year{*y} }, "2020-11-30 超出范围"},
		{"listed twice", func(y *Year) []Year { y.Off = append(y.Off, d("2021-10-01")); return []Year{*y} }, "2021-10-01 重复列出"},
		{"impossible date", func(y *Year) []Year { y.Off = append(y.Off, Date{2021, 2, 30}); return []Year{*y} }, "不存在"},
		{"date in two years", func(y *Year) []Year {
			next := Year{Year: 2022, Notices: []string{"国办发明电〔2021〕11号"}, Off: []Date{d("2021-12-31")}}
			y.Off = append(y.Off, d("2021-12-31"))
			return []Year{*y, next}
		}, "2021-12-31 同时出现在2021年度和2022年度"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			y := validYear(t)
			c, err := New(tc.edit(&y)...)
			if tc.want == "" {
				if err != nil || c == nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("New accepted the data, want error containing %q", tc.want)
			}
			if errs.CodeOf(err) != errs.Invalid || !strings.Contains(errs.MessageOf(err), tc.want) {
				t.Errorf("New error = %v, want invalid containing %q", err, tc.want)
			}
		})
	}
}

func TestNewReportsAllProblems(t *testing.T) {
	y := validYear(t)
	y.Notices = nil
	y.Work = []Date{mustDate(t, "2021-10-08")}
	_, err := New(y)
	msg := errs.MessageOf(err)
	if !strings.Contains(msg, "缺少国务院办公厅通知文号") || !strings.Contains(msg, "不是周末") {
		t.Errorf("message %q should list both problems", msg)
	}
}

func TestEmptyCalendarKnowsOnlyWeekends(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if c.Known(2021) || c.Kind(mustDate(t, "2021-10-01")) != Workday || c.Kind(mustDate(t, "2021-10-09")) != Weekend {
		t.Error("an empty calendar should know only weekends")
	}
	if got := c.AddWorkdays(mustDate(t, "2021-09-28"), 20); got != mustDate(t, "2021-10-26") {
		t.Errorf("AddWorkdays without data = %s, want 2021-10-26", got)
	}
}

func TestParseYears(t *testing.T) {
	years, err := ParseYears(embeddedData)
	if err != nil {
		t.Fatal(err)
	}
	if len(years) != 7 || years[0].Year != 2020 || years[6].Year != 2026 {
		t.Fatalf("years = %d, first %d", len(years), years[0].Year)
	}
	for _, tc := range []struct {
		name, in, want string
	}{
		{"not JSON", `{"years":`, "格式错误"},
		{"unknown field", `{"years":{"2027":{"notices":["x"],"of":["2027-01-01"]}}}`, `unknown field "of"`},
		{"bad date", `{"years":{"2027":{"notices":["x"],"off":["2027-1-1"]}}}`, `日期 "2027-1-1" 无效`},
		{"bad year key", `{"years":{"27":{"notices":["x"],"off":["2027-01-01"]}}}`, `年度 "27" 应为四位数字`},
		{"no years", `{"about":"x"}`, "没有任何年度"},
		{"trailing data", `{"years":{"2027":{"notices":["x"],"off":["2027-01-01"]}}} {}`, "多余内容"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseYears([]byte(tc.in))
			if err == nil || errs.CodeOf(err) != errs.Invalid || !strings.Contains(errs.MessageOf(err), tc.want) {
				t.Errorf("ParseYears error = %v, want invalid containing %q", err, tc.want)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	c := Default()
	if v := c.Version(); len(v) != 12 || strings.Trim(v, "0123456789abcdef") != "" {
		t.Fatalf("Version = %q, want 12 hex digits", v)
	}
	// The same data in another order has the same version.
	years := c.Years()
	slices.Reverse(years)
	for i := range years {
		slices.Reverse(years[i].Off)
	}
	same, err := New(years...)
	if err != nil {
		t.Fatal(err)
	}
	if same.Version() != c.Version() {
		t.Errorf("reordered data: version %s, want %s", same.Version(), c.Version())
	}
	// Any change gives another version.
	years[0].Notices = append(years[0].Notices, "国办发明电〔2099〕1号")
	changed, err := New(years...)
	if err != nil {
		t.Fatal(err)
	}
	if changed.Version() == c.Version() {
		t.Error("changed data kept the version")
	}
}

func TestWithAndImmutability(t *testing.T) {
	c := Default()
	version := c.Version()

	y2027 := Year{Year: 2027, Notices: []string{"国办发明电〔2026〕99号"}, Off: []Date{mustDate(t, "2027-01-01")}}
	c2, err := c.With(y2027)
	if err != nil {
		t.Fatal(err)
	}
	if !c2.Known(2027) || c2.Kind(mustDate(t, "2027-01-01")) != Holiday || c2.Version() == version {
		t.Error("With did not add 2027")
	}
	if c.Known(2027) || c.Version() != version {
		t.Error("With changed the original calendar")
	}

	// A year already present is replaced, not merged.
	y2021 := validYear(t)
	c3, err := c.With(y2021)
	if err != nil {
		t.Fatal(err)
	}
	if c3.Kind(mustDate(t, "2021-10-07")) != Workday || c3.Kind(mustDate(t, "2021-10-01")) != Holiday {
		t.Error("With did not replace 2021")
	}

	// Callers' copies do not reach into the calendar.
	ys := c.Years()
	ys[1].Off[0] = mustDate(t, "2021-06-01")
	ys[1].Notices[0] = "changed"
	n := c.Notices(2021)
	n[0] = "changed"
	if c.Kind(mustDate(t, "2021-01-01")) != Holiday || c.Notices(2021)[0] != "国办发明电〔2020〕27号" {
		t.Error("the calendar shares memory with a caller's copy")
	}
	y2021.Off[0] = mustDate(t, "2021-06-01")
	if c3.Kind(mustDate(t, "2021-10-01")) != Holiday {
		t.Error("the calendar shares memory with New's argument")
	}
}

func TestDayKindString(t *testing.T) {
	for k, want := range map[DayKind]string{
		Workday: "工作日", MakeupWorkday: "调休上班（补班）", Weekend: "周末", Holiday: "节假日（放假）", 0: "DayKind(0)",
	} {
		if k.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(k), k.String(), want)
		}
	}
}
