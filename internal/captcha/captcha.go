// Package captcha is the self-hosted CAPTCHA of the public forms (issue 9
// "Privacy and abuse", issue 10 comments, issue 11 messages; DESIGN
// principle 7): no third-party service and no external asset.
//
// A challenge is one of two kinds, and the visitor chooses:
//   - Image: five characters drawn by the server (Image) from our own
//     stroke glyphs, each one scaled, rotated, sheared and jittered, the
//     whole warped and crossed by noise, as a PNG.
//   - Question: a question in Chinese that does not depend on sight, for
//     blind visitors and screen readers (算术 such as “十三加五等于几？” and
//     a few 常识 questions); answered with Arabic or Chinese numerals.
//
// A challenge is a token the visitor carries in the form, not a row:
// showing a form writes nothing. The token holds the kind, a random nonce
// and the expiry, and is signed with HMAC-SHA256 over the form's name too,
// so a token issued for one form is refused by another. The answer is not
// in the token: it is derived from the nonce with the key (another HMAC),
// so only the server can draw the image or know the answer.
//
// Verify spends the token in the table captcha_uses (migration 0017): a
// token is solved once (a replay is refused) and guessed at most
// MaxAttempts times, on every node sharing the database (several nodes on
// PostgreSQL, DESIGN principle 5: the key must then be the same on every
// node, see Service.Key). Answers are compared after NFKC normalisation
// (full-width 全角 digits and letters), case-insensitively and without
// spaces.
//
// Use from a feature (through the web kit, internal/web/captcha.go):
//
//	p.Captcha = s.NewCaptcha(r, "message")               // GET: the form page
//	if c, err := s.CheckCaptcha(r, "message"); err != nil { // POST
//		p.Captcha = c; s.Render(w, r, c.Status, "public/message_form", p); return }
//
// and {{template "captcha" .Captcha}} inside the form.
package captcha

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// Kind is a challenge's kind.
type Kind byte

const (
	Image    Kind = 'i' // distorted characters in a PNG
	Question Kind = 'q' // a text question in Chinese, for visitors who cannot see the image
)

// Defaults of a Service.
const (
	// DefaultTTL is how long a challenge may be answered. WCAG 2.2.1
	// (timing adjustable): long enough to fill in a long form slowly, and
	// stated on the page, where a new challenge can be had at any time
	// without losing what was typed.
	DefaultTTL = 30 * time.Minute
	// DefaultMaxAttempts is how many answers one challenge takes.
	DefaultMaxAttempts = 3
	// answerLen is the number of characters in an image challenge.
	answerLen = 5
	// maxAnswerBytes bounds the answers Verify compares (the partial's
	// field takes 20 characters).
	maxAnswerBytes = 200
)

// Errors of Verify: each is errs.Invalid with a message for people, on
// the answer's field (FieldAnswer).
var (
	ErrWrong   = fieldErr("验证码不正确，请重新输入（已换一张新的）")
	ErrExpired = fieldErr("验证码已过期，请输入新的验证码")
	ErrUsed    = fieldErr("该验证码已使用过，请输入新的验证码")
	ErrBad     = fieldErr("验证码无效，请输入新的验证码")
	ErrTooMany = fieldErr("该验证码尝试次数过多，请输入新的验证码")
	ErrEmpty   = fieldErr("请输入验证码")
)

// Form field names the partial template uses and Verify reads.
const (
	FieldToken  = "captcha_token"
	FieldAnswer = "captcha_answer"
)

func fieldErr(msg string) *errs.Error {
	return &errs.Error{Code: errs.Invalid, Message: msg, Fields: map[string]string{FieldAnswer: msg}}
}

// Service issues and verifies challenges.
type Service struct {
	DB *store.DB
	// Key signs the tokens and derives the answers: at least 32 random
	// bytes, the same on every node (GONGKAI_CAPTCHA_KEY); a new key
	// invalidates the challenges on screen, nothing else.
	Key []byte
	// TTL is how long a challenge may be answered (DefaultTTL when zero).
	TTL time.Duration
	// MaxAttempts answers per challenge (DefaultMaxAttempts when zero).
	MaxAttempts int
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// New returns a Service over db with key; a nil or short key is replaced
// by a random one (fine for one node: challenges do not survive a
// restart).
func New(db *store.DB, key []byte) *Service {
	if len(key) < 32 {
		key = make([]byte, 32)
		rand.Read(key)
	}
	return &Service{DB: db, Key: key}
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) ttl() time.Duration {
	if s.TTL > 0 {
		return s.TTL
	}
	return DefaultTTL
}

func (s *Service) maxAttempts() int {
	if s.MaxAttempts > 0 {
		return s.MaxAttempts
	}
	return DefaultMaxAttempts
}

// Challenge is one issued challenge, as a form shows it.
type Challenge struct {
	Token   string
	Kind    Kind
	Expires time.Time
	// Prompt is the question of a Question challenge ("" for Image).
	Prompt string
}

// token layout (before base64url): version, kind, expiry (unix seconds,
// 8 bytes big-endian), nonce (16 bytes), then 16 bytes of HMAC-SHA256 over
// all of that and the form's name.
const (
	tokenVersion = 1
	payloadLen   = 1 + 1 + 8 + 16
	macLen       = 16
)

// New issues a challenge of kind for form.
func (s *Service) New(form string, kind Kind) Challenge {
	if kind != Question {
		kind = Image
	}
	exp := s.now().Add(s.ttl()).Truncate(time.Second)
	p := make([]byte, payloadLen, payloadLen+macLen)
	p[0], p[1] = tokenVersion, byte(kind)
	binary.BigEndian.PutUint64(p[2:10], uint64(exp.Unix()))
	rand.Read(p[10:payloadLen])
	tok := append(p, s.mac(form, p)...)
	c := Challenge{Token: base64.RawURLEncoding.EncodeToString(tok), Kind: kind, Expires: exp}
	if kind == Question {
		c.Prompt = s.question(p[10:payloadLen]).Prompt
	}
	return c
}

func (s *Service) mac(form string, payload []byte) []byte {
	m := hmac.New(sha256.New, s.Key)
	m.Write([]byte("captcha-token\x00"))
	m.Write([]byte(form))
	m.Write([]byte{0})
	m.Write(payload)
	return m.Sum(nil)[:macLen]
}

// seed is the secret randomness of a challenge, from which its answer
// and its drawing derive.
func (s *Service) seed(nonce []byte) []byte {
	m := hmac.New(sha256.New, s.Key)
	m.Write([]byte("captcha-answer\x00"))
	m.Write(nonce)
	return m.Sum(nil)
}

// parsed is a token that passed its signature check.
type parsed struct {
	kind    Kind
	expires time.Time
	nonce   []byte
}

func (s *Service) parse(form, token string) (parsed, error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != payloadLen+macLen || b[0] != tokenVersion {
		return parsed{}, ErrBad
	}
	if !hmac.Equal(b[payloadLen:], s.mac(form, b[:payloadLen])) {
		return parsed{}, ErrBad
	}
	k := Kind(b[1])
	if k != Image && k != Question {
		return parsed{}, ErrBad
	}
	return parsed{kind: k, expires: time.Unix(int64(binary.BigEndian.Uint64(b[2:10])), 0), nonce: b[10:payloadLen]}, nil
}

// Peek returns the challenge a token stands for, if its signature holds
// for form (expired or spent ones included: a form shown again keeps its
// challenge only when Verify has not spent it).
func (s *Service) Peek(form, token string) (Challenge, bool) {
	p, err := s.parse(form, token)
	if err != nil {
		return Challenge{}, false
	}
	c := Challenge{Token: token, Kind: p.kind, Expires: p.expires}
	if p.kind == Question {
		c.Prompt = s.question(p.nonce).Prompt
	}
	return c, true
}

// answer is the expected answer of a parsed token.
func (s *Service) answer(p parsed) []string {
	if p.kind == Question {
		return s.question(p.nonce).Answers
	}
	return []string{imageText(s.seed(p.nonce))}
}

// Verify checks answer to the challenge token of form and spends it: nil
// when right; otherwise ErrEmpty, ErrBad (not ours, or another form's),
// ErrExpired, ErrUsed (already solved: a replay), ErrTooMany or ErrWrong.
// Every error but ErrEmpty means the visitor needs a new challenge. Any
// other error is Internal (the database).
func (s *Service) Verify(ctx context.Context, form, token, answer string) error {
	if strings.TrimSpace(token) == "" {
		return ErrBad
	}
	p, err := s.parse(form, token)
	if err != nil {
		return err
	}
	now := s.now()
	if !now.Before(p.expires) {
		return ErrExpired
	}
	// No right answer is long; a long one is wrong without normalising it.
	given := ""
	if len(answer) <= maxAnswerBytes {
		given = Normalize(answer)
		if given == "" {
			return ErrEmpty
		}
	}
	nonce := hex.EncodeToString(p.nonce)
	// Count the attempt first, so that concurrent guesses cannot pass the
	// limit; the row is one per challenge on every node.
	var attempts, solved int
	err = s.DB.W.QueryRowContext(ctx, `INSERT INTO captcha_uses (nonce, attempts, solved, expires_at) VALUES ($1, 1, 0, $2)
		ON CONFLICT (nonce) DO UPDATE SET attempts = captcha_uses.attempts + 1
		RETURNING attempts, solved`, nonce, store.FormatTime(p.expires)).Scan(&attempts, &solved)
	if err != nil {
		return errs.Wrap(err, "captcha: count attempt")
	}
	if solved != 0 {
		return ErrUsed
	}
	if attempts > s.maxAttempts() {
		return ErrTooMany
	}
	right := false
	for _, a := range s.answer(p) {
		if hmac.Equal([]byte(given), []byte(a)) {
			right = true
		}
	}
	if !right {
		return ErrWrong
	}
	// Only one of two concurrent right answers solves it.
	res, err := s.DB.W.ExecContext(ctx, `UPDATE captcha_uses SET solved = 1 WHERE nonce = $1 AND solved = 0`, nonce)
	if err != nil {
		return errs.Wrap(err, "captcha: mark solved")
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrUsed
	}
	return nil
}

// Prune deletes the spent challenges that expired before now (they are
// refused by their expiry anyway) and returns how many.
func (s *Service) Prune(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.DB.W.ExecContext(ctx, `DELETE FROM captcha_uses WHERE expires_at < $1`, store.FormatTime(now))
	if err != nil {
		return 0, fmt.Errorf("captcha: prune: %w", err)
	}
	return res.RowsAffected()
}

// Fresh reports whether err from Verify means the visitor must be shown a
// new challenge (every refusal but an empty answer).
func Fresh(err error) bool {
	var e *errs.Error
	if !errors.As(err, &e) {
		return true
	}
	return e != ErrEmpty
}

// ImagePNG draws the image of an Image token of form as a PNG; ErrBad for
// a token that is not one.
func (s *Service) ImagePNG(form, token string) ([]byte, error) {
	p, err := s.parse(form, token)
	if err != nil || p.kind != Image {
		return nil, ErrBad
	}
	return drawPNG(s.seed(p.nonce))
}

// Answer returns the expected answer of form's challenge token (the
// normalised first right answer), for tests that drive a form end to end
// over HTTP. Never send it to a client.
func (s *Service) Answer(form, token string) (string, bool) {
	p, err := s.parse(form, token)
	if err != nil {
		return "", false
	}
	return s.answer(p)[0], true
}
