package app

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"gongkai/internal/store"
)

// TestAPICreateIdempotencyKey (issue 16 §6): a client that retries
// POST /api/v1/items after a timeout, with the same Idempotency-Key, gets
// the item its first request created, not a duplicate; the same key with
// another request is refused; keys are per user and live 24 hours.
func TestAPICreateIdempotencyKey(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newAPIClient(t, e)
		cols := c.columnIDs(t)
		base := map[string]any{"column_id": cols["zcwj"], "doc_type": "policy", "department": "法制科",
			"title": "临沂市司法局关于幂等创建的通知", "doc_no": "临司发〔2026〕3号", "written_on": "2026-11-20", "validity": "in_force",
			"fields": map[string]string{"normative": "1", "reg_no": "LYDR-2026-0150003"}, "body": "<p>通知正文。</p>", "disclosure": "proactive", "publish": true}
		body := apiJSON(base)
		key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
		titled := func(title string) int {
			t.Helper()
			var n int
			if err := e.db.R.QueryRow(`SELECT COUNT(*) FROM items WHERE title = $1`, title).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		post := func(token string, h map[string]string, body string, status int) (apiResp, apiTestItem) {
			t.Helper()
			r := c.exec(t, apiScenario{method: "POST", path: "/api/v1/items", token: token, header: h, body: body, wantStatus: status})
			var it apiTestItem
			if status == 201 {
				it = r.item(t)
			}
			return r, it
		}

		r1, first := post("office", key("a1b2-retry-1"), body, 201)
		if r1.header.Get("Idempotent-Replayed") != "" {
			t.Errorf("first request answered Idempotent-Replayed %q", r1.header.Get("Idempotent-Replayed"))
		}
		if first.Status != "published" {
			t.Fatalf("first request: status %q, want published", first.Status)
		}
		// The retry: same key, same request → the same item, nothing new.
		r2, again := post("office", key("a1b2-retry-1"), body, 201)
		if again.ID != first.ID || r2.header.Get("Idempotent-Replayed") != "true" || r2.header.Get("Location") != r1.header.Get("Location") {
			t.Errorf("retry: id %d (want %d), Idempotent-Replayed %q, Location %q", again.ID, first.ID, r2.header.Get("Idempotent-Replayed"), r2.header.Get("Location"))
		}
		// The same request sent as other JSON text (key order, spacing) is the same request.
		var m map[string]any
		json.Unmarshal([]byte(body), &m)
		pretty, _ := json.MarshalIndent(m, "", "  ")
		if _, it := post("office", key("a1b2-retry-1"), string(pretty), 201); it.ID != first.ID {
			t.Errorf("retry with reformatted JSON created item %d", it.ID)
		}
		if n := titled("临沂市司法局关于幂等创建的通知"); n != 1 {
			t.Fatalf("%d items after three requests with one key, want 1", n)
		}
		// The same key with another request: 422, in Chinese, nothing saved.
		before := c.countAll(t)
		c.exec(t, apiScenario{method: "POST", path: "/api/v1/items", token: "office", header: key("a1b2-retry-1"),
			body: apiJSON(base, "title", "另一个请求"), wantStatus: 422, wantContains: []string{"Idempotency-Key", "不同的请求"}, wantFields: []string{"idempotency_key"}})
		// Keys are per user: fzk's own request with the same key is new.
		_, own := post("fzk", key("a1b2-retry-1"), apiJSON(base, "department", apiDrop, "publish", apiDrop, "title", "法制科幂等草稿"), 201)
		if own.ID == first.ID || own.Status != "draft" {
			t.Errorf("another user's key: item %d status %q", own.ID, own.Status)
		}
		// Malformed keys.
		c.exec(t, apiScenario{method: "POST", path: "/api/v1/items", token: "office", header: key(strings.Repeat("k", 201)), body: apiJSON(base, "title", "长键"),
			wantStatus: 422, wantContains: []string{"200"}})
		c.exec(t, apiScenario{method: "POST", path: "/api/v1/items", token: "office", header: key("带中文的键"), body: apiJSON(base, "title", "中文键"),
			wantStatus: 422, wantContains: []string{"ASCII"}})
		if after := c.countAll(t); after != before+1 {
			t.Errorf("items %d → %d, want one more (fzk's)", before, after)
		}
		// A refused request keeps no key: fixed, it is created.
		post("office", key("fix-then-retry"), apiJSON(base, "title", "先错后改", "written_on", "2021-02-30"), 422)
		if _, it := post("office", key("fix-then-retry"), apiJSON(base, "title", "先错后改"), 201); it.Status != "published" {
			t.Errorf("corrected request: %+v", it)
		}
		// After 24 hours the key is forgotten: the same request creates anew.
		old := time.Now().Add(-25 * time.Hour).UTC().Format(store.TimeFormat)
		if _, err := e.db.W.Exec(`UPDATE idempotency_keys SET created_at = $1 WHERE idem_key = $2`, old, "a1b2-retry-1"); err != nil {
			t.Fatal(err)
		}
		r3, later := post("office", key("a1b2-retry-1"), body, 201)
		if later.ID == first.ID || r3.header.Get("Idempotent-Replayed") != "" {
			t.Errorf("after 24 h: item %d (first %d), Idempotent-Replayed %q", later.ID, first.ID, r3.header.Get("Idempotent-Replayed"))
		}
		if n, err := e.cat.PruneIdempotencyKeys(t.Context(), time.Now().Add(48*time.Hour)); err != nil || n == 0 {
			t.Errorf("prune: %d, %v", n, err)
		}

		// A concurrent double submit with one key: exactly one item, and
		// every request answers with it.
		const n = 8
		double := apiJSON(base, "title", "并发重复提交")
		ids := make([]int64, n)
		statuses := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/items", strings.NewReader(double))
				req.Header.Set("Authorization", "Bearer "+c.tokens["office"])
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Idempotency-Key", "double-submit")
				res, err := e.ts.Client().Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				defer res.Body.Close()
				b, _ := io.ReadAll(res.Body)
				statuses[i] = res.StatusCode
				var it apiTestItem
				json.Unmarshal(b, &it)
				ids[i] = it.ID
			})
		}
		wg.Wait()
		for i := range n {
			if statuses[i] != 201 || ids[i] != ids[0] || ids[i] == 0 {
				t.Errorf("concurrent request %d: status %d, item %d (first %d)", i, statuses[i], ids[i], ids[0])
			}
		}
		if got := titled("并发重复提交"); got != 1 {
			t.Errorf("%d items from %d concurrent requests with one key, want 1", got, n)
		}
	})
}
