package practice

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gongkai/internal/blob"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/practice"
	"gongkai/internal/store"
	"gongkai/internal/web"
)

// The back office, as forms that work without JavaScript. internal/practice
// decides who may act; a department's staff reach only their own records.

type adminIndexPage struct {
	web.AdminPage
	Subs        []*practice.Submission
	Total       int
	PageNo      int
	Prev, Next  string
	Filter      practice.Filter
	Departments []catalog.Department
	Kinds       []catalog.Option
	Statuses    []catalog.Option
	Years       []int
	Form        map[string]string
	SeesAll     bool
	Stats       *practice.Stats
	MaxTitle    int
}

type adminShowPage struct {
	web.AdminPage
	Sub      *practice.Submission
	Columns  []*catalog.Column
	Statuses []catalog.Option
	Form     map[string]string
	Office   bool
	CanEdit  bool
	// Editable: the department may still change it (not yet reviewed).
	Editable bool
	Kinds    []catalog.Option
}

func formOf(r *http.Request, names ...string) map[string]string {
	out := map[string]string{}
	for _, n := range names {
		out[n] = r.PostFormValue(n)
	}
	return out
}

func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}

func atoi64(s string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n
}

func filterOf(r *http.Request) practice.Filter {
	q := r.URL.Query()
	return practice.Filter{Year: atoi(q.Get("year")), DepartmentID: atoi64(q.Get("department_id")), Status: q.Get("status"), Kind: q.Get("kind"), Page: atoi(q.Get("page"))}
}

func (s *Feature) adminIndexWith(w http.ResponseWriter, r *http.Request, form map[string]string, fail error) {
	if err := s.ready(); err != nil {
		s.AdminError(w, r, err)
		return
	}
	ctx, siteID, u := r.Context(), web.SiteOf(r).Site.ID, web.StaffOf(r).User
	f := filterOf(r)
	p := &adminIndexPage{AdminPage: s.AdminPage(r, "经验报送"), Filter: f, Kinds: practice.Kinds, Statuses: practice.Statuses, Form: form,
		SeesAll: practice.SeesAll(u), MaxTitle: practice.MaxTitle}
	var err error
	if p.Subs, p.Total, err = s.Practice.List(ctx, siteID, u, f); err == nil {
		p.Departments, err = s.Practice.Catalog.Departments(ctx, siteID)
	}
	if err == nil {
		p.Years, err = s.Practice.Years(ctx, siteID)
	}
	if err == nil && p.SeesAll {
		year := f.Year
		if year == 0 {
			year = s.Today().Year
			if len(p.Years) > 0 {
				year = p.Years[0]
			}
		}
		p.Stats, err = s.Practice.YearStats(ctx, siteID, year)
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	if !p.SeesAll {
		// Departmental staff submit for their own department only.
		var own []catalog.Department
		for _, d := range p.Departments {
			if d.ID == u.DepartmentID {
				own = append(own, d)
			}
		}
		p.Departments = own
	}
	p.PageNo = max(f.Page, 1)
	link := func(page int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(page))
		return "/admin/practice?" + q.Encode()
	}
	if p.PageNo > 1 {
		p.Prev = link(p.PageNo - 1)
	}
	if p.PageNo*practice.PageSize < p.Total {
		p.Next = link(p.PageNo + 1)
	}
	status := http.StatusOK
	if fail != nil {
		p.Fail(fail)
		status = web.StatusOf(fail)
	}
	s.Render(w, r, status, "admin/practice_admin", p)
}

func (s *Feature) adminIndex(w http.ResponseWriter, r *http.Request) {
	u := web.StaffOf(r).User
	form := map[string]string{"submitted_on": s.Today().String(), "kind": "practice"}
	if !practice.SeesAll(u) && u.DepartmentID != 0 {
		form["department_id"] = strconv.FormatInt(u.DepartmentID, 10)
	}
	s.adminIndexWith(w, r, form, nil)
}

var submitFields = []string{"department_id", "kind", "title", "body", "submitted_on"}

func (s *Feature) adminSubmit(w http.ResponseWriter, r *http.Request) {
	f := formOf(r, submitFields...)
	var sub *practice.Submission
	err := s.ready()
	if err == nil {
		sub, err = s.Practice.Submit(r.Context(), web.SiteOf(r).Site.ID, web.StaffOf(r).User, practice.NewSubmission{DepartmentID: atoi64(f["department_id"]),
			Kind: f["kind"], Title: f["title"], Body: f["body"], SubmittedOn: f["submitted_on"]})
	}
	if err != nil {
		s.adminIndexWith(w, r, f, err)
		return
	}
	http.Redirect(w, r, "/admin/practice/"+strconv.FormatInt(sub.ID, 10)+"?done=practice_submitted", http.StatusSeeOther)
}

func (s *Feature) adminShowWith(w http.ResponseWriter, r *http.Request, form map[string]string, fail error) {
	id, err := web.PathID(r, "id")
	if err == nil {
		err = s.ready()
	}
	ctx, siteID, u := r.Context(), web.SiteOf(r).Site.ID, web.StaffOf(r).User
	var sub *practice.Submission
	if err == nil {
		sub, err = s.Practice.Get(ctx, siteID, u, id)
	}
	var cols []*catalog.Column
	if err == nil && u.CanPublish() {
		cols, err = s.Practice.NewsColumns(ctx, siteID)
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p := &adminShowPage{AdminPage: s.AdminPage(r, sub.Title), Sub: sub, Columns: cols, Statuses: practice.Statuses, Form: form,
		Office: u.CanPublish(), CanEdit: u.CanEditDepartment(sub.DepartmentID), Kinds: practice.Kinds}
	p.Editable = p.CanEdit && sub.Status == practice.Submitted
	if form == nil {
		p.Form = map[string]string{"status": sub.Status, "rating": strconv.Itoa(sub.Rating), "note": sub.OfficeNote, "forwarded_on": s.Today().String()}
		if len(cols) > 0 {
			p.Form["column_id"] = strconv.FormatInt(cols[0].ID, 10)
		}
	}
	if p.Form["edit"] == "" {
		p.Form["kind"], p.Form["title"], p.Form["body"], p.Form["submitted_on"] = sub.Kind, sub.Title, sub.Body, sub.SubmittedOn
	}
	status := http.StatusOK
	if fail != nil {
		p.Fail(fail)
		status = web.StatusOf(fail)
	}
	s.Render(w, r, status, "admin/practice_admin_show", p)
}

func (s *Feature) adminShow(w http.ResponseWriter, r *http.Request) { s.adminShowWith(w, r, nil, nil) }

// act runs a change on the submission of the path; on an error the page
// shows again with the form's values, else it redirects with a flash.
func (s *Feature) act(w http.ResponseWriter, r *http.Request, f map[string]string, done string, fn func(id int64) error) {
	id, err := web.PathID(r, "id")
	if err == nil {
		err = s.ready()
	}
	if err == nil {
		err = fn(id)
	}
	if err != nil {
		if errs.CodeOf(err) == errs.NotFound {
			s.AdminError(w, r, err)
			return
		}
		s.adminShowWith(w, r, f, err)
		return
	}
	http.Redirect(w, r, "/admin/practice/"+strconv.FormatInt(id, 10)+"?done="+done, http.StatusSeeOther)
}

func (s *Feature) adminReview(w http.ResponseWriter, r *http.Request) {
	f := formOf(r, "status", "rating", "note")
	s.act(w, r, f, "practice_reviewed", func(id int64) error {
		_, err := s.Practice.Rate(r.Context(), web.SiteOf(r).Site.ID, web.StaffOf(r).User, id, practice.Review{Status: f["status"], Rating: atoi(f["rating"]), Note: f["note"]})
		return err
	})
}

func (s *Feature) adminForward(w http.ResponseWriter, r *http.Request) {
	f := formOf(r, "authority", "forwarded_on", "outlet", "used", "used_note")
	s.act(w, r, f, "practice_forwarded", func(id int64) error {
		_, err := s.Practice.AddForward(r.Context(), web.SiteOf(r).Site.ID, web.StaffOf(r).User, id, practice.NewForward{Authority: f["authority"],
			ForwardedOn: f["forwarded_on"], Outlet: f["outlet"], Used: f["used"] == "1", UsedNote: f["used_note"]})
		return err
	})
}

func (s *Feature) adminUsed(w http.ResponseWriter, r *http.Request) {
	f := formOf(r, "used", "used_note")
	s.act(w, r, nil, "practice_used", func(int64) error {
		fid, err := web.PathID(r, "fid")
		if err != nil {
			return err
		}
		_, err = s.Practice.SetUsed(r.Context(), web.SiteOf(r).Site.ID, web.StaffOf(r).User, fid, practice.Usage{Used: f["used"] == "1", UsedNote: f["used_note"]})
		return err
	})
}

func (s *Feature) adminPublish(w http.ResponseWriter, r *http.Request) {
	f := formOf(r, "column_id", "published_on")
	s.act(w, r, f, "practice_published", func(id int64) error {
		_, err := s.Practice.Publish(r.Context(), web.SiteOf(r).Site.ID, web.StaffOf(r).User, id, atoi64(f["column_id"]), strings.TrimSpace(f["published_on"]))
		return err
	})
}

func (s *Feature) adminUpload(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, nil, "practice_attached", func(id int64) error {
		// Check the submission and the permission before storing anything.
		u, siteID := web.StaffOf(r).User, web.SiteOf(r).Site.ID
		sub, err := s.Practice.Get(r.Context(), siteID, u, id)
		if err != nil {
			return err
		}
		if !u.CanEditDepartment(sub.DepartmentID) {
			return errs.E(errs.Forbidden, "只有报送科室的编辑和政务公开办公室可以上传附件")
		}
		if s.Blobs == nil {
			return errNoService
		}
		file, hdr, err := r.FormFile("file")
		if err != nil {
			return &errs.Error{Code: errs.Invalid, Message: "请选择要上传的文件", Fields: map[string]string{"file": "请选择要上传的文件"}}
		}
		defer file.Close()
		b, err := s.Blobs.Put(r.Context(), file, hdr.Filename, s.Opts.MaxUpload)
		if err != nil {
			if errors.Is(err, blob.ErrTooLarge) {
				return &errs.Error{Code: errs.Invalid, Message: "文件过大：单个附件不能超过 " + web.HumanSize(s.Opts.MaxUpload), Fields: map[string]string{"file": "文件过大"}}
			}
			return err
		}
		if err := s.Practice.Attach(r.Context(), siteID, u, id, &practice.File{BlobKey: b.Key, Name: cleanFileName(hdr.Filename), Size: b.Size, MIME: b.MIME, SHA256: b.SHA256}); err != nil {
			s.Blobs.Delete(b.Key)
			return err
		}
		return nil
	})
}

func (s *Feature) adminFile(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err == nil {
		err = s.ready()
	}
	var f *practice.File
	if err == nil {
		f, err = s.Practice.FileOf(r.Context(), web.SiteOf(r).Site.ID, web.StaffOf(r).User, id)
	}
	if err == nil && s.Blobs == nil {
		err = errNoService
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	rd, err := s.Blobs.Open(f.BlobKey)
	if err != nil {
		s.AdminError(w, r, errs.E(errs.NotFound, "附件文件不存在"))
		return
	}
	defer rd.Close()
	w.Header().Set("Content-Type", f.MIME)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(f.Name))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", store.ParseTime(f.CreatedAt), rd)
}

// cleanFileName keeps the base name a person gave the file, without paths
// or control characters (as the catalogue's uploads do).
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

func (s *Feature) adminEdit(w http.ResponseWriter, r *http.Request) {
	f := formOf(r, "kind", "title", "body", "submitted_on")
	f["edit"] = "1"
	s.act(w, r, f, "practice_edited", func(id int64) error {
		_, err := s.Practice.Edit(r.Context(), web.SiteOf(r).Site.ID, web.StaffOf(r).User, id, practice.NewSubmission{Kind: f["kind"], Title: f["title"], Body: f["body"], SubmittedOn: f["submitted_on"]})
		return err
	})
}
