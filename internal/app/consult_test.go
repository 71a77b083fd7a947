package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"gongkai/internal/calendar"
	"gongkai/internal/captcha"
	"gongkai/internal/consult"
	"gongkai/internal/store/storetest"
)

// TestConsultationEndToEnd (issue 10, "Done when"): over HTTP on both
// databases, a legislative draft with a 20-day window is refused with a
// clear message; a 30-day one opens (linked to its major-decision entry);
// 50 comments arrive on 5 articles (one through the form without
// JavaScript), 8 spam ones are moderated out; dispositions are recorded
// per comment and per merged group; the published feedback report's
// numbers reconcile with the comments; the record, the report item and the
// decision's entry show the whole chain.
func TestConsultationEndToEnd(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d)
			c := newAPIClient(t, e)
			ctx := context.Background()

			r := c.do(t, "POST", "/api/v1/decisions", "office", nil, `{"year":2026,"title":"制定《临沂市公共法律服务条例》","department":"法制科","basis":"《中华人民共和国立法法》","planned_on":"2026-12-31"}`)
			if r.status != 201 {
				t.Fatalf("decision: %d %s", r.status, r.body)
			}
			var dec struct{ ID int64 }
			json.Unmarshal([]byte(r.body), &dec)

			arts := `["本条例适用于本市行政区域内的公共法律服务活动。","市、县（区）人民政府应当将公共法律服务体系建设纳入国民经济和社会发展规划。","司法行政部门负责公共法律服务的统筹规划。","公共法律服务实体平台应当设置在便于群众办事的场所。","违反本条例规定的，依法追究法律责任。"]`
			body := func(closes string) string {
				return fmt.Sprintf(`{"title":"临沂市公共法律服务条例（草案征求意见稿）","kind":"legislative","department":"法制科","decision_id":%d,"basis":"《中华人民共和国立法法》","explanation":"为规范公共法律服务……","opens_on":"2026-10-31","closes_on":"%s","articles":%s,"publish":true}`, dec.ID, closes, arts)
			}
			// 20 days: refused, nothing saved.
			before := e.countItems(t)
			r = c.do(t, "POST", "/api/v1/consultations", "office", nil, body("2026-11-20"))
			var apiErr struct {
				Error struct {
					Code, Message string
					Fields        map[string]string
				}
			}
			json.Unmarshal([]byte(r.body), &apiErr)
			if r.status != 422 || !strings.Contains(apiErr.Error.Message, "不少于30日") || !strings.Contains(apiErr.Error.Fields["closes_on"], "2026-11-30") {
				t.Fatalf("20-day window: %d %s", r.status, r.body)
			}
			if n := e.countItems(t); n != before {
				t.Fatalf("a refused consultation left %d items", n-before)
			}
			// 30 days: opens; the consultation takes comments on 2026-11-10.
			e.srv.Consult.Today = func() calendar.Date { return calendar.Date{Year: 2026, Month: 11, Day: 10} }
			r = c.do(t, "POST", "/api/v1/consultations", "office", nil, body("2026-11-30"))
			if r.status != 201 {
				t.Fatalf("30-day window: %d %s", r.status, r.body)
			}
			var cons struct {
				ID      int64
				State   string
				IndexNo string `json:"index_no"`
			}
			json.Unmarshal([]byte(r.body), &cons)
			if cons.State != "open" || cons.IndexNo == "" {
				t.Fatalf("new consultation: %s", r.body)
			}
			path := fmt.Sprintf("/consultations/%d", cons.ID)
			api := "/api/v1" + path

			// 49 comments through the public API, 10 per article minus the
			// one sent through the form; every 6th is spam.
			spam := map[int]bool{}
			for n := 1; n <= 49; n++ {
				// One challenge fetched as a client does, the rest issued
				// directly (GET /captcha/…/new has its own rate limit).
				var tok, ans string
				if n == 1 {
					tok, ans = e.apiCaptcha(t, "consult-comment")
				} else {
					tok = e.srv.Web.Captcha.New("consult-comment", captcha.Image).Token
					ans, _ = e.srv.Web.Captcha.Answer("consult-comment", tok)
				}
				text := fmt.Sprintf("建议完善第%d条的表述（意见%d）。", (n-1)%5+1, n)
				if n%6 == 0 {
					text, spam[n] = "低价代开发票，加微信 xxx", true
				}
				in := map[string]any{"article": (n-1)%5 + 1, "body": text, "name": fmt.Sprintf("市民%d", n), "contact": fmt.Sprintf("1380000%04d", n),
					"publish_consent": n%2 == 0, "captcha_token": tok, "captcha_answer": ans}
				b, _ := json.Marshal(in)
				if r := c.do(t, "POST", api+"/comments", "", nil, string(b)); r.status != 201 {
					t.Fatalf("comment %d: %d %s", n, r.status, r.body)
				}
			}
			// The 50th on article 5, through the form without JavaScript.
			br := e.browser()
			page := br.get(path + "?article=5")
			if page.status != 200 || !strings.Contains(page.body, `<option value="5" selected>`) {
				t.Fatalf("consultation page: %d", page.status)
			}
			f := e.solved(t, "consult-comment", page.body, url.Values{"article": {"5"}, "body": {"第五条应当明确法律责任的具体情形。"}, "contact": {"reader@example.cn"}, "publish_consent": {"1"}})
			if r := br.post(path+"/comments", f); r.status != 201 || !strings.Contains(r.body, "第 50 号") {
				t.Fatalf("form comment: %d %s", r.status, clipBody(r.body))
			}
			// A comment without a contact is refused, naming the field.
			page = br.get(path)
			f = e.solved(t, "consult-comment", page.body, url.Values{"article": {"1"}, "body": {"无联系方式"}})
			if r := br.post(path+"/comments", f); r.status != 422 || !strings.Contains(r.body, `href="#c-contact"`) {
				t.Fatalf("comment without contact: %d", r.status)
			}

			// Moderation: spam out with its reason, the rest through.
			var out, in []int
			for n := 1; n <= 50; n++ {
				if spam[n] {
					out = append(out, n)
				} else {
					in = append(in, n)
				}
			}
			js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
			if r := c.do(t, "POST", api+"/moderation", "office", nil, js(map[string]any{"comments": out, "action": "reject"})); r.status != 422 {
				t.Fatalf("reject without a reason: %d", r.status)
			}
			if r := c.do(t, "POST", api+"/moderation", "office", nil, js(map[string]any{"comments": out, "action": "reject", "reason": "spam"})); r.status != 200 {
				t.Fatalf("reject: %d %s", r.status, r.body)
			}
			if r := c.do(t, "POST", api+"/moderation", "fzk", nil, js(map[string]any{"comments": in, "action": "pass"})); r.status != 200 {
				t.Fatalf("pass (drafting department): %d %s", r.status, r.body)
			}
			if r := c.do(t, "POST", api+"/moderation", "pfk", nil, js(map[string]any{"comments": in, "action": "pass"})); r.status != 403 {
				t.Fatalf("another department moderates: %d", r.status)
			}
			pub := br.get(path)
			mustContain(t, pub.body, "建议完善第2条的表述（意见2）", "已公开意见")
			mustNotContain(t, pub.body, "13800000002", "reader@example.cn", "代开发票", "建议完善第1条的表述（意见1）。") // contact; spam; no consent

			// Dispositions only after closing.
			if r := c.do(t, "POST", api+"/dispositions", "office", nil, js(map[string]any{"comments": []int{2}, "outcome": "adopted", "reason": "已修改"})); r.status != 409 {
				t.Fatalf("disposition while open: %d %s", r.status, r.body)
			}
			e.srv.Consult.Today = func() calendar.Date { return testDay }
			if r := c.do(t, "POST", api+"/comments", "", nil, `{"body":"迟到的意见","contact":"13900000000"}`); r.status != 409 {
				t.Fatalf("comment after closing: %d %s", r.status, r.body)
			}
			// Per article: the first two passed comments merged and adopted,
			// the third partly adopted, the rest not adopted one by one.
			byArt := map[int][]int{}
			for _, n := range in {
				a := (n-1)%5 + 1
				if n == 50 {
					a = 5
				}
				byArt[a] = append(byArt[a], n)
			}
			want := map[string]int{}
			dispose := func(seqs []int, outcome string) {
				t.Helper()
				r := c.do(t, "POST", api+"/dispositions", "office", nil, js(map[string]any{"comments": seqs, "outcome": outcome, "reason": "经研究，" + outcome}))
				if r.status != 201 {
					t.Fatalf("dispose %v: %d %s", seqs, r.status, r.body)
				}
				want[outcome] += len(seqs)
			}
			// Publishing before every comment is answered is refused.
			dispose(byArt[1][:2], "adopted")
			if r := c.do(t, "POST", api+"/report", "office", nil, ""); r.status != 409 || !strings.Contains(r.body, "未登记采纳情况") {
				t.Fatalf("report with undisposed comments: %d %s", r.status, r.body)
			}
			if r := c.do(t, "POST", api+"/dispositions", "office", nil, js(map[string]any{"comments": []int{out[0]}, "outcome": "adopted", "reason": "x"})); r.status != 422 {
				t.Fatalf("disposition of a rejected comment: %d", r.status)
			}
			for a := 1; a <= 5; a++ {
				s := byArt[a]
				if a != 1 {
					dispose(s[:2], "adopted")
				}
				dispose(s[2:3], "partly")
				for _, n := range s[3:] {
					dispose([]int{n}, "not_adopted")
				}
			}
			r = c.do(t, "POST", api+"/report", "office", nil, "")
			if r.status != 201 {
				t.Fatalf("report: %d %s", r.status, r.body)
			}
			var rep struct {
				Consultation struct {
					State        string
					ReportItemID int64 `json:"report_item_id"`
				}
				Report struct {
					Received, Rejected, Counted, Adopted, Partly int
					NotAdopted                                   int `json:"not_adopted"`
					Articles                                     []struct {
						Article, Comments, Adopted, Partly int
						NotAdopted                         int `json:"not_adopted"`
					}
				}
			}
			json.Unmarshal([]byte(r.body), &rep)
			g := rep.Report
			if g.Received != 50 || g.Rejected != len(out) || g.Counted != len(in) || g.Adopted != want["adopted"] || g.Partly != want["partly"] || g.NotAdopted != want["not_adopted"] ||
				g.Adopted+g.Partly+g.NotAdopted != g.Counted || rep.Consultation.State != "feedback" {
				t.Fatalf("report figures %+v, want 50 received, %d rejected, %v", g, len(out), want)
			}
			if len(g.Articles) != 5 {
				t.Fatalf("report groups: %+v", g.Articles)
			}
			for _, a := range g.Articles {
				if a.Comments != len(byArt[a.Article]) || a.Adopted != 2 || a.Partly != 1 || a.Adopted+a.Partly+a.NotAdopted != a.Comments {
					t.Errorf("article %d: %+v, want %d comments", a.Article, a, len(byArt[a.Article]))
				}
			}
			// The report is a published catalogue item with its index
			// number; the record's feedback fields fulfil consultation.feedback.
			repItem, err := e.cat.Item(ctx, e.site.ID, rep.Consultation.ReportItemID)
			if err != nil || repItem.IndexNo == "" || !repItem.Public() {
				t.Fatalf("report item: %+v %v", repItem, err)
			}
			rec, err := e.cat.Item(ctx, e.site.ID, cons.ID)
			if err != nil || rec.Value("feedback_on") != testDay.String() || !strings.Contains(rec.Value("feedback"), repItem.IndexNo) {
				t.Fatalf("record feedback: %q %q (%v)", rec.Value("feedback_on"), rec.Value("feedback"), err)
			}
			if p := br.get(fmt.Sprintf("/items/%d", repItem.ID)); p.status != 200 || !strings.Contains(p.body, fmt.Sprintf("有效意见 %d 条", len(in))) {
				t.Fatalf("report item page: %d", p.status)
			}
			// The record's catalogue page carries the feedback and the
			// report's index number; the consultation's feed has its steps.
			mustContain(t, br.get(fmt.Sprintf("/items/%d", cons.ID)).body, repItem.IndexNo, "意见收集和采纳情况")
			feed := br.get(fmt.Sprintf("/consultations/feed.xml?id=%d", cons.ID))
			mustContain(t, feed.body, "开始征求意见", "征求意见结束", "意见收集和采纳情况：")
			pub = br.get(path)
			mustContain(t, pub.body, "意见收集和采纳情况", "已反馈", fmt.Sprintf("采纳 %d 条", want["adopted"]), "经研究，partly")
			// The decision's entry shows the chain: its consultation linked,
			// its status, and the timeline.
			r = c.do(t, "GET", "/api/v1/decisions?year=2026", "", nil, "")
			if r.status != 200 || !strings.Contains(r.body, fmt.Sprintf(`"url":"/consultations/%d"`, cons.ID)) || !strings.Contains(r.body, `"status":"consulting"`) || !strings.Contains(r.body, `"action":"link"`) {
				t.Fatalf("decisions: %d %s", r.status, r.body)
			}
			// The legality review linked afterwards; an unsafe address refused.
			if r := c.do(t, "POST", fmt.Sprintf("/api/v1/decisions/%d/links", dec.ID), "office", nil, `{"kind":"legality_review","title":"合法性审查意见","url":"javascript:alert(1)"}`); r.status != 422 {
				t.Fatalf("unsafe link: %d", r.status)
			}
			if r := c.do(t, "POST", fmt.Sprintf("/api/v1/decisions/%d/links", dec.ID), "office", nil, fmt.Sprintf(`{"kind":"legality_review","title":"合法性审查意见","url":"/items/%d"}`, repItem.ID)); r.status != 200 {
				t.Fatalf("link: %d %s", r.status, r.body)
			}
			if p := br.get(fmt.Sprintf("/decisions/%d", dec.ID)); p.status != 200 || !strings.Contains(p.body, "公开征求意见") || !strings.Contains(p.body, "合法性审查：") {
				t.Fatalf("decision page: %d", p.status)
			}
			if p := br.get("/decisions.csv?year=2026"); p.status != 200 || !strings.Contains(p.body, "制定《临沂市公共法律服务条例》") {
				t.Fatalf("decisions.csv: %d", p.status)
			}
		})
	}
}

// TestConsultDemo: the demo's participation loads on both databases and
// shows a closed consultation with its published report, an open one with
// comments and the 2025 decision catalogue.
func TestConsultDemo(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		if err := e.srv.LoadConsultDemo(context.Background(), e.site.ID, testDay); err != nil {
			t.Fatal(err)
		}
		br := e.browser()
		list := br.get("/consultations")
		// The catalogue's own consultation record (made in the editor) is a
		// consultation too: one model.
		mustContain(t, list.body, "临沂市人民调解条例", "已反馈", "行政执法公示办法", "正在征集", "临沂市公共法律服务条例（草案征求意见稿）")
		d := br.get("/decisions?year=2025")
		mustContain(t, d.body, "制定《临沂市人民调解条例》", "已决策", "已调整", "根据省级规划调整")
		mustContain(t, br.get("/surveys").body, "2025年公共法律服务满意度网上调查", "已结束")
		// The catalogue's entries and the meetings are in the site search.
		if _, err := e.srv.Search.ReindexAll(context.Background(), []int64{e.site.ID}, nil); err != nil {
			t.Fatal(err)
		}
		found := br.get("/api/v1/search?q=" + url.QueryEscape("法律援助经济困难标准"))
		if !strings.Contains(found.body, `"/decisions/`) || !strings.Contains(found.body, `"/meetings/`) {
			t.Errorf("search: %s", clipBody(found.body))
		}
		ms := br.get("/meetings")
		mustContain(t, ms.body, "2025年第8次局长办公会议", "局长办公会议（公共法律服务事项）")
		r0 := br.get("/api/v1/meetings")
		if !strings.Contains(r0.body, `"category":"expert"`) || strings.Contains(r0.body, "13805391001") {
			t.Errorf("meetings API: %s", clipBody(r0.body))
		}
		r := br.get("/api/v1/consultations?state=feedback")
		if r.status != 200 || !strings.Contains(r.body, `"report_published_on":"2025-04-10"`) {
			t.Fatalf("feedback consultations: %d %s", r.status, r.body)
		}
	})
}

// TestMeetingApplications (issue 10, seed task 3): a meeting with a
// public-interest topic lacking a stakeholder proposal is flagged by the
// self-inspection; the public applies to attend without JavaScript and
// through the API; the office accepts one and declines one with its
// reason; the e-mail applicant is told through the outbox; the accepted
// attendee is published masked, the contacts never.
func TestMeetingApplications(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newAPIClient(t, e)
		ctx := context.Background()
		r := c.do(t, "POST", "/api/v1/meetings", "office", nil, `{"title":"2026年第12次局长办公会议","meeting_type":"bureau","held_on":"2026-12-15","apply_until":"2026-12-10","place":"市司法局三楼会议室",
			"topics":[{"title":"法律援助经济困难标准调整","department":"公共法律服务管理科","public_interest":true,"stakeholder_plan":"邀请受援人代表2名、律师代表1名列席"},
			{"title":"公证服务收费指导意见","department":"法制科","public_interest":true},{"title":"机关内部管理事项","department":"办公室"}],"publish":true}`)
		if r.status != 201 {
			t.Fatalf("meeting: %d %s", r.status, r.body)
		}
		var m struct{ ID int64 }
		json.Unmarshal([]byte(r.body), &m)
		rep, err := e.srv.Compliance.Run(ctx, e.site.ID, testDay)
		if err != nil {
			t.Fatal(err)
		}
		flagged := 0
		for _, f := range rep.Findings {
			if f.Rule.Code == "meetings.stakeholder_plan" {
				flagged++
				if !strings.Contains(f.Message, "公证服务收费指导意见") {
					t.Errorf("finding: %s", f.Message)
				}
			}
		}
		if flagged != 1 {
			t.Fatalf("stakeholder findings: %d, want 1", flagged)
		}
		path := fmt.Sprintf("/meetings/%d", m.ID)
		br := e.browser()
		page := br.get(path)
		if page.status != 200 || !strings.Contains(page.body, "申请列席") {
			t.Fatalf("meeting page: %d", page.status)
		}
		f := e.solved(t, "meeting-apply", page.body, url.Values{"name": {"赵一鸣"}, "category": {"stakeholder"}, "organisation": {"兰山区法律援助受援人"}, "contact": {"zhao@example.cn"}, "reason": {"本人曾受法律援助，希望就经济困难标准发表意见。"}})
		if r := br.post(path+"/applications", f); r.status != 201 || !strings.Contains(r.body, "申请已提交") {
			t.Fatalf("apply by form: %d %s", r.status, clipBody(r.body))
		}
		tok, ans := e.apiCaptcha(t, "meeting-apply")
		r = c.do(t, "POST", "/api/v1"+path+"/applications", "", nil, fmt.Sprintf(`{"name":"钱律师","category":"expert","contact":"13912340000","reason":"律师代表","captcha_token":%q,"captcha_answer":%q}`, tok, ans))
		if r.status != 201 {
			t.Fatalf("apply by API: %d %s", r.status, r.body)
		}
		var apps struct {
			Applications []struct {
				ID   int64
				Name string
			}
		}
		r = c.do(t, "GET", "/api/v1"+path+"/applications", "office", nil, "")
		json.Unmarshal([]byte(r.body), &apps)
		if len(apps.Applications) != 2 || strings.Contains(r.body, "zhao@example.cn") {
			t.Fatalf("applications: %s", r.body)
		}
		var mails int
		e.db.R.QueryRow(`SELECT COUNT(*) FROM mail_outbox`).Scan(&mails)
		decide := func(i int, body string, want int) {
			t.Helper()
			if r := c.do(t, "POST", fmt.Sprintf("/api/v1%s/applications/%d", path, apps.Applications[i].ID), "office", nil, body); r.status != want {
				t.Fatalf("decide %d %s: %d %s", i, body, r.status, r.body)
			}
		}
		decide(0, `{"decision":"accept"}`, 200)
		decide(1, `{"decision":"decline"}`, 422)
		decide(1, `{"decision":"decline","answer":"本次议题已邀请律师代表"}`, 200)
		decide(1, `{"decision":"accept"}`, 409)
		var after int
		e.db.R.QueryRow(`SELECT COUNT(*) FROM mail_outbox`).Scan(&after)
		if after != mails+1 {
			t.Fatalf("outbox: %d → %d, want one notice (the e-mail applicant)", mails, after)
		}
		// After the meeting: its decided items and a linked document.
		if r := c.do(t, "POST", "/api/v1"+path+"/outcome", "office", nil, `{"decisions":"一、原则通过法律援助经济困难标准调整方案。","links":[{"kind":"final_document","title":"会议解读","url":"/items/1"}],"publish":true}`); r.status != 200 {
			t.Fatalf("outcome: %d %s", r.status, r.body)
		}
		page = br.get(path)
		mustContain(t, page.body, "议定事项", "原则通过法律援助经济困难标准调整方案", "会议解读")
		mustContain(t, page.body, "列席人员", "赵*", "兰山区法律援助受援人")
		mustNotContain(t, page.body, "赵一鸣", "zhao@example.cn", "钱律师")
	})
}

// TestConsultationLimitsAndShortWindow: every consultation and comment
// field at its maximum length is stored and returned whole on both
// databases, one more is refused naming the field; a legislative window
// shortened with its reason opens, shows the reason and is no deadline
// fault; a policy draft has no minimum.
func TestConsultationLimitsAndShortWindow(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newAPIClient(t, e)
		e.srv.Consult.Today = func() calendar.Date { return testDay }
		long := func(n int) string { return strings.Repeat("征", n) }
		arts := make([]string, 300)
		for i := range arts {
			arts[i] = long(consult.MaxArticle)
		}
		js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
		in := map[string]any{"title": long(consult.MaxTitle), "kind": "legislative", "department": "法制科", "basis": long(consult.MaxText), "explanation": long(consult.MaxText),
			"channels": long(consult.MaxChannels), "opens_on": "2026-12-01", "closes_on": "2026-12-10", "short_reason": long(consult.MaxShortReason), "articles": arts[:20], "publish": true}
		r := c.do(t, "POST", "/api/v1/consultations", "office", nil, js(in))
		if r.status != 201 {
			t.Fatalf("at the maximum: %d %s", r.status, clipBody(r.body))
		}
		var got struct {
			ID          int64
			Title       string
			ShortReason string `json:"short_reason"`
			Basis       string
			Articles    []struct{ Body string }
		}
		json.Unmarshal([]byte(r.body), &got)
		if got.Title != long(consult.MaxTitle) || got.ShortReason != long(consult.MaxShortReason) || got.Basis != long(consult.MaxText) || len(got.Articles) != 20 || got.Articles[19].Body != long(consult.MaxArticle) {
			t.Fatalf("stored values differ (title %d, reason %d, articles %d)", len([]rune(got.Title)), len([]rune(got.ShortReason)), len(got.Articles))
		}
		for field, over := range map[string]any{"title": long(consult.MaxTitle + 1), "basis": long(consult.MaxText + 1), "channels": long(consult.MaxChannels + 1),
			"short_reason": long(consult.MaxShortReason + 1), "articles": nil} {
			bad := map[string]any{}
			for k, v := range in {
				bad[k] = v
			}
			bad[field] = over
			if field == "articles" {
				bad[field] = []string{long(consult.MaxArticle + 1)}
			}
			r := c.do(t, "POST", "/api/v1/consultations", "office", nil, js(bad))
			if r.status != 422 || !strings.Contains(r.body, `"`+field+`"`) {
				t.Errorf("%s over the maximum: %d %s", field, r.status, clipBody(r.body))
			}
		}
		path := fmt.Sprintf("/consultations/%d", got.ID)
		mustContain(t, e.browser().get(path).body, "缩短期限的理由")
		// A comment at its maximum.
		tok, ans := e.apiCaptcha(t, "consult-comment")
		r = c.do(t, "POST", "/api/v1"+path+"/comments", "", nil, js(map[string]any{"article": 20, "body": long(consult.MaxComment), "name": long(consult.MaxName),
			"contact": strings.Repeat("1", consult.MaxContact), "publish_consent": true, "captcha_token": tok, "captcha_answer": ans}))
		if r.status != 201 {
			t.Fatalf("comment at the maximum: %d %s", r.status, r.body)
		}
		for field, v := range map[string]string{"body": long(consult.MaxComment + 1), "name": long(consult.MaxName + 1), "contact": strings.Repeat("1", consult.MaxContact+1)} {
			in := map[string]any{"body": "意见", "contact": "13800000000"}
			in[field] = v
			if r := c.do(t, "POST", "/api/v1"+path+"/comments", "", nil, js(in)); r.status != 422 || !strings.Contains(r.body, `"`+field+`"`) {
				t.Errorf("comment %s over the maximum: %d %s", field, r.status, r.body)
			}
		}
		if r := c.do(t, "POST", "/api/v1"+path+"/moderation", "office", nil, `{"comments":[1],"action":"pass"}`); r.status != 200 {
			t.Fatal(r.body)
		}
		r = c.do(t, "GET", "/api/v1"+path+"/comments", "", nil, "")
		if !strings.Contains(r.body, long(consult.MaxComment)) || strings.Contains(r.body, strings.Repeat("1", consult.MaxContact)) {
			t.Errorf("published comment: %s", clipBody(r.body))
		}
		// A 10-day policy draft needs no reason.
		if r := c.do(t, "POST", "/api/v1/consultations", "office", nil, `{"title":"政策草案","kind":"policy","department":"法制科","opens_on":"2026-12-01","closes_on":"2026-12-11","articles":["一"],"publish":true}`); r.status != 201 {
			t.Fatalf("policy draft: %d %s", r.status, r.body)
		}
		// Neither is a fault of the 30-day rule.
		rep, err := e.srv.Compliance.Run(context.Background(), e.site.ID, testDay)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range rep.Findings {
			if f.Rule.Code == "deadline.consultation.open" && (strings.Contains(f.Message, "政策草案") || strings.Contains(f.Message, long(20))) {
				t.Errorf("flagged: %s", f.Message)
			}
		}
	})
}

// TestSurveyEndToEnd: a survey takes one answer per person (the form
// without JavaScript and the API; the same contact twice is refused), keeps
// its results until it closes, then publishes them as a table and a
// server-rendered SVG chart whose bars match the counts.
func TestSurveyEndToEnd(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newAPIClient(t, e)
		e.srv.Consult.Today = func() calendar.Date { return testDay }
		r := c.do(t, "POST", "/api/v1/surveys", "office", nil, `{"title":"公共法律服务满意度调查","opens_on":"2026-11-20","closes_on":"2026-12-10","questions":[
			{"text":"您是否使用过公共法律服务？","kind":"single","options":["使用过","没有使用过","不清楚"]},
			{"text":"您希望增加哪些服务？","kind":"multiple","options":["法律咨询","法律援助","公证"]},
			{"text":"其他建议","kind":"text","options":[]}]}`)
		if r.status != 201 {
			t.Fatalf("survey: %d %s", r.status, r.body)
		}
		var sv struct{ ID int64 }
		json.Unmarshal([]byte(r.body), &sv)
		path := fmt.Sprintf("/surveys/%d", sv.ID)
		br := e.browser()
		page := br.get(path)
		// Bad input with a solved CAPTCHA: the answers are checked first,
		// the page keeps what was typed and the CAPTCHA is not spent
		// (the same one then takes the corrected answer); nothing saved.
		f := e.solved(t, "survey-answer", page.body, url.Values{"q2": {"2"}, "q3": {"建议延长周末服务时间"}, "contact": {"13800001111"}})
		if r := br.post(path+"/answers", f); r.status != 422 {
			t.Fatalf("bad form answer: %d %s", r.status, clipBody(r.body))
		} else {
			mustContain(t, r.body, "请回答第 1 题", "建议延长周末服务时间", `value="13800001111"`, `name="q2" value="2" checked`)
			mustNotContain(t, r.body, "验证码不正确", "答卷已提交")
		}
		f.Set("q1", "1")
		f["q2"] = []string{"1", "2"}
		if r := br.post(path+"/answers", f); r.status != 201 || !strings.Contains(r.body, "答卷已提交") {
			t.Fatalf("form answer: %d %s", r.status, clipBody(r.body))
		}
		answer := func(contact, choices string, want int) {
			t.Helper()
			tok, ans := e.apiCaptcha(t, "survey-answer")
			r := c.do(t, "POST", "/api/v1"+path+"/answers", "", nil, fmt.Sprintf(`{"contact":%q,"choices":%s,"captcha_token":%q,"captcha_answer":%q}`, contact, choices, tok, ans))
			if r.status != want {
				t.Fatalf("answer %s: %d %s", contact, r.status, r.body)
			}
		}
		answer("a@example.cn", `{"1":[1],"2":[2]}`, 201)
		answer("b@example.cn", `{"1":[2],"2":[1,3]}`, 201)
		answer("A@example.cn", `{"1":[3],"2":[3]}`, 409)   // the same person
		answer("c@example.cn", `{"1":[1,2],"2":[1]}`, 422) // two answers to a single choice
		if r := c.do(t, "GET", "/api/v1"+path+"/results", "", nil, ""); r.status != 404 {
			t.Fatalf("results while open: %d", r.status)
		}
		e.srv.Consult.Today = func() calendar.Date { return calendar.Date{Year: 2026, Month: 12, Day: 11} }
		r = c.do(t, "GET", "/api/v1"+path+"/results", "", nil, "")
		var res struct {
			Answers int
			Results []struct{ Counts []int }
		}
		json.Unmarshal([]byte(r.body), &res)
		if r.status != 200 || res.Answers != 3 || fmt.Sprint(res.Results[0].Counts) != "[2 1 0]" || fmt.Sprint(res.Results[1].Counts) != "[2 2 1]" || fmt.Sprint(res.Results[2].Counts) != "[1]" {
			t.Fatalf("results: %d %s", r.status, r.body)
		}
		if strings.Contains(r.body, "周末") {
			t.Error("free text published")
		}
		svg := br.get(path + "/results/2")
		if svg.status != 200 || !strings.HasPrefix(svg.header.Get("Content-Type"), "image/svg+xml") || strings.Count(svg.body, "<rect") != 3 ||
			!strings.Contains(svg.body, ">2（66.7%）<") || !strings.Contains(svg.body, ">1（33.3%）<") {
			t.Fatalf("chart: %d %s", svg.status, svg.body)
		}
		page = br.get(path)
		mustContain(t, page.body, "共收到答卷 3 份", `<img src="/surveys/`+itoa(sv.ID)+`/results/1"`, "<td>67%</td>")
		mustNotContain(t, page.body, "提交答卷")
	})
}

// TestConsultBackOffice: the back office's participation pages render for
// the office and take the forms: a consultation created from the form (a
// 20-day legislative window refused on the page with the rule), the
// moderation queue and dispositions by form, a decision entry adjusted
// with its reason, a meeting with topics, a survey.
func TestConsultBackOffice(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		if err := e.srv.LoadConsultDemo(context.Background(), e.site.ID, testDay); err != nil {
			t.Fatal(err)
		}
		b := e.browser().login("office")
		for _, p := range []string{"/admin/consultations", "/admin/consultations/new", "/admin/decisions?year=2025", "/admin/meetings", "/admin/surveys"} {
			if r := b.get(p); r.status != 200 {
				t.Fatalf("%s: %d %s", p, r.status, clipBody(r.body))
			}
		}
		form := url.Values{"title": {"临沂市法律服务条例（草案）"}, "kind": {"legislative"}, "opens_on": {"2026-12-01"}, "closes_on": {"2026-12-21"},
			"articles": {"第一条 为了规范法律服务，制定本条例。\n第二条 本条例适用于本市。"}, "publish": {"1"}}
		r := b.post("/admin/consultations", form)
		if r.status != 422 || !strings.Contains(r.body, "立法草案征求意见期限不少于30日") || !strings.Contains(r.body, "第二条 本条例适用于本市。") {
			t.Fatalf("20-day window by form: %d", r.status)
		}
		form.Set("closes_on", "2026-12-31")
		r = b.post("/admin/consultations", form)
		if r.status != 303 {
			t.Fatalf("create by form: %d %s", r.status, clipBody(r.body))
		}
		detail := r.location
		page := b.get(detail)
		mustContain(t, page.body, "正在征集", "没有待审核的意见")
		pub := e.browser().get(strings.TrimPrefix(detail, "/admin"))
		mustContain(t, pub.body, "第1条", "为了规范法律服务，制定本条例。", "第2条")
		// The demo's open consultation: its queue and a rejection by form.
		var open int64
		e.db.R.QueryRow(`SELECT id FROM consultations WHERE title LIKE '%行政执法公示办法%'`).Scan(&open)
		path := fmt.Sprintf("/admin/consultations/%d", open)
		page = b.get(path)
		mustContain(t, page.body, "待审核意见", "139****0013")
		mustNotContain(t, page.body, "13905390013")
		if r := b.post(path+"/moderate", url.Values{"comment": {"3"}, "action": {"reject"}}); r.status != 422 || !strings.Contains(r.body, "请选择不予采用的原因") {
			t.Fatalf("reject without reason: %d", r.status)
		}
		if r := b.post(path+"/moderate", url.Values{"comment": {"3"}, "action": {"reject"}, "reason": {"personal_data"}}); r.status != 303 {
			t.Fatalf("reject: %d", r.status)
		}
		mustContain(t, b.get(path).body, "含他人个人信息")
		// A letter entered by staff joins the queue; a date outside the window is refused.
		letter := url.Values{"channel": {"letter"}, "received_on": {"2026-11-25"}, "article": {"1"}, "body": {"来信：建议公示期限写明按工作日计算。"}, "contact": {"临沂市兰山区某路1号"}}
		if r := b.post(path+"/comments", letter); r.status != 303 {
			t.Fatalf("letter: %d %s", r.status, clipBody(r.body))
		}
		letter.Set("received_on", "2026-12-02")
		if r := b.post(path+"/comments", letter); r.status != 422 || !strings.Contains(r.body, "收到日期应在征集期限内") {
			t.Fatalf("letter after today: %d", r.status)
		}
		mustContain(t, b.get(path).body, "来信：建议公示期限写明按工作日计算。（信函）")
		// A decision adjusted without, then with, its reason.
		var dec int64
		e.db.R.QueryRow(`SELECT id FROM decisions WHERE seq = 2 AND year = 2025`).Scan(&dec)
		if r := b.post(fmt.Sprintf("/admin/decisions/%d/status", dec), url.Values{"status": {"removed"}}); r.status != 422 {
			t.Fatalf("removed without a reason: %d", r.status)
		}
		if r := b.post(fmt.Sprintf("/admin/decisions/%d/status", dec), url.Values{"status": {"removed"}, "status_reason": {"省政府已统一制定标准"}}); r.status != 303 {
			t.Fatalf("removed: %d", r.status)
		}
		tl := e.browser().get(fmt.Sprintf("/decisions/%d", dec))
		mustContain(t, tl.body, "状态变更为已调出目录", "省政府已统一制定标准")
		// A meeting and a survey from their forms.
		if r := b.post("/admin/meetings", url.Values{"title": {"专题会议"}, "meeting_type": {"special"}, "held_on": {"2026-12-20"}, "topics": {"*法律援助补贴标准|公共法律服务管理科|\n内部事项"}, "publish": {"1"}}); r.status != 303 {
			t.Fatalf("meeting: %d %s", r.status, clipBody(r.body))
		} else {
			mustContain(t, b.get(r.location).body, "未提出")
		}
		if r := b.post("/admin/surveys", url.Values{"title": {"调查"}, "opens_on": {"2026-12-01"}, "closes_on": {"2026-12-31"}, "questions": {"单选|您满意吗？|满意|不满意\n填空|建议"}}); r.status != 303 {
			t.Fatalf("survey: %d %s", r.status, clipBody(r.body))
		}
		// Editors of another department may not moderate.
		pfk := e.browser().login("pfk")
		if r := pfk.post(path+"/moderate", url.Values{"comment": {"1"}, "action": {"pass"}}); r.status != 403 {
			t.Fatalf("another department: %d", r.status)
		}
	})
}

// TestConsultationFromTheCatalogue (one model): the consultation record the
// demo made in the catalogue's editor is a consultation — listed, open to
// comments on the whole draft — and an edit of its dates in the editor is
// what the consultation shows.
func TestConsultationFromTheCatalogue(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newAPIClient(t, e)
		id := e.itemID(t, "关于《临沂市公共法律服务条例（草案征求意见稿）》公开征求意见的公告")
		api := "/api/v1/consultations/" + id
		r := c.do(t, "GET", api, "", nil, "")
		if r.status != 200 || !strings.Contains(r.body, `"state":"open"`) || !strings.Contains(r.body, `"articles":[]`) {
			t.Fatalf("record as consultation: %d %s", r.status, r.body)
		}
		tok, ans := e.apiCaptcha(t, "consult-comment")
		if r := c.do(t, "POST", api+"/comments", "", nil, fmt.Sprintf(`{"article":1,"body":"x","contact":"13800000000","captcha_token":%q,"captcha_answer":%q}`, tok, ans)); r.status != 422 {
			t.Fatalf("comment on a missing article: %d %s", r.status, r.body)
		}
		tok, ans = e.apiCaptcha(t, "consult-comment")
		if r := c.do(t, "POST", api+"/comments", "", nil, fmt.Sprintf(`{"body":"建议增加公共法律服务网络平台建设的内容。","contact":"13800000000","publish_consent":true,"captcha_token":%q,"captcha_answer":%q}`, tok, ans)); r.status != 201 {
			t.Fatalf("comment on the whole draft: %d %s", r.status, r.body)
		}
		b := e.browser().login("office")
		f := e.editForm(t, id)
		f.Set("closes_on", testDay.AddDays(25).String())
		f.Set("change_note", "延长征求意见期限")
		if r := b.post("/admin/items/"+id, f); r.status != 303 {
			t.Fatalf("edit the record: %d %s", r.status, clipBody(r.body))
		}
		r = c.do(t, "GET", api, "", nil, "")
		if !strings.Contains(r.body, `"closes_on":"`+testDay.AddDays(25).String()+`"`) {
			t.Fatalf("after the edit: %s", r.body)
		}
		if r := c.do(t, "POST", api+"/moderation", "office", nil, `{"comments":[1],"action":"pass"}`); r.status != 200 {
			t.Fatalf("moderate: %d %s", r.status, r.body)
		}
		mustContain(t, e.browser().get("/consultations/"+id).body, "对草案全文的意见", "建议增加公共法律服务网络平台建设的内容。")
	})
}
