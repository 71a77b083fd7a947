package catalogue

import (
	"gongkai/internal/catalog"
	"gongkai/internal/web"
	"net/http"
	"strconv"
)

// catalogue is the 政府信息公开目录 (条例 Art. 12): index, name, summary and
// date of every proactively disclosed item, filterable by column and year.
func (s *Feature) catalogue(w http.ResponseWriter, r *http.Request) {
	s.Cached(w, r, func() (string, web.Cacheable, error) {
		p := &listPage{Page: s.Page(r, "政府信息公开目录")}
		q := r.URL.Query()
		f := catalog.Filter{SiteID: p.Site.ID, Limit: 50}
		if slug := q.Get("column"); slug != "" {
			c := p.Tree.BySlug[slug]
			if c == nil {
				return "", nil, catalog.ErrNoColumn
			}
			p.Column, f.ColumnIDs = c, subtree(c)
		}
		page := web.PageNumber(r, 10000)
		f.Offset = (page - 1) * f.Limit
		lf := &listFilters{}
		lf.Year, _ = strconv.Atoi(q.Get("year"))
		f.Year = lf.Year
		var err error
		if lf.Years, err = s.Catalog.Years(r.Context(), p.Site.ID, f.ColumnIDs); err != nil {
			return "", nil, err
		}
		res, err := s.Catalog.List(r.Context(), f, true)
		if err != nil {
			return "", nil, err
		}
		p.Items, p.Filters = res.Items, lf
		p.Pager = web.NewPager(page, res.Total, f.Limit)
		if err := web.PastEndError(r, p.Pager); err != nil {
			return "", nil, err
		}
		return "public/catalogue", p, nil
	})
}
