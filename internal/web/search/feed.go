package search

import (
	"net/http"

	"gongkai/internal/errs"
	"gongkai/internal/web"
)

// feedSize is how many results a search's feed holds.
const feedSize = 50

// feed serves GET /search/feed.xml: an Atom feed of the same search,
// newest first, so a visitor can follow it. Bad input is a 422 page.
func (s *Feature) feed(w http.ResponseWriter, r *http.Request) {
	st := web.SiteOf(r)
	f := readForm(r.URL.Query())
	if !f.asked() || !hasText(f.Q+" "+f.Phrase+" "+f.DocNo+" "+f.IndexNo) && !f.filtered() {
		s.ErrorPage(w, r, errs.E(errs.Invalid, "请在检索地址中提供关键词（q）或筛选条件"))
		return
	}
	f.Sort, f.Page = "date", 1
	req, err := f.request(st.Site.ID, st.Tree, s.kinds())
	if err != nil {
		s.ErrorPage(w, r, errs.E(errs.Invalid, "%s", firstMessage(errs.FieldsOf(err))))
		return
	}
	req.Limit = feedSize
	e, err := s.engine()
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	res, err := e.Search(r.Context(), req)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	base := s.BaseURL(r)
	page := f
	page.Sort = ""
	title := st.Site.Name + " - 站内搜索"
	if w := f.words(); w != "" {
		title += "：" + w
	}
	out := web.AtomFeed{Title: title, ID: base + f.URL("/search/feed.xml"), Author: web.AtomPerson{Name: st.Site.Name}, Updated: web.AtomDate(""),
		Links: []web.AtomLink{{Rel: "self", Type: "application/atom+xml", Href: base + f.URL("/search/feed.xml")},
			{Rel: "alternate", Type: "text/html", Href: base + page.URL("/search")}}}
	for i, h := range res.Hits {
		if i == 0 {
			out.Updated = web.AtomDate(h.PublishedOn)
		}
		u := base + h.URL
		title := plain(h.Title)
		if title == "" {
			title = h.Candidate.Title
		}
		out.Entries = append(out.Entries, web.AtomEntry{Title: title, ID: u, Link: web.AtomLink{Href: u}, Updated: web.AtomDate(h.PublishedOn),
			Summary: plain(h.Snippet), Category: &web.AtomCategory{Term: h.Kind, Label: s.kindLabel(h.Kind)}})
	}
	s.WriteAtom(w, &out)
}
