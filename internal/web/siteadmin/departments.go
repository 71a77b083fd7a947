package siteadmin

import (
	"net/http"
	"strconv"

	"gongkai/internal/catalog"
	"gongkai/internal/web"
)

// departmentsPage lists the departments (科室) with the form to add one.
type departmentsPage struct {
	web.AdminPage
	Departments []catalog.Department
	Form        catalog.Department
}

func (s *Feature) adminDepartments(w http.ResponseWriter, r *http.Request) {
	p := &departmentsPage{AdminPage: s.AdminPage(r, "科室管理")}
	s.renderDepartments(w, r, p, http.StatusOK)
}

func (s *Feature) renderDepartments(w http.ResponseWriter, r *http.Request, p *departmentsPage, status int) {
	var err error
	if p.Departments, err = s.Catalog.Departments(r.Context(), p.Site.ID); err != nil {
		s.AdminError(w, r, err)
		return
	}
	s.Render(w, r, status, "admin/departments", p)
}

func (s *Feature) createDepartment(w http.ResponseWriter, r *http.Request) {
	p := &departmentsPage{AdminPage: s.AdminPage(r, "科室管理")}
	sort, _ := strconv.Atoi(r.PostFormValue("sort"))
	d := &catalog.Department{SiteID: p.Site.ID, Name: r.PostFormValue("name"), Abbr: r.PostFormValue("abbr"), Sort: sort}
	if err := s.Catalog.CreateDepartment(r.Context(), p.User, d); err != nil {
		s.LogErr(r, err)
		p.Fail(err)
		p.Form = *d
		s.renderDepartments(w, r, p, web.StatusOf(err))
		return
	}
	http.Redirect(w, r, "/admin/departments?done=department", http.StatusSeeOther)
}
