package app

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"gongkai/internal/catalog"
	"gongkai/internal/execution"
	"gongkai/internal/lists"
)

func execTask(no, starts, due string, extra map[string]string) map[string]string {
	v := map[string]string{"task_no": no, "year": "2026", "title": "任务" + no, "content": "政府工作报告原文", "source": "work_report",
		"lead_unit": "法制科", "measures": "措施", "steps": "第一步\n第二步", "starts_on": starts, "due": due, "oversight": "督查"}
	for k, x := range extra {
		v[k] = x
	}
	return v
}

func execProgress(no, on string) map[string]string {
	return map[string]string{"task_no": no, "reported_on": on, "summary": no + " 在 " + on + " 的进展", "unit": "法制科", "progress": "推进中", "percent": "50"}
}

func execProposal(no, assigned string, extra map[string]string) map[string]string {
	v := map[string]string{"number": no, "year": "2026", "kind": "npc", "session": "市十九届人大六次会议", "title": "关于" + no + "的建议", "proposer": "王建国",
		"lead_unit": "法制科", "assigned_on": assigned}
	for k, x := range extra {
		v[k] = x
	}
	// What the rules require of a published or planned reply, unless the
	// test gives it: the secrecy review (条例第十七条) and the plan's date.
	if _, ok := extra["secrecy_result"]; !ok && v["publish_mode"] != "" && v["publish_mode"] != "withheld" {
		v["secrecy_reviewer"], v["secrecy_reviewed_on"], v["secrecy_result"] = "保密员", v["replied_on"], "pass"
	}
	if _, ok := extra["plan_due"]; !ok && v["replied_on"] != "" && execution.Planned(v["result_class"]) {
		v["plan_due"] = "2027-06-30"
	}
	return v
}

// The task states and the update period, the reply deadline in calendar
// months (end of month, moved off days off, 6 months when difficult), the
// publication period after the reply, the self-inspection and the yearly
// overview, over HTTP on both databases.
func TestExecutionDeadlinesAndSelfInspection(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := newAPIClient(t, e)
		c.publishRows(t, execution.Tasks, []map[string]string{
			execTask("T1", "2026-06-01", "2026-12-31", nil), // last entry 08-15, next due 11-15: stale
			execTask("T2", "2026-06-01", "2026-12-31", nil), // last entry 10-01, next due 2027-01-01
			execTask("T3", "2026-03-01", "2026-06-30", map[string]string{"completed_on": "2026-06-20", "results": "已完成"}),
			execTask("T4", "2026-09-30", "2026-11-30", map[string]string{"update_months": "2", "milestones": "2026-10-31 完成调研\n2026-12-31 总结"}),
		}, true)
		c.publishRows(t, execution.Progress, []map[string]string{execProgress("T1", "2026-08-15"), execProgress("T2", "2026-09-01"), execProgress("T2", "2026-10-01")}, true)
		c.publishRows(t, execution.Proposals, []map[string]string{
			execProposal("P1", "2026-08-31", nil),                                 // due 2026-11-30 (end of month), overdue
			execProposal("P2", "2026-09-05", nil),                                 // 12-05 is a Saturday: due 12-07, soon
			execProposal("P3", "2026-08-31", map[string]string{"difficult": "1"}), // 2027-02-28 is a Sunday: 2027-03-01
			// 10-01 falls in the National Day holiday: due 10-08; published a day after the 20 working days.
			execProposal("P4", "2026-07-01", map[string]string{"replied_on": "2026-10-08", "result_class": "A", "publish_mode": "full", "reply_text": "复文全文P4", "published_on": "2026-11-05", "satisfaction": "satisfied"}),
			execProposal("P5", "2026-06-30", map[string]string{"kind": "cppcc", "replied_on": "2026-10-09", "result_class": "C", "publish_mode": "withheld", "reply_summary": "秘密摘要P5", "withhold_reason": "涉及商业秘密", "satisfaction": "basic"}),
			execProposal("P6", "2026-06-30", map[string]string{"replied_on": "2026-09-29", "result_class": "B", "publish_mode": "summary", "reply_summary": "摘要P6", "reply_text": "不公开的全文P6"}),
		}, true)

		rep, err := e.srv.Compliance.Run(ctx, e.site.ID, testDay)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		for _, f := range rep.Findings {
			if strings.HasPrefix(f.Rule.Code, "execution.") || strings.HasPrefix(f.Rule.Code, "deadline.proposal.") {
				got[f.Rule.Code] = append(got[f.Rule.Code], string(f.Level)+" "+f.Message)
			}
		}
		stale := strings.Join(got[execution.RuleTaskStale.Code], "\n")
		mustContain(t, stale, "任务“任务T1”（T1，法制科）最近一次进展为 2026-08-15，应于 2026-11-15 前更新", "任务“任务T4”（T4，法制科）部署以来没有进展，应于 2026-11-30 前更新")
		if strings.Contains(stale, "T2") || strings.Contains(stale, "T3") {
			t.Errorf("up-to-date or done task flagged:\n%s", stale)
		}
		// The replies' deadlines are the deadline engine's (a Source): reported
		// with the calendar's explanation, under deadline.proposal.*.
		late := strings.Join(got["deadline.proposal.reply"], "\n")
		mustContain(t, late, "fault 人大代表建议“关于P1的建议”（P1）已逾期：应于 2026-11-30 前完成",
			"fault 政协委员提案“关于P5的建议”（P5）未按期完成：应于 2026-09-30 前，实际 2026-10-09")
		if strings.Contains(late, "P3") || strings.Contains(late, "P4") || strings.Contains(late, "P6") || strings.Contains(late, "P2") {
			t.Errorf("in-time item reported:\n%s", late)
		}
		pub := strings.Join(got["deadline.proposal.publish"], "\n")
		mustContain(t, pub, "fault 人大代表建议“关于P4的建议”（P4）的复文未按期完成：应于 2026-11-04 前，实际 2026-11-05",
			"fault 人大代表建议“关于P6的建议”（P6）的复文已逾期：应于 2026-11-02 前完成")
		if strings.Contains(pub, "P5") {
			t.Errorf("a withheld reply is reported as unpublished:\n%s", pub)
		}
		// Every due date, with real dates: end of month, a Saturday moved to
		// Monday, six months ending on a Sunday, the National Day holiday.
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
			if strings.HasPrefix(d.Rule.Code, "proposal.") {
				dues[d.Rule.Code+" "+d.Note] = d.Due.String() + " " + d.Explanation.Summary
			}
		}
		for k, want := range map[string]string{
			"proposal.reply 人大代表建议“关于P1的建议”（P1）":      "2026-11-30 自 2026-08-31 交办之日起 3 个月，至 2026-11-30。",
			"proposal.reply 人大代表建议“关于P2的建议”（P2）":      "2026-12-07 自 2026-09-05 交办之日起 3 个月，至 2026-12-05；2026-12-05 为休息日，顺延至 2026-12-07。",
			"proposal.reply 人大代表建议“关于P3的建议”（P3）":      "2027-03-01 自 2026-08-31 交办之日起 6 个月，至 2027-02-28；2027-02-28 为休息日，顺延至 2027-03-01。",
			"proposal.reply 人大代表建议“关于P4的建议”（P4）":      "2026-10-08 自 2026-07-01 交办之日起 3 个月，至 2026-10-01；2026-10-01 为休息日，顺延至 2026-10-08。",
			"proposal.publish 人大代表建议“关于P4的建议”（P4）的复文": "2026-11-04 ",
			// 20 working days from 09-29 over the National Day holiday (a make-up Saturday counted).
			"proposal.publish 人大代表建议“关于P6的建议”（P6）的复文": "2026-11-02 自2026-09-29起算（当日不计入），第20个工作日为2026-11-02（周一）",
		} {
			if got := dues[k]; !strings.HasPrefix(got, want) {
				t.Errorf("%s: %q, want %q", k, got, want)
			}
		}
		if _, ok := dues["proposal.publish 政协委员提案“关于P5的建议”（P5）的复文"]; ok {
			t.Error("a withheld reply has a publication deadline")
		}

		// The year's task overview, by API and page.
		var o execution.TaskOverview
		c.do(t, "GET", "/api/v1/execution/tasks?year=2026", "", nil, "").decode(t, &o)
		st := map[string]int{}
		for _, s := range o.States {
			st[s.Code] = s.Count
		}
		if o.Total != 4 || st["on_schedule"] != 2 || st["late"] != 1 || st["done"] != 1 || o.Stale != 2 {
			t.Errorf("overview %+v %v", o, st)
		}
		var t4 execution.Task
		c.do(t, "GET", "/api/v1/execution/tasks/T4", "", nil, "").decode(t, &t4)
		if t4.State != "late" || !t4.Stale || len(t4.Milestones) != 2 || !t4.Milestones[0].Past || t4.Milestones[1].Past || len(t4.Steps) != 2 {
			t.Errorf("T4 %+v", t4)
		}
		b := e.browser()
		p := b.get("/execution?year=2026&state=late")
		mustContain(t, p.body, "2026年共有任务 4 项：按计划推进 2 项，滞后 1 项，已完成 1 项", "任务T4")
		if strings.Contains(p.body, ">任务T1<") {
			t.Error("the state filter shows an on-schedule task")
		}
		tp := b.get("/execution/tasks/T2")
		mustContain(t, tp.body, "T2 在 2026-09-01 的进展", "T2 在 2026-10-01 的进展", "<h2 id=\"h-timeline\">工作进展</h2>")
		if i, j := strings.Index(tp.body, "2026-09-01 的进展"), strings.Index(tp.body, "2026-10-01 的进展"); i > j {
			t.Error("the timeline is not in date order")
		}

		// The 总体情况 of 2026.
		var ro execution.ReplyOverview
		c.do(t, "GET", "/api/v1/execution/proposals/overview?year=2026", "", nil, "").decode(t, &ro)
		if ro.Received != 6 || ro.Replied != 3 || ro.OnTime != 2 || ro.OnTimeRate != "66.67%" || ro.Overdue != 1 || ro.Published != 1 || ro.Withheld != 1 ||
			ro.ByClass[0].Count != 1 || ro.ByClass[0].Share != "33.33%" || ro.ByKind[1].Count != 1 || ro.SatisfiedRate != "100.00%" {
			t.Errorf("reply overview %+v", ro)
		}
		pp := b.get("/execution/proposals?year=2026")
		mustContain(t, pp.body, "2026年共承办建议提案 6 件，已答复 3 件，办复率 50.00%；按期答复 2 件，按期答复率 66.67%；逾期未答复 1 件", "不公开：涉及商业秘密")
		if f := b.get("/execution/proposals?year=2026&class=B"); !strings.Contains(f.body, "关于P6的建议") || strings.Contains(f.body, "关于P4的建议") {
			t.Error("the class filter does not filter")
		}
		// A withheld reply shows neither text nor summary; a summary-only one no full text — on pages, API and exports.
		for _, path := range []string{lists.RowURL(execution.Proposals.Code, "P5"), lists.RowURL(execution.Proposals.Code, "P6"), "/lists/proposal_replies",
			"/api/v1/lists/proposal_replies/export?format=csv", "/api/v1/lists/proposal_replies/rows?limit=100"} {
			r := b.get(path)
			if r.status != 200 {
				t.Fatalf("GET %s: %d", path, r.status)
			}
			for _, secret := range []string{"秘密摘要P5", "不公开的全文P6"} {
				if strings.Contains(r.body, secret) {
					t.Errorf("%s shows %q", path, secret)
				}
			}
		}
		mustContain(t, b.get(lists.RowURL(execution.Proposals.Code, "P6")).body, "摘要P6", "2026-09-30")

		// The staff ledger: for staff only.
		if r := b.get("/admin/execution"); r.status == 200 {
			t.Error("the ledger is open to the public")
		}
		mustContain(t, e.browser().login("bgs").get("/admin/execution?year=2026").body, "已超期未更新", "2027-03-01")
	})
}

// The demo's year: 8 tasks with progress, 16 replies with the overview,
// pages and search; bad input gets a Chinese message, never a 500.
func TestExecutionDemo(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		if err := e.srv.LoadExecutionDemo(ctx, e.site.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.srv.Search.ReindexAll(ctx, []int64{e.site.ID}, nil); err != nil {
			t.Fatal(err)
		}
		c := newAPIClient(t, e)
		var o execution.TaskOverview
		c.do(t, "GET", "/api/v1/execution/tasks?year=2025", "", nil, "").decode(t, &o)
		entries := 0
		for _, tk := range o.Tasks {
			entries += len(tk.Timeline)
		}
		if o.Total < 8 || entries < 20 || o.States[2].Count != 6 {
			t.Errorf("demo tasks %d, entries %d, states %+v", o.Total, entries, o.States)
		}
		var ro execution.ReplyOverview
		c.do(t, "GET", "/api/v1/execution/proposals/overview?year=2025", "", nil, "").decode(t, &ro)
		if ro.Received < 15 || ro.Replied != ro.Received || ro.OnTime != 13 {
			t.Errorf("demo replies %+v", ro)
		}
		// Each of the new fields for the year: 见面率, the second reply, the
		// planned items' further replies, a wrong assignment reported in time.
		if ro.Met == 0 || ro.Met == ro.Replied || ro.SecondOwed != 1 || ro.SecondReplied != 1 || ro.Planned != 5 || ro.PlanReplied != 4 || ro.Misassigned != 1 {
			t.Errorf("demo follow-ups %+v", ro)
		}
		b := e.browser()
		// The demo's second reply and co-handlers (opinion texts not public).
		mustContain(t, b.get("/lists/proposal_replies/rows/14-5-0115").body, "再次答复", "2025-07-18", "首批入库律师不少于30名", "保密审查", "（演示）办公室保密员")
		mustContain(t, b.get("/lists/proposal_replies/rows/19-5-0047").body, "计划完成时间", "落实情况答复", "已落实完毕")
		mustContain(t, b.get("/lists/proposal_replies/rows/19-5-0201").body, "交办不当理由", "2025-03-13")
		mustContain(t, b.get("/execution/proposals?year=2025").body, "见面率", "落实后已再次答复 4 件", "交办不当，已改交其他单位办理")
		co := b.get("/lists/proposal_co_opinions").body
		mustContain(t, co, "市财政局", "市自然资源和规划局", "市商务局")
		mustNotContain(t, co, "（演示）市财政局将在年度预算中")
		for _, path := range []string{"/execution?year=2025", "/execution/tasks/2025-07", "/execution/proposals?year=2025", "/lists/execution_tasks", "/lists/execution_progress",
			"/lists/proposal_replies", "/lists/proposal_replies/feed.xml", "/lists/execution_tasks/feed.xml", "/lists/proposal_co_opinions", "/lists/proposal_replies/rows/14-5-0115"} {
			if r := b.get(path); r.status != 200 {
				t.Errorf("GET %s: %d", path, r.status)
			}
		}
		mustContain(t, b.get("/search?q="+"智慧矫正").body, "%2Flists%2Fexecution_tasks%2Frows%2F2025-07")
		for _, bad := range []string{"/execution?year=abc", "/execution?state=nope", "/execution/proposals?kind=x", "/execution/proposals?class=Z"} {
			r := b.get(bad)
			if r.status != 200 || !strings.Contains(r.body, `role="alert"`) {
				t.Errorf("GET %s: %d without a message", bad, r.status)
			}
		}
		// The render cache bounds a parameter; an over-long unit shows nothing, never a 500.
		if r := b.get("/execution?unit=" + strings.Repeat("科", 101)); r.status != 200 {
			t.Errorf("over-long unit: %d", r.status)
		}
		if r := b.get("/execution/tasks/" + strings.Repeat("A", 41)); r.status != 422 {
			t.Errorf("over-long task number: %d", r.status)
		}
		for path, want := range map[string]int{"/api/v1/execution/tasks?year=1": 422, "/api/v1/execution/tasks/nope": 404, "/api/v1/execution/proposals/overview?year=x": 422} {
			r := c.do(t, "GET", path, "", nil, "")
			if r.status != want || !strings.Contains(r.body, `"error":{"code"`) {
				t.Errorf("GET %s: %d %s", path, r.status, clipBody(r.body))
			}
		}
	})
}

// The rules refuse what cannot be right, naming the cell, and keep
// nothing of a refused file.
func TestExecutionValidation(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newAPIClient(t, e)
		for _, tc := range []struct {
			k    *lists.Kind
			row  map[string]string
			want string
		}{
			{execution.Tasks, execTask("X1", "2026-06-01", "2026-05-01", nil), "完成时限不能早于部署日期"},
			{execution.Tasks, execTask("X2", "2026-06-01", "2026-12-01", map[string]string{"milestones": "十月 调研"}), "第 1 行应以日期"},
			{execution.Tasks, execTask("X3", "2026-06-01", "2026-12-01", map[string]string{"completed_on": "2026-07-01"}), "任务已完成的，请填写取得成效"},
			{execution.Progress, map[string]string{"task_no": "X", "reported_on": "2026-01-01", "summary": "s", "unit": "u", "progress": "p", "percent": "101"}, "完成进度应在 0 到 100 之间"},
			{execution.Proposals, execProposal("Y1", "2026-03-01", map[string]string{"replied_on": "2026-05-01", "result_class": "A", "publish_mode": "withheld"}), "不公开的，请说明理由"},
			{execution.Proposals, execProposal("Y2", "2026-03-01", map[string]string{"replied_on": "2026-05-01", "publish_mode": "summary", "reply_summary": "s"}), "已答复的，请选择办理结果分类"},
			{execution.Proposals, execProposal("Y3", "2026-03-01", map[string]string{"replied_on": "2026-02-01", "result_class": "A", "publish_mode": "full", "reply_text": "t"}), "答复日期不能早于交办日期"},
			{execution.Proposals, execProposal("Y4", "2026-03-01", map[string]string{"result_class": "A"}), "尚未答复的，请先填写答复日期"},
		} {
			r := c.upload(t, tc.k.Code, "office", "bad.csv", kindCSV(t, tc.k, []map[string]string{tc.row}), map[string]string{"note": "错误"})
			if r.status != 422 || !strings.Contains(r.body, tc.want) || !strings.Contains(r.body, `"row":2`) {
				t.Errorf("%s: %d %s", tc.want, r.status, clipBody(r.body))
			}
		}
		for _, k := range []*lists.Kind{execution.Tasks, execution.Progress, execution.Proposals, execution.CoOpinions} {
			if cur, _ := e.srv.Lists.Current(context.Background(), e.site.ID, k); cur != nil {
				t.Errorf("%s: a refused file left an edition", k.Code)
			}
		}
		// Another department's editor may not import the office's lists.
		r := c.upload(t, execution.Tasks.Code, "fzk", "t.csv", kindCSV(t, execution.Tasks, []map[string]string{execTask("Z1", "2026-06-01", "2026-12-01", nil)}), map[string]string{"note": "越权"})
		if r.status != 403 {
			t.Errorf("fzk imports the office's task list: %d %s", r.status, clipBody(r.body))
		}
	})
}

// Every field of the three kinds at its maximum length on both databases;
// one character more in the title is refused by cell.
func TestExecutionMaxLength(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newAPIClient(t, e)
		for _, k := range []*lists.Kind{execution.Tasks, execution.Progress, execution.Proposals, execution.CoOpinions} {
			row := map[string]string{}
			for _, f := range k.Fields {
				switch f.Kind {
				case catalog.Text, catalog.TextArea:
					row[f.Name] = strings.Repeat("法", f.Max)
				case catalog.Select:
					row[f.Name] = f.Options[0].Value
				case catalog.Date:
					row[f.Name] = "2026-06-30"
				case catalog.Bool:
					row[f.Name] = "1"
				}
			}
			for n := range k.Patterns {
				f, _ := k.Field(n)
				row[n] = strings.Repeat("A", f.Max)
			}
			row["year"] = "2026"
			switch k {
			case execution.Tasks:
				row["update_months"], row["milestones"] = "12", "2026-06-30 "+strings.Repeat("节", 1989)
			case execution.Progress:
				row["percent"] = "100"
			case execution.Proposals:
				row["publish_mode"], row["withhold_reason"], row["published_on"] = "full", "", "2026-07-01"
				row["satisfaction"] = "dissatisfied" // the second reply's fields are filled
				row["result_class"] = "B"            // planned: the plan's fields are filled
				row["secrecy_result"] = "pass"
				row["reassigned"] = ""
			}
			c.publishRows(t, k, []map[string]string{row}, true)
			cur, _ := e.srv.Lists.Current(context.Background(), e.site.ID, k)
			stored, _ := e.srv.Lists.Rows(context.Background(), cur.ID)
			for _, f := range k.Fields {
				if got := stored[0].Values[f.Name]; got != row[f.Name] {
					t.Errorf("%s.%s: stored %q, sent %q", k.Code, f.Name, clipBody(got), clipBody(row[f.Name]))
				}
			}
			if p := e.browser().get(lists.RowURL(k.Code, stored[0].Key)); p.status != 200 {
				t.Errorf("%s: row page %d", k.Code, p.status)
			}
			tf, _ := k.Field(k.Title)
			row[k.Title] += "长"
			r := c.upload(t, k.Code, "office", "over.csv", kindCSV(t, k, []map[string]string{row}), map[string]string{"note": "超长"})
			if r.status != 422 {
				t.Fatalf("%s: over-long: %d", k.Code, r.status)
			}
			mustContain(t, r.body, `"row":2`, `"column":"`+tf.Label+`"`, fmt.Sprintf("不能超过 %d 个字", tf.Max))
		}
		if p := e.browser().get("/execution/tasks/" + strings.Repeat("A", 40)); p.status != 200 {
			t.Errorf("task page of the longest number: %d", p.status)
		}
	})
}
