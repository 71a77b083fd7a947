package execution

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/lists"
)

// 谁落实、谁公开 (RECORDS §6.2; the seed task): the department that carries
// out a task publishes its progress. A task row names its departments
// (depts: names or abbreviations; else the department whose name is the
// lead unit); their editors post dated progress entries on their own tasks,
// published at once as a new edition of the progress list; the office may
// post on any task; everyone else is refused.

// Task returns one task with its timeline, reading only its own rows.
func (s *Service) Task(ctx context.Context, siteID int64, no string, today calendar.Date, public bool) (*Task, error) {
	cur, err := s.Lists.Current(ctx, siteID, Tasks)
	if err != nil {
		return nil, err
	}
	if cur == nil {
		return nil, errs.E(errs.NotFound, "没有编号为“%s”的重要部署执行任务", no)
	}
	r, err := s.Lists.Row(ctx, cur.ID, no)
	if err != nil {
		return nil, errs.E(errs.NotFound, "没有编号为“%s”的重要部署执行任务", no)
	}
	rows := []lists.Row{*r}
	if public {
		if rows = Tasks.Public(rows, today); len(rows) == 0 {
			return nil, errs.E(errs.NotFound, "没有编号为“%s”的重要部署执行任务", no)
		}
	}
	var prs []lists.Row
	if pc, err := s.Lists.Current(ctx, siteID, Progress); err != nil {
		return nil, err
	} else if pc != nil {
		if prs, err = s.Lists.RowsUnder(ctx, pc.ID, no); err != nil {
			return nil, err
		}
		if public {
			prs = Progress.Public(prs, today)
		}
	}
	return buildTask(rows[0], prs, today), nil
}

// splitDepts splits a task's depts value.
func splitDepts(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == ' ' })
}

// Departments are the task's departments (ids) on the site: those its depts
// field names (by name or abbreviation), else the one named as lead unit.
func (s *Service) Departments(ctx context.Context, siteID int64, t *Task) ([]catalog.Department, error) {
	ds, err := s.Lists.Catalog.Departments(ctx, siteID)
	if err != nil {
		return nil, err
	}
	names := splitDepts(t.Values["depts"])
	if len(names) == 0 {
		names = []string{t.LeadUnit}
	}
	var out []catalog.Department
	for _, d := range ds {
		if slices.Contains(names, d.Name) || slices.Contains(names, d.Abbr) {
			out = append(out, d)
		}
	}
	return out, nil
}

// MayPost says whether u may post progress on t ("" when allowed, else why not).
func (s *Service) MayPost(ctx context.Context, siteID int64, u *auth.User, t *Task) (string, error) {
	if u == nil {
		return "请先登录", nil
	}
	if !u.ServesSite(siteID) {
		return "您无权为本网站的任务填报进展", nil
	}
	if u.CanPublish() {
		return "", nil
	}
	ds, err := s.Departments(ctx, siteID, t)
	if err != nil {
		return "", err
	}
	for _, d := range ds {
		if u.Role == auth.Editor && u.CanEditDepartment(d.ID) {
			return "", nil
		}
	}
	var names []string
	for _, d := range ds {
		names = append(names, d.Name)
	}
	if len(names) == 0 {
		return fmt.Sprintf("任务“%s”尚未指定填报科室，由政务公开办公室填报进展", t.Title), nil
	}
	return fmt.Sprintf("任务“%s”的进展由%s填报（谁落实、谁公开），您无权填报", t.Title, strings.Join(names, "、")), nil
}

// NewProgress is a progress entry as posted.
type NewProgress struct {
	ReportedOn string `json:"reported_on"`
	Summary    string `json:"summary"`
	Progress   string `json:"progress"`
	Percent    string `json:"percent"`
	Results    string `json:"results"`
	NextSteps  string `json:"next_steps"`
}

// PostProgress publishes a dated progress entry of task no by actor, with
// the unit of the actor's department (the lead unit for the office).
func (s *Service) PostProgress(ctx context.Context, siteID int64, actor *auth.User, no string, in NewProgress, today calendar.Date) (*Entry, error) {
	if actor == nil {
		return nil, errs.E(errs.Unauthorized, "请先登录")
	}
	t, err := s.Task(ctx, siteID, no, today, false)
	if err != nil {
		return nil, err
	}
	if why, err := s.MayPost(ctx, siteID, actor, t); err != nil {
		return nil, err
	} else if why != "" {
		return nil, errs.E(errs.Forbidden, "%s", why)
	}
	unit := t.LeadUnit
	if !actor.CanPublish() && actor.Department != "" {
		unit = actor.Department
	}
	if strings.TrimSpace(in.ReportedOn) == "" {
		in.ReportedOn = today.String()
	}
	raw := map[string]string{"task_no": t.No, "reported_on": in.ReportedOn, "summary": in.Summary, "unit": unit, "progress": in.Progress,
		"percent": in.Percent, "results": in.Results, "next_steps": in.NextSteps}
	vals, bad := Progress.Validate(raw)
	for n, v := range vals {
		if !catalog.CleanText(v) {
			bad[n] = "内容含有无法识别的控制字符"
		}
	}
	if d := vals["reported_on"]; d != "" && len(bad) == 0 {
		switch {
		case d > today.String():
			bad["reported_on"] = "进展日期不能晚于今天"
		case d < t.StartsOn:
			bad["reported_on"] = "进展日期不能早于任务的部署日期 " + t.StartsOn
		}
	}
	if len(bad) > 0 {
		return nil, &errs.Error{Code: errs.Invalid, Message: "填报的进展有误，请按提示修改", Fields: bad}
	}
	note := fmt.Sprintf("%s填报任务“%s”（%s）%s 的进展", actor.Label(), t.Title, t.No, vals["reported_on"])
	if _, err := s.Lists.AppendRow(ctx, siteID, Progress, actor, "execution.progress", note, vals); err != nil {
		if e, ok := err.(*errs.Error); ok && e.Code == errs.Conflict {
			return nil, &errs.Error{Code: errs.Invalid, Message: "该任务在 " + vals["reported_on"] + " 已有进展，请修改进展日期",
				Fields: map[string]string{"reported_on": "该日期已有进展"}}
		}
		return nil, err
	}
	return &Entry{On: vals["reported_on"], Summary: vals["summary"], Unit: vals["unit"], Progress: vals["progress"], Percent: vals["percent"],
		Results: vals["results"], NextSteps: vals["next_steps"], URL: lists.RowURL(Progress.Code, lists.RowKey(Progress, vals))}, nil
}
