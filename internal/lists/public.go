package lists

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"weak"

	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// PublicPage is one page of an edition's public rows that pass a query,
// with the facets' counts.
type PublicPage struct {
	Rows []Row
	// Total rows pass the query; All rows are public.
	Total, All int
	Facets     map[string][]FacetValue
}

// PublicRows returns the public rows of an edition that pass q (as
// Public then Match and FacetCounts would), ordered by seq: offset rows
// skipped, or those with seq ≤ afterSeq, then at most limit. Without
// words the database filters, counts (GROUP BY) and pages, and only the
// page's rows are read; with words, the rows whose stored text holds every
// word are read and matched exactly in memory (a superset: a word must
// appear in some value of a matching row).
func (s *Service) PublicRows(ctx context.Context, k *Kind, editionID int64, q Query, today calendar.Date, offset, afterSeq, limit int) (*PublicPage, error) {
	if q.Q != "" || (k.Redact != nil && k.RedactWhen == "") {
		return s.publicInMemory(ctx, k, editionID, q, today, offset, afterSeq, limit)
	}
	base, args, err := s.publicWhere(k, editionID, today)
	if err != nil {
		return nil, err
	}
	out := &PublicPage{Facets: map[string][]FacetValue{}}
	// One scan counts every combination of the facets' values (a few
	// hundred at most); All, Total and each facet's counts (over the rows
	// passing the other facets) are summed from them.
	facets := k.Facets()
	var cols []string
	for _, f := range facets {
		x, err := s.facetExpr(k, f.Name)
		if err != nil {
			return nil, err
		}
		cols = append(cols, x)
	}
	counts := map[string]map[string]int{}
	for _, f := range facets {
		counts[f.Name] = map[string]int{}
	}
	if len(cols) == 0 {
		if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*)`+base, args...).Scan(&out.All); err != nil {
			return nil, errs.Wrap(err, "count rows")
		}
		out.Total = out.All
	} else {
		combos, err := s.facetCombos(ctx, k, editionID, today, cols, base, args)
		if err != nil {
			return nil, err
		}
		for _, c := range combos {
			vals, n := c.vals, c.n
			out.All += n
			misses, miss := 0, -1
			for i, f := range facets {
				if want, ok := q.Facets[f.Name]; ok && vals[i] != want {
					misses, miss = misses+1, i
				}
			}
			if misses == 0 {
				out.Total += n
			}
			for i, f := range facets {
				// Counted for facet f when every other chosen facet matches.
				if (misses == 0 || (misses == 1 && miss == i)) && vals[i] != "" {
					counts[f.Name][vals[i]] += n
				}
			}
		}
	}
	for _, f := range facets {
		out.Facets[f.Name] = facetValues(f, counts[f.Name])
	}
	cond, a := "", slices.Clone(args)
	names := make([]string, 0, len(q.Facets))
	for n := range q.Facets {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		x, err := s.facetExpr(k, n)
		if err != nil {
			return nil, err
		}
		a = append(a, q.Facets[n])
		cond += fmt.Sprintf(" AND %s = $%d", x, len(a))
	}
	if afterSeq > 0 {
		a = append(a, afterSeq)
		cond += fmt.Sprintf(" AND seq > $%d", len(a))
	}
	a = append(a, limit, offset)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, seq, row_key, title, fields`+base+cond+fmt.Sprintf(` ORDER BY seq LIMIT $%d OFFSET $%d`, len(a)-1, len(a)), a...)
	if err != nil {
		return nil, errs.Wrap(err, "page rows")
	}
	got, err := scanRows(rows)
	if err != nil {
		return nil, err
	}
	out.Rows = k.Public(got, today)
	return out, nil
}

// combo is one combination of the facets' values with its row count.
type combo struct {
	vals []string
	n    int
}

// The facet combinations of published editions, which never change: the
// scan over every row's JSON is the cost of a list page of 25,000 rows
// (about a second on the synthetic site), and each filter of the page is
// another URL of the render cache, another cold render. Keyed by database,
// edition and, for kinds with a publicity period, the day; a few editions
// are kept (at most comboKeep; then the cache starts over).
var (
	comboMu    sync.Mutex
	comboCache = map[comboKey][]combo{}
)

type comboKey struct {
	// db is weak: a closed database's entries can never match a new one
	// allocated at the same address (tests open many).
	db      weak.Pointer[store.DB]
	edition int64
	kind    string
	day     string
}

const comboKeep = 32

// facetCombos counts the edition's public rows by every combination of
// the facets' values (cols), GROUP BY in the database, once per published
// edition (and day, for kinds with Until): from memory, else from the
// counts stored with the edition when it was published (storeFacets), else
// counted now — and stored, for an edition published before the counts
// were kept.
func (s *Service) facetCombos(ctx context.Context, k *Kind, editionID int64, today calendar.Date, cols []string, base string, args []any) ([]combo, error) {
	key := comboKey{db: weak.Make(s.DB), edition: editionID, kind: k.Code}
	if k.Until != "" {
		key.day = today.String()
	}
	comboMu.Lock()
	c, ok := comboCache[key]
	comboMu.Unlock()
	if ok {
		return c, nil
	}
	var status, stored string
	if err := s.DB.R.QueryRowContext(ctx, `SELECT status, facet_counts FROM list_editions WHERE id = $1`, editionID).Scan(&status, &stored); err != nil {
		return nil, errs.Wrap(err, "edition status")
	}
	sig := strings.Join(cols, ", ")
	kept := k.Until == "" && status == "published"
	if kept {
		if c, ok = decodeCombos(stored, sig); ok {
			remember(key, c)
			return c, nil
		}
	}
	c, err := countCombos(ctx, s.DB.R, cols, base, args)
	if err != nil {
		return nil, err
	}
	if kept {
		// Best effort: a failed write only means counting again next start.
		if js, err := encodeCombos(sig, c); err == nil {
			s.DB.W.ExecContext(ctx, `UPDATE list_editions SET facet_counts = $1 WHERE id = $2 AND status = 'published'`, js, editionID)
		}
	}
	if status == "published" {
		remember(key, c)
	}
	return c, nil
}

func remember(key comboKey, c []combo) {
	comboMu.Lock()
	if len(comboCache) >= comboKeep {
		clear(comboCache)
	}
	comboCache[key] = c
	comboMu.Unlock()
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// countCombos is the GROUP BY of the facets' values.
func countCombos(ctx context.Context, q querier, cols []string, base string, args []any) ([]combo, error) {
	sel := strings.Join(cols, ", ")
	rs, err := q.QueryContext(ctx, `SELECT `+sel+`, COUNT(*)`+base+` GROUP BY `+sel, args...)
	if err != nil {
		return nil, errs.Wrap(err, "facet counts")
	}
	defer rs.Close()
	var c []combo
	for rs.Next() {
		x := combo{vals: make([]string, len(cols))}
		dest := make([]any, 0, len(cols)+1)
		for i := range x.vals {
			dest = append(dest, &x.vals[i])
		}
		if err := rs.Scan(append(dest, &x.n)...); err != nil {
			return nil, errs.Wrap(err, "scan facets")
		}
		c = append(c, x)
	}
	if err := rs.Err(); err != nil {
		return nil, errs.Wrap(err, "facet counts")
	}
	return c, nil
}

// storedCombos is the stored form of an edition's facet counts: the
// facets' SQL (a kind whose facets changed since does not match) and each
// combination's values followed by its count.
type storedCombos struct {
	Sig    string     `json:"sig"`
	Combos [][]string `json:"combos"`
	Counts []int      `json:"counts"`
}

func encodeCombos(sig string, c []combo) (string, error) {
	st := storedCombos{Sig: sig, Combos: make([][]string, 0, len(c)), Counts: make([]int, 0, len(c))}
	for _, x := range c {
		st.Combos = append(st.Combos, x.vals)
		st.Counts = append(st.Counts, x.n)
	}
	js, err := json.Marshal(st)
	return string(js), err
}

func decodeCombos(stored, sig string) ([]combo, bool) {
	if stored == "" {
		return nil, false
	}
	var st storedCombos
	if json.Unmarshal([]byte(stored), &st) != nil || st.Sig != sig || len(st.Combos) != len(st.Counts) {
		return nil, false
	}
	c := make([]combo, len(st.Combos))
	for i := range st.Combos {
		c[i] = combo{vals: st.Combos[i], n: st.Counts[i]}
	}
	return c, true
}

// storeFacets counts and stores, in tx, the facet combinations of an
// edition being published (the kinds whose counts do not depend on the
// day and are counted in the database: PublicRows).
func (s *Service) storeFacets(ctx context.Context, tx *sql.Tx, k *Kind, editionID int64) error {
	if k.Until != "" || (k.Redact != nil && k.RedactWhen == "") {
		return nil
	}
	var cols []string
	for _, f := range k.Facets() {
		x, err := s.facetExpr(k, f.Name)
		if err != nil {
			return err
		}
		cols = append(cols, x)
	}
	if len(cols) == 0 {
		return nil
	}
	base, args, err := s.publicWhere(k, editionID, calendar.Date{})
	if err != nil {
		return err
	}
	c, err := countCombos(ctx, tx, cols, base, args)
	if err != nil {
		return err
	}
	js, err := encodeCombos(strings.Join(cols, ", "), c)
	if err != nil {
		return errs.Wrap(err, "facet counts json")
	}
	_, err = tx.ExecContext(ctx, `UPDATE list_editions SET facet_counts = $1 WHERE id = $2`, js, editionID)
	return errs.Wrap(err, "store facet counts")
}

// publicWhere is the FROM and WHERE of an edition's public rows (the Until
// date not passed).
func (s *Service) publicWhere(k *Kind, editionID int64, today calendar.Date) (string, []any, error) {
	q, args := ` FROM list_rows WHERE edition_id = $1`, []any{editionID}
	if k.Until != "" {
		x, err := jsonField(s.DB.Dialect, k.Until)
		if err != nil {
			return "", nil, err
		}
		args = append(args, today.String())
		q += fmt.Sprintf(" AND (%s = '' OR %s >= $%d)", x, x, len(args))
	}
	return q, args, nil
}

// publicField is the SQL expression of a field's value as the public sees
// it: empty in a redacted row unless kept; a yes/no field's empty is "0".
func (s *Service) publicField(k *Kind, name string) (string, error) {
	x, err := jsonField(s.DB.Dialect, name)
	if err != nil {
		return "", err
	}
	if f, _ := k.Field(name); f.Kind == catalog.Bool {
		x = "COALESCE(NULLIF(" + x + ", ''), '0')"
	}
	if k.RedactWhen != "" && !slices.Contains(k.RedactKeep, name) {
		w, err := jsonField(s.DB.Dialect, k.RedactWhen)
		if err != nil {
			return "", err
		}
		x = "CASE WHEN " + w + " <> '' THEN '' ELSE " + x + " END"
	}
	return x, nil
}

// facetExpr is the SQL expression of a row's value for a facet, as
// facetValue computes it: a date's year.
func (s *Service) facetExpr(k *Kind, name string) (string, error) {
	x, err := s.publicField(k, name)
	if err != nil {
		return "", err
	}
	if f, _ := k.Field(name); f.Kind == catalog.Date {
		x = "substr(" + x + ", 1, 4)"
	}
	return x, nil
}

// publicInMemory answers a query with words: the rows whose stored JSON
// holds every word (when the word is stored as typed), then Public,
// Match and FacetCounts.
func (s *Service) publicInMemory(ctx context.Context, k *Kind, editionID int64, q Query, today calendar.Date, offset, afterSeq, limit int) (*PublicPage, error) {
	base, args, err := s.publicWhere(k, editionID, today)
	if err != nil {
		return nil, err
	}
	out := &PublicPage{Facets: map[string][]FacetValue{}}
	if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*)`+base, args...).Scan(&out.All); err != nil {
		return nil, errs.Wrap(err, "count rows")
	}
	cond, all := "", args
	for _, w := range strings.Fields(q.Q) {
		if !likeSafe(w) || k.labelMatch(w) {
			cond = ""
			break
		}
		all = append(all, "%"+w+"%")
		cond += fmt.Sprintf(` AND fields LIKE $%d ESCAPE '\'`, len(all))
	}
	if cond == "" {
		all = args
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, seq, row_key, title, fields`+base+cond+` ORDER BY seq`, all...)
	if err != nil {
		return nil, errs.Wrap(err, "rows")
	}
	got, err := scanRows(rows)
	if err != nil {
		return nil, err
	}
	got = k.Public(got, today)
	match := k.Match(got, q)
	out.Total, out.Facets = len(match), k.FacetCounts(got, q)
	for i, r := range match {
		if i < offset || r.Seq <= afterSeq {
			continue
		}
		if len(out.Rows) == limit {
			break
		}
		out.Rows = append(out.Rows, r)
	}
	return out, nil
}

// likeSafe: the word is stored as typed in the rows' JSON (no character
// JSON escapes, no LIKE wildcard, no mask star), so LIKE finds it.
func likeSafe(w string) bool {
	for _, r := range w {
		if r < 0x20 || strings.ContainsRune(`"\<>&%_*`, r) || r == 0x2028 || r == 0x2029 {
			return false
		}
	}
	return true
}

// labelMatch says whether a word is part of a choice's label (Match finds
// rows by their choices' labels, which the stored values do not hold).
func (k *Kind) labelMatch(w string) bool {
	for _, f := range k.Fields {
		if f.Kind == catalog.Select {
			for _, o := range f.Options {
				if strings.Contains(o.Label, w) {
					return true
				}
			}
		}
	}
	return false
}

// ForgetFacetCounts empties the in-memory facet counts, as a restart does
// (tests: the counts stored with the edition are read back).
func ForgetFacetCounts() {
	comboMu.Lock()
	clear(comboCache)
	comboMu.Unlock()
}
