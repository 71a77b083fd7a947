package lists

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/lists"
	"gongkai/internal/web"
)

// The back-office row form: one input per declared field, by its kind.

type formField struct {
	catalog.Field
	Value string
	Long  bool
	// Image: an uploaded image (a file input); Src previews the current one.
	Image bool
	Src   string
}

type rowFormPage struct {
	web.AdminPage
	Kind    *lists.Kind
	Edition *lists.Edition
	OldKey  string
	Fields  []formField
	Action  string
	// Missing are the Complete elements the row lacks, Score its share.
	Missing []string
	Score   int
}

func (s *Feature) rowForm(r *http.Request, k *lists.Kind, e *lists.Edition, oldKey string, vals map[string]string, fail error) *rowFormPage {
	title := "新增事项"
	action := "/admin/lists/" + k.Code + "/editions/" + strconv.FormatInt(e.ID, 10) + "/rows"
	if oldKey != "" {
		title = "修改事项 " + oldKey
		action += "/" + url.PathEscape(oldKey)
	}
	p := &rowFormPage{AdminPage: s.AdminPage(r, title+" · "+k.Name), Kind: k, Edition: e, OldKey: oldKey, Action: action}
	if fail != nil {
		p.Fail(fail)
	}
	for _, f := range k.Fields {
		ff := formField{Field: f, Value: vals[f.Name], Long: f.Kind == catalog.TextArea}
		if _, ok := k.Images[f.Name]; ok {
			ff.Image = true
			if ff.Value != "" {
				ff.Src = "/admin/lists/" + k.Code + "/images/" + ff.Value
			}
		}
		p.Fields = append(p.Fields, ff)
	}
	if len(k.Complete) > 0 && oldKey != "" {
		p.Missing, p.Score = k.Missing(vals)
	}
	return p
}

func (s *Feature) draftOf(w http.ResponseWriter, r *http.Request) (*lists.Kind, *lists.Edition, bool) {
	k, e, err := s.adminEditionOf(r)
	if err == nil && e.Status != lists.Draft {
		err = errs.E(errs.Conflict, "已发布的版本不能修改；请新建草稿")
	}
	if err != nil {
		s.AdminError(w, r, err)
		return nil, nil, false
	}
	return k, e, true
}

func (s *Feature) adminNewDraft(w http.ResponseWriter, r *http.Request) {
	k, err := s.kindOf(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	e, err := s.Lists.NewDraft(r.Context(), web.SiteOf(r).Site.ID, k, web.StaffOf(r).User)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/lists/"+k.Code+"/editions/"+strconv.FormatInt(e.ID, 10), http.StatusSeeOther)
}

func (s *Feature) adminRowNew(w http.ResponseWriter, r *http.Request) {
	k, e, ok := s.draftOf(w, r)
	if !ok {
		return
	}
	s.Render(w, r, http.StatusOK, "admin/list_row_form", s.rowForm(r, k, e, "", map[string]string{}, nil))
}

func (s *Feature) adminRowEdit(w http.ResponseWriter, r *http.Request) {
	k, e, ok := s.draftOf(w, r)
	if !ok {
		return
	}
	row, err := s.Lists.Row(r.Context(), e.ID, r.PathValue("key"))
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	vals := map[string]string{}
	for _, f := range k.Fields {
		vals[f.Name] = formValue(f, row.Values[f.Name])
	}
	s.Render(w, r, http.StatusOK, "admin/list_row_form", s.rowForm(r, k, e, row.Key, vals, nil))
}

// formValue is a canonical value as the form's input shows it.
func formValue(f catalog.Field, canon string) string {
	if f.Kind == catalog.Bool {
		if canon == "1" {
			return "1"
		}
		return ""
	}
	return canon
}

func (s *Feature) adminRowSave(w http.ResponseWriter, r *http.Request) {
	k, e, ok := s.draftOf(w, r)
	if !ok {
		return
	}
	// The form is multipart when the kind has images (a photo to upload).
	if err := r.ParseMultipartForm(2 * maxListImage); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		s.Render(w, r, http.StatusUnprocessableEntity, "admin/list_row_form", s.rowForm(r, k, e, r.PathValue("key"), map[string]string{},
			&errs.Error{Code: errs.Invalid, Message: "上传失败：图片不能超过 1 MB"}))
		return
	}
	raw := map[string]string{}
	for _, f := range k.Fields {
		if _, img := k.Images[f.Name]; img {
			continue // set by uploadImages
		}
		v := r.PostFormValue(f.Name)
		if f.Kind == catalog.Bool {
			if v != "" {
				v = "1"
			} else {
				v = "0"
			}
		}
		raw[f.Name] = v
	}
	oldKey := r.PathValue("key")
	prev := map[string]string{}
	if oldKey != "" && len(k.Images) > 0 {
		row, err := s.Lists.Row(r.Context(), e.ID, oldKey)
		if err != nil {
			s.AdminError(w, r, err)
			return
		}
		prev = row.Values
	}
	added, err := s.uploadImages(r, k, prev, raw)
	if err == nil {
		_, err = s.Lists.PutRow(r.Context(), web.SiteOf(r).Site.ID, k, web.StaffOf(r).User, e.ID, oldKey, raw)
	}
	if err != nil {
		// Nothing half-saved: the files this refused form stored go.
		for _, key := range added {
			if derr := s.Blobs.Delete(key); derr != nil {
				s.LogErr(r, derr)
			}
		}
		if len(added) > 0 {
			for name := range k.Images {
				raw[name] = prev[name]
			}
			if fe, ok := err.(*errs.Error); ok && fe.Fields != nil {
				for name := range k.Images {
					if fe.Fields[name] == "" {
						fe.Fields[name] = "照片未保存：请改正其他问题后重新选择照片"
					}
				}
			}
		}
		if errs.CodeOf(err) == errs.Internal {
			s.AdminError(w, r, err)
			return
		}
		for _, f := range k.Fields {
			if f.Kind == catalog.Bool {
				raw[f.Name] = formValue(f, raw[f.Name])
			}
		}
		s.Render(w, r, web.StatusOf(err), "admin/list_row_form", s.rowForm(r, k, e, oldKey, raw, err))
		return
	}
	http.Redirect(w, r, "/admin/lists/"+k.Code+"/editions/"+strconv.FormatInt(e.ID, 10)+"?done=list_row_saved#rows", http.StatusSeeOther)
}

func (s *Feature) adminRowDelete(w http.ResponseWriter, r *http.Request) {
	k, e, ok := s.draftOf(w, r)
	if !ok {
		return
	}
	if err := s.Lists.DeleteRow(r.Context(), web.SiteOf(r).Site.ID, k, web.StaffOf(r).User, e.ID, r.PathValue("key")); err != nil {
		s.AdminError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/lists/"+k.Code+"/editions/"+strconv.FormatInt(e.ID, 10)+"?done=list_row_deleted#rows", http.StatusSeeOther)
}
