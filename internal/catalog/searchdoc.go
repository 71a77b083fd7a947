package catalog

import (
	"context"
	"iter"
	"strconv"
	"strings"

	"gongkai/internal/errs"
	"gongkai/internal/events"
	"gongkai/internal/sanitize"
	"gongkai/internal/search"
)

// The catalogue's records in the site search: every published item, of
// every document type, as a document of its type's kind (分类展现 by
// 政策文件, 政策解读, 通知公告 …). Withdrawn and unpublished items are never
// indexed (Load answers nil for them, and the index drops them).

// SearchSource returns the catalogue's search source.
func (s *Service) SearchSource() *search.Source {
	var kinds []search.Kind
	for _, t := range DocTypes() {
		kinds = append(kinds, search.Kind{Code: t.Code, Label: t.Name})
	}
	return &search.Source{
		Kinds: kinds,
		Changed: func(e events.Event) ([]search.Ref, bool) {
			switch e.Kind {
			case events.ItemPublished, events.ItemRevised, events.ItemWithdrawn, events.ItemFiles:
				return []search.Ref{{Kind: "item", ID: e.SubjectID}}, true
			case events.ItemsBulk:
				return nil, true // many items: rebuild the site's catalogue documents
			}
			return nil, false
		},
		Load: func(ctx context.Context, siteID int64, ref search.Ref) (*search.Document, error) {
			it, err := s.Item(ctx, siteID, ref.ID)
			if errs.CodeOf(err) == errs.NotFound {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			if !it.Public() {
				return nil, nil
			}
			texts, err := s.attachmentSearchText(ctx, siteID, []int64{it.ID})
			if err != nil {
				return nil, err
			}
			return itemDocument(it, texts[it.ID]), nil
		},
		All: func(ctx context.Context, siteID int64) (iter.Seq2[*search.Document, error], int, error) {
			var total int
			if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM items WHERE site_id = $1 AND status = $2`, siteID, StatusPublished).Scan(&total); err != nil {
				return nil, 0, errs.Wrap(err, "count items")
			}
			return s.publishedDocuments(ctx, siteID), total, nil
		},
	}
}

// searchBatch is how many items one query of a rebuild reads.
const searchBatch = 500

// publishedDocuments yields the documents of a site's published items in
// id order, a batch per query (no long-running read while the index is
// written).
func (s *Service) publishedDocuments(ctx context.Context, siteID int64) iter.Seq2[*search.Document, error] {
	return func(yield func(*search.Document, error) bool) {
		after := int64(0)
		for {
			rows, err := s.DB.R.QueryContext(ctx, `SELECT `+itemCols+itemFrom+` WHERE i.site_id = $1 AND i.status = $2 AND i.id > $3 ORDER BY i.id LIMIT `+
				strconv.Itoa(searchBatch), siteID, StatusPublished, after)
			if err != nil {
				yield(nil, errs.Wrap(err, "items for search"))
				return
			}
			var batch []*Item
			for rows.Next() {
				it, err := scanItem(rows)
				if err != nil {
					rows.Close()
					yield(nil, errs.Wrap(err, "items for search"))
					return
				}
				batch = append(batch, it)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				yield(nil, errs.Wrap(err, "items for search"))
				return
			}
			if len(batch) == 0 {
				return
			}
			ids := make([]int64, len(batch))
			for i, it := range batch {
				ids[i] = it.ID
			}
			texts, err := s.attachmentSearchText(ctx, siteID, ids)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, it := range batch {
				if !yield(itemDocument(it, texts[it.ID]), nil) {
					return
				}
			}
			after = batch[len(batch)-1].ID
		}
	}
}

// attachmentSearchText returns, per item, its attachments' names (and,
// once extracted, their text).
func (s *Service) attachmentSearchText(ctx context.Context, siteID int64, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var b strings.Builder
	args := []any{siteID}
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		args = append(args, id)
		b.WriteString("$" + strconv.Itoa(len(args)))
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT a.item_id, a.name FROM attachments a JOIN items i ON i.id = a.item_id WHERE i.site_id = $1 AND a.item_id IN (`+b.String()+`) ORDER BY a.item_id, a.id`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "attachment text")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, errs.Wrap(err, "attachment text")
		}
		out[id] += name + "\n"
	}
	return out, rows.Err()
}

// itemDocument is a published item as a search document.
func itemDocument(it *Item, files string) *search.Document {
	var extra []string
	for _, v := range []string{it.Summary, it.Keywords, it.DocNo, it.IndexNo, it.Publisher} {
		if v != "" {
			extra = append(extra, v)
		}
	}
	// The type's own fields, as the public sees them (masked where they
	// name persons).
	if t := it.Type(); t != nil {
		for _, f := range t.Fields {
			if f.Core {
				continue
			}
			if v := it.PublicDisplay(f.Name); v != "" && f.Kind != URL {
				extra = append(extra, v)
			}
		}
	}
	body := sanitize.Text(it.Body)
	if files != "" {
		body += "\n" + files
	}
	return &search.Document{
		SiteID: it.SiteID, Kind: it.DocType, Ref: it.ID, URL: "/items/" + strconv.FormatInt(it.ID, 10),
		Title: it.Title, Body: body, Extra: strings.Join(extra, "\n"),
		DocNo: it.DocNo, IndexNo: it.IndexNo, Publisher: it.Publisher, ColumnID: it.ColumnID, Topic: it.Topic,
		Validity: it.Validity, PublishedOn: it.PublishedOn,
	}
}
