// Package compliance is the self-inspection (自查): it runs the checks an
// inspector runs on a government website (国办秘函〔2019〕19号, REFERENCE §5.1)
// and the deadline rules, and reports each finding with the rule it breaks
// and the record that breaks it. Later modules add their own checks.
package compliance

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/deadline"
	"gongkai/internal/errs"
	"gongkai/internal/sanitize"
	"gongkai/internal/store"
)

// Level is how grave a finding is.
type Level string

const (
	// Veto findings fail a website inspection on their own (单项否决).
	Veto Level = "veto"
	// Fault findings cost points (扣分).
	Fault Level = "fault"
	// Soon findings are deadlines about to fall due.
	Soon Level = "soon"
)

// LevelLabels are the Chinese names of levels.
var LevelLabels = map[Level]string{Veto: "单项否决", Fault: "扣分项", Soon: "即将到期"}

// Rule is a check rule with its source.
type Rule struct {
	Code  string
	Title string
	Basis string
}

// Finding is one problem found.
type Finding struct {
	Rule       Rule   `json:"rule"`
	Level      Level  `json:"level"`
	Message    string `json:"message"`
	Department string `json:"department,omitempty"`
	// Link is the back-office page of the record that breaks the rule.
	Link string `json:"link,omitempty"`
	// Due is the due date for deadline findings.
	Due string `json:"due,omitempty"`
	// Provisional: Due falls in or crosses a year without its holiday
	// notice (computed from the statutory holidays alone).
	Provisional bool `json:"provisional,omitempty"`
}

// Report is the result of one run over a site.
type Report struct {
	SiteID   int64     `json:"site_id"`
	Site     string    `json:"site"`
	RanAt    string    `json:"ran_at"`
	Today    string    `json:"today"`
	Findings []Finding `json:"findings"`
	// InterpretationCoverage is the share of in-force published policy
	// documents that have a published interpretation.
	InterpretationCoverage float64 `json:"interpretation_coverage"`
	PolicyDocuments        int     `json:"policy_documents"`

	took time.Duration
}

// Vetoes counts veto-level findings.
func (r *Report) Vetoes() int {
	n := 0
	for _, f := range r.Findings {
		if f.Level == Veto {
			n++
		}
	}
	return n
}

// ByDepartment groups finding counts by department ("" for site-wide).
func (r *Report) ByDepartment() map[string]int {
	m := map[string]int{}
	for _, f := range r.Findings {
		m[f.Department]++
	}
	return m
}

// Env is what a check reads.
type Env struct {
	Facts     *deadline.Facts
	Deadlines []*deadline.Deadline
	Tree      *catalog.Tree
	Calendar  *calendar.Calendar
	Today     calendar.Date
	// Departments names the site's departments by id (a column's
	// responsible department).
	Departments map[int64]string
	// Bodies streams the bodies of the site's published items in id order
	// (the facts' items come without them); nil: the facts' own bodies.
	Bodies func(ctx context.Context, fn func(id int64, body string) error) error
}

// Check is one kind of check; modules register theirs with Register.
type Check interface {
	Name() string
	Run(ctx context.Context, env *Env) ([]Finding, error)
}

var (
	regMu    sync.Mutex
	registry []Check
)

// Register adds a check that every run includes (messages unanswered,
// requests overdue, … from their own packages).
func Register(c Check) {
	regMu.Lock()
	registry = append(registry, c)
	regMu.Unlock()
}

// Service runs the checks and keeps their history.
type Service struct {
	DB        *store.DB
	Catalog   *catalog.Service
	Deadlines *deadline.Service
	// Checks are checks bound to a service of their own module (the lists'
	// freshness, …), run after the registered ones.
	Checks []Check

	// MaxAge is how old stored findings may be before a page view starts
	// a refresh (DefaultMaxAge when zero); WaitBelow as DefaultWaitBelow
	// (negative: never wait).
	MaxAge    time.Duration
	WaitBelow time.Duration
	// Log receives the errors of background refreshes (none when nil).
	Log *slog.Logger

	recentMu sync.Mutex
	flights  map[int64]*flight
}

// ForDepartment returns the findings about a department's work (dept is
// its name, as findings carry it).
func (r *Report) ForDepartment(dept string) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Department == dept {
			out = append(out, f)
		}
	}
	return out
}

// Run checks a site as of today and returns the report (not stored).
// The pages read the stored run instead (Ensure, Findings).
func (s *Service) Run(ctx context.Context, siteID int64, today calendar.Date) (*Report, error) {
	// RanAt is when the run began reading: its findings are as of then.
	start, ranAt := time.Now(), store.Now()
	f, err := s.Deadlines.LoadFacts(ctx, siteID, today)
	if err != nil {
		return nil, err
	}
	ds, err := s.Deadlines.Evaluate(ctx, f)
	if err != nil {
		return nil, err
	}
	tree, err := s.Catalog.Tree(ctx, siteID)
	if err != nil {
		return nil, err
	}
	cal, err := s.Deadlines.Calendar.Current(ctx)
	if err != nil {
		return nil, err
	}
	depts, err := s.Catalog.Departments(ctx, siteID)
	if err != nil {
		return nil, err
	}
	env := &Env{Facts: f, Deadlines: ds, Tree: tree, Calendar: cal, Today: today, Departments: map[int64]string{},
		Bodies: func(ctx context.Context, fn func(int64, string) error) error {
			return s.Catalog.EachPublishedBody(ctx, siteID, fn)
		}}
	for _, d := range depts {
		env.Departments[d.ID] = d.Name
	}
	rep := &Report{SiteID: siteID, Site: f.Site.Name, RanAt: ranAt, Today: today.String()}
	checks := []Check{deadlineCheck{}, interpretationCheck{rep: rep}, columnCheck{}, contentCheck{}, validityCheck{}, sectionsCheck{}}
	regMu.Lock()
	checks = append(checks, registry...)
	regMu.Unlock()
	checks = append(checks, s.Checks...)
	for _, c := range checks {
		fs, err := c.Run(ctx, env)
		if err != nil {
			return nil, fmt.Errorf("check %s: %w", c.Name(), err)
		}
		rep.Findings = append(rep.Findings, fs...)
	}
	order := map[Level]int{Veto: 0, Fault: 1, Soon: 2}
	sort.SliceStable(rep.Findings, func(i, j int) bool {
		a, b := rep.Findings[i], rep.Findings[j]
		if order[a.Level] != order[b.Level] {
			return order[a.Level] < order[b.Level]
		}
		return a.Rule.Code < b.Rule.Code
	})
	rep.took = time.Since(start)
	return rep, nil
}

// Save stores a report as a run for the history and trend, and as the
// site's latest run that the pages show (StoreLatest).
func (s *Service) Save(ctx context.Context, rep *Report) error {
	if err := s.StoreLatest(ctx, rep); err != nil {
		return err
	}
	b, err := json.Marshal(rep)
	if err != nil {
		return errs.Wrap(err, "report")
	}
	_, err = s.DB.W.ExecContext(ctx, `INSERT INTO compliance_runs (site_id, ran_at, findings, vetoes, report) VALUES ($1, $2, $3, $4, $5)`,
		rep.SiteID, rep.RanAt, len(rep.Findings), rep.Vetoes(), string(b))
	return errs.Wrap(err, "save report")
}

// Point is one run in the trend.
type Point struct {
	RanAt    string
	Findings int
	Vetoes   int
}

// History returns the last n runs of a site, oldest first.
func (s *Service) History(ctx context.Context, siteID int64, n int) ([]Point, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT ran_at, findings, vetoes FROM compliance_runs WHERE site_id = $1 ORDER BY ran_at DESC, id DESC LIMIT $2`, siteID, n)
	if err != nil {
		return nil, errs.Wrap(err, "history")
	}
	defer rows.Close()
	var out []Point
	for rows.Next() {
		var p Point
		if err := rows.Scan(&p.RanAt, &p.Findings, &p.Vetoes); err != nil {
			return nil, errs.Wrap(err, "history")
		}
		out = append([]Point{p}, out...)
	}
	return out, rows.Err()
}

// LastRun returns when the site was last checked (zero if never).
func (s *Service) LastRun(ctx context.Context, siteID int64) (time.Time, error) {
	var ran string
	err := s.DB.R.QueryRowContext(ctx, `SELECT ran_at FROM compliance_runs WHERE site_id = $1 ORDER BY ran_at DESC LIMIT 1`, siteID).Scan(&ran)
	if err == sql.ErrNoRows {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, errs.Wrap(err, "last run")
	}
	return store.ParseTime(ran), nil
}

func itemLink(id int64) string { return "/admin/items/" + strconv.FormatInt(id, 10) }

func columnLink(id int64) string { return "/admin/columns/" + strconv.FormatInt(id, 10) }

// --- deadlines ---

type deadlineCheck struct{}

func (deadlineCheck) Name() string { return "deadlines" }

// soonDays is how many working days ahead a due date counts as "due soon".
const soonDays = 3

func (deadlineCheck) Run(ctx context.Context, env *Env) ([]Finding, error) {
	var out []Finding
	soon := env.Calendar.AddWorkdays(env.Today, soonDays)
	for _, d := range env.Deadlines {
		it := env.Facts.ByID[d.ItemID]
		rule := Rule{Code: "deadline." + d.Rule.Code, Title: d.Rule.Title, Basis: d.Rule.Basis}
		f := Finding{Rule: rule, Due: d.Due.String(), Provisional: d.Explanation.Provisional}
		name := d.Note
		if it != nil {
			name = "“" + it.Title + "”"
			f.Link, f.Department = itemLink(it.ID), it.Department
		} else if d.Link != "" {
			f.Link, f.Department = d.Link, d.Department
		}
		switch {
		case d.Rule.Minimum && !d.Met:
			f.Level = Fault
			f.Message = fmt.Sprintf("%s征求意见期自 %s 至 %s，不足 %d 日", name, d.Start, d.Done, d.Rule.Days)
		case d.Rule.Minimum:
			continue
		case d.Overdue(env.Today):
			f.Level = Fault
			f.Message = fmt.Sprintf("%s已逾期：应于 %s 前完成（%s），至今未完成", name, d.Due, d.Rule.Title)
			if d.Rule.Code == "interpretation.publish" {
				f.Message = fmt.Sprintf("政策文件%s于 %s 公开，应于 %s 前发布政策解读，至今没有已发布的解读", name, d.Start, d.Due)
			}
		case d.Late():
			f.Level = Fault
			f.Message = fmt.Sprintf("%s未按期完成：应于 %s 前，实际 %s（%s）", name, d.Due, d.Done, d.Rule.Title)
			if d.Rule.Code == "interpretation.publish" {
				f.Message = fmt.Sprintf("政策文件%s的解读发布过晚：文件 %s 公开，解读应于 %s 前发布，实际 %s 发布", name, d.Start, d.Due, d.Done)
			}
		case d.Open && !d.Due.After(soon):
			f.Level = Soon
			f.Message = fmt.Sprintf("%s将于 %s 到期（%s）", name, d.Due, d.Rule.Title)
		default:
			continue
		}
		out = append(out, f)
	}
	return out, nil
}

// --- interpretations ---

type interpretationCheck struct{ rep *Report }

func (interpretationCheck) Name() string { return "interpretations" }

var ruleUnlinked = Rule{Code: "interpretation.unlinked", Title: "政策解读应与所解读的政策文件相互关联", Basis: "重点任务第8项（解读与政策文件相互关联）"}

func (c interpretationCheck) Run(ctx context.Context, env *Env) ([]Finding, error) {
	var out []Finding
	total, covered := 0, 0
	for _, it := range env.Facts.Items {
		if it.Status != catalog.StatusPublished {
			continue
		}
		switch {
		// Coverage counts the in-force documents of the types interpretations
		// are declared to explain (catalog.DocType.InterpretTargets).
		case catalog.Interpretable(it.DocType) && it.Disclosure == "proactive" && (it.Validity == "in_force" || it.Validity == ""):
			total++
			for _, id := range env.Facts.InterpretedBy[it.ID] {
				if in := env.Facts.ByID[id]; in != nil && in.Status == catalog.StatusPublished {
					covered++
					break
				}
			}
		case it.Type() != nil && it.Type().Interprets && len(env.Facts.Interprets[it.ID]) == 0:
			out = append(out, Finding{Rule: ruleUnlinked, Level: Fault, Link: itemLink(it.ID), Department: it.Department,
				Message: fmt.Sprintf("政策解读“%s”没有关联所解读的政策文件", it.Title)})
		}
	}
	c.rep.PolicyDocuments = total
	if total > 0 {
		c.rep.InterpretationCoverage = float64(covered) / float64(total)
	} else {
		c.rep.InterpretationCoverage = 1
	}
	return out, nil
}

// --- columns ---

type columnCheck struct{}

func (columnCheck) Name() string { return "columns" }

var (
	ruleStale  = Rule{Code: "column.stale", Title: "栏目应按更新周期更新", Basis: "国办秘函〔2019〕19号 栏目不更新：动态、要闻类 2 周，通知公告、政策文件类 6 个月"}
	ruleEmpty  = Rule{Code: "column.empty", Title: "不得有空白栏目", Basis: "国办秘函〔2019〕19号 栏目不更新（空白栏目）"}
	ruleArt20  = Rule{Code: "column.art20_empty", Title: "法定主动公开内容栏目不得为空", Basis: "《政府信息公开条例》第二十条"}
	ruleHome   = Rule{Code: "site.home_stale", Title: "首页 2 周内应有更新", Basis: "国办秘函〔2019〕19号 单项否决：首页不更新"}
	ruleVetoCo = Rule{Code: "site.columns_stale", Title: "不更新或空白栏目达到否决线", Basis: "国办秘函〔2019〕19号 单项否决：应更新未更新栏目 ≥ 5 个，或空白栏目 ≥ 5 个"}
)

func (columnCheck) Run(ctx context.Context, env *Env) ([]Finding, error) {
	// last is each column's latest 发布日期 on or before the inspection day.
	// A later date (imported, or typed before the domain bounded it) is no
	// update: it must not hide a stale column (issue 16 #10).
	last := map[int64]calendar.Date{}
	has := map[int64]bool{}
	for _, it := range env.Facts.Items {
		if it.Status == catalog.StatusPublished {
			has[it.ColumnID] = true
			if d := calendar.Day(it.PublishedOn); d.After(last[it.ColumnID]) && !d.After(env.Today) {
				last[it.ColumnID] = d
			}
		}
	}
	var out []Finding
	stale, empty := 0, 0
	var emptyDuty []*catalog.Column
	for _, c := range env.Tree.All() {
		if c.Kind != catalog.KindList || c.Hidden {
			continue
		}
		l := last[c.ID]
		switch {
		case !has[c.ID]:
			empty++
			if c.Duty != "" {
				emptyDuty = append(emptyDuty, c)
			}
			out = append(out, Finding{Rule: ruleEmpty, Level: Fault, Link: columnLink(c.ID), Department: env.Departments[c.DepartmentID], Message: fmt.Sprintf("栏目“%s”没有任何已发布的信息", c.Name)})
		case c.UpdateDays > 0 && l.IsZero():
			stale++
			out = append(out, Finding{Rule: ruleStale, Level: Fault, Link: columnLink(c.ID), Department: env.Departments[c.DepartmentID],
				Message: fmt.Sprintf("栏目“%s”要求每 %d 天更新，没有发布日期在 %s 之前的信息（晚于检查日的发布日期不算更新）", c.Name, c.UpdateDays, env.Today)})
		case c.UpdateDays > 0 && env.Today.Sub(l) > c.UpdateDays:
			stale++
			out = append(out, Finding{Rule: ruleStale, Level: Fault, Link: columnLink(c.ID), Department: env.Departments[c.DepartmentID],
				Message: fmt.Sprintf("栏目“%s”要求每 %d 天更新，最近一次发布是 %s，已 %d 天未更新", c.Name, c.UpdateDays, l, env.Today.Sub(l))})
		}
	}
	// Columns are tied to 条例第二十条's categories by their declared duty
	// (set in the column form), not by their names.
	for _, c := range emptyDuty {
		out = append(out, Finding{Rule: ruleArt20, Level: Fault, Link: columnLink(c.ID), Department: env.Departments[c.DepartmentID],
			Message: fmt.Sprintf("法定主动公开内容%s对应的栏目“%s”为空", catalog.OptionLabel(catalog.Art20Duties, c.Duty), c.Name)})
	}
	if stale >= 5 || empty >= 5 {
		out = append(out, Finding{Rule: ruleVetoCo, Level: Veto, Message: fmt.Sprintf("应更新未更新的栏目 %d 个、空白栏目 %d 个", stale, empty)})
	}
	// The home page lists the site's home columns; it must show something new within 2 weeks.
	var newest calendar.Date
	for _, slug := range env.Facts.Site.Settings.HomeColumns {
		if c := env.Tree.BySlug[slug]; c != nil {
			for _, id := range subtree(c) {
				if last[id].After(newest) {
					newest = last[id]
				}
			}
		}
	}
	if newest.IsZero() || env.Today.Sub(newest) > 14 {
		msg := "首页没有任何信息"
		if !newest.IsZero() {
			msg = fmt.Sprintf("首页最近一条信息发布于 %s，已 %d 天没有更新", newest, env.Today.Sub(newest))
		}
		out = append(out, Finding{Rule: ruleHome, Level: Veto, Link: "/admin/settings", Message: msg})
	}
	return out, nil
}

func subtree(c *catalog.Column) []int64 {
	ids := []int64{c.ID}
	for _, ch := range c.Children {
		ids = append(ids, subtree(ch)...)
	}
	return ids
}

// --- content ---

type contentCheck struct{}

func (contentCheck) Name() string { return "content" }

var (
	ruleBroken    = Rule{Code: "content.broken_link", Title: "页面中不得有无法访问的链接", Basis: "国办秘函〔2019〕19号 扣分项：链接不可用"}
	ruleWithdrawn = Rule{Code: "content.withdrawn_link", Title: "不得链接已撤回的信息", Basis: "国办秘函〔2019〕19号 扣分项：链接不可用"}
	ruleAlt       = Rule{Code: "content.img_alt", Title: "图片应有替代文本", Basis: "GB/T 37668-2019 非文本内容应提供替代文本"}
)

func (contentCheck) Run(ctx context.Context, env *Env) ([]Finding, error) {
	var out []Finding
	// The facts' items have no bodies: they are streamed, one at a time,
	// in the same (id) order.
	each := env.Bodies
	if each == nil {
		each = func(ctx context.Context, fn func(int64, string) error) error {
			for _, it := range env.Facts.Items {
				if it.Status == catalog.StatusPublished {
					if err := fn(it.ID, it.Body); err != nil {
						return err
					}
				}
			}
			return nil
		}
	}
	err := each(ctx, func(id int64, body string) error {
		it := env.Facts.ByID[id]
		if it == nil || it.Status != catalog.StatusPublished {
			return nil
		}
		out = contentFindings(env, it, body, out)
		return nil
	})
	return out, err
}

func contentFindings(env *Env, it *catalog.Item, body string, out []Finding) []Finding {
	for _, l := range sanitize.Links(body) {
		if l.Tag == "img" && !l.HasAlt {
			out = append(out, Finding{Rule: ruleAlt, Level: Fault, Link: itemLink(it.ID), Department: it.Department,
				Message: fmt.Sprintf("“%s”正文中的图片 %s 没有替代文本（alt）", it.Title, l.URL)})
		}
		bad, withdrawn := env.internalLink(l.URL)
		switch {
		case withdrawn:
			out = append(out, Finding{Rule: ruleWithdrawn, Level: Fault, Link: itemLink(it.ID), Department: it.Department,
				Message: fmt.Sprintf("“%s”正文链接到已撤回的信息 %s", it.Title, l.URL)})
		case bad:
			out = append(out, Finding{Rule: ruleBroken, Level: Fault, Link: itemLink(it.ID), Department: it.Department,
				Message: fmt.Sprintf("“%s”正文中的链接 %s 无法访问", it.Title, l.URL)})
		}
	}
	return out
}

// internalLink checks a link to this site's own pages; links elsewhere are
// not followed here.
func (env *Env) internalLink(u string) (broken, withdrawn bool) {
	if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") {
		return false, false
	}
	path, _, _ := strings.Cut(u, "?")
	path, _, _ = strings.Cut(path, "#")
	switch {
	case strings.HasPrefix(path, "/items/"):
		rest := strings.TrimPrefix(path, "/items/")
		id, err := strconv.ParseInt(strings.SplitN(rest, "/", 2)[0], 10, 64)
		if err != nil {
			return true, false
		}
		it := env.Facts.ByID[id]
		if it == nil {
			// Withdrawn items are not among the facts; tell them apart from missing ones.
			return !env.withdrawn(id), env.withdrawn(id)
		}
		return it.Status != catalog.StatusPublished, false
	case strings.HasPrefix(path, "/columns/"):
		slug := strings.SplitN(strings.TrimPrefix(path, "/columns/"), "/", 2)[0]
		c := env.Tree.BySlug[slug]
		return c == nil || c.Hidden, false
	}
	return false, false
}

func (env *Env) withdrawn(id int64) bool { return env.Facts.Withdrawn[id] }

// validityCheck looks at documents' 有效性 (issue 15): a document whose
// 有效期至 falls within ExpiringDays is to be reviewed (延续, 修订 or 废止)
// in time; an amended one names the document that amended it.
type validityCheck struct{}

func (validityCheck) Name() string { return "validity" }

// ExpiringDays is how far ahead a lapsing document is flagged.
const ExpiringDays = 90

var (
	ruleExpiring = Rule{Code: "validity.expiring", Title: "即将到期的文件应及时评估", Basis: "国办发〔2017〕47号（文件有效性在文件上标注）；有效期届满前评估是否继续施行"}
	ruleAmended  = Rule{Code: "validity.no_successor", Title: "已修订的文件应关联修订后的文件", Basis: "国办发〔2017〕47号（已修订、废止的文件在页面上标注，并注明替代文件）"}
)

func (validityCheck) Run(ctx context.Context, env *Env) ([]Finding, error) {
	var out []Finding
	for _, it := range env.Facts.Items {
		t := it.Type()
		if it.Status != catalog.StatusPublished || t == nil {
			continue
		}
		switch {
		case it.Validity == "in_force" && t.ValidUntil != "":
			until := calendar.Day(it.Value(t.ValidUntil))
			if days := until.Sub(env.Today); !until.IsZero() && days >= 0 && days <= ExpiringDays {
				out = append(out, Finding{Rule: ruleExpiring, Level: Soon, Link: itemLink(it.ID), Department: it.Department, Due: until.String(),
					Message: fmt.Sprintf("“%s”有效期至 %s，还有 %d 天，请评估是否延续、修订或废止", it.Title, until, days)})
			}
		case it.Validity == "amended" && it.SuccessorID == 0:
			out = append(out, Finding{Rule: ruleAmended, Level: Fault, Link: itemLink(it.ID), Department: it.Department,
				Message: fmt.Sprintf("“%s”标注为已修订，但没有关联修订后的文件（替代文件）", it.Title)})
		}
	}
	return out, nil
}

// sectionsCheck reports published items that leave a section their type
// expects empty (DocType.Expected: an interpretation without its 背景,
// 依据, 目的 or 举措, seed task 8).
type sectionsCheck struct{}

func (sectionsCheck) Name() string { return "sections" }

func (sectionsCheck) Run(ctx context.Context, env *Env) ([]Finding, error) {
	var out []Finding
	for _, it := range env.Facts.Items {
		t := it.Type()
		if it.Status != catalog.StatusPublished || t == nil || len(t.Expected) == 0 {
			continue
		}
		var missing []string
		for _, name := range t.Expected {
			if strings.TrimSpace(it.Value(name)) == "" {
				f, _ := t.Field(name)
				missing = append(missing, f.Label)
			}
		}
		if len(missing) > 0 {
			out = append(out, Finding{Rule: Rule{Code: "content.sections." + t.Code, Title: t.Name + "内容应完整", Basis: t.ExpectedRule},
				Level: Fault, Link: itemLink(it.ID), Department: it.Department,
				Message: fmt.Sprintf("“%s”缺少%s", it.Title, strings.Join(missing, "、"))})
		}
	}
	return out, nil
}
