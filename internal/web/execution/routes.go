// Package execution serves what the list engine's pages do not for
// 重要部署执行公开 and 建议提案办理 (internal/execution): the year's overview
// of the execution tasks with their states, each task's public timeline,
// the yearly 总体情况 of the suggestion and proposal replies with the
// published replies, the staff's deadline ledger, and /api/v1/execution.
// The records themselves (tasks, progress entries, replies) are list kinds
// served by internal/web/lists: their list and row pages, filters, facets,
// Atom feeds, CSV/XLSX exports, editions and search.
package execution

import (
	"embed"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gongkai/internal/calendar"
	"gongkai/internal/calendar/calver"
	"gongkai/internal/errs"
	"gongkai/internal/execution"
	"gongkai/internal/web"
)

//go:embed templates
var assets embed.FS

//go:embed openapi.json
var openapi []byte

// Feature serves the overviews, timelines and the ledger.
type Feature struct {
	*web.Server
	Execution *execution.Service
	Calendars *calver.Versions
}

// Mount registers the templates, API description and routes.
func (s *Feature) Mount(kit *web.Server) error {
	s.Server = kit
	if err := kit.Templates("internal/web/execution", assets); err != nil {
		return err
	}
	if err := kit.OpenAPI(openapi); err != nil {
		return err
	}
	kit.CacheParams("year", "state", "unit", "kind", "class")
	kit.Public("GET /execution", s.overviewPage)
	kit.Public("GET /execution/tasks/{no}", s.taskPage)
	kit.Public("GET /execution/proposals", s.proposalsPage)
	kit.Public("GET /execution/proposals.csv", s.proposalsExport("csv"))
	kit.Public("GET /execution/proposals.xlsx", s.proposalsExport("xlsx"))
	kit.Public("GET /execution.csv", s.tasksExport("csv"))
	kit.Public("GET /execution.xlsx", s.tasksExport("xlsx"))
	kit.Staff("GET /admin/execution", s.adminLedger)
	kit.Flashes(map[string]string{"execution_progress": "进展已填报并公开。", "proposal_co_opinion": "协办意见已填报。"})
	kit.Staff("GET /admin/execution/tasks/{no}", s.adminTask)
	kit.Staff("POST /admin/execution/tasks/{no}/progress", s.adminPostProgress)
	kit.API("POST /api/v1/execution/tasks/{no}/progress", s.apiPostProgress)
	kit.Staff("GET /admin/execution/proposals/{number}/co-opinions", s.adminCoOpinion)
	kit.Staff("POST /admin/execution/proposals/{number}/co-opinions", s.adminPostCoOpinion)
	kit.API("POST /api/v1/execution/proposals/{number}/co-opinions", s.apiPostCoOpinion)
	kit.API("GET /api/v1/execution/tasks", s.apiTasks)
	kit.API("GET /api/v1/execution/tasks/{no}", s.apiTask)
	kit.API("GET /api/v1/execution/proposals/overview", s.apiProposals)
	return nil
}

// Schemas ties the API's types to their OpenAPI schemas.
func Schemas() []web.Schema {
	return []web.Schema{
		{Type: reflect.TypeOf(execution.TaskOverview{}), Schema: "#/components/schemas/ExecutionOverview"},
		{Type: reflect.TypeOf(execution.Task{}), Schema: "#/components/schemas/ExecutionTask"},
		{Type: reflect.TypeOf(execution.Entry{}), Schema: "#/components/schemas/ExecutionEntry"},
		{Type: reflect.TypeOf(execution.Milestone{}), Schema: "#/components/schemas/ExecutionMilestone"},
		{Type: reflect.TypeOf(execution.Count{}), Schema: "#/components/schemas/ExecutionCount"},
		{Type: reflect.TypeOf(execution.ReplyOverview{}), Schema: "#/components/schemas/ProposalOverview"},
		{Type: reflect.TypeOf(execution.NewCoOpinion{}), Schema: "#/components/schemas/ProposalCoOpinion"},
	}
}

var errNoService = errs.E(errs.Internal, "重要部署执行公开服务暂时不可用")

func (s *Feature) ready() error {
	if s.Execution == nil || s.Calendars == nil {
		return errNoService
	}
	return nil
}

// canonical is the request as the render cache keys it.
func (s *Feature) canonical(r *http.Request) *http.Request {
	p := s.Page(r, "")
	r2 := r.Clone(r.Context())
	r2.URL = &url.URL{Path: r.URL.Path, RawQuery: p.URL.RawQuery}
	return r2
}

func invalid(field, msg string) error {
	return &errs.Error{Code: errs.Invalid, Message: msg, Fields: map[string]string{field: msg}}
}

// year reads ?year= (default: last year, the year whose tasks and replies
// are complete; the demo's 2025).
func (s *Feature) year(r *http.Request) (int, error) {
	v := strings.TrimSpace(r.URL.Query().Get("year"))
	if v == "" {
		return s.Today().Year - 1, nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 2000 || y > 2100 {
		return 0, invalid("year", "年度应为 2000 至 2100 之间的四位数字，如 2025")
	}
	return y, nil
}

// choice reads an optional parameter that must be one of codes.
func choice(r *http.Request, name, label string, codes []string) (string, error) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" || slices.Contains(codes, v) {
		return v, nil
	}
	return "", invalid(name, "没有这个"+label)
}

var states = []string{execution.OnSchedule, execution.Late, execution.Done}

// MaxUnit bounds the unit filter (the tasks' 牵头单位 field).
const MaxUnit = 100

func (s *Feature) years() []int {
	var out []int
	for i := s.Today().Year; i >= s.Today().Year-5; i-- {
		out = append(out, i)
	}
	return out
}

type option struct{ Value, Label string }

type overviewPage struct {
	web.Page
	Year     int
	Years    []int
	State    string
	Unit     string
	States   []option
	Units    []string
	Overview *execution.TaskOverview
	Shown    []*execution.Task
	Error    string
	Errs     map[string]string
}

func (s *Feature) overviewPage(w http.ResponseWriter, r *http.Request) {
	s.Cached(w, r, func() (string, web.Cacheable, error) {
		r := s.canonical(r)
		if err := s.ready(); err != nil {
			return "", nil, err
		}
		p := &overviewPage{Page: s.Page(r, "重要部署执行公开"), Years: s.years()}
		column(&p.Page, "zybszx")
		for _, st := range states {
			p.States = append(p.States, option{st, execution.StateLabels[st]})
		}
		y, err := s.year(r)
		if err == nil {
			p.State, err = choice(r, "state", "任务状态", states)
		}
		p.Unit = strings.TrimSpace(r.URL.Query().Get("unit"))
		if err == nil && utf8.RuneCountInString(p.Unit) > MaxUnit {
			err = invalid("unit", "牵头单位不能超过 100 个字符")
		}
		if err != nil {
			p.Error, p.Errs = errs.MessageOf(err), errs.FieldsOf(err)
			y, p.State, p.Unit = s.Today().Year-1, "", ""
		}
		p.Year = y
		p.Title = strconv.Itoa(y) + "年重要部署执行情况"
		if p.Overview, err = s.Execution.Overview(r.Context(), p.Site.ID, y, s.Today()); err != nil {
			return "", nil, err
		}
		for _, t := range p.Overview.Tasks {
			if !slices.Contains(p.Units, t.LeadUnit) {
				p.Units = append(p.Units, t.LeadUnit)
			}
			if (p.State == "" || t.State == p.State) && (p.Unit == "" || t.LeadUnit == p.Unit) {
				p.Shown = append(p.Shown, t)
			}
		}
		slices.Sort(p.Units)
		return "public/execution_overview", p, nil
	})
}

// column puts a page under its 信息公开 column, for navigation.
func column(p *web.Page, slug string) {
	if p.Tree != nil {
		p.Column = p.Tree.BySlug[slug]
	}
}

// MaxTaskNo bounds a task number (the kind's task_no field).
const MaxTaskNo = 40

func (s *Feature) task(r *http.Request, public bool) (*execution.Task, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	no := r.PathValue("no")
	if utf8.RuneCountInString(no) > MaxTaskNo {
		return nil, invalid("no", "任务编号不能超过 40 个字符")
	}
	return s.Execution.Task(r.Context(), web.SiteOf(r).Site.ID, no, s.Today(), public)
}

type taskPage struct {
	web.Page
	Task *execution.Task
}

func (s *Feature) taskPage(w http.ResponseWriter, r *http.Request) {
	t, err := s.task(r, true)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	p := &taskPage{Page: s.Page(r, t.Title), Task: t}
	column(&p.Page, "zybszx")
	s.Render(w, r, http.StatusOK, "public/execution_task", p)
}

type proposalsPage struct {
	web.Page
	Year     int
	Years    []int
	Kind     string
	Class    string
	Kinds    []option
	Classes  []option
	Overview *execution.ReplyOverview
	Replies  []*execution.Reply
	Error    string
	Errs     map[string]string
}

func codes(opts []option) []string {
	var out []string
	for _, o := range opts {
		out = append(out, o.Value)
	}
	return out
}

func (s *Feature) proposalsPage(w http.ResponseWriter, r *http.Request) {
	s.Cached(w, r, func() (string, web.Cacheable, error) {
		r := s.canonical(r)
		if err := s.ready(); err != nil {
			return "", nil, err
		}
		cal, err := s.Calendars.Current(r.Context())
		if err != nil {
			return "", nil, err
		}
		p := &proposalsPage{Page: s.Page(r, "建议提案办理"), Years: s.years()}
		column(&p.Page, "jytabl")
		for _, k := range execution.ProposalKinds {
			p.Kinds = append(p.Kinds, option{k.Value, k.Label})
		}
		for _, c := range execution.ResultClasses() {
			p.Classes = append(p.Classes, option{c.Value, c.Label})
		}
		y, err := s.year(r)
		if err == nil {
			p.Kind, err = choice(r, "kind", "类别", codes(p.Kinds))
		}
		if err == nil {
			p.Class, err = choice(r, "class", "办理结果分类", codes(p.Classes))
		}
		if err != nil {
			p.Error, p.Errs = errs.MessageOf(err), errs.FieldsOf(err)
			y, p.Kind, p.Class = s.Today().Year-1, "", ""
		}
		p.Year = y
		p.Title = strconv.Itoa(y) + "年建议提案办理情况"
		ctx, siteID := r.Context(), p.Site.ID
		rs, err := s.Execution.Replies(ctx, siteID, y, cal, s.Today(), true)
		if err != nil {
			return "", nil, err
		}
		p.Overview = execution.OverviewOf(y, rs, s.Today())
		for _, rp := range rs {
			if (p.Kind == "" || rp.Kind == p.Kind) && (p.Class == "" || rp.Class == p.Class) {
				p.Replies = append(p.Replies, rp)
			}
		}
		return "public/execution_proposals", p, nil
	})
}

type ledgerPage struct {
	web.AdminPage
	Tasks   []*execution.Task
	Replies []*execution.Reply
	Today   calendar.Date
	Year    int
	Years   []int
}

// adminLedger is the staff's view of the deadlines: every task with its
// next update due and every item with its reply and publication dues (the
// same rules as the self-inspection).
func (s *Feature) adminLedger(w http.ResponseWriter, r *http.Request) {
	if err := s.ready(); err != nil {
		s.AdminError(w, r, err)
		return
	}
	ctx, siteID := r.Context(), web.SiteOf(r).Site.ID
	cal, err := s.Calendars.Current(ctx)
	p := &ledgerPage{AdminPage: s.AdminPage(r, "重要部署执行和建议提案办理台账"), Today: s.Today(), Years: s.years()}
	// One year at a time (default: last year, as the public pages).
	if err == nil {
		p.Year, err = s.year(r)
	}
	if err == nil {
		p.Tasks, err = s.Execution.Tasks(ctx, siteID, p.Year, s.Today(), false)
	}
	if err == nil {
		p.Replies, err = s.Execution.Replies(ctx, siteID, p.Year, cal, s.Today(), false)
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "admin/execution_ledger", p)
}

func (s *Feature) apiStart(w http.ResponseWriter, r *http.Request) bool {
	if _, err := s.APIUser(r); err != nil {
		s.APIError(w, r, err)
		return false
	}
	if err := s.ready(); err != nil {
		s.APIError(w, r, err)
		return false
	}
	return true
}

func (s *Feature) apiTasks(w http.ResponseWriter, r *http.Request) {
	if !s.apiStart(w, r) {
		return
	}
	y, err := s.year(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	o, err := s.Execution.Overview(r.Context(), web.SiteOf(r).Site.ID, y, s.Today())
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, o)
}

func (s *Feature) apiTask(w http.ResponseWriter, r *http.Request) {
	if !s.apiStart(w, r) {
		return
	}
	t, err := s.task(r, true)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, t)
}

func (s *Feature) apiProposals(w http.ResponseWriter, r *http.Request) {
	if !s.apiStart(w, r) {
		return
	}
	y, err := s.year(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	cal, err := s.Calendars.Current(r.Context())
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	o, err := s.Execution.ReplyOverview(r.Context(), web.SiteOf(r).Site.ID, y, cal, s.Today())
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, o)
}
