package secure

import (
	"errors"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"gongkai/internal/errs"
)

// defaultParams keeps the production parameters for the tests that need them.
var defaultParams = PasswordParams

func TestMain(m *testing.M) {
	// Production parameters cost ~30–50 ms and 19 MiB per hash; tests use the
	// smallest that argon2 allows.
	PasswordParams = Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	os.Exit(m.Run())
}

var phcRe = regexp.MustCompile(`^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

func TestHashPassword(t *testing.T) {
	h1, err := HashPassword("正确的马电池订书钉")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := HashPassword("正确的马电池订书钉")
	if !phcRe.MatchString(h1) {
		t.Errorf("hash %q is not a PHC argon2id string", h1)
	}
	if h1 == h2 {
		t.Error("two hashes of one password are equal: salt is not random")
	}
	for _, tt := range []struct {
		pw   string
		want bool
	}{
		{"正确的马电池订书钉", true},
		{"正确的马电池订书", false},
		{"正确的马电池订书钉 ", false},
		{"", false},
	} {
		ok, err := CheckPassword(h1, tt.pw)
		if err != nil || ok != tt.want {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", tt.pw, ok, err, tt.want)
		}
	}
	if ok, err := CheckPassword(h2, "正确的马电池订书钉"); !ok || err != nil {
		t.Errorf("second hash does not verify: %v, %v", ok, err)
	}
}

func TestHashPasswordDefaultParams(t *testing.T) {
	if testing.Short() {
		t.Skip("19 MiB hash")
	}
	saved := PasswordParams
	PasswordParams = defaultParams
	defer func() { PasswordParams = saved }()
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") || !phcRe.MatchString(h) {
		t.Errorf("hash = %q", h)
	}
	if NeedsRehash(h) {
		t.Error("fresh hash needs rehash")
	}
}

// TestCheckPasswordReferenceVector checks interoperability with the argon2
// reference implementation (phc-winner-argon2, test.c).
func TestCheckPasswordReferenceVector(t *testing.T) {
	if testing.Short() {
		t.Skip("64 MiB hash")
	}
	const ref = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"
	if ok, err := CheckPassword(ref, "password"); !ok || err != nil {
		t.Errorf("reference vector: %v, %v", ok, err)
	}
	if ok, _ := CheckPassword(ref, "Password"); ok {
		t.Error("reference vector accepts the wrong password")
	}
	// A hash made with the defaults before 2026-12 (64 MiB) still checks,
	// and is replaced at the next login.
	saved := PasswordParams
	PasswordParams = defaultParams
	defer func() { PasswordParams = saved }()
	if !NeedsRehash(ref) {
		t.Error("a 64 MiB hash does not need a rehash under the 19 MiB defaults")
	}
}

func TestCheckPasswordOldParams(t *testing.T) {
	old, err := HashPassword("一个足够长的旧密码")
	if err != nil {
		t.Fatal(err)
	}
	saved := PasswordParams
	PasswordParams.Time = 2
	defer func() { PasswordParams = saved }()
	if ok, err := CheckPassword(old, "一个足够长的旧密码"); !ok || err != nil {
		t.Errorf("hash with earlier parameters: %v, %v", ok, err)
	}
	if !NeedsRehash(old) {
		t.Error("NeedsRehash = false after the parameters changed")
	}
	if !NeedsRehash("garbage") {
		t.Error("NeedsRehash(garbage) = false")
	}
}

func TestCheckPasswordMalformed(t *testing.T) {
	const salt, key = "c29tZXNhbHRzb21lc2FsdA", "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"
	// The shape the cases below each break once.
	if ok, err := CheckPassword("$argon2id$v=19$m=64,t=1,p=1$"+salt+"$"+key, "password"); ok || err != nil {
		t.Fatalf("well-formed hash: %v, %v; want false, nil", ok, err)
	}
	for _, h := range []string{
		"",
		"password",
		"$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", // bcrypt
		"$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$m=64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=256$" + salt + "$" + key,
		"$argon2id$v=19$m=4194304,t=1,p=1$" + salt + "$" + key, // 4 GiB
		"$argon2id$v=19$m=64,t=1000,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=-1,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "=$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$!!$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$c2FsdA$" + key,        // 4-byte salt
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$c2hvcnQ", // 5-byte hash
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key + "$",
		"x$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key,
	} {
		ok, err := CheckPassword(h, "password")
		if ok || !errors.Is(err, ErrMalformedHash) {
			t.Errorf("CheckPassword(%q) = %v, %v; want ErrMalformedHash", h, ok, err)
		}
	}
}

func TestHashPasswordConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			h, err := HashPassword("并发哈希的测试密码")
			if err != nil {
				t.Error(err)
				return
			}
			if ok, err := CheckPassword(h, "并发哈希的测试密码"); !ok || err != nil {
				t.Errorf("CheckPassword = %v, %v", ok, err)
			}
		})
	}
	wg.Wait()
}

func TestHashPasswordBadParams(t *testing.T) {
	saved := PasswordParams
	defer func() { PasswordParams = saved }()
	PasswordParams.Time = 0
	if _, err := HashPassword("whatever-long-enough"); err == nil {
		t.Error("HashPassword with t=0 succeeded")
	}
}

func TestValidatePassword(t *testing.T) {
	tests := []struct {
		pw   string
		want error
	}{
		{"Gongkai-2024!", nil},
		{"政府信息公开平台密码", nil},
		{"一二三四五六七八九十", nil},
		{"abcdefghij", nil},
		{"short", ErrPasswordTooShort},
		{"九个汉字的密码短了", ErrPasswordTooShort},
		{"", ErrPasswordTooShort},
		{strings.Repeat("密码很长", 33), ErrPasswordTooLong},
		{strings.Repeat("密码很长", 32), nil},
		{"aaaaaaaaaaaa", ErrPasswordSimple},
		{"1212121212", ErrPasswordSimple},
		{"abcabcabcabc", ErrPasswordSimple},
		{"1234567890", ErrPasswordSimple},
		{"QWERTYUIOP", ErrPasswordSimple},
		{"Password123", ErrPasswordSimple},
		{"password\x00123", ErrPasswordInvalid},
		{"line\nbreak-pass", ErrPasswordInvalid},
		{"bad\xffutf8-password", ErrPasswordInvalid},
	}
	for _, tt := range tests {
		err := ValidatePassword(tt.pw)
		if !errors.Is(err, tt.want) {
			t.Errorf("ValidatePassword(%q) = %v, want %v", tt.pw, err, tt.want)
		}
		if err != nil && errs.CodeOf(err) != errs.Invalid {
			t.Errorf("ValidatePassword(%q): code %s, want %s", tt.pw, errs.CodeOf(err), errs.Invalid)
		}
	}
	if got, want := errs.MessageOf(ValidatePassword("short")), "密码至少需要 10 个字符"; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
}

func BenchmarkHashPasswordDefault(b *testing.B) {
	saved := PasswordParams
	PasswordParams = defaultParams
	defer func() { PasswordParams = saved }()
	for b.Loop() {
		HashPassword("correct horse battery")
	}
}
