package lists

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gongkai/internal/errs"
	"gongkai/internal/lists"
	"gongkai/internal/web"
)

type adminIndexPage struct {
	web.AdminPage
	Kinds []adminKindView
}

type adminKindView struct {
	Kind    *lists.Kind
	Current *lists.Edition
	Drafts  int
}

type adminKindPage struct {
	web.AdminPage
	Kind     *lists.Kind
	Editions []*lists.Edition
	Current  *lists.Edition
	May      string // why the user may not import ("" when they may)
	CanPub   bool
	Cells    []lists.Cell
	More     int
	Note     string
	Effect   string
}

type adminEditionPage struct {
	web.AdminPage
	Kind    *lists.Kind
	Edition *lists.Edition
	Base    *lists.Edition
	Diff    lists.Diff
	Changes []changeView
	Added   []rowView
	Removed []rowView
	CanPub  bool
	Today   string
	Rows    []draftRow
	// Gaps are the rows lacking elements the kind declares Complete (a
	// service guide's required elements), with their scores.
	Gaps []gapView
	// Scored: the kind declares elements to score.
	Scored bool
}

type gapView struct {
	Key, Title, Esc string
	Score           int
	Missing         string
}

type draftRow struct {
	Key, Title, Esc string
}

func (s *Feature) adminIndex(w http.ResponseWriter, r *http.Request) {
	if s.Lists == nil {
		s.AdminError(w, r, errNoService)
		return
	}
	p := &adminIndexPage{AdminPage: s.AdminPage(r, "清单管理")}
	for _, k := range lists.Kinds() {
		eds, err := s.Lists.Editions(r.Context(), p.Site.ID, k, true)
		if err != nil {
			s.AdminError(w, r, err)
			return
		}
		v := adminKindView{Kind: k}
		for _, e := range eds {
			if e.Status == lists.Draft {
				v.Drafts++
			} else if v.Current == nil {
				v.Current = e
			}
		}
		p.Kinds = append(p.Kinds, v)
	}
	s.Render(w, r, http.StatusOK, "admin/lists_admin", p)
}

func (s *Feature) kindPage(r *http.Request, k *lists.Kind) (*adminKindPage, error) {
	p := &adminKindPage{AdminPage: s.AdminPage(r, k.Name+" · 清单管理"), Kind: k}
	var err error
	if p.Editions, err = s.Lists.Editions(r.Context(), p.Site.ID, k, true); err != nil {
		return nil, err
	}
	for _, e := range p.Editions {
		if e.Status == lists.Published {
			p.Current = e
			break
		}
	}
	if p.May, err = s.Lists.MayImport(r.Context(), p.User, p.Site.ID, k, false); err != nil {
		return nil, err
	}
	p.CanPub = p.User.CanPublish()
	return p, nil
}

func (s *Feature) adminKind(w http.ResponseWriter, r *http.Request) {
	k, err := s.kindOf(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p, err := s.kindPage(r, k)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "admin/list_admin", p)
}

func (s *Feature) adminImport(w http.ResponseWriter, r *http.Request) {
	k, err := s.kindOf(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	in, err := readUpload(w, r)
	var ed *lists.Edition
	if err == nil {
		ed, err = s.Lists.Import(r.Context(), web.SiteOf(r).Site.ID, k, web.StaffOf(r).User, in)
	}
	if err == nil {
		done := "list_imported"
		if ed.Status == lists.Published {
			done = "list_published"
		}
		http.Redirect(w, r, "/admin/lists/"+k.Code+"/editions/"+strconv.FormatInt(ed.ID, 10)+"?done="+done, http.StatusSeeOther)
		return
	}
	if errs.CodeOf(err) == errs.Internal {
		s.AdminError(w, r, err)
		return
	}
	p, perr := s.kindPage(r, k)
	if perr != nil {
		s.AdminError(w, r, perr)
		return
	}
	p.Fail(err)
	if ce, ok := lists.CellsOf(err); ok {
		p.Cells, p.More = ce.Cells, ce.More
	}
	p.Note, p.Effect = in.Note, in.EffectiveOn
	s.Render(w, r, web.StatusOf(err), "admin/list_admin", p)
}

func (s *Feature) adminEditionOf(r *http.Request) (*lists.Kind, *lists.Edition, error) {
	k, err := s.kindOf(r)
	if err != nil {
		return nil, nil, err
	}
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, nil, err
	}
	e, err := s.Lists.Edition(r.Context(), web.SiteOf(r).Site.ID, k, id, true)
	return k, e, err
}

func (s *Feature) adminEdition(w http.ResponseWriter, r *http.Request) {
	k, e, err := s.adminEditionOf(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	s.renderEdition(w, r, k, e, nil)
}

func (s *Feature) renderEdition(w http.ResponseWriter, r *http.Request, k *lists.Kind, e *lists.Edition, fail error) {
	p := &adminEditionPage{AdminPage: s.AdminPage(r, k.Name+" "+e.Label()), Kind: k, Edition: e, Today: s.Today().String()}
	p.CanPub = p.User.CanPublish()
	if fail != nil {
		p.Fail(fail)
	}
	siteID := p.Site.ID
	var err error
	if e.Status == lists.Draft {
		p.Base, err = s.Lists.Current(r.Context(), siteID, k)
	} else if e.BaseID != 0 {
		p.Base, err = s.Lists.Edition(r.Context(), siteID, k, e.BaseID, false)
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	to, err := s.Lists.Rows(r.Context(), e.ID)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	var from []lists.Row
	if p.Base != nil {
		if from, err = s.Lists.Rows(r.Context(), p.Base.ID); err != nil {
			s.AdminError(w, r, err)
			return
		}
	}
	if e.Status == lists.Draft {
		for _, x := range to {
			p.Rows = append(p.Rows, draftRow{x.Key, x.Title, url.PathEscape(x.Key)})
		}
	}
	p.Scored = len(k.Complete) > 0
	for _, x := range to {
		if miss, score := k.Missing(x.Values); len(miss) > 0 {
			p.Gaps = append(p.Gaps, gapView{x.Key, x.Title, url.PathEscape(x.Key), score, strings.Join(miss, "、")})
		}
	}
	p.Diff = k.Diff(from, to)
	p.Changes = changeViews(k, p.Diff)
	for _, x := range p.Diff.Added {
		p.Added = append(p.Added, view(k, x))
	}
	for _, x := range p.Diff.Removed {
		p.Removed = append(p.Removed, view(k, x))
	}
	status := http.StatusOK
	if fail != nil {
		status = web.StatusOf(fail)
	}
	s.Render(w, r, status, "admin/list_edition_admin", p)
}

func (s *Feature) adminPublish(w http.ResponseWriter, r *http.Request) {
	k, e, err := s.adminEditionOf(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	ed, err := s.Lists.Publish(r.Context(), web.SiteOf(r).Site.ID, k, web.StaffOf(r).User, e.ID, r.PostFormValue("effective_on"), r.PostFormValue("note"))
	if err != nil {
		if errs.CodeOf(err) == errs.Internal {
			s.AdminError(w, r, err)
			return
		}
		s.renderEdition(w, r, k, e, err)
		return
	}
	http.Redirect(w, r, "/admin/lists/"+k.Code+"/editions/"+strconv.FormatInt(ed.ID, 10)+"?done=list_published", http.StatusSeeOther)
}

func (s *Feature) adminDelete(w http.ResponseWriter, r *http.Request) {
	k, e, err := s.adminEditionOf(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	if err := s.Lists.DeleteDraft(r.Context(), web.SiteOf(r).Site.ID, k, web.StaffOf(r).User, e.ID); err != nil {
		s.AdminError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/lists/"+k.Code+"?done=list_deleted", http.StatusSeeOther)
}
