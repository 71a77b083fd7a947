package lists

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// Group is one group of an edition's rows: the grouping fields' values (in
// the order asked; "" when a row has none) and the number of rows.
type Group struct {
	Values []string
	Count  int
}

// Where narrows the rows grouped or read: fields equal to a value (Eq),
// whose value starts with a prefix (Prefix: a year "2025-" of a date) or is
// one of a set (In; an empty set selects nothing).
type Where struct {
	Eq     map[string]string
	Prefix map[string]string
	In     map[string][]string
}

var fieldNameRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// jsonField is the SQL expression of a row's canonical value of field
// (the rows' fields are a JSON object of texts; an absent field is ”).
func jsonField(d store.Dialect, name string) (string, error) {
	if !fieldNameRE.MatchString(name) {
		return "", fmt.Errorf("lists: bad field name %q", name)
	}
	if d == store.Postgres {
		return "COALESCE(fields::jsonb ->> '" + name + "', '')", nil
	}
	return "COALESCE(json_extract(fields, '$." + name + "'), '')", nil
}

// JSONField is jsonField for other packages' queries over list_rows (the
// enforcement ledger's aggregate): the SQL expression of a row's canonical
// value of field, ” when absent.
func JSONField(d store.Dialect, name string) (string, error) { return jsonField(d, name) }

func (s *Service) where(editionID int64, w Where) (string, []any, error) {
	q := ` FROM list_rows WHERE edition_id = $1`
	args := []any{editionID}
	add := func(name, op string, v any) error {
		x, err := jsonField(s.DB.Dialect, name)
		if err != nil {
			return err
		}
		args = append(args, v)
		q += fmt.Sprintf(" AND %s %s $%d", x, op, len(args))
		return nil
	}
	for n, v := range w.Eq {
		if err := add(n, "=", v); err != nil {
			return "", nil, err
		}
	}
	for n, p := range w.Prefix {
		if err := add(n, "LIKE", strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(p)+"%"); err != nil {
			return "", nil, err
		}
		q += ` ESCAPE '\'`
	}
	for n, vs := range w.In {
		if len(vs) == 0 {
			q += " AND 1 = 0"
			continue
		}
		x, err := jsonField(s.DB.Dialect, n)
		if err != nil {
			return "", nil, err
		}
		var ps []string
		for _, v := range vs {
			args = append(args, v)
			ps = append(ps, fmt.Sprintf("$%d", len(args)))
		}
		q += fmt.Sprintf(" AND %s IN (%s)", x, strings.Join(ps, ", "))
	}
	return q, args, nil
}

// maxIn caps the values of one RowsWhere query's In set (SQLite allows
// 32,766 parameters); a larger set is read in parts.
const maxIn = 500

// RowsWhere returns the rows of an edition that w selects, in the database,
// ordered by seq (the rows of one year, or of a set of tasks, without
// reading the whole edition).
func (s *Service) RowsWhere(ctx context.Context, editionID int64, w Where) ([]Row, error) {
	for n, vs := range w.In {
		if len(vs) > maxIn {
			var out []Row
			for i := 0; i < len(vs); i += maxIn {
				part := Where{Eq: w.Eq, Prefix: w.Prefix, In: maps.Clone(w.In)}
				part.In[n] = vs[i:min(i+maxIn, len(vs))]
				rs, err := s.RowsWhere(ctx, editionID, part)
				if err != nil {
					return nil, err
				}
				out = append(out, rs...)
			}
			slices.SortFunc(out, func(a, b Row) int { return a.Seq - b.Seq })
			return out, nil
		}
	}
	from, args, err := s.where(editionID, w)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, seq, row_key, title, fields`+from+` ORDER BY seq`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "list rows")
	}
	return scanRows(rows)
}

// GroupCount counts an edition's rows by the values of the fields by, in
// the database (GROUP BY over the rows' JSON on both engines): the yearly
// enforcement figures are computed so.
func (s *Service) GroupCount(ctx context.Context, editionID int64, by []string, w Where) ([]Group, error) {
	var cols []string
	for _, n := range by {
		x, err := jsonField(s.DB.Dialect, n)
		if err != nil {
			return nil, err
		}
		cols = append(cols, x)
	}
	from, args, err := s.where(editionID, w)
	if err != nil {
		return nil, err
	}
	sel := strings.Join(cols, ", ")
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+sel+`, COUNT(*)`+from+` GROUP BY `+sel+` ORDER BY `+sel, args...)
	if err != nil {
		return nil, errs.Wrap(err, "group rows")
	}
	defer rows.Close()
	var out []Group
	for rows.Next() {
		g := Group{Values: make([]string, len(by))}
		dest := make([]any, 0, len(by)+1)
		for i := range g.Values {
			dest = append(dest, &g.Values[i])
		}
		dest = append(dest, &g.Count)
		if err := rows.Scan(dest...); err != nil {
			return nil, errs.Wrap(err, "scan group")
		}
		out = append(out, g)
	}
	return out, errs.Wrap(rows.Err(), "group rows")
}

// FieldValues returns the non-empty canonical values of one field over the
// rows w selects (to add up exact decimals in Go: SQL would round them).
func (s *Service) FieldValues(ctx context.Context, editionID int64, field string, w Where) ([]string, error) {
	x, err := jsonField(s.DB.Dialect, field)
	if err != nil {
		return nil, err
	}
	from, args, err := s.where(editionID, w)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+x+from+` AND `+x+` <> ''`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "field values")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, errs.Wrap(err, "scan value")
		}
		out = append(out, v)
	}
	return out, errs.Wrap(rows.Err(), "field values")
}
