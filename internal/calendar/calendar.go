// Package calendar knows which days are working days (工作日) in mainland China
// and computes deadlines in working days and in calendar days, each with an
// explanation of which days were skipped and why.
//
// A date is a working day when it is Monday to Friday and not a listed day
// off, or when it is a listed make-up working day (调休上班/补班). The lists
// come from the State Council General Office's yearly holiday notices
// (国务院办公厅关于部分节假日安排的通知), embedded in data/holidays-cn.json with
// their document numbers; see domain/REFERENCE.md §9.
package calendar

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"gongkai/internal/errs"
)

//go:embed data/holidays-cn.json
var embeddedData []byte

// Year is one year's holiday arrangement as published by the State Council.
type Year struct {
	// Year is the year the notice is for. A holiday span may start in late
	// December of the year before (2022-12-31 belongs to the 2023 notice).
	Year int
	// Notices are the document numbers (文号), such as "国办发明电〔2020〕27号",
	// in publication order; a later notice may amend an earlier one.
	Notices []string
	// Off lists the days off (放假), weekends inside a holiday span included.
	Off []Date
	// Work lists the make-up working days (调休上班), always a Saturday or Sunday.
	Work []Date
}

// DayKind says what a date is under the calendar.
type DayKind int

// The kinds of day. The zero DayKind is not a kind.
const (
	Workday       DayKind = iota + 1 // Monday to Friday, not a day off
	MakeupWorkday                    // a weekend day worked in exchange for a holiday (调休上班/补班)
	Weekend                          // Saturday or Sunday, not a make-up day
	Holiday                          // a listed day off (放假)
)

// String returns the Chinese label of k.
func (k DayKind) String() string {
	switch k {
	case Workday:
		return "工作日"
	case MakeupWorkday:
		return "调休上班（补班）"
	case Weekend:
		return "周末"
	case Holiday:
		return "节假日（放假）"
	}
	return fmt.Sprintf("DayKind(%d)", int(k))
}

// IsWorkday reports whether a day of kind k is a working day.
func (k DayKind) IsWorkday() bool { return k == Workday || k == MakeupWorkday }

// The plausible range of notice years. The present holiday system dates from
// the 1999 revision of 《全国年节及纪念日放假办法》; the upper bound catches typos.
const (
	minYear = 1999
	maxYear = 2100
)

// Calendar is a set of yearly holiday arrangements. It is immutable once built
// and safe for concurrent use. Outside its years it knows only weekends.
type Calendar struct {
	years   map[int]Year
	days    map[Date]listedDay
	version string
}

// listedDay is a date that a notice lists, and the notice year that lists it.
type listedDay struct {
	kind DayKind
	year int
}

var defaultCalendar = sync.OnceValue(func() *Calendar {
	c, err := Load(embeddedData)
	if err != nil {
		// The embedded file is checked by the tests; this cannot happen in a release.
		panic(fmt.Sprintf("calendar: embedded holiday data: %v", err))
	}
	return c
})

// Default returns the calendar built from the embedded data, parsed once.
func Default() *Calendar { return defaultCalendar() }

// Load parses a holiday file (the format of data/holidays-cn.json) and builds
// a calendar from it.
func Load(data []byte) (*Calendar, error) {
	years, err := ParseYears(data)
	if err != nil {
		return nil, err
	}
	return New(years...)
}

// New builds a calendar from yearly arrangements and validates them: each year
// is plausible, appears once and names its notice; every date exists, lies
// between 1 December of the year before and the end of the year, and is listed
// once; make-up working days fall on weekends. All problems are reported in one
// errs.Invalid error whose message is safe to show an administrator.
func New(years ...Year) (*Calendar, error) {
	c := &Calendar{years: make(map[int]Year, len(years)), days: make(map[Date]listedDay)}
	var problems []string
	bad := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf(format, args...))
	}
	add := func(y int, d Date, kind DayKind) {
		first := Date{Year: y - 1, Month: time.December, Day: 1}
		last := Date{Year: y, Month: time.December, Day: 31}
		switch {
		case d != d.AddDays(0):
			bad("%d年度的日期 %s 不存在", y, d)
			return
		case d.Before(first) || d.After(last):
			bad("%d年度的日期 %s 超出范围（应在 %s 至 %s 之间）", y, d, first, last)
			return
		case kind == MakeupWorkday && !d.IsWeekend():
			bad("%d年度的调休上班日 %s 是%s，不是周末", y, d, WeekdayName(d))
			return
		}
		prev, dup := c.days[d]
		switch {
		case !dup:
			c.days[d] = listedDay{kind: kind, year: y}
		case prev.year != y:
			bad("日期 %s 同时出现在%d年度和%d年度的数据中", d, prev.year, y)
		case prev.kind != kind:
			bad("%d年度的日期 %s 同时列为放假和调休上班", y, d)
		default:
			bad("%d年度的日期 %s 重复列出", y, d)
		}
	}
	for _, y := range years {
		if y.Year < minYear || y.Year > maxYear {
			bad("年度 %d 不在合理范围（%d–%d）内", y.Year, minYear, maxYear)
			continue
		}
		if _, dup := c.years[y.Year]; dup {
			bad("%d年度重复出现", y.Year)
			continue
		}
		if len(y.Notices) == 0 {
			bad("%d年度缺少国务院办公厅通知文号", y.Year)
		}
		for _, n := range y.Notices {
			if strings.TrimSpace(n) == "" {
				bad("%d年度有空白的通知文号", y.Year)
			}
		}
		if len(y.Off) == 0 {
			bad("%d年度没有放假日期", y.Year)
		}
		y = cloneYear(y)
		for _, d := range y.Off {
			add(y.Year, d, Holiday)
		}
		for _, d := range y.Work {
			add(y.Year, d, MakeupWorkday)
		}
		c.years[y.Year] = y
	}
	if len(problems) > 0 {
		return nil, errs.E(errs.Invalid, "节假日数据有误：%s", strings.Join(problems, "；"))
	}
	c.version = c.digest()
	return c, nil
}

// With returns a new calendar with years added; a year already present is
// replaced, as when an administrator imports a corrected notice.
func (c *Calendar) With(years ...Year) (*Calendar, error) {
	replaced := make(map[int]bool, len(years))
	for _, y := range years {
		replaced[y.Year] = true
	}
	all := slices.Clone(years)
	for _, y := range c.Years() {
		if !replaced[y.Year] {
			all = append(all, y)
		}
	}
	return New(all...)
}

// Years returns a copy of the calendar's data, in year order.
func (c *Calendar) Years() []Year {
	out := make([]Year, 0, len(c.years))
	for _, n := range slices.Sorted(maps.Keys(c.years)) {
		out = append(out, cloneYear(c.years[n]))
	}
	return out
}

// Known reports whether the calendar has the holiday notice for year. For
// other years the days off are weekends and, from StatutoryFrom, the
// statutory holidays (statutory.go), and callers should warn the user that
// the result is provisional (Warnings).
func (c *Calendar) Known(year int) bool {
	_, ok := c.years[year]
	return ok
}

// Notices returns the document numbers of year's notices, or nil.
func (c *Calendar) Notices(year int) []string {
	return slices.Clone(c.years[year].Notices)
}

// Version identifies the calendar's data: the first 12 hex digits of the
// SHA-256 of its canonical form. Record it beside a computed deadline.
func (c *Calendar) Version() string { return c.version }

// Kind returns what d is: a working weekday, a make-up working day, a weekend
// or a holiday.
func (c *Calendar) Kind(d Date) DayKind {
	if l, ok := c.days[d]; ok {
		return l.kind
	}
	if _, ok := c.provisional(d); ok {
		return Holiday
	}
	if d.IsWeekend() {
		return Weekend
	}
	return Workday
}

// IsWorkday reports whether d is a working day.
func (c *Calendar) IsWorkday(d Date) bool { return c.Kind(d).IsWorkday() }

// Label describes what d is in Chinese, naming the notice for listed days
// and the 办法 for provisional statutory ones.
func (c *Calendar) Label(d Date) string { return c.label(d, c.Kind(d)) }

// label describes d's kind in Chinese, naming the notice for listed days.
func (c *Calendar) label(d Date, k DayKind) string {
	l, ok := c.days[d]
	if !ok {
		if s, ok := c.provisional(d); ok {
			return statutoryLabel(s)
		}
		return k.String()
	}
	notices := strings.Join(c.years[l.year].Notices, "、")
	if k == Holiday {
		return "节假日（放假，依" + notices + "）"
	}
	return "调休上班（补班，依" + notices + "）"
}

// digest hashes a canonical text of the data: years in order, notices in
// their order, dates sorted. Formatting of the source file does not matter.
func (c *Calendar) digest() string {
	h := sha256.New()
	for _, y := range c.Years() {
		fmt.Fprintf(h, "year %d\n", y.Year)
		for _, n := range y.Notices {
			fmt.Fprintf(h, "notice %s\n", n)
		}
		for _, d := range y.Off {
			fmt.Fprintf(h, "off %s\n", d)
		}
		for _, d := range y.Work {
			fmt.Fprintf(h, "work %s\n", d)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// cloneYear deep-copies y with its dates sorted.
func cloneYear(y Year) Year {
	y.Notices = slices.Clone(y.Notices)
	y.Off = slices.SortedFunc(slices.Values(y.Off), Date.Compare)
	y.Work = slices.SortedFunc(slices.Values(y.Work), Date.Compare)
	return y
}
