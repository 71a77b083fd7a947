package captcha

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

// answerOf is the right answer of a token, as the server knows it.
func answerOf(t *testing.T, s *Service, form, token string) string {
	t.Helper()
	p, err := s.parse(form, token)
	if err != nil {
		t.Fatal(err)
	}
	return s.answer(p)[0]
}

func newService(t *testing.T, db *store.DB, now *time.Time) *Service {
	s := New(db, bytes.Repeat([]byte{7}, 32))
	s.Now = func() time.Time { return *now }
	return s
}

func TestVerify(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
		s := newService(t, db, &now)
		for _, kind := range []Kind{Image, Question} {
			c := s.New("message", kind)
			if c.Kind != kind || !c.Expires.Equal(now.Add(DefaultTTL)) {
				t.Fatalf("challenge %+v", c)
			}
			if kind == Question && !strings.HasSuffix(c.Prompt, "？") && !strings.Contains(c.Prompt, "？") {
				t.Errorf("question prompt %q", c.Prompt)
			}
			ans := answerOf(t, s, "message", c.Token)
			// Another form's token is not this form's.
			if err := s.Verify(ctx, "comment", c.Token, ans); !errors.Is(err, ErrBad) {
				t.Errorf("%c: other form: %v", kind, err)
			}
			if err := s.Verify(ctx, "message", c.Token, ""); !errors.Is(err, ErrEmpty) || Fresh(err) {
				t.Errorf("%c: empty: %v", kind, err)
			}
			if err := s.Verify(ctx, "message", c.Token, "wrong!"); !errors.Is(err, ErrWrong) {
				t.Errorf("%c: wrong: %v", kind, err)
			}
			// Upper case with spaces, in full width, is the same answer.
			if err := s.Verify(ctx, "message", c.Token, " "+toFullWidth(strings.ToUpper(ans))+" "); err != nil {
				t.Errorf("%c: right answer %q refused: %v", kind, ans, err)
			}
			if err := s.Verify(ctx, "message", c.Token, ans); !errors.Is(err, ErrUsed) {
				t.Errorf("%c: replay: %v", kind, err)
			}
		}

		// Attempts are limited per challenge, even with the right answer after.
		c := s.New("message", Image)
		ans := answerOf(t, s, "message", c.Token)
		for i := range DefaultMaxAttempts {
			if err := s.Verify(ctx, "message", c.Token, "zzzzz"); !errors.Is(err, ErrWrong) {
				t.Fatalf("attempt %d: %v", i+1, err)
			}
		}
		if err := s.Verify(ctx, "message", c.Token, ans); !errors.Is(err, ErrTooMany) {
			t.Errorf("after %d wrong answers: %v", DefaultMaxAttempts, err)
		}

		// A very long answer is wrong (and counted), not an error.
		c = s.New("message", Image)
		if err := s.Verify(ctx, "message", c.Token, strings.Repeat("字", 20000)); !errors.Is(err, ErrWrong) {
			t.Errorf("a long answer: %v", err)
		}

		// Expiry: answerable until just before it, refused at it.
		c = s.New("message", Image)
		ans = answerOf(t, s, "message", c.Token)
		now = c.Expires
		if err := s.Verify(ctx, "message", c.Token, ans); !errors.Is(err, ErrExpired) {
			t.Errorf("at expiry: %v", err)
		}
		now = c.Expires.Add(-time.Second)
		if err := s.Verify(ctx, "message", c.Token, ans); err != nil {
			t.Errorf("a second before expiry: %v", err)
		}

		// A tampered token (kind flipped) fails its signature.
		c = s.New("message", Image)
		b := []byte(c.Token)
		b[2] ^= 1
		if err := s.Verify(ctx, "message", string(b), "x"); !errors.Is(err, ErrBad) {
			t.Errorf("tampered: %v", err)
		}
		// Another key's token is not ours.
		other := New(db, bytes.Repeat([]byte{8}, 32))
		c = other.New("message", Image)
		if err := s.Verify(ctx, "message", c.Token, answerOf(t, other, "message", c.Token)); !errors.Is(err, ErrBad) {
			t.Errorf("other key: %v", err)
		}

		// Prune forgets expired challenges only.
		now = now.Add(2 * DefaultTTL)
		live := s.New("message", Image)
		s.Verify(ctx, "message", live.Token, "nope")
		n, err := s.Prune(ctx, now)
		if err != nil || n < 3 {
			t.Errorf("prune: %d, %v", n, err)
		}
		var left int
		db.R.QueryRow(`SELECT COUNT(*) FROM captcha_uses`).Scan(&left)
		if left != 1 {
			t.Errorf("%d rows left after prune, want the live one", left)
		}
	})
}

// TestVerifyConcurrent: of many concurrent right answers to one challenge
// (one node or several on one database), exactly one passes.
func TestVerifyConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
		s := newService(t, db, &now)
		s.MaxAttempts = 100
		c := s.New("f", Image)
		ans := answerOf(t, s, "f", c.Token)
		var wg sync.WaitGroup
		var mu sync.Mutex
		passed := 0
		for range 8 {
			wg.Go(func() {
				if err := s.Verify(context.Background(), "f", c.Token, ans); err == nil {
					mu.Lock()
					passed++
					mu.Unlock()
				} else if !errors.Is(err, ErrUsed) {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if passed != 1 {
			t.Errorf("%d concurrent answers passed, want 1", passed)
		}
	})
}

func toFullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r > ' ' && r < 0x7f {
			return r - 0x21 + 0xFF01
		}
		return r
	}, s)
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"１８":       "18",
		" AbC ":    "abc",
		"ＡＢ３":      "ab3",
		"十八":       "18",
		"一十八":      "18",
		"二十":       "20",
		"拾捌":       "18",
		"两":        "2",
		"八十一。":     "81",
		"北京":       "北京",
		"二三":       "二三",
		"18 。":     "18",
		"a b\tc\n": "abc",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHanNumber(t *testing.T) {
	for n, want := range map[int]string{0: "零", 5: "五", 10: "十", 13: "十三", 20: "二十", 29: "二十九", 81: "八十一"} {
		if got := hanNumber(n); got != want {
			t.Errorf("hanNumber(%d) = %q, want %q", n, got, want)
		}
		if got := Normalize(want); got != strconv.Itoa(n) {
			t.Errorf("Normalize(%q) = %q", want, got)
		}
	}
}

// TestQuestions: every generated question's answer is what its prompt
// says, worked out here from the prompt's words.
func TestQuestions(t *testing.T) {
	s := New(nil, bytes.Repeat([]byte{3}, 32))
	seen := map[string]bool{}
	for range 400 {
		c := s.New("f", Question)
		q := s.question(mustParse(t, s, c.Token).nonce)
		seen[q.Prompt] = true
		if want := solve(q.Prompt); want != "" && q.Answers[0] != want {
			t.Errorf("%s: answer %s, want %s", q.Prompt, q.Answers[0], want)
		}
	}
	if len(seen) < 50 {
		t.Errorf("only %d different questions in 400", len(seen))
	}
}

func mustParse(t *testing.T, s *Service, tok string) parsed {
	p, err := s.parse("f", tok)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// solve works an arithmetic prompt out independently ("" for a fact).
func solve(prompt string) string {
	p := prompt
	num := func(s string) int { n, _ := parseHan(s); return n }
	for _, op := range []struct {
		word string
		f    func(a, b int) int
	}{{"加", func(a, b int) int { return a + b }}, {"减去", func(a, b int) int { return a - b }}, {"乘以", func(a, b int) int { return a * b }}} {
		if a, rest, ok := strings.Cut(p, op.word); ok && !strings.HasPrefix(p, "比") {
			b, _, _ := strings.Cut(rest, "等于")
			return Normalize(hanNumber(op.f(num(a), num(b))))
		}
	}
	if rest, ok := strings.CutPrefix(p, "比"); ok {
		a, rest, _ := strings.Cut(rest, "多")
		b, _, _ := strings.Cut(rest, "的数")
		return Normalize(hanNumber(num(a) + num(b)))
	}
	return ""
}

func TestImage(t *testing.T) {
	s := New(nil, bytes.Repeat([]byte{1}, 32))
	c := s.New("f", Image)
	a, err := s.ImagePNG("f", c.Token)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(a))
	if err != nil || img.Bounds().Dx() != ImageWidth || img.Bounds().Dy() != ImageHeight {
		t.Fatalf("png: %v %v", err, img)
	}
	// The same challenge draws the same image (no averaging of noise).
	if b, _ := s.ImagePNG("f", c.Token); !bytes.Equal(a, b) {
		t.Error("two drawings of one challenge differ")
	}
	// Another challenge draws another.
	if b, _ := s.ImagePNG("f", s.New("f", Image).Token); bytes.Equal(a, b) {
		t.Error("two challenges drew the same image")
	}
	if _, err := s.ImagePNG("g", c.Token); !errors.Is(err, ErrBad) {
		t.Errorf("other form's token: %v", err)
	}
	if _, err := s.ImagePNG("f", s.New("f", Question).Token); !errors.Is(err, ErrBad) {
		t.Errorf("a question has no image: %v", err)
	}
	for ch := range strings.SplitSeq(charset, "") {
		if glyphs[ch[0]] == nil {
			t.Errorf("no glyph for %q", ch)
		}
	}
}

// BenchmarkImagePNG: drawing one challenge's image (the cost of a page
// view of a form, bounded per address by the kit).
func BenchmarkImagePNG(b *testing.B) {
	s := New(nil, bytes.Repeat([]byte{1}, 32))
	tok := s.New("f", Image).Token
	for b.Loop() {
		if _, err := s.ImagePNG("f", tok); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify: one right answer checked and spent on SQLite.
func BenchmarkVerify(b *testing.B) {
	db := storetest.Open(b, store.SQLite)
	s := New(db, bytes.Repeat([]byte{1}, 32))
	ctx := context.Background()
	for b.Loop() {
		c := s.New("f", Image)
		a, _ := s.Answer("f", c.Token)
		if err := s.Verify(ctx, "f", c.Token, a); err != nil {
			b.Fatal(err)
		}
	}
}
