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
