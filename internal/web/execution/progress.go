package execution

import (
	"net/http"
	"net/url"

	"gongkai/internal/execution"
	"gongkai/internal/web"
)

// 谁落实、谁公开: the task's departments post its progress in the back office
// (and by API); internal/execution decides who may.

type adminTaskPage struct {
	web.AdminPage
	Task    *execution.Task
	Depts   string
	MayPost bool
	Why     string
	Form    map[string]string
}

var progressFields = []string{"reported_on", "summary", "progress", "percent", "results", "next_steps"}

func (s *Feature) adminTaskWith(w http.ResponseWriter, r *http.Request, form map[string]string, fail error) {
	err := s.ready()
	if err == nil && len([]rune(r.PathValue("no"))) > MaxTaskNo {
		err = invalid("no", "任务编号不能超过 40 个字符")
	}
	ctx, siteID, u := r.Context(), web.SiteOf(r).Site.ID, web.StaffOf(r).User
	var t *execution.Task
	if err == nil {
		t, err = s.Execution.Task(ctx, siteID, r.PathValue("no"), s.Today(), false)
	}
	p := &adminTaskPage{Form: form}
	if err == nil {
		p.Why, err = s.Execution.MayPost(ctx, siteID, u, t)
	}
	if err == nil {
		var ds []string
		dl, e := s.Execution.Departments(ctx, siteID, t)
		for _, d := range dl {
			ds = append(ds, d.Name)
		}
		p.Depts, err = join(ds), e
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p.AdminPage, p.Task, p.MayPost = s.AdminPage(r, t.Title), t, p.Why == ""
	if p.Form == nil {
		p.Form = map[string]string{"reported_on": s.Today().String()}
	}
	status := http.StatusOK
	if fail != nil {
		p.Fail(fail)
		status = web.StatusOf(fail)
	}
	s.Render(w, r, status, "admin/execution_task", p)
}

func join(ss []string) string {
	out := ""
	for i, x := range ss {
		if i > 0 {
			out += "、"
		}
		out += x
	}
	return out
}

func (s *Feature) adminTask(w http.ResponseWriter, r *http.Request) { s.adminTaskWith(w, r, nil, nil) }

func (s *Feature) adminPostProgress(w http.ResponseWriter, r *http.Request) {
	f := map[string]string{}
	for _, n := range progressFields {
		f[n] = r.PostFormValue(n)
	}
	err := s.ready()
	if err == nil {
		_, err = s.Execution.PostProgress(r.Context(), web.SiteOf(r).Site.ID, web.StaffOf(r).User, r.PathValue("no"), execution.NewProgress{
			ReportedOn: f["reported_on"], Summary: f["summary"], Progress: f["progress"], Percent: f["percent"], Results: f["results"], NextSteps: f["next_steps"]}, s.Today())
	}
	if err != nil {
		s.adminTaskWith(w, r, f, err)
		return
	}
	http.Redirect(w, r, "/admin/execution/tasks/"+url.PathEscape(r.PathValue("no"))+"?done=execution_progress", http.StatusSeeOther)
}

// bodyLimit bounds an API request body (a progress entry's texts).
const bodyLimit = 64 << 10

func (s *Feature) apiPostProgress(w http.ResponseWriter, r *http.Request) {
	if err := s.ready(); err != nil {
		s.APIError(w, r, err)
		return
	}
	u, err := s.APIWriter(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	var in execution.NewProgress
	if err := web.DecodeJSON(w, r, &in, bodyLimit); err != nil {
		s.APIError(w, r, err)
		return
	}
	e, err := s.Execution.PostProgress(r.Context(), web.SiteOf(r).Site.ID, u, r.PathValue("no"), in, s.Today())
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusCreated, e)
}
