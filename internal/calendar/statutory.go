package calendar

import (
	"fmt"
	"slices"
	"sync"
	"time"

	lunar "github.com/6tail/lunar-go/calendar"
)

// Statutory holidays, for years whose holiday notice is not in the calendar.
//
// 《全国年节及纪念日放假办法》 as revised by 国务院令第795号 (2024-11-10, in
// force 2025-01-01; REFERENCE §9.2) gives every citizen 13 days off: 元旦 1
// (1 January), 春节 4 (农历除夕 and 正月初一至初三), 清明节 1 (the day of the
// 清明 solar term), 劳动节 2 (1 and 2 May), 端午节 1 (农历五月初五), 中秋节 1
// (农历八月十五) and 国庆节 3 (1 to 3 October). A holiday for every citizen
// that falls on a Saturday or Sunday is made up on a working day (补假, the
// same 办法). The yearly notice then moves days around (调休) and adds
// make-up working days, which cannot be foreseen: a date computed from these
// days alone is provisional (暂定) until the notice is imported.

// StatutoryFrom is the first year under the 795号 revision; earlier years
// without a notice are counted with weekends only.
const StatutoryFrom = 2025

// StatutoryBasis names the rule, for labels and warnings.
const StatutoryBasis = "《全国年节及纪念日放假办法》（国务院令第795号修订）"

// StatutoryDay is one day off the 办法 gives in a year.
type StatutoryDay struct {
	Date Date
	// Name is the festival (元旦, 春节 …); MadeUp marks a 补假 day, a
	// working day given for a festival day that fell on a weekend.
	Name   string
	MadeUp bool
}

var statutoryCache sync.Map // year -> []StatutoryDay

// Statutory returns the days off that the 办法 gives in year, in date order,
// or nil before StatutoryFrom or after maxYear.
func Statutory(year int) []StatutoryDay {
	if year < StatutoryFrom || year > maxYear {
		return nil
	}
	if v, ok := statutoryCache.Load(year); ok {
		return v.([]StatutoryDay)
	}
	days := statutory(year)
	statutoryCache.Store(year, days)
	return days
}

func statutory(year int) []StatutoryDay {
	fromLunar := func(m, d int) Date {
		s := lunar.NewLunarFromYmd(year, m, d).GetSolar()
		return Date{Year: s.GetYear(), Month: time.Month(s.GetMonth()), Day: s.GetDay()}
	}
	solar := func(m time.Month, d int) Date { return Date{Year: year, Month: m, Day: d} }
	newYear := fromLunar(1, 1)
	qm := lunar.NewLunarFromYmd(year, 1, 1).GetJieQiTable()["清明"]
	qingming := Date{Year: qm.GetYear(), Month: time.Month(qm.GetMonth()), Day: qm.GetDay()}
	festivals := []struct {
		name string
		days []Date
	}{
		{"元旦", []Date{solar(time.January, 1)}},
		{"春节", []Date{newYear.AddDays(-1), newYear, newYear.AddDays(1), newYear.AddDays(2)}},
		{"清明节", []Date{qingming}},
		{"劳动节", []Date{solar(time.May, 1), solar(time.May, 2)}},
		{"端午节", []Date{fromLunar(5, 5)}},
		{"中秋节", []Date{fromLunar(8, 15)}},
		{"国庆节", []Date{solar(time.October, 1), solar(time.October, 2), solar(time.October, 3)}},
	}
	off := map[Date]bool{}
	var out []StatutoryDay
	for _, f := range festivals {
		for _, d := range f.days {
			if off[d] {
				// 中秋 on a 国庆 day (2028-10-03): one day off with both
				// names; the 办法 gives no extra day for the overlap, the
				// notice decides.
				i := slices.IndexFunc(out, func(s StatutoryDay) bool { return s.Date == d })
				out[i].Name += "、" + f.name
				continue
			}
			off[d] = true
			out = append(out, StatutoryDay{Date: d, Name: f.name})
		}
	}
	// 补假: each festival day on a weekend gives the first weekday after the
	// festival that is not already off. (中秋 and 国庆 can meet: the days
	// already off are skipped.)
	compensated := map[Date]bool{}
	for _, f := range festivals {
		last := f.days[len(f.days)-1]
		for _, d := range f.days {
			if !d.IsWeekend() || compensated[d] {
				continue
			}
			compensated[d] = true
			m := last.AddDays(1)
			for m.IsWeekend() || off[m] {
				m = m.AddDays(1)
			}
			off[m] = true
			out = append(out, StatutoryDay{Date: m, Name: f.name, MadeUp: true})
		}
	}
	slices.SortFunc(out, func(a, b StatutoryDay) int { return a.Date.Compare(b.Date) })
	return out
}

// provisional returns the statutory day d, when d's year has no notice in
// c and the 办法 applies to it.
func (c *Calendar) provisional(d Date) (StatutoryDay, bool) {
	if c.Known(d.Year) {
		return StatutoryDay{}, false
	}
	for _, s := range Statutory(d.Year) {
		if s.Date == d {
			return s, true
		}
	}
	return StatutoryDay{}, false
}

// Provisional reports whether a count over a to b uses a year without its
// notice: its result is then 暂定 (provisional).
func (c *Calendar) Provisional(a, b Date) bool {
	for y := a.Year; y <= b.Year; y++ {
		if !c.Known(y) {
			return true
		}
	}
	return false
}

func statutoryLabel(s StatutoryDay) string {
	if s.MadeUp {
		return fmt.Sprintf("补假（%s适逢周末，依%s于工作日补假；放假通知未录入，暂定）", s.Name, StatutoryBasis)
	}
	return fmt.Sprintf("节假日（%s，依%s推算；放假通知未录入，暂定）", s.Name, StatutoryBasis)
}
