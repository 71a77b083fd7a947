package calendar

import (
	"cmp"
	"fmt"
	"time"

	"gongkai/internal/errs"
)

// Date is a civil date (年月日) with no time of day and no time zone. It is
// comparable, so it can be a map key; the zero value is not a valid date.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// dateLayout is the only textual form of a Date, in data files and on the command line.
const dateLayout = "2006-01-02"

// Beijing is China Standard Time, the time zone of dates on the site and of deadlines. China has had no daylight saving time since
// 1991, so a fixed zone is exact and needs no tzdata.
var Beijing = time.FixedZone("CST", 8*60*60)

// Parse reads a date written as YYYY-MM-DD, such as "2021-09-28".
func Parse(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil || t.Year() < 1 {
		return Date{}, errs.E(errs.Invalid, "日期 %q 无效，应为 YYYY-MM-DD 格式，例如 2021-09-28", s)
	}
	return DateOf(t), nil
}

// Valid reports whether s is a real date written as YYYY-MM-DD, the one
// textual form of dates in forms, the database and the API.
func Valid(s string) bool {
	_, err := Parse(s)
	return err == nil
}

// Day reads a stored YYYY-MM-DD date: the zero Date for "" or an invalid
// value (stored dates were validated on the way in).
func Day(s string) Date {
	d, err := Parse(s)
	if err != nil {
		return Date{}
	}
	return d
}

// DateOf returns the date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// Today returns the current date in Beijing time, the time that deadlines run in.
func Today() Date {
	return DateOf(time.Now().In(Beijing))
}

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// String formats d as YYYY-MM-DD.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// AddDays returns the date n calendar days after d (before it when n is negative).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 0, 0, 0, 0, time.UTC))
}

// Sub returns the number of calendar days from e to d (negative when d is before e).
func (d Date) Sub(e Date) int {
	return int(d.Time().Sub(e.Time()).Hours() / 24)
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.Time().Weekday() }

// IsWeekend reports whether d is a Saturday or a Sunday.
func (d Date) IsWeekend() bool {
	w := d.Weekday()
	return w == time.Saturday || w == time.Sunday
}

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	if c := cmp.Compare(d.Year, e.Year); c != 0 {
		return c
	}
	if c := cmp.Compare(d.Month, e.Month); c != 0 {
		return c
	}
	return cmp.Compare(d.Day, e.Day)
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// MarshalText writes d as YYYY-MM-DD, so a Date is a JSON string.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// weekdayNames are the usual short Chinese names, indexed by time.Weekday.
var weekdayNames = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// WeekdayName returns the Chinese name of d's weekday, such as "周一".
func WeekdayName(d Date) string { return weekdayNames[d.Weekday()] }
