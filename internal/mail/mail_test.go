package mail

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"mime"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"gongkai/internal/errs"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

// mailServer is a real SMTP server (go-smtp) on a loopback port, offering
// STARTTLS and AUTH PLAIN, that keeps what it receives and can be told to
// refuse.
type mailServer struct {
	mu       sync.Mutex
	received []received
	// refuse answers RCPT with this SMTP code the next refuseN times.
	refuseCode, refuseN int
	tlsUsed             []bool
	authed              []bool
	host                string
	port                int
	roots               *x509.CertPool
}

type received struct {
	from, to string
	data     []byte
}

type backend struct{ s *mailServer }

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) { return &session{s: b.s, c: c}, nil }

type session struct {
	s        *mailServer
	c        *smtp.Conn
	from, to string
	authed   bool
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != "notices" || pass != "s3cret-密码" {
			return errors.New("bad credentials")
		}
		s.authed = true
		return nil
	}), nil
}
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.s.mu.Lock()
	defer s.s.mu.Unlock()
	if s.s.refuseN > 0 {
		s.s.refuseN--
		return &smtp.SMTPError{Code: s.s.refuseCode, Message: "refused for " + to}
	}
	s.to = to
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := s.c.TLSConnectionState()
	s.s.mu.Lock()
	s.s.received = append(s.s.received, received{s.from, s.to, b})
	s.s.tlsUsed = append(s.s.tlsUsed, isTLS)
	s.s.authed = append(s.s.authed, s.authed)
	s.s.mu.Unlock()
	return nil
}
func (s *session) Reset()        {}
func (s *session) Logout() error { return nil }

func startMailServer(t *testing.T) *mailServer { return startMailServerTLS(t, false) }

// startMailServerTLS starts the server; implicit: TLS from the start
// (SMTPS) instead of STARTTLS.
func startMailServerTLS(t *testing.T, implicit bool) *mailServer {
	t.Helper()
	cert, roots := selfSigned(t)
	ms := &mailServer{roots: roots}
	srv := smtp.NewServer(backend{ms})
	srv.Domain = "127.0.0.1"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if implicit {
		ln = tls.NewListener(ln, srv.TLSConfig)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	ms.host = "127.0.0.1"
	ms.port = ln.Addr().(*net.TCPAddr).Port
	return ms
}

func (ms *mailServer) messages() []received {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return append([]received(nil), ms.received...)
}

func (ms *mailServer) refuse(code, n int) {
	ms.mu.Lock()
	ms.refuseCode, ms.refuseN = code, n
	ms.mu.Unlock()
}

// selfSigned makes a certificate for 127.0.0.1 and the pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test smtp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

type outboxEnv struct {
	db   *store.DB
	ms   *mailServer
	o    *Outbox
	now  time.Time
	logs *bytes.Buffer
}

func newOutbox(t *testing.T, db *store.DB) *outboxEnv {
	ms := startMailServer(t)
	e := &outboxEnv{db: db, ms: ms, now: time.Date(2026, 10, 8, 9, 0, 0, 0, time.UTC), logs: &bytes.Buffer{}}
	sender := &SMTP{Config{Host: ms.host, Port: ms.port, From: "临沂市司法局 <notices@sfj.example.gov.cn>", User: "notices", Password: "s3cret-密码",
		TLS: &tls.Config{RootCAs: ms.roots}, Timeout: 10 * time.Second}}
	e.o = &Outbox{DB: db, Sender: sender, From: sender.From, Log: slog.New(slog.NewTextHandler(e.logs, nil)),
		Now: func() time.Time { return e.now }}
	return e
}

func (e *outboxEnv) enqueue(t *testing.T, m Message) int64 {
	t.Helper()
	var id int64
	if err := e.db.Tx(context.Background(), func(tx *sql.Tx) error {
		var err error
		id, err = EnqueueAt(context.Background(), tx, m, e.now)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return id
}

func entry(t *testing.T, db *store.DB, id int64) Entry {
	t.Helper()
	es, err := Entries(context.Background(), db, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("no outbox entry %d", id)
	return Entry{}
}

const (
	cnSubject = "您的政府信息公开申请已受理（受理编号 2026-0001），请注意查收答复"
	cnBody    = "张三先生：\n\n您于 2026 年 10 月 8 日提交的政府信息公开申请已受理。\n依《中华人民共和国政府信息公开条例》第三十三条，我们将在 20 个工作日内答复。\n\n临沂市司法局"
)

func TestDelivery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newOutbox(t, db)
		id := e.enqueue(t, Message{To: "张三 <zhangsan@example.cn>", Subject: cnSubject, Body: cnBody})
		sent, failed, err := e.o.DeliverDue(ctx)
		if err != nil || sent != 1 || failed != 0 {
			t.Fatalf("deliver: sent %d failed %d err %v\n%s", sent, failed, err, e.logs)
		}
		got := e.ms.messages()
		if len(got) != 1 {
			t.Fatalf("server received %d messages", len(got))
		}
		if !e.ms.tlsUsed[0] || !e.ms.authed[0] {
			t.Errorf("STARTTLS %v, AUTH %v: want both", e.ms.tlsUsed[0], e.ms.authed[0])
		}
		if got[0].from != "notices@sfj.example.gov.cn" || got[0].to != "zhangsan@example.cn" {
			t.Errorf("envelope %q -> %q", got[0].from, got[0].to)
		}
		// The Chinese subject, sender name and body arrive intact.
		msg, err := netmail.ReadMessage(bytes.NewReader(got[0].data))
		if err != nil {
			t.Fatal(err)
		}
		dec := new(mime.WordDecoder)
		subj, err := dec.DecodeHeader(msg.Header.Get("Subject"))
		if err != nil || subj != cnSubject {
			t.Errorf("subject %q (%v), want %q", subj, err, cnSubject)
		}
		for _, line := range strings.Split(string(got[0].data), "\r\n") {
			if len(line) > 78 {
				t.Errorf("line longer than 78 characters: %q", line)
			}
		}
		from, err := netmail.ParseAddress(msg.Header.Get("From"))
		if err != nil || from.Name != "临沂市司法局" {
			t.Errorf("from %v %v", from, err)
		}
		if ct := msg.Header.Get("Content-Type"); !strings.Contains(strings.ToLower(ct), "utf-8") || msg.Header.Get("Content-Transfer-Encoding") != "base64" {
			t.Errorf("content headers %q %q", ct, msg.Header.Get("Content-Transfer-Encoding"))
		}
		raw, _ := io.ReadAll(msg.Body)
		body, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(raw), "\r\n", ""))
		if err != nil || string(body) != strings.ReplaceAll(cnBody, "\n", "\r\n") {
			t.Errorf("body %q (%v)", body, err)
		}
		if !strings.Contains(msg.Header.Get("Message-Id"), "outbox-"+strconv.FormatInt(id, 10)+".") {
			t.Errorf("message id %q", msg.Header.Get("Message-Id"))
		}
		// The outbox keeps the fact, not the content.
		en := entry(t, db, id)
		if en.Status != StatusSent || en.Attempts != 1 || en.Recipient != "z*******@example.cn" || !en.SentAt.Equal(e.now) {
			t.Errorf("entry after sending: %+v", en)
		}
		var left string
		db.R.QueryRow(`SELECT body FROM mail_outbox WHERE id = $1`, id).Scan(&left)
		if left != "" {
			t.Error("the body was kept after sending")
		}
		// Sent once: a second round sends nothing.
		if sent, _, _ := e.o.DeliverDue(ctx); sent != 0 || len(e.ms.messages()) != 1 {
			t.Errorf("second round sent %d", sent)
		}
		if strings.Contains(e.logs.String(), "zhangsan") || strings.Contains(e.logs.String(), "受理") {
			t.Errorf("personal data in the log:\n%s", e.logs)
		}
	})
}

func TestRetryAndGiveUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newOutbox(t, db)
		e.o.MaxAttempts = 3
		// The server refuses twice for now (451: try again later).
		e.ms.refuse(451, 2)
		id := e.enqueue(t, Message{To: "lisi@example.cn", Subject: "答复已出具", Body: "请登录查询。"})
		if sent, failed, err := e.o.DeliverDue(ctx); err != nil || sent != 0 || failed != 1 {
			t.Fatalf("first round: %d %d %v", sent, failed, err)
		}
		en := entry(t, db, id)
		if en.Status != StatusPending || en.Attempts != 1 || !en.NextAttempt.Equal(e.now.Add(time.Minute)) || en.LastError != "rcpt to: smtp 451" {
			t.Fatalf("after a refusal: %+v", en)
		}
		// Not due yet: nothing is tried.
		e.now = e.now.Add(59 * time.Second)
		if sent, failed, _ := e.o.DeliverDue(ctx); sent+failed != 0 {
			t.Fatal("retried before the backoff")
		}
		e.now = e.now.Add(time.Second)
		if _, failed, _ := e.o.DeliverDue(ctx); failed != 1 {
			t.Fatal("second attempt should fail")
		}
		// Backoff doubles.
		if en := entry(t, db, id); !en.NextAttempt.Equal(e.now.Add(2 * time.Minute)) {
			t.Fatalf("second backoff: %+v", en)
		}
		e.now = e.now.Add(2 * time.Minute)
		if sent, _, _ := e.o.DeliverDue(ctx); sent != 1 || len(e.ms.messages()) != 1 {
			t.Fatalf("third attempt: sent %d, server has %d", sent, len(e.ms.messages()))
		}
		if en := entry(t, db, id); en.Status != StatusSent || en.Attempts != 3 || en.LastError != "" {
			t.Errorf("after the retry: %+v", en)
		}

		// A permanent refusal (550) is given up at once.
		e.ms.refuse(550, 1)
		id = e.enqueue(t, Message{To: "nobody@example.cn", Subject: "通知", Body: "x"})
		e.o.DeliverDue(ctx)
		if en := entry(t, db, id); en.Status != StatusFailed || en.Attempts != 1 || en.LastError != "rcpt to: smtp 550" {
			t.Errorf("after 550: %+v", en)
		}
		// A server that stays away: given up after MaxAttempts.
		down := &Outbox{DB: db, Sender: &SMTP{Config{Host: "127.0.0.1", Port: closedPort(t), Timeout: 5 * time.Second}}, From: e.o.From,
			Log: e.o.Log, Now: e.o.Now, MaxAttempts: 2}
		id = e.enqueue(t, Message{To: "wangwu@example.cn", Subject: "通知", Body: "x"})
		for range 2 {
			down.DeliverDue(ctx)
			e.now = e.now.Add(time.Hour)
		}
		if en := entry(t, db, id); en.Status != StatusFailed || en.Attempts != 2 || !strings.HasPrefix(en.LastError, "connect: ") {
			t.Errorf("server down: %+v", en)
		}
		if strings.Contains(e.logs.String(), "nobody@") || strings.Contains(e.logs.String(), "lisi") {
			t.Errorf("an address in the log:\n%s", e.logs)
		}
	})
}

func closedPort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return p
}

// TestRolledBack: a notice written in a transaction that rolls back is
// never sent; one of the same change committed is.
func TestRolledBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newOutbox(t, db)
		boom := errors.New("the change failed")
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := Enqueue(ctx, tx, Message{To: "zhaoliu@example.cn", Subject: "已受理", Body: "x"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if sent, failed, err := e.o.DeliverDue(ctx); sent+failed != 0 || err != nil {
			t.Fatalf("rolled back notice: sent %d failed %d %v", sent, failed, err)
		}
		if n := len(e.ms.messages()); n != 0 {
			t.Fatalf("server received %d messages for a rolled-back change", n)
		}
		if es, _ := Entries(ctx, db, 10); len(es) != 0 {
			t.Errorf("outbox holds %d rows", len(es))
		}
	})
}

// TestTwoNodes: two outboxes on one database (two nodes) send each notice once.
func TestTwoNodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newOutbox(t, db)
		for i := range 10 {
			e.enqueue(t, Message{To: "user" + strconv.Itoa(i) + "@example.cn", Subject: "通知", Body: "x"})
		}
		other := *e.o
		var wg sync.WaitGroup
		for _, o := range []*Outbox{e.o, &other} {
			wg.Go(func() {
				if _, _, err := o.DeliverDue(ctx); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if n := len(e.ms.messages()); n != 10 {
			t.Errorf("server received %d messages, want 10", n)
		}
	})
}

func TestValidate(t *testing.T) {
	long := strings.Repeat("字", MaxSubject)
	for _, c := range []struct {
		m     Message
		field string
	}{
		{Message{To: "a@example.cn", Subject: long, Body: "x"}, ""},
		{Message{To: "a@example.cn", Subject: long + "字", Body: "x"}, "subject"},
		{Message{To: "not an address", Subject: "s", Body: "x"}, "to"},
		{Message{To: "a@example.cn\r\nBcc: b@example.cn", Subject: "s", Body: "x"}, "to"},
		{Message{To: "a@example.cn", Subject: "s\r\nBcc: b@example.cn", Body: "x"}, "subject"},
		{Message{To: "a@example.cn", Subject: " ", Body: "x"}, "subject"},
		{Message{To: "a@example.cn", Subject: "s", Body: strings.Repeat("x", MaxBody+1)}, "body"},
		{Message{To: "a@example.cn", Subject: "s", Body: "a\x00b"}, "body"},
	} {
		err := c.m.Validate()
		if c.field == "" {
			if err != nil {
				t.Errorf("%q: %v", c.m.Subject, err)
			}
			continue
		}
		if errs.CodeOf(err) != errs.Invalid || errs.FieldsOf(err)[c.field] == "" {
			t.Errorf("%+.40v: want an error on %s, got %v", c.m, c.field, err)
		}
	}
}

// TestMaxLengths: the longest subject and body are stored and delivered
// on both databases.
func TestMaxLengths(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newOutbox(t, db)
		subject := strings.Repeat("政", MaxSubject)
		body := strings.Repeat("务公开", MaxBody/9)
		e.enqueue(t, Message{To: "a@example.cn", Subject: subject, Body: body})
		if sent, _, err := e.o.DeliverDue(context.Background()); sent != 1 || err != nil {
			t.Fatalf("sent %d %v\n%s", sent, err, e.logs)
		}
		msg, _ := netmail.ReadMessage(bytes.NewReader(e.ms.messages()[0].data))
		if s, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); s != subject {
			t.Errorf("long subject came back as %q", s)
		}
	})
}

func TestPrune(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newOutbox(t, db)
		sent := e.enqueue(t, Message{To: "a@example.cn", Subject: "已发送", Body: "x"})
		e.o.DeliverDue(ctx)
		e.now = e.now.Add(time.Hour)
		pending := e.enqueue(t, Message{To: "b@example.cn", Subject: "待发送", Body: "x"})
		n, err := Prune(ctx, db, e.now.Add(Retention+time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("pruned %d, %v; want the sent one", n, err)
		}
		es, _ := Entries(ctx, db, 10)
		if len(es) != 1 || es[0].ID != pending || es[0].ID == sent {
			t.Errorf("left: %+v", es)
		}
	})
}

// TestImplicitTLS: SMTPS (TLS from the start, as on port 465) delivers too.
func TestImplicitTLS(t *testing.T) {
	ms := startMailServerTLS(t, true)
	s := &SMTP{Config{Host: ms.host, Port: ms.port, ImplicitTLS: true, User: "notices", Password: "s3cret-密码",
		TLS: &tls.Config{RootCAs: ms.roots}, Timeout: 10 * time.Second}}
	msg, err := Compose("notices@sfj.example.gov.cn", Message{To: "a@example.cn", Subject: "测试", Body: "正文"}, 1, time.Date(2026, 10, 8, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), "notices@sfj.example.gov.cn", "a@example.cn", msg); err != nil {
		t.Fatal(err)
	}
	if got := ms.messages(); len(got) != 1 || !ms.tlsUsed[0] || !ms.authed[0] {
		t.Fatalf("received %d, TLS %v", len(got), ms.tlsUsed)
	}
	// Without TLS trust (another root), nothing is sent.
	s.TLS = &tls.Config{RootCAs: x509.NewCertPool()}
	if err := s.Send(context.Background(), "notices@sfj.example.gov.cn", "a@example.cn", msg); err == nil {
		t.Error("sent over TLS to a server whose certificate is not trusted")
	}
}
