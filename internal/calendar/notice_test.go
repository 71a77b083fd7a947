package calendar

import (
	"strings"
	"testing"
)

func TestMissingNotice(t *testing.T) {
	c := Default() // notices 2020–2026
	for today, want := range map[string]string{
		"2026-10-31": "",
		"2026-11-01": "2027年度放假通知尚未录入",
		"2026-12-31": "2027年度放假通知尚未录入",
		"2025-11-20": "", // 2026's notice is there
		"2027-01-04": "本年度（2027年）放假通知尚未录入",
	} {
		got := c.MissingNotice(mustDate(t, today))
		if want == "" && got != "" || want != "" && !strings.Contains(got, want) {
			t.Errorf("%s: %q, want %q", today, got, want)
		}
	}
}

func TestParseDates(t *testing.T) {
	got, err := ParseDates("2027-01-01\n2027-02-05 至 2027-02-08、2027-02-07，2027-10-01~2027-10-03  2027-05-01")
	if err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, d := range got {
		s = append(s, d.String())
	}
	want := "2027-01-01 2027-02-05 2027-02-06 2027-02-07 2027-02-08 2027-05-01 2027-10-01 2027-10-02 2027-10-03"
	if strings.Join(s, " ") != want {
		t.Errorf("got %v", s)
	}
	for in, msg := range map[string]string{
		"2027-02-30":              "“2027-02-30”不是有效日期",
		"2027-1-1":                "不是有效日期",
		"2027-02-08 至 2027-02-05": "结束日不能早于开始日",
		"2027-01-01 至 2027-03-01": "不超过 31 天",
		"2027-01-01 至":            "日期范围不完整",
		"至 2027-01-01":            "不是有效日期",
	} {
		if _, err := ParseDates(in); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%q: %v, want %q", in, err, msg)
		}
	}
	if got, err := ParseDates("  \n "); err != nil || len(got) != 0 {
		t.Errorf("empty: %v %v", got, err)
	}
}
