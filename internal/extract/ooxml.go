package extract

import (
	"archive/zip"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// openPart opens a zip entry for streaming, refusing entries that claim more
// than MaxEntry bytes and cutting off those that lie about it (zip bombs).
func openPart(f *zip.File) (io.ReadCloser, error) {
	if f.UncompressedSize64 > uint64(maxEntry) {
		return nil, fmt.Errorf("%w: %s inflates to %d bytes", ErrTooLarge, f.Name, f.UncompressedSize64)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrMalformed, f.Name, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{&limitedReader{r: rc, n: maxEntry, name: f.Name}, rc}, nil
}

// limitedReader is io.LimitReader that reports running past the limit as an
// error instead of a silent end.
type limitedReader struct {
	r    io.Reader
	n    int64
	name string
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, fmt.Errorf("%w: %s inflates beyond %d bytes", ErrTooLarge, l.name, maxEntry)
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// docxText reads the body (paragraphs and tables), then the headers and
// footers, of a Word document.
func docxText(ctx context.Context, r io.ReaderAt, size int64, w *writer) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	var body *zip.File
	var extra []*zip.File
	for _, f := range zr.File {
		switch {
		case f.Name == "word/document.xml":
			body = f
		case strings.HasPrefix(f.Name, "word/header") && strings.HasSuffix(f.Name, ".xml"),
			strings.HasPrefix(f.Name, "word/footer") && strings.HasSuffix(f.Name, ".xml"):
			extra = append(extra, f)
		}
	}
	if body == nil {
		return fmt.Errorf("%w: no word/document.xml", ErrMalformed)
	}
	// Headers, then footers, each in name order.
	slices.SortFunc(extra, func(a, b *zip.File) int {
		ha, hb := strings.HasPrefix(a.Name, "word/header"), strings.HasPrefix(b.Name, "word/header")
		if ha != hb {
			if ha {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	for _, f := range append([]*zip.File{body}, extra...) {
		if err := wordPart(ctx, f, w); err != nil {
			return err
		}
		w.Space(true)
	}
	return nil
}

// wordPart writes the text of one WordprocessingML part: w:t runs, tabs and
// breaks as spaces and newlines, a newline after each paragraph and table
// row, a space between cells.
func wordPart(ctx context.Context, f *zip.File, w *writer) error {
	cell := 0 // depth of table cells: their paragraphs end with a space
	return xmlTokens(ctx, f, func(tok xml.Token, d *xml.Decoder) error {
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "tc":
				cell++
			case "t":
				s, err := charData(d)
				if err != nil {
					return err
				}
				return w.WriteString(s)
			case "tab":
				w.Space(false)
			case "br", "cr":
				w.Space(true)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "p":
				w.Space(cell == 0)
			case "tr":
				w.Space(true)
			case "tc":
				cell--
				w.Space(false)
			}
		}
		return nil
	})
}

// xlsxText reads a workbook's shared strings (the text of most cells) and the
// inline strings of its sheets.
func xlsxText(ctx context.Context, r io.ReaderAt, size int64, w *writer) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	var parts []*zip.File
	for _, f := range zr.File {
		if f.Name == "xl/sharedStrings.xml" || strings.HasPrefix(f.Name, "xl/worksheets/") && strings.HasSuffix(f.Name, ".xml") {
			parts = append(parts, f)
		}
	}
	// Shared strings first, then the sheets in name order.
	slices.SortFunc(parts, func(a, b *zip.File) int {
		if (a.Name == "xl/sharedStrings.xml") != (b.Name == "xl/sharedStrings.xml") {
			if a.Name == "xl/sharedStrings.xml" {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	for _, f := range parts {
		shared := f.Name == "xl/sharedStrings.xml"
		inline := 0 // depth inside <is> of a sheet
		err := xmlTokens(ctx, f, func(tok xml.Token, d *xml.Decoder) error {
			switch t := tok.(type) {
			case xml.StartElement:
				switch t.Name.Local {
				case "is":
					inline++
				case "t":
					if !shared && inline == 0 {
						return nil
					}
					s, err := charData(d)
					if err != nil {
						return err
					}
					return w.WriteString(s)
				}
			case xml.EndElement:
				switch t.Name.Local {
				case "is":
					inline--
					w.Space(false)
				case "si":
					w.Space(true)
				case "row":
					if !shared {
						w.Space(true)
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		w.Space(true)
	}
	return nil
}

// xmlTokens streams the tokens of a zip entry to fn, checking ctx as it goes.
func xmlTokens(ctx context.Context, f *zip.File, fn func(xml.Token, *xml.Decoder) error) error {
	rc, err := openPart(f)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	d.Strict = false
	// Entities beyond the XML five are not expanded (no DTDs in OOXML).
	d.Entity = xml.HTMLEntity
	for n := 0; ; n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			if errors.Is(err, ErrTooLarge) {
				return err
			}
			return fmt.Errorf("%w: %s: %v", ErrMalformed, f.Name, err)
		}
		if err := fn(tok, d); err != nil {
			return err
		}
	}
}

// charData reads the character data of the element just opened, up to its
// end; nested elements are skipped.
func charData(d *xml.Decoder) (string, error) {
	var b strings.Builder
	depth := 1
	for depth > 0 {
		tok, err := d.RawToken()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			if errors.Is(err, ErrTooLarge) {
				return "", err
			}
			return "", fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 1 {
				if int64(b.Len()+len(t)) > maxEntry {
					return "", ErrTooLarge
				}
				b.Write(t)
			}
		}
	}
	return b.String(), nil
}
