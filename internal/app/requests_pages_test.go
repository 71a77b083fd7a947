package app

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/extract/docgen"
	"gongkai/internal/request"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
	"gongkai/internal/web"

	"github.com/ledongthuc/pdf"
	"github.com/xuri/excelize/v2"
)

var (
	trackingRE = regexp.MustCompile(`id="tracking-no">([^<]+)<`)
	codeRE     = regexp.MustCompile(`id="query-code">([^<]+)<`)
)

func publicForm(mod func(url.Values)) url.Values {
	f := url.Values{"kind": {"natural_person"}, "name": {"张三丰"}, "id_type": {"id_card"}, "id_number": {"370102199001011234"},
		"phone": {"13812345678"}, "email": {"zhangsan@example.com"}, "address": {"临沂市兰山区金雀山路1号"},
		"title": {"法律援助经费"}, "description": {"2024年度法律援助经费使用情况"}, "form": {"electronic"}, "delivery": {"email"}}
	if mod != nil {
		mod(f)
	}
	return f
}

// TestRequestPages files a request through the public form without
// JavaScript, reads its status page, and handles it at the desk (both databases).
func TestRequestPages(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e, _ := newRequestEnv(t, string(d))
			pub := e.browser()
			r := pub.get("/request")
			if r.status != 200 {
				t.Fatalf("form: %d", r.status)
			}
			mustContain(t, r.body, "第三十三条", "信息处理费", `name="id_number"`, `for="f-description"`)
			// Invalid: the input is kept, the errors are linked to their fields.
			r = pub.post("/request", publicForm(func(f url.Values) { f.Set("id_number", "123"); f.Set("email", "not-an-email") }))
			if r.status != 422 {
				t.Fatalf("invalid form: %d", r.status)
			}
			mustContain(t, r.body, `href="#f-id_number"`, `href="#f-email"`, `value="张三丰"`, "2024年度法律援助经费使用情况", `aria-invalid="true"`)
			// Suggestions of published items, without JavaScript.
			r = pub.post("/request", publicForm(func(f url.Values) { f.Set("op", "suggest"); f.Set("title", "法律援助") }))
			if r.status != 200 || !strings.Contains(r.body, "可能已经公开的信息") || !strings.Contains(r.body, `href="/`) {
				t.Fatalf("suggestions: %d", r.status)
			}
			mustContain(t, r.body, `value="张三丰"`, "/static/request.")
			// The same suggestions as JSON for request.js, while typing.
			if r := pub.get("/request/suggest?q=" + url.QueryEscape("法律援助")); r.status != 200 || !strings.Contains(r.body, `"url":"/`) {
				t.Errorf("suggest JSON: %d %s", r.status, clipBody(r.body))
			}
			// Valid.
			// A wrong CAPTCHA answer: the form again, as typed, with a new challenge.
			r = pub.post("/request", publicForm(func(f url.Values) { f.Set("captcha_token", "x"); f.Set("captcha_answer", "wrong") }))
			if r.status != 422 || !strings.Contains(r.body, `value="张三丰"`) || !strings.Contains(r.body, `href="#captcha-answer"`) {
				t.Fatalf("wrong CAPTCHA: %d %s", r.status, clipBody(r.body))
			}
			r = pub.post("/request", e.solved(t, "request", r.body, publicForm(nil)))
			if r.status != 201 {
				t.Fatalf("submit: %d %s", r.status, clipBody(r.body))
			}
			no, code := trackingRE.FindStringSubmatch(r.body), codeRE.FindStringSubmatch(r.body)
			if no == nil || code == nil {
				t.Fatalf("no tracking number or code in %s", clipBody(r.body))
			}
			// The status page: masked data, status, steps, notices.
			r = pub.post("/request/status", url.Values{"no": {no[1]}, "code": {code[1]}})
			if r.status != 200 {
				t.Fatalf("status: %d", r.status)
			}
			mustContain(t, r.body, "张**", "138****5678", "待确认收到", "政府信息公开申请回执")
			mustNotContain(t, r.body, "张三丰", "13812345678", "370102199001011234")
			if r := pub.post("/request/status", url.Values{"no": {no[1]}, "code": {"WRONG"}}); r.status != 404 {
				t.Errorf("wrong code: %d", r.status)
			}
			if r := pub.post("/request/status", url.Values{"no": {no[1]}}); r.status != 422 || !strings.Contains(r.body, `href="#s-code"`) {
				t.Errorf("missing code: %d", r.status)
			}

			// The desk: the office confirms, assigns, the department drafts, the office approves.
			office := e.browser().login("office")
			r = office.get("/admin/requests")
			if r.status != 200 || !strings.Contains(r.body, no[1]) {
				t.Fatalf("desk: %d", r.status)
			}
			var id int64
			if err := e.db.R.QueryRowContext(context.Background(), `SELECT id FROM requests WHERE tracking_no = $1`, no[1]).Scan(&id); err != nil {
				t.Fatal(err)
			}
			path := fmt.Sprintf("/admin/requests/%d", id)
			r = office.get(path)
			mustContain(t, r.body, "张三丰", "13812345678", "确认收到申请")
			step := func(b *browser, f url.Values, want int) resp {
				t.Helper()
				r := b.post(path+"/events", f)
				if r.status != want {
					t.Fatalf("step %v: %d, want %d: %s", f, r.status, want, clipBody(r.body))
				}
				return r
			}
			step(office, url.Values{"type": {"confirmed"}, "on": {"2026-12-01"}}, 303)
			dept := e.deptID(t, "法制科")
			step(office, url.Values{"type": {"assigned"}, "on": {"2026-12-01"}, "department": {dept}}, 303)
			// A step the ledger refuses re-renders the page with the message.
			r = step(office, url.Values{"type": {"extended"}, "on": {"2026-12-01"}, "days": {"21"}, "note": {"理由"}}, 422)
			mustContain(t, r.body, "1 至 20", `id="f-note"`, "理由")
			fzk := e.browser().login("fzk")
			step(fzk, url.Values{"type": {"reply_drafted"}, "on": {"2026-12-01"}, "decision": {"withheld.6"}, "answer": {"属于过程性信息"}}, 303)
			// Without an investigation result the draft's letter cannot be made, and the page says why.
			mustContain(t, office.get(path).body, "调查结果")
			step(fzk, url.Values{"type": {"reply_drafted"}, "on": {"2026-12-01"}, "decision": {"withheld.6"}, "investigation": {"经查，所需信息为内部讨论记录。"}, "answer": {"属于过程性信息"}}, 303)
			step(fzk, url.Values{"type": {"replied"}, "on": {"2026-12-01"}, "decision": {"disclosed"}}, 403)
			if r := e.browser().login("pfk").get(path); r.status != 403 {
				t.Errorf("another department's editor sees the request: %d", r.status)
			}
			r = office.get(path)
			mustContain(t, r.body, "待审核的答复稿", "属于四类过程性信息", "审核通过并答复")
			// The office reviews the letter the draft will produce before approving it.
			mustContain(t, r.body, "答复告知书（按答复稿生成，请审核）", `class="gk-letter"`, "政府信息不予公开告知书", "属于过程性信息")
			if r := office.get(path + "/letter?draft=1"); r.status != 200 || !strings.Contains(r.body, "答复稿预览") || !strings.Contains(r.body, "第十六条第二款") {
				t.Errorf("the draft's letter page: %d %s", r.status, clipBody(r.body))
			}
			// The office approves with a document, which the applicant downloads.
			doc := docgen.DOCX{Body: []docgen.Block{{Text: "答复所附文件"}}}.Bytes()
			if r := office.multipart(path+"/events", url.Values{"type": {"replied"}, "on": {"2026-12-01"}, "decision": {"withheld.6"}, "answer": {"属于过程性信息"}},
				"file", "答复附件.docx", doc); r.status != 303 {
				t.Fatalf("reply with a file: %d %s", r.status, clipBody(r.body))
			}
			r = pub.post("/request/status", url.Values{"no": {no[1]}, "code": {code[1]}})
			mustContain(t, r.body, "已答复", "（三）不予公开 6.属于四类过程性信息", "第十六条第二款", "属于过程性信息")
			mustNotContain(t, r.body, "承办科室拟稿")
			mustContain(t, r.body, "下载 答复附件.docx")
			seq := regexp.MustCompile(`name="seq" value="(\d+)"`).FindStringSubmatch(r.body)
			if seq == nil {
				t.Fatal("no download form")
			}
			if r := pub.post("/request/status/file", url.Values{"no": {no[1]}, "code": {code[1]}, "seq": {seq[1]}}); r.status != 200 || r.body != string(doc) {
				t.Errorf("download: %d, %d bytes", r.status, len(r.body))
			}
			if r := pub.post("/request/status/file", url.Values{"no": {no[1]}, "code": {"WRONG"}, "seq": {seq[1]}}); r.status != 404 {
				t.Errorf("download with a wrong code: %d", r.status)
			}
			// A withheld answer cannot become proactive; a disclosed one can, in one step (Art. 44).
			if r := office.post(path+"/promote", url.Values{"column_id": {e.columnID(t, "gkzd")}}); r.status != 422 {
				t.Errorf("promote a withheld answer: %d", r.status)
			}
			_, c := newRequestClient(t, e)
			dis := c.request(t, "office", staffApp("in_person", "2026-11-20"), 201)
			c.event(t, "office", dis.ID, `{"type":"replied","on":"2026-11-25","decision":"disclosed","reply":{"answer":"2024年度法律援助经费支出120万元。"}}`, 201)
			r = office.post(fmt.Sprintf("/admin/requests/%d/promote", dis.ID), url.Values{"column_id": {e.columnID(t, "gkzd")}})
			if r.status != 303 || !strings.HasPrefix(r.location, "/admin/items/") {
				t.Fatalf("promote: %d %s %s", r.status, r.location, clipBody(r.body))
			}
			mustContain(t, office.get(fmt.Sprintf("/admin/requests/%d", dis.ID)).body, "转主动公开：已建立信息草稿")
			// Every staff step is audited.
			var n int
			e.db.R.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE target = $1 AND action LIKE 'request.%'`, no[1]).Scan(&n)
			if n != 5 { // assigned, confirmed, two drafts, replied
				t.Errorf("%d audit entries for the request, want 5", n)
			}

			// An ID copy uploaded with the public form reaches the desk, and only the desk.
			idCopy := docgen.DOCX{Body: []docgen.Block{{Text: "身份证复印件"}}}.Bytes()
			r = pub.multipart("/request", e.solved(t, "request", pub.get("/request").body, publicForm(nil)), "id_copy", "身份证.docx", idCopy)
			if r.status != 201 {
				t.Fatalf("submit with an ID copy: %d %s", r.status, clipBody(r.body))
			}
			var withCopy int64
			e.db.R.QueryRowContext(context.Background(), `SELECT id FROM requests WHERE tracking_no = $1`, trackingRE.FindStringSubmatch(r.body)[1]).Scan(&withCopy)
			if r := office.get(fmt.Sprintf("/admin/requests/%d/id-copy", withCopy)); r.status != 200 || r.body != string(idCopy) {
				t.Errorf("ID copy at the desk: %d, %d bytes", r.status, len(r.body))
			}
			if r := pub.get(fmt.Sprintf("/admin/requests/%d/id-copy", withCopy)); r.status == 200 {
				t.Error("the ID copy is served without a staff session")
			}
			// Registration of a paper application, overdue, in the self-inspection:
			// received 2026-10-09, the make-up Saturday 10-10 counts, due 11-05.
			r = office.post("/admin/requests", url.Values{"channel": {"post"}, "received_on": {"2026-10-09"}, "department": {dept},
				"kind": {"organization"}, "name": {"山东沂蒙律师事务所"}, "org_type": {"legal_service"}, "credit_code": {"31370000MD0123456X"},
				"legal_representative": {"李四"}, "contact_person": {"王五"}, "phone": {"0539-8888888"}, "description": {"律师事务所年检结果"},
				"form": {"paper"}, "delivery": {"post"}, "address": {"临沂市"}})
			if r.status != 201 || codeRE.FindStringSubmatch(r.body) == nil {
				t.Fatalf("register: %d %s", r.status, clipBody(r.body))
			}
			r = office.get("/admin/requests")
			mustContain(t, r.body, "已逾期", "法制科")
			r = office.get("/admin/compliance")
			mustContain(t, r.body, "依申请公开答复期限", "已逾期：应于 2026-11-05 前答复")
			r = office.post("/admin/requests", url.Values{"channel": {"post"}, "received_on": {"2026-10-09"}, "kind": {"organization"}, "name": {"某所"}})
			if r.status != 422 || !strings.Contains(r.body, `value="某所"`) {
				t.Errorf("invalid registration: %d", r.status)
			}
		})
	}
}

// TestRequestStatsPages: the office's tables link every number to its
// requests, and export CSV.
func TestRequestStatsPages(t *testing.T) {
	t.Parallel()
	e, _ := newRequestEnv(t, string(storetest.Dialects[0]))
	ctx := context.Background()
	if err := e.srv.LoadRequestDemo(ctx, e.site.ID, testDay); err != nil {
		t.Fatal(err)
	}
	t3, err := e.srv.Requests.Stats(ctx, e.site.ID, RequestDemoYear)
	if err != nil {
		t.Fatal(err)
	}
	office := e.browser().login("office")
	r := office.get(fmt.Sprintf("/admin/requests/stats?year=%d", RequestDemoYear))
	mustContain(t, r.body, "✓ 通过", "（三）不予公开 8.属于行政查询事项", "结转下年度继续办理")
	mustNotContain(t, r.body, "不通过")
	r = office.get(fmt.Sprintf("/admin/requests/stats/cell?year=%d&row=unavailable.1&col=total", RequestDemoYear))
	if want := fmt.Sprintf(`id="cell-count">%d<`, t3.Count("unavailable.1", "total")); !strings.Contains(r.body, want) {
		t.Errorf("drill-down lacks %s", want)
	}
	if got, want := strings.Count(r.body, `href="/admin/requests/`)-1, t3.Count("unavailable.1", "total"); got != want {
		t.Errorf("drill-down lists %d requests, the table says %d", got, want)
	}
	// The largest cell (本年新收 · 总计) is paged: following 下一页 lists
	// each of its requests once, no page longer than the page size.
	nextRE := regexp.MustCompile(`<a href="(/admin/requests/stats/cell\?[^"]+)" rel="next">`)
	linkRE := regexp.MustCompile(`<li><a href="/admin/requests/(\d+)">`)
	listed := map[string]bool{}
	for next := fmt.Sprintf("/admin/requests/stats/cell?year=%d&row=new&col=total", RequestDemoYear); next != ""; {
		r = office.get(next)
		links := linkRE.FindAllStringSubmatch(r.body, -1)
		if len(links) == 0 || len(links) > 200 {
			t.Fatalf("%s lists %d requests", next, len(links))
		}
		for _, m := range links {
			if listed[m[1]] {
				t.Errorf("request %s listed twice in the drill-down", m[1])
			}
			listed[m[1]] = true
		}
		next = ""
		if m := nextRE.FindStringSubmatch(r.body); m != nil {
			next = strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	if want := t3.Count("new", "total"); len(listed) != want {
		t.Errorf("the paged drill-down lists %d requests, the table says %d", len(listed), want)
	}
	// The desk over the demo: the paged 全部申请 view lists every request
	// exactly once, each with the state its own ledger gives, and the
	// department table adds up to every request.
	all, err := e.srv.Requests.List(ctx, e.site.ID, request.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	rowRE := regexp.MustCompile(`<tr class="urgency-(\w+)"><td><a href="/admin/requests/(\d+)">`)
	pages := 0
	for next := "/admin/requests?all=1"; next != ""; pages++ {
		r = office.get(next)
		for _, m := range rowRE.FindAllStringSubmatch(r.body, -1) {
			seen[m[2]]++
			id, _ := strconv.ParseInt(m[2], 10, 64)
			one, err := e.srv.Requests.Get(ctx, e.site.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			if u := one.Urgency(testDay); u != m[1] {
				t.Errorf("request %d: the desk says %s, its own ledger %s", id, m[1], u)
			}
		}
		next = ""
		if m := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(r.body); m != nil {
			next = strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	if len(seen) != len(all) || pages < 2 {
		t.Errorf("the paged desk lists %d distinct requests over %d pages, the site has %d", len(seen), pages, len(all))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("request %s listed %d times", id, n)
		}
	}
	r = office.get("/admin/requests")
	total := 0
	for _, m := range regexp.MustCompile(`<tr><td>[^<]+</td><td>\d+</td><td>\d+</td><td>\d+</td><td>\d+</td><td>(\d+)</td></tr>`).FindAllStringSubmatch(r.body, -1) {
		n, _ := strconv.Atoi(m[1])
		total += n
	}
	if total != len(all) {
		t.Errorf("the department table counts %d requests, the site has %d", total, len(all))
	}
	r = office.get(fmt.Sprintf("/admin/requests/stats.csv?year=%d", RequestDemoYear))
	mustContain(t, r.body, "三、（七）总计", fmt.Sprintf("一、本年新收政府信息公开申请数量,%d,", t3.Count("new", "natural_person")))
	// XLSX: read back with the same library, the totals as in the table.
	r = office.get(fmt.Sprintf("/admin/requests/stats.xlsx?year=%d", RequestDemoYear))
	x, err := excelize.OpenReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	rows, err := x.GetRows("表三 收到和处理申请情况")
	if err != nil || len(rows) != 27 {
		t.Fatalf("xlsx rows %d, %v", len(rows), err)
	}
	if got, want := rows[2][7], fmt.Sprint(t3.Count("new", "total")); got != want {
		t.Errorf("xlsx 一 总计 = %s, want %s", got, want)
	}
	if r := e.browser().login("fzk").get("/admin/requests/stats"); r.status != 403 {
		t.Errorf("an editor sees the annual statistics: %d", r.status)
	}
}

func (e *env) deptID(t *testing.T, name string) string {
	t.Helper()
	var id int64
	if err := e.db.R.QueryRowContext(context.Background(), `SELECT id FROM departments WHERE site_id = $1 AND name = $2`, e.site.ID, name).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(id)
}

func newRequestClient(t *testing.T, e *env) (*env, *apiClient) { return e, newAPIClient(t, e) }

func (e *env) columnID(t *testing.T, slug string) string {
	t.Helper()
	var id int64
	if err := e.db.R.QueryRowContext(context.Background(), `SELECT id FROM columns WHERE site_id = $1 AND slug = $2`, e.site.ID, slug).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(id)
}

// multipart submits a form with one file and the session's form token.
func (b *browser) multipart(path string, form url.Values, field, name string, data []byte) resp {
	b.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if form.Get("csrf") == "" {
		form.Set("csrf", b.csrf)
	}
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", b.e.ts.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

// TestRequestFormGuarded: the public application, on the form and in the
// API, is rate-limited per address (429 with Retry-After) and needs the
// self-hosted CAPTCHA; nothing is stored without it. Staff with a token
// register applications without one.
func TestRequestFormGuarded(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, store.SQLite, web.Options{FormLimits: web.FormLimits{PerAddress: web.Rate{Burst: 3, Every: time.Hour}}})
	if err := e.srv.SetDataKey(testDataKey); err != nil {
		t.Fatal(err)
	}
	c := newAPIClient(t, e)
	count := func() int {
		var n int
		e.db.R.QueryRow(`SELECT COUNT(*) FROM requests`).Scan(&n)
		return n
	}
	before := count()
	person := `{"applicant":{"kind":"natural_person","name":"李四","id_type":"id_card","id_number":"370102199001011234","phone":"13812345678"},"title":"2024年部门预算","form":"electronic","delivery":"online"`
	r := c.do(t, "POST", "/api/v1/requests", "", nil, person+"}")
	if r.status != 422 || !strings.Contains(r.body, `"captcha_answer"`) {
		t.Errorf("API without a CAPTCHA: %d %s", r.status, clipBody(r.body))
	}
	tok, ans := e.apiCaptcha(t, "request")
	r = c.do(t, "POST", "/api/v1/requests", "", nil, person+fmt.Sprintf(`,"captcha_token":%q,"captcha_answer":%q}`, tok, ans))
	if r.status != 201 {
		t.Fatalf("API with the CAPTCHA: %d %s", r.status, clipBody(r.body))
	}
	// The same answer again is spent.
	if r := c.do(t, "POST", "/api/v1/requests", "", nil, person+fmt.Sprintf(`,"captcha_token":%q,"captcha_answer":%q}`, tok, ans)); r.status != 422 {
		t.Errorf("replayed CAPTCHA: %d", r.status)
	}
	if n := count(); n != before+1 {
		t.Errorf("%d requests stored, want %d", n, before+1)
	}
	// The fourth post from this address within the hour is refused before anything is read.
	if r := e.browser().post("/request", publicForm(nil)); r.status != 429 || r.header.Get("Retry-After") == "" || !strings.Contains(r.body, "提交过于频繁") {
		t.Errorf("over the limit: %d Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	// Staff registration: no CAPTCHA, no public limit.
	staff := `{"applicant":{"kind":"natural_person","name":"王五","id_type":"id_card","id_number":"370102199001011234","address":"临沂市兰山区金雀山路2号"},"title":"来信申请","form":"paper","delivery":"post","channel":"post","received_on":"2026-11-30","department":"办公室"}`
	if r := c.do(t, "POST", "/api/v1/requests", "office", nil, staff); r.status != 201 {
		t.Errorf("staff registration: %d %s", r.status, clipBody(r.body))
	}
}

// TestRequestLetter: the desk downloads the reply's numbered 告知书 as a
// PDF whose text carries the number, the applicant, the decision's legal
// basis and the remedies with the site's 复议机关 (issue 9); a request
// without a reply has none.
func TestRequestLetter(t *testing.T) {
	t.Parallel()
	e, _ := newRequestEnv(t, "sqlite")
	ctx := context.Background()
	if err := e.srv.LoadRequestDemo(ctx, e.site.ID, testDay); err != nil {
		t.Fatal(err)
	}
	var replied, open int64
	var trackingNo string
	e.db.R.QueryRow(`SELECT r.id, r.tracking_no FROM requests r JOIN request_events ev ON ev.request_id = r.id
		WHERE ev.type = 'replied' AND ev.data LIKE '%"decision":"withheld"%' ORDER BY r.id LIMIT 1`).Scan(&replied, &trackingNo)
	e.db.R.QueryRow(`SELECT id FROM requests r WHERE NOT EXISTS (SELECT 1 FROM request_events ev WHERE ev.request_id = r.id AND ev.type = 'replied') ORDER BY id LIMIT 1`).Scan(&open)
	if replied == 0 || open == 0 {
		t.Fatalf("demo requests: replied %d, open %d", replied, open)
	}
	office := e.browser().login("office")
	mustContain(t, office.get(fmt.Sprintf("/admin/requests/%d", replied)).body, fmt.Sprintf(`href="/admin/requests/%d/letter.pdf"`, replied))
	r := office.get(fmt.Sprintf("/admin/requests/%d/letter.pdf", replied))
	if r.status != 200 || r.header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("letter: %d %s", r.status, r.header.Get("Content-Type"))
	}
	all := pdfText(t, r.body)
	_, seq, _ := strings.Cut(trackingNo, "-")
	n, _ := strconv.Atoi(strings.TrimLeft(seq, "0"))
	for _, want := range []string{fmt.Sprintf("临司依申〔2025〕第%d号", n), "不予公开", "临沂市人民政府", "行政复议", "行政诉讼", "临沂市司法局"} {
		if !strings.Contains(all, want) {
			t.Errorf("the letter's text lacks %q:\n%.600s", want, all)
		}
	}
	if r := office.get(fmt.Sprintf("/admin/requests/%d/letter.pdf", open)); r.status != 404 {
		t.Errorf("a request without a reply: %d", r.status)
	}
	// Without a 复议机关 in the settings the letter is refused with the reason.
	st := e.site.Settings
	st.ReconsiderationBody = ""
	admin, _ := e.au.UserByName(ctx, "admin")
	if err := e.cat.UpdateSettings(ctx, admin, e.site.ID, e.site.Name, st); err != nil {
		t.Fatal(err)
	}
	if r := office.get(fmt.Sprintf("/admin/requests/%d/letter.pdf", replied)); r.status != 422 || !strings.Contains(r.body, "行政复议机关") {
		t.Errorf("without a 复议机关: %d", r.status)
	}
}

// pdfText is a PDF's text without white space.
func pdfText(t *testing.T, body string) string {
	t.Helper()
	pr, err := pdf.NewReader(strings.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("not a PDF: %v", err)
	}
	var text strings.Builder
	for i := 1; i <= pr.NumPage(); i++ {
		s, err := pr.Page(i).GetPlainText(nil)
		if err != nil {
			t.Fatal(err)
		}
		text.WriteString(s)
	}
	return strings.Join(strings.Fields(text.String()), "")
}

// TestRequestProceduralLetters: every step that notifies the applicant
// yields its numbered letter from the ledger alone — 补正告知书 with the
// items and period, 延期答复告知书 with the new due date on the calendar
// (across the 2025 National Day holiday and its make-up days), 收费通知书
// with the 109号 scale, the consultation letter to the third party — at
// the desk; the applicant downloads the letters addressed to them, and
// not the third party's.
func TestRequestProceduralLetters(t *testing.T) {
	t.Parallel()
	e, c := newRequestEnv(t, "sqlite")
	v := c.request(t, "office", staffApp("in_person", "2025-09-26"), 201)
	id := v.ID
	c.event(t, "office", id, `{"type":"correction_requested","on":"2025-09-30","note":"请写明所需文件的名称或文号\n请写明所需信息的年份","until":"2025-10-17"}`, 201)
	c.event(t, "office", id, `{"type":"correction_received","on":"2025-10-09"}`, 201)
	ext, _ := c.event(t, "office", id, `{"type":"extended","on":"2025-10-20","days":10,"approver":"李主任","note":"所需信息涉及多个科室，需调取档案"}`, 201)
	c.event(t, "office", id, `{"type":"consultation_started","on":"2025-10-21","note":"山东沂蒙律师事务所"}`, 201)
	c.event(t, "office", id, `{"type":"consultation_ended","on":"2025-10-28"}`, 201)
	c.event(t, "office", id, `{"type":"fee_notified","on":"2025-10-29","fee_method":"per_page","units":150,"amount":1700}`, 201)
	c.event(t, "office", id, `{"type":"fee_paid","on":"2025-10-30"}`, 201)
	done, _ := c.event(t, "office", id, `{"type":"replied","on":"2025-11-05","decision":"disclosed","reply":{"investigation":"经查，您所需信息由本机关制作并保存。","answer":"现提供所需信息。"}}`, 201)
	seqOf := map[string]int{}
	for i, ev := range done.Ledger {
		seqOf[ev.Type] = i + 1
	}
	due := calendar.Day(ext.DueOn)
	if due.IsZero() {
		t.Fatalf("no due date after the extension: %+v", ext)
	}
	cn := func(d calendar.Date) string { return fmt.Sprintf("%d年%d月%d日", d.Year, d.Month, d.Day) }
	_, tail, _ := strings.Cut(v.TrackingNo, "-")
	n, _ := strconv.Atoi(strings.TrimLeft(tail, "0"))
	workCal, err := e.srv.Requests.WorkingCalendar(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	office := e.browser().login("office")
	page := office.get(fmt.Sprintf("/admin/requests/%d", id)).body
	for _, c := range []struct {
		typ  string
		want []string
	}{
		{"correction_requested", []string{"补正告知书", "请写明所需文件的名称或文号", "请写明所需信息的年份", cn(calendar.Day("2025-10-17")), "第三十条"}},
		{"extended", []string{"延期答复告知书", "所需信息涉及多个科室", cn(due), "第三十三条"}},
		{"consultation_started", []string{"山东沂蒙律师事务所", "第三十二条", cn(workCal.AddWorkdays(calendar.Day("2025-10-21"), 15))}},
		{"fee_notified", []string{"收费通知书", "1,700元", "109号"}},
		{"replied", []string{"现提供所需信息", "临沂市人民政府", fmt.Sprintf("临司依申〔2025〕第%d号", n)}},
	} {
		seq := seqOf[c.typ]
		link := fmt.Sprintf("/admin/requests/%d/letter.pdf?seq=%d", id, seq)
		if !strings.Contains(page, strings.ReplaceAll(link, "&", "&amp;")) {
			t.Errorf("the desk has no link to the %s letter (%s)", c.typ, link)
		}
		r := office.get(link)
		if r.status != 200 {
			t.Errorf("%s letter: %d %s", c.typ, r.status, clipBody(r.body))
			continue
		}
		text := pdfText(t, r.body)
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("the %s letter lacks %q:\n%.500s", c.typ, w, text)
			}
		}
		if c.typ == "consultation_started" && strings.Contains(text, "张三丰") {
			t.Error("the third party's letter names the applicant")
		}
		if c.typ != "replied" && !strings.Contains(text, fmt.Sprintf("临司依申〔2025〕第%d-%d号", n, seq)) {
			t.Errorf("the %s letter lacks its own number", c.typ)
		}
	}
	if r := office.get(fmt.Sprintf("/admin/requests/%d/letter.pdf?seq=%d", id, seqOf["correction_received"])); r.status != 404 {
		t.Errorf("a step without a letter: %d", r.status)
	}
	// Before the office has reviewed and sent them, the applicant sees no letter.
	pub := e.browser()
	r := pub.post("/request/status", url.Values{"no": {v.TrackingNo}, "code": {v.Code}})
	mustNotContain(t, r.body, "补正告知书", "延期答复告知书", "收费通知书", "答复告知书")
	if r := pub.post("/request/status/letter", url.Values{"no": {v.TrackingNo}, "code": {v.Code}, "seq": {strconv.Itoa(seqOf["extended"])}}); r.status != 404 || !strings.Contains(r.body, "尚未送出") {
		t.Errorf("an unsent letter reached the applicant: %d", r.status)
	}
	// The desk reads each letter as HTML (the same text as the PDF), then
	// records the review: the box must be ticked, and a letter goes once.
	for _, c := range []struct{ typ, want string }{
		{"correction_requested", "请写明所需信息的年份"}, {"extended", "所需信息涉及多个科室"}, {"consultation_started", "山东沂蒙律师事务所"},
		{"fee_notified", "1,700元"}, {"replied", "现提供所需信息"},
	} {
		seq := strconv.Itoa(seqOf[c.typ])
		page := office.get(fmt.Sprintf("/admin/requests/%d/letter?seq=%s", id, seq))
		if page.status != 200 {
			t.Fatalf("%s letter page: %d %s", c.typ, page.status, clipBody(page.body))
		}
		mustContain(t, page.body, `class="gk-letter"`, c.want, "审核无误，登记送出", `rel="stylesheet" href="/static/letter.`)
		// The stylesheet is the letter package's own, served by the kit.
		if m := regexp.MustCompile(`href="(/static/letter\.[0-9a-f]+\.css)"`).FindStringSubmatch(page.body); m == nil {
			t.Errorf("%s letter page links no hashed letter.css", c.typ)
		} else if css := office.get(m[1]); css.status != 200 || !strings.Contains(css.body, ".gk-letter") {
			t.Errorf("%s: %s: %d", c.typ, m[1], css.status)
		}
		if !strings.Contains(office.get(fmt.Sprintf("/admin/requests/%d", id)).body, "待审核送出") {
			t.Errorf("the desk does not show the %s letter as waiting for review", c.typ)
		}
		ev := url.Values{"type": {"letter_sent"}, "letter": {seq}, "on": {"2025-11-05"}}
		if r := office.post(fmt.Sprintf("/admin/requests/%d/events", id), ev); r.status != 422 || !strings.Contains(r.body, "已核对") {
			t.Errorf("%s: sent without the review box: %d", c.typ, r.status)
		}
		ev.Set("reviewed", "1")
		if r := office.post(fmt.Sprintf("/admin/requests/%d/events", id), ev); r.status != 303 {
			t.Errorf("%s: letter_sent: %d %s", c.typ, r.status, clipBody(r.body))
		}
		if r := office.post(fmt.Sprintf("/admin/requests/%d/events", id), ev); r.status != 422 || !strings.Contains(r.body, "不能重复登记") {
			t.Errorf("%s: sent twice: %d", c.typ, r.status)
		}
		mustContain(t, office.get(fmt.Sprintf("/admin/requests/%d/letter?seq=%s", id, seq)).body, `id="letter-sent"`)
	}
	if r := office.post(fmt.Sprintf("/admin/requests/%d/events", id), url.Values{"type": {"letter_sent"}, "letter": {strconv.Itoa(seqOf["fee_paid"])}, "reviewed": {"1"}, "on": {"2025-11-05"}}); r.status != 422 {
		t.Errorf("letter_sent for a step without a letter: %d", r.status)
	}
	// The API records the same step, once per letter.
	c.event(t, "office", id, fmt.Sprintf(`{"type":"letter_sent","on":"2025-11-05","letter":%d}`, seqOf["replied"]), 422)
	// The applicant reads the letters addressed to them, as HTML and PDF.
	r = pub.post("/request/status", url.Values{"no": {v.TrackingNo}, "code": {v.Code}})
	mustContain(t, r.body, "下载补正告知书（PDF）", "下载延期答复告知书（PDF）", "下载收费通知书（PDF）", "下载答复告知书（PDF）", "查看答复告知书")
	r = pub.post("/request/status/letter", url.Values{"no": {v.TrackingNo}, "code": {v.Code}, "seq": {strconv.Itoa(seqOf["replied"])}, "format": {"html"}})
	if r.status != 200 || !strings.Contains(r.header.Get("Content-Type"), "text/html") {
		t.Errorf("the applicant's HTML letter: %d %s", r.status, r.header.Get("Content-Type"))
	}
	mustContain(t, r.body, `class="gk-letter"`, "现提供所需信息", fmt.Sprintf("临司依申〔2025〕第%d号", n), "下载答复告知书（PDF）")
	mustNotContain(t, r.body, "审核无误")
	mustNotContain(t, r.body, "征求第三方意见书")
	r = pub.post("/request/status/letter", url.Values{"no": {v.TrackingNo}, "code": {v.Code}, "seq": {strconv.Itoa(seqOf["extended"])}})
	if r.status != 200 || !strings.Contains(pdfText(t, r.body), cn(due)) {
		t.Errorf("the applicant's extension letter: %d", r.status)
	}
	for _, f := range []url.Values{
		{"no": {v.TrackingNo}, "code": {v.Code}, "seq": {strconv.Itoa(seqOf["consultation_started"])}},
		{"no": {v.TrackingNo}, "code": {"WRONG"}, "seq": {strconv.Itoa(seqOf["extended"])}},
		{"no": {v.TrackingNo}, "code": {v.Code}, "seq": {"x"}},
	} {
		if r := pub.post("/request/status/letter", f); r.status != 404 {
			t.Errorf("letter %v: %d", f, r.status)
		}
	}
	// The remedy periods follow the site's settings.
	st := e.site.Settings
	st.ReconsiderationPeriod, st.LawsuitPeriod = "两个月", "六个月"
	admin, _ := e.au.UserByName(context.Background(), "admin")
	if err := e.cat.UpdateSettings(context.Background(), admin, e.site.ID, e.site.Name, st); err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, office.get(fmt.Sprintf("/admin/requests/%d/letter.pdf", id)).body); !strings.Contains(text, "两个月") {
		t.Errorf("the reply letter ignores the configured period: %.400s", text)
	}
	st.LawsuitPeriod = strings.Repeat("月", 21)
	if err := e.cat.UpdateSettings(context.Background(), admin, e.site.ID, e.site.Name, st); err == nil {
		t.Error("a 21-character period was accepted")
	}
}
