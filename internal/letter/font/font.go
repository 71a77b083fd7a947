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
	"fmt"
	"io"
	"sync"
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
