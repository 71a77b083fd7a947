package app

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// attackPractice sends payloads in every field of the good-practice API
// (经验报送): submissions, the office's review, the forwarding records and
// their 采用 note, and the one-step publication; then scans the staff
// pages that show them.
func (a *attacker) attackPractice() {
	created := func(res resp) int64 {
		var v struct {
			ID           int64 `json:"id"`
			SubmissionID int64 `json:"submission_id"`
		}
		if res.status == http.StatusCreated || res.status == http.StatusOK {
			json.Unmarshal([]byte(res.body), &v)
		}
		return v.ID
	}
	send := func(method, path, route string, m map[string]any, where, pl string) resp {
		body, _ := json.Marshal(m)
		res := a.api(method, path, "office", string(body))
		a.hit[route] = true
		a.apiOutcome(where, pl, res)
		return res
	}
	dept, _ := strconv.ParseInt(a.e.deptID(a.t, "法制科"), 10, 64)
	submission := func() map[string]any {
		return map[string]any{"kind": "case", "title": "攻击测试经验", "body": "<p>做法</p>", "submitted_on": "2025-03-02", "department_id": dept}
	}
	const subs = "POST /api/v1/practice/submissions"
	var id int64
	for r, i := range a.pick(attackSample) {
		f := []string{"title", "body", "kind", "submitted_on", "department_id"}[r%5]
		where := fmt.Sprintf("%s %s=payload#%d", subs, f, i)
		pl := a.mark(a.payloads[i], where)
		m := submission()
		m[f] = pl
		if n := created(send("POST", "/api/v1/practice/submissions", subs, m, where, pl)); n != 0 && id == 0 {
			id = n
		}
	}
	if id == 0 {
		id = created(send("POST", "/api/v1/practice/submissions", subs, submission(), subs+" (clean)", ""))
	}
	if id == 0 {
		a.t.Fatal("the practice attack could not make a submission")
	}
	sub := fmt.Sprintf("/api/v1/practice/submissions/%d", id)
	// The department's edit before the review.
	for r, i := range a.pick(attackSample) {
		f := []string{"title", "body", "kind", "submitted_on"}[r%4]
		where := fmt.Sprintf("PUT %s %s=payload#%d", sub, f, i)
		pl := a.mark(a.payloads[i], where)
		m := submission()
		m[f] = pl
		send("PUT", sub, "PUT /api/v1/practice/submissions/{id}", m, where, pl)
	}
	// 谁落实、谁公开: a progress entry posted on a demo task.
	for r, i := range a.pick(attackSample) {
		f := []string{"summary", "progress", "percent", "results", "next_steps", "reported_on"}[r%6]
		path := "/api/v1/execution/tasks/2025-06/progress"
		where := fmt.Sprintf("POST %s %s=payload#%d", path, f, i)
		pl := a.mark(a.payloads[i], where)
		m := map[string]any{"summary": "攻击测试进展", "progress": "推进", "reported_on": fmt.Sprintf("2025-11-%02d", 1+r%28)}
		m[f] = pl
		send("POST", path, "POST /api/v1/execution/tasks/{no}/progress", m, where, pl)
	}
	// 协办意见: the office records an outside co-handler's opinion on a demo item.
	for r, i := range a.pick(attackSample) {
		f := []string{"opinion", "co_unit", "received_on", "sent_on"}[r%4]
		path := "/api/v1/execution/proposals/19-5-0156/co-opinions"
		where := fmt.Sprintf("POST %s %s=payload#%d", path, f, i)
		pl := a.mark(a.payloads[i], where)
		m := map[string]any{"co_unit": "市财政局", "received_on": "2025-03-12", "sent_on": "2025-04-08", "opinion": "攻击测试协办意见"}
		m[f] = pl
		if res := send("POST", path, "POST /api/v1/execution/proposals/{number}/co-opinions", m, where, pl); res.status == http.StatusOK {
			a.scan("after "+where+": GET /lists/proposal_co_opinions", a.anon.get("/lists/proposal_co_opinions"))
			a.scan("after "+where+": GET /admin/execution/proposals/19-5-0156/co-opinions", a.admin.get("/admin/execution/proposals/19-5-0156/co-opinions"))
		}
	}
	for r, i := range a.pick(attackSample) {
		f := []string{"note", "status", "rating"}[r%3]
		where := fmt.Sprintf("POST %s/review %s=payload#%d", sub, f, i)
		pl := a.mark(a.payloads[i], where)
		m := map[string]any{"status": "selected", "rating": 4, "note": "选用"}
		m[f] = pl
		send("POST", sub+"/review", "POST /api/v1/practice/submissions/{id}/review", m, where, pl)
	}
	// A clean selection, so that forwarding is allowed.
	send("POST", sub+"/review", "POST /api/v1/practice/submissions/{id}/review", map[string]any{"status": "selected", "rating": 5}, "review (clean)", "")
	var fw int64
	for r, i := range a.pick(attackSample) {
		f := []string{"authority", "outlet", "used_note", "forwarded_on"}[r%4]
		where := fmt.Sprintf("POST %s/forwards %s=payload#%d", sub, f, i)
		pl := a.mark(a.payloads[i], where)
		m := map[string]any{"authority": "市政府办公室", "forwarded_on": "2025-03-10", "outlet": "政务信息", "used_note": ""}
		m[f] = pl
		if n := created(send("POST", sub+"/forwards", "POST /api/v1/practice/submissions/{id}/forwards", m, where, pl)); n != 0 && fw == 0 {
			fw = n
		}
	}
	if fw == 0 {
		fw = created(send("POST", sub+"/forwards", "POST /api/v1/practice/submissions/{id}/forwards",
			map[string]any{"authority": "市政府办公室", "forwarded_on": "2025-03-10"}, "forwards (clean)", ""))
	}
	for _, i := range a.pick(attackSample) {
		where := fmt.Sprintf("PUT /api/v1/practice/forwards/{id} used_note=payload#%d", i)
		pl := a.mark(a.payloads[i], where)
		send("PUT", fmt.Sprintf("/api/v1/practice/forwards/%d", fw), "PUT /api/v1/practice/forwards/{id}", map[string]any{"used": true, "used_note": pl}, where, pl)
	}
	for r, i := range a.pick(attackSample) {
		f := []string{"column_id", "published_on"}[r%2]
		where := fmt.Sprintf("POST %s/publish %s=payload#%d", sub, f, i)
		pl := a.mark(a.payloads[i], where)
		m := map[string]any{"column_id": a.columnID("gzdt"), "published_on": "2025-03-12"}
		m[f] = pl
		send("POST", sub+"/publish", "POST /api/v1/practice/submissions/{id}/publish", m, where, pl)
	}
	a.scan("after the practice attacks: GET /admin/practice", a.admin.get("/admin/practice"))
	a.scan("after the practice attacks: GET /admin/practice/{id}", a.admin.get(fmt.Sprintf("/admin/practice/%d", id)))
	a.scan("after the practice attacks: GET /practice/stats", a.anon.get("/practice/stats"))
}
