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
	"gongkai/internal/errs"
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
func (s *Service) Events(ctx context.Context, itemID int64) ([]Event, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, action, actor_name, comment, created_at FROM item_events WHERE item_id = $1 ORDER BY id`, itemID)
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

// transition moves an item from one of the allowed statuses to next, records
// the event and the audit entry, and runs extra inside the transaction.
func (s *Service) transition(ctx context.Context, actor *auth.User, siteID, id int64, from []string, next, action, comment string,
	allowed func(*Item) error, extra func(*sql.Tx, *Item) error) (*Item, error) {
	var public bool
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		it, err := s.item(ctx, tx, siteID, id)
		if err != nil {
			return err
		}
		// A nil actor is the system (scheduled publishing), which serves every site.
		if actor != nil && !actor.ServesSite(siteID) {
			return errs.E(errs.Forbidden, "您没有本站点的权限")
		}
		if err := allowed(it); err != nil {
			return err
		}
		ok := false
		for _, f := range from {
			ok = ok || it.Status == f
		}
		if !ok {
			return errs.E(errs.Conflict, "信息当前状态为“%s”，不能%s", StatusLabels[it.Status], EventLabels[action])
		}
		public = it.Status == StatusPublished || next == StatusPublished
		// The status was read without a lock: on PostgreSQL a concurrent step
		// (another office user, PublishDue on another node) may have moved the
		// item since. The version makes the check and the change one step.
		res, err := tx.ExecContext(ctx, `UPDATE items SET status = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4`,
			next, store.Now(), id, it.Version)
		if err != nil {
			return errs.Wrap(err, "item status")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, "该信息刚被他人处理，请刷新后再试")
		}
		if extra != nil {
			if err := extra(tx, it); err != nil {
				return err
			}
		}
		if err := addEvent(ctx, tx, id, actor, action, comment); err != nil {
			return err
		}
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "item." + action, Target: fmt.Sprintf("item:%d", id),
			Before: map[string]any{"status": it.Status}, After: map[string]any{"status": next, "comment": comment}})
	})
	if err != nil {
		return nil, err
	}
	if public {
		s.changed(siteID)
	}
	return s.Item(ctx, siteID, id)
}

// Submit sends a draft or returned item for review.
func (s *Service) Submit(ctx context.Context, actor *auth.User, siteID, id int64) (*Item, error) {
	return s.transition(ctx, actor, siteID, id, []string{StatusDraft, StatusReturned}, StatusSubmitted, "submit", "",
		func(it *Item) error {
			if !actor.CanEditDepartment(it.DepartmentID) {
				return errs.E(errs.Forbidden, "只能提交本科室的信息")
			}
			return nil
		}, nil)
}

// Return sends a submitted item back to its department with a comment.
func (s *Service) Return(ctx context.Context, actor *auth.User, siteID, id int64, comment string) (*Item, error) {
	comment = strings.TrimSpace(comment)
	if comment == "" {
		return nil, &errs.Error{Code: errs.Invalid, Message: "退回时必须填写退回意见", Fields: map[string]string{"comment": "请填写退回意见，告诉起草人需要修改什么"}}
	}
	if utf8.RuneCountInString(comment) > 1000 {
		return nil, &errs.Error{Code: errs.Invalid, Message: "退回意见不能超过 1000 个字", Fields: map[string]string{"comment": "退回意见不能超过 1000 个字"}}
	}
	return s.transition(ctx, actor, siteID, id, []string{StatusSubmitted, StatusReviewed}, StatusReturned, "return", comment, s.canReview(actor), nil)
}

// Approve records a reviewer's approval; the office then publishes.
func (s *Service) Approve(ctx context.Context, actor *auth.User, siteID, id int64, comment string) (*Item, error) {
	return s.transition(ctx, actor, siteID, id, []string{StatusSubmitted}, StatusReviewed, "approve", strings.TrimSpace(comment), s.canReview(actor), nil)
}

func (s *Service) canReview(actor *auth.User) func(*Item) error {
	return func(it *Item) error {
		if !actor.CanReviewDepartment(it.DepartmentID) {
			return errs.E(errs.Forbidden, "您无权审核该科室的信息")
		}
		return nil
	}
}

// Publish publishes a submitted or reviewed item now, or schedules it when
// at is in the future. The index number is assigned on first publication.
func (s *Service) Publish(ctx context.Context, actor *auth.User, siteID, id int64, at time.Time) (*Item, error) {
	mayPublish := func(it *Item) error {
		if actor == nil || !actor.CanPublish() {
			return errs.E(errs.Forbidden, "只有政务公开办公室可以发布信息")
		}
		if it.Disclosure != "proactive" {
			return errs.E(errs.Invalid, "该信息的公开方式为“%s”，不在网站主动发布", OptionLabel(Disclosures, it.Disclosure))
		}
		return nil
	}
	if !at.IsZero() && at.After(time.Now().Add(time.Minute)) {
		when := store.FormatTime(at)
		return s.transition(ctx, actor, siteID, id, []string{StatusSubmitted, StatusReviewed}, StatusScheduled, "schedule",
			"定时发布于 "+at.In(China).Format("2006-01-02 15:04"), mayPublish,
			func(tx *sql.Tx, it *Item) error {
				_, err := tx.ExecContext(ctx, `UPDATE items SET publish_at = $1 WHERE id = $2`, when, it.ID)
				return errs.Wrap(err, "schedule")
			})
	}
	return s.transition(ctx, actor, siteID, id, []string{StatusSubmitted, StatusReviewed, StatusScheduled}, StatusPublished, "publish", "", mayPublish,
		func(tx *sql.Tx, it *Item) error { return s.goLive(ctx, tx, actor, it, Today()) })
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
	if _, err := tx.ExecContext(ctx, `UPDATE items SET index_no = $1, published_on = $2, publish_at = '' WHERE id = $3`, it.IndexNo, it.PublishedOn, it.ID); err != nil {
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
		rows.Scan(&d.id, &d.site)
		list = append(list, d)
	}
	rows.Close()
	n := 0
	for _, d := range list {
		_, err := s.transition(ctx, nil, d.site, d.id, []string{StatusScheduled}, StatusPublished, "publish", "定时发布", func(*Item) error { return nil },
			func(tx *sql.Tx, it *Item) error {
				return s.goLive(ctx, tx, nil, it, store.ParseTime(it.PublishAt).In(China).Format("2006-01-02"))
			})
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
	return s.transition(ctx, actor, siteID, id, []string{StatusPublished, StatusScheduled}, StatusWithdrawn, "withdraw", reason,
		func(*Item) error {
			if !actor.CanPublish() {
				return errs.E(errs.Forbidden, "只有政务公开办公室可以撤回信息")
			}
			return nil
		},
		func(tx *sql.Tx, it *Item) error {
			_, err := tx.ExecContext(ctx, `UPDATE items SET withdrawn_reason = $1, publish_at = '' WHERE id = $2`, reason, it.ID)
			return errs.Wrap(err, "withdraw")
		})
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
func (s *Service) Revisions(ctx context.Context, itemID int64) ([]Revision, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT revision, change_note, actor_name, created_at, snapshot FROM item_revisions WHERE item_id = $1 ORDER BY revision DESC`, itemID)
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
		tx.QueryRowContext(ctx, `SELECT abbr FROM departments WHERE id = $1`, it.DepartmentID).Scan(&abbr)
	}
	if abbr == "" {
		var st Settings
		json.Unmarshal([]byte(settings), &st)
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
