package secure

import (
	"regexp"
	"testing"
)

func TestToken(t *testing.T) {
	urlSafe := regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	seen := map[string]bool{}
	for range 1000 {
		tok := Token(32)
		if len(tok) != 43 || !urlSafe.MatchString(tok) {
			t.Fatalf("Token(32) = %q: want 43 URL-safe characters", tok)
		}
		if seen[tok] {
			t.Fatalf("Token repeated %q", tok)
		}
		seen[tok] = true
	}
	if got := len(Token(16)); got != 22 {
		t.Errorf("len(Token(16)) = %d, want 22", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("Token(8) did not panic")
		}
	}()
	Token(8)
}

func TestHashToken(t *testing.T) {
	// FIPS 180-2 test vector.
	if got, want := HashToken("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; got != want {
		t.Errorf("HashToken(abc) = %s, want %s", got, want)
	}
	tok := Token(32)
	if HashToken(tok) != HashToken(tok) || HashToken(tok) == HashToken(Token(32)) {
		t.Error("HashToken is not a function of its input")
	}
}

func TestEqual(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"abc", "abc", true},
		{"abc", "abd", false},
		{"abc", "ab", false},
		{"", "", true},
		{"", "a", false},
	} {
		if got := Equal(tt.a, tt.b); got != tt.want {
			t.Errorf("Equal(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
}
