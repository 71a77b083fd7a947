package lists

import (
	"context"
	"encoding/json"
	"iter"
	"net/url"
	"strings"

	"gongkai/internal/catalog"
	"gongkai/internal/events"
	"gongkai/internal/search"
)

// The lists in the site search: every row of every kind's current edition
// is a document of the kind (分类展现: 权责清单, 职责边界清单 …), at the row's
// permanent URL. A new edition rebuilds the kind's documents (the sweep
// drops rows no longer listed).

// RowURL is a row's permanent page: by kind and key, the same in every
// edition that lists it.
func RowURL(kind, key string) string {
	return "/lists/" + kind + "/rows/" + url.PathEscape(key)
}

// SearchSource returns the lists' search source.
func (s *Service) SearchSource() *search.Source {
	var ks []search.Kind
	for _, k := range Kinds() {
		ks = append(ks, search.Kind{Code: k.Code, Label: k.Name})
	}
	return &search.Source{
		Kinds: ks,
		Changed: func(e events.Event) ([]search.Ref, bool) {
			if e.Kind == EventPublicityEnded {
				// The rows that left public view: their documents go
				// (Load yields none for a single row). An event without
				// rows (written before they were named) rebuilds.
				var p publicityEnded
				if json.Unmarshal(e.Payload, &p) == nil && p.Kind != "" && len(p.Rows) > 0 {
					refs := make([]search.Ref, len(p.Rows))
					for i, id := range p.Rows {
						refs[i] = search.Ref{Kind: p.Kind, ID: id}
					}
					return refs, true
				}
				return nil, true
			}
			if e.Kind == EventPublished {
				return nil, true
			}
			return nil, false
		},
		Load: func(ctx context.Context, siteID int64, ref search.Ref) (*search.Document, error) {
			// Only the rebuild (All) yields list documents; a single row is
			// never reloaded by itself.
			return nil, nil
		},
		All: func(ctx context.Context, siteID int64) (iter.Seq2[*search.Document, error], int, error) {
			var docs []*search.Document
			for _, k := range Kinds() {
				e, err := s.Current(ctx, siteID, k)
				if err != nil {
					return nil, 0, err
				}
				if e == nil {
					continue
				}
				rows, err := s.Rows(ctx, e.ID)
				if err != nil {
					return nil, 0, err
				}
				for _, r := range k.Public(rows, s.today()) {
					docs = append(docs, k.document(siteID, e, r))
				}
			}
			return func(yield func(*search.Document, error) bool) {
				for _, d := range docs {
					if !yield(d, nil) {
						return
					}
				}
			}, len(docs), nil
		},
	}
}

func (k *Kind) document(siteID int64, e *Edition, r Row) *search.Document {
	var body, extra []string
	for _, f := range k.Fields {
		v := k.Display(r.Values, f.Name)
		if _, img := k.Images[f.Name]; v == "" || f.Name == k.Title || img {
			continue
		}
		switch f.Kind {
		case catalog.TextArea:
			body = append(body, f.Label+"："+v)
		case catalog.URL, catalog.Link:
		default:
			extra = append(extra, v)
		}
	}
	title := r.Title
	if sub := r.Values["sub_item_name"]; sub != "" {
		title += "（" + sub + "）"
	}
	publisher := ""
	if k.Body != "" {
		publisher = r.Values[k.Body]
	}
	return &search.Document{SiteID: siteID, Kind: k.Code, Ref: r.ID, URL: RowURL(k.Code, r.Key), Title: title,
		Body: strings.Join(body, "\n"), Extra: strings.Join(extra, "\n"), Publisher: publisher, PublishedOn: e.EffectiveOn}
}
