package letter

import (
	"fmt"
	"io"
	"strings"
	"testing"
)

// BenchmarkHTML is the baseline: composing the letter and writing the HTML
// fragment, what a review page does.
func BenchmarkHTML(b *testing.B) {
	l := Sample("withheld.3")
	for b.Loop() {
		if err := RenderHTML(io.Discard, l); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPDF renders one ordinary decision letter (2 pages).
func BenchmarkPDF(b *testing.B) {
	l := Sample("withheld.3")
	if _, err := PDF(l); err != nil { // the font is parsed once per process, not per letter
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if err := RenderPDF(io.Discard, l); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPDFLong renders a letter whose answer is at MaxText (≈ 37 pages).
func BenchmarkPDFLong(b *testing.B) {
	l := Sample("partially_disclosed")
	var sb strings.Builder
	for i := 0; sb.Len() < MaxText*3-200; i++ {
		fmt.Fprintf(&sb, "第%d段：本机关对申请事项逐项核查，结果见附表。", i)
	}
	l.Answer = string([]rune(sb.String())[:MaxText])
	for b.Loop() {
		if err := RenderPDF(io.Discard, l); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFontParse is the one-time cost each process pays on its first PDF.
func BenchmarkFontParse(b *testing.B) {
	for b.Loop() {
		if _, err := parseFont(); err != nil {
			b.Fatal(err)
		}
	}
}
