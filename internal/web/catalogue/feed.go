package catalogue

import (
	"encoding/xml"
	"gongkai/internal/catalog"
	"gongkai/internal/web"
	"net/http"
)

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

func atomDate(d string) string {
	if d == "" {
		return "1970-01-01T00:00:00+08:00"
	}
	return d + "T00:00:00+08:00"
}

// feed serves an Atom feed of a column's newest items.
func (s *Feature) feed(w http.ResponseWriter, r *http.Request) {
	st := web.SiteOf(r)
	c := st.Tree.BySlug[r.PathValue("slug")]
	if c == nil || c.Hidden {
		s.ErrorPage(w, r, catalog.ErrNoColumn)
		return
	}
	res, err := s.Catalog.List(r.Context(), catalog.Filter{SiteID: st.Site.ID, ColumnIDs: subtree(c), Limit: 50}, false)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	base := s.BaseURL(r)
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
