package web

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestJSONNUL: a \u0000 escape is found only where it is one (an odd run of
// backslashes before the u), as the decoder reads it.
func TestJSONNUL(t *testing.T) {
	for _, tt := range []struct {
		doc  string
		want bool
	}{
		{`{"a":"x\u0000y"}`, true},
		{`{"a\u0000":"x"}`, true},
		{`{"a":"\\\u0000"}`, true},
		{`{"a":"\\u0000"}`, false},
		{`{"a":"\\\\u0000"}`, false},
		{`{"a":"u0000"}`, false},
		{`{"a":"\u00001"}`, true},
		{`{"a":"\u0001"}`, false},
		{`{}`, false},
	} {
		if got := jsonNUL([]byte(tt.doc)); got != tt.want {
			t.Errorf("jsonNUL(%s) = %v, want %v", tt.doc, got, tt.want)
		}
		// Cross-check with the decoder itself.
		var v map[string]string
		if err := json.Unmarshal([]byte(tt.doc), &v); err != nil {
			t.Fatalf("%s: %v", tt.doc, err)
		}
		has := false
		for k, s := range v {
			has = has || strings.ContainsRune(k+s, 0)
		}
		if has != tt.want {
			t.Errorf("%s: decoder finds NUL %v", tt.doc, has)
		}
	}
}

// FuzzJSONNUL: jsonNUL agrees with the decoder on every document it reads.
func FuzzJSONNUL(f *testing.F) {
	for _, s := range []string{`"\u0000"`, `"\\u0000"`, `"\\\u0000"`, `"a"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		var s string
		if json.Unmarshal([]byte(doc), &s) != nil {
			return
		}
		if strings.ContainsRune(s, 0) && !jsonNUL([]byte(doc)) {
			t.Errorf("%q decodes with a NUL that jsonNUL misses", doc)
		}
	})
}
