package blob

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"
)

// A kind is a file type we accept, recognised by its content.
type kind struct {
	// label names the type for users, in messages such as "文件内容是 PDF".
	label string
	mime  string
	// exts are the extensions a file of this kind may carry, lower case.
	exts []string
}

func (k *kind) allows(ext string) bool {
	for _, e := range k.exts {
		if e == ext {
			return true
		}
	}
	return false
}

// The kinds of attachment an open-government page may carry. WPS Office's own
// extensions (.wps, .et, .dps) hold the same OLE2 streams as Word, Excel and
// PowerPoint, and WPS saves OOXML under the Microsoft names.
var (
	kindPDF  = &kind{"PDF", "application/pdf", []string{".pdf"}}
	kindJPEG = &kind{"JPEG 图片", "image/jpeg", []string{".jpg", ".jpeg"}}
	kindPNG  = &kind{"PNG 图片", "image/png", []string{".png"}}
	kindGIF  = &kind{"GIF 图片", "image/gif", []string{".gif"}}
	kindWebP = &kind{"WebP 图片", "image/webp", []string{".webp"}}
	kindDoc  = &kind{"Word 97-2003 文档", "application/msword", []string{".doc", ".wps"}}
	kindXLS  = &kind{"Excel 97-2003 工作簿", "application/vnd.ms-excel", []string{".xls", ".et"}}
	kindPPT  = &kind{"PowerPoint 97-2003 演示文稿", "application/vnd.ms-powerpoint", []string{".ppt", ".dps"}}
	kindDocx = &kind{"Word 文档", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", []string{".docx"}}
	kindXLSX = &kind{"Excel 工作簿", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", []string{".xlsx"}}
	kindPPTX = &kind{"PowerPoint 演示文稿", "application/vnd.openxmlformats-officedocument.presentationml.presentation", []string{".pptx"}}
	// GB/T 33190-2016 电子文件存储与交换格式 版式文档.
	kindOFD = &kind{"OFD 版式文档", "application/ofd", []string{".ofd"}}

	kinds = []*kind{kindPDF, kindJPEG, kindPNG, kindGIF, kindWebP, kindDoc, kindXLS, kindPPT, kindDocx, kindXLSX, kindPPTX, kindOFD}
)

// allowedExt reports whether some accepted kind uses ext, so that a file named
// .exe or .svg is refused before a byte of it is read.
func allowedExt(ext string) bool {
	for _, k := range kinds {
		if k.allows(ext) {
			return true
		}
	}
	return false
}

var (
	sigPDF  = []byte("%PDF-")
	sigJPEG = []byte{0xFF, 0xD8, 0xFF}
	sigPNG  = []byte("\x89PNG\r\n\x1a\n")
	sigGIF7 = []byte("GIF87a")
	sigGIF9 = []byte("GIF89a")
	sigOLE2 = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	sigZIP  = []byte("PK\x03\x04")
)

// errUnknown means the content is not one of the kinds; Put maps it to ErrType.
var errUnknown = errors.New("unrecognised content")

// errMacro means an OOXML package carries a VBA project.
var errMacro = errors.New("office document with macros")

// errScript means a PDF carries JavaScript or a launch action.
var errScript = errors.New("pdf with script")

// detect identifies the content of r, which holds size bytes. Signatures must
// sit at offset 0: a PDF or ZIP header further in is how HTML/PDF and
// HTML/ZIP polyglots slip past lenient sniffers.
func detect(r io.ReaderAt, size int64) (*kind, error) {
	head := make([]byte, 16)
	n, err := r.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, sigPDF):
		return detectPDF(r, size)
	case bytes.HasPrefix(head, sigJPEG):
		return kindJPEG, nil
	case bytes.HasPrefix(head, sigPNG):
		return kindPNG, nil
	case bytes.HasPrefix(head, sigGIF7), bytes.HasPrefix(head, sigGIF9):
		return kindGIF, nil
	case len(head) >= 12 && string(head[0:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return kindWebP, nil
	case bytes.HasPrefix(head, sigOLE2):
		return detectOLE2(r, size)
	case bytes.HasPrefix(head, sigZIP):
		return detectZIP(r, size)
	}
	return nil, errUnknown
}

// detectZIP accepts the ZIP-based formats: OOXML (a [Content_Types].xml and a
// word/, xl/ or ppt/ part) and OFD (an OFD.xml entry point). Any other ZIP is
// refused: an archive's contents cannot be checked for visitors.
func detectZIP(r io.ReaderAt, size int64) (*kind, error) {
	// Only the central directory is read; nothing is decompressed, so a
	// zip bomb costs nothing here.
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, errUnknown
	}
	var contentTypes, ofd, word, xl, ppt bool
	for _, f := range zr.File {
		name := f.Name
		lower := strings.ToLower(name)
		switch {
		case name == "[Content_Types].xml":
			contentTypes = true
		case lower == "ofd.xml":
			ofd = true
		case strings.HasPrefix(name, "word/"):
			word = true
		case strings.HasPrefix(name, "xl/"):
			xl = true
		case strings.HasPrefix(name, "ppt/"):
			ppt = true
		}
		// .docm/.xlsm/.pptm renamed to the macro-free extension still
		// carry their VBA project; Office may run it after one click.
		if strings.HasSuffix(lower, "vbaproject.bin") {
			return nil, errMacro
		}
	}
	switch {
	case contentTypes && word:
		return kindDocx, nil
	case contentTypes && xl:
		return kindXLSX, nil
	case contentTypes && ppt:
		return kindPPTX, nil
	case ofd && !contentTypes:
		return kindOFD, nil
	}
	return nil, errUnknown
}

// Compound File Binary (MS-CFB) constants.
const (
	cfbHeaderSize = 512
	cfbDirEntry   = 128
	cfbMaxRegSect = 0xFFFFFFFA
	cfbNoStream   = 0xFFFFFFFF
	cfbTypeRoot   = 5
	// cfbMaxSectors bounds every chain we follow (2^20 sectors of 4 KiB is
	// 4 GiB), so a crafted file cannot make detection loop or allocate much.
	cfbMaxSectors = 1 << 20
)

// detectOLE2 tells Word, Excel and PowerPoint binaries apart by the streams
// directly under the root storage. Other compound files, such as MSI
// installers, Outlook messages or encrypted OOXML, are refused.
func detectOLE2(r io.ReaderAt, size int64) (*kind, error) {
	names, err := cfbRootNames(r, size)
	if err != nil {
		return nil, errUnknown
	}
	switch {
	case names["WordDocument"]:
		return kindDoc, nil
	case names["Workbook"], names["Book"]:
		return kindXLS, nil
	case names["PowerPoint Document"]:
		return kindPPT, nil
	}
	return nil, errUnknown
}

var errCFB = errors.New("malformed compound file")

// cfbRootNames returns the names of the entries directly under the root
// storage of a compound file.
func cfbRootNames(r io.ReaderAt, size int64) (map[string]bool, error) {
	h := make([]byte, cfbHeaderSize)
	if _, err := r.ReadAt(h, 0); err != nil {
		return nil, errCFB
	}
	le := binary.LittleEndian
	if le.Uint16(h[0x1C:]) != 0xFFFE {
		return nil, errCFB
	}
	shift := le.Uint16(h[0x1E:])
	switch {
	case le.Uint16(h[0x1A:]) == 3 && shift == 9:
	case le.Uint16(h[0x1A:]) == 4 && shift == 12:
	default:
		return nil, errCFB
	}
	ss := int64(1) << shift
	perSector := ss / 4
	numFAT := int64(le.Uint32(h[0x2C:]))
	firstDir := le.Uint32(h[0x30:])
	firstDIFAT := le.Uint32(h[0x44:])
	nSectors := (size + ss - 1) / ss
	if numFAT == 0 || numFAT > nSectors {
		return nil, errCFB
	}

	sector := func(id uint32) ([]byte, error) {
		if id > cfbMaxRegSect || int64(id) >= nSectors {
			return nil, errCFB
		}
		b := make([]byte, ss)
		if _, err := r.ReadAt(b, (int64(id)+1)*ss); err != nil {
			return nil, errCFB
		}
		return b, nil
	}

	// The FAT's own sectors: 109 in the header, the rest in the DIFAT chain.
	fat := make([]uint32, 0, numFAT)
	for i := 0; i < 109 && int64(len(fat)) < numFAT; i++ {
		fat = append(fat, le.Uint32(h[0x4C+4*i:]))
	}
	for next, hops := firstDIFAT, 0; int64(len(fat)) < numFAT; hops++ {
		if hops > cfbMaxSectors {
			return nil, errCFB
		}
		b, err := sector(next)
		if err != nil {
			return nil, err
		}
		for i := int64(0); i < perSector-1 && int64(len(fat)) < numFAT; i++ {
			fat = append(fat, le.Uint32(b[4*i:]))
		}
		next = le.Uint32(b[ss-4:])
	}

	fatCache := map[uint32][]byte{}
	nextSector := func(id uint32) (uint32, error) {
		idx := int64(id) / perSector
		if idx >= int64(len(fat)) {
			return 0, errCFB
		}
		b, ok := fatCache[fat[idx]]
		if !ok {
			var err error
			if b, err = sector(fat[idx]); err != nil {
				return 0, err
			}
			fatCache[fat[idx]] = b
		}
		return le.Uint32(b[4*(int64(id)%perSector):]), nil
	}

	var dir []byte
	for id, hops := firstDir, 0; id <= cfbMaxRegSect; hops++ {
		if hops > cfbMaxSectors || int64(hops) > nSectors {
			return nil, errCFB
		}
		b, err := sector(id)
		if err != nil {
			return nil, err
		}
		dir = append(dir, b...)
		if id, err = nextSector(id); err != nil {
			return nil, err
		}
	}
	entries := int64(len(dir)) / cfbDirEntry
	if entries == 0 || dir[0x42] != cfbTypeRoot {
		return nil, errCFB
	}

	// Walk the red-black tree of the root's children.
	names := map[string]bool{}
	seen := map[uint32]bool{}
	stack := []uint32{le.Uint32(dir[0x4C:])}
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if id == cfbNoStream {
			continue
		}
		if int64(id) >= entries || seen[id] {
			return nil, errCFB
		}
		seen[id] = true
		e := dir[int64(id)*cfbDirEntry:][:cfbDirEntry]
		names[cfbName(e)] = true
		stack = append(stack, le.Uint32(e[0x44:]), le.Uint32(e[0x48:]))
	}
	return names, nil
}

// cfbName decodes a directory entry's UTF-16LE name.
func cfbName(e []byte) string {
	n := int(binary.LittleEndian.Uint16(e[0x40:]))
	if n < 2 || n > 64 || n%2 != 0 {
		return ""
	}
	u := make([]uint16, n/2-1)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(e[2*i:])
	}
	return string(utf16.Decode(u))
}

// pdfActiveNames are the PDF name objects that make a document run code
// when opened or clicked: JavaScript actions (/JavaScript, /JS) and actions
// that start another program (/Launch). A disclosure site offers files to
// the public, so such PDFs are refused at upload (issue: "PDFs with
// JavaScript are flagged at upload").
var pdfActiveNames = map[string]bool{"JavaScript": true, "JS": true, "Launch": true}

// detectPDF scans the whole file for active names, decoding #xx escapes
// (/J#61vaScript is /JavaScript). Names inside compressed object streams
// (PDF 1.5+) are not seen: this is a screen, not a PDF parser.
func detectPDF(r io.ReaderAt, size int64) (*kind, error) {
	const chunk = 64 << 10
	const overlap = 128 // longer than any name we look for, escapes included
	buf := make([]byte, chunk+overlap)
	var carry int
	for off := int64(0); off < size; {
		n, err := r.ReadAt(buf[carry:], off)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		if n == 0 {
			break
		}
		data := buf[:carry+n]
		last := off+int64(n) >= size
		// Names that start in the overlap are scanned with the next chunk.
		limit := len(data)
		if !last && limit > overlap {
			limit -= overlap
		}
		for i := 0; i < limit; i++ {
			if data[i] != '/' {
				continue
			}
			if name, ok := pdfName(data[i+1:]); ok && pdfActiveNames[name] {
				return nil, errScript
			}
		}
		off += int64(n)
		if last {
			break
		}
		carry = copy(buf, data[limit:])
	}
	return kindPDF, nil
}

// pdfName reads a PDF name's characters after its '/', decoding #xx; ok is
// false when the name runs to the end of b (it may continue in the next chunk).
func pdfName(b []byte) (string, bool) {
	var out []byte
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch c {
		case 0, '\t', '\n', '\f', '\r', ' ', '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
			return string(out), true
		case '#':
			if i+2 < len(b) {
				if v, err := strconv.ParseUint(string(b[i+1:i+3]), 16, 8); err == nil {
					out = append(out, byte(v))
					i += 2
					continue
				}
			}
		}
		out = append(out, c)
		if len(out) > 64 {
			return string(out), true // no name we look for is this long
		}
	}
	return string(out), false
}
