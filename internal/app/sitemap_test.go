package app

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongkai/internal/store/storetest"
	"gongkai/internal/web"
)

// TestSitemapIndex: /sitemap.xml is a sitemap index whose files list every
// published item exactly once, and the features' pages (the lists); a file
// is sent compressed to a client that accepts gzip and plain otherwise,
// answers a revalidation with 304, and a publish shows up at once (both
// databases).
func TestSitemapIndex(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		if err := e.srv.LoadListsDemo(ctx, e.site.ID); err != nil {
			t.Fatal(err)
		}
		b := e.browser()
		var idx struct {
			Locs []string `xml:"sitemap>loc"`
		}
		r := b.get("/sitemap.xml")
		if err := xml.Unmarshal([]byte(r.body), &idx); err != nil || r.status != 200 {
			t.Fatalf("index: %d %v", r.status, err)
		}
		if len(idx.Locs) != 2 || !strings.HasSuffix(idx.Locs[0], "/sitemaps/pages.xml") || !strings.HasSuffix(idx.Locs[1], "/sitemaps/items-1.xml") {
			t.Fatalf("index lists %v", idx.Locs)
		}
		urls := func(path string) []string {
			t.Helper()
			var set struct {
				Locs []string `xml:"url>loc"`
			}
			r := b.get(path)
			if r.status != 200 || r.header.Get("Content-Type") != "application/xml; charset=utf-8" {
				t.Fatalf("%s: %d %s", path, r.status, r.header.Get("Content-Type"))
			}
			if err := xml.Unmarshal([]byte(r.body), &set); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			return set.Locs
		}
		pages := strings.Join(urls("/sitemaps/pages.xml"), "\n")
		mustContain(t, pages, "/columns/zcwj", "/xxgk/guide", "/lists/power_list\n", "/lists/power_list/rows/")
		items := urls("/sitemaps/items-1.xml")
		var want int
		e.db.R.QueryRow(`SELECT COUNT(*) FROM items WHERE site_id = $1 AND status = 'published'`, e.site.ID).Scan(&want)
		seen := map[string]bool{}
		for _, u := range items {
			if seen[u] {
				t.Errorf("%s listed twice", u)
			}
			seen[u] = true
		}
		if len(seen) != want || want == 0 {
			t.Errorf("the item files list %d items, the site publishes %d", len(seen), want)
		}
		for _, p := range []string{"/sitemaps/items-2.xml", "/sitemaps/items-0.xml", "/sitemaps/items-01.xml", "/sitemaps/x.xml"} {
			if r := b.get(p); r.status != 404 {
				t.Errorf("%s: %d", p, r.status)
			}
		}
		// Compressed for a client that accepts gzip, the same text decompressed.
		req, _ := http.NewRequest("GET", e.ts.URL+"/sitemaps/items-1.xml", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		z := b.do(req)
		if z.header.Get("Content-Encoding") != "gzip" || !strings.Contains(z.header.Get("Vary"), "Accept-Encoding") {
			t.Fatalf("gzip: %v", z.header)
		}
		zr, err := gzip.NewReader(strings.NewReader(z.body))
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := io.ReadAll(zr)
		req, _ = http.NewRequest("GET", e.ts.URL+"/sitemaps/items-1.xml", nil)
		req.Header.Set("Accept-Encoding", "identity")
		id := b.do(req)
		if id.header.Get("Content-Encoding") != "" || !bytes.Equal(plain, []byte(id.body)) {
			t.Errorf("identity: %q, %d bytes vs %d", id.header.Get("Content-Encoding"), len(id.body), len(plain))
		}
		req, _ = http.NewRequest("GET", e.ts.URL+"/sitemaps/items-1.xml", nil)
		req.Header.Set("If-None-Match", z.header.Get("ETag"))
		if r := b.do(req); r.status != 304 {
			t.Errorf("revalidation: %d", r.status)
		}
		// A publish is listed at once.
		c := newAPIClient(t, e)
		body := apiJSON(map[string]any{"column_id": c.columnIDs(t)["zcwj"], "doc_type": "policy", "department": "法制科",
			"title": "临沂市司法局关于网站地图的通知", "doc_no": "临司发〔2026〕9号", "written_on": "2026-11-20", "validity": "in_force",
			"fields": map[string]string{"normative": "1", "reg_no": "LYDR-2026-0150009"}, "body": "<p>通知正文。</p>", "disclosure": "proactive", "publish": true})
		it := c.exec(t, apiScenario{method: "POST", path: "/api/v1/items", token: "office", body: body, wantStatus: 201}).item(t)
		if items := urls("/sitemaps/items-1.xml"); !strings.HasSuffix(items[len(items)-1], fmt.Sprintf("/items/%d", it.ID)) {
			t.Errorf("the new item is not last in the file: %v", items[len(items)-3:])
		}
	})
}

// TestSitemapInvalidatesOneFile: a change of one item drops only the
// sitemap files it alters (issue 17): a revision the file that lists the
// item, a new item the last file, a withdrawal the files from the item's
// on (their items move up one place); the pages file and the other items
// files stay cached, and what was dropped is right when made again.
func TestSitemapInvalidatesOneFile(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			const per = 4
			e := newEnvWith(t, d, web.Options{SitemapFileURLs: per})
			ctx := context.Background()
			b := e.browser()
			var idx struct {
				Locs []string `xml:"sitemap>loc"`
			}
			if err := xml.Unmarshal([]byte(b.get("/sitemap.xml").body), &idx); err != nil {
				t.Fatal(err)
			}
			files := len(idx.Locs) - 1
			if files < 4 {
				t.Fatalf("the demo site makes %d items files of %d, want at least 4", files, per)
			}
			fileOf := map[int64]int{}
			lists := map[int]string{}
			fetch := func(k int) string {
				t.Helper()
				r := b.get(fmt.Sprintf("/sitemaps/items-%d.xml", k))
				if r.status != 200 {
					t.Fatalf("items-%d: %d", k, r.status)
				}
				return r.body
			}
			for k := 1; k <= files; k++ {
				body := fetch(k)
				lists[k] = body
				for _, m := range regexp.MustCompile(`/items/(\d+)<`).FindAllStringSubmatch(body, -1) {
					id, _ := strconv.ParseInt(m[1], 10, 64)
					fileOf[id] = k
				}
			}
			b.get("/sitemaps/pages.xml")
			cached := func() map[string]bool {
				out := map[string]bool{}
				for _, key := range e.srv.Web.CachedKeys() {
					if i := strings.Index(key, "/sitemaps/"); i >= 0 {
						out[key[i+len("/sitemaps/"):]] = true
					}
				}
				return out
			}
			allCached := func() {
				t.Helper()
				for k := 1; k <= files; k++ {
					fetch(k)
				}
				b.get("/sitemaps/pages.xml")
				if c := cached(); len(c) != files+1 {
					t.Fatalf("cached sitemap files: %v", c)
				}
			}
			allCached()
			// An item of the second file: revised, withdrawn.
			var target int64
			for id, k := range fileOf {
				if k == 2 {
					target = id
					break
				}
			}
			office, err := e.au.UserByName(ctx, "office")
			if err != nil {
				t.Fatal(err)
			}
			full, err := e.cat.Item(ctx, e.site.ID, target)
			if err != nil {
				t.Fatal(err)
			}
			in, err := e.cat.InputOf(ctx, full)
			if err != nil {
				t.Fatal(err)
			}
			in.Title, in.ChangeNote = full.Title+"（网站地图测试）", "更正标题"
			if _, err := e.cat.Update(ctx, office, e.site.ID, target, in); err != nil {
				t.Fatal(err)
			}
			c := cached()
			want := map[string]bool{"pages.xml": true}
			for k := 1; k <= files; k++ {
				want[fmt.Sprintf("items-%d.xml", k)] = k != 2
			}
			for name, keep := range want {
				if c[name] != keep {
					t.Errorf("after a revision of an item of items-2.xml: %s cached = %v, want %v", name, c[name], keep)
				}
			}
			if got := fetch(2); got != lists[2] {
				t.Errorf("items-2.xml changed by a title revision:\n%s\nwas\n%s", got, lists[2])
			}

			// A new item, published today: the end of the order, the
			// last file.
			allCached()
			in.Title, in.ChangeNote, in.IndexNo, in.PublishedOn = "网站地图测试新发布", "", "", ""
			draft, err := e.cat.Create(ctx, office, e.site.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.cat.Submit(ctx, office, e.site.ID, draft.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := e.cat.Publish(ctx, office, e.site.ID, draft.ID, time.Time{}); err != nil {
				t.Fatal(err)
			}
			c = cached()
			// A full last file stays as it was: the item opens a new one.
			lastFull := strings.Count(lists[files], "<url>") == per
			if c[fmt.Sprintf("items-%d.xml", files)] == !lastFull {
				t.Errorf("after a new item, the last file (full: %v) cached = %v", lastFull, !lastFull)
			}
			for k := 1; k < files; k++ {
				if !c[fmt.Sprintf("items-%d.xml", k)] {
					t.Errorf("items-%d.xml dropped by a new item at the end", k)
				}
			}
			if !c["pages.xml"] {
				t.Error("pages.xml dropped by a new item")
			}
			var all strings.Builder
			for k := 1; ; k++ {
				r := b.get(fmt.Sprintf("/sitemaps/items-%d.xml", k))
				if r.status != 200 {
					break
				}
				all.WriteString(r.body)
			}
			mustContain(t, all.String(), "/items/"+itoa(draft.ID)+"<")

			// The revised item withdrawn: files 2 … last change, the
			// first stays.
			for k := 1; k <= files; k++ {
				fetch(k)
			}
			if _, err := e.cat.Withdraw(ctx, office, e.site.ID, target, "网站地图测试撤回"); err != nil {
				t.Fatal(err)
			}
			c = cached()
			if !c["items-1.xml"] || !c["pages.xml"] {
				t.Errorf("a withdrawal from items-2.xml dropped files before it: %v", c)
			}
			for k := 2; k <= files; k++ {
				if c[fmt.Sprintf("items-%d.xml", k)] {
					t.Errorf("items-%d.xml still cached after a withdrawal from items-2.xml", k)
				}
			}
			mustNotContain(t, fetch(2), "/items/"+itoa(target)+"<")
		})
	}
}

// TestSitemapPagesFiles: the pages are split into files of at most the
// limit (at 100,000 items the lists' rows alone are some 78,000 URLs, over
// the protocol's 50,000): pages.xml, then pages-2.xml …, each listed by
// the index, together exactly the pages one file lists when the limit is
// not reached (both databases).
func TestSitemapPagesFiles(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			const per = 7
			ctx := context.Background()
			paths := func(e *env, file string) (string, []string) {
				t.Helper()
				r := e.browser().get(file)
				var set struct {
					Locs []string `xml:"url>loc"`
				}
				if r.status != 200 {
					return strconv.Itoa(r.status), nil
				}
				if err := xml.Unmarshal([]byte(r.body), &set); err != nil {
					t.Fatalf("%s: %v", file, err)
				}
				for i, l := range set.Locs {
					set.Locs[i] = strings.TrimPrefix(l, e.ts.URL)
				}
				return "200", set.Locs
			}
			whole := newEnvWith(t, d, web.Options{})
			split := newEnvWith(t, d, web.Options{SitemapPageURLs: per})
			for _, e := range []*env{whole, split} {
				if err := e.srv.LoadListsDemo(ctx, e.site.ID); err != nil {
					t.Fatal(err)
				}
			}
			_, want := paths(whole, "/sitemaps/pages.xml")
			if len(want) <= 3*per {
				t.Fatalf("the demo lists %d pages, want more than %d", len(want), 3*per)
			}
			var idx struct {
				Locs []string `xml:"sitemap>loc"`
			}
			if err := xml.Unmarshal([]byte(split.browser().get("/sitemap.xml").body), &idx); err != nil {
				t.Fatal(err)
			}
			files := (len(want) + per - 1) / per
			var got []string
			for k := 1; k <= files; k++ {
				name := "/sitemaps/pages.xml"
				if k > 1 {
					name = fmt.Sprintf("/sitemaps/pages-%d.xml", k)
				}
				if k > len(idx.Locs) || idx.Locs[k-1] != split.ts.URL+name {
					t.Fatalf("index %v: want %s at %d", idx.Locs, name, k)
				}
				status, locs := paths(split, name)
				if status != "200" || len(locs) == 0 || len(locs) > per {
					t.Fatalf("%s: %s, %d URLs (limit %d)", name, status, len(locs), per)
				}
				got = append(got, locs...)
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("the pages files list %d pages, one file %d:\n%v\n%v", len(got), len(want), got, want)
			}
			if !strings.HasSuffix(idx.Locs[files], "/sitemaps/items-1.xml") {
				t.Errorf("after the pages files the index lists %v", idx.Locs[files:])
			}
			for _, name := range []string{fmt.Sprintf("/sitemaps/pages-%d.xml", files+1), "/sitemaps/pages-1.xml", "/sitemaps/pages-0.xml", "/sitemaps/pages-02.xml"} {
				if status, _ := paths(split, name); status != "404" {
					t.Errorf("%s: %s", name, status)
				}
			}
		})
	}
}
