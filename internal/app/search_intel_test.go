package app

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
)

var tagRE = regexp.MustCompile(`<[^>]+>`)

// text is a page's visible text (tags removed, entities decoded).
func text(body string) string { return unescape(tagRE.ReplaceAllString(body, "")) }

// What the search understands, over HTTP on the demo site: pinyin, a
// homophone typo, a synonym and a colloquial question; and that the index
// follows publishing and withdrawal at once (issue 8).
func TestSearchUnderstands(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.browser()
		for _, c := range []struct{ q, want, note string }{
			{"qzqd", "临沂市司法局权责清单", "pinyin initials"},
			{"quanzeqingdan", "临沂市司法局权责清单", "full pinyin"},
			{"怎么申请法律援助", "法律援助申请", "a colloquial question"},
			{"法援", "法律援助", "an abbreviation in the synonym table"},
			{"双随机", "“双随机、一公开”", "an abbreviation of a longer term"},
		} {
			r := b.get("/search?q=" + url.QueryEscape(c.q))
			if r.status != 200 || !strings.Contains(r.body, `class="hits"`) || !strings.Contains(text(r.body), c.want) {
				t.Errorf("%s %q: status %d, %q not among the results", c.note, c.q, r.status, c.want)
			}
		}
		// A typo typed by sound is corrected and its results shown, with
		// the way back to the words as typed.
		r := b.get("/search?q=" + url.QueryEscape("社区娇正"))
		mustContain(t, text(r.body), "已为您显示“社区矫正”的结果", "仍然搜索原词")
		if r := b.get("/search?q=" + url.QueryEscape("社区娇正") + "&original=1"); strings.Contains(text(r.body), "已为您显示") {
			t.Errorf("original=1 still shows the corrected words")
		}

		// Published: searchable when the request ends; withdrawn: gone.
		ctx := context.Background()
		office, err := e.au.UserByName(ctx, "office")
		if err != nil {
			t.Fatal(err)
		}
		col := e.mustTree(t).BySlug["gzdt"]
		it, err := e.cat.CreateItem(ctx, office, e.site.ID, catalog.NewItem{Publish: true, Department: "bgs",
			Input: catalog.Input{ColumnID: col.ID, Title: "临沭县枫桥式司法所创建观摩会召开", Disclosure: "proactive", Body: "<p>观摩会在临沭县青云镇召开。</p>"}})
		if err != nil {
			t.Fatal(err, errs.FieldsOf(err))
		}
		if r := b.get("/search?q=" + url.QueryEscape("枫桥式司法所")); !strings.Contains(text(r.body), it.Title) {
			t.Errorf("a published item is not searchable at once")
		}
		if _, err := e.cat.Withdraw(ctx, office, e.site.ID, it.ID, "重复发布"); err != nil {
			t.Fatal(err)
		}
		if r := b.get("/search?q=" + url.QueryEscape("枫桥式司法所")); strings.Contains(text(r.body), it.Title) {
			t.Errorf("a withdrawn item is still found")
		}

		// Item pages list related records from the index.
		r = b.get("/items/2")
		if !strings.Contains(r.body, `class="see-also"`) || !strings.Contains(r.body, "相关信息") {
			t.Fatalf("no 相关信息 on the seed item page")
		}
		sec := r.body[strings.Index(r.body, `class="see-also"`):]
		sec = sec[:strings.Index(sec, "</section>")]
		if strings.Count(sec, "<li>") < 2 || strings.Contains(sec, `href="/items/2"`) {
			t.Errorf("相关信息 should list other records: %s", sec)
		}
	})
}
