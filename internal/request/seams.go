package request

import (
	"context"
	"database/sql"

	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// Seams for the features built beside this one: the numbered notice letter
// (告知书, internal/letter) renders from a reply's parts and decision; the
// mail outbox sends the notices to applicants who gave an e-mail address.

// ReplyOf returns the request's reply event and its decision row; ok is
// false while the request has no reply (a closing by correction or fee
// lapse is not a reply).
func (r *Request) ReplyOf() (ev *Event, d Decision, ok bool) {
	for i := len(r.Events) - 1; i >= 0; i-- {
		if r.Events[i].Type == EvReplied {
			ev = &r.Events[i]
			d, err := DecisionOf(ev.Decision, ev.Reason)
			return ev, d, err == nil
		}
	}
	return nil, Decision{}, false
}

// Outgoing is a notice waiting to be sent, with the applicant's address.
type Outgoing struct {
	Notice
	RequestID  int64
	SiteID     int64
	TrackingNo string
	Email      string
}

// Unsent returns up to limit notices not yet sent to applicants who gave an
// e-mail address, oldest first (for a mailer; see request_notices.sent_at).
func (s *Service) Unsent(ctx context.Context, limit int) ([]Outgoing, error) {
	if s.Sealer == nil {
		return nil, ErrNoKey
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT n.id, n.kind, n.subject, n.body, n.created_at, r.id, r.site_id, r.tracking_no, r.email
		FROM request_notices n JOIN requests r ON r.id = n.request_id
		WHERE n.sent_at = '' AND r.email <> '' AND r.erased_at = '' ORDER BY n.id LIMIT $1`, limit)
	if err != nil {
		return nil, errs.Wrap(err, "unsent notices")
	}
	defer rows.Close()
	var out []Outgoing
	for rows.Next() {
		var o Outgoing
		var sealed string
		if err := rows.Scan(&o.ID, &o.Kind, &o.Subject, &o.Body, &o.CreatedAt, &o.RequestID, &o.SiteID, &o.TrackingNo, &sealed); err != nil {
			return nil, errs.Wrap(err, "unsent notice")
		}
		if o.Email, err = s.Sealer.Open(sealed); err != nil {
			continue // sealed under another key: cannot be sent
		}
		out = append(out, o)
	}
	return out, errs.Wrap(rows.Err(), "unsent notices")
}

// MarkSent records that a notice was sent.
func (s *Service) MarkSent(ctx context.Context, noticeID int64) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE request_notices SET sent_at = $1 WHERE id = $2 AND sent_at = ''`, store.Now(), noticeID)
		if err != nil {
			return errs.Wrap(err, "mark sent")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.NotFound, "通知不存在或已发送")
		}
		return nil
	})
}

// HandOver passes up to limit unsent notices to send, each in its own
// transaction with the mark that it was handed over (sent_at): send writes
// the e-mail into a durable outbox in that same transaction
// (internal/mail.Enqueue), so a notice is neither lost nor queued twice. It
// returns the number handed over.
func (s *Service) HandOver(ctx context.Context, limit int, send func(ctx context.Context, tx *sql.Tx, o Outgoing) error) (int, error) {
	out, err := s.Unsent(ctx, limit)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, o := range out {
		err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE request_notices SET sent_at = $1 WHERE id = $2 AND sent_at = ''`, store.Now(), o.ID)
			if err != nil {
				return errs.Wrap(err, "hand over notice")
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return nil // another node took it
			}
			return send(ctx, tx, o)
		})
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// WorkingCalendar returns the working-day calendar the requests are counted on.
func (s *Service) WorkingCalendar(ctx context.Context) (*calendar.Calendar, error) { return s.cal(ctx) }

// StateAfter replays r's ledger up to and including the event seq: the
// state a notice of that step states (an extension's new due date).
func (s *Service) StateAfter(ctx context.Context, r *Request, seq int) (*State, error) {
	cal, err := s.cal(ctx)
	if err != nil {
		return nil, err
	}
	n := 0
	for n < len(r.Events) && r.Events[n].Seq <= seq {
		n++
	}
	st, err := Replay(cal, s.Rules, r.Channel, r.Submitted, r.Events[:n])
	if err != nil {
		return nil, errs.Wrap(err, "replay "+r.TrackingNo)
	}
	return st, nil
}
