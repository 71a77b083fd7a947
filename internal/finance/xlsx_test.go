package finance

import (
	"bytes"
	"math/big"
	"testing"
)

func rat(s string) *big.Rat {
	if s == "" {
		return new(big.Rat)
	}
	r, _ := new(big.Rat).SetString(s)
	return r
}

// The demo workbooks (merged headers, unit rows, blank rows, an empty
// table) parse into the tables of RECORDS §8.3, and their totals add up:
// 合计 = 基本支出 + 项目支出 on every row, and 基本支出合计 = 人员经费 + 公用经费.
func TestDemoWorkbooks(t *testing.T) {
	for _, kind := range []string{Budget, Final} {
		b, err := demoWorkbook(kind, 2025)
		if err != nil {
			t.Fatal(err)
		}
		ts, err := ParseWorkbook(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if len(ts) != 8 || ts[0].Unit != "万元" || !ts[7].Empty() || ts[6].Empty() {
			t.Fatalf("%s: %d tables", kind, len(ts))
		}
		if len(ts[0].Header) != 2 || !ts[0].Text[2] || ts[0].Text[1] {
			t.Errorf("%s: two-sided 收支总表 columns %v", kind, ts[0].Text)
		}
		for _, i := range []int{2, 4, 5} {
			for _, r := range ts[i].Rows {
				sum := new(big.Rat).Add(rat(r[3]), rat(r[4]))
				if sum.Cmp(rat(r[2])) != 0 {
					t.Errorf("%s %s row %v: %s + %s != %s", kind, ts[i].Name, r[:2], r[3], r[4], r[2])
				}
			}
		}
	}
	if _, err := ParseWorkbook(bytes.NewReader([]byte("PK\x03\x04 broken"))); err == nil {
		t.Error("a broken file was accepted")
	}
}
