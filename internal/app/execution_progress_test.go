package app

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"gongkai/internal/execution"
	"gongkai/internal/lists"
)

// 谁落实、谁公开 over HTTP on both databases: the editors of a task's
// departments post dated progress on it (back office and API), published at
// once and audited; editors of other departments are refused (403), bad
// entries get field messages and nothing is saved.
func TestExecutionDepartmentPostsProgress(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newAPIClient(t, e)
		c.publishRows(t, execution.Tasks, []map[string]string{
			execTask("D1", "2026-06-01", "2026-12-31", map[string]string{"depts": "fzk"}),          // by abbreviation
			execTask("D2", "2026-06-01", "2026-12-31", map[string]string{"lead_unit": "普法与依法治理科"}), // by the lead unit's name
		}, true)
		c.publishRows(t, execution.Progress, []map[string]string{execProgress("D1", "2026-07-01")}, true)

		// The 法制科 editor posts on D1 in the back office.
		fzk := e.browser().login("fzk")
		page := fzk.get("/admin/execution/tasks/D1")
		mustContain(t, page.body, "填报科室</dt><dd>法制科", "提交并公开")
		form := url.Values{"reported_on": {"2026-11-20"}, "summary": {"完成中期评估"}, "progress": {"组织第三方开展中期评估"}, "percent": {"60"},
			"results": {"评估得分 92 分"}, "next_steps": {"12 月完成总结"}}
		if r := fzk.post("/admin/execution/tasks/D1/progress", form); r.status != 303 || !strings.Contains(r.location, "done=execution_progress") {
			t.Fatalf("post: %d %s", r.status, clipBody(r.body))
		}
		pub := e.browser().get("/execution/tasks/D1")
		mustContain(t, pub.body, "完成中期评估", "组织第三方开展中期评估", "评估得分 92 分", "12 月完成总结")
		var d1 execution.Task
		c.do(t, "GET", "/api/v1/execution/tasks/D1", "", nil, "").decode(t, &d1)
		if len(d1.Timeline) != 2 || d1.Timeline[1].On != "2026-11-20" || d1.Timeline[1].Unit != "法制科" || d1.Percent != "60" || d1.Stale {
			t.Errorf("D1 after the post: %+v", d1)
		}
		var audits int
		e.db.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'execution.progress' AND actor_name = $1`, "fzk").Scan(&audits)
		if audits != 1 {
			var all int
			e.db.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'execution.progress'`).Scan(&all)
			t.Errorf("audit entries of fzk: %d (all: %d)", audits, all)
		}

		// The same date again: a field message, nothing saved.
		r := fzk.post("/admin/execution/tasks/D1/progress", form)
		if r.status != 422 || !strings.Contains(r.body, "该日期已有进展") {
			t.Errorf("duplicate date: %d", r.status)
		}
		bad := url.Values{"reported_on": {"2027-01-05"}, "summary": {""}, "progress": {"x"}, "percent": {"abc"}}
		r = fzk.post("/admin/execution/tasks/D1/progress", bad)
		if r.status != 422 {
			t.Errorf("bad entry: %d", r.status)
		}
		mustContain(t, r.body, "请填写进展摘要")
		if r := fzk.post("/admin/execution/tasks/D1/progress", url.Values{"reported_on": {"2027-01-05"}, "summary": {"s"}, "progress": {"x"}, "percent": {"120"}}); r.status != 422 || !strings.Contains(r.body, "完成进度应在 0 到 100 之间") {
			t.Errorf("percent 120: %d", r.status)
		}
		if r := fzk.post("/admin/execution/tasks/D1/progress", url.Values{"reported_on": {"2027-01-05"}, "summary": {"s"}, "progress": {"x"}}); r.status != 422 || !strings.Contains(r.body, "进展日期不能晚于今天") {
			t.Errorf("future date: %d", r.status)
		}

		// Another department's editor: refused on the page, the form and the API.
		if r := fzk.get("/admin/execution/tasks/D2"); !strings.Contains(r.body, "由普法与依法治理科填报") || strings.Contains(r.body, "提交并公开") {
			t.Errorf("the D2 page offers the form to fzk")
		}
		if r := fzk.post("/admin/execution/tasks/D2/progress", form); r.status != 403 {
			t.Errorf("fzk posting on D2: %d", r.status)
		}
		body := `{"reported_on":"2026-11-21","summary":"普法进展","progress":"开展宣传 20 场","percent":"40"}`
		if r := c.do(t, "POST", "/api/v1/execution/tasks/D2/progress", "fzk", nil, body); r.status != 403 || !strings.Contains(r.body, `"code"`) {
			t.Errorf("API fzk on D2: %d %s", r.status, r.body)
		}
		if r := c.do(t, "POST", "/api/v1/execution/tasks/D2/progress", "reviewer", nil, body); r.status != 403 {
			t.Errorf("API reviewer: %d", r.status)
		}
		// Its own editor and the office may.
		r2 := c.do(t, "POST", "/api/v1/execution/tasks/D2/progress", "pfk", nil, body)
		if r2.status != 201 {
			t.Fatalf("API pfk on D2: %d %s", r2.status, r2.body)
		}
		var en execution.Entry
		json.Unmarshal([]byte(r2.body), &en)
		if en.Unit != "普法与依法治理科" || en.URL != lists.RowURL(execution.Progress.Code, "D2/2026-11-21") {
			t.Errorf("entry %+v", en)
		}
		if r := c.do(t, "POST", "/api/v1/execution/tasks/D1/progress", "office", nil, `{"summary":"办公室补录","progress":"补录"}`); r.status != 201 {
			t.Errorf("office on D1: %d %s", r.status, r.body)
		}
		if r := c.do(t, "POST", "/api/v1/execution/tasks/NOPE/progress", "office", nil, body); r.status != 404 {
			t.Errorf("unknown task: %d", r.status)
		}
		// The progress list holds the three posted entries and the imported one.
		cur, err := e.srv.Lists.Current(t.Context(), e.site.ID, execution.Progress)
		if err != nil || cur.Rows != 4 {
			t.Errorf("progress edition %+v %v", cur, err)
		}
	})
}

// The yearly overviews download as CSV and XLSX with the page's figures.
func TestExecutionOverviewExports(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newAPIClient(t, e)
		c.publishRows(t, execution.Tasks, []map[string]string{execTask("E1", "2026-03-01", "2026-06-30", map[string]string{"completed_on": "2026-06-20", "results": "已完成"}),
			execTask("E2", "2026-03-01", "2026-12-31", nil)}, true)
		c.publishRows(t, execution.Proposals, []map[string]string{
			execProposal("Q1", "2026-03-10", map[string]string{"replied_on": "2026-05-20", "result_class": "A", "publish_mode": "full", "reply_text": "复文Q1", "published_on": "2026-05-25", "satisfaction": "satisfied"}),
			execProposal("Q2", "2026-03-10", map[string]string{"kind": "cppcc", "replied_on": "2026-06-20", "result_class": "B", "publish_mode": "withheld", "reply_summary": "秘密Q2", "withhold_reason": "涉及个人隐私"}),
		}, true)
		b := e.browser()
		mustContain(t, b.get("/execution/proposals?year=2026").body, `href="/execution/proposals.csv?year=2026"`, `href="/execution/proposals.xlsx?year=2026"`)
		r := b.get("/execution/proposals.csv?year=2026")
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv: %d %s", r.status, r.header.Get("Content-Type"))
		}
		mustContain(t, r.body, "承办建议提案,2,", "已答复,2,100.00%", "按期答复,1,50.00%", "Q1,人大代表建议,关于Q1的建议,法制科,2026-03-10,2026-06-10,2026-05-20,是", "Q2,政协委员提案")
		mustNotContain(t, r.body, "秘密Q2")
		x := b.get("/execution/proposals.xlsx?year=2026")
		if x.status != 200 {
			t.Fatalf("xlsx: %d", x.status)
		}
		mustContain(t, xlsxText(t, []byte(x.body)), "2026年总体情况", "按期答复", "关于Q2的建议")
		tc := b.get("/execution.csv?year=2026")
		mustContain(t, tc.body, "已完成,1", "合计,2", "E1,任务E1,年度政府工作报告,法制科,2026-03-01,2026-06-30,已完成")
		if x := b.get("/execution.xlsx?year=2026"); x.status != 200 || !strings.Contains(xlsxText(t, []byte(x.body)), "任务E2") {
			t.Errorf("tasks xlsx: %d", x.status)
		}
		if r := b.get("/execution.csv?year=abc"); r.status != 422 {
			t.Errorf("bad year: %d", r.status)
		}
	})
}

// An office draft of the progress list opened before a department posts
// progress (谁落实、谁公开: the post is published at once) keeps the post
// when it is published: the draft is brought up to the current edition
// (lists rebase). A change the draft makes to a row changed meanwhile is
// refused naming the row, and nothing is published. Over HTTP, both
// databases.
func TestExecutionOfficeDraftKeepsDepartmentPost(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newAPIClient(t, e)
		c.publishRows(t, execution.Tasks, []map[string]string{execTask("D1", "2026-06-01", "2026-12-31", map[string]string{"depts": "fzk"})}, true)
		c.publishRows(t, execution.Progress, []map[string]string{execProgress("D1", "2026-07-01"), execProgress("D1", "2026-08-01")}, true)
		office := e.browser().login("office")
		fzk := e.browser().login("fzk")
		r := office.post("/admin/lists/execution_progress/drafts", nil)
		if r.status != 303 {
			t.Fatalf("new draft: %d", r.status)
		}
		draft := r.location
		// A second draft, opened at the same time, for the conflict below.
		r = office.post("/admin/lists/execution_progress/drafts", nil)
		other := r.location

		post := url.Values{"reported_on": {"2026-11-20"}, "summary": {"完成中期评估"}, "progress": {"法制科填报的中期评估情况"}, "percent": {"60"},
			"results": {"评估得分 92 分"}, "next_steps": {"12 月完成总结"}}
		if r := fzk.post("/admin/execution/tasks/D1/progress", post); r.status != 303 {
			t.Fatalf("department post: %d %s", r.status, clipBody(r.body))
		}
		mustContain(t, office.get(draft).body, "本草稿创建后", "不会丢失")

		// The office corrects the July entry in its draft and publishes it.
		fix := url.Values{"task_no": {"D1"}, "reported_on": {"2026-07-01"}, "summary": {"办公室订正的七月进展"}, "unit": {"法制科"}, "progress": {"推进中"}, "percent": {"50"}}
		if r := office.post(draft+"/rows/"+url.PathEscape("D1/2026-07-01"), fix); r.status != 303 {
			t.Fatalf("edit row: %d %s", r.status, clipBody(r.body))
		}
		if r := office.post(draft+"/publish", url.Values{"note": {"订正七月进展"}}); r.status != 303 {
			t.Fatalf("publish: %d %s", r.status, clipBody(r.body))
		}
		pub := e.browser().get("/execution/tasks/D1")
		mustContain(t, pub.body, "法制科填报的中期评估情况", "评估得分 92 分", "12 月完成总结", "办公室订正的七月进展", "D1 在 2026-08-01 的进展")
		var d1 execution.Task
		c.do(t, "GET", "/api/v1/execution/tasks/D1", "", nil, "").decode(t, &d1)
		if len(d1.Timeline) != 3 || d1.Timeline[2].Progress != "法制科填报的中期评估情况" || d1.Timeline[2].Unit != "法制科" {
			t.Errorf("timeline after the office's publication: %+v", d1.Timeline)
		}
		var rebased string
		e.db.R.QueryRow(`SELECT after_json FROM audit_log WHERE action = 'list.publish' ORDER BY id DESC LIMIT 1`).Scan(&rebased)
		if !strings.Contains(rebased, `"rebased":1`) {
			t.Errorf("publish audit: %s", rebased)
		}

		// The other draft changes the July entry differently: refused, the
		// current edition stays.
		cur, _ := e.srv.Lists.Current(t.Context(), e.site.ID, execution.Progress)
		fix.Set("summary", "另一份草稿的七月进展")
		if r := office.post(other+"/rows/"+url.PathEscape("D1/2026-07-01"), fix); r.status != 303 {
			t.Fatalf("edit row in the other draft: %d", r.status)
		}
		r = office.post(other+"/publish", url.Values{"note": {"另一份"}})
		if r.status != 409 {
			t.Fatalf("conflicting publication: %d", r.status)
		}
		mustContain(t, r.body, "D1/2026-07-01", "与草稿中的修改冲突")
		if now, _ := e.srv.Lists.Current(t.Context(), e.site.ID, execution.Progress); now.ID != cur.ID || now.Rows != 3 {
			t.Errorf("after the refused publication: %+v (was %+v)", now, cur)
		}
	})
}
