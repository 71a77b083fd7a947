package enforce

import (
	"context"
	"fmt"
	"strings"

	"gongkai/internal/calendar"
	"gongkai/internal/compliance"
	"gongkai/internal/errs"
	"gongkai/internal/lists"
)

// Self-inspection rules of the enforcement decisions and service guides.
var (
	RuleDecisionLate = compliance.Rule{Code: "enforce.decision_late", Title: "行政执法决定未按时公开",
		Basis: "国办发〔2018〕118号（行政许可、行政处罚决定7个工作日内，其他执法决定20个工作日内公开）"}
	RuleWithdrawLate = compliance.Rule{Code: "enforce.withdraw_late", Title: "已变更、撤销的执法决定未按时撤回",
		Basis: "《中华人民共和国行政处罚法》第四十八条（三日内撤回并公开说明理由）"}
	// RECORDS §2.7: last year's enforcement data are published by 31 January
	// (Datong's 2021 rule after 118号 [R17]; the national sentence was not
	// read, so the date is confirmed only locally). The figures are computed
	// from the published decisions, so they are complete once every decision
	// of the year is published.
	RuleFiguresIncomplete = compliance.Rule{Code: "enforce.figures_incomplete", Title: "上年度行政执法数据不完整",
		Basis: "国办发〔2018〕118号；上年度行政执法数据于1月31日前公开（地方规定，RECORDS §2.7）"}
	RuleGuideIncomplete = compliance.Rule{Code: "enforce.guide_incomplete", Title: "办事指南要素不全",
		Basis: "《优化营商环境条例》第三十五条；《山东省优化营商环境条例》第二十八条；国办发〔2018〕118号"}
)

// LookBack is how far back (days from today, by decision date) late
// publications are reported: a year of decisions, what an inspection
// reviews (platform; no period was found). Unpublished decisions are
// reported whatever their age.
const LookBack = 365

// Check is the self-inspection's check of a site's decisions and guides.
func (s *Service) Check() compliance.Check { return check{s} }

type check struct{ s *Service }

func (check) Name() string { return "enforce" }

func (c check) Run(ctx context.Context, env *compliance.Env) ([]compliance.Finding, error) {
	siteID, today, cal := env.Facts.Site.ID, env.Today, env.Calendar
	led, err := c.s.Ledger(ctx, siteID, cal)
	if err != nil {
		return nil, err
	}
	var out []compliance.Finding
	link := "/admin/lists/" + Decisions.Code
	for _, e := range led {
		switch {
		case e.Overdue(today):
			out = append(out, compliance.Finding{Rule: RuleDecisionLate, Level: compliance.Fault, Link: link, Due: e.Due.String(),
				Message: fmt.Sprintf("%s（%s，%s 作出）应于 %s 前公开，至今未公开", e.Title, e.Key, e.DecidedOn, e.Due)})
		case e.PublishedOn.IsZero() && today.Sub(e.Due) >= -2:
			out = append(out, compliance.Finding{Rule: RuleDecisionLate, Level: compliance.Soon, Link: link, Due: e.Due.String(),
				Message: fmt.Sprintf("%s（%s）须于 %s 前公开", e.Title, e.Key, e.Due)})
		case e.Late() && today.Sub(e.DecidedOn) <= LookBack:
			out = append(out, compliance.Finding{Rule: RuleDecisionLate, Level: compliance.Fault, Link: link, Due: e.Due.String(),
				Message: fmt.Sprintf("%s（%s，%s 作出）应于 %s 前公开，实际 %s 公开，逾期 %d 个工作日", e.Title, e.Key, e.DecidedOn, e.Due, e.PublishedOn, cal.WorkdaysBetween(e.Due, e.PublishedOn))})
		}
		if e.WithdrawLate(today) {
			when := "至今未撤回"
			if !e.WithdrawnOn.IsZero() {
				when = "实际 " + e.WithdrawnOn.String() + " 撤回"
			}
			out = append(out, compliance.Finding{Rule: RuleWithdrawLate, Level: compliance.Fault, Link: link, Due: e.WithdrawDue.String(),
				Message: fmt.Sprintf("%s（%s）于 %s 变更或撤销，应于 %s 前撤回公开并说明理由，%s", e.Title, e.Key, e.ChangedOn, e.WithdrawDue, when)})
		}
	}
	out = append(out, figuresFindings(led, today)...)
	inc, err := c.s.Incomplete(ctx, siteID)
	if err != nil {
		return nil, err
	}
	for _, g := range inc {
		out = append(out, compliance.Finding{Rule: RuleGuideIncomplete, Level: compliance.Fault, Link: "/admin/lists/" + Guides.Code,
			Message: fmt.Sprintf("办事指南“%s”（%s）完整度 %d%%，缺少：%s", g.Title, g.Key, g.Score, strings.Join(g.Missing, "、"))})
	}
	return out, nil
}

// figuresFindings reports last year's decisions still unpublished: after
// 31 January as a fault, in January as due soon.
func figuresFindings(led []*Entry, today calendar.Date) []compliance.Finding {
	year := today.Year - 1
	n := 0
	for _, e := range led {
		if e.DecidedOn.Year == year && e.PublishedOn.IsZero() {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	due := calendar.Date{Year: today.Year, Month: 1, Day: 31}
	level := compliance.Soon
	if today.After(due) {
		level = compliance.Fault
	} else if today.Month != 1 {
		return nil
	}
	return []compliance.Finding{{Rule: RuleFiguresIncomplete, Level: level, Link: "/admin/enforce/decisions", Due: due.String(),
		Message: fmt.Sprintf("%d年有 %d 件行政执法决定尚未公开，%d年度行政执法数据（应于 %s 前公开）不完整", year, n, year, due)}}
}

// Gap is a published guide lacking required elements.
type Gap struct {
	Key, Title string
	Missing    []string
	Score      int
}

// Incomplete lists the current edition's guides that lack elements.
func (s *Service) Incomplete(ctx context.Context, siteID int64) ([]Gap, error) {
	cur, err := s.Lists.Current(ctx, siteID, Guides)
	if err != nil || cur == nil {
		return nil, err
	}
	rows, err := s.Lists.Rows(ctx, cur.ID)
	if err != nil {
		return nil, err
	}
	var out []Gap
	for _, r := range rows {
		if miss, score := Guides.Missing(r.Values); len(miss) > 0 {
			out = append(out, Gap{r.Key, r.Title, miss, score})
		}
	}
	return out, nil
}

// Certificate is the public answer of the certificate lookup (RECORDS
// §2.3: 证号 → name, unit, category, validity).
type Certificate struct {
	Number     string `json:"cert_no"`
	Name       string `json:"name"`
	Unit       string `json:"unit"`
	Category   string `json:"category"`
	Area       string `json:"area"`
	ValidUntil string `json:"valid_until"`
	Valid      bool   `json:"valid"`
	URL        string `json:"url"`
}

// Lookup finds a certificate by its number in the current staff list
// (nil when none). valid is decided on today.
func (s *Service) Lookup(ctx context.Context, siteID int64, number, today string) (*Certificate, error) {
	number = strings.ToUpper(strings.TrimSpace(number))
	cur, err := s.Lists.Current(ctx, siteID, Staff)
	if err != nil || cur == nil || number == "" {
		return nil, err
	}
	r, err := s.Lists.Row(ctx, cur.ID, number)
	if err != nil && errs.CodeOf(err) != errs.NotFound {
		return nil, err
	}
	if err != nil {
		// Keys keep the case they were imported with.
		rows, err2 := s.Lists.Rows(ctx, cur.ID)
		if err2 != nil {
			return nil, err2
		}
		r = nil
		for i := range rows {
			if strings.EqualFold(rows[i].Key, number) {
				r = &rows[i]
				break
			}
		}
		if r == nil {
			return nil, nil
		}
	}
	v := r.Values
	return &Certificate{Number: r.Key, Name: v["name"], Unit: v["unit"], Category: Staff.Display(v, "category"), Area: v["area"],
		ValidUntil: v["valid_until"], Valid: v["valid_until"] >= today, URL: lists.RowURL(Staff.Code, r.Key)}, nil
}
