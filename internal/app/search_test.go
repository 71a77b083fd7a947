package app

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gongkai/internal/search"
)

// Site search over real HTTP (issue 8): the results page, feed, advanced
// form, suggestions, click tracking, the API, bad input and the back office.

var goLinkRE = regexp.MustCompile(`href="(/search/go\?[^"]+)"`)

func TestSearchResultsPage(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.browser()
		title := "2021年临沂市司法局政务公开工作重点任务安排"
		r := b.get("/search?q=" + url.QueryEscape("政务公开工作重点"))
		if r.status != 200 {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		mustContain(t, unescape(r.body), "全部（", `aria-label="按信息类别"`, "<mark>", "按相关度", "/search/feed.xml?q=", "订阅本次检索")
		mustContain(t, unescape(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(r.body, "")), title)
		if !regexp.MustCompile(`<strong>(共|超过) \d+ 条</strong>`).MatchString(r.body) {
			t.Errorf("no result count")
		}
		// The header box is on the page, with the suggestion hook.
		mustContain(t, r.body, `id="site-q"`, "data-suggest", "/search/advanced")
		// Result links go through the click tracker, which records the
		// click and sends the visitor to the item.
		m := goLinkRE.FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("no tracked result link")
		}
		rr := b.get(unescape(m[1]))
		if rr.status != http.StatusFound || !strings.HasPrefix(rr.location, "/items/") {
			t.Fatalf("click: %d %q", rr.status, rr.location)
		}
		var clicked int
		e.db.R.QueryRow(`SELECT COUNT(*) FROM search_clicks`).Scan(&clicked)
		if clicked != 1 {
			t.Errorf("clicks recorded: %d", clicked)
		}
		// The search was logged once, normalised.
		var n int
		e.db.R.QueryRow(`SELECT COUNT(*) FROM search_queries WHERE query = $1 AND clicked = 1`, "政务公开工作重点").Scan(&n)
		if n != 1 {
			t.Errorf("logged searches with a click: %d", n)
		}
		// Sorting by date and a kind tab keep the words.
		if r := b.get("/search?q=" + url.QueryEscape("政务公开") + "&sort=date"); r.status != 200 || !strings.Contains(r.body, "按日期</strong>") {
			t.Errorf("sort by date: %d", r.status)
		}
		// The year facet reads newest first, whatever each year's count.
		ym := regexp.MustCompile(`(?s)<ul aria-labelledby="facet-year">(.*?)</ul>`).FindStringSubmatch(b.get("/search?q=" + url.QueryEscape("政务公开")).body)
		if ym == nil {
			t.Fatal("no year facet")
		}
		var years []string
		for _, y := range regexp.MustCompile(`>(\d{4})年（`).FindAllStringSubmatch(ym[1], -1) {
			years = append(years, y[1])
		}
		if len(years) < 2 || !slices.IsSortedFunc(years, func(a, b string) int { return strings.Compare(b, a) }) {
			t.Errorf("year facet not newest first: %v", years)
		}
		// An item page still has the header box; the old search route is gone
		// from the catalogue (the golden file holds one GET /search).
		if r := b.get("/xxgk/guide"); !strings.Contains(r.body, `action="/search"`) {
			t.Errorf("no search box on the guide page")
		}
	})
}

func TestSearchFeedAdvancedSuggest(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.browser()
		r := b.get("/search/feed.xml?q=" + url.QueryEscape("政务公开"))
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/atom+xml") {
			t.Fatalf("feed: %d %s", r.status, r.header.Get("Content-Type"))
		}
		mustContain(t, r.body, "<feed", "<entry>", `rel="self"`)
		if r := b.get("/search/feed.xml"); r.status != http.StatusUnprocessableEntity {
			t.Errorf("feed without a query: %d", r.status)
		}
		r = b.get("/search/advanced?q=" + url.QueryEscape("法律"))
		if r.status != 200 {
			t.Fatalf("advanced: %d", r.status)
		}
		mustContain(t, r.body, `name="phrase"`, `name="exclude"`, `name="docno"`, `name="indexno"`, `name="publisher"`, `name="from"`, `name="to"`,
			`name="validity"`, `name="column"`, `name="kind"`, `name="title"`, `value="法律"`, `action="/search"`)
		// A loose 文号 finds the document.
		r = b.get("/search?docno=" + url.QueryEscape("临司发 2021 8"))
		if r.status != 200 || !strings.Contains(unescape(r.body), "临司发〔2021〕8号") {
			t.Errorf("docno search: %d", r.status)
		}
		var sg struct {
			Suggestions []string `json:"suggestions"`
		}
		for _, q := range []string{"政务", "!!!", strings.Repeat("长", 60), ""} {
			r := b.get("/search/suggest?q=" + url.QueryEscape(q))
			if r.status != 200 || json.Unmarshal([]byte(r.body), &sg) != nil || sg.Suggestions == nil {
				t.Errorf("suggest %q: %d %s", q, r.status, r.body)
			}
		}
	})
}

func TestSearchBadInput(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.browser()
		q := func(s string) string { return url.QueryEscape(s) }
		cases := []struct {
			path   string
			status int
			want   string
		}{
			{"/search", 200, "搜索关键词"},
			{"/search?q=+", 422, "请输入要搜索的关键词"},
			{"/search?q=" + q(strings.Repeat("长", 201)), 422, "关键词最多 200 个字"},
			{"/search?q=" + q(strings.Repeat("长", 200)), 200, "全部（"},
			{"/search?q=" + q("！@#￥%……&*（）"), 200, "没有可以检索的文字"},
			{"/search?q=" + q(`+ - | " * ( ) ~ ^ :`), 200, "没有可以检索的文字"},
			{"/search?q=" + q("%"), 200, "共 0 条"},
			{"/search?q=x&from=2021-13-01", 422, "开始日期格式"},
			{"/search?q=x&from=2021-05-01&to=2021-01-01", 422, "结束日期不能早于开始日期"},
			{"/search?q=x&year=20x1", 422, "年份应为"},
			{"/search?q=x&column=nope", 422, "栏目不存在"},
			{"/search?q=x&validity=bogus", 422, "有效性"},
			{"/search?q=x&kind=bogus", 422, "没有这种信息类别"},
			{"/search?q=x&sort=bogus", 422, "排序"},
			{"/search?q=x&page=abc", 422, "页码应为正整数"},
			{"/search?q=x&page=101", 422, "最多可翻到第 100 页"},
			{"/search?q=x&docno=" + q(strings.Repeat("号", 101)), 422, "文号最多 100 个字"},
			{"/search?q=" + q(`"unterminated AND OR NOT (`), 200, "全部（"},
			{"/search?q=" + q("<script>alert(1)</script>"), 200, "&lt;script&gt;"},
			{"/search/feed.xml?q=x&year=abc", 422, "年份应为"},
		}
		for _, c := range cases {
			r := b.get(c.path)
			if r.status != c.status {
				t.Errorf("%.80s: status %d, want %d", c.path, r.status, c.status)
			}
			if !strings.Contains(unescape(r.body), unescape(c.want)) && !strings.Contains(r.body, c.want) {
				t.Errorf("%.80s: body lacks %q", c.path, c.want)
			}
			if strings.Contains(r.body, "<script>alert(1)") {
				t.Errorf("%s: unescaped markup", c.path)
			}
		}
	})
}

// TestSearchClickNoOpenRedirect: /search/go sends visitors only to paths on
// this site; any other target is refused without a Location.
func TestSearchClickNoOpenRedirect(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.browser()
		for _, to := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil.example", "javascript:alert(1)",
			"http:/evil.example", " /items/1", "", "evil.example"} {
			r := b.get("/search/go?log=1&to=" + url.QueryEscape(to))
			if r.status == http.StatusFound || r.location != "" || r.status >= 500 {
				t.Errorf("to=%q: status %d, Location %q", to, r.status, r.location)
			}
		}
		// %0d%0a decoded by url.QueryEscape above stays literal; a raw CR/LF
		// in the value is refused too.
		r := b.get("/search/go?to=/items/1%0d%0aX:1")
		if r.status == http.StatusFound {
			t.Errorf("CRLF target redirected to %q", r.location)
		}
		for _, to := range []string{"/items/1", "/columns/zcwj?page=2"} {
			r := b.get("/search/go?log=999999&to=" + url.QueryEscape(to))
			if r.status != http.StatusFound || r.location != to {
				t.Errorf("to=%q: status %d, Location %q", to, r.status, r.location)
			}
		}
	})
}

func TestSearchAPI(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newAPIClient(t, e)
		q := url.QueryEscape
		c.run(t, []apiScenario{
			{name: "words", method: "GET", path: "/api/v1/search?q=" + q("政务公开"), wantStatus: 200, check: func(t *testing.T, r apiResp) {
				var body struct {
					Total   int `json:"total"`
					Results []struct {
						ID    int64  `json:"id"`
						Kind  string `json:"kind"`
						Title string `json:"title"`
						URL   string `json:"url"`
					} `json:"results"`
					Facets     map[string][]map[string]any `json:"facets"`
					NextCursor *string                     `json:"next_cursor"`
				}
				r.decode(t, &body)
				if body.Total == 0 || len(body.Results) == 0 || body.Results[0].URL == "" || body.Results[0].Kind == "" {
					t.Errorf("results %+v", body)
				}
				for _, f := range search.Facets {
					if _, ok := body.Facets[f]; !ok {
						t.Errorf("facet %s missing", f)
					}
				}
				if body.Total > 2 {
					next := c.do(t, "GET", "/api/v1/search?q="+q("政务公开")+"&limit=1", "", nil, "")
					var p struct {
						NextCursor *string `json:"next_cursor"`
					}
					json.Unmarshal([]byte(next.body), &p)
					if p.NextCursor == nil {
						t.Fatalf("no next_cursor: %s", next.body)
					}
					if r := c.do(t, "GET", "/api/v1/search?q="+q("政务公开")+"&limit=1&cursor="+q(*p.NextCursor), "", nil, ""); r.status != 200 || !strings.Contains(r.body, `"page":2`) {
						t.Errorf("cursor: %d %s", r.status, clipBody(r.body))
					}
				}
			}},
			{name: "filters", method: "GET", path: "/api/v1/search?q=" + q("临沂") + "&kind=policy&validity=in_force&year=2021&sort=date&from=2021-01-01&to=2021-12-31&page=1&limit=5", wantStatus: 200},
			{name: "column slug", method: "GET", path: "/api/v1/search?q=" + q("政策") + "&column=zcwj", wantStatus: 200},
			{name: "punctuation only", method: "GET", path: "/api/v1/search?q=" + q("！！？"), wantStatus: 200, wantContains: []string{`"total":0`, `"results":[]`}},
			{name: "no query", method: "GET", path: "/api/v1/search", wantStatus: 422, wantFields: []string{"q"}},
			{name: "long", method: "GET", path: "/api/v1/search?q=" + q(strings.Repeat("长", 201)), wantStatus: 422, wantFields: []string{"q"}},
			{name: "bad date", method: "GET", path: "/api/v1/search?q=x&from=2021-02-30", wantStatus: 422, wantFields: []string{"from"}},
			{name: "bad year", method: "GET", path: "/api/v1/search?q=x&year=1800", wantStatus: 422, wantFields: []string{"year"}},
			{name: "bad column", method: "GET", path: "/api/v1/search?q=x&column=nope", wantStatus: 422, wantFields: []string{"column"}},
			{name: "bad cursor", method: "GET", path: "/api/v1/search?q=x&cursor=%25%25", wantStatus: 422, wantFields: []string{"cursor"}},
			{name: "bad limit", method: "GET", path: "/api/v1/search?q=x&limit=500", wantStatus: 422, wantFields: []string{"limit"}},
			{name: "bad page", method: "GET", path: "/api/v1/search?q=x&page=0", wantStatus: 422, wantFields: []string{"page"}},
			{name: "bad sort", method: "GET", path: "/api/v1/search?q=x&sort=random", wantStatus: 422, wantFields: []string{"sort"}},
			{name: "bad token", method: "GET", path: "/api/v1/search?q=x", token: "bad", wantStatus: 401},
		})
	})
}

func TestSearchAdmin(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		admin := e.browser().login("admin")
		r := admin.get("/admin/search/synonyms")
		if r.status != 200 {
			t.Fatalf("synonyms: %d", r.status)
		}
		// The default table was loaded, and the admin nav links here.
		mustContain(t, r.body, "双随机 = 双随机一公开", `href="/admin/search/synonyms"`)
		r = admin.post("/admin/search/synonyms", url.Values{"terms": {"社区矫正\n社区娇正"}, "note": {"常见错字"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("save synonym: %d %s", r.status, r.body)
		}
		if r := admin.get("/admin/search/synonyms?done=synonym_saved"); !strings.Contains(r.body, "社区矫正 = 社区娇正") || !strings.Contains(r.body, "同义词已保存") {
			t.Errorf("saved group not listed")
		}
		// Invalid: one term only, too long a term: 422 with the field's message.
		r = admin.post("/admin/search/synonyms", url.Values{"terms": {"只有一个"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "至少要有两个不同的词") {
			t.Errorf("one term: %d", r.status)
		}
		r = admin.post("/admin/search/synonyms", url.Values{"terms": {strings.Repeat("长", 51) + "\n短"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "每个词最多 50 个字") {
			t.Errorf("long term: %d", r.status)
		}
		// Without the form token: refused.
		r = admin.post("/admin/search/synonyms", url.Values{"terms": {"甲\n乙"}, "csrf": {"wrong"}})
		if r.status != http.StatusForbidden {
			t.Errorf("bad csrf: %d", r.status)
		}
		var audited int
		e.db.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'search.synonym.save'`).Scan(&audited)
		if audited != 1 {
			t.Errorf("audit rows %d", audited)
		}
		var gid string
		e.db.R.QueryRow(`SELECT id FROM search_synonyms WHERE terms LIKE '社区矫正%'`).Scan(&gid)
		if r := admin.post("/admin/search/synonyms/"+gid+"/delete", nil); r.status != http.StatusSeeOther {
			t.Errorf("delete: %d", r.status)
		}

		// Best bets: a local link pinned to a query shows above the results.
		r = admin.post("/admin/search/bestbets", url.Values{"query": {"信息公开指南"}, "target": {"url"}, "url": {"/xxgk/guide"}, "title": {"政府信息公开指南（推荐）"}, "position": {"1"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("save best bet: %d %s", r.status, r.body)
		}
		r = admin.post("/admin/search/bestbets", url.Values{"query": {"x"}, "target": {"url"}, "url": {"https://evil.example/"}, "title": {"t"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "只能推荐本站的链接") {
			t.Errorf("foreign best bet: %d", r.status)
		}
		pub := e.browser().get("/search?q=" + url.QueryEscape("信息公开指南"))
		mustContain(t, pub.body, "推荐结果", "政府信息公开指南（推荐）")

		// Analytics: the searches above are counted.
		r = admin.get("/admin/search/analytics?from=2000-01-01&to=2100-01-01")
		if r.status != http.StatusUnprocessableEntity {
			t.Errorf("too long a period: %d", r.status)
		}
		day := testDay.String()
		_ = day
		r = admin.get("/admin/search/analytics")
		if r.status != 200 {
			t.Fatalf("analytics: %d", r.status)
		}
		mustContain(t, r.body, "热门检索词", "无结果的检索词", "有结果但无人点击的检索词", "按周统计")
		if r := admin.get("/admin/search/analytics?from=2026-13-01&to=2026-12-01"); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "开始日期格式") {
			t.Errorf("bad from: %d", r.status)
		}

		// Editors and the office may not edit the search settings.
		for _, name := range []string{"fzk", "office"} {
			u := e.browser().login(name)
			if r := u.get("/admin/search/synonyms"); r.status != http.StatusForbidden {
				t.Errorf("%s GET synonyms: %d", name, r.status)
			}
			if r := u.post("/admin/search/synonyms", url.Values{"terms": {"甲\n乙"}}); r.status != http.StatusForbidden {
				t.Errorf("%s POST synonyms: %d", name, r.status)
			}
			if r := u.post("/admin/search/bestbets", url.Values{"query": {"甲"}, "target": {"url"}, "url": {"/"}, "title": {"t"}}); r.status != http.StatusForbidden {
				t.Errorf("%s POST best bets: %d", name, r.status)
			}
			if r := u.get("/admin/search/analytics"); r.status != http.StatusForbidden {
				t.Errorf("%s analytics: %d", name, r.status)
			}
		}
		var n int
		e.db.R.QueryRow(`SELECT COUNT(*) FROM search_synonyms WHERE terms = $1`, "甲\n乙").Scan(&n)
		if n != 0 {
			t.Errorf("a refused edit was stored")
		}
		_ = context.Background()
	})
}
