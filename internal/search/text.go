package search

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Tokens: every back end indexes and queries the same tokens, made here.
//
// Text is NFKC-normalised (full-width letters and digits become ASCII,
// compatibility ideographs their unified forms) and lower-cased. A run of
// Han characters becomes its overlapping bigrams (中华人民 → 中华 华人 人民);
// a run of one Han character becomes that character; a run of letters or
// digits becomes one token; everything else separates tokens. Bigrams never
// miss a query of two or more characters (DESIGN.md: measured against
// dictionary segmentation, which missed words inside longer words), and a
// word of n characters is the phrase of its n-1 bigrams.

// Normalize is the form text is compared in: NFKC, lower case. Government
// text is mostly ASCII, Han characters and CJK punctuation, which NFKC
// leaves alone or maps simply (full-width forms to ASCII); those runes take
// a fast path, the rest goes through x/text's NFKC (the whole string when a
// combining mark may compose with its neighbour).
func Normalize(s string) string {
	var b []byte
	kept := 0 // s[kept:i] is as it stays, not yet copied into b
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf { // fastRune's ASCII case, by the byte
			if 'A' <= c && c <= 'Z' {
				if b == nil {
					b = make([]byte, 0, len(s))
				}
				b = append(append(b, s[kept:i]...), c+'a'-'A')
				kept = i + 1
			}
			i++
			continue
		}
		if hanKept(s[i:]) {
			i += 3
			continue
		}
		r, w := decodeRune(s[i:])
		f, ok := fastRune(r)
		if ok && f == r {
			i += w
			continue
		}
		if !ok && (unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)) {
			return strings.ToLower(norm.NFKC.String(s))
		}
		if b == nil {
			b = make([]byte, 0, len(s)+8)
		}
		b = append(b, s[kept:i]...)
		if ok {
			b = utf8.AppendRune(b, f)
		} else {
			b = append(b, strings.ToLower(norm.NFKC.String(s[i:i+w]))...)
		}
		i += w
		kept = i
	}
	if b == nil {
		return s
	}
	return string(append(b, s[kept:]...))
}

// hanKept reports whether s starts with a rune of U+4000–U+9FFF other
// than U+4DC0–U+4DFF (the Yijing hexagrams): Han characters of the unified
// block and extension A, which fastRune keeps as they are. Decided on the
// bytes: lead E4–E9, two continuation bytes, and not E4 B7.
func hanKept(s string) bool {
	return len(s) >= 3 && s[0] >= 0xe4 && s[0] <= 0xe9 && s[1]&0xc0 == 0x80 && s[2]&0xc0 == 0x80 && (s[0] != 0xe4 || s[1] != 0xb7)
}

// decodeRune is utf8.DecodeRuneInString with the three-byte forms (the
// Han characters and CJK punctuation that most text is made of) decoded
// inline.
func decodeRune(s string) (rune, int) {
	if len(s) >= 3 {
		c0, c1, c2 := s[0], s[1], s[2]
		if c0&0xf0 == 0xe0 && c1&0xc0 == 0x80 && c2&0xc0 == 0x80 {
			r := rune(c0&0x0f)<<12 | rune(c1&0x3f)<<6 | rune(c2&0x3f)
			if r >= 0x800 && (r < 0xd800 || r > 0xdfff) { // not overlong, not a surrogate
				return r, 3
			}
		}
	}
	return utf8.DecodeRuneInString(s)
}

// fastRune maps the runes whose NFKC lower-case form is one rune known
// without tables; ok is false for the others.
func fastRune(r rune) (rune, bool) {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r, true
	case r >= 0x4e00 && r <= 0x9fff, r >= 0x3400 && r <= 0x4dbf: // CJK unified ideographs (and extension A)
		return r, true
	case r >= 0xff01 && r <= 0xff5e: // full-width ASCII: ，（）：０-９Ａ-Ｚ
		return fastRune(r - 0xfee0)
	case r == 0x3000: // ideographic space
		return ' ', true
	case r >= 0x3001 && r <= 0x3035, r >= 0x2012 && r <= 0x2016, r >= 0x2018 && r <= 0x2023, r >= 0x2027 && r <= 0x2032 && r != 0x202f, r == 0x2010: // 、。《》「」【】 — ‘’“”
		return r, true
	}
	return 0, false
}

// isHan reports whether r is a Chinese character (Han script). The common
// ranges are answered without the table (a rebuild asks for every rune of
// every document).
func isHan(r rune) bool {
	switch {
	case r < 0x2e80: // below the CJK radicals: no Han
		return false
	case r >= 0x4e00 && r <= 0x9fff: // CJK unified ideographs
		return true
	}
	return unicode.Is(unicode.Han, r)
}

// isWordRune reports whether r belongs to a latin/digit token.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z'
	}
	return (unicode.IsLetter(r) || unicode.IsDigit(r)) && !isHan(r)
}

// Run is a maximal run of Han characters or of letters and digits in
// normalised text.
type Run struct {
	Text string
	Han  bool
}

// Runs splits normalised text into runs, dropping separators.
func Runs(s string) []Run {
	var out []Run
	eachRun(s, func(r Run) { out = append(out, r) })
	return out
}

// eachRun calls f with each run of s in order (Runs without the slice).
func eachRun(s string, f func(Run)) {
	start, han := -1, false
	flush := func(end int) {
		if start >= 0 {
			f(Run{Text: s[start:end], Han: han})
			start = -1
		}
	}
	for i, r := range s {
		switch {
		case isHan(r):
			if start >= 0 && !han {
				flush(i)
			}
			if start < 0 {
				start, han = i, true
			}
		case isWordRune(r):
			if start >= 0 && han {
				flush(i)
			}
			if start < 0 {
				start, han = i, false
			}
		default:
			flush(i)
		}
	}
	flush(len(s))
}

// RunTokens returns the tokens of one run: bigrams of a Han run (the
// character itself for a run of one), the run itself otherwise.
func RunTokens(r Run) []string {
	if !r.Han {
		return []string{r.Text}
	}
	return appendRunTokens(make([]string, 0, utf8.RuneCountInString(r.Text)-1), r)
}

// appendRunTokens appends the tokens of one run to dst.
func appendRunTokens(dst []string, r Run) []string {
	if !r.Han {
		return append(dst, r.Text)
	}
	_, w := utf8.DecodeRuneInString(r.Text)
	if w == len(r.Text) {
		return append(dst, r.Text)
	}
	prev, mid := 0, w
	for mid < len(r.Text) {
		_, w2 := utf8.DecodeRuneInString(r.Text[mid:])
		dst = append(dst, r.Text[prev:mid+w2])
		prev, mid = mid, mid+w2
	}
	return dst
}

// Tokens returns the tokens of text, in order (normalising it first).
func Tokens(text string) []string {
	return appendTokens(nil, text)
}

// appendTokens appends the tokens of text to dst (Tokens into a buffer
// the caller reuses).
func appendTokens(dst []string, text string) []string {
	eachRun(Normalize(text), func(r Run) { dst = appendRunTokens(dst, r) })
	return dst
}

// EachToken calls f with each token of text in order (Tokens without the
// slice; the strings point into the normalised text).
func EachToken(text string, f func(string)) {
	eachRun(Normalize(text), func(r Run) {
		if !r.Han {
			f(r.Text)
			return
		}
		_, w := utf8.DecodeRuneInString(r.Text)
		if w == len(r.Text) {
			f(r.Text)
			return
		}
		prev, mid := 0, w
		for mid < len(r.Text) {
			_, w2 := utf8.DecodeRuneInString(r.Text[mid:])
			f(r.Text[prev : mid+w2])
			prev, mid = mid, mid+w2
		}
	})
}

// TokenText is text as its tokens separated by spaces: the form back ends
// store (FTS5 with the unicode61 tokenizer, PostgreSQL's 'simple'
// configuration) so that they split exactly where Tokens does.
func TokenText(text string) string {
	return string(AppendTokenText(nil, text))
}

// AppendTokenText appends TokenText(text) to dst: one pass over the
// normalised text, each bigram written as it is found (no token slices).
func AppendTokenText(dst []byte, text string) []byte {
	n := len(dst)
	if cap(dst)-n < len(text)*2 {
		dst = slices.Grow(dst, len(text)*2)
	}
	eachRun(Normalize(text), func(r Run) {
		if !r.Han {
			if len(dst) > n {
				dst = append(dst, ' ')
			}
			dst = append(dst, r.Text...)
			return
		}
		_, w := utf8.DecodeRuneInString(r.Text)
		if w == len(r.Text) {
			if len(dst) > n {
				dst = append(dst, ' ')
			}
			dst = append(dst, r.Text...)
			return
		}
		prev, mid := 0, w
		for mid < len(r.Text) {
			_, w2 := utf8.DecodeRuneInString(r.Text[mid:])
			if len(dst) > n {
				dst = append(dst, ' ')
			}
			dst = append(dst, r.Text[prev:mid+w2]...)
			prev, mid = mid, mid+w2
		}
	})
	return dst
}

// Prefix marks a query token matched as a prefix of indexed tokens.
const Prefix = "*"

// PhraseOf returns the phrase of a query word (its tokens in order) in a
// field; nil for a word without tokens. A lone Han character is matched as
// the prefix of a bigram ("年" finds 年度), since the index holds it alone
// only where it stands alone in the text.
func PhraseOf(word string, f Field) *Phrase {
	var t []string
	for _, r := range Runs(Normalize(word)) {
		rt := RunTokens(r)
		if r.Han && len(rt) == 1 && utf8.RuneCountInString(rt[0]) == 1 {
			rt = []string{rt[0] + Prefix}
		}
		t = append(t, rt...)
	}
	if len(t) == 0 {
		return nil
	}
	return &Phrase{Tokens: t, Field: f}
}
