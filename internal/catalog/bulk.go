package catalog

import (
	"context"
	"slices"

	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// AllItems returns every item of a site that is not withdrawn, oldest
// first: the input of the deadline rules and the self-inspection.
//
// The items come without their bodies (issue 17: at 100,000 items the
// bodies were most of the self-inspection's memory); ItemsAfter with
// bodies pages through them.
func (s *Service) AllItems(ctx context.Context, siteID int64) ([]*Item, error) {
	return s.queryItems(ctx, "all items", `SELECT `+listCols+itemFrom+` WHERE i.site_id = $1 AND i.status <> $2 ORDER BY i.id`, siteID, StatusWithdrawn)
}

// queryItems runs a query of itemCols and scans its items.
func (s *Service) queryItems(ctx context.Context, what, q string, args ...any) ([]*Item, error) {
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, errs.Wrap(err, what)
	}
	defer rows.Close()
	var out []*Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, errs.Wrap(err, what)
		}
		out = append(out, it)
	}
	return out, errs.Wrap(rows.Err(), what)
}

// InterpretLinks returns, for a site, which items each interpretation explains
// (from -> to ids).
func (s *Service) InterpretLinks(ctx context.Context, siteID int64) (map[int64][]int64, error) {
	return s.queryLinks(ctx, `SELECT l.from_id, l.to_id FROM item_links l JOIN items i ON i.id = l.from_id
		WHERE i.site_id = $1 AND l.kind = 'interprets' ORDER BY l.from_id, l.to_id`, siteID)
}

// queryLinks runs a query of (from_id, to_id) pairs into from -> to ids.
func (s *Service) queryLinks(ctx context.Context, q string, args ...any) (map[int64][]int64, error) {
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, errs.Wrap(err, "links")
	}
	defer rows.Close()
	out := map[int64][]int64{}
	for rows.Next() {
		var from, to int64
		if err := rows.Scan(&from, &to); err != nil {
			return nil, errs.Wrap(err, "links")
		}
		out[from] = append(out[from], to)
	}
	return out, errs.Wrap(rows.Err(), "links")
}

// WithdrawnIDs returns the ids of a site's withdrawn items.
func (s *Service) WithdrawnIDs(ctx context.Context, siteID int64) (map[int64]bool, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id FROM items WHERE site_id = $1 AND status = $2`, siteID, StatusWithdrawn)
	if err != nil {
		return nil, errs.Wrap(err, "withdrawn items")
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, errs.Wrap(err, "withdrawn items")
		}
		out[id] = true
	}
	return out, rows.Err()
}

// ItemsByID returns the site's items (withdrawn ones left out) with the
// given ids, in id order. For a handful of ids: one query.
func (s *Service) ItemsByID(ctx context.Context, siteID int64, ids []int64) ([]*Item, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return nil, nil
	}
	args := []any{siteID, StatusWithdrawn}
	for _, id := range ids {
		args = append(args, id)
	}
	return s.queryItems(ctx, "items by id", `SELECT `+itemCols+itemFrom+` WHERE i.site_id = $1 AND i.status <> $2 AND i.id IN (`+placeholders(3, len(ids))+`) ORDER BY i.id`, args...)
}

// InterpretLinksAround returns the interpretation links (from -> to ids) of
// a site that start or end at one of ids: what a few items' deadlines need,
// without reading the site's every link (issue 17).
func (s *Service) InterpretLinksAround(ctx context.Context, siteID int64, ids []int64) (map[int64][]int64, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return map[int64][]int64{}, nil
	}
	args := []any{siteID}
	for _, id := range ids {
		args = append(args, id)
	}
	in := placeholders(2, len(ids))
	// "+i.site_id": drive the join from the links' two indexes; SQLite
	// would otherwise walk every item of the site by its site index and
	// probe the links of each (issue 17: 0.2-0.3 s per admin item page at
	// 100,000 items, against 0.1 ms).
	return s.queryLinks(ctx, `SELECT l.from_id, l.to_id FROM item_links l JOIN items i ON i.id = l.from_id
		WHERE +i.site_id = $1 AND l.kind = 'interprets' AND (l.from_id IN (`+in+`) OR l.to_id IN (`+in+`)) ORDER BY l.from_id, l.to_id`, args...)
}

// StatusCounts counts a site's items per status (of one department when
// departmentID is not 0): the workbench's counts, read from
// item_status_counts, which triggers keep in the transaction of every
// change to items (migration 0048). Counting the items themselves, even in
// one GROUP BY over the (site, status) index, read every item of the site
// per view (issue 17: 13-18 ms of CPU at 100,000 items).
func (s *Service) StatusCounts(ctx context.Context, siteID, departmentID int64) (map[string]int, error) {
	q, args := `SELECT status, CAST(SUM(n) AS BIGINT) FROM item_status_counts WHERE site_id = $1 AND n <> 0 GROUP BY status`, []any{siteID}
	if departmentID != 0 {
		q, args = `SELECT status, n FROM item_status_counts WHERE site_id = $1 AND department_id = $2 AND n <> 0`, []any{siteID, departmentID}
	}
	out, err := store.Counts(ctx, s.DB.R, q, args...)
	return out, errs.Wrap(err, "status counts")
}

// CountStatuses counts a site's items per status from the items
// themselves (the whole site: for tests and checks of StatusCounts).
func (s *Service) CountStatuses(ctx context.Context, siteID, departmentID int64) (map[string]int, error) {
	q, args := `SELECT status, COUNT(*) FROM items WHERE site_id = $1 GROUP BY status`, []any{siteID}
	if departmentID != 0 {
		q, args = `SELECT status, COUNT(*) FROM items WHERE site_id = $1 AND department_id = $2 GROUP BY status`, []any{siteID, departmentID}
	}
	out, err := store.Counts(ctx, s.DB.R, q, args...)
	return out, errs.Wrap(err, "status counts")
}

// ItemsAfter returns up to limit of the site's items (withdrawn ones left
// out) with an id above after, in id order, with their bodies when
// bodies is set: a site-wide pass a page at a time over the primary key,
// so a pass holds one page in memory (the self-inspection, issue 17).
func (s *Service) ItemsAfter(ctx context.Context, siteID, after int64, limit int, bodies bool) ([]*Item, error) {
	cols := listCols
	if bodies {
		cols = itemCols
	}
	// "+i.site_id": walk the primary key (SQLite would otherwise pick the
	// (site, department, status) index and sort the whole site).
	return s.queryItems(ctx, "items", `SELECT `+cols+itemFrom+` WHERE +i.site_id = $1 AND i.status <> $2 AND i.id > $3 ORDER BY i.id LIMIT $4`,
		siteID, StatusWithdrawn, after, limit)
}

// Interpretations returns the site's items (withdrawn ones left out)
// that explain another item, with only their ID, Status and PublishedOn
// set: what the interpretation duties of the documents read (when an
// interpretation was published), without reading the rest of the site.
func (s *Service) Interpretations(ctx context.Context, siteID int64) ([]*Item, error) {
	// "+i.site_id": look the few ids up by primary key.
	rows, err := s.DB.R.QueryContext(ctx, `SELECT i.id, i.status, i.published_on FROM items i WHERE +i.site_id = $1 AND i.status <> $2
		AND i.id IN (SELECT l.from_id FROM item_links l WHERE l.kind = 'interprets') ORDER BY i.id`, siteID, StatusWithdrawn)
	if err != nil {
		return nil, errs.Wrap(err, "interpretations")
	}
	defer rows.Close()
	var out []*Item
	for rows.Next() {
		it := &Item{SiteID: siteID}
		if err := rows.Scan(&it.ID, &it.Status, &it.PublishedOn); err != nil {
			return nil, errs.Wrap(err, "interpretations")
		}
		out = append(out, it)
	}
	return out, errs.Wrap(rows.Err(), "interpretations")
}

// StatusesByID returns the status of each of the site's items among ids
// (absent: no such item on the site). For a page of ids: one query.
func (s *Service) StatusesByID(ctx context.Context, siteID int64, ids []int64) (map[int64]string, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{siteID}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, status FROM items WHERE site_id = $1 AND id IN (`+placeholders(2, len(ids))+`)`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "item statuses")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var st string
		if err := rows.Scan(&id, &st); err != nil {
			return nil, errs.Wrap(err, "item statuses")
		}
		out[id] = st
	}
	return out, errs.Wrap(rows.Err(), "item statuses")
}
