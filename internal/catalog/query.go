package catalog

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gongkai/internal/errs"
)

// The q= filter (Filter.Query: GET /api/v1/items?q=, the staff item list's
// 检索) matches a substring of the title or 文号, ASCII case ignored, or an
// exact 索引号. Testing LIKE '%q%' on every item cost 61–127 ms of CPU at
// 100,000 items whatever the query (issue 17). item_grams (migration 0050)
// holds every two-character piece of each item's lowered title and 文号
// (each field's last character alone too): an item that contains the query
// holds all of its pieces, so the items holding the rarest piece and the
// other pieces counted are a superset of the matches, found from the index
// without reading an item; the LIKE then runs on those only.
//
// When every piece counted is common the matches are dense, as far as the
// index can tell, and the date-ordered scan with LIKE finds a page of them
// early, so it is kept: a one- or two-character query held by more than
// gramDense items (通知, 司; the piece is then the whole query), a longer
// one whose every piece is held by more than gramCommon items (司法局), or
// whose candidates, counted in the index, number more than gramDense
// (法律援助).
// A query one of whose pieces no item holds matches nothing but an exact
// 索引号: a lookup by the unique index.

// gramDense bounds the entries a piece's first count reads; a query with
// a piece held by fewer items is matched from the candidates.
var gramDense = 2000

// gramCommon bounds the second count, for a query of three characters or
// more whose pieces are all held by more than gramDense items.
var gramCommon = 10000

// gramProbes bounds the pieces counted per query (any subset of them still
// gives a superset of the matches): first, last and evenly between.
const gramProbes = 16

// gramRecounts bounds the pieces counted again up to gramCommon (spread
// over the query like the probes): the second count reads up to
// gramCommon entries each, for queries that are mostly dense.
const gramRecounts = 4

// gramChecks bounds the other pieces a candidate must also hold.
const gramChecks = 6

// queryPlan is how one Query is matched.
type queryPlan struct {
	scan  bool     // the date-ordered scan with LIKE (dense matches)
	none  bool     // a piece no item holds: only an exact 索引号 matches
	gram  string   // the rarest piece, or the lower bound of a character's range
	hi    string   // for a one-character query, the range's upper bound
	other []string // pieces a candidate must hold too
}

// planQuery counts, for up to gramProbes pieces of q, the items that hold
// them (bounded by gramDense, then gramCommon) and picks the rarest.
func (s *Service) planQuery(ctx context.Context, q string) (*queryPlan, error) {
	q = strings.TrimSpace(q)
	if q == "" || utf8.RuneCountInString(q) > maxQuery {
		return nil, nil // where() refuses the long one
	}
	// Lowered by the database, as the triggers lower titles: PostgreSQL's
	// LOWER folds more than ASCII (Ä → ä), SQLite's ASCII only.
	var lq string
	if err := s.DB.R.QueryRowContext(ctx, `SELECT LOWER($1)`, q).Scan(&lq); err != nil {
		return nil, errs.Wrap(err, "plan query")
	}
	rs := []rune(lq)
	if len(rs) == 1 {
		// Every piece that starts with the character: [c, c + U+10FFFF].
		p := &queryPlan{gram: lq, hi: lq + "\U0010FFFF"}
		n, err := s.gramCount(ctx, gramDense, `g.gram >= $1 AND g.gram <= $2`, p.gram, p.hi)
		switch {
		case err != nil:
			return nil, err
		case n == 0:
			p.none = true
		case n > gramDense:
			p.scan = true
		}
		return p, nil
	}
	var grams []string
	seen := map[string]bool{}
	for i := 0; i+1 < len(rs); i++ {
		if g := string(rs[i : i+2]); !seen[g] {
			seen[g] = true
			grams = append(grams, g)
		}
	}
	if len(grams) > gramProbes {
		probe := make([]string, gramProbes)
		for k := range probe {
			probe[k] = grams[k*(len(grams)-1)/(gramProbes-1)]
		}
		grams = probe
	}
	count := func(limit int) (*queryPlan, error) {
		ns := make([]int, len(grams))
		at := -1
		for k, g := range grams {
			n, err := s.gramCount(ctx, limit, `g.gram = $1`, g)
			if err != nil {
				return nil, err
			}
			if n == 0 {
				return &queryPlan{none: true}, nil
			}
			if ns[k] = n; n <= limit && (at < 0 || n < ns[at]) {
				at = k
			}
		}
		if at < 0 {
			return &queryPlan{scan: true}, nil
		}
		p := &queryPlan{gram: grams[at]}
		// The other pieces a candidate must hold, rarest first; not those
		// beyond the bound (PostgreSQL hashes a piece's every entry for the
		// test, and the LIKE catches what they would have left out).
		var others []int
		for k := range grams {
			if k != at && ns[k] <= limit {
				others = append(others, k)
			}
		}
		slices.SortStableFunc(others, func(a, b int) int { return ns[a] - ns[b] })
		for _, k := range others[:min(len(others), gramChecks)] {
			p.other = append(p.other, grams[k])
		}
		return p, nil
	}
	p, err := count(gramDense)
	if err != nil || !p.scan || len(rs) <= 2 {
		return p, err
	}
	if len(grams) > gramRecounts {
		re := make([]string, gramRecounts)
		for k := range re {
			re[k] = grams[k*(len(grams)-1)/(gramRecounts-1)]
		}
		grams = re
	}
	if p, err = count(gramCommon); err != nil || p.scan || p.none {
		return p, err
	}
	// The candidates themselves, counted in the index up to gramDense: more
	// are dense matches (法律援助 in a tenth of the items), for the scan.
	cond, args := `g.gram = $1`, []any{p.gram}
	for _, o := range p.other {
		args = append(args, o)
		cond += ` AND EXISTS (SELECT 1 FROM item_grams h WHERE h.gram = $` + strconv.Itoa(len(args)) + ` AND h.item_id = g.item_id)`
	}
	n, err := s.gramCount(ctx, gramDense, cond, args...)
	switch {
	case err != nil:
		return nil, err
	case n == 0:
		return &queryPlan{none: true}, nil
	case n > gramDense:
		return &queryPlan{scan: true}, nil
	}
	return p, nil
}

// gramCount counts the item_grams entries matching cond, at most limit+1.
func (s *Service) gramCount(ctx context.Context, limit int, cond string, args ...any) (int, error) {
	var n int
	err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM item_grams g WHERE `+cond+` LIMIT `+
		strconv.Itoa(limit+1)+`) x`, args...).Scan(&n)
	return n, errs.Wrap(err, "plan query")
}
