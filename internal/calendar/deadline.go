package calendar

import (
	"fmt"
	"strings"
)

// Legal basis of the two ways of counting, shown beside an explanation.
//
// Working days: 《政府信息公开条例》 Art. 33 sets the reply period in working
// days (20, extendable once by 20), as Arts. 30, 32 and 34 do for 补正 and
// consultations. The day the period starts from is not counted (《民法典》
// Art. 201, the general rule for periods counted in days); a working day is
// any day the calendar says is worked, make-up weekend days included.
//
// Calendar days: a period counted in days ends on its n-th day; when that day
// is a day off, the period ends on the first working day after it. We apply
// 《民法典》 Art. 203 para. 1 (a period whose last day is a 法定休假日 ends on
// the day after the holiday), the general rule that administrative procedure borrows
// (the same rule is in 《民事诉讼法》 Art. 85, which 《行政诉讼法》 and
// 《行政复议法》 apply to their periods). As in judicial practice, weekends count
// as 法定休假日 here, and a make-up working day is a working day, so a period
// ending on one is not extended. 《行政许可法》 Art. 82 is not used: it says
// licensing periods are counted in working days, which is AddWorkdays.
const (
	BasisWorkdays     = "《政府信息公开条例》第三十三条：不能当场答复的，自收到申请之日起20个工作日内答复，延长的期限最长不超过20个工作日。起算当日不计入（《民法典》第二百零一条）；周末和节假日不计入，调休上班日计入。"
	BasisCalendarDays = "《民法典》第二百零一条、第二百零三条：起算当日不计入，自下一日开始计算；期间的最后一日是法定休假日（含周末）的，以休假日结束后的第一个工作日为期间的最后一日。"
)

// MaxDays bounds n in the deadline functions: a century, far beyond any legal
// period, so a mistyped number cannot run a loop for ever.
const MaxDays = 36500

// AddWorkdays returns the n-th working day after d; d itself is not counted
// (条例第三十三条, see BasisWorkdays). AddWorkdays(d, 0) is d. It panics if n
// is negative or greater than MaxDays.
func (c *Calendar) AddWorkdays(d Date, n int) Date {
	checkDays(n)
	for n > 0 {
		d = d.AddDays(1)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}

// AddDays returns the last day of a period of n calendar days starting after
// d: d + n, moved to the next working day when that is a day off (民法典第二百零三条,
// see BasisCalendarDays). It panics if n is negative or greater than MaxDays.
func (c *Calendar) AddDays(d Date, n int) Date {
	checkDays(n)
	d = d.AddDays(n)
	for !c.IsWorkday(d) {
		d = d.AddDays(1)
	}
	return d
}

// WorkdaysBetween returns the number of working days after a up to and
// including b, or 0 if b is not after a. WorkdaysBetween(d, AddWorkdays(d, n)) == n.
func (c *Calendar) WorkdaysBetween(a, b Date) int {
	n := 0
	for d := a.AddDays(1); !d.After(b); d = d.AddDays(1) {
		if c.IsWorkday(d) {
			n++
		}
	}
	return n
}

// Step is one day of an explanation.
type Step struct {
	Date    Date
	Kind    DayKind
	Counted bool   // the day counts toward the period
	Note    string // why, in Chinese, naming the notice for holidays and make-up days
}

// Explanation shows how a deadline or a count was computed, day by day, so a
// page can show it next to the due date.
type Explanation struct {
	Start    Date     // the day the period runs from; not counted
	End      Date     // the due date; for WorkdaysBetween, the end of the range
	N        int      // days asked for; for WorkdaysBetween, the working days counted
	Steps    []Step   // every day after Start up to End
	Summary  string   // one Chinese paragraph
	Basis    string   // the legal basis of the counting rule
	Warnings []string // years whose holiday notice is missing from the calendar
	// Provisional: a year of the count has no notice, so the result is
	// 暂定 (computed from the statutory holidays alone).
	Provisional bool
	Version     string // Calendar.Version of the calendar used
}

// ExplainAddWorkdays explains AddWorkdays(d, n).
func (c *Calendar) ExplainAddWorkdays(d Date, n int) Explanation {
	checkDays(n)
	e := c.explanation(d, d, BasisWorkdays)
	e.N = n
	var t tally
	for k := 0; k < n; {
		e.End = e.End.AddDays(1)
		s := c.step(e.End)
		if s.Counted = s.Kind.IsWorkday(); s.Counted {
			k++
			s.Note += fmt.Sprintf("，计第%d个工作日", k)
		} else {
			s.Note += "，不计入"
		}
		t.add(s.Kind)
		e.Steps = append(e.Steps, s)
	}
	e.Summary = fmt.Sprintf("自%s起算（当日不计入），第%d个工作日为%s（%s）。%s",
		d, n, e.End, WeekdayName(e.End), t)
	e.Warnings, e.Provisional = c.Warnings(d, e.End), c.Provisional(d, e.End)
	return e
}

// ExplainAddDays explains AddDays(d, n).
func (c *Calendar) ExplainAddDays(d Date, n int) Explanation {
	checkDays(n)
	e := c.explanation(d, d.AddDays(n), BasisCalendarDays)
	e.N = n
	for i := 1; i <= n; i++ {
		s := c.step(d.AddDays(i))
		s.Counted = true
		s.Note += fmt.Sprintf("，第%d日", i)
		e.Steps = append(e.Steps, s)
	}
	nominal := e.End
	if c.IsWorkday(nominal) {
		e.Summary = fmt.Sprintf("自%s起算（当日不计入），第%d日为%s（%s），是工作日，即为期间的最后一日。",
			d, n, nominal, WeekdayName(nominal))
		e.Warnings, e.Provisional = c.Warnings(d, e.End), c.Provisional(d, e.End)
		return e
	}
	if len(e.Steps) > 0 {
		e.Steps[len(e.Steps)-1].Note += "，是休息日，期间顺延"
	}
	for {
		e.End = e.End.AddDays(1)
		s := c.step(e.End)
		if s.Kind.IsWorkday() {
			s.Note += "，顺延后的期间最后一日"
			e.Steps = append(e.Steps, s)
			break
		}
		s.Note += "，休息日，继续顺延"
		e.Steps = append(e.Steps, s)
	}
	e.Summary = fmt.Sprintf("自%s起算（当日不计入），第%d日为%s（%s），是%s，依《民法典》第二百零三条顺延至其后第一个工作日%s（%s）。",
		d, n, nominal, WeekdayName(nominal), c.Kind(nominal), e.End, WeekdayName(e.End))
	e.Warnings, e.Provisional = c.Warnings(d, e.End), c.Provisional(d, e.End)
	return e
}

// ExplainWorkdaysBetween explains WorkdaysBetween(a, b).
func (c *Calendar) ExplainWorkdaysBetween(a, b Date) Explanation {
	e := c.explanation(a, b, BasisWorkdays)
	if !b.After(a) {
		e.Summary = fmt.Sprintf("%s 不晚于 %s，工作日数为0。", b, a)
		return e
	}
	var t tally
	for d := a.AddDays(1); !d.After(b); d = d.AddDays(1) {
		s := c.step(d)
		if s.Counted = s.Kind.IsWorkday(); s.Counted {
			e.N++
			s.Note += fmt.Sprintf("，计第%d个工作日", e.N)
		} else {
			s.Note += "，不计入"
		}
		t.add(s.Kind)
		e.Steps = append(e.Steps, s)
	}
	e.Summary = fmt.Sprintf("%s（不含）至%s（含）共有%d个工作日。%s", a, b, e.N, t)
	e.Warnings, e.Provisional = c.Warnings(a, b), c.Provisional(a, b)
	return e
}

func (c *Calendar) explanation(start, end Date, basis string) Explanation {
	return Explanation{Start: start, End: end, Basis: basis, Version: c.version}
}

func (c *Calendar) step(d Date) Step {
	k := c.Kind(d)
	return Step{Date: d, Kind: k, Note: c.label(d, k)}
}

// Warnings names the years from a to b whose holiday notice is not in the calendar.
func (c *Calendar) Warnings(a, b Date) []string {
	var w []string
	for y := a.Year; y <= b.Year; y++ {
		if !c.Known(y) {
			w = append(w, unknownYear(y))
		}
	}
	return w
}

func unknownYear(y int) string {
	if y >= StatutoryFrom {
		return fmt.Sprintf("%d年度放假通知尚未录入：已按%s规定的法定节假日和补假推算，未含调休安排，结果为暂定，通知发布后请录入并重新计算。", y, StatutoryBasis)
	}
	return fmt.Sprintf("%d年度节假日安排尚未录入，暂按普通周末计算，结果可能不准确。", y)
}

// tally counts the kinds of day met on the way, for a summary.
type tally struct{ weekends, holidays, makeups int }

func (t *tally) add(k DayKind) {
	switch k {
	case Weekend:
		t.weekends++
	case Holiday:
		t.holidays++
	case MakeupWorkday:
		t.makeups++
	}
}

func (t tally) String() string {
	var skipped []string
	if t.weekends > 0 {
		skipped = append(skipped, fmt.Sprintf("周末%d天", t.weekends))
	}
	if t.holidays > 0 {
		skipped = append(skipped, fmt.Sprintf("节假日%d天", t.holidays))
	}
	s := "期间没有休息日"
	if len(skipped) > 0 {
		s = "期间跳过" + strings.Join(skipped, "、")
	}
	if t.makeups > 0 {
		s += fmt.Sprintf("，调休上班日%d天计入工作日", t.makeups)
	}
	return s + "。"
}

func checkDays(n int) {
	if n < 0 || n > MaxDays {
		panic(fmt.Sprintf("calendar: day count %d outside 0..%d", n, MaxDays))
	}
}
