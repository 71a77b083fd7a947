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
	// Facts are the site and its interpretation links (deadline.Scan):
	// the items themselves are read a page at a time by the run and are
	// not among them.
	Facts    *deadline.Facts
	Tree     *catalog.Tree
	Calendar *calendar.Calendar
	Today    calendar.Date
	// Departments names the site's departments by id (a column's
	// responsible department).
	Departments map[int64]string
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
	// WaitItems: with no run known, a page waits for the first only on a
	// site of fewer items (DefaultWaitItems when zero).
	WaitItems int
	// Log receives the errors of background refreshes (none when nil).
	Log *slog.Logger

	recentMu   sync.Mutex
	flights    map[int64]*flight
	deptCounts map[int64]deptCounts
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

// pageSize is how many items a run reads at a time (with their bodies).
var pageSize = 128

// Run checks a site as of today and returns the report (not stored).
// The pages read the stored run instead (Ensure, Findings).
//
// The catalogue's own checks (deadlines, interpretations, columns,
// content, validity, sections) are one pass over the site's items a page
// at a time in id order (issue 17): a run holds one page of items with
// their bodies, the findings and a date per column, not the site. The
// findings and their order are those of checking every item at once.
func (s *Service) Run(ctx context.Context, siteID int64, today calendar.Date) (*Report, error) {
	// RanAt is when the run began reading: its findings are as of then.
	start, ranAt := time.Now(), store.Now()
	sc, err := s.Deadlines.NewScan(ctx, siteID, today)
	if err != nil {
		return nil, err
	}
	tree, err := s.Catalog.Tree(ctx, siteID)
	if err != nil {
		return nil, err
	}
	depts, err := s.Catalog.Departments(ctx, siteID)
	if err != nil {
		return nil, err
	}
	env := &Env{Facts: sc.Facts, Tree: tree, Calendar: sc.Calendar(), Today: today, Departments: map[int64]string{}}
	for _, d := range depts {
		env.Departments[d.ID] = d.Name
	}
	rep := &Report{SiteID: siteID, Site: sc.Facts.Site.Name, RanAt: ranAt, Today: today.String()}
	p := &pass{env: env, last: map[int64]calendar.Date{}, has: map[int64]bool{}}
	var after int64
	for {
		items, err := s.Catalog.ItemsAfter(ctx, siteID, after, pageSize, true)
		if err != nil {
			return nil, err
		}
		if len(items) == 0 {
			break
		}
		ds, err := sc.Items(ctx, items)
		if err != nil {
			return nil, err
		}
		if err := p.page(ctx, s, siteID, items, ds); err != nil {
			return nil, err
		}
		after = items[len(items)-1].ID
		if len(items) < pageSize {
			break
		}
	}
	rest, err := sc.Rest(ctx)
	if err != nil {
		return nil, err
	}
	if err := p.deadlines(ctx, s, siteID, nil, rest); err != nil {
		return nil, err
	}
	rep.Findings = p.findings(rep)
	regMu.Lock()
	checks := append([]Check(nil), registry...)
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

// pass is one run's walk over the site's items: each page adds its
// findings to the check they belong to; findings puts the checks in their
// order (deadlines, interpretations, columns, content, validity,
// sections), as separate checks over every item would.
type pass struct {
	env *Env
	// dl are the deadline findings with their due dates, in the order of
	// the deadlines before their sort by due date (findings sorts them).
	dl                                       []dueFinding
	interp, col, content, validity, sections []Finding
	// total and covered count the policy documents for the coverage.
	total, covered int
	// last is each column's latest 发布日期 on or before the inspection
	// day; has marks columns with a published item.
	last map[int64]calendar.Date
	has  map[int64]bool
}

type dueFinding struct {
	due calendar.Date
	f   Finding
}

// page checks a page of items (in id order, with bodies) and their
// deadlines.
func (p *pass) page(ctx context.Context, s *Service, siteID int64, items []*catalog.Item, ds []*deadline.Deadline) error {
	if err := p.deadlines(ctx, s, siteID, items, ds); err != nil {
		return err
	}
	for _, it := range items {
		if it.Status != catalog.StatusPublished {
			continue
		}
		p.interpretation(it)
		p.column(it)
		p.validityOf(it)
		p.sectionsOf(it)
	}
	return p.contentOf(ctx, s, siteID, items)
}

// findings returns the pass's findings in the checks' order and sets the
// report's interpretation coverage.
func (p *pass) findings(rep *Report) []Finding {
	rep.PolicyDocuments = p.total
	if p.total > 0 {
		rep.InterpretationCoverage = float64(p.covered) / float64(p.total)
	} else {
		rep.InterpretationCoverage = 1
	}
	sort.SliceStable(p.dl, func(i, j int) bool { return p.dl[i].due.Before(p.dl[j].due) })
	var out []Finding
	for _, d := range p.dl {
		out = append(out, d.f)
	}
	out = append(out, p.interp...)
	out = append(out, p.columns()...)
	out = append(out, p.content...)
	out = append(out, p.validity...)
	return append(out, p.sections...)
}

func itemLink(id int64) string { return "/admin/items/" + strconv.FormatInt(id, 10) }

func columnLink(id int64) string { return "/admin/columns/" + strconv.FormatInt(id, 10) }

// --- deadlines ---

// soonDays is how many working days ahead a due date counts as "due soon".
const soonDays = 3

// deadlines adds the findings of ds, the deadlines of items (or, without
// items, the site-wide ones: the annual reports' in Facts.ByID, the
// Sources' with their own link).
func (p *pass) deadlines(ctx context.Context, s *Service, siteID int64, items []*catalog.Item, ds []*deadline.Deadline) error {
	env := p.env
	byID := make(map[int64]*catalog.Item, len(items))
	for _, it := range items {
		byID[it.ID] = it
	}
	var unknown []int64
	for _, d := range ds {
		if d.ItemID != 0 && byID[d.ItemID] == nil && env.Facts.ByID[d.ItemID] == nil {
			unknown = append(unknown, d.ItemID)
		}
	}
	if len(unknown) > 0 {
		// A Source's deadline about an item of another page.
		more, err := s.Catalog.ItemsByID(ctx, siteID, unknown)
		if err != nil {
			return err
		}
		for _, it := range more {
			byID[it.ID] = it
		}
	}
	soon := env.Calendar.AddWorkdays(env.Today, soonDays)
	for _, d := range ds {
		it := byID[d.ItemID]
		if it == nil {
			it = env.Facts.ByID[d.ItemID]
		}
		if f, ok := deadlineFinding(env, d, it, soon); ok {
			p.dl = append(p.dl, dueFinding{due: d.Due, f: f})
		}
	}
	return nil
}

// deadlineFinding is the finding of a deadline about it (nil: a Source's
// record), if the deadline is missed, was met late or falls due by soon.
func deadlineFinding(env *Env, d *deadline.Deadline, it *catalog.Item, soon calendar.Date) (Finding, bool) {
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
		return f, false
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
		return f, false
	}
	return f, true
}

// --- interpretations ---

var ruleUnlinked = Rule{Code: "interpretation.unlinked", Title: "政策解读应与所解读的政策文件相互关联", Basis: "重点任务第8项（解读与政策文件相互关联）"}

// interpretation counts a published item into the coverage, or reports
// an interpretation that explains nothing.
func (p *pass) interpretation(it *catalog.Item) {
	facts := p.env.Facts
	switch {
	// Coverage counts the in-force documents of the types interpretations
	// are declared to explain (catalog.DocType.InterpretTargets).
	case catalog.Interpretable(it.DocType) && it.Disclosure == "proactive" && (it.Validity == "in_force" || it.Validity == ""):
		p.total++
		for _, id := range facts.InterpretedBy[it.ID] {
			if in := facts.ByID[id]; in != nil && in.Status == catalog.StatusPublished {
				p.covered++
				break
			}
		}
	case it.Type() != nil && it.Type().Interprets && len(facts.Interprets[it.ID]) == 0:
		p.interp = append(p.interp, Finding{Rule: ruleUnlinked, Level: Fault, Link: itemLink(it.ID), Department: it.Department,
			Message: fmt.Sprintf("政策解读“%s”没有关联所解读的政策文件", it.Title)})
	}
}

// --- columns ---

var (
	ruleStale  = Rule{Code: "column.stale", Title: "栏目应按更新周期更新", Basis: "国办秘函〔2019〕19号 栏目不更新：动态、要闻类 2 周，通知公告、政策文件类 6 个月"}
	ruleEmpty  = Rule{Code: "column.empty", Title: "不得有空白栏目", Basis: "国办秘函〔2019〕19号 栏目不更新（空白栏目）"}
	ruleArt20  = Rule{Code: "column.art20_empty", Title: "法定主动公开内容栏目不得为空", Basis: "《政府信息公开条例》第二十条"}
	ruleHome   = Rule{Code: "site.home_stale", Title: "首页 2 周内应有更新", Basis: "国办秘函〔2019〕19号 单项否决：首页不更新"}
	ruleVetoCo = Rule{Code: "site.columns_stale", Title: "不更新或空白栏目达到否决线", Basis: "国办秘函〔2019〕19号 单项否决：应更新未更新栏目 ≥ 5 个，或空白栏目 ≥ 5 个"}
)

// column notes a published item's column and date. A 发布日期 after the
// inspection day (imported, or typed before the domain bounded it) is no
// update: it must not hide a stale column (issue 16 #10).
func (p *pass) column(it *catalog.Item) {
	p.has[it.ColumnID] = true
	if d := calendar.Day(it.PublishedOn); d.After(p.last[it.ColumnID]) && !d.After(p.env.Today) {
		p.last[it.ColumnID] = d
	}
}

// columns are the findings about the columns and the home page, from the
// dates the pass noted.
func (p *pass) columns() []Finding {
	env, last, has := p.env, p.last, p.has
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
	return out
}

func subtree(c *catalog.Column) []int64 {
	ids := []int64{c.ID}
	for _, ch := range c.Children {
		ids = append(ids, subtree(ch)...)
	}
	return ids
}

// --- content ---

var (
	ruleBroken    = Rule{Code: "content.broken_link", Title: "页面中不得有无法访问的链接", Basis: "国办秘函〔2019〕19号 扣分项：链接不可用"}
	ruleWithdrawn = Rule{Code: "content.withdrawn_link", Title: "不得链接已撤回的信息", Basis: "国办秘函〔2019〕19号 扣分项：链接不可用"}
	ruleAlt       = Rule{Code: "content.img_alt", Title: "图片应有替代文本", Basis: "GB/T 37668-2019 非文本内容应提供替代文本"}
)

// contentOf checks the bodies of a page's published items: images
// without alternative text, links to this site's missing or withdrawn
// pages. The items linked to are looked up once per page.
func (p *pass) contentOf(ctx context.Context, s *Service, siteID int64, items []*catalog.Item) error {
	links := make([][]sanitize.Link, len(items))
	var ids []int64
	for i, it := range items {
		if it.Status != catalog.StatusPublished {
			continue
		}
		links[i] = sanitize.Links(it.Body)
		for _, l := range links[i] {
			if id, ok := linkedItem(l.URL); ok {
				ids = append(ids, id)
			}
		}
	}
	status, err := s.Catalog.StatusesByID(ctx, siteID, ids)
	if err != nil {
		return err
	}
	for i, it := range items {
		for _, l := range links[i] {
			if l.Tag == "img" && !l.HasAlt {
				p.content = append(p.content, Finding{Rule: ruleAlt, Level: Fault, Link: itemLink(it.ID), Department: it.Department,
					Message: fmt.Sprintf("“%s”正文中的图片 %s 没有替代文本（alt）", it.Title, l.URL)})
			}
			bad, withdrawn := p.env.internalLink(l.URL, status)
			switch {
			case withdrawn:
				p.content = append(p.content, Finding{Rule: ruleWithdrawn, Level: Fault, Link: itemLink(it.ID), Department: it.Department,
					Message: fmt.Sprintf("“%s”正文链接到已撤回的信息 %s", it.Title, l.URL)})
			case bad:
				p.content = append(p.content, Finding{Rule: ruleBroken, Level: Fault, Link: itemLink(it.ID), Department: it.Department,
					Message: fmt.Sprintf("“%s”正文中的链接 %s 无法访问", it.Title, l.URL)})
			}
		}
	}
	return nil
}

// linkPath is a link's path without query and fragment when it is one of
// this site's own pages ("/…", not "//host…").
func linkPath(u string) (string, bool) {
	if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") {
		return "", false
	}
	path, _, _ := strings.Cut(u, "?")
	path, _, _ = strings.Cut(path, "#")
	return path, true
}

// linkedItem is the id of the item a link to /items/ID points at.
func linkedItem(u string) (int64, bool) {
	path, ok := linkPath(u)
	if !ok || !strings.HasPrefix(path, "/items/") {
		return 0, false
	}
	id, err := strconv.ParseInt(strings.SplitN(strings.TrimPrefix(path, "/items/"), "/", 2)[0], 10, 64)
	return id, err == nil
}

// internalLink checks a link to this site's own pages (status: the
// statuses of the items linked to, catalog.StatusesByID); links elsewhere
// are not followed here.
func (env *Env) internalLink(u string, status map[int64]string) (broken, withdrawn bool) {
	path, ok := linkPath(u)
	if !ok {
		return false, false
	}
	switch {
	case strings.HasPrefix(path, "/items/"):
		id, ok := linkedItem(u)
		if !ok {
			return true, false
		}
		st, ok := status[id]
		switch {
		case !ok:
			return true, false
		case st == catalog.StatusWithdrawn:
			return false, true
		}
		return st != catalog.StatusPublished, false
	case strings.HasPrefix(path, "/columns/"):
		slug := strings.SplitN(strings.TrimPrefix(path, "/columns/"), "/", 2)[0]
		c := env.Tree.BySlug[slug]
		return c == nil || c.Hidden, false
	}
	return false, false
}

// --- validity ---

// ExpiringDays is how far ahead a lapsing document is flagged.
const ExpiringDays = 90

var (
	ruleExpiring = Rule{Code: "validity.expiring", Title: "即将到期的文件应及时评估", Basis: "国办发〔2017〕47号（文件有效性在文件上标注）；有效期届满前评估是否继续施行"}
	ruleAmended  = Rule{Code: "validity.no_successor", Title: "已修订的文件应关联修订后的文件", Basis: "国办发〔2017〕47号（已修订、废止的文件在页面上标注，并注明替代文件）"}
)

// validityOf looks at a published document's 有效性 (issue 15): one whose
// 有效期至 falls within ExpiringDays is to be reviewed (延续, 修订 or 废止)
// in time; an amended one names the document that amended it.
func (p *pass) validityOf(it *catalog.Item) {
	t := it.Type()
	if t == nil {
		return
	}
	switch {
	case it.Validity == "in_force" && t.ValidUntil != "":
		until := calendar.Day(it.Value(t.ValidUntil))
		if days := until.Sub(p.env.Today); !until.IsZero() && days >= 0 && days <= ExpiringDays {
			p.validity = append(p.validity, Finding{Rule: ruleExpiring, Level: Soon, Link: itemLink(it.ID), Department: it.Department, Due: until.String(),
				Message: fmt.Sprintf("“%s”有效期至 %s，还有 %d 天，请评估是否延续、修订或废止", it.Title, until, days)})
		}
	case it.Validity == "amended" && it.SuccessorID == 0:
		p.validity = append(p.validity, Finding{Rule: ruleAmended, Level: Fault, Link: itemLink(it.ID), Department: it.Department,
			Message: fmt.Sprintf("“%s”标注为已修订，但没有关联修订后的文件（替代文件）", it.Title)})
	}
}

// --- sections ---

// sectionsOf reports a published item that leaves a section its type
// expects empty (DocType.Expected: an interpretation without its 背景,
// 依据, 目的 or 举措, seed task 8).
func (p *pass) sectionsOf(it *catalog.Item) {
	t := it.Type()
	if t == nil || len(t.Expected) == 0 {
		return
	}
	var missing []string
	for _, name := range t.Expected {
		if strings.TrimSpace(it.Value(name)) == "" {
			f, _ := t.Field(name)
			missing = append(missing, f.Label)
		}
	}
	if len(missing) > 0 {
		p.sections = append(p.sections, Finding{Rule: Rule{Code: "content.sections." + t.Code, Title: t.Name + "内容应完整", Basis: t.ExpectedRule},
			Level: Fault, Link: itemLink(it.ID), Department: it.Department,
			Message: fmt.Sprintf("“%s”缺少%s", it.Title, strings.Join(missing, "、"))})
	}
}
