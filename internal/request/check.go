package request

import (
	"context"
	"fmt"
	"strconv"

	"gongkai/internal/compliance"
)

// DeadlineCheck puts the requests' deadlines in the self-inspection: open
// requests past their due date or due within DueSoonWorkdays, and replies
// given after the due date in the last year (条例第三十三条).
type DeadlineCheck struct{ Service *Service }

// Name names the check.
func (DeadlineCheck) Name() string { return "requests" }

var (
	ruleOverdue = compliance.Rule{Code: "request.reply", Title: "依申请公开答复期限",
		Basis: "《中华人民共和国政府信息公开条例》第三十三条：自收到申请之日起20个工作日内答复；延长的期限最长不超过20个工作日。"}
)

// Run lists the findings for the site of env.
func (c DeadlineCheck) Run(ctx context.Context, env *compliance.Env) ([]compliance.Finding, error) {
	if c.Service == nil || env.Facts == nil || env.Facts.Site == nil {
		return nil, nil
	}
	today := env.Today
	yearAgo := today.AddDays(-365)
	// Open requests and those closed within the year: not every request ever.
	rs, err := c.Service.List(ctx, env.Facts.Site.ID, Filter{ClosedSince: yearAgo})
	if err != nil {
		return nil, err
	}
	var out []compliance.Finding
	for _, r := range rs {
		st := r.State
		due := st.DueOn(today)
		f := compliance.Finding{Rule: ruleOverdue, Department: r.Department, Link: "/admin/requests/" + strconv.FormatInt(r.ID, 10), Due: dateOr(due)}
		switch u := r.Urgency(today); {
		case u == "overdue":
			f.Level = compliance.Fault
			f.Message = fmt.Sprintf("政府信息公开申请 %s 已逾期：应于 %s 前答复，至今未答复", r.TrackingNo, due)
		case u == "soon":
			f.Level = compliance.Soon
			f.Message = fmt.Sprintf("政府信息公开申请 %s 将于 %s 到期，剩余 %d 个工作日", r.TrackingNo, due, st.Left(today))
		case !st.Open() && st.Overdue(today) && st.Closed.After(yearAgo):
			f.Level = compliance.Fault
			f.Message = fmt.Sprintf("政府信息公开申请 %s 答复超期：应于 %s 前答复，实际 %s", r.TrackingNo, due, st.Closed)
		default:
			continue
		}
		out = append(out, f)
	}
	return out, nil
}

func dateOr(d interface {
	IsZero() bool
	String() string
}) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}
