package lists

import (
	"context"
	"encoding/json"

	"gongkai/internal/errs"
)

// Version is a row as one edition holds it.
type Version struct {
	Key         string
	Values      map[string]string
	EditionID   int64
	Status      string // Draft or Published
	Number      int
	PublishedAt string // the edition's publication instant (store.TimeFormat), "" for drafts
}

// History returns every row of every edition of the kind on the site
// (published editions in publication order, then drafts): what the
// enforcement decisions' publication ledger is computed from (when a row
// was first published, when a change to it was).
func (s *Service) History(ctx context.Context, siteID int64, k *Kind) ([]Version, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT r.row_key, r.fields, e.id, e.status, e.number, e.published_at
		FROM list_rows r JOIN list_editions e ON e.id = r.edition_id JOIN list_kinds k ON k.id = e.kind_id
		WHERE k.site_id = $1 AND k.code = $2 ORDER BY CASE WHEN e.status = 'published' THEN 0 ELSE 1 END, e.number, e.id, r.seq`, siteID, k.Code)
	if err != nil {
		return nil, errs.Wrap(err, "row history")
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var v Version
		var js string
		if err := rows.Scan(&v.Key, &js, &v.EditionID, &v.Status, &v.Number, &v.PublishedAt); err != nil {
			return nil, errs.Wrap(err, "scan row history")
		}
		if err := json.Unmarshal([]byte(js), &v.Values); err != nil {
			return nil, errs.Wrap(err, "row values")
		}
		out = append(out, v)
	}
	return out, errs.Wrap(rows.Err(), "row history")
}
