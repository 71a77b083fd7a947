package lists

import (
	"context"
	"fmt"

	"gongkai/internal/compliance"
)

// RuleStale is the self-inspection rule of a list not republished or
// confirmed within its kind's period. The duty to keep the lists current
// is the seed's task 5 ("及时发布并动态调整市司法局权责清单和职责边界清单") and
// Shandong's 动态管理 (RECORDS §1.6); the period itself is the platform's
// (UpdateDays, UNVERIFIED: no legal figure was found).
var RuleStale = compliance.Rule{Code: "lists.stale", Title: "清单未按期更新或确认",
	Basis: "临沂市司法局2021年政务公开重点任务第5项（及时发布并动态调整权责清单和职责边界清单）；鲁政字〔2016〕76号（动态管理）"}

// Check is the self-inspection's check of the lists of a site.
func (s *Service) Check() compliance.Check { return staleCheck{s} }

type staleCheck struct{ s *Service }

func (staleCheck) Name() string { return "lists" }

func (c staleCheck) Run(ctx context.Context, env *compliance.Env) ([]compliance.Finding, error) {
	stale, err := c.s.StaleLists(ctx, env.Facts.Site.ID, env.Today)
	if err != nil {
		return nil, err
	}
	var out []compliance.Finding
	for _, st := range stale {
		msg := fmt.Sprintf("%s现行版本 %s 起施行，超过 %d 天未更新或确认（应于 %s 前；内容无变化的，可导出后原样导入发布，作为确认）",
			st.Kind.Name, st.Last, st.Kind.UpdateDays, st.Due)
		out = append(out, compliance.Finding{Rule: RuleStale, Level: compliance.Fault, Message: msg, Link: "/admin/lists/" + st.Kind.Code, Due: st.Due})
	}
	return out, nil
}
