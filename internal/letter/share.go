package letter

import "github.com/signintech/gopdf"

// PDFFonts returns the embedded CJK font (internal/letter/font), parsed once
// per process and shared read-only, for other PDF renderers (the annual
// report's export) to add with gopdf's AddTTFFontFromFontContainer under
// font.Family.
func PDFFonts() (*gopdf.FontContainer, error) { return fonts() }

// Wrap breaks s into lines no wider than firstW (the first line) and restW
// (the others), measuring each rune with width; it keeps Latin words and
// numbers whole and follows the letters' line-breaking rules (no closing
// punctuation at a line's start).
func Wrap(s string, firstW, restW float64, width func(rune) float64) []string {
	return wrap(s, firstW, restW, width)
}
