package secure

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length of a Sealer key in bytes.
const KeySize = 32

// sealVersion prefixes every sealed value, so that a later key or algorithm
// can be introduced while old values still open.
const sealVersion = "v1:"

// ErrUnseal is returned by Open for a value that is malformed, was sealed
// under another key or has been altered.
var ErrUnseal = errors.New("secure: cannot open sealed value")

// Sealer encrypts personal data kept in the database (applicants' phone
// numbers, ID card numbers, addresses) so that a copied database or backup
// does not disclose it (个人信息保护法第五十一条: encryption as a security
// measure). A Sealer is safe for concurrent use.
type Sealer struct {
	aead  cipher.AEAD
	blind []byte
}

// NewSealer returns a Sealer for a 32-byte master key. Separate keys for
// encryption and for Blind are derived from it with HKDF, so neither use
// weakens the other.
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("secure: sealer key is %d bytes, want %d", len(key), KeySize)
	}
	encKey, err := hkdf.Key(sha256.New, key, nil, "gongkai seal v1", KeySize)
	if err != nil {
		return nil, fmt.Errorf("secure: derive key: %w", err)
	}
	blindKey, err := hkdf.Key(sha256.New, key, nil, "gongkai blind v1", KeySize)
	if err != nil {
		return nil, fmt.Errorf("secure: derive key: %w", err)
	}
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return nil, fmt.Errorf("secure: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secure: %w", err)
	}
	return &Sealer{aead: aead, blind: blindKey}, nil
}

// KeyFromBase64 decodes a 32-byte key written in standard or URL-safe base64,
// with or without padding and surrounding whitespace (as read from a
// GONGKAI_*_FILE). Generate one with `openssl rand -base64 32`.
func KeyFromBase64(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(s); err == nil {
			if len(key) != KeySize {
				return nil, fmt.Errorf("secure: key is %d bytes, want %d", len(key), KeySize)
			}
			return key, nil
		}
	}
	return nil, errors.New("secure: key is not valid base64")
}

// Seal encrypts plaintext with AES-256-GCM under a random nonce and returns
// "v1:" followed by the nonce and ciphertext in unpadded URL-safe base64.
// Sealing the same value twice gives different results; use Blind to look
// values up. The empty string seals to the empty string, so that optional
// fields stay empty.
func (s *Sealer) Seal(plaintext string) (string, error) {
	if plaintext == "" {
		return "", nil
	}
	ns := s.aead.NonceSize()
	buf := make([]byte, ns, ns+len(plaintext)+s.aead.Overhead())
	rand.Read(buf) // never fails since Go 1.24
	// The version is authenticated, so a value cannot be relabelled.
	buf = s.aead.Seal(buf, buf[:ns], []byte(plaintext), []byte(sealVersion))
	return sealVersion + base64.RawURLEncoding.EncodeToString(buf), nil
}

// Open decrypts a value made by Seal. It returns ErrUnseal if the value is
// malformed, was sealed under another key or has been altered.
func (s *Sealer) Open(sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	rest, ok := strings.CutPrefix(sealed, sealVersion)
	if !ok {
		return "", ErrUnseal
	}
	buf, err := base64.RawURLEncoding.Strict().DecodeString(rest)
	ns := s.aead.NonceSize()
	if err != nil || len(buf) < ns+s.aead.Overhead() {
		return "", ErrUnseal
	}
	plain, err := s.aead.Open(nil, buf[:ns], buf[ns:], []byte(sealVersion))
	if err != nil {
		return "", ErrUnseal
	}
	return string(plain), nil
}

// Blind returns a keyed hash (HMAC-SHA256, hex) of value, stored beside the
// sealed value so that rows can be found by equality ("all requests from this
// ID card number") without decrypting them. Normalise values before blinding
// (trim spaces, upper-case the X of an ID card number): the hash matches only
// identical strings.
func (s *Sealer) Blind(value string) string {
	m := hmac.New(sha256.New, s.blind)
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}
