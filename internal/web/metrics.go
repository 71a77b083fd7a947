package web

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"gongkai/internal/events"
)

// Operations endpoints (issue 17): /readyz says whether this node can
// serve (its database answers and its schema is current); /metrics, when
// Options.Metrics is set, is the Prometheus text exposition of request
// counts and latencies per route, the render cache's hits and misses, the
// database pools and the change-event outbox's lag. Block /metrics at the
// reverse proxy: it is for the platform's own monitoring.

// latencyBuckets are the upper bounds of the request-duration histogram,
// in seconds (Prometheus' conventional web buckets).
var latencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// metrics are this node's request figures, by route pattern.
type metrics struct {
	mu     sync.Mutex
	routes map[string]*routeStats
}

type routeStats struct {
	codes   map[string]uint64 // status class (2xx …) → count
	buckets []uint64          // per latencyBuckets, not cumulative
	sum     float64
	count   uint64
}

// statusClasses are the status classes' labels, by status / 100.
var statusClasses = [...]string{"0xx", "1xx", "2xx", "3xx", "4xx", "5xx"}

func statusClass(status int) string {
	if c := status / 100; c >= 0 && c < len(statusClasses) {
		return statusClasses[c]
	}
	return strconv.Itoa(status/100) + "xx"
}

// notePattern records the pattern the mux matched in the request's state,
// for recoverAndLog, which counts the request (ServeMux sets
// Request.Pattern on the request it is given, so only the handler that
// hands the request to the mux sees it).
func notePattern(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		if rs := stateOf(r); rs != nil {
			rs.pattern = r.Pattern
		}
	})
}

func (m *metrics) observe(pattern string, status int, d time.Duration) {
	if pattern == "" {
		pattern = "unmatched"
	}
	if status == 0 {
		status = http.StatusOK
	}
	class := statusClass(status)
	secs := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.routes == nil {
		m.routes = map[string]*routeStats{}
	}
	st := m.routes[pattern]
	if st == nil {
		st = &routeStats{codes: map[string]uint64{}, buckets: make([]uint64, len(latencyBuckets))}
		m.routes[pattern] = st
	}
	st.codes[class]++
	st.count++
	st.sum += secs
	for i, le := range latencyBuckets {
		if secs <= le {
			st.buckets[i]++
			break
		}
	}
}

// write prints the request figures in the Prometheus text format.
func (m *metrics) write(w io.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	patterns := make([]string, 0, len(m.routes))
	for p := range m.routes {
		patterns = append(patterns, p)
	}
	slices.Sort(patterns)
	fmt.Fprintln(w, "# HELP gongkai_http_requests_total HTTP requests served, by route pattern and status class.")
	fmt.Fprintln(w, "# TYPE gongkai_http_requests_total counter")
	for _, p := range patterns {
		st := m.routes[p]
		classes := make([]string, 0, len(st.codes))
		for c := range st.codes {
			classes = append(classes, c)
		}
		slices.Sort(classes)
		for _, c := range classes {
			fmt.Fprintf(w, "gongkai_http_requests_total{route=%s,code=%q} %d\n", strconv.Quote(p), c, st.codes[c])
		}
	}
	fmt.Fprintln(w, "# HELP gongkai_http_request_duration_seconds Time to serve a request, by route pattern.")
	fmt.Fprintln(w, "# TYPE gongkai_http_request_duration_seconds histogram")
	for _, p := range patterns {
		st := m.routes[p]
		var cum uint64
		for i, le := range latencyBuckets {
			cum += st.buckets[i]
			fmt.Fprintf(w, "gongkai_http_request_duration_seconds_bucket{route=%s,le=\"%g\"} %d\n", strconv.Quote(p), le, cum)
		}
		fmt.Fprintf(w, "gongkai_http_request_duration_seconds_bucket{route=%s,le=\"+Inf\"} %d\n", strconv.Quote(p), st.count)
		fmt.Fprintf(w, "gongkai_http_request_duration_seconds_sum{route=%s} %g\n", strconv.Quote(p), st.sum)
		fmt.Fprintf(w, "gongkai_http_request_duration_seconds_count{route=%s} %d\n", strconv.Quote(p), st.count)
	}
}

func (s *Server) metricsPage(w http.ResponseWriter, r *http.Request) {
	if !s.Opts.Metrics {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	s.metrics.write(w)
	fmt.Fprintln(w, "# HELP gongkai_render_cache_requests_total Cacheable page requests, by outcome.")
	fmt.Fprintln(w, "# TYPE gongkai_render_cache_requests_total counter")
	fmt.Fprintf(w, "gongkai_render_cache_requests_total{outcome=\"hit\"} %d\n", s.cache.hits.Load())
	fmt.Fprintf(w, "gongkai_render_cache_requests_total{outcome=\"miss\"} %d\n", s.cache.misses.Load())
	s.cache.mu.RLock()
	pages, bytes := len(s.cache.pages), s.cache.bytes
	s.cache.mu.RUnlock()
	fmt.Fprintln(w, "# TYPE gongkai_render_cache_pages gauge")
	fmt.Fprintf(w, "gongkai_render_cache_pages %d\n", pages)
	fmt.Fprintln(w, "# TYPE gongkai_render_cache_bytes gauge")
	fmt.Fprintf(w, "gongkai_render_cache_bytes %d\n", bytes)
	db := s.Catalog.DB
	type pool struct {
		name string
		db   *sql.DB
	}
	pools := []pool{{"write", db.W}}
	if db.R != db.W {
		pools = append(pools, pool{"read", db.R})
	}
	fmt.Fprintln(w, "# HELP gongkai_db_connections Database pool connections, by pool and state.")
	fmt.Fprintln(w, "# TYPE gongkai_db_connections gauge")
	for _, p := range pools {
		st := p.db.Stats()
		fmt.Fprintf(w, "gongkai_db_connections{pool=%q,state=\"in_use\"} %d\n", p.name, st.InUse)
		fmt.Fprintf(w, "gongkai_db_connections{pool=%q,state=\"idle\"} %d\n", p.name, st.Idle)
	}
	fmt.Fprintln(w, "# HELP gongkai_db_waits_total Times a request waited for a free database connection.")
	fmt.Fprintln(w, "# TYPE gongkai_db_waits_total counter")
	for _, p := range pools {
		fmt.Fprintf(w, "gongkai_db_waits_total{pool=%q} %d\n", p.name, p.db.Stats().WaitCount)
	}
	if reps, fallbacks := db.ReplicaStats(); reps != nil {
		fmt.Fprintln(w, "# HELP gongkai_db_replica_up Whether a read replica answers and is a standby.")
		fmt.Fprintln(w, "# TYPE gongkai_db_replica_up gauge")
		for _, st := range reps {
			up := 0
			if st.Up {
				up = 1
			}
			fmt.Fprintf(w, "gongkai_db_replica_up{replica=%q} %d\n", st.Name, up)
		}
		fmt.Fprintln(w, "# HELP gongkai_db_replica_queries_total Reads served by a read replica.")
		fmt.Fprintln(w, "# TYPE gongkai_db_replica_queries_total counter")
		for _, st := range reps {
			fmt.Fprintf(w, "gongkai_db_replica_queries_total{replica=%q} %d\n", st.Name, st.Queries)
		}
		fmt.Fprintln(w, "# HELP gongkai_db_replica_lag_bytes WAL the replica had not replayed at its last probe.")
		fmt.Fprintln(w, "# TYPE gongkai_db_replica_lag_bytes gauge")
		for _, st := range reps {
			fmt.Fprintf(w, "gongkai_db_replica_lag_bytes{replica=%q} %d\n", st.Name, st.LagBytes)
		}
		fmt.Fprintln(w, "# HELP gongkai_db_replica_lag_seconds How long the replica has been behind the primary (0 when caught up).")
		fmt.Fprintln(w, "# TYPE gongkai_db_replica_lag_seconds gauge")
		for _, st := range reps {
			fmt.Fprintf(w, "gongkai_db_replica_lag_seconds{replica=%q} %g\n", st.Name, st.LagSeconds)
		}
		fmt.Fprintln(w, "# HELP gongkai_db_replica_fallbacks_total Reads that could have gone to a replica but went to the primary, by reason.")
		fmt.Fprintln(w, "# TYPE gongkai_db_replica_fallbacks_total counter")
		for _, reason := range []string{"down", "failed", "stale"} {
			fmt.Fprintf(w, "gongkai_db_replica_fallbacks_total{reason=%q} %d\n", reason, fallbacks[reason])
		}
	}
	if lag, err := outboxLag(r.Context(), s); err == nil {
		fmt.Fprintln(w, "# HELP gongkai_outbox_lag_events Change events the slowest durable subscriber has not processed yet.")
		fmt.Fprintln(w, "# TYPE gongkai_outbox_lag_events gauge")
		fmt.Fprintf(w, "gongkai_outbox_lag_events %d\n", lag)
	}
}

// outboxLag is how far the slowest durable subscriber is behind the newest
// change event.
func outboxLag(ctx context.Context, s *Server) (int64, error) {
	last, err := events.Last(ctx, s.Catalog.DB)
	if err != nil {
		return 0, err
	}
	var slowest int64
	if err := s.Catalog.DB.R.QueryRowContext(ctx, `SELECT COALESCE(MIN(last_id), $1) FROM event_cursors`, last).Scan(&slowest); err != nil {
		return 0, err
	}
	return max(last-slowest, 0), nil
}

// readyz answers 200 when the database answers and every embedded
// migration has been applied (a node started from a newer build than the
// schema, or before the migrations ran, is not ready), 503 otherwise.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.Catalog.DB.R.PingContext(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "database unavailable")
		return
	}
	pending, err := s.Catalog.DB.Pending(ctx)
	if err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "schema unknown")
		return
	}
	if len(pending) > 0 {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "migrations pending:", len(pending))
		return
	}
	fmt.Fprintln(w, "ready")
}
