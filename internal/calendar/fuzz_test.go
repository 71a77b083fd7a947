package calendar

import "testing"

// FuzzParse: a date is accepted only in its one written form (Parse then
// String gives the text back), Valid and UnmarshalText agree with Parse, and
// the arithmetic around an accepted date is consistent.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"2021-06-14", "2024-02-29", "2023-02-29", "0001-01-01", "9999-12-31", "0000-01-01", "2021-6-14",
		"2021-06-14 ", "２０２１-06-14", "2021/06/14", "2021年6月14日", "+2021-06-14", "-001-01-01", "2021-13-01", "2021-00-10", "", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if valid := Valid(s); valid != (err == nil) {
			t.Fatalf("Valid(%q) = %v, Parse error %v", s, valid, err)
		}
		var u Date
		if uerr := u.UnmarshalText([]byte(s)); (uerr == nil) != (err == nil) || u != d {
			t.Fatalf("UnmarshalText(%q) = %v, %v; Parse = %v, %v", s, u, uerr, d, err)
		}
		if err != nil {
			if !d.IsZero() || !Day(s).IsZero() {
				t.Fatalf("refused %q but returned %v", s, d)
			}
			return
		}
		if d.String() != s {
			t.Fatalf("Parse(%q).String() = %q: more than one written form accepted", s, d.String())
		}
		if Day(s) != d {
			t.Fatalf("Day(%q) = %v, Parse = %v", s, Day(s), d)
		}
		next := d.AddDays(1)
		if next.Sub(d) != 1 || !next.After(d) || !d.Before(next) || d.Compare(d) != 0 {
			t.Fatalf("arithmetic around %v: next %v, Sub %d", d, next, next.Sub(d))
		}
		if b, _ := d.MarshalText(); string(b) != s {
			t.Fatalf("MarshalText(%v) = %q", d, b)
		}
	})
}
