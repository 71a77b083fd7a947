package searchsql

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"gongkai/internal/search"
	"gongkai/internal/store"
)

// Paths of a windowed engine (Index.Path).
const (
	PathDirect = "direct"
	PathIndex  = "index"
)

// TokenStats is a Text that knows, from its engine's statistics, in what
// fraction of the documents each of the most common tokens occurs
// (PostgreSQL: ANALYZE's most common elements of the tsvector columns).
// walk uses it to tell a common phrase, whose index bitmap covers much of
// the table, from a rare one.
type TokenStats interface {
	// TokenFreqs returns the fraction of documents having each of the most
	// common tokens (in the titles alone when title), the fraction that
	// bounds every other token's, and the number of documents. An empty map
	// means no statistics.
	TokenFreqs(ctx context.Context, db *store.DB, title bool) (freqs map[string]float64, floor float64, docs int64, err error)
}

type tokenStats struct {
	at    time.Time
	freqs map[string]float64
	floor float64
	docs  int64
}

// statsTTL is how long the token statistics are reused (they change only
// when the engine analyzes the table).
const statsTTL = time.Minute

func (x *Index) tokenStats(ctx context.Context, title bool) *tokenStats {
	ts, ok := x.Text.(TokenStats)
	if !ok {
		return &tokenStats{}
	}
	i := 0
	if title {
		i = 1
	}
	x.statsMu.Lock()
	st := x.stats[i]
	x.statsMu.Unlock()
	if st != nil && time.Since(st.at) < statsTTL {
		return st
	}
	freqs, floor, docs, err := ts.TokenFreqs(ctx, x.DB, title)
	if err != nil {
		// Without statistics every phrase counts as common: walk then
		// starts row by row and moves to the index when few rows match.
		freqs, floor, docs = nil, 1, 0
	}
	st = &tokenStats{at: time.Now(), freqs: freqs, floor: floor, docs: docs}
	x.statsMu.Lock()
	x.stats[i] = st
	x.statsMu.Unlock()
	return st
}

// share bounds the fraction of documents that have every token of some
// phrase of each clause of must: a phrase's share is at most that of its
// rarest token, a clause's the sum of its phrases', the whole the smallest
// clause's. 1 when unknown (no statistics, a prefix token).
func (st *tokenStats) share(must [][]Phrase) float64 {
	if len(st.freqs) == 0 {
		return 1
	}
	all := 1.0
	for _, cl := range must {
		sum := 0.0
		for _, p := range cl {
			ph := 1.0
			for _, t := range p.Tokens {
				f := 1.0
				if !t.Prefix {
					var ok bool
					if f, ok = st.freqs[t.Text]; !ok {
						f = st.floor
					}
				}
				ph = min(ph, f)
			}
			sum += ph
		}
		all = min(all, sum)
	}
	return min(all, 1)
}

// Tuning of walk, measured at 100,000 documents (docs/BENCHMARKS.md
// "PostgreSQL site search: rows tested directly or through the index").
var (
	// IndexRows: a phrase whose tokens are together in at most this many
	// documents (by the statistics) goes straight to the index, one window
	// over the whole range: its bitmap is small and so is its recheck.
	IndexRows = 2000.0
	// DirectRows bounds the rows walk tests one by one for what is still
	// needed (bodies; titles, whose vectors are small, four times as many):
	// past it an index window (one bitmap over the whole table) is cheaper.
	DirectRows = 3000.0
)

// walk finds the newest limit matches in [lo, hi) of a windowed engine,
// where the full-text index (PostgreSQL's GIN) returns matches in no order
// and only for the whole table. Two ways:
//
//   - direct: read the rows newest first along the primary key and test
//     each one's vector, stopping when enough are found. It costs what it
//     reads (a few µs a vector), so it suits a phrase common among the
//     newest rows.
//   - index: windows of ids [bottom, top), their matches from the GIN
//     index with the window's days in the query (WindowText; PostgreSQL's
//     day lexemes), so a window costs about what it holds, or what the
//     phrase's rarest lexeme holds if that is less; a rare phrase is found
//     in one window over the whole range.
//
// A phrase whose tokens are together in at most IndexRows documents (the
// statistics' share) goes to the index at once, in one window. Any other
// starts row by row on the newest rows, goes on so while the density
// found says what is still needed lies within DirectRows rows, and
// otherwise continues in index windows sized by days, as many as the
// density found asks for. A phrase that matches nothing among the rows
// tested is never walked further row by row.
func (x *Index) walk(ctx context.Context, m *search.Match, c compiled, titleOnly bool, limit int, lo, hi int64) ([]row, error) {
	title := titleOnly || c.titleOnly()
	st := x.tokenStats(ctx, title)
	share := st.share(c.must)
	directMax := DirectRows
	if title {
		directMax *= 4
	}
	rare := x.Path == "" && st.docs > 0 && share*float64(st.docs) <= IndexRows
	direct := x.Path != PathIndex && !rare
	if x.Path == "" && float64(limit)/share > directMax {
		// Even if every document with the tokens matched, the rows to
		// test would exceed directMax.
		direct = false
	}
	var out []row
	top := hi
	tested := 0
	chunk := min(limit, int(directMax/4))
	if title {
		chunk = min(4*limit, int(directMax/4))
	}
	chunk = max(chunk, 1)
	for direct && top > lo && len(out) < limit {
		need := limit - len(out)
		ids, next, n, done, err := x.direct(ctx, m.SiteID, c, titleOnly, lo, top, chunk, need)
		if err != nil {
			return nil, err
		}
		rs, err := x.candidates(ctx, m, ids, need)
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
		tested += n
		if done {
			return out, nil
		}
		top = next
		need = limit - len(out)
		if need <= 0 {
			break
		}
		rows := math.Inf(1) // rows still to test at the density seen
		if len(out) > 0 {
			rows = 1.25 * float64(need) * float64(tested) / float64(len(out))
		}
		switch {
		case x.Path == PathDirect:
			chunk = min(4*chunk, max(1, int(min(rows, 1e7))))
		case rows > directMax:
			direct = false
		default:
			chunk = max(1, int(rows))
		}
	}
	if len(out) >= limit || top <= lo {
		return out[:min(len(out), limit)], nil
	}
	if rare {
		rs, err := x.scanRange(ctx, m, c, titleOnly, lo, top, limit-len(out))
		return append(out, rs...), err
	}
	// Index windows. The first is sized to hold about 1.25 × what is
	// still needed at the site's average density (documents over the
	// days between its oldest and newest ids); titles
	// match more rarely, so theirs starts eight times wider. Each next
	// window is sized from the matches per day seen in the windows so far
	// (at most 16 times wider, four times when nothing matched yet), so a
	// common phrase needs one or two windows and a rare word a handful.
	var minID, maxID sql.NullInt64
	if err := x.DB.R.QueryRowContext(ctx, `SELECT MIN(id), MAX(id) FROM search_docs WHERE site_id = $1`, m.SiteID).Scan(&minID, &maxID); err != nil {
		return nil, fmt.Errorf("search: id range: %w", err)
	}
	if !maxID.Valid {
		return out, nil
	}
	lo, top = max(lo, minID.Int64), min(top, maxID.Int64+1)
	docs := st.docs
	if docs <= 0 {
		docs = x.Text.EstimateDocs(ctx, x.DB)
	}
	days := (maxID.Int64-minID.Int64)>>search.OrderBits + 1
	width := int64(128)
	if docs > 0 {
		perDay := float64(docs) / float64(days)
		width = max(4, int64(1.25*float64(limit-len(out))/perDay)+1)
	}
	if titleOnly {
		width *= 8
	}
	var seen int64 // days of the windows
	found := 0     // their matches
	for len(out) < limit && top > lo {
		bottom := max(lo, top-width<<search.OrderBits)
		rs, err := x.scanRange(ctx, m, c, titleOnly, bottom, top, limit-len(out))
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
		found += len(rs)
		seen += width
		top = bottom
		if found == 0 {
			width *= 4
			continue
		}
		perDay := float64(found) / float64(seen)
		width = min(width*16, max(1, int64(1.25*float64(limit-len(out))/perDay)+1))
	}
	return out[:min(len(out), limit)], nil
}

// direct tests up to rows rows of a site in [lo, hi), newest first, and
// returns the matching ids (newest first) until need are found, the lowest
// id it tested, how many it tested, and whether it reached lo. One query:
// the rows are numbered as the primary key yields them, each vector is
// tested once (the OFFSET 0 keeps the test below the filter), and only the
// matches and the last row tested come back.
func (x *Index) direct(ctx context.Context, siteID int64, c compiled, titleOnly bool, lo, hi int64, rows, need int) (ids []int64, next int64, tested int, done bool, _ error) {
	var q Query
	_, cond, _ := x.Text.Compile(&q, c.must, c.not, titleOnly)
	n := q.Arg(rows)
	q.WriteString("SELECT s.id, s.rn, s.ok FROM (SELECT f.id, f.rn, (" + cond + ") AS ok FROM (SELECT f.id, f.tsv, f.title_tsv, row_number() OVER (ORDER BY f.id DESC) AS rn FROM search_fts f WHERE f.site_id = " + q.Arg(siteID) +
		" AND f.id >= " + q.Arg(lo) + " AND f.id < " + q.Arg(hi) + " ORDER BY f.id DESC LIMIT " + n + ") f OFFSET 0) s WHERE s.ok OR s.rn = " + n + " LIMIT " + q.Arg(need+1))
	rs, err := x.DB.R.QueryContext(ctx, q.String(), q.Args...)
	if err != nil {
		return nil, 0, 0, false, fmt.Errorf("search: direct: %w", err)
	}
	defer rs.Close()
	var last, lastRN int64
	for rs.Next() {
		var id, rn int64
		var ok bool
		if err := rs.Scan(&id, &rn, &ok); err != nil {
			return nil, 0, 0, false, fmt.Errorf("search: direct: %w", err)
		}
		last, lastRN = id, rn
		if ok && len(ids) < need {
			ids = append(ids, id)
		}
	}
	if err := rs.Err(); err != nil {
		return nil, 0, 0, false, fmt.Errorf("search: direct: %w", err)
	}
	switch {
	case lastRN == int64(rows):
		// The whole chunk was tested; the rows below last are not.
		return ids, last, rows, false, nil
	case len(ids) == need:
		// Stopped at the need-th match; the rows below it are not tested.
		return ids, ids[len(ids)-1], int(lastRN), false, nil
	}
	return ids, lo, int(lastRN), true, nil
}

// candidates reads the rows of ids with the filters, newest first.
func (x *Index) candidates(ctx context.Context, m *search.Match, ids []int64, limit int) ([]row, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var r Query
	r.WriteString("SELECT " + candCols + " FROM search_docs d WHERE d.id = ANY(" + r.Arg(ids) + ") AND d.site_id = " + r.Arg(m.SiteID))
	filters(&r, &m.Filters)
	r.WriteString(" ORDER BY d.id DESC LIMIT " + r.Arg(limit))
	return x.rows(ctx, &r)
}

// titleScan is the title scan of match: the capn newest title matches in
// [lo, hi). On a windowed engine a title match is a match, so those at or
// above the oldest of rows (the newest matches, none skipped) are among
// rows: their titles are tested by id, and only when they hold fewer than
// capn and there are older matches (more) does a scan go on below them.
func (x *Index) titleScan(ctx context.Context, m *search.Match, c compiled, rows []row, more bool, capn int, lo, hi int64) ([]row, error) {
	if !x.Text.Windowed() || len(rows) == 0 || capn <= 0 {
		return x.scan(ctx, m, c, true, capn, lo, hi)
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var q Query
	_, cond, _ := x.Text.Compile(&q, c.must, c.not, true)
	q.WriteString("SELECT f.id FROM search_fts f WHERE f.id = ANY(" + q.Arg(ids) + ") AND f.site_id = " + q.Arg(m.SiteID) + " AND " + cond)
	rs, err := x.DB.R.QueryContext(ctx, q.String(), q.Args...)
	if err != nil {
		return nil, fmt.Errorf("search: titles: %w", err)
	}
	in := map[int64]bool{}
	for rs.Next() {
		var id int64
		if err := rs.Scan(&id); err != nil {
			rs.Close()
			return nil, fmt.Errorf("search: titles: %w", err)
		}
		in[id] = true
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("search: titles: %w", err)
	}
	var out []row
	for _, r := range rows {
		if in[r.ID] {
			out = append(out, r)
			if len(out) == capn {
				return out, nil
			}
		}
	}
	if !more {
		return out, nil
	}
	rest, err := x.scan(ctx, m, c, true, capn-len(out), lo, min(hi, rows[len(rows)-1].ID))
	if err != nil {
		return nil, err
	}
	return append(out, rest...), nil
}
