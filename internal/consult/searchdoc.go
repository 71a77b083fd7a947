package consult

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"strings"

	"gongkai/internal/events"
	"gongkai/internal/search"
)

// The decision catalogue's entries and the published meetings in the site
// search (分类展现: 重大行政决策事项, 会议公开). Consultations and their
// feedback reports are catalogue items, searched as such.

// Change events of this package (the search index follows them).
const (
	EventDecision = "consult.decision"
	EventMeeting  = "consult.meeting"
)

// Search kinds.
const (
	KindDecision = "major_decision"
	KindMeeting  = "meeting"
)

func (s *Service) emit(ctx context.Context, tx *sql.Tx, siteID int64, kind string, id int64) error {
	_, err := events.Append(ctx, tx, s.DB.Dialect, events.Event{SiteID: siteID, Kind: kind, SubjectID: id})
	return err
}

// committed tells the bus that events were written (delivered at once on
// this node; other nodes poll).
func (s *Service) committed(ctx context.Context) {
	if s.Catalog != nil && s.Catalog.Bus != nil {
		s.Catalog.Bus.Committed(ctx)
	}
}

// SearchSource returns the participation records' search source.
func (s *Service) SearchSource() *search.Source {
	return &search.Source{
		Kinds: []search.Kind{{Code: KindDecision, Label: "重大行政决策事项"}, {Code: KindMeeting, Label: "会议公开"}},
		Changed: func(e events.Event) ([]search.Ref, bool) {
			switch e.Kind {
			case EventDecision:
				return []search.Ref{{Kind: KindDecision, ID: e.SubjectID}}, true
			case EventMeeting:
				return []search.Ref{{Kind: KindMeeting, ID: e.SubjectID}}, true
			}
			return nil, false
		},
		Load: func(ctx context.Context, siteID int64, ref search.Ref) (*search.Document, error) {
			switch ref.Kind {
			case KindDecision:
				d, err := s.Decision(ctx, siteID, ref.ID)
				if err == ErrNotFound {
					return nil, nil
				}
				if err != nil {
					return nil, err
				}
				return decisionDoc(d), nil
			case KindMeeting:
				m, err := s.Meeting(ctx, siteID, ref.ID)
				if err == ErrNotFound || err == nil && !m.Published {
					return nil, nil
				}
				if err != nil {
					return nil, err
				}
				return meetingDoc(m), nil
			}
			return nil, nil
		},
		All: func(ctx context.Context, siteID int64) (iter.Seq2[*search.Document, error], int, error) {
			var docs []*search.Document
			years, err := s.DecisionYears(ctx, siteID)
			if err != nil {
				return nil, 0, err
			}
			for _, y := range years {
				ds, err := s.Decisions(ctx, siteID, y)
				if err != nil {
					return nil, 0, err
				}
				for _, d := range ds {
					docs = append(docs, decisionDoc(d))
				}
			}
			ms, err := s.Meetings(ctx, siteID, true)
			if err != nil {
				return nil, 0, err
			}
			for _, m := range ms {
				full, err := s.Meeting(ctx, siteID, m.ID)
				if err != nil {
					return nil, 0, err
				}
				docs = append(docs, meetingDoc(full))
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

func decisionDoc(d *Decision) *search.Document {
	body := []string{fmt.Sprintf("%d年度重大行政决策事项目录第%d项", d.Year, d.Seq), "状态：" + d.StatusLabel()}
	if d.StatusReason != "" {
		body = append(body, "理由："+d.StatusReason)
	}
	if d.Basis != "" {
		body = append(body, "法律依据："+d.Basis)
	}
	for _, l := range d.Links {
		body = append(body, l.KindLabel()+"："+l.Title)
	}
	return &search.Document{SiteID: d.SiteID, Kind: KindDecision, Ref: d.ID, URL: fmt.Sprintf("/decisions/%d", d.ID), Title: d.Title,
		Body: strings.Join(body, "\n"), Extra: d.Department, Publisher: d.Department, PublishedOn: d.UpdatedAt[:min(10, len(d.UpdatedAt))]}
}

func meetingDoc(m *Meeting) *search.Document {
	var body []string
	for _, t := range m.Topics {
		body = append(body, "议题："+t.Title)
	}
	if m.Decisions != "" {
		body = append(body, "议定事项："+m.Decisions)
	}
	return &search.Document{SiteID: m.SiteID, Kind: KindMeeting, Ref: m.ID, URL: fmt.Sprintf("/meetings/%d", m.ID), Title: m.Title,
		Body: strings.Join(body, "\n"), Extra: m.Place, PublishedOn: m.HeldOn}
}
