package inspect

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/compliance"
	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// Conclusions are the 检查结果 values: the categories seen in published
// market-regulation results (RECORDS §5.2 [R74]); the complete national
// list was not found (UNVERIFIED), so 其他 with a written result covers the
// rest (justice-sector wording varies, RECORDS §5.2).
var Conclusions = []catalog.Option{
	{Value: "no_problem", Label: "未发现问题"},
	{Value: "corrected", Label: "发现问题已责令改正"},
	{Value: "not_published", Label: "未按规定公示应当公示的信息"},
	{Value: "false_info", Label: "公示信息隐瞒真实情况、弄虚作假"},
	{Value: "unreachable", Label: "通过登记的住所（经营场所）无法联系"},
	{Value: "other", Label: "其他（见检查情况说明）"},
}

// Result is the published result of inspecting one drawn target
// (抽查结果公示, RECORDS §5.2).
type Result struct {
	ID          int64  `json:"id"`
	DrawID      int64  `json:"draw_id"`
	TargetKey   string `json:"target_key"`
	TargetName  string `json:"target_name"`
	Conclusion  string `json:"conclusion"`
	Label       string `json:"conclusion_label"`
	Detail      string `json:"detail"`
	FollowUp    string `json:"follow_up"`
	InspectedOn string `json:"inspected_on"`
	PublishedOn string `json:"published_on"`
	Due         string `json:"due"`
	Late        bool   `json:"late"`
}

// NewResult is what recording a result asks.
type NewResult struct {
	TargetKey   string `json:"target_key"`
	Conclusion  string `json:"conclusion"`
	Detail      string `json:"detail"`
	FollowUp    string `json:"follow_up"`
	InspectedOn string `json:"inspected_on"`
}

// RecordResult publishes the result of inspecting a drawn target, today;
// the deadline (Settings.Due from the inspection day) is recorded with it,
// so a late publication stays visible to the self-inspection.
func (s *Service) RecordResult(ctx context.Context, siteID int64, actor *auth.User, drawID int64, in NewResult) (*Result, error) {
	d, err := s.Draw(ctx, siteID, drawID)
	if err != nil {
		return nil, err
	}
	p, err := s.Plan(ctx, siteID, d.PlanID)
	if err != nil {
		return nil, err
	}
	if err := mayManage(actor, siteID, p.DepartmentID); err != nil {
		return nil, err
	}
	if d.Status != Drawn {
		return nil, errs.E(errs.Conflict, "本次抽取尚未完成，不能录入检查结果")
	}
	today := s.today()
	v := errs.Validation{}
	r := &Result{DrawID: d.ID, Conclusion: in.Conclusion, PublishedOn: today.String()}
	for _, t := range d.Outcome.Targets {
		if t.Key == in.TargetKey {
			r.TargetKey, r.TargetName = t.Key, t.Name
		}
	}
	if r.TargetKey == "" {
		v.Add("target_key", "该检查对象不在本次抽取结果中")
	}
	if !slices.ContainsFunc(Conclusions, func(o catalog.Option) bool { return o.Value == in.Conclusion }) {
		v.Add("conclusion", "请从列表中选择检查结果")
	}
	r.Label = catalog.OptionLabel(Conclusions, in.Conclusion)
	r.Detail = tooLong(v, "detail", "检查情况说明", in.Detail, MaxDetail)
	r.FollowUp = tooLong(v, "follow_up", "后续处理", in.FollowUp, MaxDetail)
	if in.Conclusion == "other" && r.Detail == "" && v["detail"] == "" {
		v.Add("detail", "检查结果为“其他”的，请填写检查情况说明")
	}
	on, err := calendar.Parse(in.InspectedOn)
	// An inspection follows its draw (Guangyuan draws 3 days before, RECORDS
	// §5.2 [R71]) and the plan's start, and is not in the future.
	from := calendar.Day(p.StartsOn)
	if drawn := calendar.DateOf(store.ParseTime(d.DrawnAt).In(calendar.Beijing)); from.Before(drawn) {
		from = drawn
	}
	switch {
	case err != nil:
		v.Add("inspected_on", "请填写检查日期（如 2025-06-18）")
	case on.Before(from) || today.Before(on):
		v.Add("inspected_on", fmt.Sprintf("检查日期应在 %s（计划开始或抽取之日）与今天之间", from))
	default:
		r.InspectedOn = on.String()
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO inspect_results (site_id, draw_id, target_key, target_name, conclusion, detail, follow_up, inspected_on, published_on, recorded_by, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`, siteID, d.ID, r.TargetKey, r.TargetName, r.Conclusion, r.Detail, r.FollowUp,
			r.InspectedOn, r.PublishedOn, actor.Label(), s.now()).Scan(&r.ID); err != nil {
			if store.IsUniqueViolation(err) {
				return errs.E(errs.Conflict, "%s的检查结果已经公示", r.TargetName)
			}
			return errs.Wrap(err, "record result")
		}
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "inspect.result", Target: fmt.Sprintf("inspect_result:%d", r.ID), After: r}); err != nil {
			return err
		}
		return s.changed(ctx, tx, siteID, p.ID)
	})
	if err != nil {
		return nil, err
	}
	s.committed(ctx)
	return r, s.dues(ctx, siteID, []*Result{r})
}

// dues fills each result's deadline and lateness under today's settings.
func (s *Service) dues(ctx context.Context, siteID int64, rs []*Result) error {
	if len(rs) == 0 {
		return nil
	}
	st, err := s.Settings(ctx, siteID)
	if err != nil {
		return err
	}
	cal, err := s.Calendar.Current(ctx)
	if err != nil {
		return err
	}
	for _, r := range rs {
		due := st.Due(cal, calendar.Day(r.InspectedOn))
		r.Due, r.Late = due.String(), due.Before(calendar.Day(r.PublishedOn))
	}
	return nil
}

// Results are a draw's published results, in the order recorded.
func (s *Service) Results(ctx context.Context, siteID, drawID int64) ([]*Result, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, draw_id, target_key, target_name, conclusion, detail, follow_up, inspected_on, published_on
		FROM inspect_results WHERE site_id = $1 AND draw_id = $2 ORDER BY id`, siteID, drawID)
	if err != nil {
		return nil, errs.Wrap(err, "results")
	}
	defer rows.Close()
	out := []*Result{}
	for rows.Next() {
		var r Result
		if err := rows.Scan(&r.ID, &r.DrawID, &r.TargetKey, &r.TargetName, &r.Conclusion, &r.Detail, &r.FollowUp, &r.InspectedOn, &r.PublishedOn); err != nil {
			return nil, errs.Wrap(err, "scan result")
		}
		r.Label = catalog.OptionLabel(Conclusions, r.Conclusion)
		out = append(out, &r)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "results")
	}
	return out, s.dues(ctx, siteID, out)
}

// Self-inspection rules (RECORDS §5.1 国办发〔2015〕58号: 抽查情况及查处结果及时
// 向社会公开; §5.3 for the period, a site setting).
var (
	RuleResultLate = compliance.Rule{Code: "inspect.result_late", Title: "双随机抽查结果未按期公示",
		Basis: "国办发〔2015〕58号（抽查情况及查处结果及时向社会公开）；" + BasisResults}
	RuleResultMissing = compliance.Rule{Code: "inspect.result_missing", Title: "双随机抽查结果逾期未公示",
		Basis: "国办发〔2015〕58号（抽查情况及查处结果及时向社会公开）；" + BasisResults}
)

// Check is the self-inspection's check of a site's random inspections.
func (s *Service) Check() compliance.Check { return resultCheck{s} }

type resultCheck struct{ s *Service }

func (resultCheck) Name() string { return "inspect" }

// Run reports results published after their deadline, and drawn targets
// without a result when the plan's completion date plus the period has
// passed (the inspection ends by the plan's 完成时限 at the latest).
func (c resultCheck) Run(ctx context.Context, env *compliance.Env) ([]compliance.Finding, error) {
	s, siteID := c.s, env.Facts.Site.ID
	st, err := s.Settings(ctx, siteID)
	if err != nil {
		return nil, err
	}
	plans, err := s.Plans(ctx, siteID, 0)
	if err != nil {
		return nil, err
	}
	var out []compliance.Finding
	for _, p := range plans {
		draws, err := s.Draws(ctx, siteID, p.ID)
		if err != nil {
			return nil, err
		}
		for _, d := range draws {
			if d.Status != Drawn {
				continue
			}
			link := fmt.Sprintf("/admin/inspect/draws/%d", d.ID)
			rs, err := s.Results(ctx, siteID, d.ID)
			if err != nil {
				return nil, err
			}
			done := map[string]bool{}
			for _, r := range rs {
				done[r.TargetKey] = true
				if r.Late {
					out = append(out, compliance.Finding{Rule: RuleResultLate, Level: compliance.Fault, Department: p.Department, Link: link, Due: r.Due,
						Message: fmt.Sprintf("“%s”对%s的检查结果（检查日期 %s）应于 %s 前公示，实际 %s 公示（%s）", p.Title, r.TargetName, r.InspectedOn, r.Due, r.PublishedOn, st.DeadlineText())})
				}
			}
			due := st.Due(env.Calendar, calendar.Day(p.EndsOn))
			if !due.Before(env.Today) {
				continue
			}
			for _, t := range d.Outcome.Targets {
				if !done[t.Key] {
					out = append(out, compliance.Finding{Rule: RuleResultMissing, Level: compliance.Fault, Department: p.Department, Link: link, Due: due.String(),
						Message: fmt.Sprintf("“%s”抽中的%s尚未公示检查结果（计划 %s 完成，应于 %s 前公示）", p.Title, t.Name, p.EndsOn, due)})
				}
			}
		}
	}
	return out, nil
}
