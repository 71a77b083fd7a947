package extract

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync/atomic"
	"unicode/utf16"

	"github.com/ledongthuc/pdf"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// abandoned counts PDF parses that outlived their context and still run: the
// library cannot be interrupted inside some of its loops, so a run is left
// to finish on its own. While one is running, further PDFs are refused
// (ErrBusy) rather than letting hostile files pile up goroutines on the two
// cores.
var abandoned atomic.Int32

// errStop is panicked from the content-stream callback to end a parse early
// (context done, budget spent, text full).
type errStop struct{ err error }

// pdfText screens the file, then parses it in a goroutine that the caller
// stops waiting for when ctx ends.
func pdfText(ctx context.Context, r io.ReaderAt, size int64, max int) (string, error) {
	if err := screenPDF(ctx, r, size); err != nil {
		return "", err
	}
	if abandoned.Load() > 0 {
		return "", ErrBusy
	}
	type result struct {
		text string
		err  error
	}
	done := make(chan result, 1)
	// waiting is true while the caller waits for the result; whichever of
	// the two sides clears it first decides who settles the count.
	var waiting atomic.Bool
	waiting.Store(true)
	go func() {
		var res result
		defer func() {
			if x := recover(); x != nil {
				res = result{err: fmt.Errorf("%w: %v", ErrMalformed, x)}
			}
			if !waiting.CompareAndSwap(true, false) {
				abandoned.Add(-1) // the caller gave up on this run
			}
			done <- res
		}()
		res.text, res.err = parsePDF(ctx, r, size, max)
	}()
	select {
	case res := <-done:
		return res.text, res.err
	case <-ctx.Done():
		if !waiting.CompareAndSwap(true, false) {
			res := <-done // finished meanwhile
			return res.text, res.err
		}
		abandoned.Add(1)
		return "", fmt.Errorf("extract: pdf: %w", ctx.Err())
	}
}

// parsePDF walks the page tree (depth- and count-bounded: the library's own
// walk follows a cyclic tree forever) and the text operators of each page.
func parsePDF(ctx context.Context, r io.ReaderAt, size int64, max int) (string, error) {
	rd, err := pdf.NewReader(r, size)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	w := &writer{max: max, joinHan: true}
	pages, nodes := 0, 0
	// A page that cannot be read is skipped: real files often have one
	// broken page among good ones. Only a file without any text fails.
	var pageErr error
	// Resources are inherited down the tree as the walk goes, not looked up
	// through /Parent: the library's lookup follows a /Parent cycle forever.
	var walk func(node pdf.Value, depth int, res pdf.Value) error
	walk = func(node pdf.Value, depth int, res pdf.Value) error {
		if depth > 32 {
			return fmt.Errorf("%w: page tree too deep", ErrMalformed)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		// Kids may name one node many times (a tree of 2^32 leaves in a few
		// bytes): every visit counts.
		if nodes++; nodes > 4*MaxPages {
			return errFull
		}
		if r := node.Key("Resources"); r.Kind() == pdf.Dict {
			res = r
		}
		if node.Key("Type").Name() == "Pages" || node.Key("Kids").Kind() == pdf.Array {
			kids := node.Key("Kids")
			for i := 0; i < kids.Len(); i++ {
				if err := walk(kids.Index(i), depth+1, res); err != nil {
					return err
				}
			}
			return nil
		}
		if pages++; pages > MaxPages {
			return errFull
		}
		err := pageText(ctx, node.Key("Contents"), res.Key("Font"), w)
		if errors.Is(err, ErrMalformed) {
			if pageErr == nil {
				pageErr = err
			}
			return nil
		}
		return err
	}
	err = walk(rd.Trailer().Key("Root").Key("Pages"), 0, pdf.Value{})
	if errors.Is(err, errFull) {
		err = nil
	}
	if err == nil && w.b.Len() == 0 {
		err = pageErr
	}
	if err != nil {
		return "", err
	}
	return w.String(), nil
}

// pageText writes the text a page shows: Tj, TJ, ' and ", with a line break
// for each new line (T*, Td/TD moving down, a new text object).
func pageText(ctx context.Context, contents, res pdf.Value, w *writer) (err error) {
	defer func() {
		if x := recover(); x != nil {
			if s, ok := x.(errStop); ok {
				err = s.err
				return
			}
			err = fmt.Errorf("%w: %v", ErrMalformed, x)
		}
	}()
	if contents.IsNull() {
		return nil
	}
	fonts := map[string]*pdf.Font{}
	var enc pdf.TextEncoding
	show := func(s string) {
		if enc == nil {
			return // text before any font: nothing to decode it with
		}
		if err := w.WriteString(enc.Decode(s)); err != nil {
			panic(errStop{err})
		}
	}
	ops := 0
	pdf.Interpret(contents, func(stk *pdf.Stack, op string) {
		if ops++; ops%256 == 0 {
			if err := ctx.Err(); err != nil {
				panic(errStop{err})
			}
		}
		n := stk.Len()
		args := make([]pdf.Value, n)
		for i := n - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		switch op {
		case "BT", "T*":
			w.Space(true)
		case "Td", "TD":
			if n == 2 && args[1].Float64() != 0 {
				w.Space(true)
			}
		case "Tf":
			if n != 2 {
				return
			}
			name := args[0].Name()
			f, ok := fonts[name]
			if !ok {
				if len(fonts) >= 256 {
					panic(errStop{fmt.Errorf("%w: too many fonts", ErrMalformed)})
				}
				v := res.Key(name)
				if v.IsNull() {
					enc = nil
					return
				}
				f = &pdf.Font{V: v}
				fonts[name] = f
			}
			enc = encoder(f)
		case "Tj", "'", "\"":
			if n >= 1 {
				if op != "Tj" {
					w.Space(true)
				}
				show(args[n-1].RawString())
			}
		case "TJ":
			if n != 1 {
				return
			}
			a := args[0]
			for i := 0; i < a.Len(); i++ {
				x := a.Index(i)
				switch x.Kind() {
				case pdf.String:
					show(x.RawString())
				case pdf.Integer, pdf.Real:
					// A wide negative adjustment is a word space in
					// Latin text.
					if x.Float64() < -250 {
						w.Space(false)
					}
				}
			}
		}
	})
	w.Space(true)
	return nil
}

// screenPDF refuses, before the parser sees them, the files on which the
// library would loop, allocate without bound or inflate a bomb:
//   - a cross-reference chain (/Prev) that comes back on itself;
//   - object-stream chains (/Extends), which the library follows without a
//     cycle check;
//   - object numbers (/Size, /Index, xref subsection starts) far beyond what
//     the file can hold, which size its tables;
//   - streams inflating to more than MaxInflate together;
//   - object streams said to lie in object streams (xrefScreen);
//   - encryption: the library decrypts streams this screen cannot inflate,
//     so their size would be unbounded.
//
// It reads the file once in chunks; it is a screen, not a parser.
func screenPDF(ctx context.Context, r io.ReaderAt, size int64) error {
	limit := max(size/4, 1<<16) // an object takes more than 4 bytes
	const chunk = 1 << 20
	const overlap = 64
	buf := make([]byte, chunk+overlap)
	prevs := map[int64]bool{}
	startxref := int64(-1)
	var inflated int64
	var xs xrefScreen
	var ops operandCounter // over the raw bytes: uncompressed streams
	var carry int
	for off := int64(0); off < size; {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := r.ReadAt(buf[carry:], off)
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if n == 0 {
			break
		}
		data := buf[:carry+n]
		base := off - int64(carry) // file offset of data[0]
		last := off+int64(n) >= size
		end := len(data)
		if !last && end > overlap {
			end -= overlap
		}
		if _, err := ops.Write(data[:end]); err != nil {
			return err
		}
		for i := 0; i < end; i++ {
			switch data[i] {
			case '/':
				name, j := screenName(data, i+1)
				switch name {
				case "Prev", "Size", "Index", "Extends":
				case "Encrypt":
					return ErrEncrypted
				default:
					continue
				}
				if name == "Extends" {
					return fmt.Errorf("%w: object stream chain", ErrMalformed)
				}
				nums := screenInts(data[j:], name == "Index")
				for _, v := range nums {
					if v < 0 || v > limit && name != "Prev" {
						return fmt.Errorf("%w: /%s %d", ErrMalformed, name, v)
					}
				}
				if name == "Prev" && len(nums) == 1 {
					if prevs[nums[0]] {
						return fmt.Errorf("%w: cross-reference chain loops", ErrMalformed)
					}
					prevs[nums[0]] = true
				}
			case 's':
				if bytes.HasPrefix(data[i:], []byte("startxref")) {
					if v := screenInts(data[i+9:], false); len(v) == 1 {
						startxref = v[0]
					}
				} else if bytes.HasPrefix(data[i:], []byte("stream")) && i+6 < len(data) && (data[i+6] == '\r' || data[i+6] == '\n') && (i == 0 || data[i-1] != 'd') {
					start := base + int64(i) + 7
					if data[i+6] == '\r' && i+7 < len(data) && data[i+7] == '\n' {
						start++
					}
					if err := xs.stream(r, base+int64(i), start, size); err != nil {
						return err
					}
					m, err := inflated1(r, start, size, maxInflate-inflated+1)
					if errors.Is(err, ErrMalformed) {
						return err
					}
					if err == nil {
						inflated += m
					}
					if inflated > maxInflate {
						return fmt.Errorf("%w: streams inflate beyond %d bytes", ErrTooLarge, maxInflate)
					}
				}
			case '\n', '\r':
				// An xref subsection header "start count" followed by an
				// entry: a start past the limit sizes the table.
				if v, ok := subsectionStart(data[i+1:]); ok && v > limit {
					return fmt.Errorf("%w: xref subsection at %d", ErrMalformed, v)
				}
			}
		}
		off += int64(n)
		if last {
			break
		}
		carry = copy(buf, data[end:])
	}
	if startxref >= 0 && prevs[startxref] {
		return fmt.Errorf("%w: cross-reference chain loops", ErrMalformed)
	}
	return xs.check()
}

// inflated1 returns how many bytes the zlib stream at off inflates to, up to
// limit; a stream that is not zlib counts 0.
func inflated1(r io.ReaderAt, off, size, limit int64) (int64, error) {
	zr, err := zlib.NewReader(io.NewSectionReader(r, off, size-off))
	if err != nil {
		return 0, err
	}
	defer zr.Close()
	var ops operandCounter
	n, _ := io.Copy(&ops, io.LimitReader(zr, limit))
	if ops.err != nil {
		return n, ops.err
	}
	return n, nil
}

// screenName reads a PDF name after its '/', decoding #xx as the library
// does, and returns it with the index after it.
func screenName(b []byte, i int) (string, int) {
	var out []byte
	for ; i < len(b) && len(out) <= 16; i++ {
		c := b[i]
		if isPDFDelim(c) {
			break
		}
		if c == '#' && i+2 < len(b) {
			if v, err := strconv.ParseUint(string(b[i+1:i+3]), 16, 8); err == nil {
				out = append(out, byte(v))
				i += 2
				continue
			}
		}
		out = append(out, c)
	}
	return string(out), i
}

func isPDFDelim(c byte) bool {
	switch c {
	case 0, '\t', '\n', '\f', '\r', ' ', '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// screenInts reads the integer after a name, or the integers of an array
// when array is set.
func screenInts(b []byte, array bool) []int64 {
	i := 0
	skip := func() {
		for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n' || b[i] == '\f' || b[i] == 0) {
			i++
		}
	}
	num := func() (int64, bool) {
		j := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == j {
			return 0, false
		}
		v, err := strconv.ParseInt(string(b[j:i]), 10, 64)
		if err != nil {
			return 1 << 62, true // more digits than int64: surely too large
		}
		return v, true
	}
	skip()
	var out []int64
	if !array {
		if v, ok := num(); ok {
			out = append(out, v)
		}
		return out
	}
	if i >= len(b) || b[i] != '[' {
		return nil
	}
	i++
	for len(out) < 64 {
		skip()
		v, ok := num()
		if !ok {
			break
		}
		out = append(out, v)
	}
	return out
}

// subsectionStart recognises "start count\n" followed by a 20-byte xref
// entry ("0000000015 00000 n").
func subsectionStart(b []byte) (int64, bool) {
	i := 0
	digits := func() int {
		j := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i - j
	}
	if digits() == 0 {
		return 0, false
	}
	startEnd := i
	if i >= len(b) || b[i] != ' ' {
		return 0, false
	}
	i++
	if digits() == 0 {
		return 0, false
	}
	for i < len(b) && (b[i] == ' ' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	if digits() != 10 || i >= len(b) || b[i] != ' ' {
		return 0, false
	}
	v, err := strconv.ParseInt(string(b[:startEnd]), 10, 64)
	if err != nil {
		return 1 << 62, true
	}
	return v, true
}

// gbCMaps are the predefined CMaps of Chinese fonts whose codes are GB 2312,
// GBK or GB 18030 bytes; the library decodes none of them. GB 18030 is a
// superset of the others.
var gbCMaps = map[string]bool{
	"GB-EUC-H": true, "GB-EUC-V": true, "GBpc-EUC-H": true, "GBpc-EUC-V": true,
	"GBK-EUC-H": true, "GBK-EUC-V": true, "GBKp-EUC-H": true, "GBKp-EUC-V": true,
	"GBK2K-H": true, "GBK2K-V": true,
}

// encoder returns how a font's codes become text: the library's decoding,
// completed for the Chinese predefined CMaps it does not know.
func encoder(f *pdf.Font) pdf.TextEncoding {
	name := f.V.Key("Encoding").Name()
	switch {
	case gbCMaps[name]:
		return gbEncoding{}
	case name == "UniGB-UCS2-V", name == "UniGB-UTF16-H", name == "UniGB-UTF16-V":
		return utf16Encoding{}
	}
	return f.Encoder()
}

type gbEncoding struct{}

func (gbEncoding) Decode(raw string) string {
	s, _ := simplifiedchinese.GB18030.NewDecoder().String(raw)
	return s
}

type utf16Encoding struct{}

func (utf16Encoding) Decode(raw string) string {
	u := make([]uint16, 0, len(raw)/2)
	for i := 0; i+1 < len(raw); i += 2 {
		u = append(u, uint16(raw[i])<<8|uint16(raw[i+1]))
	}
	return string(utf16.Decode(u))
}
