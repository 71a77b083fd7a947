package app

import (
	"encoding/json"
	"gongkai/internal/store"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestNULAndInvalidUTF8: issue 16 #9. On PostgreSQL any NUL in input (even
// /search?q=a%00b, unauthenticated) was a 500 (SQLSTATE 22021); on SQLite
// NUL and invalid UTF-8 were stored. Both are refused at the edge with 422,
// the same on both databases, and nothing is stored.
func TestNULAndInvalidUTF8(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		const msg = "含有无效字符"
		anon := e.browser()
		for _, path := range []string{"/search?q=a%00b", "/search?q=%FF%FE", "/search?a%00=1", "/columns/gzdt%00", "/columns/gzdt?page=1%00", "/api/v1/items?q=a%00b"} {
			r := anon.get(path)
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, msg) {
				t.Errorf("GET %s: %d %.200s", path, r.status, r.body)
			}
		}
		if r := anon.get("/api/v1/items?q=a%00b"); !strings.Contains(r.body, `"code":"invalid"`) {
			t.Errorf("API error body: %s", r.body)
		}
		// A public page still answers clean text as before.
		if r := anon.get("/search?q=" + url.QueryEscape("行政复议")); r.status != http.StatusOK {
			t.Errorf("clean search: %d", r.status)
		}

		// Back-office forms: NUL in the title, invalid UTF-8 in the body.
		before := e.countItems(t)
		editor := e.browser().login("fzk")
		tree := e.mustTree(t)
		form := func(title, body string) url.Values {
			return url.Values{"doc_type": {"general"}, "column_id": {itoa(tree.BySlug["qzqd"].ID)}, "title": {title}, "disclosure": {"proactive"}, "body": {body}}
		}
		for name, f := range map[string]url.Values{
			"NUL in a form field":           form("标题\x00注入", "<p>正文</p>"),
			"invalid UTF-8 in a form field": form("编码", "<p>\xff\xfe正文</p>"),
		} {
			r := editor.post("/admin/items", f)
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, msg) {
				t.Errorf("%s: %d %.300s", name, r.status, r.body)
			}
		}
		// An unauthenticated form (the login form looks the name up).
		if r := anon.post("/admin/login", url.Values{"name": {"admin\x00"}, "password": {"x"}}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("login form with NUL: %d", r.status)
		}

		// The API: \u0000 in a JSON string, raw invalid UTF-8, NUL in fields.
		c := newAPIClient(t, e)
		cols := c.columnIDs(t)
		for name, body := range map[string]string{
			"escaped NUL in the title": `{"column_id":` + itoa(cols["gzdt"]) + `,"department":"bgs","title":"a\u0000b","disclosure":"proactive"}`,
			"escaped NUL in fields":    `{"column_id":` + itoa(cols["gzdt"]) + `,"department":"bgs","title":"ok","disclosure":"proactive","fields":{"x":"\u0000"}}`,
			"invalid UTF-8 bytes":      `{"column_id":` + itoa(cols["gzdt"]) + `,"department":"bgs","title":"` + "\xff\xfe" + `","disclosure":"proactive"}`,
		} {
			r := c.do(t, "POST", "/api/v1/items", "office", nil, body)
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `"code":"invalid"`) || !strings.Contains(r.body, msg) {
				t.Errorf("%s: %d %s", name, r.status, r.body)
			}
		}
		// An escaped backslash before u0000 is text, not a NUL.
		r := c.do(t, "POST", "/api/v1/items", "office", nil, `{"column_id":`+itoa(cols["gzdt"])+`,"department":"bgs","title":"路径 C:\\u0000","disclosure":"proactive"}`)
		if r.status != http.StatusCreated {
			t.Errorf(`title with "\\u0000" as text: %d %s`, r.status, r.body)
		}
		if n := e.countItems(t); n != before+1 {
			t.Errorf("items %d, want %d (only the clean one stored)", n, before+1)
		}
		var nul int
		if err := e.db.R.QueryRow(`SELECT COUNT(*) FROM items WHERE title LIKE '%注入%' OR body LIKE '%正文%' AND title = '编码'`).Scan(&nul); err != nil {
			t.Fatal(err)
		}
		if nul != 0 {
			t.Errorf("%d items stored with a NUL", nul)
		}
	})
}

// TestOversizedListRefusedQuickly: issue 16 #4 through HTTP. A 3.4 MB list
// of 505,000 interpreted documents is refused with a 422 naming the field,
// before any transaction (the catalog's TestOversizedInputRefusedBeforeTheWriter
// holds the writer to prove it), and a small write right after it is served.
func TestOversizedListRefusedQuickly(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newAPIClient(t, e)
		cols := c.columnIDs(t)
		policy := c.findOne(t, "q="+url.QueryEscape("临司发〔2021〕8号"), "")
		ids := strings.TrimSuffix(strings.Repeat(strconv.FormatInt(policy.ID, 10)+",", 505_000), ",")
		body := `{"column_id":` + itoa(cols["zcjd"]) + `,"department":"法制科","title":"解读","disclosure":"proactive","fields":{"form":"文字解读"},"interprets":[` + ids + `]}`
		if len(body) > 4<<20 {
			t.Fatalf("body %d bytes: over the API limit, not the case under test", len(body))
		}
		before := e.countItems(t)
		start := time.Now()
		r := c.do(t, "POST", "/api/v1/items", "office", nil, body)
		took := time.Since(start)
		var out struct {
			Error struct {
				Code   string            `json:"code"`
				Fields map[string]string `json:"fields"`
			} `json:"error"`
		}
		json.Unmarshal([]byte(r.body), &out)
		if r.status != http.StatusUnprocessableEntity || out.Error.Code != "invalid" || out.Error.Fields["interprets"] == "" {
			t.Fatalf("after %v: %d %.300s", took, r.status, r.body)
		}
		small := c.do(t, "POST", "/api/v1/items", "office", nil, `{"column_id":`+itoa(cols["gzdt"])+`,"department":"bgs","title":"随后的小写入","disclosure":"proactive"}`)
		if small.status != http.StatusCreated {
			t.Errorf("small write after: %d %s", small.status, small.body)
		}
		if n := e.countItems(t); n != before+1 {
			t.Errorf("items %d, want %d", n, before+1)
		}
	})
}

// TestPublicationDateBounds: issue 16 #10 through HTTP. The office could
// publish with published_on 9999-12-31 (index number …/9999-0000001, top of
// every list) or 0001-01-01.
func TestPublicationDateBounds(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newAPIClient(t, e)
		cols := c.columnIDs(t)
		before := e.countItems(t)
		for _, d := range []string{"9999-12-31", "0001-01-01", "1949-09-30", testDay.AddDays(1).String()} {
			r := c.do(t, "POST", "/api/v1/items", "office", nil, `{"column_id":`+itoa(cols["gzdt"])+`,"department":"bgs","title":"日期","disclosure":"proactive","published_on":"`+d+`","publish":true}`)
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `"published_on"`) {
				t.Errorf("published_on %s: %d %s", d, r.status, r.body)
			}
		}
		if n := e.countItems(t); n != before {
			t.Errorf("items %d, want %d", n, before)
		}
		r := c.do(t, "POST", "/api/v1/items", "office", nil, `{"column_id":`+itoa(cols["gzdt"])+`,"department":"bgs","title":"日期","disclosure":"proactive","published_on":"`+testDay.String()+`","publish":true}`)
		if r.status != http.StatusCreated {
			t.Errorf("published_on today: %d %s", r.status, r.body)
		}
	})
}

// A public page posted to answers 405 with Allow (issue 15), not 404 and
// not the page.
func TestPostToPublicPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.SQLite)
	for _, path := range []string{"/", "/columns/gzdt", "/search", "/xxgk/catalogue"} {
		res, err := http.PostForm(e.ts.URL+path, url.Values{"q": {"x"}})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD" || !strings.Contains(string(b), "此页面不支持 POST 请求") {
			t.Errorf("POST %s: %d Allow %q %.200s", path, res.StatusCode, res.Header.Get("Allow"), b)
		}
	}
}

// TestItemFormSuccessorNotANumber: the form's 替代文件 that is not a number
// is refused with a message, not silently dropped (issue 15).
func TestItemFormSuccessorNotANumber(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.SQLite)
	editor := e.browser().login("fzk")
	tree := e.mustTree(t)
	before := e.countItems(t)
	r := editor.post("/admin/items", url.Values{"doc_type": {"policy"}, "column_id": {itoa(tree.BySlug["zcwj"].ID)}, "title": {"替代文件测试"},
		"written_on": {"2021-03-01"}, "validity": {"in_force"}, "disclosure": {"proactive"}, "successor_id": {"abc"}, "body": {"<p>正文</p>"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "替代文件应填写其信息编号") || !strings.Contains(r.body, "替代文件测试") {
		t.Errorf("successor_id=abc: %d %.300s", r.status, r.body)
	}
	if n := e.countItems(t); n != before {
		t.Errorf("items %d → %d", before, n)
	}
}
