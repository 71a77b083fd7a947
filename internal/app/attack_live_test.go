package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"gongkai/internal/interact/live"
)

// attackLive sends the corpus in every string field of the interview,
// question, moderation, answer and sign-up API, then scans the pages that
// show what was stored (the public interview and event pages and the staff
// screens).
func (a *attacker) attackLive() {
	post := func(pattern, path, user string, m map[string]any, payload string) resp {
		body, _ := json.Marshal(m)
		res := a.api("POST", path, user, string(body))
		a.hit["POST "+pattern] = true
		a.apiOutcome(fmt.Sprintf("POST %s payload", pattern), payload, res)
		return res
	}
	base := func() map[string]any {
		return map[string]any{"title": "攻击测试访谈", "topic": "主题", "guests": "甲，科长", "starts_at": "2026-12-01T09:00"}
	}
	fields := []string{"title", "topic", "guests", "starts_at", "ends_at", "summary", "video_url", "video_captions", "video_transcript"}
	var id int64
	for r, i := range a.pick(attackSample) {
		f := fields[r%len(fields)]
		pl := a.mark(a.payloads[i], fmt.Sprintf("POST /api/v1/interviews %s=payload#%d", f, i))
		m := base()
		m[f] = pl
		if f == "video_url" {
			m["video_transcript"] = pl
		}
		res := post("/api/v1/interviews", "/api/v1/interviews", "office", m, pl)
		if res.status == http.StatusCreated && id == 0 {
			var v struct{ ID int64 }
			json.Unmarshal([]byte(res.body), &v)
			id = v.ID
		}
	}
	if id == 0 {
		body, _ := json.Marshal(base())
		var v struct{ ID int64 }
		json.Unmarshal([]byte(a.api("POST", "/api/v1/interviews", "office", string(body)).body), &v)
		id = v.ID
	}
	ip := fmt.Sprintf("/api/v1/interviews/%d", id)
	for _, i := range a.pick(attackSample) {
		pl := a.mark(a.payloads[i], fmt.Sprintf("POST /api/v1/interviews/{id}/status status=payload#%d", i))
		post("/api/v1/interviews/{id}/status", ip+"/status", "office", map[string]any{"status": pl}, pl)
	}
	a.api("POST", ip+"/status", "office", `{"status":"live"}`)
	var qids []int64
	qfields := []string{"asker", "contact", "body"}
	for r, i := range a.pick(attackSample) {
		f := qfields[r%len(qfields)]
		pl := a.mark(a.payloads[i], fmt.Sprintf("POST /api/v1/interviews/{id}/questions %s=payload#%d", f, i))
		m := map[string]any{"body": "问题", f: pl}
		res := post("/api/v1/interviews/{id}/questions", ip+"/questions", "office", m, pl)
		if res.status == http.StatusCreated {
			var v struct{ ID int64 }
			json.Unmarshal([]byte(res.body), &v)
			qids = append(qids, v.ID)
		}
	}
	if len(qids) == 0 {
		var v struct{ ID int64 }
		json.Unmarshal([]byte(a.api("POST", ip+"/questions", "office", `{"body":"问题"}`).body), &v)
		qids = append(qids, v.ID)
	}
	for r, i := range a.pick(attackSample) {
		q := qids[r%len(qids)]
		pl := a.mark(a.payloads[i], fmt.Sprintf("POST /api/v1/interviews/{id}/questions/{q}/moderate reason=payload#%d", i))
		decision := "reject"
		if r%2 == 0 {
			decision = "approve"
		}
		if r%5 == 4 {
			decision = pl
		}
		post("/api/v1/interviews/{id}/questions/{q}/moderate", fmt.Sprintf("%s/questions/%d/moderate", ip, q), "office", map[string]any{"decision": decision, "reason": pl}, pl)
	}
	for r, i := range a.pick(attackSample) {
		q := qids[r%len(qids)]
		pl := a.mark(a.payloads[i], fmt.Sprintf("POST /api/v1/interviews/{id}/questions/{q}/answer guest,answer=payload#%d", i))
		post("/api/v1/interviews/{id}/questions/{q}/answer", fmt.Sprintf("%s/questions/%d/answer", ip, q), "office", map[string]any{"guest": pl, "answer": pl}, pl)
	}
	a.scan("after the interview attacks: GET /interviews/{id}", a.anon.get(fmt.Sprintf("/interviews/%d", id)))
	a.scan("after the interview attacks: GET /admin/interviews/{id}", a.admin.get(fmt.Sprintf("/admin/interviews/%d", id)))
	a.scan("after the interview attacks: GET /admin/interviews/{id}/moderate", a.admin.get(fmt.Sprintf("/admin/interviews/%d/moderate", id)))
	a.scan("after the interview attacks: GET /admin/interviews/{id}/answer", a.admin.get(fmt.Sprintf("/admin/interviews/%d/answer", id)))

	office, err := a.e.au.UserByName(context.Background(), "office")
	if err != nil {
		a.t.Fatal(err)
	}
	ev, err := a.e.srv.Live.CreateEvent(context.Background(), office, a.e.site.ID, live.EventInput{Kind: "open_day", Title: "攻击测试开放日",
		StartsAt: "2026-12-20T09:00", Capacity: 1000})
	if err != nil {
		a.t.Fatal(err)
	}
	sfields := []string{"name", "phone", "note"}
	for r, i := range a.pick(attackSample) {
		f := sfields[r%len(sfields)]
		pl := a.mark(a.payloads[i], fmt.Sprintf("POST /api/v1/events/{id}/signups %s=payload#%d", f, i))
		tok, ans := a.e.apiCaptcha(a.t, "event-signup")
		m := map[string]any{"name": "张三", "phone": fmt.Sprintf("1380000%04d", r), "captcha_token": tok, "captcha_answer": ans, f: pl}
		post("/api/v1/events/{id}/signups", fmt.Sprintf("/api/v1/events/%d/signups", ev.ID), "", m, pl)
	}
	a.scan("after the sign-up attacks: GET /admin/events/{id}", a.admin.get(fmt.Sprintf("/admin/events/%d?open=1", ev.ID)))
	a.scan("after the sign-up attacks: GET /events/{id}", a.anon.get(fmt.Sprintf("/events/%d", ev.ID)))
}
