package catalog_test

import (
	"encoding/base64"
	"fmt"
	"slices"
	"testing"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
)

// listFixture publishes a small catalogue and returns its items by key.
func listFixture(f *fixture) map[string]*catalog.Item {
	f.t.Helper()
	items := map[string]*catalog.Item{}
	pub := func(key string, in catalog.Input) {
		items[key] = f.published(in)
	}
	in := f.input("policy", "关于印发行政执法公示办法的通知")
	in.PublishedOn, in.DocNo = "2021-03-01", "临司发〔2021〕8号"
	in.Fields = map[string]string{"normative": "1", "reg_no": "LYDR-2021-0010008"}
	pub("policyA", in)
	*f.explained = items["policyA"].ID // what the interpretations below explain

	in = f.input("policy", "关于废止某规定的决定")
	in.PublishedOn, in.Validity, in.DepartmentID, in.Publisher = "2021-05-01", "repealed", f.pfk.ID, "临沂市人民政府"
	pub("policyB", in)

	in = f.input("interpretation", "行政执法公示办法视频解读")
	in.PublishedOn, in.Fields["form"], in.Interprets = "2021-05-17", "视频解读", []int64{items["policyA"].ID}
	in.Fields["video_url"] = "https://sfj.example.cn/video/gsbf.mp4"
	in.Fields["captions"], in.Fields["transcript"] = "WEBVTT\n\n00:00:00.000 --> 00:00:03.000\n行政执法公示办法解读\n", "行政执法公示办法解读的文字实录。"
	pub("videoC", in)

	in = f.input("interpretation", "一图读懂")
	in.PublishedOn, in.Fields["form"], in.Interprets = "2022-01-01", "图解", []int64{items["policyA"].ID}
	in.Fields["text_alternative"] = "一图读懂的文字说明。"
	pub("chartD", in)

	for key, title := range map[string]string{"pct": "完成率100%以上", "nopct": "完成率1000以上", "under": "a_b计划", "nounder": "axb计划", "app": "“爱山东”政务APP上线"} {
		in = f.dated(title, "2021-02-01", f.fzk)
		pub(key, in)
	}
	in = f.input("news", "局长调研普法工作")
	in.PublishedOn = "2021-04-01"
	pub("newsH", in)

	items["draftG"] = f.create(f.fzkEditor, f.dated("草稿不公开", "2021-06-01", f.fzk))
	return items
}

func titles(items []*catalog.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Title)
	}
	return out
}

func TestListFilters(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		items := listFixture(f)
		tree, err := f.cat.Tree(f.ctx, f.site.ID)
		f.must(err)
		var subtree []int64
		for _, c := range tree.All() {
			for _, p := range c.Path() {
				if p.Slug == "xxgk" {
					subtree = append(subtree, c.ID)
					break
				}
			}
		}
		keys := func(ks ...string) []string {
			var out []string
			for _, k := range ks {
				out = append(out, items[k].Title)
			}
			return out
		}
		tests := []struct {
			name   string
			filter catalog.Filter
			want   []string // in list order
		}{
			{"one column", catalog.Filter{ColumnIDs: []int64{f.col["zcwj"].ID}}, keys("policyB", "policyA")},
			{"column subtree", catalog.Filter{ColumnIDs: subtree}, keys("chartD", "videoC", "policyB", "policyA")},
			{"year", catalog.Filter{Year: 2022}, keys("chartD")},
			{"year and column", catalog.Filter{Year: 2021, ColumnIDs: []int64{f.col["zcjd"].ID}}, keys("videoC")},
			{"publisher field", catalog.Filter{Publisher: "临沂市人民政府"}, keys("policyB")},
			{"publisher by department", catalog.Filter{Publisher: "普法科"}, keys("policyB")},
			{"validity", catalog.Filter{Validity: "repealed"}, keys("policyB")},
			{"normative facet", catalog.Filter{Facets: map[string]string{"normative": "1"}}, keys("policyA")},
			{"form facet", catalog.Filter{Facets: map[string]string{"form": "视频解读"}}, keys("videoC")},
			{"two facets", catalog.Filter{Facets: map[string]string{"form": "视频解读", "normative": "1"}}, nil},
			{"empty facet is ignored", catalog.Filter{Facets: map[string]string{"form": ""}, DocType: "interpretation"}, keys("chartD", "videoC")},
			{"doc type", catalog.Filter{DocType: "news"}, keys("newsH")},
			{"department", catalog.Filter{DepartmentID: f.pfk.ID}, keys("policyB")},
			{"query substring", catalog.Filter{Query: "公示办法"}, keys("videoC", "policyA")},
			{"query doc number", catalog.Filter{Query: "〔2021〕8号"}, keys("policyA")},
			{"query index number", catalog.Filter{Query: items["newsH"].IndexNo}, keys("newsH")},
			{"query percent is literal", catalog.Filter{Query: "100%"}, keys("pct")},
			{"query underscore is literal", catalog.Filter{Query: "a_b"}, keys("under")},
			{"query ignores ASCII case", catalog.Filter{Query: "app"}, keys("app")},
			{"query backslash", catalog.Filter{Query: `\`}, nil},
			{"query no match", catalog.Filter{Query: "不存在的词"}, nil},
			{"index number", catalog.Filter{IndexNo: items["policyB"].IndexNo}, keys("policyB")},
			{"drafts only", catalog.Filter{Status: catalog.StatusDraft}, keys("draftG")},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := f.with(t)
				tt.filter.SiteID = f.site.ID
				page, err := f.cat.List(f.ctx, tt.filter, true)
				f.must(err)
				if got := titles(page.Items); !slices.Equal(got, tt.want) {
					t.Errorf("items = %q, want %q", got, tt.want)
				}
				if page.Total != len(tt.want) {
					t.Errorf("Total = %d, want %d", page.Total, len(tt.want))
				}
			})
		}
		t.Run("public list leaves out drafts; any status includes them", func(t *testing.T) {
			pub, err := f.cat.List(f.ctx, catalog.Filter{SiteID: f.site.ID}, true)
			f.must(err)
			all, err := f.cat.List(f.ctx, catalog.Filter{SiteID: f.site.ID, Status: "*"}, true)
			f.must(err)
			if pub.Total != len(items)-1 || all.Total != len(items) {
				t.Errorf("public %d, all %d; want %d and %d", pub.Total, all.Total, len(items)-1, len(items))
			}
			for _, it := range pub.Items {
				if !it.Public() {
					t.Errorf("public list shows %q (%s)", it.Title, it.Status)
				}
			}
			other, err := f.cat.List(f.ctx, catalog.Filter{SiteID: f.otherSite.ID, Status: "*"}, true)
			f.must(err)
			if other.Total != 0 {
				t.Errorf("another site lists %d items", other.Total)
			}
		})
		t.Run("years, publishers, last published", func(t *testing.T) {
			years, err := f.cat.Years(f.ctx, f.site.ID, nil)
			f.must(err)
			if !slices.Equal(years, []int{2022, 2021}) {
				t.Errorf("Years = %v", years)
			}
			years, err = f.cat.Years(f.ctx, f.site.ID, []int64{f.col["zcwj"].ID})
			f.must(err)
			if !slices.Equal(years, []int{2021}) {
				t.Errorf("Years(zcwj) = %v", years)
			}
			pubs, err := f.cat.Publishers(f.ctx, f.site.ID, nil)
			f.must(err)
			if !slices.Equal(pubs, []string{"临沂市人民政府"}) {
				t.Errorf("Publishers = %v", pubs)
			}
			last, err := f.cat.LastPublished(f.ctx, f.site.ID)
			f.must(err)
			if last[f.col["zcjd"].ID] != "2022-01-01" || last[f.col["zcwj"].ID] != "2021-05-01" || last[f.col["rsrm"].ID] != "" {
				t.Errorf("LastPublished = %v", last)
			}
		})
	})
}

func TestListOrderAndPages(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		// 25 items over 5 dates, 5 a day, created in a shuffled date order.
		dates := []string{"2021-03-03", "2021-01-01", "2021-05-05", "2021-02-02", "2021-04-04"}
		for i := range 25 {
			f.published(f.dated(fmt.Sprintf("条目%02d", i), dates[i%5], f.fzk))
		}
		f.create(f.fzkEditor, f.dated("草稿", "2021-06-06", f.fzk))
		all, err := f.cat.List(f.ctx, catalog.Filter{SiteID: f.site.ID, Limit: 100}, true)
		f.must(err)
		if len(all.Items) != 25 || all.Total != 25 || all.NextCursor != "" {
			t.Fatalf("full list: %d items, total %d, cursor %q", len(all.Items), all.Total, all.NextCursor)
		}
		for i := 1; i < len(all.Items); i++ {
			a, b := all.Items[i-1], all.Items[i]
			if a.PublishedOn < b.PublishedOn || (a.PublishedOn == b.PublishedOn && a.ID < b.ID) {
				t.Fatalf("order broken at %d: %s/%d before %s/%d", i, a.PublishedOn, a.ID, b.PublishedOn, b.ID)
			}
		}

		t.Run("numbered pages", func(t *testing.T) {
			var walked []int64
			for offset := 0; offset < 30; offset += 7 {
				page, err := f.cat.List(f.ctx, catalog.Filter{SiteID: f.site.ID, Offset: offset, Limit: 7}, true)
				f.must(err)
				if page.Total != 25 {
					t.Errorf("offset %d: Total %d", offset, page.Total)
				}
				for _, it := range page.Items {
					walked = append(walked, it.ID)
				}
			}
			if !slices.Equal(walked, ids(all.Items)) {
				t.Errorf("pages walk %v, want %v", walked, ids(all.Items))
			}
			page, err := f.cat.List(f.ctx, catalog.Filter{SiteID: f.site.ID, Offset: 100, Limit: 7}, false)
			f.must(err)
			if len(page.Items) != 0 || page.Total != 0 {
				t.Errorf("beyond the end: %d items, total %d (not counted)", len(page.Items), page.Total)
			}
		})

		t.Run("default and maximum page size", func(t *testing.T) {
			for _, limit := range []int{0, -1, 101} {
				page, err := f.cat.List(f.ctx, catalog.Filter{SiteID: f.site.ID, Limit: limit}, false)
				f.must(err)
				if len(page.Items) != 20 || page.NextCursor == "" {
					t.Errorf("limit %d: %d items, cursor %q", limit, len(page.Items), page.NextCursor)
				}
			}
		})

		for _, limit := range []int{1, 4, 5, 24, 25} {
			t.Run(fmt.Sprintf("cursor walk by %d", limit), func(t *testing.T) {
				f := f.with(t)
				var walked []int64
				seen := map[int64]bool{}
				cursor := ""
				for pages := 0; ; pages++ {
					if pages > 30 {
						t.Fatal("cursor walk does not end")
					}
					page, err := f.cat.List(f.ctx, catalog.Filter{SiteID: f.site.ID, Cursor: cursor, Limit: limit}, false)
					f.must(err)
					for _, it := range page.Items {
						if seen[it.ID] {
							t.Fatalf("item %d listed twice", it.ID)
						}
						seen[it.ID] = true
						walked = append(walked, it.ID)
					}
					if page.NextCursor == "" {
						break
					}
					cursor = page.NextCursor
				}
				if !slices.Equal(walked, ids(all.Items)) {
					t.Errorf("cursor walk %v, want %v", walked, ids(all.Items))
				}
			})
		}

		t.Run("bad cursor", func(t *testing.T) {
			enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
			for _, c := range []string{"!!!", enc("garbage"), enc("2021-13-01|5"), enc("2021-01-01|x"), enc("2021-01-01"), enc("<script>|1")} {
				_, err := f.cat.List(f.ctx, catalog.Filter{SiteID: f.site.ID, Cursor: c}, false)
				if err != catalog.ErrBadCursor {
					t.Errorf("cursor %q: %v, want ErrBadCursor", c, err)
				}
				wantCode(t, err, errs.Invalid)
			}
		})
	})
}

func ids(items []*catalog.Item) []int64 {
	var out []int64
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

func TestNeighbours(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p1 := f.published(f.dated("一月", "2021-01-01", f.fzk))
		p2 := f.published(f.dated("二月甲", "2021-02-01", f.fzk))
		p3 := f.published(f.dated("二月乙", "2021-02-01", f.pfk))
		p4 := f.published(f.dated("三月", "2021-03-01", f.fzk))
		// Skipped: a withdrawn item and a draft of the column, and another column's item.
		w := f.published(f.dated("撤回", "2021-02-15", f.fzk))
		_, err := f.cat.Withdraw(f.ctx, f.office, f.site.ID, w.ID, "撤回")
		f.must(err)
		f.create(f.fzkEditor, f.dated("草稿", "2021-02-20", f.fzk))
		other := f.input("notice", "别的栏目")
		other.PublishedOn = "2021-02-10"
		f.published(other)

		tests := []struct {
			it         *catalog.Item
			prev, next *catalog.Item
		}{
			{p1, p2, nil},
			{p2, p3, p1},
			{p3, p4, p2},
			{p4, nil, p3},
		}
		title := func(it *catalog.Item) string {
			if it == nil {
				return "<none>"
			}
			return it.Title
		}
		for _, tt := range tests {
			prev, next, err := f.cat.Neighbours(f.ctx, tt.it)
			f.must(err)
			if title(prev) != title(tt.prev) || title(next) != title(tt.next) {
				t.Errorf("%s: 上一条 %s, 下一条 %s; want %s, %s", tt.it.Title, title(prev), title(next), title(tt.prev), title(tt.next))
			}
		}
	})
}

func TestRelatedDocuments(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		policy := f.published(f.input("policy", "行政执法公示办法"))
		policy2 := f.published(f.input("policy", "另一个办法"))
		news := f.published(f.input("news", "工作动态"))

		in := f.input("interpretation", "办法解读")
		in.Interprets = []int64{policy.ID, policy.ID} // duplicates collapse
		interp := f.published(in)

		rel, err := f.cat.Related(f.ctx, policy, true)
		f.must(err)
		if len(rel) != 1 || rel[0].ID != interp.ID {
			t.Errorf("Related(policy) = %q, want the interpretation", titles(rel))
		}
		rel, err = f.cat.Related(f.ctx, interp, true)
		f.must(err)
		if len(rel) != 1 || rel[0].ID != policy.ID {
			t.Errorf("Related(interpretation) = %q, want the policy", titles(rel))
		}
		if got, _ := f.cat.Interprets(f.ctx, interp.ID); !slices.Equal(got, []int64{policy.ID}) {
			t.Errorf("Interprets = %v", got)
		}
		if rel, _ := f.cat.Related(f.ctx, policy2, true); len(rel) != 0 {
			t.Errorf("Related(unlinked policy) = %q", titles(rel))
		}

		// An unpublished interpretation shows only to staff.
		in = f.input("interpretation", "未发布的解读")
		in.Interprets = []int64{policy.ID}
		draft := f.create(f.fzkEditor, in)
		if rel, _ := f.cat.Related(f.ctx, policy, true); len(rel) != 1 {
			t.Errorf("public Related(policy) = %q", titles(rel))
		}
		if rel, _ := f.cat.Related(f.ctx, policy, false); len(rel) != 2 {
			t.Errorf("staff Related(policy) = %q", titles(rel))
		}

		// Linking to a non-policy is refused; relinking replaces the links.
		form, err := f.cat.InputOf(f.ctx, draft)
		f.must(err)
		if !slices.Equal(form.Interprets, []int64{policy.ID}) {
			t.Errorf("InputOf.Interprets = %v", form.Interprets)
		}
		form.Interprets = []int64{news.ID}
		_, err = f.cat.Update(f.ctx, f.fzkEditor, f.site.ID, draft.ID, form)
		wantField(t, err, errs.Invalid, "interprets")
		form.Interprets = []int64{policy2.ID}
		_, err = f.cat.Update(f.ctx, f.fzkEditor, f.site.ID, draft.ID, form)
		f.must(err)
		if got, _ := f.cat.Interprets(f.ctx, draft.ID); !slices.Equal(got, []int64{policy2.ID}) {
			t.Errorf("Interprets after relinking = %v", got)
		}
		// Types that do not interpret store no links.
		in = f.input("general", "一般信息")
		in.Interprets = []int64{policy.ID}
		gen := f.create(f.fzkEditor, in)
		if got, _ := f.cat.Interprets(f.ctx, gen.ID); len(got) != 0 {
			t.Errorf("general item links %v", got)
		}
	})
}
