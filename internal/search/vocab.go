package search

import (
	"bufio"
	"embed"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
)

// The vocabulary: words for segmenting queries (data/dict.txt), colloquial
// words dropped from queries (data/stopwords.txt), the default synonym
// table (data/synonyms.txt), and the pinyin of every word for pinyin input
// and homophone typos.

//go:embed data/*.txt
var dataFS embed.FS

// DataFile returns an embedded vocabulary file.
func DataFile(name string) ([]byte, error) { return fs.ReadFile(dataFS, "data/"+name) }

// lines yields the non-empty, non-comment lines of an embedded file.
func lines(name string) []string {
	b, err := DataFile(name)
	if err != nil {
		panic("search: " + err.Error()) // embedded at build time
	}
	var out []string
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		out = append(out, l)
	}
	return out
}

// maxWordRunes bounds dictionary words used in segmentation.
const maxWordRunes = 12

// Vocabulary segments queries and maps pinyin and homophones to words.
type Vocabulary struct {
	weight  map[string]int // word → weight (higher is more common)
	stop    map[string]bool
	maxLen  int
	full    map[string][]string // "quanzeqingdan" → words
	initial map[string][]string // "qzqd" → words
	fuzzy   map[string][]string // fuzzy syllables joined by " " → words
}

var pyArgs = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Style = pinyin.Normal
	a.Fallback = func(r rune, a pinyin.Args) []string { return []string{string(r)} }
	return a
}()

var pyHetero = func() pinyin.Args {
	a := pyArgs
	a.Heteronym = true
	return a
}()

// maxReadings bounds the readings of one word that are indexed (a word of
// characters with several readings, 调 diao/tiao, has their product).
const maxReadings = 16

// readings returns the toneless pinyin of a Han word, one syllable per
// rune, for each combination of its characters' readings (at most
// maxReadings; the most common reading of each character first).
func readings(word string) [][]string {
	per := pinyin.Pinyin(word, pyHetero)
	if len(per) != len([]rune(word)) {
		return [][]string{pinyin.LazyPinyin(word, pyArgs)}
	}
	out := [][]string{nil}
	for _, rs := range per {
		if len(rs) == 0 {
			return [][]string{pinyin.LazyPinyin(word, pyArgs)}
		}
		var next [][]string
		for _, prefix := range out {
			for _, r := range rs {
				if len(next) == maxReadings {
					break
				}
				next = append(next, append(append([]string(nil), prefix...), r))
			}
		}
		out = next
	}
	return out
}

// fuzzySyllable folds the sounds people confuse when typing by sound
// (zh/z, ch/c, sh/s, n/l, -ng/-n), so 社区娇正 and 社区矫正 meet.
func fuzzySyllable(s string) string {
	for _, p := range [][2]string{{"zh", "z"}, {"ch", "c"}, {"sh", "s"}} {
		if strings.HasPrefix(s, p[0]) {
			s = p[1] + s[len(p[0]):]
			break
		}
	}
	if strings.HasPrefix(s, "l") {
		s = "n" + s[1:]
	}
	if strings.HasSuffix(s, "ng") {
		s = s[:len(s)-1]
	}
	return s
}

func fuzzyKey(sy []string) string {
	f := make([]string, len(sy))
	for i := range sy {
		f[i] = fuzzySyllable(sy[i])
	}
	return strings.Join(f, " ")
}

// NewVocabulary builds the vocabulary from the embedded files plus extra
// words (the site's synonym terms).
func NewVocabulary(extra ...string) *Vocabulary {
	v := &Vocabulary{weight: map[string]int{}, stop: map[string]bool{},
		full: map[string][]string{}, initial: map[string][]string{}, fuzzy: map[string][]string{}}
	for _, l := range lines("dict.txt") {
		w, n := l, 1
		if i := strings.IndexAny(l, "\t "); i > 0 {
			w = l[:i]
			if k, err := strconv.Atoi(strings.TrimSpace(l[i+1:])); err == nil {
				n = k
			}
		}
		v.add(w, n)
	}
	for _, w := range extra {
		v.add(w, 1)
	}
	for _, l := range lines("stopwords.txt") {
		v.stop[Normalize(l)] = true
	}
	for _, m := range []map[string][]string{v.full, v.initial, v.fuzzy} {
		for k, ws := range m {
			sort.SliceStable(ws, func(i, j int) bool { return v.weight[ws[i]] > v.weight[ws[j]] })
			m[k] = ws
		}
	}
	return v
}

func (v *Vocabulary) add(word string, weight int) {
	w := Normalize(strings.TrimSpace(word))
	n := utf8.RuneCountInString(w)
	if n < 2 || n > maxWordRunes {
		return
	}
	if old, ok := v.weight[w]; ok {
		if weight > old {
			v.weight[w] = weight
		}
		return
	}
	v.weight[w] = weight
	if n > v.maxLen {
		v.maxLen = n
	}
	if !allHan(w) {
		return
	}
	for _, sy := range readings(w) {
		full := strings.Join(sy, "")
		v.full[full] = appendNew(v.full[full], w)
		var ini strings.Builder
		for _, s := range sy {
			ini.WriteByte(s[0])
		}
		if n >= 3 { // two initials name too many words to guess from
			v.initial[ini.String()] = appendNew(v.initial[ini.String()], w)
		}
		fk := fuzzyKey(sy)
		v.fuzzy[fk] = appendNew(v.fuzzy[fk], w)
	}
}

func allHan(s string) bool {
	for _, r := range s {
		if !isHan(r) {
			return false
		}
	}
	return s != ""
}

// Known reports whether word is in the vocabulary.
func (v *Vocabulary) Known(word string) bool { _, ok := v.weight[word]; return ok }

// Stop reports whether word is a colloquial query word to drop.
func (v *Vocabulary) Stop(word string) bool { return v.stop[word] }

// Segment splits a normalised Han run into words by forward maximum
// matching over the vocabulary; characters of no word are kept together
// as one unknown word, and stop words are dropped.
func (v *Vocabulary) Segment(run string) []string {
	rs := []rune(run)
	var out []string
	var unknown []rune
	flush := func() {
		if len(unknown) > 0 {
			out = append(out, string(unknown))
			unknown = nil
		}
	}
	for i := 0; i < len(rs); {
		n := 0
		for l := min(v.maxLen, len(rs)-i); l >= 2; l-- {
			w := string(rs[i : i+l])
			if v.Known(w) || v.stop[w] {
				n = l
				break
			}
		}
		if n == 0 {
			if v.stop[string(rs[i])] {
				flush()
				i++
				continue
			}
			unknown = append(unknown, rs[i])
			i++
			continue
		}
		flush()
		if w := string(rs[i : i+n]); !v.stop[w] {
			out = append(out, w)
		}
		i += n
	}
	flush()
	return out
}

// Split returns the vocabulary words inside a word (法律援助中心 →
// 法律援助 中心), the word itself not counted; nil when it has none.
func (v *Vocabulary) Split(w string) []string {
	rs := []rune(w)
	var out []string
	for i := 0; i < len(rs); {
		n := 0
		for l := min(v.maxLen, len(rs)-i); l >= 2; l-- {
			if l == len(rs) {
				continue
			}
			if v.Known(string(rs[i : i+l])) {
				n = l
				break
			}
		}
		if n == 0 {
			i++
			continue
		}
		out = append(out, string(rs[i:i+n]))
		i += n
	}
	return out
}

// FromPinyin returns the words a latin token may be the pinyin of: its full
// pinyin (falvyuanzhu) or, for three or more letters, its initials (qzqd),
// most common first, at most n.
func (v *Vocabulary) FromPinyin(tok string, n int) []string {
	var out []string
	out = append(out, v.full[tok]...)
	if len(out) == 0 && len(tok) >= 3 {
		out = append(out, v.initial[tok]...)
	}
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// Correct returns run with words typed by sound replaced by the vocabulary
// word that sounds the same (社区娇正 → 社区矫正, 行政复意 → 行政复议), and
// whether anything changed. A window is replaced only when it is not a word
// itself and one vocabulary word has its sound.
func (v *Vocabulary) Correct(run string) (string, bool) {
	rs := []rune(run)
	changed := false
	var b strings.Builder
	for i := 0; i < len(rs); {
		done := false
		for l := min(v.maxLen, len(rs)-i); l >= 2; l-- {
			w := string(rs[i : i+l])
			if v.Known(w) {
				b.WriteString(w)
				i += l
				done = true
				break
			}
			if !allHan(w) {
				continue
			}
			if c := v.soundsLike(w); c != "" {
				b.WriteString(c)
				i += l
				done, changed = true, true
				break
			}
		}
		if !done {
			b.WriteRune(rs[i])
			i++
		}
	}
	return b.String(), changed
}

// soundsLike returns the most common vocabulary word that sounds like w
// under one of its readings and differs from it as a typo does, or "".
func (v *Vocabulary) soundsLike(w string) string {
	best := ""
	for _, sy := range readings(w) {
		for _, c := range v.fuzzy[fuzzyKey(sy)] {
			if differsInOne(w, c) && (best == "" || v.weight[c] > v.weight[best]) {
				best = c
			}
		}
	}
	return best
}

// differsInOne reports whether a and b, of equal length, differ in at
// least one and at most half of their characters (a typo, not another
// word that happens to sound alike).
func differsInOne(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) != len(rb) {
		return false
	}
	d := 0
	for i := range ra {
		if ra[i] != rb[i] {
			d++
		}
	}
	return d >= 1 && d*2 <= len(ra)
}

// Words lists vocabulary words starting with prefix (Han) or whose pinyin
// starts with it (latin), most common first, at most n — typing
// suggestions.
func (v *Vocabulary) Words(prefix string, n int) []string {
	prefix = Normalize(prefix)
	if prefix == "" {
		return nil
	}
	var out []string
	if allHan(prefix) {
		for w := range v.weight {
			if strings.HasPrefix(w, prefix) && w != prefix {
				out = append(out, w)
			}
		}
	} else {
		seen := map[string]bool{}
		for py, ws := range v.full {
			if strings.HasPrefix(py, prefix) {
				for _, w := range ws {
					if !seen[w] {
						seen[w] = true
						out = append(out, w)
					}
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if v.weight[out[i]] != v.weight[out[j]] {
			return v.weight[out[i]] > v.weight[out[j]]
		}
		if len(out[i]) != len(out[j]) {
			return len(out[i]) < len(out[j])
		}
		return out[i] < out[j]
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// appendNew appends s unless list holds it.
func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
