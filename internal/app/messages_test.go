package app

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gongkai/internal/interact"
	"gongkai/internal/store/storetest"
)

var (
	msgNoRE   = regexp.MustCompile(`id="tracking-no">([^<]+)<`)
	msgCodeRE = regexp.MustCompile(`id="query-code">([^<]+)<`)
)

func (e *env) msgDept(t *testing.T, abbr string) string {
	t.Helper()
	var id int64
	if err := e.db.R.QueryRow(`SELECT id FROM departments WHERE site_id = $1 AND abbr = $2`, e.site.ID, abbr).Scan(&id); err != nil {
		t.Fatalf("department %s: %v", abbr, err)
	}
	return strconv.FormatInt(id, 10)
}

func (e *env) messageID(t *testing.T, no string) int64 {
	t.Helper()
	var id int64
	if err := e.db.R.QueryRow(`SELECT id FROM messages WHERE tracking_no = $1`, no).Scan(&id); err != nil {
		t.Fatalf("message %s: %v", no, err)
	}
	return id
}

// TestMessagesEndToEnd drives a message through every step over HTTP:
// submitted without JavaScript (preview, errors, CAPTCHA), routed,
// transferred, drafted, returned, redrafted, approved, published, read on
// the site with personal data removed, rated by its writer with the query
// code, and counted in the statistics; the ledger and the audit log hold
// every step.
func TestMessagesEndToEnd(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d)
			ctx := context.Background()
			pub := e.browser()
			r := pub.get("/messages/new?category=complaint")
			if r.status != 200 {
				t.Fatalf("form: %d", r.status)
			}
			mustContain(t, r.body, "我要留言", "投诉举报", `name="captcha_token"`)
			// The footer of every page links to the error-report form.
			mustContain(t, pub.get("/").body, `/messages/new?category=error&amp;page=`)

			form := url.Values{"category": {"complaint"}, "title": {"反映律师收费不规范"}, "body": {"我委托的律师收费后不开发票，我的电话13912345678。"},
				"name": {"王小明"}, "contact": {"13912345678"}, "publishable": {"1"}}
			// The no-JS preview comes back with what was typed.
			pv := url.Values{"op": {"suggest"}}
			for k, v := range form {
				pv[k] = v
			}
			r = pub.post("/messages/new", pv)
			if r.status != 200 {
				t.Fatalf("preview: %d", r.status)
			}
			mustContain(t, r.body, "可能已经解答您问题的答复", "反映律师收费不规范")
			// A missing title: 422, the summary links to the field.
			bad := url.Values{}
			for k, v := range form {
				bad[k] = v
			}
			bad.Set("title", "")
			r = pub.post("/messages/new", e.solved(t, "message", r.body, bad))
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("no title: %d", r.status)
			}
			mustContain(t, r.body, `href="#f-title"`, "请填写留言标题", "王小明")
			r = pub.post("/messages/new", e.solved(t, "message", r.body, form))
			if r.status != http.StatusCreated {
				t.Fatalf("submit: %d %s", r.status, clipBody(r.body))
			}
			no, code := msgNoRE.FindStringSubmatch(r.body)[1], msgCodeRE.FindStringSubmatch(r.body)[1]
			// Received Tue 2026-12-01: 5 working days are Dec 2, 3, 4, 7, 8.
			mustContain(t, r.body, `id="msg-due">2026-12-08<`)
			id := e.messageID(t, no)
			page := "/admin/messages/" + strconv.FormatInt(id, 10)
			var sealed string
			if err := e.db.R.QueryRow(`SELECT contact FROM messages WHERE id = $1`, id).Scan(&sealed); err != nil || strings.Contains(sealed, "1391234") {
				t.Errorf("contact stored as %q (%v): not sealed", sealed, err)
			}

			office := e.browser().login("office")
			mustContain(t, office.get("/admin/messages").body, no)
			r = office.get(page)
			mustContain(t, r.body, "王小明", "13912345678", "2026-12-08", "2027-03-01")
			fzk, pfk := e.browser().login("fzk"), e.browser().login("pfk")
			if r := fzk.get(page); r.status != http.StatusForbidden {
				t.Errorf("fzk before routing: %d", r.status)
			}
			step := func(b *browser, want int, f url.Values) resp {
				t.Helper()
				r := b.post(page+"/events", f)
				if r.status != want {
					t.Fatalf("%v: status %d, want %d: %s", f, r.status, want, clipBody(r.body))
				}
				return r
			}
			step(office, 303, url.Values{"type": {"routed"}, "department": {e.msgDept(t, "fzk")}})
			r = fzk.get(page)
			mustContain(t, r.body, "王小明", "转办", "拟写答复")
			step(fzk, 422, url.Values{"type": {"transferred"}, "department": {e.msgDept(t, "pfk")}})
			step(fzk, 303, url.Values{"type": {"transferred"}, "department": {e.msgDept(t, "pfk")}, "reason": {"属于普法宣传工作"}})
			if r := fzk.get(page); r.status != http.StatusForbidden {
				t.Errorf("fzk after the transfer: %d", r.status)
			}
			// A complaint's answer says where such matters are handled.
			r = step(pfk, 422, url.Values{"type": {"drafted"}, "answer": {"已转律师协会核查。"}})
			mustContain(t, r.body, "受理机关和途径")
			step(pfk, 303, url.Values{"type": {"drafted"}, "answer": {"已转律师协会核查。"}, "where": {"区司法局律师管理科，电话 12348"}})
			step(pfk, 403, url.Values{"type": {"reviewed"}, "approved": {"1"}})
			step(office, 303, url.Values{"type": {"reviewed"}, "approved": {"0"}, "note": {"请写明投诉渠道"}})
			step(pfk, 303, url.Values{"type": {"drafted"}, "answer": {"您反映的问题已转请律师协会核查，结果将书面告知。联系人电话13800001111。"}, "where": {"区司法局律师管理科，电话 12348"}})
			if r := pub.get("/messages/" + strconv.FormatInt(id, 10)); r.status != http.StatusNotFound {
				t.Errorf("public page before publication: %d", r.status)
			}
			step(office, 303, url.Values{"type": {"reviewed"}, "approved": {"1"}})
			step(office, 303, url.Values{"type": {"published"}, "public": {"1"}})

			// On the site: masked, listed, filterable.
			r = pub.get("/messages/" + strconv.FormatInt(id, 10))
			if r.status != 200 {
				t.Fatalf("public page: %d", r.status)
			}
			mustContain(t, r.body, "反映律师收费不规范", "王**", "律师协会核查", "区司法局律师管理科", "［电话已隐去］")
			mustNotContain(t, r.body, "13912345678", "王小明", "13800001111")
			mustContain(t, pub.get("/messages?category=complaint&month=2026-12").body, "反映律师收费不规范")
			mustNotContain(t, pub.get("/messages?category=consult").body, "反映律师收费不规范")
			// The site search has it (as typed on the form, and on /search).
			sg := pub.get("/messages/suggest?q=" + url.QueryEscape("律师收费"))
			mustContain(t, sg.body, "/messages/"+strconv.FormatInt(id, 10))
			srch := pub.get("/search?kind=message&q=" + url.QueryEscape("律师收费"))
			mustContain(t, srch.body, "留言答复（1）", "to=%2Fmessages%2F"+strconv.FormatInt(id, 10)+`"`)
			if r := pub.get("/messages?month=2026-13"); r.status != http.StatusUnprocessableEntity {
				t.Errorf("bad month: %d", r.status)
			}

			// The writer reads the answer and rates it, once.
			r = pub.post("/messages/status", url.Values{"no": {no}, "code": {"WRONG123"}})
			if r.status != http.StatusNotFound {
				t.Errorf("wrong code: %d", r.status)
			}
			r = pub.post("/messages/status", url.Values{"no": {no}, "code": {strings.ToLower(code)}})
			mustContain(t, r.body, `id="msg-status">已答复<`, "已转请律师协会核查", "满意", "转至普法与依法治理科，理由：属于普法宣传工作")
			r = pub.post("/messages/rate", url.Values{"no": {no}, "code": {code}, "rating": {"basic"}, "comment": {"希望尽快"}})
			mustContain(t, r.body, "感谢您的评价", `id="msg-rating">基本满意<`)
			if r := pub.post("/messages/rate", url.Values{"no": {no}, "code": {code}, "rating": {"satisfied"}}); r.status != http.StatusConflict {
				t.Errorf("second rating: %d", r.status)
			}

			// The ledger holds every step, in order; the audit log every staff step.
			rows, err := e.db.R.QueryContext(ctx, `SELECT type FROM message_events WHERE message_id = $1 ORDER BY seq`, id)
			if err != nil {
				t.Fatal(err)
			}
			var types []string
			for rows.Next() {
				var s string
				rows.Scan(&s)
				types = append(types, s)
			}
			rows.Close()
			if got := strings.Join(types, " "); got != "received routed transferred drafted reviewed drafted reviewed published rated" {
				t.Errorf("ledger: %s", got)
			}
			var audits int
			e.db.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE target = $1 AND action LIKE 'message.%'`, no).Scan(&audits)
			if audits != 7 {
				t.Errorf("%d audit rows for %s, want 7", audits, no)
			}

			// The statistics count it, on the page and in the API.
			r = pub.get("/messages/stats?year=2026&month=12")
			mustContain(t, r.body, "2026年12月", "<svg", "投诉举报", "普法与依法治理科")
			c := newAPIClient(t, e)
			res := c.exec(t, apiScenario{name: "stats", method: "GET", path: "/api/v1/messages/stats?year=2026&month=12", wantStatus: 200})
			var st struct {
				Received, Answered, OnTime int     `json:"-"`
				R                          int     `json:"received"`
				A                          int     `json:"answered"`
				O                          int     `json:"on_time"`
				Avg                        float64 `json:"avg_working_days"`
				Satisfaction               struct {
					Basic int `json:"basic"`
				} `json:"satisfaction"`
				ByDepartment []struct {
					Label    string `json:"label"`
					Answered int    `json:"answered"`
				} `json:"by_department"`
			}
			res.decode(t, &st)
			if st.R != 1 || st.A != 1 || st.O != 1 || st.Avg != 0 || st.Satisfaction.Basic != 1 {
				t.Errorf("stats: %+v", st)
			}
			for _, g := range st.ByDepartment {
				if (g.Label == "普法与依法治理科") != (g.Answered == 1) {
					t.Errorf("department %s answered %d", g.Label, g.Answered)
				}
			}
		})
	}
}

// TestMessagesAPI: the public intake with its CAPTCHA, staff registration
// with a receipt date and department, the writer's status, answers as a
// draft and published, authorisation, bad input, and every field at its
// maximum length on both databases.
func TestMessagesAPI(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d)
			c := newAPIClient(t, e)
			tok, ans := e.apiCaptcha(t, "message")
			body := func(m map[string]any) string { b, _ := json.Marshal(m); return string(b) }
			var created struct {
				ID         int64  `json:"id"`
				TrackingNo string `json:"tracking_no"`
				Code       string `json:"code"`
				DueOn      string `json:"due_on"`
				Status     string `json:"status"`
				Contact    string `json:"contact"`
			}
			c.exec(t, apiScenario{name: "no captcha", method: "POST", path: "/api/v1/messages", wantStatus: 422, wantFields: []string{"captcha_answer"},
				body: body(map[string]any{"category": "consult", "title": "公证", "body": "问", "name": "李", "contact": "13900001111"})})
			c.exec(t, apiScenario{name: "public with staff fields", method: "POST", path: "/api/v1/messages", wantStatus: 422, wantFields: []string{"received_on"},
				body: body(map[string]any{"category": "consult", "title": "公证", "body": "问", "name": "李", "contact": "13900001111", "department": "fzk"})})
			r := c.exec(t, apiScenario{name: "public", method: "POST", path: "/api/v1/messages", wantStatus: 201,
				body: body(map[string]any{"category": "error", "title": "链接失效", "body": "法律援助申请表打不开", "publishable": true, "captcha_token": tok, "captcha_answer": ans})})
			r.decode(t, &created)
			// An error report: 3 working days from Tue 2026-12-01.
			if created.Code == "" || created.DueOn != "2026-12-04" || created.Status != "received" {
				t.Errorf("created %+v", created)
			}
			c.exec(t, apiScenario{name: "status", method: "GET", path: "/api/v1/messages/status/" + created.TrackingNo + "?code=" + created.Code, wantStatus: 200,
				wantContains: []string{`"status":"received"`}, wantNotContains: []string{`"code"`}})
			c.exec(t, apiScenario{name: "status wrong code", method: "GET", path: "/api/v1/messages/status/" + created.TrackingNo + "?code=XX", wantStatus: 404})

			// Staff register a call received before the National Day holiday
			// of 2026 (Oct 1–7 off, Sat Oct 10 a make-up working day):
			// 5 working days after Wed Sep 30 are Oct 8, 9, 10, 12, 13.
			r = c.exec(t, apiScenario{name: "staff", method: "POST", path: "/api/v1/messages", token: "office", wantStatus: 201,
				body: body(map[string]any{"category": "legal", "title": "法律援助条件", "body": "工伤能否申请法律援助", "name": "赵六", "contact": "zl@example.com",
					"publishable": true, "received_on": "2026-09-30", "department": "fzk"})})
			r.decode(t, &created)
			if created.DueOn != "2026-10-13" || created.Status != "handling" || created.Contact != "zl@example.com" {
				t.Errorf("registered %+v", created)
			}
			ans1 := fmt.Sprintf("/api/v1/messages/%d/answer", created.ID)
			c.exec(t, apiScenario{name: "answer anonymous", method: "POST", path: ans1, wantStatus: 401, body: `{"body":"x"}`})
			c.exec(t, apiScenario{name: "answer other department", method: "POST", path: ans1, token: "pfk", wantStatus: 403, body: `{"body":"x"}`})
			c.exec(t, apiScenario{name: "editor may not publish", method: "POST", path: ans1, token: "fzk", wantStatus: 403, body: `{"body":"可以申请。","publish":true}`})
			c.exec(t, apiScenario{name: "draft", method: "POST", path: ans1, token: "fzk", wantStatus: 200, body: `{"body":"可以申请。","answered_on":"2026-10-14"}`,
				wantContains: []string{`"status":"review"`}})
			// fzk's reviewer may not release a draft of their own, but
			// releases the editor's (then the office re-drafts below).
			c.exec(t, apiScenario{name: "reviewer's own draft", method: "POST", path: ans1, token: "reviewer", wantStatus: 403,
				body: `{"body":"可以申请。","publish":true,"answered_on":"2026-10-14"}`})
			r = c.exec(t, apiScenario{name: "for the reviewer", method: "POST", path: "/api/v1/messages", token: "office", wantStatus: 201,
				body: body(map[string]any{"category": "consult", "title": "公证时间", "body": "周六办公吗", "name": "钱七", "contact": "13900002222",
					"publishable": true, "department": "fzk"})})
			var rv struct {
				ID int64 `json:"id"`
			}
			r.decode(t, &rv)
			ansR := fmt.Sprintf("/api/v1/messages/%d/answer", rv.ID)
			c.exec(t, apiScenario{name: "editor drafts", method: "POST", path: ansR, token: "fzk", wantStatus: 200, body: `{"body":"周六上午预约办理。"}`})
			c.exec(t, apiScenario{name: "reviewer releases", method: "POST", path: ansR, token: "reviewer", wantStatus: 200, body: `{"publish":true}`,
				wantContains: []string{`"status":"answered"`, "周六上午预约办理。"}})
			c.exec(t, apiScenario{name: "no body, no publish", method: "POST", path: ans1, token: "fzk", wantStatus: 422, wantFields: []string{"answer"}, body: `{}`})
			c.exec(t, apiScenario{name: "answer in the future", method: "POST", path: ans1, token: "office", wantStatus: 422, wantFields: []string{"on"},
				body: `{"body":"可以申请。","publish":true,"answered_on":"2026-12-02"}`})
			r = c.exec(t, apiScenario{name: "publish late", method: "POST", path: ans1, token: "office", wantStatus: 200,
				body:         `{"body":"可以申请法律援助。","publish":true,"answered_on":"2026-10-14"}`,
				wantContains: []string{`"status":"answered"`, `"on_time":false`, `"answer_workdays":6`, `"published":true`}})
			c.exec(t, apiScenario{name: "list", method: "GET", path: "/api/v1/messages?category=legal&month=2026-10", wantStatus: 200,
				wantContains: []string{`"total":1`, "可以申请法律援助。"}, wantNotContains: []string{"赵六", "zl@example.com"}})
			r = c.exec(t, apiScenario{name: "stats", method: "GET", path: "/api/v1/messages/stats?year=2026", wantStatus: 200})
			var top struct {
				Received int     `json:"received"`
				Answered int     `json:"answered"`
				OnTime   int     `json:"on_time"`
				Avg      float64 `json:"avg_working_days"`
				Median   float64 `json:"median_working_days"`
			}
			r.decode(t, &top)
			// The late answer took 6 working days, the reviewer's release 0.
			if top.Received != 3 || top.Answered != 2 || top.OnTime != 1 || top.Avg != 3 || top.Median != 3 {
				t.Errorf("stats of 2026: %+v", top)
			}
			c.exec(t, apiScenario{name: "stats bad year", method: "GET", path: "/api/v1/messages/stats?year=abc", wantStatus: 422, wantFields: []string{"year"}})
			c.exec(t, apiScenario{name: "stats bad month", method: "GET", path: "/api/v1/messages/stats?year=2026&month=13", wantStatus: 422})

			// Every field at its maximum length, then one more.
			long := func(n int) string { return strings.Repeat("留", n) }
			email := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 31) + ".com"
			maxIn := map[string]any{"category": "error", "title": long(interact.MaxTitle), "body": long(interact.MaxBody), "name": long(interact.MaxName),
				"contact": email, "page_url": "/" + strings.Repeat("p", interact.MaxPageURL-1), "publishable": true, "received_on": "2026-11-30"}
			r = c.exec(t, apiScenario{name: "max lengths", method: "POST", path: "/api/v1/messages", token: "office", wantStatus: 201, body: body(maxIn)})
			r.decode(t, &created)
			var title, pageURL string
			if err := e.db.R.QueryRow(`SELECT title, page_url FROM messages WHERE id = $1`, created.ID).Scan(&title, &pageURL); err != nil ||
				title != long(interact.MaxTitle) || len(pageURL) != interact.MaxPageURL {
				t.Errorf("stored at max length: %v %d %d", err, len([]rune(title)), len(pageURL))
			}
			for _, f := range []struct {
				field string
				val   any
			}{{"title", long(interact.MaxTitle + 1)}, {"body", long(interact.MaxBody + 1)}, {"name", long(interact.MaxName + 1)},
				{"contact", "a" + email}, {"page_url", "/" + strings.Repeat("p", interact.MaxPageURL)}} {
				in := map[string]any{}
				for k, v := range maxIn {
					in[k] = v
				}
				in[f.field] = f.val
				c.exec(t, apiScenario{name: "too long " + f.field, method: "POST", path: "/api/v1/messages", token: "office", wantStatus: 422,
					wantFields: []string{f.field}, body: body(in)})
			}
			ans2 := fmt.Sprintf("/api/v1/messages/%d/answer", created.ID)
			c.exec(t, apiScenario{name: "answer too long", method: "POST", path: ans2, token: "office", wantStatus: 422, wantFields: []string{"answer"},
				body: body(map[string]any{"body": long(interact.MaxAnswer + 1), "publish": true})})
			c.exec(t, apiScenario{name: "answer max", method: "POST", path: ans2, token: "office", wantStatus: 200,
				body: body(map[string]any{"body": long(interact.MaxAnswer), "publish": true}), wantContains: []string{`"status":"answered"`}})
			var answer string
			e.db.R.QueryRow(`SELECT answer FROM messages WHERE id = $1`, created.ID).Scan(&answer)
			if len([]rune(answer)) != interact.MaxAnswer {
				t.Errorf("answer stored with %d characters", len([]rune(answer)))
			}
			// A refused multi-step answer leaves nothing: the message stays as it was.
			r = c.exec(t, apiScenario{name: "public again", method: "POST", path: "/api/v1/messages", token: "office", wantStatus: 201,
				body: body(map[string]any{"category": "consult", "title": "q", "body": "b", "name": "n", "contact": "13900001111"})})
			r.decode(t, &created)
			var before int
			e.db.R.QueryRow(`SELECT COUNT(*) FROM message_events WHERE message_id = $1`, created.ID).Scan(&before)
			c.exec(t, apiScenario{name: "admin without department", method: "POST", path: fmt.Sprintf("/api/v1/messages/%d/answer", created.ID), token: "admin",
				wantStatus: 409, body: `{"body":"x","publish":true}`})
			var after int
			e.db.R.QueryRow(`SELECT COUNT(*) FROM message_events WHERE message_id = $1`, created.ID).Scan(&after)
			if after != before {
				t.Errorf("events %d → %d after a refused answer", before, after)
			}

			// The self-inspection on Tue 2026-12-01: a message received on
			// 2026-08-25 is past its 3-month line (2026-11-25, a veto); one of
			// 2026-09-10 is within 15 days of it (2026-12-10); one of
			// 2026-11-20 is past its due date (Nov 23–27: due 2026-11-27);
			// one of 2026-11-26 is not yet due (Nov 27, 30, Dec 1, 2, 3).
			for _, on := range []string{"2026-08-25", "2026-09-10", "2026-11-20", "2026-11-26"} {
				c.exec(t, apiScenario{name: "open " + on, method: "POST", path: "/api/v1/messages", token: "office", wantStatus: 201,
					body: body(map[string]any{"category": "suggestion", "title": "建议" + on, "body": "b", "name": "n", "contact": "13900001111", "received_on": on})})
			}
			fs, err := e.srv.Messages.Findings(context.Background(), e.site.ID, testDay)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, f := range fs {
				for _, on := range []string{"2026-08-25", "2026-09-10", "2026-11-20", "2026-11-26", "2026-09-30"} {
					if strings.Contains(f.Message, on+" 收到") {
						got[on] = f.Rule.Code + "/" + string(f.Level)
					}
				}
			}
			want := map[string]string{"2026-08-25": "message.veto/veto", "2026-09-10": "message.veto/soon", "2026-11-20": "message.reply/fault",
				"2026-09-30": "message.reply/fault"} // the late answer of Oct 14
			for on, w := range want {
				if got[on] != w {
					t.Errorf("finding for the message of %s: %q, want %q", on, got[on], w)
				}
			}
			if _, ok := got["2026-11-26"]; ok {
				t.Errorf("a message not yet due is reported: %v", got)
			}
			desk := e.browser().login("office").get("/admin/messages")
			mustContain(t, desk.body, `id="msg-alerts"`, "条留言已超过答复期限", "2026-11-25")
		})
	}
}

// TestMessagesDemoReconciles loads the demo year and checks that the
// published statistics (GROUP BY) agree with the records read one by one
// through the ledger, per category and department, on both databases; and
// that the self-inspection sees the late answers.
func TestMessagesDemoReconciles(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d)
			ctx := context.Background()
			if err := e.srv.LoadMessageDemo(ctx, e.site.ID, testDay); err != nil {
				t.Fatal(err)
			}
			st, err := e.srv.Messages.Stats(ctx, e.site.ID, MessageDemoYear, 0)
			if err != nil {
				t.Fatal(err)
			}
			if st.Total.Received < 300 || st.Total.Invalid == 0 || st.Total.Rated() == 0 || st.Total.OnTime == st.Total.Answered {
				t.Fatalf("demo year: %+v", st.Total)
			}
			// The records, one by one, through their ledgers.
			byCat, byDept := map[string]*msgTally{}, map[string]*msgTally{}
			var total msgTally
			rows, err := e.db.R.QueryContext(ctx, `SELECT id FROM messages WHERE site_id = $1 AND received_on LIKE '2025-%'`, e.site.ID)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for rows.Next() {
				var id int64
				rows.Scan(&id)
				ids = append(ids, id)
			}
			rows.Close()
			for _, id := range ids {
				m, err := e.srv.Messages.Get(ctx, e.site.ID, id)
				if err != nil {
					t.Fatal(err)
				}
				dept := m.Department
				if dept == "" {
					dept = "未分办"
				}
				for _, x := range []*msgTally{&total, tallyOf(byCat, m.Category), tallyOf(byDept, dept)} {
					x.received++
					switch m.State.Status {
					case interact.StInvalid:
						x.invalid++
					case interact.StAnswered:
						x.answered++
						x.days += m.State.Workdays
						if m.State.OnTime() {
							x.onTime++
						}
						if m.State.Public {
							x.published++
						}
					}
					if m.State.Rating != "" {
						x.rated++
					}
				}
			}
			check := func(what string, c interact.Counts, x *msgTally) {
				t.Helper()
				if x == nil {
					x = &msgTally{}
				}
				if c.Received != x.received || c.Invalid != x.invalid || c.Answered != x.answered || c.OnTime != x.onTime || c.WorkdaysSum() != x.days || c.Rated() != x.rated || c.Published != x.published {
					t.Errorf("%s: stats %d/%d/%d/%d/%d/%d, records %+v", what, c.Received, c.Invalid, c.Answered, c.OnTime, c.WorkdaysSum(), c.Rated(), *x)
				}
			}
			check("total", st.Total, &total)
			for _, g := range st.ByCategory {
				check(g.Label, g.Counts, byCat[g.Key])
			}
			for _, g := range st.ByDepartment {
				check(g.Label, g.Counts, byDept[g.Label])
			}
			months := 0
			for _, g := range st.ByMonth {
				months += g.Received
			}
			if months != total.received {
				t.Errorf("months add up to %d, want %d", months, total.received)
			}
			// The public pages show the year.
			pub := e.browser()
			r := pub.get("/messages/stats?year=2025")
			mustContain(t, r.body, "2025年", strconv.Itoa(total.received))
			// Each published-answer figure leads to a list with exactly
			// that many rows (the statistics count by receipt, so does the
			// list), for the year and for a month.
			checkStatsDrillDown(t, pub, "/messages/stats?year=2025")
			// The home page's 政民互动 block leads to the messages.
			mustContain(t, pub.get("/").body, `href="/messages/new">我要留言`, `href="/messages/stats">留言统计`)
			checkStatsDrillDown(t, pub, "/messages/stats?year=2025&month=3")
			if r := pub.get("/messages/faq"); r.status != 200 || !strings.Contains(r.body, "<article id=\"faq-") {
				t.Errorf("faq: %d", r.status)
			}
			if r := pub.get("/messages"); !strings.Contains(r.body, "已答复的留言") {
				t.Errorf("list: %d", r.status)
			}
			// The self-inspection reports the late answers of the last year
			// and nothing past the 3-month line.
			fs, err := e.srv.Messages.Findings(ctx, e.site.ID, testDay)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range fs {
				if f.Rule.Code == "message.veto" {
					t.Errorf("veto in the demo: %s", f.Message)
				}
			}
			// A year later than the demo: no answer in the last 2 months.
			if len(fs) == 0 || fs[len(fs)-1].Rule.Code != "message.fresh" {
				t.Errorf("findings on %s: %+v", testDay, fs)
			}
		})
	}
}

type msgTally struct{ received, invalid, answered, onTime, days, rated, published int }

func tallyOf(m map[string]*msgTally, k string) *msgTally {
	if m[k] == nil {
		m[k] = &msgTally{}
	}
	return m[k]
}

var (
	drillRE = regexp.MustCompile(`<a (?:id="stats-published"|class="published") href="([^"]+)">([0-9]+)</a>`)
	totalRE = regexp.MustCompile(`<span id="messages-total">([0-9]+)</span>`)
	rowRE   = regexp.MustCompile(`<li><article>`)
)

// checkStatsDrillDown follows every published-answer figure of a
// statistics page to its list and compares the count with the list's
// total; for the first few it also counts the rows on every page.
func checkStatsDrillDown(t *testing.T, pub *browser, path string) {
	t.Helper()
	r := pub.get(path)
	links := drillRE.FindAllStringSubmatch(r.body, -1)
	if len(links) < 5 {
		t.Fatalf("%s: %d published links", path, len(links))
	}
	nonzero := 0
	for i, l := range links {
		href := html.UnescapeString(l[1])
		want, _ := strconv.Atoi(l[2])
		lr := pub.get(href)
		if lr.status != 200 {
			t.Fatalf("%s: %d", href, lr.status)
		}
		m := totalRE.FindStringSubmatch(lr.body)
		if m == nil || m[1] != l[2] {
			t.Errorf("%s: figure %s on %s, list says %v", href, l[2], path, m)
		}
		if want > 0 {
			nonzero++
		}
		if i < 4 {
			rows := 0
			for page := 1; ; page++ {
				pr := pub.get(href + "&page=" + strconv.Itoa(page))
				n := len(rowRE.FindAllString(pr.body, -1))
				rows += n
				if n < 20 {
					break
				}
			}
			if rows != want {
				t.Errorf("%s: figure %d, %d rows", href, want, rows)
			}
		}
	}
	if nonzero == 0 {
		t.Errorf("%s: every published figure is 0", path)
	}
}

// TestMessageDeskPages: the desk pages through every message once — the
// open ones first by due date, then the closed ones newest first — and
// its alerts agree with the self-inspection's findings.
func TestMessageDeskPages(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d)
			ctx := context.Background()
			if err := e.srv.LoadMessageDemo(ctx, e.site.ID, testDay); err != nil {
				t.Fatal(err)
			}
			// Leave a few open, one of them long past its line.
			c := newAPIClient(t, e)
			body := func(m map[string]any) string { b, _ := json.Marshal(m); return string(b) }
			for _, on := range []string{"2026-08-25", "2026-09-10", "2026-11-20", "2026-11-30"} {
				c.exec(t, apiScenario{name: "open " + on, method: "POST", path: "/api/v1/messages", token: "office", wantStatus: 201,
					body: body(map[string]any{"category": "suggestion", "title": "建议" + on, "body": "b", "name": "n", "contact": "13900001111", "received_on": on})})
			}
			office := e.browser().login("office")
			var all int
			e.db.R.QueryRow(`SELECT COUNT(*) FROM messages WHERE site_id = $1`, e.site.ID).Scan(&all)
			seen := map[int64]bool{}
			var got []interact.Row
			for page := 1; ; page++ {
				rows, total, err := e.srv.Messages.List(ctx, e.site.ID, interact.Filter{Page: page, Per: 37})
				if err != nil {
					t.Fatal(err)
				}
				if total != all {
					t.Fatalf("total %d, want %d", total, all)
				}
				for _, r := range rows {
					if seen[r.ID] {
						t.Fatalf("message %d twice", r.ID)
					}
					seen[r.ID] = true
				}
				got = append(got, rows...)
				if len(rows) < 37 {
					break
				}
			}
			if len(got) != all {
				t.Fatalf("paged %d of %d", len(got), all)
			}
			closedSeen := false
			for i, r := range got {
				closed := r.Status == interact.StAnswered || r.Status == interact.StInvalid
				if !closed && closedSeen {
					t.Fatalf("open message %s after a closed one", r.TrackingNo)
				}
				closedSeen = closedSeen || closed
				if i > 0 {
					p := got[i-1]
					pc := p.Status == interact.StAnswered || p.Status == interact.StInvalid
					if closed && pc && p.ID < r.ID {
						t.Fatalf("closed not newest first: %d then %d", p.ID, r.ID)
					}
					if !closed && !pc && p.Due.After(r.Due) {
						t.Fatalf("open not by due date: %s then %s", p.Due, r.Due)
					}
				}
			}
			over, soon, err := e.srv.Messages.Alerts(ctx, e.site.ID, 0, testDay)
			if err != nil {
				t.Fatal(err)
			}
			fs, err := e.srv.Messages.Findings(ctx, e.site.ID, testDay)
			if err != nil {
				t.Fatal(err)
			}
			wantOver, wantSoon := 0, 0
			for _, r := range got {
				if r.Status != interact.StAnswered && r.Status != interact.StInvalid {
					if testDay.After(r.Due) {
						wantOver++
					}
					if !testDay.Before(interact.AddMonths(r.Received, 3).AddDays(-interact.VetoWarnDays)) {
						wantSoon++
					}
				}
			}
			if over != wantOver || soon != wantSoon || wantSoon == 0 || len(fs) == 0 {
				t.Errorf("alerts %d overdue, %d near the line; want %d, %d (findings %d)", over, soon, wantOver, wantSoon, len(fs))
			}
			// The page shows them, with a pager.
			r := office.get("/admin/messages?status=all&page=2")
			mustContain(t, r.body, "共 "+strconv.Itoa(all)+" 条", "第 2 页")
		})
	}
}
