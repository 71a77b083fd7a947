package catalogue

import (
	"context"
	"fmt"
	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/web"
	"mime/multipart"
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

// pickerLimit is how many search hits a picker shows.
const pickerLimit = 20

func (s *Feature) renderItemForm(w http.ResponseWriter, r *http.Request, p *formPage, t *catalog.DocType, in *catalog.Input, it *catalog.Item, status int) {
	p.Type, p.Input, p.Item = t, in, it
	ctx := r.Context()
	switch {
	case p.Proposing:
		p.Action = "/admin/items/" + strconv.FormatInt(it.ID, 10) + "/propose"
	case it != nil:
		p.Action = "/admin/items/" + strconv.FormatInt(it.ID, 10)
		p.Uploads = catalog.Allow(p.User, it, catalog.ActAttach) == nil
	default:
		p.Action = "/admin/items"
		p.Uploads = true
	}
	if p.Base == "" && it != nil && !p.Proposing {
		if cur, err := s.Catalog.InputOf(ctx, it); err == nil {
			p.Base = catalog.EncodeSignatures(t.Signatures(&cur))
		}
	}
	for _, c := range p.Tree.All() {
		if c.Kind == catalog.KindList && c.Holds(t.Code) {
			p.Columns = append(p.Columns, c)
		}
	}
	if in.ColumnID == 0 && len(p.Columns) == 1 {
		in.ColumnID = p.Columns[0].ID
	}
	var err error
	if p.Departments, err = s.Catalog.Departments(ctx, p.Site.ID); err != nil {
		s.AdminError(w, r, err)
		return
	}
	// The pickers show what is chosen by title (issue 15), not by id.
	if in.SuccessorID > 0 {
		if x, err := s.Catalog.Item(ctx, p.Site.ID, in.SuccessorID); err == nil && catalog.CanView(p.User, x) {
			p.Successor = x
		}
	}
	for _, id := range in.Interprets {
		if x, err := s.Catalog.Item(ctx, p.Site.ID, id); err == nil && catalog.CanView(p.User, x) {
			p.Interpreted = append(p.Interpreted, x)
		}
	}
	s.Render(w, r, status, "admin/item_form", p)
}

// lookupTypes are the types a picker searches: the interpretation's
// declared targets, or for a successor the types that record validity.
func lookupTypes(t *catalog.DocType, picker string) []string {
	if picker == "interprets" {
		return t.InterpretTargets
	}
	var out []string
	for _, x := range catalog.DocTypes() {
		if x.Has("validity") {
			out = append(out, x.Code)
		}
	}
	return out
}

// lookup searches the published documents of the given types by title,
// document number or index number, newest first.
func (s *Feature) lookup(ctx context.Context, siteID int64, types []string, q string, limit int) ([]*catalog.Item, error) {
	var titles catalog.TitleFinder
	if s.Searcher != nil {
		titles = func(ctx context.Context, siteID int64, types []string, q string, limit int) ([]int64, error) {
			cs, err := s.Searcher.FindTitles(ctx, siteID, types, q, limit)
			ids := make([]int64, 0, len(cs))
			for _, c := range cs {
				ids = append(ids, c.Ref)
			}
			return ids, err
		}
	}
	return s.Catalog.LookupItems(ctx, siteID, types, q, limit, titles)
}

// findOp runs the form's search-and-pick step without script: the form
// is shown again with the hits, nothing saved. It reports whether the
// request was such a step.
func (s *Feature) findOp(w http.ResponseWriter, r *http.Request, p *formPage, in *catalog.Input, it *catalog.Item) bool {
	op := r.PostFormValue("op")
	if op != "find_successor" && op != "find_interprets" {
		return false
	}
	t := catalog.DocTypeByCode(in.DocType)
	if t == nil {
		s.AdminError(w, r, errs.E(errs.Invalid, "未知的信息类型"))
		return true
	}
	p.Base = r.PostFormValue("base")
	p.SuccessorQuery, p.InterpretQuery = r.PostFormValue("successor_q"), r.PostFormValue("interprets_q")
	// The files chosen so far are kept as pending uploads (issue 15: the
	// step without script must not lose them).
	held, err := s.pendingOf(r, p)
	if err != nil {
		s.itemFormError(w, r, p, *in, it, err)
		return true
	}
	files, err := s.storeFiles(r, formFiles(r))
	if err == nil && len(held)+len(files) > catalog.MaxAttachments {
		s.dropFiles(files)
		err = &errs.Error{Code: errs.Invalid, Message: fmt.Sprintf("每条信息最多 %d 个附件", catalog.MaxAttachments), Fields: map[string]string{"files": "附件过多"}}
	}
	if err != nil {
		p.Pending = held
		s.itemFormError(w, r, p, *in, it, err)
		return true
	}
	now, err := s.Catalog.HoldUploads(r.Context(), p.User, p.Site.ID, files)
	if err != nil {
		s.dropFiles(files)
		s.AdminError(w, r, err)
		return true
	}
	p.Pending = append(held, now...)
	if op == "find_successor" {
		p.SuccessorHits, err = s.lookup(r.Context(), p.Site.ID, lookupTypes(t, "successor"), p.SuccessorQuery, pickerLimit)
	} else {
		p.InterpretHits, err = s.lookup(r.Context(), p.Site.ID, lookupTypes(t, "interprets"), p.InterpretQuery, pickerLimit)
	}
	if err != nil {
		s.AdminError(w, r, err)
		return true
	}
	s.renderItemForm(w, r, p, t, in, it, http.StatusOK)
	return true
}

// pendingOf reads the held files the form still ticks (pending=<id>),
// the user's own only.
func (s *Feature) pendingOf(r *http.Request, p *formPage) ([]catalog.PendingUpload, error) {
	var ids []int64
	for _, v := range r.PostForm["pending"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	return s.Catalog.PendingUploads(r.Context(), p.User, p.Site.ID, ids)
}

// withPending adds the held files to the ones chosen now, as attachments
// to save.
func withPending(held []catalog.PendingUpload, files []*catalog.Attachment) []*catalog.Attachment {
	out := make([]*catalog.Attachment, 0, len(held)+len(files))
	for i := range held {
		a := held[i].Attachment
		out = append(out, &a)
	}
	return append(out, files...)
}

// lookupItems answers the pickers' search while typing (progressive
// enhancement of the search-and-pick form step): GET
// /admin/items/lookup?picker=successor|interprets&type=…&q=….
func (s *Feature) lookupItems(w http.ResponseWriter, r *http.Request) {
	p := s.AdminPage(r, "查找信息")
	q := r.URL.Query()
	t := catalog.DocTypeByCode(q.Get("type"))
	picker := q.Get("picker")
	if t == nil || (picker != "successor" && picker != "interprets") {
		s.APIError(w, r, errs.E(errs.Invalid, "请指明信息类型和查找的字段"))
		return
	}
	if len([]rune(q.Get("q"))) > 200 {
		s.APIError(w, r, errs.E(errs.Invalid, "查找内容不能超过 200 个字"))
		return
	}
	hits, err := s.lookup(r.Context(), p.Site.ID, lookupTypes(t, picker), q.Get("q"), pickerLimit)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	type hit struct {
		ID          int64  `json:"id"`
		Title       string `json:"title"`
		DocNo       string `json:"doc_no"`
		IndexNo     string `json:"index_no"`
		PublishedOn string `json:"published_on"`
	}
	out := struct {
		Items []hit `json:"items"`
	}{Items: []hit{}}
	for _, x := range hits {
		out.Items = append(out.Items, hit{x.ID, x.Title, x.DocNo, x.IndexNo, x.PublishedOn})
	}
	web.WriteJSON(w, http.StatusOK, out)
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

// formFiles are the files chosen in the item form (empty choices left out).
func formFiles(r *http.Request) []*multipart.FileHeader {
	if r.MultipartForm == nil {
		return nil
	}
	var out []*multipart.FileHeader
	for _, h := range r.MultipartForm.File["files"] {
		if h.Filename != "" && h.Size > 0 {
			out = append(out, h)
		}
	}
	return out
}

// storeFiles puts the form's files in the blob store; on an error the
// ones stored are deleted again and the message names the file.
func (s *Feature) storeFiles(r *http.Request, hdrs []*multipart.FileHeader) ([]*catalog.Attachment, error) {
	var out []*catalog.Attachment
	fail := func(name string, err error) ([]*catalog.Attachment, error) {
		s.dropFiles(out)
		return nil, &errs.Error{Code: errs.Invalid, Message: "附件“" + cleanFileName(name) + "”未能上传：" + uploadMessage(err, s.Opts.MaxUpload),
			Fields: map[string]string{"files": "请重新选择附件"}}
	}
	if len(hdrs) > catalog.MaxAttachments {
		return nil, &errs.Error{Code: errs.Invalid, Message: fmt.Sprintf("每条信息最多 %d 个附件", catalog.MaxAttachments), Fields: map[string]string{"files": "附件过多"}}
	}
	for _, h := range hdrs {
		f, err := h.Open()
		if err != nil {
			return fail(h.Filename, err)
		}
		b, err := s.Blobs.Put(r.Context(), f, h.Filename, s.Opts.MaxUpload)
		f.Close()
		if err != nil {
			return fail(h.Filename, err)
		}
		a := &catalog.Attachment{BlobKey: b.Key, Name: cleanFileName(h.Filename), Size: b.Size, MIME: b.MIME, SHA256: b.SHA256}
		catalog.ExtractText(r.Context(), s.Blobs, a, s.Log)
		out = append(out, a)
	}
	return out, nil
}

// keepFiles holds the files of a save refused for its content (invalid,
// or a conflict to merge) as pending uploads, so the form shown again
// keeps them (issue 15); after any other error, or if they cannot be held,
// they are deleted and it reports false.
func (s *Feature) keepFiles(r *http.Request, p *formPage, files []*catalog.Attachment, cause error) bool {
	if len(files) == 0 {
		return true
	}
	if c := errs.CodeOf(cause); c == errs.Invalid || c == errs.Conflict {
		held, err := s.Catalog.HoldUploads(r.Context(), p.User, p.Site.ID, files)
		if err == nil {
			p.Pending = append(p.Pending, held...)
			return true
		}
		s.LogErr(r, err)
	}
	s.dropFiles(files)
	return false
}

func (s *Feature) dropFiles(files []*catalog.Attachment) {
	for _, a := range files {
		if err := s.Blobs.Delete(a.BlobKey); err != nil {
			s.Log.Warn("delete blob", "key", a.BlobKey, "err", err)
		}
	}
}

func (s *Feature) createItem(w http.ResponseWriter, r *http.Request) {
	p := &formPage{AdminPage: s.AdminPage(r, "新建信息")}
	in := parseItemForm(r)
	if s.findOp(w, r, p, &in, nil) {
		return
	}
	// Files chosen while drafting are saved with the draft, in its
	// transaction (issue 15): the form works before the first save.
	held, err := s.pendingOf(r, p)
	if err != nil {
		s.itemFormError(w, r, p, in, nil, err)
		return
	}
	p.Pending = held // shown again if the save is refused
	files, err := s.storeFiles(r, formFiles(r))
	if err != nil {
		s.itemFormError(w, r, p, in, nil, err)
		return
	}
	it, err := s.Catalog.CreateWithFiles(r.Context(), p.User, p.Site.ID, in, withPending(held, files))
	if err == nil {
		if err := s.Catalog.ReleaseUploads(r.Context(), p.User, p.Site.ID, held); err != nil {
			s.LogErr(r, err) // the purge keeps attached files
		}
	}
	if err != nil {
		if !s.keepFiles(r, p, files, err) && len(files) > 0 {
			if e, ok := err.(*errs.Error); ok && e.Code == errs.Invalid {
				e.Message += "（所选附件未保存，请改正后重新选择）"
			}
		}
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
	if p.Base == "" {
		p.Base = r.PostFormValue("base")
	}
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
	if s.findOp(w, r, p, &in, it) {
		return
	}
	ctx := r.Context()
	t := catalog.DocTypeByCode(in.DocType)
	if t != nil && in.Version == it.Version && len(r.PostForm["take"]) > 0 {
		// After a conflict the editor chose the other person's value for
		// these fields; the form's version is the stored one, so "theirs"
		// is what is stored now.
		cur, err := s.Catalog.InputOf(ctx, it)
		if err != nil {
			s.AdminError(w, r, err)
			return
		}
		for _, name := range r.PostForm["take"] {
			catalog.TakeField(&in, &cur, name)
		}
	}
	held, err := s.pendingOf(r, p)
	if err != nil {
		s.itemFormError(w, r, p, in, it, err)
		return
	}
	p.Pending = held // shown again if the save is refused
	files, err := s.storeFiles(r, formFiles(r))
	if err != nil {
		s.itemFormError(w, r, p, in, it, err)
		return
	}
	if _, err := s.Catalog.Update(ctx, p.User, p.Site.ID, it.ID, in); err != nil {
		s.keepFiles(r, p, files, err)
		if t != nil && errs.CodeOf(err) == errs.Conflict && in.Version != it.Version {
			s.mergeForm(w, r, p, t, in, it)
			return
		}
		s.itemFormError(w, r, p, in, it, err)
		return
	}
	// Held files go first (chosen first); each one attached is released.
	for i := range held {
		a := held[i].Attachment
		if err := s.Catalog.Attach(ctx, p.User, p.Site.ID, it.ID, &a); err != nil {
			s.dropFiles(files)
			ip := &itemAdminPage{AdminPage: s.AdminPage(r, "信息详情")}
			ip.Error = "已保存，但附件“" + a.Name + "”未能上传：" + errs.MessageOf(err)
			s.showItemWith(w, r, ip, web.StatusOf(err))
			return
		}
		if err := s.Catalog.ReleaseUploads(ctx, p.User, p.Site.ID, held[i:i+1]); err != nil {
			s.LogErr(r, err)
		}
	}
	for _, a := range files {
		if err := s.Catalog.Attach(ctx, p.User, p.Site.ID, it.ID, a); err != nil {
			s.dropFiles([]*catalog.Attachment{a})
			ip := &itemAdminPage{AdminPage: s.AdminPage(r, "信息详情")}
			ip.Error = "已保存，但附件“" + a.Name + "”未能上传：" + errs.MessageOf(err)
			s.showItemWith(w, r, ip, web.StatusOf(err))
			return
		}
	}
	http.Redirect(w, r, "/admin/items/"+strconv.FormatInt(it.ID, 10)+"?done=saved", http.StatusSeeOther)
}

// mergeForm answers a stale save (issue 15): the form again, on the
// stored version, with the other person's change field by field. Fields
// only they changed take their value, fields only this editor changed
// keep theirs, and for fields both changed the editor chooses.
func (s *Feature) mergeForm(w http.ResponseWriter, r *http.Request, p *formPage, t *catalog.DocType, mine catalog.Input, it *catalog.Item) {
	ctx := r.Context()
	cur, err := s.Catalog.InputOf(ctx, it)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	merged, m := t.MergeInputs(catalog.DecodeSignatures(r.PostFormValue("base")), &mine, &cur)
	merged.ChangeNote = mine.ChangeNote
	if events, err := s.Catalog.Events(ctx, p.Site.ID, it.ID); err == nil {
		for i := len(events) - 1; i >= 0; i-- {
			if events[i].Action != "attach" && events[i].Action != "detach" {
				p.MergeBy = events[i].ActorName
				break
			}
		}
	}
	s.resolveChanges(ctx, p.Site.ID, p.Tree, m.Taken)
	s.resolveChanges(ctx, p.Site.ID, p.Tree, m.Clashes)
	p.Merge = &m
	p.Base = catalog.EncodeSignatures(t.Signatures(&cur))
	p.Error = fmt.Sprintf("该信息已被他人修改：在您编辑期间，%s修改了这条信息（您打开的是第 %d 版，现在是第 %d 版）。请核对下面列出的对方修改，再保存。", p.MergeBy, mine.Version, cur.Version)
	s.renderItemForm(w, r, p, t, &merged, it, http.StatusConflict)
}

// resolveChanges shows ids in changes as names: columns, departments and
// the linked documents' titles.
func (s *Feature) resolveChanges(ctx context.Context, siteID int64, tree *catalog.Tree, changes []catalog.FieldChange) {
	var deps map[string]string
	name := func(field, v string) string {
		if v == "" {
			return ""
		}
		var out []string
		for _, x := range strings.Split(v, ",") {
			id, err := strconv.ParseInt(x, 10, 64)
			if err != nil {
				out = append(out, x)
				continue
			}
			switch field {
			case "column_id":
				if c := tree.ByID[id]; c != nil {
					x = c.Name
				}
			case "department_id":
				if deps == nil {
					deps = map[string]string{}
					if list, err := s.Catalog.Departments(ctx, siteID); err == nil {
						for _, d := range list {
							deps[strconv.FormatInt(d.ID, 10)] = d.Name
						}
					}
				}
				if n, ok := deps[x]; ok {
					x = n
				}
			default:
				if it, err := s.Catalog.Item(ctx, siteID, id); err == nil {
					x = it.Title
				}
			}
			out = append(out, x)
		}
		return strings.Join(out, "、")
	}
	for i := range changes {
		switch c := &changes[i]; c.Name {
		case "column_id", "department_id", "successor_id", "interprets":
			c.Old, c.New = name(c.Name, c.Old), name(c.Name, c.New)
		}
	}
}

// proposeItem shows the form of a proposed change to a published item.
func (s *Feature) proposeItem(w http.ResponseWriter, r *http.Request) {
	p := &formPage{AdminPage: s.AdminPage(r, "提出修改"), Proposing: true}
	it := s.loadItem(w, r)
	if it == nil {
		return
	}
	prop, err := s.Catalog.OpenProposal(r.Context(), p.Site.ID, it.ID)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	if !catalog.ProposalActionsOf(p.User, it, prop).Propose {
		s.AdminError(w, r, errs.E(errs.Forbidden, "只有本科室的编辑可以对已发布的信息提出修改；审核通过待发布的修改发布前不能再提出"))
		return
	}
	p.Proposal = prop
	var in catalog.Input
	if prop != nil {
		in = prop.Input
		in.ChangeNote, in.Version = prop.ChangeNote, prop.Version
	} else if in, err = s.Catalog.InputOf(r.Context(), it); err != nil {
		s.AdminError(w, r, err)
		return
	} else {
		in.Version = 0
	}
	s.renderItemForm(w, r, p, it.Type(), &in, it, http.StatusOK)
}

// saveProposal records the proposed change; the published version stays.
func (s *Feature) saveProposal(w http.ResponseWriter, r *http.Request) {
	p := &formPage{AdminPage: s.AdminPage(r, "提出修改"), Proposing: true}
	it := s.loadItem(w, r)
	if it == nil {
		return
	}
	in := parseItemForm(r)
	in.DocType = it.DocType
	if prop, err := s.Catalog.OpenProposal(r.Context(), p.Site.ID, it.ID); err == nil {
		p.Proposal = prop
	}
	if s.findOp(w, r, p, &in, it) {
		return
	}
	if _, err := s.Catalog.Propose(r.Context(), p.User, p.Site.ID, it.ID, in); err != nil {
		s.itemFormError(w, r, p, in, it, err)
		return
	}
	http.Redirect(w, r, "/admin/items/"+strconv.FormatInt(it.ID, 10)+"?done=proposed", http.StatusSeeOther)
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
