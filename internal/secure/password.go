// Package secure holds the small cryptographic pieces of gongkai: password
// hashing, random tokens, encryption of personal data held in the database,
// masking of personal data for display, and a keyed rate limiter.
package secure

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"gongkai/internal/errs"
)

// Argon2Params are the cost parameters of argon2id.
type Argon2Params struct {
	// Memory is in KiB.
	Memory uint32
	// Time is the number of passes over the memory.
	Time uint32
	// Threads is the degree of parallelism.
	Threads uint8
	// SaltLen and KeyLen are in bytes.
	SaltLen uint32
	KeyLen  uint32
}

// PasswordParams are the parameters HashPassword uses: argon2id with 19 MiB
// and two passes on one thread, the first configuration of OWASP's Password
// Storage Cheat Sheet (argon2id: "a minimum configuration of 19 MiB of
// memory, an iteration count of 2, and 1 degree of parallelism"; its other
// listed configurations, 46 MiB × 1 pass down to 7 MiB × 5, are given as
// equally strong). It was 64 MiB until 2026-12: each login then put 64 MiB
// on the heap at once (2–4 at a time, HashConcurrency), more than the whole
// server's working set at 100,000 items, against issue 17's 150 MB bound
// (docs/BENCHMARKS.md, "Server memory … (h-mem)" of 2026-12-04). One thread
// per hash suits a two-core server, which must serve other logins and
// requests meanwhile. Hashes carry their own parameters, so changing these
// does not invalidate stored passwords: an older hash is replaced after the
// next successful login (NeedsRehash). Tests lower them.
var PasswordParams = Argon2Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// HashConcurrency bounds how many argon2id hashes run at once: each takes
// PasswordParams.Memory (19 MiB) and a core for some 40–60 ms, so 50 logins
// at once would otherwise take a gigabyte. Between 2 and 4, by the cores there are.
var HashConcurrency = min(4, max(2, runtime.GOMAXPROCS(0)))

// HashWait is how long a login waits for a free hashing slot before it is
// told to try again (ErrBusy) rather than waiting until the form times out.
var HashWait = 5 * time.Second

var (
	hashSlots = make(chan struct{}, HashConcurrency)
	// hashing and hashPeak count the hashes running and the most seen at
	// once (for the tests that prove the bound).
	hashing, hashPeak atomic.Int32
)

// ErrBusy is returned when every hashing slot stayed taken for HashWait.
var ErrBusy = errs.E(errs.TooMany, "当前登录人数较多，系统繁忙，请稍后再试")

func idKey(ctx context.Context, pw, salt []byte, p Argon2Params) ([]byte, error) {
	select {
	case hashSlots <- struct{}{}:
	default:
		t := time.NewTimer(HashWait)
		defer t.Stop()
		select {
		case hashSlots <- struct{}{}:
		case <-t.C:
			return nil, ErrBusy
		case <-ctx.Done():
			return nil, ErrBusy
		}
	}
	defer func() { <-hashSlots }()
	n := hashing.Add(1)
	defer hashing.Add(-1)
	for {
		peak := hashPeak.Load()
		if n <= peak || hashPeak.CompareAndSwap(peak, n) {
			break
		}
	}
	return argon2.IDKey(pw, salt, p.Time, p.Memory, p.Threads, p.KeyLen), nil
}

// ErrMalformedHash is returned by CheckPassword for a hash it cannot read.
var ErrMalformedHash = errors.New("secure: malformed password hash")

// HashPassword hashes pw with argon2id and a random salt and returns it in the
// PHC string format: $argon2id$v=19$m=65536,t=2,p=1$<salt>$<hash>.
func HashPassword(pw string) (string, error) {
	p := PasswordParams
	if err := p.check(); err != nil {
		return "", err
	}
	salt := make([]byte, p.SaltLen)
	rand.Read(salt) // never fails since Go 1.24
	key, err := idKey(context.Background(), []byte(pw), salt, p)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt),
		base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches hash, comparing in constant time.
// A wrong password is (false, nil); an unreadable hash is ErrMalformedHash.
func CheckPassword(hash, pw string) (bool, error) {
	return CheckPasswordContext(context.Background(), hash, pw)
}

// CheckPasswordContext is CheckPassword for a request: it waits for a
// hashing slot at most HashWait and no longer than ctx lasts, and returns
// ErrBusy when none came free.
func CheckPasswordContext(ctx context.Context, hash, pw string) (bool, error) {
	p, salt, want, err := parseHash(hash)
	if err != nil {
		return false, err
	}
	got, err := idKey(ctx, []byte(pw), salt, p)
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// NeedsRehash reports whether hash was made with parameters other than the
// current PasswordParams, so that it can be replaced after a successful login.
func NeedsRehash(hash string) bool {
	p, _, _, err := parseHash(hash)
	if err != nil {
		return true
	}
	c := PasswordParams
	return p.Memory != c.Memory || p.Time != c.Time || p.Threads != c.Threads ||
		p.SaltLen != c.SaltLen || p.KeyLen != c.KeyLen
}

// Bounds on parameters read from a hash, so that a corrupted or planted row
// cannot make one login allocate gigabytes or run for minutes.
const (
	maxMemory  = 1 << 20 // 1 GiB
	maxTime    = 64
	minSaltLen = 8
	minKeyLen  = 16
	maxKeyLen  = 128
)

func (p Argon2Params) check() error {
	if p.Time < 1 || p.Time > maxTime || p.Threads < 1 ||
		p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory ||
		p.SaltLen < minSaltLen || p.SaltLen > 1024 ||
		p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen {
		return fmt.Errorf("secure: argon2 parameters out of range: %+v", p)
	}
	return nil
}

func parseHash(hash string) (p Argon2Params, salt, key []byte, err error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, ErrMalformedHash
	}
	// m, t and p, in this order.
	var v [3]uint64
	params := strings.Split(parts[3], ",")
	if len(params) != len(v) {
		return p, nil, nil, ErrMalformedHash
	}
	for i, want := range []string{"m", "t", "p"} {
		name, val, ok := strings.Cut(params[i], "=")
		if !ok || name != want {
			return p, nil, nil, ErrMalformedHash
		}
		if v[i], err = strconv.ParseUint(val, 10, 32); err != nil {
			return p, nil, nil, ErrMalformedHash
		}
	}
	if v[2] > 255 {
		return p, nil, nil, ErrMalformedHash
	}
	salt, err1 := base64.RawStdEncoding.Strict().DecodeString(parts[4])
	key, err2 := base64.RawStdEncoding.Strict().DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return p, nil, nil, ErrMalformedHash
	}
	p = Argon2Params{Memory: uint32(v[0]), Time: uint32(v[1]), Threads: uint8(v[2]), SaltLen: uint32(len(salt)), KeyLen: uint32(len(key))}
	if p.check() != nil {
		return p, nil, nil, ErrMalformedHash
	}
	return p, salt, key, nil
}

// Password policy. Length matters far more than composition rules (NIST SP
// 800-63B §3.1.1.2), so the policy asks for length and refuses only what is
// trivially guessed.
const (
	minPasswordLen = 10
	maxPasswordLen = 128
)

// Password policy errors, each with a message for the user.
var (
	ErrPasswordTooShort = errs.E(errs.Invalid, "密码至少需要 %d 个字符", minPasswordLen)
	ErrPasswordTooLong  = errs.E(errs.Invalid, "密码不能超过 %d 个字符", maxPasswordLen)
	ErrPasswordInvalid  = errs.E(errs.Invalid, "密码不能包含控制字符或无效字符")
	ErrPasswordSimple   = errs.E(errs.Invalid, "密码过于简单，请避免重复字符和常见密码")
)

// commonPasswords are frequent entries of leaked password lists that pass
// the length rule. Compared in lower case.
var commonPasswords = map[string]bool{
	"1234567890": true, "0123456789": true, "9876543210": true, "12345678910": true,
	"123456789a": true, "a123456789": true, "1234567890a": true, "aa123456789": true,
	"qwertyuiop": true, "1qaz2wsx3edc": true, "1q2w3e4r5t": true, "1q2w3e4r5t6y": true,
	"qwerty123456": true, "zxcvbnm123": true, "asdfghjkl123": true,
	"password123": true, "password1234": true, "passw0rd123": true, "p@ssw0rd123": true,
	"admin123456": true, "administrator": true, "abc1234567": true, "abcd123456": true,
	"woaini1314": true, "woaini520": true, "woaini1314520": true, "5201314520": true,
}

// ValidatePassword checks pw against the password policy: 10 to 128
// characters, no control characters, not a well-known password and not built
// from fewer than four distinct characters.
func ValidatePassword(pw string) error {
	if !utf8.ValidString(pw) {
		return ErrPasswordInvalid
	}
	n := utf8.RuneCountInString(pw)
	if n < minPasswordLen {
		return ErrPasswordTooShort
	}
	if n > maxPasswordLen {
		return ErrPasswordTooLong
	}
	distinct := map[rune]bool{}
	for _, r := range pw {
		if unicode.IsControl(r) {
			return ErrPasswordInvalid
		}
		distinct[r] = true
	}
	if len(distinct) < 4 || commonPasswords[strings.ToLower(pw)] {
		return ErrPasswordSimple
	}
	return nil
}
