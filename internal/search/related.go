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
func (s *Service) Related(ctx context.Context, siteID int64, ref Ref, n int) ([]Hit, error) {
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
	ms, err := s.Backend.Match(ctx, &Match{SiteID: siteID, Must: []Clause{c}, Cap: 200})
	if err != nil {
		return nil, err
	}
	var out []scored
	for _, cand := range ms.Candidates {
		if cand.Kind == d.Kind && cand.Ref == d.Ref {
			continue
		}
		toks := Tokens(cand.Title)
		sc := 0.0
		for _, w := range words {
			if p := PhraseOf(w, Anywhere); p != nil && containsPhrase(toks, p.Tokens) {
				sc += float64(utf8.RuneCountInString(w))
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
		out = append(out, scored{cand, sc})
	}
	slices.SortStableFunc(out, byScore)
	hits := make([]Hit, 0, n)
	for _, r := range out[:min(len(out), n)] {
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
