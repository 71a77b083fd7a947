package app

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestComplianceDashboard(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		office := e.browser().login("office")
		// Four problems: the demo catalogue's three and last year's annual
		// report, which only internal/annual's demo loader (not run here)
		// generates and publishes.
		r := office.get("/admin/compliance")
		if r.status != 200 {
			t.Fatalf("dashboard: %d", r.status)
		}
		mustContain(t, r.body, "共 <strong>4</strong> 项问题", "统计数据", "年度报告", "解读发布过晚", "至今没有已发布的解读", "政策解读覆盖率", "按科室统计", "国办秘函〔2019〕19号")
		// Running it records a point; the trend chart is drawn server-side.
		if r := office.post("/admin/compliance/run", nil); r.status != http.StatusSeeOther {
			t.Fatalf("run: %d", r.status)
		}
		r = office.get("/admin/compliance")
		mustContain(t, r.body, "<svg", "自查问题数趋势", "最新一次 4 项问题", "自查时间")
		if n := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'compliance.run'`); n != 1 {
			t.Errorf("立即自查 audited %d times, want 1", n)
		}
		// The page lists the stored run's findings, filtered per department
		// for the office too.
		r = office.get("/admin/compliance?department=" + url.QueryEscape("法制科"))
		mustContain(t, r.body, "问题清单：法制科（共 1 项）", "解读发布过晚")
		mustNotContain(t, r.body, "至今没有已发布的解读")
		// A department's editor sees the department's part (issue 15), not
		// the others' nor the office's tools.
		fzk := e.browser().login("fzk")
		r = fzk.get("/admin/compliance")
		if r.status != 200 {
			t.Fatalf("editor's self-inspection: %d", r.status)
		}
		mustContain(t, r.body, "政务公开自查：法制科", "本科室共 <strong>1</strong> 项问题", "解读发布过晚")
		mustNotContain(t, r.body, "至今没有已发布的解读", "按科室统计", "/admin/compliance/run", "统计数据")
		if r := fzk.post("/admin/compliance/run", nil); r.status != http.StatusForbidden {
			t.Errorf("an editor records a run: %d", r.status)
		}
		// The workbench lists each person's part of it, with the queue.
		r = fzk.get("/admin")
		mustContain(t, r.body, "法制科的期限和自查问题", "解读发布过晚", "本科室的草稿和退回修改的信息")
		mustNotContain(t, r.body, "至今没有已发布的解读")
		r = office.get("/admin")
		mustContain(t, r.body, "全站的期限和自查问题", "解读发布过晚", "至今没有已发布的解读", "共 4 项")
		// A draft written three weeks ago is late for its 7-day publication:
		// the editor's next look at the workbench shows it (the change
		// invalidates the summary), with its deadline.
		c := newAPIClient(t, e)
		c.exec(t, apiScenario{method: "POST", path: "/api/v1/items", token: "fzk", wantStatus: 201, body: apiJSON(map[string]any{
			"column_id": c.columnIDs(t)["zcwj"], "doc_type": "policy", "department": "法制科", "title": "临沂市司法局关于迟迟未公开的通知",
			"doc_no": "临司发〔2026〕21号", "written_on": "2026-11-10", "validity": "in_force", "body": "<p>正文。</p>", "disclosure": "proactive"})})
		r = fzk.get("/admin")
		mustContain(t, r.body, "临沂市司法局关于迟迟未公开的通知</a>", `<span class="date">2026-11-17</span> <strong>已逾期</strong>`)
	})
}

func TestItemDeadlinesAndCalendarImport(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		office := e.browser().login("office")
		id := e.itemID(t, "临沂市司法局公共法律服务事项清单管理办法")
		r := office.get("/admin/items/" + id)
		mustContain(t, r.body, "期限", "政策文件公开后 3 个工作日内发布解读", "已逾期", "计算过程", "计第3个工作日", "政策文件印发后 7 日内公开", "按期完成")
		// The seed-era policy shows its on-time interpretation from the interpretation's side.
		interp := e.itemID(t, "《临沂市司法局行政执法公示办法》政策解读")
		mustContain(t, office.get("/admin/items/"+interp).body, "所解读文件", "按期完成")

		admin := e.browser().login("admin")
		cases := []struct {
			name, data string
			status     int
			want       string
		}{
			{"empty", "", http.StatusUnprocessableEntity, "请上传或粘贴节假日安排数据"},
			{"not json", "hello", http.StatusUnprocessableEntity, "格式"},
			{"weekday as make-up day", `{"years":{"2027":{"notices":["测试"],"off":["2027-01-01"],"work":["2027-01-04"]}}}`, http.StatusUnprocessableEntity, "2027-01-04"},
			{"2027", `{"years":{"2027":{"notices":["国办发明电〔2026〕测试号"],"off":["2027-01-01","2027-02-05","2027-02-08"],"work":["2027-02-06"]}}}`, http.StatusSeeOther, ""},
			{"same again", `{"years":{"2027":{"notices":["国办发明电〔2026〕测试号"],"off":["2027-01-01","2027-02-05","2027-02-08"],"work":["2027-02-06"]}}}`, http.StatusConflict, "完全相同"},
		}
		for _, c := range cases {
			r := admin.post("/admin/calendar", url.Values{"data": {c.data}, "note": {c.name}})
			if r.status != c.status {
				t.Errorf("%s: status %d, want %d", c.name, r.status, c.status)
			}
			if c.want != "" && !strings.Contains(r.body, c.want) {
				t.Errorf("%s: lacks %q", c.name, c.want)
			}
		}
		r = admin.get("/admin/calendar")
		mustContain(t, r.body, "（现行）", "2027", "按旧版本计算")
		// Editors cannot import.
		if r := e.browser().login("fzk").post("/admin/calendar", url.Values{"data": {"{}"}}); r.status != http.StatusForbidden {
			t.Errorf("editor import: %d", r.status)
		}
		// Recompute moves every pinned date to the version in force.
		if r := office.post("/admin/deadlines/recompute", nil); r.status != http.StatusSeeOther {
			t.Fatalf("recompute: %d %s", r.status, r.body)
		}
		mustContain(t, admin.get("/admin/calendar").body, "所有期限都按现行版本计算")
		audit := admin.get("/admin/audit?action=calendar.")
		mustContain(t, audit.body, "calendar.import")
	})
}

func TestWorkdaysAPI(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.browser()
		cases := []struct {
			path   string
			status int
			want   []string
		}{
			{"/api/v1/workdays/add?date=2021-09-28&days=20", 200, []string{`"due":"2021-11-01"`, `"calendar_version"`, `"steps"`}},
			{"/api/v1/workdays/days?date=2021-09-28&days=7", 200, []string{`"due":"2021-10-08"`}},
			{"/api/v1/workdays/between?from=2021-09-30&to=2021-10-11", 200, []string{`"workdays":3`}},
			{"/api/v1/workdays/is?date=2021-10-09", 200, []string{`"workday":true`, "调休上班"}},
			{"/api/v1/workdays/is?date=2021-10-01", 200, []string{`"workday":false`, `"provisional":false`}},
			// 2027's notice is not embedded: 元旦 is a provisional statutory day off.
			{"/api/v1/workdays/is?date=2027-01-01", 200, []string{`"workday":false`, `"known_year":false`, `"provisional":true`, "元旦", "暂定"}},
			{"/api/v1/workdays/add?date=2026-12-24&days=10", 200, []string{`"due":"2027-01-08"`, `"provisional":true`, "2027年度放假通知尚未录入"}},
			{"/api/v1/workdays/add?date=2021-02-30&days=1", 422, []string{`"code":"invalid"`, "date"}},
			{"/api/v1/workdays/add?date=2021-09-28&days=-1", 422, []string{"days"}},
			{"/api/v1/workdays/between?from=2021-01-01&to=2900-01-01", 422, []string{"范围过大"}},
			{"/api/v1/workdays/nope", 404, []string{`"code":"not_found"`}},
		}
		for _, c := range cases {
			r := b.get(c.path)
			if r.status != c.status {
				t.Errorf("%s: %d, want %d", c.path, r.status, c.status)
			}
			for _, w := range c.want {
				if !strings.Contains(r.body, w) {
					t.Errorf("%s: lacks %s in %s", c.path, w, r.body[:min(len(r.body), 300)])
				}
			}
		}
	})
}

func TestDeadlineSettings(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		admin := e.browser().login("admin")
		r := admin.get("/admin/settings")
		mustContain(t, r.body, "期限规则", "政策文件公开后 3 个工作日内发布解读", `value="3"`)
		form := url.Values{"name": {"临沂市司法局"}, "deadline_interpretation.publish": {"2"}, "deadline_consultation.open": {"20"}}
		r = admin.post("/admin/settings", form)
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("consultation below 30 days: %d", r.status)
		}
		mustContain(t, r.body, "不能少于法定的 30 日")
		// A statutory period may be shortened, never lengthened (条例第二十六条's 20 working days).
		form.Set("deadline_consultation.open", "30")
		form.Set("deadline_proactive.publish", "365")
		if r := admin.post("/admin/settings", form); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("20 working days lengthened to 365: %d", r.status)
		} else {
			mustContain(t, r.body, "只能缩短、不能延长法定的 20 个工作日")
		}
		form.Set("deadline_proactive.publish", "15")
		if r := admin.post("/admin/settings", form); r.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.status, r.body)
		}
		body := admin.get("/admin/settings").body
		mustContain(t, body, `name="deadline_interpretation.publish" inputmode="numeric" value="2"`, `name="deadline_proactive.publish" inputmode="numeric" value="15"`)
	})
}

// TestCalendarNoticeEntry: on 2026-12-01 the 2027 notice is missing, so the
// office's dashboard and the calendar page warn and offer 2027's statutory
// days; the administrator enters the notice as dates, bad entries are
// refused with the input kept, and afterwards 2027 is counted by the notice
// (issue 15).
func TestCalendarNoticeEntry(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		office := e.browser().login("office")
		mustContain(t, office.get("/admin").body, "2027年度放假通知尚未录入", `href="/admin/calendar"`)
		admin := e.browser().login("admin")
		r := admin.get("/admin/calendar")
		mustContain(t, r.body, "2027年度放假通知尚未录入", `name="year" inputmode="numeric" value="2027"`, "2027-02-09（周二）春节补假", "2027-01-01（周五）元旦")
		form := func(off, work string) url.Values {
			return url.Values{"year": {"2027"}, "notices": {"国办发明电〔2026〕示例号"}, "off": {off}, "work": {work}}
		}
		for _, c := range []struct{ off, work, want string }{
			{"2027-01-01\n2027-02-30", "", "“2027-02-30”不是有效日期"},
			{"", "", "请填写放假日期"},
			{"2027-01-01", "2027-01-04", "周末"}, // a make-up day must be a weekend day
		} {
			r := admin.post("/admin/calendar/year", form(c.off, c.work))
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, c.want) || !strings.Contains(r.body, "国办发明电〔2026〕示例号") {
				t.Errorf("off %q work %q: %d, want 422 with %q and the input kept: %.300s", c.off, c.work, r.status, c.want, r.body)
			}
		}
		if r := e.browser().get("/api/v1/workdays/is?date=2027-02-10"); !strings.Contains(r.body, `"provisional":true`) || !strings.Contains(r.body, `"workday":false`) {
			t.Errorf("before the notice: %s", r.body)
		}
		r = admin.post("/admin/calendar/year", form("2027-01-01 至 2027-01-03\n2027-02-05 至 2027-02-12", "2027-02-20"))
		if r.status != http.StatusSeeOther {
			t.Fatalf("enter 2027: %d %.500s", r.status, r.body)
		}
		for path, want := range map[string][]string{
			"/api/v1/workdays/is?date=2027-02-12": {`"workday":false`, `"known_year":true`, `"provisional":false`, "国办发明电〔2026〕示例号"},
			"/api/v1/workdays/is?date=2027-02-20": {`"workday":true`, "调休上班"},
			"/api/v1/workdays/is?date=2027-05-03": {`"workday":true`}, // the notice decides: no statutory guess is left
		} {
			mustContain(t, e.browser().get(path).body, want...)
		}
		if strings.Contains(office.get("/admin").body, "放假通知尚未录入") {
			t.Error("the dashboard still warns after the notice was entered")
		}
	})
}
