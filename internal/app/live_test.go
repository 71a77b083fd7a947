package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gongkai/internal/interact/live"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
	"gongkai/internal/web"
)

// Interviews, open days and new media (issue 11, internal/interact/live)
// end to end over HTTP on both databases.

func (e *env) liveDemo(t *testing.T) {
	t.Helper()
	if err := e.srv.LoadLiveDemo(context.Background(), e.site.ID, testDay); err != nil {
		t.Fatal(err)
	}
}

var idInPathRE = regexp.MustCompile(`/admin/(?:interviews|events|newmedia)/(\d+)`)

func locID(t *testing.T, r resp) string {
	t.Helper()
	m := idInPathRE.FindStringSubmatch(r.location)
	if r.status != http.StatusSeeOther || m == nil {
		t.Fatalf("want a redirect to the new record, got %d %q: %s", r.status, r.location, clipBody(r.body))
	}
	return m[1]
}

// sseEvent is one server-sent event.
type sseEvent struct{ id, name, data string }

// listen reads the interview's event stream until stop returns true for an
// event (or the deadline, which fails the test).
func listen(t *testing.T, e *env, path string, stop func(sseEvent) bool) <-chan []sseEvent {
	t.Helper()
	out := make(chan []sseEvent, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	req, _ := http.NewRequestWithContext(ctx, "GET", e.ts.URL+path, nil)
	res, err := e.ts.Client().Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if ct := res.Header.Get("Content-Type"); res.StatusCode != 200 || !strings.HasPrefix(ct, "text/event-stream") {
		cancel()
		t.Fatalf("stream: %d %s", res.StatusCode, ct)
	}
	go func() {
		defer cancel()
		defer res.Body.Close()
		var got []sseEvent
		var cur sseEvent
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if cur.name != "" {
					got = append(got, cur)
					if stop(cur) {
						out <- got
						return
					}
				}
				cur = sseEvent{}
			case strings.HasPrefix(line, "id: "):
				cur.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				cur.name = line[7:]
			case strings.HasPrefix(line, "data: "):
				cur.data = line[6:]
			}
		}
		out <- got
	}()
	return out
}

func TestInterviewLifecycle(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.liveDemo(t)
		e.srv.LiveHub.Every = 20 * time.Millisecond
		api := newAPIClient(t, e)
		pub := e.browser()

		// The demo's archived interview: its transcript is public, the
		// rejected questions are not.
		r := pub.get("/interviews")
		mustContain(t, r.body, "往期访谈", "《山东省法律援助条例》施行一周年在线访谈")
		var demoID int64
		e.db.R.QueryRow(`SELECT id FROM live_interviews WHERE site_id = $1`, e.site.ID).Scan(&demoID)
		r = pub.get("/interviews/" + itoa(demoID))
		mustContain(t, r.body, "文字实录", "已归档", "免予核查经济困难状况", "王建国")
		mustNotContain(t, r.body, "广告：专业代理", "领导的手机号", "captcha_token")

		// Staff announce an interview and start it.
		office := e.browser().login("office")
		r = office.post("/admin/interviews", url.Values{"title": {"行政复议体制改革在线访谈"}, "topic": {"行政复议申请渠道"}, "guests": {"赵六，行政复议科科长\n钱七，法制科科长"},
			"starts_at": {"2026-12-01T09:30"}, "ends_at": {"2026-12-01T11:00"}, "department_id": {"0"}})
		id := locID(t, r)
		// A video without captions or a transcript is refused (REFERENCE §6.1).
		r = office.post("/admin/interviews/"+id, url.Values{"title": {"行政复议体制改革在线访谈"}, "topic": {"行政复议申请渠道"}, "guests": {"赵六，行政复议科科长"},
			"starts_at": {"2026-12-01T09:30"}, "video_url": {"https://video.example.cn/a.mp4"}})
		if r.status != 422 || !strings.Contains(r.body, "字幕或文字实录") {
			t.Errorf("video without captions: %d", r.status)
		}
		// Photos need their text alternative (WCAG 1.1.1).
		if r := office.uploadImage("/admin/interviews/"+id+"/images", "", pngBytes()); r.status != 422 || !strings.Contains(r.body, "图片说明") {
			t.Errorf("image without alt: %d", r.status)
		}
		if r := office.uploadImage("/admin/interviews/"+id+"/images", "访谈现场：两位嘉宾在演播室", pngBytes()); r.status != 303 {
			t.Fatalf("image: %d %s", r.status, clipBody(r.body))
		}
		if r := office.post("/admin/interviews/"+id+"/status", url.Values{"to": {"live"}}); r.status != 303 {
			t.Fatalf("start: %d %s", r.status, clipBody(r.body))
		}

		// The public asks, without JavaScript: the form has a CAPTCHA.
		page := pub.get("/interviews/" + id)
		mustContain(t, page.body, "我要提问", "captcha_token", "正在直播", "赵六，行政复议科科长")
		if r := pub.post("/interviews/"+id+"/questions", url.Values{"body": {"没有验证码的问题"}}); r.status != 422 {
			t.Errorf("question without CAPTCHA: %d", r.status)
		}
		r = pub.post("/interviews/"+id+"/questions", e.solved(t, formQuestionName, page.body, url.Values{"asker": {"临沭网友"}, "contact": {"13912345678"}, "body": {"申请行政复议可以网上提交吗？"}}))
		if r.status != 201 || !strings.Contains(r.body, "经审核后显示") {
			t.Fatalf("ask: %d %s", r.status, clipBody(r.body))
		}
		page = pub.get("/interviews/" + id)
		r = pub.post("/interviews/"+id+"/questions", e.solved(t, formQuestionName, page.body, url.Values{"body": {"无关的广告内容"}}))
		if r.status != 201 {
			t.Fatalf("ask 2: %d", r.status)
		}
		var q1, q2 int64
		e.db.R.QueryRow(`SELECT id FROM live_questions WHERE interview_id = $1 AND body LIKE '申请行政复议%'`, id).Scan(&q1)
		e.db.R.QueryRow(`SELECT id FROM live_questions WHERE interview_id = $1 AND body LIKE '无关%'`, id).Scan(&q2)
		// The contact is sealed in the database and never on the page.
		var sealed, masked string
		e.db.R.QueryRow(`SELECT contact_sealed, contact_masked FROM live_questions WHERE id = $1`, q1).Scan(&sealed, &masked)
		if sealed == "" || strings.Contains(sealed, "13912345678") || masked != "139****5678" {
			t.Errorf("contact sealed %q masked %q", sealed, masked)
		}
		page = pub.get("/interviews/" + id)
		mustNotContain(t, page.body, "申请行政复议可以网上提交吗", "13912345678")

		// A reader's page listens from where it stands.
		var seq int64
		e.db.R.QueryRow(`SELECT seq FROM live_interviews WHERE id = $1`, id).Scan(&seq)
		stream := listen(t, e, "/interviews/"+id+"/live?after="+strconv.FormatInt(seq, 10), func(ev sseEvent) bool {
			return ev.name == "question" && strings.Contains(ev.data, "可以通过网上申请")
		})

		// Moderation: an editor of another department may not; the office approves and rejects.
		pfk := e.browser().login("pfk")
		if r := pfk.post(fmt.Sprintf("/admin/interviews/%s/questions/%d/moderate", id, q1), url.Values{"decision": {"approve"}}); r.status != 403 {
			t.Errorf("other department's editor moderates: %d", r.status)
		}
		if r := pfk.get("/admin/interviews/" + id + "/moderate"); r.status != 403 || strings.Contains(r.body, "139****5678") {
			t.Errorf("other department's editor reads the questions: %d", r.status)
		}
		if r := api.do(t, "GET", "/api/v1/interviews/"+id+"/questions", "pfk", nil, ""); r.status != 403 {
			t.Errorf("other department's editor lists the questions: %d", r.status)
		}
		mod := office.get("/admin/interviews/" + id + "/moderate")
		mustContain(t, mod.body, "申请行政复议可以网上提交吗", "139****5678", "待审核 2 个")
		if r := office.post(fmt.Sprintf("/admin/interviews/%s/questions/%d/moderate", id, q2), url.Values{"decision": {"reject"}}); r.status != 422 {
			t.Errorf("reject without a reason: %d", r.status)
		}
		if r := office.post(fmt.Sprintf("/admin/interviews/%s/questions/%d/moderate", id, q2), url.Values{"decision": {"reject"}, "reason": {"广告信息"}}); r.status != 303 {
			t.Errorf("reject: %d %s", r.status, clipBody(r.body))
		}
		if r := office.post(fmt.Sprintf("/admin/interviews/%s/questions/%d/moderate", id, q1), url.Values{"decision": {"approve"}}); r.status != 303 {
			t.Errorf("approve: %d", r.status)
		}
		if r := office.post(fmt.Sprintf("/admin/interviews/%s/questions/%d/moderate", id, q1), url.Values{"decision": {"approve"}}); r.status != 409 {
			t.Errorf("approve twice: %d", r.status)
		}
		page = pub.get("/interviews/" + id)
		mustContain(t, page.body, "申请行政复议可以网上提交吗", "待嘉宾回答")
		mustNotContain(t, page.body, "无关的广告内容")
		ans := office.get("/admin/interviews/" + id + "/answer")
		mustContain(t, ans.body, "申请行政复议可以网上提交吗", `<option value="赵六"`)

		// The guest answers (here through the API with the office's token).
		answer := `{"guest":"赵六","answer":"可以通过网上申请，登录市司法局网站行政复议专栏提交。"}`
		ar := api.do(t, "POST", fmt.Sprintf("/api/v1/interviews/%s/questions/%d/answer", id, q2), "office", nil, answer)
		if ar.status != 409 {
			t.Errorf("answer a rejected question: %d", ar.status)
		}
		ar = api.do(t, "POST", fmt.Sprintf("/api/v1/interviews/%s/questions/%d/answer", id, q1), "office", nil, answer)
		if ar.status != 200 || !strings.Contains(ar.body, `"status":"answered"`) {
			t.Fatalf("answer: %d %s", ar.status, ar.body)
		}
		// The open page hears the answer without reloading…
		got := <-stream
		if n := len(got); n == 0 || got[n-1].name != "question" || !strings.Contains(got[n-1].data, "赵六") {
			t.Fatalf("stream events %v", got)
		}
		var lq struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
			Asker  string `json:"asker"`
		}
		json.Unmarshal([]byte(got[len(got)-1].data), &lq)
		if lq.ID != q1 || lq.Status != "answered" || lq.Asker != "临沭网友" {
			t.Errorf("streamed question %+v", lq)
		}
		// …and a reload shows the same.
		page = pub.get("/interviews/" + id)
		mustContain(t, page.body, "可以通过网上申请", "赵六")
		var pubIv struct {
			Status    string `json:"status"`
			Questions []struct {
				ID     int64  `json:"id"`
				Answer string `json:"answer"`
			} `json:"questions"`
		}
		api.do(t, "GET", "/api/v1/interviews/"+id, "", nil, "").decode(t, &pubIv)
		if pubIv.Status != "live" || len(pubIv.Questions) != 1 || pubIv.Questions[0].ID != q1 {
			t.Errorf("API interview %+v", pubIv)
		}

		// Closing stops questions; archiving publishes the transcript.
		for _, to := range []string{"closed", "archived"} {
			if r := api.do(t, "POST", "/api/v1/interviews/"+id+"/status", "office", nil, `{"status":"`+to+`"}`); r.status != 200 {
				t.Fatalf("%s: %d %s", to, r.status, r.body)
			}
		}
		if r := api.do(t, "POST", "/api/v1/interviews/"+id+"/status", "office", nil, `{"status":"live"}`); r.status != 409 {
			t.Errorf("back to live: %d", r.status)
		}
		tok, ansr := e.apiCaptcha(t, formQuestionName)
		if r := api.do(t, "POST", "/api/v1/interviews/"+id+"/questions", "", nil, fmt.Sprintf(`{"body":"晚到的问题","captcha_token":%q,"captcha_answer":%q}`, tok, ansr)); r.status != 409 {
			t.Errorf("question after the end: %d %s", r.status, r.body)
		}
		page = pub.get("/interviews/" + id)
		mustContain(t, page.body, "文字实录", "可以通过网上申请", `alt="访谈现场：两位嘉宾在演播室"`)
		if m := regexp.MustCompile(`src="(/interviews/\d+/images/\d+)"`).FindStringSubmatch(page.body); m == nil {
			t.Error("no image on the archive page")
		} else if r := pub.get(m[1]); r.status != 200 || r.header.Get("Content-Type") != "image/png" {
			t.Errorf("image: %d %s", r.status, r.header.Get("Content-Type"))
		}
		mustNotContain(t, page.body, "我要提问")
		// The site search finds the transcripts: the demo's (indexed in a
		// rebuild) and this one (indexed when it was archived).
		if _, err := e.srv.Search.ReindexAll(context.Background(), []int64{e.site.ID}, nil); err != nil {
			t.Fatal(err)
		}
		mustContain(t, pub.get("/search?q="+url.QueryEscape("免予核查经济困难状况")).body, "施行一周年在线访谈", "在线访谈")
		sr := pub.get("/search?q=" + url.QueryEscape("行政复议专栏"))
		mustContain(t, sr.body, "体制改革在线访谈", "%2Finterviews%2F"+id)
		var audits int
		e.db.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE target = $1`, "interview-question:"+itoa(q1)).Scan(&audits)
		if audits != 2 {
			t.Errorf("question %d has %d audit rows, want 2 (approve, answer)", q1, audits)
		}
	})
}

const formQuestionName = "interview-question"

// uploadImage posts an interview photo with its text alternative.
func (b *browser) uploadImage(path, alt string, content []byte) resp {
	b.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", b.csrf)
	mw.WriteField("alt", alt)
	fw, _ := mw.CreateFormFile("image", "photo.png")
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", b.e.ts.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

func pngBytes() []byte {
	img := image.NewGray(image.Rect(0, 0, 4, 4))
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

func TestEventSignupCapacity(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.liveDemo(t)
		api := newAPIClient(t, e)
		pub := e.browser()
		// The demo's upcoming open day is three weeks after the demo's day.
		r := pub.get("/events")
		mustContain(t, r.body, "“法治护航营商环境”政府开放日", "2026-12-22", "名额 30 个，报名截止 2026-12-18")

		office := e.browser().login("office")
		id := locID(t, office.post("/admin/events", url.Values{"kind": {"open_day"}, "title": {"公证处开放日"}, "place": {"市公证处"},
			"starts_at": {"2026-12-08T09:00"}, "signup_until": {"2026-12-04"}, "capacity": {"3"}}))
		page := pub.get("/events/" + id)
		mustContain(t, page.body, "我要报名", "共 3 个", "captcha_token")

		// Eight people race for three places.
		type result struct {
			status int
			body   string
		}
		results := make([]result, 8)
		bodies := make([]string, 8)
		for i := range bodies {
			tok, ans := e.apiCaptcha(t, "event-signup")
			bodies[i] = fmt.Sprintf(`{"name":"市民%d","phone":"1390000%04d","captcha_token":%q,"captcha_answer":%q}`, i, i, tok, ans)
		}
		var wg sync.WaitGroup
		for i := range bodies {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/events/"+id+"/signups", strings.NewReader(bodies[i]))
				req.Header.Set("Content-Type", "application/json")
				res, err := e.ts.Client().Do(req)
				if err != nil {
					results[i] = result{0, err.Error()}
					return
				}
				defer res.Body.Close()
				var b strings.Builder
				bufio.NewReader(res.Body).WriteTo(&b)
				results[i] = result{res.StatusCode, b.String()}
			}()
		}
		wg.Wait()
		ok, full := 0, 0
		for _, x := range results {
			switch x.status {
			case 201:
				ok++
			case 409:
				full++
				if !strings.Contains(x.body, "名额已满") {
					t.Errorf("409 body %s", x.body)
				}
			default:
				t.Errorf("sign-up: %d %s", x.status, x.body)
			}
		}
		var taken, rows int
		e.db.R.QueryRow(`SELECT taken FROM live_events WHERE id = $1`, id).Scan(&taken)
		e.db.R.QueryRow(`SELECT COUNT(*) FROM live_signups WHERE event_id = $1`, id).Scan(&rows)
		if ok != 3 || full != 5 || taken != 3 || rows != 3 {
			t.Fatalf("signed up %d, refused %d, taken %d, rows %d; want 3, 5, 3, 3", ok, full, taken, rows)
		}
		// Full: the page no longer offers the form.
		page = pub.get("/events/" + id)
		mustContain(t, page.body, "剩余 0 个")
		mustNotContain(t, page.body, "我要报名")

		// The capacity may grow, never below the places taken.
		edit := url.Values{"kind": {"open_day"}, "title": {"公证处开放日"}, "place": {"市公证处"}, "starts_at": {"2026-12-08T09:00"}, "signup_until": {"2026-12-04"}, "capacity": {"2"}}
		if r := office.post("/admin/events/"+id, edit); r.status != 422 || !strings.Contains(r.body, "名额不能少于已报名的人数") {
			t.Errorf("capacity below the sign-ups: %d", r.status)
		}
		edit.Set("capacity", "4")
		if r := office.post("/admin/events/"+id, edit); r.status != 303 {
			t.Errorf("capacity raised: %d %s", r.status, clipBody(r.body))
		}
		mustContain(t, pub.get("/events/"+id).body, "共 4 个，已报名 3 人，剩余 1 个", "我要报名")
		// Staff see the sign-ups masked, and in full only on request (audited).
		r = office.get("/admin/events/" + id)
		mustContain(t, r.body, "****")
		mustNotContain(t, r.body, "13900000")
		r = office.get("/admin/events/" + id + "?open=1")
		mustContain(t, r.body, "1390000")
		var opened int
		e.db.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'event.signups.open' AND target = $1`, "event:"+id).Scan(&opened)
		if opened != 1 {
			t.Errorf("opening the list audited %d times", opened)
		}

		// The same phone signs up once; a form post with errors names the field.
		id2 := locID(t, office.post("/admin/events", url.Values{"kind": {"online_qa"}, "title": {"网络问政"}, "starts_at": {"2026-12-10T15:00"}, "capacity": {"10"}}))
		page = pub.get("/events/" + id2)
		r = pub.post("/events/"+id2+"/signups", e.solved(t, "event-signup", page.body, url.Values{"name": {"张三"}, "phone": {"139-0000-1111"}}))
		if r.status != 201 || !strings.Contains(r.body, "报名成功") {
			t.Fatalf("sign up: %d %s", r.status, clipBody(r.body))
		}
		page = pub.get("/events/" + id2)
		r = pub.post("/events/"+id2+"/signups", e.solved(t, "event-signup", page.body, url.Values{"name": {"张三"}, "phone": {"13900001111"}}))
		if r.status != 409 || !strings.Contains(r.body, "已经报过名") {
			t.Errorf("same phone again: %d", r.status)
		}
		r = pub.post("/events/"+id2+"/signups", url.Values{"name": {""}, "phone": {"abc"}})
		if r.status != 422 || !strings.Contains(r.body, `href="#f-name"`) || !strings.Contains(r.body, `href="#f-phone"`) {
			t.Errorf("bad sign-up: %d", r.status)
		}

		// The report afterwards is public.
		if r := office.post("/admin/events/"+id+"/status", url.Values{"to": {"reported"}, "report": {"12月8日，公证处开放日顺利举办。"}}); r.status != 303 {
			t.Fatalf("report: %d %s", r.status, clipBody(r.body))
		}
		mustContain(t, pub.get("/events/"+id).body, "活动报道", "公证处开放日顺利举办")
		var ev struct {
			Status string `json:"status"`
			Taken  int    `json:"taken"`
		}
		api.do(t, "GET", "/api/v1/events/"+id, "", nil, "").decode(t, &ev)
		if ev.Status != "reported" || ev.Taken != 3 {
			t.Errorf("API event %+v", ev)
		}
	})
}

// qrModules reads the module matrix back from the served SVG: each
// "Mx yhNv1h-Nz" is a run of N dark modules.
var qrRunRE = regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-\d+z`)

func TestNewMediaDirectoryAndQR(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		e.liveDemo(t)
		api := newAPIClient(t, e)
		pub := e.browser()
		// On the home page, in a visible block, and on the directory page.
		home := pub.get("/")
		mustContain(t, home.body, "政务新媒体", "https://weibo.com/linyisifa", "/qr.svg")
		dir := pub.get("/newmedia")
		mustContain(t, dir.body, "微信公众号", "微博", "抖音", "临沂市司法局办公室", "二维码，链接地址：https://weibo.com/linyisifa")

		var list struct {
			Accounts []struct {
				Name, URL string
				QR        string `json:"qr_url"`
			} `json:"accounts"`
		}
		api.do(t, "GET", "/api/v1/newmedia", "", nil, "").decode(t, &list)
		if len(list.Accounts) != 3 {
			t.Fatalf("accounts: %+v", list)
		}
		for _, a := range list.Accounts {
			r := pub.get(a.QR)
			if r.status != 200 || r.header.Get("Content-Type") != "image/svg+xml" {
				t.Fatalf("%s: %d %s", a.QR, r.status, r.header.Get("Content-Type"))
			}
			want, err := live.QR(a.URL)
			if err != nil {
				t.Fatal(err)
			}
			n := len(want)
			got := make([][]bool, n)
			for i := range got {
				got[i] = make([]bool, n)
			}
			for _, m := range qrRunRE.FindAllStringSubmatch(r.body, -1) {
				x, _ := strconv.Atoi(m[1])
				y, _ := strconv.Atoi(m[2])
				w, _ := strconv.Atoi(m[3])
				for i := x; i < x+w; i++ {
					got[y][i] = true
				}
			}
			// The drawing is the code of the link, module for module…
			for y := range n {
				for x := range n {
					if got[y][x] != want[y][x] {
						t.Fatalf("%s: module (%d,%d) differs", a.QR, x, y)
					}
				}
			}
			// …and the code is well formed: a version's size (17+4v modules
			// plus a quiet zone of 4 each side) and the three finder patterns.
			core := n - 8
			if (core-17)%4 != 0 || core < 21 {
				t.Fatalf("%s: %d modules is no QR size", a.QR, core)
			}
			for _, c := range [][2]int{{4, 4}, {4 + core - 7, 4}, {4, 4 + core - 7}} {
				for dy := range 7 {
					for dx := range 7 {
						ring := max(abs(dx-3), abs(dy-3))
						dark := ring != 2
						if got[c[1]+dy][c[0]+dx] != dark {
							t.Fatalf("%s: finder pattern at %v broken at (%d,%d)", a.QR, c, dx, dy)
						}
					}
				}
			}
		}

		// The office keeps the directory; an editor may not.
		fzk := e.browser().login("fzk")
		if r := fzk.post("/admin/newmedia", url.Values{"name": {"个人号"}, "platform": {"weibo"}, "owner": {"法制科"}, "url": {"https://weibo.com/x"}}); r.status != 403 {
			t.Errorf("editor adds an account: %d", r.status)
		}
		office := e.browser().login("office")
		r := office.post("/admin/newmedia", url.Values{"name": {"临沂普法"}, "platform": {"app"}, "owner": {"临沂市司法局"}, "url": {"ftp://x"}})
		if r.status != 422 || !strings.Contains(r.body, "http://") {
			t.Errorf("bad link: %d", r.status)
		}
		id := locID(t, office.post("/admin/newmedia", url.Values{"name": {"临沂普法"}, "platform": {"app"}, "owner": {"临沂市司法局"}, "url": {"https://pf.linyi.gov.cn/app"}, "status": {"running"}}))
		// The cached home page shows the new account at once (outbox invalidation).
		mustContain(t, pub.get("/").body, "临沂普法", "/newmedia/"+id+"/qr.svg")
		// Without a filing number it is a self-inspection finding.
		mustContain(t, office.get("/admin/compliance").body, "政务新媒体账号未登记备案信息", "临沂普法（移动客户端）没有登记备案编号")
		if r := office.post("/admin/newmedia/"+id+"/delete", nil); r.status != 303 {
			t.Errorf("delete: %d", r.status)
		}
		mustNotContain(t, pub.get("/newmedia").body, "临沂普法")
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// TestLiveMaxLengths stores every typed field at its maximum length on both
// databases, and refuses one character more by name.
func TestLiveMaxLengths(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		api := newAPIClient(t, e)
		han := func(n int) string { return strings.Repeat("访", n) }
		longURL := "https://example.gov.cn/" + strings.Repeat("a", live.MaxURL-len("https://example.gov.cn/"))
		captions := "WEBVTT\n\n" + han(live.MaxCaptions-8)
		body := func(title string) string {
			b, _ := json.Marshal(map[string]any{"title": title, "topic": han(live.MaxTopic), "guests": han(live.MaxGuests), "starts_at": "2026-12-02T09:00",
				"ends_at": "2026-12-02T10:00", "summary": han(live.MaxSummary), "video_url": longURL, "video_captions": captions, "video_transcript": han(live.MaxTranscript)})
			return string(b)
		}
		r := api.do(t, "POST", "/api/v1/interviews", "office", nil, body(han(live.MaxTitle)))
		if r.status != 201 {
			t.Fatalf("interview at max: %d %s", r.status, clipBody(r.body))
		}
		var iv struct{ ID int64 }
		r.decode(t, &iv)
		var stored int
		e.db.R.QueryRow(`SELECT LENGTH(video_captions) FROM live_interviews WHERE id = $1`, iv.ID).Scan(&stored)
		if stored != live.MaxCaptions {
			t.Errorf("captions stored with %d characters", stored)
		}
		r = api.do(t, "POST", "/api/v1/interviews", "office", nil, body(han(live.MaxTitle+1)))
		if r.status != 422 || !strings.Contains(r.body, `"title"`) {
			t.Errorf("title over max: %d %s", r.status, clipBody(r.body))
		}
		id := strconv.FormatInt(iv.ID, 10)
		q := fmt.Sprintf(`{"asker":%q,"contact":%q,"body":%q}`, han(live.MaxAsker), strings.Repeat("1", live.MaxContact), han(live.MaxQuestion))
		if r := api.do(t, "POST", "/api/v1/interviews/"+id+"/questions", "office", nil, q); r.status != 201 {
			t.Fatalf("question at max: %d %s", r.status, r.body)
		}
		q = fmt.Sprintf(`{"body":%q}`, han(live.MaxQuestion+1))
		if r := api.do(t, "POST", "/api/v1/interviews/"+id+"/questions", "office", nil, q); r.status != 422 || !strings.Contains(r.body, `"body"`) {
			t.Errorf("question over max: %d %s", r.status, r.body)
		}
		var qs struct {
			Questions []struct {
				ID int64 `json:"id"`
			} `json:"questions"`
		}
		api.do(t, "GET", "/api/v1/interviews/"+id+"/questions", "office", nil, "").decode(t, &qs)
		if len(qs.Questions) != 1 {
			t.Fatalf("questions %+v", qs)
		}
		qid := strconv.FormatInt(qs.Questions[0].ID, 10)
		api.do(t, "POST", "/api/v1/interviews/"+id+"/questions/"+qid+"/moderate", "office", nil, `{"decision":"approve"}`)
		a := fmt.Sprintf(`{"guest":%q,"answer":%q}`, han(live.MaxName), han(live.MaxAnswer))
		if r := api.do(t, "POST", "/api/v1/interviews/"+id+"/questions/"+qid+"/answer", "office", nil, a); r.status != 200 {
			t.Errorf("answer at max: %d %s", r.status, clipBody(r.body))
		}

		office := e.browser().login("office")
		eid := locID(t, office.post("/admin/events", url.Values{"kind": {"tv_qa"}, "title": {han(live.MaxTitle)}, "summary": {han(live.MaxSummary)}, "place": {han(live.MaxPlace)},
			"starts_at": {"2026-12-20T19:30"}, "capacity": {"5"}}))
		tok, ans := e.apiCaptcha(t, "event-signup")
		sb := fmt.Sprintf(`{"name":%q,"phone":%q,"note":%q,"captcha_token":%q,"captcha_answer":%q}`, han(live.MaxName), strings.Repeat("8", live.MaxPhone), han(live.MaxNote), tok, ans)
		if r := api.do(t, "POST", "/api/v1/events/"+eid+"/signups", "", nil, sb); r.status != 201 {
			t.Errorf("sign-up at max: %d %s", r.status, r.body)
		}
		sb = fmt.Sprintf(`{"name":%q,"phone":"139","note":""}`, han(live.MaxName+1))
		if r := api.do(t, "POST", "/api/v1/events/"+eid+"/signups", "", nil, sb); r.status != 422 || !strings.Contains(r.body, `"name"`) {
			t.Errorf("sign-up over max: %d %s", r.status, r.body)
		}
		if r := office.post("/admin/events/"+eid+"/status", url.Values{"to": {"reported"}, "report": {han(live.MaxReport)}}); r.status != 303 {
			t.Errorf("report at max: %d", r.status)
		}
		if r := office.post("/admin/events/"+eid+"/status", url.Values{"to": {"reported"}, "report": {han(live.MaxReport + 1)}}); r.status != 422 {
			t.Errorf("report over max: %d", r.status)
		}
		acct := url.Values{"name": {han(live.MaxAccount)}, "platform": {"wechat"}, "owner": {han(live.MaxOwner)}, "operator": {han(live.MaxOwner)},
			"account_id": {strings.Repeat("x", live.MaxAccount)}, "url": {longURL}, "filing_no": {strings.Repeat("9", live.MaxFilingNo)}, "filed_on": {"2025-03-01"}, "status": {"running"}}
		aid := locID(t, office.post("/admin/newmedia", acct))
		if r := pub(e).get("/newmedia/" + aid + "/qr.svg"); r.status != 200 {
			t.Errorf("QR of a %d-character link: %d", len(longURL), r.status)
		}
		acct.Set("owner", han(live.MaxOwner+1))
		if r := office.post("/admin/newmedia", acct); r.status != 422 || !strings.Contains(r.body, "#f-owner") {
			t.Errorf("owner over max: %d", r.status)
		}
	})
}

func pub(e *env) *browser { return e.browser() }

// TestLiveFormsRateLimited: the question and sign-up forms and their API
// are limited per address (the kit's LimitForm), with Retry-After.
func TestLiveFormsRateLimited(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := newEnvWith(t, d, web.Options{FormLimits: web.FormLimits{PerAddress: web.Rate{Burst: 2, Every: time.Hour}}})
			e.liveDemo(t)
			office := e.browser().login("office")
			id := locID(t, office.post("/admin/interviews", url.Values{"title": {"限流测试"}, "topic": {"主题"}, "guests": {"甲"}, "starts_at": {"2026-12-01T09:00"}}))
			pub := e.browser()
			for i, want := range []int{422, 422, 429} {
				r := pub.post("/interviews/"+id+"/questions", url.Values{"body": {"问题"}})
				if r.status != want {
					t.Errorf("question post %d: %d, want %d", i+1, r.status, want)
				}
				if want == 429 && (r.header.Get("Retry-After") == "" || !strings.Contains(r.body, "提交过于频繁")) {
					t.Errorf("429 without Retry-After or message: %q", r.header.Get("Retry-After"))
				}
			}
			var ev int64
			e.db.R.QueryRow(`SELECT id FROM live_events WHERE site_id = $1 AND capacity = 30`, e.site.ID).Scan(&ev)
			for i, want := range []int{422, 422, 429} {
				req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/events/"+strconv.FormatInt(ev, 10)+"/signups", strings.NewReader(`{"name":"","phone":""}`))
				req.Header.Set("Content-Type", "application/json")
				res, err := e.ts.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != want {
					t.Errorf("sign-up API post %d: %d, want %d", i+1, res.StatusCode, want)
				}
			}
		})
	}
}

// TestLiveStreamCaps: one client address cannot hold more than its share
// of the node's event streams, nor all clients more than the total; the
// refusal says why, and a closed stream frees its place.
func TestLiveStreamCaps(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.SQLite)
	office := e.browser().login("office")
	r := office.post("/admin/interviews", url.Values{"title": {"连接上限测试访谈"}, "topic": {"测试"}, "guests": {"赵六，科长"},
		"starts_at": {"2026-12-01T09:30"}, "department_id": {"0"}})
	id := locID(t, r)
	if r := office.post("/admin/interviews/"+id+"/status", url.Values{"to": {"live"}}); r.status != 303 {
		t.Fatalf("start: %d", r.status)
	}
	e.srv.LiveWeb.MaxStreamsPerAddr, e.srv.LiveWeb.MaxStreams = 3, 1000
	type conn struct {
		res    *http.Response
		cancel context.CancelFunc
	}
	open := func() (conn, int, string) {
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, "GET", e.ts.URL+"/interviews/"+id+"/live", nil)
		res, err := e.ts.Client().Do(req)
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		if res.StatusCode != 200 {
			b := new(bytes.Buffer)
			b.ReadFrom(res.Body)
			res.Body.Close()
			cancel()
			return conn{}, res.StatusCode, b.String() + " retry-after=" + res.Header.Get("Retry-After")
		}
		// Wait for the first bytes, so the stream is counted.
		bufio.NewReader(res.Body).ReadString('\n')
		return conn{res, cancel}, 200, ""
	}
	var held []conn
	for i := 0; i < 3; i++ {
		c, status, body := open()
		if status != 200 {
			t.Fatalf("stream %d: %d %s", i+1, status, body)
		}
		held = append(held, c)
	}
	_, status, body := open()
	if status != http.StatusTooManyRequests || !strings.Contains(body, "已达上限") || !strings.Contains(body, "retry-after=30") {
		t.Errorf("4th stream from one address: %d %q", status, body)
	}
	// The page itself still works by reload.
	if r := e.browser().get("/interviews/" + id); r.status != 200 {
		t.Errorf("page while capped: %d", r.status)
	}
	// Closing one frees its place.
	held[0].cancel()
	held[0].res.Body.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if n, _ := e.srv.LiveWeb.OpenStreams(); n == 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	c, status, body := open()
	if status != 200 {
		t.Fatalf("after closing one: %d %s", status, body)
	}
	held[0] = c
	// The total cap, below the per-address one.
	e.srv.LiveWeb.MaxStreamsPerAddr, e.srv.LiveWeb.MaxStreams = 100, 3
	_, status, body = open()
	if status != http.StatusServiceUnavailable || !strings.Contains(body, "直播连接已满") {
		t.Errorf("over the total: %d %q", status, body)
	}
	for _, c := range held {
		c.cancel()
		c.res.Body.Close()
	}
	deadline = time.Now().Add(10 * time.Second)
	for {
		n, by := e.srv.LiveWeb.OpenStreams()
		if n == 0 && len(by) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("streams left open: %d %v", n, by)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
