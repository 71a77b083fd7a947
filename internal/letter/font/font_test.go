package font

import "testing"

func TestTTFIsASingleTrueTypeFace(t *testing.T) {
	b, err := TTF()
	if err != nil {
		t.Fatal(err)
	}
	// sfnt version 1.0 (TrueType outlines), not 'ttcf' nor 'OTTO' (CFF).
	if len(b) < 4 || b[0] != 0 || b[1] != 1 || b[2] != 0 || b[3] != 0 {
		t.Fatalf("header %x, want 00010000", b[:4])
	}
	if len(b) < 4_000_000 {
		t.Fatalf("font is %d bytes, the whole face is about 4.6 MB", len(b))
	}
}

func TestHas(t *testing.T) {
	for _, r := range "临沂市司法局政府信息公开告知书〔〕（）“”《》，。、；：ABCabc0123456789—…" {
		if ok, err := Has(r); !ok || err != nil {
			t.Errorf("Has(%q) = %v, %v", r, ok, err)
		}
	}
	// U+20BB7 (𠮷, CJK Extension B), U+4DAE (䶮, Extension A), an emoji.
	for _, r := range "𠮷䶮😀" {
		if ok, _ := Has(r); ok {
			t.Errorf("Has(%q) = true; the font has no such glyph", r)
		}
	}
}
