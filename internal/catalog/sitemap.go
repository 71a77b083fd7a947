package catalog

import (
	"context"

	"gongkai/internal/errs"
)

// Published is a published item as a sitemap lists it.
type Published struct {
	ID          int64
	PublishedOn string
}

// CountPublished counts a site's published items (one index-only count).
func (s *Service) CountPublished(ctx context.Context, siteID int64) (int, error) {
	var n int
	err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM items WHERE site_id = $1 AND status = $2`, siteID, StatusPublished).Scan(&n)
	return n, errs.Wrap(err, "count published")
}

// PublishedRange lists limit published items of a site from offset, oldest
// first (publication day, then id), along the index items_site_pub: a new
// item lands at the end, so earlier ranges stay as they were.
func (s *Service) PublishedRange(ctx context.Context, siteID int64, offset, limit int) ([]Published, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, published_on FROM items WHERE site_id = $1 AND status = $2
		ORDER BY published_on, id LIMIT $3 OFFSET $4`, siteID, StatusPublished, limit, offset)
	if err != nil {
		return nil, errs.Wrap(err, "published range")
	}
	defer rows.Close()
	out := make([]Published, 0, min(limit, 1024))
	for rows.Next() {
		var p Published
		if err := rows.Scan(&p.ID, &p.PublishedOn); err != nil {
			return nil, errs.Wrap(err, "published range")
		}
		out = append(out, p)
	}
	return out, errs.Wrap(rows.Err(), "published range")
}

// PublishedOn is an item's publication day (kept when it is withdrawn):
// its place in the sitemap's order with its id.
func (s *Service) PublishedOn(ctx context.Context, id int64) (string, error) {
	var on string
	err := s.DB.R.QueryRowContext(ctx, `SELECT published_on FROM items WHERE id = $1`, id).Scan(&on)
	return on, errs.Wrap(err, "published on")
}
