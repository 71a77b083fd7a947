// Package mail sends the platform's e-mail notices (a disclosure request
// received, a reply ready, a message answered, a meeting application
// decided) through a durable outbox.
//
// A feature writes the notice in the transaction of the change it tells
// about, so a notice is never lost (it commits with the change) and never
// sent for a change that was rolled back:
//
//	err := db.Tx(ctx, func(tx *sql.Tx) error {
//		// ... the change ...
//		_, err := mail.Enqueue(ctx, tx, mail.Message{To: addr, Subject: "您的申请已受理", Body: text})
//		return err })
//
// An Outbox (the background job, started by internal/app) sends what is
// due through a Sender — SMTP: net/smtp, STARTTLS whenever the server
// offers it, AUTH PLAIN only over TLS (or to this machine) — and retries a
// temporary failure (SMTP 4xx, a connection failure) with exponential
// backoff up to MaxAttempts; a permanent refusal (5xx) fails at once.
// When no SMTP server is configured (Config.Enabled) the job does not run
// and notices wait in the outbox, to be sent once one is.
//
// Several nodes on one PostgreSQL may run the job: a node claims a notice
// by moving its next attempt ahead by a lease in one conditional UPDATE,
// so two nodes do not send the same notice; a node that dies while
// sending leaves it to be sent again after the lease (at least once).
//
// Messages are UTF-8 text: the subject (and a display name in From) in
// RFC 2047 encoded words, the body in base64 (RFC 2045), so Chinese
// arrives intact through any relay. Personal data stays out of the logs:
// they carry the outbox id, the attempt and the SMTP status code only;
// last_error holds the same. Once sent, the body is cleared and the
// recipient masked (secure.MaskEmail): the outbox keeps the fact, not the
// content.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"mime"
	netmail "net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// Message is one notice to one recipient, in plain text.
type Message struct {
	To      string // one address: "a@example.cn" or "张三 <a@example.cn>"
	Subject string
	Body    string
}

// Bounds of a Message.
const (
	MaxSubject = 200     // characters
	MaxBody    = 100_000 // bytes
)

// Validate checks a message before it is queued; errors are errs.Invalid
// in Chinese, on the field at fault.
func (m Message) Validate() error {
	v := errs.Validation{}
	if a, err := netmail.ParseAddress(m.To); err != nil || strings.ContainsAny(a.Address, "\r\n") {
		v.Add("to", "电子邮箱地址格式不正确")
	}
	switch {
	case strings.TrimSpace(m.Subject) == "":
		v.Add("subject", "邮件主题不能为空")
	case strings.ContainsAny(m.Subject, "\r\n"):
		v.Add("subject", "邮件主题不能换行")
	case utf8.RuneCountInString(m.Subject) > MaxSubject:
		v.Add("subject", fmt.Sprintf("邮件主题不能超过 %d 个字", MaxSubject))
	}
	if len(m.Body) > MaxBody {
		v.Add("body", fmt.Sprintf("邮件正文不能超过 %d 字节", MaxBody))
	}
	if !utf8.ValidString(m.To+m.Subject+m.Body) || strings.ContainsRune(m.To+m.Subject+m.Body, 0) {
		v.Add("body", "邮件含有无效字符")
	}
	return v.Err()
}

// Enqueue writes m to the outbox in tx, the transaction of the change it
// tells about, and returns its id. It is sent after tx commits; nothing
// is sent if tx rolls back.
func Enqueue(ctx context.Context, tx *sql.Tx, m Message) (int64, error) {
	return EnqueueAt(ctx, tx, m, time.Now())
}

// EnqueueAt is Enqueue at the instant now (a service with its own clock):
// the notice is due from then.
func EnqueueAt(ctx context.Context, tx *sql.Tx, m Message, now time.Time) (int64, error) {
	if err := m.Validate(); err != nil {
		return 0, err
	}
	at := store.FormatTime(now)
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO mail_outbox (recipient, subject, body, status, attempts, next_attempt_at, created_at)
		VALUES ($1, $2, $3, 'pending', 0, $4, $4) RETURNING id`, m.To, m.Subject, m.Body, at).Scan(&id)
	if err != nil {
		return 0, errs.Wrap(err, "mail: enqueue")
	}
	return id, nil
}

// Compose renders m as an RFC 5322 message from from, with id in its
// Message-ID: CRLF line ends, UTF-8 subject in encoded words, base64 body.
func Compose(from string, m Message, id int64, date time.Time) ([]byte, error) {
	fa, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("mail: from address: %w", err)
	}
	ta, err := netmail.ParseAddress(m.To)
	if err != nil {
		return nil, fmt.Errorf("mail: to address: %w", err)
	}
	domain := "localhost"
	if _, d, ok := strings.Cut(fa.Address, "@"); ok {
		domain = d
	}
	var nonce [6]byte
	rand.Read(nonce[:])
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(fold(k+": "+v) + "\r\n") }
	header("From", address(fa))
	header("To", address(ta))
	header("Subject", mime.BEncoding.Encode("UTF-8", m.Subject))
	header("Date", date.Format(time.RFC1123Z))
	header("Message-ID", fmt.Sprintf("<outbox-%d.%s@%s>", id, hex.EncodeToString(nonce[:]), domain))
	header("MIME-Version", "1.0")
	header("Content-Type", `text/plain; charset="UTF-8"`)
	header("Content-Transfer-Encoding", "base64")
	header("Auto-Submitted", "auto-generated") // RFC 3834: no auto-replies to notices
	b.WriteString("\r\n")
	body := strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	if enc != "" {
		b.WriteString(enc + "\r\n")
	}
	return b.Bytes(), nil
}

// address writes an address with its display name in RFC 2047 encoded
// words when it is not plain ASCII.
func address(a *netmail.Address) string {
	if a.Name == "" {
		return "<" + a.Address + ">"
	}
	for _, r := range a.Name {
		if r >= 0x80 {
			return mime.BEncoding.Encode("UTF-8", a.Name) + " <" + a.Address + ">"
		}
	}
	return (&netmail.Address{Name: a.Name, Address: a.Address}).String()
}

// fold breaks a header line at spaces so that no line is longer than 78
// characters where it can be helped (RFC 5322 §2.2.3); the encoder's
// encoded words are at most 75 characters each, separated by spaces.
func fold(line string) string {
	var b strings.Builder
	n := 0
	for i, word := range strings.Split(line, " ") {
		if i > 0 {
			if n+1+len(word) > 76 {
				b.WriteString("\r\n")
				n = 0
			}
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += len(word)
	}
	return b.String()
}
