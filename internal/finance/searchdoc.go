package finance

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"gongkai/internal/errs"
	"gongkai/internal/events"
	"gongkai/internal/search"
)

// EventReport is the change event of a published budget or final accounts
// (the render cache and the search index follow it).
const EventReport = "finance.report"

// KindReport is the site search's kind of budgets and final accounts
// (分类展现: 预算决算). Procurement records are list kinds, searched as such.
const KindReport = "finance_report"

// SearchSource returns the published budgets and final accounts as search
// documents: the title, the explanations (说明, 三公经费) and the tables'
// names and row labels, so "三公经费" or "律师管理" finds the report.
func (s *Service) SearchSource() *search.Source {
	return &search.Source{
		Kinds: []search.Kind{{Code: KindReport, Label: "预算决算"}},
		Changed: func(e events.Event) ([]search.Ref, bool) {
			if e.Kind == EventReport {
				return []search.Ref{{Kind: KindReport, ID: e.SubjectID}}, true
			}
			return nil, false
		},
		Load: func(ctx context.Context, siteID int64, ref search.Ref) (*search.Document, error) {
			r, err := s.Report(ctx, siteID, ref.ID, true)
			if errs.CodeOf(err) == errs.NotFound {
				return nil, nil // not published, or no longer public: not in the index
			}
			if err != nil {
				return nil, err
			}
			return reportDoc(siteID, r), nil
		},
		All: func(ctx context.Context, siteID int64) (iter.Seq2[*search.Document, error], int, error) {
			// Ids only, then one report at a time: never every report's
			// tables in memory at once, and no cap on their number.
			list, err := s.PublishedIDs(ctx, siteID)
			if err != nil {
				return nil, 0, err
			}
			return func(yield func(*search.Document, error) bool) {
				for _, id := range list {
					r, err := s.Report(ctx, siteID, id, true)
					if err != nil {
						yield(nil, err)
						return
					}
					if !yield(reportDoc(siteID, r), nil) {
						return
					}
				}
			}, len(list), nil
		},
	}
}

func reportDoc(siteID int64, r *Report) *search.Document {
	body := []string{r.Explanation, r.Sanshi}
	for _, t := range r.Tables {
		body = append(body, t.Name)
		for _, row := range t.Rows {
			for i, cell := range row {
				if i < len(t.Text) && t.Text[i] && cell != "" {
					body = append(body, cell)
				}
			}
		}
	}
	return &search.Document{SiteID: siteID, Kind: KindReport, Ref: r.ID, URL: fmt.Sprintf("/finance/reports/%d", r.ID), Title: r.Title(),
		Body: strings.Join(body, "\n"), Extra: r.KindLabel, Publisher: r.UnitName, PublishedOn: r.PublishedOn}
}
