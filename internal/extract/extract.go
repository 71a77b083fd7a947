// Package extract turns the text inside attachments into plain text for the
// site search (issue 8: "the text inside PDF and DOCX attachments, extracted
// at upload, in pure Go").
//
// Uploads are hostile input: every format is read with bounded work. PDFs
// are screened before the parser sees them (reference cycles, huge object
// tables, decompression bombs), parsed under a page budget, with the
// library's panics recovered and the context checked between operators;
// OOXML entries are refused when they claim or turn out to be larger than
// MaxEntry. Nothing is read whole that is not needed: zip entries are
// streamed through encoding/xml, text files read up to what max can hold.
package extract

import (
	"context"
	"errors"
	"io"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Media types handled here; they are the ones internal/blob detects.
const (
	MediaPDF  = "application/pdf"
	MediaDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	MediaXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// Limits on the work one file may cause.
const (
	// MaxEntry bounds the uncompressed size of one OOXML part (a
	// document.xml of 32 MB is some 10,000 pages).
	MaxEntry = 32 << 20
	// MaxPages bounds the pages of a PDF that are read.
	MaxPages = 2000
	// MaxInflate bounds the decompressed bytes of all the streams of a PDF
	// together (the screen inflates each once, the parser again).
	MaxInflate = 256 << 20
)

// The limits in force: the constants, lowered by tests.
var maxEntry, maxInflate int64 = MaxEntry, MaxInflate

// Errors. Callers log them; an upload never fails because of them.
var (
	ErrMalformed = errors.New("extract: malformed or hostile file")
	ErrTooLarge  = errors.New("extract: content larger than the limits")
	ErrBusy      = errors.New("extract: an earlier PDF is still being abandoned")
	ErrEncrypted = errors.New("extract: encrypted PDF not read")
)

type format int

const (
	none format = iota
	fmtPDF
	fmtDOCX
	fmtXLSX
	fmtPlain
)

func formatOf(name, mediaType string) format {
	mt, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(mediaType)), ";")
	switch strings.TrimSpace(mt) {
	case MediaPDF:
		return fmtPDF
	case MediaDOCX:
		return fmtDOCX
	case MediaXLSX:
		return fmtXLSX
	case "text/plain", "text/csv":
		return fmtPlain
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".txt", ".csv":
		return fmtPlain
	}
	return none
}

// Supported reports whether Text can find text in a file of this name and
// media type; for the others (images, legacy .doc, OFD) it returns "".
func Supported(name, mediaType string) bool { return formatOf(name, mediaType) != none }

// Text returns the plain text of a file: whitespace runs collapsed to one
// space (one newline where the run held a line break), control characters
// and undecodable bytes dropped, at most max bytes cut on a rune boundary.
// A type without text (an image, a legacy .doc) gives "" and no error. On an
// error the text found so far is not returned.
func Text(ctx context.Context, name, mediaType string, r io.ReaderAt, size int64, max int) (string, error) {
	if max <= 0 || size <= 0 {
		return "", nil
	}
	w := &writer{max: max}
	var err error
	switch formatOf(name, mediaType) {
	case fmtPDF:
		return pdfText(ctx, r, size, max)
	case fmtDOCX:
		err = docxText(ctx, r, size, w)
	case fmtXLSX:
		err = xlsxText(ctx, r, size, w)
	case fmtPlain:
		err = plainText(r, size, w)
	default:
		return "", nil
	}
	if errors.Is(err, errFull) {
		err = nil
	}
	if err != nil {
		return "", err
	}
	return w.String(), nil
}

// errFull stops a reader once max bytes of text are collected.
var errFull = errors.New("extract: text limit reached")

// writer collects normalised text up to max bytes.
type writer struct {
	b   strings.Builder
	max int
	// pending is the separator owed before the next visible rune: 0, ' '
	// or '\n'.
	pending byte
	// joinHan drops a pending line break between two Han characters: PDF
	// lines break inside words, and the search tokens (bigrams) would
	// lose the pair across the break.
	joinHan bool
	last    rune
	full    bool
}

// Space asks for a separator (a newline when nl) before the next text.
func (w *writer) Space(nl bool) {
	if w.b.Len() == 0 {
		return
	}
	if nl {
		w.pending = '\n'
	} else if w.pending == 0 {
		w.pending = ' '
	}
}

// WriteString adds s; it returns errFull once the limit is reached.
func (w *writer) WriteString(s string) error {
	if w.full {
		return errFull
	}
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' || r == '\f' || r == '\v':
			w.Space(true)
			continue
		case unicode.IsSpace(r):
			w.Space(false)
			continue
		case r == utf8.RuneError, r == '\uFEFF', r == '\u200B', unicode.IsControl(r), unicode.Is(unicode.Co, r), unicode.Is(unicode.Cs, r):
			continue
		}
		sep := 0
		if w.pending != 0 {
			if w.joinHan && w.pending == '\n' && unicode.Is(unicode.Han, w.last) && unicode.Is(unicode.Han, r) {
				w.pending = 0
			} else {
				sep = 1
			}
		}
		if w.b.Len()+sep+utf8.RuneLen(r) > w.max {
			w.full = true
			return errFull
		}
		if sep == 1 {
			w.b.WriteByte(w.pending)
		}
		w.pending = 0
		w.b.WriteRune(r)
		w.last = r
	}
	return nil
}

func (w *writer) String() string { return w.b.String() }
