package secure

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"
)

func mustSealer(t *testing.T, key []byte) *Sealer {
	t.Helper()
	s, err := NewSealer(key)
	if err != nil {
		t.Fatalf("NewSealer: %v", err)
	}
	return s
}

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func TestSealRoundTrip(t *testing.T) {
	s := mustSealer(t, testKey(1))
	for _, plain := range []string{
		"13812345678",
		"370102199001011234",
		"山东省济南市历下区某某路 1 号",
		"x",
		strings.Repeat("长", 10000),
		"\x00binary\xff",
	} {
		sealed, err := s.Seal(plain)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(sealed, "v1:") || (len(plain) > 3 && strings.Contains(sealed, plain)) {
			t.Errorf("Seal(%.20q) = %.40q", plain, sealed)
		}
		again, _ := s.Seal(plain)
		if again == sealed {
			t.Errorf("Seal(%.20q) is deterministic", plain)
		}
		got, err := s.Open(sealed)
		if err != nil || got != plain {
			t.Errorf("Open(Seal(%.20q)) = %.20q, %v", plain, got, err)
		}
	}
	if sealed, err := s.Seal(""); sealed != "" || err != nil {
		t.Errorf(`Seal("") = %q, %v; want ""`, sealed, err)
	}
	if plain, err := s.Open(""); plain != "" || err != nil {
		t.Errorf(`Open("") = %q, %v; want ""`, plain, err)
	}
}

func TestOpenWrongKey(t *testing.T) {
	sealed, _ := mustSealer(t, testKey(1)).Seal("13812345678")
	if got, err := mustSealer(t, testKey(2)).Open(sealed); !errors.Is(err, ErrUnseal) || got != "" {
		t.Errorf("Open with wrong key = %q, %v; want ErrUnseal", got, err)
	}
}

func TestOpenTampered(t *testing.T) {
	s := mustSealer(t, testKey(1))
	sealed, _ := s.Seal("370102199001011234")
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(sealed, "v1:"))
	if err != nil {
		t.Fatal(err)
	}
	// Flip each bit of nonce, ciphertext and tag in turn.
	for i := range raw {
		for bit := range 8 {
			b := bytes.Clone(raw)
			b[i] ^= 1 << bit
			if got, err := s.Open("v1:" + base64.RawURLEncoding.EncodeToString(b)); !errors.Is(err, ErrUnseal) {
				t.Fatalf("Open with byte %d bit %d flipped = %q, %v; want ErrUnseal", i, bit, got, err)
			}
		}
	}
	for _, bad := range []string{
		"v1:",
		"v1:AAAA",
		strings.TrimPrefix(sealed, "v1:"),
		"v2:" + strings.TrimPrefix(sealed, "v1:"),
		"V1:" + strings.TrimPrefix(sealed, "v1:"),
		sealed[:len(sealed)-1],
		sealed + "A",
		sealed + "=",
		"v1:" + base64.StdEncoding.EncodeToString(raw),
		"13812345678",
	} {
		if got, err := s.Open(bad); !errors.Is(err, ErrUnseal) {
			t.Errorf("Open(%q) = %q, %v; want ErrUnseal", bad, got, err)
		}
	}
}

func TestNewSealerKeySize(t *testing.T) {
	for _, n := range []int{0, 16, 24, 31, 33, 64} {
		if _, err := NewSealer(make([]byte, n)); err == nil {
			t.Errorf("NewSealer with %d-byte key succeeded", n)
		}
	}
}

func TestKeyFromBase64(t *testing.T) {
	key := make([]byte, KeySize)
	for i := range key {
		key[i] = byte(i*7 + 250) // includes bytes that differ between alphabets
	}
	for _, s := range []string{
		base64.StdEncoding.EncodeToString(key),
		base64.RawStdEncoding.EncodeToString(key),
		base64.URLEncoding.EncodeToString(key),
		base64.RawURLEncoding.EncodeToString(key),
		base64.StdEncoding.EncodeToString(key) + "\n",
		"  " + base64.StdEncoding.EncodeToString(key) + "\r\n",
	} {
		got, err := KeyFromBase64(s)
		if err != nil || !bytes.Equal(got, key) {
			t.Errorf("KeyFromBase64(%q) = %x, %v", s, got, err)
		}
	}
	for _, s := range []string{
		"",
		"not base64!",
		base64.StdEncoding.EncodeToString(key[:16]),
		base64.StdEncoding.EncodeToString(append(key, 0)),
	} {
		if _, err := KeyFromBase64(s); err == nil {
			t.Errorf("KeyFromBase64(%q) succeeded", s)
		}
	}
}

func TestBlind(t *testing.T) {
	s1 := mustSealer(t, testKey(1))
	s2 := mustSealer(t, testKey(2))
	b := s1.Blind("370102199001011234")
	if len(b) != 64 {
		t.Errorf("Blind = %q, want 64 hex digits", b)
	}
	if b != s1.Blind("370102199001011234") {
		t.Error("Blind is not deterministic")
	}
	if b == s1.Blind("370102199001011235") {
		t.Error("Blind collides on different values")
	}
	if b == s2.Blind("370102199001011234") {
		t.Error("Blind does not depend on the key")
	}
	// The blind key is derived, not the master key itself.
	m := hmac.New(sha256.New, testKey(1))
	m.Write([]byte("370102199001011234"))
	if b == hex.EncodeToString(m.Sum(nil)) {
		t.Error("Blind uses the master key directly")
	}
}

func TestSealerConcurrent(t *testing.T) {
	s := mustSealer(t, testKey(3))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				sealed, _ := s.Seal("并发")
				if got, err := s.Open(sealed); got != "并发" || err != nil {
					t.Errorf("Open = %q, %v", got, err)
					return
				}
			}
		})
	}
	wg.Wait()
}
