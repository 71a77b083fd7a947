package compliance

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// The last self-inspection of each site is stored (compliance_latest and
// compliance_findings, migration 0035): the back office's pages read it,
// paged and per department, instead of running the inspection per request
// (issue 17). The daily run, `gongkai check` and the office's 立即自查 write
// it with the history (Save); a page that finds it out of date starts a
// refresh in the background (Ensure), one at a time per site, and on
// PostgreSQL one at a time across nodes (an advisory lock).

// Stored is the summary of a site's last stored run.
type Stored struct {
	SiteID   int64
	RanAt    string
	Today    string
	Findings int
	Vetoes   int
	// InterpretationCoverage and PolicyDocuments as in Report.
	InterpretationCoverage float64
	PolicyDocuments        int
	// Took is how long the run took.
	Took time.Duration
	// Stale (set by Ensure): the site changed since the run, or the run
	// is of an earlier day, and a slow site's refresh waits for its
	// cooldown; Next is when the background runs it at the earliest.
	Stale bool
	Next  time.Time
}

// DefaultMaxAge is how old stored findings may be before a page view
// starts a refresh (changes made on other nodes are seen within it). On a
// slow site (a run takes WaitBelow or more) pages start none: the
// background (Tick) refreshes a run the site's changes made out of date at
// most once per cooldown, max(MaxAge, CooldownRuns × the run's time), and
// one of a new day at once (issue 17: at 100,000 items every dashboard
// view after a change started a whole-site run of about 20 s of CPU).
const DefaultMaxAge = 5 * time.Minute

// CooldownRuns: a slow site's change-driven refreshes take at most one
// run's time in this many (a tenth of a core at most).
const CooldownRuns = 10

// DefaultRefreshEvery: a slow site's stored run is refreshed after this
// long even with no change event (changes that send none, such as the
// working-day calendar, are seen within it).
const DefaultRefreshEvery = time.Hour

// DefaultWaitBelow: a page waits for a refresh when the site's last run
// took less than this (a small site always shows current findings); a
// slower site's page shows the stored findings and says a refresh runs.
const DefaultWaitBelow = 2 * time.Second

// refreshLock is the PostgreSQL advisory lock class of refreshes (the
// second key is the site): one refresh of a site at a time across nodes.
const refreshLock = 7263003

// flight is one site's refresh state on this node.
type flight struct {
	mu sync.Mutex
	// done is closed when the running refresh ends; nil when none runs.
	done chan struct{}
	// next is a run asked for while one ran (a recorded run, Record):
	// it starts when the running one ends.
	next    chan struct{}
	nextJob job
	// gen is the change count the stored findings were computed after
	// (-1: not computed on this node).
	gen  int64
	took time.Duration
	// changed is the time of the latest change event of the site seen on
	// this node (Changed), from any node; covered is the latest of them a
	// run on this node began after. A stored run is out of date while
	// changed is after covered and not before the run's start.
	changed, covered time.Time
}

// job is one refresh to run.
type job struct {
	today calendar.Date
	gen   int64
	// record: also record the run in the history (Save).
	record bool
	// ifOlder: a recorded run only when the last recorded one is at least
	// this old (the daily run, checked under the lock).
	ifOlder time.Duration
	// changed is the flight's changed when the run began.
	changed time.Time
}

func (s *Service) flight(siteID int64) *flight {
	s.recentMu.Lock()
	defer s.recentMu.Unlock()
	if s.flights == nil {
		s.flights = map[int64]*flight{}
	}
	f := s.flights[siteID]
	if f == nil {
		f = &flight{gen: -1}
		s.flights[siteID] = f
	}
	return f
}

// DefaultWaitItems: a site with fewer items waits for its first run
// (up to WaitBelow) when no run of it is known; at 1,000 items a run takes
// about 0.1 s.
const DefaultWaitItems = 5000

// small reports whether the site has fewer than WaitItems items (its
// maintained status counts: no count of the items themselves).
func (s *Service) small(ctx context.Context, siteID int64) bool {
	if s.Catalog == nil {
		return true
	}
	counts, err := s.Catalog.StatusCounts(ctx, siteID, 0)
	if err != nil {
		return false
	}
	n := 0
	for _, c := range counts {
		n += c
	}
	return n < cmp.Or(s.WaitItems, DefaultWaitItems)
}

func (s *Service) maxAge() time.Duration {
	if s.MaxAge > 0 {
		return s.MaxAge
	}
	return DefaultMaxAge
}

func (s *Service) waitBelow() time.Duration {
	if s.WaitBelow != 0 {
		return s.WaitBelow
	}
	return DefaultWaitBelow
}

// Latest returns the site's last stored run (nil when none is stored).
func (s *Service) Latest(ctx context.Context, siteID int64) (*Stored, error) {
	st := &Stored{SiteID: siteID}
	var took int64
	err := s.DB.R.QueryRowContext(ctx, `SELECT ran_at, today, findings, vetoes, coverage, policy_documents, took_ms FROM compliance_latest WHERE site_id = $1`, siteID).
		Scan(&st.RanAt, &st.Today, &st.Findings, &st.Vetoes, &st.InterpretationCoverage, &st.PolicyDocuments, &took)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, errs.Wrap(err, "latest self-inspection")
	}
	st.Took = time.Duration(took) * time.Millisecond
	return st, nil
}

// Ensure returns the site's stored run for a page and whether a refresh
// is running. The stored run is out of date when it is of another day,
// older than MaxAge, or older than gen — the caller's count of changes to
// the site on this node; then a refresh starts in the background, and the
// call waits for it, at most WaitBelow, when the site's last run took less
// than WaitBelow (or, when no run is known, when the site has fewer than
// WaitItems items).
func (s *Service) Ensure(ctx context.Context, siteID int64, today calendar.Date, gen int64) (*Stored, bool, error) {
	st, err := s.Latest(ctx, siteID)
	if err != nil {
		return nil, false, err
	}
	f := s.flight(siteID)
	f.mu.Lock()
	fresh := st != nil && st.Today == today.String() && time.Since(store.ParseTime(st.RanAt)) < s.maxAge() && (f.gen == -1 || f.gen >= gen) &&
		!f.changedSince(st)
	if st != nil && f.gen == -1 {
		// Computed before this node counted anything (another node, an
		// earlier process, `gongkai check`): current as of now unless old.
		f.gen = gen
	}
	if fresh {
		running := f.done != nil
		f.mu.Unlock()
		return st, running, nil
	}
	took := f.took
	if took == 0 && st != nil {
		took = st.Took
	}
	if st != nil && s.slow(took) {
		// A slow site: the page shows the stored run, dated, and says when
		// the background refreshes it (Tick); staff can run one now (Record).
		running := f.done != nil
		f.mu.Unlock()
		st.Stale = s.outOfDate(st, today, gen, f)
		if st.Stale {
			st.Next = s.nextRun(st, today, took)
		}
		return st, running, nil
	}
	done := s.startLocked(siteID, today, gen, f)
	f.mu.Unlock()
	// A page never waits for a slow site's run (issue 17: on PostgreSQL
	// at 100,000 items every view of a first serve waited WaitBelow while
	// the start-up run went on in the database): it waits, at most
	// WaitBelow, only when the site's last run took less than that, or,
	// with nothing known yet, when the site is small.
	switch {
	case took > 0 && took >= s.waitBelow():
		return st, true, nil
	case took == 0 && !s.small(ctx, siteID):
		return st, true, nil
	}
	t := time.NewTimer(s.waitBelow())
	defer t.Stop()
	wait := t.C
	select {
	case <-done:
	case <-wait:
		return st, true, nil
	case <-ctx.Done():
		return st, true, nil
	}
	st, err = s.Latest(ctx, siteID)
	return st, false, err
}

// slow reports whether a run that took took is a slow site's: pages do
// not start its refreshes, the background does (Tick).
func (s *Service) slow(took time.Duration) bool {
	at := s.waitBelow()
	if at <= 0 {
		at = DefaultWaitBelow
	}
	return took >= at
}

// cooldown is the least time between the starts of a slow site's
// change-driven refreshes.
func (s *Service) cooldown(took time.Duration) time.Duration {
	return max(s.maxAge(), CooldownRuns*took)
}

// outOfDate reports whether the stored run st misses a change of the site
// (one counted on this node since it, or a change event after its start)
// or is of an earlier day. f.mu is held.
func (s *Service) outOfDate(st *Stored, today calendar.Date, gen int64, f *flight) bool {
	return st.Today != today.String() || (f.gen != -1 && f.gen < gen) || f.changedSince(st)
}

// nextRun is when the background refreshes an out-of-date stored run of a
// slow site at the earliest: at once for a new day, else a cooldown after
// the run began (Tick looks every minute).
func (s *Service) nextRun(st *Stored, today calendar.Date, took time.Duration) time.Time {
	now := time.Now()
	if st.Today != today.String() {
		return now
	}
	if next := store.ParseTime(st.RanAt).Add(s.cooldown(took)); next.After(now) {
		return next
	}
	return now
}

// Tick is the background's look at a site's stored run, every minute on
// the node that holds the scheduled jobs' lease (so once per platform; on
// PostgreSQL the run's advisory lock keeps any other run of the site
// apart). It starts a refresh, unless one runs, when there is no stored
// run, when it is of an earlier day, when it is DefaultRefreshEvery old,
// or when a change made it out of date and its cooldown has passed; the
// channel (nil when none started) is closed when the run ends.
func (s *Service) Tick(ctx context.Context, siteID int64, today calendar.Date, gen int64) (<-chan struct{}, error) {
	st, err := s.Latest(ctx, siteID)
	if err != nil {
		return nil, err
	}
	f := s.flight(siteID)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done != nil {
		return nil, nil
	}
	if st != nil {
		if f.gen == -1 {
			f.gen = gen
		}
		took := f.took
		if took == 0 {
			took = st.Took
		}
		age := time.Since(store.ParseTime(st.RanAt))
		switch {
		case st.Today != today.String(), age >= DefaultRefreshEvery:
		case !s.outOfDate(st, today, gen, f) || age < s.cooldown(took):
			return nil, nil
		}
	}
	return s.launchLocked(siteID, job{today: today, gen: gen}, f), nil
}

// Refresh starts a refresh of the site's stored run in the background
// unless one runs on this node (on PostgreSQL it waits for another node's
// run of the site) and returns a channel closed when it ends.
func (s *Service) Refresh(siteID int64, today calendar.Date, gen int64) <-chan struct{} {
	f := s.flight(siteID)
	f.mu.Lock()
	defer f.mu.Unlock()
	return s.startLocked(siteID, today, gen, f)
}

// Record runs the inspection and records it in the history and as the
// stored run (the office's 立即自查, the daily run), through the same
// single flight as refreshes: when one runs, this run follows it. A run
// with ifOlder > 0 is skipped when the last recorded run is younger (the
// daily run of several nodes). The channel is closed when the run ends.
func (s *Service) Record(siteID int64, today calendar.Date, gen int64, ifOlder time.Duration) <-chan struct{} {
	f := s.flight(siteID)
	f.mu.Lock()
	defer f.mu.Unlock()
	j := job{today: today, gen: gen, record: true, ifOlder: ifOlder}
	if f.done == nil {
		return s.launchLocked(siteID, j, f)
	}
	if f.next == nil {
		f.next = make(chan struct{})
	}
	f.nextJob = j
	return f.next
}

// Changed notes a change of the site made at `at` (a change event's
// time, delivered to this node whichever node made the change): the next
// page's Ensure refreshes a stored run that began before it, so changes
// on other nodes reach the stored findings without waiting for MaxAge.
// A run another node began after the change is current: it is not run
// again.
func (s *Service) Changed(siteID int64, at time.Time) {
	f := s.flight(siteID)
	f.mu.Lock()
	if at.After(f.changed) {
		f.changed = at
	}
	f.mu.Unlock()
}

// changedSince reports whether a change noted by Changed is newer than
// both the stored run st and this node's last run. Stored times are whole
// seconds: a run that began in the second of the change may not have
// seen it, so it counts as older.
func (f *flight) changedSince(st *Stored) bool {
	return f.changed.After(f.covered) && !f.changed.Before(store.ParseTime(st.RanAt))
}

func (s *Service) startLocked(siteID int64, today calendar.Date, gen int64, f *flight) <-chan struct{} {
	if f.done != nil {
		return f.done
	}
	return s.launchLocked(siteID, job{today: today, gen: gen}, f)
}

func (s *Service) launchLocked(siteID int64, j job, f *flight) chan struct{} {
	j.changed = f.changed
	done := make(chan struct{})
	f.done = done
	go s.fly(siteID, j, f, done)
	return done
}

func (s *Service) fly(siteID int64, j job, f *flight, done chan struct{}) {
	start := time.Now()
	err := s.refresh(context.Background(), siteID, j)
	f.mu.Lock()
	if err == nil {
		f.gen, f.took = j.gen, time.Since(start)
		if j.changed.After(f.covered) {
			f.covered = j.changed
		}
	}
	f.done = nil
	if f.next != nil {
		f.done, f.next = f.next, nil
		next := f.nextJob
		next.changed = f.changed
		go s.fly(siteID, next, f, f.done)
	}
	f.mu.Unlock()
	close(done)
	if err != nil && s.Log != nil {
		s.Log.Error("self-inspection refresh", "site", siteID, "err", err)
	}
}

// refresh runs the inspection and stores it as the latest (and in the
// history for a recorded run), holding the cross-node lock on PostgreSQL:
// one run of a site at a time on the platform; one that waited for
// another node's still runs (that run may have begun before the change
// this one follows).
func (s *Service) refresh(ctx context.Context, siteID int64, j job) error {
	if s.DB.Dialect == store.Postgres {
		conn, err := s.DB.W.Conn(ctx)
		if err != nil {
			return errs.Wrap(err, "refresh lock")
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1, $2)`, refreshLock, int32(siteID)); err != nil {
			return errs.Wrap(err, "refresh lock")
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1, $2)`, refreshLock, int32(siteID))
	}
	if j.record && j.ifOlder > 0 {
		last, err := s.LastRun(ctx, siteID)
		if err != nil {
			return err
		}
		if time.Since(last) < j.ifOlder {
			return nil
		}
	}
	rep, err := s.Run(ctx, siteID, j.today)
	if err != nil {
		return err
	}
	if j.record {
		if err := s.Save(ctx, rep); err != nil {
			return err
		}
		if s.Log != nil {
			s.Log.Info("self-inspection", "site", siteID, "findings", len(rep.Findings), "vetoes", rep.Vetoes(), "took", rep.took)
		}
		return nil
	}
	return s.StoreLatest(ctx, rep)
}

// StoreLatest replaces the site's stored run with rep, in one transaction.
func (s *Service) StoreLatest(ctx context.Context, rep *Report) error {
	took := rep.took.Milliseconds()
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM compliance_findings WHERE site_id = $1`, rep.SiteID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM compliance_latest WHERE site_id = $1`, rep.SiteID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO compliance_latest (site_id, ran_at, today, findings, vetoes, coverage, policy_documents, took_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			rep.SiteID, rep.RanAt, rep.Today, len(rep.Findings), rep.Vetoes(), rep.InterpretationCoverage, rep.PolicyDocuments, took); err != nil {
			return err
		}
		// Multi-row inserts: a few hundred statements for 100,000 findings.
		const per = 100
		for i := 0; i < len(rep.Findings); i += per {
			batch := rep.Findings[i:min(i+per, len(rep.Findings))]
			var b strings.Builder
			b.WriteString(`INSERT INTO compliance_findings (site_id, seq, level, rule_code, rule_title, rule_basis, message, department, link, due, provisional) VALUES `)
			args := make([]any, 0, len(batch)*11)
			for j, f := range batch {
				if j > 0 {
					b.WriteString(", ")
				}
				n := len(args)
				fmt.Fprintf(&b, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+9, n+10, n+11)
				prov := 0
				if f.Provisional {
					prov = 1
				}
				args = append(args, rep.SiteID, i+j, string(f.Level), f.Rule.Code, f.Rule.Title, f.Rule.Basis, f.Message, f.Department, f.Link, f.Due, prov)
			}
			if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
				return err
			}
		}
		return nil
	})
	return errs.Wrap(err, "store self-inspection")
}

// FindingFilter selects stored findings.
type FindingFilter struct {
	SiteID int64
	// Department: only this department's findings ("" for site-wide ones)
	// when ByDepartment is set.
	Department   string
	ByDepartment bool
	// Links: only findings about these records (none: every finding).
	Links         []string
	Limit, Offset int
}

// Findings returns stored findings in the run's order and how many match.
func (s *Service) Findings(ctx context.Context, f FindingFilter) ([]Finding, int, error) {
	where := []string{"site_id = $1"}
	args := []any{f.SiteID}
	if f.ByDepartment {
		args = append(args, f.Department)
		where = append(where, fmt.Sprintf("department = $%d", len(args)))
	}
	if len(f.Links) > 0 {
		var ph []string
		for _, l := range f.Links {
			args = append(args, l)
			ph = append(ph, fmt.Sprintf("$%d", len(args)))
		}
		where = append(where, "link IN ("+strings.Join(ph, ", ")+")")
	}
	cond := strings.Join(where, " AND ")
	total := -1
	if len(f.Links) == 0 {
		// The site's or a department's total: from the run's counts per
		// department, read once per stored run (CountByDepartment).
		counts, err := s.CountByDepartment(ctx, f.SiteID)
		if err != nil {
			return nil, 0, err
		}
		total = 0
		for _, c := range counts {
			if !f.ByDepartment || c.Department == f.Department {
				total += c.Count
			}
		}
	}
	if total < 0 && f.Limit > 0 {
		if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM compliance_findings WHERE `+cond, args...).Scan(&total); err != nil {
			return nil, 0, errs.Wrap(err, "count findings")
		}
	}
	order := "seq"
	if len(f.Links) > 0 {
		// A few records' findings: through the (site, link) index, then
		// sorted ("seq + 0"); ordered by seq, SQLite walked every finding
		// of the site in the primary key (issue 17, the workbench's 期限).
		order = "seq + 0"
	}
	q := `SELECT level, rule_code, rule_title, rule_basis, message, department, link, due, provisional FROM compliance_findings WHERE ` + cond + ` ORDER BY ` + order
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0))
	}
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "findings")
	}
	defer rows.Close()
	var out []Finding
	for rows.Next() {
		var x Finding
		var prov int
		if err := rows.Scan(&x.Level, &x.Rule.Code, &x.Rule.Title, &x.Rule.Basis, &x.Message, &x.Department, &x.Link, &x.Due, &prov); err != nil {
			return nil, 0, errs.Wrap(err, "findings")
		}
		x.Provisional = prov != 0
		out = append(out, x)
	}
	if total < 0 {
		// Every matching finding was read (no limit): no count needed.
		total = len(out)
	}
	return out, total, errs.Wrap(rows.Err(), "findings")
}

// DepartmentCount is the number of stored findings of a department.
type DepartmentCount struct {
	Department string
	Count      int
}

// CountByDepartment counts the stored findings per department ("" for
// site-wide ones), most first. The counts are kept on this node per
// stored run (issue 17: the GROUP BY and the pages' COUNT(*) over every
// finding ran per view of the dashboard and the self-inspection page): a
// run is known by its summary row, read before and after the count.
func (s *Service) CountByDepartment(ctx context.Context, siteID int64) ([]DepartmentCount, error) {
	key := func() (string, error) {
		st, err := s.Latest(ctx, siteID)
		if err != nil || st == nil {
			return "", err
		}
		return fmt.Sprintf("%s/%s/%d/%d/%d", st.RanAt, st.Today, st.Findings, st.Vetoes, st.Took), nil
	}
	k, err := key()
	if err != nil {
		return nil, err
	}
	s.recentMu.Lock()
	c, ok := s.deptCounts[siteID]
	s.recentMu.Unlock()
	if ok && k != "" && c.key == k {
		return c.counts, nil
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT department, COUNT(*) FROM compliance_findings WHERE site_id = $1 GROUP BY department ORDER BY COUNT(*) DESC, department`, siteID)
	if err != nil {
		return nil, errs.Wrap(err, "findings by department")
	}
	defer rows.Close()
	var out []DepartmentCount
	for rows.Next() {
		var d DepartmentCount
		if err := rows.Scan(&d.Department, &d.Count); err != nil {
			return nil, errs.Wrap(err, "findings by department")
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "findings by department")
	}
	// Kept only when no run replaced the stored one meanwhile.
	if after, err := key(); err == nil && k != "" && after == k {
		s.recentMu.Lock()
		if s.deptCounts == nil {
			s.deptCounts = map[int64]deptCounts{}
		}
		s.deptCounts[siteID] = deptCounts{key: k, counts: out}
		s.recentMu.Unlock()
	}
	return out, nil
}

// deptCounts are a stored run's counts per department (CountByDepartment).
type deptCounts struct {
	key    string
	counts []DepartmentCount
}

// RecordWait is how long the office's 立即自查 waits for its run before
// saying it goes on in the background: until it ends when the site's last
// run took less than WaitBelow (at most a minute), else WaitBelow.
func (s *Service) RecordWait(ctx context.Context, siteID int64) time.Duration {
	f := s.flight(siteID)
	f.mu.Lock()
	took := f.took
	f.mu.Unlock()
	if took == 0 {
		if st, err := s.Latest(ctx, siteID); err == nil && st != nil {
			took = st.Took
		}
	}
	if took < s.waitBelow() {
		return time.Minute
	}
	return max(s.waitBelow(), 0)
}
