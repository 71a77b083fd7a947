package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/events"
	"gongkai/internal/store"
)

// Event is one step in an item's ledger.
type Event struct {
	ID        int64
	Action    string
	ActorName string
	Comment   string
	CreatedAt string
}

// EventLabels are the Chinese names of ledger actions.
var EventLabels = map[string]string{
	"create": "起草", "edit": "修改", "submit": "提交审核", "return": "退回修改", "approve": "审核通过", "schedule": "定时发布",
	"publish": "发布", "revise": "发布后修改", "withdraw": "撤回", "unschedule": "取消定时发布", "attach": "添加附件", "detach": "删除附件",
	"republish": "恢复并重新发布", "validity": "有效性变更",
	"propose": "提出修改", "propose_approve": "修改审核通过", "propose_return": "退回修改提议", "propose_publish": "发布修改",
}

func addEvent(ctx context.Context, tx *sql.Tx, itemID int64, actor *auth.User, action, comment string) error {
	var actorID any
	name := "系统"
	if actor != nil {
		actorID, name = actor.ID, actor.Label()
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO item_events (item_id, action, actor_id, actor_name, comment, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		itemID, action, actorID, name, comment, store.Now())
	return errs.Wrap(err, "item event")
}

// Events returns an item's ledger, oldest first.
func (s *Service) Events(ctx context.Context, siteID, itemID int64) ([]Event, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT e.id, e.action, e.actor_name, e.comment, e.created_at FROM item_events e JOIN items i ON i.id = e.item_id
		WHERE e.item_id = $1 AND i.site_id = $2 ORDER BY e.id`, itemID, siteID)
	if err != nil {
		return nil, errs.Wrap(err, "item events")
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.ID, &e.Action, &e.ActorName, &e.Comment, &e.CreatedAt); err != nil {
			return nil, errs.Wrap(err, "item events")
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// SkippedReview is the ledger's note on a publication that no reviewer
// approved (the office published a submitted item directly).
const SkippedReview = "未经科室审核，由政务公开办公室直接发布"

// step is one state-machine step of the workflow.
type step struct {
	act     Action
	next    string // the status after the step
	comment string
	// only, when set, narrows the statuses the step starts from.
	only []string
	// extra runs inside the transaction after the status moved.
	extra func(*sql.Tx, *Item) error
	// check runs after the permission matrix (or, for the system, instead of it).
	check func(*Item) error
}

// transition runs st on an item in its own transaction; the change event
// is delivered after the commit.
func (s *Service) transition(ctx context.Context, actor *auth.User, siteID, id int64, st step) (*Item, error) {
	var emitted bool
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		emitted, err = s.transitionTx(ctx, tx, actor, siteID, id, st)
		return err
	})
	if err != nil {
		return nil, err
	}
	if emitted {
		s.Bus.Committed(ctx)
	}
	return s.Item(ctx, siteID, id)
}

// transitionTx moves an item by st inside tx: the permission matrix, an
// optimistic version check, the ledger event, the audit entry and, when
// the public sees a difference, the change event. A nil actor is the
// system (scheduled publishing), which serves every site.
func (s *Service) transitionTx(ctx context.Context, tx *sql.Tx, actor *auth.User, siteID, id int64, st step) (emitted bool, err error) {
	it, err := s.item(ctx, tx, siteID, id)
	if err != nil {
		return false, err
	}
	if actor != nil {
		if err := allow(actor, it, st.act); err != nil {
			return false, err
		}
	} else if !has(ruleOf(st.act).from, it.Status) {
		return false, errs.E(errs.Conflict, "信息当前状态为“%s”，不能%s", StatusLabels[it.Status], EventLabels[string(st.act)])
	}
	if st.only != nil && !has(st.only, it.Status) {
		return false, errs.E(errs.Conflict, "信息当前状态为“%s”，不能%s", StatusLabels[it.Status], EventLabels[string(st.act)])
	}
	if st.check != nil {
		if err := st.check(it); err != nil {
			return false, err
		}
	}
	if st.next == StatusPublished || st.next == StatusScheduled {
		for _, guard := range s.PublishGuards {
			if err := guard(ctx, it); err != nil {
				return false, err
			}
		}
	}
	// The status was read without a lock: on PostgreSQL a concurrent step
	// (another office user, PublishDue on another node) may have moved the
	// item since. The version makes the check and the change one step.
	res, err := tx.ExecContext(ctx, `UPDATE items SET status = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4`,
		st.next, store.Now(), id, it.Version)
	if err != nil {
		return false, errs.Wrap(err, "item status")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, errs.E(errs.Conflict, "该信息刚被他人处理，请刷新后再试")
	}
	if st.extra != nil {
		if err := st.extra(tx, it); err != nil {
			return false, err
		}
	}
	comment := st.comment
	if (st.act == ActPublish || st.act == ActSchedule) && it.Status == StatusSubmitted {
		// Issue 15: publishing what no reviewer approved is recorded as
		// such in the ledger, with who did it (the event's actor).
		comment = strings.TrimPrefix(comment+"；"+SkippedReview, "；")
	}
	if err := addEvent(ctx, tx, id, actor, string(st.act), comment); err != nil {
		return false, err
	}
	if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "item." + string(st.act), Target: fmt.Sprintf("item:%d", id),
		Before: map[string]any{"status": it.Status}, After: map[string]any{"status": st.next, "comment": st.comment}}); err != nil {
		return false, err
	}
	kind := ""
	switch {
	case st.next == StatusPublished:
		kind = events.ItemPublished
	case it.Status == StatusPublished:
		kind = events.ItemWithdrawn // withdrawn (the only step out of published)
	}
	if kind == "" {
		return false, nil
	}
	it.Status = st.next
	return true, s.emitItem(ctx, tx, kind, it)
}

// emitItem appends a change event about it (last in its transaction).
func (s *Service) emitItem(ctx context.Context, tx *sql.Tx, kind string, it *Item) error {
	return s.emitItemFrom(ctx, tx, kind, it, "")
}

// emitItemFrom is emitItem for a revision that changed the publication
// date from wasOn: the item moved in the sitemap's order, and the render
// cache drops the sitemap files between its old and new place.
func (s *Service) emitItemFrom(ctx context.Context, tx *sql.Tx, kind string, it *Item, wasOn string) error {
	p := map[string]any{"column_id": it.ColumnID, "doc_type": it.DocType, "status": it.Status, "index_no": it.IndexNo}
	if it.PublishedOn != "" {
		p["published_on"] = it.PublishedOn // its place in the sitemap's order
	}
	if wasOn != "" && wasOn != it.PublishedOn {
		p["was_published_on"] = wasOn
	}
	_, err := events.Append(ctx, tx, s.DB.Dialect, events.Event{SiteID: it.SiteID, Kind: kind, SubjectID: it.ID, Payload: events.Payload(p)})
	return err
}

// emitSite appends a change event about a site or one of its columns.
func (s *Service) emitSite(ctx context.Context, tx *sql.Tx, kind string, siteID, subject int64, payload any) error {
	_, err := events.Append(ctx, tx, s.DB.Dialect, events.Event{SiteID: siteID, Kind: kind, SubjectID: subject, Payload: events.Payload(payload)})
	return err
}

// Submit sends a draft or returned item for review.
func (s *Service) Submit(ctx context.Context, actor *auth.User, siteID, id int64) (*Item, error) {
	return s.transition(ctx, actor, siteID, id, step{act: ActSubmit, next: StatusSubmitted})
}

func returnComment(comment string) (string, error) {
	comment = strings.TrimSpace(comment)
	if comment == "" {
		return "", &errs.Error{Code: errs.Invalid, Message: "退回时必须填写退回意见", Fields: map[string]string{"comment": "请填写退回意见，告诉起草人需要修改什么"}}
	}
	if utf8.RuneCountInString(comment) > 1000 {
		return "", &errs.Error{Code: errs.Invalid, Message: "退回意见不能超过 1000 个字", Fields: map[string]string{"comment": "退回意见不能超过 1000 个字"}}
	}
	return comment, nil
}

// Return sends a submitted item back to its department with a comment.
func (s *Service) Return(ctx context.Context, actor *auth.User, siteID, id int64, comment string) (*Item, error) {
	comment, err := returnComment(comment)
	if err != nil {
		return nil, err
	}
	return s.transition(ctx, actor, siteID, id, step{act: ActReturn, next: StatusReturned, comment: comment})
}

// Approve records a reviewer's approval; the office then publishes.
func (s *Service) Approve(ctx context.Context, actor *auth.User, siteID, id int64, comment string) (*Item, error) {
	return s.transition(ctx, actor, siteID, id, step{act: ActApprove, next: StatusReviewed, comment: strings.TrimSpace(comment)})
}

// proactiveOnly is the check of every publishing step.
func proactiveOnly(it *Item) error {
	// 条例第十九、二十条: only proactive information is published on the site.
	if it.Disclosure != "proactive" {
		return errs.E(errs.Invalid, "该信息的公开方式为“%s”，不在网站主动发布", OptionLabel(Disclosures, it.Disclosure))
	}
	return nil
}

// notFuture refuses to publish now an item dated later than today: the
// 发布日期 shown on the page would be false. Scheduling sets the date itself.
func notFuture(today string) func(*Item) error {
	return func(it *Item) error {
		if err := proactiveOnly(it); err != nil {
			return err
		}
		if it.PublishedOn > today {
			return &errs.Error{Code: errs.Invalid, Message: fmt.Sprintf("发布日期 %s 晚于今天，不能立即发布；请改正发布日期，或清空发布日期后使用定时发布", it.PublishedOn),
				Fields: map[string]string{"published_on": "发布日期不能晚于今天"}}
		}
		return nil
	}
}

// Publish publishes a submitted or reviewed item now, or schedules it when
// at is in the future. The index number is assigned on first publication.
// A withdrawn item is published again (republish) by the office with the
// index number it had; the ledger records the republication.
func (s *Service) Publish(ctx context.Context, actor *auth.User, siteID, id int64, at time.Time) (*Item, error) {
	if actor == nil {
		return nil, errs.E(errs.Forbidden, "只有政务公开办公室可以发布信息")
	}
	if st, ok := scheduleStep(ctx, s, at); ok {
		return s.transition(ctx, actor, siteID, id, st)
	}
	act := ActPublish
	if it, err := s.Item(ctx, siteID, id); err == nil && it.Status == StatusWithdrawn {
		act = ActRepublish
	}
	return s.transition(ctx, actor, siteID, id, s.publishStep(ctx, actor, act))
}

func scheduleStep(ctx context.Context, s *Service, at time.Time) (step, bool) {
	if at.IsZero() || !at.After(time.Now().Add(time.Minute)) {
		return step{}, false
	}
	when := store.FormatTime(at)
	return step{act: ActSchedule, next: StatusScheduled, comment: "定时发布于 " + at.In(calendar.Beijing).Format("2006-01-02 15:04"), check: proactiveOnly,
		extra: func(tx *sql.Tx, it *Item) error {
			_, err := tx.ExecContext(ctx, `UPDATE items SET publish_at = $1 WHERE id = $2`, when, it.ID)
			return errs.Wrap(err, "schedule")
		}}, true
}

func (s *Service) publishStep(ctx context.Context, actor *auth.User, act Action) step {
	today := s.today().String()
	return step{act: act, next: StatusPublished, check: notFuture(today),
		extra: func(tx *sql.Tx, it *Item) error { return s.goLive(ctx, tx, actor, it, today) }}
}

// goLive assigns the index number and publication date and records the first revision.
func (s *Service) goLive(ctx context.Context, tx *sql.Tx, actor *auth.User, it *Item, today string) error {
	if it.PublishedOn == "" {
		it.PublishedOn = today
	}
	if it.IndexNo == "" {
		no, err := s.allocateIndexNo(ctx, tx, it)
		if err != nil {
			return err
		}
		it.IndexNo = no
	}
	if _, err := tx.ExecContext(ctx, `UPDATE items SET index_no = $1, published_on = $2, publish_at = '', withdrawn_reason = '' WHERE id = $3`,
		it.IndexNo, it.PublishedOn, it.ID); err != nil {
		return errs.Wrap(err, "publish")
	}
	if it.Revision == 0 {
		return s.snapshot(ctx, tx, it.SiteID, it.ID, actor, "首次发布")
	}
	return nil
}

// PublishDue publishes scheduled items whose time has come; the server runs
// it every minute.
func (s *Service) PublishDue(ctx context.Context, now time.Time) (int, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, site_id FROM items WHERE status = $1 AND publish_at <> '' AND publish_at <= $2`, StatusScheduled, store.FormatTime(now))
	if err != nil {
		return 0, errs.Wrap(err, "due items")
	}
	type due struct{ id, site int64 }
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.site); err != nil {
			rows.Close()
			return 0, errs.Wrap(err, "due items")
		}
		list = append(list, d)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return 0, errs.Wrap(err, "due items")
	}
	n := 0
	for _, d := range list {
		_, err := s.transition(ctx, nil, d.site, d.id, step{act: ActPublish, next: StatusPublished, comment: "定时发布", only: []string{StatusScheduled},
			extra: func(tx *sql.Tx, it *Item) error {
				return s.goLive(ctx, tx, nil, it, calendar.DateOf(store.ParseTime(it.PublishAt).In(calendar.Beijing)).String())
			}})
		if errs.CodeOf(err) == errs.Conflict {
			// Published, withdrawn or rescheduled meanwhile (by staff or
			// another node): nothing left to do for this one.
			continue
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Withdraw takes a published or scheduled item off the site with a public reason.
func (s *Service) Withdraw(ctx context.Context, actor *auth.User, siteID, id int64, reason string) (*Item, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return nil, &errs.Error{Code: errs.Invalid, Message: "撤回须填写理由（500 字以内），理由将向公众显示", Fields: map[string]string{"reason": "请填写撤回理由（500 字以内）"}}
	}
	if actor == nil {
		return nil, errs.E(errs.Forbidden, "只有政务公开办公室可以撤回信息")
	}
	return s.transition(ctx, actor, siteID, id, step{act: ActWithdraw, next: StatusWithdrawn, comment: reason,
		extra: func(tx *sql.Tx, it *Item) error {
			_, err := tx.ExecContext(ctx, `UPDATE items SET withdrawn_reason = $1, publish_at = '' WHERE id = $2`, reason, it.ID)
			return errs.Wrap(err, "withdraw")
		}})
}

// Revision is a published version of an item.
type Revision struct {
	Revision   int
	ChangeNote string
	ActorName  string
	CreatedAt  string
	Item       *Item
}

// snapshot records the item as it now stands as its next revision.
func (s *Service) snapshot(ctx context.Context, tx *sql.Tx, siteID, id int64, actor *auth.User, note string) error {
	it, err := s.item(ctx, tx, siteID, id)
	if err != nil {
		return err
	}
	it.Revision++
	it.Clicks = 0
	b, _ := json.Marshal(it)
	name := "系统"
	if actor != nil {
		name = actor.Label()
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO item_revisions (item_id, revision, snapshot, change_note, actor_name, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		id, it.Revision, string(b), note, name, store.Now()); err != nil {
		return errs.Wrap(err, "revision")
	}
	_, err = tx.ExecContext(ctx, `UPDATE items SET revision = $1 WHERE id = $2`, it.Revision, id)
	return errs.Wrap(err, "revision")
}

// Revisions lists an item's published versions, newest first.
func (s *Service) Revisions(ctx context.Context, siteID, itemID int64) ([]Revision, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT r.revision, r.change_note, r.actor_name, r.created_at, r.snapshot FROM item_revisions r JOIN items i ON i.id = r.item_id
		WHERE r.item_id = $1 AND i.site_id = $2 ORDER BY r.revision DESC`, itemID, siteID)
	if err != nil {
		return nil, errs.Wrap(err, "revisions")
	}
	defer rows.Close()
	var out []Revision
	for rows.Next() {
		var r Revision
		var snap string
		if err := rows.Scan(&r.Revision, &r.ChangeNote, &r.ActorName, &r.CreatedAt, &snap); err != nil {
			return nil, errs.Wrap(err, "revisions")
		}
		r.Item = &Item{}
		if err := json.Unmarshal([]byte(snap), r.Item); err != nil {
			return nil, errs.Wrap(err, "revision snapshot")
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// allocateIndexNo builds <org code>/<department abbreviation>/<year>-<7-digit
// sequence per organisation and year> (REFERENCE §4.2, the linyi.gov.cn form),
// the year being that of the publication date. Numbers are never reused.
func (s *Service) allocateIndexNo(ctx context.Context, tx *sql.Tx, it *Item) (string, error) {
	var org, settings string
	if err := tx.QueryRowContext(ctx, `SELECT org_code, settings FROM sites WHERE id = $1`, it.SiteID).Scan(&org, &settings); err != nil {
		return "", errs.Wrap(err, "index no site")
	}
	abbr := ""
	if it.DepartmentID != 0 {
		// A failed lookup must fail the publication: falling back to the
		// site's abbreviation would hand out a wrong number, and numbers are
		// permanent.
		if err := tx.QueryRowContext(ctx, `SELECT abbr FROM departments WHERE id = $1`, it.DepartmentID).Scan(&abbr); err != nil {
			return "", errs.Wrap(err, "index no department")
		}
	}
	if abbr == "" {
		var st Settings
		if err := json.Unmarshal([]byte(settings), &st); err != nil {
			return "", errs.Wrap(err, "index no site settings")
		}
		abbr = st.DeptAbbr
	}
	if abbr == "" {
		abbr = "gk"
	}
	year, _ := strconv.Atoi(it.PublishedOn[:4])
	var seq int64
	err := tx.QueryRowContext(ctx, `INSERT INTO index_counters (site_id, year, last_seq) VALUES ($1, $2, 1)
		ON CONFLICT (site_id, year) DO UPDATE SET last_seq = index_counters.last_seq + 1 RETURNING last_seq`, it.SiteID, year).Scan(&seq)
	if err != nil {
		return "", errs.Wrap(err, "index counter")
	}
	return fmt.Sprintf("%s/%s/%04d-%07d", org, abbr, year, seq), nil
}

var indexNoRE = regexp.MustCompile(`^([^/]+)/[^/]+/(\d{4})-(\d{1,9})$`)

// reserveIndexNo makes sure an imported number of this organisation's scheme
// is never handed out again: the year's counter moves past it.
func (s *Service) reserveIndexNo(ctx context.Context, tx *sql.Tx, siteID int64, no string) error {
	m := indexNoRE.FindStringSubmatch(no)
	if m == nil {
		return nil
	}
	var org string
	if err := tx.QueryRowContext(ctx, `SELECT org_code FROM sites WHERE id = $1`, siteID).Scan(&org); err != nil {
		return errs.Wrap(err, "reserve index no")
	}
	if m[1] != org {
		return nil
	}
	year, _ := strconv.Atoi(m[2])
	seq, _ := strconv.ParseInt(m[3], 10, 64)
	_, err := tx.ExecContext(ctx, `INSERT INTO index_counters (site_id, year, last_seq) VALUES ($1, $2, $3)
		ON CONFLICT (site_id, year) DO UPDATE SET last_seq = CASE WHEN index_counters.last_seq < $3 THEN $3 ELSE index_counters.last_seq END`, siteID, year, seq)
	return errs.Wrap(err, "reserve index no")
}
