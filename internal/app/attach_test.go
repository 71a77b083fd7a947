package app

import (
	"bytes"
	"context"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gongkai/internal/blob"
	"gongkai/internal/blob/blobtest"
	"gongkai/internal/store/storetest"
	"gongkai/internal/web"
)

func (b *browser) upload(path, field, name string, content []byte) resp {
	b.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", b.csrf)
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", b.e.ts.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

var attachmentRE = regexp.MustCompile(`href="/attachments/(\d+)"`)

func TestAttachments(t *testing.T) {
	t.Parallel()
	eachEnv(t, attachmentsFlow)
}

// TestAttachmentsS3 is TestAttachments with the attachments in a real
// S3-compatible server (what `serve --blob s3://…` opens): refusals, the
// staff download of a draft's file, the public download once published
// (whole and ranged) and deletion.
func TestAttachmentsS3(t *testing.T) {
	t.Parallel()
	s3 := blobtest.Start(t)
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			bucket, dir := s3.Bucket(t)
			cfg, err := blob.ParseS3URL(s3.URL(bucket))
			if err != nil {
				t.Fatal(err)
			}
			blobs, err := blob.OpenS3(context.Background(), cfg, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { blobs.Close() })
			e := newEnvBlobs(t, d, web.Options{}, blobs)
			attachmentsFlow(t, e)
			// The demo's images and the flow's files went to the bucket.
			n := 0
			filepath.WalkDir(dir, func(_ string, de fs.DirEntry, _ error) error {
				if de != nil && de.Type().IsRegular() {
					n++
				}
				return nil
			})
			if n == 0 {
				t.Error("no object in the bucket")
			}
		})
	}
}

func attachmentsFlow(t *testing.T, e *env) {
	editor := e.browser().login("fzk")
	tree := e.mustTree(t)
	r := editor.post("/admin/items", url.Values{"doc_type": {"general"}, "column_id": {itoa(tree.BySlug["qzqd"].ID)}, "title": {"附件测试"},
		"disclosure": {"proactive"}, "body": {"<p>正文</p>"}})
	m := itemIDRE.FindStringSubmatch(r.location)
	if m == nil {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	id := m[1]
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

	cases := []struct {
		name, file string
		content    []byte
		status     int
		want       string
	}{
		{"html disguised as pdf", "通知.pdf", []byte("<html><script>alert(1)</script></html>"), 422, "不支持的文件类型"},
		{"exe", "setup.exe", []byte("MZ\x90\x00"), 422, "不支持"},
		{"extension mismatch", "通知.docx", pdf, 422, "不符"},
		{"too large", "big.pdf", append(append([]byte{}, pdf...), bytes.Repeat([]byte("x"), 2<<20)...), 422, "过大"},
		{"pdf", "../../etc/关于印发办法的通知.pdf", pdf, http.StatusSeeOther, ""},
	}
	for _, c := range cases {
		r := editor.upload("/admin/items/"+id+"/attachments", "file", c.file, c.content)
		if r.status != c.status {
			t.Errorf("%s: status %d, want %d", c.name, r.status, c.status)
		}
		if c.want != "" && !strings.Contains(r.body, c.want) {
			t.Errorf("%s: lacks %q", c.name, c.want)
		}
	}
	page := editor.get("/admin/items/" + id)
	mustContain(t, page.body, "关于印发办法的通知.pdf")
	mustNotContain(t, page.body, "../")
	am := attachmentRE.FindStringSubmatch(page.body)
	if am == nil {
		t.Fatal("no attachment link")
	}
	// Staff may download a draft's file; the public may not.
	r = editor.get("/attachments/" + am[1])
	if r.status != 200 || r.body != string(pdf) {
		t.Fatalf("staff download: %d %s", r.status, r.body)
	}
	if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
		t.Errorf("Content-Disposition %q", cd)
	}
	if r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("Content-Type") != "application/pdf" {
		t.Errorf("headers: %v", r.header)
	}
	if r := e.browser().get("/attachments/" + am[1]); r.status != 404 {
		t.Errorf("public download of a draft's file: %d", r.status)
	}
	// Another department cannot add files: its draft is not there for them (404).
	other := e.browser().login("pfk")
	if r := other.upload("/admin/items/"+id+"/attachments", "file", "a.pdf", pdf); r.status != http.StatusNotFound {
		t.Errorf("other department upload: %d", r.status)
	}
	// After publishing the public can download it.
	editor.post("/admin/items/"+id+"/submit", nil)
	office := e.browser().login("office")
	if r := office.post("/admin/items/"+id+"/publish", nil); r.status != http.StatusSeeOther {
		t.Fatalf("publish: %d", r.status)
	}
	pub := e.browser()
	if r := pub.get("/attachments/" + am[1]); r.status != 200 || r.body != string(pdf) {
		t.Errorf("public download: %d %q", r.status, r.body)
	}
	req, _ := http.NewRequest("GET", e.ts.URL+"/attachments/"+am[1], nil)
	req.Header.Set("Range", "bytes=1-3")
	if r := pub.do(req); r.status != http.StatusPartialContent || r.body != "PDF" {
		t.Errorf("ranged public download: %d %q", r.status, r.body)
	}
	itemPage := pub.get("/items/" + id).body
	mustContain(t, itemPage, "附件", "关于印发办法的通知.pdf", `href="/attachments/`+am[1]+`"`)
	// Deleting removes it from the page and the store.
	page = office.get("/admin/items/" + id)
	if r := office.post("/admin/items/"+id+"/attachments/"+am[1]+"/delete", nil); r.status != http.StatusSeeOther {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if r := pub.get("/attachments/" + am[1]); r.status != 404 {
		t.Errorf("deleted attachment: %d", r.status)
	}
}
