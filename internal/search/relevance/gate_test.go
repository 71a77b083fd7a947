package relevance

import (
	"context"
	"testing"

	"gongkai/internal/calendar"
	"gongkai/internal/search"
	"gongkai/internal/search/fts5"
	"gongkai/internal/search/pg"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// gateTolerance is how far below the recorded baseline a back end may fall
// (rounding of the recorded figures).
const gateTolerance = 0.0005

// serviceSearcher indexes the corpus into the back end of db and searches
// it through the Service, as the site does.
func serviceSearcher(t *testing.T, db *store.DB, segmentation string) (Searcher, string) {
	t.Helper()
	var b search.Backend = fts5.New(db)
	if db.Dialect == store.Postgres {
		b = pg.New(db)
	}
	// The corpus is site 1's (the synonym table belongs to a site).
	if _, err := db.W.Exec(`INSERT INTO sites (slug, name, org_code, created_at) VALUES ('relevance', '临沂市司法局', '1', $1)`, store.Now()); err != nil {
		t.Fatal(err)
	}
	docs, _, err := Corpus()
	if err != nil {
		t.Fatal(err)
	}
	ptrs := make([]*search.Document, len(docs))
	for i := range docs {
		ptrs[i] = &docs[i]
	}
	if err := b.Put(context.Background(), ptrs...); err != nil {
		t.Fatal(err)
	}
	svc := search.NewService(db, b, nil, nil)
	svc.Today = func() calendar.Date { return calendar.Date{Year: 2026, Month: 12, Day: 1} }
	svc.Segmentation = segmentation
	return func(ctx context.Context, q string) ([]int64, error) {
		res, err := svc.Search(ctx, &search.Request{SiteID: 1, Q: q, Limit: 10})
		if err != nil {
			return nil, err
		}
		var refs []int64
		for _, h := range res.BestBets {
			refs = append(refs, h.Ref)
		}
		for _, h := range res.Hits {
			refs = append(refs, h.Ref)
		}
		return refs, nil
	}, b.Name()
}

// TestRelevanceGate is the relevance gate of `make test`: on every back end
// the site search must keep the nDCG@10 and MRR recorded in
// testdata/baseline.json (go test -run RelevanceGate -update records them)
// and beat the substring search it replaced.
func TestRelevanceGate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, name := serviceSearcher(t, db, search.SegmentWords)
		rep, err := Evaluate(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s:\n%s", name, rep)
		sub, _, _ := Baseline("substring")
		if rep.Overall.NDCG10 <= sub {
			t.Errorf("%s nDCG@10 %.4f does not beat the substring search (%.4f)", name, rep.Overall.NDCG10, sub)
		}
		if *update {
			writeBaseline(t, name, rep.Overall)
			return
		}
		ndcg, mrr, ok := Baseline(name)
		if !ok {
			t.Fatalf("no baseline recorded for %s: run go test ./internal/search/relevance -run RelevanceGate -update", name)
		}
		if rep.Overall.NDCG10 < ndcg-gateTolerance || rep.Overall.MRR < mrr-gateTolerance {
			t.Errorf("%s relevance fell: nDCG@10 %.4f (baseline %.4f), MRR %.4f (baseline %.4f)", name, rep.Overall.NDCG10, ndcg, rep.Overall.MRR, mrr)
		}
	})
}

// TestSegmentationComparison reports the relevance of the two ways free
// text becomes query words (docs/BENCHMARKS.md records the comparison that
// chose dictionary words): it fails only if dictionary words stop winning.
func TestSegmentationComparison(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	words, _ := serviceSearcher(t, db, search.SegmentWords)
	runs, _ := serviceSearcher(t, storetest.Open(t, store.SQLite), search.SegmentRuns)
	rw, err := Evaluate(context.Background(), words)
	if err != nil {
		t.Fatal(err)
	}
	rr, err := Evaluate(context.Background(), runs)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("dictionary words: nDCG@10 %.4f MRR %.4f; whole runs as phrases: nDCG@10 %.4f MRR %.4f", rw.Overall.NDCG10, rw.Overall.MRR, rr.Overall.NDCG10, rr.Overall.MRR)
	for _, typ := range []string{"colloquial", "synonym", "abbreviation", "docno", "pinyin", "typo", "title", "phrase", "common"} {
		t.Logf("%-12s words %.3f  runs %.3f", typ, rw.Type(typ).NDCG10, rr.Type(typ).NDCG10)
	}
	if rw.Overall.NDCG10 < rr.Overall.NDCG10 {
		t.Errorf("whole runs (%.4f) beat dictionary words (%.4f): revisit the default segmentation", rr.Overall.NDCG10, rw.Overall.NDCG10)
	}
}
