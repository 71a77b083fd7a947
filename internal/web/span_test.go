package web

import "testing"

// TestItemSpanTouches: which sitemap files an item change alters, in the
// order (publication day, id) — a move by a new publication day included,
// which the end-to-end test (internal/app TestSitemapInvalidatesOneFile)
// does not make.
func TestItemSpanTouches(t *testing.T) {
	k := func(on string, id int64) OrderKey { return OrderKey{On: on, ID: id} }
	f1 := &ItemSpan{First: k("2024-01-01", 1), Last: k("2024-03-01", 9)}
	f2 := &ItemSpan{First: k("2024-03-01", 10), Last: k("2024-06-01", 4)}
	f3 := &ItemSpan{First: k("2024-06-02", 5), Last: k("2025-01-01", 7), Final: true}
	from := k("2024-02-01", 3)
	cases := []struct {
		name string
		oc   *OrderChange
		want [3]bool
	}{
		{"unknown", nil, [3]bool{true, true, true}},
		{"revised in f2", &OrderChange{At: k("2024-04-01", 20)}, [3]bool{false, true, false}},
		{"revised, last of f1", &OrderChange{At: k("2024-03-01", 9)}, [3]bool{true, false, false}},
		{"published at the end", &OrderChange{At: k("2025-02-01", 30), Shift: true}, [3]bool{false, false, true}},
		{"withdrawn from f2", &OrderChange{At: k("2024-05-01", 2), Shift: true}, [3]bool{false, true, true}},
		{"backdated into f1", &OrderChange{At: k("2024-02-01", 31), Shift: true}, [3]bool{true, true, true}},
		{"moved from f1 to f2", &OrderChange{At: k("2024-04-01", 3), From: &from}, [3]bool{true, true, false}},
	}
	for _, c := range cases {
		for i, f := range []*ItemSpan{f1, f2, f3} {
			if got := f.touches(c.oc); got != c.want[i] {
				t.Errorf("%s: file %d touched = %v, want %v", c.name, i+1, got, c.want[i])
			}
		}
	}
	idx, pages := &ItemSpan{Count: true}, &ItemSpan{None: true}
	if idx.touches(&OrderChange{At: k("2024-04-01", 20)}) || !idx.touches(&OrderChange{At: k("2024-04-01", 20), Shift: true}) {
		t.Error("the index changes with the number of items only")
	}
	if pages.touches(&OrderChange{Shift: true}) {
		t.Error("the pages file lists no items")
	}
}
