package enforce

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/lists"
	"gongkai/internal/store"
)

// Service computes what the list engine does not: the decisions'
// publication ledger, the yearly figures and the certificate lookup.
type Service struct {
	Lists *lists.Service

	// figures keeps the yearly figures of each site's current edition.
	figures figuresCache
	// ledgers keeps each site's ledger as its published editions give it
	// (Ledger).
	ledgers ledgerCache
}

// ledgerCache holds, per site, the ledger built from the published
// editions of the decisions. Published editions never change (RECORDS
// §1.6 (a)), so the part is valid while the site's published editions and
// the calendar are the same (key); drafts are read on every call.
type ledgerCache struct {
	mu sync.Mutex
	by map[int64]cachedLedger
}

type cachedLedger struct {
	key     string
	entries map[string]*Entry
}

func (c *ledgerCache) get(siteID int64, key string) map[string]*Entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	if l, ok := c.by[siteID]; ok && l.key == key {
		return l.entries
	}
	return nil
}

func (c *ledgerCache) put(siteID int64, key string, entries map[string]*Entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.by == nil {
		c.by = map[int64]cachedLedger{}
	}
	c.by[siteID] = cachedLedger{key: key, entries: entries}
}

// copyEntries is a deep copy of a ledger's entries (add changes them).
func copyEntries(in map[string]*Entry) map[string]*Entry {
	out := make(map[string]*Entry, len(in))
	for k, e := range in {
		c := *e
		out[k] = &c
	}
	return out
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

// ledgerFields are the fields of a decision the ledger reads; migration
// 0036's index list_rows_ledger holds them (with the key and the title), so
// Ledger reads the index, never the rows' JSON.
var ledgerFields = []string{"decided_on", "changed_on", "first_published_on", "category", "body"}

// Ledger returns every decision the site has recorded (in any edition,
// draft or published), ordered by decision date, with its publication and
// withdrawal dates and their deadlines on the calendar: LedgerOf the
// site's row history, read edition by edition from the covering index of
// migration 0036 (key, title and the five fields the ledger needs), not
// every version's whole JSON (a ledger of ten years is tens of thousands
// of decisions in several cumulative editions).
// TestEnforceLedgerAsHistory checks that it equals LedgerOf(History).
func (s *Service) Ledger(ctx context.Context, siteID int64, cal *calendar.Calendar) ([]*Entry, error) {
	db := s.Lists.DB
	cols := ""
	for _, n := range ledgerFields {
		x, err := lists.JSONField(db.Dialect, n)
		if err != nil {
			return nil, err
		}
		cols += ", " + x
	}
	// The editions in History's order: published ones by number, then drafts.
	eds, err := db.R.QueryContext(ctx, `SELECT e.id, e.status, e.number, e.published_at FROM list_editions e JOIN list_kinds lk ON lk.id = e.kind_id
		WHERE lk.site_id = $1 AND lk.code = $2 ORDER BY CASE WHEN e.status = 'published' THEN 0 ELSE 1 END, e.number, e.id`, siteID, Decisions.Code)
	if err != nil {
		return nil, errs.Wrap(err, "decision editions")
	}
	var versions []lists.Version
	for eds.Next() {
		var v lists.Version
		if err := eds.Scan(&v.EditionID, &v.Status, &v.Number, &v.PublishedAt); err != nil {
			eds.Close()
			return nil, errs.Wrap(err, "scan decision edition")
		}
		versions = append(versions, v)
	}
	eds.Close()
	if err := eds.Err(); err != nil {
		return nil, errs.Wrap(err, "decision editions")
	}
	// The published editions come first: their part of the ledger is kept
	// between calls (ledgerCache); only the drafts after them are read
	// again.
	published, key := 0, cal.Version()
	for _, ed := range versions {
		if ed.Status == lists.Published {
			published++
			key += fmt.Sprintf("/%d", ed.EditionID)
		}
	}
	b := newLedger(cal)
	drafts := versions[published:]
	if cached := s.ledgers.get(siteID, key); cached != nil {
		b.by = copyEntries(cached)
	} else {
		for _, ed := range versions[:published] {
			if err := s.ledgerEdition(ctx, b, ed, cols); err != nil {
				return nil, err
			}
		}
		s.ledgers.put(siteID, key, copyEntries(b.by))
	}
	for _, ed := range drafts {
		if err := s.ledgerEdition(ctx, b, ed, cols); err != nil {
			return nil, err
		}
	}
	return b.entries(), nil
}

// ledgerEdition adds one edition's decisions to b, reading the fields
// from the covering index (cols).
func (s *Service) ledgerEdition(ctx context.Context, b *ledger, ed lists.Version, cols string) error {
	db := s.Lists.DB
	rows, err := db.R.QueryContext(ctx, `SELECT row_key, title`+cols+` FROM list_rows WHERE edition_id = $1`, ed.EditionID)
	if err != nil {
		return errs.Wrap(err, "decision ledger")
	}
	vals := make([]string, len(ledgerFields))
	for rows.Next() {
		v := ed
		var title string
		dest := []any{&v.Key, &title}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return errs.Wrap(err, "scan decision ledger")
		}
		v.Values = make(map[string]string, len(vals)+1)
		for i, n := range ledgerFields {
			if vals[i] != "" {
				v.Values[n] = vals[i]
			}
		}
		v.Values[Decisions.Title] = title
		b.add(v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "decision ledger")
	}
	return nil
}

// LedgerOf is the publication ledger of a row history (lists.History of
// the decisions, in its order): the definition that Ledger reads from the
// index.
func LedgerOf(hist []lists.Version, cal *calendar.Calendar) []*Entry {
	b := newLedger(cal)
	for _, v := range hist {
		b.add(v)
	}
	return b.entries()
}

// ledger builds the entries from versions given in History's order.
type ledger struct {
	cal *calendar.Calendar
	by  map[string]*Entry
}

func newLedger(cal *calendar.Calendar) *ledger { return &ledger{cal: cal, by: map[string]*Entry{}} }

func (l *ledger) add(v lists.Version) {
	cal := l.cal
	e := l.by[v.Key]
	decided := calendar.Day(v.Values["decided_on"])
	if decided.IsZero() {
		return
	}
	if e == nil {
		e = &Entry{Key: v.Key}
		l.by[v.Key] = e
	}
	// The latest version read states the decision (published ones come
	// first, so a draft's correction of an unpublished row counts too).
	e.Title, e.Category, e.Body, e.DecidedOn = v.Values["decision_title"], v.Values["category"], v.Values["body"], decided
	e.Due = PublishDue(cal, e.Category, decided)
	if c := calendar.Day(v.Values["changed_on"]); !c.IsZero() {
		e.ChangedOn, e.WithdrawDue = c, WithdrawDue(cal, c)
	}
	if v.Status != lists.Published {
		return
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

func (l *ledger) entries() []*Entry {
	out := make([]*Entry, 0, len(l.by))
	for _, e := range l.by {
		out = append(out, e)
	}
	sortLedger(out)
	return out
}

// sortLedger orders entries by decision date, then key.
func sortLedger(out []*Entry) {
	sort.Slice(out, func(i, j int) bool {
		if c := out[i].DecidedOn.Compare(out[j].DecidedOn); c != 0 {
			return c < 0
		}
		return out[i].Key < out[j].Key
	})
}
