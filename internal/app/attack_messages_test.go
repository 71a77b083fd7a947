package app

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// attackMessages sends the corpus in every string field of the message
// intake (staff, so no CAPTCHA) and of the answer; stored texts are then
// shown on the desk, the public list and the message's page, which the
// scan checks.
func (a *attacker) attackMessages() {
	fields := []string{"category", "title", "body", "name", "contact", "page_url", "received_on", "department"}
	var id int64
	for r, i := range a.pick(attackSample) {
		m := map[string]any{"category": "consult", "title": "攻击测试", "body": "内容", "name": "张三", "contact": "13812345678", "publishable": true}
		f := fields[r%len(fields)]
		pl := a.mark(a.payloads[i], fmt.Sprintf("POST /api/v1/messages %s=payload#%d", f, i))
		m[f] = pl
		body, _ := json.Marshal(m)
		res := a.api("POST", "/api/v1/messages", "office", string(body))
		a.hit["POST /api/v1/messages"] = true
		a.apiOutcome(fmt.Sprintf("POST /api/v1/messages payloads #%d", i), pl, res)
		if res.status == http.StatusCreated && id == 0 && f != "title" && f != "body" {
			var v struct {
				ID int64 `json:"id"`
			}
			json.Unmarshal([]byte(res.body), &v)
			id = v.ID
		}
	}
	if id == 0 {
		body, _ := json.Marshal(map[string]any{"category": "consult", "title": "攻击测试", "body": "内容", "name": "张三", "contact": "13812345678", "publishable": true})
		var v struct {
			ID int64 `json:"id"`
		}
		json.Unmarshal([]byte(a.api("POST", "/api/v1/messages", "office", string(body)).body), &v)
		id = v.ID
	}
	afields := []string{"body", "where", "answered_on"}
	for r, i := range a.pick(attackSample) {
		f := afields[r%len(afields)]
		pl := a.mark(a.payloads[i], fmt.Sprintf("POST /api/v1/messages/{id}/answer %s=payload#%d", f, i))
		m := map[string]any{"body": "答复", f: pl}
		body, _ := json.Marshal(m)
		res := a.api("POST", fmt.Sprintf("/api/v1/messages/%d/answer", id), "office", string(body))
		a.hit["POST /api/v1/messages/{id}/answer"] = true
		a.apiOutcome(fmt.Sprintf("POST /api/v1/messages/{id}/answer payload #%d", i), pl, res)
	}
	// Publish the last draft, so the texts reach the public pages.
	a.api("POST", fmt.Sprintf("/api/v1/messages/%d/answer", id), "office", `{"body":"答复","publish":true}`)
	a.scan("after the message attacks: GET /admin/messages/{id}", a.admin.get(fmt.Sprintf("/admin/messages/%d", id)))
	a.scan("after the message attacks: GET /admin/messages", a.admin.get("/admin/messages?status=all"))
	a.scan("after the message attacks: GET /messages", a.admin.get("/messages"))
	a.scan("after the message attacks: GET /messages/{id}", a.admin.get(fmt.Sprintf("/messages/%d", id)))
}
