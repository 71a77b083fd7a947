package catalogue

import (
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/web"
	"net/http"
	"slices"
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
	// Types are the column's record types when it holds several; Type
	// is the chosen one.
	Types []catalog.Option
	Type  string
}

type facetFilter struct {
	Field   catalog.Field
	Value   string
	Options []catalog.Option
}

func (s *Feature) column(w http.ResponseWriter, r *http.Request) {
	// A link column to a page of this site sends the reader there (the
	// tree's links already go there; this serves old bookmarks and feeds).
	if c := web.SiteOf(r).Tree.BySlug[r.PathValue("slug")]; c != nil && !c.Hidden && c.Href() != "/columns/"+c.Slug {
		http.Redirect(w, r, c.Href(), http.StatusFound)
		return
	}
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
		blocks, err := s.PlaceBlocks(r.Context(), p.Site.ID, "column:"+c.Slug)
		if err != nil {
			return "", nil, err
		}
		p.Blocks = blocks
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
		// A column holding several types offers the type as a filter; the
		// type-specific filters and list columns are those of the chosen
		// type, or of every type when one is not chosen (issue 15: a
		// mixed column showed two 类别 selects for different fields).
		types := columnTypes(c)
		if len(types) > 1 {
			lf.Type = q.Get("doc_type")
			for _, t := range types {
				lf.Types = append(lf.Types, catalog.Option{Value: t.Code, Label: t.Name})
				if t.Code == lf.Type {
					types = []*catalog.DocType{t}
					f.DocType = t.Code
				}
			}
			if f.DocType == "" {
				lf.Type = ""
			}
		}
		for _, name := range common(types, func(t *catalog.DocType) []string { return t.ListCols }) {
			fd, _ := types[0].Field(name)
			p.ListCols = append(p.ListCols, fd)
		}
		for _, name := range common(types, func(t *catalog.DocType) []string { return t.Filters }) {
			if name == "validity" {
				lf.ShowValid = true
				continue
			}
			fd, _ := types[0].Field(name)
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
		if lf.ShowValid {
			lf.Validity = q.Get("validity")
			f.Validity = lf.Validity
		}
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
		if err := web.PastEndError(r, p.Pager); err != nil {
			return "", nil, err
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

// common returns the names that every type declares (in the first type's
// order) and that mean the same field in each: same kind, label and
// options.
func common(types []*catalog.DocType, names func(*catalog.DocType) []string) []string {
	if len(types) == 0 {
		return nil
	}
	var out []string
	for _, name := range names(types[0]) {
		f0, _ := types[0].Field(name)
		same := true
		for _, t := range types[1:] {
			f, ok := t.Field(name)
			if !slices.Contains(names(t), name) || name != "validity" && (!ok || f.Kind != f0.Kind || f.Label != f0.Label || !slices.Equal(f.Options, f0.Options)) {
				same = false
				break
			}
		}
		if same {
			out = append(out, name)
		}
	}
	return out
}
