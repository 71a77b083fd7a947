package annual

import (
	"slices"
	"testing"

	"gongkai/internal/request"
)

func TestSameParagraphs(t *testing.T) {
	got := SameParagraphs("一\n\n 二 \n\n三", "二\n\n四\n\n一")
	if !slices.Equal(got, []int{0, 1}) {
		t.Errorf("same paragraphs: %v", got)
	}
}

func TestWanYuan(t *testing.T) {
	for yuan, want := range map[int64]string{0: "0.0000", 400: "0.0400", 123456: "12.3456"} {
		if got := WanYuan(yuan); got != want {
			t.Errorf("%d: %s, want %s", yuan, got, want)
		}
	}
}

// A table 三 with no requests passes; one broken override fails
// the per-column rule, and a non-number fails the value rule.
func TestChecksOnShownValues(t *testing.T) {
	t3 := map[string]map[string]int{}
	r := &Report{Tables: Tables{Requests: requestsTable(t3), ReviewLitigation: remediesTable(&request.Table4{Cells: map[string]map[string][]request.Ref{}})}}
	if r.Checks = Checks(r); !r.OK() {
		t.Fatalf("empty tables fail: %+v", r.Checks)
	}
	c, _ := r.CellKeys("requests", "new", "natural_person")
	c.Value = "1"
	r.Checks = Checks(r)
	if r.OK() || r.Checks[0].OK {
		t.Errorf("broken override not caught: %+v", r.Checks)
	}
	c.Value = "x"
	r.Checks = Checks(r)
	if r.Checks[len(r.Checks)-1].OK {
		t.Errorf("non-number not caught")
	}
	if n := len(r.Tables.Requests.Rows); n != 25 {
		t.Errorf("%d rows", n)
	}
}
