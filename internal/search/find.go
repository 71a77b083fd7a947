package search

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gongkai/internal/calendar"
)

// siteVocab is a site's vocabulary (the embedded words plus its synonym
// terms) and synonym expansions, built on first use and dropped when the
// site's search settings change.
type siteVocab struct {
	voc *Vocabulary
	syn Synonyms
}

// state is the Service's mutable part, created on first use.
type state struct {
	mu     sync.Mutex
	vocabs map[int64]*siteVocab
	gen    map[int64]uint64 // per site, bumped by every index change
	cache  *resultCache
	// related keeps Related's answers per record (relatedCache).
	related relatedCache
}

func (s *Service) st() *state {
	s.once.Do(func() {
		n := s.CacheSize
		if n == 0 {
			n = 512
		}
		s.state = &state{vocabs: map[int64]*siteVocab{}, gen: map[int64]uint64{}, cache: newResultCache(n)}
	})
	return s.state
}

// changed drops what was computed from a site's index or settings.
func (s *Service) changed(siteID int64, settings bool) {
	st := s.st()
	st.mu.Lock()
	st.gen[siteID]++
	if settings {
		delete(st.vocabs, siteID)
	}
	st.mu.Unlock()
}

func (s *Service) generation(siteID int64) uint64 {
	st := s.st()
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.gen[siteID]
}

// vocab returns a site's vocabulary and synonyms.
func (s *Service) vocab(ctx context.Context, siteID int64) (*siteVocab, error) {
	st := s.st()
	st.mu.Lock()
	sv := st.vocabs[siteID]
	st.mu.Unlock()
	if sv != nil {
		return sv, nil
	}
	// The table's terms are stored normalised (SaveSynonym), and they are
	// dictionary words too, so segmentation keeps them whole.
	syn, err := s.SynonymExpansions(ctx, siteID)
	if err != nil {
		return nil, err
	}
	var extra []string
	for t, others := range syn {
		extra = append(extra, t)
		extra = append(extra, others...)
	}
	sv = &siteVocab{voc: NewVocabulary(extra...), syn: Synonyms(syn)}
	st.mu.Lock()
	st.vocabs[siteID] = sv
	st.mu.Unlock()
	return sv, nil
}

// today is the reference day for recency.
func (s *Service) today() time.Time {
	d := calendar.Today()
	if s.Today != nil {
		d = s.Today()
	}
	return time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC)
}

// Search answers a request. Inputs are checked (errs.Invalid with a message
// per field); a request with nothing to search for answers an empty result.
func (s *Service) Search(ctx context.Context, req *Request) (*Result, error) {
	t0 := time.Now()
	if err := req.Validate(); err != nil {
		return nil, err
	}
	sv, err := s.vocab(ctx, req.SiteID)
	if err != nil {
		return nil, err
	}
	res := &Result{Page: req.Page, Exact: true}
	p := parse(req, sv.voc, sv.syn, s.segmentation())
	if p.empty {
		return res, nil
	}
	key := req.cacheKey() + "|" + strconv.FormatUint(s.generation(req.SiteID), 10)
	if r, ok := s.st().cache.get(key); ok {
		c := *r
		c.Elapsed = time.Since(t0)
		return &c, nil
	}
	if err := s.run(ctx, req, p, res); err != nil {
		return nil, err
	}
	// Words typed by sound (社区娇正) or as pinyin: offer the words meant,
	// and search them at once when the words as typed found nothing.
	if fixed, ok := correctQuery(req.Q, sv.voc); ok {
		res.DidYouMean = fixed
		if res.Total < correctionMin && !req.Original {
			r2 := *req
			r2.Q = fixed
			p2 := parse(&r2, sv.voc, sv.syn, s.segmentation())
			res2 := &Result{Page: req.Page, Exact: true}
			if err := s.run(ctx, &r2, p2, res2); err != nil {
				return nil, err
			}
			if res2.Total > 0 {
				res2.DidYouMean, res2.Corrected = fixed, true
				res = res2
			}
		}
	} else if hz := pinyinWords(p); hz != "" && res.Total > 0 {
		res.DidYouMean = hz
	}
	// Nothing has every word: the long words split into the words inside
	// them, then any of the words (more results, marked as partial). An
	// exact phrase asked for is never loosened.
	if res.Total == 0 && !res.Corrected && p.phrase == "" {
		for _, rp := range []*plan{p.split(sv.voc, sv.syn), p.anyWord()} {
			if rp == nil {
				continue
			}
			r2 := &Result{Page: req.Page, Exact: true}
			if err := s.run(ctx, req, rp, r2); err != nil {
				return nil, err
			}
			if r2.Total > 0 {
				r2.Partial, r2.DidYouMean = true, res.DidYouMean
				res = r2
				break
			}
		}
	}
	if req.Page == 1 && req.Q != "" {
		bets, err := s.bestBetHits(ctx, req.SiteID, req.Q)
		if err != nil {
			return nil, err
		}
		res.BestBets = bets
	}
	s.st().cache.put(key, res)
	out := *res
	out.Elapsed = time.Since(t0)
	return &out, nil
}

// split is the plan with each word that holds smaller vocabulary words
// replaced by them, or nil when no word does.
func (p *plan) split(voc *Vocabulary, syn Synonyms) *plan {
	f := Anywhere
	if p.inTitle {
		f = TitleOnly
	}
	out := *p
	out.words, out.match.Must, out.terms = nil, nil, nil
	changed := false
	for _, w := range p.words {
		parts := []string{w.text}
		if sub := voc.Split(w.text); len(sub) > 0 && !w.py {
			parts, changed = sub, true
		}
		for _, t := range parts {
			ew := w
			if t != w.text {
				ew = expand(t, voc, syn)
			}
			out.words = append(out.words, ew)
			out.match.Must = append(out.match.Must, ew.clause(f))
			out.terms = append(out.terms, append([]string{ew.text}, ew.alts...)...)
		}
	}
	if !changed {
		return nil
	}
	return &out
}

// anyWord is the plan matching any of the words, or nil for one word.
func (p *plan) anyWord() *plan {
	if len(p.match.Must) < 2 {
		return nil
	}
	out := *p
	var any Clause
	for _, c := range p.match.Must {
		any = append(any, c...)
	}
	out.match.Must = []Clause{any}
	out.anyOf = true
	return &out
}

// correctQuery applies the vocabulary's homophone correction to every Han
// run of q.
func correctQuery(q string, voc *Vocabulary) (string, bool) {
	n := Normalize(q)
	changed := false
	var b strings.Builder
	last := 0
	for _, r := range runsWithOffsets(n) {
		b.WriteString(n[last:r.from])
		last = r.to
		if !r.Han {
			b.WriteString(n[r.from:r.to])
			continue
		}
		fixed, ok := voc.Correct(n[r.from:r.to])
		changed = changed || ok
		b.WriteString(fixed)
	}
	b.WriteString(n[last:])
	return b.String(), changed
}

type offsetRun struct {
	from, to int
	Han      bool
}

func runsWithOffsets(s string) []offsetRun {
	var out []offsetRun
	at := 0
	for _, r := range Runs(s) {
		i := strings.Index(s[at:], r.Text)
		if i < 0 {
			break
		}
		out = append(out, offsetRun{at + i, at + i + len(r.Text), r.Han})
		at += i + len(r.Text)
	}
	return out
}

// pinyinWords is the query with pinyin words replaced by the Chinese word
// they most likely stand for, or "" when there is none.
func pinyinWords(p *plan) string {
	var parts []string
	found := false
	for _, w := range p.words {
		if w.py && len(w.alts) > 0 {
			parts = append(parts, w.alts[0])
			found = true
		} else {
			parts = append(parts, w.text)
		}
	}
	if !found {
		return ""
	}
	return strings.Join(parts, " ")
}

// run asks the back end and ranks.
func (s *Service) run(ctx context.Context, req *Request, p *plan, res *Result) error {
	res.Terms = p.terms
	m := p.match
	m.Facets = true
	if req.Sort == "date" {
		m.Cap = req.Limit
		m.Offset = (req.Page - 1) * req.Limit
	} else {
		m.Cap = CandidateCap
	}
	ms, err := s.Backend.Match(ctx, &m)
	if err != nil {
		return err
	}
	res.Total, res.Exact, res.Facets = ms.Total, ms.Exact, ms.Facets
	var page []Candidate
	var bodies map[int64]*Document
	if req.Sort == "date" {
		cands := ms.Candidates
		sortNewest(cands)
		page = cands[:min(len(cands), req.Limit)]
		res.Pages = pages(ms.Total, req.Limit)
	} else {
		ranked := p.rank(ms.Candidates, s.today(), docKeyOf(req.Q))
		// Second stage: the top of the list by how often the words occur
		// in the body too (the bodies are read for the snippets anyway).
		top := ranked[:min(len(ranked), rerankWindow)]
		if len(p.words) > 0 && len(top) > 1 {
			bodies, err = s.bodies(ctx, req.SiteID, top)
			if err != nil {
				return err
			}
			for i := range top {
				if d := bodies[top[i].c.ID]; d != nil {
					top[i].score += p.bodyScore(Normalize(clipBytes(d.Body, rankScan)), Normalize(d.Extra)) * p.adjust(&top[i].c, s.today())
				}
			}
			slices.SortStableFunc(top, byScore)
		}
		from := (req.Page - 1) * req.Limit
		for i := from; i < len(ranked) && i < from+req.Limit; i++ {
			page = append(page, ranked[i].c)
		}
		res.Pages = pages(min(ms.Total, len(ranked)), req.Limit)
	}
	hits, err := s.hits(ctx, req.SiteID, page, p.terms, bodies)
	if err != nil {
		return err
	}
	res.Hits = hits
	return nil
}

// docKeyOf is the 文号 key of a query that looks like a document number
// (letters and digits with a year), or "".
func docKeyOf(q string) string {
	k := DocNoKey(q)
	parts := strings.Fields(k)
	if len(parts) < 2 {
		return ""
	}
	for _, p := range parts {
		if len(p) == 4 && p >= "1949" && p <= "2200" {
			return k
		}
	}
	return ""
}

func pages(total, limit int) int {
	if total <= 0 {
		return 0
	}
	return (total + limit - 1) / limit
}

func sortNewest(c []Candidate) {
	slices.SortFunc(c, func(a, b Candidate) int { return cmp.Compare(b.ID, a.ID) })
}

// bodies reads the full documents of scored candidates.
func (s *Service) bodies(ctx context.Context, siteID int64, top []scored) (map[int64]*Document, error) {
	ids := make([]int64, len(top))
	for i := range top {
		ids[i] = top[i].c.ID
	}
	docs, err := s.Backend.Heads(ctx, siteID, ids, headRunes)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*Document, len(docs))
	for _, d := range docs {
		out[d.ID] = d
	}
	return out, nil
}

// hits makes results with highlighted titles and snippets.
func (s *Service) hits(ctx context.Context, siteID int64, page []Candidate, terms []string, bodies map[int64]*Document) ([]Hit, error) {
	var missing []int64
	for _, c := range page {
		if bodies[c.ID] == nil {
			missing = append(missing, c.ID)
		}
	}
	if len(missing) > 0 {
		docs, err := s.Backend.Heads(ctx, siteID, missing, headRunes)
		if err != nil {
			return nil, err
		}
		if bodies == nil {
			bodies = map[int64]*Document{}
		}
		for _, d := range docs {
			bodies[d.ID] = d
		}
	}
	out := make([]Hit, 0, len(page))
	for _, c := range page {
		h := Hit{Candidate: c, KindLabel: s.KindLabel(c.Kind), Title: Highlight(c.Title, terms)}
		if d := bodies[c.ID]; d != nil {
			h.Snippet = Snippet(d.Body, terms)
		}
		out = append(out, h)
	}
	return out, nil
}

// cacheKey is the request as a cache key.
func (r *Request) cacheKey() string {
	var b strings.Builder
	for _, v := range []string{strconv.FormatInt(r.SiteID, 10), r.Q, strconv.FormatBool(r.InTitle), r.Phrase, r.Exclude, r.DocNo, r.IndexNo,
		strings.Join(r.Kinds, ","), r.Publisher, strconv.Itoa(r.Year), r.Validity, r.Topic, r.From, r.To, r.Sort,
		strconv.Itoa(r.Page), strconv.Itoa(r.Limit), strconv.FormatBool(r.Original)} {
		b.WriteString(v)
		b.WriteByte(0)
	}
	for _, c := range r.ColumnIDs {
		b.WriteString(strconv.FormatInt(c, 10))
		b.WriteByte(',')
	}
	return b.String()
}
