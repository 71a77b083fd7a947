package inspect

import (
	"net/http"
	"strconv"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/inspect"
	"gongkai/internal/lists"
	"gongkai/internal/web"
)

// The back office: plans, the announcement and carrying out of draws, and
// the results, as forms that work without JavaScript. The same rules as
// the API (internal/inspect decides who may act).

type adminIndexPage struct {
	web.AdminPage
	Plans       []*inspect.Plan
	Departments []catalog.Department
	Items       []lists.Row
	Form        map[string]string
	Settings    inspect.Settings
}

type adminPlanPage struct {
	web.AdminPage
	Plan  *inspect.Plan
	Draws []apiDraw
	Form  map[string]string
	// Edit is the correction form (the plan's values, or what was sent);
	// Frozen says why the plan can no longer be corrected or withdrawn.
	Edit        map[string]string
	Frozen      string
	Departments []catalog.Department
	Items       []lists.Row
}

type adminDrawPage struct {
	web.AdminPage
	Plan        *inspect.Plan
	Draw        apiDraw
	Drawn       []drawnView
	Conclusions []catalog.Option
	// Target is the target whose result form failed (its values in Form).
	Target string
	Form   map[string]string
}

func formOf(r *http.Request, names ...string) map[string]string {
	out := map[string]string{}
	for _, n := range names {
		out[n] = r.PostFormValue(n)
	}
	return out
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func (s *Feature) adminIndexWith(w http.ResponseWriter, r *http.Request, form map[string]string, fail error) {
	if err := s.ready(); err != nil {
		s.AdminError(w, r, err)
		return
	}
	ctx, siteID := r.Context(), web.SiteOf(r).Site.ID
	p := &adminIndexPage{AdminPage: s.AdminPage(r, "双随机、一公开"), Form: form}
	var err error
	if p.Plans, err = s.Inspect.Plans(ctx, siteID, 0); err == nil {
		p.Departments, err = s.Inspect.Catalog.Departments(ctx, siteID)
	}
	if err == nil {
		p.Settings, err = s.Inspect.Settings(ctx, siteID)
	}
	var cur *lists.Edition
	if err == nil {
		cur, err = s.Inspect.Lists.Current(ctx, siteID, lists.InspectItems)
	}
	if err == nil && cur != nil {
		p.Items, err = s.Inspect.Lists.Rows(ctx, cur.ID)
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	status := http.StatusOK
	if fail != nil {
		p.Fail(fail)
		status = web.StatusOf(fail)
	}
	s.Render(w, r, status, "admin/inspect_admin", p)
}

func (s *Feature) adminIndex(w http.ResponseWriter, r *http.Request) {
	s.adminIndexWith(w, r, map[string]string{"year": strconv.Itoa(s.Today().Year), "inspectors_per_target": "2"}, nil)
}

var planFields = []string{"year", "title", "department_id", "item_key", "count", "ratio_percent", "inspectors_per_target", "starts_on", "ends_on", "frequency", "content"}

// planOfForm is the plan a form describes.
func planOfForm(f map[string]string) inspect.NewPlan {
	dept, _ := strconv.ParseInt(f["department_id"], 10, 64)
	return inspect.NewPlan{Year: atoi(f["year"]), Title: f["title"], DepartmentID: dept, ItemKey: f["item_key"], Count: atoi(f["count"]),
		RatioPercent: atoi(f["ratio_percent"]), InspectorsPerTarget: atoi(f["inspectors_per_target"]), StartsOn: f["starts_on"], EndsOn: f["ends_on"],
		Frequency: f["frequency"], Content: f["content"]}
}

// adminUpdatePlan corrects a plan before its draw is announced.
func (s *Feature) adminUpdatePlan(w http.ResponseWriter, r *http.Request) {
	f := formOf(r, planFields...)
	id, err := web.PathID(r, "id")
	if err == nil {
		err = s.ready()
	}
	if err == nil {
		_, err = s.Inspect.UpdatePlan(r.Context(), web.SiteOf(r).Site.ID, web.StaffOf(r).User, id, planOfForm(f))
	}
	if err != nil {
		if errs.CodeOf(err) == errs.NotFound {
			s.AdminError(w, r, err)
			return
		}
		s.adminPlanPage(w, r, map[string]string{"method": inspect.MethodCommit}, f, err)
		return
	}
	http.Redirect(w, r, "/admin/inspect/plans/"+strconv.FormatInt(id, 10)+"?done=inspect_plan_updated", http.StatusSeeOther)
}

// adminWithdrawPlan withdraws a plan before its draw is announced.
func (s *Feature) adminWithdrawPlan(w http.ResponseWriter, r *http.Request) {
	f := formOf(r, "reason")
	id, err := web.PathID(r, "id")
	if err == nil {
		err = s.ready()
	}
	if err == nil {
		_, err = s.Inspect.WithdrawPlan(r.Context(), web.SiteOf(r).Site.ID, web.StaffOf(r).User, id, f["reason"])
	}
	if err != nil {
		if errs.CodeOf(err) == errs.NotFound {
			s.AdminError(w, r, err)
			return
		}
		s.adminPlanPage(w, r, map[string]string{"method": inspect.MethodCommit, "reason": f["reason"]}, nil, err)
		return
	}
	http.Redirect(w, r, "/admin/inspect/plans/"+strconv.FormatInt(id, 10)+"?done=inspect_plan_withdrawn", http.StatusSeeOther)
}

func (s *Feature) adminCreatePlan(w http.ResponseWriter, r *http.Request) {
	f := formOf(r, planFields...)
	in := planOfForm(f)
	var p *inspect.Plan
	err := s.ready()
	if err == nil {
		p, err = s.Inspect.CreatePlan(r.Context(), web.SiteOf(r).Site.ID, web.StaffOf(r).User, in)
	}
	if err != nil {
		s.adminIndexWith(w, r, f, err)
		return
	}
	http.Redirect(w, r, "/admin/inspect/plans/"+strconv.FormatInt(p.ID, 10)+"?done=inspect_plan_created", http.StatusSeeOther)
}

func (s *Feature) adminSaveSettings(w http.ResponseWriter, r *http.Request) {
	f := formOf(r, "result_days", "result_workdays", "max_per_year")
	st := inspect.Settings{ResultDays: atoi(f["result_days"]), ResultWorkdays: f["result_workdays"] == "1", MaxPerYear: atoi(f["max_per_year"])}
	err := s.ready()
	if err == nil {
		err = s.Inspect.SaveSettings(r.Context(), web.SiteOf(r).Site.ID, web.StaffOf(r).User, st)
	}
	if err != nil {
		s.adminIndexWith(w, r, map[string]string{}, err)
		return
	}
	http.Redirect(w, r, "/admin/inspect?done=inspect_settings_saved", http.StatusSeeOther)
}

func (s *Feature) adminPlanWith(w http.ResponseWriter, r *http.Request, form map[string]string, fail error) {
	s.adminPlanPage(w, r, form, nil, fail)
}

func (s *Feature) adminPlanPage(w http.ResponseWriter, r *http.Request, form, edit map[string]string, fail error) {
	pl, ds, err := s.planOf(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p := &adminPlanPage{AdminPage: s.AdminPage(r, pl.Title), Plan: pl, Form: form, Edit: edit}
	for _, d := range ds {
		p.Draws = append(p.Draws, drawJSON(d))
	}
	switch {
	case pl.Withdrawn():
		p.Frozen = "该抽查计划已经撤回：" + pl.WithdrawnReason
	case len(ds) > 0:
		p.Frozen = "已公告抽取，计划内容已作为抽取输入固定，不能再修改或撤回。"
	}
	if p.Frozen == "" {
		ctx, siteID := r.Context(), web.SiteOf(r).Site.ID
		if p.Departments, err = s.Inspect.Catalog.Departments(ctx, siteID); err != nil {
			s.AdminError(w, r, err)
			return
		}
		if cur, err := s.Inspect.Lists.Current(ctx, siteID, lists.InspectItems); err == nil && cur != nil {
			p.Items, _ = s.Inspect.Lists.Rows(ctx, cur.ID)
		}
		if p.Edit == nil {
			p.Edit = map[string]string{"year": strconv.Itoa(pl.Year), "title": pl.Title, "department_id": strconv.FormatInt(pl.DepartmentID, 10), "item_key": pl.ItemKey,
				"inspectors_per_target": strconv.Itoa(pl.InspectorsPerTarget), "starts_on": pl.StartsOn, "ends_on": pl.EndsOn, "frequency": pl.Frequency, "content": pl.Content}
			if pl.Count > 0 {
				p.Edit["count"] = strconv.Itoa(pl.Count)
			} else {
				p.Edit["ratio_percent"] = strconv.Itoa(pl.RatioPercent)
			}
		}
	}
	status := http.StatusOK
	if fail != nil {
		p.Fail(fail)
		status = web.StatusOf(fail)
	}
	s.Render(w, r, status, "admin/inspect_admin_plan", p)
}

func (s *Feature) adminPlan(w http.ResponseWriter, r *http.Request) {
	s.adminPlanWith(w, r, map[string]string{"method": inspect.MethodCommit}, nil)
}

func (s *Feature) adminAnnounce(w http.ResponseWriter, r *http.Request) {
	f := formOf(r, "method", "source", "date", "witnesses")
	id, err := web.PathID(r, "id")
	if err == nil {
		err = s.ready()
	}
	var d *inspect.Draw
	if err == nil {
		d, err = s.Inspect.Announce(r.Context(), web.SiteOf(r).Site.ID, web.StaffOf(r).User, id, inspect.Announce{Method: f["method"], Source: f["source"], Date: f["date"], Witnesses: f["witnesses"]})
	}
	if err != nil {
		if errs.CodeOf(err) == errs.NotFound {
			s.AdminError(w, r, err)
			return
		}
		s.adminPlanWith(w, r, f, err)
		return
	}
	http.Redirect(w, r, "/admin/inspect/draws/"+strconv.FormatInt(d.ID, 10)+"?done=inspect_announced", http.StatusSeeOther)
}

func (s *Feature) adminDrawWith(w http.ResponseWriter, r *http.Request, target string, form map[string]string, fail error) {
	d, pl, rs, err := s.drawOf(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p := &adminDrawPage{AdminPage: s.AdminPage(r, pl.Title+"：第 "+strconv.FormatInt(d.ID, 10)+" 号抽取记录"), Plan: pl, Draw: drawJSON(d),
		Conclusions: inspect.Conclusions, Target: target, Form: form}
	if d.Outcome != nil {
		byKey := map[string]*inspect.Result{}
		for _, res := range rs {
			byKey[res.TargetKey] = res
		}
		for i, t := range d.Outcome.Targets {
			p.Drawn = append(p.Drawn, drawnView{N: i + 1, Target: t, Result: byKey[t.Key]})
		}
	}
	status := http.StatusOK
	if fail != nil {
		p.Fail(fail)
		status = web.StatusOf(fail)
		// Each target has its own result form: its fields are named
		// field-N, so the error summary's links reach the right one.
		for _, d := range p.Drawn {
			if d.Target.Key == target && len(p.Errors) > 0 {
				moved := map[string]string{}
				for k, v := range p.Errors {
					moved[k+"-"+strconv.Itoa(d.N)] = v
				}
				p.Errors = moved
			}
		}
	}
	s.Render(w, r, status, "admin/inspect_admin_draw", p)
}

func (s *Feature) adminDraw(w http.ResponseWriter, r *http.Request) {
	s.adminDrawWith(w, r, "", map[string]string{}, nil)
}

func (s *Feature) adminPerform(w http.ResponseWriter, r *http.Request) {
	f := formOf(r, "figure")
	id, err := web.PathID(r, "id")
	if err == nil {
		err = s.ready()
	}
	if err == nil {
		_, err = s.Inspect.Perform(r.Context(), web.SiteOf(r).Site.ID, web.StaffOf(r).User, id, f["figure"])
	}
	if err != nil {
		if errs.CodeOf(err) == errs.NotFound {
			s.AdminError(w, r, err)
			return
		}
		s.adminDrawWith(w, r, "", f, err)
		return
	}
	http.Redirect(w, r, "/admin/inspect/draws/"+strconv.FormatInt(id, 10)+"?done=inspect_drawn", http.StatusSeeOther)
}

func (s *Feature) adminRecordResult(w http.ResponseWriter, r *http.Request) {
	f := formOf(r, "target_key", "conclusion", "inspected_on", "detail", "follow_up")
	id, err := web.PathID(r, "id")
	if err == nil {
		err = s.ready()
	}
	if err == nil {
		_, err = s.Inspect.RecordResult(r.Context(), web.SiteOf(r).Site.ID, web.StaffOf(r).User, id, inspect.NewResult{TargetKey: f["target_key"],
			Conclusion: f["conclusion"], InspectedOn: f["inspected_on"], Detail: f["detail"], FollowUp: f["follow_up"]})
	}
	if err != nil {
		if errs.CodeOf(err) == errs.NotFound {
			s.AdminError(w, r, err)
			return
		}
		s.adminDrawWith(w, r, f["target_key"], f, err)
		return
	}
	http.Redirect(w, r, "/admin/inspect/draws/"+strconv.FormatInt(id, 10)+"?done=inspect_result_saved", http.StatusSeeOther)
}
