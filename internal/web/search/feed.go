package search

import (
	"encoding/xml"
	"net/http"

	"gongkai/internal/errs"
	"gongkai/internal/web"
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
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	Title    string   `xml:"title"`
	ID       string   `xml:"id"`
	Link     atomLink `xml:"link"`
	Updated  string   `xml:"updated"`
	Category *struct {
		Term  string `xml:"term,attr"`
		Label string `xml:"label,attr"`
	} `xml:"category,omitempty"`
	Summary string `xml:"summary"`
}

func atomDate(d string) string {
	if len(d) != 10 {
		return "1970-01-01T00:00:00+08:00"
	}
	return d + "T00:00:00+08:00"
}

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
	out := atomFeed{Title: title, ID: base + f.URL("/search/feed.xml"), Author: atomPerson{st.Site.Name}, Updated: atomDate(""),
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: base + f.URL("/search/feed.xml")},
			{Rel: "alternate", Type: "text/html", Href: base + page.URL("/search")}}}
	for i, h := range res.Hits {
		if i == 0 {
			out.Updated = atomDate(h.PublishedOn)
		}
		u := base + h.URL
		title := plain(h.Title)
		if title == "" {
			title = h.Candidate.Title
		}
		e := atomEntry{Title: title, ID: u, Link: atomLink{Href: u}, Updated: atomDate(h.PublishedOn), Summary: plain(h.Snippet)}
		e.Category = &struct {
			Term  string `xml:"term,attr"`
			Label string `xml:"label,attr"`
		}{h.Kind, s.kindLabel(h.Kind)}
		out.Entries = append(out.Entries, e)
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(out); err != nil {
		s.Log.Error("search feed", "err", err)
	}
}
