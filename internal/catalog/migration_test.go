package catalog_test

import "testing"

// TestMigration0006 rebuilds the state before migration 0006 (every field
// a facet row, one row per name, no sortable numbers, no column duties),
// runs the migration again and checks what it keeps, adds and computes.
func TestMigration0006(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		yes := f.input("policy", "规范性文件")
		yes.Fields = map[string]string{"normative": "1", "reg_no": "LYDR-2021-0010001", "effective_on": "2021-05-01"}
		normative := f.create(f.office, yes)
		plain := f.create(f.office, f.input("policy", "其他文件"))
		stats := f.create(f.office, f.input("statistics", "统计"))
		old := [][3]any{
			{normative.ID, "normative", "1"}, {normative.ID, "reg_no", "LYDR-2021-0010001"}, {normative.ID, "effective_on", "2021-05-01"},
			{stats.ID, "period", "2021年1—6月"},
		}
		for _, q := range []string{
			`DROP TABLE item_facets`,
			`CREATE TABLE item_facets (item_id BIGINT NOT NULL REFERENCES items(id) ON DELETE CASCADE, name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (item_id, name))`,
			`CREATE INDEX item_facets_value ON item_facets(name, value, item_id)`,
			`ALTER TABLE columns DROP COLUMN duty`,
			`DELETE FROM schema_migrations WHERE version = '0006_typed_records.sql'`,
		} {
			if _, err := f.db.W.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		for _, r := range old {
			if _, err := f.db.W.Exec(`INSERT INTO item_facets (item_id, name, value) VALUES ($1, $2, $3)`, r[0], r[1], r[2]); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.db.W.Exec(`UPDATE columns SET name = '政策文件' WHERE id = $1`, f.col["zcwj"].ID); err != nil {
			t.Fatal(err)
		}
		applied, err := f.db.Migrate(f.ctx)
		if err != nil || len(applied) != 1 {
			t.Fatalf("migrate: %v %v", applied, err)
		}
		facet := func(id int64, name string) (string, int64, bool) {
			var v string
			var n *int64
			err := f.db.R.QueryRow(`SELECT value, num FROM item_facets WHERE item_id = $1 AND name = $2`, id, name).Scan(&v, &n)
			if err != nil {
				return "", 0, false
			}
			if n == nil {
				return v, 0, true
			}
			return v, *n, true
		}
		if v, _, ok := facet(normative.ID, "normative"); !ok || v != "1" {
			t.Errorf("normative: %q %v", v, ok)
		}
		if v, _, ok := facet(plain.ID, "normative"); !ok || v != "0" {
			t.Errorf("a false bool gets its row: %q %v", v, ok)
		}
		if _, _, ok := facet(normative.ID, "reg_no"); ok {
			t.Errorf("an undeclared facet was kept")
		}
		if v, n, ok := facet(normative.ID, "effective_on"); !ok || v != "2021-05-01" || n != 20210501 {
			t.Errorf("effective_on: %q %d %v", v, n, ok)
		}
		if v, _, ok := facet(stats.ID, "period"); !ok || v != "2021年1—6月" {
			t.Errorf("period: %q %v", v, ok)
		}
		c, err := f.cat.Column(f.ctx, f.col["zcwj"].ID)
		if err != nil || c.Duty != "art20.1" {
			t.Errorf("duty of 政策文件: %q %v", c.Duty, err)
		}
		// What the migration wrote is what the code writes.
		before := f.count(`SELECT COUNT(*) FROM item_facets`)
		if _, err := f.cat.RebuildFacets(f.ctx, 0); err != nil {
			t.Fatal(err)
		}
		if after := f.count(`SELECT COUNT(*) FROM item_facets`); after != before {
			t.Errorf("rebuild changed the facet rows: %d, migrated %d", after, before)
		}
	})
}
