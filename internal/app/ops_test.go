package app

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"testing"

	"gongkai/internal/store/storetest"
	"gongkai/internal/web"
)

// TestReadyAndMetrics: /readyz says ready on a current schema and 503 when
// a migration is missing; /metrics is off unless asked for, and then
// counts requests per route pattern (not per URL), the render cache's hits
// and the database pool, in the Prometheus text format.
func TestReadyAndMetrics(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := newEnvWith(t, d, web.Options{Metrics: true})
			b := e.browser()
			if r := b.get("/readyz"); r.status != http.StatusOK || r.body != "ready\n" {
				t.Fatalf("/readyz: %d %q", r.status, r.body)
			}
			var n64 int64
			if err := e.db.R.QueryRow(`SELECT MIN(id) FROM items WHERE status = 'published'`).Scan(&n64); err != nil {
				t.Fatal(err)
			}
			id := itoa(n64)
			for range 3 {
				if r := b.get("/items/" + id); r.status != http.StatusOK {
					t.Fatalf("item page: %d", r.status)
				}
			}
			b.get("/items/999999999")
			m := b.get("/metrics")
			if m.status != http.StatusOK {
				t.Fatalf("/metrics: %d", m.status)
			}
			count := func(re string) int {
				t.Helper()
				g := regexp.MustCompile(re).FindStringSubmatch(m.body)
				if g == nil {
					t.Fatalf("no %s in:\n%.3000s", re, m.body)
				}
				n, _ := strconv.Atoi(g[1])
				return n
			}
			if n := count(`gongkai_http_requests_total\{route="GET /items/\{id\}",code="2xx"\} (\d+)`); n != 3 {
				t.Errorf("item page 2xx count %d, want 3", n)
			}
			if n := count(`gongkai_http_requests_total\{route="GET /items/\{id\}",code="4xx"\} (\d+)`); n != 1 {
				t.Errorf("item page 4xx count %d, want 1", n)
			}
			if n := count(`gongkai_http_request_duration_seconds_count\{route="GET /items/\{id\}"\} (\d+)`); n != 4 {
				t.Errorf("item page duration count %d, want 4", n)
			}
			if n := count(`gongkai_render_cache_requests_total\{outcome="hit"\} (\d+)`); n < 2 {
				t.Errorf("cache hits %d, want at least 2 (the 2nd and 3rd view)", n)
			}
			count(`gongkai_db_connections\{pool="write",state="idle"\} (\d+)`)
			count(`gongkai_outbox_lag_events (\d+)`)
			mustContain(t, m.body, "# TYPE gongkai_http_request_duration_seconds histogram")

			// A schema behind the build: not ready.
			if _, err := e.db.W.ExecContext(context.Background(), `DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)`); err != nil {
				t.Fatal(err)
			}
			if r := b.get("/readyz"); r.status != http.StatusServiceUnavailable {
				t.Errorf("/readyz with a migration missing: %d %q, want 503", r.status, r.body)
			}
		})
	}
	// Off by default.
	e := newEnv(t, "sqlite")
	if r := e.browser().get("/metrics"); r.status != http.StatusNotFound {
		t.Errorf("/metrics without the flag: %d, want 404", r.status)
	}
}
