package extract_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"gongkai/internal/extract"
	"gongkai/internal/extract/docgen"
)

const title = "关于印发《临沂市法律援助工作办法》的通知"

func text(t *testing.T, name, mediaType string, b []byte, max int) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return extract.Text(ctx, name, mediaType, bytes.NewReader(b), int64(len(b)), max)
}

func TestFormats(t *testing.T) {
	body := "第一条 为了规范和促进法律援助工作，保障公民和有关当事人的合法权益，根据《中华人民共和国法律援助法》，结合本市实际，制定本办法。"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String("申请人,事项\n张三,劳动争议法律援助\n")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, file, mediaType string
		data                  []byte
		want                  []string // substrings of the text, in order
		not                   []string
	}{
		{name: "pdf identity-h", file: "通知.pdf", mediaType: extract.MediaPDF,
			data: docgen.PDF{Title: title, Lines: []string{title, body}}.Bytes(),
			want: []string{title, "保障公民和有关当事人的合法权益", "制定本办法。"}},
		{name: "pdf identity-h uncompressed", file: "a.pdf", mediaType: extract.MediaPDF,
			data: docgen.PDF{Lines: []string{title}, Raw: true}.Bytes(), want: []string{title}},
		{name: "pdf ucs2", file: "a.pdf", mediaType: extract.MediaPDF,
			data: docgen.PDF{Lines: []string{title, body}, Font: docgen.CJKUCS2}.Bytes(), want: []string{title, "法律援助法"}},
		{name: "pdf gbk", file: "a.pdf", mediaType: extract.MediaPDF,
			data: docgen.PDF{Lines: []string{title, body}, Font: docgen.CJKGBK}.Bytes(), want: []string{title, "法律援助法"}},
		{name: "pdf latin", file: "a.pdf", mediaType: extract.MediaPDF,
			data: docgen.PDF{Lines: []string{"Legal Aid Regulations (2021)", "Article 1 Café"}, Font: docgen.Latin}.Bytes(),
			want: []string{"Legal Aid Regulations (2021)\nArticle 1 Café"}},
		{name: "pdf many pages", file: "a.pdf", mediaType: extract.MediaPDF,
			data: docgen.PDF{Lines: repeat("第%d行 法律援助", 130)}.Bytes(), want: []string{"第1行", "第130行"}},
		{name: "docx", file: "表.docx", mediaType: extract.MediaDOCX,
			data: docgen.DOCX{Header: "临沂市司法局", Footer: "第 1 页", Body: []docgen.Block{
				{Text: "法律援助申请表", Heading: true},
				{Text: "申请人 & 代理人须如实填写。"},
				{Table: [][]string{{"姓名", "身份证号"}, {"张三", "3713"}}},
			}}.Bytes(),
			want: []string{"法律援助申请表\n申请人 & 代理人须如实填写。\n姓名 身份证号\n张三 3713", "临沂市司法局", "第 1 页"}},
		{name: "xlsx", file: "统计.xlsx", mediaType: extract.MediaXLSX,
			data: docgen.XLSX{Rows: [][]string{{"区县", "法律援助案件数"}, {"兰山区", "312"}, {"河东区", "<98>"}}}.Bytes(),
			want: []string{"区县\n法律援助案件数", "兰山区 312\n河东区 <98>"}},
		{name: "utf-8 text", file: "a.txt", mediaType: "text/plain; charset=utf-8",
			data: []byte("\xEF\xBB\xBF法律  援助\r\n\r\n\t申请\x00条件"), want: []string{"法律 援助\n申请条件"}},
		{name: "gb18030 csv", file: "a.csv", mediaType: "", data: []byte(gb), want: []string{"申请人,事项\n张三,劳动争议法律援助"}},
		{name: "image", file: "a.png", mediaType: "image/png", data: []byte("\x89PNG\r\n\x1a\n...."), want: []string{""}},
		{name: "legacy doc", file: "a.doc", mediaType: "application/msword", data: []byte{0xD0, 0xCF, 0x11, 0xE0}, want: []string{""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := text(t, c.file, c.mediaType, c.data, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			rest := got
			for _, w := range c.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("text %q lacks %q (in order)", got, w)
				}
				rest = rest[i+len(w):]
			}
			if !utf8.ValidString(got) || strings.ContainsRune(got, 0) {
				t.Errorf("text %q is not clean UTF-8", got)
			}
			if got != strings.TrimSpace(got) || strings.Contains(got, "  ") || strings.Contains(got, "\n\n") {
				t.Errorf("whitespace not normalised: %q", got)
			}
		})
	}
}

func repeat(format string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = strings.ReplaceAll(format, "%d", itoa(i+1))
	}
	return out
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// The limit is in bytes and never splits a character.
func TestMaxCutsOnRuneBoundary(t *testing.T) {
	docx := docgen.DOCX{Body: []docgen.Block{{Text: title}}}.Bytes()
	pdf := docgen.PDF{Lines: []string{title}}.Bytes()
	for _, max := range []int{1, 2, 3, 4, 5, 7, 10, 31} {
		for name, c := range map[string]struct {
			file, mt string
			data     []byte
		}{"docx": {"a.docx", extract.MediaDOCX, docx}, "pdf": {"a.pdf", extract.MediaPDF, pdf}, "txt": {"a.txt", "text/plain", []byte(title)}} {
			got, err := text(t, c.file, c.mt, c.data, max)
			if err != nil {
				t.Fatalf("%s max %d: %v", name, max, err)
			}
			if len(got) > max || !utf8.ValidString(got) || !strings.HasPrefix(title, got) || len(got) < max-3 {
				t.Errorf("%s max %d: %q", name, max, got)
			}
		}
	}
}

// A zip bomb: an entry that inflates far beyond MaxEntry, whether it says
// so in its header or lies about its size.
func TestZipBomb(t *testing.T) {
	const limit = 1 << 20
	defer extract.SetLimits(limit, extract.MaxInflate)()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("[Content_Types].xml")
	w.Write([]byte("<Types/>"))
	w, _ = zw.Create("word/document.xml")
	w.Write([]byte("<w:document><w:body><w:p><w:r><w:t>"))
	chunk := bytes.Repeat([]byte("法"), 1<<16)
	for n := 0; n < limit/len(chunk)+2; n++ {
		w.Write(chunk)
	}
	w.Write([]byte("</w:t></w:r></w:p></w:body></w:document>"))
	zw.Close()
	bomb := buf.Bytes()
	if len(bomb) > limit/100 {
		t.Fatalf("bomb is %d bytes: not a bomb", len(bomb))
	}
	if _, err := text(t, "a.docx", extract.MediaDOCX, bomb, 1<<30); !errors.Is(err, extract.ErrTooLarge) {
		t.Errorf("honest bomb: %v, want ErrTooLarge", err)
	}
	// The same entry claiming a small size in its headers: the reader
	// stops at MaxEntry.
	lying := lieAboutSize(t, bomb, "word/document.xml")
	start := time.Now()
	_, err := text(t, "a.docx", extract.MediaDOCX, lying, 1<<30)
	if err == nil {
		t.Errorf("lying bomb accepted")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("lying bomb took %v", d)
	}
}

// lieAboutSize rewrites the uncompressed size of an entry in the central
// directory to 100 bytes.
func lieAboutSize(t *testing.T, b []byte, name string) []byte {
	t.Helper()
	b = bytes.Clone(b)
	sig := []byte("PK\x01\x02")
	for i := bytes.Index(b, sig); i >= 0; {
		nlen := int(b[i+28]) | int(b[i+29])<<8
		if string(b[i+46:i+46+nlen]) == name {
			copy(b[i+24:i+28], []byte{100, 0, 0, 0})
			return b
		}
		j := bytes.Index(b[i+4:], sig)
		if j < 0 {
			break
		}
		i += 4 + j
	}
	t.Fatalf("entry %s not found", name)
	return nil
}

// Broken and hostile PDFs give an error, never a panic or a hang.
func TestHostilePDF(t *testing.T) {
	good := docgen.PDF{Lines: []string{title}, Raw: true}.Bytes()
	xref := bytes.LastIndex(good, []byte("\nxref\n")) + 1
	trailer := bytes.LastIndex(good, []byte("trailer\n"))
	cases := map[string][]byte{
		"truncated":      good[:len(good)/2],
		"garbage":        append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0xFF, '(', '[', '<'}, 1000)...),
		"no trailer":     good[:trailer],
		"only header":    []byte("%PDF-1.4\n%%EOF\n"),
		"looping prev":   bytes.Replace(good, []byte("/Size"), []byte("/Prev "+itoa(xref)+" /Size"), 1),
		"encrypted":      bytes.Replace(good, []byte("/Size"), []byte("/Encrypt <</Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4>> /Size"), 1),
		"huge size":      bytes.Replace(good, []byte("/Size"), []byte("/Size 9999999999 /X"), 1),
		"bad xref start": bytes.Replace(good, []byte("xref\n0 "), []byte("xref\n4000000000 "), 1),
		"page cycle":     fixXref(bytes.Replace(good, []byte("/Type /Page /Parent 2 0 R"), []byte("/Type /Pages /Kids [2 0 R 2 0 R] /Parent 2 0 R"), 1)),
	}
	// Object streams inside object streams: the library recurses until the
	// stack overflows (fatal, not a panic) unless the screen refuses them.
	for _, compress := range []bool{false, true} {
		cases["object stream in itself "+itoa(boolInt(compress))] = xrefStreamPDF(map[int]int{3: 3}, compress)
		cases["object streams in each other "+itoa(boolInt(compress))] = xrefStreamPDF(map[int]int{3: 4, 4: 3}, compress)
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			got, err := text(t, "a.pdf", extract.MediaPDF, b, 1<<20)
			if err == nil {
				t.Errorf("no error (text %q) from a broken file", got)
			}
			t.Log(err)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// A page without resources whose /Parent is itself: the library's
// inherited lookup would loop forever; the walk passes resources down.
func TestPDFParentCycle(t *testing.T) {
	b := docgen.PDF{Lines: []string{title}, Raw: true}.Bytes()
	page := regexp.MustCompile(`(\d+) 0 obj\n<</Type /Page /Parent 2 0 R /MediaBox \[0 0 595 842\] (/Resources <</Font <</F1 \d+ 0 R>>>>)`)
	m := page.FindSubmatch(b)
	if m == nil {
		t.Fatal("page object not found")
	}
	b = bytes.Replace(b, m[0], []byte(string(m[1])+" 0 obj\n<</Type /Page /Parent "+string(m[1])+" 0 R /MediaBox [0 0 595 842] "), 1)
	b = bytes.Replace(b, []byte("/Type /Pages /Kids"), []byte("/Type /Pages "+string(m[2])+" /Kids"), 1)
	got, err := text(t, "a.pdf", extract.MediaPDF, fixXref(b), 1000)
	if err != nil || got != title {
		t.Errorf("text %q, %v", got, err)
	}
}

// A cross-reference stream whose objects lie in a proper object stream
// passes the screen.
func TestXRefStreamScreenPassesValidLayout(t *testing.T) {
	for _, compress := range []bool{false, true} {
		b := xrefStreamPDF(map[int]int{3: 2}, compress)
		if _, err := text(t, "a.pdf", extract.MediaPDF, b, 100); err != nil && strings.Contains(err.Error(), "cross-reference stream") {
			t.Errorf("compress %v: refused by the screen: %v", compress, err)
		}
	}
}

// fixXref rewrites the cross-reference table of a PDF whose objects moved.
func fixXref(b []byte) []byte {
	x := bytes.LastIndex(b, []byte("\nxref\n")) + 1
	body := b[:x]
	var out bytes.Buffer
	out.Write(body)
	n := 0
	var offs []int
	for {
		i := bytes.Index(body, []byte("\n"+itoa(n+1)+" 0 obj\n"))
		if i < 0 {
			break
		}
		offs = append(offs, i+1)
		n++
	}
	out.WriteString("xref\n0 " + itoa(n+1) + "\n0000000000 65535 f \n")
	for _, o := range offs {
		s := itoa(o)
		out.WriteString(strings.Repeat("0", 10-len(s)) + s + " 00000 n \n")
	}
	t := bytes.LastIndex(b, []byte("trailer\n"))
	sx := bytes.LastIndex(b, []byte("startxref\n"))
	out.Write(b[t:sx])
	out.WriteString("startxref\n" + itoa(x) + "\n%%EOF\n")
	return out.Bytes()
}

// A PDF stream that inflates to more than MaxInflate is refused before the
// parser reads it.
func TestPDFInflateBomb(t *testing.T) {
	const limit = 4 << 20
	defer extract.SetLimits(extract.MaxEntry, limit)()
	lines := []string{strings.Repeat(" ", 1<<16)}
	b := docgen.PDF{Lines: lines}.Bytes()
	_, err := text(t, "a.pdf", extract.MediaPDF, b, 1<<20)
	if err != nil {
		t.Fatalf("a small stream: %v", err)
	}
	// The bomb: one content stream of MaxInflate+ zero bytes.
	var z bytes.Buffer
	zw := newZlib(&z)
	zero := make([]byte, 1<<20)
	for i := 0; i <= limit>>20; i++ {
		zw.Write(zero)
	}
	zw.Close()
	bomb := []byte("%PDF-1.7\n1 0 obj\n<</Length " + itoa(z.Len()) + " /Filter /FlateDecode>>\nstream\n")
	bomb = append(bomb, z.Bytes()...)
	bomb = append(bomb, "\nendstream\nendobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer\n<</Size 2>>\nstartxref\n"+itoa(len(bomb)+len("\nendstream\nendobj\n"))+"\n%%EOF\n"...)
	if _, err := text(t, "a.pdf", extract.MediaPDF, bomb, 1<<20); !errors.Is(err, extract.ErrTooLarge) {
		t.Errorf("bomb: %v, want ErrTooLarge", err)
	}
}

// A stream of operands without operators would pile them all onto the
// interpreter's stack; random binary data (an image) is no such stream.
func TestPDFOperandFlood(t *testing.T) {
	flood := bytes.Repeat([]byte("1 "), 300_000)
	for _, raw := range []bool{true, false} {
		b := docgen.PDF{Lines: []string{title}, Raw: raw}.Bytes()
		var content []byte
		if raw {
			content = append(append([]byte("BT "), flood...), " ET"...)
		} else {
			var z bytes.Buffer
			zw := newZlib(&z)
			zw.Write(flood)
			zw.Close()
			content = z.Bytes()
		}
		// Replace the page's content stream.
		i := bytes.Index(b, []byte("stream\n")) + len("stream\n")
		j := bytes.Index(b, []byte("\nendstream"))
		lenRE := regexp.MustCompile(`/Length \d+`)
		head := lenRE.ReplaceAll(b[:i], []byte("/Length "+itoa(len(content))))
		b = append(append(append([]byte{}, head...), content...), b[j:]...)
		if _, err := text(t, "a.pdf", extract.MediaPDF, fixXref(b), 100); !errors.Is(err, extract.ErrMalformed) {
			t.Errorf("raw %v: %v, want ErrMalformed", raw, err)
		}
	}
	noise := make([]byte, 256<<10)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	var z bytes.Buffer
	zw := newZlib(&z)
	zw.Write(noise)
	zw.Close()
	img := []byte("%PDF-1.7\n1 0 obj\n<</Type /XObject /Subtype /Image /Length " + itoa(z.Len()) + " /Filter /FlateDecode>>\nstream\n")
	img = append(append(img, z.Bytes()...), "\nendstream\nendobj\n"...)
	img = append(img, docgen.PDF{Lines: []string{title}}.Bytes()[9:]...)
	if _, err := text(t, "a.pdf", extract.MediaPDF, img, 100); errors.Is(err, extract.ErrMalformed) && strings.Contains(err.Error(), "operands") {
		t.Errorf("random image data counted as operands: %v", err)
	}
}

// A broken page is skipped; the others keep their text.
func TestPDFBrokenPageSkipped(t *testing.T) {
	b := docgen.PDF{Lines: append(repeat("第%d行", 40), "第二页"), Raw: true}.Bytes()
	// Streams: the ToUnicode CMap, page 1, page 2.
	at := 0
	for n := 0; n < 3; n++ {
		at += bytes.Index(b[at:], []byte(">>\nstream\n")) + len(">>\nstream\n")
	}
	end := at + bytes.Index(b[at:], []byte("\nendstream"))
	copy(b[at:end], append([]byte("end"), bytes.Repeat([]byte(" "), end-at-3)...))
	got, err := text(t, "a.pdf", extract.MediaPDF, b, 1<<20)
	if err != nil || !strings.HasPrefix(got, "第1行第2行") || !strings.HasSuffix(got, "第40行") {
		t.Errorf("text %q, %v", got, err)
	}
}

// A cancelled context stops extraction.
func TestContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	b := docgen.DOCX{Body: []docgen.Block{{Text: title}}}.Bytes()
	if _, err := extract.Text(ctx, "a.docx", extract.MediaDOCX, bytes.NewReader(b), int64(len(b)), 100); !errors.Is(err, context.Canceled) {
		t.Errorf("docx: %v", err)
	}
	b = docgen.PDF{Lines: []string{title}}.Bytes()
	if _, err := extract.Text(ctx, "a.pdf", extract.MediaPDF, bytes.NewReader(b), int64(len(b)), 100); !errors.Is(err, context.Canceled) {
		t.Errorf("pdf: %v", err)
	}
}

func FuzzText(f *testing.F) {
	f.Add(docgen.PDF{Lines: []string{title}, Raw: true}.Bytes(), uint8(0))
	f.Add(docgen.PDF{Lines: []string{"Legal aid"}, Font: docgen.Latin, Raw: true}.Bytes(), uint8(0))
	f.Add(docgen.DOCX{Body: []docgen.Block{{Text: title}, {Table: [][]string{{"a", "b"}}}}}.Bytes(), uint8(1))
	f.Add(docgen.XLSX{Rows: [][]string{{"a"}, {"b"}}}.Bytes(), uint8(2))
	f.Add([]byte(title), uint8(3))
	types := []string{extract.MediaPDF, extract.MediaDOCX, extract.MediaXLSX, "text/plain"}
	f.Fuzz(func(t *testing.T, b []byte, kind uint8) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		got, err := extract.Text(ctx, "f", types[int(kind)%len(types)], bytes.NewReader(b), int64(len(b)), 256)
		if err != nil {
			return
		}
		if len(got) > 256 || !utf8.ValidString(got) || strings.ContainsRune(got, 0) {
			t.Fatalf("bad text %q", got)
		}
	})
}
