package search

import (
	"context"
	"strings"
)

// Temporary links to the search admin data (synonyms, best bets, query
// log) until admin.go lands: the default synonym table only.
func (s *Service) synonymGroups(ctx context.Context, siteID int64) ([]SynonymGroup, error) {
	var out []SynonymGroup
	for _, l := range lines("synonyms.txt") {
		g := SynonymGroup{}
		sep := " = "
		if strings.Contains(l, " => ") {
			sep, g.OneWay = " => ", true
		}
		for _, t := range strings.Split(l, sep) {
			for _, u := range strings.Split(t, " = ") {
				g.Terms = append(g.Terms, strings.TrimSpace(u))
			}
		}
		out = append(out, g)
	}
	return out, nil
}

func (s *Service) bestBetHits(ctx context.Context, siteID int64, q string) ([]Hit, error) { return nil, nil }

func (s *Service) logQuery(ctx context.Context, req *Request, res *Result) {}
