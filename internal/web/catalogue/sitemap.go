package catalogue

import (
	"bytes"
	"context"
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

// urlsetWriter writes a urlset as encodeXML(urlset{…}) would, one URL at
// a time: the pages file of a site of 100,000 list rows and an items file
// of 50,000 items were a slice of structs, then reflection, then a buffer
// grown by doubling.
type urlsetWriter struct{ b bytes.Buffer }

func newURLSet(n int) *urlsetWriter {
	w := &urlsetWriter{}
	w.b.Grow(len(xml.Header) + 100 + n*96)
	w.b.WriteString(xml.Header)
	w.b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	return w
}

func (w *urlsetWriter) add(loc, lastMod string) {
	w.b.WriteString("<url><loc>")
	xml.EscapeText(&w.b, []byte(loc))
	w.b.WriteString("</loc>")
	if lastMod != "" {
		w.b.WriteString("<lastmod>")
		xml.EscapeText(&w.b, []byte(lastMod))
		w.b.WriteString("</lastmod>")
	}
	w.b.WriteString("</url>")
}

func (w *urlsetWriter) bytes() []byte {
	w.b.WriteString("</urlset>")
	return w.b.Bytes()
}

// sitemapXML is the sitemap index: the pages files (home, guide,
// catalogue, columns, the features' pages: pages.xml, then pages-2.xml …
// when they are more than one file holds) and one file per SitemapFileURLs
// published items, so every item and page is listed however large the
// site, no file over the protocol's 50,000 URLs. Each file is made once per
// public change (web.CachedFile).
func (s *Feature) sitemapXML(w http.ResponseWriter, r *http.Request) {
	s.CachedItemFile(w, r, xmlType, func() ([]byte, *web.ItemSpan, error) {
		st := web.SiteOf(r)
		base := s.BaseURL(r)
		n, err := s.Catalog.CountPublished(r.Context(), st.Site.ID)
		if err != nil {
			return nil, nil, err
		}
		pages, err := s.pagePaths(r.Context(), st)
		if err != nil {
			return nil, nil, err
		}
		idx := sitemapIndex{Sitemaps: []sitemapURL{{Loc: base + "/sitemaps/pages.xml"}}}
		perPages := s.perPagesFile()
		for k := 2; k <= (len(pages)+perPages-1)/perPages; k++ {
			idx.Sitemaps = append(idx.Sitemaps, sitemapURL{Loc: fmt.Sprintf("%s/sitemaps/pages-%d.xml", base, k)})
		}
		per := s.perFile()
		for i := 1; i <= (n+per-1)/per; i++ {
			idx.Sitemaps = append(idx.Sitemaps, sitemapURL{Loc: fmt.Sprintf("%s/sitemaps/items-%d.xml", base, i)})
		}
		b, err := encodeXML(idx)
		// It changes with the number of items, and with the pages (a
		// column or list change, which drops every file of the site).
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

// perPagesFile is the most pages a sitemap pages file lists.
func (s *Feature) perPagesFile() int {
	if n := s.Opts.SitemapPageURLs; n > 0 {
		return n
	}
	return SitemapFileURLs
}

// pagePaths are the site's pages in sitemap order: home, guide, catalogue,
// the visible columns, then what the features register (their pages and
// list rows; at 100,000 items some 78,000 paths, more than one file holds).
func (s *Feature) pagePaths(ctx context.Context, st *web.SiteState) ([]string, error) {
	paths, err := s.SitemapPaths(ctx, st.Site.ID)
	if err != nil {
		return nil, err
	}
	all := st.Tree.All()
	out := make([]string, 0, 3+len(all)+len(paths))
	out = append(out, "/", "/xxgk/guide", "/xxgk/catalogue")
	for _, c := range all {
		if !c.Hidden && c.Kind != catalog.KindLink {
			out = append(out, "/columns/"+c.Slug)
		}
	}
	return append(out, paths...), nil
}

// fileNumber is N of prefix-N.xml, written as Itoa writes it (no sign,
// no leading zeros), from 1; ok false otherwise.
func fileNumber(name, prefix string) (int, bool) {
	digits, found := strings.CutPrefix(name, prefix)
	if !found {
		return 0, false
	}
	if digits, found = strings.CutSuffix(digits, ".xml"); !found {
		return 0, false
	}
	k, err := strconv.Atoi(digits)
	if err != nil || k < 1 || k > 1<<20 || strconv.Itoa(k) != digits {
		return 0, false
	}
	return k, true
}

// sitemapFile serves /sitemaps/pages.xml and /sitemaps/items-N.xml.
func (s *Feature) sitemapFile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	var fill func() ([]byte, *web.ItemSpan, error)
	st := web.SiteOf(r)
	base := s.BaseURL(r)
	notFound := errs.E(errs.NotFound, "网站地图文件不存在")
	pagesFile := 0
	if name == "pages.xml" {
		pagesFile = 1
	} else if k, ok := fileNumber(name, "pages-"); ok && k > 1 {
		pagesFile = k
	}
	switch {
	case pagesFile > 0:
		k := pagesFile
		fill = func() ([]byte, *web.ItemSpan, error) {
			paths, err := s.pagePaths(r.Context(), st)
			if err != nil {
				return nil, nil, err
			}
			per := s.perPagesFile()
			lo := (k - 1) * per
			if lo >= len(paths) && k > 1 {
				return nil, nil, notFound
			}
			paths = paths[lo:min(lo+per, len(paths))]
			set := newURLSet(len(paths))
			for _, p := range paths {
				set.add(base+p, "")
			}
			// Columns and the features' pages, no items: an item
			// change leaves it (a column or list change drops the
			// site's pages).
			return set.bytes(), &web.ItemSpan{None: true}, nil
		}
	case strings.HasPrefix(name, "items-"):
		k, ok := fileNumber(name, "items-")
		if !ok {
			s.ErrorPage(w, r, notFound)
			return
		}
		fill = func() ([]byte, *web.ItemSpan, error) {
			per := s.perFile()
			items, err := s.Catalog.PublishedRange(r.Context(), st.Site.ID, (k-1)*per, per)
			if err != nil {
				return nil, nil, err
			}
			if len(items) == 0 {
				return nil, nil, notFound
			}
			set := newURLSet(len(items))
			for _, it := range items {
				set.add(base+"/items/"+strconv.FormatInt(it.ID, 10), it.PublishedOn)
			}
			first, last := items[0], items[len(items)-1]
			// The last file is the one not full: a new item at the
			// end joins it. (A full last file stays; the new item
			// opens the next, which the index then lists.)
			return set.bytes(), &web.ItemSpan{First: web.OrderKey{On: first.PublishedOn, ID: first.ID}, Last: web.OrderKey{On: last.PublishedOn, ID: last.ID}, Final: len(items) < per}, nil
		}
	default:
		s.ErrorPage(w, r, notFound)
		return
	}
	s.CachedItemFile(w, r, xmlType, fill)
}

func (s *Feature) robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "User-agent: *\nDisallow: /admin/\nSitemap: %s/sitemap.xml\n", s.BaseURL(r))
}

func itemURL(it *catalog.Item) string { return "/items/" + strconv.FormatInt(it.ID, 10) }
