package secure

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// minTokenBytes is the least entropy a token may have: 128 bits.
const minTokenBytes = 16

// Token returns nbytes of randomness encoded as unpadded URL-safe base64,
// fit for session ids, API tokens, form tokens and links in e-mail. It panics
// if nbytes is less than 16, which would make tokens guessable.
func Token(nbytes int) string {
	if nbytes < minTokenBytes {
		panic("secure: Token needs at least 16 bytes")
	}
	b := make([]byte, nbytes)
	rand.Read(b) // never fails since Go 1.24
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken returns the hex SHA-256 of token. Session ids and API tokens are
// stored only in this form, so a copy of the database does not let anyone
// log in. A fast hash suffices because tokens carry 128 bits or more.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Equal compares two secrets, such as a submitted form token and the
// session's, in time that does not depend on where they differ.
func Equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// codeAlphabet leaves out look-alikes (0/O, 1/I/L): a query code is read
// off a receipt and typed back.
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// NewQueryCode returns a random query code of n characters (查询码 of a
// disclosure request or a message); only its keyed hash is stored.
func NewQueryCode(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// NormalizeQueryCode reads a query code as typed (spaces, lower case).
func NormalizeQueryCode(c string) string {
	return strings.ToUpper(strings.Join(strings.Fields(c), ""))
}
