package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// clickMark stands in a rendered page where the live click count goes, so a
// cached page can show an up-to-date count without re-rendering.
const clickMark = "\x00gk-clicks\x00"

// cachedPage is a rendered public page.
type cachedPage struct {
	head, tail []byte // around the click count; tail is nil without one
	etag       string
	modified   time.Time
	status     int
	// siteID is the site the page belongs to, for per-site invalidation.
	siteID int64
	// itemID and baseClicks let the page show base + views seen since render.
	itemID int64
	// column and refs are what an item page depends on besides its item:
	// its column (a new item there moves the 上一篇/下一篇 links) and the
	// other items it shows (related, linked, replaced, neighbours).
	column     int64
	refs       []int64
	baseClicks int64
	views      atomic.Int64
	// ctype and gzipped: a cached file other than a page (CachedFile),
	// kept gzip-compressed and sent so to clients that accept it.
	ctype   string
	gzipped bool
	// span: a cached file listing published items (a sitemap file,
	// CachedItemFile), dropped by an item change only where it lists it.
	span *ItemSpan
	// hETag and hModified are the ETag and Last-Modified header values,
	// made once (setHeaders), and clen the last Content-Length sent (it
	// changes only when the click count gains a digit).
	hETag, hModified []string
	clen             atomic.Pointer[clenHeader]
}

// clenHeader is a Content-Length header value and the length it says.
type clenHeader struct {
	n int
	v []string
}

// The cached pages' fixed header values, shared by every response like
// the security headers (server.go).
var (
	hdrHTML       = []string{"text/html; charset=utf-8"}
	hdrRevalidate = []string{"public, max-age=0, must-revalidate"}
	hdrVaryCookie = []string{"Cookie"}
	hdrVaryAE     = []string{"Accept-Encoding"}
	hdrGzip       = []string{"gzip"}
)

// setHeaders makes the page's header values; call it once, when the page
// is made.
func (p *cachedPage) setHeaders() {
	p.hETag = []string{p.etag}
	p.hModified = []string{p.modified.Format(http.TimeFormat)}
}

// contentLength is the Content-Length header value for n bytes.
func (p *cachedPage) contentLength(n int) []string {
	if c := p.clen.Load(); c != nil && c.n == n {
		return c.v
	}
	c := &clenHeader{n: n, v: []string{strconv.Itoa(n)}}
	p.clen.Store(c)
	return c.v
}

// notModified reports whether r's conditional headers match the page (an
// If-None-Match, else an If-Modified-Since, parsed only when sent).
func (p *cachedPage) notModified(r *http.Request) bool {
	if v := r.Header["If-None-Match"]; len(v) > 0 && v[0] != "" {
		return v[0] == p.etag || v[0] == "*"
	}
	if v := r.Header["If-Modified-Since"]; len(v) > 0 && v[0] != "" {
		ims, err := http.ParseTime(v[0])
		return err == nil && !p.modified.After(ims)
	}
	return false
}

// OrderKey is an item's place in the sitemap's order: publication day,
// then id.
type OrderKey struct {
	On string
	ID int64
}

func (k OrderKey) less(o OrderKey) bool { return k.On < o.On || (k.On == o.On && k.ID < o.ID) }

// ItemSpan says which published items a cached file lists, in OrderKey
// order (the sitemap's items files hold consecutive ranges of it).
type ItemSpan struct {
	// None: the file lists no items (the sitemap's pages file).
	None bool
	// Count: the file depends only on how many items are published (the
	// sitemap index: one entry per file).
	Count bool
	// First and Last are the first and last item listed; Final marks
	// the last file, which a new item at the end joins.
	First, Last OrderKey
	Final       bool
}

// OrderChange is where an item change is in the sitemap's order.
type OrderChange struct {
	// At is the item's place now.
	At OrderKey
	// Shift: the item was published or withdrawn, so every item after
	// it moves one place (and the number of items changes).
	Shift bool
	// From is its place before, when a revision moved it (a new
	// publication day): the items between the two places move.
	From *OrderKey
}

// touches reports whether an item change alters the file of span.
func (sp *ItemSpan) touches(oc *OrderChange) bool {
	switch {
	case oc == nil:
		return true
	case sp.None:
		return false
	case sp.Count:
		return oc.Shift
	case oc.Shift:
		return sp.Final || !sp.Last.less(oc.At)
	case oc.From != nil:
		lo, hi := oc.At, *oc.From
		if hi.less(lo) {
			lo, hi = hi, lo
		}
		return !sp.Last.less(lo) && !hi.less(sp.First)
	default:
		return !oc.At.less(sp.First) && !sp.Last.less(oc.At)
	}
}

func newCachedPage(body []byte, status int, itemID, baseClicks int64) *cachedPage {
	sum := sha256.Sum256(body)
	p := &cachedPage{etag: `W/"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`, modified: time.Now().UTC().Truncate(time.Second),
		status: status, itemID: itemID, baseClicks: baseClicks}
	if i := bytes.Index(body, []byte(clickMark)); i >= 0 {
		p.head, p.tail = body[:i], body[i+len(clickMark):]
	} else {
		p.head = body
	}
	p.setHeaders()
	return p
}

// serve writes the page, answering conditional requests with 304. Every
// view (also a 304) counts for the item.
func (p *cachedPage) serve(w http.ResponseWriter, r *http.Request, s *Server) {
	clicks := int64(0)
	if p.itemID != 0 {
		clicks = p.baseClicks + p.views.Add(1)
		s.Clicks.Add(p.itemID)
	}
	h := w.Header()
	if p.ctype != "" {
		p.serveFile(w, r)
		return
	}
	// Map entries under canonical keys, with values made once: no
	// Header.Set (canonicalising, a new slice per call) on a cached hit.
	h["Content-Type"] = hdrHTML
	h["Etag"] = p.hETag // canonical form of ETag
	h["Last-Modified"] = p.hModified
	h["Cache-Control"] = hdrRevalidate
	// The display-preferences cookie selects the variant (prefs.go).
	h["Vary"] = hdrVaryCookie
	if p.status == http.StatusOK && p.notModified(r) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	n := len(p.head)
	var numBuf [20]byte
	var num []byte
	if p.tail != nil {
		num = strconv.AppendInt(numBuf[:0], clicks, 10)
		n += len(num) + len(p.tail)
	}
	h["Content-Length"] = p.contentLength(n)
	w.WriteHeader(p.status)
	if r.Method == http.MethodHead {
		return
	}
	if p.tail == nil {
		w.Write(p.head)
		return
	}
	// One write, not three: system calls dominate the cost of a cached page.
	bp := bufPool.Get().(*[]byte)
	b := append(append(append((*bp)[:0], p.head...), num...), p.tail...)
	w.Write(b)
	*bp = b
	bufPool.Put(bp)
}

// serveFile writes a cached file: compressed to a client that accepts
// gzip, decompressed as it goes to one that does not.
func (p *cachedPage) serveFile(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", p.ctype)
	h["Etag"] = p.hETag // canonical form of ETag
	h["Last-Modified"] = p.hModified
	h["Cache-Control"] = hdrRevalidate
	h["Vary"] = hdrVaryAE
	if inm := r.Header.Get("If-None-Match"); inm != "" && (inm == p.etag || inm == "*") {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		h["Content-Encoding"] = hdrGzip
		h["Content-Length"] = p.contentLength(len(p.head))
		w.WriteHeader(p.status)
		if r.Method != http.MethodHead {
			w.Write(p.head)
		}
		return
	}
	w.WriteHeader(p.status)
	if r.Method == http.MethodHead {
		return
	}
	if zr, err := gzip.NewReader(bytes.NewReader(p.head)); err == nil {
		io.Copy(w, zr)
	}
}

// CachedFile serves a generated public file (a sitemap) from the render
// cache, keyed by site, day and path like a page and dropped with the
// site's pages on the next public change; fill makes it on a miss. The
// file is kept gzip-compressed (a 50,000-URL sitemap is some 4 MB as text,
// a tenth of that compressed), so large files do not crowd out pages.
func (s *Server) CachedFile(w http.ResponseWriter, r *http.Request, ctype string, fill func() ([]byte, error)) {
	s.CachedItemFile(w, r, ctype, func() ([]byte, *ItemSpan, error) {
		b, err := fill()
		return b, nil, err
	})
}

// CachedItemFile is CachedFile for a file that lists published items (a
// sitemap file): fill also says which (span; nil: any), so a change of one
// item drops only the files it alters (issue 17: a publish invalidates only
// the sitemap file that holds the item).
func (s *Server) CachedItemFile(w http.ResponseWriter, r *http.Request, ctype string, fill func() ([]byte, *ItemSpan, error)) {
	siteID := SiteOf(r).Site.ID
	// The file's absolute URLs name the host it was asked under (one of
	// the site's declared hosts, BaseURL): part of the key.
	key := "site:" + strconv.FormatInt(siteID, 10) + " " + s.Today().String() + " file " + s.BaseURL(r) + r.URL.Path
	if p := s.cache.get(key); p != nil {
		p.serve(w, r, s)
		return
	}
	p, err := s.cache.fillOnce(key, func() (*cachedPage, error) {
		gen := s.cache.gen.Load()
		body, span, err := fill()
		if err != nil {
			return nil, err
		}
		var z bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&z, gzip.BestSpeed)
		zw.Write(body)
		zw.Close()
		sum := sha256.Sum256(z.Bytes())
		p := &cachedPage{head: z.Bytes(), etag: `W/"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`,
			modified: time.Now().UTC().Truncate(time.Second), status: http.StatusOK, ctype: ctype, gzipped: true, span: span}
		p.setHeaders()
		s.cache.put(siteID, key, p, gen)
		return p, nil
	})
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	p.serve(w, r, s)
}

// fillCall is one file being made; the requests for it meanwhile wait.
type fillCall struct {
	done chan struct{}
	p    *cachedPage
	err  error
}

// fillOnce makes a missing file once however many requests ask for it at
// the same time: the sitemap's pages file at 100,000 items takes a second
// or more to make, and eight clients arriving on a miss made it eight
// times over, side by side (the server's memory peak of the sitemap row).
func (c *renderCache) fillOnce(key string, fill func() (*cachedPage, error)) (*cachedPage, error) {
	c.fmu.Lock()
	if f := c.filling[key]; f != nil {
		c.fmu.Unlock()
		<-f.done
		return f.p, f.err
	}
	f := &fillCall{done: make(chan struct{})}
	if c.filling == nil {
		c.filling = map[string]*fillCall{}
	}
	c.filling[key] = f
	c.fmu.Unlock()
	defer func() {
		if f.p == nil && f.err == nil {
			f.err = errors.New("file not made") // fill panicked: the waiters get an error page
		}
		c.fmu.Lock()
		delete(c.filling, key)
		c.fmu.Unlock()
		close(f.done)
	}()
	f.p, f.err = fill()
	return f.p, f.err
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// renderCache holds rendered public pages until the next public change,
// within a page count and a byte budget.
type renderCache struct {
	// hits and misses count lookups (/metrics).
	hits, misses atomic.Uint64
	// gen counts invalidations: a page filled while one happened may
	// hold what was there before the change, and is served but not kept.
	gen atomic.Uint64

	// fmu guards filling, the files being made (fillOnce).
	fmu     sync.Mutex
	filling map[string]*fillCall

	mu       sync.RWMutex
	pages    map[string]*cachedPage
	bytes    int
	max      int
	maxBytes int
}

// renderCacheBytes is the render cache's byte budget (about 1,100 item
// pages). It is most of the server's live heap: issue 17 keeps the whole
// process under 150 MB, so it is 16 MB rather than 32.
const renderCacheBytes = 16 << 20

func newRenderCache(max int) *renderCache {
	return &renderCache{pages: map[string]*cachedPage{}, max: max, maxBytes: renderCacheBytes}
}

func (c *renderCache) get(key string) *cachedPage {
	c.mu.RLock()
	p := c.pages[key]
	c.mu.RUnlock()
	return c.counted(p)
}

// getBytes is get for a key held in a byte slice (the map lookup makes no
// string of it).
func (c *renderCache) getBytes(key []byte) *cachedPage {
	c.mu.RLock()
	p := c.pages[string(key)]
	c.mu.RUnlock()
	return c.counted(p)
}

// counted counts a lookup's hit or miss and returns its page.
func (c *renderCache) counted(p *cachedPage) *cachedPage {
	if p != nil {
		c.hits.Add(1)
	} else {
		c.misses.Add(1)
	}
	return p
}

func (p *cachedPage) size() int { return len(p.head) + len(p.tail) }

func (c *renderCache) put(siteID int64, key string, p *cachedPage, gen uint64) {
	p.siteID = siteID
	c.mu.Lock()
	if c.gen.Load() != gen {
		c.mu.Unlock()
		return
	}
	if old := c.pages[key]; old != nil {
		c.bytes -= old.size()
	}
	// Over budget: drop about half the pages (map order is random), so the
	// cache keeps working instead of starting over.
	if len(c.pages) >= c.max || c.bytes+p.size() > c.maxBytes {
		n := 0
		for k, old := range c.pages {
			if n%2 == 0 {
				delete(c.pages, k)
				c.bytes -= old.size()
			}
			n++
		}
	}
	c.pages[key] = p
	c.bytes += p.size()
	c.mu.Unlock()
}

// clearSite drops one site's pages (every page for siteID 0): a change on
// one site of a shared platform (集约化) leaves the others' pages cached.
func (c *renderCache) clearSite(siteID int64) {
	c.mu.Lock()
	c.gen.Add(1)
	if siteID == 0 {
		c.pages = map[string]*cachedPage{}
		c.bytes = 0
	} else {
		for k, p := range c.pages {
			if p.siteID == siteID {
				delete(c.pages, k)
				c.bytes -= p.size()
			}
		}
	}
	c.mu.Unlock()
}

// clearItem drops the pages a change of one item can alter: every page of
// the site that is not an item page (home, columns, catalogue, feeds,
// sitemap, lists …), the item's own pages, the item pages that show it or
// stand in its column, and those of also (the items that point to it or
// that it points to: catalog.Service.Referrers). The site's other item pages stay cached (issue
// 17: a publish no longer costs every page of the site), and so do the
// files listing items (sitemap files) that oc does not touch.
func (c *renderCache) clearItem(siteID, itemID, columnID int64, also []int64, oc *OrderChange) {
	c.mu.Lock()
	c.gen.Add(1)
	for k, p := range c.pages {
		if p.siteID != siteID {
			continue
		}
		if p.span != nil {
			if p.span.touches(oc) {
				delete(c.pages, k)
				c.bytes -= p.size()
			}
			continue
		}
		if p.itemID == 0 || p.itemID == itemID || (columnID != 0 && p.column == columnID) || slices.Contains(p.refs, itemID) || slices.Contains(also, p.itemID) {
			delete(c.pages, k)
			c.bytes -= p.size()
		}
	}
	c.mu.Unlock()
}

// CachedKeys lists the keys of the cached pages (tests and diagnostics).
func (s *Server) CachedKeys() []string {
	s.cache.mu.RLock()
	defer s.cache.mu.RUnlock()
	out := make([]string, 0, len(s.cache.pages))
	for k := range s.cache.pages {
		out = append(out, k)
	}
	return out
}

// DropPages empties the render cache but keeps the sites' state (column
// trees): what the rendering benchmarks measure, a page rendered again.
func (s *Server) DropPages() { s.cache.clearSite(0) }
