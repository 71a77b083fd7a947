package app

import (
	"context"
	"strings"
	"testing"

	"gongkai/internal/execution"
)

// 再次答复 and 协办意见 (RECORDS §7.3, §7.5) over HTTP on both databases:
// a dissatisfied evaluation owes a second reply within one month of the
// feedback, a co-handler its opinion to the lead unit within one month of
// receipt; both are deadlines of the engine, shown in the ledger and on the
// public page (the co-handler's opinion text never public); a second reply
// without a dissatisfied evaluation, or an opinion without its date, is
// refused naming the field, nothing saved.
func TestProposalSecondReplyAndCoOpinions(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := newAPIClient(t, e)
		replied := map[string]string{"replied_on": "2026-09-01", "result_class": "B", "publish_mode": "full", "reply_text": "首次复文"}
		with := func(extra map[string]string) map[string]string {
			v := map[string]string{}
			for k, x := range replied {
				v[k] = x
			}
			for k, x := range extra {
				v[k] = x
			}
			return v
		}
		c.publishRows(t, execution.Proposals, []map[string]string{
			// Dissatisfied on 10-31: the second reply is due 11-30; none yet (overdue on 12-01).
			execProposal("S1", "2026-06-01", with(map[string]string{"satisfaction": "dissatisfied", "feedback_on": "2026-10-31", "feedback": "未解决"})),
			// Answered again in time, and published with the full text.
			execProposal("S2", "2026-06-01", with(map[string]string{"satisfaction": "dissatisfied", "feedback_on": "2026-10-10",
				"second_replied_on": "2026-11-05", "second_reply_text": "再次答复全文S2", "second_satisfaction": "basic", "interpretation": "12"})),
			// Withheld: the second reply's text is not public either.
			execProposal("S3", "2026-06-01", map[string]string{"replied_on": "2026-09-01", "result_class": "C", "publish_mode": "withheld", "withhold_reason": "涉及商业秘密",
				"satisfaction": "dissatisfied", "feedback_on": "2026-10-10", "second_replied_on": "2026-11-02", "second_reply_text": "不公开的再次答复S3"}),
		}, true)
		c.publishRows(t, execution.CoOpinions, []map[string]string{
			{"number": "S1", "co_unit": "市财政局", "received_on": "2026-06-03", "sent_on": "2026-06-20", "opinion": "协办意见原文不公开"},
			{"number": "S1", "co_unit": "市自然资源和规划局", "received_on": "2026-06-03", "sent_on": "2026-07-10", "opinion": "迟到的协办意见"},
			{"number": "S2", "co_unit": "市民政局", "received_on": "2026-10-30"}, // due 11-30, still open on 12-01
		}, true)

		// The deadline engine: the second replies and the co-handlers' opinions.
		facts, err := e.srv.Deadlines.LoadFacts(ctx, e.site.ID, testDay)
		if err != nil {
			t.Fatal(err)
		}
		ds, err := e.srv.Deadlines.Evaluate(ctx, facts)
		if err != nil {
			t.Fatal(err)
		}
		dues := map[string]string{}
		for _, d := range ds {
			if d.Rule.Code == "proposal.second_reply" || d.Rule.Code == "proposal.co_opinion" {
				state := "open"
				switch {
				case d.Overdue(testDay):
					state = "overdue"
				case d.Late():
					state = "late"
				case !d.Open:
					state = "done"
				}
				dues[d.Rule.Code+" "+d.Note] = d.Due.String() + " " + state + " " + d.Explanation.Summary
			}
		}
		for k, want := range map[string]string{
			"proposal.second_reply 人大代表建议“关于S1的建议”（S1）的再次答复":          "2026-11-30 overdue 自 2026-10-31 收到不满意的反馈之日起 1 个月，至 2026-11-30。",
			"proposal.second_reply 人大代表建议“关于S2的建议”（S2）的再次答复":          "2026-11-10 done",
			"proposal.co_opinion 人大代表建议“关于S1的建议”（S1）的协办意见（市财政局）":      "2026-07-03 done",
			"proposal.co_opinion 人大代表建议“关于S1的建议”（S1）的协办意见（市自然资源和规划局）": "2026-07-03 late",
			"proposal.co_opinion 人大代表建议“关于S2的建议”（S2）的协办意见（市民政局）":      "2026-11-30 overdue 自 2026-10-30 收到之日起 1 个月，至 2026-11-30。",
		} {
			if got := dues[k]; !strings.HasPrefix(got, want) {
				t.Errorf("%s: %q, want %q", k, got, want)
			}
		}
		if len(dues) != 6 { // and S3's second reply, done
			t.Errorf("deadlines: %v", dues)
		}
		rep, err := e.srv.Compliance.Run(ctx, e.site.ID, testDay)
		if err != nil {
			t.Fatal(err)
		}
		var found []string
		for _, f := range rep.Findings {
			if f.Rule.Code == "deadline.proposal.second_reply" || f.Rule.Code == "deadline.proposal.co_opinion" {
				found = append(found, f.Message)
			}
		}
		mustContain(t, strings.Join(found, "\n"), "关于S1的建议”（S1）的再次答复已逾期", "（市民政局）已逾期", "（市自然资源和规划局）未按期完成")

		// The ledger and the public page.
		office := e.browser().login("office")
		led := office.get("/admin/execution?year=2026")
		mustContain(t, led.body, "期限 2026-11-30；未答复", "期限 2026-11-10；2026-11-05 已答复", "市自然资源和规划局：期限 2026-07-03，2026-07-10 送达 <strong>逾期</strong>")
		b := e.browser()
		pub := b.get("/execution/proposals?year=2026")
		mustContain(t, pub.body, `再次答复：办理中（期限 <time datetime="2026-11-30">`, `再次答复：<time datetime="2026-11-05">`, "协办：市财政局 <time", "协办：市民政局 办理中")
		row := b.get("/lists/proposal_replies/rows/S2")
		mustContain(t, row.body, "再次答复全文S2", "2026-11-05", "收到反馈日期", "解读材料", "查看关联信息（编号 12）")
		mustNotContain(t, b.get("/lists/proposal_replies/rows/S3").body, "不公开的再次答复S3")
		co := b.get("/lists/proposal_co_opinions")
		mustContain(t, co.body, "市财政局", "2026-06-20")
		mustNotContain(t, co.body, "协办意见原文不公开")
		mustNotContain(t, b.get("/lists/proposal_co_opinions/rows/S1%2F%E5%B8%82%E8%B4%A2%E6%94%BF%E5%B1%80").body, "协办意见原文不公开")
		api := c.do(t, "GET", "/api/v1/lists/proposal_co_opinions/rows", "", nil, "")
		if api.status != 200 || strings.Contains(api.body, "协办意见原文不公开") || !strings.Contains(api.body, "市财政局") {
			t.Errorf("co-opinions API: %d %s", api.status, clipBody(api.body))
		}

		// Refused whole, with the field named: a second reply after a
		// satisfied evaluation; an opinion without the date it was sent.
		before, _ := e.srv.Lists.Current(ctx, e.site.ID, execution.Proposals)
		bad := c.upload(t, execution.Proposals.Code, "office", "p.csv", kindCSV(t, execution.Proposals, []map[string]string{
			execProposal("S4", "2026-06-01", with(map[string]string{"satisfaction": "satisfied", "feedback_on": "2026-10-10", "second_replied_on": "2026-11-01", "second_reply_text": "多余"})),
		}), map[string]string{"note": "x", "publish": "true"})
		if bad.status != 422 || !strings.Contains(bad.body, "代表委员对答复不满意的，才需再次答复") {
			t.Errorf("second reply after a satisfied evaluation: %d %s", bad.status, clipBody(bad.body))
		}
		bad = c.upload(t, execution.CoOpinions.Code, "office", "c.csv", kindCSV(t, execution.CoOpinions, []map[string]string{
			{"number": "S1", "co_unit": "市财政局", "received_on": "2026-06-03", "opinion": "没有日期"},
		}), map[string]string{"note": "x", "publish": "true"})
		if bad.status != 422 || !strings.Contains(bad.body, "填写了协办意见的，请填写送主办单位日期") {
			t.Errorf("opinion without its date: %d %s", bad.status, clipBody(bad.body))
		}
		if now, _ := e.srv.Lists.Current(ctx, e.site.ID, execution.Proposals); now.ID != before.ID {
			t.Errorf("a refused file was published")
		}
	})
}
