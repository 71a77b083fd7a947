package search

import (
	"net/http"
	"strconv"
	"strings"

	srch "gongkai/internal/search"
	"gongkai/internal/web"
)

// bestBets serves GET /admin/search/bestbets: the site's best bets
// (推荐结果) with the form to add one, or (?edit=ID) to change one.
func (s *Feature) bestBets(w http.ResponseWriter, r *http.Request) {
	p := &bestBetsPage{AdminPage: s.AdminPage(r, "推荐结果管理")}
	if id, err := strconv.ParseInt(r.URL.Query().Get("edit"), 10, 64); err == nil && id > 0 {
		p.Edit = id
	}
	s.renderBestBets(w, r, p, http.StatusOK)
}

func (s *Feature) renderBestBets(w http.ResponseWriter, r *http.Request, p *bestBetsPage, status int) {
	var err error
	if p.Bets, err = s.Search.BestBets(r.Context(), p.Site.ID); err != nil {
		s.AdminError(w, r, err)
		return
	}
	p.Kinds = s.kinds()
	if p.Edit != 0 && p.Error == "" {
		for _, b := range p.Bets {
			if b.ID == p.Edit {
				p.Form = b
			}
		}
		if p.Form.ID == 0 {
			s.AdminError(w, r, srch.ErrNoBestBet)
			return
		}
	}
	if p.Form.Position == 0 {
		p.Form.Position = 1
	}
	s.Render(w, r, status, "admin/search_bestbets", p)
}

// saveBestBet serves POST /admin/search/bestbets (new) and
// /admin/search/bestbets/{id} (change). The target is a record (kind and
// number) or, with target=url, a local link and its title.
func (s *Feature) saveBestBet(w http.ResponseWriter, r *http.Request) {
	p := &bestBetsPage{AdminPage: s.AdminPage(r, "推荐结果管理")}
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	b := &srch.BestBet{SiteID: p.Site.ID, Query: f("query"), Title: f("title"), EndsOn: f("ends_on"), Note: f("note")}
	pos, err := strconv.Atoi(f("position"))
	if f("position") != "" && err != nil {
		pos = -1 // refused with the position's message
	}
	b.Position = pos
	if f("target") == "url" {
		b.URL = f("url")
	} else {
		b.Kind = f("kind")
		if b.Ref, err = strconv.ParseInt(f("ref"), 10, 64); err != nil {
			b.Ref = 0
		}
	}
	if r.PathValue("id") != "" {
		id, err := web.PathID(r, "id")
		if err != nil {
			s.AdminError(w, r, err)
			return
		}
		b.ID, p.Edit = id, id
	}
	if err := s.Search.SaveBestBet(r.Context(), p.User, b); err != nil {
		s.LogErr(r, err)
		p.Fail(err)
		p.Form = *b
		if b.Position < 0 {
			p.Form.Position = 1
		}
		s.renderBestBets(w, r, p, web.StatusOf(err))
		return
	}
	http.Redirect(w, r, "/admin/search/bestbets?done=bestbet_saved", http.StatusSeeOther)
}

// deleteBestBet serves POST /admin/search/bestbets/{id}/delete.
func (s *Feature) deleteBestBet(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err == nil {
		err = s.Search.DeleteBestBet(r.Context(), web.StaffOf(r).User, web.SiteOf(r).Site.ID, id)
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/search/bestbets?done=bestbet_deleted", http.StatusSeeOther)
}
