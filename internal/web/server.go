// Package web serves the public site, the back office and the JSON API over
// HTTP. Handlers parse input, call the domain packages and render; no SQL
// and no legal rule lives here.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"gongkai/internal/auth"
	"gongkai/internal/blob"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/compliance"
	"gongkai/internal/deadline"
	"gongkai/internal/errs"
	"gongkai/internal/events"
	"gongkai/internal/secure"
)

// Options configure a Server.
type Options struct {
	// Secure marks cookies Secure (set when served over TLS or behind a TLS proxy).
	Secure bool
	// MaxUpload is the largest attachment accepted, in bytes.
	MaxUpload int64
	// TrustProxy takes the client address from X-Forwarded-For (behind a proxy/CDN).
	TrustProxy bool
	// DevTemplates reloads templates from this directory on every request.
	DevTemplates string
}

// Server is the HTTP application.
type Server struct {
	Catalog *catalog.Service
	Auth    *auth.Service
	Blobs   *blob.Store
	Log     *slog.Logger
	Opts    Options

	// Calendar, Deadlines and Compliance are built by New over the catalogue's database.
	Calendar   *calendar.Versions
	Deadlines  *deadline.Service
	Compliance *compliance.Service

	Clicks catalog.Clicks
	cache  *renderCache
	sites  sync.Map // host -> *siteState
	tmpl   *templates

	loginLimit *secure.Limiter // per login name
	loginIPs   *secure.Limiter // per address: looser, a whole office may share one NAT address
	apiLimit   *secure.Limiter
}

// New builds a Server and hooks cache invalidation into the catalogue.
func New(cat *catalog.Service, au *auth.Service, blobs *blob.Store, log *slog.Logger, opts Options) (*Server, error) {
	if opts.MaxUpload <= 0 {
		opts.MaxUpload = 50 << 20
	}
	t, err := loadTemplates(opts.DevTemplates)
	if err != nil {
		return nil, err
	}
	s := &Server{Catalog: cat, Auth: au, Blobs: blobs, Log: log, Opts: opts, tmpl: t, cache: newRenderCache(4096),
		// Login: per name a burst of 5, then one try every 12 s; per address
		// a burst of 30, then one every 2 s.
		loginLimit: secure.NewLimiter(rate.Every(12*time.Second), 5, 30*time.Minute),
		loginIPs:   secure.NewLimiter(rate.Every(2*time.Second), 30, 30*time.Minute),
		apiLimit:   secure.NewLimiter(rate.Limit(50), 100, 10*time.Minute),
	}
	s.Calendar = &calendar.Versions{DB: cat.DB}
	s.Deadlines = &deadline.Service{DB: cat.DB, Catalog: cat, Calendar: s.Calendar}
	s.Compliance = &compliance.Service{DB: cat.DB, Catalog: cat, Deadlines: s.Deadlines}
	if cat.Bus == nil {
		cat.Bus = events.NewBus(cat.DB, log)
	}
	// Node-local: this node's cache must see every change from now on,
	// its own at once (Committed) and other nodes' by polling the outbox.
	if err := cat.Bus.SubscribeLocal(context.Background(), "web.render-cache", func(_ context.Context, e events.Event) error {
		s.invalidate(e.SiteID)
		return nil
	}); err != nil {
		return nil, err
	}
	return s, nil
}

// invalidate drops the cached pages and site state of site siteID after a
// public change there; other sites' pages stay (集约化: one site's publishing
// does not empty every body's cache).
func (s *Server) invalidate(siteID int64) {
	s.cache.clearSite(siteID)
	s.sites.Range(func(k, v any) bool {
		if v.(*siteState).Site.ID == siteID {
			s.sites.Delete(k)
		}
		return true
	})
}

// siteState is a site with its column tree, cached per host.
type siteState struct {
	Site *catalog.Site
	Tree *catalog.Tree
}

func (s *Server) siteFor(r *http.Request) (*siteState, error) {
	host := strings.ToLower(r.Host)
	if v, ok := s.sites.Load(host); ok {
		return v.(*siteState), nil
	}
	site, err := s.Catalog.SiteForHost(r.Context(), host)
	if err != nil {
		return nil, err
	}
	tree, err := s.Catalog.Tree(r.Context(), site.ID)
	if err != nil {
		return nil, err
	}
	st := &siteState{Site: site, Tree: tree}
	s.sites.Store(host, st)
	return st, nil
}

type ctxKey int

const (
	keySite ctxKey = iota
	keySession
	keyRequestID
)

func siteOf(r *http.Request) *siteState { st, _ := r.Context().Value(keySite).(*siteState); return st }

// Handler returns the whole application with its middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.routes(mux)
	cop := http.NewCrossOriginProtection()
	cop.AddInsecureBypassPattern("POST /api/v1/") // bearer-token API, no cookies
	var h http.Handler = mux
	h = s.withSite(h)
	h = cop.Handler(h)
	h = s.securityHeaders(h)
	h = s.recoverAndLog(h)
	return h
}

func (s *Server) withSite(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/static/") || r.URL.Path == "/healthz" {
			next.ServeHTTP(w, r)
			return
		}
		st, err := s.siteFor(r)
		if err != nil {
			if errs.CodeOf(err) == errs.NotFound {
				http.Error(w, "本站点尚未建立。请运行 gongkai serve --demo 载入演示站点，或用命令行创建站点。", http.StatusNotFound)
				return
			}
			s.Log.Error("site lookup", "err", err)
			http.Error(w, "服务器内部错误", http.StatusInternalServerError)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keySite, st)))
	})
}

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; media-src 'self' https:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("X-Frame-Options", "SAMEORIGIN")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		if s.Opts.Secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) recoverAndLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		var b [8]byte
		rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.Log.Error("panic", "request_id", id, "panic", p, "stack", string(debug.Stack()))
				if sw.status == 0 {
					http.Error(sw, "服务器内部错误", http.StatusInternalServerError)
				}
			}
			level := slog.LevelDebug
			if sw.status >= 500 {
				level = slog.LevelError
			} else if r.Method != http.MethodGet && r.Method != http.MethodHead {
				level = slog.LevelInfo
			}
			s.Log.Log(r.Context(), level, "request", "request_id", id, "method", r.Method, "path", r.URL.Path, "status", sw.status,
				"bytes", sw.bytes, "duration", time.Since(start))
		}()
		r = r.WithContext(context.WithValue(r.Context(), keyRequestID, id))
		next.ServeHTTP(sw, r)
	})
}

// clientIP returns the address used for rate limits and the audit log.
func (s *Server) clientIP(r *http.Request) string {
	if s.Opts.TrustProxy {
		if xf := r.Header.Get("X-Forwarded-For"); xf != "" {
			first, _, _ := strings.Cut(xf, ",")
			return strings.TrimSpace(first)
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// statusOf maps error codes to HTTP statuses (one table for every surface).
func statusOf(err error) int {
	switch errs.CodeOf(err) {
	case errs.NotFound:
		return http.StatusNotFound
	case errs.Invalid:
		return http.StatusUnprocessableEntity
	case errs.Conflict:
		return http.StatusConflict
	case errs.Forbidden:
		return http.StatusForbidden
	case errs.Unauthorized:
		return http.StatusUnauthorized
	case errs.TooMany:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

func (s *Server) logErr(r *http.Request, err error) {
	if errs.CodeOf(err) == errs.Internal {
		id, _ := r.Context().Value(keyRequestID).(string)
		s.Log.Error("internal error", "request_id", id, "path", r.URL.Path, "err", err)
	}
}

// Background runs the periodic jobs: click flushing, scheduled publishing,
// session purging. It returns when ctx ends, after a last flush.
func (s *Server) Background(ctx context.Context, clickEvery time.Duration) {
	clicks := time.NewTicker(clickEvery)
	minute := time.NewTicker(time.Minute)
	defer clicks.Stop()
	defer minute.Stop()
	// Change events: delivery to subscribers, other nodes' events by polling.
	go s.Catalog.Bus.Run(ctx)
	s.publishDue(ctx)
	s.dailyChecks(ctx)
	for {
		select {
		case <-ctx.Done():
			if err := s.Catalog.FlushClicks(context.WithoutCancel(ctx), &s.Clicks); err != nil {
				s.Log.Error("flush clicks", "err", err)
			}
			return
		case <-clicks.C:
			if err := s.Catalog.FlushClicks(ctx, &s.Clicks); err != nil && !errors.Is(err, context.Canceled) {
				s.Log.Error("flush clicks", "err", err)
			}
		case <-minute.C:
			s.publishDue(ctx)
			s.dailyChecks(ctx)
			if err := s.Auth.PurgeSessions(ctx); err != nil {
				s.Log.Error("purge sessions", "err", err)
			}
			if _, err := events.Prune(ctx, s.Catalog.DB, time.Now().Add(-events.Retention)); err != nil {
				s.Log.Error("prune events", "err", err)
			}
		}
	}
}

// dailyChecks runs the self-inspection of every site whose last run is a
// day old, and keeps the report for the trend.
func (s *Server) dailyChecks(ctx context.Context) {
	sites, err := s.Catalog.Sites(ctx)
	if err != nil {
		s.Log.Error("daily checks", "err", err)
		return
	}
	for _, site := range sites {
		last, err := s.Compliance.LastRun(ctx, site.ID)
		if err != nil || time.Since(last) < 24*time.Hour {
			continue
		}
		rep, err := s.Compliance.Run(ctx, site.ID, calendar.Today())
		if err == nil {
			err = s.Compliance.Save(ctx, rep)
		}
		if err != nil {
			s.Log.Error("daily checks", "site", site.Slug, "err", err)
			continue
		}
		s.Log.Info("daily checks", "site", site.Slug, "findings", len(rep.Findings), "vetoes", rep.Vetoes())
	}
}

func (s *Server) publishDue(ctx context.Context) {
	n, err := s.Catalog.PublishDue(ctx, time.Now())
	if err != nil {
		s.Log.Error("scheduled publishing", "err", err)
	}
	if n > 0 {
		s.Log.Info("scheduled publishing", "published", n)
	}
}
