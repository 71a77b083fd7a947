package extract_test

import (
	"bytes"
	"fmt"
)

// xrefStreamPDF writes a PDF whose cross-reference is a stream (PDF 1.5)
// with W [1 4 2], uncompressed; inStream maps object numbers to the object
// stream they are said to live in (type 2 entries).
func xrefStreamPDF(inStream map[int]int, compress bool) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	off1 := b.Len()
	b.WriteString("1 0 obj\n<</Type /Catalog /Pages 3 0 R>>\nendobj\n")
	off2 := b.Len()
	size := 4
	for n := range inStream {
		size = max(size, n+1)
	}
	var data []byte
	entry := func(typ byte, f2 int, f3 int) {
		data = append(data, typ, byte(f2>>24), byte(f2>>16), byte(f2>>8), byte(f2), byte(f3>>8), byte(f3))
	}
	for n := 0; n < size; n++ {
		switch {
		case n == 0:
			entry(0, 0, 0xFFFF)
		case n == 1:
			entry(1, off1, 0)
		case n == 2:
			entry(1, off2, 0)
		default:
			if s, ok := inStream[n]; ok {
				entry(2, s, 0)
			} else {
				entry(0, 0, 0)
			}
		}
	}
	filter := ""
	if compress {
		// PNG Up predictor rows, deflated, as PDF writers do.
		var rows []byte
		prev := make([]byte, 7)
		for i := 0; i < len(data); i += 7 {
			rows = append(rows, 2)
			for k := 0; k < 7; k++ {
				rows = append(rows, data[i+k]-prev[k])
			}
			copy(prev, data[i:i+7])
		}
		var z bytes.Buffer
		zw := newZlib(&z)
		zw.Write(rows)
		zw.Close()
		data = z.Bytes()
		filter = " /Filter /FlateDecode /DecodeParms <</Predictor 12 /Columns 7>>"
	}
	fmt.Fprintf(&b, "2 0 obj\n<</Type /XRef /Size %d /W [1 4 2] /Root 1 0 R%s /Length %d>>\nstream\n", size, filter, len(data))
	b.Write(data)
	b.WriteString("\nendstream\nendobj\n")
	fmt.Fprintf(&b, "startxref\n%d\n%%%%EOF\n", off2)
	return b.Bytes()
}
