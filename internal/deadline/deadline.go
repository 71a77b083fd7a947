// Package deadline holds the statutory and local deadline rules of the
// disclosure catalogue and evaluates them for items: each due date says how
// it was computed and which calendar version computed it. Due dates are
// pinned in the database, so a later calendar correction does not move a
// date silently; Recompute moves them on purpose.
package deadline

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/calendar/calver"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// Unit is how a rule counts.
type Unit string

const (
	Workdays     Unit = catalog.Workdays     // the N-th working day after the start
	CalendarDays Unit = catalog.CalendarDays // N days, moved off a non-working last day
	FixedDate    Unit = catalog.FixedDate    // a date of the year (the annual report)
	// CalendarMonths: N months to the same day (the month's last when it
	// has none), moved off a non-working last day (民法典第二百零二、二百零三条);
	// the reply period of deputies' suggestions (a Source's rule).
	CalendarMonths Unit = "calendar_months"
)

// A Source adds the deadlines of records that are not catalogue items —
// list rows such as the replies to deputies' suggestions and members'
// proposals (internal/execution) — to the whole site's evaluation (not an
// item's own page). Its deadlines carry their own Link and Department;
// they are computed with the calendar in force and not pinned (their start
// dates are the records', re-read each time).
type Source interface {
	Deadlines(ctx context.Context, siteID int64, cal *calendar.Calendar, today calendar.Date) ([]*Deadline, error)
}

// Rule is one deadline with its legal or local source.
type Rule struct {
	Code  string
	Title string
	// Basis cites the rule's source.
	Basis string
	Unit  Unit
	// Days is the default period; sites may override it (Settings.DeadlineDays).
	Days int
	// Minimum marks rules that set a shortest period (consultations) rather than a latest date.
	Minimum bool
}

// AllRules returns the deadline rules the document types declare
// (catalog.DocType.Deadlines), each once, in the order of the types'
// registration. A capability's types bring their own rules.
func AllRules() []Rule {
	var out []Rule
	seen := map[string]bool{}
	for _, t := range catalog.DocTypes() {
		for _, d := range t.Deadlines {
			if !seen[d.Rule] {
				seen[d.Rule] = true
				out = append(out, ruleOf(d))
			}
		}
	}
	return out
}

func ruleOf(d catalog.DeadlineSpec) Rule {
	return Rule{Code: d.Rule, Title: d.Title, Basis: d.Basis, Unit: Unit(d.Unit), Days: d.Days, Minimum: d.Minimum}
}

// RuleByCode returns the rule with code, or nil.
func RuleByCode(code string) *Rule {
	for _, r := range AllRules() {
		if r.Code == code {
			return &r
		}
	}
	return nil
}

// days returns the rule's period on a site.
func (r *Rule) days(st catalog.Settings) int {
	// A stored override that would loosen the rule (saved before
	// ValidateOverrides existed) is ignored: the statutory period holds.
	if n, ok := st.DeadlineDays[r.Code]; ok && n > 0 && (r.Minimum == (n >= r.Days)) {
		return n
	}
	return r.Days
}

// Deadline is one rule applied to one item.
type Deadline struct {
	Rule   *Rule
	ItemID int64
	// Subject names what the deadline is about when it is not the item itself
	// (the policy document an interpretation belongs to).
	Subject *catalog.Item
	Start   calendar.Date
	Due     calendar.Date
	// Done is when the duty was fulfilled (zero while open).
	Done calendar.Date
	// Met: done on time (or, for minimum periods, long enough).
	Met bool
	// Open: not yet done.
	Open bool
	// Version is the calendar version that computed Due.
	Version string
	// Current reports whether Version is the calendar in force.
	Current     bool
	Explanation calendar.Explanation
	// Note adds a sentence about the item's state; for a Source's deadline
	// it names the record.
	Note string
	// Link and Department locate a Source's record (no item).
	Link, Department string
}

// Overdue reports whether the duty is still open after its due date.
func (d *Deadline) Overdue(today calendar.Date) bool { return d.Open && today.After(d.Due) }

// Late reports whether the duty was done after its due date.
func (d *Deadline) Late() bool { return !d.Open && !d.Met }

// Service evaluates deadlines for a site.
type Service struct {
	DB       *store.DB
	Catalog  *catalog.Service
	Calendar *calver.Versions
	// Today is the clock of the few calls that take no date (Recompute);
	// nil means calendar.Today. Tests set a fixed day.
	Today func() calendar.Date
	// Sources add deadlines of records that are not items (set at start-up).
	Sources []Source
}

func (s *Service) today() calendar.Date {
	if s.Today != nil {
		return s.Today()
	}
	return calendar.Today()
}

// Facts are the items and links the rules read, loaded once per evaluation.
type Facts struct {
	Site  *catalog.Site
	Items []*catalog.Item
	ByID  map[int64]*catalog.Item
	// Interprets maps an interpretation to the documents it explains.
	Interprets map[int64][]int64
	// InterpretedBy maps a document to its interpretations.
	InterpretedBy map[int64][]int64
	// Withdrawn holds the ids of withdrawn items (not in Items).
	Withdrawn map[int64]bool
	Today     calendar.Date
	// Around, when set, says the facts hold only the items around this one
	// (loadFactsAround): the site-wide duties are left out.
	Around int64
}

// LoadFacts reads what the rules need for a site.
func (s *Service) LoadFacts(ctx context.Context, siteID int64, today calendar.Date) (*Facts, error) {
	site, err := s.Catalog.Site(ctx, siteID)
	if err != nil {
		return nil, err
	}
	items, err := s.Catalog.AllItems(ctx, siteID)
	if err != nil {
		return nil, err
	}
	links, err := s.Catalog.InterpretLinks(ctx, siteID)
	if err != nil {
		return nil, err
	}
	withdrawn, err := s.Catalog.WithdrawnIDs(ctx, siteID)
	if err != nil {
		return nil, err
	}
	return newFacts(site, items, links, withdrawn, today), nil
}

func newFacts(site *catalog.Site, items []*catalog.Item, links map[int64][]int64, withdrawn map[int64]bool, today calendar.Date) *Facts {
	f := &Facts{Site: site, Items: items, Withdrawn: withdrawn, ByID: map[int64]*catalog.Item{}, Interprets: links, InterpretedBy: map[int64][]int64{}, Today: today}
	for _, it := range items {
		f.ByID[it.ID] = it
	}
	for from, tos := range links {
		for _, to := range tos {
			f.InterpretedBy[to] = append(f.InterpretedBy[to], from)
		}
	}
	return f
}

// loadFactsAround reads what one item's deadlines need and nothing more
// (issue 17: reading the whole site for one back-office page took seconds
// at 100,000 items): the item, the documents it explains, and every
// interpretation of the item or of those documents.
func (s *Service) loadFactsAround(ctx context.Context, siteID, itemID int64, today calendar.Date) (*Facts, error) {
	site, err := s.Catalog.Site(ctx, siteID)
	if err != nil {
		return nil, err
	}
	links, err := s.Catalog.InterpretLinksAround(ctx, siteID, []int64{itemID})
	if err != nil {
		return nil, err
	}
	if targets := links[itemID]; len(targets) > 0 {
		// The other interpretations of the documents this one explains
		// decide when their duty was met.
		more, err := s.Catalog.InterpretLinksAround(ctx, siteID, targets)
		if err != nil {
			return nil, err
		}
		for from, tos := range more {
			links[from] = tos
		}
	}
	ids := []int64{itemID}
	for from, tos := range links {
		ids = append(ids, from)
		ids = append(ids, tos...)
	}
	items, err := s.Catalog.ItemsByID(ctx, siteID, ids)
	if err != nil {
		return nil, err
	}
	f := newFacts(site, items, links, map[int64]bool{}, today)
	f.Around = itemID
	return f, nil
}

// pin is a stored due date.
type pin struct{ start, due, version string }

func (s *Service) pins(ctx context.Context, f *Facts) (map[string]pin, error) {
	q, args := `SELECT d.item_id, d.rule, d.start_on, d.due_on, d.calendar_version FROM deadlines d
		JOIN items i ON i.id = d.item_id WHERE i.site_id = $1`, []any{f.Site.ID}
	if f.Around != 0 {
		// Only the items read (a few).
		ph := make([]string, len(f.Items))
		for i, it := range f.Items {
			ph[i] = "$" + strconv.Itoa(i+2)
			args = append(args, it.ID)
		}
		if len(ph) == 0 {
			return map[string]pin{}, nil
		}
		q += ` AND d.item_id IN (` + strings.Join(ph, ", ") + `)`
	}
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, errs.Wrap(err, "deadlines")
	}
	defer rows.Close()
	out := map[string]pin{}
	for rows.Next() {
		var id int64
		var rule string
		var p pin
		if err := rows.Scan(&id, &rule, &p.start, &p.due, &p.version); err != nil {
			return nil, errs.Wrap(err, "deadlines")
		}
		out[pinKey(id, rule)] = p
	}
	return out, rows.Err()
}

func pinKey(id int64, rule string) string { return strconv.FormatInt(id, 10) + "/" + rule }

// Evaluate applies every rule to every item of the site. Due dates already
// pinned keep their calendar version; new ones are computed with the
// calendar in force and pinned.
func (s *Service) Evaluate(ctx context.Context, f *Facts) ([]*Deadline, error) {
	cur, err := s.Calendar.Current(ctx)
	if err != nil {
		return nil, err
	}
	pins, err := s.pins(ctx, f)
	if err != nil {
		return nil, err
	}
	ev := &evaluator{s: s, cur: cur, pins: pins}
	out := ev.items(ctx, f, f.Items)
	if f.Around == 0 {
		out = append(out, annualReportDues(f, firstYear(f.Today, f.Items), f.Items)...)
		ds, err := s.sourceDeadlines(ctx, f, cur)
		if err != nil {
			return nil, err
		}
		out = append(out, ds...)
	} else if it := f.ByID[f.Around]; it != nil {
		// An annual report's own page shows its year's duty.
		if spec := fixedSpec(it.Type()); spec != nil {
			if y, err := strconv.Atoi(it.Value(spec.Start)); err == nil {
				out = append(out, annualReportDue(f, y, f.Items))
			}
		}
	}
	if err := s.savePins(ctx, ev.newPins); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Due.Before(out[j].Due) })
	return out, nil
}

// sourceDeadlines are the Sources' deadlines of the site.
func (s *Service) sourceDeadlines(ctx context.Context, f *Facts, cur *calendar.Calendar) ([]*Deadline, error) {
	var out []*Deadline
	for _, src := range s.Sources {
		ds, err := src.Deadlines(ctx, f.Site.ID, cur, f.Today)
		if err != nil {
			return nil, err
		}
		out = append(out, ds...)
	}
	return out, nil
}

// evaluator computes items' deadlines against the pinned due dates read
// for them, collecting the new pins to save.
type evaluator struct {
	s       *Service
	cur     *calendar.Calendar
	pins    map[string]pin
	newPins []*Deadline
}

// items returns the deadlines of items in their order (each item's in
// its type's order), Met and Open set, unsorted.
func (ev *evaluator) items(ctx context.Context, f *Facts, items []*catalog.Item) []*Deadline {
	var out []*Deadline
	for _, it := range items {
		for _, d := range itemDeadlines(f, it) {
			if d.Rule.Unit != FixedDate {
				ev.compute(ctx, f.Site, d)
			}
			finish(d)
			out = append(out, d)
		}
	}
	return out
}

func (ev *evaluator) compute(ctx context.Context, site *catalog.Site, d *Deadline) {
	r := d.Rule
	if p, ok := ev.pins[pinKey(d.ItemID, r.Code)]; ok && p.start == d.Start.String() {
		if c, err := ev.s.Calendar.Get(ctx, p.version); err == nil {
			// The pinned date stands while the start and the site's
			// period are unchanged; only the calendar may have moved on.
			if e := explain(c, r, d.Start, r.days(site.Settings)); e.End.String() == p.due {
				d.Due, d.Version, d.Explanation = e.End, p.version, e
				d.Current = p.version == ev.cur.Version()
				return
			}
		}
	}
	d.Explanation = explain(ev.cur, r, d.Start, r.days(site.Settings))
	d.Due, d.Version, d.Current = d.Explanation.End, ev.cur.Version(), true
	ev.newPins = append(ev.newPins, d)
}

func explain(c *calendar.Calendar, r *Rule, start calendar.Date, n int) calendar.Explanation {
	if r.Minimum {
		// A shortest period is counted in plain days and never moved.
		end := start.AddDays(n)
		return calendar.Explanation{Start: start, End: end, N: n, Basis: r.Basis, Version: c.Version(),
			Summary: fmt.Sprintf("自 %s 起算不少于 %d 日，截止日期不得早于 %s（最短期限按日历日计算，不因节假日调整）。", start, n, end)}
	}
	if r.Unit == Workdays {
		e := c.ExplainAddWorkdays(start, n)
		e.Basis = r.Basis + "。计算方法：起算当日不计入（《民法典》第二百零一条）；周末和节假日不计入，调休上班日计入。"
		return e
	}
	e := c.ExplainAddDays(start, n)
	e.Basis = r.Basis + "。计算方法：" + calendar.BasisCalendarDays
	return e
}

// finish sets Met from Done and Due.
func finish(d *Deadline) {
	switch {
	case d.Rule.Minimum:
		// Open until closing; met when the period is long enough.
		d.Met = !d.Done.Before(d.Due)
	case d.Done.IsZero():
		d.Open = true
	default:
		d.Met = !d.Done.After(d.Due)
	}
}

func (s *Service) savePins(ctx context.Context, ds []*Deadline) error {
	if len(ds) == 0 {
		return nil
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		for _, d := range ds {
			_, err := tx.ExecContext(ctx, `INSERT INTO deadlines (item_id, rule, start_on, due_on, calendar_version, computed_at) VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (item_id, rule) DO UPDATE SET start_on = $3, due_on = $4, calendar_version = $5, computed_at = $6`,
				d.ItemID, d.Rule.Code, d.Start.String(), d.Due.String(), d.Version, store.Now())
			if err != nil {
				return errs.Wrap(err, "pin deadline")
			}
		}
		return nil
	})
}

// itemDeadlines applies the rules its type declares, with start and done
// dates; the same code serves every type (catalog.DeadlineSpec).
func itemDeadlines(f *Facts, it *catalog.Item) []*Deadline {
	t := it.Type()
	if it.Disclosure != "proactive" || t == nil {
		return nil
	}
	published := it.Status == catalog.StatusPublished
	var out []*Deadline
	for _, spec := range t.Deadlines {
		if spec.Unit == catalog.FixedDate {
			continue // site-wide duties (annualReportDues)
		}
		if spec.OnlyInForce && !(published && (it.Validity == "in_force" || it.Validity == "")) {
			continue
		}
		start := calendar.Day(it.Value(spec.Start))
		if start.IsZero() {
			continue
		}
		r := ruleOf(spec)
		d := &Deadline{Rule: &r, ItemID: it.ID, Start: start}
		switch spec.Done {
		case catalog.DonePublished:
			if published {
				d.Done = calendar.Day(it.PublishedOn)
			}
		case catalog.DoneInterpreted:
			for _, id := range f.InterpretedBy[it.ID] {
				if in := f.ByID[id]; in != nil && in.Status == catalog.StatusPublished {
					if p := calendar.Day(in.PublishedOn); d.Done.IsZero() || p.Before(d.Done) {
						d.Done = p
					}
				}
			}
		default:
			if spec.DoneNeeds == "" || it.Value(spec.DoneNeeds) != "" {
				d.Done = calendar.Day(it.Value(spec.Done))
			}
			if spec.Minimum && calendar.Day(it.Value(spec.Done)).IsZero() {
				continue // a shortest period needs both ends
			}
			if spec.WaivedBy != nil && spec.WaivedBy(it.Value) {
				continue // the type says the rule does not apply (a stated reason)
			}
		}
		// A duty that follows the start (feedback after closing) arises once
		// the start has passed on a published item, or when it is done.
		if spec.AfterStart && !(published && f.Today.After(start) || it.Value(spec.Done) != "") {
			continue
		}
		out = append(out, d)
	}
	return out
}

// annualReportDues are the duties to publish each year's report by 31
// January of the next (条例第四十九条), for every year from first (the
// first in which the site published anything, firstYear) to last year: a
// missing report of an earlier year is still a lapse (issue 15). Each is
// open while no published annual report of its year is among reports.
func annualReportDues(f *Facts, first int, reports []*catalog.Item) []*Deadline {
	var out []*Deadline
	for year := first; year < f.Today.Year; year++ {
		out = append(out, annualReportDue(f, year, reports))
	}
	return out
}

// firstYear is the year the annual-report duties start from: the first in
// which one of items was published, at most last year, not before 2008
// (when the 条例 took effect).
func firstYear(today calendar.Date, items []*catalog.Item) int {
	first := today.Year - 1
	for _, it := range items {
		first = minPublishedYear(first, it)
	}
	return max(first, 2008)
}

func minPublishedYear(first int, it *catalog.Item) int {
	if it.Status == catalog.StatusPublished {
		if p := calendar.Day(it.PublishedOn); !p.IsZero() && p.Year < first {
			return p.Year
		}
	}
	return first
}

// annualReportDue is the duty to publish year's report, done by the
// published annual reports of that year among items.
func annualReportDue(f *Facts, year int, items []*catalog.Item) *Deadline {
	due := calendar.Date{Year: year + 1, Month: 1, Day: 31}
	d := &Deadline{Rule: RuleByCode("annual_report.publish"), Start: calendar.Date{Year: year, Month: 12, Day: 31}, Due: due, Current: true,
		Note: fmt.Sprintf("%d 年度报告", year)}
	d.Explanation = calendar.Explanation{Start: d.Start, End: due, Basis: d.Rule.Basis,
		Summary: fmt.Sprintf("%d 年度政府信息公开工作年度报告应于 %s 前公布（固定日期，不顺延）。", year, due)}
	for _, it := range items {
		spec := fixedSpec(it.Type())
		if spec != nil && it.Status == catalog.StatusPublished && it.Value(spec.Start) == strconv.Itoa(year) {
			d.ItemID = it.ID
			if p := calendar.Day(it.PublishedOn); d.Done.IsZero() || p.Before(d.Done) {
				d.Done = p
			}
		}
	}
	if d.ItemID == 0 {
		// No report yet: the finding leads to the year's report draft.
		d.Link = "/admin/annual/" + strconv.Itoa(year)
	}
	finish(d)
	return d
}

// fixedSpec returns the annual-report rule a type declares, if any.
func fixedSpec(t *catalog.DocType) *catalog.DeadlineSpec {
	if t == nil {
		return nil
	}
	for i := range t.Deadlines {
		if t.Deadlines[i].Unit == catalog.FixedDate && t.Deadlines[i].Rule == "annual_report.publish" {
			return &t.Deadlines[i]
		}
	}
	return nil
}

// ForItem returns the deadlines concerning one item: its own, and for an
// interpretation the interpretation duty of the documents it explains.
func (s *Service) ForItem(ctx context.Context, siteID, itemID int64, today calendar.Date) ([]*Deadline, error) {
	f, err := s.loadFactsAround(ctx, siteID, itemID, today)
	if err != nil {
		return nil, err
	}
	all, err := s.Evaluate(ctx, f)
	if err != nil {
		return nil, err
	}
	mine := map[int64]bool{itemID: true}
	for _, to := range f.Interprets[itemID] {
		mine[to] = true
	}
	var out []*Deadline
	for _, d := range all {
		if d.ItemID != 0 && mine[d.ItemID] && (d.ItemID == itemID || d.Rule.Code == "interpretation.publish") {
			if d.ItemID != itemID {
				d.Subject = f.ByID[d.ItemID]
			}
			out = append(out, d)
		}
	}
	return out, nil
}

// Recompute drops the pinned due dates of a site (or of one item) so they
// are computed again with the calendar in force. It is audited.
func (s *Service) Recompute(ctx context.Context, actor *auth.User, siteID, itemID int64) (int64, error) {
	if actor != nil && !actor.CanPublish() {
		return 0, errs.E(errs.Forbidden, "只有政务公开办公室可以重新计算期限")
	}
	var n int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		q := `DELETE FROM deadlines WHERE item_id IN (SELECT id FROM items WHERE site_id = $1)`
		args := []any{siteID}
		if itemID != 0 {
			q += ` AND item_id = $2`
			args = append(args, itemID)
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return errs.Wrap(err, "recompute deadlines")
		}
		n, _ = res.RowsAffected()
		target := fmt.Sprintf("site:%d", siteID)
		if itemID != 0 {
			target = fmt.Sprintf("item:%d", itemID)
		}
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "deadline.recompute", Target: target,
			After: map[string]any{"dropped": n}})
	})
	if err != nil {
		return 0, err
	}
	// Pin again at once with the calendar in force.
	f, err := s.LoadFacts(ctx, siteID, s.today())
	if err != nil {
		return n, err
	}
	_, err = s.Evaluate(ctx, f)
	return n, err
}

// Finish sets Open and Met from Done and Due (for a Source's deadlines).
func (d *Deadline) Finish() { finish(d) }
