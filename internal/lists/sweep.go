package lists

import (
	"context"
	"database/sql"

	"gongkai/internal/events"
)

// EventPublicityEnded is the change event of rows leaving public view
// (their Kind.Until date has passed): the search drops their documents.
// Pages, API and exports already read the day (Kind.Public; the render
// cache key includes it).
const EventPublicityEnded = "list.publicity_ended"

// SweepPublicity appends EventPublicityEnded for each kind on the site
// whose current edition has a row whose publicity ended between since
// (exclusive; the previous sweep's day) and today (exclusive), so the
// search index forgets it. It returns the number of kinds swept.
func (s *Service) SweepPublicity(ctx context.Context, siteID int64, since, today string) (int, error) {
	n := 0
	for _, k := range Kinds() {
		if k.Until == "" {
			continue
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
		ended := false
		for _, r := range rows {
			if u := r.Values[k.Until]; u != "" && u < today && (since == "" || u >= since) {
				ended = true
				break
			}
		}
		if !ended {
			continue
		}
		if err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
			_, err := events.Append(ctx, tx, s.DB.Dialect, events.Event{SiteID: siteID, Kind: EventPublicityEnded, SubjectID: cur.ID,
				Payload: events.Payload(map[string]any{"kind": k.Code, "day": today})})
			return err
		}); err != nil {
			return n, err
		}
		n++
	}
	if n > 0 {
		s.committed(ctx)
	}
	return n, nil
}
