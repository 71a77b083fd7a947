package consult

import (
	"context"
	"fmt"

	"gongkai/internal/compliance"
)

// RuleStakeholder is the self-inspection rule of a meeting topic that
// touches the public's vital interests without a proposal for stakeholder
// attendance: "每一个涉及群众切身利益的办公会议议题，都要提出利益相关方列席建议"
// (临沂市司法局2021年政务公开重点任务第3项; RECORDS §9.1).
var RuleStakeholder = compliance.Rule{Code: "meetings.stakeholder_plan", Title: "涉及群众切身利益的会议议题未提出利益相关方列席建议",
	Basis: "临沂市司法局2021年政务公开重点任务第3项"}

// Check is the self-inspection's check of public participation. The
// feedback report's deadline is the catalogue's rule consultation.feedback
// (the deadline findings), so it is not repeated here.
func (s *Service) Check() compliance.Check { return participationCheck{s} }

type participationCheck struct{ s *Service }

func (participationCheck) Name() string { return "consult" }

func (c participationCheck) Run(ctx context.Context, env *compliance.Env) ([]compliance.Finding, error) {
	ms, err := c.s.Meetings(ctx, env.Facts.Site.ID, false)
	if err != nil {
		return nil, err
	}
	var out []compliance.Finding
	for _, m := range ms {
		if m.HeldOn < env.Today.AddDays(-366).String() {
			continue // a year back is enough for the inspection
		}
		full, err := c.s.Meeting(ctx, m.SiteID, m.ID)
		if err != nil {
			return nil, err
		}
		for _, t := range full.Topics {
			if t.PublicInterest && t.StakeholderPlan == "" {
				out = append(out, compliance.Finding{Rule: RuleStakeholder, Level: compliance.Fault, Department: t.Department,
					Link:    fmt.Sprintf("/admin/meetings/%d", m.ID),
					Message: fmt.Sprintf("“%s”（%s）的议题“%s”涉及群众切身利益，但没有提出利益相关方列席建议", m.Title, m.HeldOn, t.Title)})
			}
		}
	}
	return out, nil
}
