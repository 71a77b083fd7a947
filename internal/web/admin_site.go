package web

import (
	"net/http"
	"strconv"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/deadline"
	"gongkai/internal/errs"
)

// requireAdmin wraps a back-office handler for site administrators only.
func (s *Server) requireAdmin(h http.HandlerFunc) http.HandlerFunc {
	return s.withStaff(func(w http.ResponseWriter, r *http.Request) {
		if !s.staff(r).User.CanManageSite() {
			s.adminError(w, r, errs.E(errs.Forbidden, "只有系统管理员可以使用此功能"))
			return
		}
		h(w, r)
	})
}

// --- columns ---

func (s *Server) adminColumns(w http.ResponseWriter, r *http.Request) {
	p := s.adminPage(r, "栏目管理")
	p.Columns = p.Tree.All()
	s.renderHTML(w, r, http.StatusOK, "admin/columns", p)
}

func (s *Server) columnForm(w http.ResponseWriter, r *http.Request) {
	p := s.adminPage(r, "栏目")
	c := &catalog.Column{Kind: catalog.KindList, SiteID: p.Site.ID}
	if r.PathValue("id") != "" {
		id, err := pathID(r, "id")
		if err == nil {
			c, err = s.Catalog.Column(r.Context(), id)
		}
		if err != nil || c.SiteID != p.Site.ID {
			s.adminError(w, r, catalog.ErrNoColumn)
			return
		}
	}
	s.renderColumnForm(w, r, p, c, http.StatusOK)
}

func (s *Server) renderColumnForm(w http.ResponseWriter, r *http.Request, p *adminPage, c *catalog.Column, status int) {
	p.Column, p.Columns, p.Types = c, p.Tree.All(), catalog.DocTypes()
	s.renderHTML(w, r, status, "admin/column_form", p)
}

func (s *Server) saveColumn(w http.ResponseWriter, r *http.Request) {
	p := s.adminPage(r, "栏目")
	f := r.PostFormValue
	c := &catalog.Column{SiteID: p.Site.ID, Slug: f("slug"), Name: f("name"), Description: strings.TrimSpace(f("description")), Kind: f("kind"),
		DocTypes: r.PostForm["doc_types"], LinkURL: strings.TrimSpace(f("link_url")), Hidden: f("hidden") != ""}
	if r.PathValue("id") != "" {
		id, err := pathID(r, "id")
		if err != nil {
			s.adminError(w, r, err)
			return
		}
		c.ID = id
	}
	c.ParentID, _ = strconv.ParseInt(f("parent_id"), 10, 64)
	v := errs.Validation{}
	var err error
	if c.Sort, err = strconv.Atoi(strings.TrimSpace(f("sort"))); err != nil && f("sort") != "" {
		v.Add("sort", "排序应为整数")
	}
	if c.UpdateDays, err = strconv.Atoi(strings.TrimSpace(f("update_days"))); err != nil && f("update_days") != "" {
		v.Add("update_days", "更新周期应为天数（整数）")
	}
	err = v.Err()
	if err == nil {
		err = s.Catalog.SaveColumn(r.Context(), p.User, c)
	}
	if err != nil {
		s.logErr(r, err)
		p.Error, p.Errors = errs.MessageOf(err), errs.FieldsOf(err)
		if errs.CodeOf(err) == errs.Internal || errs.CodeOf(err) == errs.Forbidden {
			s.adminError(w, r, err)
			return
		}
		s.renderColumnForm(w, r, p, c, statusOf(err))
		return
	}
	http.Redirect(w, r, "/admin/columns?done=column", http.StatusSeeOther)
}

func (s *Server) deleteColumn(w http.ResponseWriter, r *http.Request) {
	p := s.adminPage(r, "删除栏目")
	id, err := pathID(r, "id")
	if err == nil {
		err = s.Catalog.DeleteColumn(r.Context(), p.User, p.Site.ID, id)
	}
	if err != nil {
		s.adminError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/columns?done=deleted", http.StatusSeeOther)
}

// --- settings ---

// DeadlineDays returns a rule's period on this site, for the settings form.
func (p *adminPage) DeadlineDays(r deadline.Rule) int {
	if p.Settings != nil {
		if n, ok := p.Settings.DeadlineDays[r.Code]; ok {
			return n
		}
	}
	return r.Days
}

// DeadlineRules are the rules a site may configure.
func (p *adminPage) DeadlineRules() []deadline.Rule {
	var out []deadline.Rule
	for _, r := range deadline.Rules {
		if r.Unit != deadline.FixedDate {
			out = append(out, r)
		}
	}
	return out
}

func (s *Server) settingsForm(w http.ResponseWriter, r *http.Request) {
	p := s.adminPage(r, "站点设置")
	st := p.Site.Settings
	p.Settings = &st
	s.renderHTML(w, r, http.StatusOK, "admin/settings", p)
}

func (s *Server) saveSettings(w http.ResponseWriter, r *http.Request) {
	p := s.adminPage(r, "站点设置")
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	st := catalog.Settings{Owner: f("owner"), Address: f("address"), Phone: f("phone"), Email: f("email"), Fax: f("fax"), Postcode: f("postcode"),
		OfficeHours: f("office_hours"), SiteCode: f("site_code"), ICP: f("icp"), PSB: f("psb"), PSBCode: f("psb_code"), OfficeName: f("office_name"),
		DeptAbbr: f("dept_abbr"), WeChat: f("wechat"), Weibo: f("weibo"), Description: f("description")}
	for _, slug := range strings.FieldsFunc(f("home_columns"), func(r rune) bool { return r == ',' || r == '，' || r == ' ' }) {
		st.HomeColumns = append(st.HomeColumns, slug)
	}
	raw := map[string]string{}
	for _, rule := range deadline.Rules {
		raw[rule.Code] = f(deadline.OverrideField(rule.Code))
	}
	var err error
	st.DeadlineDays, err = deadline.ParseOverrides(raw)
	if err == nil {
		err = s.Catalog.UpdateSettings(r.Context(), p.User, p.Site.ID, f("name"), st)
	}
	if err != nil {
		s.logErr(r, err)
		p.Error, p.Errors, p.Settings = errs.MessageOf(err), errs.FieldsOf(err), &st
		s.renderHTML(w, r, statusOf(err), "admin/settings", p)
		return
	}
	http.Redirect(w, r, "/admin/settings?done=saved", http.StatusSeeOther)
}

// --- departments ---

func (s *Server) adminDepartments(w http.ResponseWriter, r *http.Request) {
	p := s.adminPage(r, "科室管理")
	s.renderDepartments(w, r, p, http.StatusOK)
}

func (s *Server) renderDepartments(w http.ResponseWriter, r *http.Request, p *adminPage, status int) {
	var err error
	if p.Departments, err = s.Catalog.Departments(r.Context(), p.Site.ID); err != nil {
		s.adminError(w, r, err)
		return
	}
	s.renderHTML(w, r, status, "admin/departments", p)
}

func (s *Server) createDepartment(w http.ResponseWriter, r *http.Request) {
	p := s.adminPage(r, "科室管理")
	sort, _ := strconv.Atoi(r.PostFormValue("sort"))
	d := &catalog.Department{SiteID: p.Site.ID, Name: r.PostFormValue("name"), Abbr: r.PostFormValue("abbr"), Sort: sort}
	if err := s.Catalog.CreateDepartment(r.Context(), p.User, d); err != nil {
		s.logErr(r, err)
		p.Error, p.Errors = errs.MessageOf(err), errs.FieldsOf(err)
		p.Input = &catalog.Input{Title: d.Name, DocNo: d.Abbr}
		s.renderDepartments(w, r, p, statusOf(err))
		return
	}
	http.Redirect(w, r, "/admin/departments?done=department", http.StatusSeeOther)
}

// --- users ---

func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) {
	p := s.adminPage(r, "用户管理")
	s.renderUsers(w, r, p, http.StatusOK)
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, p *adminPage, status int) {
	var err error
	if p.Users, err = s.Auth.Users(r.Context(), p.Site.ID); err == nil {
		p.Departments, err = s.Catalog.Departments(r.Context(), p.Site.ID)
	}
	if err != nil {
		s.adminError(w, r, err)
		return
	}
	p.Roles = auth.Roles
	s.renderHTML(w, r, status, "admin/users", p)
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	p := s.adminPage(r, "用户管理")
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
		s.logErr(r, err)
		p.Error, p.Errors = errs.MessageOf(err), errs.FieldsOf(err)
		p.Input = &catalog.Input{Title: in.Name, Author: in.DisplayName, Topic: string(in.Role), DepartmentID: dept}
		s.renderUsers(w, r, p, statusOf(err))
		return
	}
	http.Redirect(w, r, "/admin/users?done=user", http.StatusSeeOther)
}

func (s *Server) userAction(w http.ResponseWriter, r *http.Request) {
	p := s.adminPage(r, "用户管理")
	id, err := pathID(r, "id")
	if err != nil {
		s.adminError(w, r, err)
		return
	}
	target, err := s.Auth.User(r.Context(), id)
	if err != nil || !target.ServesSite(p.Site.ID) {
		s.adminError(w, r, auth.ErrNotFound)
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
		s.logErr(r, err)
		p.Error = errs.MessageOf(err)
		s.renderUsers(w, r, p, statusOf(err))
		return
	}
	http.Redirect(w, r, "/admin/users?done="+done, http.StatusSeeOther)
}

// --- audit log ---

func (s *Server) adminAudit(w http.ResponseWriter, r *http.Request) {
	p := s.adminPage(r, "审计日志")
	q := r.URL.Query()
	p.Query = q
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	var err error
	p.Audit, err = s.Auth.AuditLog(r.Context(), auth.AuditFilter{SiteID: p.Site.ID, Actor: strings.TrimSpace(q.Get("actor")),
		Action: strings.TrimSpace(q.Get("action")), Target: strings.TrimSpace(q.Get("target")), Before: before, Limit: 100})
	if err == nil {
		p.AuditBad, err = s.Auth.VerifyAudit(r.Context())
	}
	if err != nil {
		s.adminError(w, r, err)
		return
	}
	s.renderHTML(w, r, http.StatusOK, "admin/audit", p)
}
