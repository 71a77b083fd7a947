package catalog_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// holdWriter takes the writer away from the service until the test ends:
// on SQLite the one connection of the write pool, on PostgreSQL an
// exclusive lock on items (so any statement on items inside a transaction
// waits). A call that needs the writer then waits until its context ends.
// The returned func gives it back.
func holdWriter(t *testing.T, db *store.DB) (release func()) {
	t.Helper()
	tx, err := db.W.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback() })
	if db.Dialect == store.Postgres {
		if _, err := tx.Exec(`LOCK TABLE items IN ACCESS EXCLUSIVE MODE`); err != nil {
			t.Fatal(err)
		}
	}
	return func() { tx.Rollback() }
}

// TestOversizedInputRefusedBeforeTheWriter: issue 16 #4. A list of 505,000
// interpreted documents held the single SQLite writer for seconds before
// its 422. Every list and text of an input is bounded and checked before
// any transaction: with the writer held elsewhere, each oversized request
// is still refused at once, naming its field.
func TestOversizedInputRefusedBeforeTheWriter(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		col := f.recordColumn()
		existing := f.create(f.fzkEditor, f.record(col, "已有记录", nil))
		policy := f.create(f.fzkEditor, f.input("policy", "被解读的文件"))
		interp := f.input("interpretation", "解读")
		interp.Interprets = make([]int64, 505_000)
		for i := range interp.Interprets {
			interp.Interprets[i] = policy.ID
		}
		manyValues := f.record(col, "多选过多", nil)
		manyValues.Lists = map[string][]string{"penalties": make([]string, 100_000)}
		for i := range manyValues.Lists["penalties"] {
			manyValues.Lists["penalties"][i] = "罚款"
		}
		manyRows := f.record(col, "行过多", nil)
		for range 10_000 {
			manyRows.Rows = appendRow(manyRows.Rows, "fines", map[string]string{"party": "张三", "amount": "1"})
		}
		manyFields := f.record(col, "字段过多", nil)
		for i := range 10_000 {
			manyFields.Fields["x"+strings.Repeat("y", i%50)+string(rune('a'+i%26))+strconv.Itoa(i)] = "1"
		}
		longText := f.record(col, "超长", map[string]string{"notes": strings.Repeat("长", 100_000)})
		hugeBody := f.record(col, "超长正文", nil)
		hugeBody.Body = strings.Repeat("x", 5<<20)
		nul := f.record(col, "空\x00字符", nil)
		badUTF8 := f.record(col, "编码", map[string]string{"notes": "a\xff\xfeb"})
		rowNUL := f.record(col, "行内空字符", nil)
		rowNUL.Rows = map[string][]map[string]string{"fines": {{"party": "张\x00三", "amount": "1"}}}
		before := f.rowCounts()
		release := holdWriter(t, f.db)
		tests := []struct {
			name  string
			call  func(ctx context.Context) error
			field string
		}{
			{"interprets via CreateItem", func(ctx context.Context) error {
				_, err := f.cat.CreateItem(ctx, f.office, f.site.ID, catalog.NewItem{Input: interp, Publish: true})
				return err
			}, "interprets"},
			{"interprets via Create", func(ctx context.Context) error {
				_, err := f.cat.Create(ctx, f.fzkEditor, f.site.ID, interp)
				return err
			}, "interprets"},
			{"multiselect values", func(ctx context.Context) error {
				_, err := f.cat.Create(ctx, f.fzkEditor, f.site.ID, manyValues)
				return err
			}, "penalties"},
			{"group rows on update", func(ctx context.Context) error {
				in := manyRows
				in.Version = existing.Version
				_, err := f.cat.Update(ctx, f.fzkEditor, f.site.ID, existing.ID, in)
				return err
			}, "fines"},
			{"undeclared values", func(ctx context.Context) error {
				_, err := f.cat.Create(ctx, f.fzkEditor, f.site.ID, manyFields)
				return err
			}, "fields"},
			{"long text value", func(ctx context.Context) error {
				_, err := f.cat.Create(ctx, f.fzkEditor, f.site.ID, longText)
				return err
			}, "notes"},
			{"huge body", func(ctx context.Context) error {
				_, err := f.cat.CreateItem(ctx, f.fzkEditor, f.site.ID, catalog.NewItem{Input: hugeBody})
				return err
			}, "body"},
			// Issue 16 #9: NUL and invalid UTF-8 never reach the database.
			{"NUL in the title", func(ctx context.Context) error { _, err := f.cat.Create(ctx, f.fzkEditor, f.site.ID, nul); return err }, "title"},
			{"invalid UTF-8 in a field", func(ctx context.Context) error {
				_, err := f.cat.CreateItem(ctx, f.fzkEditor, f.site.ID, catalog.NewItem{Input: badUTF8})
				return err
			}, "notes"},
			{"NUL in a group row", func(ctx context.Context) error {
				_, err := f.cat.Create(ctx, f.fzkEditor, f.site.ID, rowNUL)
				return err
			}, "fines.0.party"},
			{"NUL in a department name", func(ctx context.Context) error {
				_, err := f.cat.CreateItem(ctx, f.office, f.site.ID, catalog.NewItem{Input: f.input("news", "科室"), Department: "法制\x00科"})
				return err
			}, "department"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				start := time.Now()
				err := tt.call(ctx)
				if errs.CodeOf(err) != errs.Invalid {
					t.Fatalf("after %v: err = %v, want Invalid without waiting for the writer", time.Since(start), err)
				}
				if msg := errs.FieldsOf(err)[tt.field]; msg == "" {
					t.Errorf("no message for %s: %v", tt.field, errs.FieldsOf(err))
				}
			})
		}
		release()
		f.unchanged(t, before)
	})
}

// TestDateBounds: issue 16 #10. The date kind's syntax takes any real date;
// declared bounds keep typing errors out: 成文日期 and 发布日期 lie between
// 1949-10-01 and today, other dates between 1900 and 2100 unless declared.
func TestDateBounds(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		today := calendar.Today().String() // the fixture's service has no fixed day
		col := f.recordColumn()
		tests := []struct {
			name  string
			edit  func(in *catalog.Input)
			field string // "" when accepted
		}{
			{"published 9999-12-31", func(in *catalog.Input) { in.PublishedOn = "9999-12-31" }, "published_on"},
			{"published 0001-01-01", func(in *catalog.Input) { in.PublishedOn = "0001-01-01" }, "published_on"},
			{"published before 1949-10-01", func(in *catalog.Input) { in.PublishedOn = "1949-09-30" }, "published_on"},
			{"published 1949-10-01", func(in *catalog.Input) { in.PublishedOn = "1949-10-01" }, ""},
			{"published today", func(in *catalog.Input) { in.PublishedOn = today }, ""},
			{"written 9999-12-31", func(in *catalog.Input) {
				in.DocType, in.ColumnID, in.WrittenOn = "policy", f.col["zcwj"].ID, "9999-12-31"
			}, "written_on"},
			{"written 0001-01-01", func(in *catalog.Input) {
				in.DocType, in.ColumnID, in.WrittenOn = "policy", f.col["zcwj"].ID, "0001-01-01"
			}, "written_on"},
			{"other date 1899-12-31", func(in *catalog.Input) { in.Fields["decided_on"] = "1899-12-31" }, "decided_on"},
			{"other date 2101-01-01", func(in *catalog.Input) { in.Fields["decided_on"] = "2101-01-01" }, "decided_on"},
			{"other date 1900-01-01", func(in *catalog.Input) { in.Fields["decided_on"] = "1900-01-01" }, ""},
			{"other date 2100-12-31", func(in *catalog.Input) { in.Fields["decided_on"] = "2100-12-31" }, ""},
			{"group date 0001-01-01", func(in *catalog.Input) {
				in.Rows = map[string][]map[string]string{"fines": {{"party": "张三", "amount": "1", "paid_on": "0001-01-01"}}}
			}, "fines.0.paid_on"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := f.record(col, tt.name, nil)
				if tt.edit(&in); in.DocType == "policy" {
					in.Validity = "in_force"
				}
				it, err := f.cat.Create(f.ctx, f.office, f.site.ID, in)
				if tt.field == "" {
					if err != nil {
						t.Fatalf("refused: %v", err)
					}
					return
				}
				if errs.CodeOf(err) != errs.Invalid || errs.FieldsOf(err)[tt.field] == "" {
					t.Fatalf("item %v stored or wrong error: %v (%v)", it, err, errs.FieldsOf(err))
				}
			})
		}
		// The kind's own bounds are declared per field.
		if min, max := (catalog.Field{Kind: catalog.Date, MinDate: "2000-01-01"}).DateRange(); min != "2000-01-01" || max != catalog.DefaultMaxDate {
			t.Errorf("declared range %s…%s", min, max)
		}
	})
}
