package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/practice"
)

// TestPractice covers 经验报送 over HTTP on both databases: departmental
// authorisation (a department sees and submits only its own), every field
// at its maximum length, the office's review and forwarding, the one-step
// publication as a 工作动态 item, the statistics and their exports, and the
// demo year.
func TestPractice(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newAPIClient(t, e)
		depts, err := e.cat.Departments(context.Background(), e.site.ID)
		if err != nil {
			t.Fatal(err)
		}
		dept := map[string]int64{}
		for _, d := range depts {
			dept[d.Abbr] = d.ID
		}
		submit := func(token string, body string) apiResp {
			return c.do(t, "POST", "/api/v1/practice/submissions", token, nil, body)
		}
		// An editor of 法制科 submits for their own department (the default)...
		long := strings.Repeat("法", practice.MaxTitle)
		script := "<script>alert(1)</script>"
		bodyMax := "<p>" + strings.Repeat("治", practice.MaxBody-7-len(script)) + "</p>" + script // exactly MaxBody characters
		r := submit("fzk", fmt.Sprintf(`{"kind":"case","title":%q,"body":%q,"submitted_on":"2025-03-02"}`, long, bodyMax))
		if r.status != 201 {
			t.Fatalf("submit at max length: %d %s", r.status, clipBody(r.body))
		}
		var sub practice.Submission
		json.Unmarshal([]byte(r.body), &sub)
		if sub.Title != long || sub.DepartmentID != dept["fzk"] || sub.Year != 2025 || strings.Contains(sub.Body, "script") || !strings.Contains(sub.Body, "治治") {
			t.Fatalf("submission: dept %d year %d title %d body %q", sub.DepartmentID, sub.Year, len([]rune(sub.Title)), clipBody(sub.Body))
		}
		// ...but not for another, and not one character too long.
		if r := submit("fzk", fmt.Sprintf(`{"department_id":%d,"kind":"case","title":"t","body":"<p>x</p>"}`, dept["pfk"])); r.status != 403 {
			t.Errorf("submit for another department: %d %s", r.status, clipBody(r.body))
		}
		for name, body := range map[string]string{
			"title": fmt.Sprintf(`{"kind":"case","title":%q,"body":"<p>x</p>"}`, long+"法"),
			"body":  fmt.Sprintf(`{"kind":"case","title":"t","body":%q}`, strings.Repeat("治", practice.MaxBody+1)),
			"kind":  `{"kind":"poem","title":"t","body":"<p>x</p>"}`,
		} {
			r := submit("fzk", body)
			if r.status != 422 || !strings.Contains(r.body, `"`+name+`"`) {
				t.Errorf("too long or bad %s: %d %s", name, r.status, clipBody(r.body))
			}
		}
		id := strconv.FormatInt(sub.ID, 10)
		// Another department neither lists nor reads it; the office does.
		if r := c.do(t, "GET", "/api/v1/practice/submissions/"+id, "pfk", nil, ""); r.status != 404 {
			t.Errorf("pfk reads fzk's submission: %d", r.status)
		}
		if r := c.do(t, "GET", "/api/v1/practice/submissions", "pfk", nil, ""); r.status != 200 || strings.Contains(r.body, long) {
			t.Errorf("pfk lists fzk's submission: %d", r.status)
		}
		if r := c.do(t, "GET", "/api/v1/practice/submissions?department_id="+strconv.FormatInt(dept["fzk"], 10), "office", nil, ""); r.status != 200 || !strings.Contains(r.body, long) {
			t.Errorf("office list: %d %s", r.status, clipBody(r.body))
		}
		if r := c.do(t, "GET", "/api/v1/practice/submissions", "", nil, ""); r.status != 401 {
			t.Errorf("anonymous list: %d", r.status)
		}
		// Only the office reviews, forwards and publishes.
		if r := c.do(t, "POST", "/api/v1/practice/submissions/"+id+"/review", "fzk", nil, `{"status":"selected","rating":5}`); r.status != 403 {
			t.Errorf("editor reviews: %d", r.status)
		}
		if r := c.do(t, "POST", "/api/v1/practice/submissions/"+id+"/forwards", "office", nil, `{"authority":"市政府办公室","forwarded_on":"2025-03-10"}`); r.status != 409 {
			t.Errorf("forward before selection: %d %s", r.status, clipBody(r.body))
		}
		note := strings.Repeat("意", practice.MaxNote)
		if r := c.do(t, "POST", "/api/v1/practice/submissions/"+id+"/review", "office", nil, fmt.Sprintf(`{"status":"selected","rating":5,"note":%q}`, note)); r.status != 200 || !strings.Contains(r.body, `"status":"selected"`) {
			t.Fatalf("review: %d %s", r.status, clipBody(r.body))
		}
		if r := c.do(t, "POST", "/api/v1/practice/submissions/"+id+"/review", "office", nil, `{"status":"selected","rating":6}`); r.status != 422 {
			t.Errorf("rating 6: %d", r.status)
		}
		auth, outlet, used := strings.Repeat("机", practice.MaxAuthority), strings.Repeat("刊", practice.MaxOutlet), strings.Repeat("用", practice.MaxUsedNote)
		r = c.do(t, "POST", "/api/v1/practice/submissions/"+id+"/forwards", "office", nil, fmt.Sprintf(`{"authority":%q,"forwarded_on":"2025-03-10","outlet":%q,"used_note":%q}`, auth, outlet, used))
		if r.status != 201 {
			t.Fatalf("forward at max length: %d %s", r.status, clipBody(r.body))
		}
		var fw practice.Forward
		json.Unmarshal([]byte(r.body), &fw)
		if fw.Authority != auth || fw.Outlet != outlet || fw.Used {
			t.Errorf("forward: %+v", fw)
		}
		if r := c.do(t, "POST", "/api/v1/practice/submissions/"+id+"/forwards", "office", nil, fmt.Sprintf(`{"authority":%q,"forwarded_on":"2025-03-10"}`, auth+"机")); r.status != 422 {
			t.Errorf("authority too long: %d", r.status)
		}
		if r := c.do(t, "POST", "/api/v1/practice/submissions/"+id+"/forwards", "office", nil, `{"authority":"省司法厅","forwarded_on":"2025-03-01"}`); r.status != 422 {
			t.Errorf("forwarded before submitted: %d", r.status)
		}
		if r := c.do(t, "PUT", "/api/v1/practice/forwards/"+strconv.FormatInt(fw.ID, 10), "office", nil, `{"used":true,"used_note":"第3期刊发"}`); r.status != 200 || !strings.Contains(r.body, `"used":true`) {
			t.Errorf("used: %d %s", r.status, clipBody(r.body))
		}
		// A selected submission cannot go back to declined once forwarded.
		if r := c.do(t, "POST", "/api/v1/practice/submissions/"+id+"/review", "office", nil, `{"status":"declined"}`); r.status != 409 {
			t.Errorf("decline a forwarded one: %d", r.status)
		}

		// The back office: the department's editor sees its own, another
		// department's editor gets 404, and the office publishes in one step.
		fzk := e.browser().login("fzk")
		if r := fzk.get("/admin/practice/" + id); r.status != 200 || !strings.Contains(r.body, long) || strings.Contains(r.body, "发布为工作动态</button>") {
			t.Errorf("fzk's page: %d", r.status)
		}
		up := fzk.upload("/admin/practice/"+id+"/files", "file", "材料.pdf", []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))
		if up.status != 303 {
			t.Fatalf("upload: %d %s", up.status, clipBody(up.body))
		}
		pfk := e.browser().login("pfk")
		if r := pfk.get("/admin/practice/" + id); r.status != 404 {
			t.Errorf("pfk's view of fzk's page: %d", r.status)
		}
		if r := pfk.post("/admin/practice", url.Values{"department_id": {strconv.FormatInt(dept["fzk"], 10)}, "kind": {"case"}, "title": {"冒名"}, "body": {"<p>x</p>"}}); r.status != 403 {
			t.Errorf("pfk submits as fzk: %d", r.status)
		}
		if r := pfk.post("/admin/practice", url.Values{"kind": {"case"}, "title": {long + "法"}, "body": {"<p>x</p>"}, "department_id": {strconv.FormatInt(dept["pfk"], 10)}}); r.status != 422 || !strings.Contains(r.body, "标题不能超过 200 个字") {
			t.Errorf("too long title on the page: %d", r.status)
		}
		full, _ := e.srv.Practice.Get(context.Background(), e.site.ID, mustUser(t, e, "office"), sub.ID)
		if len(full.Files) != 1 {
			t.Fatalf("files: %d", len(full.Files))
		}
		fileURL := "/admin/practice/files/" + strconv.FormatInt(full.Files[0].ID, 10)
		if r := pfk.get(fileURL); r.status != 404 {
			t.Errorf("pfk downloads fzk's file: %d", r.status)
		}
		if r := fzk.get(fileURL); r.status != 200 || !strings.HasPrefix(r.body, "%PDF") {
			t.Errorf("fzk downloads the file: %d", r.status)
		}
		office := e.browser().login("office")
		page := office.get("/admin/practice/" + id)
		if page.status != 200 || !strings.Contains(page.body, "发布为工作动态</button>") {
			t.Fatalf("office page: %d", page.status)
		}
		news := e.mustTree(t).BySlug["gzdt"]
		if r := office.post("/admin/practice/"+id+"/publish", url.Values{"column_id": {"999999"}}); r.status != 422 {
			t.Errorf("publish in a wrong column: %d", r.status)
		}
		before := e.countItems(t)
		r2 := office.post("/admin/practice/"+id+"/publish", url.Values{"column_id": {strconv.FormatInt(news.ID, 10)}, "published_on": {"2025-03-12"}})
		if r2.status != 303 {
			t.Fatalf("publish: %d %s", r2.status, clipBody(r2.body))
		}
		if e.countItems(t) != before+1 {
			t.Fatalf("items: %d, want %d", e.countItems(t), before+1)
		}
		full, _ = e.srv.Practice.Get(context.Background(), e.site.ID, mustUser(t, e, "office"), sub.ID)
		it, err := e.cat.Item(context.Background(), e.site.ID, full.ItemID)
		if err != nil || !it.Public() || it.ColumnID != news.ID || it.DocType != "news" || it.DepartmentID != dept["fzk"] || it.PublishedOn != "2025-03-12" {
			t.Fatalf("published item: %v %+v", err, it)
		}
		if r := e.browser().get("/items/" + strconv.FormatInt(it.ID, 10)); r.status != 200 || !strings.Contains(r.body, "治治治") {
			t.Errorf("public item: %d", r.status)
		}
		// Once: a second publication is refused and adds nothing.
		if r := c.do(t, "POST", "/api/v1/practice/submissions/"+id+"/publish", "office", nil, fmt.Sprintf(`{"column_id":%d}`, news.ID)); r.status != 409 || e.countItems(t) != before+1 {
			t.Errorf("publish twice: %d", r.status)
		}
		var audits int
		e.db.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE target = $1`, "practice:"+id).Scan(&audits)
		if audits < 6 { // submit, review, forward, used, attach, publish
			t.Errorf("audit entries: %d", audits)
		}

		// The demo year and its statistics.
		if err := e.srv.LoadPracticeDemo(context.Background(), e.site.ID); err != nil {
			t.Fatal(err)
		}
		r = c.do(t, "GET", "/api/v1/practice/stats?year=2025", "", nil, "")
		var st practice.Stats
		if r.status != 200 || json.Unmarshal([]byte(r.body), &st) != nil {
			t.Fatalf("stats: %d %s", r.status, clipBody(r.body))
		}
		// LoadDemo does nothing on a site with submissions: the one above.
		if st.Total.Submitted != 1 || st.Total.Selected != 1 || st.Total.Forwarded != 1 || st.Total.Used != 1 || st.Total.Published != 1 {
			t.Errorf("stats: %+v", st.Total)
		}
		if r := c.do(t, "GET", "/api/v1/practice/stats?year=99", "", nil, ""); r.status != 422 {
			t.Errorf("bad year: %d", r.status)
		}
		pub := e.browser()
		if r := pub.get("/practice/stats?year=2025"); r.status != 200 || !strings.Contains(r.body, "法制科") || strings.Contains(r.body, long) {
			t.Errorf("public stats: %d", r.status)
		}
		if r := pub.get("/practice/stats.csv?year=2025"); r.status != 200 || !strings.Contains(r.body, "法制科,1,1,1,1,1") || !strings.Contains(r.body, "合计,1,1,1,1,1") {
			t.Errorf("csv: %d %s", r.status, clipBody(r.body))
		}
		if r := pub.get("/practice/stats.xlsx?year=2025"); r.status != 200 || !strings.HasPrefix(r.body, "PK") {
			t.Errorf("xlsx: %d", r.status)
		}
	})
}

// TestPracticeDemo loads the demo year on a fresh site: 20 submissions
// across the five departments, the counts per department add up, and three
// are published as 工作动态.
func TestPracticeDemo(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		if err := e.srv.LoadPracticeDemo(context.Background(), e.site.ID); err != nil {
			t.Fatal(err)
		}
		st, err := e.srv.Practice.YearStats(context.Background(), e.site.ID, 2025)
		if err != nil {
			t.Fatal(err)
		}
		if st.Total.Submitted != 20 || st.Total.Selected != 11 || st.Total.Forwarded != 7 || st.Total.Used != 5 || st.Total.Published != 3 || len(st.Departments) != 5 {
			t.Errorf("demo stats: %+v (%d departments)", st.Total, len(st.Departments))
		}
		office := e.browser().login("office")
		if r := office.get("/admin/practice?year=2025"); r.status != 200 || !strings.Contains(r.body, "共 20 份材料") {
			t.Errorf("office list: %d", r.status)
		}
		if r := e.browser().login("pfk").get("/admin/practice?year=2025"); r.status != 200 || !strings.Contains(r.body, "共 4 份材料") || strings.Contains(r.body, "首违不罚") {
			t.Errorf("pfk list: %d", r.status)
		}
	})
}

func mustUser(t *testing.T, e *env, name string) *auth.User {
	t.Helper()
	u, err := e.au.UserByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
