package app

import (
	"fmt"
	"gongkai/internal/catalog"
	"gongkai/internal/store"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var itemIDRE = regexp.MustCompile(`^/admin/items/(\d+)\?done=`)

// TestEditorToPublicWorkflow is the foundation's end-to-end path over HTTP:
// a department editor drafts, a reviewer returns it, the editor resubmits,
// the office publishes, the public sees it with its index number, and the
// audit log shows every step; an editor of another department cannot touch it.
func TestEditorToPublicWorkflow(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		tree := e.mustTree(t)
		zcwj := tree.BySlug["zcwj"].ID

		editor := e.browser().login("fzk") // 法制科编辑
		// The form for a new policy document.
		r := editor.get("/admin/items/new?type=policy&column=zcwj")
		if r.status != 200 {
			t.Fatalf("new form: %d", r.status)
		}
		mustContain(t, r.body, "新建政策文件", "成文日期", "有效性", "规范性文件", "公开方式")

		form := url.Values{"doc_type": {"policy"}, "column_id": {itoa(zcwj)}, "title": {"临沂市司法局关于规范行政复议受理工作的通知"},
			"publisher": {"临沂市司法局"}, "doc_no": {"临司发〔2026〕9号"}, "written_on": {"2026-11-20"}, "validity": {"in_force"},
			"normative": {"1"}, "reg_no": {"LYDR-2026-0150009"}, "disclosure": {"proactive"}, "body": {`<p>各县区司法局：</p><script>alert(1)</script><p>现就有关事项通知如下。</p>`}}

		// Bad input first: no title, no disclosure → 422 with messages tied to fields, nothing saved.
		bad := cloneForm(form)
		bad.Del("title")
		bad.Del("disclosure")
		r = editor.post("/admin/items", bad)
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("invalid draft: status %d", r.status)
		}
		mustContain(t, r.body, "请填写信息名称", "请选择公开方式", `aria-invalid="true"`, `id="e-title"`)
		if n := e.countItems(t); n != e.countItems(t) {
			t.Fatal("count unstable")
		}
		before := e.countItems(t)

		r = editor.post("/admin/items", form)
		if r.status != http.StatusSeeOther {
			t.Fatalf("create: status %d: %s", r.status, r.body)
		}
		if e.countItems(t) != before+1 {
			t.Fatalf("items: want %d", before+1)
		}
		m := itemIDRE.FindStringSubmatch(r.location)
		if m == nil {
			t.Fatalf("redirect %q", r.location)
		}
		id := m[1]
		page := editor.get("/admin/items/" + id)
		mustContain(t, page.body, "草稿", "提交审核")
		mustNotContain(t, page.body, "<script>alert(1)</script>")

		// Another department's editor can neither see the edit form nor submit it.
		other := e.browser().login("pfk")
		if r := other.get("/admin/items/" + id + "/edit"); r.status != 200 {
			// The form is only refused on save; the page itself may show.
			_ = r
		}
		// (post wrote the editor's form token into form: send pfk's own, so
		// that the refusal is the authorisation's, not the token check's.)
		edit := withVersion(form, "1")
		edit.Del("csrf")
		r = other.post("/admin/items/"+id, edit)
		if r.status != http.StatusNotFound {
			t.Errorf("other department edit: status %d", r.status)
		}
		// A draft of another department is not there for them (404, as its page).
		r = other.post("/admin/items/"+id+"/submit", nil)
		if r.status != http.StatusNotFound {
			t.Errorf("other department submit: status %d", r.status)
		}

		// Submit; the reviewer returns it with a comment (a comment is required).
		if r := editor.post("/admin/items/"+id+"/submit", nil); r.status != http.StatusSeeOther {
			t.Fatalf("submit: %d %s", r.status, r.body)
		}
		reviewer := e.browser().login("reviewer")
		if r := reviewer.post("/admin/items/"+id+"/return", url.Values{"comment": {""}}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("return without comment: %d", r.status)
		} else {
			mustContain(t, r.body, "请填写退回意见")
		}
		if r := reviewer.post("/admin/items/"+id+"/return", url.Values{"comment": {"请补充施行日期。"}}); r.status != http.StatusSeeOther {
			t.Fatalf("return: %d %s", r.status, r.body)
		}
		page = editor.get("/admin/items/" + id)
		mustContain(t, page.body, "已退回", "请补充施行日期。")

		// The office cannot publish a returned item; the editor fixes and resubmits.
		office := e.browser().login("office")
		if r := office.post("/admin/items/"+id+"/publish", nil); r.status != http.StatusConflict {
			t.Errorf("publish returned item: %d", r.status)
		}
		fixed := withVersion(form, versionOf(t, editor, id))
		fixed.Set("effective_on", "2026-12-01")
		if r := editor.post("/admin/items/"+id, fixed); r.status != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", r.status, r.body)
		}
		if r := editor.post("/admin/items/"+id+"/submit", nil); r.status != http.StatusSeeOther {
			t.Fatalf("resubmit: %d", r.status)
		}
		// Editors cannot publish.
		if r := editor.post("/admin/items/"+id+"/publish", nil); r.status != http.StatusForbidden {
			t.Errorf("editor publish: %d", r.status)
		}
		// The reviewer approves; an approved item offers no second approval.
		if r := reviewer.post("/admin/items/"+id+"/approve", nil); r.status != http.StatusSeeOther {
			t.Fatalf("approve: %d %s", r.status, r.body)
		}
		page = reviewer.get("/admin/items/" + id)
		mustContain(t, page.body, "已审核通过，待政务公开办公室发布", "退回修改")
		mustNotContain(t, page.body, `action="/admin/items/`+id+`/approve"`)
		if r := office.post("/admin/items/"+id+"/publish", nil); r.status != http.StatusSeeOther {
			t.Fatalf("publish: %d %s", r.status, r.body)
		}
		mustNotContain(t, office.get("/admin/items/"+id).body, catalog.SkippedReview)
		// Publishing a submitted item that no reviewer approved is recorded
		// as such, with who did it.
		direct := withVersion(form, "0")
		direct.Set("title", "临沂市司法局关于直接发布的通知")
		direct.Set("doc_no", "临司发〔2026〕19号")
		direct.Set("reg_no", "LYDR-2026-0150019")
		r = editor.post("/admin/items", direct)
		did := itemIDRE.FindStringSubmatch(r.location)
		if did == nil {
			t.Fatalf("create: %d %s", r.status, clipBody(r.body))
		}
		if r := editor.post("/admin/items/"+did[1]+"/submit", nil); r.status != http.StatusSeeOther {
			t.Fatalf("submit: %d", r.status)
		}
		if r := office.post("/admin/items/"+did[1]+"/publish", nil); r.status != http.StatusSeeOther {
			t.Fatalf("direct publish: %d %s", r.status, clipBody(r.body))
		}
		mustContain(t, office.get("/admin/items/"+did[1]).body, catalog.SkippedReview, "办公室")

		// The public sees it with its index number.
		page = office.get("/admin/items/" + id)
		idx := regexp.MustCompile(`索引号：(1438332193/fzk/\d{4}-\d{7})`).FindStringSubmatch(page.body)
		if idx == nil {
			t.Fatalf("no index number on the admin page")
		}
		public := e.browser()
		r = public.get("/items/" + id)
		if r.status != 200 {
			t.Fatalf("public page: %d", r.status)
		}
		mustContain(t, r.body, strings.ReplaceAll(idx[1], "/", "/<wbr>"), "临沂市司法局关于规范行政复议受理工作的通知", "临司发〔2026〕9号", "2026-11-20", "主动公开", "施行日期", "2026-12-01", "现就有关事项通知如下。")
		mustNotContain(t, r.body, "alert(1)")
		if r := public.get("/columns/zcwj"); !strings.Contains(r.body, "/items/"+id) {
			t.Error("column page does not list the new item")
		}

		// After publishing, the other editor still cannot touch it, and the
		// own editor cannot change it without the office.
		if r := other.post("/admin/items/"+id+"/withdraw", url.Values{"reason": {"x"}}); r.status != http.StatusForbidden {
			t.Errorf("other editor withdraw: %d", r.status)
		}

		// The audit log shows every step.
		admin := e.browser().login("admin")
		r = admin.get("/admin/audit?target=item:" + id)
		for _, action := range []string{"item.create", "item.submit", "item.return", "item.edit", "item.publish"} {
			if !strings.Contains(r.body, action) {
				t.Errorf("audit log lacks %s", action)
			}
		}
		mustContain(t, r.body, "校验链完整")
		if strings.Count(r.body, "item.submit") != 2 {
			t.Errorf("want two submits in the audit log")
		}
		// Editors may not read the audit log.
		if r := editor.get("/admin/audit"); r.status != http.StatusForbidden {
			t.Errorf("editor audit: %d", r.status)
		}
	})
}

func TestStaleEditRefused(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		office := e.browser().login("office")
		id := e.itemID(t, "临沂市司法局行政执法公示办法")
		form := e.editForm(t, id)
		form.Set("change_note", "更正标题")
		first := cloneForm(form)
		first.Set("title", "临沂市司法局行政执法公示办法（更正）")
		if r := office.post("/admin/items/"+id, first); r.status != http.StatusSeeOther {
			t.Fatalf("first save: %d %s", r.status, r.body)
		}
		second := cloneForm(form)
		second.Set("title", "另一个标题")
		r := office.post("/admin/items/"+id, second)
		if r.status != http.StatusConflict {
			t.Fatalf("stale save: want 409, got %d", r.status)
		}
		mustContain(t, r.body, "已被他人修改")
		pub := e.browser().get("/items/" + id)
		mustContain(t, pub.body, "临沂市司法局行政执法公示办法（更正）", "历史版本", "更正标题")
		mustNotContain(t, pub.body, "另一个标题")
	})
}

func TestLoginAndCSRF(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.browser()
		if r := b.get("/admin"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/admin/login") {
			t.Fatalf("anonymous /admin: %d %s", r.status, r.location)
		}
		r := b.post("/admin/login", url.Values{"name": {"office"}, "password": {"wrong-password"}})
		if r.status != http.StatusUnauthorized {
			t.Fatalf("bad login: %d", r.status)
		}
		mustContain(t, r.body, "登录名或密码错误")
		b.login("office")
		// A POST without the session's form token is refused.
		r = b.post("/admin/items", url.Values{"csrf": {"forged"}, "title": {"x"}})
		if r.status != http.StatusForbidden {
			t.Errorf("forged token: %d", r.status)
		}
		// A cross-site POST is refused by the cross-origin check even with the token.
		req, _ := http.NewRequest("POST", e.ts.URL+"/admin/logout", strings.NewReader("csrf="+b.csrf))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if r := b.do(req); r.status != http.StatusForbidden {
			t.Errorf("cross-site post: %d", r.status)
		}
		// Login attempts are rate limited.
		c := e.browser()
		var last int
		for range 8 {
			last = c.post("/admin/login", url.Values{"name": {"admin"}, "password": {"nope-nope-nope"}}).status
		}
		if last != http.StatusTooManyRequests {
			t.Errorf("eighth failed login: %d, want 429", last)
		}
	})
}

func TestPublicPages(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.browser()
		seed := e.itemID(t, "2021年临沂市司法局政务公开工作重点任务安排")
		r := b.get("/items/" + seed)
		if r.status != 200 {
			t.Fatalf("seed: %d", r.status)
		}
		mustContain(t, r.body, "1438332193/<wbr>sfj/<wbr>2021-0000192", "临沂市司法局", "2021-06-14", "主动公开", "2021年临沂市司法局政务公开工作重点任务安排",
			"为认真落实国家、省关于政务公开工作部署要求", "13.及时做好政府信息公开专栏维护更新",
			"上一条：<a", "中共临沂市委全面依法治市委员会办公室 临沂市司法局关于印发《2021 年全市普法依法治理工作要点》的通知",
			"下一条：<a", "临沂市司法局关于2020年法治政府建设情况的报告", "点击数",
			"临沂市北城新区北京路8号临沂市政务服务中心7楼", "(0539)8314196", "lyssfj@ly.shandong.cn", "(0539)8122990", "3713000062",
			"鲁ICP备10207760号", "鲁公网安备37130202371486号", `lang="zh-CN"`)
		if r.header.Get("ETag") == "" || r.header.Get("Last-Modified") == "" {
			t.Error("no ETag/Last-Modified")
		}
		// Conditional GET answers 304.
		req, _ := http.NewRequest("GET", e.ts.URL+"/items/"+seed, nil)
		req.Header.Set("If-None-Match", r.header.Get("ETag"))
		if r := b.do(req); r.status != http.StatusNotModified {
			t.Errorf("If-None-Match: %d", r.status)
		}
		for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"} {
			if r.header.Get(h) == "" {
				t.Errorf("missing %s", h)
			}
		}
		if !strings.Contains(r.header.Get("Content-Security-Policy"), "frame-ancestors") || strings.Contains(r.header.Get("Content-Security-Policy"), "unsafe-inline") {
			t.Errorf("CSP: %s", r.header.Get("Content-Security-Policy"))
		}

		// A repealed document carries a banner linking to its successor.
		old := e.itemID(t, "临沂市司法局行政执法公示办法（试行）")
		succ := e.itemID(t, "临沂市司法局行政执法公示办法")
		r = b.get("/items/" + old)
		mustContain(t, r.body, "<strong>已废止</strong>", `href="/items/`+succ+`"`, "历史版本")
		// A policy document and its interpretation link to each other.
		r = b.get("/items/" + succ)
		mustContain(t, r.body, "相关解读", "《临沂市司法局行政执法公示办法》政策解读")
		interp := e.itemID(t, "《临沂市司法局行政执法公示办法》政策解读")
		mustContain(t, b.get("/items/"+interp).body, "相关文件", `href="/items/`+succ+`"`)

		// The column page counts the column's published items (the demo's
		// 政策文件: the 2021 documents and last year's two).
		zcwj := e.count(t, `SELECT COUNT(*) FROM items i JOIN columns c ON c.id = i.column_id
			WHERE c.site_id = $1 AND c.slug = 'zcwj' AND i.status = 'published'`, e.site.ID)
		cases := []struct {
			path   string
			status int
			want   []string
		}{
			{"/", 200, []string{"工作动态", "政府信息公开指南", "政府信息公开目录"}},
			{"/columns/zcwj", 200, []string{"政策文件", "临司发〔2021〕8号", fmt.Sprintf("共 %d 条信息", zcwj), "有效性"}},
			{"/columns/zcwj?validity=repealed", 200, []string{"共 1 条信息", "（试行）"}},
			{"/columns/zcwj?normative=1&year=2021", 200, []string{"共 1 条信息"}},
			{"/columns/jhgh?publisher=" + url.QueryEscape("临沂市司法局"), 200, []string{"共 3 条信息"}},
			{"/columns/fdzdgk", 200, []string{"政策文件", "统计数据"}},
			{"/columns/zcwj?page=99", 302, nil}, // to its last page (TestPagePastTheEnd)
			{"/columns/zcwj/feed.xml", 200, []string{"<feed", "行政执法公示办法", "</feed>"}},
			{"/columns/nope", 404, []string{"栏目不存在"}},
			{"/items/999999", 404, []string{"信息不存在"}},
			{"/items/abc", 404, []string{"页面不存在"}},
			{"/xxgk/guide", 200, []string{"政府信息公开指南", "临沂市司法局办公室", "(0539)8314196", "20 个工作日", "第三十三条"}},
			{"/xxgk/catalogue", 200, []string{"1438332193/<wbr>sfj/<wbr>2021-0000192", "内容概述", "生成日期"}},
			{"/xxgk/catalogue?column=jhgh&year=2021", 200, []string{"共 3 条"}},
			{"/search?q=" + url.QueryEscape("政务公开工作重点"), 200, []string{"任务安排", "/search/go?log="}},
			{"/search?q=" + url.QueryEscape("%"), 200, []string{"共 0 条"}},
			{"/sitemap.xml", 200, []string{"<sitemapindex", "/sitemaps/items-1.xml"}},
			{"/sitemaps/items-1.xml", 200, []string{"<urlset", "/items/" + seed}},
			{"/sitemap", 200, []string{"网站地图", "政策文件"}},
			{"/contact", 200, []string{"联系我们", "lyssfj@ly.shandong.cn"}},
			{"/privacy", 200, []string{"隐私声明"}},
			{"/help", 200, []string{"使用帮助"}},
			{"/robots.txt", 200, []string{"Disallow: /admin/"}},
			{"/no/such/page", 404, []string{"页面不存在"}},
			{"/healthz", 200, []string{"ok"}},
		}
		for _, c := range cases {
			r := b.get(c.path)
			if r.status != c.status {
				t.Errorf("%s: status %d, want %d", c.path, r.status, c.status)
			}
			for _, w := range c.want {
				if !strings.Contains(r.body, w) {
					t.Errorf("%s: lacks %q", c.path, w)
				}
			}
		}
	})
}

func TestClickCountsBatched(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		seed := e.itemID(t, "2021年临沂市司法局政务公开工作重点任务安排")
		b := e.browser()
		var body string
		for range 5 {
			body = b.get("/items/" + seed).body
		}
		mustContain(t, body, `<span class="clicks">5</span>`)
		// Nothing written yet: the count lives in memory until the flush.
		var stored int64
		e.db.R.QueryRow(`SELECT clicks FROM items WHERE id = $1`, seed).Scan(&stored)
		if stored != 0 {
			t.Errorf("clicks written per view: %d", stored)
		}
		if err := e.cat.FlushClicks(t.Context(), &e.srv.Web.Clicks); err != nil {
			t.Fatal(err)
		}
		e.db.R.QueryRow(`SELECT clicks FROM items WHERE id = $1`, seed).Scan(&stored)
		if stored != 5 {
			t.Errorf("after flush: %d clicks stored, want 5", stored)
		}
		// A publish elsewhere clears the cache; the count carries on.
		e.srv.Web.Invalidate(e.site.ID)
		mustContain(t, b.get("/items/"+seed).body, `<span class="clicks">6</span>`)
	})
}

// TestMixedColumnFilters: a column holding several record types offers the
// type as a filter and shows a type's own filters only for that type (issue
// 15: /columns/xxgk rendered two <select id="f-kind"> for 任免类别 and
// 规划类别, and so ignored the first).
func TestMixedColumnFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.SQLite)
	b := e.browser()
	r := b.get("/columns/xxgk")
	if r.status != 200 {
		t.Fatalf("/columns/xxgk: %d", r.status)
	}
	ids := map[string]int{}
	for _, m := range regexp.MustCompile(`\sid="([^"]+)"`).FindAllStringSubmatch(r.body, -1) {
		ids[m[1]]++
	}
	for id, n := range ids {
		if n > 1 {
			t.Errorf("id %q appears %d times", id, n)
		}
	}
	mustContain(t, r.body, `<select id="f-doc_type" name="doc_type">`, `<option value="appointment">人事任免</option>`)
	if strings.Contains(r.body, `name="kind"`) {
		t.Error("a type's own filter is shown before a type is chosen")
	}
	r = b.get("/columns/xxgk?doc_type=appointment")
	mustContain(t, r.body, `<option value="appointment" selected>`, `<label for="f-kind">任免类别</label>`, "临沂市司法局关于张某某等同志职务任免的通知")
	if strings.Contains(r.body, "规划类别") || strings.Contains(r.body, `<label for="f-kind">类别</label>`) {
		t.Error("another type's filter is shown for 人事任免")
	}
	r = b.get("/columns/xxgk?doc_type=appointment&kind=" + url.QueryEscape("任免"))
	mustContain(t, r.body, "临沂市司法局关于张某某等同志职务任免的通知", `<option value="任免" selected>`)
	r = b.get("/columns/xxgk?doc_type=appointment&kind=" + url.QueryEscape("免职"))
	if strings.Contains(r.body, "临沂市司法局关于张某某等同志职务任免的通知") {
		t.Error("the 任免类别 filter is ignored")
	}
	// An unknown type is no filter, not an error.
	if r := b.get("/columns/xxgk?doc_type=nope"); r.status != 200 || strings.Contains(r.body, `name="kind"`) {
		t.Errorf("unknown doc_type: %d", r.status)
	}
}

// TestValidityShown: a policy published before its 施行日期 is marked 尚未施行
// on its page, in the column's list and filter and in the API (issue 15).
func TestValidityShown(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.SQLite)
	c := newAPIClient(t, e)
	cols := c.columnIDs(t)
	body := apiJSON(map[string]any{"column_id": cols["zcwj"], "doc_type": "policy", "department": "法制科", "title": "临沂市司法局明年施行的办法",
		"written_on": "2026-11-20", "validity": "in_force", "fields": map[string]string{"effective_on": "2027-01-01"},
		"body": "<p>正文</p>", "disclosure": "proactive", "publish": true})
	r := c.do(t, "POST", "/api/v1/items", "office", nil, body)
	if r.status != 201 || !strings.Contains(r.body, `"validity":"not_yet"`) {
		t.Fatalf("create: %d %s", r.status, clipBody(r.body))
	}
	it := r.item(t)
	b := e.browser()
	mustContain(t, b.get("/items/"+id64(it.ID)).body, `<strong>尚未施行</strong>：本文件自 2027-01-01 起施行。`)
	mustContain(t, b.get("/columns/zcwj?validity=not_yet").body, "临沂市司法局明年施行的办法", `<span class="tag tag-not_yet">尚未施行</span>`)
	if strings.Contains(b.get("/columns/zcwj?validity=in_force").body, "临沂市司法局明年施行的办法") {
		t.Error("a document not yet in force is listed as 有效")
	}
}
