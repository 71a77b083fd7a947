package interact

import (
	"context"
	"database/sql"
	"errors"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/events"
	"gongkai/internal/store"
)

// FAQ is an entry of 常见问题, usually built from an answered message.
type FAQ struct {
	ID        int64
	MessageID int64
	Category  string
	Question  string
	Answer    string
	Position  int
	UpdatedOn calendar.Date
}

// CategoryLabel is the entry's category label.
func (f *FAQ) CategoryLabel() string { return CategoryLabel(f.Category) }

func (f *FAQ) validate() error {
	f.Question, f.Answer = clean(f.Question), clean(f.Answer)
	v := errs.Validation{}
	if _, ok := CategoryOf(f.Category); !ok {
		v.Add("category", "请选择类别")
	}
	if f.Question == "" {
		v.Add("question", "请填写问题")
	}
	checkLen(v, "question", f.Question, MaxFAQQ)
	if f.Answer == "" {
		v.Add("answer", "请填写解答")
	}
	checkLen(v, "answer", f.Answer, MaxAnswer)
	if f.Position < 0 || f.Position > 9999 {
		v.Add("position", "排序应为 0—9999")
	}
	return v.Err()
}

func canKeepFAQ(u *auth.User, siteID int64) error {
	if u == nil || !u.CanPublish() || !u.ServesSite(siteID) {
		return errs.E(errs.Forbidden, "只有政务公开办公室可以维护常见问题")
	}
	return nil
}

// FAQs returns the site's FAQ in order.
func (s *Service) FAQs(ctx context.Context, siteID int64) ([]FAQ, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, COALESCE(message_id, 0), category, question, answer, sort_order, updated_on FROM message_faq
		WHERE site_id = $1 ORDER BY sort_order, id`, siteID)
	if err != nil {
		return nil, errs.Wrap(err, "faq")
	}
	defer rows.Close()
	var out []FAQ
	for rows.Next() {
		var f FAQ
		var on string
		if err := rows.Scan(&f.ID, &f.MessageID, &f.Category, &f.Question, &f.Answer, &f.Position, &on); err != nil {
			return nil, errs.Wrap(err, "faq row")
		}
		f.UpdatedOn = calendar.Day(on)
		out = append(out, f)
	}
	return out, errs.Wrap(rows.Err(), "faq")
}

// FAQByID returns one entry.
func (s *Service) FAQByID(ctx context.Context, siteID, id int64) (*FAQ, error) {
	var f FAQ
	var on string
	err := s.DB.R.QueryRowContext(ctx, `SELECT id, COALESCE(message_id, 0), category, question, answer, sort_order, updated_on FROM message_faq
		WHERE site_id = $1 AND id = $2`, siteID, id).Scan(&f.ID, &f.MessageID, &f.Category, &f.Question, &f.Answer, &f.Position, &on)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "常见问题不存在")
	}
	f.UpdatedOn = calendar.Day(on)
	return &f, errs.Wrap(err, "faq")
}

// SaveFAQ creates (f.ID 0) or updates an entry. An entry made from a
// message must come from an answered message of the site; its text is the
// masked, published question and answer unless staff edit it.
func (s *Service) SaveFAQ(ctx context.Context, actor *auth.User, siteID int64, f FAQ) (*FAQ, error) {
	if err := canKeepFAQ(actor, siteID); err != nil {
		return nil, err
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	f.UpdatedOn = s.today()
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if f.MessageID != 0 {
			var status string
			err := tx.QueryRowContext(ctx, `SELECT status FROM messages WHERE id = $1 AND site_id = $2`, f.MessageID, siteID).Scan(&status)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && status != StAnswered) {
				return &errs.Error{Code: errs.Invalid, Message: "只能从已答复的留言生成常见问题", Fields: map[string]string{"message_id": "留言未答复"}}
			}
			if err != nil {
				return errs.Wrap(err, "faq message")
			}
		}
		action := "message.faq_update"
		if f.ID == 0 {
			action = "message.faq_create"
			if err := tx.QueryRowContext(ctx, `INSERT INTO message_faq (site_id, message_id, category, question, answer, sort_order, updated_on, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, siteID, nullID(f.MessageID), f.Category, f.Question, f.Answer, f.Position,
				f.UpdatedOn.String(), store.Now()).Scan(&f.ID); err != nil {
				return errs.Wrap(err, "insert faq")
			}
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE message_faq SET category = $1, question = $2, answer = $3, sort_order = $4, updated_on = $5
				WHERE id = $6 AND site_id = $7`, f.Category, f.Question, f.Answer, f.Position, f.UpdatedOn.String(), f.ID, siteID)
			if err != nil {
				return errs.Wrap(err, "update faq")
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return errs.E(errs.NotFound, "常见问题不存在")
			}
		}
		// Audit, then the outbox: the lock order of every writer.
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: action, Target: f.Question,
			After: map[string]any{"id": f.ID, "category": f.Category, "message_id": f.MessageID}}); err != nil {
			return err
		}
		_, err := events.Append(ctx, tx, s.DB.Dialect, events.Event{SiteID: siteID, Kind: EventFAQChanged, SubjectID: f.ID})
		return err
	})
	if err != nil {
		return nil, err
	}
	s.committed(ctx)
	return &f, nil
}

// DeleteFAQ removes an entry, audited.
func (s *Service) DeleteFAQ(ctx context.Context, actor *auth.User, siteID, id int64) error {
	if err := canKeepFAQ(actor, siteID); err != nil {
		return err
	}
	f, err := s.FAQByID(ctx, siteID, id)
	if err != nil {
		return err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM message_faq WHERE id = $1 AND site_id = $2`, id, siteID); err != nil {
			return errs.Wrap(err, "delete faq")
		}
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "message.faq_delete", Target: f.Question,
			Before: map[string]any{"id": id, "question": f.Question}}); err != nil {
			return err
		}
		_, err := events.Append(ctx, tx, s.DB.Dialect, events.Event{SiteID: siteID, Kind: EventFAQChanged, SubjectID: id})
		return err
	})
	if err == nil {
		s.committed(ctx)
	}
	return err
}
