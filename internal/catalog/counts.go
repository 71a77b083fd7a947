package catalog

import (
	"context"
	"strconv"
	"strings"

	"gongkai/internal/errs"
)

// A column page and the catalogue show, besides their rows, how many items
// match and the years and publishers to filter by. Recomputed per render
// they read every item of the column or of the site (issue 17: a column
// page 297 ms at 100,000 items, the catalogue 200 ms, against 10 ms at
// 1,000). The database keeps them instead, in item_counts, item_years and
// item_publishers (migration 0047), written by triggers on items in the
// transaction of every insert, edit, publish, withdrawal, move and delete:
// what a page reads is as current as its rows, on every node.

// countable reports whether the filter selects items by site, column and
// status alone, which item_counts answers.
func (f *Filter) countable() bool {
	plain := f.DocType == "" && f.DepartmentID == 0 && f.IndexNo == "" && f.Year == 0 && f.Publisher == "" &&
		f.Validity == "" && strings.TrimSpace(f.Query) == "" && len(f.Ranges) == 0
	for _, v := range f.Facets {
		plain = plain && v == ""
	}
	// A viewer adds conditions only for a listing of another status, and
	// none when it may see everything (where).
	return plain && (f.Viewer == nil || f.Status == "" || f.viewerSeesAll())
}

// count returns how many items match the filter whose condition is where.
// from is where's FROM (Filter.where).
func (s *Service) count(ctx context.Context, f Filter, from, where string, args []any) (int, error) {
	var n int
	if !f.countable() {
		err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*)`+from+` WHERE `+where, args...).Scan(&n)
		return n, errs.Wrap(err, "count items")
	}
	q, args := `SELECT COALESCE(SUM(n), 0) FROM item_counts WHERE site_id = $1`, []any{f.SiteID}
	switch f.Status {
	case "":
		q, args = q+` AND status = $2`, append(args, StatusPublished)
	case "*":
	default:
		q, args = q+` AND status = $2`, append(args, f.Status)
	}
	q, args = inColumns(q, args, f.ColumnIDs)
	err := s.DB.R.QueryRowContext(ctx, q, args...).Scan(&n)
	return n, errs.Wrap(err, "count items")
}

// inColumns adds the condition that column_id is one of ids (none: any).
func inColumns(q string, args []any, ids []int64) (string, []any) {
	if len(ids) == 0 {
		return q, args
	}
	ph := make([]string, len(ids))
	for i, id := range ids {
		args = append(args, id)
		ph[i] = "$" + strconv.Itoa(len(args))
	}
	return q + ` AND column_id IN (` + strings.Join(ph, ", ") + `)`, args
}

// Years lists the publication years that have published items in columns
// (none: the whole site), newest first.
func (s *Service) Years(ctx context.Context, siteID int64, columnIDs []int64) ([]int, error) {
	q, args := inColumns(`SELECT DISTINCT year FROM item_years WHERE site_id = $1`, []any{siteID}, columnIDs)
	rows, err := s.DB.R.QueryContext(ctx, q+` ORDER BY year DESC`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "years")
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var y string
		if err := rows.Scan(&y); err != nil {
			return nil, errs.Wrap(err, "years")
		}
		if n, err := strconv.Atoi(y); err == nil {
			out = append(out, n)
		}
	}
	return out, errs.Wrap(rows.Err(), "years")
}

// Publishers lists the distinct publishers (发布机构) of published items in
// columns (none: the whole site), in the database's order of text.
func (s *Service) Publishers(ctx context.Context, siteID int64, columnIDs []int64) ([]string, error) {
	q, args := inColumns(`SELECT DISTINCT publisher FROM item_publishers WHERE site_id = $1`, []any{siteID}, columnIDs)
	rows, err := s.DB.R.QueryContext(ctx, q+` ORDER BY publisher`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "publishers")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, errs.Wrap(err, "publishers")
		}
		out = append(out, p)
	}
	return out, errs.Wrap(rows.Err(), "publishers")
}
