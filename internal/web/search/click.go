package search

import (
	"net/http"
	"strconv"

	"gongkai/internal/errs"
	srch "gongkai/internal/search"
	"gongkai/internal/web"
)

// click serves GET /search/go?log=ID&to=/items/123: it records that a
// result of a logged search was opened and sends the visitor on. Result
// links go through it so click tracking works without JavaScript. It
// redirects only to a path on this site (srch.LocalPath), never to
// another host: anything else is refused, so it is no open redirect.
func (s *Feature) click(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	to := q.Get("to")
	if !srch.LocalPath(to) {
		s.ErrorPage(w, r, errs.E(errs.Invalid, "链接无效：只能打开本站的页面"))
		return
	}
	if id, err := strconv.ParseInt(q.Get("log"), 10, 64); err == nil && id > 0 && s.Search != nil {
		if err := s.Search.LogClick(r.Context(), web.SiteOf(r).Site.ID, id, to); err != nil {
			// The visitor goes on anyway; the click is lost.
			s.LogErr(r, err)
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Robots-Tag", "noindex")
	http.Redirect(w, r, to, http.StatusFound)
}
