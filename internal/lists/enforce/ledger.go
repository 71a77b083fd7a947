package enforce

import (
	"context"
	"sort"

	"gongkai/internal/calendar"
	"gongkai/internal/lists"
	"gongkai/internal/store"
)

// Service computes what the list engine does not: the decisions'
// publication ledger, the yearly figures and the certificate lookup.
type Service struct {
	Lists *lists.Service
}

// Entry is one decision in the publication ledger.
type Entry struct {
	Key, Title, Category, Body string
	DecidedOn                  calendar.Date
	// Due is the last day to publish (PublishDue).
	Due calendar.Date
	// PublishedOn is the day it was first public (zero: not yet): the
	// record's 首次公开日期 for decisions published before the platform,
	// else the day (Beijing time) the first edition listing it was published.
	PublishedOn calendar.Date
	// ChangedOn is the day the decision was changed or revoked (zero:
	// never); WithdrawDue the last day to withdraw it; WithdrawnOn the day
	// an edition first published the withdrawal (zero: not yet).
	ChangedOn, WithdrawDue, WithdrawnOn calendar.Date
}

// Late says whether the decision was published after its due day.
func (e *Entry) Late() bool { return !e.PublishedOn.IsZero() && e.PublishedOn.After(e.Due) }

// Overdue says whether the decision is unpublished past its due day on today.
func (e *Entry) Overdue(today calendar.Date) bool {
	return e.PublishedOn.IsZero() && today.After(e.Due)
}

// WithdrawLate says whether a withdrawal was published after its due day,
// or is still unpublished past it on today.
func (e *Entry) WithdrawLate(today calendar.Date) bool {
	if e.ChangedOn.IsZero() || e.PublishedOn.IsZero() {
		return false // never public: nothing to withdraw
	}
	if e.WithdrawnOn.IsZero() {
		return today.After(e.WithdrawDue)
	}
	return e.WithdrawnOn.After(e.WithdrawDue)
}

func dayOf(instant string) calendar.Date {
	t := store.ParseTime(instant)
	if t.IsZero() {
		return calendar.Date{}
	}
	return calendar.DateOf(t.In(calendar.Beijing))
}

// Ledger returns every decision the site has recorded (in any edition,
// draft or published), ordered by decision date, with its publication and
// withdrawal dates and their deadlines on the calendar.
func (s *Service) Ledger(ctx context.Context, siteID int64, cal *calendar.Calendar) ([]*Entry, error) {
	hist, err := s.Lists.History(ctx, siteID, Decisions)
	if err != nil {
		return nil, err
	}
	by := map[string]*Entry{}
	for _, v := range hist {
		e := by[v.Key]
		decided := calendar.Day(v.Values["decided_on"])
		if decided.IsZero() {
			continue
		}
		if e == nil {
			e = &Entry{Key: v.Key}
			by[v.Key] = e
		}
		// The latest version read states the decision (published ones come
		// first, so a draft's correction of an unpublished row counts too).
		e.Title, e.Category, e.Body, e.DecidedOn = v.Values["decision_title"], v.Values["category"], v.Values["body"], decided
		e.Due = PublishDue(cal, e.Category, decided)
		if c := calendar.Day(v.Values["changed_on"]); !c.IsZero() {
			e.ChangedOn, e.WithdrawDue = c, WithdrawDue(cal, c)
		}
		if v.Status != lists.Published {
			continue
		}
		on := dayOf(v.PublishedAt)
		if first := calendar.Day(v.Values["first_published_on"]); !first.IsZero() && first.Before(on) {
			on = first
		}
		if e.PublishedOn.IsZero() || on.Before(e.PublishedOn) {
			e.PublishedOn = on
		}
		if v.Values["changed_on"] != "" && e.WithdrawnOn.IsZero() {
			e.WithdrawnOn = dayOf(v.PublishedAt)
		}
	}
	out := make([]*Entry, 0, len(by))
	for _, e := range by {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		if c := out[i].DecidedOn.Compare(out[j].DecidedOn); c != 0 {
			return c < 0
		}
		return out[i].Key < out[j].Key
	})
	return out, nil
}
