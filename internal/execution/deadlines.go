package execution

import (
	"context"
	"fmt"

	"gongkai/internal/calendar"
	"gongkai/internal/deadline"
	"gongkai/internal/lists"
)

// The replies' deadlines in the deadline engine (internal/deadline, as a
// Source): the self-inspection reports them with the other deadlines, each
// with its calendar explanation.

// RuleReply is the reply period from assignment (RECORDS §7.3 [R10][R10a]:
// 代表法第五十一条 and the Shandong 条例第二十七条 — three months, six for
// broad or difficult ones; CPPCC practice the same, a setting).
func RuleReply() *deadline.Rule {
	return &deadline.Rule{Code: "proposal.reply", Title: fmt.Sprintf("建议提案自交办之日起 %d 个月内答复（涉及面广、处理难度大的 %d 个月内）", Config.ReplyMonths, Config.DifficultMonths),
		Basis: "《全国人民代表大会和地方各级人民代表大会代表法》第五十一条；《山东省人民代表大会代表建议、批评和意见办理工作条例》第二十七条（RECORDS §7.3）",
		Unit:  deadline.CalendarMonths, Days: Config.ReplyMonths}
}

// RulePublish is the publication of the reply letter after replying
// (RECORDS §7.3 [R82]: Anhui's 20 working days, a provincial rule; a setting).
func RulePublish() *deadline.Rule {
	return &deadline.Rule{Code: "proposal.publish", Title: fmt.Sprintf("建议提案答复后 %d 个工作日内公开复文", Config.PublishWorkdays),
		Basis: "国办发〔2014〕46号；安徽省做法：答复后20个工作日内公开（RECORDS §7.3，可设置）", Unit: deadline.Workdays, Days: Config.PublishWorkdays}
}

// RuleSecondReply is the second reply after a dissatisfied evaluation
// (RECORDS §7.3 [R10a]: re-handle and reply again within one month).
func RuleSecondReply() *deadline.Rule {
	return &deadline.Rule{Code: "proposal.second_reply", Title: fmt.Sprintf("代表委员对答复不满意的，%d 个月内再次答复", Config.SecondReplyMonths),
		Basis: "《山东省人民代表大会代表建议、批评和意见办理工作条例》：代表对办理结果不满意的，承办单位应当重新办理，并在一个月内再次答复（RECORDS §7.3）",
		Unit:  deadline.CalendarMonths, Days: Config.SecondReplyMonths}
}

// RuleCoOpinion is a co-handler's opinion to the lead unit (RECORDS §7.3
// [R10a]: within one month of receipt).
func RuleCoOpinion() *deadline.Rule {
	return &deadline.Rule{Code: "proposal.co_opinion", Title: fmt.Sprintf("协办单位自收到之日起 %d 个月内向主办单位提出协办意见", Config.CoOpinionMonths),
		Basis: "《山东省人民代表大会代表建议、批评和意见办理工作条例》：协办单位应当在一个月内将协办意见告知主办单位（RECORDS §7.3）",
		Unit:  deadline.CalendarMonths, Days: Config.CoOpinionMonths}
}

// RulePlanReply is the further reply on a planned item once its work is
// carried out (RECORDS §7.3 [R10a]), due on the date the first reply
// promised (Shandong 条例第十八条: a planned reply gives its time frame,
// RECORDS §7.4).
func RulePlanReply() *deadline.Rule {
	return &deadline.Rule{Code: "proposal.plan_reply", Title: "列入计划的建议提案，落实后再次答复代表委员",
		Basis: "《山东省人民代表大会代表建议、批评和意见办理工作条例》第十八条：列入工作计划的，应当说明计划和时限；正在办理或列入计划的事项，落实后应当再次答复（RECORDS §7.3、§7.4）",
		Unit:  deadline.CalendarDays}
}

// RuleMisassigned is the report of a wrong assignment to the assigning
// body (RECORDS §7.3 [R10a]: within 5 days of receipt, no self-transfer;
// Settings.MisassignedDays).
func RuleMisassigned() *deadline.Rule {
	return &deadline.Rule{Code: "proposal.misassigned", Title: fmt.Sprintf("认为交办不当的，自收到之日起 %d 日内向交办机关提出", Config.MisassignedDays),
		Basis: "《山东省人民代表大会代表建议、批评和意见办理工作条例》：承办单位认为交办不当的，应当在收到之日起五日内向交办机关说明，不得自行转办（RECORDS §7.3）",
		Unit:  deadline.CalendarDays, Days: Config.MisassignedDays}
}

// DeadlineSource is the replies' deadline source.
func (s *Service) DeadlineSource() deadline.Source { return source{s} }

type source struct{ s *Service }

func (src source) Deadlines(ctx context.Context, siteID int64, cal *calendar.Calendar, today calendar.Date) ([]*deadline.Deadline, error) {
	rs, err := src.s.Replies(ctx, siteID, 0, cal, today, false)
	if err != nil {
		return nil, err
	}
	reply, publish := RuleReply(), RulePublish()
	link := "/admin/lists/" + Proposals.Code
	var out []*deadline.Deadline
	for _, r := range rs {
		name := fmt.Sprintf("%s“%s”（%s）", ProposalKinds[kindIndex(r.Kind)].Label, r.Title, r.Number)
		assigned, due := calendar.Day(r.AssignedOn), calendar.Day(r.Due)
		n := months(r.Values)
		raw := AddMonths(assigned, n)
		sum := fmt.Sprintf("自 %s 交办之日起 %d 个月，至 %s", assigned, n, raw)
		switch {
		case r.Values["reply_due"] != "" && r.Values["reply_due"] != raw.String():
			sum = fmt.Sprintf("答复期限按登记的 %s 计算", r.Values["reply_due"])
			if due != calendar.Day(r.Values["reply_due"]) {
				sum += fmt.Sprintf("，逢休息日顺延至 %s", due)
			}
		case due != raw:
			sum += fmt.Sprintf("；%s 为休息日，顺延至 %s", raw, due)
		}
		if r.Reassigned {
			// Given to another unit: only the report's own deadline.
			src.misassigned(&out, r, name, link, cal)
			continue
		}
		d := &deadline.Deadline{Rule: reply, Start: assigned, Due: due, Done: calendar.Day(r.RepliedOn), Version: cal.Version(), Current: true,
			Note: name, Link: link, Department: r.LeadUnit,
			Explanation: calendar.Explanation{Start: assigned, End: due, N: n, Basis: reply.Basis, Version: cal.Version(), Summary: sum + "。"}}
		d.Finish()
		out = append(out, d)
		if r.SecondDue != "" {
			fb := calendar.Day(r.Values["feedback_on"])
			sr := RuleSecondReply()
			raw := AddMonths(fb, Config.SecondReplyMonths)
			sum := fmt.Sprintf("自 %s 收到不满意的反馈之日起 %d 个月，至 %s", fb, Config.SecondReplyMonths, raw)
			if due := calendar.Day(r.SecondDue); due != raw {
				sum += fmt.Sprintf("；%s 为休息日，顺延至 %s", raw, due)
			}
			x := &deadline.Deadline{Rule: sr, Start: fb, Due: calendar.Day(r.SecondDue), Done: calendar.Day(r.SecondOn), Version: cal.Version(), Current: true,
				Note: name + "的再次答复", Link: link, Department: r.LeadUnit,
				Explanation: calendar.Explanation{Start: fb, End: calendar.Day(r.SecondDue), N: Config.SecondReplyMonths, Basis: sr.Basis, Version: cal.Version(), Summary: sum + "。"}}
			x.Finish()
			out = append(out, x)
		}
		if r.PlanDue != "" {
			pr, due := RulePlanReply(), calendar.Day(r.PlanDue)
			raw := calendar.Day(r.Values["plan_due"])
			sum := fmt.Sprintf("复文承诺于 %s 前落实，落实后再次答复", raw)
			if due != raw {
				sum += fmt.Sprintf("；%s 为休息日，顺延至 %s", raw, due)
			}
			x := &deadline.Deadline{Rule: pr, Start: calendar.Day(r.RepliedOn), Due: due, Done: calendar.Day(r.PlanOn), Version: cal.Version(), Current: true,
				Note: name + "的落实后答复", Link: link, Department: r.LeadUnit,
				Explanation: calendar.Explanation{Start: calendar.Day(r.RepliedOn), End: due, Basis: pr.Basis, Version: cal.Version(), Summary: sum + "。"}}
			x.Finish()
			out = append(out, x)
		}
		src.misassigned(&out, r, name, link, cal)
		cr := RuleCoOpinion()
		for _, o := range r.Co {
			rec := calendar.Day(o.ReceivedOn)
			raw := AddMonths(rec, Config.CoOpinionMonths)
			sum := fmt.Sprintf("自 %s 收到之日起 %d 个月，至 %s", rec, Config.CoOpinionMonths, raw)
			if due := calendar.Day(o.Due); due != raw {
				sum += fmt.Sprintf("；%s 为休息日，顺延至 %s", raw, due)
			}
			x := &deadline.Deadline{Rule: cr, Start: rec, Due: calendar.Day(o.Due), Done: calendar.Day(o.SentOn), Version: cal.Version(), Current: true,
				Note: name + "的协办意见（" + o.Unit + "）", Link: "/admin/lists/" + CoOpinions.Code, Department: r.LeadUnit,
				Explanation: calendar.Explanation{Start: rec, End: calendar.Day(o.Due), N: Config.CoOpinionMonths, Basis: cr.Basis, Version: cal.Version(), Summary: sum + "。"}}
			x.Finish()
			out = append(out, x)
		}
		if r.PublishDue == "" {
			continue
		}
		replied := calendar.Day(r.RepliedOn)
		e := cal.ExplainAddWorkdays(replied, Config.PublishWorkdays)
		e.Basis = publish.Basis
		p := &deadline.Deadline{Rule: publish, Start: replied, Due: e.End, Done: calendar.Day(r.PublishedOn), Version: cal.Version(), Current: true,
			Note: name + "的复文", Link: lists.RowURL(Proposals.Code, r.Number), Department: r.LeadUnit, Explanation: e}
		p.Finish()
		out = append(out, p)
	}
	return out, nil
}

// misassigned adds the deadline of r's report of a wrong assignment, if any.
func (source) misassigned(out *[]*deadline.Deadline, r *Reply, name, link string, cal *calendar.Calendar) {
	if r.MisassignedOn == "" {
		return
	}
	mr, assigned := RuleMisassigned(), calendar.Day(r.AssignedOn)
	e := cal.ExplainAddDays(assigned, Config.MisassignedDays)
	e.Basis = mr.Basis
	x := &deadline.Deadline{Rule: mr, Start: assigned, Due: e.End, Done: calendar.Day(r.MisassignedOn), Version: cal.Version(), Current: true,
		Note: name + "的交办不当说明", Link: link, Department: r.LeadUnit, Explanation: e}
	x.Finish()
	*out = append(*out, x)
}
