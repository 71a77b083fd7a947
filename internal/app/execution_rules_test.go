package app

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"gongkai/internal/execution"
)

// The further reply on planned items, the report of a wrong assignment,
// 见面率 and the secrecy review (RECORDS §7.3, §7.5; 条例第十七条) over HTTP
// on both databases: deadlines of the engine with their days off, counts of
// the yearly overview, the staff ledger and the public page; a reply
// published without its secrecy review, or published after a refusing
// review, is refused naming the field, and a reply not yet reviewed shows
// no text.
func TestProposalPlanMisassignedSecrecy(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := newAPIClient(t, e)
		planned := map[string]string{"replied_on": "2026-07-01", "result_class": "B", "publish_mode": "full", "reply_text": "列入计划的复文"}
		with := func(base, extra map[string]string) map[string]string {
			v := map[string]string{}
			for k, x := range base {
				v[k] = x
			}
			for k, x := range extra {
				v[k] = x
			}
			return v
		}
		c.publishRows(t, execution.Proposals, []map[string]string{
			// Promised by 10-31 (a Saturday: due 11-02), not answered again: overdue on 12-01.
			execProposal("M1", "2026-04-01", with(planned, map[string]string{"plan_due": "2026-10-31", "met": "1"})),
			// Carried out and answered again in time; the further reply is public.
			execProposal("M2", "2026-04-01", with(planned, map[string]string{"plan_due": "2026-09-30", "plan_replied_on": "2026-09-25",
				"plan_reply_text": "落实情况答复M2", "met": "1", "satisfaction": "dissatisfied", "feedback_on": "2026-07-20", "second_replied_on": "2026-08-10", "second_reply_text": "再次答复M2"})),
			// Reported within the 5 days (06-06 is a Saturday: due 06-08) and given to another unit.
			execProposal("M3", "2026-06-01", map[string]string{"misassigned_on": "2026-06-08", "misassigned_reason": "属于交通运输部门职责", "reassigned": "1"}),
			// Reported too late, still handled here.
			execProposal("M4", "2026-06-01", map[string]string{"misassigned_on": "2026-06-10", "misassigned_reason": "属于其他部门职责",
				"replied_on": "2026-07-01", "result_class": "A", "publish_mode": "full", "reply_text": "复文M4", "satisfaction": "dissatisfied", "feedback_on": "2026-07-15"}),
			// Replied, not yet reviewed: in the list, its text not public.
			execProposal("M5", "2026-06-01", map[string]string{"replied_on": "2026-07-01", "result_class": "A", "publish_mode": "full", "reply_text": "未审查的复文M5", "secrecy_result": ""}),
		}, true)

		// The deadline engine.
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
			if strings.HasPrefix(d.Rule.Code, "proposal.") && strings.Contains(d.Note, "（M") {
				state := "open"
				switch {
				case d.Overdue(testDay):
					state = "overdue"
				case d.Late():
					state = "late"
				case !d.Open:
					state = "done"
				}
				dues[d.Rule.Code+" "+d.Note[strings.Index(d.Note, "（M")+3:]] = d.Due.String() + " " + state + " " + d.Explanation.Summary
			}
		}
		for k, want := range map[string]string{
			"proposal.plan_reply M1）的落实后答复":   "2026-11-02 overdue 复文承诺于 2026-10-31 前落实，落实后再次答复；2026-10-31 为休息日，顺延至 2026-11-02。",
			"proposal.plan_reply M2）的落实后答复":   "2026-09-30 done",
			"proposal.misassigned M3）的交办不当说明": "2026-06-08 done",
			"proposal.misassigned M4）的交办不当说明": "2026-06-08 late",
		} {
			if got := dues[k]; !strings.HasPrefix(got, want) {
				t.Errorf("%s: %q, want %q", k, got, want)
			}
		}
		if _, ok := dues["proposal.reply M3）"]; ok {
			t.Errorf("a reassigned item still owes a reply: %v", dues)
		}
		rep, err := e.srv.Compliance.Run(ctx, e.site.ID, testDay)
		if err != nil {
			t.Fatal(err)
		}
		var found []string
		for _, f := range rep.Findings {
			if strings.Contains(f.Message, "（M") {
				found = append(found, f.Rule.Code+" "+f.Message)
			}
		}
		all := strings.Join(found, "\n")
		mustContain(t, all, "deadline.proposal.plan_reply", "（M1）的落实后答复已逾期", "deadline.proposal.misassigned", "（M4）的交办不当说明未按期完成")
		mustNotContain(t, all, "（M3）的交办不当说明", "（M2）的落实后答复")

		// The yearly overview: M3 is not counted as received; 见面率 over the replied.
		var o execution.ReplyOverview
		c.do(t, "GET", "/api/v1/execution/proposals/overview?year=2026", "", nil, "").decode(t, &o)
		if o.Received != 4 || o.Replied != 4 || o.Met != 2 || o.MeetRate != "50.00%" || o.SecondOwed != 2 || o.SecondReplied != 1 ||
			o.Planned != 2 || o.PlanReplied != 1 || o.Misassigned != 2 {
			t.Errorf("overview: %+v", o)
		}
		b := e.browser()
		pub := b.get("/execution/proposals?year=2026")
		mustContain(t, pub.body, "见面率 50.00%", "需再次答复 2 件，已再次答复 1 件", "列入计划（正在解决）的 2 件，落实后已再次答复 1 件", "提出交办不当 2 件",
			`落实中（计划 <time datetime="2026-11-02">`, "交办不当，已改交其他单位办理")
		mustContain(t, b.get("/lists/proposal_replies/rows/M2").body, "落实情况答复M2", "计划完成时间")
		m5 := b.get("/lists/proposal_replies/rows/M5")
		if m5.status != 200 || strings.Contains(m5.body, "未审查的复文M5") {
			t.Errorf("an unreviewed reply's text is public: %d", m5.status)
		}
		if api := c.do(t, "GET", "/api/v1/lists/proposal_replies/rows", "", nil, ""); strings.Contains(api.body, "未审查的复文M5") || !strings.Contains(api.body, "落实情况答复M2") {
			t.Errorf("rows API: %s", clipBody(api.body))
		}
		led := e.browser().login("office").get("/admin/execution?year=2026")
		mustContain(t, led.body, "期限 2026-11-02；未答复", "期限 2026-09-30；2026-09-25 已答复", "2026-06-08 提出（期限 2026-06-08），已改交其他单位",
			"2026-06-10 提出（期限 2026-06-08） <strong>逾期</strong>", "<strong>未审查</strong>")

		// Refused whole, the field named, nothing published.
		before, _ := e.srv.Lists.Current(ctx, e.site.ID, execution.Proposals)
		for _, bad := range []struct {
			row  map[string]string
			want string
		}{
			{execProposal("M6", "2026-06-01", map[string]string{"replied_on": "2026-07-01", "result_class": "A", "publish_mode": "full", "reply_text": "t",
				"published_on": "2026-07-10", "secrecy_result": ""}), "复文公开前应当进行保密审查"},
			{execProposal("M7", "2026-06-01", map[string]string{"replied_on": "2026-07-01", "result_class": "A", "publish_mode": "full", "reply_text": "t",
				"secrecy_reviewer": "保密员", "secrecy_reviewed_on": "2026-07-01", "secrecy_result": "refuse"}), "保密审查结论为不得公开的，公开方式应为不公开"},
			{execProposal("M8", "2026-06-01", map[string]string{"replied_on": "2026-07-01", "result_class": "B", "publish_mode": "withheld", "withhold_reason": "涉密", "plan_due": ""}),
				"请填写答复中承诺的计划完成时间"},
			{execProposal("M9", "2026-06-01", map[string]string{"replied_on": "2026-07-01", "result_class": "A", "publish_mode": "withheld", "withhold_reason": "涉密", "plan_due": "2026-12-31"}),
				"只有答复为列入计划（正在解决）的建议提案"},
			{execProposal("M10", "2026-06-01", map[string]string{"misassigned_on": "2026-05-30", "misassigned_reason": "x"}), "提出交办不当日期不能早于交办日期"},
			{execProposal("M11", "2026-06-01", map[string]string{"reassigned": "1"}), "请填写提出交办不当日期"},
		} {
			r := c.upload(t, execution.Proposals.Code, "office", "p.csv", kindCSV(t, execution.Proposals, []map[string]string{bad.row}), map[string]string{"note": "x", "publish": "true"})
			if r.status != 422 || !strings.Contains(r.body, bad.want) {
				t.Errorf("%s: %d %s", bad.row["number"], r.status, clipBody(r.body))
			}
		}
		if now, _ := e.srv.Lists.Current(ctx, e.site.ID, execution.Proposals); now.ID != before.ID {
			t.Errorf("a refused file was published")
		}
	})
}

// 协办意见 filed by the co-handling unit over HTTP on both databases: the
// department named as co-unit files its own opinion in the back office
// (plain form, CSRF) and by API, published at once (units and dates public,
// the text not), audited; filing again replaces it; another department,
// a unit the item does not name, a bad date or a missing opinion are
// refused with a clear message, nothing saved; an outside body's opinion
// is recorded by the office.
func TestProposalCoOpinionFiling(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := newAPIClient(t, e)
		c.publishRows(t, execution.Proposals, []map[string]string{
			execProposal("K1", "2026-09-01", map[string]string{"lead_unit": "公共法律服务管理科", "co_units": "法制科、市财政局"}),
		}, true)
		fzk := e.browser().login("fzk")
		page := fzk.get("/admin/execution/proposals/K1/co-opinions")
		mustContain(t, page.body, `<option value="法制科" selected>法制科</option>`, "尚未填报协办意见", `name="csrf"`)
		mustNotContain(t, page.body, `<option value="市财政局"`)
		form := url.Values{"co_unit": {"法制科"}, "received_on": {"2026-09-03"}, "sent_on": {"2026-09-20"}, "opinion": {"法制科协办意见原文"}}
		// Without the form token: refused.
		noToken := url.Values{"csrf": {"wrong"}}
		for k, v := range form {
			noToken[k] = v
		}
		if r := fzk.post("/admin/execution/proposals/K1/co-opinions", noToken); r.status != 403 {
			t.Errorf("without the form token: %d", r.status)
		}
		if r := fzk.post("/admin/execution/proposals/K1/co-opinions", form); r.status != 303 || !strings.Contains(r.location, "done=proposal_co_opinion") {
			t.Fatalf("file: %d %s", r.status, clipBody(r.body))
		}
		mustContain(t, fzk.get("/admin/execution/proposals/K1/co-opinions?done=proposal_co_opinion").body, "协办意见已填报", "法制科协办意见原文", "2026-10-08")
		pub := e.browser().get("/lists/proposal_co_opinions")
		mustContain(t, pub.body, "法制科", "2026-09-20")
		mustNotContain(t, pub.body, "法制科协办意见原文")
		var audits int
		e.db.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'proposal.co_opinion' AND actor_name = $1`, "fzk").Scan(&audits)
		if audits != 1 {
			t.Errorf("audit entries: %d", audits)
		}

		// Bad input: a field message, nothing saved.
		if r := fzk.post("/admin/execution/proposals/K1/co-opinions", url.Values{"co_unit": {"法制科"}, "received_on": {"2026-09-03"}, "sent_on": {"2026-09-01"}, "opinion": {"x"}}); r.status != 422 ||
			!strings.Contains(r.body, "送主办单位日期不能早于收到日期") {
			t.Errorf("sent before received: %d", r.status)
		}
		if r := fzk.post("/admin/execution/proposals/K1/co-opinions", url.Values{"co_unit": {"法制科"}, "received_on": {"2026-09-03"}, "sent_on": {"2026-09-10"}}); r.status != 422 ||
			!strings.Contains(r.body, "已送主办单位的，请填写协办意见") {
			t.Errorf("sent without the opinion: %d", r.status)
		}
		if r := fzk.post("/admin/execution/proposals/K1/co-opinions", url.Values{"co_unit": {"法制科"}, "received_on": {"2027-01-03"}}); r.status != 422 ||
			!strings.Contains(r.body, "日期不能晚于今天") {
			t.Errorf("a future date: %d", r.status)
		}
		// Not the co-handler: refused.
		if r := fzk.post("/admin/execution/proposals/K1/co-opinions", url.Values{"co_unit": {"市财政局"}, "received_on": {"2026-09-03"}}); r.status != 403 ||
			!strings.Contains(r.body, "由政务公开办公室登记") {
			t.Errorf("fzk for the finance bureau: %d", r.status)
		}
		pfk := e.browser().login("pfk")
		if r := pfk.get("/admin/execution/proposals/K1/co-opinions"); !strings.Contains(r.body, "您无权填报") || strings.Contains(r.body, `name="co_unit"`) {
			t.Errorf("the form is offered to pfk")
		}
		if r := pfk.post("/admin/execution/proposals/K1/co-opinions", form); r.status != 403 {
			t.Errorf("pfk for 法制科: %d", r.status)
		}
		body := `{"co_unit":"法制科","received_on":"2026-09-03","sent_on":"2026-09-22","opinion":"法制科修改后的意见"}`
		if r := c.do(t, "POST", "/api/v1/execution/proposals/K1/co-opinions", "pfk", nil, body); r.status != 403 || !strings.Contains(r.body, `"code":"forbidden"`) {
			t.Errorf("API pfk: %d %s", r.status, r.body)
		}
		// The API: filing again replaces; the office records the outside body's letter.
		var got execution.NewCoOpinion
		r := c.do(t, "POST", "/api/v1/execution/proposals/K1/co-opinions", "fzk", nil, body)
		if r.status != 200 {
			t.Fatalf("API fzk: %d %s", r.status, r.body)
		}
		r.decode(t, &got)
		if got.SentOn != "2026-09-22" || got.Opinion != "法制科修改后的意见" {
			t.Errorf("filed: %+v", got)
		}
		if r := c.do(t, "POST", "/api/v1/execution/proposals/K1/co-opinions", "office", nil, `{"co_unit":"市财政局","received_on":"2026-09-03"}`); r.status != 200 {
			t.Errorf("office for the finance bureau: %d %s", r.status, r.body)
		}
		for _, bad := range []struct {
			path, token, body, want string
			status                  int
		}{
			{"/api/v1/execution/proposals/K1/co-opinions", "office", `{"co_unit":"市民政局","received_on":"2026-09-03"}`, "不是建议提案", 422},
			{"/api/v1/execution/proposals/K1/co-opinions", "fzk", `{"co_unit":"法制科","received_on":"2026-13-40"}`, `"received_on"`, 422},
			{"/api/v1/execution/proposals/K1/co-opinions", "fzk", `{"co_unit":`, "请求体不完整", 422},
			{"/api/v1/execution/proposals/NOPE/co-opinions", "office", `{"co_unit":"法制科","received_on":"2026-09-03"}`, "没有编号为", 404},
			{"/api/v1/execution/proposals/" + strings.Repeat("9", 41) + "/co-opinions", "office", `{}`, "不能超过 40 个字符", 422},
		} {
			if r := c.do(t, "POST", bad.path, bad.token, nil, bad.body); r.status != bad.status || !strings.Contains(r.body, bad.want) {
				t.Errorf("%s %s: %d %s", bad.path, bad.body, r.status, clipBody(r.body))
			}
		}
		if r := c.do(t, "POST", "/api/v1/execution/proposals/K1/co-opinions", "", nil, body); r.status != 401 {
			t.Errorf("anonymous: %d", r.status)
		}
		cur, _ := e.srv.Lists.Current(ctx, e.site.ID, execution.CoOpinions)
		rows, _ := e.srv.Lists.Rows(ctx, cur.ID)
		if len(rows) != 2 || rows[0].Values["opinion"] != "法制科修改后的意见" || rows[1].Values["co_unit"] != "市财政局" {
			t.Errorf("co-opinions: %+v", rows)
		}
		// The deadline engine and the ledger see the filed opinions.
		led := e.browser().login("office").get("/admin/execution?year=2026")
		mustContain(t, led.body, "法制科：期限 2026-10-08，2026-09-22 送达", "市财政局：期限 2026-10-08，未送达", `href="/admin/execution/proposals/K1/co-opinions">填报协办意见`)
	})
}
