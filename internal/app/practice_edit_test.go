package app

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"gongkai/internal/practice"
)

// A submission is the department's to edit until the office reviews it
// (page and API; others refused; audited), and its files go with the 工作动态
// item published from it as copies: detaching the item's copy leaves the
// submission's file — over HTTP on both databases.
func TestPracticeEditAndPublishedFiles(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := newAPIClient(t, e)
		r := c.do(t, "POST", "/api/v1/practice/submissions", "fzk", nil, `{"kind":"case","title":"初稿标题","body":"<p>初稿正文</p>","submitted_on":"2025-03-02"}`)
		if r.status != 201 {
			t.Fatalf("submit: %d %s", r.status, r.body)
		}
		var sub practice.Submission
		json.Unmarshal([]byte(r.body), &sub)
		id := strconv.FormatInt(sub.ID, 10)

		fzk := e.browser().login("fzk")
		page := fzk.get("/admin/practice/" + id)
		mustContain(t, page.body, "修改材料", `value="初稿标题"`)
		if r := fzk.post("/admin/practice/"+id+"/edit", url.Values{"kind": {"practice"}, "title": {""}, "body": {"<p>x</p>"}}); r.status != 422 || !strings.Contains(r.body, "请填写标题") {
			t.Errorf("empty title: %d", r.status)
		}
		if r := fzk.post("/admin/practice/"+id+"/edit", url.Values{"kind": {"practice"}, "title": {"修改后的标题"}, "body": {"<p>修改后的正文</p><script>x</script>"}, "submitted_on": {"2025-03-03"}}); r.status != 303 {
			t.Fatalf("edit: %d %s", r.status, clipBody(r.body))
		}
		got, _ := e.srv.Practice.Get(ctx, e.site.ID, mustUser(t, e, "office"), sub.ID)
		if got.Title != "修改后的标题" || got.Kind != "practice" || got.SubmittedOn != "2025-03-03" || strings.Contains(got.Body, "script") || got.DepartmentID != sub.DepartmentID {
			t.Errorf("after the edit: %+v", got)
		}
		// Another department: as if it did not exist; a reviewer may not edit.
		if r := c.do(t, "PUT", "/api/v1/practice/submissions/"+id, "pfk", nil, `{"kind":"case","title":"冒改","body":"<p>x</p>"}`); r.status != 404 {
			t.Errorf("pfk edits: %d", r.status)
		}
		if r := c.do(t, "PUT", "/api/v1/practice/submissions/"+id, "reviewer", nil, `{"kind":"case","title":"审核人改","body":"<p>x</p>"}`); r.status != 403 {
			t.Errorf("reviewer edits: %d %s", r.status, r.body)
		}
		if r := c.do(t, "PUT", "/api/v1/practice/submissions/"+id, "fzk", nil, `{"kind":"case","title":"接口修改","body":"<p>接口正文</p>"}`); r.status != 200 || !strings.Contains(r.body, "接口修改") {
			t.Errorf("API edit: %d %s", r.status, r.body)
		}
		var edits int
		e.db.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'practice.edit' AND target = $1`, "practice:"+id).Scan(&edits)
		if edits != 2 {
			t.Errorf("edit audit entries: %d", edits)
		}

		// Two files, then the office selects it: no more edits.
		pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
		for _, name := range []string{"材料一.pdf", "材料二.pdf"} {
			if up := fzk.upload("/admin/practice/"+id+"/files", "file", name, pdf); up.status != 303 {
				t.Fatalf("upload: %d", up.status)
			}
		}
		if r := c.do(t, "POST", "/api/v1/practice/submissions/"+id+"/review", "office", nil, `{"status":"selected","rating":4}`); r.status != 200 {
			t.Fatalf("review: %d", r.status)
		}
		if r := c.do(t, "PUT", "/api/v1/practice/submissions/"+id, "fzk", nil, `{"kind":"case","title":"审核后修改","body":"<p>x</p>"}`); r.status != 409 || !strings.Contains(r.body, "不能再修改") {
			t.Errorf("edit after review: %d %s", r.status, r.body)
		}
		if strings.Contains(fzk.get("/admin/practice/"+id).body, "修改材料") {
			t.Error("the edit form is offered after the review")
		}
		news := e.mustTree(t).BySlug["gzdt"]
		if r := c.do(t, "POST", "/api/v1/practice/submissions/"+id+"/publish", "office", nil, `{"column_id":`+strconv.FormatInt(news.ID, 10)+`}`); r.status != 200 && r.status != 201 {
			t.Fatalf("publish: %d %s", r.status, r.body)
		}
		got, _ = e.srv.Practice.Get(ctx, e.site.ID, mustUser(t, e, "office"), sub.ID)
		atts, err := e.cat.Attachments(ctx, e.site.ID, got.ItemID)
		if err != nil || len(atts) != 2 || atts[0].Name != "材料一.pdf" || atts[1].Name != "材料二.pdf" {
			t.Fatalf("item attachments: %v %+v", err, atts)
		}
		if atts[0].BlobKey == got.Files[0].BlobKey || atts[0].SHA256 != got.Files[0].SHA256 {
			t.Errorf("the item's file is not a copy: %+v / %+v", atts[0], got.Files[0])
		}
		item := e.browser().get("/items/" + strconv.FormatInt(got.ItemID, 10))
		mustContain(t, item.body, "材料一.pdf", "材料二.pdf")
		// Detach the copy from the item: the submission's file stays readable.
		office := e.browser().login("office")
		if r := office.post("/admin/items/"+strconv.FormatInt(got.ItemID, 10)+"/attachments/"+strconv.FormatInt(atts[0].ID, 10)+"/delete", nil); r.status != 303 {
			t.Errorf("detach: %d", r.status)
		}
		if r := fzk.get("/admin/practice/files/" + strconv.FormatInt(got.Files[0].ID, 10)); r.status != 200 || !strings.HasPrefix(r.body, "%PDF") {
			t.Errorf("the submission's file after the detach: %d", r.status)
		}
	})
}
