package catalog_test

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"gongkai/internal/blob"
	"gongkai/internal/catalog"
	"gongkai/internal/extract/docgen"
)

// putFile stores data in blobs as an upload would and describes it.
func putFile(t *testing.T, blobs *blob.Store, name string, data []byte) *catalog.Attachment {
	t.Helper()
	b, err := blobs.Put(context.Background(), bytes.NewReader(data), name, 1<<20)
	if err != nil {
		t.Fatalf("put %s: %v", name, err)
	}
	return &catalog.Attachment{BlobKey: b.Key, Name: name, Size: b.Size, MIME: b.MIME, SHA256: b.SHA256}
}

func openBlobs(t *testing.T) *blob.Store {
	t.Helper()
	blobs, err := blob.OpenFS(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	return blobs
}

func quietLog(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError}))
}

// The text read at upload is stored with the attachment row and read back
// per item and for a whole site; unpublished items are not in the rebuild.
func TestAttachmentText(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		blobs := openBlobs(t)
		pub := f.published(f.input("general", "法律援助"))
		draft := f.create(f.fzkEditor, f.input("general", "草稿"))
		docx := putFile(t, blobs, "申请表.docx", docgen.DOCX{Body: []docgen.Block{{Text: "法律援助申请表"}, {Table: [][]string{{"经济困难状况", "说明"}}}}}.Bytes())
		pdf := putFile(t, blobs, "办法.pdf", docgen.PDF{Lines: []string{"关于印发《临沂市法律援助工作办法》的通知"}}.Bytes())
		png := putFile(t, blobs, "图.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"))
		broken := putFile(t, blobs, "坏.pdf", []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))
		hidden := putFile(t, blobs, "内部.docx", docgen.DOCX{Body: []docgen.Block{{Text: "内部草稿材料"}}}.Bytes())
		for _, a := range []*catalog.Attachment{docx, pdf, png, broken} {
			catalog.ExtractText(f.ctx, blobs, a, quietLog(t))
			f.must(f.cat.Attach(f.ctx, f.office, f.site.ID, pub.ID, a))
		}
		catalog.ExtractText(f.ctx, blobs, hidden, quietLog(t))
		f.must(f.cat.Attach(f.ctx, f.fzkEditor, f.site.ID, draft.ID, hidden))

		status := map[string]string{}
		rows, err := f.db.R.Query(`SELECT name, text_status FROM attachments`)
		f.must(err)
		for rows.Next() {
			var n, s string
			f.must(rows.Scan(&n, &s))
			status[n] = s
		}
		f.must(rows.Err())
		rows.Close()
		want := map[string]string{"申请表.docx": "done", "办法.pdf": "done", "图.png": "none", "坏.pdf": "failed", "内部.docx": "done"}
		for n, s := range want {
			if status[n] != s {
				t.Errorf("%s: status %q, want %q", n, status[n], s)
			}
		}

		texts, err := f.cat.AttachmentTexts(f.ctx, f.site.ID, pub.ID)
		f.must(err)
		if len(texts) != 4 || texts[0].Name != "申请表.docx" || texts[0].Text != "法律援助申请表\n经济困难状况 说明" ||
			texts[1].Text != "关于印发《临沂市法律援助工作办法》的通知" || texts[2].Text != "" || texts[3].Text != "" {
			t.Errorf("AttachmentTexts = %q", texts)
		}
		if other, err := f.cat.AttachmentTexts(f.ctx, f.site.ID+1000, pub.ID); err != nil || len(other) != 0 {
			t.Errorf("another site's view: %v %v", other, err)
		}

		all, err := f.cat.AttachmentTextsOf(f.ctx, f.site.ID, nil)
		f.must(err)
		wantAll := "申请表.docx\n法律援助申请表\n经济困难状况 说明\n办法.pdf\n关于印发《临沂市法律援助工作办法》的通知\n图.png\n\n坏.pdf\n"
		if len(all) != 1 || all[pub.ID] != wantAll {
			t.Errorf("AttachmentTextsOf = %v", all)
		}
	})
}

// Files attached before extraction existed are read once by the backfill;
// the published item's files are announced so the index takes their text.
func TestBackfillAttachmentText(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		blobs := openBlobs(t)
		pub := f.published(f.input("general", "已发布"))
		draft := f.create(f.fzkEditor, f.input("general", "草稿"))
		// Attached without extraction: what rows from before 0014 look like.
		for _, a := range []*catalog.Attachment{
			putFile(t, blobs, "表.docx", docgen.DOCX{Body: []docgen.Block{{Text: "法律援助申请表"}}}.Bytes()),
			putFile(t, blobs, "数据.xlsx", docgen.XLSX{Rows: [][]string{{"县区"}, {"兰山区"}}}.Bytes()),
			putFile(t, blobs, "图.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR")),
		} {
			f.must(f.cat.Attach(f.ctx, f.office, f.site.ID, pub.ID, a))
		}
		f.must(f.cat.Attach(f.ctx, f.fzkEditor, f.site.ID, draft.ID, putFile(t, blobs, "草稿.pdf", docgen.PDF{Lines: []string{"草稿全文"}}.Bytes())))
		gone := putFile(t, blobs, "丢失.pdf", docgen.PDF{Lines: []string{"丢失"}}.Bytes())
		f.must(f.cat.Attach(f.ctx, f.office, f.site.ID, pub.ID, gone))
		f.must(blobs.Delete(gone.BlobKey))
		if n := f.count(`SELECT COUNT(*) FROM attachments WHERE text_status = 'pending'`); n != 5 {
			t.Fatalf("%d pending, want 5", n)
		}
		start := int64(f.count(`SELECT COALESCE(MAX(id), 0) FROM change_events`))

		n, err := f.cat.BackfillAttachmentText(f.ctx, blobs, quietLog(t))
		f.must(err)
		if n != 5 {
			t.Errorf("backfilled %d, want 5", n)
		}
		texts, err := f.cat.AttachmentTexts(f.ctx, f.site.ID, pub.ID)
		f.must(err)
		var got []string
		for _, x := range texts {
			got = append(got, x.Name+"="+x.Text)
		}
		if g := strings.Join(got, "|"); g != "表.docx=法律援助申请表|数据.xlsx=县区\n兰山区|图.png=|丢失.pdf=" {
			t.Errorf("texts = %q", g)
		}
		if d, err := f.cat.AttachmentTexts(f.ctx, f.site.ID, draft.ID); err != nil || len(d) != 1 || d[0].Text != "草稿全文" {
			t.Errorf("draft texts = %q %v", d, err)
		}
		if s := f.count(`SELECT COUNT(*) FROM attachments WHERE text_status = 'failed'`); s != 1 {
			t.Errorf("%d failed, want 1 (the missing file)", s)
		}
		// One event per published file with text; none for the draft.
		evs := f.newEvents(start)
		if k := kinds(evs); k != "item.files,item.files" {
			t.Errorf("events %s", k)
		}
		for _, e := range evs {
			if e.SubjectID != pub.ID {
				t.Errorf("event about item %d", e.SubjectID)
			}
		}
		// Once per file.
		if n, err := f.cat.BackfillAttachmentText(f.ctx, blobs, quietLog(t)); err != nil || n != 0 {
			t.Errorf("second backfill: %d %v", n, err)
		}
	})
}
