package catalogue

import (
	"gongkai/internal/catalog"
	"gongkai/internal/web"
	"net/http"
)

func (s *Feature) home(w http.ResponseWriter, r *http.Request) {
	s.Cached(w, r, func() (string, web.Cacheable, error) {
		p := &listPage{Page: s.Page(r, "首页")}
		for _, slug := range p.Site.Settings.HomeColumns {
			c := p.Tree.BySlug[slug]
			if c == nil {
				continue
			}
			pg, err := s.Catalog.List(r.Context(), catalog.Filter{SiteID: p.Site.ID, ColumnIDs: subtree(c), Limit: 7}, false)
			if err != nil {
				return "", nil, err
			}
			p.Sections = append(p.Sections, homeSection{Column: c, Items: pg.Items})
		}
		for _, slug := range p.Site.Settings.HomeEntries {
			if c := p.Tree.BySlug[slug]; c != nil && !c.Hidden {
				p.Entries = append(p.Entries, c)
			}
		}
		blocks, err := s.HomeBlocks(r.Context(), p.Site.ID)
		if err != nil {
			return "", nil, err
		}
		p.Blocks = blocks
		return "public/home", p, nil
	})
}

// subtree returns the ids of c and every column under it.
func subtree(c *catalog.Column) []int64 {
	ids := []int64{c.ID}
	for _, ch := range c.Children {
		ids = append(ids, subtree(ch)...)
	}
	return ids
}

// staticPage serves the footer's pages: 网站地图, 联系我们, 隐私声明, 使用帮助.
func (s *Feature) staticPage(tmpl, title string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.Cached(w, r, func() (string, web.Cacheable, error) {
			p := s.Page(r, title)
			return "public/" + tmpl, &p, nil
		})
	}
}

// contact is 联系我们: the site's facts and the features' blocks for the
// contact page (the units' phones and addresses, from 机构设置).
func (s *Feature) contact(w http.ResponseWriter, r *http.Request) {
	s.Cached(w, r, func() (string, web.Cacheable, error) {
		p := &listPage{Page: s.Page(r, "联系我们")}
		var err error
		p.Blocks, err = s.PlaceBlocks(r.Context(), p.Site.ID, "contact")
		return "public/contact", p, err
	})
}

// guideForm is the printable application form the guide links to (for
// applications on paper, 条例第二十九条).
func (s *Feature) guideForm(w http.ResponseWriter, r *http.Request) {
	s.Cached(w, r, func() (string, web.Cacheable, error) {
		p := s.Page(r, "政府信息公开申请表")
		if p.Column == nil {
			p.Column = p.Tree.ByLink("/xxgk/guide")
		}
		return "public/guide_form", &p, nil
	})
}

func (s *Feature) guide(w http.ResponseWriter, r *http.Request) {
	s.Cached(w, r, func() (string, web.Cacheable, error) {
		p := s.Page(r, "政府信息公开指南")
		return "public/guide", &p, nil
	})
}
