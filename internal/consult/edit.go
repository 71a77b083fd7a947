package consult

import (
	"context"
	"database/sql"
	"fmt"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/errs"
)

// Corrections after creation: staff fix a typo in an article of a draft or
// in a meeting's agenda topic while doing so cannot change what the public
// has already responded to or what the record already shows as done.

// ArticleEditable says whether article a of c may still be edited and, if
// not, why (the reason shown beside the article in the back office). An
// article is editable before the consultation closes as long as no comment
// (other than one moderated out as spam, abuse …) is attached to it: a
// comment answers the text it was written on, so changing that text under
// it would misrepresent both. After closing, the draft as consulted on is
// the record the feedback report answers (条例第十八条), and stays as it was.
func (c *Consultation) ArticleEditable(a Article, comments int) (bool, string) {
	switch c.State {
	case StateClosed, StateFeedback:
		return false, "征集已结束：征求意见的草案条文是意见收集和采纳情况的依据，不能再修改"
	case StateWithdrawn:
		return false, "征集已撤回"
	}
	if comments > 0 {
		return false, fmt.Sprintf("本条已有 %d 条意见，修改条文会使意见与原文对不上；如需更正，请在起草说明中说明", comments)
	}
	return true, ""
}

// articleComments counts the comments attached to article seq that count
// (every status but rejected).
func (s *Service) articleComments(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, id int64, seq int) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM consult_comments WHERE consultation_id = $1 AND article_seq = $2 AND status <> $3`, id, seq, CommentRejected).Scan(&n)
	return n, errs.Wrap(err, "article comments")
}

// ArticleComments counts, per article, the comments that block its editing.
func (s *Service) ArticleComments(ctx context.Context, id int64) (map[int]int, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT article_seq, COUNT(*) FROM consult_comments WHERE consultation_id = $1 AND status <> $2 GROUP BY article_seq`, id, CommentRejected)
	if err != nil {
		return nil, errs.Wrap(err, "article comments")
	}
	defer rows.Close()
	out := map[int]int{}
	for rows.Next() {
		var seq, n int
		if err := rows.Scan(&seq, &n); err != nil {
			return nil, errs.Wrap(err, "article comments")
		}
		out[seq] = n
	}
	return out, errs.Wrap(rows.Err(), "article comments")
}

// EditArticle corrects article seq of a consultation (its heading and
// text) while ArticleEditable allows it: the article row and the record's
// text (the catalogue item, a new revision with the change note when it
// is published) change in one transaction, audited with the text before
// and after. The drafting department's staff or the office.
func (s *Service) EditArticle(ctx context.Context, actor *auth.User, siteID, id int64, seq int, heading, body string) (*Consultation, error) {
	c, err := s.staffConsultation(ctx, actor, siteID, id)
	if err != nil {
		return nil, err
	}
	if seq < 1 || seq > len(c.Articles) {
		return nil, &errs.Error{Code: errs.NotFound, Message: fmt.Sprintf("没有第 %d 条", seq)}
	}
	heading, body = clean(heading), clean(body)
	v := errs.Validation{}
	if body == "" {
		v.Add("body", "请填写条文内容")
	}
	checkLen(v, "heading", heading, MaxHeading, "条文标题")
	checkLen(v, "body", body, MaxArticle, "条文内容")
	if err := v.Err(); err != nil {
		return nil, err
	}
	old := c.Articles[seq-1]
	n, err := s.articleComments(ctx, s.DB.R, id, seq)
	if err != nil {
		return nil, err
	}
	if ok, why := c.ArticleEditable(old, n); !ok {
		return nil, errs.E(errs.Conflict, "第 %d 条不能修改：%s", seq, why)
	}
	if old.Heading == heading && old.Body == body {
		return c, nil
	}
	rec, err := s.Catalog.Item(ctx, siteID, id)
	if err != nil {
		return nil, err
	}
	in, err := s.Catalog.InputOf(ctx, rec)
	if err != nil {
		return nil, err
	}
	draft := Input{Basis: c.Basis, Explanation: c.Explanation, Articles: append([]Article(nil), c.Articles...)}
	draft.Articles[seq-1].Heading, draft.Articles[seq-1].Body = heading, body
	in.Body = draft.body()
	in.ChangeNote = fmt.Sprintf("更正草案第%d条", seq)
	_, err = s.Catalog.UpdateWith(ctx, actor, siteID, id, in, func(tx *sql.Tx) error {
		// Checked again under the write: a comment that arrived meanwhile
		// keeps the article as it was.
		n, err := s.articleComments(ctx, tx, id, seq)
		if err != nil {
			return err
		}
		if n > 0 {
			return errs.E(errs.Conflict, "第 %d 条刚收到意见，不能再修改", seq)
		}
		res, err := tx.ExecContext(ctx, `UPDATE consult_articles SET heading = $1, body = $2 WHERE consultation_id = $3 AND seq = $4`, heading, body, id, seq)
		if err != nil {
			return errs.Wrap(err, "update article")
		}
		if k, _ := res.RowsAffected(); k != 1 {
			return errs.E(errs.NotFound, "没有第 %d 条", seq)
		}
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "consultation.edit_article", Target: fmt.Sprintf("consultation:%d", id),
			Before: map[string]any{"seq": seq, "heading": old.Heading, "body": old.Body}, After: map[string]any{"seq": seq, "heading": heading, "body": body}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, siteID, id)
}

// TopicEditable says whether m's agenda may still be edited on today: up
// to the day before the meeting. On and after the meeting day the agenda is
// what was held, and a stakeholder proposal added afterwards would not have
// let anyone attend (the self-inspection's rule meetings.stakeholder_plan).
func (m *Meeting) TopicEditable(today calendar.Date) (bool, string) {
	if !today.Before(calendar.Day(m.HeldOn)) {
		return false, "会议已召开（" + m.HeldOn + "），议题不能再修改"
	}
	return true, ""
}

// EditTopic corrects agenda topic seq of a meeting before it is held (the
// office): its title, lead department, whether it touches the public's
// interests and the stakeholder proposal; audited before and after.
func (s *Service) EditTopic(ctx context.Context, actor *auth.User, siteID, meetingID int64, seq int, tp Topic) (*Meeting, error) {
	if actor == nil || !actor.CanPublish() {
		return nil, errs.E(errs.Forbidden, "只有政务公开办公室可以修改会议")
	}
	m, err := s.Meeting(ctx, siteID, meetingID)
	if err != nil {
		return nil, err
	}
	if seq < 1 || seq > len(m.Topics) {
		return nil, &errs.Error{Code: errs.NotFound, Message: fmt.Sprintf("没有第 %d 个议题", seq)}
	}
	if ok, why := m.TopicEditable(s.today()); !ok {
		return nil, errs.E(errs.Conflict, "%s", why)
	}
	tp.Title, tp.StakeholderPlan, tp.Department = clean(tp.Title), clean(tp.StakeholderPlan), clean(tp.Department)
	v := errs.Validation{}
	if tp.Title == "" {
		v.Add("title", "请填写议题名称")
	}
	checkLen(v, "title", tp.Title, MaxTitle, "议题名称")
	checkLen(v, "stakeholder_plan", tp.StakeholderPlan, MaxPlan, "利益相关方列席建议")
	if err := v.Err(); err != nil {
		return nil, err
	}
	if tp.Department != "" {
		if tp.DepartmentID, err = s.departmentID(ctx, siteID, tp.Department, 0); err != nil {
			return nil, err
		}
	}
	old := m.Topics[seq-1]
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE meeting_topics SET title = $1, department_id = $2, public_interest = $3, stakeholder_plan = $4 WHERE meeting_id = $5 AND seq = $6`,
			tp.Title, tp.DepartmentID, b2i(tp.PublicInterest), tp.StakeholderPlan, meetingID, seq); err != nil {
			return errs.Wrap(err, "update topic")
		}
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "meeting.edit_topic", Target: fmt.Sprintf("meeting:%d", meetingID),
			Before: map[string]any{"seq": seq, "title": old.Title, "department": old.Department, "public_interest": old.PublicInterest, "stakeholder_plan": old.StakeholderPlan},
			After:  map[string]any{"seq": seq, "title": tp.Title, "department": tp.Department, "public_interest": tp.PublicInterest, "stakeholder_plan": tp.StakeholderPlan}}); err != nil {
			return err
		}
		return s.emit(ctx, tx, siteID, EventMeeting, meetingID) // last
	})
	if err != nil {
		return nil, err
	}
	s.committed(ctx)
	return s.Meeting(ctx, siteID, meetingID)
}
