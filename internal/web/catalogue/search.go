package catalogue

import (
	"fmt"
	"gongkai/internal/catalog"
	"gongkai/internal/web"
	"net/http"
	"strings"
)

// searchMaxRunes is the longest query accepted (the fields' maxlength).
const searchMaxRunes = 100

func (s *Feature) search(w http.ResponseWriter, r *http.Request) {
	raw, asked := r.URL.Query()["q"]
	q := ""
	if asked {
		q = strings.TrimSpace(raw[0])
	}
	p := &listPage{Page: s.Page(r, "站内搜索")}
	p.Query = q
	// A submitted form without words, or with more than the field allows
	// (only a hand-made URL can), gets a message tied to the field.
	switch {
	case asked && q == "":
		p.Errors = map[string]string{"q": "请输入要搜索的关键词，例如信息名称、文号或索引号。"}
	case len([]rune(q)) > searchMaxRunes:
		p.Errors = map[string]string{"q": fmt.Sprintf("关键词最多 %d 个字，请缩短后再搜索。", searchMaxRunes)}
		if rs := []rune(q); len(rs) > 4*searchMaxRunes {
			p.Query = string(rs[:4*searchMaxRunes])
		}
	}
	if p.Errors != nil {
		p.Title = "错误：站内搜索"
		s.Render(w, r, http.StatusUnprocessableEntity, "public/search", p)
		return
	}
	if q != "" {
		page := web.PageNumber(r, 1000)
		res, err := s.Catalog.List(r.Context(), catalog.Filter{SiteID: p.Site.ID, Query: q, Limit: 20, Offset: (page - 1) * 20}, true)
		if err != nil {
			s.ErrorPage(w, r, err)
			return
		}
		p.Items = res.Items
		p.Pager = web.NewPager(page, res.Total, 20)
	}
	s.Render(w, r, http.StatusOK, "public/search", p)
}
