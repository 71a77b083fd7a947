package app

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gongkai/internal/lists"
)

// TestPortalNavigation: the main navigation is the site's main_nav, the
// entry of the page's section is marked current, link columns lead to
// their pages (and /columns/<link> redirects there), and the guide, the
// catalogue and the capability pages the tree links to get the
// breadcrumb and the side navigation of their section (issue 15).
func TestPortalNavigation(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.browser()
		nav := regexp.MustCompile(`(?s)<nav class="mainnav".*?</nav>`)
		home := b.get("/")
		if home.status != 200 {
			t.Fatalf("home: %d", home.status)
		}
		n := nav.FindString(home.body)
		// Every entry of the demo's main_nav, in order, with its page.
		want := []string{`href="/columns/xxgk"`, `href="/request"`, `href="/columns/zwdt"`, `href="/columns/bsfw"`, `href="/columns/dczj"`, `href="/columns/hdjl"`, `href="/newmedia"`}
		at := 0
		for _, w := range want {
			i := strings.Index(n[at:], w)
			if i < 0 {
				t.Fatalf("main nav lacks %s after position %d: %s", w, at, n)
			}
			at += i
		}
		mustContain(t, home.body, `<h2 id="sec-bsfw">办事服务</h2>`, `href="/lists/service_guides">办事指南</a>`, `href="/messages/new">我要留言</a>`)

		current := regexp.MustCompile(`<a href="([^"]+)" aria-current="true">`)
		for _, c := range []struct{ path, crumb, nav string }{
			{"/xxgk/guide", `<a href="/xxgk/guide">政府信息公开指南</a>`, "/columns/xxgk"},
			{"/xxgk/catalogue", `<a href="/xxgk/catalogue">政府信息公开目录</a>`, "/columns/xxgk"},
			{"/request", `<a href="/request">依申请公开</a>`, "/request"},
			{"/newmedia", `<a href="/newmedia">政务新媒体</a>`, "/newmedia"},
			{"/lists/service_guides", `<a href="/columns/bszn">办事指南</a>`, "/columns/xxgk"}, // the list's own column
		} {
			r := b.get(c.path)
			if r.status != 200 {
				t.Fatalf("%s: %d", c.path, r.status)
			}
			crumbs := regexp.MustCompile(`(?s)<nav class="crumbs.*?</nav>`).FindString(r.body)
			if !strings.Contains(crumbs, c.crumb) {
				t.Errorf("%s: breadcrumb lacks %s: %q", c.path, c.crumb, crumbs)
			}
			cur := current.FindAllStringSubmatch(nav.FindString(r.body), -1)
			if len(cur) != 1 || cur[0][1] != c.nav {
				t.Errorf("%s: current nav entries %v, want only %s", c.path, cur, c.nav)
			}
		}
		for _, p := range []string{"/xxgk/guide", "/xxgk/catalogue"} {
			mustContain(t, b.get(p).body, `<nav class="side" aria-label="政府信息公开栏目">`)
		}
		// No "进入" dead end: a link column's address sends the reader on.
		r := b.get("/columns/gkzn")
		if r.status != http.StatusFound || r.location != "/xxgk/guide" {
			t.Errorf("/columns/gkzn: %d %q", r.status, r.location)
		}
		// The section's tiles and the tree link straight to the pages.
		mustContain(t, b.get("/columns/bsfw").body, `<li><a href="/lists/service_guides">办事指南</a></li>`)
		mustNotContain(t, b.get("/sitemap").body, `href="/columns/gkzn"`)
		// The two 互动交流 columns have distinct names now.
		tree := e.mustTree(t)
		if tree.BySlug["hdjl"].Name == tree.BySlug["hdjlzx"].Name {
			t.Errorf("section and column share the name %q", tree.BySlug["hdjl"].Name)
		}

		// An administrator's main_nav changes the navigation.
		admin := e.browser().login("admin")
		form := e.settingsForm(t, admin)
		form.Set("main_nav", "zwdt, dczj")
		if r := admin.post("/admin/settings", form); r.status != http.StatusSeeOther {
			t.Fatalf("save settings: %d %s", r.status, r.body)
		}
		n = nav.FindString(b.get("/").body)
		if !strings.Contains(n, `/columns/zwdt`) || !strings.Contains(n, `/columns/dczj`) || strings.Contains(n, `/columns/xxgk`) {
			t.Errorf("main nav after the change: %s", n)
		}
	})
}

// settingsForm reads the settings form's current values.
func (e *env) settingsForm(t *testing.T, b *browser) url.Values {
	t.Helper()
	r := b.get("/admin/settings")
	if r.status != 200 {
		t.Fatalf("settings form: %d", r.status)
	}
	form := url.Values{}
	for _, m := range regexp.MustCompile(`<input id="f-[^"]+" name="([^"]+)"(?: type="url")? (?:inputmode="numeric" )?value="([^"]*)"`).FindAllStringSubmatch(r.body, -1) {
		form.Set(m[1], unescape(m[2]))
	}
	if form.Get("name") == "" {
		t.Fatalf("settings form: no name field read")
	}
	return form
}

func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	img.Set(0, 0, color.RGBA{0xc8, 0x10, 0x2e, 0xff})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSiteImages: the emblem and the footer's badges are images the site
// uploads (issue 15): an administrator replaces them, a bad file is
// refused with a clear message and changes nothing, other staff may not,
// the pages show the new files, and a removed one is gone.
func TestSiteImages(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		pub := e.browser()
		home := pub.get("/").body
		// The demo ships its own images.
		emblemRE := regexp.MustCompile(`<img class="emblem-img" src="(/site-images/emblem\?v=[^"]+)" alt=""`)
		m := emblemRE.FindStringSubmatch(home)
		if m == nil {
			t.Fatalf("home: no emblem image")
		}
		mustContain(t, home, `alt="党政机关网站标识"`, `<a class="psb" href="https://www.beian.gov.cn/portal/registerSystemInfo?recordcode=37130202371486"><img src="/site-images/psb?v=`)
		old := m[1]
		r := pub.get(unescape(old))
		if r.status != 200 || r.header.Get("Content-Type") != "image/png" || !strings.Contains(r.header.Get("Cache-Control"), "immutable") {
			t.Fatalf("emblem: %d %q %q", r.status, r.header.Get("Content-Type"), r.header.Get("Cache-Control"))
		}

		editor := e.browser().login("fzk")
		if r := editor.upload("/admin/settings/images", "emblem", "logo.png", testPNG(t, 8, 8)); r.status != http.StatusForbidden {
			t.Errorf("editor upload: %d", r.status)
		}
		admin := e.browser().login("admin")
		admin.get("/admin/settings")
		for _, c := range []struct {
			name string
			data []byte
			want string
		}{
			{"logo.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "须为 PNG、JPEG、GIF 或 WebP 图片"},
			{"big.png", append(testPNG(t, 4, 4), bytes.Repeat([]byte{0}, 600<<10)...), "不能超过 512 KB"},
		} {
			r := admin.upload("/admin/settings/images", "emblem", c.name, c.data)
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, c.want) {
				t.Errorf("%s: %d, want 422 with %q", c.name, r.status, c.want)
			}
		}
		if m := emblemRE.FindStringSubmatch(pub.get("/").body); m == nil || m[1] != old {
			t.Fatalf("a refused upload changed the emblem")
		}
		img := testPNG(t, 16, 16)
		if r := admin.upload("/admin/settings/images", "emblem", "新标志.png", img); r.status != http.StatusSeeOther {
			t.Fatalf("upload: %d %s", r.status, r.body)
		}
		m = emblemRE.FindStringSubmatch(pub.get("/").body)
		if m == nil || m[1] == old {
			t.Fatalf("the new emblem is not on the home page")
		}
		if r := pub.get(unescape(m[1])); r.status != 200 || r.body != string(img) {
			t.Errorf("new emblem: %d, %d bytes, want the uploaded %d", r.status, len(r.body), len(img))
		}
		// The settings form keeps the images when it saves the rest.
		if r := admin.post("/admin/settings", e.settingsForm(t, admin)); r.status != http.StatusSeeOther {
			t.Fatalf("save settings: %d %s", r.status, r.body)
		}
		if !emblemRE.MatchString(pub.get("/").body) {
			t.Errorf("saving the settings dropped the emblem")
		}
		site, err := e.cat.Site(context.Background(), e.site.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r := admin.post("/admin/settings/images", url.Values{"remove_psb": {"1"}}); r.status != http.StatusSeeOther {
			t.Fatalf("remove: %d %s", r.status, r.body)
		}
		home = pub.get("/").body
		if strings.Contains(home, "/site-images/psb") || !strings.Contains(home, "鲁公网安备37130202371486号") {
			t.Errorf("after removing the 公安备案 icon the footer should keep the text link only")
		}
		if r := pub.get("/site-images/psb"); r.status != http.StatusNotFound {
			t.Errorf("removed icon: %d", r.status)
		}
		if _, err := e.srv.Blobs.Open(site.Settings.PSBBadge); err == nil {
			t.Errorf("the removed icon's file is still stored")
		}
		var n int
		if err := e.db.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'site.settings'`).Scan(&n); err != nil || n < 3 {
			t.Errorf("audited settings changes: %d (%v)", n, err)
		}
	})
}

// TestPlainTextOrder: in plain-text mode the content comes before the
// toolbar (issue 15); in the normal mode the toolbar is in the header.
func TestPlainTextOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	b := e.browser()
	normal := b.get("/xxgk/guide").body
	if strings.Index(normal, `id="a11y-bar"`) > strings.Index(normal, `<main id="main"`) {
		t.Errorf("normal mode: the toolbar should come before the content")
	}
	b.get("/a11y")
	if r := b.post("/a11y", url.Values{"op": {"plain-on"}, "next": {"/xxgk/guide"}}); r.status != http.StatusSeeOther {
		t.Fatalf("plain on: %d", r.status)
	}
	plain := b.get("/xxgk/guide").body
	i, j := strings.Index(plain, `<main id="main"`), strings.Index(plain, `id="a11y-bar"`)
	if i < 0 || j < 0 || j < i {
		t.Errorf("plain mode: main at %d, toolbar at %d; want the content first", i, j)
	}
}

// TestGuideChannels: the guide names every application channel, the
// printable form and the supervising body (issue 15; 条例第二十九条、第五十一条).
func TestGuideChannels(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	b := e.browser()
	g := b.get("/xxgk/guide").body
	mustContain(t, g, `href="/request">在线提交政府信息公开申请</a>`, "当面申请：到临沂市北城新区北京路8号临沂市政务服务中心7楼", "信函申请：邮寄至",
		"传真申请：(0539)8122990", `href="/xxgk/guide/form">政府信息公开申请表</a>`, "临沂市人民政府办公室（市政务公开办公室）", "行政复议机关")
	f := b.get("/xxgk/guide/form")
	if f.status != 200 {
		t.Fatalf("form: %d", f.status)
	}
	mustContain(t, f.body, "<h1>政府信息公开申请表</h1>", "统一社会信用代码", "□ 法律服务机构", "□ 网上获取", "申请人签名", "信封左下角请注明")
}

// TestOrgRecords: 领导信息 and 机构设置 are records (lists leaders and
// units) shown on their columns with the edition's date and on the contact
// page; a new edition changes every page at once (issue 15).
func TestOrgRecords(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		office, err := e.au.UserByName(context.Background(), "office")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.srv.Lists.LoadOrgDemo(context.Background(), e.site.ID, office, testDay); err != nil {
			t.Fatal(err)
		}
		b := e.browser()
		ld := b.get("/columns/ldxx").body
		mustContain(t, ld, `<h2 id="il-leaders">领导班子成员</h2>`, "更新日期：", "党委书记、局长", "主持市司法局全面工作。", `href="/lists/leaders/rows/01"`)
		mustNotContain(t, ld, "局长：（演示）", "with-photo") // no photo yet: no empty photo column
		mustContain(t, b.get("/columns/jgsz").body, `<h2 id="il-units">内设机构和直属单位</h2>`, "行政执法协调监督科", "直属单位")
		mustContain(t, b.get("/contact").body, "各科室和直属单位", "(0539)8314201", "市法律援助中心")
		if r := b.get("/lists/leaders/rows/02"); r.status != 200 || !strings.Contains(r.body, "负责行政立法") {
			t.Errorf("leader row page: %d", r.status)
		}

		// The office changes a phone number in one place.
		var csv bytes.Buffer
		csv.WriteString("排序号,机构名称,类别,主要职责,负责人,联系电话,办公地址,办公时间\n")
		csv.WriteString("1,办公室,内设机构,负责机关日常运转。,孙主任,(0539)8319999,临沂市政务服务中心7楼,工作日\n")
		if _, err := e.srv.Lists.Import(context.Background(), e.site.ID, lists.Units, office,
			lists.Import{File: csv.Bytes(), FileName: "机构设置.csv", Note: "电话调整", EffectiveOn: "2026-11-20", Publish: true}); err != nil {
			t.Fatal(err)
		}
		c := b.get("/contact").body
		mustContain(t, c, "(0539)8319999", `datetime="2026-11-20"`)
		mustNotContain(t, c, "(0539)8314201")
		// A photo is uploaded, never an address typed into a file.
		bad := "排序号,姓名,职务,工作分工,简历,任职时间,照片,照片说明\n01,张三,局长,主持全面工作。,,,/attachments/1,张三\n"
		if _, err := e.srv.Lists.Import(context.Background(), e.site.ID, lists.Leaders, office,
			lists.Import{File: []byte(bad), FileName: "领导.csv", Note: "调整", EffectiveOn: "2026-11-20", Publish: true}); err == nil || !strings.Contains(err.Error()+errsText(err), "照片须在后台") {
			t.Errorf("a photo given as an address: %v", err)
		}
	})
}

// TestLeaderPhoto: a leader's photo is an uploaded image (checked by its
// content and size, stored in the blob store, served with its type) with
// its text alternative required; a refused form keeps nothing (issue 15).
func TestLeaderPhoto(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		office, err := e.au.UserByName(context.Background(), "office")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.srv.Lists.LoadOrgDemo(context.Background(), e.site.ID, office, testDay); err != nil {
			t.Fatal(err)
		}
		b := e.browser().login("office")
		d := b.post("/admin/lists/leaders/drafts", url.Values{})
		if d.status != http.StatusSeeOther {
			t.Fatalf("new draft: %d", d.status)
		}
		draft := d.location
		form := b.get(draft + "/rows/01")
		mustContain(t, form.body, `enctype="multipart/form-data"`, `type="file" id="f-photo" name="photo" accept="image/png,image/jpeg,image/gif,image/webp"`)
		mustNotContain(t, form.body, `type="url"`)
		fields := func(alt string) url.Values {
			return url.Values{"seq": {"01"}, "name": {"张明（演示）"}, "post": {"党委书记、局长"}, "duties": {"主持市司法局全面工作。"}, "photo_alt": {alt}}
		}
		blobs := func() int {
			n := 0
			filepath.WalkDir(e.blobDir, func(_ string, d fs.DirEntry, err error) error {
				if err == nil && d.Type().IsRegular() {
					n++
				}
				return nil
			})
			return n
		}
		before := blobs()
		// Not an image (a script renamed .png), too large, or without alt.
		if r := b.multipart(draft+"/rows/01", fields("张明"), "photo", "a.png", []byte("<script>alert(1)</script>")); r.status != 422 || !strings.Contains(r.body, "照片须为 PNG、JPEG、GIF 或 WebP 图片") {
			t.Errorf("a script as a photo: %d", r.status)
		}
		// (The tests' request limit is 1 MB, so the photo's own limit is
		// reached only through the body limit: the form says so.)
		big := append(pngBytes(), make([]byte, 1<<20)...)
		if r := b.multipart(draft+"/rows/01", fields("张明"), "photo", "a.png", big); r.status < 400 || r.status >= 500 {
			t.Errorf("a photo over 1 MB: %d", r.status)
		}
		if r := b.multipart(draft+"/rows/01", fields(""), "photo", "a.png", pngBytes()); r.status != 422 || !strings.Contains(r.body, "有图片时请填写照片说明") {
			t.Errorf("a photo without alt: %d %s", r.status, r.body)
		}
		if n := blobs(); n != before {
			t.Errorf("refused photos left %d files", n-before)
		}
		if r := b.multipart(draft+"/rows/01", fields("张明同志正面照片"), "photo", "zhang.png", pngBytes()); r.status != http.StatusSeeOther {
			t.Fatalf("save with photo: %d", r.status)
		}
		var js string
		if err := e.db.R.QueryRow(`SELECT r.fields FROM list_rows r JOIN list_editions ed ON ed.id = r.edition_id WHERE ed.status = 'draft' AND r.row_key = '01'`).Scan(&js); err != nil {
			t.Fatal(err)
		}
		key := regexp.MustCompile(`"photo":"([0-9a-f]{32})"`).FindStringSubmatch(js)
		if key == nil {
			t.Fatalf("no photo key in %s", js)
		}
		pub := e.browser()
		// Before publication only staff see it.
		if r := pub.get("/lists/leaders/images/" + key[1]); r.status != 404 {
			t.Errorf("draft photo public: %d", r.status)
		}
		if r := b.get("/admin/lists/leaders/images/" + key[1]); r.status != 200 || r.header.Get("Content-Type") != "image/png" {
			t.Errorf("staff preview: %d %s", r.status, r.header.Get("Content-Type"))
		}
		mustContain(t, b.get(draft+"/rows/01").body, `src="/admin/lists/leaders/images/`+key[1]+`"`, "删除当前照片")
		// Saving again without a file keeps the photo.
		if r := b.multipart(draft+"/rows/01", fields("张明同志正面照片"), "photo", "", nil); r.status != http.StatusSeeOther {
			t.Fatalf("save without a new file: %d", r.status)
		}
		if r := b.post(draft+"/publish", url.Values{"effective_on": {"2026-11-20"}, "note": {"更新照片"}}); r.status != http.StatusSeeOther {
			t.Fatalf("publish: %d %s", r.status, r.body)
		}
		img := pub.get("/lists/leaders/images/" + key[1])
		if img.status != 200 || img.header.Get("Content-Type") != "image/png" || img.header.Get("X-Content-Type-Options") != "nosniff" || img.body != string(pngBytes()) {
			t.Errorf("photo served: %d %q", img.status, img.header.Get("Content-Type"))
		}
		mustContain(t, pub.get("/columns/ldxx").body, `<li class="leader with-photo">`, `<img src="/lists/leaders/images/`+key[1]+`" alt="张明同志正面照片"`)
		mustContain(t, pub.get("/lists/leaders/rows/01").body, `<img src="/lists/leaders/images/`+key[1]+`" alt="张明同志正面照片"`)
		// A key that no row holds is not served, even if the file exists.
		if r := pub.get("/lists/leaders/images/0123456789abcdef0123456789abcdef"); r.status != 404 {
			t.Errorf("unknown key: %d", r.status)
		}
	})
}

// errsText is the per-cell messages of an import error, for matching.
func errsText(err error) string {
	if ce, ok := lists.CellsOf(err); ok {
		var b strings.Builder
		for _, c := range ce.Cells {
			b.WriteString(c.Column + c.Message)
		}
		return b.String()
	}
	return ""
}
