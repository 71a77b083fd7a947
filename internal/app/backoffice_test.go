package app

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"gongkai/internal/catalog"
)

// Issue 15, the back office's workflow points: restoring a withdrawn
// item, proposed changes to published items, attachments before the
// first save, the document pickers and the merge after a conflict.

// postMultipart submits form and files (field name → file name → content)
// as multipart/form-data with the session's form token.
func (b *browser) postMultipart(path string, form url.Values, files map[string][]byte) resp {
	b.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if form.Get("csrf") == "" {
		mw.WriteField("csrf", b.csrf)
	}
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for name, content := range files {
		fw, _ := mw.CreateFormFile("files", name)
		fw.Write(content)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", b.e.ts.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

// publishedOf returns a published item of the department (abbreviation)
// and type, with its index number.
func (e *env) publishedOf(t *testing.T, dept, docType string) (id, indexNo, title string) {
	t.Helper()
	var n int64
	err := e.db.R.QueryRow(`SELECT i.id, i.index_no, i.title FROM items i JOIN departments d ON d.id = i.department_id
		WHERE d.abbr = $1 AND i.doc_type = $2 AND i.status = 'published' AND i.site_id = $3 ORDER BY i.id LIMIT 1`, dept, docType, e.site.ID).Scan(&n, &indexNo, &title)
	if err != nil {
		t.Fatalf("published %s %s: %v", dept, docType, err)
	}
	return itoa(n), indexNo, title
}

func (e *env) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.db.R.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestRestoreWithdrawnItem(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		office := e.browser().login("office")
		id, indexNo, title := e.publishedOf(t, "fzk", "policy")
		if indexNo == "" {
			t.Fatal("published item without index number")
		}
		if r := office.post("/admin/items/"+id+"/withdraw", url.Values{"reason": {"内容待核实"}}); r.status != http.StatusSeeOther {
			t.Fatalf("withdraw: %d %s", r.status, clipBody(r.body))
		}
		if r := e.browser().get("/items/" + id); r.status != http.StatusGone {
			t.Fatalf("withdrawn public page: %d", r.status)
		}
		page := office.get("/admin/items/" + id)
		mustContain(t, page.body, "恢复并重新发布", "沿用原索引号", indexNo)
		// Only the office restores: the department's editor sees no button and is refused.
		editor := e.browser().login("fzk")
		mustNotContain(t, editor.get("/admin/items/"+id).body, `action="/admin/items/`+id+`/republish"`)
		if r := editor.post("/admin/items/"+id+"/republish", nil); r.status != http.StatusForbidden {
			t.Errorf("editor restore: %d", r.status)
		}
		if r := office.post("/admin/items/"+id+"/republish", url.Values{"comment": {strings.Repeat("长", 501)}}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("overlong restore note: %d", r.status)
		}
		r := office.post("/admin/items/"+id+"/republish", url.Values{"comment": {"核实无误，恢复公开"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("restore: %d %s", r.status, clipBody(r.body))
		}
		pub := e.browser().get("/items/" + id)
		if pub.status != 200 {
			t.Fatalf("restored public page: %d", pub.status)
		}
		mustContain(t, pub.body, html.EscapeString(title), indexNo[strings.LastIndex(indexNo, "/")+1:])
		var now string
		e.db.R.QueryRow(`SELECT index_no FROM items WHERE id = $1`, id).Scan(&now)
		if now != indexNo {
			t.Errorf("index number %q after restore, want %q", now, indexNo)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM item_events WHERE item_id = $1 AND action = 'republish' AND comment LIKE '%核实无误%'`, id); n != 1 {
			t.Errorf("ledger republish events: %d", n)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'item.republish' AND target = $1`, "item:"+id); n != 1 {
			t.Errorf("audit republish entries: %d", n)
		}
		mustContain(t, office.get("/admin/items/"+id).body, "恢复并重新发布", "核实无误，恢复公开")
		// A published item is not restored again.
		if r := office.post("/admin/items/"+id+"/republish", nil); r.status != http.StatusConflict {
			t.Errorf("restore of a published item: %d", r.status)
		}
	})
}

func TestProposedChangeToPublishedItem(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		id, _, title := e.publishedOf(t, "fzk", "policy")
		editor := e.browser().login("fzk")
		page := editor.get("/admin/items/" + id)
		mustContain(t, page.body, `href="/admin/items/`+id+`/propose"`, "提出修改")
		r := editor.get("/admin/items/" + id + "/propose")
		if r.status != 200 {
			t.Fatalf("propose form: %d", r.status)
		}
		mustContain(t, r.body, "提出修改：", "网站上仍显示当前版本", `action="/admin/items/`+id+`/propose"`, "修改说明")
		// Another department's editor cannot propose (the item is public, so 403).
		other := e.browser().login("pfk")
		if r := other.get("/admin/items/" + id + "/propose"); r.status != http.StatusForbidden {
			t.Errorf("other department's propose form: %d", r.status)
		}
		form := e.editForm(t, id)
		form.Set("version", "0")
		newTitle := title + "（修订）"
		form.Set("title", newTitle)
		form.Set("body", form.Get("body")+"<p>新增一段：本通知自发布之日起施行。</p>")
		// No change note: refused, nothing recorded.
		if r := editor.post("/admin/items/"+id+"/propose", form); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("proposal without note: %d", r.status)
		} else {
			mustContain(t, r.body, "请填写修改说明")
		}
		if n := e.count(t, `SELECT COUNT(*) FROM item_proposals`); n != 0 {
			t.Fatalf("%d proposals after a refusal", n)
		}
		form.Set("change_note", "补充施行日期")
		if r := editor.post("/admin/items/"+id+"/propose", form); r.status != http.StatusSeeOther {
			t.Fatalf("propose: %d %s", r.status, clipBody(r.body))
		}
		// The published version stays online.
		pub := e.browser().get("/items/" + id)
		mustContain(t, pub.body, html.EscapeString(title))
		mustNotContain(t, pub.body, "本通知自发布之日起施行", html.EscapeString(newTitle))
		// The reviewer sees the difference, field by field and line by line,
		// and finds it on the workbench.
		reviewer := e.browser().login("reviewer")
		mustContain(t, reviewer.get("/admin").body, "待我审核的修改提议", `href="/admin/items/`+id+`#h-proposal"`)
		rp := reviewer.get("/admin/items/" + id)
		mustContain(t, rp.body, "修改提议：修改待审核", "与网站上当前版本的差异", "<del>"+html.EscapeString(title)+"</del>",
			"<ins>"+html.EscapeString(newTitle)+"</ins>", "<ins><span class=\"vh\">新增：</span>新增一段：本通知自发布之日起施行。</ins>", "修改审核通过", "退回修改提议")
		if r := reviewer.post("/admin/items/"+id+"/propose-return", url.Values{"comment": {""}}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("return without comment: %d", r.status)
		}
		if r := reviewer.post("/admin/items/"+id+"/propose-return", url.Values{"comment": {"请写明施行日期"}}); r.status != http.StatusSeeOther {
			t.Fatalf("return proposal: %d %s", r.status, clipBody(r.body))
		}
		r = editor.get("/admin/items/" + id + "/propose")
		mustContain(t, r.body, "审核人退回了上一次提出的修改：请写明施行日期", html.EscapeString(newTitle))
		m := versionRE.FindStringSubmatch(r.body)
		form.Set("version", m[1])
		if r := editor.post("/admin/items/"+id+"/propose", form); r.status != http.StatusSeeOther {
			t.Fatalf("propose again: %d %s", r.status, clipBody(r.body))
		}
		// The office cannot publish a proposal the editor changed meanwhile… it
		// publishes the open one, after review.
		if r := reviewer.post("/admin/items/"+id+"/propose-approve", nil); r.status != http.StatusSeeOther {
			t.Fatalf("approve proposal: %d %s", r.status, clipBody(r.body))
		}
		if r := reviewer.post("/admin/items/"+id+"/propose-publish", nil); r.status != http.StatusForbidden {
			t.Errorf("reviewer publishes proposal: %d", r.status)
		}
		// While approved, the editor cannot replace it.
		if r := editor.post("/admin/items/"+id+"/propose", form); r.status != http.StatusConflict {
			t.Errorf("propose over an approved proposal: %d", r.status)
		}
		office := e.browser().login("office")
		mustContain(t, office.get("/admin").body, "待审核和待发布的修改提议", `href="/admin/items/`+id+`#h-proposal"`)
		mustContain(t, office.get("/admin/items/"+id).body, "修改审核通过，待发布", "发布修改")
		if r := office.post("/admin/items/"+id+"/propose-publish", nil); r.status != http.StatusSeeOther {
			t.Fatalf("publish proposal: %d %s", r.status, clipBody(r.body))
		}
		pub = e.browser().get("/items/" + id)
		mustContain(t, pub.body, html.EscapeString(newTitle), "本通知自发布之日起施行", "补充施行日期")
		for _, a := range []string{"item.propose", "item.propose_return", "item.propose_approve", "item.propose_publish", "item.revise"} {
			if n := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = $1 AND target = $2`, a, "item:"+id); n == 0 {
				t.Errorf("no %s in the audit log", a)
			}
		}
		if n := e.count(t, `SELECT COUNT(*) FROM item_proposals WHERE item_id = $1 AND status = 'published'`, id); n != 1 {
			t.Errorf("published proposals: %d", n)
		}
		// The office's own change needs no proposal; it may not propose.
		if r := office.get("/admin/items/" + id + "/propose"); r.status != http.StatusForbidden {
			t.Errorf("office propose form: %d", r.status)
		}
	})
}

// TestProposalSkippedReviewAndStale: the office publishing an unreviewed
// proposal is recorded as such; a proposal made against an older version
// is refused rather than overwriting the newer one.
func TestProposalSkippedReviewAndStale(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		id, _, title := e.publishedOf(t, "fzk", "policy")
		editor := e.browser().login("fzk")
		office := e.browser().login("office")
		form := e.editForm(t, id)
		form.Set("version", "0")
		form.Set("change_note", "更正摘要")
		form.Set("summary", "更正后的摘要")
		if r := editor.post("/admin/items/"+id+"/propose", form); r.status != http.StatusSeeOther {
			t.Fatalf("propose: %d %s", r.status, clipBody(r.body))
		}
		// The office revises the item directly meanwhile.
		direct := e.editForm(t, id)
		direct.Set("change_note", "更正标题")
		direct.Set("title", title+"（更正）")
		if r := office.post("/admin/items/"+id, direct); r.status != http.StatusSeeOther {
			t.Fatalf("direct revision: %d %s", r.status, clipBody(r.body))
		}
		r := office.post("/admin/items/"+id+"/propose-publish", nil)
		if r.status != http.StatusConflict {
			t.Fatalf("stale proposal published: %d", r.status)
		}
		mustContain(t, r.body, "请退回起草科室按当前版本重新提出")
		// Proposed again on the current version, published without review.
		form = e.editForm(t, id)
		form.Set("change_note", "更正摘要")
		form.Set("summary", "更正后的摘要")
		m := versionRE.FindStringSubmatch(editor.get("/admin/items/" + id + "/propose").body)
		form.Set("version", m[1])
		if r := editor.post("/admin/items/"+id+"/propose", form); r.status != http.StatusSeeOther {
			t.Fatalf("propose again: %d %s", r.status, clipBody(r.body))
		}
		if r := office.post("/admin/items/"+id+"/propose-publish", nil); r.status != http.StatusSeeOther {
			t.Fatalf("publish unreviewed proposal: %d %s", r.status, clipBody(r.body))
		}
		if n := e.count(t, `SELECT COUNT(*) FROM item_events WHERE item_id = $1 AND action = 'propose_publish' AND comment LIKE '%未经科室审核%'`, id); n != 1 {
			t.Errorf("skipped review not in the ledger (%d)", n)
		}
		mustContain(t, e.browser().get("/items/"+id).body, "更正后的摘要", html.EscapeString(title+"（更正）"))
	})
}

func TestAttachmentsBeforeFirstSave(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		editor := e.browser().login("fzk")
		tree := e.mustTree(t)
		page := editor.get("/admin/items/new?type=general&column=qzqd")
		mustContain(t, page.body, `enctype="multipart/form-data"`, `name="files"`, "随草稿一起上传")
		pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
		form := url.Values{"doc_type": {"general"}, "column_id": {itoa(tree.BySlug["qzqd"].ID)}, "title": {"起草时带附件"},
			"disclosure": {"proactive"}, "body": {"<p>正文</p>"}}
		// A refused draft keeps nothing: no item, no attachment, no file.
		before, files := e.countItems(t), e.count(t, `SELECT COUNT(*) FROM attachments`)
		bad := cloneForm(form)
		bad.Del("title")
		r := editor.postMultipart("/admin/items", bad, map[string][]byte{"清单.pdf": pdf})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("invalid draft with file: %d", r.status)
		}
		// The file chosen is held for the corrected form (issue 15).
		mustContain(t, r.body, "请填写信息名称", "清单.pdf", `name="pending"`, "已暂存")
		heldID := regexp.MustCompile(`name="pending" value="(\d+)"`).FindStringSubmatch(r.body)
		// A file the store refuses (not an accepted type) refuses the draft too.
		r = editor.postMultipart("/admin/items", form, map[string][]byte{"run.exe": []byte("MZ\x90\x00binary")})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("draft with a refused file: %d %s", r.status, clipBody(r.body))
		}
		mustContain(t, r.body, "run.exe")
		if e.countItems(t) != before || e.count(t, `SELECT COUNT(*) FROM attachments`) != files {
			t.Fatal("a refused draft left an item or attachment behind")
		}
		r = editor.postMultipart("/admin/items", form, map[string][]byte{"清单.pdf": pdf, "说明.pdf": pdf})
		m := itemIDRE.FindStringSubmatch(r.location)
		if m == nil {
			t.Fatalf("create with files: %d %s", r.status, clipBody(r.body))
		}
		if n := e.count(t, `SELECT COUNT(*) FROM attachments WHERE item_id = $1`, m[1]); n != 2 {
			t.Fatalf("attachments saved with the draft: %d", n)
		}
		mustContain(t, editor.get("/admin/items/"+m[1]).body, "清单.pdf", "说明.pdf", "草稿")
		if n := e.count(t, `SELECT COUNT(*) FROM item_events WHERE item_id = $1 AND action = 'attach'`, m[1]); n != 2 {
			t.Errorf("ledger attach events: %d", n)
		}
		// The corrected form of the refused draft saves the held file.
		if heldID == nil {
			t.Fatal("no held file after the refused draft")
		}
		fixed := cloneForm(form)
		fixed.Set("title", "改正后的草稿")
		fixed.Set("pending", heldID[1])
		r = editor.postMultipart("/admin/items", fixed, nil)
		m = itemIDRE.FindStringSubmatch(r.location)
		if m == nil {
			t.Fatalf("corrected draft: %d %s", r.status, clipBody(r.body))
		}
		mustContain(t, editor.get("/admin/items/"+m[1]).body, "清单.pdf")
	})
}

var baseRE = regexp.MustCompile(`name="base" value="([^"]+)"`)

func TestDocumentPickers(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		editor := e.browser().login("fzk")
		_, _, title := e.publishedOf(t, "fzk", "policy")
		q := []rune(title)
		part := string(q[len(q)/3 : len(q)/3+4])
		// The staff search endpoint (for the script).
		r := editor.get("/admin/items/lookup?picker=successor&type=policy&q=" + url.QueryEscape(part))
		if r.status != 200 {
			t.Fatalf("lookup: %d %s", r.status, r.body)
		}
		var out struct {
			Items []struct {
				ID    int64
				Title string
			}
		}
		if err := json.Unmarshal([]byte(r.body), &out); err != nil || len(out.Items) == 0 {
			t.Fatalf("lookup body %s: %v", clipBody(r.body), err)
		}
		found := false
		for _, x := range out.Items {
			found = found || x.Title == title
			if !strings.Contains(x.Title, part) && x.Title != title {
				// doc_no/index_no may match instead; titles are what we asked.
				_ = x
			}
		}
		if !found {
			t.Errorf("lookup for %q lacks %q", part, title)
		}
		if r := editor.get("/admin/items/lookup?picker=nope&type=policy&q=x"); r.status != http.StatusUnprocessableEntity && r.status != http.StatusBadRequest {
			t.Errorf("bad picker: %d", r.status)
		} else if !strings.Contains(r.body, `"error"`) {
			t.Errorf("bad picker body: %s", r.body)
		}
		if r := e.browser().get("/admin/items/lookup?picker=successor&type=policy&q=x"); r.status == 200 {
			t.Error("lookup answered without a session")
		}
		// Without script: the form's 查找 button shows the hits, nothing saved.
		tree := e.mustTree(t)
		page := editor.get("/admin/items/new?type=interpretation")
		mustContain(t, page.body, `data-picker="interprets"`, `name="interprets_q"`, `value="find_interprets"`)
		mustNotContain(t, page.body, "Ctrl")
		before := e.countItems(t)
		form := url.Values{"doc_type": {"interpretation"}, "title": {"选择文件测试"}, "op": {"find_interprets"}, "interprets_q": {part}}
		r = editor.post("/admin/items", form)
		if r.status != 200 {
			t.Fatalf("find step: %d %s", r.status, clipBody(r.body))
		}
		if e.countItems(t) != before {
			t.Fatal("the find step saved the draft")
		}
		mustContain(t, r.body, html.EscapeString(title), `name="interprets"`, "请勾选", `value="选择文件测试"`)
		// The successor of a policy, by title.
		pid, _, _ := e.publishedOf(t, "fzk", "policy")
		pform := e.editForm(t, pid)
		_ = tree
		pform.Set("op", "find_successor")
		pform.Set("successor_q", part)
		office := e.browser().login("office")
		r = office.post("/admin/items/"+pid, pform)
		if r.status != 200 {
			t.Fatalf("find successor: %d", r.status)
		}
		mustContain(t, r.body, `type="radio" name="successor_id"`, html.EscapeString(title))
		mustNotContain(t, r.body, "信息 ID")
	})
}

func TestConflictShowsTheOtherChange(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		tree := e.mustTree(t)
		a := e.browser().login("fzk")
		r := a.post("/admin/items", url.Values{"doc_type": {"general"}, "column_id": {itoa(tree.BySlug["qzqd"].ID)}, "title": {"合并测试"},
			"summary": {"原摘要"}, "disclosure": {"proactive"}, "body": {"<p>第一段</p>"}})
		m := itemIDRE.FindStringSubmatch(r.location)
		if m == nil {
			t.Fatalf("create: %d %s", r.status, clipBody(r.body))
		}
		id := m[1]
		b := e.browser().login("office")
		// Both open the form on the same version.
		base := baseRE.FindStringSubmatch(a.get("/admin/items/" + id + "/edit").body)
		if base == nil {
			t.Fatal("no base signatures on the edit form")
		}
		form := e.editForm(t, id)
		form.Set("base", html.UnescapeString(base[1]))
		first := cloneForm(form)
		first.Set("title", "合并测试（办公室改）")
		first.Set("body", "<p>第一段</p><p>办公室加的段落</p>")
		if r := b.post("/admin/items/"+id, first); r.status != http.StatusSeeOther {
			t.Fatalf("first save: %d %s", r.status, clipBody(r.body))
		}
		second := cloneForm(form)
		second.Set("summary", "编辑改的摘要")
		second.Set("body", "<p>第一段</p><p>编辑加的段落</p>")
		second.Del("csrf")
		r = a.post("/admin/items/"+id, second)
		if r.status != http.StatusConflict {
			t.Fatalf("stale save: %d", r.status)
		}
		// The other person's change, field by field: the title only they
		// changed is taken, the body both changed is a clash to choose.
		mustContain(t, r.body, "他人的修改", "办公室（政务公开）", "已采用对方的修改", "信息名称", "合并测试（办公室改）",
			`name="take" value="body"`, "办公室加的段落", "编辑加的段落", ">编辑改的摘要</textarea>")
		mv := versionRE.FindStringSubmatch(r.body)
		if mv == nil || mv[1] == form.Get("version") {
			t.Fatalf("merge form keeps the old version: %v", mv)
		}
		// Saving the merged form succeeds, choosing the other body.
		merged := cloneForm(second)
		merged.Set("version", mv[1])
		merged.Set("title", "合并测试（办公室改）")
		merged.Set("base", html.UnescapeString(baseRE.FindStringSubmatch(r.body)[1]))
		merged.Add("take", "body")
		if r := a.post("/admin/items/"+id, merged); r.status != http.StatusSeeOther {
			t.Fatalf("merged save: %d %s", r.status, clipBody(r.body))
		}
		var title, summary, body string
		e.db.R.QueryRow(`SELECT title, summary, body FROM items WHERE id = $1`, id).Scan(&title, &summary, &body)
		if title != "合并测试（办公室改）" || summary != "编辑改的摘要" || !strings.Contains(body, "办公室加的段落") || strings.Contains(body, "编辑加的段落") {
			t.Errorf("merged item: %q %q %q", title, summary, body)
		}
	})
}

// TestFindStepKeepsFiles: without script, the pickers' 查找 submits the
// whole form; the files chosen so far are held as pending uploads, shown
// ticked, and saved with the draft; an unticked one is not; another
// editor cannot take them (issue 15).
func TestFindStepKeepsFiles(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		editor := e.browser().login("fzk")
		pid, _, title := e.publishedOf(t, "fzk", "policy")
		q := []rune(title)
		part := string(q[len(q)/3 : len(q)/3+4])
		pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
		tree := e.mustTree(t)
		var col string
		for _, c := range tree.ByID {
			if c.Holds("interpretation") {
				col = itoa(c.ID)
				break
			}
		}
		form := url.Values{"doc_type": {"interpretation"}, "column_id": {col}, "title": {"查找后保留附件"}, "disclosure": {"proactive"}, "form": {"文字解读"},
			"summary": {"摘要保留"}, "body": {"<p>正文保留</p>"}, "op": {"find_interprets"}, "interprets_q": {part}}
		before, atts := e.countItems(t), e.count(t, `SELECT COUNT(*) FROM attachments`)
		r := editor.postMultipart("/admin/items", form, map[string][]byte{"解读图表.pdf": pdf, "背景材料.pdf": pdf})
		if r.status != 200 {
			t.Fatalf("find step: %d %s", r.status, clipBody(r.body))
		}
		if e.countItems(t) != before || e.count(t, `SELECT COUNT(*) FROM attachments`) != atts {
			t.Fatal("the find step saved something")
		}
		// Everything typed is there, the hits too, and both files, held.
		mustContain(t, r.body, `value="查找后保留附件"`, ">摘要保留</textarea>", "正文保留", html.EscapeString(title), "解读图表.pdf", "背景材料.pdf", "已暂存")
		mustNotContain(t, r.body, "请重新选择附件")
		held := regexp.MustCompile(`name="pending" value="(\d+)" checked> ([^（]+)（`).FindAllStringSubmatch(r.body, -1)
		if len(held) != 2 {
			t.Fatalf("held files: %v", held)
		}
		// Another editor cannot claim them.
		other := e.browser().login("office")
		theirs := cloneForm(form)
		theirs.Del("op")
		theirs.Set("title", "别人的草稿")
		theirs.Set("interprets", pid)
		theirs.Set("department_id", itoa(int64(e.count(t, `SELECT id FROM departments WHERE abbr = 'fzk' AND site_id = $1`, e.site.ID))))
		theirs["pending"] = []string{held[0][1], held[1][1]}
		if r := other.postMultipart("/admin/items", theirs, nil); r.status != http.StatusSeeOther {
			t.Fatalf("other's save: %d %s", r.status, regexp.MustCompile(`field-error[^<]*<`).FindAllString(r.body, -1))
		} else if m := itemIDRE.FindStringSubmatch(r.location); m == nil || e.count(t, `SELECT COUNT(*) FROM attachments WHERE item_id = $1`, m[1]) != 0 {
			t.Fatal("another editor took the held files")
		}
		// A second 查找 keeps them too; then the save takes the ticked one.
		again := cloneForm(form)
		again["pending"] = []string{held[0][1], held[1][1]}
		r = editor.postMultipart("/admin/items", again, nil)
		mustContain(t, r.body, "解读图表.pdf", "背景材料.pdf")
		save := cloneForm(form)
		save.Del("op")
		save.Set("interprets", pid)
		save["pending"] = []string{held[0][1]} // the second unticked
		r = editor.postMultipart("/admin/items", save, map[string][]byte{"新选.pdf": pdf})
		m := itemIDRE.FindStringSubmatch(r.location)
		if m == nil {
			t.Fatalf("save: %d %s", r.status, clipBody(r.body))
		}
		var names []string
		rows, err := e.db.R.Query(`SELECT name FROM attachments WHERE item_id = $1 ORDER BY sort, id`, m[1])
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var n string
			rows.Scan(&n)
			names = append(names, n)
		}
		rows.Close()
		if strings.Join(names, ",") != held[0][2]+",新选.pdf" {
			t.Errorf("saved attachments: %v (held %s)", names, held[0][2])
		}
		if n := e.count(t, `SELECT COUNT(*) FROM pending_uploads WHERE id = $1`, held[0][1]); n != 0 {
			t.Errorf("the saved file is still held")
		}
		// The unticked one is purged with its file once stale.
		var key string
		if err := e.db.R.QueryRow(`SELECT blob_key FROM pending_uploads WHERE id = $1`, held[1][1]).Scan(&key); err != nil {
			t.Fatal(err)
		}
		if n, err := e.cat.PurgePendingUploads(context.Background(), e.srv.Blobs, time.Now().Add(catalog.PendingUploadTTL+time.Hour)); err != nil || n < 1 {
			t.Fatalf("purge: %d %v", n, err)
		}
		if f, err := e.srv.Blobs.Open(key); err == nil {
			f.Close()
			t.Error("the stale held file is still stored")
		}
		var attached string
		if err := e.db.R.QueryRow(`SELECT blob_key FROM attachments WHERE item_id = $1 AND name = $2`, m[1], held[0][2]).Scan(&attached); err != nil {
			t.Fatal(err)
		}
		if f, err := e.srv.Blobs.Open(attached); err != nil {
			t.Error("the saved file was deleted")
		} else {
			f.Close()
		}
	})
}
