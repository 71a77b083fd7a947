package catalog_test

import (
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
)

// countsFromItems recomputes what item_counts, item_years and
// item_publishers hold from the items themselves, in the form
// countsStored reads them.
func (f *fixture) countsFromItems() []string {
	f.t.Helper()
	return f.strings(`SELECT 'n ' || site_id || ' ' || column_id || ' ' || status || ' ' || COUNT(*) FROM items GROUP BY site_id, column_id, status
		UNION ALL SELECT 'y ' || site_id || ' ' || column_id || ' ' || SUBSTR(published_on, 1, 4) || ' ' || COUNT(*) FROM items
			WHERE status = 'published' AND published_on <> '' GROUP BY site_id, column_id, SUBSTR(published_on, 1, 4)
		UNION ALL SELECT 'p ' || site_id || ' ' || column_id || ' ' || publisher || ' ' || COUNT(*) FROM items
			WHERE status = 'published' AND publisher <> '' GROUP BY site_id, column_id, publisher`)
}

func (f *fixture) countsStored() []string {
	f.t.Helper()
	return f.strings(`SELECT 'n ' || site_id || ' ' || column_id || ' ' || status || ' ' || n FROM item_counts
		UNION ALL SELECT 'y ' || site_id || ' ' || column_id || ' ' || year || ' ' || n FROM item_years
		UNION ALL SELECT 'p ' || site_id || ' ' || column_id || ' ' || publisher || ' ' || n FROM item_publishers`)
}

func (f *fixture) strings(q string) []string {
	f.t.Helper()
	rows, err := f.db.R.Query(q)
	f.must(err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		f.must(rows.Scan(&s))
		out = append(out, s)
	}
	f.must(rows.Err())
	slices.Sort(out)
	return out
}

// countsRight fails unless the stored counts are those of the items, and
// the listing's totals, years and publishers are those a scan of the items
// gives.
func (f *fixture) countsRight(t *testing.T, step string) {
	t.Helper()
	if got, want := f.countsStored(), f.countsFromItems(); !slices.Equal(got, want) {
		t.Fatalf("after %s: stored counts\n%v\nwant\n%v", step, got, want)
	}
	for _, cols := range [][]int64{nil, {f.col["zcwj"].ID}, {f.col["zcwj"].ID, f.col["tzgg"].ID, f.col["ybxx"].ID}} {
		// The office sees every item (the stored counts answer), an editor
		// its department's and the published ones (COUNT(*)).
		for _, viewer := range []*auth.User{nil, f.office, f.fzkEditor, f.pfkEditor} {
			for _, status := range []string{"", "*", catalog.StatusDraft, catalog.StatusWithdrawn} {
				flt := catalog.Filter{SiteID: f.site.ID, ColumnIDs: cols, Status: status, Viewer: viewer, Limit: 1}
				page, err := f.cat.List(f.ctx, flt, true)
				f.must(err)
				// A text query that every title matches takes the COUNT(*) path.
				flt.Query = "条"
				scanned, err := f.cat.List(f.ctx, flt, true)
				f.must(err)
				if page.Total != scanned.Total {
					t.Errorf("after %s: columns %v status %q viewer %v: total %d, COUNT(*) %d", step, cols, status, viewer, page.Total, scanned.Total)
				}
			}
		}
		years, err := f.cat.Years(f.ctx, f.site.ID, cols)
		f.must(err)
		var wantYears []int
		for _, y := range f.strings(`SELECT DISTINCT SUBSTR(published_on, 1, 4) FROM items WHERE site_id = ` + strconv.FormatInt(f.site.ID, 10) +
			` AND status = 'published' AND published_on <> ''` + inCols(cols)) {
			n, _ := strconv.Atoi(y)
			wantYears = append(wantYears, n)
		}
		slices.Reverse(wantYears)
		if !slices.Equal(years, wantYears) {
			t.Errorf("after %s: columns %v: years %v, want %v", step, cols, years, wantYears)
		}
		pubs, err := f.cat.Publishers(f.ctx, f.site.ID, cols)
		f.must(err)
		want := f.strings(`SELECT DISTINCT publisher FROM items WHERE site_id = ` + strconv.FormatInt(f.site.ID, 10) +
			` AND status = 'published' AND publisher <> ''` + inCols(cols))
		if slices.Sort(pubs); !slices.Equal(pubs, want) {
			t.Errorf("after %s: columns %v: publishers %v, want %v", step, cols, pubs, want)
		}
	}
}

func inCols(cols []int64) string {
	if len(cols) == 0 {
		return ""
	}
	s := ""
	for i, c := range cols {
		if i > 0 {
			s += ", "
		}
		s += strconv.FormatInt(c, 10)
	}
	return " AND column_id IN (" + s + ")"
}

// The counts a column page shows are kept by the database (migration
// 0047): they must follow every write of an item.
func TestCountsFollowWrites(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.countsRight(t, "nothing")
		var items []*catalog.Item
		for i, date := range []string{"2019-03-01", "2020-05-01", "2020-07-01", "2021-01-01"} {
			in := f.dated(fmt.Sprintf("条目%d", i), date, f.fzk)
			in.Publisher = []string{"", "临沂市司法局", "临沂市人民政府", "临沂市司法局"}[i]
			items = append(items, f.published(in))
		}
		f.countsRight(t, "publish")
		draft := f.create(f.fzkEditor, f.dated("草稿条目", "2018-01-01", f.fzk))
		f.countsRight(t, "create a draft")

		_, err := f.cat.Withdraw(f.ctx, f.office, f.site.ID, items[0].ID, "内容有误")
		f.must(err)
		f.countsRight(t, "withdraw")
		_, err = f.cat.Republish(f.ctx, f.office, f.site.ID, items[0].ID, "")
		f.must(err)
		f.countsRight(t, "republish")

		// A column move, a new date and a new publisher, on a published item.
		in, err := f.cat.InputOf(f.ctx, items[1])
		f.must(err)
		in.ColumnID, in.PublishedOn, in.Publisher, in.ChangeNote = f.col["tzgg"].ID, "2017-02-02", "临沂市人民政府办公室", "移到通知公告"
		_, err = f.cat.Update(f.ctx, f.office, f.site.ID, items[1].ID, in)
		f.must(err)
		f.countsRight(t, "move a published item")
		// An edit of the title only (the trigger's WHEN leaves the counts be).
		in, err = f.cat.InputOf(f.ctx, f.item(items[2].ID))
		f.must(err)
		in.Title, in.ChangeNote = "条目2（更正）", "更正标题"
		_, err = f.cat.Update(f.ctx, f.office, f.site.ID, items[2].ID, in)
		f.must(err)
		f.countsRight(t, "edit a title")

		// Scheduled, then published by the sweep.
		sched := f.submitted(f.dated("定时条目", "2021-02-01", f.fzk))
		_, err = f.cat.Publish(f.ctx, f.office, f.site.ID, sched.ID, time.Now().Add(time.Hour))
		f.must(err)
		f.countsRight(t, "schedule")
		_, err = f.cat.PublishDue(f.ctx, time.Now().Add(2*time.Hour))
		f.must(err)
		f.countsRight(t, "publish when due")

		// Deletes (the application never deletes an item; a site's cascade
		// and a hand repair may): a draft and a published item.
		for _, id := range []int64{draft.ID, items[3].ID} {
			_, err = f.db.W.Exec(`DELETE FROM item_events WHERE item_id = $1`, id)
			if err == nil {
				for _, q := range []string{`DELETE FROM item_revisions WHERE item_id = $1`, `DELETE FROM item_links WHERE from_id = $1 OR to_id = $1`, `DELETE FROM items WHERE id = $1`} {
					if _, err := f.db.W.Exec(q, id); err != nil {
						t.Fatalf("%s: %v", q, err)
					}
				}
			}
			f.countsRight(t, "delete")
		}
	})
}

// A page past the middle is read from the other end and turned round, and
// a page after the first finds its rows by id first: each must hold what
// the whole list holds at its place, for every page size, offset and
// filter (the publisher filter names the department).
func TestListDeepPages(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		dates := []string{"2021-03-03", "2021-01-01", "2021-05-05", "2021-02-02"}
		for i := range 23 {
			in := f.dated(fmt.Sprintf("条目%02d", i), dates[i%4], []*catalog.Department{f.fzk, f.pfk}[i%2])
			if i%3 == 0 {
				in.Publisher = "临沂市人民政府"
			}
			f.published(in)
		}
		for _, flt := range []catalog.Filter{
			{},
			{ColumnIDs: []int64{f.col["ybxx"].ID}},
			{Publisher: "普法科"}, // the department's name
			{Publisher: "临沂市人民政府"},
			{Query: "条目1"},
			{Year: 2021, DepartmentID: f.fzk.ID},
		} {
			flt.SiteID = f.site.ID
			whole := flt
			whole.Limit = 100
			all, err := f.cat.List(f.ctx, whole, true)
			f.must(err)
			if len(all.Items) == 0 {
				t.Fatalf("%+v: nothing listed", flt)
			}
			for _, limit := range []int{1, 5, 7, 20, 23, 30} {
				for offset := 0; offset <= len(all.Items)+3; offset++ {
					flt.Offset, flt.Limit = offset, limit
					for _, withTotal := range []bool{true, false} {
						got, err := f.cat.List(f.ctx, flt, withTotal)
						f.must(err)
						want := all.Items[min(offset, len(all.Items)):min(offset+limit, len(all.Items))]
						more := offset+limit < len(all.Items)
						if !slices.Equal(ids(got.Items), ids(want)) || (got.NextCursor != "") != more {
							t.Fatalf("%+v total %v: %v cursor %q, want %v (more: %v)", flt, withTotal, ids(got.Items), got.NextCursor, ids(want), more)
						}
						if withTotal && got.Total != len(all.Items) {
							t.Fatalf("%+v: total %d, want %d", flt, got.Total, len(all.Items))
						}
						if more {
							next := flt
							next.Offset, next.Cursor, next.Limit = 0, got.NextCursor, 1
							after, err := f.cat.List(f.ctx, next, false)
							f.must(err)
							if len(after.Items) != 1 || after.Items[0].ID != all.Items[offset+limit].ID {
								t.Fatalf("%+v: the cursor continues at %v, want %d", flt, ids(after.Items), all.Items[offset+limit].ID)
							}
						}
					}
				}
			}
		}
	})
}

// Two opposite column moves at the same moment (one item from 一般信息 to
// 通知公告, another back) take the count rows in one order (migration
// 0055 on PostgreSQL): neither fails with a deadlock, and the counts stay
// those of the items.
func TestOppositeMovesDoNotDeadlock(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		in := f.dated("甲条目", "2020-05-01", f.fzk)
		in.ColumnID = f.col["ybxx"].ID
		a := f.published(in)
		in = f.dated("乙条目", "2020-06-01", f.fzk)
		in.ColumnID = f.col["tzgg"].ID
		b := f.published(in)
		cols := [2]int64{f.col["ybxx"].ID, f.col["tzgg"].ID}
		move := func(id int64, round, side int) error {
			in, err := f.cat.InputOf(f.ctx, f.item(id))
			if err != nil {
				return err
			}
			in.ColumnID, in.ChangeNote = cols[(round+side+1)%2], fmt.Sprintf("移动%d", round)
			_, err = f.cat.Update(f.ctx, f.office, f.site.ID, id, in)
			return err
		}
		for round := range 12 {
			errc := make(chan error, 2)
			go func() { errc <- move(a.ID, round, 0) }()
			go func() { errc <- move(b.ID, round, 1) }()
			for range 2 {
				if err := <-errc; err != nil {
					t.Fatalf("round %d: %v %v", round, err, errs.FieldsOf(err))
				}
			}
		}
		f.countsRight(t, "opposite moves")
	})
}
