package pg

import (
	"testing"

	"gongkai/internal/search"
)

// TestDays: a document's day lexemes, and the fewest covering a window.
func TestDays(t *testing.T) {
	id := search.OrderBase("2021-03-15") + 7
	if got, want := string(appendDays(nil, id)), ` '§y2021' '§m202103' '§d20210315'`; got != want {
		t.Errorf("appendDays = %q, want %q", got, want)
	}
	day := func(s string) int64 { return search.OrderBase(s) }
	for _, c := range []struct {
		lo, hi int64
		want   string
	}{
		{0, 1 << 62, ""},
		{day("2021-03-15"), day("2021-03-16"), `('§d20210315')`},
		{day("2021-03-15") + 5, day("2021-03-15") + 9, `('§d20210315')`},
		{day("2021-03-30"), day("2021-05-02"), `('§d20210330' | '§d20210331' | '§m202104' | '§d20210501')`},
		{day("2020-12-31"), day("2022-02-01"), `('§d20201231' | '§y2021' | '§m202201')`},
		{day("2021-01-01"), day("2022-01-01"), `('§y2021')`},
	} {
		if got := dayQuery(c.lo, c.hi); got != c.want {
			t.Errorf("dayQuery(%d, %d) = %s, want %s", c.lo, c.hi, got, c.want)
		}
	}
}
