package lists

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/lists"
	"gongkai/internal/web"
)

// cell is one shown value.
type cell struct {
	Label, Value string
	// Href makes the value a link (a link field's catalogue item).
	Href string
	// Img is an uploaded image's path, shown with Alt as its text.
	Img, Alt string
	Long     bool
	// Lines are a long text's lines, shown with line breaks (责任事项 are
	// written one phase a line).
	Lines []string
}

func lines(v string) []string { return strings.Split(v, "\n") }

// rowView is a row as a page shows it.
type rowView struct {
	Key, Title, URL string
	Cells           []cell // the list columns
}

type facetView struct {
	Name, Label, Chosen string
	Values              []lists.FacetValue
}

type indexPage struct {
	web.Page
	Kinds []kindView
}

type kindView struct {
	Kind    *lists.Kind
	Current *lists.Edition
}

type listPage struct {
	web.Page
	Kind    *lists.Kind
	Edition *lists.Edition
	Current bool
	Cols    []string
	Rows    []rowView
	Total   int
	All     int
	Facets  []facetView
	Q       string
	Pager   *web.Pager
	Error   string
}

type rowPage struct {
	web.Page
	Kind    *lists.Kind
	Edition *lists.Edition
	// Removed is the current edition when it no longer lists the row.
	Removed  *lists.Edition
	Row      rowView
	Sections []sectionView
	// Flow is the process flowchart of a kind declaring Flow (nil: none).
	Flow      *flowView
	FlowLabel string
}

type sectionView struct {
	Title string
	Cells []cell
}

type editionsPage struct {
	web.Page
	Kind     *lists.Kind
	Editions []*lists.Edition
}

type diffPage struct {
	web.Page
	Kind     *lists.Kind
	From, To *lists.Edition
	Diff     lists.Diff
	Changes  []changeView
	Added    []rowView
	Removed  []rowView
	Editions []*lists.Edition
}

type changeView struct {
	Key, Title, URL string
	Fields          []fieldChangeView
}

type fieldChangeView struct {
	Label, From, To string
	FromLines       []string
	ToLines         []string
}

const perPage = 50

// canonical is the request as the render cache keys it: only the declared
// parameters, each at most 100 bytes (web.Server.CacheParams). A page is
// built from this request alone, so what a visitor adds can neither change
// nor spoil the page others are served.
func (s *Feature) canonical(r *http.Request) *http.Request {
	p := s.Page(r, "")
	r2 := r.Clone(r.Context())
	r2.URL = &url.URL{Path: r.URL.Path, RawQuery: p.URL.RawQuery}
	return r2
}

func (s *Feature) index(w http.ResponseWriter, r *http.Request) {
	s.Cached(w, r, func() (string, web.Cacheable, error) {
		if s.Lists == nil {
			return "", nil, errNoService
		}
		p := &indexPage{Page: s.Page(r, "管理和服务公开清单")}
		for _, k := range lists.Kinds() {
			cur, err := s.Lists.Current(r.Context(), p.Site.ID, k)
			if err != nil {
				return "", nil, err
			}
			p.Kinds = append(p.Kinds, kindView{k, cur})
		}
		return "public/lists", p, nil
	})
}

func view(k *lists.Kind, r lists.Row) rowView {
	v := rowView{Key: r.Key, Title: r.Title, URL: lists.RowURL(k.Code, r.Key)}
	for _, n := range k.ListCols {
		f, _ := k.Field(n)
		v.Cells = append(v.Cells, cell{Label: f.Label, Value: k.Display(r.Values, n)})
	}
	return v
}

// column puts the page under the kind's 信息公开 column, for navigation.
func (s *Feature) column(p *web.Page, k *lists.Kind) {
	if p.Tree == nil || k.Column == "" {
		return
	}
	p.Column = p.Tree.BySlug[k.Column]
}

func (s *Feature) list(w http.ResponseWriter, r *http.Request) {
	s.Cached(w, r, func() (string, web.Cacheable, error) {
		r := s.canonical(r)
		k, err := s.kindOf(r)
		if err != nil {
			return "", nil, err
		}
		p := &listPage{Page: s.Page(r, k.Name), Kind: k}
		s.column(&p.Page, k)
		cur, err := s.Lists.Current(r.Context(), p.Site.ID, k)
		if err != nil {
			return "", nil, err
		}
		p.Edition = cur
		if id := r.PathValue("id"); id != "" {
			n, err := strconv.ParseInt(id, 10, 64)
			if err != nil || n <= 0 {
				return "", nil, errs.E(errs.NotFound, "您访问的页面不存在")
			}
			if p.Edition, err = s.Lists.Edition(r.Context(), p.Site.ID, k, n, false); err != nil {
				return "", nil, err
			}
			if err := s.currentOnly(r, k, p.Edition); err != nil {
				return "", nil, err
			}
		}
		p.Current = cur != nil && p.Edition != nil && cur.ID == p.Edition.ID
		if p.Edition == nil {
			return "public/list", p, nil
		}
		if !p.Current {
			p.Title = fmt.Sprintf("%s（%s）", k.Name, p.Edition.Label())
		}
		for _, n := range k.ListCols {
			f, _ := k.Field(n)
			p.Cols = append(p.Cols, f.Label)
		}
		q, err := readQuery(k, r.URL.Query(), false)
		if err != nil {
			p.Error, p.Errors = errs.MessageOf(err), errs.FieldsOf(err)
			q = lists.Query{}
		}
		p.Q = q.Q
		// Only the page's rows are read (lists.PublicRows); a page past the
		// end shows the first, as web.PageNumber does.
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		page = max(page, 1)
		if page > 100000 {
			page = 1
		}
		res, err := s.Lists.PublicRows(r.Context(), k, p.Edition.ID, q, s.Today(), (page-1)*perPage, 0, perPage)
		if err == nil && page > 1 && (page-1)*perPage >= res.Total {
			page = 1
			res, err = s.Lists.PublicRows(r.Context(), k, p.Edition.ID, q, s.Today(), 0, 0, perPage)
		}
		if err != nil {
			return "", nil, err
		}
		p.All, p.Total = res.All, res.Total
		for _, f := range k.Facets() {
			p.Facets = append(p.Facets, facetView{Name: f.Name, Label: f.Label, Chosen: q.Facets[f.Name], Values: res.Facets[f.Name]})
		}
		p.Pager = web.NewPager(page, res.Total, perPage)
		for _, row := range res.Rows {
			p.Rows = append(p.Rows, view(k, row))
		}
		return "public/list", p, nil
	})
}

func (s *Feature) row(w http.ResponseWriter, r *http.Request) {
	s.Cached(w, r, func() (string, web.Cacheable, error) {
		r := s.canonical(r)
		k, err := s.kindOf(r)
		if err != nil {
			return "", nil, err
		}
		p := &rowPage{Page: s.Page(r, k.Name), Kind: k}
		s.column(&p.Page, k)
		ed, err := s.edition(r, k, "edition")
		if err != nil {
			if errs.CodeOf(err) == errs.Invalid {
				err = errs.E(errs.NotFound, "您访问的页面不存在")
			}
			return "", nil, err
		}
		p.Edition = ed
		key := r.PathValue("key")
		row, err := s.Lists.Row(r.Context(), ed.ID, key)
		if err == nil && len(k.Public([]lists.Row{*row}, s.Today())) == 0 {
			return "", nil, errs.E(errs.NotFound, "该事项的公示期已满，已不再公开")
		}
		if errs.CodeOf(err) == errs.NotFound && r.URL.Query().Get("edition") == "" && !k.CurrentOnly {
			// Removed since: the permanent URL shows the row as it last
			// stood, marked as cancelled (410 Gone).
			var last *lists.Edition
			if last, row, err = s.Lists.LastWith(r.Context(), p.Site.ID, k, key); err == nil {
				p.Removed, p.Edition, p.Status = ed, last, http.StatusGone
			}
		}
		if err != nil {
			return "", nil, err
		}
		// The row as the public sees it, whichever edition it comes from.
		pub := k.Public([]lists.Row{*row}, s.Today())
		if len(pub) == 0 {
			return "", nil, errs.E(errs.NotFound, "该事项的公示期已满，已不再公开")
		}
		row = &pub[0]
		p.Row = view(k, *row)
		if k.Flow != "" {
			f, _ := k.Field(k.Flow)
			p.Flow = flowOf(row.Title+f.Label+"图", row.Values[k.Flow])
			p.FlowLabel = f.Label
		}
		p.Title = row.Title
		for _, sec := range k.Sections {
			sv := sectionView{Title: sec.Title}
			for _, n := range sec.Fields {
				f, _ := k.Field(n)
				v := k.Display(row.Values, n)
				if v == "" && f.Kind != catalog.Bool {
					v = "无"
				} else if v == "" {
					v = "否"
				}
				c := cell{Label: f.Label, Value: v, Long: f.Kind == catalog.TextArea, Lines: lines(v)}
				if alt, ok := k.Images[n]; ok && row.Values[n] != "" {
					c.Img, c.Alt = v, row.Values[alt]
				}
				if f.Kind == catalog.Link && row.Values[n] != "" {
					c.Href, c.Value = v, "查看关联信息（编号 "+row.Values[n]+"）"
				}
				sv.Cells = append(sv.Cells, c)
			}
			p.Sections = append(p.Sections, sv)
		}
		return "public/list_row", p, nil
	})
}

func (s *Feature) editions(w http.ResponseWriter, r *http.Request) {
	s.Cached(w, r, func() (string, web.Cacheable, error) {
		k, err := s.kindOf(r)
		if err != nil {
			return "", nil, err
		}
		p := &editionsPage{Page: s.Page(r, k.Name+"历史版本"), Kind: k}
		s.column(&p.Page, k)
		p.Editions, err = s.Lists.Editions(r.Context(), p.Site.ID, k, false)
		return "public/list_editions", p, err
	})
}

func changeViews(k *lists.Kind, d lists.Diff) []changeView {
	var out []changeView
	for _, c := range d.Changed {
		cv := changeView{Key: c.Key, Title: c.Title, URL: lists.RowURL(k.Code, c.Key)}
		for _, fc := range c.Fields {
			from, to := k.Display(map[string]string{fc.Name: fc.From}, fc.Name), k.Display(map[string]string{fc.Name: fc.To}, fc.Name)
			cv.Fields = append(cv.Fields, fieldChangeView{Label: fc.Label, From: from, To: to, FromLines: lines(from), ToLines: lines(to)})
		}
		out = append(out, cv)
	}
	return out
}

func (s *Feature) diffPage(w http.ResponseWriter, r *http.Request) {
	s.Cached(w, r, func() (string, web.Cacheable, error) {
		r := s.canonical(r)
		k, err := s.kindOf(r)
		if err != nil {
			return "", nil, err
		}
		p := &diffPage{Page: s.Page(r, k.Name+"版本比较"), Kind: k}
		s.column(&p.Page, k)
		if p.Editions, err = s.Lists.Editions(r.Context(), p.Site.ID, k, false); err != nil {
			return "", nil, err
		}
		from, to, d, err := s.diffOf(r, k)
		if err != nil {
			if errs.CodeOf(err) != errs.Invalid {
				return "", nil, err
			}
			p.Errors = errs.FieldsOf(err)
			p.Message = errs.MessageOf(err)
			return "public/list_diff", p, nil
		}
		p.From, p.To, p.Diff, p.Changes = from, to, d, changeViews(k, d)
		for _, x := range d.Added {
			p.Added = append(p.Added, view(k, x))
		}
		for _, x := range d.Removed {
			p.Removed = append(p.Removed, view(k, x))
		}
		return "public/list_diff", p, nil
	})
}

// feed is the Atom feed of a list's editions: each new edition, with its
// change note and counts, is an entry.
func (s *Feature) feed(w http.ResponseWriter, r *http.Request) {
	k, err := s.kindOf(r)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	st := web.SiteOf(r)
	eds, err := s.Lists.Editions(r.Context(), st.Site.ID, k, false)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	base := s.BaseURL(r)
	f := &web.AtomFeed{Title: st.Site.Name + " " + k.Name, ID: base + "/lists/" + k.Code, Updated: web.AtomDate(""),
		Links:  []web.AtomLink{{Rel: "self", Href: base + "/lists/" + k.Code + "/feed.xml"}, {Href: base + "/lists/" + k.Code}},
		Author: web.AtomPerson{Name: st.Site.Name}}
	for i, e := range eds {
		if i == 0 {
			f.Updated = web.AtomDate(e.EffectiveOn)
		}
		link := base + "/lists/" + k.Code + "/editions/" + strconv.FormatInt(e.ID, 10)
		if k.CurrentOnly {
			// Earlier editions are not public: every entry points at the list,
			// with the edition in the fragment so entries keep distinct ids.
			link = base + "/lists/" + k.Code + "#edition-" + strconv.FormatInt(e.ID, 10)
		} else if e.BaseID != 0 {
			link = base + "/lists/" + k.Code + "/diff?" + url.Values{"from": {strconv.FormatInt(e.BaseID, 10)}, "to": {strconv.FormatInt(e.ID, 10)}}.Encode()
		}
		f.Entries = append(f.Entries, web.AtomEntry{Title: fmt.Sprintf("%s%s（%s起施行）", k.Name, e.Label(), e.EffectiveOn), ID: link,
			Link: web.AtomLink{Href: link}, Updated: web.AtomDate(e.EffectiveOn),
			Summary: fmt.Sprintf("%s 共 %d 项；本次调整：新增 %d 项、取消 %d 项、变更 %d 项。", e.Note, e.Rows, e.Added, e.Removed, e.Changed)})
	}
	s.WriteAtom(w, f)
}
