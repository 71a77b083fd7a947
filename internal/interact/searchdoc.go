package interact

import (
	"context"
	"iter"
	"strconv"

	"gongkai/internal/events"
	"gongkai/internal/search"
)

// Search kinds: answered messages published on the site, and the FAQ.
const (
	KindMessage = "message"
	KindFAQ     = "faq"
)

// MessageURL is a published message's page; FAQURL the FAQ entry's anchor.
func MessageURL(id int64) string { return "/messages/" + strconv.FormatInt(id, 10) }

// FAQURL is an FAQ entry on the FAQ page.
func FAQURL(id int64) string { return "/messages/faq#faq-" + strconv.FormatInt(id, 10) }

// SearchSource returns the messages' search source: answered messages shown
// on the site (masked, as on their page) and the FAQ entries. A published
// answer reindexes its message; an FAQ change rebuilds the source.
func (s *Service) SearchSource() *search.Source {
	return &search.Source{
		Kinds: []search.Kind{{Code: KindMessage, Label: "留言答复"}, {Code: KindFAQ, Label: "常见问题"}},
		Changed: func(e events.Event) ([]search.Ref, bool) {
			switch e.Kind {
			case EventMessageAnswered:
				return []search.Ref{{Kind: KindMessage, ID: e.SubjectID}}, true
			case EventFAQChanged:
				return nil, true
			}
			return nil, false
		},
		Load: func(ctx context.Context, siteID int64, ref search.Ref) (*search.Document, error) {
			if ref.Kind != KindMessage {
				return nil, nil
			}
			m, err := s.PublicMessage(ctx, siteID, ref.ID)
			if err != nil {
				return nil, nil // not (or no longer) public
			}
			return &search.Document{SiteID: siteID, Kind: KindMessage, Ref: m.ID, URL: MessageURL(m.ID), Title: m.Title,
				Body: m.Body + "\n答复：" + m.State.Answer, Extra: m.CategoryLabel() + " " + m.TrackingNo, Publisher: m.Department,
				PublishedOn: m.State.Answered.String()}, nil
		},
		All: func(ctx context.Context, siteID int64) (iter.Seq2[*search.Document, error], int, error) {
			var docs []*search.Document
			for page := 1; ; page++ {
				rows, total, err := s.Public(ctx, siteID, PublicFilter{Page: page, Per: 100})
				if err != nil {
					return nil, 0, err
				}
				for _, r := range rows {
					docs = append(docs, &search.Document{SiteID: siteID, Kind: KindMessage, Ref: r.ID, URL: MessageURL(r.ID), Title: r.Title,
						Body: r.Body + "\n答复：" + r.Answer, Extra: r.CategoryLabel() + " " + r.TrackingNo, Publisher: r.Department,
						PublishedOn: r.Answered.String()})
				}
				if page*100 >= total {
					break
				}
			}
			faqs, err := s.FAQs(ctx, siteID)
			if err != nil {
				return nil, 0, err
			}
			for _, f := range faqs {
				docs = append(docs, &search.Document{SiteID: siteID, Kind: KindFAQ, Ref: f.ID, URL: FAQURL(f.ID), Title: f.Question,
					Body: f.Answer, Extra: f.CategoryLabel(), PublishedOn: f.UpdatedOn.String()})
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
