package app

import (
	"encoding/json"
	"fmt"
	"net/http"

	"gongkai/internal/captcha"
)

// attackConsult sends payloads in every text field of the participation
// API (consultations, comments, moderation, dispositions, the report,
// decisions, meetings and applications, surveys and answers), solving the
// public endpoints' CAPTCHA so the payloads reach validation and storage,
// then scans the pages that show what was stored.
func (a *attacker) attackConsult() {
	solved := func(form string) (string, string) {
		tok := a.e.srv.Web.Captcha.New(form, captcha.Image).Token
		ans, _ := a.e.srv.Web.Captcha.Answer(form, tok)
		return tok, ans
	}
	send := func(method, path, route, user string, m map[string]any, pls string) resp {
		body, _ := json.Marshal(m)
		res := a.api(method, path, user, string(body))
		a.hit[route] = true
		a.apiOutcome(fmt.Sprintf("%s %v", route, m), pls, res)
		return res
	}
	// Consultations: one field with a payload at a time, on an otherwise
	// valid 30-day legislative draft published at once.
	fields := []string{"title", "basis", "explanation", "channels", "short_reason", "department", "kind", "opens_on"}
	var id int64
	for r, i := range a.pick(attackSample) {
		f := fields[r%len(fields)]
		pl := a.mark(a.payloads[i], fmt.Sprintf("POST /api/v1/consultations %s=payload#%d", f, i))
		m := map[string]any{"title": "攻击测试草案", "kind": "legislative", "department": "法制科", "opens_on": "2026-11-20", "closes_on": "2026-12-20",
			"articles": []string{"第一条", pl}, "publish": true}
		m[f] = pl
		res := send("POST", "/api/v1/consultations", "POST /api/v1/consultations", "office", m, pl)
		if res.status == http.StatusCreated {
			var v struct{ ID int64 }
			json.Unmarshal([]byte(res.body), &v)
			id = v.ID
			a.scan("after "+f+": GET /consultations/{id}", a.anon.get(fmt.Sprintf("/consultations/%d", id)))
		}
	}
	if id == 0 {
		res := a.api("POST", "/api/v1/consultations", "office", `{"title":"攻击测试草案","kind":"legislative","department":"法制科","opens_on":"2026-11-20","closes_on":"2026-12-20","articles":["第一条","第二条"],"publish":true}`)
		var v struct{ ID int64 }
		json.Unmarshal([]byte(res.body), &v)
		id = v.ID
	}
	cpath := fmt.Sprintf("/api/v1/consultations/%d", id)
	cfields := []string{"body", "name", "contact"}
	for r, i := range a.pick(attackSample) {
		f := cfields[r%len(cfields)]
		pl := a.mark(a.payloads[i], fmt.Sprintf("POST /api/v1/consultations/{id}/comments %s=payload#%d", f, i))
		tok, ans := solved("consult-comment")
		m := map[string]any{"article": r % 3, "body": "意见", "name": "张三", "contact": "13800000000", "publish_consent": true, "captcha_token": tok, "captcha_answer": ans}
		m[f] = pl
		send("POST", cpath+"/comments", "POST /api/v1/consultations/{id}/comments", "", m, pl)
	}
	for _, i := range a.pick(attackSample / 2) {
		pl := a.mark(a.payloads[i], fmt.Sprintf("POST /api/v1/consultations/{id}/moderation reason=payload#%d", i))
		send("POST", cpath+"/moderation", "POST /api/v1/consultations/{id}/moderation", "office", map[string]any{"comments": []int{1}, "action": "reject", "reason": pl}, pl)
		pl = a.mark(a.payloads[i], fmt.Sprintf("POST /api/v1/consultations/{id}/dispositions reason=payload#%d", i))
		send("POST", cpath+"/dispositions", "POST /api/v1/consultations/{id}/dispositions", "office", map[string]any{"comments": []int{1}, "outcome": "adopted", "reason": pl}, pl)
	}
	// Pass every comment, so the public page shows the stored payloads.
	a.api("POST", cpath+"/moderation", "office", `{"comments":[1],"action":"pass"}`)
	for n := 2; n <= attackSample*2; n++ {
		a.api("POST", cpath+"/moderation", "office", fmt.Sprintf(`{"comments":[%d],"action":"pass"}`, n))
	}
	send("POST", cpath+"/report", "POST /api/v1/consultations/{id}/report", "office", map[string]any{}, "")
	a.scan("after the comment attacks: GET /consultations/{id}", a.anon.get(fmt.Sprintf("/consultations/%d", id)))
	a.scan("after the comment attacks: GET /admin/consultations/{id}", a.admin.get(fmt.Sprintf("/admin/consultations/%d", id)))

	// Decisions, their status and links.
	dfields := []string{"title", "department", "basis", "planned_on"}
	var dec int64
	for r, i := range a.pick(attackSample) {
		f := dfields[r%len(dfields)]
		pl := a.mark(a.payloads[i], fmt.Sprintf("POST /api/v1/decisions %s=payload#%d", f, i))
		m := map[string]any{"year": 2026, "title": "攻击测试事项", "department": "法制科"}
		m[f] = pl
		res := send("POST", "/api/v1/decisions", "POST /api/v1/decisions", "office", m, pl)
		if res.status == http.StatusCreated {
			var v struct{ ID int64 }
			json.Unmarshal([]byte(res.body), &v)
			dec = v.ID
		}
	}
	if dec == 0 {
		res := a.api("POST", "/api/v1/decisions", "office", `{"year":2026,"title":"攻击测试事项"}`)
		var v struct{ ID int64 }
		json.Unmarshal([]byte(res.body), &v)
		dec = v.ID
	}
	for r, i := range a.pick(attackSample / 2) {
		pl := a.mark(a.payloads[i], fmt.Sprintf("POST /api/v1/decisions/{id}/status reason=payload#%d", i))
		send("POST", fmt.Sprintf("/api/v1/decisions/%d/status", dec), "POST /api/v1/decisions/{id}/status", "office", map[string]any{"status": "adjusted", "reason": pl}, pl)
		f := []string{"title", "url", "kind"}[r%3]
		pl = a.mark(a.payloads[i], fmt.Sprintf("POST /api/v1/decisions/{id}/links %s=payload#%d", f, i))
		m := map[string]any{"kind": "legality_review", "title": "合法性审查", "url": "/items/1"}
		m[f] = pl
		send("POST", fmt.Sprintf("/api/v1/decisions/%d/links", dec), "POST /api/v1/decisions/{id}/links", "office", m, pl)
	}
	a.scan("after the decision attacks: GET /decisions", a.anon.get("/decisions?year=2026"))
	a.scan("after the decision attacks: GET /decisions/{id}", a.anon.get(fmt.Sprintf("/decisions/%d", dec)))
	a.scan("after the decision attacks: GET /decisions.csv", a.anon.get("/decisions.csv?year=2026"))

	// Meetings and applications.
	mfields := []string{"title", "place", "invited", "decisions", "held_on", "apply_until", "meeting_type"}
	var mt int64
	for r, i := range a.pick(attackSample) {
		f := mfields[r%len(mfields)]
		pl := a.mark(a.payloads[i], fmt.Sprintf("POST /api/v1/meetings %s=payload#%d", f, i))
		m := map[string]any{"title": "攻击测试会议", "held_on": "2026-12-20", "publish": true,
			"topics": []map[string]any{{"title": pl, "public_interest": true, "stakeholder_plan": pl}}}
		m[f] = pl
		res := send("POST", "/api/v1/meetings", "POST /api/v1/meetings", "office", m, pl)
		if res.status == http.StatusCreated {
			var v struct{ ID int64 }
			json.Unmarshal([]byte(res.body), &v)
			mt = v.ID
		}
	}
	if mt == 0 {
		res := a.api("POST", "/api/v1/meetings", "office", `{"title":"攻击测试会议","held_on":"2026-12-20","publish":true,"topics":[{"title":"议题"}]}`)
		var v struct{ ID int64 }
		json.Unmarshal([]byte(res.body), &v)
		mt = v.ID
	}
	afields := []string{"name", "category", "organisation", "contact", "reason"}
	var app int64
	for r, i := range a.pick(attackSample) {
		f := afields[r%len(afields)]
		pl := a.mark(a.payloads[i], fmt.Sprintf("POST /api/v1/meetings/{id}/applications %s=payload#%d", f, i))
		tok, ans := solved("meeting-apply")
		m := map[string]any{"name": "李四", "category": "public", "contact": "13800000000", "reason": "理由", "captcha_token": tok, "captcha_answer": ans}
		m[f] = pl
		res := send("POST", fmt.Sprintf("/api/v1/meetings/%d/applications", mt), "POST /api/v1/meetings/{id}/applications", "", m, pl)
		if res.status == http.StatusCreated {
			var v struct{ ID int64 }
			json.Unmarshal([]byte(res.body), &v)
			if app == 0 {
				app = v.ID
			}
			// Accepted, so the meeting page lists the attendee.
			a.api("POST", fmt.Sprintf("/api/v1/meetings/%d/applications/%d", mt, v.ID), "office", `{"decision":"accept"}`)
		}
	}
	for _, i := range a.pick(attackSample / 2) {
		pl := a.mark(a.payloads[i], fmt.Sprintf("POST /api/v1/meetings/{id}/applications/{app} answer=payload#%d", i))
		send("POST", fmt.Sprintf("/api/v1/meetings/%d/applications/%d", mt, max(app, 1)), "POST /api/v1/meetings/{id}/applications/{app}", "office",
			map[string]any{"decision": "decline", "answer": pl}, pl)
	}
	for r, i := range a.pick(attackSample / 2) {
		pl := a.mark(a.payloads[i], fmt.Sprintf("POST /api/v1/meetings/{id}/outcome payload#%d", i))
		m := map[string]any{"decisions": pl, "publish": true}
		if r%2 == 1 {
			m = map[string]any{"decisions": "议定", "links": []map[string]string{{"kind": "final_document", "title": pl, "url": pl}}, "publish": true}
		}
		send("POST", fmt.Sprintf("/api/v1/meetings/%d/outcome", mt), "POST /api/v1/meetings/{id}/outcome", "office", m, pl)
	}
	a.scan("after the meeting attacks: GET /meetings/{id}", a.anon.get(fmt.Sprintf("/meetings/%d", mt)))
	a.scan("after the meeting attacks: GET /admin/meetings/{id}", a.admin.get(fmt.Sprintf("/admin/meetings/%d", mt)))

	// Surveys and answers.
	sfields := []string{"title", "intro", "opens_on", "question", "option"}
	var sv int64
	for r, i := range a.pick(attackSample) {
		f := sfields[r%len(sfields)]
		pl := a.mark(a.payloads[i], fmt.Sprintf("POST /api/v1/surveys %s=payload#%d", f, i))
		q := map[string]any{"text": "题目", "kind": "single", "options": []string{"是", "否"}}
		m := map[string]any{"title": "攻击测试调查", "opens_on": "2026-11-20", "closes_on": "2026-12-20"}
		switch f {
		case "question":
			q["text"] = pl
		case "option":
			q["options"] = []string{pl, "否"}
		default:
			m[f] = pl
		}
		m["questions"] = []any{q, map[string]any{"text": "建议", "kind": "text", "options": []string{}}}
		res := send("POST", "/api/v1/surveys", "POST /api/v1/surveys", "office", m, pl)
		if res.status == http.StatusCreated {
			var v struct{ ID int64 }
			json.Unmarshal([]byte(res.body), &v)
			sv = v.ID
		}
	}
	for r, i := range a.pick(attackSample) {
		pl := a.mark(a.payloads[i], fmt.Sprintf("POST /api/v1/surveys/{id}/answers payload#%d", i))
		tok, ans := solved("survey-answer")
		m := map[string]any{"contact": fmt.Sprintf("a%d@example.cn", r), "choices": map[string][]int{"1": {1}}, "texts": map[string]string{"2": pl}, "captcha_token": tok, "captcha_answer": ans}
		if r%2 == 1 {
			m["contact"] = pl
		}
		send("POST", fmt.Sprintf("/api/v1/surveys/%d/answers", max(sv, 1)), "POST /api/v1/surveys/{id}/answers", "", m, pl)
	}
	a.scan("after the survey attacks: GET /surveys/{id}", a.anon.get(fmt.Sprintf("/surveys/%d", max(sv, 1))))
	a.scan("after the survey attacks: GET /surveys", a.anon.get("/surveys"))
}
