// Command ttcextract copies one face out of a TrueType Collection (.ttc) into
// a stand-alone TrueType file (.ttf), optionally gzip-compressed.
//
// Why: the PDF library (github.com/signintech/gopdf) reads only single-face
// TrueType files with glyf outlines, not collections; the CJK font we embed,
// WenQuanYi Micro Hei (Debian package fonts-wqy-microhei), ships only as
// wqy-microhei.ttc (face 0 "WenQuanYi Micro Hei", face 1 the Mono variant).
// This tool made internal/letter/font/wqy-microhei.ttf.gz:
//
//	apt-get install fonts-wqy-microhei
//	go run ./internal/letter/font/ttcextract -face 0 -gzip \
//	    /usr/share/fonts/truetype/wqy/wqy-microhei.ttc internal/letter/font/wqy-microhei.ttf.gz
//
// Format (OpenType spec, "Font Collections"): a 'ttcf' header holds the
// number of faces and each face's offset to its table directory; a table
// directory is the sfnt version, the table count, three search fields and
// 16-byte records (tag, checksum, offset, length) whose offsets count from the
// start of the collection file. The output is that directory with the tables
// it names copied after it, each 4-byte aligned and re-pointed, and the head
// table's checkSumAdjustment recomputed (0xB1B0AFBA minus the file's sum).
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
)

func main() {
	face := flag.Int("face", 0, "index of the face to extract")
	gz := flag.Bool("gzip", false, "gzip the output")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: ttcextract [-face N] [-gzip] in.ttc out.ttf")
		os.Exit(2)
	}
	in, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fatal(err)
	}
	out, err := Extract(in, *face)
	if err != nil {
		fatal(err)
	}
	if *gz {
		var b bytes.Buffer
		w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		w.Write(out)
		if err := w.Close(); err != nil {
			fatal(err)
		}
		out = b.Bytes()
	}
	if err := os.WriteFile(flag.Arg(1), out, 0o644); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "ttcextract:", err)
	os.Exit(1)
}

type record struct {
	tag              [4]byte
	checksum, offset uint32
	length           uint32
}

// Extract returns face number face of the collection ttc as a TrueType file.
func Extract(ttc []byte, face int) ([]byte, error) {
	be := binary.BigEndian
	if len(ttc) < 12 || string(ttc[:4]) != "ttcf" {
		return nil, errors.New("not a TrueType collection (no ttcf header)")
	}
	n := int(be.Uint32(ttc[8:]))
	if face < 0 || face >= n || 12+4*n > len(ttc) {
		return nil, fmt.Errorf("face %d not in a collection of %d", face, n)
	}
	dir := int(be.Uint32(ttc[12+4*face:]))
	if dir+12 > len(ttc) {
		return nil, errors.New("table directory out of range")
	}
	sfnt := be.Uint32(ttc[dir:])
	numTables := int(be.Uint16(ttc[dir+4:]))
	if dir+12+16*numTables > len(ttc) {
		return nil, errors.New("table records out of range")
	}
	recs := make([]record, numTables)
	for i := range recs {
		p := dir + 12 + 16*i
		copy(recs[i].tag[:], ttc[p:p+4])
		recs[i].checksum = be.Uint32(ttc[p+4:])
		recs[i].offset = be.Uint32(ttc[p+8:])
		recs[i].length = be.Uint32(ttc[p+12:])
		if uint64(recs[i].offset)+uint64(recs[i].length) > uint64(len(ttc)) {
			return nil, fmt.Errorf("table %s out of range", recs[i].tag)
		}
	}
	// Records must be sorted by tag (spec); the collection's already are, but be sure.
	sort.Slice(recs, func(i, j int) bool { return string(recs[i].tag[:]) < string(recs[j].tag[:]) })

	headerLen := 12 + 16*numTables
	var out bytes.Buffer
	out.Write(make([]byte, headerLen))
	headAt := -1
	newOff := make([]uint32, numTables)
	for i, r := range recs {
		newOff[i] = uint32(out.Len())
		if string(r.tag[:]) == "head" {
			headAt = out.Len()
		}
		out.Write(ttc[r.offset : r.offset+r.length])
		for out.Len()%4 != 0 {
			out.WriteByte(0)
		}
	}
	b := out.Bytes()
	be.PutUint32(b[0:], sfnt)
	be.PutUint16(b[4:], uint16(numTables))
	// searchRange, entrySelector, rangeShift as the spec defines them.
	es := 0
	for 1<<(es+1) <= numTables {
		es++
	}
	be.PutUint16(b[6:], uint16(16<<es))
	be.PutUint16(b[8:], uint16(es))
	be.PutUint16(b[10:], uint16(numTables*16-(16<<es)))
	for i, r := range recs {
		p := 12 + 16*i
		copy(b[p:], r.tag[:])
		be.PutUint32(b[p+4:], r.checksum)
		be.PutUint32(b[p+8:], newOff[i])
		be.PutUint32(b[p+12:], r.length)
	}
	if headAt >= 0 && headAt+12 <= len(b) {
		be.PutUint32(b[headAt+8:], 0)
		var sum uint32
		for i := 0; i+4 <= len(b); i += 4 {
			sum += be.Uint32(b[i:])
		}
		be.PutUint32(b[headAt+8:], 0xB1B0AFBA-sum)
	}
	return b, nil
}
