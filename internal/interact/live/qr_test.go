package live

import (
	"strings"
	"testing"
)

// A QR decoder for what QR makes (level M, byte mode, versions 1–5: links
// of up to 84 bytes), written from ISO/IEC 18004's layout, so the codes
// the site draws are checked by reading them back rather than trusted.

// blocksM are the level-M data codewords per block, by version (all blocks
// of these versions are the same length).
var blocksM = map[int]struct{ blocks, data, ecc int }{
	1: {1, 16, 10}, 2: {1, 28, 16}, 3: {1, 44, 26}, 4: {2, 32, 18}, 5: {2, 43, 24},
}

func masked(mask, x, y int) bool {
	switch mask {
	case 0:
		return (x+y)%2 == 0
	case 1:
		return y%2 == 0
	case 2:
		return x%3 == 0
	case 3:
		return (x+y)%3 == 0
	case 4:
		return (x/3+y/2)%2 == 0
	case 5:
		return x*y%2+x*y%3 == 0
	case 6:
		return (x*y%2+x*y%3)%2 == 0
	}
	return ((x+y)%2+x*y%3)%2 == 0
}

// decodeQR reads the text of a module matrix with a 4-module quiet zone.
func decodeQR(t *testing.T, m [][]bool) string {
	t.Helper()
	n := len(m) - 8
	at := func(x, y int) bool { return m[y+4][x+4] }
	version := (n - 17) / 4
	layout, ok := blocksM[version]
	if !ok || n != 17+4*version {
		t.Fatalf("size %d: not a version the decoder reads", n)
	}
	// Format information, the copy around the top-left finder.
	var bits int
	for i := 0; i <= 5; i++ {
		if at(8, i) {
			bits |= 1 << i
		}
	}
	for i, p := range [][2]int{{8, 7}, {8, 8}, {7, 8}} {
		if at(p[0], p[1]) {
			bits |= 1 << (6 + i)
		}
	}
	for i := 9; i < 15; i++ {
		if at(14-i, 8) {
			bits |= 1 << i
		}
	}
	bits ^= 0x5412
	if ecl := bits >> 13; ecl != 0 {
		t.Fatalf("error correction level bits %b, want 00 (M)", ecl)
	}
	mask := (bits >> 10) & 7
	// Function modules: finders with separators and format areas, timing,
	// the one alignment pattern of versions 2–6, the dark module.
	fn := func(x, y int) bool {
		switch {
		case x <= 8 && y <= 8, x >= n-8 && y <= 8, x <= 8 && y >= n-8:
			return true
		case x == 6 || y == 6:
			return true
		case version >= 2 && x >= n-9 && x <= n-5 && y >= n-9 && y <= n-5:
			return true
		}
		return false
	}
	total := layout.blocks * (layout.data + layout.ecc)
	cw := make([]byte, total)
	i := 0
	for right := n - 1; right >= 1; right -= 2 {
		if right == 6 {
			right = 5
		}
		for vert := 0; vert < n; vert++ {
			for j := 0; j < 2; j++ {
				x := right - j
				y := vert
				if (right+1)&2 == 0 {
					y = n - 1 - vert
				}
				if fn(x, y) || i >= total*8 {
					continue
				}
				if at(x, y) != masked(mask, x, y) {
					cw[i>>3] |= 1 << (7 - i&7)
				}
				i++
			}
		}
	}
	// Data codewords are interleaved block by block.
	var data []byte
	for b := 0; b < layout.blocks; b++ {
		for k := 0; k < layout.data; k++ {
			data = append(data, cw[k*layout.blocks+b])
		}
	}
	bit := 0
	read := func(w int) int {
		v := 0
		for k := 0; k < w; k++ {
			v = v<<1 | int(data[bit>>3]>>(7-bit&7)&1)
			bit++
		}
		return v
	}
	if mode := read(4); mode != 4 {
		t.Fatalf("mode %04b, want 0100 (bytes)", mode)
	}
	count := read(8)
	var out strings.Builder
	for k := 0; k < count; k++ {
		out.WriteByte(byte(read(8)))
	}
	return out.String()
}

func TestQRDecodesToTheLink(t *testing.T) {
	for _, link := range []string{
		"https://weibo.com/x",                                             // version 2
		"https://weibo.com/linyisifa",                                     // version 3
		"https://www.douyin.com/user/lysfj?from=sfj.linyi.gov.cn",         // version 4
		"https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=lysfj", // version 5
	} {
		m, err := QR(link)
		if err != nil {
			t.Fatal(err)
		}
		if got := decodeQR(t, m); got != link {
			t.Errorf("%s decodes to %q", link, got)
		}
	}
}

func TestQRSVGDrawsEveryDarkModule(t *testing.T) {
	svg, err := QRSVG("https://weibo.com/linyisifa", `临沂司法 <微博> & "二维码"`)
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	if !strings.Contains(s, `<title>临沂司法 &lt;微博&gt; &amp; &quot;二维码&quot;</title>`) {
		t.Errorf("title not escaped: %.200s", s)
	}
	m, _ := QR("https://weibo.com/linyisifa")
	dark := 0
	for _, row := range m {
		for _, v := range row {
			if v {
				dark++
			}
		}
	}
	// Each run "M x yhNv1h-Nz" covers N modules.
	drawn := 0
	for _, run := range strings.Split(s[strings.Index(s, `d="`)+3:], "z") {
		if i := strings.Index(run, "h"); i >= 0 {
			var n int
			for _, c := range run[i+1:] {
				if c < '0' || c > '9' {
					break
				}
				n = n*10 + int(c-'0')
			}
			drawn += n
		}
	}
	if drawn != dark {
		t.Errorf("drawn %d modules, the code has %d dark", drawn, dark)
	}
}
