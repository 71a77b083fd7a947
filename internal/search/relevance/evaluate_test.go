package relevance

import (
	"context"
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// Hand-computed: gains 2^g−1 (3 for grade 2, 1 for grade 1), discount
// log2(rank+1).
func TestDCG(t *testing.T) {
	cases := []struct {
		name   string
		grades []int
		want   float64
	}{
		{"empty", nil, 0},
		{"answer first", []int{2}, 3},
		{"answer second", []int{0, 2}, 3 / math.Log2(3)},
		{"relevant third", []int{0, 0, 1}, 1.0 / 2},
		{"2,1,0,1", []int{2, 1, 0, 1}, 3 + 1/math.Log2(3) + 1/math.Log2(5)},
		// Rank 11 is past the cutoff.
		{"beyond 10", []int{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}, 0},
		{"rank 10", []int{0, 0, 0, 0, 0, 0, 0, 0, 0, 2}, 3 / math.Log2(11)},
	}
	for _, c := range cases {
		if got := DCG(c.grades); !near(got, c.want) {
			t.Errorf("%s: DCG = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestNDCG(t *testing.T) {
	cases := []struct {
		name           string
		ranked, judged []int
		want           float64
	}{
		{"ideal", []int{2, 1}, []int{1, 2}, 1},
		{"nothing judged", []int{0, 0}, nil, 0},
		{"nothing found", nil, []int{2}, 0},
		// Swapped: (1 + 3/log2 3) / (3 + 1/log2 3).
		{"swapped", []int{1, 2}, []int{2, 1}, (1 + 3/math.Log2(3)) / (3 + 1/math.Log2(3))},
		// The answer at rank 3 among irrelevant results: (3/2) / 3.
		{"answer third", []int{0, 0, 2}, []int{2}, 0.5},
		// A relevant document never returned still counts in the ideal:
		// found 2 at rank 1 of ideal [2, 1].
		{"missing relevant", []int{2, 0}, []int{2, 1}, 3 / (3 + 1/math.Log2(3))},
		// The ideal is cut at 10 too: 12 judged ones, 10 found first.
		{"ideal cut", []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 1},
	}
	for _, c := range cases {
		if got := NDCG(c.ranked, c.judged); !near(got, c.want) {
			t.Errorf("%s: NDCG = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestReciprocalRank(t *testing.T) {
	cases := []struct {
		ranked []int
		want   float64
	}{
		{nil, 0},
		{[]int{0, 0, 0}, 0},
		{[]int{1}, 1},
		{[]int{0, 2}, 0.5},
		{[]int{0, 0, 0, 1, 2}, 0.25},
	}
	for _, c := range cases {
		if got := ReciprocalRank(c.ranked); !near(got, c.want) {
			t.Errorf("ReciprocalRank(%v) = %v, want %v", c.ranked, got, c.want)
		}
	}
}

// An oracle that returns every judged document in grade order scores 1 on
// every query; one that returns nothing scores 0; Evaluate aggregates per
// type and repeats of a ref count once.
func TestEvaluateOracleAndEmpty(t *testing.T) {
	ctx := context.Background()
	_, keys, err := Corpus()
	if err != nil {
		t.Fatal(err)
	}
	refOf := map[string]int64{}
	for i, k := range keys {
		refOf[k] = int64(i + 1)
	}
	queries, err := Queries()
	if err != nil {
		t.Fatal(err)
	}
	byQ := map[string]Query{}
	for _, q := range queries {
		byQ[q.Q] = q
	}
	oracle := func(_ context.Context, q string) ([]int64, error) {
		var out []int64
		for _, g := range []int{2, 1} {
			for k, kg := range byQ[q].Relevant {
				if kg == g {
					out = append(out, refOf[k], refOf[k]) // repeated: counts once
				}
			}
		}
		return out, nil
	}
	rep, err := Evaluate(ctx, oracle)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Overall.Queries != len(queries) || !near(rep.Overall.NDCG10, 1) || !near(rep.Overall.MRR, 1) {
		t.Fatalf("oracle: %+v, want %d queries at 1, 1", rep.Overall, len(queries))
	}
	n := 0
	for _, s := range rep.ByType {
		n += s.Queries
		if !near(s.NDCG10, 1) {
			t.Errorf("oracle type %s nDCG %v", s.Type, s.NDCG10)
		}
	}
	if n != len(queries) {
		t.Errorf("per-type queries sum to %d, want %d", n, len(queries))
	}
	rep, err = Evaluate(ctx, func(context.Context, string) ([]int64, error) { return []int64{0, -1, 1 << 40}, nil })
	if err != nil {
		t.Fatal(err)
	}
	if rep.Overall.NDCG10 != 0 || rep.Overall.MRR != 0 {
		t.Fatalf("refs outside the corpus scored %+v", rep.Overall)
	}
}

func TestQueriesCoverTheBrief(t *testing.T) {
	queries, err := Queries()
	if err != nil {
		t.Fatal(err)
	}
	if len(queries) < 70 {
		t.Errorf("%d queries, want at least 70", len(queries))
	}
	types := map[string]int{}
	seen := map[string]bool{}
	for _, q := range queries {
		types[q.Type]++
		if seen[q.Q] {
			t.Errorf("query %q judged twice", q.Q)
		}
		seen[q.Q] = true
		answer := false
		for _, g := range q.Relevant {
			answer = answer || g == 2
		}
		if !answer {
			t.Errorf("query %q has no answer (grade 2)", q.Q)
		}
	}
	for _, typ := range QueryTypes {
		if types[typ] < 5 {
			t.Errorf("type %s has %d queries, want at least 5", typ, types[typ])
		}
	}
	for _, must := range []string{"怎么申请法律援助", "法援", "律所年检", "双随机", "放管服", "临司发 2021 12", "2021 12号",
		"临司发〔2021〕12号", "quanzeqingdan", "qzqd", "falvyuanzhu", "社区娇正", "公正处", "行政复意", "政务公开年报"} {
		if !seen[must] {
			t.Errorf("query %q missing", must)
		}
	}
	if _, _, ok := Baseline("substring"); !ok {
		t.Error("no substring baseline recorded (or baseline.json does not parse)")
	}
}
