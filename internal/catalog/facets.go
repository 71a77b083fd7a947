package catalog

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"slices"
	"strconv"

	"gongkai/internal/errs"
)

// facetRow is one row of item_facets: the canonical value, and for numbers,
// money and dates a sortable integer (value × 10^scale, or YYYYMMDD).
type facetRow struct {
	name, value string
	num         sql.NullInt64
}

// facetRows returns the rows an item's declared facets write. Only fields
// declared Facet are written (never long text, which PostgreSQL's b-tree
// would refuse); a bool facet writes "0" when false, so a filter for false
// finds it; a multiselect writes one row per value.
func facetRows(t *DocType, in *Input) []facetRow {
	if t == nil {
		return nil
	}
	var out []facetRow
	for _, f := range t.Fields {
		if !f.Facet || f.Core {
			continue
		}
		switch f.Kind {
		case MultiSelect:
			for _, v := range in.Lists[f.Name] {
				out = append(out, facetRow{name: f.Name, value: v})
			}
		case Bool:
			v := in.Fields[f.Name]
			if v != "1" {
				v = "0"
			}
			out = append(out, facetRow{name: f.Name, value: v})
		default:
			v := in.Fields[f.Name]
			if v == "" {
				continue
			}
			r := facetRow{name: f.Name, value: v}
			if n, ok := facetKey(f, v); ok {
				r.num = sql.NullInt64{Int64: n, Valid: true}
			}
			out = append(out, r)
		}
	}
	return out
}

func writeFacets(ctx context.Context, tx *sql.Tx, id int64, t *DocType, in *Input) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM item_facets WHERE item_id = $1`, id); err != nil {
		return errs.Wrap(err, "facets")
	}
	for _, r := range facetRows(t, in) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO item_facets (item_id, name, value, num) VALUES ($1, $2, $3, $4)`, id, r.name, r.value, r.num); err != nil {
			return errs.Wrap(err, "facets")
		}
	}
	return nil
}

// RebuildFacets rewrites the facet rows of every item of a site (0: all
// sites) from the declarations in force, after a type's facets changed.
// It returns how many items it rewrote.
func (s *Service) RebuildFacets(ctx context.Context, siteID int64) (int, error) {
	q := `SELECT ` + listCols + itemFrom
	var args []any
	if siteID != 0 {
		q += ` WHERE i.site_id = $1`
		args = append(args, siteID)
	}
	rows, err := s.DB.R.QueryContext(ctx, q+` ORDER BY i.id`, args...)
	if err != nil {
		return 0, errs.Wrap(err, "rebuild facets")
	}
	var items []*Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			rows.Close()
			return 0, errs.Wrap(err, "rebuild facets")
		}
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, errs.Wrap(err, "rebuild facets")
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		for _, it := range items {
			if err := writeFacets(ctx, tx, it.ID, it.Type(), inputOf(it, nil)); err != nil {
				return err
			}
		}
		return nil
	})
	return len(items), err
}

// Range is a from/to filter on a number, money or date facet; either end
// may be empty. Values are written as users write them ("1,234.5",
// "2021/6/1") and read by the field's kind.
type Range struct {
	From, To string
}

// rangeBounds parses a range by the facet's declaration into sortable numbers.
func rangeBounds(name string, r Range) (f Field, lo, hi *int64, err error) {
	f, ok := FacetField(name)
	if !ok || !f.Ranged() {
		return f, nil, nil, &errs.Error{Code: errs.Invalid, Message: "筛选条件无效", Fields: map[string]string{name: "该字段不能按范围筛选"}}
	}
	v := errs.Validation{}
	parse := func(s, which string) *int64 {
		if s == "" {
			return nil
		}
		c, msg := normalize(f, s)
		if msg != "" {
			v.Add(name+"."+which, msg)
			return nil
		}
		n, _ := facetKey(f, c)
		return &n
	}
	lo, hi = parse(r.From, "from"), parse(r.To, "to")
	if lo != nil && hi != nil && *lo > *hi {
		v.Add(name+".to", f.Label+"的结束值不能小于起始值")
	}
	return f, lo, hi, v.Err()
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// Linked returns the items an item's link fields point to, by field name
// (scalar link fields only; group cells show the id). publicOnly keeps
// published items, for public pages.
func (s *Service) Linked(ctx context.Context, it *Item, publicOnly bool) (map[string]*Item, error) {
	t := it.Type()
	if t == nil {
		return nil, nil
	}
	out := map[string]*Item{}
	for _, f := range t.Fields {
		if f.Kind != Link || it.Fields[f.Name] == "" {
			continue
		}
		id, err := strconv.ParseInt(it.Fields[f.Name], 10, 64)
		if err != nil {
			continue
		}
		target, err := s.Item(ctx, it.SiteID, id)
		if errors.Is(err, ErrNoItem) || (err == nil && publicOnly && !target.Public()) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[f.Name] = target
	}
	return out, nil
}
