package compliance

// The self-inspection as it was before it became one pass over pages of
// items (issue 17): every item and deadline of the site loaded at once
// (deadline.LoadFacts, Evaluate) and each check run over all of them. It
// is kept here, unchanged but for its names, as the reference the pass's
// findings must equal (TestPassEqualsReference).

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/deadline"
	"gongkai/internal/sanitize"
)

// eachPublishedBody calls fn with the id and body of each published item
// of a site, in id order, one row at a time: how the old checks read bodies.
func eachPublishedBody(ctx context.Context, c *catalog.Service, siteID int64, fn func(id int64, body string) error) error {
	rows, err := c.DB.R.QueryContext(ctx, `SELECT id, body FROM items WHERE site_id = $1 AND status = $2 ORDER BY id`, siteID, catalog.StatusPublished)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var body string
		if err := rows.Scan(&id, &body); err != nil {
			return err
		}
		if err := fn(id, body); err != nil {
			return err
		}
	}
	return rows.Err()
}

// refEnv is the old Env: the facts hold every item.
type refEnv struct {
	Facts       *deadline.Facts
	Deadlines   []*deadline.Deadline
	Tree        *catalog.Tree
	Calendar    *calendar.Calendar
	Today       calendar.Date
	Departments map[int64]string
	Bodies      func(ctx context.Context, fn func(id int64, body string) error) error
}

// refRun is the old Run's catalogue part: the findings of the core checks
// in their final order, and the coverage.
func (s *Service) refRun(ctx context.Context, siteID int64, today calendar.Date) (*Report, error) {
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
	env := &refEnv{Facts: f, Deadlines: ds, Tree: tree, Calendar: cal, Today: today, Departments: map[int64]string{},
		Bodies: func(ctx context.Context, fn func(int64, string) error) error {
			return eachPublishedBody(ctx, s.Catalog, siteID, fn)
		}}
	for _, d := range depts {
		env.Departments[d.ID] = d.Name
	}
	rep := &Report{SiteID: siteID, Site: f.Site.Name, Today: today.String()}
	checks := []interface {
		Run(context.Context, *refEnv) ([]Finding, error)
	}{refDeadlineCheck{}, refInterpretationCheck{rep: rep}, refColumnCheck{}, refContentCheck{}, refValidityCheck{}, refSectionsCheck{}}
	for _, c := range checks {
		fs, err := c.Run(ctx, env)
		if err != nil {
			return nil, err
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
	return rep, nil
}

// --- deadlines ---

type refDeadlineCheck struct{}

func (refDeadlineCheck) Run(ctx context.Context, env *refEnv) ([]Finding, error) {
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

type refInterpretationCheck struct{ rep *Report }

func (c refInterpretationCheck) Run(ctx context.Context, env *refEnv) ([]Finding, error) {
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

type refColumnCheck struct{}

func (refColumnCheck) Run(ctx context.Context, env *refEnv) ([]Finding, error) {
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

// --- content ---

type refContentCheck struct{}

func (refContentCheck) Run(ctx context.Context, env *refEnv) ([]Finding, error) {
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
		out = refContentFindings(env, it, body, out)
		return nil
	})
	return out, err
}

func refContentFindings(env *refEnv, it *catalog.Item, body string, out []Finding) []Finding {
	for _, l := range sanitize.Links(body) {
		if l.Tag == "img" && !l.HasAlt {
			out = append(out, Finding{Rule: ruleAlt, Level: Fault, Link: itemLink(it.ID), Department: it.Department,
				Message: fmt.Sprintf("“%s”正文中的图片 %s 没有替代文本（alt）", it.Title, l.URL)})
		}
		bad, withdrawn := env.refInternalLink(l.URL)
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
func (env *refEnv) refInternalLink(u string) (broken, withdrawn bool) {
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
			return !env.refWithdrawn(id), env.refWithdrawn(id)
		}
		return it.Status != catalog.StatusPublished, false
	case strings.HasPrefix(path, "/columns/"):
		slug := strings.SplitN(strings.TrimPrefix(path, "/columns/"), "/", 2)[0]
		c := env.Tree.BySlug[slug]
		return c == nil || c.Hidden, false
	}
	return false, false
}

func (env *refEnv) refWithdrawn(id int64) bool { return env.Facts.Withdrawn[id] }

// refValidityCheck looks at documents' 有效性 (issue 15): a document whose
// 有效期至 falls within ExpiringDays is to be reviewed (延续, 修订 or 废止)
// in time; an amended one names the document that amended it.
type refValidityCheck struct{}

func (refValidityCheck) Run(ctx context.Context, env *refEnv) ([]Finding, error) {
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

// refSectionsCheck reports published items that leave a section their type
// expects empty (DocType.Expected: an interpretation without its 背景,
// 依据, 目的 or 举措, seed task 8).
type refSectionsCheck struct{}

func (refSectionsCheck) Run(ctx context.Context, env *refEnv) ([]Finding, error) {
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
