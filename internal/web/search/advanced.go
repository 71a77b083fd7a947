package search

import (
	"net/http"

	"gongkai/internal/catalog"
	"gongkai/internal/web"
)

// advanced serves GET /search/advanced: every criterion of a search as a
// plain form that submits to /search (no JavaScript needed), filled from
// the query so "修改检索条件" returns to it.
func (s *Feature) advanced(w http.ResponseWriter, r *http.Request) {
	p := &advancedPage{Page: s.Page(r, "高级检索"), Form: readForm(r.URL.Query()), Kinds: s.kinds(), Validities: catalog.Validities}
	p.Query = p.Form.Q
	for _, c := range p.Tree.All() {
		if !c.Hidden && c.Kind == catalog.KindList {
			p.Columns = append(p.Columns, c)
		}
	}
	s.Render(w, r, http.StatusOK, "public/search_advanced", p)
}

var _ web.Cacheable = (*advancedPage)(nil)
