package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// attackInspect sends the corpus in every field of the 双随机 API's bodies
// (plans, draw announcements, the figure, results, settings); what is
// stored is then shown on the plan and draw pages, which the scan checks.
func (a *attacker) attackInspect() {
	ctx := context.Background()
	if err := a.e.srv.LoadInspectDemo(ctx, a.e.site.ID); err != nil {
		a.t.Fatal(err)
	}
	dept, _ := strconv.ParseInt(a.e.deptID(a.t, "行政执法协调监督科"), 10, 64)
	plan := func() map[string]any {
		return map[string]any{"year": 2026, "title": "攻击测试计划", "department_id": dept, "item_key": "SSJ-LS-01", "count": 2,
			"inspectors_per_target": 2, "starts_on": "2026-03-01", "ends_on": "2026-12-31", "frequency": "每年一次", "content": "内容"}
	}
	created := func(res resp) int64 {
		var v struct {
			ID int64 `json:"id"`
		}
		if res.status == http.StatusCreated {
			json.Unmarshal([]byte(res.body), &v)
		}
		return v.ID
	}
	post := func(method, path, route string, m map[string]any, where, pl string) resp {
		body, _ := json.Marshal(m)
		res := a.api(method, path, "office", string(body))
		a.hit[route] = true
		a.apiOutcome(where, pl, res)
		return res
	}
	var planID int64
	fields := []string{"title", "item_key", "frequency", "content", "starts_on", "ends_on", "year", "count"}
	for r, i := range a.pick(attackSample) {
		f := fields[r%len(fields)]
		where := fmt.Sprintf("POST /api/v1/inspect/plans %s=payload#%d", f, i)
		pl := a.mark(a.payloads[i], where)
		m := plan()
		m[f] = pl
		if id := created(post("POST", "/api/v1/inspect/plans", "POST /api/v1/inspect/plans", m, where, pl)); id != 0 {
			a.created = append(a.created, "/inspect/plans/"+itoa(id))
			if planID == 0 {
				planID = id
			}
		}
	}
	clean := func() int64 {
		return created(post("POST", "/api/v1/inspect/plans", "POST /api/v1/inspect/plans", plan(), "POST /api/v1/inspect/plans (clean)", ""))
	}
	if planID == 0 {
		planID = clean()
	}
	// Corrections and withdrawals of plans before a draw: payloads in
	// every field of a correction, and in a withdrawal's reason.
	fixID := clean()
	a.created = append(a.created, "/inspect/plans/"+itoa(fixID))
	for r, i := range a.pick(attackSample) {
		f := fields[r%len(fields)]
		where := fmt.Sprintf("PUT /api/v1/inspect/plans/{id} %s=payload#%d", f, i)
		pl := a.mark(a.payloads[i], where)
		m := plan()
		m[f] = pl
		post("PUT", fmt.Sprintf("/api/v1/inspect/plans/%d", fixID), "PUT /api/v1/inspect/plans/{id}", m, where, pl)
	}
	for _, i := range a.pick(attackSample / 4) {
		where := fmt.Sprintf("POST /api/v1/inspect/plans/{id}/withdraw reason=payload#%d", i)
		pl := a.mark(a.payloads[i], where)
		id := clean()
		a.created = append(a.created, "/inspect/plans/"+itoa(id))
		post("POST", fmt.Sprintf("/api/v1/inspect/plans/%d/withdraw", id), "POST /api/v1/inspect/plans/{id}/withdraw", map[string]any{"reason": pl}, where, pl)
	}
	// Announcements on the first plan: payloads in every field (a beacon
	// announced once leaves the rest 409, which is an outcome too).
	var beacon int64
	afields := []string{"source", "witnesses", "date", "method"}
	for r, i := range a.pick(attackSample) {
		f := afields[r%len(afields)]
		where := fmt.Sprintf("POST /api/v1/inspect/plans/{id}/draws %s=payload#%d", f, i)
		pl := a.mark(a.payloads[i], where)
		m := map[string]any{"method": "beacon", "source": "某指数收盘点位", "date": "2026-12-10", "witnesses": "见证人"}
		m[f] = pl
		if id := created(post("POST", fmt.Sprintf("/api/v1/inspect/plans/%d/draws", planID), "POST /api/v1/inspect/plans/{id}/draws", m, where, pl)); id != 0 {
			a.created = append(a.created, "/inspect/draws/"+itoa(id))
			if beacon == 0 {
				beacon = id
			}
		}
	}
	// The figure: refused before its date, whatever it is.
	if beacon != 0 {
		for _, i := range a.pick(attackSample) {
			where := fmt.Sprintf("POST /api/v1/inspect/draws/{id}/perform figure=payload#%d", i)
			pl := a.mark(a.payloads[i], where)
			post("POST", fmt.Sprintf("/api/v1/inspect/draws/%d/perform", beacon), "POST /api/v1/inspect/draws/{id}/perform", map[string]any{"figure": pl}, where, pl)
		}
	}
	// A committed draw on a second plan, carried out, then payloads in
	// every field of its results.
	plan2 := clean()
	draw := created(post("POST", fmt.Sprintf("/api/v1/inspect/plans/%d/draws", plan2), "POST /api/v1/inspect/plans/{id}/draws", map[string]any{"method": "commit"}, "announce (clean)", ""))
	res := post("POST", fmt.Sprintf("/api/v1/inspect/draws/%d/perform", draw), "POST /api/v1/inspect/draws/{id}/perform", map[string]any{}, "perform (clean)", "")
	var v struct {
		Result struct {
			Targets []struct{ Key string }
		}
	}
	json.Unmarshal([]byte(a.api("GET", fmt.Sprintf("/api/v1/inspect/draws/%d", draw), "", "").body), &v)
	if len(v.Result.Targets) == 0 {
		a.t.Fatalf("the attack's committed draw has no result: %s", res.body)
	}
	rfields := []string{"detail", "follow_up", "conclusion", "inspected_on", "target_key"}
	for r, i := range a.pick(attackSample) {
		f := rfields[r%len(rfields)]
		where := fmt.Sprintf("POST /api/v1/inspect/draws/{id}/results %s=payload#%d", f, i)
		pl := a.mark(a.payloads[i], where)
		m := map[string]any{"target_key": v.Result.Targets[r%len(v.Result.Targets)].Key, "conclusion": "other", "inspected_on": "2026-12-01", "detail": "说明", "follow_up": "处理"}
		m[f] = pl
		post("POST", fmt.Sprintf("/api/v1/inspect/draws/%d/results", draw), "POST /api/v1/inspect/draws/{id}/results", m, where, pl)
	}
	for _, i := range a.pick(attackSample) {
		where := fmt.Sprintf("PUT /api/v1/inspect/settings result_days=payload#%d", i)
		pl := a.mark(a.payloads[i], where)
		post("PUT", "/api/v1/inspect/settings", "PUT /api/v1/inspect/settings", map[string]any{"result_days": pl}, where, pl)
	}
	a.created = append(a.created, fmt.Sprintf("/inspect/draws/%d", draw), fmt.Sprintf("/inspect/plans/%d", plan2))
	a.scan("after the inspect attacks: GET /inspect", a.anon.get("/inspect"))
	a.scan("after the inspect attacks: GET /inspect/draws/{id}", a.anon.get(fmt.Sprintf("/inspect/draws/%d", draw)))
	a.scan("after the inspect attacks: GET /admin/inspect", a.admin.get("/admin/inspect"))
	a.scan("after the inspect attacks: GET /admin/inspect/draws/{id}", a.admin.get(fmt.Sprintf("/admin/inspect/draws/%d", draw)))
}
