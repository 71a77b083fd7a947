package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/store"
)

var parseStored = store.ParseTime

// Page is what the public layout needs; every public page type embeds it.
type Page struct {
	Site    *catalog.Site
	Tree    *catalog.Tree
	Title   string
	Column  *catalog.Column // the current column, for navigation
	URL     *url.URL
	Message string
	Status  int
	// Query is the search box's text.
	Query string
	Today string

	// Prefs are the visitor's display preferences (prefs.go), applied on
	// the server; Here is this page's path, where the toolbar's and the
	// elderly-mode buttons return to.
	Prefs prefs
	Here  string
	// Errors maps a form field's name to its message.
	Errors map[string]string

	// Counted is the item whose click count the page shows (nil for none):
	// the render cache splices the live count into the cached bytes.
	Counted *catalog.Item
}

func (p *Page) page() *Page { return p }

// NavEntry is one entry of the main navigation.
type NavEntry struct {
	*catalog.Column
	Current bool // the page is this column or below it
}

// Nav is the main navigation: the columns the site's settings name
// (main_nav: slugs, e.g. a section and the capability pages that readers
// look for first), else the tree's roots.
func (p Page) Nav() []NavEntry {
	var cols []*catalog.Column
	for _, slug := range p.Site.Settings.MainNav {
		if c := p.Tree.BySlug[slug]; c != nil && !c.Hidden {
			cols = append(cols, c)
		}
	}
	if len(cols) == 0 {
		for _, c := range p.Tree.Roots {
			if !c.Hidden {
				cols = append(cols, c)
			}
		}
	}
	out := make([]NavEntry, len(cols))
	best, bestDepth := -1, -1 // only the deepest entry on the page's path is current
	for i, c := range cols {
		out[i].Column = c
		if p.Column == nil {
			continue
		}
		for d, x := range p.Column.Path() {
			if x.ID == c.ID && d > bestDepth {
				best, bestDepth = i, d
			}
		}
	}
	if best >= 0 {
		out[best].Current = true
	}
	return out
}

// Cacheable is a public page's data: a type that embeds Page.
type Cacheable interface{ page() *Page }

// Page returns the public page base for the request.
func (s *Server) Page(r *http.Request, title string) Page {
	st := SiteOf(r)
	// The page may be cached and shown to everyone: its URL (which the
	// pager's links are built from) holds only the parameters that are in
	// the cache key, never what this visitor added.
	q := s.cacheQuery(r.URL.Query())
	u := &url.URL{Path: r.URL.Path, RawQuery: strings.TrimPrefix(q, "?")}
	// A capability's page that the tree links to (the guide, a list, the
	// request form) takes that column's place in the breadcrumb and the
	// navigation; handlers showing a column set their own.
	return Page{Site: st.Site, Tree: st.Tree, Title: title, URL: u, Today: s.Today().String(), Prefs: prefsOf(r),
		Here: r.URL.Path + q, Column: st.Tree.ByLink(r.URL.Path)}
}

// Pager is a numbered list's position.
type Pager struct {
	Page, Pages, Total int
}

// NewPager returns the pager for page of total rows, per a page.
func NewPager(page, total, per int) *Pager {
	return &Pager{Page: page, Total: total, Pages: (total + per - 1) / per}
}

// PastEnd reports whether the pager's page is past its last one (a page
// number from an old link, the list having shrunk since, or typed), and
// if so the URL of r with the last page instead: the list shows its last
// page rather than an empty table under "第 3 页 / 共 2 页".
func (p *Pager) PastEnd(r *http.Request) (string, bool) {
	if p.Page <= 1 || p.Page <= p.Pages {
		return "", false
	}
	q := r.URL.Query()
	if p.Pages <= 1 {
		q.Del("page")
	} else {
		q.Set("page", strconv.Itoa(p.Pages))
	}
	if len(q) == 0 {
		return r.URL.Path, true
	}
	return r.URL.Path + "?" + q.Encode(), true
}

// RedirectPastEnd redirects a request for a page past the pager's end to
// its last page (PastEnd) and reports whether it did.
func RedirectPastEnd(w http.ResponseWriter, r *http.Request, p *Pager) bool {
	to, ok := p.PastEnd(r)
	if ok {
		http.Redirect(w, r, to, http.StatusFound)
	}
	return ok
}

// Redirect is an error a Cached page's fill returns to send the visitor
// elsewhere (not cached: the target is).
type Redirect struct{ To string }

func (e *Redirect) Error() string { return "redirect to " + e.To }

// PastEndError is the Redirect of a Cached page past its pager's end
// (PastEnd); nil when the page is in range.
func PastEndError(r *http.Request, p *Pager) error {
	if to, ok := p.PastEnd(r); ok {
		return &Redirect{To: to}
	}
	return nil
}

// PageNumber reads ?page=, between 1 and max (1 when absent or bad).
func PageNumber(r *http.Request, max int) int {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page < 1 || page > max {
		return 1
	}
	return page
}

// PathID reads a positive id from the path (an optional .html suffix is
// allowed, as on older portals).
func PathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSuffix(r.PathValue(name), ".html"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.E(errs.NotFound, "您访问的页面不存在")
	}
	return id, nil
}

// renderPool holds the buffers pages are rendered into.
var renderPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Cached serves a public page from the render cache, rendering it with fill
// on a miss. fill returns the template and the page data.
func (s *Server) Cached(w http.ResponseWriter, r *http.Request, fill func() (tmpl string, data Cacheable, err error)) {
	// Each combination of display preferences is its own rendering (and so
	// its own ETag); the canonical encoding keeps the variants few. Without
	// the cookie the key is as before.
	variant := ""
	if v := prefsOf(r).encode(); v != "" {
		variant = " " + v
	}
	st := SiteOf(r)
	siteID := st.Site.ID
	// Keyed by site, not by Host header: every name that reaches a site
	// shares its pages, and made-up names cannot fill the cache.
	keySite := "site:" + strconv.FormatInt(siteID, 10)
	// And by day: what a page says can follow the date (a consultation
	// open or closed, a document not yet in force or lapsed), so a page
	// rendered yesterday is not served today. The key is
	// "site:ID YYYY-MM-DD PATH?QUERY VARIANT", built in a stack buffer and
	// looked up without making a string: a cached hit allocates nothing
	// for it.
	var kb [192]byte
	k := append(kb[:0], "site:"...)
	k = strconv.AppendInt(k, siteID, 10)
	k = append(k, ' ')
	k = appendDate(k, s.Today())
	k = append(k, ' ')
	k = append(k, r.URL.Path...)
	if r.URL.RawQuery != "" {
		k = append(k, s.cacheQuery(r.URL.Query())...)
	}
	k = append(k, variant...)
	if p := s.cache.getBytes(k); p != nil {
		p.serve(w, r, s)
		return
	}
	key := string(k)
	gen := s.cache.gen.Load()
	tmpl, data, err := fill()
	if re, ok := err.(*Redirect); ok {
		http.Redirect(w, r, re.To, http.StatusFound)
		return
	}
	if err != nil {
		if errs.CodeOf(err) != errs.NotFound {
			s.ErrorPage(w, r, err)
			return
		}
		// Not-found pages are cached once per message, not per URL, so
		// probing made-up paths neither renders nor fills the cache.
		s.LogErr(r, err)
		key = keySite + " 404 " + errs.MessageOf(err) + variant
		if p := s.cache.get(key); p != nil {
			p.serve(w, r, s)
			return
		}
		pg := s.Page(r, "页面不存在")
		pg.Message, pg.Status = errs.MessageOf(err), http.StatusNotFound
		pg.Here = "/" // the page is shared by every missing URL
		tmpl, data = "public/error", &pg
	}
	base := data.page()
	status := http.StatusOK
	if base.Status != 0 {
		status = base.Status
	}
	// Rendered into a pooled buffer and kept as an exact copy: the cache
	// holds what its byte budget counts, not a doubled buffer's capacity.
	buf := renderPool.Get().(*bytes.Buffer)
	buf.Reset()
	err = s.tmpl.render(buf, tmpl, data)
	body := bytes.Clone(buf.Bytes())
	if buf.Cap() <= 1<<20 {
		renderPool.Put(buf)
	}
	if err != nil {
		s.Log.Error("render", "template", tmpl, "err", err)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return
	}
	var itemID, clicks int64
	if it := base.Counted; it != nil && status == http.StatusOK {
		itemID, clicks = it.ID, it.Clicks+s.Clicks.Pending(it.ID)
	}
	p := newCachedPage(body, status, itemID, clicks)
	if itemID != 0 {
		p.column = base.Counted.ColumnID
		if d, ok := data.(interface{ CacheRefs() []int64 }); ok {
			p.refs = d.CacheRefs()
		}
	}
	s.cache.put(siteID, key, p, gen)
	p.serve(w, r, s)
}

// appendDate appends d as YYYY-MM-DD (calendar.Date.String) to b.
func appendDate(b []byte, d calendar.Date) []byte {
	if d.Year < 0 || d.Year > 9999 {
		return append(b, d.String()...)
	}
	y, m := d.Year, int(d.Month)
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10%10), byte('0'+m%10), '-', byte('0'+d.Day/10%10), byte('0'+d.Day%10))
}

// CacheParams declares query parameters that public pages read. Others are
// dropped from the render cache key, so made-up parameters neither render a
// page again nor fill the cache.
func (s *Server) CacheParams(names ...string) {
	if s.pageParams == nil {
		s.pageParams = map[string]bool{}
	}
	for _, n := range names {
		s.pageParams[n] = true
	}
}

// cacheQuery returns the canonical query of the parameters pages read.
func (s *Server) cacheQuery(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	keep := url.Values{}
	for k, v := range q {
		if s.pageParams[k] && len(v) > 0 && v[0] != "" && len(v[0]) <= 100 {
			keep.Set(k, v[0])
		}
	}
	if len(keep) == 0 {
		return ""
	}
	return "?" + keep.Encode() // Encode sorts by key
}

// AdminPage is what the back-office layout needs; every back-office page
// type embeds it.
type AdminPage struct {
	Site   *catalog.Site
	Tree   *catalog.Tree
	User   *auth.User
	CSRF   string
	Title  string
	Flash  string
	Error  string
	Errors map[string]string
	URL    *url.URL
	// MaxUpload is the largest attachment accepted, for forms that upload.
	MaxUpload int64
}

// AdminPage returns the back-office page base for the request.
func (s *Server) AdminPage(r *http.Request, title string) AdminPage {
	st := SiteOf(r)
	p := AdminPage{Site: st.Site, Tree: st.Tree, Title: title, URL: r.URL, MaxUpload: s.Opts.MaxUpload}
	if sess := StaffOf(r); sess != nil {
		p.User, p.CSRF = sess.User, sess.CSRF
	}
	p.Flash = s.flashes[r.URL.Query().Get("done")]
	return p
}

// Err returns the message for a form field, if any.
func (p *AdminPage) Err(name string) string { return p.Errors[name] }

// Fail records err on the page: its message, and its per-field messages.
func (p *AdminPage) Fail(err error) {
	p.Error, p.Errors = errs.MessageOf(err), errs.FieldsOf(err)
}

// AdminError renders an error in the back office.
func (s *Server) AdminError(w http.ResponseWriter, r *http.Request, err error) {
	s.LogErr(r, err)
	p := s.AdminPage(r, "出错了")
	p.Error = errs.MessageOf(err)
	s.Render(w, r, StatusOf(err), "admin/error", &p)
}
