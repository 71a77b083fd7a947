package search

import (
	"context"
	"slices"
	"unicode/utf8"
)

// relatedWords bounds the title words a related-records query uses.
const relatedWords = 6

// Related returns up to n public records related to a record (相关信息 on
// every item page): those whose titles share the most of its title's words,
// the same topic and kind counting a little, newest first among equals.
// A record not in the index has no related records.
//
// The answer is kept per record until the site's index changes (every
// change event bumps the generation, on every node), so a page rendered
// again (another display preference, after a change elsewhere on the page)
// does not search again; the back end is asked not to keep its 200
// candidates (Match.NoCache).
func (s *Service) Related(ctx context.Context, siteID int64, ref Ref, n int) ([]Hit, error) {
	if s.CacheSize < 0 {
		return s.related(ctx, siteID, ref, n)
	}
	key := relatedKey{siteID, ref, n, s.generation(siteID)}
	if hits, ok := s.st().related.get(key); ok {
		return slices.Clone(hits), nil
	}
	hits, err := s.related(ctx, siteID, ref, n)
	if err != nil {
		return nil, err
	}
	s.st().related.put(key, slices.Clone(hits))
	return hits, nil
}

func (s *Service) related(ctx context.Context, siteID int64, ref Ref, n int) ([]Hit, error) {
	d, err := s.Backend.Doc(ctx, siteID, ref.Kind, ref.ID)
	if err != nil || d == nil {
		return nil, err
	}
	sv, err := s.vocab(ctx, siteID)
	if err != nil {
		return nil, err
	}
	var words []string
	for _, w := range queryWords(d.Title, sv.voc, SegmentWords) {
		if utf8.RuneCountInString(w) >= 2 && !slices.Contains(words, w) && !generic[w] {
			words = append(words, w)
		}
	}
	// Longer words say more about the subject.
	slices.SortStableFunc(words, func(a, b string) int { return utf8.RuneCountInString(b) - utf8.RuneCountInString(a) })
	words = words[:min(len(words), relatedWords)]
	if len(words) == 0 {
		return nil, nil
	}
	var c Clause
	for _, w := range words {
		if p := PhraseOf(w, TitleOnly); p != nil {
			c = append(c, *p)
		}
	}
	// Each word's phrase and weight, once (not once per candidate).
	type wordPhrase struct {
		tokens []string
		weight float64
	}
	var wps []wordPhrase
	for _, w := range words {
		if p := PhraseOf(w, Anywhere); p != nil {
			wps = append(wps, wordPhrase{p.Tokens, float64(utf8.RuneCountInString(w))})
		}
	}
	ms, err := s.Backend.Match(ctx, &Match{SiteID: siteID, Must: []Clause{c}, Cap: 200, NoCache: true})
	if err != nil {
		return nil, err
	}
	// The n best by byScore, a total order (ids are unique): kept sorted
	// as they come, which is what sorting every candidate would give.
	top := make([]scored, 0, n+1)
	var toks []string
	for i := range ms.Candidates {
		cand := &ms.Candidates[i]
		if cand.Kind == d.Kind && cand.Ref == d.Ref {
			continue
		}
		toks = appendTokens(toks[:0], cand.Title)
		sc := 0.0
		for _, wp := range wps {
			if containsPhrase(toks, wp.tokens) {
				sc += wp.weight
			}
		}
		if sc == 0 {
			continue
		}
		if d.Topic != "" && cand.Topic == d.Topic {
			sc += 1
		}
		if cand.Kind == d.Kind {
			sc += 0.5
		}
		if cand.Validity == "repealed" || cand.Validity == "expired" {
			sc *= validityCut
		}
		r := scored{*cand, sc}
		if len(top) == n && (n == 0 || byScore(r, top[n-1]) >= 0) {
			continue
		}
		j, _ := slices.BinarySearchFunc(top, r, byScore)
		top = slices.Insert(top, j, r)
		if len(top) > n {
			top = top[:n]
		}
	}
	hits := make([]Hit, 0, n)
	for _, r := range top {
		hits = append(hits, Hit{Candidate: r.c, KindLabel: s.KindLabel(r.c.Kind), Title: []Segment{{Text: r.c.Title}}, Score: r.score})
	}
	return hits, nil
}

// generic words of titles say nothing about the subject.
var generic = map[string]bool{"关于": true, "通知": true, "印发": true, "公告": true, "工作": true, "有关": true, "的通知": true, "实施": true, "意见": true, "办法": true, "年度": true, "情况": true}

// Suggest returns up to n completions of what is being typed: vocabulary
// words with that beginning or pinyin beginning.
func (s *Service) Suggest(ctx context.Context, siteID int64, prefix string, n int) ([]string, error) {
	if utf8.RuneCountInString(prefix) > MaxQueryRunes {
		return nil, nil
	}
	sv, err := s.vocab(ctx, siteID)
	if err != nil {
		return nil, err
	}
	return sv.voc.Words(prefix, n), nil
}
