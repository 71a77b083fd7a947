package extract

import (
	"bytes"
	"errors"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// plainText reads a text or CSV file: UTF-8 (with or without a BOM), UTF-16
// with a BOM, or else GB18030 (what Chinese Windows saves as "ANSI"). It
// reads only what max bytes of text can need: four bytes of input per byte
// of output covers whitespace that normalisation drops.
func plainText(r io.ReaderAt, size int64, w *writer) error {
	n := min(size, int64(w.max)*4+4)
	b := make([]byte, n)
	m, err := r.ReadAt(b, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	b = b[:m]
	cut := int64(m) < size // the tail may end inside a character
	var dec *encoding.Decoder
	switch {
	case bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")):
		b = b[3:]
	case bytes.HasPrefix(b, []byte("\xFF\xFE")):
		dec = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
	case bytes.HasPrefix(b, []byte("\xFE\xFF")):
		dec = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
	}
	if dec == nil {
		if cut {
			b = trimPartialUTF8(b)
		}
		if utf8.Valid(b) {
			return w.WriteString(string(b))
		}
		dec = simplifiedchinese.GB18030.NewDecoder()
	}
	// A cut inside a multi-byte character makes the decoder fail at the
	// end: retry a byte or three shorter.
	for i := 0; i < 4 && len(b) > 0; i++ {
		out, err := dec.Bytes(b)
		if err == nil {
			return w.WriteString(string(out))
		}
		if !cut {
			return w.WriteString(string(out))
		}
		b = b[:len(b)-1]
		dec.Reset()
	}
	return nil
}

// trimPartialUTF8 drops an incomplete character at the end of b.
func trimPartialUTF8(b []byte) []byte {
	for i := 1; i <= 3 && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < 0x80 {
			return b
		}
		if c >= 0xC0 { // a leading byte: is its character complete?
			if r, _ := utf8.DecodeRune(b[len(b)-i:]); r == utf8.RuneError {
				return b[:len(b)-i]
			}
			return b
		}
	}
	return b
}
