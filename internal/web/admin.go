package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/blob"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/deadline"
	"gongkai/internal/errs"
)

const sessionCookie = "gk_session"

// adminPage is what every back-office template gets.
type adminPage struct {
	Site   *catalog.Site
	Tree   *catalog.Tree
	User   *auth.User
	CSRF   string
	Title  string
	Flash  string
	Error  string
	Errors map[string]string
	URL    *url.URL

	Item        *catalog.Item
	Input       *catalog.Input
	Type        *catalog.DocType
	Types       []*catalog.DocType
	Items       []*catalog.Item
	Events      []catalog.Event
	Revisions   []catalog.Revision
	Attach      []catalog.Attachment
	Related     []*catalog.Item
	Policies    []*catalog.Item
	Columns     []*catalog.Column
	Column      *catalog.Column
	Departments []catalog.Department
	Users       []*auth.User
	Audit       []auth.AuditRecord
	AuditBad    int64
	Counts      map[string]int
	Pager       *pager
	Query       url.Values
	Statuses    []string
	Roles       any
	Actions     itemActions
	Settings    *catalog.Settings
	MaxUpload   int64
	Deadlines   []*deadline.Deadline
	Today       calendar.Date
}

type itemActions struct {
	Edit, Submit, Review, Publish, Withdraw, Files bool
}

func (s *Server) staff(r *http.Request) *auth.Session {
	sess, _ := r.Context().Value(keySession).(*auth.Session)
	return sess
}

// withStaff loads the session; without one, pages redirect to the login form.
// Every POST must carry the session's form token (on top of the
// cross-origin check in Handler).
func (s *Server) withStaff(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		var sess *auth.Session
		if err == nil {
			sess, err = s.Auth.SessionByID(r.Context(), c.Value)
		}
		if err != nil || sess == nil || !sess.User.ServesSite(siteOf(r).Site.ID) {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/admin/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.errorPage(w, r, errs.E(errs.Unauthorized, "登录已过期，请重新登录"))
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, s.Opts.MaxUpload+1<<20)
			token := r.Header.Get("X-CSRF-Token")
			if token == "" {
				if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
					if err := r.ParseMultipartForm(8 << 20); err != nil {
						s.adminError(w, r, errs.E(errs.Invalid, "上传内容过大或格式错误（单个文件不超过 %s）", humanSize(s.Opts.MaxUpload)))
						return
					}
				}
				token = r.PostFormValue("csrf")
			}
			if subtle.ConstantTimeCompare([]byte(token), []byte(sess.CSRF)) != 1 {
				s.adminError(w, r, errs.E(errs.Forbidden, "表单已过期或来源无效，请返回刷新页面后重试"))
				return
			}
		}
		w.Header().Set("Cache-Control", "no-store")
		h(w, r.WithContext(context.WithValue(r.Context(), keySession, sess)))
	}
}

func (s *Server) adminPage(r *http.Request, title string) *adminPage {
	st := siteOf(r)
	p := &adminPage{Site: st.Site, Tree: st.Tree, Title: title, URL: r.URL, MaxUpload: s.Opts.MaxUpload}
	if sess := s.staff(r); sess != nil {
		p.User, p.CSRF = sess.User, sess.CSRF
	}
	p.Flash = flashes[r.URL.Query().Get("done")]
	return p
}

var flashes = map[string]string{
	"created": "已保存为草稿。", "saved": "已保存。", "submitted": "已提交审核。", "returned": "已退回起草科室。", "approved": "已审核通过，等待发布。",
	"published": "已发布。", "scheduled": "已设置定时发布。", "withdrawn": "已撤回。", "attached": "附件已上传。", "detached": "附件已删除。",
	"checked": "自查已完成并记入历史。", "imported": "节假日安排已导入；此前计算的期限保持原版本。", "recomputed": "期限已按现行节假日安排重新计算。",
	"user": "用户已保存。", "password": "密码已重置，该用户需重新登录。", "department": "科室已添加。", "column": "栏目已保存。", "deleted": "已删除。",
}

// adminError renders an error in the back office.
func (s *Server) adminError(w http.ResponseWriter, r *http.Request, err error) {
	s.logErr(r, err)
	p := s.adminPage(r, "出错了")
	p.Error = errs.MessageOf(err)
	s.renderHTML(w, r, statusOf(err), "admin/error", p)
}

// --- login ---

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	p := s.adminPage(r, "工作人员登录")
	s.renderHTML(w, r, http.StatusOK, "admin/login", p)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<16)
	name := strings.TrimSpace(r.PostFormValue("name"))
	p := s.adminPage(r, "工作人员登录")
	p.Input = &catalog.Input{Title: name}
	if !s.loginIPs.Allow(s.clientIP(r)) || !s.loginLimit.Allow(name) {
		p.Error = "登录尝试过于频繁，请稍后再试"
		s.renderHTML(w, r, http.StatusTooManyRequests, "admin/login", p)
		return
	}
	u, err := s.Auth.Authenticate(r.Context(), name, r.PostFormValue("password"))
	if err == nil && !u.ServesSite(siteOf(r).Site.ID) {
		err = auth.ErrBadLogin
	}
	if err != nil {
		s.logErr(r, err)
		p.Error = errs.MessageOf(err)
		s.renderHTML(w, r, statusOf(err), "admin/login", p)
		return
	}
	id, _, err := s.Auth.CreateSession(r.Context(), u)
	if err != nil {
		s.adminError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, Secure: s.Opts.Secure, SameSite: http.SameSiteLaxMode,
		MaxAge: int(s.Auth.SessionTTL / time.Second)})
	next := r.URL.Query().Get("next")
	if !strings.HasPrefix(next, "/admin") || strings.HasPrefix(next, "//") {
		next = "/admin"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.Auth.DeleteSession(r.Context(), c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.Opts.Secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
}

// --- dashboard and lists ---

var statusOrder = []string{catalog.StatusDraft, catalog.StatusReturned, catalog.StatusSubmitted, catalog.StatusReviewed, catalog.StatusScheduled,
	catalog.StatusPublished, catalog.StatusWithdrawn}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	p := s.adminPage(r, "工作台")
	u := p.User
	f := catalog.Filter{SiteID: p.Site.ID, Limit: 1}
	if u.Role == auth.Editor || (u.Role == auth.Reviewer && u.DepartmentID != 0) {
		f.DepartmentID = u.DepartmentID
	}
	p.Counts = map[string]int{}
	for _, st := range statusOrder {
		f.Status = st
		res, err := s.Catalog.List(r.Context(), f, true)
		if err != nil {
			s.adminError(w, r, err)
			return
		}
		p.Counts[st] = res.Total
	}
	// What waits for this user.
	f.Limit = 20
	switch u.Role {
	case auth.Editor:
		f.Status = catalog.StatusReturned
	case auth.Reviewer:
		f.Status = catalog.StatusSubmitted
	default:
		f.Status = catalog.StatusSubmitted
	}
	res, err := s.Catalog.List(r.Context(), f, false)
	if err != nil {
		s.adminError(w, r, err)
		return
	}
	p.Items = res.Items
	if u.CanPublish() {
		f.Status = catalog.StatusReviewed
		res, err := s.Catalog.List(r.Context(), f, false)
		if err != nil {
			s.adminError(w, r, err)
			return
		}
		p.Items = append(p.Items, res.Items...)
	}
	p.Statuses = statusOrder
	s.renderHTML(w, r, http.StatusOK, "admin/dashboard", p)
}

func (s *Server) adminItems(w http.ResponseWriter, r *http.Request) {
	p := s.adminPage(r, "信息管理")
	q := r.URL.Query()
	p.Query = q
	f := catalog.Filter{SiteID: p.Site.ID, Status: "*", Query: q.Get("q"), DocType: q.Get("type"), Limit: 30, Viewer: p.User}
	if st := q.Get("status"); st != "" {
		if _, ok := catalog.StatusLabels[st]; ok {
			f.Status = st
		}
	}
	if c := p.Tree.BySlug[q.Get("column")]; c != nil {
		f.ColumnIDs = subtree(c)
	}
	if d, err := strconv.ParseInt(q.Get("department"), 10, 64); err == nil {
		f.DepartmentID = d
	}
	page, _ := strconv.Atoi(q.Get("page"))
	if page < 1 || page > 10000 {
		page = 1
	}
	f.Offset = (page - 1) * f.Limit
	res, err := s.Catalog.List(r.Context(), f, true)
	if err != nil {
		s.adminError(w, r, err)
		return
	}
	if p.Departments, err = s.Catalog.Departments(r.Context(), p.Site.ID); err != nil {
		s.adminError(w, r, err)
		return
	}
	p.Items, p.Statuses, p.Types = res.Items, statusOrder, catalog.DocTypes()
	p.Pager = &pager{Page: page, Total: res.Total, Pages: (res.Total + f.Limit - 1) / f.Limit}
	s.renderHTML(w, r, http.StatusOK, "admin/items", p)
}

// --- item form ---

func (s *Server) newItem(w http.ResponseWriter, r *http.Request) {
	p := s.adminPage(r, "新建信息")
	t := catalog.DocTypeByCode(r.URL.Query().Get("type"))
	if t == nil {
		p.Types = catalog.DocTypes()
		s.renderHTML(w, r, http.StatusOK, "admin/choose_type", p)
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

func (s *Server) renderItemForm(w http.ResponseWriter, r *http.Request, p *adminPage, t *catalog.DocType, in *catalog.Input, it *catalog.Item, status int) {
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
		s.adminError(w, r, err)
		return
	}
	if t.Interprets {
		res, err := s.Catalog.List(r.Context(), catalog.Filter{SiteID: p.Site.ID, DocType: "policy", Limit: 100}, false)
		if err != nil {
			s.adminError(w, r, err)
			return
		}
		p.Policies = res.Items
	}
	s.renderHTML(w, r, status, "admin/item_form", p)
}

// parseItemForm reads the item form into an Input, by the type's declaration.
func parseItemForm(r *http.Request) catalog.Input {
	f := r.PostFormValue
	in := catalog.Input{DocType: f("doc_type"), Title: f("title"), Summary: f("summary"), Body: f("body"), Publisher: f("publisher"),
		PublishedOn: f("published_on"), Disclosure: f("disclosure"), DisclosureReason: f("disclosure_reason"), ChangeNote: f("change_note"),
		IndexNo: f("index_no"), Fields: map[string]string{}}
	in.ColumnID, _ = strconv.ParseInt(f("column_id"), 10, 64)
	in.DepartmentID, _ = strconv.ParseInt(f("department_id"), 10, 64)
	in.SuccessorID, _ = strconv.ParseInt(f("successor_id"), 10, 64)
	in.Version, _ = strconv.Atoi(f("version"))
	if t := catalog.DocTypeByCode(in.DocType); t != nil {
		core := map[string]*string{"doc_no": &in.DocNo, "author": &in.Author, "written_on": &in.WrittenOn, "validity": &in.Validity,
			"topic": &in.Topic, "genre": &in.Genre, "keywords": &in.Keywords}
		for _, fd := range t.Fields {
			v := f(fd.Name)
			if fd.Kind == catalog.Bool {
				if v != "" {
					v = "1"
				} else {
					v = "0"
				}
			}
			if p, ok := core[fd.Name]; ok {
				*p = v
			} else {
				in.Fields[fd.Name] = v
			}
		}
	}
	for _, v := range r.PostForm["interprets"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			in.Interprets = append(in.Interprets, id)
		}
	}
	return in
}

func (s *Server) createItem(w http.ResponseWriter, r *http.Request) {
	p := s.adminPage(r, "新建信息")
	in := parseItemForm(r)
	it, err := s.Catalog.Create(r.Context(), p.User, p.Site.ID, in)
	if err != nil {
		s.itemFormError(w, r, p, in, nil, err)
		return
	}
	http.Redirect(w, r, "/admin/items/"+strconv.FormatInt(it.ID, 10)+"?done=created", http.StatusSeeOther)
}

func (s *Server) itemFormError(w http.ResponseWriter, r *http.Request, p *adminPage, in catalog.Input, it *catalog.Item, err error) {
	t := catalog.DocTypeByCode(in.DocType)
	if t == nil || errs.CodeOf(err) == errs.Internal || errs.CodeOf(err) == errs.NotFound {
		s.adminError(w, r, err)
		return
	}
	s.logErr(r, err)
	p.Error, p.Errors = errs.MessageOf(err), errs.FieldsOf(err)
	s.renderItemForm(w, r, p, t, &in, it, statusOf(err))
}

func (s *Server) loadItem(w http.ResponseWriter, r *http.Request, p *adminPage) *catalog.Item {
	id, err := pathID(r, "id")
	if err == nil {
		p.Item, err = s.Catalog.Item(r.Context(), p.Site.ID, id)
	}
	if err == nil && !catalog.CanView(p.User, p.Item) {
		err = catalog.ErrNoItem
	}
	if err != nil {
		s.adminError(w, r, err)
		return nil
	}
	return p.Item
}

func (s *Server) editItem(w http.ResponseWriter, r *http.Request) {
	p := s.adminPage(r, "修改信息")
	it := s.loadItem(w, r, p)
	if it == nil {
		return
	}
	in, err := s.Catalog.InputOf(r.Context(), it)
	if err != nil {
		s.adminError(w, r, err)
		return
	}
	s.renderItemForm(w, r, p, it.Type(), &in, it, http.StatusOK)
}

func (s *Server) updateItem(w http.ResponseWriter, r *http.Request) {
	p := s.adminPage(r, "修改信息")
	it := s.loadItem(w, r, p)
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

func (s *Server) showItem(w http.ResponseWriter, r *http.Request) {
	p := s.adminPage(r, "信息详情")
	s.showItemWith(w, r, p, http.StatusOK)
}

func (s *Server) showItemWith(w http.ResponseWriter, r *http.Request, p *adminPage, status int) {
	it := s.loadItem(w, r, p)
	if it == nil {
		return
	}
	ctx := r.Context()
	var err error
	if p.Events, err = s.Catalog.Events(ctx, p.Site.ID, it.ID); err == nil {
		if p.Revisions, err = s.Catalog.Revisions(ctx, p.Site.ID, it.ID); err == nil {
			if p.Attach, err = s.Catalog.Attachments(ctx, p.Site.ID, it.ID); err == nil {
				if p.Related, err = s.Catalog.Related(ctx, it, false); err == nil {
					p.Today = calendar.Today()
					p.Deadlines, err = s.Deadlines.ForItem(ctx, p.Site.ID, it.ID, p.Today)
				}
			}
		}
	}
	if err != nil {
		s.adminError(w, r, err)
		return
	}
	a := catalog.Actions(p.User, it)
	p.Actions = itemActions{Edit: a.Edit || a.Revise, Submit: a.Submit, Review: a.Return, Publish: a.Publish || a.Republish,
		Withdraw: a.Withdraw, Files: a.Attach}
	p.Title = it.Title
	s.renderHTML(w, r, status, "admin/item", p)
}

// itemAction runs one workflow step from the item page.
func (s *Server) itemAction(w http.ResponseWriter, r *http.Request) {
	p := s.adminPage(r, "信息详情")
	id, err := pathID(r, "id")
	if err != nil {
		s.adminError(w, r, err)
		return
	}
	ctx, u, site := r.Context(), p.User, p.Site.ID
	action := r.PathValue("action")
	done := ""
	switch action {
	case "submit":
		err, done = ignore(s.Catalog.Submit(ctx, u, site, id)), "submitted"
	case "approve":
		_, err = s.Catalog.Approve(ctx, u, site, id, r.PostFormValue("comment"))
		done = "approved"
	case "return":
		_, err = s.Catalog.Return(ctx, u, site, id, r.PostFormValue("comment"))
		done = "returned"
	case "publish":
		var at time.Time
		if v := r.PostFormValue("publish_at"); v != "" {
			at, err = time.ParseInLocation("2006-01-02T15:04", v, catalog.China)
			if err != nil {
				err = &errs.Error{Code: errs.Invalid, Message: "定时发布时间格式无效", Fields: map[string]string{"publish_at": "请选择有效的日期和时间"}}
			}
		}
		if err == nil {
			var it *catalog.Item
			it, err = s.Catalog.Publish(ctx, u, site, id, at)
			done = "published"
			if err == nil && it.Status == catalog.StatusScheduled {
				done = "scheduled"
			}
		}
	case "withdraw":
		_, err = s.Catalog.Withdraw(ctx, u, site, id, r.PostFormValue("reason"))
		done = "withdrawn"
	default:
		err = errs.E(errs.NotFound, "未知操作")
	}
	if err != nil {
		s.logErr(r, err)
		p.Error, p.Errors = errs.MessageOf(err), errs.FieldsOf(err)
		// An item the user may not see is not shown again with the refusal.
		it, lerr := s.Catalog.Item(ctx, site, id)
		if errs.CodeOf(err) == errs.Internal || lerr != nil || !catalog.CanView(u, it) {
			s.adminError(w, r, err)
			return
		}
		s.showItemWith(w, r, p, statusOf(err))
		return
	}
	http.Redirect(w, r, "/admin/items/"+strconv.FormatInt(id, 10)+"?done="+done, http.StatusSeeOther)
}

func ignore(_ *catalog.Item, err error) error { return err }

func (s *Server) uploadAttachment(w http.ResponseWriter, r *http.Request) {
	p := s.adminPage(r, "上传附件")
	id, err := pathID(r, "id")
	if err != nil {
		s.adminError(w, r, err)
		return
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		p.Error = "请选择要上传的文件"
		s.showItemWith(w, r, p, http.StatusUnprocessableEntity)
		return
	}
	defer file.Close()
	// Check the permission before storing anything.
	it, err := s.Catalog.Item(r.Context(), p.Site.ID, id)
	if err == nil {
		err = catalog.Allow(p.User, it, catalog.ActAttach)
	}
	if err != nil {
		s.adminError(w, r, err)
		return
	}
	b, err := s.Blobs.Put(r.Context(), file, hdr.Filename, s.Opts.MaxUpload)
	if err != nil {
		p.Error = uploadMessage(err, s.Opts.MaxUpload)
		s.showItemWith(w, r, p, http.StatusUnprocessableEntity)
		return
	}
	a := &catalog.Attachment{BlobKey: b.Key, Name: cleanFileName(hdr.Filename), Size: b.Size, MIME: b.MIME, SHA256: b.SHA256}
	if err := s.Catalog.Attach(r.Context(), p.User, p.Site.ID, id, a); err != nil {
		s.Blobs.Delete(b.Key)
		p.Error = errs.MessageOf(err)
		s.logErr(r, err)
		s.showItemWith(w, r, p, statusOf(err))
		return
	}
	http.Redirect(w, r, "/admin/items/"+strconv.FormatInt(id, 10)+"?done=attached", http.StatusSeeOther)
}

func uploadMessage(err error, max int64) string {
	if errors.Is(err, blob.ErrTooLarge) {
		return "文件过大：单个附件不能超过 " + humanSize(max)
	}
	return errs.MessageOf(err)
}

// cleanFileName keeps the base name a person gave the file, without paths
// or control characters.
func cleanFileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, name)
	if r := []rune(name); len(r) > 120 {
		name = string(r[len(r)-120:])
	}
	if name == "" {
		name = "附件"
	}
	return name
}

func (s *Server) deleteAttachment(w http.ResponseWriter, r *http.Request) {
	p := s.adminPage(r, "删除附件")
	id, err := pathID(r, "id")
	if err != nil {
		s.adminError(w, r, err)
		return
	}
	aid, err := pathID(r, "aid")
	if err != nil {
		s.adminError(w, r, err)
		return
	}
	key, err := s.Catalog.Detach(r.Context(), p.User, p.Site.ID, id, aid)
	if err != nil {
		s.adminError(w, r, err)
		return
	}
	if err := s.Blobs.Delete(key); err != nil {
		s.Log.Warn("delete blob", "key", key, "err", err)
	}
	http.Redirect(w, r, "/admin/items/"+strconv.FormatInt(id, 10)+"?done=detached", http.StatusSeeOther)
}

// fieldView is one form field with its current value and error.
type fieldView struct {
	catalog.Field
	Value string
	Error string
}

// FieldView prepares a declared field of the item form.
func (p *adminPage) FieldView(f catalog.Field) fieldView {
	in := p.Input
	v := ""
	if in != nil {
		it := catalog.Item{DocNo: in.DocNo, Author: in.Author, WrittenOn: in.WrittenOn, Validity: in.Validity, Topic: in.Topic, Genre: in.Genre,
			Keywords: in.Keywords, Fields: in.Fields}
		v = it.Value(f.Name)
	}
	return fieldView{Field: f, Value: v, Error: p.Errors[f.Name]}
}

// Err returns the message for a form field, if any.
func (p *adminPage) Err(name string) string { return p.Errors[name] }
