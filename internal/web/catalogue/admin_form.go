package catalogue

import (
	"fmt"
	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/web"
	"net/http"
	"strconv"
	"strings"
)

func (s *Feature) newItem(w http.ResponseWriter, r *http.Request) {
	p := &formPage{AdminPage: s.AdminPage(r, "新建信息")}
	t := catalog.DocTypeByCode(r.URL.Query().Get("type"))
	if t == nil {
		s.Render(w, r, http.StatusOK, "admin/choose_type", &chooseTypePage{AdminPage: p.AdminPage, Types: catalog.DocTypes()})
		return
	}
	// The disclosure attribute is left unset on purpose: the drafter must
	// decide it (seed task 4), not accept a default.
	in := &catalog.Input{DocType: t.Code, Fields: map[string]string{}, Publisher: p.Site.Name}
	if p.User.Role == auth.Editor {
		in.DepartmentID = p.User.DepartmentID
	}
	if c := p.Tree.BySlug[r.URL.Query().Get("column")]; c != nil {
		in.ColumnID = c.ID
	}
	if _, ok := t.Field("validity"); ok {
		in.Validity = "in_force"
	}
	s.renderItemForm(w, r, p, t, in, nil, http.StatusOK)
}

func (s *Feature) renderItemForm(w http.ResponseWriter, r *http.Request, p *formPage, t *catalog.DocType, in *catalog.Input, it *catalog.Item, status int) {
	p.Type, p.Input, p.Item = t, in, it
	for _, c := range p.Tree.All() {
		if c.Kind == catalog.KindList && c.Holds(t.Code) {
			p.Columns = append(p.Columns, c)
		}
	}
	if in.ColumnID == 0 && len(p.Columns) == 1 {
		in.ColumnID = p.Columns[0].ID
	}
	var err error
	if p.Departments, err = s.Catalog.Departments(r.Context(), p.Site.ID); err != nil {
		s.AdminError(w, r, err)
		return
	}
	// The documents an interpretation may explain: its type's declared targets.
	for _, target := range t.InterpretTargets {
		res, err := s.Catalog.List(r.Context(), catalog.Filter{SiteID: p.Site.ID, DocType: target, Limit: 100}, false)
		if err != nil {
			s.AdminError(w, r, err)
			return
		}
		p.Policies = append(p.Policies, res.Items...)
	}
	s.Render(w, r, status, "admin/item_form", p)
}

// parseItemForm reads the item form into an Input, by the type's declaration.
func parseItemForm(r *http.Request) catalog.Input {
	f := r.PostFormValue
	// Core and type fields come from the type's declaration (ReadForm).
	in := catalog.Input{DocType: f("doc_type"), Body: f("body"), ChangeNote: f("change_note"), IndexNo: f("index_no"), Fields: map[string]string{}}
	in.ColumnID, _ = strconv.ParseInt(f("column_id"), 10, 64)
	in.DepartmentID, _ = strconv.ParseInt(f("department_id"), 10, 64)
	if v := strings.TrimSpace(f("successor_id")); v != "" {
		// Not a number is refused (-1), not dropped (issue 15).
		if in.SuccessorID, _ = strconv.ParseInt(v, 10, 64); in.SuccessorID <= 0 {
			in.SuccessorID = -1
		}
	}
	in.Version, _ = strconv.Atoi(f("version"))
	if t := catalog.DocTypeByCode(in.DocType); t != nil {
		t.ReadForm(r.PostForm, &in)
	} else {
		catalog.ReadCoreForm(r.PostForm, &in)
	}
	for _, v := range r.PostForm["interprets"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			in.Interprets = append(in.Interprets, id)
		}
	}
	return in
}

func (s *Feature) createItem(w http.ResponseWriter, r *http.Request) {
	p := &formPage{AdminPage: s.AdminPage(r, "新建信息")}
	in := parseItemForm(r)
	it, err := s.Catalog.Create(r.Context(), p.User, p.Site.ID, in)
	if err != nil {
		s.itemFormError(w, r, p, in, nil, err)
		return
	}
	http.Redirect(w, r, "/admin/items/"+strconv.FormatInt(it.ID, 10)+"?done=created", http.StatusSeeOther)
}

func (s *Feature) itemFormError(w http.ResponseWriter, r *http.Request, p *formPage, in catalog.Input, it *catalog.Item, err error) {
	t := catalog.DocTypeByCode(in.DocType)
	if t == nil || errs.CodeOf(err) == errs.Internal || errs.CodeOf(err) == errs.NotFound {
		s.AdminError(w, r, err)
		return
	}
	s.LogErr(r, err)
	p.Fail(err)
	s.renderItemForm(w, r, p, t, &in, it, web.StatusOf(err))
}

func (s *Feature) editItem(w http.ResponseWriter, r *http.Request) {
	p := &formPage{AdminPage: s.AdminPage(r, "修改信息")}
	it := s.loadItem(w, r)
	if it == nil {
		return
	}
	// The form is offered only when saving it may succeed: a draft the user
	// may edit, or a published item the office may revise.
	if a := catalog.Actions(p.User, it); !a.Edit && !a.Revise {
		act := catalog.ActEdit
		if it.Status == catalog.StatusPublished {
			act = catalog.ActRevise
		}
		s.AdminError(w, r, catalog.Allow(p.User, it, act))
		return
	}
	in, err := s.Catalog.InputOf(r.Context(), it)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	s.renderItemForm(w, r, p, it.Type(), &in, it, http.StatusOK)
}

func (s *Feature) updateItem(w http.ResponseWriter, r *http.Request) {
	p := &formPage{AdminPage: s.AdminPage(r, "修改信息")}
	it := s.loadItem(w, r)
	if it == nil {
		return
	}
	in := parseItemForm(r)
	if _, err := s.Catalog.Update(r.Context(), p.User, p.Site.ID, it.ID, in); err != nil {
		s.itemFormError(w, r, p, in, it, err)
		return
	}
	http.Redirect(w, r, "/admin/items/"+strconv.FormatInt(it.ID, 10)+"?done=saved", http.StatusSeeOther)
}

// fieldView is one form field with its current value and error. Input is
// the input's name: the field's name, or "group.N.sub" for a group's cell
// (see catalog.DocType.ReadForm).
type fieldView struct {
	catalog.Field
	Input string
	Value string
	Error string
	// Selected holds a multiselect's chosen values.
	Selected map[string]bool
	// Rows are a group's rows: the entered ones, then blank ones up to
	// MaxItems (at most blankRows more), so the form works without script.
	Rows []groupRow
}

// groupRow is one row of a group field in the form.
type groupRow struct {
	N     int // 1-based, for labels
	Cells []fieldView
}

// blankRows is how many empty rows a group offers beyond the entered ones.
const blankRows = 3

// FieldView prepares a declared field of the item form.
func (p *formPage) FieldView(f catalog.Field) fieldView {
	in := p.Input
	fv := fieldView{Field: f, Input: f.Name, Error: p.Errors[f.Name]}
	if in == nil {
		in = &catalog.Input{}
	}
	fv.Value = in.Value(f.Name)
	switch f.Kind {
	case catalog.MultiSelect:
		fv.Selected = map[string]bool{}
		for _, v := range in.List(f.Name) {
			fv.Selected[v] = true
		}
	case catalog.Group:
		rows := in.GroupRows(f.Name)
		limit := f.MaxItems
		if limit == 0 {
			limit = catalog.DefaultMaxItems
		}
		n := max(min(limit, len(rows)+blankRows), len(rows))
		for i := range n {
			var row map[string]string
			if i < len(rows) {
				row = rows[i]
			}
			gr := groupRow{N: i + 1}
			for _, sf := range f.Sub {
				name := fmt.Sprintf("%s.%d.%s", f.Name, i, sf.Name)
				gr.Cells = append(gr.Cells, fieldView{Field: sf, Input: name, Value: row[sf.Name], Error: p.Errors[name]})
			}
			fv.Rows = append(fv.Rows, gr)
		}
	}
	return fv
}
