package blob

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"
	"unicode/utf16"

	"gongkai/internal/errs"
)

// opener opens an empty store for a test and returns it with the local
// directory where its files (and uploads in progress) can be seen.
type opener func(t *testing.T) (*Store, string)

// mustOpen opens a store in a fresh directory and returns it with the
// directory.
func mustOpen(t *testing.T) (*Store, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := OpenFS(dir)
	if err != nil {
		t.Fatalf("OpenFS: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

// files lists the regular files under dir, relative to it.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Samples of each accepted kind, built here rather than checked in.

// pdfWith is a small PDF whose catalogue object is obj.
func pdfWith(obj string) []byte {
	return []byte("%PDF-1.7\n1 0 obj\n" + obj + "\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
}

func samplePDF() []byte {
	return []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
}

func sampleImage(t *testing.T, encode func(io.Writer, image.Image) error) []byte {
	t.Helper()
	img := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.White, color.Black})
	var b bytes.Buffer
	if err := encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sampleWebP() []byte {
	// A RIFF header with a VP8L chunk; detection only reads the header.
	body := []byte("WEBPVP8L\x05\x00\x00\x00\x2f\x00\x00\x00\x00\x00")
	b := []byte("RIFF")
	b = binary.LittleEndian.AppendUint32(b, uint32(len(body)))
	return append(b, body...)
}

func sampleZIP(t *testing.T, names ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><x/>`)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sampleDocx(t *testing.T) []byte {
	return sampleZIP(t, "[Content_Types].xml", "_rels/.rels", "word/document.xml", "docProps/core.xml")
}

// cfbEntry is a directory entry of a compound file built by sampleCFB.
type cfbEntry struct {
	name               string
	typ                byte
	left, right, child uint32
}

const (
	endOfChain = 0xFFFFFFFE
	freeSect   = 0xFFFFFFFF
	fatSect    = 0xFFFFFFFD
)

// sampleCFB builds a version 3 compound file: the header, one FAT sector and
// the directory. Streams are empty, which the format allows.
func sampleCFB(entries []cfbEntry) []byte {
	return sampleCFBVersion(3, entries)
}

// sampleCFBVersion builds a compound file of major version 3 (512-byte
// sectors) or 4 (4096-byte sectors).
func sampleCFBVersion(version uint16, entries []cfbEntry) []byte {
	ss, shift := 512, uint16(9)
	if version == 4 {
		ss, shift = 4096, 12
	}
	le := binary.LittleEndian
	nDir := (len(entries)*128 + ss - 1) / ss
	buf := make([]byte, ss*(2+nDir))
	h := buf[:ss]
	copy(h, sigOLE2)
	le.PutUint16(h[0x18:], 0x3E)
	le.PutUint16(h[0x1A:], version)
	le.PutUint16(h[0x1C:], 0xFFFE)
	le.PutUint16(h[0x1E:], shift)
	le.PutUint16(h[0x20:], 6)
	le.PutUint32(h[0x2C:], 1) // FAT sectors
	le.PutUint32(h[0x30:], 1) // first directory sector
	le.PutUint32(h[0x38:], 4096)
	le.PutUint32(h[0x3C:], endOfChain)
	le.PutUint32(h[0x44:], endOfChain)
	for i := range 109 {
		le.PutUint32(h[0x4C+4*i:], freeSect)
	}
	le.PutUint32(h[0x4C:], 0) // the FAT is sector 0

	fat := buf[ss : 2*ss]
	for i := range ss / 4 {
		le.PutUint32(fat[4*i:], freeSect)
	}
	le.PutUint32(fat[0:], fatSect)
	for i := 1; i <= nDir; i++ {
		next := uint32(i + 1)
		if i == nDir {
			next = endOfChain
		}
		le.PutUint32(fat[4*i:], next)
	}

	dir := buf[2*ss:]
	for i := range len(dir) / 128 {
		e := dir[i*128:][:128]
		le.PutUint32(e[0x44:], freeSect)
		le.PutUint32(e[0x48:], freeSect)
		le.PutUint32(e[0x4C:], freeSect)
		if i >= len(entries) {
			continue
		}
		en := entries[i]
		u := utf16.Encode([]rune(en.name))
		for j, c := range u {
			le.PutUint16(e[2*j:], c)
		}
		le.PutUint16(e[0x40:], uint16(2*len(u)+2))
		e[0x42] = en.typ
		e[0x43] = 1 // black
		le.PutUint32(e[0x44:], en.left)
		le.PutUint32(e[0x48:], en.right)
		le.PutUint32(e[0x4C:], en.child)
		le.PutUint32(e[0x74:], endOfChain)
	}
	return buf
}

// sampleOLE2 builds a compound file whose root holds the named streams.
func sampleOLE2(streams ...string) []byte {
	entries := []cfbEntry{{name: "Root Entry", typ: cfbTypeRoot, left: freeSect, right: freeSect, child: 1}}
	for i, s := range streams {
		right := uint32(i + 2)
		if i == len(streams)-1 {
			right = freeSect
		}
		entries = append(entries, cfbEntry{name: s, typ: 2, left: freeSect, right: right, child: freeSect})
	}
	if len(streams) == 0 {
		entries[0].child = freeSect
	}
	return sampleCFB(entries)
}

func TestPutAccepts(t *testing.T) { testPutAccepts(t, mustOpen) }

func testPutAccepts(t *testing.T, open opener) {
	s, _ := open(t)
	tests := []struct {
		name     string
		content  []byte
		wantMIME string
	}{
		{"报告.pdf", samplePDF(), "application/pdf"},
		{"C:\\Users\\张三\\扫描件.PDF", samplePDF(), "application/pdf"},
		{"photo.jpg", sampleImage(t, func(w io.Writer, m image.Image) error { return jpeg.Encode(w, m, nil) }), "image/jpeg"},
		{"photo.jpeg", sampleImage(t, func(w io.Writer, m image.Image) error { return jpeg.Encode(w, m, nil) }), "image/jpeg"},
		{"组织机构图.png", sampleImage(t, png.Encode), "image/png"},
		{"动图.gif", sampleImage(t, func(w io.Writer, m image.Image) error { return gif.Encode(w, m, nil) }), "image/gif"},
		{"a.webp", sampleWebP(), "image/webp"},
		{"通知.doc", sampleOLE2("\x01CompObj", "WordDocument", "1Table"), "application/msword"},
		{"通知.wps", sampleOLE2("WordDocument", "1Table"), "application/msword"},
		{"预算.xls", sampleOLE2("Workbook", "\x05SummaryInformation"), "application/vnd.ms-excel"},
		{"预算95.xls", sampleOLE2("Book"), "application/vnd.ms-excel"},
		{"预算.et", sampleOLE2("Workbook"), "application/vnd.ms-excel"},
		{"汇报.ppt", sampleOLE2("PowerPoint Document", "Current User"), "application/vnd.ms-powerpoint"},
		{"汇报.dps", sampleOLE2("PowerPoint Document"), "application/vnd.ms-powerpoint"},
		{"通知.docx", sampleDocx(t), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"预算.xlsx", sampleZIP(t, "[Content_Types].xml", "xl/workbook.xml"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"汇报.pptx", sampleZIP(t, "[Content_Types].xml", "ppt/presentation.xml"), "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
		{"公文.ofd", sampleZIP(t, "OFD.xml", "Doc_0/Document.xml", "Doc_0/Pages/Page_0/Content.xml"), "application/ofd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := s.Put(context.Background(), bytes.NewReader(tt.content), tt.name, 1<<20)
			if err != nil {
				t.Fatalf("Put: %v", err)
			}
			sum := sha256.Sum256(tt.content)
			if b.MIME != tt.wantMIME || b.Size != int64(len(tt.content)) || b.SHA256 != hex.EncodeToString(sum[:]) {
				t.Errorf("Put = %+v, want MIME %s, size %d", b, tt.wantMIME, len(tt.content))
			}
			if b.Ext != extOf(tt.name) || !validKey(b.Key) {
				t.Errorf("Put = %+v: bad ext or key", b)
			}
			f, err := s.Open(b.Key)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer f.Close()
			got, err := io.ReadAll(f)
			if err != nil || !bytes.Equal(got, tt.content) {
				t.Errorf("Open read %d bytes, err %v; want the content back", len(got), err)
			}
		})
	}
}

func TestPutRefuses(t *testing.T) { testPutRefuses(t, mustOpen) }

func testPutRefuses(t *testing.T, open opener) {
	html := []byte("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>")
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), make([]byte, 64)...)
	svg := []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>`)
	tests := []struct {
		name    string
		content []byte
		want    error
	}{
		{"html as pdf", html, ErrType},
		{"html with pdf header later", append([]byte("<html><script>alert(1)</script>"), samplePDF()...), ErrType},
		{"exe", exe, ErrType},
		{"exe as pdf", exe, ErrType},
		{"svg", svg, ErrType},
		{"svg as png", svg, ErrType},
		{"html", html, ErrType},
		{"plain zip", sampleZIP(t, "a.txt"), ErrType},
		{"plain zip as docx", sampleZIP(t, "a.txt", "word/document.xml"), ErrType},
		{"text as pdf", []byte("just some text"), ErrType},
		{"zip with junk before", append([]byte("<html>"), sampleDocx(t)...), ErrType},
		{"truncated zip as docx", sampleDocx(t)[:40], ErrType},
		{"msi-like ole2 as doc", sampleOLE2("\u4840\u3b3f\u4577"), ErrType},
		{"empty ole2 as doc", sampleOLE2(), ErrType},
		{"truncated ole2 as doc", sampleOLE2("WordDocument")[:300], ErrType},
		{"encrypted ooxml as docx", sampleOLE2("EncryptionInfo", "EncryptedPackage"), ErrType},
		{"macro docx", sampleZIP(t, "[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"), ErrMacro},
		{"pdf with javascript", pdfWith("<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"), ErrScript},
		{"pdf with escaped javascript name", pdfWith("<< /Type /Catalog /OpenAction << /S /J#61vaScript /J#53 (x) >> >>"), ErrScript},
		{"pdf with launch action", pdfWith("<< /Type /Catalog /OpenAction << /S /Launch /F (cmd.exe) >> >>"), ErrScript},
		{"pdf with javascript past the first chunk", pdfWith(strings.Repeat("% padding\n", 8000) + "<< /S/JavaScript/JS(x) >>"), ErrScript},
		{"pdf as docx", samplePDF(), ErrMismatch},
		{"docx as pdf", sampleDocx(t), ErrMismatch},
		{"xls as doc", sampleOLE2("Workbook"), ErrMismatch},
		{"png as jpg", sampleImage(t, png.Encode), ErrMismatch},
		{"no extension", samplePDF(), ErrType},
		{"empty", nil, ErrEmpty},
	}
	names := map[string]string{
		"html as pdf": "x.pdf", "html with pdf header later": "x.pdf", "exe": "setup.exe",
		"exe as pdf": "x.pdf", "svg": "logo.svg", "svg as png": "logo.png", "html": "page.html",
		"plain zip": "a.zip", "plain zip as docx": "a.docx", "text as pdf": "a.pdf",
		"zip with junk before": "a.docx", "truncated zip as docx": "a.docx",
		"msi-like ole2 as doc": "a.doc", "empty ole2 as doc": "a.doc", "truncated ole2 as doc": "a.doc",
		"encrypted ooxml as docx": "a.docx", "macro docx": "a.docx", "pdf as docx": "a.docx",
		"pdf with javascript": "a.pdf", "pdf with escaped javascript name": "a.pdf", "pdf with launch action": "a.pdf",
		"pdf with javascript past the first chunk": "a.pdf",
		"docx as pdf": "a.pdf", "xls as doc": "a.doc", "png as jpg": "a.jpg", "no extension": "README",
		"empty": "a.pdf",
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, dir := open(t)
			_, err := s.Put(context.Background(), bytes.NewReader(tt.content), names[tt.name], 1<<20)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Put(%s) error = %v, want %v", names[tt.name], err, tt.want)
			}
			if errs.CodeOf(err) != errs.Invalid || errs.MessageOf(err) == "" {
				t.Errorf("Put error %v: code %s, want a user message", err, errs.CodeOf(err))
			}
			if left := files(t, dir); len(left) != 0 {
				t.Errorf("refused Put left files: %v", left)
			}
		})
	}
}

func TestPutMessages(t *testing.T) { testPutMessages(t, mustOpen) }

func testPutMessages(t *testing.T, open opener) {
	s, _ := open(t)
	_, err := s.Put(context.Background(), bytes.NewReader(samplePDF()), "a.docx", 1<<20)
	if got, want := errs.MessageOf(err), "文件扩展名 .docx 与文件内容（PDF）不符"; got != want {
		t.Errorf("mismatch message = %q, want %q", got, want)
	}
	_, err = s.Put(context.Background(), bytes.NewReader(samplePDF()), "a.exe", 1<<20)
	if got, want := errs.MessageOf(err), "不支持的文件类型：仅允许 PDF、Word、Excel、PowerPoint、WPS、OFD 和图片"; got != want {
		t.Errorf("type message = %q, want %q", got, want)
	}
}

func TestPutSizeLimit(t *testing.T) { testPutSizeLimit(t, mustOpen) }

func testPutSizeLimit(t *testing.T, open opener) {
	s, dir := open(t)
	pdf := append(samplePDF(), bytes.Repeat([]byte("%"), 1000)...)
	limit := int64(len(pdf))

	if _, err := s.Put(context.Background(), bytes.NewReader(pdf), "a.pdf", limit); err != nil {
		t.Fatalf("Put at the limit: %v", err)
	}
	before := files(t, dir)

	big := append(pdf, '\n')
	_, err := s.Put(context.Background(), bytes.NewReader(big), "a.pdf", limit)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Put over the limit: error = %v, want ErrTooLarge", err)
	}
	if got := errs.MessageOf(err); !strings.Contains(got, "上限") {
		t.Errorf("message = %q, want it to name the limit", got)
	}
	if after := files(t, dir); len(after) != len(before) {
		t.Errorf("Put over the limit left files: %v", after)
	}

	// A never-ending reader is cut off at the limit, not read to the end.
	_, err = s.Put(context.Background(), infinitePDF{}, "a.pdf", 20<<20)
	if !errors.Is(err, ErrTooLarge) || errs.MessageOf(err) != "文件大小超过 20 MB 的上限" {
		t.Errorf("Put of endless reader: %v (%q)", err, errs.MessageOf(err))
	}

	if _, err := s.Put(context.Background(), bytes.NewReader(pdf), "a.pdf", 0); err == nil {
		t.Error("Put with limit 0 succeeded")
	}
}

type infinitePDF struct{}

func (infinitePDF) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '%'
	}
	return len(p), nil
}

func TestPutFailureLeavesNothing(t *testing.T) { testPutFailureLeavesNothing(t, mustOpen) }

func testPutFailureLeavesNothing(t *testing.T, open opener) {
	s, dir := open(t)
	boom := errors.New("connection reset")
	r := io.MultiReader(bytes.NewReader(samplePDF()), iotest.ErrReader(boom))
	if _, err := s.Put(context.Background(), r, "a.pdf", 1<<20); !errors.Is(err, boom) {
		t.Fatalf("Put error = %v, want %v", err, boom)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Put(ctx, bytes.NewReader(samplePDF()), "a.pdf", 1<<20); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put with cancelled context: error = %v", err)
	}
	if left := files(t, dir); len(left) != 0 {
		t.Errorf("failed Put left files: %v", left)
	}
}

func TestOpenRejectsBadKeys(t *testing.T) { testOpenRejectsBadKeys(t, mustOpen) }

func testOpenRejectsBadKeys(t *testing.T, open opener) {
	s, dir := open(t)
	// A file that a traversal could reach if keys were used as paths.
	secret := filepath.Join(filepath.Dir(dir), "secret-"+filepath.Base(dir))
	if err := os.WriteFile(secret, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(secret) })

	b, err := s.Put(context.Background(), bytes.NewReader(samplePDF()), "a.pdf", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{
		"",
		"..",
		"../x",
		"../secret-" + filepath.Base(dir),
		"/etc/passwd",
		secret,
		".tmp",
		strings.ToUpper(b.Key),
		b.Key[:31],
		b.Key + "0",
		keyPath(b.Key),
		b.Key[:30] + "/.",
		b.Key[:31] + "\x00",
		b.Key[:31] + "g",
		"0123456789abcdef0123456789abcdeF",
		"00000000000000000000000000000000",
	} {
		if f, err := s.Open(key); !errors.Is(err, ErrNotFound) {
			if f != nil {
				f.Close()
			}
			t.Errorf("Open(%q) error = %v, want ErrNotFound", key, err)
		}
		if err := s.Delete(key); !errors.Is(err, ErrNotFound) {
			t.Errorf("Delete(%q) error = %v, want ErrNotFound", key, err)
		}
	}
	if _, err := os.Stat(secret); err != nil {
		t.Errorf("outside file gone: %v", err)
	}
	if f, err := s.Open(b.Key); err != nil {
		t.Errorf("Open(valid key) = %v", err)
	} else {
		f.Close()
	}
}

func TestOpenDoesNotFollowSymlinkOut(t *testing.T) {
	s, dir := mustOpen(t)
	outside := t.TempDir()
	key := "abcd" + strings.Repeat("0", 28)
	if err := os.MkdirAll(filepath.Join(outside, "cd"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "cd", key), []byte("outside"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "ab")); err != nil {
		t.Skipf("symlinks unsupported: %v", err)
	}
	if f, err := s.Open(key); err == nil {
		f.Close()
		t.Fatal("Open followed a symlink out of the store")
	}
}

func TestDelete(t *testing.T) { testDelete(t, mustOpen) }

func testDelete(t *testing.T, open opener) {
	s, dir := open(t)
	b, err := s.Put(context.Background(), bytes.NewReader(samplePDF()), "a.pdf", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(b.Key); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := s.Open(b.Key); !errors.Is(err, ErrNotFound) {
		t.Errorf("Open after Delete: %v, want ErrNotFound", err)
	}
	if err := s.Delete(b.Key); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Delete: %v, want ErrNotFound", err)
	}
	if code := errs.CodeOf(s.Delete(b.Key)); code != errs.NotFound {
		t.Errorf("Delete of a missing key: code %s, want %s", code, errs.NotFound)
	}
	if left := files(t, dir); len(left) != 0 {
		t.Errorf("files left after Delete: %v", left)
	}
}

func TestConcurrentPut(t *testing.T) { testConcurrentPut(t, mustOpen) }

func testConcurrentPut(t *testing.T, open opener) {
	s, _ := open(t)
	const n = 32
	var (
		mu   sync.Mutex
		keys = map[string]bool{}
		wg   sync.WaitGroup
	)
	for i := range n {
		wg.Go(func() {
			content := append(samplePDF(), byte(i))
			b, err := s.Put(context.Background(), bytes.NewReader(content), "a.pdf", 1<<20)
			if err != nil {
				t.Errorf("Put: %v", err)
				return
			}
			f, err := s.Open(b.Key)
			if err != nil {
				t.Errorf("Open: %v", err)
				return
			}
			got, _ := io.ReadAll(f)
			f.Close()
			if !bytes.Equal(got, content) {
				t.Errorf("content of %s differs", b.Key)
			}
			mu.Lock()
			keys[b.Key] = true
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(keys) != n {
		t.Errorf("%d distinct keys, want %d", len(keys), n)
	}
}

func TestOpenFSRemovesStaleUploads(t *testing.T) {
	s, dir := mustOpen(t)
	s.Close()
	stale := filepath.Join(dir, tmpDir, "stale.part")
	fresh := filepath.Join(dir, tmpDir, "fresh.part")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	s2, err := OpenFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stale upload kept: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh upload removed: %v", err)
	}
}

func TestNestedOLE2Storage(t *testing.T) {
	// A Word document embedding an Excel workbook: the workbook's stream
	// sits in a child storage, not under the root, so this is Word.
	doc := sampleCFB([]cfbEntry{
		{name: "Root Entry", typ: cfbTypeRoot, left: freeSect, right: freeSect, child: 1},
		{name: "WordDocument", typ: 2, left: freeSect, right: 2, child: freeSect},
		{name: "ObjectPool", typ: 1, left: freeSect, right: freeSect, child: 3},
		{name: "Workbook", typ: 2, left: freeSect, right: freeSect, child: freeSect},
	})
	k, err := detect(bytes.NewReader(doc), int64(len(doc)))
	if err != nil || k != kindDoc {
		t.Errorf("detect = %v, %v; want Word", k, err)
	}
	// A sibling cycle must not hang detection.
	loop := sampleCFB([]cfbEntry{
		{name: "Root Entry", typ: cfbTypeRoot, left: freeSect, right: freeSect, child: 1},
		{name: "A", typ: 2, left: freeSect, right: 2, child: freeSect},
		{name: "B", typ: 2, left: 1, right: freeSect, child: freeSect},
	})
	if _, err := detect(bytes.NewReader(loop), int64(len(loop))); err == nil {
		t.Error("detect accepted a directory cycle")
	}
	// Version 4 files use 4096-byte sectors.
	v4 := sampleCFBVersion(4, []cfbEntry{
		{name: "Root Entry", typ: cfbTypeRoot, left: freeSect, right: freeSect, child: 1},
		{name: "Workbook", typ: 2, left: freeSect, right: freeSect, child: freeSect},
	})
	if k, err := detect(bytes.NewReader(v4), int64(len(v4))); err != nil || k != kindXLS {
		t.Errorf("detect(v4) = %v, %v; want Excel", k, err)
	}
	// A version that does not match the sector size is refused.
	bad := sampleOLE2("WordDocument")
	binary.LittleEndian.PutUint16(bad[0x1A:], 4)
	if _, err := detect(bytes.NewReader(bad), int64(len(bad))); err == nil {
		t.Error("detect accepted version 4 with 512-byte sectors")
	}
}

func TestExtOf(t *testing.T) {
	for in, want := range map[string]string{
		"a.pdf":                   ".pdf",
		"报告.PDF":                  ".pdf",
		`C:\Documents\通知.Docx`:    ".docx",
		"/home/u/x.tar.gz":        ".gz",
		"README":                  "",
		"a.pdf ":                  ".pdf",
		"dir.pdf/evil":            "",
		"../../etc/passwd":        "",
		"report.pdf.exe":          ".exe",
		"file.":                   ".",
		"":                        "",
		"..\\..\\windows\\a.docx": ".docx",
	} {
		if got := extOf(in); got != want {
			t.Errorf("extOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{
		20 << 20:   "20 MB",
		3 << 19:    "1.5 MB",
		300 << 10:  "300 KB",
		500:        "500 字节",
		100 << 20:  "100 MB",
		1<<20 + 1:  "1 MB",
		(1 << 30):  "1024 MB",
		2<<20 - 10: "1.9 MB",
	} {
		if got := formatSize(n); got != want {
			t.Errorf("formatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func FuzzDetect(f *testing.F) {
	f.Add(samplePDF())
	f.Add(pdfWith("<< /S /J#61vaScript /JS (x) >>"))
	f.Add(sampleOLE2("WordDocument", "1Table"))
	f.Add(sampleWebP())
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := detect(bytes.NewReader(b), int64(len(b)))
		if (k == nil) == (err == nil) {
			t.Fatalf("detect = %v, %v", k, err)
		}
	})
}
