package finance

import (
	"bytes"
	"math/big"
	"strings"
	"testing"
)

// The demo's workbooks add up; a changed figure is found where it is.
func TestSumWarnings(t *testing.T) {
	for _, kind := range []string{Budget, Final} {
		wb, err := demoWorkbook(kind, 2025)
		if err != nil {
			t.Fatal(err)
		}
		ts, err := ParseWorkbook(bytes.NewReader(wb))
		if err != nil {
			t.Fatal(err)
		}
		r := &Report{Tables: ts}
		if w := r.SumWarnings(); len(w) > 0 {
			t.Fatalf("%s: the demo's tables do not add up:\n%s", kind, strings.Join(w, "\n"))
		}
		// 2040607 公共法律服务 in the expenditure table (3): a 项 off by 1.00.
		var exp *Table
		for i := range r.Tables {
			tb := &r.Tables[i]
			if exp == nil && len(tb.Text) == 5 && tb.headerAt(2) == "合计" && len(tb.Rows) > 3 && tb.Rows[3][0] == "2040601" {
				exp = tb
			}
		}
		if exp == nil {
			t.Fatal("no 部门支出总表")
		}
		for _, row := range exp.Rows {
			if row[0] == "2040607" {
				v, _ := amountOf(row[2])
				row[2] = v.Add(v, ratOf("1")).FloatString(2)
			}
		}
		got := strings.Join(exp.SumWarnings(), "\n")
		for _, want := range []string{"“20406 司法”的“合计”为 ", "相差 -1.00万元", "“2040607 公共法律服务”行的“合计”为 "} {
			if !strings.Contains(got, want) {
				t.Errorf("%s: warnings lack %q:\n%s", kind, want, got)
			}
		}
		// The summary table: income no longer equals expenditure.
		sum := &r.Tables[0]
		for _, row := range sum.Rows {
			if strings.HasPrefix(row[0], "三、") {
				row[1] = "60.00"
			}
		}
		got = strings.Join(sum.SumWarnings(), "\n")
		for _, want := range []string{"“收入合计”为 ", "相差 -10.00万元"} {
			if !strings.Contains(got, want) {
				t.Errorf("%s: summary warnings lack %q:\n%s", kind, want, got)
			}
		}
	}
}

func ratOf(s string) *big.Rat { r, _ := amountOf(s); return r }
