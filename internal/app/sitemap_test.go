package app

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
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
