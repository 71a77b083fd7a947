package consult

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/secure"
	"gongkai/internal/store"
)

// Comment statuses: every comment waits in the moderation queue; one that
// passes is published when its author agreed (publish_consent), and kept
// (counted in the report, not shown) otherwise; one refused as spam, abuse
// or personal data is neither shown nor counted.
const (
	CommentPending   = "pending"
	CommentPublished = "published"
	CommentKept      = "kept"
	CommentRejected  = "rejected"
)

// CommentStatusLabels name the statuses.
var CommentStatusLabels = map[string]string{CommentPending: "待审核", CommentPublished: "已公开", CommentKept: "已受理（未同意公开）", CommentRejected: "未采用（不计入）"}

// RejectReasons are the moderation queue's reasons for refusing a comment
// (issue 10: spam, abuse, personal data).
var RejectReasons = []Choice{{"spam", "广告或垃圾信息"}, {"abuse", "辱骂、攻击或违法内容"}, {"personal_data", "含他人个人信息"}, {"off_topic", "与征集内容无关"}}

// Choice is a code with its label.
type Choice struct{ Code, Label string }

// LabelOf returns the label of code in cs, or code.
func LabelOf(cs []Choice, code string) string {
	for _, c := range cs {
		if c.Code == code {
			return c.Label
		}
	}
	return code
}

// Outcomes are the dispositions of a comment (PEERS §4 takeaway 4; issue 10).
var Outcomes = []Choice{{"adopted", "采纳"}, {"partly", "部分采纳"}, {"not_adopted", "不予采纳"}}

// Comment is one comment from the public (or a letter or e-mail entered by staff).
type Comment struct {
	ID             int64  `json:"id"`
	ConsultationID int64  `json:"consultation_id"`
	Seq            int    `json:"seq"`     // the comment's number within the consultation
	Article        int    `json:"article"` // 0: the whole draft
	Name           string `json:"name,omitempty"`
	Body           string `json:"body"`
	PublishConsent bool   `json:"publish_consent"`
	Channel        string `json:"channel"`
	Status         string `json:"status"`
	Reason         string `json:"reason,omitempty"`
	DispositionID  int64  `json:"disposition_id,omitempty"`
	ReceivedAt     string `json:"received_at"`
	// Contact is the opened contact, for staff only (masked on pages).
	Contact string `json:"-"`
}

// StatusLabel names the comment's status.
func (c *Comment) StatusLabel() string { return CommentStatusLabels[c.Status] }

// ReasonLabel names the moderation reason.
func (c *Comment) ReasonLabel() string { return LabelOf(RejectReasons, c.Reason) }

// MaskedContact is the contact as staff lists show it.
func (c *Comment) MaskedContact() string {
	if strings.Contains(c.Contact, "@") {
		return secure.MaskEmail(c.Contact)
	}
	return secure.MaskPhone(c.Contact)
}

// CommentInput is a comment as submitted.
type CommentInput struct {
	Article        int
	Body           string
	Name           string
	Contact        string
	PublishConsent bool
	// Channel is online for the public; staff entering a letter or an
	// e-mail say so.
	Channel string
}

// Channels are the ways to take part.
var Channels = []Choice{{"online", "网上提交"}, {"letter", "信函"}, {"email", "电子邮件"}}

// Validate checks the comment without the database.
func (in *CommentInput) Validate() error {
	in.Body, in.Name, in.Contact = clean(in.Body), clean(in.Name), clean(in.Contact)
	v := errs.Validation{}
	if in.Body == "" {
		v.Add("body", "请填写意见内容")
	}
	checkLen(v, "body", in.Body, MaxComment, "意见内容")
	checkLen(v, "name", in.Name, MaxName, "姓名")
	if in.Contact == "" {
		v.Add("contact", "请填写联系方式（电话或电子邮箱，仅用于核实意见，不会公开）")
	}
	checkLen(v, "contact", in.Contact, MaxContact, "联系方式")
	if in.Channel == "" {
		in.Channel = "online"
	}
	if LabelOf(Channels, in.Channel) == in.Channel {
		v.Add("channel", "提交方式无效")
	}
	return v.Err()
}

// AddComment records a comment from the public on an open consultation:
// the contact sealed, the comment waiting for moderation.
func (s *Service) AddComment(ctx context.Context, siteID, id int64, in CommentInput) (*Comment, error) {
	if in.Channel != "" && in.Channel != "online" {
		return nil, &errs.Error{Code: errs.Invalid, Message: "信函和电子邮件意见由工作人员登记", Fields: map[string]string{"channel": "网上提交的意见，提交方式为 online"}}
	}
	return s.addComment(ctx, nil, siteID, id, in, "")
}

// RecordComment is staff entering a comment that came by letter or e-mail
// (the ways to take part the consultation names), received on receivedOn
// within the window; it may be entered after closing, before the report.
func (s *Service) RecordComment(ctx context.Context, actor *auth.User, siteID, id int64, in CommentInput, receivedOn string) (*Comment, error) {
	if _, err := s.staffConsultation(ctx, actor, siteID, id); err != nil {
		return nil, err
	}
	if in.Channel != "letter" && in.Channel != "email" {
		return nil, &errs.Error{Code: errs.Invalid, Message: "请选择信函或电子邮件", Fields: map[string]string{"channel": "工作人员登记的意见应为信函（letter）或电子邮件（email）"}}
	}
	if _, err := calendar.Parse(receivedOn); err != nil {
		return nil, &errs.Error{Code: errs.Invalid, Message: "请填写收到日期", Fields: map[string]string{"received_on": "收到日期应为 YYYY-MM-DD"}}
	}
	return s.addComment(ctx, actor, siteID, id, in, receivedOn)
}

func (s *Service) addComment(ctx context.Context, actor *auth.User, siteID, id int64, in CommentInput, receivedOn string) (*Comment, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	c, err := s.Get(ctx, siteID, id)
	if err != nil {
		return nil, err
	}
	if !c.Public() {
		return nil, ErrNotFound
	}
	if actor == nil && c.State != StateOpen {
		return nil, errs.E(errs.Conflict, "该征集%s，不能提交意见（征集期限 %s 至 %s）", StateLabels[c.State], c.OpensOn, c.ClosesOn)
	}
	if actor != nil {
		if c.State == StateFeedback || c.State == StateUpcoming {
			return nil, errs.E(errs.Conflict, "该征集%s，不能登记意见", StateLabels[c.State])
		}
		if d := calendar.Day(receivedOn); d.Before(calendar.Day(c.OpensOn)) || d.After(calendar.Day(c.ClosesOn)) || d.After(s.today()) {
			return nil, &errs.Error{Code: errs.Invalid, Message: fmt.Sprintf("收到日期应在征集期限内（%s 至 %s），且不晚于今天", c.OpensOn, c.ClosesOn),
				Fields: map[string]string{"received_on": "收到日期不在征集期限内"}}
		}
	}
	if in.Article < 0 || in.Article > len(c.Articles) {
		return nil, &errs.Error{Code: errs.Invalid, Message: "没有这一条", Fields: map[string]string{"article": fmt.Sprintf("应为 1 至 %d，或不填（对全文）", len(c.Articles))}}
	}
	if s.Sealer == nil {
		return nil, errs.E(errs.Internal, "暂不能接收意见（个人信息加密未配置）")
	}
	sealed, err := s.Sealer.Seal(in.Contact)
	if err != nil {
		return nil, errs.Wrap(err, "seal contact")
	}
	out := &Comment{ConsultationID: id, Article: in.Article, Name: in.Name, Body: in.Body, PublishConsent: in.PublishConsent, Channel: in.Channel, Status: CommentPending, ReceivedAt: store.Now()}
	if receivedOn != "" {
		d := calendar.Day(receivedOn) // noon in Beijing: the day, whatever the zone
		out.ReceivedAt = store.FormatTime(time.Date(d.Year, time.Month(d.Month), d.Day, 12, 0, 0, 0, calendar.Beijing))
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := ensureRow(ctx, tx, c); err != nil {
			return err
		}
		if err := s.lock(ctx, tx, "consultations", id); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM consult_comments WHERE consultation_id = $1`, id).Scan(&out.Seq); err != nil {
			return errs.Wrap(err, "comment number")
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO consult_comments (consultation_id, seq, article_seq, name, contact_sealed, body, publish_consent, channel, status, received_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, id, out.Seq, in.Article, in.Name, sealed, in.Body, b2i(in.PublishConsent), in.Channel, CommentPending, out.ReceivedAt).Scan(&out.ID); err != nil {
			return errs.Wrap(err, "insert comment")
		}
		if actor == nil {
			return nil
		}
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "consultation.record_comment", Target: fmt.Sprintf("consult_comment:%d", out.ID),
			After: map[string]any{"channel": in.Channel, "received_on": receivedOn, "article": in.Article}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// lock serialises the numbering of a consultation's comments (or a year's
// decisions) on PostgreSQL, where two transactions could otherwise read
// the same MAX(seq); SQLite's single writer already does.
func (s *Service) lock(ctx context.Context, tx *sql.Tx, table string, id int64) error {
	if s.DB.Dialect != store.Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT id FROM `+table+` WHERE id = $1 FOR UPDATE`, id)
	return errs.Wrap(err, "lock "+table)
}

// CommentFilter selects comments.
type CommentFilter struct {
	Status  string // "" for all
	Article int    // -1 for all
	Open    bool   // open contacts (staff)
	// Moderated selects the comments out of the queue (every status but
	// pending).
	Moderated bool
	// Limit and Offset page the list (Limit 0: all); Latest orders it the
	// latest first.
	Limit, Offset int
	Latest        bool
}

func (f CommentFilter) where(id int64) (string, []any) {
	q := ` FROM consult_comments WHERE consultation_id = $1`
	args := []any{id}
	if f.Status != "" {
		args = append(args, f.Status)
		q += fmt.Sprintf(" AND status = $%d", len(args))
	}
	if f.Moderated {
		args = append(args, CommentPending)
		q += fmt.Sprintf(" AND status <> $%d", len(args))
	}
	if f.Article >= 0 {
		args = append(args, f.Article)
		q += fmt.Sprintf(" AND article_seq = $%d", len(args))
	}
	return q, args
}

// CountComments counts the comments Comments returns without Limit.
func (s *Service) CountComments(ctx context.Context, id int64, f CommentFilter) (int, error) {
	where, args := f.where(id)
	var n int
	err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&n)
	return n, errs.Wrap(err, "count comments")
}

const commentCols = `id, consultation_id, seq, article_seq, name, contact_sealed, body, publish_consent, channel, status, reason, disposition_id, received_at`

// Comments lists a consultation's comments in order of arrival (or the
// latest first), a page at a time with Limit.
func (s *Service) Comments(ctx context.Context, id int64, f CommentFilter) ([]Comment, error) {
	where, args := f.where(id)
	q := `SELECT ` + commentCols + where + ` ORDER BY seq`
	if f.Latest {
		q += ` DESC`
	}
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0))
	}
	return s.comments(ctx, f.Open, q, args...)
}

// LatestPublished returns, for each article (0: the whole draft), its
// latest per published comments, for the consultation's page; the rest
// are on the article's comment pages.
func (s *Service) LatestPublished(ctx context.Context, id int64, per int) ([]Comment, error) {
	return s.comments(ctx, false, `SELECT `+commentCols+` FROM (SELECT m.*, ROW_NUMBER() OVER (PARTITION BY article_seq ORDER BY seq DESC) AS rn
		FROM consult_comments m WHERE consultation_id = $1 AND status = $2) x WHERE rn <= $3 ORDER BY article_seq, seq`, id, CommentPublished, per)
}

func (s *Service) comments(ctx context.Context, open bool, q string, args ...any) ([]Comment, error) {
	f := CommentFilter{Open: open}
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, errs.Wrap(err, "comments")
	}
	defer rows.Close()
	var out []Comment
	for rows.Next() {
		var c Comment
		var sealed string
		var consent int
		if err := rows.Scan(&c.ID, &c.ConsultationID, &c.Seq, &c.Article, &c.Name, &sealed, &c.Body, &consent, &c.Channel, &c.Status, &c.Reason, &c.DispositionID, &c.ReceivedAt); err != nil {
			return nil, errs.Wrap(err, "comment")
		}
		c.PublishConsent = consent != 0
		if f.Open && s.Sealer != nil {
			if v, err := s.Sealer.Open(sealed); err == nil {
				c.Contact = v
			}
		}
		out = append(out, c)
	}
	return out, errs.Wrap(rows.Err(), "comments")
}

// staffConsultation loads a consultation for a staff action: the office or
// the drafting department's staff.
func (s *Service) staffConsultation(ctx context.Context, actor *auth.User, siteID, id int64) (*Consultation, error) {
	if actor == nil {
		return nil, errs.E(errs.Unauthorized, "请先登录")
	}
	c, err := s.Get(ctx, siteID, id)
	if err != nil {
		return nil, err
	}
	if !actor.ServesSite(siteID) || !actor.CanPublish() && !actor.CanEditDepartment(c.DepartmentID) {
		return nil, errs.E(errs.Forbidden, "只有起草科室和政务公开办公室可以处理该征集的意见")
	}
	return c, nil
}

// Moderate decides comments (by number): pass (published when the author
// agreed, kept otherwise) or reject with one of RejectReasons. Audited.
func (s *Service) Moderate(ctx context.Context, actor *auth.User, siteID, id int64, seqs []int, pass bool, reason string) (int, error) {
	if _, err := s.staffConsultation(ctx, actor, siteID, id); err != nil {
		return 0, err
	}
	if !pass && LabelOf(RejectReasons, reason) == reason {
		return 0, &errs.Error{Code: errs.Invalid, Message: "请选择不予采用的原因", Fields: map[string]string{"reason": "请选择原因：广告、辱骂、个人信息或无关内容"}}
	}
	if len(seqs) == 0 {
		return 0, errs.E(errs.Invalid, "请至少选择一条意见")
	}
	n := 0
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		for _, seq := range seqs {
			var consent int
			var cid int64
			var status string
			err := tx.QueryRowContext(ctx, `SELECT id, publish_consent, status FROM consult_comments WHERE seq = $1 AND consultation_id = $2`, seq, id).Scan(&cid, &consent, &status)
			if errors.Is(err, sql.ErrNoRows) {
				return &errs.Error{Code: errs.Invalid, Message: fmt.Sprintf("没有第 %d 号意见", seq), Fields: map[string]string{"comments": fmt.Sprintf("没有第 %d 号意见", seq)}}
			}
			if err != nil {
				return errs.Wrap(err, "comment")
			}
			next, why := CommentRejected, reason
			if pass {
				next, why = CommentKept, ""
				if consent != 0 {
					next = CommentPublished
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE consult_comments SET status = $1, reason = $2, moderated_by = $3, moderated_at = $4 WHERE id = $5`,
				next, why, actor.ID, store.Now(), cid); err != nil {
				return errs.Wrap(err, "moderate")
			}
			if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "consultation.moderate", Target: fmt.Sprintf("consult_comment:%d", cid),
				Before: map[string]any{"status": status}, After: map[string]any{"status": next, "reason": why}}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// Disposition answers one comment or a merged group of comments.
type Disposition struct {
	ID       int64   `json:"id"`
	Outcome  string  `json:"outcome"`
	Reason   string  `json:"reason"`
	Comments []int64 `json:"comments"` // comment numbers (seq)
}

// Numbers lists the comments' numbers (1、4、7).
func (d *Disposition) Numbers() string {
	out := make([]string, len(d.Comments))
	for i, n := range d.Comments {
		out[i] = fmt.Sprint(n)
	}
	return strings.Join(out, "、")
}

// OutcomeLabel names the outcome.
func (d *Disposition) OutcomeLabel() string { return LabelOf(Outcomes, d.Outcome) }

// Dispose records a disposition for comments (by number) of a closed
// consultation: 采纳 / 部分采纳 / 不予采纳 with the reason (条例第十八条: 对社会公众
// 提出的意见进行归类整理、研究论证，充分采纳合理意见). A comment already answered is
// answered again by the new disposition (the old one stays if still used).
func (s *Service) Dispose(ctx context.Context, actor *auth.User, siteID, id int64, seqs []int, outcome, reason string) (*Disposition, error) {
	c, err := s.staffConsultation(ctx, actor, siteID, id)
	if err != nil {
		return nil, err
	}
	reason = clean(reason)
	v := errs.Validation{}
	if LabelOf(Outcomes, outcome) == outcome {
		v.Add("outcome", "请选择采纳、部分采纳或不予采纳")
	}
	if reason == "" {
		v.Add("reason", "请填写理由（将在意见收集和采纳情况中公开）")
	}
	checkLen(v, "reason", reason, MaxReason, "理由")
	if len(seqs) == 0 {
		v.Add("comments", "请至少选择一条意见")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if c.State == StateOpen || c.State == StateUpcoming {
		return nil, errs.E(errs.Conflict, "征集结束（%s）后才能登记采纳情况", c.ClosesOn)
	}
	if c.State == StateFeedback {
		return nil, errs.E(errs.Conflict, "意见收集和采纳情况已公开，不能再修改采纳情况")
	}
	d := &Disposition{Outcome: outcome, Reason: reason}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := ensureRow(ctx, tx, c); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO consult_dispositions (consultation_id, outcome, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			id, outcome, reason, actor.ID, store.Now()).Scan(&d.ID); err != nil {
			return errs.Wrap(err, "insert disposition")
		}
		for _, seq := range seqs {
			var cid int64
			var status string
			err := tx.QueryRowContext(ctx, `SELECT id, status FROM consult_comments WHERE consultation_id = $1 AND seq = $2`, id, seq).Scan(&cid, &status)
			if errors.Is(err, sql.ErrNoRows) {
				return &errs.Error{Code: errs.Invalid, Message: fmt.Sprintf("没有第 %d 号意见", seq), Fields: map[string]string{"comments": fmt.Sprintf("没有第 %d 号意见", seq)}}
			}
			if err != nil {
				return errs.Wrap(err, "comment")
			}
			if status == CommentPending || status == CommentRejected {
				return &errs.Error{Code: errs.Invalid, Message: fmt.Sprintf("第 %d 号意见%s，不能登记采纳情况", seq, CommentStatusLabels[status]),
					Fields: map[string]string{"comments": "只能对审核通过的意见登记采纳情况"}}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE consult_comments SET disposition_id = $1 WHERE id = $2`, d.ID, cid); err != nil {
				return errs.Wrap(err, "dispose")
			}
			d.Comments = append(d.Comments, int64(seq))
		}
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "consultation.dispose", Target: fmt.Sprintf("consultation:%d", id),
			After: map[string]any{"outcome": outcome, "reason": reason, "comments": seqs}})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Dispositions lists a consultation's dispositions that answer at least
// one comment, with their comments' numbers.
func (s *Service) Dispositions(ctx context.Context, id int64) ([]Disposition, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT d.id, d.outcome, d.reason, m.seq FROM consult_dispositions d JOIN consult_comments m ON m.disposition_id = d.id
		WHERE d.consultation_id = $1 AND m.consultation_id = $1 ORDER BY d.id, m.seq`, id)
	if err != nil {
		return nil, errs.Wrap(err, "dispositions")
	}
	defer rows.Close()
	var out []Disposition
	for rows.Next() {
		var d Disposition
		var seq int64
		if err := rows.Scan(&d.ID, &d.Outcome, &d.Reason, &seq); err != nil {
			return nil, errs.Wrap(err, "disposition")
		}
		if n := len(out); n > 0 && out[n-1].ID == d.ID {
			out[n-1].Comments = append(out[n-1].Comments, seq)
			continue
		}
		d.Comments = []int64{seq}
		out = append(out, d)
	}
	return out, errs.Wrap(rows.Err(), "dispositions")
}
