// Package web is the HTTP kit: the server and its middleware, rendering and
// the render cache, staff sessions and form tokens, display preferences,
// error mapping, and the Mount API through which each feature package
// (internal/web/catalogue, siteadmin, selfcheck, ...) registers its routes on
// one of three surfaces: the public site, the back office and the JSON API.
// Handlers parse input, call the domain packages and render; no SQL and no
// legal rule lives here. Services and background jobs are wired by the
// caller (internal/app, cmd/gongkai); web only serves.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/captcha"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/secure"
)

// Options configure a Server.
type Options struct {
	// Secure marks cookies Secure (set when served over TLS or behind a TLS proxy).
	Secure bool
	// MaxUpload is the largest attachment accepted, in bytes.
	MaxUpload int64
	// TrustedProxies are the reverse proxies and CDN nodes whose
	// X-Forwarded-For and X-Forwarded-Proto are believed (see ClientIP).
	// Empty: the direct peer is the client.
	TrustedProxies []netip.Prefix
	// DevTemplates reloads templates from this directory on every request.
	DevTemplates string
	// Today is the date the self-inspection and deadlines work from; nil
	// means calendar.Today (tests pass a fixed day).
	Today func() calendar.Date
	// CaptchaKey signs the public forms' CAPTCHA challenges (captcha.go):
	// 32 random bytes or more, the same on every node; nil makes a random
	// one at start (one node).
	CaptchaKey []byte
	// FormLimits limit public form posts (LimitForm); zero: DefaultFormLimits.
	FormLimits FormLimits
	// Metrics serves /metrics (Prometheus text format, metrics.go); off
	// by default.
	Metrics bool
	// SitemapFileURLs is the most items one sitemap file lists; zero:
	// 50,000, the protocol's limit (tests use small files).
	SitemapFileURLs int
	// SitemapPageURLs is the most pages (home, columns, the features'
	// pages and list rows) one sitemap pages file lists; zero: 50,000.
	SitemapPageURLs int
}

// Today is the site's current date (Options.Today, else the calendar's).
func (s *Server) Today() calendar.Date {
	if s.Opts.Today != nil {
		return s.Opts.Today()
	}
	return calendar.Today()
}

// Server is the HTTP kit. Features mount their routes on it (mount.go)
// before Handler is called.
type Server struct {
	Catalog *catalog.Service
	Auth    *auth.Service
	Log     *slog.Logger
	Opts    Options

	// Clicks are the item page views not yet written (flushed by a job).
	Clicks catalog.Clicks
	cache  *renderCache
	sites  siteCache
	tmpl   *templates

	mux       *http.ServeMux
	fallbacks bool
	// writes counts state-changing requests per site (Writes).
	writes sync.Map
	// sitemaps are the features' public pages for the sitemap (Sitemap).
	sitemaps []SitemapFunc
	// pageParams are the query parameters public pages read (CacheParams).
	pageParams  map[string]bool
	routes      []Route
	flashes     map[string]string
	apiDocJSON  []byte       // the assembled OpenAPI document (openapi.go)
	homeBlocks  []HomeBlock  // features' blocks of the home page (home.go)
	placeBlocks []PlaceBlock // features' blocks of other pages (home.go)

	// Failed logins are limited per (name, address), per address (looser:
	// a whole office may share one NAT address) and per name (slower, and
	// never in the way of an address that has not failed; see login).
	loginPairs *secure.Limiter
	loginIPs   *secure.Limiter
	loginNames *secure.Limiter
	apiLimit   *secure.Limiter

	// Captcha issues and checks the public forms' challenges (captcha.go);
	// captchaFetch limits image fetches per address; formLimits are
	// LimitForm's.
	Captcha      *captcha.Service
	captchaFetch *secure.Limiter
	formLimits   formLimiters

	metrics metrics
}

// New builds the kit with its own routes (static files, health, display
// preferences, staff login). Features are mounted afterwards.
func New(cat *catalog.Service, au *auth.Service, log *slog.Logger, opts Options) (*Server, error) {
	if opts.MaxUpload <= 0 {
		opts.MaxUpload = 50 << 20
	}
	s := &Server{Catalog: cat, Auth: au, Log: log, Opts: opts, cache: newRenderCache(4096), mux: http.NewServeMux(),
		flashes: map[string]string{},
		// Failed logins: per name and address a burst of 5, then one try
		// every 12 s; per address a burst of 30, then one every 2 s; per
		// name a burst of 20, then one a minute.
		loginPairs: secure.NewLimiter(rate.Every(12*time.Second), 5, 30*time.Minute),
		loginIPs:   secure.NewLimiter(rate.Every(2*time.Second), 30, 30*time.Minute),
		loginNames: secure.NewLimiter(rate.Every(time.Minute), 20, 30*time.Minute),
		apiLimit:   secure.NewLimiter(rate.Limit(50), 100, 10*time.Minute),
		// A form page and a few new images a visitor asks for, then two a second.
		captchaFetch: secure.NewLimiter(rate.Limit(2), 30, 10*time.Minute),
	}
	if cat != nil { // nil when only the routes are described
		s.Captcha = captcha.New(cat.DB, opts.CaptchaKey)
	}
	s.tmpl = newTemplates(opts.DevTemplates)
	if err := s.Templates("internal/web", kitFS); err != nil {
		return nil, err
	}
	s.mountKit()
	return s, nil
}

// Invalidate drops the site's cached pages and its cached state (column
// tree, settings) after a public change; siteID 0 drops every site's.
func (s *Server) Invalidate(siteID int64) {
	s.cache.clearSite(siteID)
	s.sites.invalidate(siteID)
}

// InvalidateItem drops the cached pages a change of one item (published,
// revised, withdrawn, its files) can alter — the site's pages other than
// item pages, the item's, and the item pages that show it or share its
// column, and the pages of the items in also (renderCache.clearItem), and
// the sitemap files oc touches (every one for a nil oc) — and the site's
// cached state.
func (s *Server) InvalidateItem(siteID, itemID, columnID int64, also []int64, oc *OrderChange) {
	s.cache.clearItem(siteID, itemID, columnID, also, oc)
	s.sites.invalidate(siteID)
}

// SitemapFunc lists a feature's public pages of a site (paths such as
// /lists/power_list) for the sitemap.
type SitemapFunc func(ctx context.Context, siteID int64) ([]string, error)

// Sitemap registers a feature's pages for the sitemap: each capability
// adds its own public pages, as it registers its search records.
func (s *Server) Sitemap(f SitemapFunc) { s.sitemaps = append(s.sitemaps, f) }

// SitemapPaths lists every registered feature's public pages of a site.
func (s *Server) SitemapPaths(ctx context.Context, siteID int64) ([]string, error) {
	var out []string
	for _, f := range s.sitemaps {
		ps, err := f(ctx, siteID)
		if err != nil {
			return nil, err
		}
		out = append(out, ps...)
	}
	return out, nil
}

// SiteState is the request's site with its column tree, cached per site.
type SiteState struct {
	Site *catalog.Site
	Tree *catalog.Tree
}

// siteCache holds each site's state by site id, and which site each
// declared host name belongs to. Hosts that no site declares go to the
// default site (catalog.HostIndex: the first) and are not remembered, so
// no Host header a client makes up grows anything: the cache holds as
// many entries as there are sites and declared hosts.
type siteCache struct {
	mu     sync.Mutex
	gen    uint64 // bumped by invalidate; loads from before it are not kept
	index  *catalog.HostIndex
	loaded time.Time // when index was read
	states map[int64]*SiteState
}

// hostRecheck is how often at most an undeclared host makes the host index
// be read again, so a site added on another node (or by the CLI) is found
// without a query per made-up host.
const hostRecheck = 30 * time.Second

func (c *siteCache) invalidate(siteID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	// Host names may have changed with the site.
	c.index = nil
	if siteID == 0 {
		c.states = nil
		return
	}
	delete(c.states, siteID)
}

// size is the number of cached entries (site states and declared hosts).
func (c *siteCache) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(c.states)
	if c.index != nil {
		n += len(c.index.Hosts)
	}
	return n
}

// normHost is r.Host without port and trailing dot, in lower case.
func normHost(h string) string {
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.HasSuffix(h, "]") {
		h = h[:i]
	}
	return strings.TrimSuffix(strings.ToLower(h), ".")
}

func (s *Server) siteFor(r *http.Request) (*SiteState, error) {
	ctx := r.Context()
	host := normHost(r.Host)
	c := &s.sites
	c.mu.Lock()
	gen, idx := c.gen, c.index
	stale := idx == nil || (idx.Hosts[host] == 0 && time.Since(c.loaded) > hostRecheck)
	c.mu.Unlock()
	if stale {
		fresh, err := s.Catalog.HostIndex(ctx)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		if c.gen == gen {
			c.index, c.loaded = fresh, time.Now()
		}
		c.mu.Unlock()
		idx = fresh
	}
	id := idx.Hosts[host]
	if id == 0 {
		id = idx.Default
	}
	if id == 0 {
		return nil, catalog.ErrNoSite
	}
	c.mu.Lock()
	st := c.states[id]
	gen = c.gen
	c.mu.Unlock()
	if st != nil {
		return st, nil
	}
	site, err := s.Catalog.Site(ctx, id)
	if err != nil {
		return nil, err
	}
	tree, err := s.Catalog.Tree(ctx, site.ID)
	if err != nil {
		return nil, err
	}
	st = &SiteState{Site: site, Tree: tree}
	c.mu.Lock()
	if c.gen == gen {
		if c.states == nil {
			c.states = map[int64]*SiteState{}
		}
		c.states[id] = st
	}
	c.mu.Unlock()
	return st, nil
}

type ctxKey int

const (
	keySite ctxKey = iota
	keySession
	keyRequest
)

// SiteOf returns the request's site (every route but /static and /healthz has one).
func SiteOf(r *http.Request) *SiteState {
	ctx := r.Context()
	if rs, _ := ctx.Value(keyRequest).(*reqState); rs != nil && rs.site != nil {
		return rs.site
	}
	st, _ := ctx.Value(keySite).(*SiteState)
	return st
}

// reqState is what the middleware keeps about one request, in one context
// value and one allocation (issue 17: the cached item page's cost is the
// handler chain, and each context value and request copy is an allocation):
// the response's status writer, the request id, the route pattern the mux
// matched and the request's site.
type reqState struct {
	sw statusWriter
	// rid is the request id's random bits; id formats them (only a
	// logged request needs the text).
	rid     [8]byte
	pattern string
	site    *SiteState
}

func (rs *reqState) id() string { return hex.EncodeToString(rs.rid[:]) }

func stateOf(r *http.Request) *reqState {
	rs, _ := r.Context().Value(keyRequest).(*reqState)
	return rs
}

// Handler returns the whole application with its middleware. Call it once,
// after every feature is mounted.
func (s *Server) Handler() http.Handler {
	s.mountFallbacks()
	cop := http.NewCrossOriginProtection()
	cop.AddInsecureBypassPattern("POST /api/v1/") // bearer-token API, no cookies
	var h http.Handler = notePattern(s.mux)
	h = s.cleanInput(h)
	h = s.withSite(h)
	h = cop.Handler(h)
	h = s.securityHeaders(h)
	h = s.recoverAndLog(h)
	return h
}

func (s *Server) withSite(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/static/") || r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || r.URL.Path == "/metrics" {
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
		// The site goes into the request's state (recoverAndLog made it),
		// not a context value of its own: no second request copy.
		rs := stateOf(r)
		ctx := r.Context()
		if rs != nil {
			rs.site = st
		} else {
			ctx = context.WithValue(ctx, keySite, st)
		}
		// Audit rows of this request carry the client address. Only state
		// changes (POST) write audit rows, so reads skip the work (APIUser
		// adds it for the token.used row of a bearer token).
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			ctx = auth.WithClientIP(ctx, s.ClientIP(r))
			// Counted after the change, so whatever was computed during
			// it is not taken as current (Writes).
			defer s.writeCounter(st.Site.ID).Add(1)
			if db := s.Catalog.DB; db.HasReplicas() {
				s.wrote(w)
				defer s.markWrite(r, db)
			}
		}
		if ctx != r.Context() {
			r = r.WithContext(ctx)
		}
		next.ServeHTTP(w, r)
	})
}

// Writes counts the state-changing requests (any method but GET and HEAD)
// this node has served for a site: a cheap version of "something may have
// changed", for summaries worth keeping until then (the workbench's
// self-inspection). Other nodes' writes are not counted, so such a cache
// also needs a time limit.
func (s *Server) Writes(siteID int64) int64 { return s.writeCounter(siteID).Load() }

func (s *Server) writeCounter(siteID int64) *atomic.Int64 {
	if c, ok := s.writes.Load(siteID); ok {
		return c.(*atomic.Int64)
	}
	c, _ := s.writes.LoadOrStore(siteID, new(atomic.Int64))
	return c.(*atomic.Int64)
}

// The security headers' values, one slice each, shared by every response
// (len == cap, so an Add on a response copies rather than writes into them):
// set as map entries under their canonical keys, without Header.Set's
// canonicalisation and its one-element slice per call.
var (
	hdrCSP             = []string{"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; media-src 'self' https:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"}
	hdrNosniff         = []string{"nosniff"}
	hdrReferrer        = []string{"strict-origin-when-cross-origin"}
	hdrFrameOptions    = []string{"SAMEORIGIN"}
	hdrPermissions     = []string{"camera=(), microphone=(), geolocation=(), interest-cohort=()"}
	hdrTransportStrict = []string{"max-age=31536000"}
)

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Content-Security-Policy"] = hdrCSP
		h["X-Content-Type-Options"] = hdrNosniff
		h["Referrer-Policy"] = hdrReferrer
		h["X-Frame-Options"] = hdrFrameOptions
		h["Permissions-Policy"] = hdrPermissions
		if s.Opts.Secure {
			h["Strict-Transport-Security"] = hdrTransportStrict
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
		rs := &reqState{sw: statusWriter{ResponseWriter: w}}
		rand.Read(rs.rid[:])
		sw := &rs.sw
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.Log.Error("panic", "request_id", rs.id(), "panic", p, "stack", string(debug.Stack()))
				if sw.status == 0 {
					if isAPI(r) {
						WriteJSON(sw, http.StatusInternalServerError, apiErrorBody{apiError{Code: errs.Internal, Message: "服务器内部错误"}})
					} else {
						http.Error(sw, "服务器内部错误", http.StatusInternalServerError)
					}
				}
			}
			level := slog.LevelDebug
			if sw.status >= 500 {
				level = slog.LevelError
			} else if r.Method != http.MethodGet && r.Method != http.MethodHead {
				level = slog.LevelInfo
			}
			took := time.Since(start)
			s.metrics.observe(rs.pattern, sw.status, took)
			// Enabled first: a disabled level (GETs at the default
			// level) neither boxes the arguments nor formats the id.
			if ctx := r.Context(); s.Log.Enabled(ctx, level) {
				s.Log.Log(ctx, level, "request", "request_id", rs.id(), "method", r.Method, "path", r.URL.Path, "route", rs.pattern, "status", sw.status,
					"bytes", sw.bytes, "duration", took)
			}
		}()
		r = r.WithContext(context.WithValue(r.Context(), keyRequest, rs))
		next.ServeHTTP(sw, r)
	})
}

// StatusOf maps error codes to HTTP statuses (one table for every surface).
func StatusOf(err error) int {
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
	case errs.BadMethod:
		return http.StatusMethodNotAllowed
	case errs.Gone:
		return http.StatusGone
	}
	return http.StatusInternalServerError
}

// LogErr logs an internal error once, with the request id; errors caused
// by the request itself are the user's, not the log's.
func (s *Server) LogErr(r *http.Request, err error) {
	if errs.CodeOf(err) == errs.Internal {
		id := ""
		if rs := stateOf(r); rs != nil {
			id = rs.id()
		}
		s.Log.Error("internal error", "request_id", id, "path", r.URL.Path, "err", err)
	}
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	if err := s.Catalog.DB.R.PingContext(r.Context()); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "database unavailable")
		return
	}
	fmt.Fprintln(w, "ok", time.Now().UTC().Format(time.RFC3339))
}

// SetAPILimiter replaces the API's per-address rate limiter (tests that
// make many requests from one address).
func (s *Server) SetAPILimiter(l *secure.Limiter) { s.apiLimit = l }
