package inspect

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"strings"

	"gongkai/internal/events"
	"gongkai/internal/search"
	"gongkai/internal/store"
)

// EventChanged is the change event of a plan, draw or result (the search
// rebuilds this source's documents, the render cache drops the site's pages).
const EventChanged = "inspect.changed"

// Search kinds: the plans, and the draws with their results (a citizen
// searching a law firm's name finds the draws that picked it).
var (
	KindPlan = search.Kind{Code: "inspect_plan", Label: "双随机抽查计划"}
	KindDraw = search.Kind{Code: "inspect_draw", Label: "双随机抽查结果"}
)

// changed appends the change event in the changing transaction.
func (s *Service) changed(ctx context.Context, tx *sql.Tx, siteID, planID int64) error {
	_, err := events.Append(ctx, tx, s.DB.Dialect, events.Event{SiteID: siteID, Kind: EventChanged, SubjectID: planID,
		Payload: events.Payload(map[string]any{"plan": planID})})
	return err
}

// committed wakes the event bus after a commit.
func (s *Service) committed(ctx context.Context) {
	if s.Catalog != nil && s.Catalog.Bus != nil {
		s.Catalog.Bus.Committed(ctx)
	}
}

// SearchSource returns the random inspections' search source: a change
// rebuilds the site's few plan and draw documents.
func (s *Service) SearchSource() *search.Source {
	return &search.Source{
		Kinds: []search.Kind{KindPlan, KindDraw},
		Changed: func(e events.Event) ([]search.Ref, bool) {
			return nil, e.Kind == EventChanged
		},
		Load: func(ctx context.Context, siteID int64, ref search.Ref) (*search.Document, error) {
			return nil, nil // only the rebuild (All) yields documents
		},
		All: func(ctx context.Context, siteID int64) (iter.Seq2[*search.Document, error], int, error) {
			docs, err := s.documents(ctx, siteID)
			if err != nil {
				return nil, 0, err
			}
			return func(yield func(*search.Document, error) bool) {
				for _, d := range docs {
					if !yield(d, nil) {
						return
					}
				}
			}, len(docs), nil
		},
	}
}

func (s *Service) documents(ctx context.Context, siteID int64) ([]*search.Document, error) {
	plans, err := s.Plans(ctx, siteID, 0)
	if err != nil {
		return nil, err
	}
	var out []*search.Document
	for _, p := range plans {
		on := store.ParseTime(p.CreatedAt).Format("2006-01-02")
		body := fmt.Sprintf("抽查事项：%s\n检查对象：%s\n%s，每个对象选派 %d 名检查人员\n计划开展时间：%s 至 %s\n%s",
			p.ItemName, p.TargetLabel(), p.Scope(), p.InspectorsPerTarget, p.StartsOn, p.EndsOn, p.Content)
		out = append(out, &search.Document{SiteID: siteID, Kind: KindPlan.Code, Ref: p.ID, URL: fmt.Sprintf("/inspect/plans/%d", p.ID),
			Title: p.Title, Body: body, Extra: p.Frequency, Publisher: p.Department, PublishedOn: on})
		draws, err := s.Draws(ctx, siteID, p.ID)
		if err != nil {
			return nil, err
		}
		for _, d := range draws {
			if d.Status != Drawn {
				continue
			}
			rs, err := s.Results(ctx, siteID, d.ID)
			if err != nil {
				return nil, err
			}
			res := map[string]*Result{}
			for _, r := range rs {
				res[r.TargetKey] = r
			}
			var lines, codes []string
			for _, t := range d.Outcome.Targets {
				l := t.Name
				if r := res[t.Key]; r != nil {
					l += "：" + r.Label
				}
				lines, codes = append(lines, l), append(codes, t.Key)
			}
			out = append(out, &search.Document{SiteID: siteID, Kind: KindDraw.Code, Ref: d.ID, URL: fmt.Sprintf("/inspect/draws/%d", d.ID),
				Title: fmt.Sprintf("%s抽取结果及检查结果（第 %d 号）", p.Title, d.ID), Body: strings.Join(lines, "\n"), Extra: strings.Join(codes, "\n"),
				Publisher: p.Department, PublishedOn: store.ParseTime(d.DrawnAt).Format("2006-01-02")})
		}
	}
	return out, nil
}
