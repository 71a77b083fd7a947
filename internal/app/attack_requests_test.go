package app

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// attackRequests sends the corpus in every string field of the request
// intake (public and staff) and of the ledger's events; stored answers are
// then shown on the desk and the status page, which the scan checks.
func (a *attacker) attackRequests() {
	applicant := map[string]any{"kind": "natural_person", "name": "张三", "id_number": "370102199001011234", "phone": "13812345678"}
	base := map[string]any{"description": "攻击测试", "form": "paper", "delivery": "pickup"}
	appFields := []string{"name", "id_type", "id_number", "org_type", "credit_code", "legal_representative", "contact_person", "phone", "email", "address"}
	topFields := []string{"title", "doc_no", "description", "form", "delivery", "channel", "received_on", "department"}
	var id int64
	for r, i := range a.pick(attackSample) {
		ap := map[string]any{}
		for k, v := range applicant {
			ap[k] = v
		}
		m := map[string]any{}
		for k, v := range base {
			m[k] = v
		}
		user := ""
		if r%2 == 1 {
			user = "office"
		}
		f := appFields[r%len(appFields)]
		pl := a.mark(a.payloads[i], fmt.Sprintf("POST /api/v1/requests applicant.%s=payload#%d", f, i))
		ap[f] = pl
		t := topFields[r%len(topFields)]
		if user == "" && (t == "received_on" || t == "department") {
			t = "description"
		}
		pl2 := a.mark(a.payloads[(i+1)%len(a.payloads)], fmt.Sprintf("POST /api/v1/requests %s=payload#%d", t, i+1))
		m[t] = pl2
		m["applicant"] = ap
		body, _ := json.Marshal(m)
		res := a.api("POST", "/api/v1/requests", user, string(body))
		a.hit["POST /api/v1/requests"] = true
		a.apiOutcome(fmt.Sprintf("POST /api/v1/requests payloads #%d", i), pl+pl2, res)
		if res.status == http.StatusCreated && id == 0 {
			var v struct {
				ID int64 `json:"id"`
			}
			json.Unmarshal([]byte(res.body), &v)
			id = v.ID
		}
	}
	if id == 0 {
		// A clean one to record steps on.
		m := map[string]any{"applicant": applicant, "description": "攻击测试", "form": "paper", "delivery": "pickup", "channel": "in_person"}
		body, _ := json.Marshal(m)
		res := a.api("POST", "/api/v1/requests", "office", string(body))
		var v struct {
			ID int64 `json:"id"`
		}
		json.Unmarshal([]byte(res.body), &v)
		id = v.ID
	}
	evFields := []string{"type", "on", "decision", "department", "note", "approver", "fee_method", "until", "result"}
	types := []string{"note", "assigned", "confirmed", "correction_requested", "extended", "replied", "fee_notified", "reply_drafted"}
	for r, i := range a.pick(attackSample) {
		f := evFields[r%len(evFields)]
		pl := a.mark(a.payloads[i], fmt.Sprintf("POST /api/v1/requests/{id}/events %s=payload#%d", f, i))
		m := map[string]any{"type": types[r%len(types)], "note": "备注", f: pl}
		if r%4 == 0 {
			m["reply"] = map[string]string{"answer": pl, "law": pl}
		}
		body, _ := json.Marshal(m)
		res := a.api("POST", fmt.Sprintf("/api/v1/requests/%d/events", id), "office", string(body))
		a.hit["POST /api/v1/requests/{id}/events"] = true
		a.apiOutcome(fmt.Sprintf("POST /api/v1/requests/{id}/events payload #%d", i), pl, res)
	}
	a.scan("after the request attacks: GET /admin/requests/{id}", a.admin.get(fmt.Sprintf("/admin/requests/%d", id)))
	a.scan("after the request attacks: GET /admin/requests", a.admin.get("/admin/requests?all=1"))
}
