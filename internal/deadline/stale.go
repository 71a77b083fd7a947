package deadline

import (
	"context"

	"gongkai/internal/errs"
)

// StaleCount returns how many of the site's pinned due dates were computed
// with a calendar version other than current: the ones a deliberate
// Recompute would move.
func (s *Service) StaleCount(ctx context.Context, siteID int64, current string) (int, error) {
	var n int
	err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM deadlines d JOIN items i ON i.id = d.item_id
		WHERE i.site_id = $1 AND d.calendar_version <> $2`, siteID, current).Scan(&n)
	if err != nil {
		return 0, errs.Wrap(err, "stale deadlines")
	}
	return n, nil
}
