package live

import (
	"context"
	"fmt"

	"gongkai/internal/compliance"
)

// Self-inspection rules of the new-media directory.
var (
	// RuleNoNewMedia: the seed's task 12 asks for working links to the
	// body's new media "在门户网站明显位置" (RECORDS §10.2); the home page
	// shows the running accounts of the directory, so a directory whose
	// every account is paused or closed means no link. (A site that never
	// used the directory may link its accounts elsewhere: not reported.)
	RuleNoNewMedia = compliance.Rule{Code: "newmedia.missing", Title: "门户网站未提供政务新媒体链接",
		Basis: "临沂市司法局2021年政务公开重点任务第12项（在门户网站明显位置提供有效链接）；国办发〔2018〕123号"}
	// RuleUnfiled: opening or changing an account is filed within 2
	// working days (the Hedong rule, RECORDS §10.1); an account without a
	// filing number in the directory has not been.
	RuleUnfiled = compliance.Rule{Code: "newmedia.unfiled", Title: "政务新媒体账号未登记备案信息",
		Basis: "临沂市河东区政务新媒体管理规定（开设、变更须在2个工作日内备案）；国办发〔2018〕123号"}
)

// Check is the self-inspection's check of the new-media directory.
func (s *Service) Check() compliance.Check { return newMediaCheck{s} }

type newMediaCheck struct{ s *Service }

func (newMediaCheck) Name() string { return "newmedia" }

func (c newMediaCheck) Run(ctx context.Context, env *compliance.Env) ([]compliance.Finding, error) {
	all, err := c.s.Accounts(ctx, env.Facts.Site.ID, false)
	if err != nil {
		return nil, err
	}
	var as []*Account
	for _, a := range all {
		if a.Running() {
			as = append(as, a)
		}
	}
	if len(all) > 0 && len(as) == 0 {
		return []compliance.Finding{{Rule: RuleNoNewMedia, Level: compliance.Fault, Message: "政务新媒体名录中没有运行中的账号，门户首页不显示新媒体链接", Link: "/admin/newmedia"}}, nil
	}
	var out []compliance.Finding
	for _, a := range as {
		if a.FilingNo == "" {
			out = append(out, compliance.Finding{Rule: RuleUnfiled, Level: compliance.Fault,
				Message: fmt.Sprintf("%s（%s）没有登记备案编号", a.Name, a.PlatformLabel()), Link: "/admin/newmedia/" + formatInt(a.ID)})
		}
	}
	return out, nil
}
