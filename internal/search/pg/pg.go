// Package pg is the search back end for PostgreSQL deployments (several app
// nodes over one database): the same search_docs rows as the embedded back
// end, and a tsvector per document in search_fts with a GIN index. The
// tsvector is built here from search.Tokens (title weight A, extra B, body
// D) and written as a tsvector literal, and queries are tsquery literals of
// the same tokens, so PostgreSQL's text parser never sees raw Chinese (its
// word splitting depends on the server locale) and no query text is ever
// parsed as tsquery syntax.
package pg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gongkai/internal/search"
	"gongkai/internal/search/searchsql"
	"gongkai/internal/store"
)

// Index is the PostgreSQL back end.
type Index struct {
	*searchsql.Index
}

var (
	_ search.Backend       = (*Index)(nil)
	_ searchsql.BatchText  = text{}
	_ searchsql.TokenStats = text{}
	_ searchsql.WindowText = text{}
)

// New returns the PostgreSQL back end over db (migrated to 0012).
func New(db *store.DB) *Index {
	return &Index{&searchsql.Index{DB: db, Text: text{}}}
}

type text struct{}

func (text) Name() string { return "pg" }

// Lock serialises Puts across connections and nodes for the transaction: a
// new ID is the largest of its day plus one.
func (text) Lock(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7263012)`)
	return err
}

func (text) Prepare(d *search.Document) any {
	return [2]string{Vector(d), Vector(&search.Document{Title: d.Title})}
}

// Index writes both vectors with the day lexemes of d's ID (known only
// now: Prepare runs before the ID is assigned).
func (text) Index(ctx context.Context, tx *sql.Tx, d *search.Document, prepared any) error {
	v := prepared.([2]string)
	days := string(appendDays(nil, d.ID))
	_, err := tx.ExecContext(ctx, `INSERT INTO search_fts (id, site_id, tsv, title_tsv) VALUES ($1, $2, $3::text::tsvector, $4::text::tsvector)
		ON CONFLICT (id) DO UPDATE SET site_id = excluded.site_id, tsv = excluded.tsv, title_tsv = excluded.title_tsv`, d.ID, d.SiteID, v[0]+days, v[1]+days)
	return err
}

// Day lexemes. Every vector holds three lexemes naming the day of its
// document's ID (id >> search.OrderBits, the publication day): §yYYYY,
// §mYYYYMM and §dYYYYMMDD, without positions. The tokenizer never makes a
// token with '§' (a punctuation mark, which splits runs), so no query, not
// even a prefix, reaches them but the windows' condition (dayQuery), and
// nothing reads vectors but queries (ranking and snippets work on
// search_docs' text; TokenFreqs' lexemes are looked up by token).
//
// They let a window of days cost what the window holds: ANDed into the
// query, GIN's scan is driven by the rarer of the days' entries and the
// phrase's rarest lexeme and skips through the other posting trees, where
// the phrase alone made GIN return, once per window, every document of
// the table with the phrase's lexemes (54,451 TIDs for 法律援助 at 100,000
// documents; docs/BENCHMARKS.md "PostgreSQL site search at 100,000 items:
// what a first-seen query's server CPU is made of"). That pays only while
// search_fts is in id order, since posting lists are in row order: at
// 100,000 documents the newest 30 days' window of 法律援助 spent 4.5–8 ms in
// GIN with the days on clustered rows, 45 ms without the days, and 72–78 ms
// with the days on rows in a rebuild's order (docs/BENCHMARKS.md
// "PostgreSQL site search: day lexemes in the vectors", 2026-12-04); hence
// the CLUSTER in Optimize. Migration 0057 added them to the vectors written
// before, rewriting the table in id order.
const dayMark = "§"

// dayOf is the calendar day of an ID.
func dayOf(id int64) time.Time {
	return time.Unix((id>>search.OrderBits)*86400, 0).UTC()
}

// appendDays appends " '§y…' '§m…' '§d…'", the day lexemes of id, to a
// tsvector literal.
func appendDays(dst []byte, id int64) []byte {
	t := dayOf(id)
	dst = t.AppendFormat(append(dst, " '"+dayMark+"y"...), "2006")
	dst = t.AppendFormat(append(dst, "' '"+dayMark+"m"...), "200601")
	dst = t.AppendFormat(append(dst, "' '"+dayMark+"d"...), "20060102")
	return append(dst, '\'')
}

// dayQuery is the tsquery OR of the fewest day lexemes (whole years, whole
// months, days) covering the days of ids in [lo, hi), "" for no bound.
// A window of the walk covers 3–60 of them.
func dayQuery(lo, hi int64) string {
	if lo <= 0 && hi >= 1<<62 {
		return ""
	}
	d, last := dayOf(max(lo, 0)), dayOf(hi-1)
	var parts []string
	for !d.After(last) {
		switch y, m := d.AddDate(1, 0, 0), d.AddDate(0, 1, 0); {
		case d.YearDay() == 1 && !y.After(last.AddDate(0, 0, 1)):
			parts = append(parts, "'"+dayMark+"y"+d.Format("2006")+"'")
			d = y
		case d.Day() == 1 && !m.After(last.AddDate(0, 0, 1)):
			parts = append(parts, "'"+dayMark+"m"+d.Format("200601")+"'")
			d = m
		default:
			parts = append(parts, "'"+dayMark+"d"+d.Format("20060102")+"'")
			d = d.AddDate(0, 0, 1)
		}
	}
	return "(" + strings.Join(parts, " | ") + ")"
}

func (text) Unindex(ctx context.Context, tx *sql.Tx, id int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM search_fts WHERE id = $1`, id)
	return err
}

func (text) Windowed() bool { return true }

// PlanWindow: a window's ids come from the GIN index (its days ANDed in,
// WindowCond), so only the rows that have every lexeme are rechecked
// (positions, weights); the planner would otherwise walk the id range and
// detoast every row's tsvector.
//
// The plan is made for each query's own values (plan_cache_mode): the
// driver prepares statements, and after five executions PostgreSQL may
// switch to a generic plan made without the tsquery and the id range, which
// walks the range by primary key and detoasts every row's tsvector — 1.6–1.8
// s a window for a phrase that matches nothing, at 100,000 documents
// (docs/BENCHMARKS.md "Site search", 2026-12-03), against a few ms with the
// GIN index.
func (text) PlanWindow(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `SET LOCAL enable_indexscan = off; SET LOCAL enable_seqscan = off; SET LOCAL plan_cache_mode = force_custom_plan`)
	return err
}

// EstimateDocs reads the planner's row count of search_docs (kept by
// ANALYZE and autovacuum), which costs nothing.
func (text) EstimateDocs(ctx context.Context, db *store.DB) int64 {
	var n float64
	if err := db.R.QueryRowContext(ctx, `SELECT reltuples FROM pg_class WHERE oid = 'search_docs'::regclass`).Scan(&n); err != nil || n < 0 {
		return 0
	}
	return int64(n)
}

// TokenFreqs reads ANALYZE's most common lexemes of search_fts.tsv (or
// title_tsv) with the fraction of rows having each, and the planner's row
// count. The frequencies list ends with their minimum, maximum and the null
// fraction, which show as rows without a lexeme; every lexeme not listed is
// in at most the minimum's fraction of the rows.
func (text) TokenFreqs(ctx context.Context, db *store.DB, title bool) (map[string]float64, float64, int64, error) {
	col := "tsv"
	if title {
		col = "title_tsv"
	}
	rows, err := db.R.QueryContext(ctx, `SELECT u.e, u.f, (SELECT reltuples FROM pg_class WHERE oid = 'search_fts'::regclass)
		FROM pg_stats s, unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) WITH ORDINALITY AS u(e, f, i)
		WHERE s.schemaname = current_schema() AND s.tablename = 'search_fts' AND s.attname = $1 ORDER BY u.i`, col)
	if err != nil {
		return nil, 0, 0, err
	}
	defer rows.Close()
	freqs := map[string]float64{}
	floor := -1.0
	var docs float64
	for rows.Next() {
		var e sql.NullString
		var f sql.NullFloat64
		if err := rows.Scan(&e, &f, &docs); err != nil {
			return nil, 0, 0, err
		}
		switch {
		case e.Valid && f.Valid:
			freqs[e.String] = f.Float64
		case !e.Valid && f.Valid && floor < 0:
			floor = f.Float64
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, 0, err
	}
	if len(freqs) == 0 || floor < 0 || docs <= 0 {
		return nil, 1, 0, nil
	}
	return freqs, floor, int64(docs), nil
}

// PostgreSQL's tsvector limits: positions 1..16383 (larger ones would be
// clamped), at most 256 positions per lexeme, a lexeme at most 2,046 bytes,
// lexemes and positions at most 1 MB in all (maxLexemeText leaves a margin).
const (
	maxPos        = 16383
	maxPositions  = 256
	maxLexemeText = 900 << 10
	maxLexeme     = 2046
)

// Vector is a document's tsvector literal. Fields are one position apart so a
// phrase never spans two fields. Tokens past position 16383 keep that
// position: a word deep in a very long body is still found, a phrase there
// may not be (docs/BENCHMARKS.md "Site search").
func Vector(d *search.Document) string {
	return string(AppendVector(nil, d))
}

// AppendVector appends Vector(d) to dst. A lexeme's positions are kept as
// numbers (position and weight in one int32) and written once at the end:
// a rebuild makes some 3,000 of them per document.
func AppendVector(dst []byte, d *search.Document) []byte {
	type entry struct {
		lex string
		pos []int32 // position<<2 | weight (0 D, 1 A, 2 B)
	}
	var entries []entry
	at := map[string]int32{}
	size := 0
	pos := 0
	add := func(text string, weight int32) {
		search.EachToken(text, func(t string) {
			if pos < maxPos {
				pos++
			}
			i, ok := at[t]
			if !ok {
				// What the server counts against its 1 MB: the lexeme
				// (aligned to two bytes), its number of positions and two
				// bytes a position. A lexeme longer than it accepts (a
				// run of over 2,046 bytes of letters) is left out.
				if len(t) > maxLexeme || size+len(t)+len(t)%2+4 > maxLexemeText {
					return
				}
				size += len(t) + len(t)%2 + 2
				i = int32(len(entries))
				at[t] = i
				entries = append(entries, entry{lex: t})
			}
			e := &entries[i]
			p := int32(pos)<<2 | weight
			if n := len(e.pos); n < maxPositions && (n == 0 || e.pos[n-1] != p) && (n == 0 || size+2 <= maxLexemeText) {
				e.pos = append(e.pos, p)
				size += 2
			}
		})
		if pos < maxPos {
			pos++
		}
	}
	add(d.Title, 1)
	add(d.Extra, 2)
	add(d.Body, 0)
	for i, e := range entries {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = appendQuoted(dst, e.lex)
		dst = append(dst, ':')
		for j, p := range e.pos {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = strconv.AppendInt(dst, int64(p>>2), 10)
			switch p & 3 {
			case 1:
				dst = append(dst, 'A')
			case 2:
				dst = append(dst, 'B')
			}
		}
	}
	return dst
}

// appendQuoted appends quote(t).
func appendQuoted(dst []byte, t string) []byte {
	if !strings.ContainsAny(t, `\'`) {
		dst = append(dst, '\'')
		dst = append(dst, t...)
		return append(dst, '\'')
	}
	return append(dst, quote(t)...)
}

// quote writes a lexeme as a tsvector/tsquery literal: quoted, with quotes
// doubled and backslashes escaped, so no token is syntax.
func quote(t string) string {
	t = strings.ReplaceAll(t, `\`, `\\`)
	return "'" + strings.ReplaceAll(t, "'", "''") + "'"
}

// phrase writes a phrase; title restricts it to weight A (the title in tsv).
func phrase(p searchsql.Phrase, title bool) string {
	var parts []string
	for _, t := range p.Tokens {
		s := quote(t.Text)
		switch flags := ""; {
		case t.Prefix || title:
			if t.Prefix {
				flags += "*"
			}
			if title {
				flags += "A"
			}
			s += ":" + flags
		}
		parts = append(parts, s)
	}
	return "(" + strings.Join(parts, " <-> ") + ")"
}

// Compile writes a tsquery literal: clauses of OR-ed phrases ANDed, "& !"
// the excluded phrases.
func (text) Compile(q *searchsql.Query, must [][]searchsql.Phrase, not []searchsql.Phrase, titleOnly bool) (join, cond, order string) {
	return compile(q, must, not, titleOnly, "")
}

// WindowCond is Compile's condition for the ids in [lo, hi): the window's
// day lexemes ANDed in, the id range tested on the rows GIN returns. The
// range is written "f.id + 0" so the planner cannot use the primary key for
// it: its bitmap of the window's ids (48,000 for the newest 30 days at
// 100,000 items, 5–15 ms) would only repeat what the days select.
func (text) WindowCond(q *searchsql.Query, must [][]searchsql.Phrase, not []searchsql.Phrase, titleOnly bool, lo, hi int64) string {
	_, cond, _ := compile(q, must, not, titleOnly, dayQuery(lo, hi))
	return cond + " AND f.id + 0 >= " + q.Arg(lo) + " AND f.id + 0 < " + q.Arg(hi)
}

// compile is Compile with days ("" or dayQuery's) ANDed into the match.
func compile(q *searchsql.Query, must [][]searchsql.Phrase, not []searchsql.Phrase, titleOnly bool, days string) (join, cond, order string) {
	var nots []string
	for _, p := range not {
		nots = append(nots, phrase(p, false))
	}
	notExpr := strings.Join(nots, " | ")
	if len(must) == 0 {
		if notExpr == "" {
			return "", "", ""
		}
		return "", "NOT EXISTS (SELECT 1 FROM search_fts f WHERE f.id = d.id AND f.tsv @@ " + q.Arg(notExpr) + "::text::tsquery)", ""
	}
	if !titleOnly {
		titleOnly = allTitle(must)
	}
	var clauses []string
	for _, cl := range must {
		var ps []string
		for _, p := range cl {
			// On title_tsv (titles alone) no weight is needed.
			ps = append(ps, phrase(p, p.Title && !titleOnly))
		}
		clauses = append(clauses, "("+strings.Join(ps, " | ")+")")
	}
	expr := strings.Join(clauses, " & ")
	if days != "" {
		expr = "(" + expr + ") & " + days
	}
	if titleOnly {
		cond = "f.title_tsv @@ " + q.Arg(expr) + "::text::tsquery"
		if notExpr != "" {
			cond += " AND NOT f.tsv @@ " + q.Arg(notExpr) + "::text::tsquery"
		}
		return " JOIN search_fts f ON f.id = d.id", cond, "f.id"
	}
	if notExpr != "" {
		expr = "(" + expr + ") & !(" + notExpr + ")"
	}
	return " JOIN search_fts f ON f.id = d.id", "f.tsv @@ " + q.Arg(expr) + "::text::tsquery", "f.id"
}

// allTitle reports whether every phrase of must is restricted to the title.
func allTitle(must [][]searchsql.Phrase) bool {
	for _, cl := range must {
		for _, p := range cl {
			if !p.Title {
				return false
			}
		}
	}
	return true
}

func (text) IndexBytes(ctx context.Context, db *store.DB) (int64, error) {
	var n int64
	err := db.R.QueryRowContext(ctx, `SELECT pg_total_relation_size('search_docs') + pg_total_relation_size('search_fts')`).Scan(&n)
	return n, err
}

// Optimize refreshes the planner's statistics after a rebuild (the window
// sizes come from its row count).
func (x *Index) Optimize(ctx context.Context) error {
	// GIN's pending list (fastupdate) holds the rows written since the
	// last vacuum, and every query reads all of it: after a rebuild some
	// 20,000 titles at 100,000 items, 488 pages read by each title query.
	if _, err := x.DB.W.ExecContext(ctx, `SELECT gin_clean_pending_list('search_fts_tsv'), gin_clean_pending_list('search_fts_title')`); err != nil {
		return fmt.Errorf("search: pending list: %w", err)
	}
	if _, err := x.DB.W.ExecContext(ctx, `ANALYZE search_docs, search_fts`); err != nil {
		return fmt.Errorf("search: analyze: %w", err)
	}
	// A rebuild rewrites every row in the order of its sources, not by
	// day, which undoes what the day lexemes need (dayMark; migration
	// 0057): rows of a window next to each other. CLUSTER puts the table
	// back in id order, rebuilds its indexes compact and drops the dead
	// rows the rebuild left, holding an exclusive lock on search_fts while
	// it runs (searches and writes wait: some minutes at 100,000 items).
	// Only when ANALYZE's correlation of id with the rows' order says so:
	// new documents come in day order and keep it.
	var corr sql.NullFloat64
	if err := x.DB.W.QueryRowContext(ctx, `SELECT correlation FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'search_fts' AND attname = 'id'`).Scan(&corr); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("search: order: %w", err)
	}
	if corr.Valid && corr.Float64 < 0.9 {
		if _, err := x.DB.W.ExecContext(ctx, `CLUSTER search_fts USING search_fts_pkey`); err != nil {
			return fmt.Errorf("search: cluster: %w", err)
		}
		if _, err := x.DB.W.ExecContext(ctx, `ANALYZE search_fts`); err != nil {
			return fmt.Errorf("search: analyze: %w", err)
		}
	}
	return nil
}

// IndexAll writes the full-text rows of a Put in one statement (arrays
// unnested; the literals cast to tsvector by the server).
func (text) IndexAll(ctx context.Context, tx *sql.Tx, docs []*search.Document, prepared []any) error {
	ids := make([]int64, len(docs))
	sites := make([]int64, len(docs))
	tsv := make([]string, len(docs))
	titles := make([]string, len(docs))
	var days []byte
	for i, d := range docs {
		v := prepared[i].([2]string)
		days = appendDays(days[:0], d.ID)
		ids[i], sites[i], tsv[i], titles[i] = d.ID, d.SiteID, v[0]+string(days), v[1]+string(days)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO search_fts (id, site_id, tsv, title_tsv)
		SELECT id, site_id, tsv::tsvector, title_tsv::tsvector FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS u(id, site_id, tsv, title_tsv)
		ON CONFLICT (id) DO UPDATE SET site_id = excluded.site_id, tsv = excluded.tsv, title_tsv = excluded.title_tsv`, ids, sites, tsv, titles)
	return err
}

// UnindexAll removes the full-text rows of ids.
func (text) UnindexAll(ctx context.Context, tx *sql.Tx, ids []int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM search_fts WHERE id = ANY($1)`, ids)
	return err
}
