package inspect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Canonical is the one byte form that every hash of a draw is taken over,
// chosen so that a citizen's script reproduces it with nothing but Python's
// standard library: json.dumps(v, ensure_ascii=False, sort_keys=True,
// separators=(",", ":")) encoded as UTF-8. Object keys are sorted by code
// point (UTF-8 byte order is the same order), strings escape only '"', '\\'
// and control characters (\b \f \n \r \t by name, others as \u00xx in lower
// case), everything else is written as it is; numbers are integers.
func Canonical(v any) ([]byte, error) {
	// Through encoding/json first, so struct tags decide the keys, then
	// back as generic values with the numbers kept as written.
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var g any
	if err := dec.Decode(&g); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := writeCanon(&buf, g); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeCanon(b *bytes.Buffer, v any) error {
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if t {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case json.Number:
		if strings.ContainsAny(string(t), ".eE") {
			return fmt.Errorf("canonical form: %s is not an integer", t)
		}
		b.WriteString(string(t))
	case string:
		writeString(b, t)
	case []any:
		b.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeCanon(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, k)
			b.WriteByte(':')
			if err := writeCanon(b, t[k]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	default:
		return fmt.Errorf("canonical form: unexpected %T", v)
	}
	return nil
}

// writeString escapes as Python's json module does with ensure_ascii=False.
func writeString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				fmt.Fprintf(b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}
