package catalogue

import (
	"encoding/xml"
	"fmt"
	"gongkai/internal/catalog"
	"gongkai/internal/web"
	"net/http"
	"strconv"
)

type urlset struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// sitemapXML lists the home page, every column and every published item.
func (s *Feature) sitemapXML(w http.ResponseWriter, r *http.Request) {
	st := web.SiteOf(r)
	base := s.BaseURL(r)
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
			s.ErrorPage(w, r, err)
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

func (s *Feature) robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "User-agent: *\nDisallow: /admin/\nSitemap: %s/sitemap.xml\n", s.BaseURL(r))
}

func itemURL(it *catalog.Item) string { return "/items/" + strconv.FormatInt(it.ID, 10) }
