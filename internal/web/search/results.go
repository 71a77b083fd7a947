package search

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	srch "gongkai/internal/search"
)

// results serves GET /search: the form, and the results by category with
// facets, best bets and the correction line. Not cached: every search
// gets its own log id, which the result links carry for click tracking.
func (s *Feature) results(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := &resultsPage{Page: s.Page(r, "站内搜索"), Form: readForm(q)}
	p.Query = p.Form.Q
	_, typed := q["q"]
	if !p.Form.asked() {
		if typed {
			// A submitted form without words.
			p.Errors = map[string]string{"q": "请输入要搜索的关键词，例如信息名称、文号或索引号。"}
			s.fail(w, r, p)
			return
		}
		s.Render(w, r, http.StatusOK, "public/search", p)
		return
	}
	page, err := readPage(q.Get("page"))
	if err != nil {
		p.Errors = errs.FieldsOf(err)
		s.fail(w, r, p)
		return
	}
	p.Form.Page = page
	req, err := p.Form.request(p.Site.ID, p.Tree, s.kinds())
	if err != nil {
		p.Errors = errs.FieldsOf(err)
		if len([]rune(p.Query)) > 2*maxQueryRunes {
			p.Query = string([]rune(p.Query)[:2*maxQueryRunes])
			p.Form.Q = p.Query
		}
		s.fail(w, r, p)
		return
	}
	// Words with nothing to search (punctuation, operators) and no other
	// criterion: say so instead of asking the engine.
	if !hasText(p.Form.Q+" "+p.Form.Phrase+" "+p.Form.DocNo+" "+p.Form.IndexNo) && !p.Form.filtered() {
		p.Notice = "您输入的内容中没有可以检索的文字或数字，请换用信息名称中的词语、文号或索引号。"
		p.Count = "共 0 条"
		s.Render(w, r, http.StatusOK, "public/search", p)
		return
	}
	e, err := s.engine()
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	res, err := e.Search(r.Context(), req)
	if err != nil {
		if errs.CodeOf(err) == errs.Invalid {
			p.Errors = errs.FieldsOf(err)
			if len(p.Errors) == 0 {
				p.Errors = map[string]string{"q": errs.MessageOf(err)}
			}
			s.fail(w, r, p)
			return
		}
		s.ErrorPage(w, r, err)
		return
	}
	var logID int64
	if page == 1 {
		// The first page of a search is one search in the analytics (the
		// page and the API log theirs; feeds and 相关信息 do not count).
		if logID, err = s.Search.LogQuery(r.Context(), p.Site.ID, p.Form.words(), res.Total); err != nil {
			s.LogErr(r, err)
			logID = 0
		}
	} else if logID == 0 {
		// Later pages count clicks against the first page's log id.
		logID, _ = strconv.ParseInt(q.Get("log"), 10, 64)
	}
	s.fill(p, res, logID)
	if p.Form.Q != "" {
		p.Title = p.Form.Q + " - 站内搜索"
	}
	s.Render(w, r, http.StatusOK, "public/search", p)
}

// fail renders the form with its messages (422).
func (s *Feature) fail(w http.ResponseWriter, r *http.Request, p *resultsPage) {
	p.Title = "错误：站内搜索"
	s.Render(w, r, http.StatusUnprocessableEntity, "public/search", p)
}

func (s *Feature) kinds() []srch.Kind {
	if s.Search == nil {
		return nil
	}
	return s.Search.Kinds()
}

func (s *Feature) kindLabel(code string) string {
	if s.Search == nil {
		return code
	}
	return s.Search.KindLabel(code)
}

// countText is the result count as the page says it.
func countText(total int, exact bool) string {
	if !exact {
		return fmt.Sprintf("超过 %d 条", total)
	}
	return fmt.Sprintf("共 %d 条", total)
}

// link is a result's address on the page: through the click tracker when
// the search was logged.
func link(logID int64, to string) string {
	if logID <= 0 || !srch.LocalPath(to) {
		return to
	}
	return "/search/go?" + url.Values{"log": {strconv.FormatInt(logID, 10)}, "to": {to}}.Encode()
}

// fill turns the service's result into the page: tabs, facets, hits and
// the links that change the search.
func (s *Feature) fill(p *resultsPage, res *srch.Result, logID int64) {
	f := p.Form
	p.Result = res
	p.Count = countText(res.Total, res.Exact)
	for _, h := range res.BestBets {
		p.BestBets = append(p.BestBets, s.hit(p.Tree, h, logID))
	}
	for _, h := range res.Hits {
		p.Hits = append(p.Hits, s.hit(p.Tree, h, logID))
	}
	// 分类展现: "全部" and one tab per kind with matches, counted without
	// the kind filter when the service counted them so.
	all := tab{Label: "全部", URL: f.with(func(g *form) { g.Kind = "" }).URL("/search"), Current: f.Kind == ""}
	kindCounts := res.Facets[srch.FacetKind]
	for _, fc := range kindCounts {
		all.Count += fc.Count
	}
	if f.Kind == "" {
		all.Count = res.Total
	}
	p.Tabs = append(p.Tabs, all)
	for _, fc := range kindCounts {
		code := fc.Value
		p.Tabs = append(p.Tabs, tab{Label: s.kindLabel(code), Count: fc.Count, Current: f.Kind == code,
			URL: f.with(func(g *form) { g.Kind = code }).URL("/search")})
	}
	if f.Kind != "" && !hasCurrent(p.Tabs[1:]) {
		p.Tabs = append(p.Tabs, tab{Label: s.kindLabel(f.Kind), Count: res.Total, Current: true, URL: f.URL("/search")})
	}
	for _, name := range []string{srch.FacetColumn, srch.FacetPublisher, srch.FacetYear, srch.FacetValidity, srch.FacetTopic} {
		if g := s.facet(p, name, res.Facets[name]); len(g.Values) > 0 {
			p.Facets = append(p.Facets, g)
		}
	}
	p.Chips = chips(p)
	if res.DidYouMean != "" {
		if res.Corrected {
			p.OriginalURL = f.with(func(g *form) { g.Original = true }).URL("/search")
		}
		p.DidYouMeanURL = f.with(func(g *form) { g.Q, g.Original = res.DidYouMean, false }).URL("/search")
	}
	p.FeedURL = f.with(func(g *form) { g.Sort = "" }).URL("/search/feed.xml")
	p.SortRelevance = f.with(func(g *form) { g.Sort = "" }).URL("/search")
	p.SortDate = f.with(func(g *form) { g.Sort = "date" }).URL("/search")
	p.Pages = res.Pages
	p.Start = (f.Page-1)*perPage + 1
	if p.Pages > maxPage {
		p.Pages = maxPage
	}
	pageURL := func(n int) string {
		g := f
		g.Page = n
		u := g.URL("/search")
		if logID > 0 {
			u += "&log=" + strconv.FormatInt(logID, 10)
		}
		return u
	}
	if f.Page > 1 {
		p.Prev = pageURL(f.Page - 1)
	}
	if f.Page < p.Pages {
		p.Next = pageURL(f.Page + 1)
	}
}

func hasCurrent(ts []tab) bool {
	for _, t := range ts {
		if t.Current {
			return true
		}
	}
	return false
}

func (s *Feature) hit(tree *catalog.Tree, h srch.Hit, logID int64) hitView {
	v := hitView{Hit: h, Link: link(logID, h.URL), Badge: badge(h.Validity)}
	if h.KindLabel == "" {
		v.KindLabel = s.kindLabel(h.Kind)
	}
	if c := tree.ByID[h.ColumnID]; c != nil {
		v.Column = c.Name
	}
	return v
}

var facetLabels = map[string]string{srch.FacetColumn: "栏目", srch.FacetPublisher: "发布机构", srch.FacetYear: "年份",
	srch.FacetValidity: "有效性", srch.FacetTopic: "主题分类", srch.FacetKind: "信息类别"}

// facetLabel is a facet value as people read it, and the value the
// filter parameter takes ("" when the value cannot be a filter).
func facetValueOf(tree *catalog.Tree, name, value string) (label, param string) {
	switch name {
	case srch.FacetColumn:
		id, _ := strconv.ParseInt(value, 10, 64)
		c := tree.ByID[id]
		if c == nil || c.Hidden {
			return "", ""
		}
		return c.Name, c.Slug
	case srch.FacetYear:
		if value == "" || value == "0" {
			return "", ""
		}
		return value + "年", value
	case srch.FacetValidity:
		if value == "" {
			return "", ""
		}
		return catalog.OptionLabel(catalog.Validities, value), value
	case srch.FacetTopic:
		if value == "" {
			return "", ""
		}
		return catalog.OptionLabel(catalog.Topics, value), value
	}
	if value == "" {
		return "", ""
	}
	return value, value
}

// facet builds one facet's links: each value adds its filter, the value in
// force removes it.
func (s *Feature) facet(p *resultsPage, name string, counts []srch.FacetCount) facetGroup {
	g := facetGroup{Name: name, Label: facetLabels[name]}
	cur := p.Form.get(name)
	counts = counts[:min(len(counts), 12)] // the most frequent values
	if name == srch.FacetYear {
		// Years read in order, newest first, as on the column pages.
		counts = slices.Clone(counts)
		slices.SortFunc(counts, func(a, b srch.FacetCount) int { return strings.Compare(b.Value, a.Value) })
	}
	for _, fc := range counts {
		label, param := facetValueOf(p.Tree, name, fc.Value)
		if param == "" {
			continue
		}
		sel := cur == param
		next := param
		if sel {
			next = ""
		}
		g.Values = append(g.Values, facetValue{Label: label, Count: fc.Count, Selected: sel,
			URL: p.Form.with(func(f *form) { f.set(name, next) }).URL("/search")})
	}
	return g
}

func (f *form) get(name string) string {
	switch name {
	case srch.FacetColumn:
		return f.Column
	case srch.FacetPublisher:
		return f.Publisher
	case srch.FacetYear:
		return f.Year
	case srch.FacetValidity:
		return f.Validity
	case srch.FacetTopic:
		return f.Topic
	case srch.FacetKind:
		return f.Kind
	}
	return ""
}

func (f *form) set(name, v string) {
	switch name {
	case srch.FacetColumn:
		f.Column = v
	case srch.FacetPublisher:
		f.Publisher = v
	case srch.FacetYear:
		f.Year = v
	case srch.FacetValidity:
		f.Validity = v
	case srch.FacetTopic:
		f.Topic = v
	case srch.FacetKind:
		f.Kind = v
	}
}

// chips are the filters in force, each with the link that removes it.
func chips(p *resultsPage) []chip {
	f := p.Form
	var out []chip
	add := func(label string, fn func(*form)) {
		out = append(out, chip{Label: label, URL: f.with(fn).URL("/search")})
	}
	for _, name := range []string{srch.FacetColumn, srch.FacetPublisher, srch.FacetYear, srch.FacetValidity, srch.FacetTopic} {
		if v := f.get(name); v != "" {
			label := v
			if name == srch.FacetColumn {
				if c := p.Tree.BySlug[v]; c != nil {
					label = c.Name
				}
			} else if l, _ := facetValueOf(p.Tree, name, v); l != "" {
				label = l
			}
			n := name
			add(facetLabels[name]+"："+label, func(g *form) { g.set(n, "") })
		}
	}
	if f.From != "" || f.To != "" {
		add("日期："+f.From+"～"+f.To, func(g *form) { g.From, g.To = "", "" })
	}
	if f.Phrase != "" {
		add("完整短语：“"+f.Phrase+"”", func(g *form) { g.Phrase = "" })
	}
	if f.Exclude != "" {
		add("不包含："+f.Exclude, func(g *form) { g.Exclude = "" })
	}
	if f.DocNo != "" {
		add("文号："+f.DocNo, func(g *form) { g.DocNo = "" })
	}
	if f.IndexNo != "" {
		add("索引号："+f.IndexNo, func(g *form) { g.IndexNo = "" })
	}
	if f.Title {
		add("仅标题", func(g *form) { g.Title = false })
	}
	return out
}
