package siteadmin

import (
	"net/http"
	"strconv"
	"strings"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/web"
)

// columnsPage lists the column tree; columnPage is one column's form.
type columnsPage struct {
	web.AdminPage
	Columns []*catalog.Column
}

type columnPage struct {
	web.AdminPage
	Column      *catalog.Column
	Columns     []*catalog.Column
	Types       []*catalog.DocType
	Departments []catalog.Department
}

// Duties are the 条例第二十条 categories a column may be tied to.
func (p *columnPage) Duties() []catalog.Option { return catalog.Art20Duties }

func (s *Feature) adminColumns(w http.ResponseWriter, r *http.Request) {
	p := &columnsPage{AdminPage: s.AdminPage(r, "栏目管理")}
	p.Columns = p.Tree.All()
	s.Render(w, r, http.StatusOK, "admin/columns", p)
}

func (s *Feature) columnForm(w http.ResponseWriter, r *http.Request) {
	p := &columnPage{AdminPage: s.AdminPage(r, "栏目")}
	c := &catalog.Column{Kind: catalog.KindList, SiteID: p.Site.ID}
	if r.PathValue("id") != "" {
		id, err := web.PathID(r, "id")
		if err == nil {
			c, err = s.Catalog.Column(r.Context(), id)
		}
		if err != nil || c.SiteID != p.Site.ID {
			s.AdminError(w, r, catalog.ErrNoColumn)
			return
		}
	}
	s.renderColumnForm(w, r, p, c, http.StatusOK)
}

func (s *Feature) renderColumnForm(w http.ResponseWriter, r *http.Request, p *columnPage, c *catalog.Column, status int) {
	p.Column, p.Columns, p.Types = c, p.Tree.All(), catalog.DocTypes()
	var err error
	if p.Departments, err = s.Catalog.Departments(r.Context(), p.Site.ID); err != nil {
		s.AdminError(w, r, err)
		return
	}
	s.Render(w, r, status, "admin/column_form", p)
}

func (s *Feature) saveColumn(w http.ResponseWriter, r *http.Request) {
	p := &columnPage{AdminPage: s.AdminPage(r, "栏目")}
	f := r.PostFormValue
	c := &catalog.Column{SiteID: p.Site.ID, Slug: f("slug"), Name: f("name"), Description: strings.TrimSpace(f("description")), Kind: f("kind"),
		DocTypes: r.PostForm["doc_types"], LinkURL: strings.TrimSpace(f("link_url")), Hidden: f("hidden") != "",
		Duty: f("duty")}
	if r.PathValue("id") != "" {
		id, err := web.PathID(r, "id")
		if err != nil {
			s.AdminError(w, r, err)
			return
		}
		c.ID = id
	}
	c.ParentID, _ = strconv.ParseInt(f("parent_id"), 10, 64)
	v := errs.Validation{}
	var err error
	if d := f("department_id"); d != "" {
		if c.DepartmentID, err = strconv.ParseInt(d, 10, 64); err != nil || c.DepartmentID <= 0 {
			v.Add("department_id", "请从列表中选择负责科室")
		}
	}
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
		s.LogErr(r, err)
		p.Fail(err)
		if errs.CodeOf(err) == errs.Internal || errs.CodeOf(err) == errs.Forbidden {
			s.AdminError(w, r, err)
			return
		}
		s.renderColumnForm(w, r, p, c, web.StatusOf(err))
		return
	}
	http.Redirect(w, r, "/admin/columns?done=column", http.StatusSeeOther)
}

func (s *Feature) deleteColumn(w http.ResponseWriter, r *http.Request) {
	p := s.AdminPage(r, "删除栏目")
	id, err := web.PathID(r, "id")
	if err == nil {
		err = s.Catalog.DeleteColumn(r.Context(), p.User, p.Site.ID, id)
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/columns?done=deleted", http.StatusSeeOther)
}
