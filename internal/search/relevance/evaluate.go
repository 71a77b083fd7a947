package relevance

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// Query types: how a person phrases what they look for.
var QueryTypes = []string{"colloquial", "synonym", "abbreviation", "docno", "pinyin", "typo", "title", "phrase", "common"}

// Query is one judged query: Relevant maps a document key to its grade,
// 2 for the answer and 1 for a relevant document; documents not listed are
// not relevant (grade 0).
type Query struct {
	Q        string         `json:"q"`
	Type     string         `json:"type"`
	Relevant map[string]int `json:"relevant"`
	// Note says why the judgment is what it is (optional).
	Note string `json:"note,omitempty"`
}

// Queries parses testdata/queries.jsonl.
func Queries() ([]Query, error) {
	known := map[string]bool{}
	for _, t := range QueryTypes {
		known[t] = true
	}
	return readJSONL("queries.jsonl", queriesJSONL, func(q *Query) error {
		if !known[q.Type] {
			return fmt.Errorf("unknown type %q", q.Type)
		}
		if strings.TrimSpace(q.Q) == "" || len(q.Relevant) == 0 {
			return errors.New("empty query or no judgments")
		}
		for k, g := range q.Relevant {
			if g < 1 || g > 2 {
				return fmt.Errorf("%s graded %d, not 1 or 2", k, g)
			}
		}
		return nil
	})
}

// Searcher runs a query and returns the Document.Ref of its results, best
// first (at least the first 10 when there are that many).
type Searcher func(ctx context.Context, q string) (refs []int64, err error)

// Cutoff is the rank nDCG is computed to: the first result page.
const Cutoff = 10

// gain is the exponential gain of a grade (2^g − 1: the answer counts three
// times a merely relevant document).
func gain(grade int) float64 { return math.Exp2(float64(grade)) - 1 }

// DCG is the discounted cumulative gain of grades in rank order, to Cutoff:
// Σ gain(g_i) / log2(i+1), i from 1.
func DCG(grades []int) float64 {
	s := 0.0
	for i, g := range grades {
		if i == Cutoff {
			break
		}
		s += gain(g) / math.Log2(float64(i+2))
	}
	return s
}

// NDCG is DCG of the ranked grades over DCG of the ideal ranking of every
// judged grade (judged: all grades of the query, ranked or not); 0 when
// nothing is judged relevant.
func NDCG(ranked, judged []int) float64 {
	ideal := slices.Clone(judged)
	sort.Sort(sort.Reverse(sort.IntSlice(ideal)))
	d := DCG(ideal)
	if d == 0 {
		return 0
	}
	return DCG(ranked) / d
}

// ReciprocalRank is 1/rank of the first grade ≥ 1 (ranks from 1), or 0.
func ReciprocalRank(ranked []int) float64 {
	for i, g := range ranked {
		if g >= 1 {
			return 1 / float64(i+1)
		}
	}
	return 0
}

// QueryResult is one query's figures.
type QueryResult struct {
	Q      string
	Type   string
	NDCG10 float64
	RR     float64
	// First is the rank of the first relevant result (1-based), 0 if none.
	First int
	// Top are the keys of the first three results, with their grades.
	Top []string
	// Results is how many refs the searcher returned.
	Results int
	// Missed are the answers (grade 2) not in the first Cutoff results.
	Missed []string
}

// Score is the mean figures of a set of queries.
type Score struct {
	Type    string
	Queries int
	NDCG10  float64
	MRR     float64
}

// Report is the evaluation of a Searcher over every judged query.
type Report struct {
	Overall Score
	ByType  []Score // in QueryTypes order, types without queries left out
	Details []QueryResult
}

// Evaluate runs every judged query through s and scores the rankings.
// Refs the corpus does not hold count as not relevant; a ref repeated in a
// ranking counts once, at its first rank.
func Evaluate(ctx context.Context, s Searcher) (*Report, error) {
	_, keys, err := Corpus()
	if err != nil {
		return nil, err
	}
	queries, err := Queries()
	if err != nil {
		return nil, err
	}
	keyOf := func(ref int64) string {
		if ref < 1 || ref > int64(len(keys)) {
			return ""
		}
		return keys[ref-1]
	}
	exists := make(map[string]bool, len(keys))
	for _, k := range keys {
		exists[k] = true
	}
	rep := &Report{}
	sums := map[string]*Score{}
	for _, q := range queries {
		judged := make([]int, 0, len(q.Relevant))
		for k, g := range q.Relevant {
			if !exists[k] {
				return nil, fmt.Errorf("query %q judges %s, which the corpus does not hold", q.Q, k)
			}
			judged = append(judged, g)
		}
		refs, err := s(ctx, q.Q)
		if err != nil {
			return nil, fmt.Errorf("query %q: %w", q.Q, err)
		}
		seen := map[int64]bool{}
		var ranked []int
		var top, firstKeys []string
		for _, ref := range refs {
			if seen[ref] {
				continue
			}
			seen[ref] = true
			k := keyOf(ref)
			g := q.Relevant[k]
			ranked = append(ranked, g)
			if len(top) < 3 {
				top = append(top, fmt.Sprintf("%s:%d", k, g))
			}
			if len(firstKeys) < Cutoff {
				firstKeys = append(firstKeys, k)
			}
		}
		qr := QueryResult{Q: q.Q, Type: q.Type, NDCG10: NDCG(ranked, judged), RR: ReciprocalRank(ranked), Top: top, Results: len(seen)}
		for k, g := range q.Relevant {
			if g == 2 && !slices.Contains(firstKeys, k) {
				qr.Missed = append(qr.Missed, k)
			}
		}
		slices.Sort(qr.Missed)
		if qr.RR > 0 {
			qr.First = int(math.Round(1 / qr.RR))
		}
		rep.Details = append(rep.Details, qr)
		for _, t := range []string{"", q.Type} {
			sc := sums[t]
			if sc == nil {
				sc = &Score{Type: t}
				sums[t] = sc
			}
			sc.Queries++
			sc.NDCG10 += qr.NDCG10
			sc.MRR += qr.RR
		}
	}
	mean := func(sc *Score) Score {
		out := *sc
		if out.Queries > 0 {
			out.NDCG10 /= float64(out.Queries)
			out.MRR /= float64(out.Queries)
		}
		return out
	}
	if sc := sums[""]; sc != nil {
		rep.Overall = mean(sc)
		rep.Overall.Type = "overall"
	}
	for _, t := range QueryTypes {
		if sc := sums[t]; sc != nil {
			rep.ByType = append(rep.ByType, mean(sc))
		}
	}
	return rep, nil
}

// Type returns the score of a query type (zero Score if it has none).
func (r *Report) Type(t string) Score {
	for _, s := range r.ByType {
		if s.Type == t {
			return s
		}
	}
	return Score{Type: t}
}

// String renders the report as a plain-text table: overall and per type,
// then every query with its figures and top results.
func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-14s %7s %8s %8s\n", "type", "queries", "nDCG@10", "MRR")
	for _, s := range append([]Score{r.Overall}, r.ByType...) {
		fmt.Fprintf(&b, "%-14s %7d %8.3f %8.3f\n", s.Type, s.Queries, s.NDCG10, s.MRR)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "%-12s %7s %6s %5s %7s  %-28s %-14s %s\n", "type", "nDCG@10", "RR", "first", "results", "top (key:grade)", "missed", "query")
	for _, d := range r.Details {
		first := "-"
		if d.First > 0 {
			first = fmt.Sprint(d.First)
		}
		missed := strings.Join(d.Missed, ",")
		if missed == "" {
			missed = "-"
		}
		fmt.Fprintf(&b, "%-12s %7.3f %6.3f %5s %7d  %-28s %-14s %s\n", d.Type, d.NDCG10, d.RR, first, d.Results, strings.Join(d.Top, " "), missed, d.Q)
	}
	return b.String()
}

//go:embed testdata/baseline.json
var baselineJSON []byte

// figures are a back end's recorded figures.
type figures struct {
	NDCG10 float64 `json:"ndcg10"`
	MRR    float64 `json:"mrr"`
}

// Baseline returns the recorded overall nDCG@10 and MRR of a back end
// ("substring" is the naive title/body substring match the engine replaces);
// ok is false when none is recorded.
func Baseline(backend string) (ndcg, mrr float64, ok bool) {
	var m map[string]figures
	if err := json.Unmarshal(baselineJSON, &m); err != nil {
		return 0, 0, false
	}
	f, ok := m[backend]
	return f.NDCG10, f.MRR, ok
}
