package catalogue

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/web"
)

// SitemapFileURLs is the most URLs one sitemap file holds (the sitemaps.org
// protocol's limit is 50,000 URLs and 50 MB).
const SitemapFileURLs = 50000

type urlset struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapURL `xml:"sitemap"`
}

const xmlType = "application/xml; charset=utf-8"

func encodeXML(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	if err := xml.NewEncoder(&b).Encode(v); err != nil {
		return nil, errs.Wrap(err, "sitemap")
	}
	return b.Bytes(), nil
}

// sitemapXML is the sitemap index: the pages file (home, guide, catalogue,
// columns, the features' pages) and one file per SitemapFileURLs published
// items, so every item is listed however large the site. Each file is made
// once per public change (web.CachedFile).
func (s *Feature) sitemapXML(w http.ResponseWriter, r *http.Request) {
	s.CachedItemFile(w, r, xmlType, func() ([]byte, *web.ItemSpan, error) {
		st := web.SiteOf(r)
		base := s.BaseURL(r)
		n, err := s.Catalog.CountPublished(r.Context(), st.Site.ID)
		if err != nil {
			return nil, nil, err
		}
		per := s.perFile()
		idx := sitemapIndex{Sitemaps: []sitemapURL{{Loc: base + "/sitemaps/pages.xml"}}}
		for i := 1; i <= (n+per-1)/per; i++ {
			idx.Sitemaps = append(idx.Sitemaps, sitemapURL{Loc: fmt.Sprintf("%s/sitemaps/items-%d.xml", base, i)})
		}
		b, err := encodeXML(idx)
		return b, &web.ItemSpan{Count: true}, err
	})
}

// perFile is the most items a sitemap file lists.
func (s *Feature) perFile() int {
	if n := s.Opts.SitemapFileURLs; n > 0 {
		return n
	}
	return SitemapFileURLs
}

// sitemapFile serves /sitemaps/pages.xml and /sitemaps/items-N.xml.
func (s *Feature) sitemapFile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	var fill func() ([]byte, *web.ItemSpan, error)
	st := web.SiteOf(r)
	base := s.BaseURL(r)
	switch {
	case name == "pages.xml":
		fill = func() ([]byte, *web.ItemSpan, error) {
			set := urlset{URLs: []sitemapURL{{Loc: base + "/"}, {Loc: base + "/xxgk/guide"}, {Loc: base + "/xxgk/catalogue"}}}
			for _, c := range st.Tree.All() {
				if !c.Hidden && c.Kind != catalog.KindLink {
					set.URLs = append(set.URLs, sitemapURL{Loc: base + "/columns/" + c.Slug})
				}
			}
			paths, err := s.SitemapPaths(r.Context(), st.Site.ID)
			if err != nil {
				return nil, nil, err
			}
			for _, p := range paths {
				set.URLs = append(set.URLs, sitemapURL{Loc: base + p})
			}
			// Columns and the features' pages, no items: an item
			// change leaves it (a column or list change drops the
			// site's pages).
			b, err := encodeXML(set)
			return b, &web.ItemSpan{None: true}, err
		}
	case strings.HasPrefix(name, "items-") && strings.HasSuffix(name, ".xml"):
		k, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(name, "items-"), ".xml"))
		if err != nil || k < 1 || k > 1<<20 || strconv.Itoa(k) != strings.TrimSuffix(strings.TrimPrefix(name, "items-"), ".xml") {
			s.ErrorPage(w, r, errs.E(errs.NotFound, "网站地图文件不存在"))
			return
		}
		fill = func() ([]byte, *web.ItemSpan, error) {
			per := s.perFile()
			items, err := s.Catalog.PublishedRange(r.Context(), st.Site.ID, (k-1)*per, per)
			if err != nil {
				return nil, nil, err
			}
			if len(items) == 0 {
				return nil, nil, errs.E(errs.NotFound, "网站地图文件不存在")
			}
			set := urlset{URLs: make([]sitemapURL, 0, len(items))}
			for _, it := range items {
				set.URLs = append(set.URLs, sitemapURL{Loc: base + "/items/" + strconv.FormatInt(it.ID, 10), LastMod: it.PublishedOn})
			}
			b, err := encodeXML(set)
			first, last := items[0], items[len(items)-1]
			// The last file is the one not full: a new item at the
			// end joins it. (A full last file stays; the new item
			// opens the next, which the index then lists.)
			return b, &web.ItemSpan{First: web.OrderKey{On: first.PublishedOn, ID: first.ID}, Last: web.OrderKey{On: last.PublishedOn, ID: last.ID}, Final: len(items) < per}, err
		}
	default:
		s.ErrorPage(w, r, errs.E(errs.NotFound, "网站地图文件不存在"))
		return
	}
	s.CachedItemFile(w, r, xmlType, fill)
}

func (s *Feature) robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "User-agent: *\nDisallow: /admin/\nSitemap: %s/sitemap.xml\n", s.BaseURL(r))
}

func itemURL(it *catalog.Item) string { return "/items/" + strconv.FormatInt(it.ID, 10) }
