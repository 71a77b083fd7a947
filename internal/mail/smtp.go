package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"strconv"
	"time"
)

// Config is the SMTP relay the notices go through (GONGKAI_SMTP_*).
type Config struct {
	Host string // "" turns mail off
	Port int    // 587 when zero (submission with STARTTLS)
	// ImplicitTLS speaks TLS from the start (SMTPS, RFC 8314); always on
	// port 465.
	ImplicitTLS bool
	From        string // "临沂市司法局 <noreply@example.gov.cn>"
	User        string // AUTH PLAIN when set
	// Password of User (GONGKAI_SMTP_PASSWORD or _FILE).
	Password string
	// TLS is the client configuration for STARTTLS and port 465; nil: the
	// system roots, server name Host.
	TLS *tls.Config
	// Timeout bounds one delivery, connection to QUIT (30 s when zero).
	Timeout time.Duration
}

// Enabled reports whether mail is configured.
func (c Config) Enabled() bool { return c.Host != "" }

// Sender sends one composed message.
type Sender interface {
	Send(ctx context.Context, from, to string, msg []byte) error
}

// SMTP is the Sender over an SMTP relay.
type SMTP struct{ Config }

func (s *SMTP) port() int {
	if s.Port == 0 {
		return 587
	}
	return s.Port
}

func (s *SMTP) tlsConfig() *tls.Config {
	if s.TLS != nil {
		c := s.TLS.Clone()
		if c.ServerName == "" {
			c.ServerName = s.Host
		}
		return c
	}
	return &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
}

// Send delivers msg to one recipient: STARTTLS when the server offers it,
// AUTH PLAIN when a user is configured (net/smtp refuses it without TLS
// except to this machine), then MAIL, RCPT, DATA and QUIT.
func (s *SMTP) Send(ctx context.Context, from, to string, msg []byte) error {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.port()))
	var conn net.Conn
	var err error
	implicit := s.ImplicitTLS || s.port() == 465
	if implicit {
		d := &tls.Dialer{Config: s.tlsConfig()}
		conn, err = d.DialContext(ctx, "tcp", addr)
	} else {
		var d net.Dialer
		conn, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return &tempError{fmt.Errorf("connect: %w", err)}
	}
	dl, _ := ctx.Deadline()
	conn.SetDeadline(dl)
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		conn.Close()
		return classify("greeting", err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok && !implicit {
		if err := c.StartTLS(s.tlsConfig()); err != nil {
			return classify("starttls", err)
		}
	}
	if s.User != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return &permError{errors.New("auth: the server offers no AUTH")}
		}
		if err := c.Auth(smtp.PlainAuth("", s.User, s.Password, s.Host)); err != nil {
			return classify("auth", err)
		}
	}
	if err := c.Mail(from); err != nil {
		return classify("mail from", err)
	}
	if err := c.Rcpt(to); err != nil {
		return classify("rcpt to", err)
	}
	w, err := c.Data()
	if err != nil {
		return classify("data", err)
	}
	if _, err := w.Write(msg); err != nil {
		return classify("data", err)
	}
	if err := w.Close(); err != nil {
		return classify("data", err)
	}
	if err := c.Quit(); err != nil {
		// The message was accepted at the end of DATA.
		return nil
	}
	return nil
}

// A tempError is worth retrying; a permError is not.
type (
	tempError struct{ err error }
	permError struct{ err error }
)

func (e *tempError) Error() string { return e.err.Error() }
func (e *tempError) Unwrap() error { return e.err }
func (e *permError) Error() string { return e.err.Error() }
func (e *permError) Unwrap() error { return e.err }

// classify names the step and keeps only the SMTP status: the server's
// text may quote the recipient's address, which must not reach the logs.
func classify(step string, err error) error {
	var te *textproto.Error
	if errors.As(err, &te) {
		e := fmt.Errorf("%s: smtp %d", step, te.Code)
		if te.Code >= 500 {
			return &permError{e}
		}
		return &tempError{e}
	}
	var nerr net.Error
	if errors.As(err, &nerr) || errors.Is(err, context.DeadlineExceeded) {
		return &tempError{fmt.Errorf("%s: network: timeout or connection lost", step)}
	}
	// TLS and auth-method errors of net/smtp carry no personal data.
	return &tempError{fmt.Errorf("%s: %v", step, err)}
}

// Permanent reports whether a Send error is not worth retrying (an SMTP
// 5xx answer).
func Permanent(err error) bool {
	var p *permError
	return errors.As(err, &p)
}
