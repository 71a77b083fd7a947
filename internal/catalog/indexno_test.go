package catalog_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
)

// dated returns a valid general input published on date by dept.
func (f *fixture) dated(title, date string, dept *catalog.Department) catalog.Input {
	in := f.input("general", title)
	in.PublishedOn, in.DepartmentID = date, dept.ID
	return in
}

func TestIndexNumbers(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		year := calendar.Today().String()[:4]
		steps := []struct {
			name string
			in   catalog.Input
			want string
		}{
			{"first of 2021", f.dated("一", "2021-03-01", f.fzk), "ORG/fzk/2021-0000001"},
			{"second of 2021", f.dated("二", "2021-01-05", f.fzk), "ORG/fzk/2021-0000002"},
			{"another department shares the sequence", f.dated("三", "2021-12-31", f.pfk), "ORG/pfk/2021-0000003"},
			{"2020 has its own sequence", f.dated("四", "2020-12-31", f.fzk), "ORG/fzk/2020-0000001"},
			{"back to 2021", f.dated("五", "2021-06-14", f.fzk), "ORG/fzk/2021-0000004"},
			{"no date: this year", f.dated("六", "", f.fzk), "ORG/fzk/" + year + "-000000" + map[bool]string{true: "5", false: "1"}[year == "2021"]},
		}
		for _, s := range steps {
			it := f.published(s.in)
			if it.IndexNo != s.want {
				t.Errorf("%s: index %q, want %q", s.name, it.IndexNo, s.want)
			}
		}
		// Drafts, submitted and approved items have none.
		if it := f.submitted(f.dated("七", "2021-07-01", f.fzk)); it.IndexNo != "" {
			t.Errorf("submitted item has index %q", it.IndexNo)
		}

		// Another site counts on its own.
		od := &catalog.Department{SiteID: f.otherSite.ID, Name: "办公室", Abbr: "bgs"}
		f.must(f.cat.CreateDepartment(f.ctx, nil, od))
		oc := &catalog.Column{SiteID: f.otherSite.ID, Slug: "ybxx", Name: "一般信息", Kind: catalog.KindList, DocTypes: []string{"general"}}
		f.must(f.cat.SaveColumn(f.ctx, nil, oc))
		oi, err := f.cat.Create(f.ctx, f.otherSiteOffice, f.otherSite.ID, catalog.Input{ColumnID: oc.ID, DocType: "general", DepartmentID: od.ID,
			Title: "别的站点", Disclosure: "proactive", PublishedOn: "2021-05-01"})
		f.must(err)
		_, err = f.cat.Submit(f.ctx, f.otherSiteOffice, f.otherSite.ID, oi.ID)
		f.must(err)
		oi, err = f.cat.Publish(f.ctx, f.otherSiteOffice, f.otherSite.ID, oi.ID, time.Time{})
		f.must(err)
		if oi.IndexNo != "OTHER/bgs/2021-0000001" {
			t.Errorf("other site's first number = %q", oi.IndexNo)
		}
		// The office of the other site cannot act on this site.
		_, err = f.cat.Publish(f.ctx, f.otherSiteOffice, f.site.ID, f.submitted(f.dated("八", "2021-08-01", f.fzk)).ID, time.Time{})
		wantCode(t, err, errs.Forbidden)
	})
}

func TestIndexNumbersNeverReusedOrChanged(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		first := f.published(f.dated("一", "2021-03-01", f.fzk))
		second := f.published(f.dated("二", "2021-03-02", f.fzk))
		_, err := f.cat.Withdraw(f.ctx, f.office, f.site.ID, second.ID, "有误")
		f.must(err)
		third := f.published(f.dated("三", "2021-03-03", f.fzk))
		if third.IndexNo != "ORG/fzk/2021-0000003" {
			t.Errorf("after a withdrawal the next number is %q, want 0000003 (never reused)", third.IndexNo)
		}
		if got := f.item(second.ID); got.IndexNo != "ORG/fzk/2021-0000002" {
			t.Errorf("withdrawn item lost its number: %q", got.IndexNo)
		}

		// Edits never change a number: not the date, the department, nor the field itself.
		in, err := f.cat.InputOf(f.ctx, first)
		f.must(err)
		in.PublishedOn, in.DepartmentID, in.IndexNo, in.ChangeNote = "2019-01-01", f.pfk.ID, "ORG/pfk/2019-0000001", "更正日期"
		got, err := f.cat.Update(f.ctx, f.office, f.site.ID, first.ID, in)
		f.must(err)
		if got.IndexNo != first.IndexNo || got.PublishedOn != "2019-01-01" || got.DepartmentID != f.pfk.ID {
			t.Errorf("after editing: index %q (want %q), date %q", got.IndexNo, first.IndexNo, got.PublishedOn)
		}
		// An empty index number in a form does not clear it either.
		in, _ = f.cat.InputOf(f.ctx, got)
		in.IndexNo, in.ChangeNote = "", "再改"
		got, err = f.cat.Update(f.ctx, f.office, f.site.ID, first.ID, in)
		f.must(err)
		if got.IndexNo != first.IndexNo {
			t.Errorf("index cleared to %q", got.IndexNo)
		}
		if n := f.count(`SELECT COUNT(*) FROM index_counters WHERE year = 2019`); n != 0 {
			t.Error("editing the date opened a 2019 sequence")
		}
	})
}

func TestImportedIndexNumbers(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		imported := func(no, date string) catalog.Input {
			in := f.dated("导入 "+no, date, f.fzk)
			in.IndexNo = no
			return in
		}
		seed := f.create(f.office, imported("ORG/x/2021-0000192", "2021-06-14"))
		if seed.IndexNo != "ORG/x/2021-0000192" {
			t.Fatalf("imported draft index = %q", seed.IndexNo)
		}
		_, err := f.cat.Submit(f.ctx, f.office, f.site.ID, seed.ID)
		f.must(err)
		seed, err = f.cat.Publish(f.ctx, f.office, f.site.ID, seed.ID, time.Time{})
		f.must(err)
		if seed.IndexNo != "ORG/x/2021-0000192" || seed.PublishedOn != "2021-06-14" {
			t.Errorf("imported item after publish: index %q, date %q", seed.IndexNo, seed.PublishedOn)
		}
		steps := []struct {
			name    string
			import_ string // imported before the new item, if any
			want    string
		}{
			{"counter moved past the import", "", "ORG/fzk/2021-0000193"},
			{"a lower import does not move it back", "ORG/x/2021-0000050", "ORG/fzk/2021-0000194"},
			{"another organisation's number is not ours", "LEGACY/x/2021-0009999", "ORG/fzk/2021-0000195"},
			{"a free-form number is kept as is", "临司〔2021〕第1号", "ORG/fzk/2021-0000196"},
			{"a higher import moves it on", "ORG/fzk/2021-0000300", "ORG/fzk/2021-0000301"},
		}
		for _, s := range steps {
			if s.import_ != "" {
				f.create(f.office, imported(s.import_, "2021-01-01"))
			}
			if got := f.published(f.dated(s.name, "2021-07-01", f.fzk)); got.IndexNo != s.want {
				t.Errorf("%s: index %q, want %q", s.name, got.IndexNo, s.want)
			}
		}
		// A year without items yet starts after its imported number.
		f.create(f.office, imported("ORG/x/2018-0000007", "2018-05-01"))
		if got := f.published(f.dated("2018", "2018-06-01", f.fzk)); got.IndexNo != "ORG/fzk/2018-0000008" {
			t.Errorf("2018: index %q, want ORG/fzk/2018-0000008", got.IndexNo)
		}

		t.Run("duplicate import", func(t *testing.T) {
			f := f.with(t)
			for _, no := range []string{"ORG/x/2021-0000192", "ORG/fzk/2021-0000193", "LEGACY/x/2021-0009999"} {
				before := f.rowCounts()
				_, err := f.cat.Create(f.ctx, f.office, f.site.ID, imported(no, "2021-01-01"))
				wantField(t, err, errs.Conflict, "index_no")
				f.unchanged(t, before)
			}
			// The same number is free on another site.
			od := &catalog.Department{SiteID: f.otherSite.ID, Name: "办公室", Abbr: "bgs"}
			f.must(f.cat.CreateDepartment(f.ctx, nil, od))
			oc := &catalog.Column{SiteID: f.otherSite.ID, Slug: "ybxx", Name: "一般信息", Kind: catalog.KindList, DocTypes: []string{"general"}}
			f.must(f.cat.SaveColumn(f.ctx, nil, oc))
			_, err := f.cat.Create(f.ctx, f.otherSiteOffice, f.otherSite.ID, catalog.Input{ColumnID: oc.ID, DocType: "general", DepartmentID: od.ID,
				Title: "别的站点", Disclosure: "proactive", IndexNo: "ORG/x/2021-0000192"})
			f.must(err)
		})

		t.Run("office adds a number to a draft", func(t *testing.T) {
			f := f.with(t)
			draft := f.create(f.fzkEditor, f.dated("后补索引号", "2022-02-01", f.fzk))
			in, err := f.cat.InputOf(f.ctx, draft)
			f.must(err)
			in.IndexNo = "ORG/x/2022-0000040"
			got, err := f.cat.Update(f.ctx, f.office, f.site.ID, draft.ID, in)
			f.must(err)
			if got.IndexNo != "ORG/x/2022-0000040" {
				t.Fatalf("index = %q", got.IndexNo)
			}
			if next := f.published(f.dated("2022", "2022-03-01", f.fzk)); next.IndexNo != "ORG/fzk/2022-0000041" {
				t.Errorf("next 2022 number = %q, want ORG/fzk/2022-0000041", next.IndexNo)
			}
			other := f.create(f.fzkEditor, f.dated("重复", "2022-02-01", f.fzk))
			in, err = f.cat.InputOf(f.ctx, other)
			f.must(err)
			in.IndexNo = "ORG/x/2022-0000040"
			before := f.rowCounts()
			_, err = f.cat.Update(f.ctx, f.office, f.site.ID, other.ID, in)
			wantField(t, err, errs.Conflict, "index_no")
			f.unchanged(t, before)
		})
	})
}

func TestConcurrentPublishGivesDistinctNumbers(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		const n = 20
		ids := make([]int64, n)
		for i := range n {
			dept := f.fzk
			if i%2 == 1 {
				dept = f.pfk
			}
			ids[i] = f.submitted(f.dated(fmt.Sprintf("并发 %d", i), "2021-09-01", dept)).ID
		}
		var wg sync.WaitGroup
		numbers := make([]string, n)
		errc := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Alternate two office accounts, as two people publishing at once.
				actor := []*auth.User{f.office, f.admin}[i%2]
				it, err := f.cat.Publish(f.ctx, actor, f.site.ID, ids[i], time.Time{})
				errc[i] = err
				if err == nil {
					numbers[i] = it.IndexNo
				}
			}()
		}
		wg.Wait()
		var seqs []string
		for i := range n {
			if errc[i] != nil {
				t.Fatalf("publish %d: %v", i, errc[i])
			}
			seqs = append(seqs, numbers[i][len(numbers[i])-7:])
		}
		slices.Sort(seqs)
		for i, s := range seqs {
			if want := fmt.Sprintf("%07d", i+1); s != want {
				t.Fatalf("sequence numbers = %v, want 0000001…%07d each once", seqs, n)
			}
		}
		if got := f.count(`SELECT COUNT(DISTINCT index_no) FROM items WHERE status = 'published'`); got != n {
			t.Errorf("distinct index numbers = %d, want %d", got, n)
		}
		if bad, err := f.au.VerifyAudit(f.ctx); err != nil || bad != 0 {
			t.Errorf("VerifyAudit after concurrent publishing = %d, %v", bad, err)
		}
	})
}

// TestIndexNumberDepartmentLookupFails: when the department's abbreviation
// cannot be read, publication fails and no number is consumed, rather than
// a permanent number with the site's abbreviation being handed out.
func TestIndexNumberDepartmentLookupFails(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		it := f.submitted(f.dated("一", "2021-03-01", f.fzk))
		// Break the lookup (a column the query needs goes missing).
		if _, err := f.db.W.ExecContext(f.ctx, `ALTER TABLE departments RENAME COLUMN abbr TO abbr_gone`); err != nil {
			t.Fatal(err)
		}
		if _, err := f.cat.Publish(f.ctx, f.office, f.site.ID, it.ID, time.Time{}); err == nil {
			t.Fatal("publish succeeded although the department lookup failed")
		}
		if _, err := f.db.W.ExecContext(f.ctx, `ALTER TABLE departments RENAME COLUMN abbr_gone TO abbr`); err != nil {
			t.Fatal(err)
		}
		if got := f.item(it.ID); got.IndexNo != "" || got.Status != catalog.StatusSubmitted {
			t.Fatalf("after the failure: index %q, status %s", got.IndexNo, got.Status)
		}
		got, err := f.cat.Publish(f.ctx, f.office, f.site.ID, it.ID, time.Time{})
		f.must(err)
		if got.IndexNo != "ORG/fzk/2021-0000001" {
			t.Errorf("index %q, want ORG/fzk/2021-0000001 (nothing consumed by the failure)", got.IndexNo)
		}
	})
}
