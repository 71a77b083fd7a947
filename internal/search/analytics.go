package search

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// The query log and the analytics over it: which words people search, which
// find nothing, and which find results that nobody opens — what an
// administrator reads to add synonyms and best bets.

// QueryLogRetention is how long the query log is kept (about 13 months, so
// a year can be compared with the year before).
const QueryLogRetention = 400 * 24 * time.Hour

// MaxLoggedQuery is the longest query kept in the log, in characters.
const MaxLoggedQuery = 200

// MaxAnalyticsDays is the longest period one analytics report covers.
const MaxAnalyticsDays = 400

// LogQuery records a search of a site (the normalised words and how many
// results it found) and returns its id for click tracking; an empty query
// is not logged (id 0).
func (s *Service) LogQuery(ctx context.Context, siteID int64, query string, total int) (int64, error) {
	return s.logQueryAt(ctx, siteID, query, total, time.Now())
}

func (s *Service) logQueryAt(ctx context.Context, siteID int64, query string, total int, at time.Time) (int64, error) {
	q := NormalizeQuery(query)
	if q == "" {
		return 0, nil
	}
	if utf8.RuneCountInString(q) > MaxLoggedQuery {
		q = string([]rune(q)[:MaxLoggedQuery])
	}
	if total < 0 {
		total = 0
	}
	var id int64
	err := s.DB.W.QueryRowContext(ctx, `INSERT INTO search_queries (site_id, query, total, clicked, created_at) VALUES ($1, $2, $3, 0, $4) RETURNING id`,
		siteID, q, total, store.FormatTime(at)).Scan(&id)
	if err != nil {
		return 0, errs.Wrap(err, "log query")
	}
	return id, nil
}

// LogClick records that a result of a logged search was opened. A log id
// of another site, or one pruned meanwhile, is ignored: the visitor is
// sent on either way.
func (s *Service) LogClick(ctx context.Context, siteID, logID int64, url string) error {
	if logID <= 0 {
		return nil
	}
	if len(url) > MaxBestBetURL {
		url = url[:MaxBestBetURL]
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE search_queries SET clicked = clicked + 1 WHERE id = $1 AND site_id = $2`, logID, siteID)
		if err != nil {
			return errs.Wrap(err, "log click")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO search_clicks (site_id, query_id, url, created_at) VALUES ($1, $2, $3, $4)`,
			siteID, logID, url, store.Now())
		return errs.Wrap(err, "log click")
	})
}

// PruneQueryLog deletes the searches (and their clicks) logged before t.
func (s *Service) PruneQueryLog(ctx context.Context, before time.Time) (int64, error) {
	cut := store.FormatTime(before)
	if _, err := s.DB.W.ExecContext(ctx, `DELETE FROM search_clicks WHERE created_at < $1`, cut); err != nil {
		return 0, errs.Wrap(err, "prune clicks")
	}
	res, err := s.DB.W.ExecContext(ctx, `DELETE FROM search_queries WHERE created_at < $1`, cut)
	if err != nil {
		return 0, errs.Wrap(err, "prune query log")
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// QueryStat is one query's figures over a period.
type QueryStat struct {
	Query    string
	Searches int // times searched
	Results  int // results found the last time
	Clicked  int // searches after which a result was opened
}

// ClickRate is the share of the searches after which a result was opened.
func (q QueryStat) ClickRate() float64 {
	if q.Searches == 0 {
		return 0
	}
	return float64(q.Clicked) / float64(q.Searches)
}

// WeekStats are one ISO week's figures.
type WeekStats struct {
	Week      string // ISO week, "2026-W49"
	Start     string // its Monday
	Searches  int
	Queries   int // distinct queries
	NoResults int // searches that found nothing
	NoClicks  int // searches with results of which none was opened
	Top       []QueryStat
	Empty     []QueryStat // queries with no results
	Unopened  []QueryStat // queries with results nobody opened
}

// Analytics is a site's search report for a period (Beijing days).
type Analytics struct {
	From, To  string
	Searches  int
	NoResults int
	NoClicks  int
	Top       []QueryStat
	Empty     []QueryStat
	Unopened  []QueryStat
	Weeks     []WeekStats // newest first
}

// How many queries each list of the report holds.
const (
	analyticsTop     = 20
	analyticsWeekTop = 5
)

// ParsePeriod checks a report period: two dates YYYY-MM-DD, from not after
// to, at most MaxAnalyticsDays days.
func ParsePeriod(from, to string) (calendar.Date, calendar.Date, error) {
	v := errs.Validation{}
	f, err := calendar.Parse(strings.TrimSpace(from))
	if err != nil {
		v.Add("from", "开始日期格式应为 2026-01-01")
	}
	t, err2 := calendar.Parse(strings.TrimSpace(to))
	if err2 != nil {
		v.Add("to", "结束日期格式应为 2026-12-31")
	}
	if err == nil && err2 == nil {
		ft, tt := dateTime(f), dateTime(t)
		switch {
		case tt.Before(ft):
			v.Add("to", "结束日期不能早于开始日期")
		case tt.Sub(ft) > MaxAnalyticsDays*24*time.Hour:
			v.Add("to", fmt.Sprintf("统计区间最长 %d 天", MaxAnalyticsDays))
		}
	}
	return f, t, v.Err()
}

func dateTime(d calendar.Date) time.Time {
	return time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, calendar.Beijing)
}

// Analytics reports a site's searches from one day to another (inclusive,
// Beijing time): the figures of the period and of each ISO week, the top
// queries, those with no results and those whose results nobody opened.
func (s *Service) Analytics(ctx context.Context, siteID int64, from, to string) (*Analytics, error) {
	f, t, err := ParsePeriod(from, to)
	if err != nil {
		return nil, err
	}
	start, end := dateTime(f), dateTime(t).AddDate(0, 0, 1)
	// Grouped by UTC hour and query in the database, so the rows are few;
	// the hours become Beijing days and ISO weeks here.
	rows, err := s.DB.R.QueryContext(ctx, `SELECT substr(created_at, 1, 13), query, COUNT(*), MAX(total),
		SUM(CASE WHEN clicked > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN total = 0 THEN 1 ELSE 0 END), MAX(created_at)
		FROM search_queries WHERE site_id = $1 AND created_at >= $2 AND created_at < $3
		GROUP BY substr(created_at, 1, 13), query`, siteID, store.FormatTime(start), store.FormatTime(end))
	if err != nil {
		return nil, errs.Wrap(err, "analytics")
	}
	defer rows.Close()
	type agg struct {
		stat     QueryStat
		noRes    int
		lastSeen string
	}
	type week struct {
		stats   WeekStats
		byQuery map[string]*agg
	}
	all := map[string]*agg{}
	weeks := map[string]*week{}
	a := &Analytics{From: f.String(), To: t.String()}
	add := func(m map[string]*agg, q string, n, last, clicked, noRes int, seen string) {
		g := m[q]
		if g == nil {
			g = &agg{stat: QueryStat{Query: q}}
			m[q] = g
		}
		g.stat.Searches += n
		g.stat.Clicked += clicked
		g.noRes += noRes
		if seen > g.lastSeen {
			g.lastSeen, g.stat.Results = seen, last
		}
	}
	for rows.Next() {
		var hour, q, seen string
		var n, maxTotal, clicked, noRes int
		if err := rows.Scan(&hour, &q, &n, &maxTotal, &clicked, &noRes, &seen); err != nil {
			return nil, errs.Wrap(err, "scan analytics")
		}
		at, err := time.Parse("2006-01-02T15", hour)
		if err != nil {
			continue
		}
		local := at.In(calendar.Beijing)
		y, wk := local.ISOWeek()
		key := fmt.Sprintf("%04d-W%02d", y, wk)
		w := weeks[key]
		if w == nil {
			monday := local.AddDate(0, 0, -((int(local.Weekday()) + 6) % 7))
			w = &week{stats: WeekStats{Week: key, Start: monday.Format(time.DateOnly)}, byQuery: map[string]*agg{}}
			weeks[key] = w
		}
		// Searches with results nobody opened: with results (total > 0)
		// and no click. The group's rows share a query and an hour; its
		// searches with results are n - noRes, of which clicked were opened.
		unopened := n - noRes - clicked
		if unopened < 0 {
			unopened = 0
		}
		for _, m := range []map[string]*agg{all, w.byQuery} {
			add(m, q, n, maxTotal, clicked, noRes, seen)
		}
		w.stats.Searches += n
		w.stats.NoResults += noRes
		w.stats.NoClicks += unopened
		a.Searches += n
		a.NoResults += noRes
		a.NoClicks += unopened
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "analytics")
	}
	lists := func(m map[string]*agg, n int) (top, empty, unopened []QueryStat) {
		var gs []*agg
		for _, g := range m {
			gs = append(gs, g)
		}
		sort.Slice(gs, func(i, j int) bool {
			if gs[i].stat.Searches != gs[j].stat.Searches {
				return gs[i].stat.Searches > gs[j].stat.Searches
			}
			return gs[i].stat.Query < gs[j].stat.Query
		})
		for _, g := range gs {
			if len(top) < n {
				top = append(top, g.stat)
			}
			if g.noRes > 0 && g.stat.Results == 0 && len(empty) < n {
				empty = append(empty, g.stat)
			}
			if g.stat.Results > 0 && g.stat.Clicked == 0 && len(unopened) < n {
				unopened = append(unopened, g.stat)
			}
		}
		return
	}
	a.Top, a.Empty, a.Unopened = lists(all, analyticsTop)
	for _, w := range weeks {
		w.stats.Queries = len(w.byQuery)
		w.stats.Top, w.stats.Empty, w.stats.Unopened = lists(w.byQuery, analyticsWeekTop)
		a.Weeks = append(a.Weeks, w.stats)
	}
	sort.Slice(a.Weeks, func(i, j int) bool { return a.Weeks[i].Week > a.Weeks[j].Week })
	return a, nil
}
