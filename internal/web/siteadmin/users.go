package siteadmin

import (
	"net/http"
	"strconv"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/web"
)

// usersPage lists the site's staff with the form to add one; Form keeps
// what was typed when the form comes back with errors.
type usersPage struct {
	web.AdminPage
	Users       []*auth.User
	Departments []catalog.Department
	Roles       any // auth.Roles
	Form        auth.NewUser
}

func (s *Feature) adminUsers(w http.ResponseWriter, r *http.Request) {
	p := &usersPage{AdminPage: s.AdminPage(r, "用户管理")}
	s.renderUsers(w, r, p, http.StatusOK)
}

func (s *Feature) renderUsers(w http.ResponseWriter, r *http.Request, p *usersPage, status int) {
	var err error
	if p.Users, err = s.Auth.Users(r.Context(), p.Site.ID); err == nil {
		p.Departments, err = s.Catalog.Departments(r.Context(), p.Site.ID)
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p.Roles = auth.Roles
	s.Render(w, r, status, "admin/users", p)
}

func (s *Feature) createUser(w http.ResponseWriter, r *http.Request) {
	p := &usersPage{AdminPage: s.AdminPage(r, "用户管理")}
	f := r.PostFormValue
	dept, _ := strconv.ParseInt(f("department_id"), 10, 64)
	in := auth.NewUser{SiteID: p.Site.ID, Name: f("name"), DisplayName: strings.TrimSpace(f("display_name")), Role: auth.Role(f("role")),
		DepartmentID: dept, Password: f("password")}
	if dept != 0 {
		ok := false
		deps, _ := s.Catalog.Departments(r.Context(), p.Site.ID)
		for _, d := range deps {
			ok = ok || d.ID == dept
		}
		if !ok {
			in.DepartmentID = -1
		}
	}
	var err error
	if in.DepartmentID < 0 {
		err = &errs.Error{Code: errs.Invalid, Message: "科室不存在", Fields: map[string]string{"department_id": "请选择本站点的科室"}}
	} else {
		_, err = s.Auth.CreateUser(r.Context(), p.User, in)
	}
	if err != nil {
		s.LogErr(r, err)
		p.Fail(err)
		p.Form = in
		p.Form.Password, p.Form.DepartmentID = "", dept
		s.renderUsers(w, r, p, web.StatusOf(err))
		return
	}
	http.Redirect(w, r, "/admin/users?done=user", http.StatusSeeOther)
}

func (s *Feature) userAction(w http.ResponseWriter, r *http.Request) {
	p := &usersPage{AdminPage: s.AdminPage(r, "用户管理")}
	id, err := web.PathID(r, "id")
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	target, err := s.Auth.User(r.Context(), id)
	if err != nil || !target.ServesSite(p.Site.ID) {
		s.AdminError(w, r, auth.ErrNotFound)
		return
	}
	done := "user"
	switch r.PathValue("action") {
	case "disable":
		if id == p.User.ID {
			err = errs.E(errs.Invalid, "不能停用自己的账号")
		} else {
			err = s.Auth.SetDisabled(r.Context(), p.User, id, true)
		}
	case "enable":
		err = s.Auth.SetDisabled(r.Context(), p.User, id, false)
	case "password":
		err = s.Auth.SetPassword(r.Context(), p.User, id, r.PostFormValue("password"))
		done = "password"
	default:
		err = errs.E(errs.NotFound, "未知操作")
	}
	if err != nil {
		s.LogErr(r, err)
		p.Error = errs.MessageOf(err)
		s.renderUsers(w, r, p, web.StatusOf(err))
		return
	}
	http.Redirect(w, r, "/admin/users?done="+done, http.StatusSeeOther)
}
