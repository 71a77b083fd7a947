package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gongkai/internal/secure"
)

// dataKeyFile is the generated key of a demo data directory.
const dataKeyFile = "data-key"

// loadDataKey returns the key that seals applicants' personal data: the
// --data-key flag or GONGKAI_DATA_KEY (base64), or the file named by
// GONGKAI_DATA_KEY_FILE. With none and demo set, a key is generated once in
// the data directory (mode 0600) and read from there afterwards. With none
// and no demo, it returns nil: disclosure requests are then refused.
func loadDataKey(flagValue, dataDir string, demo bool) ([]byte, error) {
	v := flagValue
	if v == "" {
		if f := os.Getenv("GONGKAI_DATA_KEY_FILE"); f != "" {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("GONGKAI_DATA_KEY_FILE: %w", err)
			}
			v = string(b)
		}
	}
	if v != "" {
		return secure.KeyFromBase64(v)
	}
	path := filepath.Join(dataDir, dataKeyFile)
	b, err := os.ReadFile(path)
	if err == nil {
		return secure.KeyFromBase64(string(b))
	}
	if !errors.Is(err, fs.ErrNotExist) || !demo {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	key := make([]byte, secure.KeySize)
	rand.Read(key)
	if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(key)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("write demo data key: %w", err)
	}
	return key, nil
}

// envInt reads an integer environment variable, def when unset or bad.
func envInt(key string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(key)); err == nil {
		return n
	}
	return def
}

// keyHint is the log line when no key is configured.
var keyHint = strings.Join([]string{"no data key: disclosure requests (依申请公开) are refused;",
	"set GONGKAI_DATA_KEY (openssl rand -base64 32) or GONGKAI_DATA_KEY_FILE"}, " ")

// envDuration reads a duration (5m, 90s) from the environment.
func envDuration(key string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(key)); err == nil {
		return d
	}
	return def
}
