package live

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"strconv"
	"strings"

	"gongkai/internal/errs"
	"gongkai/internal/events"
	"gongkai/internal/search"
)

// The site search's kinds of this package: interviews (announcement,
// summary and the public questions and answers: the transcript once
// archived) and events (announcement and report).
const (
	KindInterview = "interview"
	KindEvent     = "event"
)

// SearchSource returns the interviews' and events' search source. Every
// announcement, status change and report appends EventChanged naming its
// record ("interview:12"), so that record alone is loaded again.
func (s *Service) SearchSource() *search.Source {
	return &search.Source{
		Kinds: []search.Kind{{Code: KindInterview, Label: "在线访谈"}, {Code: KindEvent, Label: "互动活动"}},
		Changed: func(e events.Event) ([]search.Ref, bool) {
			if e.Kind != EventChanged {
				return nil, false
			}
			var p struct{ Target string }
			json.Unmarshal(e.Payload, &p)
			kind, id, _ := strings.Cut(p.Target, ":")
			n, err := strconv.ParseInt(id, 10, 64)
			if err != nil || (kind != KindInterview && kind != KindEvent) {
				return nil, false // a new-media account: not a search document
			}
			return []search.Ref{{Kind: kind, ID: n}}, true
		},
		Load: s.searchDoc,
		All: func(ctx context.Context, siteID int64) (iter.Seq2[*search.Document, error], int, error) {
			var ivs []*Interview
			for page := 1; ; page++ {
				got, total, err := s.Interviews(ctx, siteID, InterviewFilter{Page: page, Per: 200})
				if err != nil {
					return nil, 0, err
				}
				ivs = append(ivs, got...)
				if page*200 >= total {
					break
				}
			}
			evs, err := s.Events(ctx, siteID)
			if err != nil {
				return nil, 0, err
			}
			return func(yield func(*search.Document, error) bool) {
				for _, iv := range ivs {
					if !yield(s.searchDoc(ctx, siteID, search.Ref{Kind: KindInterview, ID: iv.ID})) {
						return
					}
				}
				for _, e := range evs {
					if !yield(eventDoc(e), nil) {
						return
					}
				}
			}, len(ivs) + len(evs), nil
		},
	}
}

func (s *Service) searchDoc(ctx context.Context, siteID int64, ref search.Ref) (*search.Document, error) {
	switch ref.Kind {
	case KindInterview:
		iv, err := s.Interview(ctx, siteID, ref.ID)
		if errs.CodeOf(err) == errs.NotFound {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		qs, err := s.Questions(ctx, iv.ID, true)
		if err != nil {
			return nil, err
		}
		body := []string{iv.Topic, iv.Summary}
		for _, q := range qs {
			body = append(body, q.AskerLabel()+"问："+q.Body)
			if q.Answer != "" {
				body = append(body, q.AnsweredBy+"答："+q.Answer)
			}
		}
		if iv.VideoTranscript != "" {
			body = append(body, iv.VideoTranscript)
		}
		return &search.Document{SiteID: siteID, Kind: KindInterview, Ref: iv.ID, URL: "/interviews/" + formatInt(iv.ID), Title: iv.Title,
			Body: strings.Join(body, "\n"), Extra: iv.Guests, PublishedOn: iv.Date()}, nil
	case KindEvent:
		e, err := s.Event(ctx, siteID, ref.ID)
		if errs.CodeOf(err) == errs.NotFound {
			return nil, nil
		}
		return eventDoc(e), err
	}
	return nil, errors.New("live: unknown search kind " + ref.Kind)
}

func eventDoc(e *Event) *search.Document {
	if e == nil {
		return nil
	}
	return &search.Document{SiteID: e.SiteID, Kind: KindEvent, Ref: e.ID, URL: "/events/" + formatInt(e.ID), Title: e.Title,
		Body: strings.Join([]string{e.Summary, e.Report}, "\n"), Extra: e.Place + "\n" + e.KindLabel(), PublishedOn: e.Date()}
}
