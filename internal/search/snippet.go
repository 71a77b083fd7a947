package search

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// snippetRunes is the length of a result's snippet.
const snippetRunes = 120

// snippetScan bounds how much of a body a snippet is looked for in (and the
// passage scored): the first 6 KB, about 2,000 Chinese characters.
const snippetScan = 6 << 10

// headRunes is how much of a body the Service reads for ranking and
// snippets (Backend.Heads): about as much as snippetScan and rankScan hold.
const headRunes = 3000

// clipBytes returns at most n bytes of s, cut on a rune boundary.
func clipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// span is a byte range of a match.
type span struct{ from, to int }

// matches finds the terms in text (both normalised), longest first, without
// overlaps, in order.
func matches(text string, terms []string) []span {
	ts := slices2(terms)
	var out []span
	taken := func(a, b int) bool {
		for _, s := range out {
			if a < s.to && b > s.from {
				return true
			}
		}
		return false
	}
	for _, t := range ts {
		for i := 0; i < len(text); {
			j := strings.Index(text[i:], t)
			if j < 0 {
				break
			}
			a, b := i+j, i+j+len(t)
			if !taken(a, b) {
				out = append(out, span{a, b})
			}
			i = b
			if len(out) > 200 {
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].from < out[j].from })
	return out
}

// slices2 returns the non-empty terms, longest first, de-duplicated.
func slices2(terms []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range terms {
		if t = strings.TrimSpace(t); t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// segments cuts text into marked and unmarked pieces.
func segments(text string, ms []span) []Segment {
	var out []Segment
	at := 0
	for _, m := range ms {
		if m.from < at {
			continue
		}
		if m.from > at {
			out = append(out, Segment{Text: text[at:m.from]})
		}
		out = append(out, Segment{Text: text[m.from:m.to], Mark: true})
		at = m.to
	}
	if at < len(text) {
		out = append(out, Segment{Text: text[at:]})
	}
	return out
}

// folded is text normalised rune by rune for matching, with the offset in
// the original of every byte of the normalised form, so matches found in
// the normalised text mark the original (full-width punctuation such as
// ：and （ stays as written).
type folded struct {
	orig string
	norm string
	at   []int32 // at[i] is the original offset of norm's byte i; at[len(norm)] = len(orig)
}

func fold(text string) folded {
	f := folded{orig: text}
	b := make([]byte, 0, len(text))
	f.at = make([]int32, 0, len(text)+1)
	for i := 0; i < len(text); {
		if c := text[i]; c < utf8.RuneSelf { // fastRune's ASCII case
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
			f.at = append(f.at, int32(i))
			i++
			continue
		}
		if hanKept(text[i:]) {
			b = append(b, text[i:i+3]...)
			f.at = append(f.at, int32(i), int32(i), int32(i))
			i += 3
			continue
		}
		r, w := utf8.DecodeRuneInString(text[i:])
		var n string
		if f, ok := fastRune(r); ok {
			if f == r {
				n = text[i : i+utf8.RuneLen(r)]
			} else {
				n = string(f)
			}
		} else {
			n = Normalize(string(r))
		}
		b = append(b, n...)
		for range len(n) {
			f.at = append(f.at, int32(i))
		}
		i += w
	}
	f.norm = string(b)
	f.at = append(f.at, int32(len(text)))
	return f
}

// origSpans maps spans of the normalised text to the original, widening
// each to whole original runes.
func (f folded) origSpans(ms []span) []span {
	out := make([]span, 0, len(ms))
	for _, m := range ms {
		to := int(f.at[m.to])
		if m.to > 0 && int(f.at[m.to-1]) == to { // the match ends inside a rune's expansion
			_, w := utf8.DecodeRuneInString(f.orig[to:])
			to += w
		}
		out = append(out, span{int(f.at[m.from]), to})
	}
	return out
}

// Highlight marks the terms in a short text (a title), as written.
func Highlight(text string, terms []string) []Segment {
	f := fold(text)
	return segments(text, f.origSpans(matches(f.norm, normalizeAll(terms))))
}

func normalizeAll(terms []string) []string {
	out := make([]string, len(terms))
	for i, t := range terms {
		out[i] = Normalize(t)
	}
	return out
}

// Snippet returns about snippetRunes of body around the passage with the
// most distinct terms, with the terms marked; the beginning of the body
// when no term occurs.
func Snippet(body string, terms []string) []Segment {
	text := collapseSpace(clipBytes(body, snippetScan))
	f := fold(text)
	ms := f.origSpans(matches(f.norm, normalizeAll(terms)))
	start := 0
	if len(ms) > 0 {
		// The window starting a little before the match that has the most
		// distinct terms within snippetRunes after it.
		// at[k] is the rune offset of match k (the matches are in text
		// order), so a window's length is a subtraction, not a count.
		at := make([]int, len(ms))
		for k, prev, n := 0, 0, 0; k < len(ms); k++ {
			n += utf8.RuneCountInString(text[prev:ms[k].from])
			prev = ms[k].from
			at[k] = n
		}
		best, bestN := 0, -1
		seen := map[string]bool{}
		for i := range ms {
			clear(seen)
			for j := i; j < len(ms) && at[j]-at[i] < snippetRunes-20; j++ {
				seen[text[ms[j].from:ms[j].to]] = true
			}
			if len(seen) > bestN {
				best, bestN = i, len(seen)
			}
		}
		start = backRunes(text, ms[best].from, 20)
	}
	end := start
	for n := 0; end < len(text) && n < snippetRunes; n++ {
		_, w := utf8.DecodeRuneInString(text[end:])
		end += w
	}
	var in []span
	for _, m := range ms {
		if m.from >= start && m.to <= end {
			in = append(in, span{m.from - start, m.to - start})
		}
	}
	// A copy of the window: the segments are kept with the answer (the
	// Service's result cache), and slices of text would keep the whole
	// scanned body (up to snippetScan bytes a hit) alive with them.
	segs := segments(strings.Clone(text[start:end]), in)
	if start > 0 {
		segs = append([]Segment{{Text: "…"}}, segs...)
	}
	if end < len(text) {
		segs = append(segs, Segment{Text: "…"})
	}
	return segs
}

// collapseSpace is strings.Join(strings.Fields(s), " ") in one pass, and s
// itself when it is already so (no copy). It looks at bytes: the spaces
// outside ASCII (unicode.IsSpace) all start with C2, E1, E2 or E3, which are
// never continuation bytes, so every other byte is part of a field (an
// invalid byte too, as for strings.Fields).
func collapseSpace(s string) string {
	var b []byte
	start := -1 // the current field's start, or -1 between fields
	clean, prevSpace := true, true
	for i := 0; i < len(s); {
		c, w := s[i], 1
		space := false
		switch {
		case c < utf8.RuneSelf:
			space = asciiSpace[c]
		case c == 0xc2 || c == 0xe1 || c == 0xe2 || c == 0xe3:
			r, n := utf8.DecodeRuneInString(s[i:])
			if space = unicode.IsSpace(r); space {
				w = n
			}
		}
		if !space {
			if start < 0 {
				start = i
			}
			prevSpace = false
			i++
			continue
		}
		if c != ' ' || prevSpace {
			clean = false
		}
		if start >= 0 {
			if b == nil {
				b = make([]byte, 0, len(s))
			} else {
				b = append(b, ' ')
			}
			b = append(b, s[start:i]...)
			start = -1
		}
		prevSpace = true
		i += w
	}
	if clean && !prevSpace || s == "" {
		return s
	}
	if start >= 0 {
		if b != nil {
			b = append(b, ' ')
		}
		b = append(b, s[start:]...)
	}
	return string(b)
}

// asciiSpace is unicode.IsSpace for ASCII.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// backRunes steps back n runes from byte offset i.
func backRunes(s string, i, n int) int {
	for ; n > 0 && i > 0; n-- {
		_, w := utf8.DecodeLastRuneInString(s[:i])
		i -= w
	}
	return i
}
