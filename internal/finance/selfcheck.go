package finance

import (
	"context"
	"fmt"
	"sort"

	"gongkai/internal/calendar"
	"gongkai/internal/compliance"
	"gongkai/internal/lists"
	"gongkai/internal/store"
)

// Self-inspection rules of 财政信息.
var (
	RuleReportLate = compliance.Rule{Code: "finance.report_late", Title: "部门预决算未在批复后二十日内公开",
		Basis: "《中华人民共和国预算法》第十四条；《预算法实施条例》第六条"}
	RuleIntentionLate = compliance.Rule{Code: "finance.intention_late", Title: "政府采购意向未在采购活动开始前30日公开",
		Basis: "财政部《关于开展政府采购意向公开工作的通知》（财库〔2020〕10号）"}
	RuleSanshiMissing = compliance.Rule{Code: "finance.sanshi_missing", Title: "部门预决算缺少“三公”经费说明",
		Basis: "《中华人民共和国预算法》第十四条；财政预决算领域基层政务公开标准目录（“三公”经费）"}
)

// Intention is one procurement intention in the lead-time ledger.
type Intention struct {
	Key, Title string
	// Starts is the procurement's start: the record's 采购活动开始日期, else
	// the first day of its expected month (the earliest it can start).
	Starts calendar.Date
	// Due is the last day to publish: Starts less IntentionLeadDays.
	Due calendar.Date
	// PublishedOn is the day first public (zero: not yet).
	PublishedOn calendar.Date
}

// Late says whether it was published after Due, or is unpublished past it.
func (e *Intention) Late(today calendar.Date) bool {
	if e.PublishedOn.IsZero() {
		return today.After(e.Due)
	}
	return e.PublishedOn.After(e.Due)
}

func dayOf(instant string) calendar.Date {
	t := store.ParseTime(instant)
	if t.IsZero() {
		return calendar.Date{}
	}
	return calendar.DateOf(t.In(calendar.Beijing))
}

// IntentionLedger is every intention the site recorded (any edition), by
// start, with the day it was first published.
func (s *Service) IntentionLedger(ctx context.Context, siteID int64) ([]*Intention, error) {
	hist, err := s.Lists.History(ctx, siteID, Intentions)
	if err != nil {
		return nil, err
	}
	by := map[string]*Intention{}
	for _, v := range hist {
		starts := calendar.Day(v.Values["starts_on"])
		if starts.IsZero() {
			starts = calendar.Day(v.Values["expected_month"] + "-01")
		}
		if starts.IsZero() {
			continue
		}
		e := by[v.Key]
		if e == nil {
			e = &Intention{Key: v.Key}
			by[v.Key] = e
		}
		e.Title, e.Starts, e.Due = v.Values["project_name"], starts, starts.AddDays(-IntentionLeadDays)
		if v.Status != lists.Published {
			continue
		}
		on := dayOf(v.PublishedAt)
		if first := calendar.Day(v.Values["first_published_on"]); !first.IsZero() && first.Before(on) {
			on = first
		}
		if e.PublishedOn.IsZero() || on.Before(e.PublishedOn) {
			e.PublishedOn = on
		}
	}
	out := make([]*Intention, 0, len(by))
	for _, e := range by {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		if c := out[i].Starts.Compare(out[j].Starts); c != 0 {
			return c < 0
		}
		return out[i].Key < out[j].Key
	})
	return out, nil
}

// LookBack bounds the late publications reported (a year, as the
// enforcement check); unpublished ones are reported whatever their age.
const LookBack = 365

// Check is the self-inspection's check of budgets, final accounts and
// procurement intentions.
func (s *Service) Check() compliance.Check { return check{s} }

type check struct{ s *Service }

func (check) Name() string { return "finance" }

func (c check) Run(ctx context.Context, env *compliance.Env) ([]compliance.Finding, error) {
	siteID, today := env.Facts.Site.ID, env.Today
	var out []compliance.Finding
	reps, err := c.s.Reports(ctx, siteID, Filter{})
	if err != nil {
		return nil, err
	}
	for _, r := range reps {
		link := fmt.Sprintf("/admin/finance/reports/%d", r.ID)
		due := calendar.Day(r.Due)
		switch {
		case r.PublishedOn == "" && today.After(due):
			out = append(out, compliance.Finding{Rule: RuleReportLate, Level: compliance.Fault, Link: link, Due: r.Due, Department: env.Departments[r.DepartmentID],
				Message: fmt.Sprintf("%s于 %s 批复，应于 %s 前公开，至今未公开", r.Title(), r.ApprovedOn, r.Due)})
		case r.PublishedOn == "" && today.Sub(due) >= -5:
			out = append(out, compliance.Finding{Rule: RuleReportLate, Level: compliance.Soon, Link: link, Due: r.Due, Department: env.Departments[r.DepartmentID],
				Message: fmt.Sprintf("%s须于 %s 前公开", r.Title(), r.Due)})
		case r.PublishedOn != "" && r.PublishedOn > r.Due && today.Sub(due) <= LookBack:
			out = append(out, compliance.Finding{Rule: RuleReportLate, Level: compliance.Fault, Link: link, Due: r.Due, Department: env.Departments[r.DepartmentID],
				Message: fmt.Sprintf("%s于 %s 批复，应于 %s 前公开，实际 %s 公开", r.Title(), r.ApprovedOn, r.Due, r.PublishedOn)})
		}
		if r.Sanshi == "" {
			out = append(out, compliance.Finding{Rule: RuleSanshiMissing, Level: compliance.Fault, Link: link, Message: r.Title() + "没有“三公”经费说明"})
		}
	}
	led, err := c.s.IntentionLedger(ctx, siteID)
	if err != nil {
		return nil, err
	}
	link := "/admin/lists/" + Intentions.Code
	for _, e := range led {
		switch {
		case e.PublishedOn.IsZero() && today.After(e.Due) && !today.After(e.Starts):
			out = append(out, compliance.Finding{Rule: RuleIntentionLate, Level: compliance.Fault, Link: link, Due: e.Due.String(),
				Message: fmt.Sprintf("采购意向“%s”（%s）预计 %s 开始采购，应于 %s 前公开，至今未公开", e.Title, e.Key, e.Starts, e.Due)})
		case e.PublishedOn.IsZero() && today.After(e.Starts):
			out = append(out, compliance.Finding{Rule: RuleIntentionLate, Level: compliance.Fault, Link: link, Due: e.Due.String(),
				Message: fmt.Sprintf("采购意向“%s”（%s）的采购活动已于 %s 开始，采购意向至今未公开", e.Title, e.Key, e.Starts)})
		case e.PublishedOn.IsZero() && today.Sub(e.Due) >= -7:
			out = append(out, compliance.Finding{Rule: RuleIntentionLate, Level: compliance.Soon, Link: link, Due: e.Due.String(),
				Message: fmt.Sprintf("采购意向“%s”（%s）须于 %s 前公开", e.Title, e.Key, e.Due)})
		case !e.PublishedOn.IsZero() && e.PublishedOn.After(e.Due) && today.Sub(e.Due) <= LookBack:
			out = append(out, compliance.Finding{Rule: RuleIntentionLate, Level: compliance.Fault, Link: link, Due: e.Due.String(),
				Message: fmt.Sprintf("采购意向“%s”（%s）预计 %s 开始采购，应于 %s 前公开，实际 %s 公开，不足%d日", e.Title, e.Key, e.Starts, e.Due, e.PublishedOn, IntentionLeadDays)})
		}
	}
	return out, nil
}
