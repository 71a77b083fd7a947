package app

// Benchmarks of the public pages through the real handler (middleware,
// routing, render cache), without a network. Run them with
//
//	go test -run x -bench . -benchmem ./internal/web
//
// scripts/bench.sh measures the same pages over HTTP with wrk, side by side
// with nginx; docs/BENCHMARKS.md has the figures.

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/blob"
	"gongkai/internal/catalog"
	"gongkai/internal/demo"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
	"gongkai/internal/web"
)

// benchHost is the Host header of every benchmark request (one of the demo
// site's hosts, so no fallback lookup is involved).
const benchHost = "sfj.linyi.gov.cn"

// newBenchServer is newEnv without the HTTP listener: the demo site on a
// fresh SQLite file, and the server that serves it. It also returns the
// seed item's page path.
func newBenchServer(b *testing.B) (*App, string) {
	b.Helper()
	ctx := context.Background()
	db := storetest.Open(b, store.SQLite)
	cat := &catalog.Service{DB: db}
	au := auth.NewService(db)
	site, err := demo.Load(ctx, cat, au, "127.0.0.1")
	if err != nil {
		b.Fatalf("load demo: %v", err)
	}
	blobs, err := blob.OpenFS(filepath.Join(b.TempDir(), "attachments"))
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := New(cat, au, blobs, log, web.Options{MaxUpload: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	res, err := cat.List(ctx, catalog.Filter{SiteID: site.ID, IndexNo: demo.SeedIndexNo, Limit: 1}, false)
	if err != nil || len(res.Items) != 1 {
		b.Fatalf("seed item %s: %v (%d found)", demo.SeedIndexNo, err, len(res.Items))
	}
	return srv, "/items/" + strconv.FormatInt(res.Items[0].ID, 10)
}

func benchRequest(path string) *http.Request {
	r := httptest.NewRequest("GET", path, nil)
	r.Host = benchHost
	return r
}

// serveOnce serves r and fails the benchmark unless the status is want.
func serveOnce(b *testing.B, h http.Handler, r *http.Request, want int) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != want {
		b.Fatalf("GET %s: status %d, want %d: %s", r.URL, w.Code, want, w.Body.String())
	}
	return w
}

// benchPage serves path b.N times; with uncached the render cache is
// emptied before every request, so each one queries the database and
// executes the templates.
func benchPage(b *testing.B, path string, uncached bool) {
	srv, _ := newBenchServer(b)
	benchPageOn(b, srv, path, uncached)
}

func benchPageOn(b *testing.B, srv *App, path string, uncached bool) {
	h := srv.Handler()
	r := benchRequest(path)
	w := serveOnce(b, h, r, http.StatusOK) // warms the site state and the cache
	size := w.Body.Len() + 64              // the click count may gain digits
	b.SetBytes(int64(w.Body.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	for b.Loop() {
		if uncached {
			srv.Web.DropPages()
		}
		w := newRecorder(size)
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("GET %s: status %d", path, w.Code)
		}
	}
}

// newRecorder is httptest.NewRecorder with room for the body, so the
// benchmark measures the handler rather than the recorder's buffer growth
// (a real connection writes through a pooled 4 KB bufio.Writer).
func newRecorder(size int) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	w.Body.Grow(size)
	return w
}

// BenchmarkItemPageCached serves the seed item's page from the render cache:
// the cost of every request to a page that has been seen since the last
// publication.
func BenchmarkItemPageCached(b *testing.B) {
	srv, path := newBenchServer(b)
	benchPageOn(b, srv, path, false)
}

// BenchmarkItemPageUncached renders the seed item's page on every request:
// the cost of the first view after a publication.
func BenchmarkItemPageUncached(b *testing.B) {
	srv, path := newBenchServer(b)
	benchPageOn(b, srv, path, true)
}

// BenchmarkItemPageCachedParallel is BenchmarkItemPageCached from
// GOMAXPROCS goroutines at once, which shows contention on the cache lock
// and the click counter.
func BenchmarkItemPageCachedParallel(b *testing.B) {
	srv, path := newBenchServer(b)
	h := srv.Handler()
	size := serveOnce(b, h, benchRequest(path), http.StatusOK).Body.Len() + 64
	b.SetBytes(int64(size - 64))
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	b.RunParallel(func(pb *testing.PB) {
		r := benchRequest(path)
		for pb.Next() {
			w := newRecorder(size)
			h.ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				b.Errorf("GET %s: status %d", path, w.Code)
				return
			}
		}
	})
}

// BenchmarkItemPageNotModified is a revalidation with the page's ETag: a
// 304 without a body.
func BenchmarkItemPageNotModified(b *testing.B) {
	srv, path := newBenchServer(b)
	h := srv.Handler()
	w := serveOnce(b, h, benchRequest(path), http.StatusOK)
	r := benchRequest(path)
	r.Header.Set("If-None-Match", w.Header().Get("ETag"))
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusNotModified {
			b.Fatalf("GET %s with If-None-Match: status %d", path, w.Code)
		}
	}
}

// BenchmarkColumnPage is the 计划规划 column list (the seed item's column),
// cached and rendered on every request.
func BenchmarkColumnPage(b *testing.B) {
	b.Run("cached", func(b *testing.B) { benchPage(b, "/columns/jhgh", false) })
	b.Run("uncached", func(b *testing.B) { benchPage(b, "/columns/jhgh", true) })
}

// BenchmarkHomePage is the home page (six column sections), cached and
// rendered on every request.
func BenchmarkHomePage(b *testing.B) {
	b.Run("cached", func(b *testing.B) { benchPage(b, "/", false) })
	b.Run("uncached", func(b *testing.B) { benchPage(b, "/", true) })
}

// processCPU is the CPU time this process has used (user and system, all
// threads: the garbage collector's workers too).
func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the process CPU time per operation (cpu-ns/op) from
// now until the returned function runs: unlike ns/op, it does not grow
// when other processes share the machine's cores.
func reportCPU(b *testing.B) func() {
	c0 := processCPU()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(processCPU()-c0)/float64(b.N), "cpu-ns/op")
		}
	}
}

// discardWriter is a ResponseWriter that keeps the status and drops the
// body; its header map is new for every response, as net/http's is.
type discardWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *discardWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.n += len(b)
	return len(b), nil
}

// BenchmarkItemPageHandler is BenchmarkItemPageCached without the
// recorder's body buffer (16 KB allocated and cleared per request, most of
// that benchmark's bytes): the handler chain's own cost on a cached hit,
// and (sub-benchmark 304) on a revalidation.
func BenchmarkItemPageHandler(b *testing.B) {
	srv, path := newBenchServer(b)
	h := srv.Handler()
	etag := serveOnce(b, h, benchRequest(path), http.StatusOK).Header().Get("ETag")
	run := func(b *testing.B, r *http.Request, want int) {
		b.ReportAllocs()
		b.ResetTimer()
		defer reportCPU(b)()
		for b.Loop() {
			w := &discardWriter{h: http.Header{}}
			h.ServeHTTP(w, r)
			if w.status != want {
				b.Fatalf("GET %s: status %d, want %d", path, w.status, want)
			}
		}
	}
	b.Run("200", func(b *testing.B) { run(b, benchRequest(path), http.StatusOK) })
	b.Run("304", func(b *testing.B) {
		r := benchRequest(path)
		r.Header.Set("If-None-Match", etag)
		run(b, r, http.StatusNotModified)
	})
}
