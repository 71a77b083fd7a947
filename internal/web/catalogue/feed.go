package catalogue

import (
	"gongkai/internal/catalog"
	"gongkai/internal/web"
	"net/http"
)

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
	f := web.AtomFeed{Title: st.Site.Name + " - " + c.Name, ID: base + "/columns/" + c.Slug, Author: web.AtomPerson{Name: st.Site.Name},
		Links:   []web.AtomLink{{Rel: "self", Href: base + "/columns/" + c.Slug + "/feed.xml"}, {Rel: "alternate", Href: base + "/columns/" + c.Slug}},
		Updated: web.AtomDate("")}
	for i, it := range res.Items {
		if i == 0 {
			f.Updated = web.AtomDate(it.PublishedOn)
		}
		u := base + itemURL(it)
		f.Entries = append(f.Entries, web.AtomEntry{Title: it.Title, ID: u, Link: web.AtomLink{Href: u}, Updated: web.AtomDate(it.PublishedOn), Summary: it.Summary})
	}
	s.WriteAtom(w, &f)
}
