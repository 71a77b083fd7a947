package web

import (
	"encoding/xml"
	"net/http"
)

// Atom feeds (RFC 4287) of the public site: a column's newest items, a
// search's newest results.

// AtomFeed is a feed.
type AtomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []AtomLink  `xml:"link"`
	Author  AtomPerson  `xml:"author"`
	Entries []AtomEntry `xml:"entry"`
}

// AtomLink is a link of a feed or entry.
type AtomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

// AtomPerson is a feed's author.
type AtomPerson struct {
	Name string `xml:"name"`
}

// AtomCategory is an entry's category (a record kind).
type AtomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr"`
}

// AtomEntry is one entry.
type AtomEntry struct {
	Title    string        `xml:"title"`
	ID       string        `xml:"id"`
	Link     AtomLink      `xml:"link"`
	Updated  string        `xml:"updated"`
	Category *AtomCategory `xml:"category,omitempty"`
	Summary  string        `xml:"summary"`
}

// AtomDate is a publication day (YYYY-MM-DD) as an Atom date, Beijing
// midnight; the epoch for anything else.
func AtomDate(d string) string {
	if len(d) != 10 {
		return "1970-01-01T00:00:00+08:00"
	}
	return d + "T00:00:00+08:00"
}

// WriteAtom sends a feed (cached by clients and proxies for five minutes).
func (s *Server) WriteAtom(w http.ResponseWriter, f *AtomFeed) {
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(f); err != nil {
		s.Log.Error("atom feed", "title", f.Title, "err", err)
	}
}
