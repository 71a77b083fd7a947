package app

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongkai/internal/catalog"
	"gongkai/internal/demo"
	"gongkai/internal/extract/docgen"
)

// A DOCX uploaded through the back-office form has its text stored with it;
// a PDF the extractor cannot read is still accepted, with no text.
func TestUploadStoresAttachmentText(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		editor := e.browser().login("fzk")
		tree := e.mustTree(t)
		r := editor.post("/admin/items", url.Values{"doc_type": {"general"}, "column_id": {itoa(tree.BySlug["qzqd"].ID)}, "title": {"附件文字测试"},
			"disclosure": {"proactive"}, "body": {"<p>正文</p>"}})
		m := itemIDRE.FindStringSubmatch(r.location)
		if m == nil {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		id := m[1]
		docx := docgen.DOCX{Header: "临沂市法律援助中心", Body: []docgen.Block{
			{Text: "法律援助申请表", Heading: true},
			{Table: [][]string{{"申请人姓名", "张三"}, {"申请事项", "请求支付劳动报酬"}}},
		}}.Bytes()
		if r := editor.upload("/admin/items/"+id+"/attachments", "file", "法律援助申请表.docx", docx); r.status != http.StatusSeeOther {
			t.Fatalf("upload docx: %d %s", r.status, r.body)
		}
		broken := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
		if r := editor.upload("/admin/items/"+id+"/attachments", "file", "坏.pdf", broken); r.status != http.StatusSeeOther {
			t.Fatalf("upload broken pdf: %d %s", r.status, r.body)
		}
		var itemID int64
		for _, c := range id {
			itemID = itemID*10 + int64(c-'0')
		}
		texts, err := e.cat.AttachmentTexts(context.Background(), e.site.ID, itemID)
		if err != nil {
			t.Fatal(err)
		}
		if len(texts) != 2 || texts[0].Name != "法律援助申请表.docx" || texts[1].Name != "坏.pdf" || texts[1].Text != "" {
			t.Fatalf("texts = %q", texts)
		}
		if want := "法律援助申请表\n申请人姓名 张三\n申请事项 请求支付劳动报酬\n临沂市法律援助中心"; texts[0].Text != want {
			t.Errorf("docx text %q, want %q", texts[0].Text, want)
		}
		var status string
		if err := e.db.R.QueryRow(`SELECT text_status FROM attachments WHERE name = $1`, "坏.pdf").Scan(&status); err != nil || status != "failed" {
			t.Errorf("broken pdf status %q %v", status, err)
		}
	})
}

// The demo's attachments carry words found nowhere else on the site, so a
// search for them can only succeed through the extracted text.
func TestDemoAttachmentText(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		all, err := e.cat.AttachmentTextsOf(context.Background(), e.site.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		joined := ""
		for _, s := range all {
			joined += s + "\n"
		}
		for _, name := range []string{"法律援助申请表.docx", "临沂市司法局行政执法公示办法（全文）.pdf", "2021年上半年全市司法行政业务数据.xlsx"} {
			if !strings.Contains(joined, name+"\n") {
				t.Errorf("demo attachment %s missing", name)
			}
		}
		for _, w := range demo.AttachmentWords {
			if !strings.Contains(joined, w) {
				t.Errorf("attachment texts lack %q", w)
			}
			var n int
			if err := e.db.R.QueryRow(`SELECT COUNT(*) FROM items WHERE title LIKE $1 OR body LIKE $1 OR fields LIKE $1`, "%"+w+"%").Scan(&n); err != nil || n != 0 {
				t.Errorf("%q appears in %d items (%v): it should be only inside attachments", w, n, err)
			}
			// The site search finds the item by the words of its file.
			r := e.browser().get("/search?q=" + url.QueryEscape(w))
			if r.status != 200 || !strings.Contains(r.body, `class="hits"`) {
				t.Errorf("search for %q (only in an attachment): %d, no hits", w, r.status)
			}
		}
	})
}

// The background jobs read, once, the files attached before extraction
// existed.
func TestBackgroundBackfillsText(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		data := docgen.DOCX{Body: []docgen.Block{{Text: "迁移前上传的附件"}}}.Bytes()
		b, err := e.srv.Blobs.Put(ctx, bytes.NewReader(data), "旧.docx", 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		office, err := e.au.UserByName(ctx, "office")
		if err != nil {
			t.Fatal(err)
		}
		id, _ := strconv.ParseInt(e.itemID(t, "法律援助申请办事指南"), 10, 64)
		a := &catalog.Attachment{BlobKey: b.Key, Name: "旧.docx", Size: b.Size, MIME: b.MIME, SHA256: b.SHA256}
		if err := e.cat.Attach(ctx, office, e.site.ID, id, a); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { e.srv.Background(ctx, time.Hour); close(done) }()
		deadline := time.Now().Add(10 * time.Second)
		for {
			var text, status string
			if err := e.db.R.QueryRow(`SELECT text, text_status FROM attachments WHERE id = $1`, a.ID).Scan(&text, &status); err != nil {
				t.Fatal(err)
			}
			if status == catalog.TextDone && text == "迁移前上传的附件" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("not backfilled: %q %q", status, text)
			}
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		<-done
	})
}
