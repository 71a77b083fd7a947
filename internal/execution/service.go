package execution

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"weak"

	"gongkai/internal/calendar"
	"gongkai/internal/compliance"
	"gongkai/internal/lists"
	"gongkai/internal/store"
)

// Service computes the task states, the reply deadlines and the yearly
// overview from the published editions of the three kinds.
type Service struct {
	Lists *lists.Service
}

// Task states of the year's overview (RECORDS §6.2 状态: 推进中 / 已完成 / 滞后).
const (
	OnSchedule = "on_schedule"
	Late       = "late"
	Done       = "done"
)

// StateLabels are the states in words.
var StateLabels = map[string]string{OnSchedule: "按计划推进", Late: "滞后", Done: "已完成"}

// Entry is one progress entry of a task's timeline.
type Entry struct {
	On        string `json:"reported_on"`
	Summary   string `json:"summary"`
	Unit      string `json:"unit"`
	Progress  string `json:"progress"`
	Percent   string `json:"percent,omitempty"`
	Results   string `json:"results,omitempty"`
	NextSteps string `json:"next_steps,omitempty"`
	URL       string `json:"url"`
}

// Milestone is a planned node of a task, reached or not by today.
type Milestone struct {
	On   string `json:"on"`
	Text string `json:"text"`
	Past bool   `json:"past"`
}

// Task is a task with its computed state.
type Task struct {
	No         string            `json:"task_no"`
	Year       string            `json:"year"`
	Title      string            `json:"title"`
	Source     string            `json:"source"`
	LeadUnit   string            `json:"lead_unit"`
	StartsOn   string            `json:"starts_on"`
	Due        string            `json:"due"`
	Completed  string            `json:"completed_on,omitempty"`
	State      string            `json:"state"`
	StateLabel string            `json:"state_label"`
	Percent    string            `json:"percent,omitempty"`
	LastUpdate string            `json:"last_update,omitempty"`
	UpdateDue  string            `json:"update_due,omitempty"`
	Stale      bool              `json:"stale"`
	URL        string            `json:"url"`
	Steps      []string          `json:"steps"`
	Milestones []Milestone       `json:"milestones"`
	Timeline   []Entry           `json:"timeline"`
	Values     map[string]string `json:"-"`
}

// Count is one line of a breakdown.
type Count struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	Count int    `json:"count"`
	// Share is the count's share of the replied items, "66.52%".
	Share string `json:"share,omitempty"`
}

// TaskOverview is the year's tasks with their states.
type TaskOverview struct {
	Year   int     `json:"year"`
	Total  int     `json:"total"`
	States []Count `json:"states"`
	Stale  int     `json:"stale"`
	Tasks  []*Task `json:"tasks"`
}

// rows are the rows of edition id (0: none yet) of k that w selects (all
// when w is empty), filtered in the database: one year's tasks or replies,
// or the progress entries of a set of tasks, not the whole ledger.
func (s *Service) rows(ctx context.Context, id int64, k *lists.Kind, w lists.Where, public bool, today calendar.Date) ([]lists.Row, error) {
	if id == 0 {
		return nil, nil
	}
	rows, err := s.Lists.RowsWhere(ctx, id, w)
	if err != nil {
		return nil, err
	}
	if public {
		rows = k.Public(rows, today)
	}
	return rows, nil
}

// editions are the ids of the current published editions of a and b (0
// when none).
func (s *Service) editions(ctx context.Context, siteID int64, a, b *lists.Kind) ([2]int64, error) {
	var out [2]int64
	for i, k := range []*lists.Kind{a, b} {
		cur, err := s.Lists.Current(ctx, siteID, k)
		if err != nil {
			return out, err
		}
		if cur != nil {
			out[i] = cur.ID
		}
	}
	return out, nil
}

// The tasks and replies computed from published editions, which never
// change, for a year on a day (and calendar): the staff ledger, the public
// overviews and the self-inspection read the same ones, and a new edition
// or day is a new key. Keyed by database (weak: a closed one's entries
// never match a new one at the same address), edition ids, year, day,
// calendar version and public; at most memoKeep entries, then it starts
// over. The results are shared: callers must not modify them.
var (
	memoMu sync.Mutex
	memo   = map[memoKey]any{}
)

type memoKey struct {
	db     weak.Pointer[store.DB]
	what   string
	eds    [2]int64
	year   int
	today  calendar.Date
	cal    string
	public bool
}

const memoKeep = 64

func memoized[T any](key memoKey, compute func() (T, error)) (T, error) {
	memoMu.Lock()
	v, ok := memo[key]
	memoMu.Unlock()
	if ok {
		return v.(T), nil
	}
	out, err := compute()
	if err != nil {
		return out, err
	}
	memoMu.Lock()
	if len(memo) >= memoKeep {
		clear(memo)
	}
	memo[key] = out
	memoMu.Unlock()
	return out, nil
}

// yearWhere selects the rows of year (0: every row) by their 年度 field.
func yearWhere(year int) lists.Where {
	if year == 0 {
		return lists.Where{}
	}
	return lists.Where{Eq: map[string]string{"year": strconv.Itoa(year)}}
}

// Tasks returns the tasks of year (0: all) with their timelines and
// states on today. public masks and redacts as the list pages do.
func (s *Service) Tasks(ctx context.Context, siteID int64, year int, today calendar.Date, public bool) ([]*Task, error) {
	eds, err := s.editions(ctx, siteID, Tasks, Progress)
	if err != nil {
		return nil, err
	}
	key := memoKey{db: weak.Make(s.Lists.DB), what: "tasks", eds: eds, year: year, today: today, public: public}
	return memoized(key, func() ([]*Task, error) { return s.tasks(ctx, eds, year, today, public) })
}

func (s *Service) tasks(ctx context.Context, eds [2]int64, year int, today calendar.Date, public bool) ([]*Task, error) {
	trs, err := s.rows(ctx, eds[0], Tasks, yearWhere(year), public, today)
	if err != nil {
		return nil, err
	}
	var pw lists.Where
	if year != 0 {
		nos := make([]string, 0, len(trs))
		for _, r := range trs {
			nos = append(nos, r.Key)
		}
		pw.In = map[string][]string{"task_no": nos}
	}
	prs, err := s.rows(ctx, eds[1], Progress, pw, public, today)
	if err != nil {
		return nil, err
	}
	byTask := map[string][]lists.Row{}
	for _, p := range prs {
		byTask[p.Values["task_no"]] = append(byTask[p.Values["task_no"]], p)
	}
	var out []*Task
	for _, r := range trs {
		t := buildTask(r, byTask[r.Key], today)
		out = append(out, t)
	}
	return out, nil
}

// buildTask is the task of row r with its progress rows ps.
func buildTask(r lists.Row, ps []lists.Row, today calendar.Date) *Task {
	v := r.Values
	t := &Task{No: r.Key, Year: v["year"], Title: r.Title, Source: Tasks.Display(v, "source"), LeadUnit: v["lead_unit"], StartsOn: v["starts_on"],
		Due: v["due"], Completed: v["completed_on"], URL: lists.RowURL(Tasks.Code, r.Key), Values: v,
		Steps: lines(v["steps"]), Milestones: []Milestone{}, Timeline: []Entry{}}
	slices.SortFunc(ps, func(a, b lists.Row) int { return strings.Compare(a.Values["reported_on"], b.Values["reported_on"]) })
	for _, p := range ps {
		pv := p.Values
		t.Timeline = append(t.Timeline, Entry{On: pv["reported_on"], Summary: p.Title, Unit: pv["unit"], Progress: pv["progress"], Percent: pv["percent"],
			Results: pv["results"], NextSteps: pv["next_steps"], URL: lists.RowURL(Progress.Code, p.Key)})
		if pv["percent"] != "" {
			t.Percent = pv["percent"]
		}
	}
	for _, l := range lines(v["milestones"]) {
		if d, text, ok := milestone(l); ok {
			t.Milestones = append(t.Milestones, Milestone{On: d.String(), Text: text, Past: !d.After(today)})
		}
	}
	t.state(today)
	return t
}

// state decides the task's state on today: done when completed; late when
// its time limit has passed undone; otherwise on schedule. Stale (no
// progress entry within the update period since the last one, or since
// the task was deployed) is the self-inspection's flag.
func (t *Task) state(today calendar.Date) {
	last := calendar.Day(t.StartsOn)
	if n := len(t.Timeline); n > 0 {
		t.LastUpdate = t.Timeline[n-1].On
		last = calendar.Day(t.LastUpdate)
	}
	switch {
	case t.Completed != "":
		t.State = Done
	case calendar.Day(t.Due).Before(today):
		t.State = Late
	default:
		t.State = OnSchedule
	}
	if t.State != Done && !last.IsZero() {
		due := UpdateDue(t.Values, last)
		t.UpdateDue = due.String()
		t.Stale = due.Before(today)
	}
	t.StateLabel = StateLabels[t.State]
}

// Overview is the year's tasks counted by state (GROUP BY in memory over
// one year's tasks: a bureau has tens, never thousands).
func (s *Service) Overview(ctx context.Context, siteID int64, year int, today calendar.Date) (*TaskOverview, error) {
	ts, err := s.Tasks(ctx, siteID, year, today, true)
	if err != nil {
		return nil, err
	}
	o := &TaskOverview{Year: year, Total: len(ts), Tasks: ts}
	n := map[string]int{}
	for _, t := range ts {
		n[t.State]++
		if t.Stale {
			o.Stale++
		}
	}
	for _, st := range []string{OnSchedule, Late, Done} {
		o.States = append(o.States, Count{Code: st, Label: StateLabels[st], Count: n[st]})
	}
	if o.Tasks == nil {
		o.Tasks = []*Task{}
	}
	return o, nil
}

// Reply is a suggestion or proposal with its deadlines.
type Reply struct {
	Number      string `json:"number"`
	Title       string `json:"title"`
	Kind        string `json:"kind"`
	LeadUnit    string `json:"lead_unit"`
	AssignedOn  string `json:"assigned_on"`
	Due         string `json:"reply_due"`
	RepliedOn   string `json:"replied_on,omitempty"`
	OnTime      bool   `json:"on_time"`
	Class       string `json:"result_class,omitempty"`
	Mode        string `json:"publish_mode,omitempty"`
	PublishedOn string `json:"published_on,omitempty"`
	PublishDue  string `json:"publish_due,omitempty"`
	// SecondDue is the due date of the second reply owed after a
	// dissatisfied evaluation (RECORDS §7.3), SecondOn its date.
	SecondDue string `json:"second_reply_due,omitempty"`
	SecondOn  string `json:"second_replied_on,omitempty"`
	// PlanDue is the promised date of a planned item's work, due date of
	// the reply once it is carried out (RECORDS §7.3, §7.4), PlanOn that
	// reply's date.
	PlanDue string `json:"plan_due,omitempty"`
	PlanOn  string `json:"plan_replied_on,omitempty"`
	// MisassignedOn is the day a wrong assignment was reported,
	// MisassignedDue the last day to do so (RECORDS §7.3).
	MisassignedOn  string `json:"misassigned_on,omitempty"`
	MisassignedDue string `json:"misassigned_due,omitempty"`
	// Reassigned: the assigning body gave the item to another unit; no
	// reply is owed here and the item is not counted as received.
	Reassigned bool `json:"reassigned"`
	// Met: the unit met the deputy or member face to face (见面率).
	Met bool `json:"met"`
	// Reviewed: the secrecy review allows publication (条例第十七条).
	Reviewed bool `json:"secrecy_reviewed"`
	// Co are the co-handling units' opinions (CoOpinions), by unit.
	Co     []CoOpinion       `json:"co_opinions"`
	URL    string            `json:"url"`
	Values map[string]string `json:"-"`
}

// CoOpinion is a co-handler's opinion to the lead unit: when it received
// the item, its due date (one month, RECORDS §7.3) and when it sent it.
type CoOpinion struct {
	Unit       string `json:"co_unit"`
	ReceivedOn string `json:"received_on"`
	Due        string `json:"due"`
	SentOn     string `json:"sent_on,omitempty"`
	Late       bool   `json:"late"`
}

// Replies returns year's items (0: all) with their deadlines: the reply
// due moved off a day off by cal, and the publication due.
func (s *Service) Replies(ctx context.Context, siteID int64, year int, cal *calendar.Calendar, today calendar.Date, public bool) ([]*Reply, error) {
	eds, err := s.editions(ctx, siteID, Proposals, CoOpinions)
	if err != nil {
		return nil, err
	}
	key := memoKey{db: weak.Make(s.Lists.DB), what: "replies", eds: eds, year: year, today: today, cal: cal.Version(), public: public}
	return memoized(key, func() ([]*Reply, error) { return s.replies(ctx, eds, year, cal, today, public) })
}

func (s *Service) replies(ctx context.Context, eds [2]int64, year int, cal *calendar.Calendar, today calendar.Date, public bool) ([]*Reply, error) {
	rs, err := s.rows(ctx, eds[0], Proposals, yearWhere(year), public, today)
	if err != nil {
		return nil, err
	}
	nums := make([]string, 0, len(rs))
	for _, r := range rs {
		nums = append(nums, r.Key)
	}
	var cw lists.Where
	if year != 0 {
		cw.In = map[string][]string{"number": nums}
	}
	cos, err := s.rows(ctx, eds[1], CoOpinions, cw, public, today)
	if err != nil {
		return nil, err
	}
	byNo := map[string][]CoOpinion{}
	for _, c := range cos {
		v := c.Values
		due := CoOpinionDue(cal, calendar.Day(v["received_on"]))
		o := CoOpinion{Unit: v["co_unit"], ReceivedOn: v["received_on"], Due: due.String(), SentOn: v["sent_on"]}
		if sent := calendar.Day(o.SentOn); sent.IsZero() {
			o.Late = due.Before(today)
		} else {
			o.Late = sent.After(due)
		}
		byNo[v["number"]] = append(byNo[v["number"]], o)
	}
	var out []*Reply
	for _, r := range rs {
		v := r.Values
		due := calendar.Day(v["reply_due"])
		if due.IsZero() {
			due = ReplyDue(nil, calendar.Day(v["assigned_on"]), v["difficult"] == "1")
		}
		due = cal.AddDays(due, 0)
		p := &Reply{Number: r.Key, Title: r.Title, Kind: v["kind"], LeadUnit: v["lead_unit"], AssignedOn: v["assigned_on"], Due: due.String(),
			RepliedOn: v["replied_on"], Class: v["result_class"], Mode: v["publish_mode"], PublishedOn: v["published_on"],
			URL: lists.RowURL(Proposals.Code, r.Key), Values: v, Co: byNo[r.Key]}
		if p.Co == nil {
			p.Co = []CoOpinion{}
		}
		if f := calendar.Day(v["feedback_on"]); v["satisfaction"] == "dissatisfied" && !f.IsZero() {
			p.SecondDue, p.SecondOn = SecondReplyDue(cal, f).String(), v["second_replied_on"]
		}
		if Planned(p.Class) && p.RepliedOn != "" {
			p.PlanDue, p.PlanOn = v["plan_due"], v["plan_replied_on"]
			if d := calendar.Day(p.PlanDue); !d.IsZero() {
				p.PlanDue = cal.AddDays(d, 0).String()
			}
		}
		if m := v["misassigned_on"]; m != "" {
			p.MisassignedOn, p.MisassignedDue = m, MisassignedDue(cal, calendar.Day(p.AssignedOn)).String()
		}
		p.Met, p.Reviewed, p.Reassigned = v["met"] == "1", Reviewed(v), v["reassigned"] == "1" && p.MisassignedOn != ""
		if p.RepliedOn != "" {
			p.OnTime = !calendar.Day(p.RepliedOn).After(due)
			if p.Mode != "withheld" {
				p.PublishDue = PublishDue(cal, calendar.Day(p.RepliedOn)).String()
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// ReplyOverview is the yearly 总体情况 (RECORDS §7.5: received by category,
// 办复率, 满意率, counts and shares per result class; [R85][R86]).
type ReplyOverview struct {
	Year          int     `json:"year"`
	Received      int     `json:"received"`
	ByKind        []Count `json:"by_kind"`
	Replied       int     `json:"replied"`
	ReplyRate     string  `json:"reply_rate"`
	OnTime        int     `json:"on_time"`
	OnTimeRate    string  `json:"on_time_rate"`
	Overdue       int     `json:"overdue"`
	ByClass       []Count `json:"by_class"`
	Satisfaction  []Count `json:"satisfaction"`
	SatisfiedRate string  `json:"satisfied_rate"`
	Published     int     `json:"published"`
	Withheld      int     `json:"withheld"`
	Scheme        string  `json:"scheme"`
	// Met is the replied items whose unit met the deputy or member face to
	// face, MeetRate its share of the replied (见面率, RECORDS §7.5).
	Met      int    `json:"met"`
	MeetRate string `json:"meet_rate"`
	// SecondOwed items were found unsatisfactory and owe a second reply
	// (再次答复), SecondReplied got it (RECORDS §7.3, §7.5).
	SecondOwed    int `json:"second_owed"`
	SecondReplied int `json:"second_replied"`
	// Planned replies put the matter in the plan; PlanReplied of them got
	// the further reply once carried out (RECORDS §7.3).
	Planned     int `json:"planned"`
	PlanReplied int `json:"plan_replied"`
	// Misassigned items were reported as wrongly assigned (交办不当); those
	// the assigning body gave to another unit are not in Received.
	Misassigned int `json:"misassigned"`
}

func rate(n, of int) string {
	if of == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f%%", float64(n)*100/float64(of))
}

// Overview computes the year's 总体情况 on today.
func (s *Service) ReplyOverview(ctx context.Context, siteID int64, year int, cal *calendar.Calendar, today calendar.Date) (*ReplyOverview, error) {
	rs, err := s.Replies(ctx, siteID, year, cal, today, true)
	if err != nil {
		return nil, err
	}
	return OverviewOf(year, rs, today), nil
}

// OverviewOf computes year's 总体情况 from its replies (Replies, public).
func OverviewOf(year int, rs []*Reply, today calendar.Date) *ReplyOverview {
	o := &ReplyOverview{Year: year, Scheme: Config.Scheme}
	kinds, classes, sats := map[string]int{}, map[string]int{}, map[string]int{}
	answered := 0
	for _, r := range rs {
		if r.MisassignedOn != "" {
			o.Misassigned++
		}
		if r.Reassigned {
			continue
		}
		o.Received++
		kinds[r.Kind]++
		if r.RepliedOn == "" {
			if calendar.Day(r.Due).Before(today) {
				o.Overdue++
			}
			continue
		}
		o.Replied++
		if r.OnTime {
			o.OnTime++
		}
		if r.Met {
			o.Met++
		}
		if r.SecondDue != "" {
			o.SecondOwed++
			if r.SecondOn != "" {
				o.SecondReplied++
			}
		}
		if r.PlanDue != "" {
			o.Planned++
			if r.PlanOn != "" {
				o.PlanReplied++
			}
		}
		classes[r.Class]++
		if sv := r.Values["satisfaction"]; sv != "" {
			sats[sv]++
			answered++
		}
		if r.Mode == "withheld" {
			o.Withheld++
		} else if r.PublishedOn != "" {
			o.Published++
		}
	}
	for _, k := range ProposalKinds {
		o.ByKind = append(o.ByKind, Count{Code: k.Value, Label: k.Label, Count: kinds[k.Value]})
	}
	for _, c := range ResultClasses() {
		o.ByClass = append(o.ByClass, Count{Code: c.Value, Label: c.Label, Count: classes[c.Value], Share: rate(classes[c.Value], o.Replied)})
	}
	for _, c := range Satisfactions {
		o.Satisfaction = append(o.Satisfaction, Count{Code: c.Value, Label: c.Label, Count: sats[c.Value], Share: rate(sats[c.Value], answered)})
	}
	o.ReplyRate = rate(o.Replied, o.Received)
	o.OnTimeRate = rate(o.OnTime, o.Replied)
	o.MeetRate = rate(o.Met, o.Replied)
	o.SatisfiedRate = rate(sats["satisfied"]+sats["basic"], answered)
	return o
}

// Self-inspection rules.
var (
	RuleTaskStale = compliance.Rule{Code: "execution.task_stale", Title: "重要部署执行任务未按期更新进展",
		Basis: "“谁落实、谁公开”：执行措施、工作进展、取得成效和后续举措应及时公开（RECORDS §6.2；更新周期可设置，默认每季度）"}
)

// Check is the self-inspection's check of the tasks (the replies' deadlines
// are the deadline engine's: DeadlineSource).
func (s *Service) Check() compliance.Check { return check{s} }

type check struct{ s *Service }

func (check) Name() string { return "execution" }

func (c check) Run(ctx context.Context, env *compliance.Env) ([]compliance.Finding, error) {
	siteID, today := env.Facts.Site.ID, env.Today
	ts, err := c.s.Tasks(ctx, siteID, 0, today, false)
	if err != nil {
		return nil, err
	}
	var out []compliance.Finding
	for _, t := range ts {
		if t.Stale {
			since := "部署以来没有进展"
			if t.LastUpdate != "" {
				since = "最近一次进展为 " + t.LastUpdate
			}
			out = append(out, compliance.Finding{Rule: RuleTaskStale, Level: compliance.Fault, Link: "/admin/lists/" + Progress.Code, Due: t.UpdateDue, Department: t.LeadUnit,
				Message: fmt.Sprintf("任务“%s”（%s，%s）%s，应于 %s 前更新", t.Title, t.No, t.LeadUnit, since, t.UpdateDue)})
		}
	}
	return out, nil
}

func kindIndex(code string) int {
	for i, k := range ProposalKinds {
		if k.Value == code {
			return i
		}
	}
	return 0
}
