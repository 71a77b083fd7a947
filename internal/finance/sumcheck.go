package finance

import (
	"fmt"
	"math/big"
	"regexp"
	"strings"
)

// Sum checks: a table whose rows do not add up to its totals is shown to
// staff before publication (warnings, not refusals — a table may be right
// and our reading of its layout wrong). Three layouts of the standard set
// (RECORDS §8.3) are checked:
//   - coded tables (科目编码): the 合计 row equals the sum of the top-level
//     codes, and each code with children the sum of its children (类 = Σ款,
//     款 = Σ项);
//   - a first amount column headed 合计 (or 小计) followed by two or more
//     amount columns: in each row, 合计 = the sum of the others;
//   - 收支总表 (label/amount pairs): each side's 合计 row equals the sum of
//     its numbered items (一、二、…), and income equals expenditure.

var itemRE = regexp.MustCompile(`^[一二三四五六七八九十]+、`)

func amountOf(s string) (*big.Rat, bool) {
	if s == "" {
		return new(big.Rat), false
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

func isTotal(label string) bool {
	l := strings.ReplaceAll(strings.TrimSpace(label), " ", "")
	return l == "合计" || l == "总计" || strings.HasSuffix(l, "合计") || strings.HasSuffix(l, "总计")
}

func mismatch(t *Table, what string, want, got *big.Rat) string {
	d := new(big.Rat).Sub(want, got)
	return fmt.Sprintf("表%d %s：%s为 %s，各项之和为 %s，相差 %s%s", t.Seq, t.Name, what, want.FloatString(2), got.FloatString(2), d.FloatString(2), t.Unit)
}

// headerAt is the bottom header cell of column j.
func (t *Table) headerAt(j int) string {
	if len(t.Header) == 0 || j >= len(t.Header[len(t.Header)-1]) {
		return ""
	}
	return strings.TrimSpace(t.Header[len(t.Header)-1][j])
}

// SumWarnings are the table's totals that its rows do not add up to.
func (t *Table) SumWarnings() []string {
	var out []string
	out = append(out, t.codedWarnings()...)
	out = append(out, t.columnWarnings()...)
	out = append(out, t.pairWarnings()...)
	return out
}

func (t *Table) codedWarnings() []string {
	code := -1
	for j, txt := range t.Text {
		if txt && strings.Contains(t.headerAt(j), "编码") {
			code = j
			break
		}
	}
	if code < 0 || code+1 >= len(t.Text) || !t.Text[code+1] {
		return nil
	}
	label := code + 1
	var out []string
	amounts := []int{}
	for j, txt := range t.Text {
		if !txt {
			amounts = append(amounts, j)
		}
	}
	type row struct {
		code string
		vals []string
	}
	var rows []row
	var total []string
	for _, r := range t.Rows {
		c := strings.TrimSpace(r[code])
		if c == "" && isTotal(r[label]) && total == nil {
			total = r
			continue
		}
		if c != "" {
			rows = append(rows, row{c, r})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	top := len(rows[0].code)
	for _, r := range rows {
		top = min(top, len(r.code))
	}
	for _, j := range amounts {
		h := t.headerAt(j)
		if total != nil {
			sum, any := new(big.Rat), false
			for _, r := range rows {
				if len(r.code) == top {
					if v, ok := amountOf(r.vals[j]); ok {
						sum.Add(sum, v)
						any = true
					}
				}
			}
			if want, ok := amountOf(total[j]); ok && any && want.Cmp(sum) != 0 {
				out = append(out, mismatch(t, "“合计”行的“"+h+"”", want, sum))
			}
		}
		for i, p := range rows {
			sum, kids := new(big.Rat), 0
			next := 0
			for _, c := range rows[i+1:] {
				if !strings.HasPrefix(c.code, p.code) || len(c.code) <= len(p.code) {
					break
				}
				if next == 0 {
					next = len(c.code)
				}
				if len(c.code) == next {
					kids++
					if v, ok := amountOf(c.vals[j]); ok {
						sum.Add(sum, v)
					}
				}
			}
			if want, ok := amountOf(p.vals[j]); ok && kids > 0 && want.Cmp(sum) != 0 {
				out = append(out, mismatch(t, fmt.Sprintf("“%s %s”的“%s”", p.code, strings.TrimSpace(p.vals[label]), h), want, sum))
			}
		}
	}
	return out
}

func (t *Table) columnWarnings() []string {
	first := t.First()
	if first < 0 {
		return nil
	}
	if h := t.headerAt(first); h != "合计" && h != "小计" {
		return nil
	}
	var parts []int
	for j := first + 1; j < len(t.Text); j++ {
		if t.Text[j] {
			break
		}
		parts = append(parts, j)
	}
	if len(parts) < 2 {
		return nil
	}
	var out []string
	for _, r := range t.Rows {
		want, ok := amountOf(r[first])
		if !ok {
			continue
		}
		sum := new(big.Rat)
		for _, j := range parts {
			if v, ok := amountOf(r[j]); ok {
				sum.Add(sum, v)
			}
		}
		if want.Cmp(sum) != 0 {
			out = append(out, mismatch(t, "“"+rowLabel(t, r)+"”行的“"+t.headerAt(first)+"”", want, sum))
		}
	}
	return out
}

func (t *Table) pairWarnings() []string {
	// Pairs: a text column followed by one amount column, at least two pairs.
	var pairs [][2]int
	for j := 0; j+1 < len(t.Text); j++ {
		if t.Text[j] && !t.Text[j+1] && (j+2 == len(t.Text) || t.Text[j+2]) {
			pairs = append(pairs, [2]int{j, j + 1})
		}
	}
	if len(pairs) < 2 {
		return nil
	}
	var out []string
	var totals []*big.Rat
	for _, p := range pairs {
		sum, items := new(big.Rat), 0
		for _, r := range t.Rows {
			l := strings.TrimSpace(r[p[0]])
			if isTotal(l) {
				want, ok := amountOf(r[p[1]])
				if !ok {
					continue
				}
				totals = append(totals, want)
				if items > 0 && want.Cmp(sum) != 0 {
					out = append(out, mismatch(t, "“"+l+"”", want, sum))
				}
				break
			}
			if itemRE.MatchString(l) {
				items++
				if v, ok := amountOf(r[p[1]]); ok {
					sum.Add(sum, v)
				}
			}
		}
	}
	if len(totals) == 2 && totals[0].Cmp(totals[1]) != 0 {
		out = append(out, fmt.Sprintf("表%d %s：收入合计 %s 与支出合计 %s 不等", t.Seq, t.Name, totals[0].FloatString(2), totals[1].FloatString(2)))
	}
	return out
}

// SumWarnings are the report's tables' warnings, in table order.
func (r *Report) SumWarnings() []string {
	var out []string
	for i := range r.Tables {
		out = append(out, r.Tables[i].SumWarnings()...)
	}
	return out
}
