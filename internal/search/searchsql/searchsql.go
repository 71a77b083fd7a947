// Package searchsql is what the SQL back ends of the search share: the
// search_docs table (migration 0012), ID assignment by publication day,
// filters, bounded counting and faceting, title-first candidates, Docs, Doc,
// Titles. The full-text side differs by engine and sits behind Text
// (search/fts5: SQLite FTS5; search/pg: PostgreSQL tsvector + GIN), so the two
// adapters never import each other (STYLE rules 3 and 10).
package searchsql

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"gongkai/internal/search"
	"gongkai/internal/store"
)

// CountBound is how many of the most recent matches are counted and faceted.
// Beyond it Total is a lower bound (Exact false) and facets describe the
// counted matches. Chosen by measurement at 100k documents (docs/BENCHMARKS.md
// "Site search"): fetching the facet columns of 2,000 matches newest first
// costs a few milliseconds on either engine, counting all 97k matches of a
// common word 26–260 ms; the FTS5 walk is linear in the rows it yields.
var CountBound = 500

// DefaultCap is the candidate cap when a Match asks for none; MaxCap and
// MaxOffset bound what one Match may make the engine read (a caller's
// page number never becomes an unbounded scan).
const (
	DefaultCap = 100
	MaxCap     = 10000
	MaxOffset  = 100000
)

// Text is the engine-specific full-text side.
type Text interface {
	Name() string
	// Lock serialises writers in tx where the engine needs it (PostgreSQL:
	// IDs are allocated by reading the largest one of the day).
	Lock(ctx context.Context, tx *sql.Tx) error
	// Prepare computes what Index writes for d (its token text), outside the
	// transaction and in parallel, so the write lock is held only to write.
	Prepare(d *search.Document) any
	// Index writes the full-text row of d (whose ID is set) from what
	// Prepare returned; Unindex removes the full-text row of an id. Both run
	// in the Put's transaction, before (Unindex) or after (Index) the
	// search_docs row is written.
	Index(ctx context.Context, tx *sql.Tx, d *search.Document, prepared any) error
	Unindex(ctx context.Context, tx *sql.Tx, id int64) error
	// Compile turns valid phrases into the engine's match. titleOnly forces
	// every phrase of must into the title. It returns a join clause to add
	// after "FROM search_docs d" and a condition, with q for placeholders.
	// must may be empty (then only not applies). order is the column to
	// sort by descending ("" for d.id), the one the engine can yield in order.
	Compile(q *Query, must [][]Phrase, not []Phrase, titleOnly bool) (join, cond, order string)
	// Windowed asks the shared code to walk the id space newest first in
	// growing windows (PostgreSQL: GIN returns matches in no order, and a
	// window of ids is a bitmap AND with the primary key), instead of one
	// ordered scan (FTS5 yields rowids in descending order itself).
	Windowed() bool
	// PlanWindow prepares the read transaction of a window's id query
	// (PostgreSQL: SET LOCAL so the planner combines the GIN and primary-key
	// bitmaps instead of rechecking every row of the window in id order).
	// The window query reads search_fts f alone: the condition from Compile
	// must refer to f only when Windowed is true.
	PlanWindow(ctx context.Context, tx *sql.Tx) error
	// EstimateDocs is a cheap estimate of the number of indexed documents
	// (PostgreSQL: the planner's row count), 0 when unknown; it sizes windows.
	EstimateDocs(ctx context.Context, db *store.DB) int64
	// IndexBytes is the size of the full-text side, best effort.
	IndexBytes(ctx context.Context, db *store.DB) (int64, error)
}

// WindowText is a windowed Text that can restrict a match to a window of
// ids in its full-text index itself (PostgreSQL: the day lexemes of every
// vector), so a window's index scan costs what the window holds. The
// condition refers to f only and includes the id range.
type WindowText interface {
	WindowCond(q *Query, must [][]Phrase, not []Phrase, titleOnly bool, lo, hi int64) string
}

// Phrase is a query phrase whose tokens are valid index tokens.
type Phrase struct {
	Tokens []Token
	Title  bool
}

// Token is one normalised index token, maybe a prefix.
type Token struct {
	Text   string
	Prefix bool
}

// Index is a search.Backend over store.DB with an engine's Text.
type Index struct {
	DB   *store.DB
	Text Text
	// CacheSize bounds the answers kept per node (0: DefaultCacheSize,
	// negative: no cache). An answer is reused only while the site's
	// generation in search_state, bumped in every changing transaction, is
	// the one read with it, so every node sees every change at once.
	CacheSize int
	// Path forces how a windowed engine finds a phrase's matches (walk):
	// "" chooses by the phrase's density, PathDirect tests rows one by one
	// only, PathIndex reads the full-text index's windows only. For tests
	// and benchmarks; both give the same answers.
	Path string

	mu         sync.Mutex
	cache      map[string]cached
	cacheBytes int // the cached answers' size (answerSize)

	statsMu sync.Mutex
	stats   [2]*tokenStats // body (with titles), titles alone
}

// DefaultCacheSize is the number of answers kept per node. An answer holds
// up to 300 candidates and the facets (some 100 KB); the Service keeps the
// final results of its searches besides (search.Service.CacheSize), so this
// cache serves what those miss: another page or sort of the same words.
const DefaultCacheSize = 64

// cacheBytes bounds the cached answers' size besides their number: 64
// answers of 300 candidates held 4–9 MB of the server's live heap (issue
// 17's memory goal); an answer over a quarter of it is not kept.
const cacheBytes = 2 << 20

type cached struct {
	gen  int64
	res  *search.Matches
	size int
}

// answerSize is about the bytes an answer holds: its candidates, their
// text and its facets.
func answerSize(r *search.Matches) int {
	n := len(r.Candidates) * int(unsafe.Sizeof(search.Candidate{}))
	for i := range r.Candidates {
		c := &r.Candidates[i]
		n += len(c.Kind) + len(c.URL) + len(c.Title) + len(c.DocNo) + len(c.Publisher) + len(c.Topic) + len(c.Validity) + len(c.PublishedOn)
	}
	for k, v := range r.Facets {
		n += len(k) + len(v)*int(unsafe.Sizeof(search.FacetCount{}))
		for _, f := range v {
			n += len(f.Value)
		}
	}
	return n
}

// Name implements search.Backend.
func (x *Index) Name() string { return x.Text.Name() }

// Query builds SQL text with $N placeholders.
type Query struct {
	strings.Builder
	Args []any
}

// Arg adds a parameter and returns its placeholder.
func (q *Query) Arg(v any) string {
	q.Args = append(q.Args, v)
	return "$" + strconv.Itoa(len(q.Args))
}

// validPhrase keeps a phrase whose every token is exactly one index token
// after normalisation (a trailing search.Prefix marks a prefix). Anything
// else (punctuation, operators of any query language, several words in one
// token) can never be in the index, so the phrase cannot match: the tokens
// are data, never syntax.
func validPhrase(p search.Phrase) (Phrase, bool) {
	if len(p.Tokens) == 0 {
		return Phrase{}, false
	}
	out := Phrase{Title: p.Field == search.TitleOnly, Tokens: make([]Token, 0, len(p.Tokens))}
	for _, t := range p.Tokens {
		prefix := strings.HasSuffix(t, search.Prefix)
		if prefix {
			t = strings.TrimSuffix(t, search.Prefix)
		}
		n := search.Normalize(t)
		if tt := search.Tokens(n); len(tt) != 1 || tt[0] != n {
			return Phrase{}, false
		}
		out.Tokens = append(out.Tokens, Token{Text: n, Prefix: prefix})
	}
	return out, true
}

// compiled is a Match reduced to valid phrases.
type compiled struct {
	must [][]Phrase
	not  []Phrase
	none bool // can never match
}

// titleOnly reports whether every phrase of must is matched in the title.
func (c compiled) titleOnly() bool {
	for _, ps := range c.must {
		for _, p := range ps {
			if !p.Title {
				return false
			}
		}
	}
	return true
}

func compile(m *search.Match) compiled {
	var c compiled
	for _, cl := range m.Must {
		var ps []Phrase
		for _, p := range cl {
			if v, ok := validPhrase(p); ok {
				ps = append(ps, v)
			}
		}
		if len(ps) == 0 {
			c.none = true
		}
		c.must = append(c.must, ps)
	}
	for _, p := range m.Not {
		if v, ok := validPhrase(p); ok {
			c.not = append(c.not, v)
		}
	}
	return c
}

const candCols = `d.id, d.kind, d.ref, d.url, d.title, d.doc_no, d.publisher, d.column_id, d.topic, d.validity, d.published_on, d.year`

// idRange is the id interval [lo, hi) the date filters allow: ids encode
// the publication day (search.OrderBase).
func idRange(f *search.Filters) (lo, hi int64) {
	lo, hi = 0, 1<<62
	day := func(s string) (int64, bool) {
		if s == "" {
			return 0, false
		}
		b := search.OrderBase(s)
		return b, b > 0 || strings.HasPrefix(s, "1970-01-01")
	}
	if f.Year > 0 {
		if b, ok := day(fmt.Sprintf("%04d-01-01", f.Year)); ok {
			lo = max(lo, b)
		}
		if b, ok := day(fmt.Sprintf("%04d-01-01", f.Year+1)); ok {
			hi = min(hi, b)
		}
	}
	if b, ok := day(f.From); ok {
		lo = max(lo, b)
	}
	if b, ok := day(f.To); ok {
		hi = min(hi, b+1<<search.OrderBits)
	}
	return lo, hi
}

// filters writes the conditions of f (except the date range, which is an id
// range) on search_docs d.
func filters(q *Query, f *search.Filters) {
	if len(f.Kinds) > 0 {
		q.WriteString(" AND d.kind IN (")
		for i, k := range f.Kinds {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(q.Arg(k))
		}
		q.WriteString(")")
	}
	if len(f.ColumnIDs) > 0 {
		q.WriteString(" AND d.column_id IN (")
		for i, c := range f.ColumnIDs {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(q.Arg(c))
		}
		q.WriteString(")")
	}
	if f.Publisher != "" {
		q.WriteString(" AND d.publisher = " + q.Arg(f.Publisher))
	}
	if f.Year > 0 {
		q.WriteString(" AND d.year = " + q.Arg(f.Year))
	}
	if f.Validity != "" {
		q.WriteString(" AND d.validity = " + q.Arg(f.Validity))
	}
	if f.Topic != "" {
		q.WriteString(" AND d.topic = " + q.Arg(f.Topic))
	}
	if f.From != "" {
		q.WriteString(" AND d.published_on >= " + q.Arg(f.From))
	}
	if f.To != "" {
		q.WriteString(" AND d.published_on <= " + q.Arg(f.To))
	}
	if key := search.DocNoKey(f.DocNoKey); key != "" {
		// DocNoMatches in SQL: the key with doubled separators between
		// spaces, so each part is " part " and the filter's parts must
		// appear in order as whole parts. Parts hold only letters, digits
		// and Han characters (DocNoKey), never a LIKE wildcard.
		q.WriteString(` AND (' ' || replace(d.doc_no_key, ' ', '  ') || ' ') LIKE ` + q.Arg("% "+strings.Join(strings.Fields(key), " % ")+" %"))
	}
	if f.IndexNo != "" {
		q.WriteString(" AND d.index_no = " + q.Arg(f.IndexNo))
	}
}

// row is a candidate with its facet values.
type row struct {
	search.Candidate
	year int
}

// scan runs the match newest first over ids in [lo, hi) (idRange of the
// filters, or narrower) and returns up to limit rows, skipping none. A
// windowed engine walks the id space down from hi (walk).
func (x *Index) scan(ctx context.Context, m *search.Match, c compiled, titleOnly bool, limit int, lo, hi int64) ([]row, error) {
	if limit <= 0 {
		return nil, nil
	}
	if lo >= hi {
		return nil, nil
	}
	if !x.Text.Windowed() || len(c.must) == 0 {
		return x.scanRange(ctx, m, c, titleOnly, lo, hi, limit)
	}
	return x.walk(ctx, m, c, titleOnly, limit, lo, hi)
}

func (x *Index) scanRange(ctx context.Context, m *search.Match, c compiled, titleOnly bool, lo, hi int64, limit int) ([]row, error) {
	var q Query
	var ids []int64
	if x.Text.Windowed() && len(c.must) > 0 {
		// Two steps: the window's matching ids from the full-text index
		// alone, then their rows with the filters, newest first.
		var err error
		// Without filters only the newest limit ids are needed.
		n := 0
		var f Query
		if filters(&f, &m.Filters); f.Len() == 0 {
			n = limit
		}
		if ids, err = x.windowIDs(ctx, m.SiteID, c, titleOnly, lo, hi, n); err != nil || len(ids) == 0 {
			return nil, err
		}
		q.WriteString("SELECT " + candCols + " FROM search_docs d WHERE d.id = ANY(" + q.Arg(ids) + ") AND d.site_id = " + q.Arg(m.SiteID))
		filters(&q, &m.Filters)
		q.WriteString(" ORDER BY d.id DESC LIMIT " + q.Arg(limit))
		return x.rows(ctx, &q)
	}
	join, cond, order := x.Text.Compile(&q, c.must, c.not, titleOnly)
	if order == "" {
		order = "d.id"
	}
	table := "search_docs"
	if ct, ok := x.Text.(CandidateText); ok && join != "" {
		table = ct.CandidateTable()
	}
	// q holds the query after its select list.
	q.WriteString(" FROM " + table + " d" + join + " WHERE d.site_id = " + q.Arg(m.SiteID))
	if cond != "" {
		q.WriteString(" AND " + cond)
	}
	if lo > 0 {
		q.WriteString(" AND " + order + " >= " + q.Arg(lo))
	}
	if hi < 1<<62 {
		q.WriteString(" AND " + order + " < " + q.Arg(hi))
	}
	filters(&q, &m.Filters)
	q.WriteString(" ORDER BY " + order + " DESC LIMIT " + q.Arg(limit))
	if pt, ok := x.Text.(PackedText); ok {
		if out, ok, err := x.packedRows(ctx, pt, &q, limit); err != nil || ok {
			return out, err
		}
	}
	var full Query
	full.WriteString("SELECT " + candCols + q.String())
	full.Args = q.Args
	return x.rows(ctx, &full)
}

// PackedText is a Text whose engine returns a candidate's text columns as
// one value, joined by NUL characters (SQLite's char(0)): each text column
// a row returns costs the driver a copy, an allocation and three calls into
// the engine (modernc's SQLite: the 800 rows of a common word's two scans
// made 6,400 of them, a tenth of a first-seen query's CPU).
type PackedText interface {
	// Pack is the SQL expression joining the text expressions exprs, each
	// NOT NULL, with a NUL character between two.
	Pack(exprs []string) string
}

// packedCols are candCols' text columns, in the order packedRows splits
// them.
var packedCols = [...]string{"d.kind", "d.url", "d.title", "d.doc_no", "d.publisher", "d.topic", "d.validity", "d.published_on"}

// packedRows is rows for a PackedText: rest is the query after its select
// list. ok is false when a value held a NUL itself (the split finds more
// pieces than columns), and the caller reads the columns one by one.
func (x *Index) packedRows(ctx context.Context, pt PackedText, rest *Query, limit int) (out []row, ok bool, err error) {
	q := "SELECT d.id, d.ref, d.column_id, d.year, " + pt.Pack(packedCols[:]) + rest.String()
	rows, err := x.DB.R.QueryContext(ctx, q, rest.Args...)
	if err != nil {
		return nil, false, fmt.Errorf("search: match: %w", err)
	}
	defer rows.Close()
	out = make([]row, 0, min(limit, 1024))
	// The destinations are made once (Scan's pointers make them escape),
	// not with each row.
	var id, ref, columnID int64
	var year int
	var packed string
	dest := []any{&id, &ref, &columnID, &year, &packed}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, false, fmt.Errorf("search: match: %w", err)
		}
		var f [len(packedCols)]string
		rest := packed
		for i := range len(f) - 1 {
			v, after, found := strings.Cut(rest, "\x00")
			if !found {
				return nil, false, fmt.Errorf("search: match: %d packed columns, want %d", i+1, len(f))
			}
			f[i], rest = v, after
		}
		if strings.IndexByte(rest, 0) >= 0 {
			return nil, false, nil
		}
		f[len(f)-1] = rest
		r := row{year: year}
		r.ID, r.Ref, r.ColumnID = id, ref, columnID
		r.Kind, r.URL, r.Title, r.DocNo, r.Publisher, r.Topic, r.Validity, r.PublishedOn = f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("search: match: %w", err)
	}
	return out, true, nil
}

// windowIDs returns the ids in [lo, hi) of a site that match, in no order,
// or the newest limit of them when limit > 0.
func (x *Index) windowIDs(ctx context.Context, siteID int64, c compiled, titleOnly bool, lo, hi int64, limit int) ([]int64, error) {
	var q Query
	var cond string
	if wt, ok := x.Text.(WindowText); ok {
		cond = wt.WindowCond(&q, c.must, c.not, titleOnly, lo, hi)
	} else {
		_, cond, _ = x.Text.Compile(&q, c.must, c.not, titleOnly)
		cond += " AND f.id >= " + q.Arg(lo) + " AND f.id < " + q.Arg(hi)
	}
	q.WriteString("SELECT f.id FROM search_fts f WHERE f.site_id = " + q.Arg(siteID) + " AND " + cond)
	if limit > 0 {
		q.WriteString(" ORDER BY f.id DESC LIMIT " + q.Arg(limit))
	}
	tx, err := x.DB.R.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("search: window: %w", err)
	}
	defer tx.Rollback()
	if err := x.Text.PlanWindow(ctx, tx); err != nil {
		return nil, fmt.Errorf("search: window: %w", err)
	}
	rows, err := tx.QueryContext(ctx, q.String(), q.Args...)
	if err != nil {
		return nil, fmt.Errorf("search: window: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("search: window: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: window: %w", err)
	}
	return ids, nil
}

func (x *Index) rows(ctx context.Context, q *Query) ([]row, error) {
	rows, err := x.DB.R.QueryContext(ctx, q.String(), q.Args...)
	if err != nil {
		return nil, fmt.Errorf("search: match: %w", err)
	}
	defer rows.Close()
	var out []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.ID, &r.Kind, &r.Ref, &r.URL, &r.Title, &r.DocNo, &r.Publisher, &r.ColumnID, &r.Topic, &r.Validity, &r.PublishedOn, &r.year); err != nil {
			return nil, fmt.Errorf("search: match: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: match: %w", err)
	}
	return out, nil
}

// Match implements search.Backend: the Cap most recent matches after
// Offset; on the first page also the title matches among the Cap most recent
// title matches (title-first retrieval); with Facets, Total and facets over
// at most CountBound most recent matches.
func (x *Index) Match(ctx context.Context, m *search.Match) (*search.Matches, error) {
	if x.CacheSize < 0 || m.NoCache {
		return x.match(ctx, m)
	}
	var gen int64
	err := x.DB.R.QueryRowContext(ctx, `SELECT generation FROM search_state WHERE site_id = $1`, m.SiteID).Scan(&gen)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("search: generation: %w", err)
	}
	k, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	key := string(k)
	x.mu.Lock()
	c, ok := x.cache[key]
	x.mu.Unlock()
	if ok && c.gen == gen {
		return clone(c.res), nil
	}
	res, err := x.match(ctx, m)
	if err != nil {
		return nil, err
	}
	size := x.CacheSize
	if size == 0 {
		size = DefaultCacheSize
	}
	sz := len(key) + answerSize(res)
	if sz > cacheBytes/4 {
		return res, nil
	}
	x.mu.Lock()
	if old, ok := x.cache[key]; ok {
		delete(x.cache, key)
		x.cacheBytes -= old.size
	}
	if x.cache == nil || len(x.cache) >= size || x.cacheBytes+sz > cacheBytes {
		x.cache = map[string]cached{} // simple and bounded: start over when full
		x.cacheBytes = 0
	}
	x.cache[key] = cached{gen: gen, res: clone(res), size: sz}
	x.cacheBytes += sz
	x.mu.Unlock()
	return res, nil
}

// clone copies an answer so callers may change theirs.
func clone(r *search.Matches) *search.Matches {
	out := *r
	out.Candidates = slices.Clone(r.Candidates)
	out.Facets = make(map[string][]search.FacetCount, len(r.Facets))
	for k, v := range r.Facets {
		out.Facets[k] = slices.Clone(v)
	}
	return &out
}

// bump advances a site's generation in tx.
func bump(ctx context.Context, tx *sql.Tx, siteID int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO search_state (site_id, generation) VALUES ($1, 1)
		ON CONFLICT (site_id) DO UPDATE SET generation = search_state.generation + 1`, siteID)
	return err
}

func (x *Index) match(ctx context.Context, m *search.Match) (*search.Matches, error) {
	res := &search.Matches{Exact: true, Facets: map[string][]search.FacetCount{}}
	c := compile(m)
	if c.none {
		return res, nil
	}
	capn := m.Cap
	if capn <= 0 {
		capn = DefaultCap
	}
	capn = min(capn, MaxCap)
	offset := max(m.Offset, 0)
	if offset > MaxOffset {
		return res, nil
	}
	n := offset + capn
	if m.Facets {
		n = max(n, CountBound)
	}
	lo, hi := idRange(&m.Filters)
	rows, err := x.scan(ctx, m, c, false, n+1, lo, hi)
	if err != nil {
		return nil, err
	}
	more := len(rows) > n
	if more {
		rows = rows[:n]
	}
	if m.Facets {
		counted := rows[:min(len(rows), CountBound)]
		res.Total = len(counted)
		res.Exact = len(rows) <= CountBound && !more
		res.Facets = facets(counted)
	} else {
		res.Total = len(rows)
		res.Exact = !more
	}
	var page []row
	if offset < len(rows) {
		page = rows[offset:min(len(rows), offset+capn)]
	}
	byID := make(map[int64]int, len(page))
	if len(page) > 0 {
		res.Candidates = make([]search.Candidate, 0, len(page)+capn)
	}
	for _, r := range page {
		byID[r.ID] = len(res.Candidates)
		res.Candidates = append(res.Candidates, r.Candidate)
	}
	// Title matches are matches: when the scan above saw every match (none,
	// or fewer than it asked for), the title scan looks only between the
	// oldest and newest of them, and not at all when there were none (a
	// query that finds nothing, as the fallbacks' first tries do, costs one
	// scan instead of two).
	if !more {
		if len(rows) == 0 {
			return res, nil
		}
		lo, hi = max(lo, rows[len(rows)-1].ID), min(hi, rows[0].ID+1)
	}
	if len(c.must) > 0 && offset == 0 && c.titleOnly() {
		// Every phrase is in the title already: the scan above was the
		// title scan (the same matches, newest first, and the Cap most
		// recent of them are those of the page).
		for i := range res.Candidates {
			res.Candidates[i].InTitle = true
		}
		slices.SortFunc(res.Candidates, byIDDesc)
		return res, nil
	}
	if len(c.must) > 0 && offset == 0 {
		titles, err := x.titleScan(ctx, m, c, rows, more, capn, lo, hi)
		if err != nil {
			return nil, err
		}
		for _, r := range titles {
			if i, ok := byID[r.ID]; ok {
				res.Candidates[i].InTitle = true
				continue
			}
			r.InTitle = true
			res.Candidates = append(res.Candidates, r.Candidate)
		}
		slices.SortFunc(res.Candidates, byIDDesc)
	}
	return res, nil
}

// byIDDesc orders candidates newest first.
func byIDDesc(a, b search.Candidate) int {
	switch {
	case a.ID > b.ID:
		return -1
	case a.ID < b.ID:
		return 1
	}
	return 0
}

func facets(rows []row) map[string][]search.FacetCount {
	counts := map[string]map[string]int{}
	for _, f := range search.Facets {
		counts[f] = map[string]int{}
	}
	add := func(f, v string) {
		if v != "" {
			counts[f][v]++
		}
	}
	for _, r := range rows {
		add(search.FacetKind, r.Kind)
		if r.ColumnID != 0 {
			add(search.FacetColumn, strconv.FormatInt(r.ColumnID, 10))
		}
		add(search.FacetPublisher, r.Publisher)
		if r.year > 0 {
			add(search.FacetYear, strconv.Itoa(r.year))
		}
		add(search.FacetValidity, r.Validity)
		add(search.FacetTopic, r.Topic)
	}
	out := map[string][]search.FacetCount{}
	for f, vs := range counts {
		list := make([]search.FacetCount, 0, len(vs))
		for v, n := range vs {
			list = append(list, search.FacetCount{Value: v, Count: n})
		}
		slices.SortFunc(list, func(a, b search.FacetCount) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
		out[f] = list
	}
	return out
}

// Put implements search.Backend in one transaction: a document keeps its ID
// while its publication day is unchanged; otherwise it gets a new ID in its
// day's range (the largest of the day plus one), so IDs order documents by day.
func (x *Index) Put(ctx context.Context, docs ...*search.Document) error {
	if len(docs) == 0 {
		return nil
	}
	prepared := make([]any, len(docs))
	workers := min(runtime.GOMAXPROCS(0), (len(docs)+15)/16)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(docs); i += workers {
				prepared[i] = x.Text.Prepare(docs[i])
			}
		})
	}
	wg.Wait()
	return x.PutPrepared(ctx, docs, prepared)
}

// Prepare implements search.Preparer: what the engine's Text writes for d.
func (x *Index) Prepare(d *search.Document) any { return x.Text.Prepare(d) }

// PutPrepared implements search.Preparer: Put with prepared[i] from
// Prepare(docs[i]).
func (x *Index) PutPrepared(ctx context.Context, docs []*search.Document, prepared []any) error {
	if len(docs) == 0 {
		return nil
	}
	return x.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := x.Text.Lock(ctx, tx); err != nil {
			return err
		}
		sites := map[int64]bool{}
		for _, d := range docs {
			sites[d.SiteID] = true
		}
		if distinctKeys(docs) {
			if err := x.putBatch(ctx, tx, docs, prepared); err != nil {
				return fmt.Errorf("search: put: %w", err)
			}
		} else {
			// The same record twice in one call: one at a time, so the
			// later one replaces the earlier as it would in two calls.
			next := map[int64]int64{} // day base -> next free id, within this transaction
			for i, d := range docs {
				if err := x.put(ctx, tx, d, prepared[i], next); err != nil {
					return fmt.Errorf("search: put %s %d: %w", d.Kind, d.Ref, err)
				}
			}
		}
		for site := range sites {
			if err := bump(ctx, tx, site); err != nil {
				return fmt.Errorf("search: put: %w", err)
			}
		}
		return nil
	})
}

// BatchText is a Text that writes and removes many full-text rows in one
// statement (PostgreSQL: a round trip per row was most of a rebuild's
// time). Put uses it when the engine's Text implements it.
type BatchText interface {
	IndexAll(ctx context.Context, tx *sql.Tx, docs []*search.Document, prepared []any) error
	UnindexAll(ctx context.Context, tx *sql.Tx, ids []int64) error
}

// CandidateText is a Text whose engine keeps a narrow copy of the candidate
// columns (SQLite: search_fts_docs, migration 0041), which a full-text
// match joins instead of search_docs: the columns of candCols, doc_no_key and
// index_no, by id.
type CandidateText interface {
	CandidateTable() string
}

type docKey struct {
	site int64
	kind string
	ref  int64
}

func distinctKeys(docs []*search.Document) bool {
	seen := make(map[docKey]bool, len(docs))
	for _, d := range docs {
		k := docKey{d.SiteID, d.Kind, d.Ref}
		if seen[k] {
			return false
		}
		seen[k] = true
	}
	return true
}

// putChunk bounds the rows of one multi-row statement (17 parameters a row:
// far below SQLite's 32,766 and PostgreSQL's 65,535 parameters).
const putChunk = 100

// putBatch is Put for documents of distinct records, in a few statements
// whatever their number: the existing rows looked up together, removed
// together, the largest id of every day read in one query, the rows
// inserted 100 at a time (a replaced document keeps its id while its day is
// unchanged, as in put).
func (x *Index) putBatch(ctx context.Context, tx *sql.Tx, docs []*search.Document, prepared []any) error {
	type old struct {
		id  int64
		day string
	}
	olds := map[docKey]old{}
	groups := map[docKey][]int64{} // (site, kind) -> refs
	for _, d := range docs {
		k := docKey{site: d.SiteID, kind: d.Kind}
		groups[k] = append(groups[k], d.Ref)
	}
	for g, refs := range groups {
		for chunk := range slices.Chunk(refs, 500) {
			var q Query
			q.WriteString("SELECT ref, id, published_on FROM search_docs WHERE site_id = " + q.Arg(g.site) + " AND kind = " + q.Arg(g.kind) + " AND ref IN (")
			for i, r := range chunk {
				if i > 0 {
					q.WriteString(", ")
				}
				q.WriteString(q.Arg(r))
			}
			q.WriteString(")")
			rows, err := tx.QueryContext(ctx, q.String(), q.Args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var ref int64
				var o old
				if err := rows.Scan(&ref, &o.id, &o.day); err != nil {
					rows.Close()
					return err
				}
				olds[docKey{g.site, g.kind, ref}] = o
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
	}
	// Every old row goes (full text first); a kept id is inserted again.
	var gone []int64
	days := map[int64]bool{} // day bases needing a new id
	for _, d := range docs {
		o, ok := olds[docKey{d.SiteID, d.Kind, d.Ref}]
		base := search.OrderBase(d.PublishedOn)
		if ok {
			gone = append(gone, o.id)
		}
		if !ok || search.OrderBase(o.day) != base {
			days[base] = true
		}
	}
	// The next free id of each day is read before the old rows go: a kept
	// id may be the largest of its day, and a new document must not get it.
	next, err := nextIDs(ctx, tx, days)
	if err != nil {
		return err
	}
	bt, batched := x.Text.(BatchText)
	if len(gone) > 0 {
		if batched {
			if err := bt.UnindexAll(ctx, tx, gone); err != nil {
				return err
			}
		}
		for chunk := range slices.Chunk(gone, 500) {
			var q Query
			q.WriteString("DELETE FROM search_docs WHERE id IN (")
			for i, id := range chunk {
				if i > 0 {
					q.WriteString(", ")
				}
				q.WriteString(q.Arg(id))
			}
			q.WriteString(")")
			if _, err := tx.ExecContext(ctx, q.String(), q.Args...); err != nil {
				return err
			}
		}
	}
	for _, d := range docs {
		base := search.OrderBase(d.PublishedOn)
		if o, ok := olds[docKey{d.SiteID, d.Kind, d.Ref}]; ok && search.OrderBase(o.day) == base {
			d.ID = o.id
			continue
		}
		id := next[base]
		if id >= base+1<<search.OrderBits {
			return fmt.Errorf("more than %d documents on %s", 1<<search.OrderBits, d.PublishedOn)
		}
		next[base] = id + 1
		d.ID = id
	}
	for chunk := range slices.Chunk(docs, putChunk) {
		var q Query
		q.WriteString(`INSERT INTO search_docs (id, site_id, kind, ref, published_on, year, column_id, validity, publisher, topic, doc_no, doc_no_key, index_no, url, title, extra, body) VALUES `)
		for i, d := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(")
			for j, v := range []any{d.ID, d.SiteID, d.Kind, d.Ref, d.PublishedOn, d.Year(), d.ColumnID, d.Validity, d.Publisher, d.Topic, d.DocNo, search.DocNoKey(d.DocNo), d.IndexNo, d.URL, d.Title, d.Extra, d.Body} {
				if j > 0 {
					q.WriteString(", ")
				}
				q.WriteString(q.Arg(v))
			}
			q.WriteString(")")
		}
		if _, err := tx.ExecContext(ctx, q.String(), q.Args...); err != nil {
			return fmt.Errorf("insert: %w", err)
		}
	}
	if batched {
		if err := bt.IndexAll(ctx, tx, docs, prepared); err != nil {
			return fmt.Errorf("full text: %w", err)
		}
		return nil
	}
	// Row by row (FTS5), after the multi-row statements above and in
	// ascending id order, each old row removed just before its document is
	// written: FTS5 flushes the terms it has gathered in memory to a new
	// segment whenever a write's rowid is below the one before, and at the
	// savepoint of a multi-row statement. In the order read (item ids, not
	// days) a rebuild flushed a segment every few documents, and merging
	// those was a third of its CPU.
	order := make([]int, len(docs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(docs[a].ID, docs[b].ID) })
	for _, i := range order {
		d := docs[i]
		if o, ok := olds[docKey{d.SiteID, d.Kind, d.Ref}]; ok {
			if err := x.Text.Unindex(ctx, tx, o.id); err != nil {
				return err
			}
		}
		if err := x.Text.Index(ctx, tx, d, prepared[i]); err != nil {
			return fmt.Errorf("full text %s %d: %w", d.Kind, d.Ref, err)
		}
	}
	return nil
}

// nextIDs reads the next free id of each day base in one query per 500
// days: the largest id in the day's range plus one, or the base.
func nextIDs(ctx context.Context, tx *sql.Tx, days map[int64]bool) (map[int64]int64, error) {
	next := make(map[int64]int64, len(days))
	bases := make([]int64, 0, len(days))
	for b := range days {
		bases = append(bases, b)
		next[b] = b
	}
	slices.Sort(bases)
	for chunk := range slices.Chunk(bases, 500) {
		var q Query
		span := q.Arg(int64(1) << search.OrderBits)
		q.WriteString("SELECT v.column1, (SELECT MAX(id) FROM search_docs WHERE id >= v.column1 AND id < v.column1 + " + span + ") FROM (VALUES ")
		for i, b := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(CAST(" + q.Arg(b) + " AS BIGINT))")
		}
		q.WriteString(") AS v")
		rows, err := tx.QueryContext(ctx, q.String(), q.Args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var b int64
			var top sql.NullInt64
			if err := rows.Scan(&b, &top); err != nil {
				rows.Close()
				return nil, err
			}
			if top.Valid {
				next[b] = top.Int64 + 1
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return next, nil
}

func (x *Index) put(ctx context.Context, tx *sql.Tx, d *search.Document, prepared any, next map[int64]int64) error {
	base := search.OrderBase(d.PublishedOn)
	var oldID int64
	var oldDay string
	err := tx.QueryRowContext(ctx, `SELECT id, published_on FROM search_docs WHERE site_id = $1 AND kind = $2 AND ref = $3`, d.SiteID, d.Kind, d.Ref).Scan(&oldID, &oldDay)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		oldID = 0
	case err != nil:
		return err
	}
	if oldID != 0 {
		if err := x.Text.Unindex(ctx, tx, oldID); err != nil {
			return err
		}
	}
	keep := oldID != 0 && search.OrderBase(oldDay) == base
	if oldID != 0 && !keep {
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_docs WHERE id = $1`, oldID); err != nil {
			return err
		}
	}
	if keep {
		d.ID = oldID
		if _, err := tx.ExecContext(ctx, `UPDATE search_docs SET published_on = $2, year = $3, column_id = $4, validity = $5, publisher = $6, topic = $7, doc_no = $8, doc_no_key = $9, index_no = $10, url = $11, title = $12, extra = $13, body = $14 WHERE id = $1`,
			d.ID, d.PublishedOn, d.Year(), d.ColumnID, d.Validity, d.Publisher, d.Topic, d.DocNo, search.DocNoKey(d.DocNo), d.IndexNo, d.URL, d.Title, d.Extra, d.Body); err != nil {
			return err
		}
	} else {
		id, ok := next[base]
		if !ok {
			var top sql.NullInt64
			if err := tx.QueryRowContext(ctx, `SELECT MAX(id) FROM search_docs WHERE id >= $1 AND id < $2`, base, base+1<<search.OrderBits).Scan(&top); err != nil {
				return err
			}
			id = base
			if top.Valid {
				id = top.Int64 + 1
			}
		}
		if id >= base+1<<search.OrderBits {
			return fmt.Errorf("more than %d documents on %s", 1<<search.OrderBits, d.PublishedOn)
		}
		next[base] = id + 1
		d.ID = id
		if _, err := tx.ExecContext(ctx, `INSERT INTO search_docs (id, site_id, kind, ref, published_on, year, column_id, validity, publisher, topic, doc_no, doc_no_key, index_no, url, title, extra, body)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
			d.ID, d.SiteID, d.Kind, d.Ref, d.PublishedOn, d.Year(), d.ColumnID, d.Validity, d.Publisher, d.Topic, d.DocNo, search.DocNoKey(d.DocNo), d.IndexNo, d.URL, d.Title, d.Extra, d.Body); err != nil {
			return fmt.Errorf("insert: %w", err)
		}
	}
	if err := x.Text.Index(ctx, tx, d, prepared); err != nil {
		return fmt.Errorf("full text: %w", err)
	}
	return nil
}

// Delete implements search.Backend.
func (x *Index) Delete(ctx context.Context, siteID int64, kind string, ref int64) error {
	return x.deleteWhere(ctx, `site_id = $1 AND kind = $2 AND ref = $3`, siteID, kind, ref)
}

// DeleteRef implements search.RefDeleter: the record ref under any of
// kinds, in one transaction that writes nothing (no generation bump) when
// none is indexed.
func (x *Index) DeleteRef(ctx context.Context, siteID int64, kinds []string, ref int64) error {
	if len(kinds) == 0 {
		return nil
	}
	var q Query
	q.WriteString("site_id = " + q.Arg(siteID) + " AND ref = " + q.Arg(ref) + " AND kind IN (")
	for i, k := range kinds {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(q.Arg(k))
	}
	q.WriteString(")")
	// Most calls find nothing (a publication's other kinds): look before
	// taking the writer. The search's writes of one record come from its
	// subscriber, one event at a time.
	var n int
	if err := x.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM search_docs WHERE `+q.String(), q.Args...).Scan(&n); err != nil {
		return fmt.Errorf("search: delete: %w", err)
	}
	if n == 0 {
		return nil
	}
	return x.deleteWhere(ctx, q.String(), q.Args...)
}

// DeleteKind implements search.Backend.
func (x *Index) DeleteKind(ctx context.Context, siteID int64, kind string) error {
	if kind == "" {
		return x.deleteWhere(ctx, `site_id = $1`, siteID)
	}
	return x.deleteWhere(ctx, `site_id = $1 AND kind = $2`, siteID, kind)
}

func (x *Index) deleteWhere(ctx context.Context, where string, args ...any) error {
	err := x.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := x.Text.Lock(ctx, tx); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id FROM search_docs WHERE `+where, args...)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil // nothing indexed: no change, no generation bump
		}
		for _, id := range ids {
			if err := x.Text.Unindex(ctx, tx, id); err != nil {
				return err
			}
		}
		if _, err = tx.ExecContext(ctx, `DELETE FROM search_docs WHERE `+where, args...); err != nil {
			return err
		}
		return bump(ctx, tx, args[0].(int64))
	})
	if err != nil {
		return fmt.Errorf("search: delete: %w", err)
	}
	return nil
}

const docCols = `id, site_id, kind, ref, url, title, body, extra, doc_no, index_no, publisher, column_id, topic, validity, published_on`

func scanDoc(s interface{ Scan(...any) error }) (*search.Document, error) {
	d := &search.Document{}
	err := s.Scan(&d.ID, &d.SiteID, &d.Kind, &d.Ref, &d.URL, &d.Title, &d.Body, &d.Extra, &d.DocNo, &d.IndexNo, &d.Publisher, &d.ColumnID, &d.Topic, &d.Validity, &d.PublishedOn)
	return d, err
}

// Docs implements search.Backend.
func (x *Index) Docs(ctx context.Context, siteID int64, ids []int64) ([]*search.Document, error) {
	return x.docs(ctx, siteID, ids, docCols)
}

// Heads implements search.Backend: the body cut in the database (substr
// counts characters on both engines), so long bodies are not copied out.
func (x *Index) Heads(ctx context.Context, siteID int64, ids []int64, runes int) ([]*search.Document, error) {
	return x.docs(ctx, siteID, ids, strings.Replace(docCols, " body,", " substr(body, 1, "+strconv.Itoa(max(runes, 0))+"),", 1))
}

func (x *Index) docs(ctx context.Context, siteID int64, ids []int64, cols string) ([]*search.Document, error) {
	found := map[int64]*search.Document{}
	for chunk := range slices.Chunk(ids, 500) {
		var q Query
		q.WriteString("SELECT " + cols + " FROM search_docs WHERE site_id = " + q.Arg(siteID) + " AND id IN (")
		for i, id := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(q.Arg(id))
		}
		q.WriteString(")")
		rows, err := x.DB.R.QueryContext(ctx, q.String(), q.Args...)
		if err != nil {
			return nil, fmt.Errorf("search: docs: %w", err)
		}
		for rows.Next() {
			d, err := scanDoc(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("search: docs: %w", err)
			}
			found[d.ID] = d
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("search: docs: %w", err)
		}
	}
	out := make([]*search.Document, 0, len(ids))
	for _, id := range ids {
		if d := found[id]; d != nil {
			out = append(out, d)
		}
	}
	return out, nil
}

// Doc implements search.Backend.
func (x *Index) Doc(ctx context.Context, siteID int64, kind string, ref int64) (*search.Document, error) {
	d, err := scanDoc(x.DB.R.QueryRowContext(ctx, `SELECT `+docCols+` FROM search_docs WHERE site_id = $1 AND kind = $2 AND ref = $3`, siteID, kind, ref))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("search: doc: %w", err)
	}
	return d, nil
}

// Titles implements search.Backend.
func (x *Index) Titles(ctx context.Context, siteID int64) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		rows, err := x.DB.R.QueryContext(ctx, `SELECT title FROM search_docs WHERE site_id = $1 ORDER BY id`, siteID)
		if err != nil {
			yield("", fmt.Errorf("search: titles: %w", err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			var t string
			if err := rows.Scan(&t); err != nil {
				yield("", err)
				return
			}
			if !yield(t, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield("", err)
		}
	}
}

// Refs implements search.Backend: the refs of a kind, read in one go (the
// caller deletes while iterating).
func (x *Index) Refs(ctx context.Context, siteID int64, kind string) iter.Seq2[int64, error] {
	return func(yield func(int64, error) bool) {
		rows, err := x.DB.R.QueryContext(ctx, `SELECT ref FROM search_docs WHERE site_id = $1 AND kind = $2 ORDER BY ref`, siteID, kind)
		if err != nil {
			yield(0, fmt.Errorf("search: refs: %w", err))
			return
		}
		var refs []int64
		for rows.Next() {
			var r int64
			if err := rows.Scan(&r); err != nil {
				rows.Close()
				yield(0, err)
				return
			}
			refs = append(refs, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			yield(0, err)
			return
		}
		for _, r := range refs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// Size implements search.Backend.
func (x *Index) Size(ctx context.Context) (int64, int64, error) {
	var n int64
	if err := x.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM search_docs`).Scan(&n); err != nil {
		return 0, 0, err
	}
	b, err := x.Text.IndexBytes(ctx, x.DB)
	return n, b, err
}
