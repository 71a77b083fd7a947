package search

import (
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Ranking: the back end returns candidates (the most recent matches and the
// title matches); the Service scores them the same way whatever the back
// end. What counts, in order of weight (measured on the relevance set,
// docs/BENCHMARKS.md):
//   - the words in the title (each word found in the title, weighted by its
//     length: longer words are rarer), the whole query as a phrase in the
//     title, and how much of the title the query covers (a short title that
//     is the query beats a long one that mentions it);
//   - a 文号 typed as the query, matched as a whole;
//   - in the body, how often the words occur (saturating, as in BM25) — only
//     for the top of the list, whose bodies are read for the snippets;
//   - validity: repealed and expired documents below those in force
//     (seed task 12; REFERENCE: 有效性 is part of the metadata block);
//   - recency, gently: a year's age costs a tenth.

const (
	wTitleWord    = 3.0
	wTitlePhrase  = 2.0
	wTitleCover   = 2.0
	wDocNo        = 8.0
	wBody         = 1.0
	validityCut   = 0.45
	amendedCut    = 0.8
	agePerYear    = 0.08
	rerankWindow  = 20
	rankScan      = 8 << 10 // bytes of a body the second stage reads
	CandidateCap  = 300     // candidates the back end returns for ranking (Match.Cap)
	correctionMin = 1       // a correction is tried when the words as typed find fewer than this
)

// containsPhrase reports whether phrase occurs in hay, token by token.
func containsPhrase(hay []string, phrase []string) bool {
	if len(phrase) == 0 {
		return false
	}
	for i := 0; i+len(phrase) <= len(hay); i++ {
		ok := true
		for j, t := range phrase {
			h := hay[i+j]
			if strings.HasSuffix(t, Prefix) {
				if !strings.HasPrefix(h, strings.TrimSuffix(t, Prefix)) {
					ok = false
					break
				}
			} else if h != t {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// wordIn reports whether a word or one of its alternatives is in tokens,
// returning the matched form.
func (w word) in(tokens []string) (string, bool) {
	for _, f := range w.forms {
		if containsPhrase(tokens, f.tokens) {
			return f.text, true
		}
	}
	return "", false
}

type scored struct {
	c     Candidate
	score float64
}

// score computes the first-stage score of a candidate; buf holds the
// title's tokens (a buffer the caller reuses from one candidate to the next).
func (p *plan) score(c *Candidate, today time.Time, docKey string, buf *[]string) float64 {
	title := appendTokens((*buf)[:0], c.Title)
	*buf = title
	s := 0.0
	covered := 0
	for _, w := range p.words {
		if m, ok := w.in(title); ok {
			n := utf8.RuneCountInString(m)
			s += wTitleWord * math.Min(float64(n), 6) / 4
			covered += n
		} else if !p.anyOf {
			s += wBody * 0.5 // every word matched: those not in the title are in the body
		}
	}
	for _, ph := range p.titlePhrases {
		if containsPhrase(title, ph) {
			s += wTitlePhrase
		}
	}
	if tl := utf8.RuneCountInString(c.Title); tl > 0 && covered > 0 {
		s += wTitleCover * math.Min(1, float64(covered)/float64(tl))
	}
	if docKey != "" && c.DocNo != "" && DocNoKey(c.DocNo) == docKey {
		s += wDocNo
	}
	return s * p.adjust(c, today)
}

// kindPrior weighs record kinds for a bare subject: the guide that says
// how to do it and the policy that rules it before news and figures that
// mention it (GOV.UK's search weighs formats the same way).
var kindPrior = map[string]float64{"guide": 1.3, "policy": 1.2, "interpretation": 1.1, "message": 1.1,
	"news": 0.8, "statistics": 0.8, "appointment": 0.8}

// adjust scales a score by kind, validity and age.
func (p *plan) adjust(c *Candidate, today time.Time) float64 {
	f := 1.0
	if k, ok := kindPrior[c.Kind]; ok {
		f = k
	}
	switch c.Validity {
	case "repealed", "expired":
		f *= validityCut
	case "amended":
		f *= amendedCut
	}
	if d, err := parseDay(c.PublishedOn); err == nil && !today.IsZero() {
		years := today.Sub(d).Hours() / 24 / 365.25
		if years > 0 {
			f *= 1 / (1 + agePerYear*years)
		}
	}
	return f
}

// parseDay is time.Parse(time.DateOnly, s), without the parser for the
// days every month has (1–28): ranking reads the day of every candidate.
func parseDay(s string) (time.Time, error) {
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		y, ok1 := digits(s[0:4])
		m, ok2 := digits(s[5:7])
		d, ok3 := digits(s[8:10])
		if ok1 && ok2 && ok3 && m >= 1 && m <= 12 && d >= 1 && d <= 28 {
			return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), nil
		}
	}
	return time.Parse(time.DateOnly, s)
}

// digits is the value of a string of ASCII digits.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func wordTexts(ws []word) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.text
	}
	return out
}

// bodyScore is the BM25-like weight of the words in a body of normalised
// text: body and extra, as if joined by a space (each word is counted in
// each; a word with a space in it, which could span the join, in the two
// joined).
func (p *plan) bodyScore(body, extra string) float64 {
	if len(p.words) == 0 {
		return 0
	}
	n := float64(utf8.RuneCountInString(body) + 1 + utf8.RuneCountInString(extra))
	norm := 0.25 + 0.75*n/1500
	joined := ""
	count := func(t string) int {
		if t == "" || strings.Contains(t, " ") {
			if joined == "" {
				joined = body + " " + extra
			}
			return strings.Count(joined, t)
		}
		return strings.Count(body, t) + strings.Count(extra, t)
	}
	s := 0.0
	for _, w := range p.words {
		tf := count(w.text)
		for _, t := range w.alts {
			tf += count(t)
		}
		s += float64(tf) * 2.2 / (float64(tf) + 1.2*norm)
	}
	return wBody * s / float64(len(p.words))
}

// rank orders candidates by score, newest first among equals.
func (p *plan) rank(cands []Candidate, today time.Time, docKey string) []scored {
	// Phrases whose presence in a title earns wTitlePhrase: the words of a
	// query of several words written together, and the exact phrase.
	p.titlePhrases = nil
	if len(p.words) > 1 {
		if ph := PhraseOf(strings.Join(wordTexts(p.words), ""), Anywhere); ph != nil {
			p.titlePhrases = append(p.titlePhrases, ph.Tokens)
		}
	}
	if p.phrase != "" {
		if ph := PhraseOf(p.phrase, Anywhere); ph != nil {
			p.titlePhrases = append(p.titlePhrases, ph.Tokens)
		}
	}
	// The keys are sorted, not the candidates (160 bytes each): byScore's
	// order on score and id, a total order (ids are unique), so an unstable
	// sort gives the same order.
	keys := make([]rankKey, len(cands))
	var buf []string
	for i := range cands {
		keys[i] = rankKey{score: p.score(&cands[i], today, docKey, &buf), id: cands[i].ID, i: i}
	}
	slices.SortFunc(keys, byKey)
	out := make([]scored, len(cands))
	for j, k := range keys {
		out[j] = scored{c: cands[k.i], score: k.score}
	}
	return out
}

// rankKey is what rank sorts: a candidate's score, id and index.
type rankKey struct {
	score float64
	id    int64
	i     int
}

// byKey is byScore on rank's keys.
func byKey(a, b rankKey) int {
	switch {
	case a.score > b.score:
		return -1
	case a.score < b.score:
		return 1
	case a.id > b.id:
		return -1
	case a.id < b.id:
		return 1
	}
	return 0
}

// byScore orders by score, then newest first.
func byScore(a, b scored) int {
	switch {
	case a.score > b.score:
		return -1
	case a.score < b.score:
		return 1
	case a.c.ID > b.c.ID:
		return -1
	case a.c.ID < b.c.ID:
		return 1
	}
	return 0
}
