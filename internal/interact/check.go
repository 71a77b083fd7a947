package interact

import (
	"context"
	"fmt"
	"strconv"

	"gongkai/internal/calendar"
	"gongkai/internal/compliance"
	"gongkai/internal/errs"
)

// Check puts the messages in the self-inspection.
type Check struct{ Service *Service }

// Name names the check.
func (Check) Name() string { return "messages" }

var (
	ruleVeto = compliance.Rule{Code: "message.veto", Title: "留言超过3个月未答复（单项否决）",
		Basis: "国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》单项否决“互动回应差”：检查前1年内，咨询类栏目存在超过3个月未回应的有效留言（REFERENCE §5.1）"}
	ruleDue = compliance.Rule{Code: "message.reply", Title: "留言答复期限",
		Basis: "本站留言答复期限（默认5个工作日，我为政府网站找错3个工作日；REFERENCE §5.1 的通行做法，可在留言设置中调整）"}
	ruleFresh = compliance.Rule{Code: "message.fresh", Title: "留言答复更新",
		Basis: "2019年国办政府网站自查：检查前2个月内未更新留言答复的扣3分（RECORDS §11 [R98]）"}
)

// VetoWarnDays: an open message this many calendar days before its 3-month
// line is reported as approaching it.
const VetoWarnDays = 15

// Run lists the findings for the site of env.
func (c Check) Run(ctx context.Context, env *compliance.Env) ([]compliance.Finding, error) {
	if c.Service == nil || env.Facts == nil || env.Facts.Site == nil {
		return nil, nil
	}
	return c.Service.Findings(ctx, env.Facts.Site.ID, env.Today)
}

// Findings are the self-inspection's findings on the site's messages on
// day today: open messages past the 3-month line (veto), approaching it,
// past their due date; messages answered in the last year after the line
// (also a veto: the message was left unanswered over 3 months); and no
// answer published in the last 2 months.
func (s *Service) Findings(ctx context.Context, siteID int64, today calendar.Date) ([]compliance.Finding, error) {
	yearAgo := AddMonths(today, -12)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+rowCols+` FROM messages m LEFT JOIN departments d ON d.id = m.department_id
		WHERE m.site_id = $1 AND (m.status NOT IN ('answered', 'invalid') OR (m.status = 'answered' AND m.answered_on >= $2 AND m.answered_on > m.due_on))
		ORDER BY m.due_on`, siteID, yearAgo.String())
	if err != nil {
		return nil, errs.Wrap(err, "message findings")
	}
	rs, err := scanRows(rows, false)
	if err != nil {
		return nil, err
	}
	sortRows(rs)
	var out []compliance.Finding
	for _, r := range rs {
		line := AddMonths(r.Received, 3)
		f := compliance.Finding{Department: r.Department, Link: "/admin/messages/" + strconv.FormatInt(r.ID, 10), Due: r.Due.String()}
		name := fmt.Sprintf("留言 %s（%s，%s 收到）", r.TrackingNo, CategoryLabel(r.Category), r.Received)
		switch {
		case r.Status == StAnswered && r.Answered.After(line):
			f.Rule, f.Level = ruleVeto, compliance.Veto
			f.Message = fmt.Sprintf("%s于 %s 才答复，超过3个月（%s）", name, r.Answered, line)
		case r.Status == StAnswered:
			f.Rule, f.Level = ruleDue, compliance.Fault
			f.Message = fmt.Sprintf("%s答复超期：应于 %s 前答复，实际 %s", name, r.Due, r.Answered)
		case today.After(line):
			f.Rule, f.Level = ruleVeto, compliance.Veto
			f.Message = fmt.Sprintf("%s超过3个月未答复（3个月期满日 %s）", name, line)
		case !today.Before(line.AddDays(-VetoWarnDays)):
			f.Rule, f.Level = ruleVeto, compliance.Soon
			f.Message = fmt.Sprintf("%s尚未答复，距3个月否决线（%s）还有 %d 天，且已超过答复期限 %s", name, line, line.Sub(today), r.Due)
		case today.After(r.Due):
			f.Rule, f.Level = ruleDue, compliance.Fault
			f.Message = fmt.Sprintf("%s已逾期：应于 %s 前答复，至今未答复", name, r.Due)
		default:
			continue
		}
		out = append(out, f)
	}
	var total int
	var last string
	if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(answered_on), '') FROM messages WHERE site_id = $1 AND published = 1`, siteID).Scan(&total, &last); err != nil {
		return nil, errs.Wrap(err, "last answer")
	}
	if total > 0 && calendar.Day(last).Before(AddMonths(today, -2)) {
		out = append(out, compliance.Finding{Rule: ruleFresh, Level: compliance.Fault, Link: "/admin/messages",
			Message: fmt.Sprintf("最近一次公开留言答复是 %s，已超过2个月未更新", last)})
	}
	return out, nil
}
