package web

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/store"
)

var parseStored = store.ParseTime

// publicPage is what every public template gets.
type publicPage struct {
	Site    *catalog.Site
	Tree    *catalog.Tree
	Title   string
	Column  *catalog.Column // the current column, for navigation
	URL     *url.URL
	Message string
	Status  int

	Item       *catalog.Item
	Items      []*catalog.Item
	Attach     []catalog.Attachment
	Related    []*catalog.Item
	Prev, Next *catalog.Item
	Successor  *catalog.Item
	Revisions  []catalog.Revision
	Revision   *catalog.Revision
	Sections   []homeSection
	Pager      *pager
	Filters    *listFilters
	ListCols   []catalog.Field
	Query      string
	Today      string

	// Prefs are the visitor's display preferences (prefs.go), applied on
	// the server; Here is this page's path, where the toolbar's and the
	// elderly-mode buttons return to; ReturnTo is where the /a11y form does.
	Prefs    prefs
	Here     string
	ReturnTo string
	// Form and Errors serve the /a11y settings form and the search form:
	// Errors maps a field name to its message.
	Form        prefs
	Errors      map[string]string
	PrefsFields []prefsField
}

type homeSection struct {
	Column *catalog.Column
	Items  []*catalog.Item
}

type pager struct {
	Page, Pages, Total int
}

type listFilters struct {
	Years      []int
	Publishers []string
	Year       int
	Publisher  string
	Validity   string
	Facets     []facetFilter
	ShowValid  bool
}

type facetFilter struct {
	Field   catalog.Field
	Value   string
	Options []catalog.Option
}

func (s *Server) page(r *http.Request, title string) *publicPage {
	st := siteOf(r)
	return &publicPage{Site: st.Site, Tree: st.Tree, Title: title, URL: r.URL, Today: catalog.Today(), Prefs: prefsOf(r), Here: r.URL.Path + cacheQuery(r.URL.Query())}
}

// cached serves a public page from the render cache, rendering it with fill
// on a miss. fill returns the template, status, and the item whose clicks
// the page shows (0 for none).
func (s *Server) cached(w http.ResponseWriter, r *http.Request, fill func() (tmpl string, data *publicPage, err error)) {
	// Each combination of display preferences is its own rendering (and so
	// its own ETag); the canonical encoding keeps the variants few. Without
	// the cookie the key is as before.
	variant := ""
	if v := prefsOf(r).encode(); v != "" {
		variant = " " + v
	}
	key := r.Host + " " + r.URL.Path + cacheQuery(r.URL.Query()) + variant
	if p := s.cache.get(key); p != nil {
		p.serve(w, r, s)
		return
	}
	tmpl, data, err := fill()
	if err != nil {
		if errs.CodeOf(err) != errs.NotFound {
			s.errorPage(w, r, err)
			return
		}
		// Not-found pages are cached once per message, not per URL, so
		// probing made-up paths neither renders nor fills the cache.
		s.logErr(r, err)
		key = r.Host + " 404 " + errs.MessageOf(err) + variant
		if p := s.cache.get(key); p != nil {
			p.serve(w, r, s)
			return
		}
		tmpl, data = "public/error", s.page(r, "页面不存在")
		data.Message, data.Status = errs.MessageOf(err), http.StatusNotFound
		data.Here = "/" // the page is shared by every missing URL
	}
	status := http.StatusOK
	if data.Status != 0 {
		status = data.Status
	}
	var buf bytes.Buffer
	if err := s.tmpl.render(&buf, tmpl, data); err != nil {
		s.Log.Error("render", "template", tmpl, "err", err)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return
	}
	var itemID, base int64
	if data.Item != nil && data.Revision == nil && status == http.StatusOK {
		itemID, base = data.Item.ID, data.Item.Clicks+s.Clicks.Pending(data.Item.ID)
	}
	p := newCachedPage(buf.Bytes(), status, itemID, base)
	if st := siteOf(r); st != nil {
		p.siteID = st.Site.ID
	}
	s.cache.put(key, p)
	p.serve(w, r, s)
}

// pageParams are the query parameters public cached pages read: the list
// filters and the declared fields of every document type (facets). Others
// are dropped from the cache key, so made-up parameters neither render a
// page again nor fill the cache.
var pageParams = func() map[string]bool {
	m := map[string]bool{"page": true, "year": true, "publisher": true, "validity": true, "column": true}
	for _, t := range catalog.DocTypes() {
		for _, f := range t.Filters {
			m[f] = true
		}
	}
	return m
}()

// cacheQuery returns the canonical query of the parameters pages read.
func cacheQuery(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	keep := url.Values{}
	for k, v := range q {
		if pageParams[k] && len(v) > 0 && v[0] != "" && len(v[0]) <= 100 {
			keep.Set(k, v[0])
		}
	}
	if len(keep) == 0 {
		return ""
	}
	return "?" + keep.Encode() // Encode sorts by key
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		s.cached(w, r, func() (string, *publicPage, error) {
			return "", nil, errs.E(errs.NotFound, "您访问的页面不存在")
		})
		return
	}
	s.cached(w, r, func() (string, *publicPage, error) {
		p := s.page(r, "首页")
		for _, slug := range p.Site.Settings.HomeColumns {
			c := p.Tree.BySlug[slug]
			if c == nil {
				continue
			}
			pg, err := s.Catalog.List(r.Context(), catalog.Filter{SiteID: p.Site.ID, ColumnIDs: subtree(c), Limit: 7}, false)
			if err != nil {
				return "", nil, err
			}
			p.Sections = append(p.Sections, homeSection{Column: c, Items: pg.Items})
		}
		return "public/home", p, nil
	})
}

// subtree returns the ids of c and every column under it.
func subtree(c *catalog.Column) []int64 {
	ids := []int64{c.ID}
	for _, ch := range c.Children {
		ids = append(ids, subtree(ch)...)
	}
	return ids
}

func (s *Server) column(w http.ResponseWriter, r *http.Request) {
	s.cached(w, r, func() (string, *publicPage, error) {
		p := s.page(r, "")
		c := p.Tree.BySlug[r.PathValue("slug")]
		if c == nil || c.Hidden {
			return "", nil, catalog.ErrNoColumn
		}
		p.Title, p.Column = c.Name, c
		if c.Kind == catalog.KindLink {
			return "public/link", p, nil
		}
		q := r.URL.Query()
		f := catalog.Filter{SiteID: p.Site.ID, ColumnIDs: subtree(c), Limit: 20, Facets: map[string]string{}}
		page, _ := strconv.Atoi(q.Get("page"))
		if page < 1 {
			page = 1
		}
		if page > 10000 {
			return "", nil, errs.E(errs.NotFound, "页码超出范围")
		}
		f.Offset = (page - 1) * f.Limit
		lf := &listFilters{}
		if y := q.Get("year"); y != "" {
			lf.Year, _ = strconv.Atoi(y)
			f.Year = lf.Year
		}
		lf.Publisher = q.Get("publisher")
		f.Publisher = lf.Publisher
		types := columnTypes(c)
		seen := map[string]bool{}
		for _, t := range types {
			for _, name := range t.ListCols {
				if fd, ok := t.Field(name); ok && !seen[name] {
					seen[name] = true
					p.ListCols = append(p.ListCols, fd)
				}
			}
		}
		for _, t := range types {
			for _, name := range t.Filters {
				if name == "validity" {
					lf.ShowValid = true
					continue
				}
				fd, _ := t.Field(name)
				v := q.Get(name)
				opts := fd.Options
				if fd.Kind == catalog.Bool {
					opts = []catalog.Option{{Value: "1", Label: "是"}}
				}
				lf.Facets = append(lf.Facets, facetFilter{Field: fd, Value: v, Options: opts})
				if v != "" {
					f.Facets[name] = v
				}
			}
		}
		if lf.ShowValid {
			lf.Validity = q.Get("validity")
			f.Validity = lf.Validity
		}
		var err error
		if lf.Years, err = s.Catalog.Years(r.Context(), p.Site.ID, f.ColumnIDs); err != nil {
			return "", nil, err
		}
		if lf.Publishers, err = s.Catalog.Publishers(r.Context(), p.Site.ID, f.ColumnIDs); err != nil {
			return "", nil, err
		}
		res, err := s.Catalog.List(r.Context(), f, true)
		if err != nil {
			return "", nil, err
		}
		p.Items, p.Filters = res.Items, lf
		p.Pager = &pager{Page: page, Total: res.Total, Pages: (res.Total + f.Limit - 1) / f.Limit}
		if page > 1 && page > p.Pager.Pages {
			return "", nil, errs.E(errs.NotFound, "页码超出范围")
		}
		return "public/column", p, nil
	})
}

// columnTypes returns the document types held by c and its subtree, once each.
func columnTypes(c *catalog.Column) []*catalog.DocType {
	seen := map[string]bool{}
	var out []*catalog.DocType
	var walk func(*catalog.Column)
	walk = func(c *catalog.Column) {
		for _, code := range c.DocTypes {
			if t := catalog.DocTypeByCode(code); t != nil && !seen[code] {
				seen[code] = true
				out = append(out, t)
			}
		}
		for _, ch := range c.Children {
			walk(ch)
		}
	}
	walk(c)
	return out
}

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSuffix(r.PathValue(name), ".html"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.E(errs.NotFound, "您访问的页面不存在")
	}
	return id, nil
}

func (s *Server) item(w http.ResponseWriter, r *http.Request) {
	s.cached(w, r, func() (string, *publicPage, error) {
		p := s.page(r, "")
		id, err := pathID(r, "id")
		if err != nil {
			return "", nil, err
		}
		it, err := s.Catalog.Item(r.Context(), p.Site.ID, id)
		if err != nil {
			return "", nil, err
		}
		p.Item, p.Title, p.Column = it, it.Title, p.Tree.ByID[it.ColumnID]
		if it.Status == catalog.StatusWithdrawn {
			p.Status = http.StatusGone
			return "public/withdrawn", p, nil
		}
		if !it.Public() {
			return "", nil, catalog.ErrNoItem
		}
		ctx := r.Context()
		if p.Attach, err = s.Catalog.Attachments(ctx, p.Site.ID, it.ID); err != nil {
			return "", nil, err
		}
		if p.Related, err = s.Catalog.Related(ctx, it, true); err != nil {
			return "", nil, err
		}
		if p.Prev, p.Next, err = s.Catalog.Neighbours(ctx, it); err != nil {
			return "", nil, err
		}
		if it.SuccessorID != 0 {
			if succ, err := s.Catalog.Item(ctx, p.Site.ID, it.SuccessorID); err == nil && succ.Public() {
				p.Successor = succ
			}
		}
		if it.Revision > 1 {
			if p.Revisions, err = s.Catalog.Revisions(ctx, p.Site.ID, it.ID); err != nil {
				return "", nil, err
			}
		}
		return "public/item", p, nil
	})
}

func (s *Server) itemRevision(w http.ResponseWriter, r *http.Request) {
	s.cached(w, r, func() (string, *publicPage, error) {
		p := s.page(r, "")
		id, err := pathID(r, "id")
		if err != nil {
			return "", nil, err
		}
		n, err := strconv.Atoi(r.PathValue("rev"))
		if err != nil {
			return "", nil, errs.E(errs.NotFound, "该历史版本不存在")
		}
		it, err := s.Catalog.Item(r.Context(), p.Site.ID, id)
		if err != nil || !it.Public() {
			return "", nil, catalog.ErrNoItem
		}
		revs, err := s.Catalog.Revisions(r.Context(), p.Site.ID, id)
		if err != nil {
			return "", nil, err
		}
		for i := range revs {
			if revs[i].Revision == n {
				p.Revision, p.Item, p.Revisions = &revs[i], revs[i].Item, revs
				p.Title = fmt.Sprintf("%s（第 %d 版）", it.Title, n)
				p.Column = p.Tree.ByID[it.ColumnID]
				return "public/revision", p, nil
			}
		}
		return "", nil, errs.E(errs.NotFound, "该历史版本不存在")
	})
}

// attachment serves a file of a published item as a download, never inline.
func (s *Server) attachment(w http.ResponseWriter, r *http.Request) {
	st := siteOf(r)
	id, err := pathID(r, "id")
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	a, it, err := s.Catalog.Attachment(r.Context(), st.Site.ID, id)
	if err == nil && !it.Public() && !s.staffMayRead(r, it) {
		err = errs.E(errs.NotFound, "附件不存在")
	}
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	f, err := s.Blobs.Open(a.BlobKey)
	if err != nil {
		s.errorPage(w, r, errs.Wrap(err, "open blob"))
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", a.MIME)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(a.Name))
	if it.Public() {
		w.Header().Set("Cache-Control", "public, max-age=3600")
	} else {
		w.Header().Set("Cache-Control", "private, no-store")
	}
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	http.ServeContent(w, r, "", parseStored(a.CreatedAt), f)
}

// staffMayRead reports whether the request's session belongs to staff who
// may see the unpublished item (its department's editors and reviewers, the office).
func (s *Server) staffMayRead(r *http.Request, it *catalog.Item) bool {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return false
	}
	sess, err := s.Auth.SessionByID(r.Context(), c.Value)
	if err != nil || !sess.User.ServesSite(it.SiteID) {
		return false
	}
	return sess.User.CanEditDepartment(it.DepartmentID) || sess.User.CanReviewDepartment(it.DepartmentID)
}

func (s *Server) guide(w http.ResponseWriter, r *http.Request) {
	s.cached(w, r, func() (string, *publicPage, error) {
		return "public/guide", s.page(r, "政府信息公开指南"), nil
	})
}

// catalogue is the 政府信息公开目录 (条例 Art. 12): index, name, summary and
// date of every proactively disclosed item, filterable by column and year.
func (s *Server) catalogue(w http.ResponseWriter, r *http.Request) {
	s.cached(w, r, func() (string, *publicPage, error) {
		p := s.page(r, "政府信息公开目录")
		q := r.URL.Query()
		f := catalog.Filter{SiteID: p.Site.ID, Limit: 50}
		if slug := q.Get("column"); slug != "" {
			c := p.Tree.BySlug[slug]
			if c == nil {
				return "", nil, catalog.ErrNoColumn
			}
			p.Column, f.ColumnIDs = c, subtree(c)
		}
		page, _ := strconv.Atoi(q.Get("page"))
		if page < 1 || page > 10000 {
			page = 1
		}
		f.Offset = (page - 1) * f.Limit
		lf := &listFilters{}
		lf.Year, _ = strconv.Atoi(q.Get("year"))
		f.Year = lf.Year
		var err error
		if lf.Years, err = s.Catalog.Years(r.Context(), p.Site.ID, f.ColumnIDs); err != nil {
			return "", nil, err
		}
		res, err := s.Catalog.List(r.Context(), f, true)
		if err != nil {
			return "", nil, err
		}
		p.Items, p.Filters = res.Items, lf
		p.Pager = &pager{Page: page, Total: res.Total, Pages: (res.Total + f.Limit - 1) / f.Limit}
		return "public/catalogue", p, nil
	})
}

// searchMaxRunes is the longest query accepted (the fields' maxlength).
const searchMaxRunes = 100

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	raw, asked := r.URL.Query()["q"]
	q := ""
	if asked {
		q = strings.TrimSpace(raw[0])
	}
	p := s.page(r, "站内搜索")
	p.Query = q
	// A submitted form without words, or with more than the field allows
	// (only a hand-made URL can), gets a message tied to the field.
	switch {
	case asked && q == "":
		p.Errors = map[string]string{"q": "请输入要搜索的关键词，例如信息名称、文号或索引号。"}
	case len([]rune(q)) > searchMaxRunes:
		p.Errors = map[string]string{"q": fmt.Sprintf("关键词最多 %d 个字，请缩短后再搜索。", searchMaxRunes)}
		if rs := []rune(q); len(rs) > 4*searchMaxRunes {
			p.Query = string(rs[:4*searchMaxRunes])
		}
	}
	if p.Errors != nil {
		p.Title = "错误：站内搜索"
		s.renderHTML(w, r, http.StatusUnprocessableEntity, "public/search", p)
		return
	}
	if q != "" {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		if page < 1 || page > 1000 {
			page = 1
		}
		res, err := s.Catalog.List(r.Context(), catalog.Filter{SiteID: p.Site.ID, Query: q, Limit: 20, Offset: (page - 1) * 20}, true)
		if err != nil {
			s.errorPage(w, r, err)
			return
		}
		p.Items = res.Items
		p.Pager = &pager{Page: page, Total: res.Total, Pages: (res.Total + 19) / 20}
	}
	s.renderHTML(w, r, http.StatusOK, "public/search", p)
}

// staticPage serves the footer's pages: 网站地图, 联系我们, 隐私声明, 使用帮助.
func (s *Server) staticPage(tmpl, title string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.cached(w, r, func() (string, *publicPage, error) { return "public/" + tmpl, s.page(r, title), nil })
	}
}

// --- feeds and sitemap ---

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Link    atomLink `xml:"link"`
	Updated string   `xml:"updated"`
	Summary string   `xml:"summary"`
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func atomDate(d string) string {
	if d == "" {
		return "1970-01-01T00:00:00+08:00"
	}
	return d + "T00:00:00+08:00"
}

// feed serves an Atom feed of a column's newest items.
func (s *Server) feed(w http.ResponseWriter, r *http.Request) {
	st := siteOf(r)
	c := st.Tree.BySlug[r.PathValue("slug")]
	if c == nil || c.Hidden {
		s.errorPage(w, r, catalog.ErrNoColumn)
		return
	}
	res, err := s.Catalog.List(r.Context(), catalog.Filter{SiteID: st.Site.ID, ColumnIDs: subtree(c), Limit: 50}, false)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	base := baseURL(r)
	f := atomFeed{Title: st.Site.Name + " - " + c.Name, ID: base + "/columns/" + c.Slug, Author: atomPerson{st.Site.Name},
		Links:   []atomLink{{Rel: "self", Href: base + "/columns/" + c.Slug + "/feed.xml"}, {Rel: "alternate", Href: base + "/columns/" + c.Slug}},
		Updated: atomDate("")}
	for i, it := range res.Items {
		if i == 0 {
			f.Updated = atomDate(it.PublishedOn)
		}
		u := base + itemURL(it)
		f.Entries = append(f.Entries, atomEntry{Title: it.Title, ID: u, Link: atomLink{Href: u}, Updated: atomDate(it.PublishedOn), Summary: it.Summary})
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(f); err != nil {
		s.Log.Error("feed", "err", err)
	}
}

type urlset struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// sitemapXML lists the home page, every column and every published item.
func (s *Server) sitemapXML(w http.ResponseWriter, r *http.Request) {
	st := siteOf(r)
	base := baseURL(r)
	set := urlset{URLs: []sitemapURL{{Loc: base + "/"}, {Loc: base + "/xxgk/guide"}, {Loc: base + "/xxgk/catalogue"}}}
	for _, c := range st.Tree.All() {
		if !c.Hidden && c.Kind != catalog.KindLink {
			set.URLs = append(set.URLs, sitemapURL{Loc: base + "/columns/" + c.Slug})
		}
	}
	f := catalog.Filter{SiteID: st.Site.ID, Limit: 100}
	for n := 0; n < 500; n++ { // at most 50,000 URLs, the sitemap limit
		res, err := s.Catalog.List(r.Context(), f, false)
		if err != nil {
			s.errorPage(w, r, err)
			return
		}
		for _, it := range res.Items {
			set.URLs = append(set.URLs, sitemapURL{Loc: base + itemURL(it), LastMod: it.PublishedOn})
		}
		if res.NextCursor == "" {
			break
		}
		f.Cursor = res.NextCursor
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write([]byte(xml.Header))
	xml.NewEncoder(w).Encode(set)
}

func (s *Server) robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "User-agent: *\nDisallow: /admin/\nSitemap: %s/sitemap.xml\n", baseURL(r))
}

func itemURL(it *catalog.Item) string { return "/items/" + strconv.FormatInt(it.ID, 10) }

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	if err := s.Catalog.DB.R.PingContext(r.Context()); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "database unavailable")
		return
	}
	fmt.Fprintln(w, "ok", time.Now().UTC().Format(time.RFC3339))
}
