package search

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"gongkai/internal/errs"
)

// MaxQueryRunes bounds every text input of a search (the box allows 100;
// only hand-made URLs send more).
const MaxQueryRunes = 200

// maxClauses bounds the words of one query that reach the back end.
const maxClauses = 8

// Synonyms expands a word to its equivalents (the word itself excluded).
type Synonyms map[string][]string

// word is one query word with its alternatives.
type word struct {
	text string   // as matched, normalised
	alts []string // synonyms and pinyin conversions (normalised)
	py   bool     // text is latin that may be pinyin
	// forms are the token phrases of text and alts, in that order (the
	// ranking tests titles against them).
	forms []formPhrase
}

type formPhrase struct {
	text   string
	tokens []string
}

// withForms fills w.forms.
func (w word) withForms() word {
	w.forms = nil
	for _, t := range append([]string{w.text}, w.alts...) {
		if p := PhraseOf(t, Anywhere); p != nil {
			w.forms = append(w.forms, formPhrase{t, p.Tokens})
		}
	}
	return w
}

// plan is a parsed request: what the back end is asked and what the
// ranking and highlighting need.
type plan struct {
	words   []word // every clause, in query order (highlight and ranking)
	phrase  string // the exact phrase, normalised
	match   Match
	empty   bool // nothing to search for: no words and no filters
	terms   []string
	inTitle bool
	anyOf   bool // the words are alternatives: a candidate need not have all
	// titlePhrases are filled by rank.
	titlePhrases [][]string
}

// segmentation modes, compared in docs/BENCHMARKS.md by the relevance set.
const (
	SegmentWords = "words" // dictionary words (the default)
	SegmentRuns  = "runs"  // each run of Han characters as one phrase
)

// checkText rejects an input longer than MaxQueryRunes.
func checkText(field, label, s string, v errs.Validation) {
	if utf8.RuneCountInString(s) > MaxQueryRunes {
		v.Add(field, label+"最多 "+strconv.Itoa(MaxQueryRunes)+" 个字，请缩短后再搜索。")
	}
}

// Validate checks a request's inputs and normalises its limits.
func (r *Request) Validate() error {
	v := errs.Validation{}
	checkText("q", "关键词", r.Q, v)
	checkText("phrase", "完整词组", r.Phrase, v)
	checkText("exclude", "不包含的词", r.Exclude, v)
	checkText("doc_no", "文号", r.DocNo, v)
	checkText("index_no", "索引号", r.IndexNo, v)
	checkText("publisher", "发布机构", r.Publisher, v)
	checkText("topic", "主题分类", r.Topic, v)
	if r.From != "" && !validDay(r.From) {
		v.Add("from", "开始日期格式应为 2021-01-01")
	}
	if r.To != "" && !validDay(r.To) {
		v.Add("to", "结束日期格式应为 2021-12-31")
	}
	if r.From != "" && r.To != "" && validDay(r.From) && validDay(r.To) && r.From > r.To {
		v.Add("to", "结束日期不能早于开始日期")
	}
	if r.Year != 0 && (r.Year < 1949 || r.Year > 2100) {
		v.Add("year", "年份应为 1949 到 2100 之间的四位数字")
	}
	switch r.Validity {
	case "", "in_force", "not_yet", "amended", "repealed", "expired":
	default:
		v.Add("validity", "有效性只能是有效、尚未施行、已修订、废止或失效")
	}
	switch r.Sort {
	case "", "relevance", "date":
	default:
		v.Add("sort", "排序只能按相关度（relevance）或日期（date）")
	}
	if len(r.Kinds) > 50 || len(r.ColumnIDs) > 500 {
		v.Add("kind", "分类或栏目过多。")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if r.Sort == "relevance" {
		r.Sort = ""
	}
	if r.Limit <= 0 {
		r.Limit = 10
	}
	r.Limit = min(r.Limit, 50)
	r.Page = max(r.Page, 1)
	return nil
}

func validDay(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	y, e1 := strconv.Atoi(s[:4])
	m, e2 := strconv.Atoi(s[5:7])
	d, e3 := strconv.Atoi(s[8:])
	if e1 != nil || e2 != nil || e3 != nil || m < 1 || m > 12 || d < 1 || y < 1900 {
		return false
	}
	days := [...]int{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m-1]
	if m == 2 && !(y%4 == 0 && (y%100 != 0 || y%400 == 0)) {
		days = 28
	}
	return d <= days
}

// words splits free text into query words: latin runs as they are, Han
// runs by the segmentation mode, stop words dropped.
func queryWords(text string, voc *Vocabulary, mode string) []string {
	var out []string
	for _, r := range Runs(Normalize(text)) {
		switch {
		case !r.Han:
			out = append(out, r.Text)
		case mode == SegmentRuns:
			if !voc.Stop(r.Text) {
				out = append(out, r.Text)
			}
		default:
			out = append(out, voc.Segment(r.Text)...)
		}
	}
	return out
}

// latinLetters reports whether s is lower-case ASCII letters only (pinyin
// may be typed so).
func latinLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return len(s) >= 2
}

// expand builds a query word with its synonyms and pinyin readings.
func expand(w string, voc *Vocabulary, syn Synonyms) word {
	out := word{text: w}
	seen := map[string]bool{w: true}
	add := func(a string) {
		if !seen[a] {
			seen[a] = true
			out.alts = append(out.alts, a)
		}
	}
	for _, a := range syn[w] {
		add(a)
	}
	if latinLetters(w) {
		out.py = true
		for _, h := range voc.FromPinyin(w, 3) {
			add(h)
			for _, a := range syn[h] {
				add(a)
			}
		}
	}
	return out.withForms()
}

// clause is a word's phrases in a field.
func (w word) clause(f Field) Clause {
	var c Clause
	for _, t := range append([]string{w.text}, w.alts...) {
		if p := PhraseOf(t, f); p != nil {
			c = append(c, *p)
		}
	}
	return c
}

// parse turns a request into a plan.
func parse(r *Request, voc *Vocabulary, syn Synonyms, mode string) *plan {
	p := &plan{inTitle: r.InTitle}
	f := Anywhere
	if r.InTitle {
		f = TitleOnly
	}
	for _, w := range queryWords(r.Q, voc, mode) {
		if len(p.words) == maxClauses {
			break
		}
		ew := expand(w, voc, syn)
		if c := ew.clause(f); len(c) > 0 {
			p.words = append(p.words, ew)
			p.match.Must = append(p.match.Must, c)
		}
	}
	if ph := strings.TrimSpace(Normalize(r.Phrase)); ph != "" {
		// The exact phrase: its tokens in order, separators ignored.
		var toks []string
		for _, run := range Runs(ph) {
			toks = append(toks, RunTokens(run)...)
		}
		if len(toks) > 0 {
			p.phrase = ph
			p.match.Must = append(p.match.Must, Clause{{Tokens: toks}})
		}
	}
	for _, w := range queryWords(r.Exclude, voc, SegmentRuns) {
		if ph := PhraseOf(w, Anywhere); ph != nil && len(p.match.Not) < maxClauses {
			p.match.Not = append(p.match.Not, *ph)
		}
	}
	p.match.SiteID = r.SiteID
	p.match.Filters = Filters{Kinds: r.Kinds, ColumnIDs: r.ColumnIDs, Publisher: strings.TrimSpace(r.Publisher), Year: r.Year,
		Validity: r.Validity, Topic: strings.TrimSpace(r.Topic), From: r.From, To: r.To, IndexNo: strings.TrimSpace(r.IndexNo)}
	if r.DocNo != "" {
		p.match.Filters.DocNoKey = DocNoKey(r.DocNo)
	}
	// A free-text query that is a document number ("临司发 2021 12",
	// "临司发〔2021〕12号") also finds it by number: see docno.go.
	for _, w := range p.words {
		p.terms = append(p.terms, w.text)
		for _, a := range w.alts {
			if !latinLetters(a) {
				p.terms = append(p.terms, a)
			}
		}
	}
	if p.phrase != "" {
		p.terms = append(p.terms, p.phrase)
	}
	flt := p.match.Filters
	p.empty = len(p.match.Must) == 0 && len(flt.Kinds) == 0 && len(flt.ColumnIDs) == 0 && flt.Publisher == "" && flt.Year == 0 &&
		flt.Validity == "" && flt.From == "" && flt.To == "" && flt.DocNoKey == "" && flt.IndexNo == "" && flt.Topic == ""
	return p
}
