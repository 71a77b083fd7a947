package main

import (
	"bytes"
	"encoding/binary"
	"testing"

	"gongkai/internal/letter/font"
)

// Wrapping the embedded face into a two-face collection and extracting each
// face gives the face back byte for byte.
func TestExtractRoundTrip(t *testing.T) {
	ttf, err := font.TTF()
	if err != nil {
		t.Fatal(err)
	}
	be := binary.BigEndian
	// A collection: header (12 bytes + 2 offsets), then the face twice.
	hdr := 12 + 4*2
	ttc := make([]byte, hdr)
	copy(ttc, "ttcf")
	be.PutUint32(ttc[4:], 0x00010000)
	be.PutUint32(ttc[8:], 2)
	for face := 0; face < 2; face++ {
		at := len(ttc)
		be.PutUint32(ttc[12+4*face:], uint32(at))
		ttc = append(ttc, ttf...)
		n := int(be.Uint16(ttf[4:]))
		for i := 0; i < n; i++ { // table offsets count from the collection's start
			p := at + 12 + 16*i + 8
			be.PutUint32(ttc[p:], be.Uint32(ttc[p:])+uint32(at))
		}
	}
	for face := 0; face < 2; face++ {
		out, err := Extract(ttc, face)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, ttf) {
			t.Errorf("face %d: %d bytes, not the %d of the original", face, len(out), len(ttf))
		}
	}
	for _, bad := range [][]byte{nil, []byte("OTTO0000000000000"), ttc[:hdr]} {
		if _, err := Extract(bad, 0); err == nil {
			t.Errorf("Extract accepted %d bytes of junk", len(bad))
		}
	}
	if _, err := Extract(ttc, 2); err == nil {
		t.Error("face 2 of 2 accepted")
	}
}
