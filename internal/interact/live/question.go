package live

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/errs"
	"gongkai/internal/secure"
	"gongkai/internal/store"
)

// Statuses of a question: sent (pending) questions wait for a moderator,
// who approves (they are shown) or rejects them with a reason (never
// shown); a guest answers approved ones.
const (
	Pending  = "pending"
	Approved = "approved"
	Rejected = "rejected"
	Answered = "answered"
)

// QuestionStatuses are the statuses with their labels.
var QuestionStatuses = []Choice{{Pending, "待审核"}, {Approved, "已通过，待回答"}, {Rejected, "未通过"}, {Answered, "已回答"}}

// Question is one question sent to an interview.
type Question struct {
	ID, InterviewID int64
	// Asker is the name the sender chose to show (a nickname; 网友 when empty).
	Asker string
	// ContactMasked is the sender's contact, masked; the sealed value is
	// read only by staff who need it (not shown anywhere yet).
	ContactMasked string
	Body, Status  string
	Reason        string
	Answer        string
	AnsweredBy    string
	ModeratedBy   string
	CreatedAt     string
	AnsweredAt    string
	// Seq is the interview's seq of the question's last public change.
	Seq int64
}

// Public reports whether the question is shown on the public page.
func (q *Question) Public() bool { return q.Status == Approved || q.Status == Answered }

// StatusLabel is the status in Chinese.
func (q *Question) StatusLabel() string { return LabelOf(QuestionStatuses, q.Status) }

// AskerLabel is the name shown with the question.
func (q *Question) AskerLabel() string {
	if q.Asker == "" {
		return "网友"
	}
	return q.Asker
}

// QuestionInput is what the public sends.
type QuestionInput struct {
	Asker, Contact, Body string
}

// Validate trims and checks the question (the form checks it before the
// CAPTCHA, so a visitor fixing a field is not asked twice).
func (in *QuestionInput) Validate() error {
	v := errs.Validation{}
	in.Asker, in.Contact, in.Body = strings.TrimSpace(in.Asker), strings.TrimSpace(in.Contact), strings.TrimSpace(in.Body)
	checkLen(v, "asker", in.Asker, MaxAsker)
	checkLen(v, "contact", in.Contact, MaxContact)
	required(v, "body", in.Body, "问题")
	checkLen(v, "body", in.Body, MaxQuestion)
	return v.Err()
}

const questionCols = `id, interview_id, asker, contact_masked, body, status, reason, answer, answered_by, moderated_by, created_at, answered_at, seq`

func scanQuestion(sc interface{ Scan(...any) error }) (*Question, error) {
	q := &Question{}
	err := sc.Scan(&q.ID, &q.InterviewID, &q.Asker, &q.ContactMasked, &q.Body, &q.Status, &q.Reason, &q.Answer, &q.AnsweredBy, &q.ModeratedBy, &q.CreatedAt, &q.AnsweredAt, &q.Seq)
	return q, err
}

// maskContact masks a phone number or an e-mail address (internal/secure).
func maskContact(c string) string {
	if strings.Contains(c, "@") {
		return secure.MaskEmail(c)
	}
	return secure.MaskPhone(c)
}

// Ask records a question from the public; it waits for moderation and is
// not public until approved.
func (s *Service) Ask(ctx context.Context, siteID, interviewID int64, in QuestionInput) (*Question, error) {
	iv, err := s.Interview(ctx, siteID, interviewID)
	if err != nil {
		return nil, err
	}
	if !iv.Open() {
		return nil, errs.E(errs.Conflict, "本次访谈已结束，不再接收提问")
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	sealed, masked := "", ""
	if in.Contact != "" {
		if s.Sealer == nil {
			return nil, errs.E(errs.Internal, "暂不能保存联系方式，请不填联系方式后重试")
		}
		if sealed, err = s.Sealer.Seal(in.Contact); err != nil {
			return nil, errs.Wrap(err, "seal contact")
		}
		masked = maskContact(in.Contact)
	}
	var id int64
	err = s.DB.W.QueryRowContext(ctx, `INSERT INTO live_questions (interview_id, asker, contact_sealed, contact_masked, body, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		interviewID, in.Asker, sealed, masked, in.Body, Pending, store.Now()).Scan(&id)
	if err != nil {
		return nil, errs.Wrap(err, "ask")
	}
	return s.Question(ctx, interviewID, id)
}

// Question returns one question of an interview.
func (s *Service) Question(ctx context.Context, interviewID, id int64) (*Question, error) {
	q, err := scanQuestion(s.DB.R.QueryRowContext(ctx, `SELECT `+questionCols+` FROM live_questions WHERE id = $1 AND interview_id = $2`, id, interviewID))
	if err != nil {
		return nil, notFound(err, "没有这个问题", "read question")
	}
	return q, nil
}

// QuestionFilter selects a page of an interview's questions.
type QuestionFilter struct {
	// Public: only the approved and answered ones (what the page shows).
	Public bool
	// Statuses: any of them (none: all, or the public ones).
	Statuses []string
	// First puts the questions of this status first (the moderators'
	// pending ones, the guests' approved ones), then the rest newest first;
	// "" is the order they were sent.
	First string
	// Page counts from 1; Per rows a page (1–500; 100 when 0).
	Page, Per int
}

// QuestionPage returns a page of an interview's questions with how many
// match in all.
func (s *Service) QuestionPage(ctx context.Context, interviewID int64, f QuestionFilter) ([]*Question, int, error) {
	where, args := ` FROM live_questions WHERE interview_id = $1`, []any{interviewID}
	sts := f.Statuses
	if len(sts) == 0 && f.Public {
		sts = []string{Approved, Answered}
	}
	if len(sts) > 0 {
		var in []string
		for _, st := range sts {
			args = append(args, st)
			in = append(in, "$"+strconv.Itoa(len(args)))
		}
		where += ` AND status IN (` + strings.Join(in, ", ") + `)`
	}
	var total int
	if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "count questions")
	}
	per := f.Per
	if per <= 0 || per > 500 {
		per = 100
	}
	order := ` ORDER BY id`
	if f.First != "" {
		args = append(args, f.First)
		n := strconv.Itoa(len(args))
		order = ` ORDER BY CASE WHEN status = $` + n + ` THEN 0 ELSE 1 END, CASE WHEN status = $` + n + ` THEN id ELSE -id END`
	}
	qs, err := s.questions(ctx, `SELECT `+questionCols+where+order+` LIMIT `+strconv.Itoa(per)+` OFFSET `+strconv.Itoa((max(f.Page, 1)-1)*per), args...)
	return qs, total, err
}

// StaffQuestions returns a page of an interview's questions, with their
// state, for those who may moderate it.
func (s *Service) StaffQuestions(ctx context.Context, u *auth.User, iv *Interview, f QuestionFilter) ([]*Question, int, error) {
	if err := mayModerate(u, iv.DepartmentID); err != nil {
		return nil, 0, err
	}
	f.Public = false
	return s.QuestionPage(ctx, iv.ID, f)
}

// Questions lists all of an interview's questions in the order they were
// sent: all of them, or the public ones (its search document, which is
// the whole transcript; pages use QuestionPage).
func (s *Service) Questions(ctx context.Context, interviewID int64, public bool) ([]*Question, error) {
	q := `SELECT ` + questionCols + ` FROM live_questions WHERE interview_id = $1`
	if public {
		q += ` AND status IN ('approved', 'answered')`
	}
	return s.questions(ctx, q+` ORDER BY id`, interviewID)
}

// ChangedSince lists the public questions changed after seq, in the order
// of their changes (the live broadcaster's read).
func (s *Service) ChangedSince(ctx context.Context, interviewID, seq int64) ([]*Question, error) {
	return s.questions(ctx, `SELECT `+questionCols+` FROM live_questions WHERE interview_id = $1 AND seq > $2 AND status IN ('approved', 'answered') ORDER BY seq, id`, interviewID, seq)
}

func (s *Service) questions(ctx context.Context, query string, args ...any) ([]*Question, error) {
	rows, err := s.DB.R.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, errs.Wrap(err, "list questions")
	}
	defer rows.Close()
	var out []*Question
	for rows.Next() {
		q, err := scanQuestion(rows)
		if err != nil {
			return nil, errs.Wrap(err, "list questions")
		}
		out = append(out, q)
	}
	return out, errs.Wrap(rows.Err(), "list questions")
}

// mayModerate is who approves questions: the office, or a reviewer or
// editor of the hosting department.
func mayModerate(u *auth.User, dept int64) error {
	if u == nil || !(u.CanPublish() || u.CanReviewDepartment(dept) || u.CanEditDepartment(dept)) {
		return errs.E(errs.Forbidden, "只有政务公开办公室或承办科室的工作人员可以审核和回答问题")
	}
	return nil
}

// Moderate approves (approve true) or rejects a pending question; a
// rejection needs a reason, kept for the audit and never shown.
func (s *Service) Moderate(ctx context.Context, u *auth.User, siteID, interviewID, id int64, approve bool, reason string) (*Question, error) {
	iv, err := s.Interview(ctx, siteID, interviewID)
	if err != nil {
		return nil, err
	}
	if err := mayModerate(u, iv.DepartmentID); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	to := Approved
	if !approve {
		to = Rejected
		v := errs.Validation{}
		required(v, "reason", reason, "不予通过的理由")
		checkLen(v, "reason", reason, MaxReason)
		if err := v.Err(); err != nil {
			return nil, err
		}
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		seq, err := bump(ctx, tx, interviewID, approve)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE live_questions SET status = $1, reason = $2, moderated_by = $3, moderated_at = $4, seq = CASE WHEN $5 > 0 THEN $5 ELSE seq END
			WHERE id = $6 AND interview_id = $7 AND status = 'pending'`, to, reason, u.Name, store.Now(), seq, id, interviewID)
		if err != nil {
			return errs.Wrap(err, "moderate")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, "这个问题已审核过")
		}
		// A closed interview's page is cached: its change goes through the
		// outbox; a running one's is rendered per visitor and fed live.
		return s.audit(ctx, tx, siteID, u, "interview.question."+to, itoa("interview-question", id), nil,
			map[string]string{"status": to, "reason": reason}, approve && !iv.Open())
	})
	if err != nil {
		return nil, err
	}
	s.committed(ctx)
	return s.Question(ctx, interviewID, id)
}

// Answer records a guest's answer to an approved (or, to correct it, an
// answered) question and makes it public at once.
func (s *Service) Answer(ctx context.Context, u *auth.User, siteID, interviewID, id int64, guest, answer string) (*Question, error) {
	iv, err := s.Interview(ctx, siteID, interviewID)
	if err != nil {
		return nil, err
	}
	if err := mayModerate(u, iv.DepartmentID); err != nil {
		return nil, err
	}
	if iv.Status == Archived {
		return nil, errs.E(errs.Conflict, "访谈已归档，不能再修改回答")
	}
	guest, answer = strings.TrimSpace(guest), strings.TrimSpace(answer)
	v := errs.Validation{}
	required(v, "guest", guest, "回答的嘉宾")
	checkLen(v, "guest", guest, MaxName)
	required(v, "answer", answer, "回答")
	checkLen(v, "answer", answer, MaxAnswer)
	if err := v.Err(); err != nil {
		return nil, err
	}
	old, err := s.Question(ctx, interviewID, id)
	if err != nil {
		return nil, err
	}
	if old.Status != Approved && old.Status != Answered {
		return nil, errs.E(errs.Conflict, "只能回答已通过审核的问题（当前：%s）", old.StatusLabel())
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		seq, err := bump(ctx, tx, interviewID, true)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE live_questions SET status = 'answered', answer = $1, answered_by = $2, answered_at = $3, seq = $4
			WHERE id = $5 AND interview_id = $6 AND status IN ('approved', 'answered')`, answer, guest, store.Now(), seq, id, interviewID)
		if err != nil {
			return errs.Wrap(err, "answer")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, "这个问题的状态已改变，请刷新后重试")
		}
		return s.audit(ctx, tx, siteID, u, "interview.question.answer", itoa("interview-question", id),
			map[string]string{"answer": old.Answer}, map[string]string{"answer": answer, "guest": guest}, !iv.Open())
	})
	if err != nil {
		return nil, err
	}
	s.committed(ctx)
	return s.Question(ctx, interviewID, id)
}

// bump increments the interview's seq when the change is public and
// returns it (0 when not public). The row lock it takes orders the
// interview's public changes: a later seq never commits before an earlier.
func bump(ctx context.Context, tx *sql.Tx, interviewID int64, public bool) (int64, error) {
	if !public {
		return 0, nil
	}
	var seq int64
	err := tx.QueryRowContext(ctx, `UPDATE live_interviews SET seq = seq + 1 WHERE id = $1 RETURNING seq`, interviewID).Scan(&seq)
	return seq, errs.Wrap(err, "interview seq")
}

// Seq returns an interview's current seq.
func (s *Service) Seq(ctx context.Context, interviewID int64) (seq int64, status string, err error) {
	err = s.DB.R.QueryRowContext(ctx, `SELECT seq, status FROM live_interviews WHERE id = $1`, interviewID).Scan(&seq, &status)
	return seq, status, notFound(err, "没有这次访谈", "interview seq")
}

// Counts are an interview's questions by status.
func (s *Service) Counts(ctx context.Context, interviewID int64) (map[string]int, error) {
	out, err := store.Counts(ctx, s.DB.R, `SELECT status, COUNT(*) FROM live_questions WHERE interview_id = $1 GROUP BY status`, interviewID)
	return out, errs.Wrap(err, "count questions")
}

func formatInt(n int64) string { return strconv.FormatInt(n, 10) }
