package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"time"

	"gongkai/internal/secure"
	"gongkai/internal/store"
)

// Defaults of an Outbox.
const (
	DefaultMaxAttempts = 8
	// DefaultLease is how long a node holds a notice it is sending before
	// another node may take it (longer than one SMTP delivery may last).
	DefaultLease = 5 * time.Minute
	batch        = 20
)

// Status of an outbox row.
const (
	StatusPending = "pending"
	StatusSending = "sending"
	StatusSent    = "sent"
	StatusFailed  = "failed"
)

// Outbox delivers the queued notices.
type Outbox struct {
	DB     *store.DB
	Sender Sender
	From   string // the From header and envelope sender
	Log    *slog.Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// MaxAttempts before a notice is given up (DefaultMaxAttempts when 0).
	MaxAttempts int
	// Backoff is the wait after the n-th failed attempt (n from 1); nil:
	// one minute doubling to at most six hours (1, 2, 4 … min: some 8
	// hours over the default eight attempts).
	Backoff func(n int) time.Duration
	// Lease is DefaultLease when zero.
	Lease time.Duration
}

func (o *Outbox) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o *Outbox) backoff(n int) time.Duration {
	if o.Backoff != nil {
		return o.Backoff(n)
	}
	d := time.Minute << min(n-1, 9)
	return min(d, 6*time.Hour)
}

func (o *Outbox) log() *slog.Logger {
	if o.Log != nil {
		return o.Log
	}
	return slog.Default()
}

// Entry is one outbox row, for the back office and tests.
type Entry struct {
	ID          int64
	Recipient   string
	Subject     string
	Status      string
	Attempts    int
	NextAttempt time.Time
	LastError   string
	SentAt      time.Time
}

// Entries lists the outbox, newest first, at most limit rows.
func Entries(ctx context.Context, db *store.DB, limit int) ([]Entry, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT id, recipient, subject, status, attempts, next_attempt_at, last_error, sent_at
		FROM mail_outbox ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("mail: entries: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var next, sent string
		if err := rows.Scan(&e.ID, &e.Recipient, &e.Subject, &e.Status, &e.Attempts, &next, &e.LastError, &sent); err != nil {
			return nil, err
		}
		e.NextAttempt, e.SentAt = store.ParseTime(next), store.ParseTime(sent)
		out = append(out, e)
	}
	return out, rows.Err()
}

// DeliverDue sends the notices that are due, in id order, and returns how
// many were sent and how many failed this round (to be retried, or given
// up). The error is the database's; a notice's own failure is recorded on
// its row, not returned.
func (o *Outbox) DeliverDue(ctx context.Context) (sent, failed int, err error) {
	if o.Sender == nil {
		return 0, 0, errors.New("mail: outbox without a sender")
	}
	for {
		n, s, f, err := o.deliverBatch(ctx)
		sent, failed = sent+s, failed+f
		if err != nil || n < batch {
			return sent, failed, err
		}
	}
}

type due struct {
	id                int64
	to, subject, body string
	attempts          int
	next              string
}

func (o *Outbox) deliverBatch(ctx context.Context) (n, sent, failed int, err error) {
	now := o.now()
	rows, err := o.DB.R.QueryContext(ctx, `SELECT id, recipient, subject, body, attempts, next_attempt_at FROM mail_outbox
		WHERE status IN ('pending', 'sending') AND next_attempt_at <= $1 ORDER BY id LIMIT $2`, store.FormatTime(now), batch)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("mail: due notices: %w", err)
	}
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.to, &d.subject, &d.body, &d.attempts, &d.next); err != nil {
			rows.Close()
			return 0, 0, 0, err
		}
		list = append(list, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, 0, err
	}
	lease := o.Lease
	if lease <= 0 {
		lease = DefaultLease
	}
	maxAttempts := o.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	for _, d := range list {
		if ctx.Err() != nil {
			return len(list), sent, failed, ctx.Err()
		}
		// Claim: only the node whose UPDATE sees the row unchanged sends it.
		res, err := o.DB.W.ExecContext(ctx, `UPDATE mail_outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = $1
			WHERE id = $2 AND next_attempt_at = $3 AND status IN ('pending', 'sending')`,
			store.FormatTime(now.Add(lease)), d.id, d.next)
		if err != nil {
			return len(list), sent, failed, fmt.Errorf("mail: claim %d: %w", d.id, err)
		}
		if k, _ := res.RowsAffected(); k != 1 {
			continue // another node has it
		}
		attempt := d.attempts + 1
		msg, err := Compose(o.From, Message{To: d.to, Subject: d.subject, Body: d.body}, d.id, now)
		if err == nil {
			var to *mail.Address
			var from *mail.Address
			to, _ = mail.ParseAddress(d.to)
			from, err = mail.ParseAddress(o.From)
			if err == nil {
				err = o.Sender.Send(ctx, from.Address, to.Address, msg)
			}
		} else {
			err = &permError{err}
		}
		if err == nil {
			_, uerr := o.DB.W.ExecContext(ctx, `UPDATE mail_outbox SET status = 'sent', sent_at = $1, last_error = '', body = '', recipient = $2
				WHERE id = $3`, store.FormatTime(o.now()), secure.MaskEmail(addressOf(d.to)), d.id)
			if uerr != nil {
				return len(list), sent, failed, fmt.Errorf("mail: mark %d sent: %w", d.id, uerr)
			}
			o.log().Info("mail sent", "outbox_id", d.id, "attempt", attempt)
			sent++
			continue
		}
		failed++
		status, next := StatusPending, now.Add(o.backoff(attempt))
		if Permanent(err) || attempt >= maxAttempts {
			status = StatusFailed
		}
		// err names the step and the SMTP code only (classify).
		_, uerr := o.DB.W.ExecContext(context.WithoutCancel(ctx), `UPDATE mail_outbox SET status = $1, next_attempt_at = $2, last_error = $3 WHERE id = $4`,
			status, store.FormatTime(next), truncate(err.Error(), 300), d.id)
		if uerr != nil {
			return len(list), sent, failed, fmt.Errorf("mail: mark %d failed: %w", d.id, uerr)
		}
		level := slog.LevelWarn
		if status == StatusFailed {
			level = slog.LevelError
		}
		o.log().Log(ctx, level, "mail not sent", "outbox_id", d.id, "attempt", attempt, "status", status, "err", err.Error())
	}
	return len(list), sent, failed, nil
}

func addressOf(s string) string {
	if a, err := mail.ParseAddress(s); err == nil {
		return a.Address
	}
	return s
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// Run delivers due notices every interval until ctx ends.
func (o *Outbox) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, _, err := o.DeliverDue(ctx); err != nil && !errors.Is(err, context.Canceled) {
			o.log().Error("mail outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Retention is how long sent and given-up notices stay in the outbox
// (sent ones masked; given-up ones with their content, for the office to
// see what did not go out).
const Retention = 180 * 24 * time.Hour

// Prune deletes the sent and given-up notices created before before
// and returns how many.
func Prune(ctx context.Context, db *store.DB, before time.Time) (int64, error) {
	res, err := db.W.ExecContext(ctx, `DELETE FROM mail_outbox WHERE status IN ('sent', 'failed') AND created_at < $1`, store.FormatTime(before))
	if err != nil {
		return 0, fmt.Errorf("mail: prune: %w", err)
	}
	return res.RowsAffected()
}
