package demo

import (
	"testing"

	"gongkai/internal/secure"
)

// TestShippedHash: the precomputed demo hash is the demo password's.
func TestShippedHash(t *testing.T) {
	ok, err := secure.CheckPassword(passwordHashDefault, Password)
	if err != nil || !ok {
		t.Fatalf("shipped hash does not match the demo password: %v", err)
	}
	if h, _ := passwordHash(); h != passwordHashDefault {
		t.Error("default settings should use the shipped hash")
	}
}
