package calendar

import (
	"strings"
	"testing"
)

// TestStatutoryAgainstNotices: under the 795号 revision every day the 办法
// gives (补假 included) is a day off in the State Council's notices of 2025
// and 2026, an independent source; the notices add 调休 on top.
func TestStatutoryAgainstNotices(t *testing.T) {
	c := Default()
	for _, y := range []int{2025, 2026} {
		days := Statutory(y)
		festival := 0
		for _, s := range days {
			if !s.MadeUp {
				festival++
			}
			if l, ok := c.days[s.Date]; !ok || l.kind != Holiday {
				t.Errorf("%d: statutory %s (%s, made up %v) is not a day off in the notice", y, s.Date, s.Name, s.MadeUp)
			}
		}
		if festival != 13 {
			t.Errorf("%d: %d festival days, want the 办法's 13", y, festival)
		}
	}
	if Statutory(2024) != nil {
		t.Error("2024 is before the 795号 revision")
	}
}

// TestStatutory2027: the year after the embedded data, worked out by hand
// from the 办法: 春节 2027 starts on Saturday 6 February, so 除夕 is Friday 5
// February and the weekend days are made up on Tuesday 9 and Wednesday 10;
// 劳动节 falls on a weekend (3 and 4 May made up); 国庆 on Friday to Sunday
// (4 and 5 October made up).
func TestStatutory2027(t *testing.T) {
	want := map[string]string{
		"2027-01-01": "元旦", "2027-02-05": "春节", "2027-02-06": "春节", "2027-02-07": "春节", "2027-02-08": "春节", "2027-02-09": "春节*", "2027-02-10": "春节*",
		"2027-04-05": "清明节", "2027-05-01": "劳动节", "2027-05-02": "劳动节", "2027-05-03": "劳动节*", "2027-05-04": "劳动节*",
		"2027-06-09": "端午节", "2027-09-15": "中秋节",
		"2027-10-01": "国庆节", "2027-10-02": "国庆节", "2027-10-03": "国庆节", "2027-10-04": "国庆节*", "2027-10-05": "国庆节*",
	}
	got := map[string]string{}
	for _, s := range Statutory(2027) {
		n := s.Name
		if s.MadeUp {
			n += "*"
		}
		got[s.Date.String()] = n
	}
	if len(got) != len(want) {
		t.Errorf("%d days, want %d: %v", len(got), len(want), got)
	}
	for d, n := range want {
		if got[d] != n {
			t.Errorf("%s: %q, want %q", d, got[d], n)
		}
	}
	// 2028: 中秋 falls on 国庆's 3 October: one day, both names, no extra day.
	var overlap []string
	for _, s := range Statutory(2028) {
		if s.Date == (Date{Year: 2028, Month: 10, Day: 3}) {
			overlap = append(overlap, s.Name)
		}
	}
	if len(overlap) != 1 || !strings.Contains(overlap[0], "国庆节") || !strings.Contains(overlap[0], "中秋节") {
		t.Errorf("2028-10-03: %q", overlap)
	}
}

// TestProvisionalDays: in a year without its notice the statutory days
// are days off, labelled as provisional; with the notice imported, the
// notice decides alone.
func TestProvisionalDays(t *testing.T) {
	c := Default()
	for d, want := range map[string]DayKind{"2027-01-01": Holiday, "2027-02-09": Holiday, "2027-02-11": Workday, "2027-02-06": Holiday, "2027-02-13": Weekend} {
		if k := c.Kind(mustDate(t, d)); k != want {
			t.Errorf("%s: %s, want %s", d, k, want)
		}
	}
	if l := c.label(mustDate(t, "2027-02-09"), Holiday); !strings.Contains(l, "补假") || !strings.Contains(l, "暂定") {
		t.Errorf("label %q", l)
	}
	// The 2027 notice arrives: 2 January becomes a make-up working day, say,
	// and 2027-02-10 a plain working day; the statutory guess is gone.
	with, err := c.With(Year{Year: 2027, Notices: []string{"国办发明电〔2026〕99号"},
		Off:  []Date{mustDate(t, "2027-01-01"), mustDate(t, "2027-02-05"), mustDate(t, "2027-02-06"), mustDate(t, "2027-02-07"), mustDate(t, "2027-02-08"), mustDate(t, "2027-02-09")},
		Work: []Date{mustDate(t, "2027-01-02")}})
	if err != nil {
		t.Fatal(err)
	}
	if k := with.Kind(mustDate(t, "2027-02-10")); k != Workday {
		t.Errorf("with the notice, 2027-02-10 is %s", k)
	}
	if with.Provisional(mustDate(t, "2026-12-20"), mustDate(t, "2027-03-01")) || !c.Provisional(mustDate(t, "2026-12-20"), mustDate(t, "2027-01-04")) {
		t.Error("Provisional does not follow the notices")
	}
}
