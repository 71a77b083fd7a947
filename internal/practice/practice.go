// Package practice is 经验报送 (issue 13, seed task 11): departments submit
// good practice, typical cases, stories and important measures to the
// office (政务公开办公室) through the back office; the office rates and
// selects them, records where each was forwarded upward (上级机关, date,
// outlet) and whether it was used (采用), and may publish a selected one as
// a 工作动态 catalogue item in one step, through the catalogue's ordinary
// item creation and publication (catalog.CreateItemWith). Statistics per
// department and year (submitted, selected, forwarded, used).
//
// RECORDS.md has no rule on good-practice submissions (no deadline, no
// quota, no fixed outlet list), so nothing here is a legal figure: the
// kinds are the four the issue names, the column a selected submission is
// published in is chosen by the office among the list columns that take
// 工作动态 (doc type news), and the field limits are the platform's.
//
// These are internal records. A department's staff (editors and reviewers
// assigned to it) see and submit their own department's; the office and
// administrators see all and alone review, forward and publish. Every
// change is audited (auth.Audit) in its own transaction.
package practice

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/sanitize"
	"gongkai/internal/store"
)

// Kinds of submission (the four the issue names).
var Kinds = []catalog.Option{
	{Value: "practice", Label: "好经验好做法"},
	{Value: "case", Label: "典型案例"},
	{Value: "story", Label: "先进事迹"},
	{Value: "measure", Label: "重要举措"},
}

// Statuses: submitted (待审核), selected (择优选用), declined (未选用).
const (
	Submitted = "submitted"
	Selected  = "selected"
	Declined  = "declined"
)

// Statuses in words.
var Statuses = []catalog.Option{
	{Value: Submitted, Label: "待审核"},
	{Value: Selected, Label: "已选用"},
	{Value: Declined, Label: "未选用"},
}

// Field limits (characters).
const (
	MaxTitle     = 200
	MaxBody      = 20000
	MaxNote      = 1000
	MaxAuthority = 100
	MaxOutlet    = 200
	MaxUsedNote  = 500
	// MaxFiles caps the attachments of one submission.
	MaxFiles = 10
	// PageSize is the back office's page of submissions.
	PageSize = 30
)

// Service keeps the submissions of every site.
type Service struct {
	DB      *store.DB
	Catalog *catalog.Service
	Today   func() calendar.Date
	// Now is the clock of recorded instants; nil is the wall clock.
	Now func() time.Time
	// Blobs copies a submission's files to the item published from it.
	Blobs Blobs
}

func (s *Service) today() calendar.Date {
	if s.Today != nil {
		return s.Today()
	}
	return calendar.Today()
}

func (s *Service) now() string {
	if s.Now != nil {
		return store.FormatTime(s.Now())
	}
	return store.Now()
}

// Submission is one submitted piece of experience.
type Submission struct {
	ID           int64  `json:"id"`
	SiteID       int64  `json:"-"`
	DepartmentID int64  `json:"department_id"`
	Department   string `json:"department"`
	Kind         string `json:"kind"`
	KindLabel    string `json:"kind_label"`
	Title        string `json:"title"`
	// Body is sanitised HTML.
	Body        string `json:"body"`
	SubmittedOn string `json:"submitted_on"`
	Year        int    `json:"year"`
	Status      string `json:"status"`
	StatusLabel string `json:"status_label"`
	// Rating is the office's mark, 1 to 5 (0: not rated).
	Rating     int    `json:"rating"`
	OfficeNote string `json:"office_note"`
	// ItemID is the 工作动态 item published from it (0: none).
	ItemID      int64      `json:"item_id"`
	SubmittedBy string     `json:"submitted_by"`
	CreatedAt   string     `json:"created_at"`
	ReviewedBy  string     `json:"reviewed_by"`
	ReviewedAt  string     `json:"reviewed_at"`
	Forwarded   int        `json:"forwarded"`
	Used        bool       `json:"used"`
	Forwards    []*Forward `json:"forwards,omitempty"`
	Files       []*File    `json:"files,omitempty"`
}

// Forward is one forwarding upward (报送上级机关) and whether it was used.
type Forward struct {
	ID           int64  `json:"id"`
	SubmissionID int64  `json:"submission_id"`
	Authority    string `json:"authority"`
	ForwardedOn  string `json:"forwarded_on"`
	Outlet       string `json:"outlet"`
	Used         bool   `json:"used"`
	UsedNote     string `json:"used_note"`
	CreatedBy    string `json:"created_by"`
	CreatedAt    string `json:"created_at"`
}

// File is an attachment of a submission, kept in the blob store.
type File struct {
	ID           int64  `json:"id"`
	SubmissionID int64  `json:"submission_id"`
	BlobKey      string `json:"-"`
	Name         string `json:"name"`
	Size         int64  `json:"size"`
	MIME         string `json:"mime"`
	SHA256       string `json:"sha256"`
	CreatedBy    string `json:"created_by"`
	CreatedAt    string `json:"created_at"`
}

// NewSubmission is what submitting asks.
type NewSubmission struct {
	DepartmentID int64  `json:"department_id"`
	Kind         string `json:"kind"`
	Title        string `json:"title"`
	Body         string `json:"body"`
	// SubmittedOn defaults to today.
	SubmittedOn string `json:"submitted_on"`
}

// Review is the office's rating and selection.
type Review struct {
	Status string `json:"status"`
	Rating int    `json:"rating"`
	Note   string `json:"note"`
}

// NewForward records a forwarding upward.
type NewForward struct {
	Authority   string `json:"authority"`
	ForwardedOn string `json:"forwarded_on"`
	Outlet      string `json:"outlet"`
	Used        bool   `json:"used"`
	UsedNote    string `json:"used_note"`
}

// Usage marks whether a forwarded submission was used.
type Usage struct {
	Used     bool   `json:"used"`
	UsedNote string `json:"used_note"`
}

// Filter selects submissions.
type Filter struct {
	Year         int
	DepartmentID int64
	Status       string
	Kind         string
	Page         int
}

func clean(v errs.Validation, field, label, val string, max int, required bool) string {
	val = strings.TrimSpace(strings.ReplaceAll(val, "\r\n", "\n"))
	switch {
	case utf8.RuneCountInString(val) > max:
		v.Add(field, fmt.Sprintf("%s不能超过 %d 个字", label, max))
	case !catalog.CleanText(val):
		v.Add(field, label+"含有无法识别的字符")
	case required && val == "":
		v.Add(field, "请填写"+label)
	}
	return val
}

// MayView: the office and administrators see every department's
// submissions; a department's editors and reviewers their own.
func MayView(u *auth.User, dept int64) bool {
	if u == nil {
		return false
	}
	switch u.Role {
	case auth.Admin, auth.Office:
		return true
	}
	return u.DepartmentID != 0 && u.DepartmentID == dept
}

// SeesAll reports whether u sees every department's submissions.
func SeesAll(u *auth.User) bool { return u != nil && u.CanPublish() }

func mayAct(u *auth.User, siteID int64) error {
	if u == nil {
		return errs.E(errs.Unauthorized, "请先登录")
	}
	if !u.ServesSite(siteID) {
		return errs.E(errs.Forbidden, "您无权办理本站点的经验报送")
	}
	return nil
}

func mayOffice(u *auth.User, siteID int64) error {
	if err := mayAct(u, siteID); err != nil {
		return err
	}
	if !u.CanPublish() {
		return errs.E(errs.Forbidden, "只有政务公开办公室可以审核、报送和发布经验材料")
	}
	return nil
}

func (s *Service) department(ctx context.Context, siteID, id int64) (string, error) {
	ds, err := s.Catalog.Departments(ctx, siteID)
	if err != nil {
		return "", err
	}
	for _, d := range ds {
		if d.ID == id {
			return d.Name, nil
		}
	}
	return "", &errs.Error{Code: errs.Invalid, Message: "请选择报送科室", Fields: map[string]string{"department_id": "请选择报送科室"}}
}

// Submit records a department's submission. Editors submit for their own
// department; the office for any.
func (s *Service) Submit(ctx context.Context, siteID int64, actor *auth.User, in NewSubmission) (*Submission, error) {
	if err := mayAct(actor, siteID); err != nil {
		return nil, err
	}
	if in.DepartmentID == 0 && actor.DepartmentID != 0 && !actor.CanPublish() {
		in.DepartmentID = actor.DepartmentID
	}
	sub, err := s.check(ctx, siteID, in)
	if err != nil {
		return nil, err
	}
	if !actor.CanEditDepartment(in.DepartmentID) {
		return nil, errs.E(errs.Forbidden, "只能以本科室名义报送经验材料")
	}
	sub.SubmittedBy, sub.CreatedAt = actor.Label(), s.now()
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO practice_submissions (site_id, department_id, kind, title, body, submitted_on, year, status, submitted_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			siteID, sub.DepartmentID, sub.Kind, sub.Title, sub.Body, sub.SubmittedOn, sub.Year, sub.Status, sub.SubmittedBy, sub.CreatedAt).Scan(&sub.ID); err != nil {
			return errs.Wrap(err, "submit practice")
		}
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "practice.submit", Target: fmt.Sprintf("practice:%d", sub.ID),
			After: map[string]any{"department_id": sub.DepartmentID, "kind": sub.Kind, "title": sub.Title, "submitted_on": sub.SubmittedOn}})
	})
	if err != nil {
		return nil, err
	}
	sub.fill()
	return sub, nil
}

// check validates a submission's fields (Submit and Edit).
func (s *Service) check(ctx context.Context, siteID int64, in NewSubmission) (*Submission, error) {
	v := errs.Validation{}
	sub := &Submission{SiteID: siteID, DepartmentID: in.DepartmentID, Status: Submitted}
	sub.Title = clean(v, "title", "标题", in.Title, MaxTitle, true)
	if utf8.RuneCountInString(in.Body) > MaxBody {
		v.Add("body", fmt.Sprintf("正文不能超过 %d 个字", MaxBody))
	} else if !catalog.CleanText(in.Body) {
		v.Add("body", "正文含有无法识别的字符")
	} else if sub.Body = sanitize.HTML(in.Body); strings.TrimSpace(sanitize.Text(sub.Body)) == "" {
		v.Add("body", "请填写正文")
	}
	sub.Kind = strings.TrimSpace(in.Kind)
	if !slices.ContainsFunc(Kinds, func(o catalog.Option) bool { return o.Value == sub.Kind }) {
		v.Add("kind", "请选择材料类别")
	}
	sub.SubmittedOn = strings.TrimSpace(in.SubmittedOn)
	if sub.SubmittedOn == "" {
		sub.SubmittedOn = s.today().String()
	}
	if d, err := calendar.Parse(sub.SubmittedOn); err != nil || d.Year < 2000 || d.Year > 2100 {
		v.Add("submitted_on", "报送日期应为日期（如 2025-03-01）")
	} else if s.today().Before(d) {
		v.Add("submitted_on", "报送日期不能晚于今天")
	} else {
		sub.Year = d.Year
	}
	var err error
	if in.DepartmentID == 0 {
		v.Add("department_id", "请选择报送科室")
	} else if sub.Department, err = s.department(ctx, siteID, in.DepartmentID); err != nil {
		v.Add("department_id", "请选择报送科室")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return sub, nil
}

func (sub *Submission) fill() {
	sub.KindLabel = catalog.OptionLabel(Kinds, sub.Kind)
	sub.StatusLabel = catalog.OptionLabel(Statuses, sub.Status)
}

const subCols = `p.id, p.site_id, p.department_id, COALESCE(d.name, ''), p.kind, p.title, p.body, p.submitted_on, p.year, p.status, p.rating, p.office_note,
	p.item_id, p.submitted_by, p.created_at, p.reviewed_by, p.reviewed_at`

const subFrom = ` FROM practice_submissions p LEFT JOIN departments d ON d.id = p.department_id`

func scanSub(r interface{ Scan(...any) error }) (*Submission, error) {
	var p Submission
	err := r.Scan(&p.ID, &p.SiteID, &p.DepartmentID, &p.Department, &p.Kind, &p.Title, &p.Body, &p.SubmittedOn, &p.Year, &p.Status, &p.Rating, &p.OfficeNote,
		&p.ItemID, &p.SubmittedBy, &p.CreatedAt, &p.ReviewedBy, &p.ReviewedAt)
	p.fill()
	return &p, err
}

var errNotFound = errs.E(errs.NotFound, "没有这条经验材料")

// Get returns a submission with its forwards and files, when actor may see it.
func (s *Service) Get(ctx context.Context, siteID int64, actor *auth.User, id int64) (*Submission, error) {
	if err := mayAct(actor, siteID); err != nil {
		return nil, err
	}
	p, err := s.get(ctx, s.DB.R, siteID, id)
	if err != nil {
		return nil, err
	}
	if !MayView(actor, p.DepartmentID) {
		// Another department's record: as if it did not exist.
		return nil, errNotFound
	}
	if p.Forwards, err = s.forwards(ctx, s.DB.R, id); err != nil {
		return nil, err
	}
	for _, f := range p.Forwards {
		if f.Used {
			p.Used = true
		}
	}
	p.Forwarded = len(p.Forwards)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, submission_id, blob_key, name, size, mime, sha256, created_by, created_at FROM practice_files WHERE submission_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, errs.Wrap(err, "practice files")
	}
	defer rows.Close()
	for rows.Next() {
		var f File
		if err := rows.Scan(&f.ID, &f.SubmissionID, &f.BlobKey, &f.Name, &f.Size, &f.MIME, &f.SHA256, &f.CreatedBy, &f.CreatedAt); err != nil {
			return nil, errs.Wrap(err, "practice files")
		}
		p.Files = append(p.Files, &f)
	}
	return p, errs.Wrap(rows.Err(), "practice files")
}

type querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func (s *Service) get(ctx context.Context, q querier, siteID, id int64) (*Submission, error) {
	p, err := scanSub(q.QueryRowContext(ctx, `SELECT `+subCols+subFrom+` WHERE p.id = $1 AND p.site_id = $2`, id, siteID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, errs.Wrap(err, "practice submission")
	}
	return p, nil
}

func (s *Service) forwards(ctx context.Context, q querier, id int64) ([]*Forward, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, submission_id, authority, forwarded_on, outlet, used, used_note, created_by, created_at FROM practice_forwards WHERE submission_id = $1 ORDER BY forwarded_on, id`, id)
	if err != nil {
		return nil, errs.Wrap(err, "practice forwards")
	}
	defer rows.Close()
	var out []*Forward
	for rows.Next() {
		var f Forward
		var used int
		if err := rows.Scan(&f.ID, &f.SubmissionID, &f.Authority, &f.ForwardedOn, &f.Outlet, &used, &f.UsedNote, &f.CreatedBy, &f.CreatedAt); err != nil {
			return nil, errs.Wrap(err, "practice forwards")
		}
		f.Used = used == 1
		out = append(out, &f)
	}
	return out, errs.Wrap(rows.Err(), "practice forwards")
}

// List returns a page of the submissions actor may see, newest first, and
// how many match. Departmental staff see only their own department's.
func (s *Service) List(ctx context.Context, siteID int64, actor *auth.User, f Filter) ([]*Submission, int, error) {
	if err := mayAct(actor, siteID); err != nil {
		return nil, 0, err
	}
	where := ` WHERE p.site_id = $1`
	args := []any{siteID}
	add := func(cond string, v any) {
		args = append(args, v)
		where += fmt.Sprintf(" AND "+cond, len(args))
	}
	if !SeesAll(actor) {
		if actor.DepartmentID == 0 {
			return nil, 0, nil
		}
		add("p.department_id = $%d", actor.DepartmentID)
	}
	if f.DepartmentID != 0 {
		add("p.department_id = $%d", f.DepartmentID)
	}
	if f.Year != 0 {
		add("p.year = $%d", f.Year)
	}
	if f.Status != "" {
		add("p.status = $%d", f.Status)
	}
	if f.Kind != "" {
		add("p.kind = $%d", f.Kind)
	}
	var total int
	if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM practice_submissions p`+where, args...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "count practice")
	}
	// A page past the last is empty; the cap keeps the offset from
	// overflowing on an absurd page number (?page=9223372036854775808).
	page := min(max(f.Page, 1), total/PageSize+2)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+subCols+`,
		(SELECT COUNT(*) FROM practice_forwards w WHERE w.submission_id = p.id),
		(SELECT COUNT(*) FROM practice_forwards w WHERE w.submission_id = p.id AND w.used = 1)`+subFrom+where+
		fmt.Sprintf(` ORDER BY p.submitted_on DESC, p.id DESC LIMIT %d OFFSET %d`, PageSize, (page-1)*PageSize), args...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "list practice")
	}
	defer rows.Close()
	var out []*Submission
	for rows.Next() {
		var p Submission
		var used int
		if err := rows.Scan(&p.ID, &p.SiteID, &p.DepartmentID, &p.Department, &p.Kind, &p.Title, &p.Body, &p.SubmittedOn, &p.Year, &p.Status, &p.Rating, &p.OfficeNote,
			&p.ItemID, &p.SubmittedBy, &p.CreatedAt, &p.ReviewedBy, &p.ReviewedAt, &p.Forwarded, &used); err != nil {
			return nil, 0, errs.Wrap(err, "list practice")
		}
		p.Used = used > 0
		p.fill()
		out = append(out, &p)
	}
	return out, total, errs.Wrap(rows.Err(), "list practice")
}

// Rate records the office's rating and selection.
func (s *Service) Rate(ctx context.Context, siteID int64, actor *auth.User, id int64, in Review) (*Submission, error) {
	if err := mayOffice(actor, siteID); err != nil {
		return nil, err
	}
	v := errs.Validation{}
	if in.Status != Selected && in.Status != Declined && in.Status != Submitted {
		v.Add("status", "请选择审核结果（选用或不选用）")
	}
	if in.Rating < 0 || in.Rating > 5 {
		v.Add("rating", "评分应为 1 到 5 分（0 为不评分）")
	}
	note := clean(v, "note", "审核意见", in.Note, MaxNote, false)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *Submission
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		before, err := s.get(ctx, tx, siteID, id)
		if err != nil {
			return err
		}
		if before.Status == Selected && in.Status != Selected {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM practice_forwards WHERE submission_id = $1`, id).Scan(&n); err != nil {
				return errs.Wrap(err, "count forwards")
			}
			if n > 0 || before.ItemID != 0 {
				return &errs.Error{Code: errs.Conflict, Message: "已报送上级或已发布的材料不能改为未选用", Fields: map[string]string{"status": "已报送上级或已发布的材料不能改为未选用"}}
			}
		}
		at := s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE practice_submissions SET status = $1, rating = $2, office_note = $3, reviewed_by = $4, reviewed_at = $5 WHERE id = $6`,
			in.Status, in.Rating, note, actor.Label(), at, id); err != nil {
			return errs.Wrap(err, "rate practice")
		}
		out = before
		out.Status, out.Rating, out.OfficeNote, out.ReviewedBy, out.ReviewedAt = in.Status, in.Rating, note, actor.Label(), at
		out.fill()
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "practice.review", Target: fmt.Sprintf("practice:%d", id),
			Before: map[string]any{"status": before.Status, "rating": before.Rating}, After: map[string]any{"status": in.Status, "rating": in.Rating, "note": note}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AddForward records that a selected submission was forwarded upward.
func (s *Service) AddForward(ctx context.Context, siteID int64, actor *auth.User, id int64, in NewForward) (*Forward, error) {
	if err := mayOffice(actor, siteID); err != nil {
		return nil, err
	}
	v := errs.Validation{}
	f := &Forward{SubmissionID: id, Used: in.Used}
	f.Authority = clean(v, "authority", "上级机关", in.Authority, MaxAuthority, true)
	f.Outlet = clean(v, "outlet", "刊物或栏目", in.Outlet, MaxOutlet, false)
	f.UsedNote = clean(v, "used_note", "采用情况", in.UsedNote, MaxUsedNote, false)
	f.ForwardedOn = strings.TrimSpace(in.ForwardedOn)
	day, err := calendar.Parse(f.ForwardedOn)
	if err != nil {
		v.Add("forwarded_on", "报送日期应为日期（如 2025-03-01）")
	} else if s.today().Before(day) {
		v.Add("forwarded_on", "报送日期不能晚于今天")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		sub, err := s.get(ctx, tx, siteID, id)
		if err != nil {
			return err
		}
		if sub.Status != Selected {
			return errs.E(errs.Conflict, "只有已选用的材料可以报送上级机关")
		}
		if d, _ := calendar.Parse(sub.SubmittedOn); day.Before(d) {
			return &errs.Error{Code: errs.Invalid, Message: "报送上级的日期不能早于科室报送日期", Fields: map[string]string{"forwarded_on": "不能早于科室报送日期 " + sub.SubmittedOn}}
		}
		f.CreatedBy, f.CreatedAt = actor.Label(), s.now()
		if err := tx.QueryRowContext(ctx, `INSERT INTO practice_forwards (site_id, submission_id, authority, forwarded_on, outlet, used, used_note, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, siteID, id, f.Authority, f.ForwardedOn, f.Outlet, b2i(f.Used), f.UsedNote, f.CreatedBy, f.CreatedAt).Scan(&f.ID); err != nil {
			return errs.Wrap(err, "forward practice")
		}
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "practice.forward", Target: fmt.Sprintf("practice:%d", id), After: f})
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// SetUsed records whether a forwarding was used (采用) by the authority.
func (s *Service) SetUsed(ctx context.Context, siteID int64, actor *auth.User, forwardID int64, in Usage) (*Forward, error) {
	if err := mayOffice(actor, siteID); err != nil {
		return nil, err
	}
	v := errs.Validation{}
	note := clean(v, "used_note", "采用情况", in.UsedNote, MaxUsedNote, false)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *Forward
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var subID int64
		err := tx.QueryRowContext(ctx, `SELECT submission_id FROM practice_forwards WHERE id = $1 AND site_id = $2`, forwardID, siteID).Scan(&subID)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.NotFound, "没有这条报送记录")
		}
		if err != nil {
			return errs.Wrap(err, "practice forward")
		}
		fs, err := s.forwards(ctx, tx, subID)
		if err != nil {
			return err
		}
		for _, f := range fs {
			if f.ID == forwardID {
				out = f
			}
		}
		before := *out
		if _, err := tx.ExecContext(ctx, `UPDATE practice_forwards SET used = $1, used_note = $2 WHERE id = $3`, b2i(in.Used), note, forwardID); err != nil {
			return errs.Wrap(err, "practice used")
		}
		out.Used, out.UsedNote = in.Used, note
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "practice.used", Target: fmt.Sprintf("practice:%d", subID),
			Before: map[string]any{"forward": forwardID, "used": before.Used, "used_note": before.UsedNote}, After: map[string]any{"forward": forwardID, "used": in.Used, "used_note": note}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Attach records an uploaded file on a submission: its department's staff
// or the office. The caller stored the blob and deletes it on an error.
func (s *Service) Attach(ctx context.Context, siteID int64, actor *auth.User, id int64, f *File) error {
	if err := mayAct(actor, siteID); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		// Lock the submission first so concurrent uploads count in turn.
		if _, err := tx.ExecContext(ctx, `UPDATE practice_submissions SET item_id = item_id WHERE id = $1 AND site_id = $2`, id, siteID); err != nil {
			return errs.Wrap(err, "lock practice")
		}
		sub, err := s.get(ctx, tx, siteID, id)
		if err != nil {
			return err
		}
		if !MayView(actor, sub.DepartmentID) {
			return errNotFound
		}
		if !actor.CanEditDepartment(sub.DepartmentID) {
			return errs.E(errs.Forbidden, "只有报送科室的编辑和政务公开办公室可以上传附件")
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM practice_files WHERE submission_id = $1`, id).Scan(&n); err != nil {
			return errs.Wrap(err, "count files")
		}
		if n >= MaxFiles {
			return errs.E(errs.Invalid, "每份材料最多 %d 个附件", MaxFiles)
		}
		f.SubmissionID, f.CreatedBy, f.CreatedAt = id, actor.Label(), s.now()
		if err := tx.QueryRowContext(ctx, `INSERT INTO practice_files (submission_id, blob_key, name, size, mime, sha256, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			id, f.BlobKey, f.Name, f.Size, f.MIME, f.SHA256, f.CreatedBy, f.CreatedAt).Scan(&f.ID); err != nil {
			return errs.Wrap(err, "insert file")
		}
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "practice.attach", Target: fmt.Sprintf("practice:%d", id),
			After: map[string]any{"file": f.ID, "name": f.Name, "size": f.Size, "sha256": f.SHA256}})
	})
}

// FileOf returns an attachment actor may read.
func (s *Service) FileOf(ctx context.Context, siteID int64, actor *auth.User, fileID int64) (*File, error) {
	if err := mayAct(actor, siteID); err != nil {
		return nil, err
	}
	var f File
	var dept int64
	err := s.DB.R.QueryRowContext(ctx, `SELECT f.id, f.submission_id, f.blob_key, f.name, f.size, f.mime, f.sha256, f.created_by, f.created_at, p.department_id
		FROM practice_files f JOIN practice_submissions p ON p.id = f.submission_id WHERE f.id = $1 AND p.site_id = $2`, fileID, siteID).
		Scan(&f.ID, &f.SubmissionID, &f.BlobKey, &f.Name, &f.Size, &f.MIME, &f.SHA256, &f.CreatedBy, &f.CreatedAt, &dept)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !MayView(actor, dept)) {
		return nil, errs.E(errs.NotFound, "没有这个附件")
	}
	return &f, errs.Wrap(err, "practice file")
}

// NewsColumns are the list columns that take 工作动态 (doc type news), where
// a selected submission may be published.
func (s *Service) NewsColumns(ctx context.Context, siteID int64) ([]*catalog.Column, error) {
	tree, err := s.Catalog.Tree(ctx, siteID)
	if err != nil {
		return nil, err
	}
	var out []*catalog.Column
	for _, c := range tree.All() {
		if c.Kind == catalog.KindList && slices.Contains(c.DocTypes, "news") {
			out = append(out, c)
		}
	}
	return out, nil
}

// Publish publishes a selected submission as a 工作动态 item of column in
// one step: the catalogue creates and publishes the item (its own checks,
// ledger, audit and events) and, in the same transaction, the submission
// records the item, so both are saved or neither. The item belongs to the
// submitting department and is dated publishedOn (today when empty).
func (s *Service) Publish(ctx context.Context, siteID int64, actor *auth.User, id, columnID int64, publishedOn string) (*catalog.Item, error) {
	if err := mayOffice(actor, siteID); err != nil {
		return nil, err
	}
	sub, err := s.Get(ctx, siteID, actor, id)
	if err != nil {
		return nil, err
	}
	if sub.Status != Selected {
		return nil, errs.E(errs.Conflict, "只有已选用的材料可以发布为工作动态")
	}
	if sub.ItemID != 0 {
		return nil, errs.E(errs.Conflict, "这份材料已发布为工作动态")
	}
	cols, err := s.NewsColumns(ctx, siteID)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(cols, func(c *catalog.Column) bool { return c.ID == columnID }) {
		return nil, &errs.Error{Code: errs.Invalid, Message: "请选择发布栏目", Fields: map[string]string{"column_id": "请选择收录工作动态的栏目"}}
	}
	if publishedOn == "" {
		publishedOn = s.today().String()
	}
	req := catalog.NewItem{Input: catalog.Input{ColumnID: columnID, DocType: "news", DepartmentID: sub.DepartmentID, Title: sub.Title, Body: sub.Body,
		PublishedOn: publishedOn, Disclosure: "proactive"}, Publish: true}
	// The files go with the item as copies (made before the transaction,
	// removed again when it fails).
	copies, err := s.copyFiles(ctx, sub.Files)
	if err != nil {
		return nil, err
	}
	it, err := s.Catalog.CreateItemWith(ctx, actor, siteID, req, func(tx *sql.Tx, itemID int64) error {
		if err := attachTx(ctx, tx, itemID, copies); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE practice_submissions SET item_id = $1 WHERE id = $2 AND item_id = 0 AND status = $3`, itemID, id, Selected)
		if err != nil {
			return errs.Wrap(err, "publish practice")
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "这份材料已发布为工作动态或已不是选用状态")
		}
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "practice.publish", Target: fmt.Sprintf("practice:%d", id),
			After: map[string]any{"item_id": itemID, "column_id": columnID, "files": len(copies)}})
	})
	if err != nil {
		s.dropCopies(copies)
		return nil, err
	}
	return it, nil
}

// DeptStats are one department's counts of a year.
type DeptStats struct {
	DepartmentID int64  `json:"department_id"`
	Department   string `json:"department"`
	Submitted    int    `json:"submitted"`
	Selected     int    `json:"selected"`
	Forwarded    int    `json:"forwarded"`
	Used         int    `json:"used"`
	Published    int    `json:"published"`
}

// Stats are a year's counts per department and in total. Forwarded and
// Used count submissions (one forwarded to two authorities counts once).
type Stats struct {
	Year        int          `json:"year"`
	Departments []*DeptStats `json:"departments"`
	Total       DeptStats    `json:"total"`
}

// YearStats counts a year's submissions per department (one GROUP BY).
func (s *Service) YearStats(ctx context.Context, siteID int64, year int) (*Stats, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT p.department_id, COALESCE(d.name, ''), COUNT(*),
		SUM(CASE WHEN p.status = 'selected' THEN 1 ELSE 0 END),
		SUM(CASE WHEN EXISTS (SELECT 1 FROM practice_forwards w WHERE w.submission_id = p.id) THEN 1 ELSE 0 END),
		SUM(CASE WHEN EXISTS (SELECT 1 FROM practice_forwards w WHERE w.submission_id = p.id AND w.used = 1) THEN 1 ELSE 0 END),
		SUM(CASE WHEN p.item_id <> 0 THEN 1 ELSE 0 END)
		FROM practice_submissions p LEFT JOIN departments d ON d.id = p.department_id
		WHERE p.site_id = $1 AND p.year = $2 GROUP BY p.department_id, d.name, d.sort ORDER BY d.sort, p.department_id`, siteID, year)
	if err != nil {
		return nil, errs.Wrap(err, "practice stats")
	}
	defer rows.Close()
	st := &Stats{Year: year, Departments: []*DeptStats{}, Total: DeptStats{Department: "合计"}}
	for rows.Next() {
		var d DeptStats
		if err := rows.Scan(&d.DepartmentID, &d.Department, &d.Submitted, &d.Selected, &d.Forwarded, &d.Used, &d.Published); err != nil {
			return nil, errs.Wrap(err, "practice stats")
		}
		st.Departments = append(st.Departments, &d)
		st.Total.Submitted += d.Submitted
		st.Total.Selected += d.Selected
		st.Total.Forwarded += d.Forwarded
		st.Total.Used += d.Used
		st.Total.Published += d.Published
	}
	return st, errs.Wrap(rows.Err(), "practice stats")
}

// Years lists the years with submissions, newest first.
func (s *Service) Years(ctx context.Context, siteID int64) ([]int, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT DISTINCT year FROM practice_submissions WHERE site_id = $1 ORDER BY year DESC`, siteID)
	if err != nil {
		return nil, errs.Wrap(err, "practice years")
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, errs.Wrap(err, "practice years")
		}
		out = append(out, y)
	}
	return out, errs.Wrap(rows.Err(), "practice years")
}
