package search

import (
	"net/http"
	"reflect"
	"strconv"

	"gongkai/internal/errs"
	srch "gongkai/internal/search"
	"gongkai/internal/web"
)

// apiResult is one result of GET /api/v1/search.
type apiResult struct {
	ID          int64  `json:"id"` // the record's id in its kind (an item's id)
	Kind        string `json:"kind"`
	KindLabel   string `json:"kind_label"`
	Title       string `json:"title"`
	URL         string `json:"url"`
	Snippet     string `json:"snippet"`
	PublishedOn string `json:"published_on"`
	Validity    string `json:"validity"`
	DocNo       string `json:"doc_no"`
	Publisher   string `json:"publisher"`
	BestBet     bool   `json:"best_bet"`
}

// apiFacetValue is one value of a facet with its count.
type apiFacetValue struct {
	Value string `json:"value"` // what the filter parameter of the same name takes
	Label string `json:"label"`
	Count int    `json:"count"`
}

// apiSearchResponse is the body of GET /api/v1/search.
type apiSearchResponse struct {
	Total      int                        `json:"total"`
	Exact      bool                       `json:"exact"`
	Page       int                        `json:"page"`
	Pages      int                        `json:"pages"`
	NextCursor *string                    `json:"next_cursor"`
	Results    []apiResult                `json:"results"`
	BestBets   []apiResult                `json:"best_bets"`
	Facets     map[string][]apiFacetValue `json:"facets"`
	DidYouMean *string                    `json:"did_you_mean"`
	Corrected  bool                       `json:"corrected"`
}

// Schemas ties the API's types to their OpenAPI schemas.
func Schemas() []web.Schema {
	return []web.Schema{
		{Type: reflect.TypeOf(apiSearchResponse{}), Schema: "#/components/schemas/SearchResponse"},
		{Type: reflect.TypeOf(apiResult{}), Schema: "#/components/schemas/SearchResult"},
		{Type: reflect.TypeOf(apiFacetValue{}), Schema: "#/components/schemas/SearchFacetValue"},
	}
}

// apiSearch serves GET /api/v1/search with the parameters of the page
// (q, kind, column, publisher, year, validity, from, to, sort, …) and
// page or cursor, and limit.
func (s *Feature) apiSearch(w http.ResponseWriter, r *http.Request) {
	if _, err := s.APIUser(r); err != nil {
		s.APIError(w, r, err)
		return
	}
	st := web.SiteOf(r)
	q := r.URL.Query()
	f := readForm(q)
	v := errs.Validation{}
	page, err := readPage(q.Get("page"))
	if err != nil {
		v.Add("page", errs.FieldsOf(err)["page"])
	}
	if c := q.Get("cursor"); c != "" {
		if page, err = readCursor(c); err != nil {
			v.Add("cursor", "无效，请使用上一页响应中的 next_cursor")
		}
	}
	limit := perPage
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > maxLimit {
			v.Add("limit", "应为 1 到 50 之间的整数")
		}
		limit = n
	}
	f.Page = page
	req, err := f.request(st.Site.ID, st.Tree, s.kinds())
	for k, m := range errs.FieldsOf(err) {
		v.Add(k, m)
	}
	if !f.asked() {
		v.Add("q", "请提供关键词（q）或筛选条件")
	}
	if err := v.Err(); err != nil {
		e := err.(*errs.Error)
		e.Message = "检索参数有误：" + firstMessage(v)
		s.APIError(w, r, e)
		return
	}
	req.Limit = limit
	out := apiSearchResponse{Page: page, Exact: true, Results: []apiResult{}, BestBets: []apiResult{}, Facets: map[string][]apiFacetValue{}}
	if !hasText(f.Q+" "+f.Phrase+" "+f.DocNo+" "+f.IndexNo) && !f.filtered() {
		// Punctuation or operators only: nothing to search, an empty answer.
		web.WriteJSON(w, http.StatusOK, out)
		return
	}
	e, err := s.engine()
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	res, err := e.Search(r.Context(), req)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	if page == 1 {
		if _, err := s.Search.LogQuery(r.Context(), st.Site.ID, f.words(), res.Total); err != nil {
			s.LogErr(r, err)
		}
	}
	out.Total, out.Exact, out.Pages, out.Corrected = res.Total, res.Exact, res.Pages, res.Corrected
	if out.Pages > maxPage {
		out.Pages = maxPage
	}
	if page < out.Pages {
		c := cursorOf(page + 1)
		out.NextCursor = &c
	}
	if res.DidYouMean != "" {
		out.DidYouMean = &res.DidYouMean
	}
	for _, h := range res.Hits {
		out.Results = append(out.Results, s.apiHit(h))
	}
	for _, h := range res.BestBets {
		b := s.apiHit(h)
		b.BestBet = true
		out.BestBets = append(out.BestBets, b)
	}
	for _, name := range srch.Facets {
		vals := []apiFacetValue{}
		for _, fc := range res.Facets[name] {
			label, param := facetValueOf(st.Tree, name, fc.Value)
			if name == srch.FacetKind {
				label, param = s.kindLabel(fc.Value), fc.Value
			}
			if param == "" {
				continue
			}
			vals = append(vals, apiFacetValue{Value: param, Label: label, Count: fc.Count})
		}
		out.Facets[name] = vals
	}
	web.WriteJSON(w, http.StatusOK, out)
}

func (s *Feature) apiHit(h srch.Hit) apiResult {
	title := plain(h.Title)
	if title == "" {
		title = h.Candidate.Title
	}
	label := h.KindLabel
	if label == "" {
		label = s.kindLabel(h.Kind)
	}
	return apiResult{ID: h.Ref, Kind: h.Kind, KindLabel: label, Title: title, URL: h.URL, Snippet: plain(h.Snippet),
		PublishedOn: h.PublishedOn, Validity: h.Validity, DocNo: h.DocNo, Publisher: h.Publisher, BestBet: h.BestBet}
}

// firstMessage is one field's message, in the parameters' order.
func firstMessage(v map[string]string) string {
	for _, k := range append(append([]string{}, params...), "cursor", "limit") {
		if m := v[k]; m != "" {
			return m
		}
	}
	for _, m := range v {
		return m
	}
	return ""
}
