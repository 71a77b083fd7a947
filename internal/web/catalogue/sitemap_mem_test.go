package catalogue

import (
	"bytes"
	"testing"
)

// The streamed urlset is byte for byte what encoding/xml wrote.
func TestURLSetWriter(t *testing.T) {
	urls := []sitemapURL{
		{Loc: "https://example.org/"},
		{Loc: "https://example.org/items/12", LastMod: "2026-12-01"},
		{Loc: "https://example.org/lists/a/rows/x%2Fy?b=1&c=<2>'\"", LastMod: ""},
		{Loc: "https://例子.中国/lists/领导/rows/张三", LastMod: "2026-01-02"},
	}
	for n := range len(urls) + 1 {
		want, err := encodeXML(urlset{URLs: urls[:n]})
		if err != nil {
			t.Fatal(err)
		}
		w := newURLSet(n)
		for _, u := range urls[:n] {
			w.add(u.Loc, u.LastMod)
		}
		if got := w.bytes(); !bytes.Equal(got, want) {
			t.Errorf("%d urls:\n got %s\nwant %s", n, got, want)
		}
	}
}
