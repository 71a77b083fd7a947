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
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"gongkai/internal/search"
	"gongkai/internal/search/searchsql"
	"gongkai/internal/store"
)

// Index is the PostgreSQL back end.
type Index struct {
	*searchsql.Index
}

var (
	_ search.Backend      = (*Index)(nil)
	_ searchsql.BatchText = (*text)(nil)
)

// New returns the PostgreSQL back end over db (migrated to 0051).
func New(db *store.DB) *Index {
	return &Index{&searchsql.Index{DB: db, Text: &text{db: db}}}
}

// text is the PostgreSQL full-text side. Queries use the n-gram lexemes
// (Vector) once every row of search_fts has them (format 2, migration
// 0051): until a rebuild has rewritten the rows of an older index, phrases
// are matched by positions alone, as before.
type text struct {
	db      *store.DB
	ready   atomic.Bool  // no row of an older format is left (never reset: Puts write format 2)
	checked atomic.Int64 // when ready was last tested (unix ns)
}

// grams reports whether every row has the n-grams; tested at most once a
// second until it holds (a partial index over the older rows: free).
func (t *text) grams() bool {
	if t.ready.Load() {
		return true
	}
	now := time.Now().UnixNano()
	last := t.checked.Load()
	if now-last < int64(time.Second) || !t.checked.CompareAndSwap(last, now) {
		return false
	}
	var old bool
	err := t.db.R.QueryRowContext(context.Background(), `SELECT EXISTS (SELECT 1 FROM search_fts WHERE format < 2)`).Scan(&old)
	if err == nil && !old {
		t.ready.Store(true)
	}
	return t.ready.Load()
}

func (*text) Name() string { return "pg" }

// Lock serialises Puts across connections and nodes for the transaction: a
// new ID is the largest of its day plus one.
func (*text) Lock(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7263012)`)
	return err
}

func (*text) Prepare(d *search.Document) any {
	return [2]string{Vector(d), Vector(&search.Document{Title: d.Title})}
}

func (*text) Index(ctx context.Context, tx *sql.Tx, d *search.Document, prepared any) error {
	v := prepared.([2]string)
	_, err := tx.ExecContext(ctx, `INSERT INTO search_fts (id, site_id, tsv, title_tsv, format) VALUES ($1, $2, $3::text::tsvector, $4::text::tsvector, 2)
		ON CONFLICT (id) DO UPDATE SET site_id = excluded.site_id, tsv = excluded.tsv, title_tsv = excluded.title_tsv, format = 2`, d.ID, d.SiteID, v[0], v[1])
	return err
}

func (*text) Unindex(ctx context.Context, tx *sql.Tx, id int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM search_fts WHERE id = $1`, id)
	return err
}

func (*text) Windowed() bool { return true }

// PlanWindow: a window's ids come from a BitmapAnd of the GIN index and the
// primary key's id range, so only the rows that have every lexeme are
// rechecked (positions, weights); the planner would otherwise walk the id
// range and detoast every row's tsvector.
//
// The plan is made for each query's own values (plan_cache_mode): the
// driver prepares statements, and after five executions PostgreSQL may
// switch to a generic plan made without the tsquery and the id range, which
// walks the range by primary key and detoasts every row's tsvector — 1.6–1.8
// s a window for a phrase that matches nothing, at 100,000 documents
// (docs/BENCHMARKS.md "Site search", 2026-12-03), against a few ms with the
// GIN index.
func (*text) PlanWindow(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `SET LOCAL enable_indexscan = off; SET LOCAL plan_cache_mode = force_custom_plan`)
	return err
}

// EstimateDocs reads the planner's row count of search_docs (kept by
// ANALYZE and autovacuum), which costs nothing.
func (*text) EstimateDocs(ctx context.Context, db *store.DB) int64 {
	var n float64
	if err := db.R.QueryRowContext(ctx, `SELECT reltuples FROM pg_class WHERE oid = 'search_docs'::regclass`).Scan(&n); err != nil || n < 0 {
		return 0
	}
	return int64(n)
}

// PostgreSQL's tsvector limits: positions 1..16383 (larger ones would be
// clamped), at most 256 positions per lexeme, lexemes and positions at most
// 1 MB in all (the tokens get maxLexemeText, the n-grams what the tokens
// leave of maxText).
const (
	maxPos        = 16383
	maxPositions  = 256
	maxLexemeText = 900 << 10
	maxText       = 1000 << 10
)

// partial is the lexeme of a vector whose n-grams did not all fit (a body of
// hundreds of thousands of distinct characters): its phrases are matched by
// positions. No token or n-gram can be it (they hold letters, digits, Han
// characters and spaces only).
const partial = "~partial"

// Vector is a document's tsvector literal. Fields are one position apart so a
// phrase never spans two fields. Tokens past position 16383 keep that
// position: a word deep in a very long body is still found by positions, a
// phrase there through its n-grams.
//
// Besides the tokens with their positions and weights, every pair and
// triple of consecutive tokens of a field is a lexeme without positions
// (gram), so Compile matches a phrase of two or three tokens (a word of
// three or four Han characters) with one GIN lookup that needs no recheck
// of the row; only longer phrases, title-weighted ones and prefixes read
// the positions.
func Vector(d *search.Document) string {
	type entry struct {
		pos []string
	}
	order := []string{}
	lex := map[string]*entry{}
	grams := map[string]bool{}
	var gramOrder []string
	var buf []byte
	size := 0
	pos := 0
	add := func(text, weight string) {
		toks := search.Tokens(text)
		for _, t := range toks {
			if pos < maxPos {
				pos++
			}
			e := lex[t]
			if e == nil {
				// What the server counts: the lexeme (aligned to two
				// bytes), its number of positions, two bytes a position.
				if size+align(len(t))+4 > maxLexemeText {
					continue
				}
				size += align(len(t)) + 2
				e = &entry{}
				lex[t] = e
				order = append(order, t)
			}
			p := strconv.Itoa(pos) + weight
			if n := len(e.pos); n < maxPositions && (n == 0 || e.pos[n-1] != p) && (n == 0 || size+2 <= maxLexemeText) {
				e.pos = append(e.pos, p)
				size += 2
			}
		}
		if pos < maxPos {
			pos++
		}
		for i := range toks {
			for n := 2; n <= 3 && i+n <= len(toks); n++ {
				buf = appendGram(buf[:0], toks[i:i+n])
				if !grams[string(buf)] { // no allocation to look up
					g := string(buf)
					grams[g] = true
					gramOrder = append(gramOrder, g)
				}
			}
		}
	}
	add(d.Title, "A")
	add(d.Extra, "B")
	add(d.Body, "")
	var b strings.Builder
	b.Grow(size * 2)
	for i, t := range order {
		if i > 0 {
			b.WriteByte(' ')
		}
		writeQuoted(&b, t)
		for j, p := range lex[t].pos {
			if j == 0 {
				b.WriteByte(':')
			} else {
				b.WriteByte(',')
			}
			b.WriteString(p)
		}
	}
	full := true
	for _, g := range gramOrder {
		if size+align(len(g)) > maxText-len(partial) {
			full = false
			continue
		}
		size += align(len(g))
		b.WriteByte(' ')
		writeQuoted(&b, g)
	}
	if !full {
		b.WriteString(" " + quote(partial))
	}
	return b.String()
}

func align(n int) int { return n + n%2 }

// gram is the lexeme of consecutive tokens: "~" (which no token holds, so
// a token's prefix never matches an n-gram) and a chain of overlapping Han
// bigrams as the characters it covers (法律 律援 援助 → ~法律援助), any
// other tokens joined by spaces (which no token holds either).
func gram(toks []string) string { return string(appendGram(nil, toks)) }

func appendGram(b []byte, toks []string) []byte {
	b = append(b, '~')
	for i, t := range toks {
		r0, w := utf8.DecodeRuneInString(t)
		r1, w1 := utf8.DecodeRuneInString(t[w:])
		if w == len(t) || w+w1 != len(t) || !isHan(r0) || !isHan(r1) {
			return appendJoined(b[:1], toks)
		}
		if i > 0 {
			_, pw := utf8.DecodeRuneInString(toks[i-1])
			if toks[i-1][pw:] != t[:w] {
				return appendJoined(b[:1], toks)
			}
			b = append(b, t[w:]...)
		} else {
			b = append(b, t...)
		}
	}
	return b
}

func appendJoined(b []byte, toks []string) []byte {
	for i, t := range toks {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, t...)
	}
	return b
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// quote writes a lexeme as a tsvector/tsquery literal: quoted, with quotes
// doubled and backslashes escaped, so no token is syntax.
func quote(t string) string {
	t = strings.ReplaceAll(t, `\`, `\\`)
	return "'" + strings.ReplaceAll(t, "'", "''") + "'"
}

// writeQuoted writes quote(t) to b.
func writeQuoted(b *strings.Builder, t string) {
	if strings.ContainsAny(t, `'\`) {
		b.WriteString(quote(t))
		return
	}
	b.WriteByte('\'')
	b.WriteString(t)
	b.WriteByte('\'')
}

// positional writes a phrase matched by positions; title restricts it to
// weight A (the title in tsv).
func positional(p searchsql.Phrase, title bool) string {
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

// phrase writes a phrase; title restricts it to weight A (the title in tsv).
// With grams (every row has its n-grams), a phrase of two or three tokens
// is its n-gram, which the GIN index answers exactly (the positions are
// read only in a row marked partial), and a longer one needs every n-gram
// of three tokens it holds before its positions are read. Weights and
// prefixes need the positions.
func phrase(p searchsql.Phrase, title, grams bool) string {
	pos := positional(p, title)
	n := len(p.Tokens)
	if !grams || title || n < 2 {
		return pos
	}
	toks := make([]string, n)
	for i, t := range p.Tokens {
		if t.Prefix {
			return pos
		}
		toks[i] = t.Text
	}
	if n <= 3 {
		return "(" + quote(gram(toks)) + " | (" + quote(partial) + " & " + pos + "))"
	}
	var gs []string
	for i := 0; i+3 <= n; i++ {
		gs = append(gs, quote(gram(toks[i:i+3])))
	}
	return "(((" + strings.Join(gs, " & ") + ") | " + quote(partial) + ") & " + pos + ")"
}

// Compile writes a tsquery literal: clauses of OR-ed phrases ANDed, "& !"
// the excluded phrases.
func (t *text) Compile(q *searchsql.Query, must [][]searchsql.Phrase, not []searchsql.Phrase, titleOnly bool) (join, cond, order string) {
	grams := t.grams()
	var nots []string
	for _, p := range not {
		nots = append(nots, phrase(p, false, grams))
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
			ps = append(ps, phrase(p, p.Title && !titleOnly, grams))
		}
		clauses = append(clauses, "("+strings.Join(ps, " | ")+")")
	}
	expr := strings.Join(clauses, " & ")
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

func (*text) IndexBytes(ctx context.Context, db *store.DB) (int64, error) {
	var n int64
	err := db.R.QueryRowContext(ctx, `SELECT pg_total_relation_size('search_docs') + pg_total_relation_size('search_fts')`).Scan(&n)
	return n, err
}

// Optimize refreshes the planner's statistics after a rebuild (the window
// sizes come from its row count).
func (x *Index) Optimize(ctx context.Context) error {
	if _, err := x.DB.W.ExecContext(ctx, `ANALYZE search_docs, search_fts`); err != nil {
		return fmt.Errorf("search: analyze: %w", err)
	}
	return nil
}

// IndexAll writes the full-text rows of a Put in one statement (arrays
// unnested; the literals cast to tsvector by the server).
func (*text) IndexAll(ctx context.Context, tx *sql.Tx, docs []*search.Document, prepared []any) error {
	ids := make([]int64, len(docs))
	sites := make([]int64, len(docs))
	tsv := make([]string, len(docs))
	titles := make([]string, len(docs))
	for i, d := range docs {
		v := prepared[i].([2]string)
		ids[i], sites[i], tsv[i], titles[i] = d.ID, d.SiteID, v[0], v[1]
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO search_fts (id, site_id, tsv, title_tsv, format)
		SELECT id, site_id, tsv::tsvector, title_tsv::tsvector, 2 FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS u(id, site_id, tsv, title_tsv)
		ON CONFLICT (id) DO UPDATE SET site_id = excluded.site_id, tsv = excluded.tsv, title_tsv = excluded.title_tsv, format = 2`, ids, sites, tsv, titles)
	return err
}

// UnindexAll removes the full-text rows of ids.
func (*text) UnindexAll(ctx context.Context, tx *sql.Tx, ids []int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM search_fts WHERE id = ANY($1)`, ids)
	return err
}
