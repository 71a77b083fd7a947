package extract

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
)

// xrefScreen collects the type-2 entries (object → the object stream holding
// it) of every cross-reference stream. The library resolves an object in a
// stream by resolving the stream first, without a cycle check: an object
// stream that is itself "in an object stream" recurses until the goroutine
// stack overflows, which no recover catches (a 200-byte file would take the
// server down). The spec (PDF 32000-1 §7.5.7) wants object streams stored
// directly, so any type-2 entry naming a type-2 object is refused.
type xrefScreen struct {
	inStream map[int64]int64
}

// maxXRefBytes bounds the decoded data of one cross-reference stream.
const maxXRefBytes = 64 << 20

// dictBefore reads the dictionary of the stream whose data starts at start:
// the text after the last "obj" in the 4 KB before it.
func dictBefore(r io.ReaderAt, keyword int64) []byte {
	from := max(0, keyword-4096)
	b := make([]byte, keyword-from)
	n, _ := r.ReadAt(b, from)
	b = b[:n]
	if i := bytes.LastIndex(b, []byte("obj")); i >= 0 {
		return b[i+3:]
	}
	return b
}

// xrefDict is what a cross-reference stream's dictionary says about its data.
type xrefDict struct {
	xref               bool
	w, index           []int64
	size, length       int64 // length -1: indirect or missing
	flate, otherFilter bool
	predictor, columns int64
}

func parseXRefDict(d []byte) xrefDict {
	x := xrefDict{length: -1}
	for i := 0; i < len(d); i++ {
		if d[i] != '/' {
			continue
		}
		name, j := screenName(d, i+1)
		rest := d[j:]
		switch name {
		case "Type":
			if k := skipSpace(rest); k < len(rest) && rest[k] == '/' {
				if v, _ := screenName(rest, k+1); v == "XRef" {
					x.xref = true
				}
			}
		case "W":
			x.w = screenInts(rest, true)
		case "Index":
			x.index = screenInts(rest, true)
		case "Size":
			if v := screenInts(rest, false); len(v) == 1 {
				x.size = v[0]
			}
		case "Length":
			if v, ok := directInt(rest); ok {
				x.length = v
			}
		case "Predictor":
			if v := screenInts(rest, false); len(v) == 1 {
				x.predictor = v[0]
			}
		case "Columns":
			if v := screenInts(rest, false); len(v) == 1 {
				x.columns = v[0]
			}
		case "Filter":
			k := skipSpace(rest)
			if k < len(rest) && rest[k] == '[' {
				k++
				k += skipSpace(rest[k:])
			}
			if k < len(rest) && rest[k] == '/' {
				if v, _ := screenName(rest, k+1); v == "FlateDecode" {
					x.flate = true
				} else {
					x.otherFilter = true
				}
			} else {
				x.otherFilter = true
			}
			// A second filter in an array is another filter.
			if k2 := bytes.IndexByte(rest[k:min(len(rest), k+64)], ']'); k2 > 0 && bytes.Count(rest[k:k+k2], []byte("/")) > 1 {
				x.otherFilter = true
			}
		}
	}
	return x
}

func skipSpace(b []byte) int {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n' || b[i] == '\f' || b[i] == 0) {
		i++
	}
	return i
}

// directInt reads an integer that is not the start of an indirect reference
// ("12 0 R").
func directInt(b []byte) (int64, bool) {
	v := screenInts(b, false)
	if len(v) != 1 {
		return 0, false
	}
	i := skipSpace(b)
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	j := i + skipSpace(b[i:])
	k := j
	for k < len(b) && b[k] >= '0' && b[k] <= '9' {
		k++
	}
	if k > j {
		if l := k + skipSpace(b[k:]); l < len(b) && b[l] == 'R' {
			return 0, false
		}
	}
	return v[0], true
}

// stream checks the stream whose "stream" keyword is at keyword and whose
// data starts at start, if it is a cross-reference stream.
func (s *xrefScreen) stream(r io.ReaderAt, keyword, start, size int64) error {
	d := parseXRefDict(dictBefore(r, keyword))
	if !d.xref {
		return nil
	}
	bad := func(why string) error { return fmt.Errorf("%w: cross-reference stream: %s", ErrMalformed, why) }
	if d.otherFilter || d.predictor != 0 && d.predictor != 12 {
		return bad("filter")
	}
	if len(d.w) != 3 {
		return bad("W")
	}
	wtotal := int64(0)
	for _, w := range d.w {
		if w < 0 || w > 8 {
			return bad("W")
		}
		wtotal += w
	}
	if wtotal == 0 {
		return bad("W")
	}
	index := d.index
	if index == nil {
		index = []int64{0, d.size}
	}
	if len(index)%2 != 0 {
		return bad("Index")
	}
	var entries int64
	for i := 1; i < len(index); i += 2 {
		entries += index[i]
	}
	need := entries * wtotal
	if d.predictor == 12 {
		if d.columns != wtotal {
			return bad("Columns")
		}
		need = entries * (wtotal + 1)
	}
	if need > maxXRefBytes {
		return bad("too large")
	}
	var rd io.Reader
	switch {
	case d.flate:
		zr, err := zlib.NewReader(io.NewSectionReader(r, start, size-start))
		if err != nil {
			return nil // the library will fail on it too
		}
		defer zr.Close()
		rd = zr
	case d.length >= 0:
		rd = io.NewSectionReader(r, start, min(d.length, size-start))
	default:
		return bad("length")
	}
	data := make([]byte, need)
	n, err := io.ReadFull(rd, data)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil
	}
	data = data[:n]
	if d.predictor == 12 { // PNG Up, as the library decodes it
		row := int(wtotal + 1)
		hist := make([]byte, row)
		out := data[:0:0]
		for i := 0; i+row <= len(data); i += row {
			if data[i] != 2 {
				break
			}
			for k := 0; k < row; k++ {
				hist[k] += data[i+k]
			}
			out = append(out, hist[1:]...)
		}
		data = out
	}
	field := func(b []byte) int64 {
		var v int64
		for _, c := range b {
			v = v<<8 | int64(c)
		}
		return v
	}
	w0, w1 := d.w[0], d.w[1]
	p := int64(0)
	for i := 0; i+1 < len(index); i += 2 {
		for k := int64(0); k < index[i+1]; k++ {
			if p+wtotal > int64(len(data)) {
				return nil
			}
			e := data[p : p+wtotal]
			p += wtotal
			typ := int64(1)
			if w0 > 0 {
				typ = field(e[:w0])
			}
			if typ == 2 {
				if s.inStream == nil {
					s.inStream = map[int64]int64{}
				}
				s.inStream[index[i]+k] = field(e[w0 : w0+w1])
			}
		}
	}
	return nil
}

// check refuses an object stream said to be inside an object stream.
func (s *xrefScreen) check() error {
	for obj, strm := range s.inStream {
		if _, ok := s.inStream[strm]; ok {
			return fmt.Errorf("%w: object %d lies in object stream %d, itself in an object stream", ErrMalformed, obj, strm)
		}
	}
	return nil
}
