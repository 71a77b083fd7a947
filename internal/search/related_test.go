package search_test

import (
	"context"
	"testing"

	"gongkai/internal/events"
	"gongkai/internal/search"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

// TestRelated: the records sharing the most title words come first (the
// same topic and kind a little higher, repealed ones lower, the newer
// first among equals), the record itself never; the answer is kept per
// record until a change event reaches the Service, then computed again.
func TestRelated(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, site := service(t, db,
			&search.Document{Kind: "policy", Title: "临沂市法律援助实施办法", Topic: "司法", PublishedOn: "2022-03-01"},        // 1: the record
			&search.Document{Kind: "policy", Title: "临沂市法律援助条例", Topic: "司法", PublishedOn: "2020-01-01"},          // 2: 临沂市 法律援助, same topic and kind
			&search.Document{Kind: "news", Title: "法律援助进社区", PublishedOn: "2025-01-01"},                           // 3: 法律援助
			&search.Document{Kind: "policy", Title: "临沂市法律援助办法", Validity: "repealed", PublishedOn: "2015-01-01"}, // 4: repealed
			&search.Document{Kind: "guide", Title: "公证办理指南", PublishedOn: "2021-05-01"},                           // 5: nothing shared
		)
		related := func() []int64 {
			t.Helper()
			hits, err := s.Related(ctx, site, search.Ref{Kind: "policy", ID: 1}, 6)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, h := range hits {
				if h.Title[0].Text != h.Candidate.Title || h.KindLabel == "" {
					t.Errorf("hit %+v", h)
				}
				out = append(out, h.Ref)
			}
			return out
		}
		want := []int64{2, 3, 4}
		if got := related(); !equal(got, want) {
			t.Fatalf("related %v, want %v", got, want)
		}
		// A new related record: the kept answer stands until the change
		// event, as on a node that has not applied it yet.
		d := &search.Document{SiteID: site, Kind: "policy", Ref: 6, Title: "临沂市法律援助实施办法解读", Topic: "司法", PublishedOn: "2022-04-01"}
		b := s.Backend
		if err := b.Put(ctx, d); err != nil {
			t.Fatal(err)
		}
		if got := related(); !equal(got, want) {
			t.Errorf("before the event: %v, want the kept %v", got, want)
		}
		if err := s.Handle(ctx, events.Event{SiteID: site, Kind: "test.changed"}); err != nil {
			t.Fatal(err)
		}
		if got, want := related(), []int64{6, 2, 3, 4}; !equal(got, want) {
			t.Errorf("after the event: %v, want %v", got, want)
		}
		// Fewer asked for: the best of the same order.
		hits, err := s.Related(ctx, site, search.Ref{Kind: "policy", ID: 1}, 2)
		if err != nil || len(hits) != 2 || hits[0].Ref != 6 || hits[1].Ref != 2 {
			t.Errorf("n=2: %+v, %v", hits, err)
		}
	})
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
