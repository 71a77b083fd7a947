// Package font embeds the one CJK TrueType font of the notice letters:
// WenQuanYi Micro Hei (文泉驿微米黑), face 0 of Debian's wqy-microhei.ttc,
// extracted by ./ttcextract and gzip-compressed (4.6 MB → 2.1 MB).
//
// Licence: Apache-2.0 or GPL-3+ with the font exception (Debian package
// fonts-wqy-microhei, see /usr/share/doc/fonts-wqy-microhei/copyright);
// embedding it in the binary and subsets of it in PDFs is allowed under
// Apache-2.0. The reason for this font: the PDF library reads TrueType
// (glyf) outlines only, and the usual Noto CJK fonts are CFF and collections.
package font

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"fmt"
	"io"
	"sync"
	"unicode"
)

//go:embed wqy-microhei.ttf.gz
var compressed []byte

// Family is the font's family name, as the PDF and the HTML print style name it.
const Family = "WenQuanYi Micro Hei"

var (
	once sync.Once
	ttf  []byte
	err  error
)

// TTF returns the uncompressed TrueType file, decompressed once per process.
// The slice is shared: callers must not modify it.
func TTF() ([]byte, error) {
	once.Do(func() {
		var r *gzip.Reader
		r, err = gzip.NewReader(bytes.NewReader(compressed))
		if err != nil {
			err = fmt.Errorf("font: %w", err)
			return
		}
		ttf, err = io.ReadAll(r)
		if err != nil {
			err = fmt.Errorf("font: %w", err)
		}
	})
	return ttf, err
}

var (
	coverOnce sync.Once
	cover     map[rune]bool
	coverErr  error
)

// Has reports whether the font has a glyph for r. A character it lacks
// (rare CJK Extension B+ characters in names, emoji) would print as a blank
// in the PDF — the PDF renderer refuses such text instead.
func Has(r rune) (bool, error) {
	coverOnce.Do(func() {
		b, err := TTF()
		if err != nil {
			coverErr = err
			return
		}
		cover, coverErr = readCmap(b)
	})
	return cover[r], coverErr
}

// readCmap returns the characters mapped to a glyph other than .notdef, from
// the Windows Unicode subtables of the cmap table: format 4 (BMP, platform 3
// encoding 1) and format 12 (full repertoire, platform 3 encoding 10), as the
// OpenType specification ("cmap — Character to Glyph Index Mapping Table")
// lays them out.
func readCmap(b []byte) (map[rune]bool, error) {
	be := binary.BigEndian
	u16 := func(p int) int {
		if p < 0 || p+2 > len(b) {
			return 0
		}
		return int(be.Uint16(b[p:]))
	}
	u32 := func(p int) int {
		if p < 0 || p+4 > len(b) {
			return 0
		}
		return int(be.Uint32(b[p:]))
	}
	cmap := -1
	for i, n := 0, u16(4); i < n; i++ {
		rec := 12 + 16*i
		if rec+16 <= len(b) && string(b[rec:rec+4]) == "cmap" {
			cmap = u32(rec + 8)
		}
	}
	if cmap < 0 {
		return nil, fmt.Errorf("font: no cmap table")
	}
	m := map[rune]bool{}
	for i, n := 0, u16(cmap+2); i < n; i++ {
		rec := cmap + 4 + 8*i
		platform, encoding, sub := u16(rec), u16(rec+2), cmap+u32(rec+4)
		if platform != 3 || (encoding != 1 && encoding != 10) {
			continue
		}
		switch u16(sub) {
		case 4:
			segs := u16(sub+6) / 2
			ends, starts := sub+14, sub+16+2*segs
			deltas, offsets := starts+2*segs, starts+4*segs
			for s := 0; s < segs; s++ {
				end, start := u16(ends+2*s), u16(starts+2*s)
				delta, ro := u16(deltas+2*s), u16(offsets+2*s)
				for c := start; c <= end && c != 0xFFFF; c++ {
					g := 0
					if ro == 0 {
						g = (c + delta) & 0xFFFF
					} else if gi := u16(offsets + 2*s + ro + 2*(c-start)); gi != 0 {
						g = (gi + delta) & 0xFFFF
					}
					if g != 0 {
						m[rune(c)] = true
					}
				}
			}
		case 12:
			for g, n := 0, u32(sub+12); g < n && g < 1<<20; g++ {
				grp := sub + 16 + 12*g
				start, end, glyph := u32(grp), u32(grp+4), u32(grp+8)
				for c := start; c <= end && c <= unicode.MaxRune; c++ {
					if glyph+(c-start) != 0 {
						m[rune(c)] = true
					}
				}
			}
		}
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("font: no Unicode cmap subtable")
	}
	return m, nil
}
