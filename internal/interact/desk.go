package interact

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/events"
	"gongkai/internal/store"
)

// EventMessageAnswered is the change event of a message whose answer was
// published on the site (search, render cache); EventFAQChanged of the FAQ.
const (
	EventMessageAnswered = "message.answered"
	EventFAQChanged      = "message.faq"
)

// periodOf is the site's reply period for category, or the default.
func periodOf(ctx context.Context, q querier, siteID int64, category string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT workdays FROM message_periods WHERE site_id = $1 AND category = $2`, siteID, category).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		c, _ := CategoryOf(category)
		return c.Workdays, nil
	}
	return n, errs.Wrap(err, "message period")
}

// Periods returns the site's reply period of every category.
func (s *Service) Periods(ctx context.Context, siteID int64) (map[string]int, error) {
	out := map[string]int{}
	for _, c := range Categories {
		n, err := periodOf(ctx, s.DB.R, siteID, c.Code)
		if err != nil {
			return nil, err
		}
		out[c.Code] = n
	}
	return out, nil
}

// MaxPeriod bounds a site's reply period: an answer later than 3 months
// fails the inspection whatever the site says (REFERENCE §5.1), and 3
// months hold at most about 60 working days.
const MaxPeriod = 60

// SetPeriods sets the site's reply periods (administrators), audited.
func (s *Service) SetPeriods(ctx context.Context, actor *auth.User, siteID int64, periods map[string]int) error {
	if actor == nil || !actor.CanManageSite() || !actor.ServesSite(siteID) {
		return errs.E(errs.Forbidden, "只有系统管理员可以设置答复期限")
	}
	v := errs.Validation{}
	for code, n := range periods {
		if _, ok := CategoryOf(code); !ok {
			v.Add(code, "未知的留言类别")
		} else if n < 1 || n > MaxPeriod {
			v.Add(code, fmt.Sprintf("应为 1 至 %d 个工作日", MaxPeriod))
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	before, err := s.Periods(ctx, siteID)
	if err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		for _, c := range Categories {
			n, ok := periods[c.Code]
			if !ok {
				continue
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM message_periods WHERE site_id = $1 AND category = $2`, siteID, c.Code); err != nil {
				return errs.Wrap(err, "period")
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO message_periods (site_id, category, workdays) VALUES ($1, $2, $3)`, siteID, c.Code, n); err != nil {
				return errs.Wrap(err, "period")
			}
		}
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "message.periods", Target: "留言答复期限", Before: before, After: periods})
	})
}

// CanHandle reports whether u handles m: sees the writer's name and
// contact and records steps. The disclosure office and administrators
// handle every message; a department's staff the messages routed to it.
func CanHandle(u *auth.User, m *Message) bool {
	if u == nil || !u.ServesSite(m.SiteID) {
		return false
	}
	if u.CanPublish() {
		return true
	}
	return m.State.DepartmentID != 0 && u.DepartmentID == m.State.DepartmentID
}

// allow says whether u may record an event of typ on m. The office routes,
// marks invalid and may take any step; the handling department drafts and
// may ask for a transfer; its reviewer reviews and publishes (谁办理谁答复,
// reviewed before publication), and not their own draft.
func allow(u *auth.User, m *Message, typ string) error {
	if !CanHandle(u, m) {
		return errs.E(errs.Forbidden, "您不能办理该留言：只有政务公开办公室和承办科室可以办理")
	}
	if u.CanPublish() {
		return nil
	}
	switch typ {
	case EvTransferred, EvDrafted:
		return nil
	case EvReviewed, EvPublished:
		if u.Role != auth.Reviewer {
			return errs.E(errs.Forbidden, "答复须由承办科室的审核人或政务公开办公室审核、发布")
		}
		if typ == EvReviewed && m.State.DraftBy == u.ID {
			return errs.E(errs.Forbidden, "不能审核自己拟写的答复")
		}
		return nil
	}
	return errs.E(errs.Forbidden, "该步骤由政务公开办公室办理")
}

// Allowed lists the event types u may record on m now.
func Allowed(u *auth.User, m *Message) map[string]bool {
	out := map[string]bool{}
	for _, e := range EventTypes {
		if e.Type == EvReceived || e.Type == EvRated {
			continue
		}
		if allow(u, m, e.Type) != nil {
			continue
		}
		st := *m.State
		probe := Event{Type: e.Type, On: m.Received, DepartmentID: -1, Reason: "x", Answer: "x", Where: "x", Approved: true, Note: "x"}
		if e.Type == EvInvalid {
			probe.Reason = "other"
		}
		if st.apply(m.Category, probe) == nil {
			out[e.Type] = true
		}
	}
	return out
}

// AddEvent appends ev to the ledger of message id after checking it against
// the state and the actor's rights, refreshes the derived columns, appends
// the change event when the answer goes public, and audits the step — all
// in one transaction.
func (s *Service) AddEvent(ctx context.Context, actor *auth.User, siteID, id int64, ev Event) (*Message, error) {
	return s.AddEvents(ctx, actor, siteID, id, []Event{ev})
}

// AddEvents appends several steps in one transaction (the API's answer:
// draft, review, publish): all are recorded or none.
func (s *Service) AddEvents(ctx context.Context, actor *auth.User, siteID, id int64, evs []Event) (*Message, error) {
	if actor == nil {
		return nil, errs.E(errs.Unauthorized, "请先登录")
	}
	today := s.today()
	for i := range evs {
		ev := &evs[i]
		if err := checkEvent(ev); err != nil {
			return nil, err
		}
		ev.ActorID = actor.ID
		if ev.On.IsZero() {
			ev.On = today
		}
		if ev.On.After(today) {
			return nil, &errs.Error{Code: errs.Invalid, Message: "办理日期不能晚于今天", Fields: map[string]string{"on": "不能晚于今天"}}
		}
	}
	published := false
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		m, err := s.getIn(ctx, tx, siteID, id)
		if err != nil {
			return err
		}
		for _, ev := range evs {
			if err := s.step(ctx, tx, actor, m, ev); err != nil {
				return err
			}
			published = published || ev.Type == EvPublished
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if published {
		s.committed(ctx)
	}
	return s.Get(ctx, siteID, id)
}

// step records ev on m (loaded in tx), updating m's ledger and state.
func (s *Service) step(ctx context.Context, tx *sql.Tx, actor *auth.User, m *Message, ev Event) error {
	if err := allow(actor, m, ev.Type); err != nil {
		return err
	}
	if ev.DepartmentID != 0 {
		if err := checkDepartment(ctx, tx, m.SiteID, ev.DepartmentID); err != nil {
			return err
		}
	}
	if (ev.Type == EvRouted || ev.Type == EvTransferred) && ev.DepartmentID == 0 {
		return &errs.Error{Code: errs.Invalid, Message: "请选择承办科室", Fields: map[string]string{"department": "请选择承办科室"}}
	}
	if ev.Type == EvTransferred {
		ev.From = m.State.DepartmentID
	}
	if ev.Type == EvPublished {
		// Shown on the site only if the writer agreed and staff publish it.
		ev.Public = ev.Public && m.Publishable
	}
	if last := m.Events[len(m.Events)-1]; ev.On.Before(last.On) {
		return &errs.Error{Code: errs.Invalid, Message: "办理日期不能早于上一步骤的日期 " + last.On.String(), Fields: map[string]string{"on": "不能早于上一步骤"}}
	}
	st := m.State
	if err := st.apply(m.Category, ev); err != nil {
		return err
	}
	ev.Seq = len(m.Events) + 1
	if err := insertEvent(ctx, tx, m.ID, ev.Seq, ev, actor); err != nil {
		return err
	}
	m.Events = append(m.Events, ev)
	if err := project(ctx, tx, m.ID, st); err != nil {
		return err
	}
	after := map[string]any{"type": ev.Type, "on": ev.On.String(), "status": st.Status}
	if ev.DepartmentID != 0 {
		after["department_id"] = ev.DepartmentID
	}
	if ev.Reason != "" {
		after["reason"] = ev.Reason
	}
	if ev.Type == EvReviewed {
		after["approved"] = ev.Approved
	}
	// The audit row before the change event: every writer takes the audit
	// chain's lock before the outbox's (as internal/catalog does), so two
	// transactions never wait for each other on PostgreSQL.
	if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: m.SiteID, Actor: actor, Action: "message." + ev.Type, Target: m.TrackingNo, After: after}); err != nil {
		return err
	}
	if ev.Type == EvPublished && st.Public {
		if _, err := events.Append(ctx, tx, s.DB.Dialect, events.Event{SiteID: m.SiteID, Kind: EventMessageAnswered, SubjectID: m.ID}); err != nil {
			return err
		}
	}
	return nil
}

func checkEvent(ev *Event) error {
	for _, p := range []*string{&ev.Reason, &ev.Note, &ev.Answer, &ev.Where} {
		*p = clean(*p)
	}
	v := errs.Validation{}
	checkLen(v, "reason", ev.Reason, MaxReason)
	checkLen(v, "note", ev.Note, MaxComment)
	checkLen(v, "answer", ev.Answer, MaxAnswer)
	checkLen(v, "where", ev.Where, MaxWhere)
	return v.Err()
}

// project refreshes the columns derived from the ledger.
func project(ctx context.Context, tx *sql.Tx, id int64, st *State) error {
	var answered, answer string
	workdays, onTime, published := 0, 0, 0
	if st.Status == StAnswered {
		answered, answer, workdays, onTime = st.Answered.String(), st.Answer, st.Workdays, boolInt(st.OnTime())
		published = boolInt(st.Public)
	}
	_, err := tx.ExecContext(ctx, `UPDATE messages SET status = $1, department_id = $2, due_on = $3, answer = $4, answered_on = $5, answer_workdays = $6,
		on_time = $7, published = $8, rating = $9 WHERE id = $10`,
		st.Status, nullID(st.DepartmentID), st.Due.String(), answer, answered, workdays, onTime, published, st.Rating, id)
	return errs.Wrap(err, "update message")
}

// Rate records the writer's rating of the answer (with the tracking number
// and query code; once).
func (s *Service) Rate(ctx context.Context, siteID int64, trackingNo, code, rating, comment string) (*Message, error) {
	m, err := s.ByTracking(ctx, siteID, trackingNo, code)
	if err != nil {
		return nil, err
	}
	if err := s.rateOn(ctx, m.ID, s.today(), rating, comment); err != nil {
		return nil, err
	}
	return s.Get(ctx, siteID, m.ID)
}

func (s *Service) rateOn(ctx context.Context, id int64, on calendar.Date, rating, comment string) error {
	ev := Event{Type: EvRated, On: on, Rating: rating, Note: comment}
	if err := checkEvent(&ev); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var siteID int64
		if err := tx.QueryRowContext(ctx, `SELECT site_id FROM messages WHERE id = $1`, id).Scan(&siteID); err != nil {
			return errs.Wrap(err, "message site")
		}
		m, err := s.getIn(ctx, tx, siteID, id)
		if err != nil {
			return err
		}
		st := m.State
		if err := st.apply(m.Category, ev); err != nil {
			return err
		}
		if err := insertEvent(ctx, tx, m.ID, len(m.Events)+1, ev, nil); err != nil {
			return err
		}
		return project(ctx, tx, m.ID, st)
	})
}

// Filter selects messages for the desk.
type Filter struct {
	Status       string // "" any; "open" not answered nor invalid; or a status
	DepartmentID int64
	Category     string
	Overdue      bool
	// Page counts from 1; Per rows a page (1–200; 50 when 0).
	Page, Per int
}

// Row is a message in a list, without its ledger.
type Row struct {
	ID           int64
	TrackingNo   string
	Category     string
	Title        string
	Status       string
	Received     calendar.Date
	Due          calendar.Date
	Answered     calendar.Date
	DepartmentID int64
	Department   string
	Workdays     int
	OnTime       bool
	Published    bool
	Rating       string
	Answer       string
	Body         string
}

// CategoryLabel is the row's category label.
func (r *Row) CategoryLabel() string { return CategoryLabel(r.Category) }

// StatusLabel is the row's status label.
func (r *Row) StatusLabel() string { return StatusLabels[r.Status] }

// Overdue reports whether the row is (or was answered) past its due date.
func (r *Row) Overdue(today calendar.Date) bool {
	switch r.Status {
	case StInvalid:
		return false
	case StAnswered:
		return r.Answered.After(r.Due)
	}
	return today.After(r.Due)
}

const rowCols = `m.id, m.tracking_no, m.category, m.title, m.status, m.received_on, m.due_on, m.answered_on, COALESCE(m.department_id, 0),
	COALESCE(d.name, ''), m.answer_workdays, m.on_time, m.published, m.rating`

func scanRows(rows *sql.Rows, withText bool) ([]Row, error) {
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var r Row
		var rec, due, ans string
		var onTime, pub int
		dest := []any{&r.ID, &r.TrackingNo, &r.Category, &r.Title, &r.Status, &rec, &due, &ans, &r.DepartmentID, &r.Department, &r.Workdays, &onTime, &pub, &r.Rating}
		if withText {
			dest = append(dest, &r.Body, &r.Answer)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, errs.Wrap(err, "message row")
		}
		r.Received, r.Due, r.Answered, r.OnTime, r.Published = calendar.Day(rec), calendar.Day(due), calendar.Day(ans), onTime == 1, pub == 1
		out = append(out, r)
	}
	return out, errs.Wrap(rows.Err(), "message rows")
}

// openStatuses are the statuses of a message waiting for its answer (an
// IN list, so the (site_id, status, due_on) index serves the desk).
const openStatuses = `('received', 'handling', 'review', 'approved')`

// List returns a page of the desk's messages with how many match: the
// open ones first, by due date, then the closed ones newest first. Each
// part is its own indexed query (no sort over the whole table).
func (s *Service) List(ctx context.Context, siteID int64, f Filter) ([]Row, int, error) {
	cond := ` FROM messages m LEFT JOIN departments d ON d.id = m.department_id WHERE m.site_id = $1`
	args := []any{siteID}
	add := func(c string, v any) {
		args = append(args, v)
		cond += " AND " + c + strconv.Itoa(len(args))
	}
	if f.DepartmentID != 0 {
		add("m.department_id = $", f.DepartmentID)
	}
	if f.Category != "" {
		add("m.category = $", f.Category)
	}
	if f.Overdue {
		add("m.due_on < $", s.today().String())
	}
	open, closed := false, false
	switch {
	case f.Overdue || f.Status == "open":
		open = true
	case f.Status == "":
		open, closed = true, true
	default:
		add("m.status = $", f.Status)
		if st := f.Status; st == StAnswered || st == StInvalid {
			closed = true
		} else {
			open = true
		}
	}
	per := f.Per
	if per <= 0 || per > 200 {
		per = 50
	}
	offset := (max(f.Page, 1) - 1) * per
	count := func(part string) (int, error) {
		var n int
		err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*)`+cond+part, args...).Scan(&n)
		return n, errs.Wrap(err, "count messages")
	}
	var out []Row
	// A page's ids first (from an index alone), then their rows: a deep
	// page skips index entries, not message rows.
	fetch := func(part, order string, limit, off int) error {
		rows, err := s.DB.R.QueryContext(ctx, `SELECT m.id`+cond+part+order+` LIMIT `+strconv.Itoa(limit)+` OFFSET `+strconv.Itoa(off), args...)
		if err != nil {
			return errs.Wrap(err, "list messages")
		}
		var ids []any
		var in []string
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return errs.Wrap(err, "list messages")
			}
			ids = append(ids, id)
			in = append(in, "$"+strconv.Itoa(len(ids)))
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(ids) == 0 {
			return errs.Wrap(err, "list messages")
		}
		rows, err = s.DB.R.QueryContext(ctx, `SELECT `+rowCols+` FROM messages m LEFT JOIN departments d ON d.id = m.department_id WHERE m.id IN (`+strings.Join(in, ", ")+`)`+order, ids...)
		if err != nil {
			return errs.Wrap(err, "list messages")
		}
		rs, err := scanRows(rows, false)
		out = append(out, rs...)
		return err
	}
	openPart, closedPart := ` AND m.status IN `+openStatuses, ` AND m.status IN ('answered', 'invalid')`
	nOpen, nClosed := 0, 0
	var err error
	if open {
		if nOpen, err = count(openPart); err != nil {
			return nil, 0, err
		}
		if offset < nOpen {
			if err := fetch(openPart, ` ORDER BY m.due_on, m.id DESC`, per, offset); err != nil {
				return nil, 0, err
			}
		}
	}
	if closed {
		if nClosed, err = count(closedPart); err != nil {
			return nil, 0, err
		}
		if left := per - len(out); left > 0 && offset+len(out) < nOpen+nClosed {
			if err := fetch(closedPart, ` ORDER BY m.id DESC`, left, max(offset-nOpen, 0)); err != nil {
				return nil, 0, err
			}
		}
	}
	return out, nOpen + nClosed, nil
}

// Alerts counts a desk's open messages past their due date, and those
// within VetoWarnDays of (or past) the 3-month line, on day today. Only
// the open messages received 2 months ago or earlier are read for the
// second (the line is 3 months after receipt).
func (s *Service) Alerts(ctx context.Context, siteID, departmentID int64, today calendar.Date) (overdue, vetoSoon int, err error) {
	cond, args := ` FROM messages WHERE site_id = $1 AND status IN `+openStatuses, []any{siteID}
	if departmentID != 0 {
		args = append(args, departmentID)
		cond += ` AND department_id = $2`
	}
	a := append(args[:len(args):len(args)], today.String())
	if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*)`+cond+` AND due_on < $`+strconv.Itoa(len(a)), a...).Scan(&overdue); err != nil {
		return 0, 0, errs.Wrap(err, "overdue messages")
	}
	a = append(args[:len(args):len(args)], AddMonths(today, -2).String())
	rows, err := s.DB.R.QueryContext(ctx, `SELECT received_on`+cond+` AND received_on <= $`+strconv.Itoa(len(a)), a...)
	if err != nil {
		return 0, 0, errs.Wrap(err, "veto line")
	}
	defer rows.Close()
	for rows.Next() {
		var rec string
		if err := rows.Scan(&rec); err != nil {
			return 0, 0, errs.Wrap(err, "veto line")
		}
		if !today.Before(AddMonths(calendar.Day(rec), 3).AddDays(-VetoWarnDays)) {
			vetoSoon++
		}
	}
	return overdue, vetoSoon, errs.Wrap(rows.Err(), "veto line")
}

// PublicFilter selects answered messages shown on the site.
type PublicFilter struct {
	Category     string
	DepartmentID int64
	Month        string // YYYY-MM of the answer
	// Received is YYYY or YYYY-MM of the receipt: the period the
	// statistics count by, so a figure's list has exactly its rows.
	Received  string
	Page, Per int
}

// Public returns a page of answered, published messages, newest answer
// first, with the total. Title, body and answer are masked (MaskText).
func (s *Service) Public(ctx context.Context, siteID int64, f PublicFilter) ([]Row, int, error) {
	where := ` FROM messages m LEFT JOIN departments d ON d.id = m.department_id WHERE m.site_id = $1 AND m.published = 1`
	args := []any{siteID}
	add := func(cond string, v any) {
		args = append(args, v)
		where += " AND " + cond + strconv.Itoa(len(args))
	}
	if f.Category != "" {
		add("m.category = $", f.Category)
	}
	if f.DepartmentID != 0 {
		add("m.department_id = $", f.DepartmentID)
	}
	if f.Month != "" {
		add("m.answered_on LIKE $", f.Month+"-%")
	}
	if f.Received != "" {
		from, to := ReceivedRange(f.Received)
		add("m.received_on >= $", from)
		add("m.received_on < $", to)
	}
	var total int
	if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "count public messages")
	}
	per := f.Per
	if per <= 0 || per > 100 {
		per = 20
	}
	page := max(f.Page, 1)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+rowCols+`, m.body, m.answer`+where+` ORDER BY m.answered_on DESC, m.id DESC LIMIT `+
		strconv.Itoa(per)+` OFFSET `+strconv.Itoa((page-1)*per), args...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "public messages")
	}
	out, err := scanRows(rows, true)
	for i := range out {
		out[i].Title, out[i].Body, out[i].Answer = MaskText(out[i].Title), MaskText(out[i].Body), MaskText(out[i].Answer)
	}
	return out, total, err
}

// ReceivedRange is the days [from, to) of a period "YYYY" or "YYYY-MM"
// (as the statistics bound it).
func ReceivedRange(period string) (from, to string) {
	y, _ := strconv.Atoi(period[:4])
	if len(period) == 4 {
		return fmt.Sprintf("%04d-01-01", y), fmt.Sprintf("%04d-01-01", y+1)
	}
	m, _ := strconv.Atoi(period[5:])
	if m == 12 {
		return fmt.Sprintf("%04d-12-01", y), fmt.Sprintf("%04d-01-01", y+1)
	}
	return fmt.Sprintf("%04d-%02d-01", y, m), fmt.Sprintf("%04d-%02d-01", y, m+1)
}

// PublicMessage returns an answered, published message for its public
// page, masked; ErrNotFound for any other.
func (s *Service) PublicMessage(ctx context.Context, siteID, id int64) (*Message, error) {
	m, err := s.Get(ctx, siteID, id)
	if err != nil {
		return nil, err
	}
	if m.State.Status != StAnswered || !m.State.Public {
		return nil, errs.E(errs.NotFound, "该留言不存在或未公开")
	}
	pub := *m
	pub.Name, pub.Contact = m.MaskedName(), ""
	pub.Title, pub.Body = MaskText(m.Title), MaskText(m.Body)
	st := *m.State
	st.Answer = MaskText(st.Answer)
	pub.State = &st
	return &pub, nil
}

// Text masking of published messages: personal data the writer typed into
// the title or body (a phone number, an ID card number, an e-mail address)
// is removed before publication (RECORDS §11.1 标题/内容 "mask personal data
// before publishing"; GB/T 35273—2020 §7.2 as internal/secure applies).
var (
	maskIDRE    = regexp.MustCompile(`\b[0-9]{17}[0-9Xx]\b`)
	maskPhoneRE = regexp.MustCompile(`\b1[3-9][0-9]{9}\b|\b0[0-9]{2,3}-?[0-9]{7,8}\b`)
	maskMailRE  = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
)

// MaskText removes phone numbers, ID card numbers and e-mail addresses.
func MaskText(s string) string {
	s = maskIDRE.ReplaceAllString(s, "［身份证号已隐去］")
	s = maskMailRE.ReplaceAllString(s, "［邮箱已隐去］")
	return maskPhoneRE.ReplaceAllString(s, "［电话已隐去］")
}

// sortRows orders rows by due date (used by the check).
func sortRows(rs []Row) {
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Due.Before(rs[j].Due) })
}

var _ = store.Now
