package lists

import (
	"context"
	"database/sql"
	"errors"

	"gongkai/internal/errs"
	"gongkai/internal/events"
)

// EventPublicityEnded is the change event of rows leaving public view
// (their Kind.Until date has passed): the search drops their documents.
// Pages, API and exports already read the day (Kind.Public; the render
// cache key includes it).
const EventPublicityEnded = "list.publicity_ended"

// publicityEnded is EventPublicityEnded's payload: the kind, the sweep's
// day and the ids of the rows (of the current edition) whose publicity
// ended. Events written before Rows existed have none.
type publicityEnded struct {
	Kind string  `json:"kind"`
	Day  string  `json:"day"`
	Rows []int64 `json:"rows,omitempty"`
}

// SweepPublicity appends EventPublicityEnded for each kind on the site
// whose current edition has a row whose publicity ended between since
// (inclusive: the previous sweep's day, when such a row was still public)
// and today (exclusive), so the search index forgets it. since "" (a
// start) means the day of the kind's last stored sweep, so a restart does
// not re-index rows that ended long ago; the day is stored with the event.
// It returns the number of kinds swept.
func (s *Service) SweepPublicity(ctx context.Context, siteID int64, since, today string) (int, error) {
	n := 0
	for _, k := range Kinds() {
		if k.Until == "" {
			continue
		}
		from, err := s.lastSweep(ctx, siteID, k.Code)
		if err != nil {
			return n, err
		}
		if since > from {
			from = since
		}
		cur, err := s.Current(ctx, siteID, k)
		if err != nil {
			return n, err
		}
		if cur == nil {
			continue
		}
		rows, err := s.Rows(ctx, cur.ID)
		if err != nil {
			return n, err
		}
		var ended []int64
		for _, r := range rows {
			if u := r.Values[k.Until]; u != "" && u < today && (from == "" || u >= from) {
				ended = append(ended, r.ID)
			}
		}
		if err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
			if len(ended) > 0 {
				// The event names the rows, so the search drops their
				// documents only (issue 17: re-indexing every list row on
				// it made a publication wait minutes behind the search).
				if _, err := events.Append(ctx, tx, s.DB.Dialect, events.Event{SiteID: siteID, Kind: EventPublicityEnded, SubjectID: cur.ID,
					Payload: events.Payload(publicityEnded{Kind: k.Code, Day: today, Rows: ended})}); err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO list_publicity_sweeps (site_id, kind, day) VALUES ($1, $2, $3)
				ON CONFLICT (site_id, kind) DO UPDATE SET day = excluded.day WHERE list_publicity_sweeps.day < excluded.day`, siteID, k.Code, today)
			return err
		}); err != nil {
			return n, err
		}
		if len(ended) > 0 {
			n++
		}
	}
	if n > 0 {
		s.committed(ctx)
	}
	return n, nil
}

// lastSweep is the day of the kind's last stored sweep on the site ("" when
// none).
func (s *Service) lastSweep(ctx context.Context, siteID int64, kind string) (string, error) {
	var day string
	err := s.DB.R.QueryRowContext(ctx, `SELECT day FROM list_publicity_sweeps WHERE site_id = $1 AND kind = $2`, siteID, kind).Scan(&day)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return day, errs.Wrap(err, "last publicity sweep")
}
