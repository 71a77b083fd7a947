package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/mail"
	"gongkai/internal/request"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

// testDataKey seals applicants' personal data in the tests (32 bytes).
var testDataKey = []byte("gongkai-test-data-key-32-bytes!!")

func newRequestEnv(t *testing.T, d string) (*env, *apiClient) {
	t.Helper()
	e := newEnv(t, store.Dialect(d))
	if err := e.srv.SetDataKey(testDataKey); err != nil {
		t.Fatal(err)
	}
	return e, newAPIClient(t, e)
}

type reqView struct {
	ID           int64  `json:"id"`
	TrackingNo   string `json:"tracking_no"`
	Code         string `json:"code"`
	Status       string `json:"status"`
	ReceivedOn   string `json:"received_on"`
	DueOn        string `json:"due_on"`
	WorkdaysUsed int    `json:"workdays_used"`
	WorkdaysLeft int    `json:"workdays_left"`
	Overdue      bool   `json:"overdue"`
	Result       string `json:"result"`
	Explanation  string `json:"explanation"`
	Applicant    struct {
		Name     string `json:"name"`
		IDNumber string `json:"id_number"`
		Phone    string `json:"phone"`
	} `json:"applicant"`
	Ledger []struct {
		Type string `json:"type"`
		On   string `json:"on"`
		Note string `json:"note"`
	} `json:"ledger"`
	Notices []struct {
		Kind    string `json:"kind"`
		Subject string `json:"subject"`
	} `json:"notices"`
}

func (c *apiClient) request(t *testing.T, token, body string, status int) reqView {
	t.Helper()
	if token == "" && status == 201 {
		// The public's application answers the CAPTCHA.
		tok, ans := c.e.apiCaptcha(t, "request")
		body = strings.TrimSuffix(strings.TrimSpace(body), "}") + fmt.Sprintf(`,"captcha_token":%q,"captcha_answer":%q}`, tok, ans)
	}
	r := c.do(t, "POST", "/api/v1/requests", token, nil, body)
	if r.status != status {
		t.Fatalf("POST /api/v1/requests: %d %s, want %d", r.status, clipBody(r.body), status)
	}
	var v reqView
	if status == 201 {
		r.decode(t, &v)
	}
	return v
}

func (c *apiClient) event(t *testing.T, token string, id int64, body string, status int) (reqView, string) {
	t.Helper()
	r := c.do(t, "POST", fmt.Sprintf("/api/v1/requests/%d/events", id), token, nil, body)
	if r.status != status {
		t.Fatalf("event %s: %d %s, want %d", body, r.status, clipBody(r.body), status)
	}
	var v reqView
	if status == 201 {
		r.decode(t, &v)
	}
	return v, r.body
}

const person = `{"kind":"natural_person","name":"张三丰","id_number":"370102199001011234","phone":"13812345678","email":"zhangsan@example.com","address":"临沂市兰山区金雀山路1号"}`

func staffApp(channel, received string) string {
	return fmt.Sprintf(`{"applicant":%s,"description":"2021年度法律援助经费使用情况","form":"electronic","delivery":"email","channel":%q,"received_on":%q,"department":"法制科"}`, person, channel, received)
}

// TestRequestsAPI drives the real cases over HTTP on both databases.
func TestRequestsAPI(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e, c := newRequestEnv(t, string(d))
			// The public applies online: the clock waits for confirmation (条例第三十一条).
			pub := c.request(t, "", `{"applicant":`+person+`,"title":"临沂市司法局2021年部门预算","form":"paper","delivery":"post"}`, 201)
			if pub.Code == "" || pub.Status != "awaiting_confirmation" || pub.DueOn != "" {
				t.Fatalf("public application: %+v", pub)
			}
			if pub.Applicant.Name != "张**" || pub.Applicant.IDNumber != "370***********1234" || pub.Applicant.Phone != "138****5678" {
				t.Errorf("the applicant's view is not masked: %+v", pub.Applicant)
			}
			r := c.do(t, "GET", "/api/v1/requests/"+pub.TrackingNo+"?code="+strings.ToLower(pub.Code), "", nil, "")
			if r.status != 200 || !strings.Contains(r.body, "政府信息公开申请回执") || strings.Contains(r.body, "13812345678") {
				t.Fatalf("status by code: %d %s", r.status, clipBody(r.body))
			}
			if r := c.do(t, "GET", "/api/v1/requests/"+pub.TrackingNo+"?code=WRONGCODE1", "", nil, ""); r.status != 404 {
				t.Errorf("wrong code: %d", r.status)
			}
			// Personal data is sealed at rest.
			var raw string
			if err := e.db.R.QueryRowContext(context.Background(), `SELECT id_number || phone || email || address FROM requests WHERE id = $1`, pub.ID).Scan(&raw); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(raw, "1234") || strings.Contains(raw, "13812345678") || !strings.HasPrefix(raw, "v1:") {
				t.Errorf("personal data stored in the clear: %s", raw)
			}
			// The public may not set a receipt date; editors may not register.
			c.request(t, "", staffApp("online", "2021-09-27"), 422)
			c.request(t, "fzk", staffApp("in_person", "2021-09-27"), 403)

			// Online, confirmed 2021-09-28: due 2021-11-01 across National Day.
			on := c.request(t, "office", staffApp("online", "2021-09-27"), 201)
			_, body := c.event(t, "office", on.ID, `{"type":"replied","on":"2021-09-28","decision":"disclosed"}`, 422)
			if !strings.Contains(body, "尚未确认收到申请") {
				t.Errorf("reply before receipt: %s", body)
			}
			v, _ := c.event(t, "office", on.ID, `{"type":"confirmed","on":"2021-09-28"}`, 201)
			if v.DueOn != "2021-11-01" || v.ReceivedOn != "2021-09-28" {
				t.Fatalf("confirmed 2021-09-28: due %s received %s", v.DueOn, v.ReceivedOn)
			}
			// Editors of the assigned department draft; only the office replies.
			c.event(t, "fzk", on.ID, `{"type":"reply_drafted","on":"2021-10-08","decision":"disclosed","reply":{"answer":"见附件"}}`, 201)
			c.event(t, "fzk", on.ID, `{"type":"replied","on":"2021-10-08","decision":"disclosed"}`, 403)
			c.event(t, "pfk", on.ID, `{"type":"note","note":"x"}`, 403)
			v, _ = c.event(t, "office", on.ID, `{"type":"replied","on":"2021-10-08","decision":"disclosed","reply":{"investigation":"经查","answer":"予以公开","policy":"无","law":"条例第三十六条"}}`, 201)
			if v.Status != "replied" || v.Result != "disclosed" || v.WorkdaysUsed != 3 {
				t.Errorf("replied: %+v", v)
			}

			// 补正 on the 5th working day (2021-10-11), answered 10 days later: restarts.
			cr := c.request(t, "office", staffApp("in_person", "2021-09-28"), 201)
			_, body = c.event(t, "office", cr.ID, `{"type":"correction_requested","on":"2021-10-14","note":"请写明文件名称"}`, 422)
			if !strings.Contains(body, "7个工作日") {
				t.Errorf("late correction: %s", body)
			}
			c.event(t, "office", cr.ID, `{"type":"correction_requested","on":"2021-10-11","note":"请写明文件名称","until":"2021-10-25"}`, 201)
			v, _ = c.event(t, "office", cr.ID, `{"type":"correction_received","on":"2021-10-21"}`, 201)
			if v.DueOn != "2021-11-18" || !strings.Contains(v.Explanation, "重新计算") {
				t.Fatalf("after correction: due %s (%s)", v.DueOn, v.Explanation)
			}

			// A 12-working-day consultation is excluded; an extension adds 20.
			cs := c.request(t, "office", staffApp("post", "2025-09-22"), 201)
			if cs.DueOn != "2025-10-24" {
				t.Fatalf("post 2025-09-22 due %s", cs.DueOn)
			}
			c.event(t, "office", cs.ID, `{"type":"consultation_started","on":"2025-09-24","note":"第三方：某公司"}`, 201)
			v, _ = c.event(t, "office", cs.ID, `{"type":"consultation_ended","on":"2025-10-16"}`, 201)
			if v.DueOn != "2025-11-11" {
				t.Fatalf("after the consultation due %s, want 2025-11-11", v.DueOn)
			}
			v, _ = c.event(t, "office", cs.ID, `{"type":"extended","on":"2025-11-10","days":20,"approver":"李主任","note":"需调取档案"}`, 201)
			if v.DueOn != "2025-12-09" {
				t.Fatalf("after extension due %s, want 2025-12-09", v.DueOn)
			}
			_, body = c.event(t, "office", cs.ID, `{"type":"extended","on":"2025-11-11","days":5}`, 422)
			if !strings.Contains(body, "不能再次延长") {
				t.Errorf("second extension: %s", body)
			}
			// Fees at the threshold: 31 pages cost 10 yuan, 30 are free.
			c.event(t, "office", cs.ID, `{"type":"fee_notified","on":"2025-11-12","fee_method":"per_page","units":30,"amount":0}`, 422)
			v, _ = c.event(t, "office", cs.ID, `{"type":"fee_notified","on":"2025-11-12","fee_method":"per_page","units":31,"amount":10}`, 201)
			if v.Status != "awaiting_fee" {
				t.Errorf("fee notified: %s", v.Status)
			}
			c.event(t, "office", cs.ID, `{"type":"fee_lapsed","on":"2025-12-10"}`, 422) // the 20th working day after the notice
			v, _ = c.event(t, "office", cs.ID, `{"type":"fee_lapsed","on":"2025-12-11"}`, 201)
			if v.Status != "closed" || v.Result != "other.2" {
				t.Errorf("fee lapsed: %s %s", v.Status, v.Result)
			}
			c.event(t, "office", cs.ID, `{"type":"bogus"}`, 422)
			c.event(t, "", cs.ID, `{"type":"note","note":"x"}`, 401)
			c.event(t, "office", 999999, `{"type":"note","note":"x"}`, 404)

			// Table 三 of 2021: three received, two answered (disclosed; the
			// correction one is open), one carried into 2022.
			r = c.do(t, "GET", "/api/v1/requests/stats?year=2021", "office", nil, "")
			var st struct {
				OK     bool `json:"ok"`
				Table3 []struct {
					Key    string         `json:"key"`
					Counts map[string]int `json:"counts"`
				} `json:"table3"`
			}
			if r.status != 200 {
				t.Fatalf("stats: %d %s", r.status, r.body)
			}
			if err := json.Unmarshal([]byte(r.body), &st); err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, row := range st.Table3 {
				got[row.Key] = row.Counts["natural_person"]
			}
			if !st.OK || got["new"] != 2 || got["disclosed"] != 1 || got["carried_out"] != 1 || got["total"] != 1 {
				t.Errorf("2021 table 三: ok %v %v", st.OK, got)
			}
			if r := c.do(t, "GET", "/api/v1/requests/stats?year=21", "office", nil, ""); r.status != 422 {
				t.Errorf("bad year: %d", r.status)
			}
		})
	}
}

// TestRequestFieldLimits: every field at its maximum length is stored on both
// databases; one character more is refused with the field named.
func TestRequestFieldLimits(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			_, c := newRequestEnv(t, string(d))
			body := func(name, addr, desc, title string) string {
				return fmt.Sprintf(`{"applicant":{"kind":"natural_person","name":%q,"id_number":"370102199001011234","phone":"13812345678","address":%q},"title":%q,"description":%q,"form":"paper","delivery":"post"}`,
					name, addr, title, desc)
			}
			v := c.request(t, "", body(strings.Repeat("张", 100), strings.Repeat("路", 200), strings.Repeat("述", 2000), strings.Repeat("题", 200)), 201)
			if v.TrackingNo == "" {
				t.Fatal("no tracking number")
			}
			// An organisation with every field at its maximum, registered by staff.
			email := strings.Repeat("a", 88) + "@example.com" // 100 characters
			org := fmt.Sprintf(`{"applicant":{"kind":"organization","name":%q,"org_type":"other","credit_code":"91371300MA3C0123XY","legal_representative":%q,"contact_person":%q,"id_type":"passport","id_number":%q,"phone":%q,"email":%q,"address":%q},"doc_no":%q,"description":"x","form":"electronic","delivery":"email","channel":"fax","received_on":"2025-03-03","department":"法制科"}`,
				strings.Repeat("组", 100), strings.Repeat("法", 50), strings.Repeat("联", 50), strings.Repeat("P", 40), strings.Repeat("1", 30), email, strings.Repeat("址", 200), strings.Repeat("号", 100))
			ov := c.request(t, "office", org, 201)
			r := c.do(t, "GET", "/api/v1/requests/"+ov.TrackingNo+"?code="+ov.Code, "", nil, "")
			if r.status != 200 || !strings.Contains(r.body, strings.Repeat("组", 100)) {
				t.Errorf("organisation at maximum lengths: %d", r.status)
			}
			long := func(n int) string { return strings.Repeat("字", n) }
			c.event(t, "office", ov.ID, fmt.Sprintf(`{"type":"note","on":"2025-03-03","note":%q}`, long(2000)), 201)
			c.event(t, "office", ov.ID, fmt.Sprintf(`{"type":"note","on":"2025-03-03","note":%q}`, long(2001)), 422)
			c.event(t, "office", ov.ID, `{"type":"confirmed","on":"2025-03-03"}`, 201)
			c.event(t, "office", ov.ID, fmt.Sprintf(`{"type":"extended","on":"2025-03-04","days":5,"approver":%q,"note":%q}`, long(50), long(2000)), 201)
			c.event(t, "office", ov.ID, fmt.Sprintf(`{"type":"replied","on":"2025-03-05","decision":"disclosed","reply":{"investigation":%q,"answer":%q,"policy":%q,"law":%q}}`,
				long(10000), long(10000), long(10000), long(10000)), 201)
			_, b := c.event(t, "office", ov.ID, fmt.Sprintf(`{"type":"note","on":"2025-03-05","note":"x","reply":{"answer":%q}}`, long(10001)), 422)
			if !strings.Contains(b, "reply.answer") {
				t.Errorf("too long a reply part: %s", clipBody(b))
			}
			for field, b := range map[string]string{
				"applicant.name":    body(strings.Repeat("张", 101), "路", "述", ""),
				"applicant.address": body("张三", strings.Repeat("路", 201), "述", ""),
				"description":       body("张三", "路", strings.Repeat("述", 2001), ""),
				"title":             body("张三", "路", "", strings.Repeat("题", 201)),
			} {
				r := c.do(t, "POST", "/api/v1/requests", "", nil, b)
				if r.status != 422 || !strings.Contains(r.body, `"`+field+`"`) {
					t.Errorf("%s too long: %d %s", field, r.status, clipBody(r.body))
				}
			}
		})
	}
}

// TestRequestDemoYear: the demo's 2025 has every decision row, carry-over
// both ways, remedies, and tables 三 and 四 that reconcile (一 + 二 = 三 + 四 in
// every column); every number's drill-down lists requests that fit it.
func TestRequestDemoYear(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e, c := newRequestEnv(t, string(d))
			ctx := context.Background()
			if err := e.srv.LoadRequestDemo(ctx, e.site.ID, testDay); err != nil {
				t.Fatal(err)
			}
			rs := e.srv.Requests
			t3, err := rs.Stats(ctx, e.site.ID, RequestDemoYear)
			if err != nil {
				t.Fatal(err)
			}
			if !t3.OK() {
				t.Fatalf("checks fail: %+v", t3.Checks)
			}
			for _, col := range request.Columns {
				l := t3.Count("new", col.Code) + t3.Count("carried_in", col.Code)
				r := t3.Count("total", col.Code) + t3.Count("carried_out", col.Code)
				if l != r {
					t.Errorf("%s: 一+二 = %d, 三+四 = %d", col.Label, l, r)
				}
			}
			t.Logf("2025: new %d, carried in %d, answered %d, carried out %d; reconsiderations %d, lawsuits %d+%d",
				t3.Count("new", "total"), t3.Count("carried_in", "total"), t3.Count("total", "total"), t3.Count("carried_out", "total"),
				len(mustRemedies(t, rs, e.site.ID).Cells["reconsideration"]["total"]), len(mustRemedies(t, rs, e.site.ID).Cells["lawsuit_direct"]["total"]),
				len(mustRemedies(t, rs, e.site.ID).Cells["lawsuit_after"]["total"]))
			if n := t3.Count("new", "total"); n < 200 {
				t.Errorf("%d new requests in the demo year, want ≥ 200", n)
			}
			if t3.Count("carried_in", "total") == 0 || t3.Count("carried_out", "total") == 0 {
				t.Errorf("no carry-over: in %d out %d", t3.Count("carried_in", "total"), t3.Count("carried_out", "total"))
			}
			for _, dec := range request.Decisions {
				if t3.Count(dec.Code(), "total") == 0 {
					t.Errorf("no request in row %s", dec.Title())
				}
			}
			for _, col := range request.Columns[:6] {
				if t3.Count("new", col.Code) == 0 {
					t.Errorf("no new request in column %s", col.Label)
				}
			}
			// Drill-down: every request behind a result number ended that way
			// in the year, in that column.
			from, to := calendar.Date{Year: RequestDemoYear, Month: 1, Day: 1}, calendar.Date{Year: RequestDemoYear, Month: 12, Day: 31}
			for _, row := range request.Rows() {
				for _, col := range request.Columns[:6] {
					for _, ref := range t3.Cells[row.Key][col.Code] {
						r, err := rs.Get(ctx, e.site.ID, ref.ID)
						if err != nil {
							t.Fatal(err)
						}
						st := r.State
						colOf := r.Applicant.OrgType
						if r.Applicant.Kind == "natural_person" {
							colOf = "natural_person"
						}
						ok := colOf == col.Code
						switch row.Key {
						case "new":
							ok = ok && !st.Received.Before(from) && !st.Received.After(to)
						case "carried_in":
							ok = ok && st.Received.Before(from) && (st.Open() || !st.Closed.Before(from))
						case "carried_out":
							ok = ok && !st.Received.After(to) && (st.Open() || st.Closed.After(to))
						case "total":
							ok = ok && !st.Open() && !st.Closed.Before(from) && !st.Closed.After(to)
						default:
							ok = ok && st.Result == row.Key && !st.Closed.Before(from) && !st.Closed.After(to)
						}
						if !ok {
							t.Errorf("%s / %s lists %s (received %s, closed %s, result %s)", row.Label, col.Label, r.TrackingNo, st.Received, st.Closed, st.Result)
						}
					}
				}
			}
			t4, err := rs.Remedies(ctx, e.site.ID, RequestDemoYear)
			if err != nil {
				t.Fatal(err)
			}
			if t4.Count("reconsideration", "total") < 3 || t4.Count("lawsuit_direct", "total") == 0 || !t4.Checks[0].OK {
				t.Errorf("table 四: %v", t4.Cells)
			}
			for _, res := range request.Table4Results[:4] {
				if t4.Count("reconsideration", res.Code)+t4.Count("lawsuit_direct", res.Code)+t4.Count("lawsuit_after", res.Code) == 0 {
					t.Errorf("table 四 has no case with result %s", res.Label)
				}
			}
			// Neighbouring years agree: what 2025 carried in, 2024 carried out.
			prev, err := rs.Stats(ctx, e.site.ID, RequestDemoYear-1)
			if err != nil {
				t.Fatal(err)
			}
			for _, col := range request.Columns {
				if prev.Count("carried_out", col.Code) != t3.Count("carried_in", col.Code) {
					t.Errorf("%s: %d carried out of %d, %d carried into %d", col.Label, prev.Count("carried_out", col.Code), RequestDemoYear-1,
						t3.Count("carried_in", col.Code), RequestDemoYear)
				}
			}
			// The API gives the same numbers.
			resp := c.do(t, "GET", fmt.Sprintf("/api/v1/requests/stats?year=%d", RequestDemoYear), "office", nil, "")
			var st struct {
				OK     bool `json:"ok"`
				Table3 []struct {
					Key    string         `json:"key"`
					Counts map[string]int `json:"counts"`
				} `json:"table3"`
			}
			resp.decode(t, &st)
			if !st.OK || len(st.Table3) != 25 {
				t.Fatalf("API stats: ok %v, %d rows", st.OK, len(st.Table3))
			}
			for _, row := range st.Table3 {
				for col, n := range row.Counts {
					if n != t3.Count(row.Key, col) {
						t.Errorf("API %s/%s = %d, table %d", row.Key, col, n, t3.Count(row.Key, col))
					}
				}
			}
		})
	}
}

func mustRemedies(t *testing.T, rs *request.Service, siteID int64) *request.Table4 {
	t.Helper()
	t4, err := rs.Remedies(context.Background(), siteID, RequestDemoYear)
	if err != nil {
		t.Fatal(err)
	}
	return t4
}

// TestRequestRetention: personal data of requests closed before the
// retention period is erased, with an audit entry; the ledger and the
// statistics stay; a request of the same applicant counts in its month.
func TestRequestRetention(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e, c := newRequestEnv(t, string(d))
			ctx := context.Background()
			old := c.request(t, "office", staffApp("in_person", "2021-09-28"), 201)
			c.event(t, "office", old.ID, `{"type":"replied","on":"2021-10-08","decision":"disclosed"}`, 201)
			recent := c.request(t, "office", staffApp("in_person", "2021-09-29"), 201)
			c.event(t, "office", recent.ID, `{"type":"replied","on":"2024-01-08","decision":"disclosed"}`, 201)
			r, err := e.srv.Requests.Get(ctx, e.site.ID, recent.ID)
			if err != nil {
				t.Fatal(err)
			}
			if n, err := e.srv.Requests.MonthRank(ctx, r); err != nil || n != 2 {
				t.Errorf("month rank %d, %v; want 2 (same applicant, September 2021)", n, err)
			}
			e.srv.Requests.RetentionYears = 3
			if _, err := e.srv.Requests.Purge(ctx, testDay); err != nil {
				t.Fatal(err)
			}
			gone, err := e.srv.Requests.Get(ctx, e.site.ID, old.ID)
			if err != nil {
				t.Fatal(err)
			}
			if gone.Applicant.Name != "（已删除）" || gone.Applicant.IDNumber != "" || gone.Applicant.Phone != "" || !gone.Erased {
				t.Errorf("not erased: %+v", gone.Applicant)
			}
			if gone.State.Result != "disclosed" || len(gone.Events) != 2 { // assigned, replied
				t.Errorf("the ledger changed: %s, %d events", gone.State.Result, len(gone.Events))
			}
			kept, _ := e.srv.Requests.Get(ctx, e.site.ID, recent.ID)
			if kept.Applicant.Name != "张三丰" || kept.Applicant.Phone != "13812345678" {
				t.Errorf("a request inside the period was erased: %+v", kept.Applicant)
			}
			var n int
			e.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'request.purge' AND target = $1`, old.TrackingNo).Scan(&n)
			if n != 1 {
				t.Errorf("%d purge audit entries", n)
			}
			// The ledger is append-only in the database itself.
			if _, err := e.db.W.ExecContext(ctx, `UPDATE request_events SET type = 'note' WHERE request_id = $1`, old.ID); err == nil {
				t.Error("a ledger row was updated")
			}
		})
	}
}

// TestRequestNumbersPerSite: each site numbers its own requests.
func TestRequestNumbersPerSite(t *testing.T) {
	t.Parallel()
	e, _ := newRequestEnv(t, string(storetest.Dialects[0]))
	ctx := context.Background()
	other := &catalog.Site{Slug: "lysj", Name: "临沂市审计局", OrgCode: "1111111111", Hosts: []string{"sjj.example"}}
	if err := e.cat.CreateSite(ctx, nil, other); err != nil {
		t.Fatal(err)
	}
	in := request.Input{Applicant: request.Applicant{Kind: "natural_person", Name: "张三", IDNumber: "370102199001011234", Phone: "13812345678"},
		Description: "某文件", Form: "paper", Delivery: "pickup"}
	for _, site := range []int64{e.site.ID, other.ID} {
		r, _, err := e.srv.Requests.Create(ctx, site, nil, in)
		if err != nil {
			t.Fatal(err)
		}
		if r.TrackingNo != fmt.Sprintf("YSQ%d-00001", testDay.Year) {
			t.Errorf("site %d: first number %s", site, r.TrackingNo)
		}
	}
}

// TestRequestNoticeOutbox: the notices of applicants with an e-mail address
// wait for a mailer, which marks them sent; the reply's parts are there for
// the notice letter.
func TestRequestNoticeOutbox(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e, c := newRequestEnv(t, string(d))
			ctx := context.Background()
			v := c.request(t, "office", staffApp("in_person", "2025-09-22"), 201)
			c.event(t, "office", v.ID, `{"type":"replied","on":"2025-09-25","decision":"unavailable","reason":1,"reply":{"investigation":"经检索","answer":"本机关不掌握该信息","law":"条例第三十六条第四项"}}`, 201)
			out, err := e.srv.Requests.Unsent(ctx, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(out) != 2 || out[0].Email != "zhangsan@example.com" || out[0].Kind != "submitted" || out[1].Kind != "replied" {
				t.Fatalf("unsent: %+v", out)
			}
			if err := e.srv.Requests.MarkSent(ctx, out[0].ID); err != nil {
				t.Fatal(err)
			}
			if err := e.srv.Requests.MarkSent(ctx, out[0].ID); errs.CodeOf(err) != errs.NotFound {
				t.Errorf("marked twice: %v", err)
			}
			if out, _ := e.srv.Requests.Unsent(ctx, 10); len(out) != 1 {
				t.Errorf("%d unsent after one was sent", len(out))
			}
			r, err := e.srv.Requests.Get(ctx, e.site.ID, v.ID)
			if err != nil {
				t.Fatal(err)
			}
			ev, dec, ok := r.ReplyOf()
			if !ok || ev.Reply.Answer != "本机关不掌握该信息" || dec.Code() != "unavailable.1" || !strings.Contains(dec.Basis, "第三十六条第四项") {
				t.Errorf("reply for the letter: %v %+v %s", ok, ev, dec.Code())
			}
		})
	}
}

// TestRequestNoticesMailed: with mail configured, the applicants' notices go
// to the e-mail outbox once each, marked as handed over in the same
// transaction; without mail they wait (issue 9: notify applicants by
// e-mail; the SMTP delivery itself is internal/mail's, tested against a
// real SMTP server).
func TestRequestNoticesMailed(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e, c := newRequestEnv(t, string(d))
			v := c.request(t, "office", `{"applicant":{"kind":"natural_person","name":"赵六","id_type":"id_card","id_number":"370102199001011234","email":"zhaoliu@example.cn"},"title":"2025年部门决算","form":"electronic","delivery":"email","channel":"in_person","received_on":"2026-11-30","department":"办公室"}`, 201)
			ctx := context.Background()
			count := func(q string) int {
				var n int
				if err := e.db.R.QueryRowContext(ctx, q).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			e.srv.mailRequestNotices(ctx) // mail off: nothing moves
			if n := count(`SELECT COUNT(*) FROM mail_outbox`); n != 0 {
				t.Fatalf("mail off, %d in the outbox", n)
			}
			e.srv.Mail = &mail.Outbox{DB: e.db}
			e.srv.mailRequestNotices(ctx)
			notices := count(`SELECT COUNT(*) FROM request_notices WHERE request_id = ` + id64(v.ID))
			if notices == 0 {
				t.Fatal("the registration left no notice")
			}
			if n := count(`SELECT COUNT(*) FROM mail_outbox WHERE recipient = 'zhaoliu@example.cn' AND status = 'pending'`); n != notices {
				t.Errorf("%d mails queued, want %d", n, notices)
			}
			if n := count(`SELECT COUNT(*) FROM request_notices WHERE sent_at = ''`); n != 0 {
				t.Errorf("%d notices not handed over", n)
			}
			e.srv.mailRequestNotices(ctx)
			if n := count(`SELECT COUNT(*) FROM mail_outbox`); n != notices {
				t.Errorf("a second run queued again: %d", n)
			}
		})
	}
}
