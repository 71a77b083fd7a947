package catalog_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
)

// TestListQuery checks the q= filter (Filter.Query, served from item_grams,
// migration 0050) on both engines: one-, two- and longer CJK and ASCII
// queries, % and _ taken literally, the longest query, a query that
// matches nothing, the exact 索引号, the other filters and the date-ordered
// cursor; under the default bounds (candidates) and bounds that send every
// query to the dense paths (the scan, and the candidates' own count).
func TestListQuery(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		byTitle := map[string]*catalog.Item{}
		add := func(title, docNo, date string) {
			in := f.dated(title, date, f.fzk)
			in.DocNo = docNo
			byTitle[title] = f.published(in)
		}
		add("关于印发行政执法公示办法的通知", "临司发〔2021〕8号", "2021-03-01")
		add("关于开展普法宣传的通知", "", "2021-03-02")
		add("政府信息公开工作年度报告", "LSF-2021-07", "2021-03-03")
		add("“爱山东”政务APP上线", "", "2021-03-04")
		add("完成率100%以上", "", "2021-03-05")
		add("完成率1000以上", "", "2021-03-06")
		add("a_b计划", "", "2021-03-07")
		add("axb计划", "", "2021-03-08")
		add("府", "", "2021-03-09") // a one-character title: its only piece is 府 alone
		long := strings.Repeat("法", 200)
		add(long, "", "2021-03-10")
		for i := range 12 {
			add(fmt.Sprintf("司法行政工作动态第%02d期", i), fmt.Sprintf("动态〔2021〕%d号", i), fmt.Sprintf("2021-04-%02d", i+1))
		}
		draft := f.create(f.fzkEditor, f.dated("草稿里的通知", "2021-06-01", f.fzk))

		// want is the reference: substring of title or 文号 (ASCII case
		// ignored) or the exact 索引号, published only, newest first.
		want := func(q string) []string {
			type row struct {
				date string
				id   int64
				t    string
			}
			var rs []row
			lq := strings.ToLower(q)
			for title, it := range byTitle {
				if strings.Contains(strings.ToLower(title), lq) || strings.Contains(strings.ToLower(it.DocNo), lq) || it.IndexNo == q {
					rs = append(rs, row{it.PublishedOn, it.ID, title})
				}
			}
			slices.SortFunc(rs, func(a, b row) int {
				if c := strings.Compare(b.date, a.date); c != 0 {
					return c
				}
				return int(b.id - a.id)
			})
			var out []string
			for _, r := range rs {
				out = append(out, r.t)
			}
			return out
		}
		for q, n := range map[string]int{"府": 2, "司法": 12, "app": 1, "100%": 1, "a_b": 1, "不存在的词": 0} {
			if len(want(q)) != n {
				t.Fatalf("the reference finds %d for %s, want %d", len(want(q)), q, n)
			}
		}
		queries := []string{
			"府", "通", "A", "x", "_", "%", // one character
			"通知", "政务", "app", "AP", "a_", "0%", "〔2", // two
			"公示办法", "司法行政", "LSF-2021", "lsf-2021-07", "100%", "a_b", "临司发〔2021〕8号", "工作动态第0", // three or more
			"不存在的词", "龘", "qz", "通知 公示", "完成率100%以上以上", // nothing
			strings.Repeat("法", 200), // the longest
			byTitle["府"].IndexNo,     // the exact 索引号
		}
		bounds := []struct {
			name          string
			dense, common int
		}{{"candidates", 2000, 10000}, {"scan", 0, 0}, {"counted candidates", 1, 100}, {"dense candidates", 1, 2}}
		for _, b := range bounds {
			t.Run(b.name, func(t *testing.T) {
				defer catalog.SetGramThresholds(b.dense, b.common)()
				for _, q := range queries {
					page, err := f.cat.List(f.ctx, catalog.Filter{SiteID: f.site.ID, Query: q, Limit: 100}, true)
					f.must(err)
					if got, w := titles(page.Items), want(q); !slices.Equal(got, w) {
						t.Errorf("q=%.20q: got %q, want %q", q, got, w)
					}
					if page.Total != len(want(q)) {
						t.Errorf("q=%.20q: Total %d, want %d", q, page.Total, len(want(q)))
					}
				}
				// Paged by the cursor, 5 at a time: the same items in order.
				var walked []string
				cursor := ""
				for range 10 {
					page, err := f.cat.List(f.ctx, catalog.Filter{SiteID: f.site.ID, Query: "司法", Limit: 5, Cursor: cursor}, false)
					f.must(err)
					walked = append(walked, titles(page.Items)...)
					if cursor = page.NextCursor; cursor == "" {
						break
					}
				}
				if w := want("司法"); !slices.Equal(walked, w) {
					t.Errorf("cursor pages: %q, want %q", walked, w)
				}
				// With another filter, and the staff list of any status.
				page, err := f.cat.List(f.ctx, catalog.Filter{SiteID: f.site.ID, Query: "通知", Status: "*", Year: 2021, Limit: 100}, false)
				f.must(err)
				if got := titles(page.Items); !slices.Equal(got, []string{"草稿里的通知", "关于开展普法宣传的通知", "关于印发行政执法公示办法的通知"}) {
					t.Errorf("any status: %q", got)
				}
				page, err = f.cat.List(f.ctx, catalog.Filter{SiteID: f.site.ID, Query: "通知", Year: 2020}, false)
				f.must(err)
				if len(page.Items) != 0 {
					t.Errorf("year 2020: %q", titles(page.Items))
				}
			})
		}
		_, err := f.cat.List(f.ctx, catalog.Filter{SiteID: f.site.ID, Query: long + "法"}, false)
		wantCode(t, err, errs.Invalid)

		// The triggers: an edited title's old pieces are gone, the new found.
		grams := func(id int64) int { return f.count(`SELECT COUNT(*) FROM item_grams WHERE item_id = $1`, id) }
		if n := grams(draft.ID); n != len([]rune("草稿里的通知")) {
			t.Errorf("draft has %d pieces, want %d", n, len([]rune("草稿里的通知")))
		}
		if _, err := f.db.W.ExecContext(f.ctx, `UPDATE items SET title = $1 WHERE id = $2`, "改过的标题", draft.ID); err != nil {
			t.Fatal(err)
		}
		for q, n := range map[string]int{"草稿": 0, "改过": 1, "的标题": 1} {
			page, err := f.cat.List(f.ctx, catalog.Filter{SiteID: f.site.ID, Query: q, Status: "*"}, false)
			f.must(err)
			if len(page.Items) != n {
				t.Errorf("after the edit, q=%s: %q, want %d", q, titles(page.Items), n)
			}
		}
		if n := grams(draft.ID); n != 5 {
			t.Errorf("edited draft has %d pieces, want 5", n)
		}
		if _, err := f.db.W.ExecContext(f.ctx, `DELETE FROM items WHERE id = $1`, draft.ID); err != nil {
			t.Fatal(err)
		}
		if n := grams(draft.ID); n != 0 {
			t.Errorf("deleted draft keeps %d pieces", n)
		}
	})
}
