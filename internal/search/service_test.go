package search_test

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
