package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"gongkai/internal/calendar"
)

// TestConsultCorrections: staff correct a typo in an article of a draft
// and in a meeting's agenda topic while that is still allowed, by form:
// the article and the catalogue record change together (a revision with
// its change note), audited with the text before and after; an article
// with a comment, a closed consultation and a held meeting are refused
// with the reason, and nothing changes; another department may not.
func TestConsultCorrections(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		if err := e.srv.LoadConsultDemo(ctx, e.site.ID, testDay); err != nil {
			t.Fatal(err)
		}
		b := e.browser().login("office")
		r := b.post("/admin/consultations", url.Values{"title": {"临沂市法律服务条例（草案）"}, "kind": {"legislative"}, "opens_on": {"2026-12-01"}, "closes_on": {"2026-12-31"},
			"articles": {"第一条 为了规范法律服物，制定本条例。\n第二条 本条例适用于本市。"}, "publish": {"1"}})
		if r.status != 303 {
			t.Fatalf("create: %d %s", r.status, clipBody(r.body))
		}
		admin := strings.SplitN(r.location, "?", 2)[0]
		var id int64
		fmt.Sscanf(admin, "/admin/consultations/%d", &id)
		mustContain(t, b.get(admin).body, "更正第1条", "更正第2条")

		// Bad input: the message, nothing changed.
		if r := b.post(admin+"/articles/1", url.Values{"body": {"  "}}); r.status != 422 || !strings.Contains(r.body, "请填写条文内容") {
			t.Fatalf("empty article: %d %s", r.status, clipBody(r.body))
		}
		if r := b.post(admin+"/articles/1", url.Values{"heading": {"目的"}, "body": {"为了规范法律服务，制定本条例。"}}); r.status != 303 {
			t.Fatalf("correct: %d %s", r.status, clipBody(r.body))
		}
		pub := e.browser().get(fmt.Sprintf("/consultations/%d", id))
		mustContain(t, pub.body, "为了规范法律服务，制定本条例。", "目的")
		mustNotContain(t, pub.body, "法律服物")
		var body string
		e.db.R.QueryRow(`SELECT body FROM items WHERE id = $1`, id).Scan(&body)
		if !strings.Contains(body, "第1条 目的</strong> 为了规范法律服务") || strings.Contains(body, "服物") {
			t.Fatalf("record's text not corrected: %s", body)
		}
		var note string
		e.db.R.QueryRow(`SELECT comment FROM item_events WHERE item_id = $1 AND action = 'revise' ORDER BY id DESC LIMIT 1`, id).Scan(&note)
		if note != "更正草案第1条" {
			t.Errorf("revision note %q", note)
		}
		var before, after string
		e.db.R.QueryRow(`SELECT before_json, after_json FROM audit_log WHERE action = 'consultation.edit_article' AND target = $1`, fmt.Sprintf("consultation:%d", id)).Scan(&before, &after)
		if !strings.Contains(before, "法律服物") || !strings.Contains(after, "法律服务") {
			t.Fatalf("audit: %q → %q", before, after)
		}

		// A comment on article 2 fixes it (the page says why); article 1 stays editable.
		c := newAPIClient(t, e)
		tok, ans := e.apiCaptcha(t, "consult-comment")
		if r := c.do(t, "POST", fmt.Sprintf("/api/v1/consultations/%d/comments", id), "", nil,
			fmt.Sprintf(`{"article":2,"body":"建议写明适用范围","contact":"13800001234","captcha_token":%q,"captcha_answer":%q}`, tok, ans)); r.status != 201 {
			t.Fatalf("comment: %d %s", r.status, r.body)
		}
		page := b.get(admin)
		mustContain(t, page.body, "更正第1条", "本条已有 1 条意见")
		mustNotContain(t, page.body, "更正第2条")
		if r := b.post(admin+"/articles/2", url.Values{"body": {"本条例适用于本市行政区域。"}}); r.status != 409 || !strings.Contains(r.body, "本条已有 1 条意见") {
			t.Fatalf("article with a comment: %d %s", r.status, clipBody(r.body))
		}
		mustNotContain(t, e.browser().get(fmt.Sprintf("/consultations/%d", id)).body, "本条例适用于本市行政区域。")
		// Another department's editor may not.
		if r := e.browser().login("pfk").post(admin+"/articles/1", url.Values{"body": {"改"}}); r.status != 403 {
			t.Fatalf("another department: %d", r.status)
		}
		// The demo's closed consultation: refused, with the reason.
		var closed int64
		e.db.R.QueryRow(`SELECT id FROM consultations WHERE title LIKE '%人民调解条例%'`).Scan(&closed)
		cp := fmt.Sprintf("/admin/consultations/%d", closed)
		mustContain(t, b.get(cp).body, "征集已结束：征求意见的草案条文是意见收集和采纳情况的依据")
		if r := b.post(cp+"/articles/1", url.Values{"body": {"改"}}); r.status != 409 || !strings.Contains(r.body, "征集已结束") {
			t.Fatalf("closed consultation: %d %s", r.status, clipBody(r.body))
		}

		// A meeting's topic: corrected before the meeting, refused on its day.
		r = b.post("/admin/meetings", url.Values{"title": {"专题会议"}, "meeting_type": {"special"}, "held_on": {"2026-12-20"}, "topics": {"*法律援助补贴标注|公共法律服务管理科|"}, "publish": {"1"}})
		if r.status != 303 {
			t.Fatalf("meeting: %d %s", r.status, clipBody(r.body))
		}
		mp := strings.SplitN(r.location, "?", 2)[0]
		mustContain(t, b.get(mp).body, "更正第 1 个议题", "未提出")
		if r := b.post(mp+"/topics/1", url.Values{"title": {""}}); r.status != 422 || !strings.Contains(r.body, "请填写议题名称") {
			t.Fatalf("empty topic: %d %s", r.status, clipBody(r.body))
		}
		fix := url.Values{"title": {"法律援助补贴标准"}, "department": {"公共法律服务管理科"}, "public_interest": {"1"}, "stakeholder_plan": {"邀请受援人代表和律师代表各2名列席"}}
		if r := b.post(mp+"/topics/1", fix); r.status != 303 {
			t.Fatalf("topic: %d %s", r.status, clipBody(r.body))
		}
		mustContain(t, e.browser().get(strings.TrimPrefix(mp, "/admin")).body, "法律援助补贴标准", "邀请受援人代表和律师代表各2名列席")
		var audits int
		e.db.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'meeting.edit_topic' AND before_json LIKE '%补贴标注%'`).Scan(&audits)
		if audits != 1 {
			t.Errorf("topic audits: %d", audits)
		}
		e.srv.Consult.Today = func() calendar.Date { return calendar.Date{Year: 2026, Month: 12, Day: 20} }
		mustContain(t, b.get(mp).body, "会议已召开（2026-12-20），议题不能再修改")
		fix.Set("title", "改")
		if r := b.post(mp+"/topics/1", fix); r.status != 409 || !strings.Contains(r.body, "会议已召开") {
			t.Fatalf("held meeting: %d %s", r.status, clipBody(r.body))
		}
	})
}

// TestConsultFeedbackDeadline (seed task 2, REFERENCE §7): a consultation
// made with articles that closed without its feedback report is tracked by
// the deadline engine (rule consultation.feedback, 20 working days after
// closing), flagged by the self-inspection (a fault once overdue, "due
// soon" just before) and reminded on its back-office page; publishing the
// report fulfils it and the finding goes.
func TestConsultFeedbackDeadline(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := newAPIClient(t, e)
		mk := func(title, opens, closes string) int64 {
			t.Helper()
			r := c.do(t, "POST", "/api/v1/consultations", "office", nil, fmt.Sprintf(`{"title":%q,"kind":"legislative","department":"法制科","opens_on":%q,"closes_on":%q,"articles":["第一条","第二条"],"publish":true}`, title, opens, closes))
			if r.status != 201 {
				t.Fatalf("%s: %d %s", title, r.status, r.body)
			}
			var out struct{ ID int64 }
			if err := json.Unmarshal([]byte(r.body), &out); err != nil {
				t.Fatal(err)
			}
			return out.ID
		}
		e.srv.Consult.Today = func() calendar.Date { return calendar.Date{Year: 2026, Month: 9, Day: 1} }
		late := mk("逾期未反馈的草案", "2026-09-01", "2026-10-08")
		soon := mk("即将到期的草案", "2026-09-01", "2026-11-05")
		e.srv.Consult.Today = func() calendar.Date { return testDay }

		ds, err := e.srv.Deadlines.ForItem(ctx, e.site.ID, late, testDay)
		if err != nil {
			t.Fatal(err)
		}
		var due string
		for _, d := range ds {
			if d.Rule.Code == "consultation.feedback" && d.Open && d.Overdue(testDay) {
				due = d.Due.String()
			}
		}
		if due == "" {
			t.Fatalf("no open, overdue consultation.feedback deadline: %+v", ds)
		}
		findings := func() map[string]string {
			rep, err := e.srv.Compliance.Run(ctx, e.site.ID, testDay)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]string{}
			for _, f := range rep.Findings {
				if f.Rule.Code == "deadline.consultation.feedback" {
					out[f.Link] = string(f.Level) + " " + f.Message
				}
			}
			return out
		}
		got := findings()
		if f := got[fmt.Sprintf("/admin/items/%d", late)]; !strings.HasPrefix(f, "fault ") || !strings.Contains(f, "逾期未反馈的草案") || !strings.Contains(f, due) {
			t.Fatalf("overdue finding: %q (all %v)", f, got)
		}
		if f := got[fmt.Sprintf("/admin/items/%d", soon)]; !strings.HasPrefix(f, "soon ") {
			t.Fatalf("due-soon finding: %q (all %v)", f, got)
		}
		b := e.browser().login("office")
		mustContain(t, b.get(fmt.Sprintf("/admin/consultations/%d", late)).body, "意见收集和采纳情况已逾期未公开", "应于 "+due+" 前公开")
		mustContain(t, b.get(fmt.Sprintf("/admin/consultations/%d", soon)).body, "待公开意见收集和采纳情况")
		mustContain(t, b.get("/admin/compliance").body, "逾期未反馈的草案")

		// No comments came: the report (0 received) is published; the finding goes.
		if r := c.do(t, "POST", fmt.Sprintf("/api/v1/consultations/%d/report", late), "office", nil, ""); r.status != 200 && r.status != 201 {
			t.Fatalf("report: %d %s", r.status, r.body)
		}
		if f, ok := findings()[fmt.Sprintf("/admin/items/%d", late)]; ok && !strings.Contains(f, "未按期完成") {
			t.Fatalf("still open after the report: %q", f)
		}
		mustContain(t, b.get(fmt.Sprintf("/admin/consultations/%d", late)).body, "意见收集和采纳情况于 2026-12-01 公开", "逾期公开")
	})
}
