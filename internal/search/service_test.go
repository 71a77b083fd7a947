package search_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"testing"

	"gongkai/internal/calendar"
	"gongkai/internal/events"
	"gongkai/internal/search"
	"gongkai/internal/search/fts5"
	"gongkai/internal/search/pg"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

// service is a Service over the database's back end with a few documents
// of one site.
func service(t *testing.T, db *store.DB, docs ...*search.Document) (*search.Service, int64) {
	t.Helper()
	var site int64
	if err := db.W.QueryRow(`INSERT INTO sites (slug, name, org_code, created_at) VALUES ('svc', '测试站点', '1', $1) RETURNING id`, store.Now()).Scan(&site); err != nil {
		t.Fatal(err)
	}
	var b search.Backend = fts5.New(db)
	if db.Dialect == store.Postgres {
		b = pg.New(db)
	}
	for i, d := range docs {
		d.SiteID, d.Ref = site, int64(i+1)
	}
	if err := b.Put(context.Background(), docs...); err != nil {
		t.Fatal(err)
	}
	s := search.NewService(db, b, nil, nil)
	s.Today = func() calendar.Date { return calendar.Date{Year: 2026, Month: 12, Day: 1} }
	return s, site
}

func refs(r *search.Result) []int64 {
	var out []int64
	for _, h := range r.Hits {
		out = append(out, h.Ref)
	}
	return out
}

// The Service's answers on a small site: ranking by title and validity, the
// fallbacks when nothing has every word, and an exact phrase that is never
// loosened.
func TestServiceSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, site := service(t, db,
			&search.Document{Kind: "policy", Title: "临沂市法律援助实施办法", Body: "为规范法律援助工作，制定本办法。", Validity: "repealed", PublishedOn: "2018-03-01"},
			&search.Document{Kind: "policy", Title: "临沂市法律援助实施办法（修订）", Body: "为规范法律援助工作，制定本办法。", Validity: "in_force", PublishedOn: "2022-03-01"},
			&search.Document{Kind: "news", Title: "全市司法行政工作会议召开", Body: "会议部署了法律援助、人民调解等工作。", PublishedOn: "2026-01-05"},
			&search.Document{Kind: "guide", Title: "公证办理指南", Body: "办理公证须携带身份证明。", PublishedOn: "2021-05-01"},
		)
		find := func(r search.Request) *search.Result {
			t.Helper()
			r.SiteID = site
			res, err := s.Search(ctx, &r)
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		// The title matches first, the one in force above the repealed one;
		// the news that mentions it in the body last.
		if got := refs(find(search.Request{Q: "法律援助"})); len(got) != 3 || got[0] != 2 || got[1] != 1 || got[2] != 3 {
			t.Errorf("法律援助: %v, want [2 1 3]", got)
		}
		// No document has 公证 and 法律援助: any word, marked partial.
		if r := find(search.Request{Q: "公证 法律援助实施"}); !r.Partial || r.Total == 0 {
			t.Errorf("partial fallback: %+v", r)
		}
		// An exact phrase is not loosened.
		if r := find(search.Request{Phrase: "公证法律援助"}); r.Partial || r.Total != 0 {
			t.Errorf("an exact phrase was loosened: total %d partial %v", r.Total, r.Partial)
		}
		// Date order ignores the scores.
		if got := refs(find(search.Request{Q: "法律援助", Sort: "date"})); len(got) != 3 || got[0] != 3 {
			t.Errorf("by date: %v", got)
		}
		// Filters narrow; a kind filter on the words.
		if got := refs(find(search.Request{Q: "法律援助", Kinds: []string{"news"}})); len(got) != 1 || got[0] != 3 {
			t.Errorf("kind filter: %v", got)
		}
		if got := refs(find(search.Request{Q: "法律援助", Validity: "in_force"})); len(got) != 1 || got[0] != 2 {
			t.Errorf("validity filter: %v", got)
		}
	})
}

// TestReindexPipeline: a rebuild of more documents than a batch (prepared in
// workers, written in order) replaces every document in place, keeps the
// ids of those whose day is unchanged, removes what the source no longer
// yields, and ends with the source's error or the context's.
func TestReindexPipeline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, site := service(t, db, &search.Document{Kind: "policy", Title: "旧文件", PublishedOn: "2020-01-01"})
		const n = 1234
		var fail error
		s.Register(&search.Source{
			Kinds:   []search.Kind{{Code: "policy", Label: "政策文件"}},
			Changed: func(events.Event) ([]search.Ref, bool) { return nil, false },
			All: func(ctx context.Context, siteID int64) (iter.Seq2[*search.Document, error], int, error) {
				return func(yield func(*search.Document, error) bool) {
					for i := range n {
						if fail != nil && i == 700 {
							yield(nil, fail)
							return
						}
						// Days out of id order, as items' publication days are.
						d := &search.Document{Kind: "policy", Ref: int64(i + 2), Title: "法律援助第" + strconv.Itoa(i) + "号通知",
							Body: "全市法律援助工作。", PublishedOn: fmt.Sprintf("2021-%02d-%02d", 1+i*7%12, 1+i*13%28)}
						if !yield(d, nil) {
							return
						}
					}
				}, n, nil
			},
		})
		got, err := s.Reindex(ctx, site, nil)
		if err != nil || got != n {
			t.Fatalf("Reindex: %d, %v", got, err)
		}
		ids := map[int64]int64{}
		count := 0
		for ref, err := range s.Backend.Refs(ctx, site, "policy") {
			if err != nil {
				t.Fatal(err)
			}
			if ref == 1 {
				t.Error("the document the source no longer yields was kept")
			}
			d, err := s.Backend.Doc(ctx, site, "policy", ref)
			if err != nil || d == nil {
				t.Fatalf("doc %d: %v %v", ref, d, err)
			}
			ids[ref] = d.ID
			count++
		}
		if count != n {
			t.Errorf("%d documents indexed, want %d", count, n)
		}
		m, err := s.Backend.Match(ctx, &search.Match{SiteID: site, Must: []search.Clause{{*search.PhraseOf("法律援助", search.Anywhere)}}, Cap: 2000})
		if err != nil || len(m.Candidates) != n {
			t.Fatalf("match after rebuild: %v, %v", m != nil && len(m.Candidates) == n, err)
		}
		// Again: every document replaced, each keeping its id.
		if got, err := s.Reindex(ctx, site, nil); err != nil || got != n {
			t.Fatalf("second Reindex: %d, %v", got, err)
		}
		for ref, id := range ids {
			if d, err := s.Backend.Doc(ctx, site, "policy", ref); err != nil || d == nil || d.ID != id {
				t.Fatalf("doc %d after the second rebuild: %+v, %v (id was %d)", ref, d, err, id)
			}
		}
		// A source's error ends the rebuild with it, nothing swept.
		fail = errors.New("source failed")
		if _, err := s.Reindex(ctx, site, nil); !errors.Is(err, fail) {
			t.Errorf("Reindex with a failing source: %v", err)
		}
		fail = nil
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := s.Reindex(cctx, site, nil); !errors.Is(err, context.Canceled) {
			t.Errorf("Reindex cancelled: %v", err)
		}
		count = 0
		for _, err := range s.Backend.Refs(ctx, site, "policy") {
			if err != nil {
				t.Fatal(err)
			}
			count++
		}
		if count != n {
			t.Errorf("%d documents after the failed rebuilds, want %d", count, n)
		}
	})
}
