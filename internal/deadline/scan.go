package deadline

import (
	"context"
	"strconv"
	"strings"

	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
)

// Scan evaluates a whole site's deadlines a page of items at a time, so
// that a site-wide evaluation (the self-inspection) holds one page of
// items and their deadlines, not the site (issue 17: at 100,000 items
// Evaluate over LoadFacts held every item and deadline, ~1 GB). The
// caller reads the items in id order (catalog.ItemsAfter), passes each
// page to Items and, after the last, takes Rest. Together they give the
// deadlines Evaluate gives, in the same order before its sort by due date.
type Scan struct {
	// Facts are the site, the interpretation links and, in ByID, the interpretations and the published annual reports seen so
	// far; Items is empty.
	Facts *Facts
	s     *Service
	cur   *calendar.Calendar
	first int
	// reports are the published annual reports seen (without bodies).
	reports []*catalog.Item
}

// NewScan reads what every page's evaluation needs: the site, its
// interpretation links and its interpretations (not the other items).
func (s *Service) NewScan(ctx context.Context, siteID int64, today calendar.Date) (*Scan, error) {
	site, err := s.Catalog.Site(ctx, siteID)
	if err != nil {
		return nil, err
	}
	links, err := s.Catalog.InterpretLinks(ctx, siteID)
	if err != nil {
		return nil, err
	}
	interps, err := s.Catalog.Interpretations(ctx, siteID)
	if err != nil {
		return nil, err
	}
	cur, err := s.Calendar.Current(ctx)
	if err != nil {
		return nil, err
	}
	f := newFacts(site, nil, links, map[int64]bool{}, today)
	for _, it := range interps {
		f.ByID[it.ID] = it
	}
	return &Scan{Facts: f, s: s, cur: cur, first: today.Year - 1}, nil
}

// Calendar is the calendar in force the scan computes with.
func (sc *Scan) Calendar() *calendar.Calendar { return sc.cur }

// Items returns the deadlines of a page of items (the next in id order),
// in the items' order, pinning the new due dates as Evaluate does.
func (sc *Scan) Items(ctx context.Context, items []*catalog.Item) ([]*Deadline, error) {
	pins, err := sc.s.pinsOf(ctx, items)
	if err != nil {
		return nil, err
	}
	ev := &evaluator{s: sc.s, cur: sc.cur, pins: pins}
	out := ev.items(ctx, sc.Facts, items)
	for _, it := range items {
		sc.first = minPublishedYear(sc.first, it)
		if fixedSpec(it.Type()) != nil && it.Status == catalog.StatusPublished {
			r := *it
			r.Body = ""
			sc.reports = append(sc.reports, &r)
			sc.Facts.ByID[r.ID] = &r
		}
	}
	if err := sc.s.savePins(ctx, ev.newPins); err != nil {
		return nil, err
	}
	return out, nil
}

// Rest returns the site-wide deadlines that follow the items' in
// Evaluate: the annual reports' (their report items are in Facts.ByID)
// and the Sources'.
func (sc *Scan) Rest(ctx context.Context) ([]*Deadline, error) {
	out := annualReportDues(sc.Facts, max(sc.first, 2008), sc.reports)
	ds, err := sc.s.sourceDeadlines(ctx, sc.Facts, sc.cur)
	if err != nil {
		return nil, err
	}
	return append(out, ds...), nil
}

// pinsOf reads the pinned due dates of a page of items.
func (s *Service) pinsOf(ctx context.Context, items []*catalog.Item) (map[string]pin, error) {
	out := map[string]pin{}
	if len(items) == 0 {
		return out, nil
	}
	ph := make([]string, len(items))
	args := make([]any, len(items))
	for i, it := range items {
		ph[i], args[i] = "$"+strconv.Itoa(i+1), it.ID
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT item_id, rule, start_on, due_on, calendar_version FROM deadlines WHERE item_id IN (`+strings.Join(ph, ", ")+`)`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "deadlines")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var rule string
		var p pin
		if err := rows.Scan(&id, &rule, &p.start, &p.due, &p.version); err != nil {
			return nil, errs.Wrap(err, "deadlines")
		}
		out[pinKey(id, rule)] = p
	}
	return out, errs.Wrap(rows.Err(), "deadlines")
}
