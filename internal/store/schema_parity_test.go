package store_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

// fullTextTables: the search index's full-text side is engine-specific by
// design (SQLite: the FTS5 virtual table search_fts and its shadow tables
// search_fts_*; PostgreSQL: search_fts with a tsvector and a GIN index), so
// tables named search_fts* are left out of the comparison on both engines.
// search_docs, the rows they index, is compared like any other table.

// schema is what the parity test compares: per table, the columns with their
// type family, the primary key, the unique constraints and the named indexes.
type schema map[string]*tableShape

type tableShape struct {
	Columns map[string]string // name -> family (text, integer, real, numeric, blob …)
	PK      string            // columns, comma-separated, in key order
	Uniques []string          // unique constraints' columns, sorted
	Indexes map[string]string // index name -> "unique? col[ desc], …"
}

func (s schema) table(name string) *tableShape {
	if s[name] == nil {
		s[name] = &tableShape{Columns: map[string]string{}, Indexes: map[string]string{}}
	}
	return s[name]
}

// sqliteFamily maps a declared SQLite type to its family by SQLite's
// affinity rules (https://sqlite.org/datatype3.html §3.1).
func sqliteFamily(decl string) string {
	t := strings.ToUpper(decl)
	switch {
	case strings.Contains(t, "INT"):
		return "integer"
	case strings.Contains(t, "CHAR"), strings.Contains(t, "CLOB"), strings.Contains(t, "TEXT"):
		return "text"
	case t == "" || strings.Contains(t, "BLOB"):
		return "blob"
	case strings.Contains(t, "REAL"), strings.Contains(t, "FLOA"), strings.Contains(t, "DOUB"):
		return "real"
	}
	return "numeric"
}

// postgresFamily maps a PostgreSQL data type to the family of its SQLite
// counterpart; types without one keep their own name, so they show up.
func postgresFamily(t string) string {
	switch t {
	case "text", "character varying", "character":
		return "text"
	case "bigint", "integer", "smallint", "boolean":
		return "integer"
	case "double precision", "real":
		return "real"
	case "numeric":
		return "numeric"
	case "bytea":
		return "blob"
	}
	return t
}

func sqliteSchema(t *testing.T, db *store.DB) schema {
	t.Helper()
	ctx := context.Background()
	s := schema{}
	var tables []string
	rows, err := db.R.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_fts%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	for _, name := range tables {
		tb := s.table(name)
		pk := map[int]string{}
		query(t, db, fmt.Sprintf(`SELECT name, type, pk FROM pragma_table_info('%s')`, name), func(scan func(...any)) {
			var col, typ string
			var k int
			scan(&col, &typ, &k)
			tb.Columns[col] = sqliteFamily(typ)
			if k > 0 {
				pk[k] = col
			}
		})
		tb.PK = strings.Join(slices.Collect(func(yield func(string) bool) {
			for _, k := range slices.Sorted(maps.Keys(pk)) {
				if !yield(pk[k]) {
					return
				}
			}
		}), ",")
		type idx struct {
			name, origin string
			unique       bool
		}
		var idxs []idx
		query(t, db, fmt.Sprintf(`SELECT name, "unique", origin FROM pragma_index_list('%s')`, name), func(scan func(...any)) {
			var x idx
			scan(&x.name, &x.unique, &x.origin)
			idxs = append(idxs, x)
		})
		for _, x := range idxs {
			var cols []string
			query(t, db, fmt.Sprintf(`SELECT COALESCE(name, ''), "desc" FROM pragma_index_xinfo('%s') WHERE key = 1 ORDER BY seqno`, x.name), func(scan func(...any)) {
				var c string
				var desc bool
				scan(&c, &desc)
				if c == "" {
					c = exprColumn // an expression: each engine writes its own
				}
				if desc {
					c += " desc"
				}
				cols = append(cols, c)
			})
			switch x.origin {
			case "pk": // a non-integer primary key's index: the key is compared already
			case "u":
				tb.Uniques = append(tb.Uniques, strings.Join(cols, ","))
			default:
				tb.Indexes[x.name] = indexText(x.unique, cols)
			}
		}
		slices.Sort(tb.Uniques)
	}
	return s
}

func postgresSchema(t *testing.T, db *store.DB) schema {
	t.Helper()
	s := schema{}
	query(t, db, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'search_fts%'`, func(scan func(...any)) {
		var n string
		scan(&n)
		s.table(n)
	})
	query(t, db, `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema()`, func(scan func(...any)) {
		var tn, c, typ string
		scan(&tn, &c, &typ)
		if s[tn] != nil {
			s[tn].Columns[c] = postgresFamily(typ)
		}
	})
	cons := map[string][]string{} // table|kind|name -> columns
	query(t, db, `SELECT t.relname, c.contype, c.conname, a.attname
		FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace ns ON ns.oid = t.relnamespace
		JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY (c.conkey)
		WHERE ns.nspname = current_schema() AND c.contype IN ('p', 'u')
		ORDER BY t.relname, c.conname, array_position(c.conkey, a.attnum)`, func(scan func(...any)) {
		var tn, kind, name, col string
		scan(&tn, &kind, &name, &col)
		k := tn + "|" + kind + "|" + name
		cons[k] = append(cons[k], col)
	})
	for k, cols := range cons {
		parts := strings.SplitN(k, "|", 3)
		tb := s.table(parts[0])
		if parts[1] == "p" {
			tb.PK = strings.Join(cols, ",")
		} else {
			tb.Uniques = append(tb.Uniques, strings.Join(cols, ","))
		}
	}
	type key struct{ table, name string }
	unique := map[key]bool{}
	cols := map[key][]string{}
	query(t, db, `SELECT t.relname, ic.relname, i.indisunique, pg_get_indexdef(i.indexrelid, k.n, true), (i.indoption[k.n - 1]::int & 1) = 1
		FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
		JOIN pg_namespace ns ON ns.oid = t.relnamespace CROSS JOIN LATERAL generate_series(1, i.indnatts) AS k(n)
		WHERE ns.nspname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
		ORDER BY t.relname, ic.relname, k.n`, func(scan func(...any)) {
		var tn, name, col string
		var u, desc bool
		scan(&tn, &name, &u, &col, &desc)
		if strings.ContainsAny(col, "( ") { // an expression, parenthesised or a call (COALESCE(…))
			col = exprColumn
		}
		if desc {
			col += " desc"
		}
		k := key{tn, name}
		unique[k] = u
		cols[k] = append(cols[k], col)
	})
	for k, c := range cols {
		s.table(k.table).Indexes[k.name] = indexText(unique[k], c)
	}
	for name, tb := range s {
		if strings.HasPrefix(name, "search_fts") { // see fullTextTables
			delete(s, name)
		}
		slices.Sort(tb.Uniques)
	}
	return s
}

func indexText(unique bool, cols []string) string {
	s := strings.Join(cols, ", ")
	if unique {
		return "unique " + s
	}
	return s
}

// query runs q and calls row for each result row with a scan function that
// fails the test on error.
func query(t *testing.T, db *store.DB, q string, row func(scan func(...any))) {
	t.Helper()
	rows, err := db.R.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	for rows.Next() {
		row(func(dest ...any) {
			if err := rows.Scan(dest...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		})
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// TestSchemaParity migrates a fresh SQLite and a fresh PostgreSQL database
// with every migration present and proves they have the same tables, the
// same columns of the same type family, the same primary keys and unique
// constraints and the same named indexes on the same columns (with their
// order and direction). A migration written for one engine only, or with a
// column or index that differs, fails here.
// exprColumn stands for an index column that is an expression (SQLite's
// json_extract(fields, '$.x') is PostgreSQL's (fields::json ->> 'x')): the
// parity compares its position, not its dialect's text.
const exprColumn = "(expression)"

func TestSchemaParity(t *testing.T) {
	if a, b := migrationNames(t, store.SQLite), migrationNames(t, store.Postgres); !slices.Equal(a, b) {
		t.Fatalf("migration files differ:\nsqlite   %v\npostgres %v", a, b)
	}
	lite := sqliteSchema(t, storetest.Open(t, store.SQLite))
	pg := postgresSchema(t, storetest.Open(t, store.Postgres))
	if len(lite) < 10 {
		t.Fatalf("only %d tables read from SQLite", len(lite))
	}
	for _, name := range slices.Sorted(maps.Keys(lite)) {
		if pg[name] == nil {
			t.Errorf("table %s only on SQLite", name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(pg)) {
		a, b := lite[name], pg[name]
		if a == nil {
			t.Errorf("table %s only on PostgreSQL", name)
			continue
		}
		for _, c := range slices.Sorted(maps.Keys(a.Columns)) {
			switch fb, ok := b.Columns[c]; {
			case !ok:
				t.Errorf("%s.%s only on SQLite", name, c)
			case fb != a.Columns[c]:
				t.Errorf("%s.%s is %s on SQLite, %s on PostgreSQL", name, c, a.Columns[c], fb)
			}
		}
		for _, c := range slices.Sorted(maps.Keys(b.Columns)) {
			if _, ok := a.Columns[c]; !ok {
				t.Errorf("%s.%s only on PostgreSQL", name, c)
			}
		}
		if a.PK != b.PK {
			t.Errorf("%s: primary key (%s) on SQLite, (%s) on PostgreSQL", name, a.PK, b.PK)
		}
		if !slices.Equal(a.Uniques, b.Uniques) {
			t.Errorf("%s: unique constraints %q on SQLite, %q on PostgreSQL", name, a.Uniques, b.Uniques)
		}
		for _, ix := range slices.Sorted(maps.Keys(a.Indexes)) {
			switch d, ok := b.Indexes[ix]; {
			case !ok:
				t.Errorf("index %s (on %s) only on SQLite", ix, name)
			case d != a.Indexes[ix]:
				t.Errorf("index %s: (%s) on SQLite, (%s) on PostgreSQL", ix, a.Indexes[ix], d)
			}
		}
		for _, ix := range slices.Sorted(maps.Keys(b.Indexes)) {
			if _, ok := a.Indexes[ix]; !ok {
				t.Errorf("index %s (on %s) only on PostgreSQL", ix, name)
			}
		}
	}
	// The comparison sees what it should: a known index with its columns.
	if got := lite["items"].Indexes["items_column"]; got != "column_id, status, published_on desc, id desc" {
		t.Errorf("items_column read as %q", got)
	}
}
