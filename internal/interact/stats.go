package interact

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"gongkai/internal/errs"
)

// The published statistics (RECORDS §11.2; the 2019 self-check item
// "留言受理反馈情况统计数据已公开", RECORDS §11 [R98]): for a month or a year,
// over the messages received in it:
//
//	received  收到留言数 (every message, invalid ones included)
//	invalid   无效留言数
//	accepted  有效留言数 = received − invalid (受理)
//	answered  答复数: valid messages whose answer was released
//	open      正在处理数 = accepted − answered
//	on_time   answered by the due date
//	answer rate 答复率 = answered / accepted; on-time rate = on_time / answered
//	average and median answer time in working days, over the answered
//	satisfaction: the ratings; 满意率 = (满意 + 基本满意) / rated
//	published 公开答复数: answered and shown on the site — exactly the rows
//	          of the public list for the same period of receipt, category
//	          or department (PublicFilter.Received), which the page links
//
// Every figure is a GROUP BY over the messages table's columns derived from
// the ledger (answer_workdays, on_time and rating are fixed when the answer
// is released or rated): no message is loaded. The median comes from a
// histogram of answer times (one row per distinct number of days).

// Counts are the figures of one group.
type Counts struct {
	Received, Invalid, Answered, OnTime int
	Satisfied, Basic, Unsatisfied       int
	// Published is the answered messages shown on the site.
	Published int
	workdays  int
	hist      map[int]int
}

// Accepted is the valid messages (受理).
func (c Counts) Accepted() int { return c.Received - c.Invalid }

// Open is the valid messages not yet answered.
func (c Counts) Open() int { return c.Accepted() - c.Answered }

// Rated is the answers rated by their writers.
func (c Counts) Rated() int { return c.Satisfied + c.Basic + c.Unsatisfied }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// AnswerRate is answered / accepted.
func (c Counts) AnswerRate() float64 { return ratio(c.Answered, c.Accepted()) }

// OnTimeRate is on time / answered.
func (c Counts) OnTimeRate() float64 { return ratio(c.OnTime, c.Answered) }

// SatisfactionRate is (satisfied + basically satisfied) / rated.
func (c Counts) SatisfactionRate() float64 { return ratio(c.Satisfied+c.Basic, c.Rated()) }

// AvgWorkdays is the mean answer time in working days.
func (c Counts) AvgWorkdays() float64 { return ratio(c.workdays, c.Answered) }

// MedianWorkdays is the median answer time in working days (the mean of
// the two middle values for an even count).
func (c Counts) MedianWorkdays() float64 {
	n := 0
	keys := make([]int, 0, len(c.hist))
	for k, v := range c.hist {
		keys = append(keys, k)
		n += v
	}
	if n == 0 {
		return 0
	}
	sort.Ints(keys)
	at := func(i int) int { // the i-th smallest value, 0-based
		for _, k := range keys {
			if i < c.hist[k] {
				return k
			}
			i -= c.hist[k]
		}
		return 0
	}
	if n%2 == 1 {
		return float64(at(n / 2))
	}
	return float64(at(n/2-1)+at(n/2)) / 2
}

// WorkdaysSum is the total answer time (for reconciliation).
func (c Counts) WorkdaysSum() int { return c.workdays }

func (c *Counts) add(o Counts) {
	c.Received += o.Received
	c.Invalid += o.Invalid
	c.Answered += o.Answered
	c.OnTime += o.OnTime
	c.Published += o.Published
	c.Satisfied += o.Satisfied
	c.Basic += o.Basic
	c.Unsatisfied += o.Unsatisfied
	c.workdays += o.workdays
	if c.hist == nil {
		c.hist = map[int]int{}
	}
	for k, v := range o.hist {
		c.hist[k] += v
	}
}

// Group is the figures of a category, a department or a month.
type Group struct {
	Key, Label string
	Counts
}

// Stats are the figures of a period.
type Stats struct {
	Year, Month  int // Month 0: the whole year
	Total        Counts
	ByCategory   []Group
	ByDepartment []Group
	// ByMonth: for a year, each month (received in it).
	ByMonth []Group
}

// Period names the statistics' period in Chinese.
func (st *Stats) Period() string {
	if st.Month == 0 {
		return fmt.Sprintf("%d年", st.Year)
	}
	return fmt.Sprintf("%d年%d月", st.Year, st.Month)
}

// Stats computes the statistics of the messages received in year (and
// month, if not 0), per category, department and month.
func (s *Service) Stats(ctx context.Context, siteID int64, year, month int) (*Stats, error) {
	if year < 2000 || year > 2100 || month < 0 || month > 12 {
		return nil, &errs.Error{Code: errs.Invalid, Message: "统计期无效：年份应为 2000—2100，月份 1—12", Fields: map[string]string{"year": "年份或月份无效"}}
	}
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-01-01", year+1)
	if month != 0 {
		from = fmt.Sprintf("%04d-%02d-01", year, month)
		if month == 12 {
			to = fmt.Sprintf("%04d-01-01", year+1)
		} else {
			to = fmt.Sprintf("%04d-%02d-01", year, month+1)
		}
	}
	type key struct {
		cat   string
		dept  int64
		month string
	}
	groups := map[key]*Counts{}
	get := func(k key) *Counts {
		c := groups[k]
		if c == nil {
			c = &Counts{hist: map[int]int{}}
			groups[k] = c
		}
		return c
	}
	// One pass over the covering index, grouped by a prefix of it (day,
	// category, department, status, answer time), so SQLite aggregates
	// as it reads, without sorting; the months and the answer-time
	// histogram are summed here.
	rows, err := s.DB.R.QueryContext(ctx, `SELECT received_on, category, COALESCE(department_id, 0), status, answer_workdays, COUNT(*),
		SUM(on_time), SUM(CASE WHEN rating = 'satisfied' THEN 1 ELSE 0 END), SUM(CASE WHEN rating = 'basic' THEN 1 ELSE 0 END),
		SUM(CASE WHEN rating = 'unsatisfied' THEN 1 ELSE 0 END), SUM(published)
		FROM messages WHERE site_id = $1 AND received_on >= $2 AND received_on < $3
		GROUP BY received_on, category, department_id, status, answer_workdays`, siteID, from, to)
	if err != nil {
		return nil, errs.Wrap(err, "message stats")
	}
	for rows.Next() {
		var k key
		var day, status string
		var days, n, onTime, sat, basic, unsat, pub int
		if err := rows.Scan(&day, &k.cat, &k.dept, &status, &days, &n, &onTime, &sat, &basic, &unsat, &pub); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "message stats row")
		}
		if len(day) >= 7 {
			k.month = day[:7]
		}
		c := get(k)
		c.Received += n
		c.Satisfied, c.Basic, c.Unsatisfied = c.Satisfied+sat, c.Basic+basic, c.Unsatisfied+unsat
		switch status {
		case StInvalid:
			c.Invalid += n
		case StAnswered:
			c.Answered += n
			c.OnTime += onTime
			c.Published += pub
			c.workdays += days * n
			c.hist[days] += n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "message stats")
	}
	names := map[int64]string{0: "未分办"}
	drows, err := s.DB.R.QueryContext(ctx, `SELECT id, name FROM departments WHERE site_id = $1 ORDER BY sort, id`, siteID)
	if err != nil {
		return nil, errs.Wrap(err, "departments")
	}
	var deptOrder []int64
	for drows.Next() {
		var id int64
		var n string
		if err := drows.Scan(&id, &n); err != nil {
			drows.Close()
			return nil, errs.Wrap(err, "department")
		}
		names[id] = n
		deptOrder = append(deptOrder, id)
	}
	drows.Close()
	out := &Stats{Year: year, Month: month, Total: Counts{hist: map[int]int{}}}
	byCat, byDept, byMonth := map[string]*Counts{}, map[int64]*Counts{}, map[string]*Counts{}
	sum := func(m map[string]*Counts, k string, c *Counts) {
		if m[k] == nil {
			m[k] = &Counts{hist: map[int]int{}}
		}
		m[k].add(*c)
	}
	for k, c := range groups {
		out.Total.add(*c)
		sum(byCat, k.cat, c)
		sum(byMonth, k.month, c)
		if byDept[k.dept] == nil {
			byDept[k.dept] = &Counts{hist: map[int]int{}}
		}
		byDept[k.dept].add(*c)
	}
	for _, c := range Categories {
		g := Group{Key: c.Code, Label: c.Label, Counts: Counts{hist: map[int]int{}}}
		if x := byCat[c.Code]; x != nil {
			g.Counts = *x
		}
		out.ByCategory = append(out.ByCategory, g)
	}
	for _, id := range append(deptOrder, 0) {
		x := byDept[id]
		if x == nil {
			if id == 0 {
				continue
			}
			x = &Counts{hist: map[int]int{}}
		}
		out.ByDepartment = append(out.ByDepartment, Group{Key: strconv.FormatInt(id, 10), Label: names[id], Counts: *x})
	}
	if month == 0 {
		for m := 1; m <= 12; m++ {
			k := fmt.Sprintf("%04d-%02d", year, m)
			g := Group{Key: k, Label: fmt.Sprintf("%d月", m), Counts: Counts{hist: map[int]int{}}}
			if x := byMonth[k]; x != nil {
				g.Counts = *x
			}
			out.ByMonth = append(out.ByMonth, g)
		}
	}
	return out, nil
}
