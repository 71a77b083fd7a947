package search

import (
	"context"
	"strings"
	"unicode"
)

// FindTitles finds the documents of the kinds (the catalogue's document
// types) whose title holds every run of q as a phrase, or — when q holds a
// digit, as a 文号 does — whose 文号 has q's parts, newest first, at most
// limit of each. It is the back office's pickers' search (issue 15: 替代文件
// and an interpretation's documents chosen by title): one indexed match
// instead of a scan of the items' titles, so a query that matches nothing
// costs as little as one that does. No synonyms, pinyin or corrections:
// the caller compares the hits with what was typed.
func (s *Service) FindTitles(ctx context.Context, siteID int64, kinds []string, q string, limit int) ([]Candidate, error) {
	if s == nil || s.Backend == nil || len(kinds) == 0 || limit <= 0 {
		return nil, nil
	}
	var must []Clause
	for _, r := range Runs(Normalize(q)) {
		if toks := RunTokens(r); len(toks) > 0 {
			must = append(must, Clause{{Tokens: toks, Field: TitleOnly}})
		}
	}
	var out []Candidate
	seen := map[int64]bool{}
	add := func(m *Match) error {
		res, err := s.Backend.Match(ctx, m)
		if err != nil {
			return err
		}
		for _, c := range res.Candidates {
			if !seen[c.ID] {
				seen[c.ID] = true
				out = append(out, c)
			}
		}
		return nil
	}
	if len(must) > 0 {
		if err := add(&Match{SiteID: siteID, Must: must, Filters: Filters{Kinds: kinds}, Cap: limit}); err != nil {
			return nil, err
		}
	}
	if strings.IndexFunc(q, unicode.IsDigit) >= 0 {
		// The 文号's parts as words anywhere narrow the match through the
		// index; the filter then holds them to the 文号 (without the words
		// the filter alone would read every document).
		if key := DocNoKey(q); key != "" {
			var parts []Clause
			for _, r := range Runs(key) {
				if toks := RunTokens(r); len(toks) > 0 {
					parts = append(parts, Clause{{Tokens: toks, Field: Anywhere}})
				}
			}
			if err := add(&Match{SiteID: siteID, Must: parts, Filters: Filters{Kinds: kinds, DocNoKey: key}, Cap: limit}); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}
