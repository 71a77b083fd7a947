package search

import (
	"net/http"
	"strconv"
	"strings"

	srch "gongkai/internal/search"
	"gongkai/internal/web"
)

// synonyms serves GET /admin/search/synonyms: the site's synonym table
// with the form to add a group, or (?edit=ID) to change one.
func (s *Feature) synonyms(w http.ResponseWriter, r *http.Request) {
	p := &synonymsPage{AdminPage: s.AdminPage(r, "同义词管理")}
	if id, err := strconv.ParseInt(r.URL.Query().Get("edit"), 10, 64); err == nil && id > 0 {
		p.Edit = id
	}
	s.renderSynonyms(w, r, p, http.StatusOK)
}

func (s *Feature) renderSynonyms(w http.ResponseWriter, r *http.Request, p *synonymsPage, status int) {
	var err error
	if p.Groups, err = s.Search.Synonyms(r.Context(), p.Site.ID); err != nil {
		s.AdminError(w, r, err)
		return
	}
	if p.Edit != 0 && p.Terms == "" && p.Error == "" {
		for _, g := range p.Groups {
			if g.ID == p.Edit {
				p.Form, p.Terms = g, strings.Join(g.Terms, "\n")
			}
		}
		if p.Form.ID == 0 {
			s.AdminError(w, r, srch.ErrNoSynonym)
			return
		}
	}
	s.Render(w, r, status, "admin/search_synonyms", p)
}

// saveSynonym serves POST /admin/search/synonyms (new) and
// /admin/search/synonyms/{id} (change).
func (s *Feature) saveSynonym(w http.ResponseWriter, r *http.Request) {
	p := &synonymsPage{AdminPage: s.AdminPage(r, "同义词管理")}
	g := &srch.SynonymGroup{SiteID: p.Site.ID, Terms: srch.SplitTerms(r.PostFormValue("terms")), OneWay: r.PostFormValue("one_way") == "1",
		Note: r.PostFormValue("note")}
	if r.PathValue("id") != "" {
		id, err := web.PathID(r, "id")
		if err != nil {
			s.AdminError(w, r, err)
			return
		}
		g.ID, p.Edit = id, id
	}
	if err := s.Search.SaveSynonym(r.Context(), p.User, g); err != nil {
		s.LogErr(r, err)
		p.Fail(err)
		p.Form, p.Terms = *g, r.PostFormValue("terms")
		s.renderSynonyms(w, r, p, web.StatusOf(err))
		return
	}
	http.Redirect(w, r, "/admin/search/synonyms?done=synonym_saved", http.StatusSeeOther)
}

// deleteSynonym serves POST /admin/search/synonyms/{id}/delete.
func (s *Feature) deleteSynonym(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err == nil {
		err = s.Search.DeleteSynonym(r.Context(), web.StaffOf(r).User, web.SiteOf(r).Site.ID, id)
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/search/synonyms?done=synonym_deleted", http.StatusSeeOther)
}
