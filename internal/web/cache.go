package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
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
	// itemID and baseClicks let the page show base + views seen since render.
	itemID     int64
	baseClicks int64
	views      atomic.Int64
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
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("ETag", p.etag)
	h.Set("Last-Modified", p.modified.Format(http.TimeFormat))
	h.Set("Cache-Control", "public, max-age=0, must-revalidate")
	// The display-preferences cookie selects the variant (prefs.go).
	h.Set("Vary", "Cookie")
	if p.status == http.StatusOK {
		if inm := r.Header.Get("If-None-Match"); inm != "" {
			if inm == p.etag || inm == "*" {
				w.WriteHeader(http.StatusNotModified)
				return
			}
		} else if ims, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && !p.modified.After(ims) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	n := len(p.head)
	var num []byte
	if p.tail != nil {
		num = strconv.AppendInt(nil, clicks, 10)
		n += len(num) + len(p.tail)
	}
	h.Set("Content-Length", strconv.Itoa(n))
	w.WriteHeader(p.status)
	if r.Method == http.MethodHead {
		return
	}
	w.Write(p.head)
	if p.tail != nil {
		w.Write(num)
		w.Write(p.tail)
	}
}

// renderCache holds rendered public pages until the next public change.
type renderCache struct {
	mu    sync.RWMutex
	pages map[string]*cachedPage
	max   int
}

func newRenderCache(max int) *renderCache {
	return &renderCache{pages: map[string]*cachedPage{}, max: max}
}

func (c *renderCache) get(key string) *cachedPage {
	c.mu.RLock()
	p := c.pages[key]
	c.mu.RUnlock()
	return p
}

func (c *renderCache) put(key string, p *cachedPage) {
	c.mu.Lock()
	if len(c.pages) >= c.max {
		// Crude but bounded: start over rather than track recency.
		c.pages = map[string]*cachedPage{}
	}
	c.pages[key] = p
	c.mu.Unlock()
}

func (c *renderCache) clear() {
	c.mu.Lock()
	c.pages = map[string]*cachedPage{}
	c.mu.Unlock()
}
