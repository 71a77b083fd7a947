package catalogue

import (
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/web"
	"net/http"
	"strconv"
)

type listFilters struct {
	Years      []int
	Publishers []string
	Year       int
	Publisher  string
	Validity   string
	Facets     []facetFilter
	ShowValid  bool
}

type facetFilter struct {
	Field   catalog.Field
	Value   string
	Options []catalog.Option
}

func (s *Feature) column(w http.ResponseWriter, r *http.Request) {
	s.Cached(w, r, func() (string, web.Cacheable, error) {
		p := &listPage{Page: s.Page(r, "")}
		c := p.Tree.BySlug[r.PathValue("slug")]
		if c == nil || c.Hidden {
			return "", nil, catalog.ErrNoColumn
		}
		p.Title, p.Column = c.Name, c
		if c.Kind == catalog.KindLink {
			return "public/link", p, nil
		}
		q := r.URL.Query()
		f := catalog.Filter{SiteID: p.Site.ID, ColumnIDs: subtree(c), Limit: 20, Facets: map[string]string{}}
		page, _ := strconv.Atoi(q.Get("page"))
		if page < 1 {
			page = 1
		}
		if page > 10000 {
			return "", nil, errs.E(errs.NotFound, "页码超出范围")
		}
		f.Offset = (page - 1) * f.Limit
		lf := &listFilters{}
		if y := q.Get("year"); y != "" {
			lf.Year, _ = strconv.Atoi(y)
			f.Year = lf.Year
		}
		lf.Publisher = q.Get("publisher")
		f.Publisher = lf.Publisher
		types := columnTypes(c)
		seen := map[string]bool{}
		for _, t := range types {
			for _, name := range t.ListCols {
				if fd, ok := t.Field(name); ok && !seen[name] {
					seen[name] = true
					p.ListCols = append(p.ListCols, fd)
				}
			}
		}
		for _, t := range types {
			for _, name := range t.Filters {
				if name == "validity" {
					lf.ShowValid = true
					continue
				}
				fd, _ := t.Field(name)
				v := q.Get(name)
				opts := fd.Options
				if fd.Kind == catalog.Bool {
					opts = []catalog.Option{{Value: "1", Label: "是"}, {Value: "0", Label: "否"}}
				}
				lf.Facets = append(lf.Facets, facetFilter{Field: fd, Value: v, Options: opts})
				if v != "" {
					f.Facets[name] = v
				}
			}
		}
		if lf.ShowValid {
			lf.Validity = q.Get("validity")
			f.Validity = lf.Validity
		}
		var err error
		if lf.Years, err = s.Catalog.Years(r.Context(), p.Site.ID, f.ColumnIDs); err != nil {
			return "", nil, err
		}
		if lf.Publishers, err = s.Catalog.Publishers(r.Context(), p.Site.ID, f.ColumnIDs); err != nil {
			return "", nil, err
		}
		res, err := s.Catalog.List(r.Context(), f, true)
		if err != nil {
			return "", nil, err
		}
		p.Items, p.Filters = res.Items, lf
		p.Pager = web.NewPager(page, res.Total, f.Limit)
		if page > 1 && page > p.Pager.Pages {
			return "", nil, errs.E(errs.NotFound, "页码超出范围")
		}
		return "public/column", p, nil
	})
}

// columnTypes returns the document types held by c and its subtree, once each.
func columnTypes(c *catalog.Column) []*catalog.DocType {
	seen := map[string]bool{}
	var out []*catalog.DocType
	var walk func(*catalog.Column)
	walk = func(c *catalog.Column) {
		for _, code := range c.DocTypes {
			if t := catalog.DocTypeByCode(code); t != nil && !seen[code] {
				seen[code] = true
				out = append(out, t)
			}
		}
		for _, ch := range c.Children {
			walk(ch)
		}
	}
	walk(c)
	return out
}
