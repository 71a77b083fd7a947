package main

import (
	"bytes"
	"strings"
	"testing"

	"gongkai/internal/errs"
)

func TestLetterCLI(t *testing.T) {
	var b bytes.Buffer
	if err := letterCLI([]string{"--kind", "withheld.3"}, &b); err != nil || !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) {
		t.Fatalf("pdf: %v, %q", err, b.Bytes()[:min(8, b.Len())])
	}
	b.Reset()
	if err := letterCLI([]string{"--kind", "fee", "--format", "html"}, &b); err != nil || !strings.Contains(b.String(), "收费通知书") {
		t.Fatalf("html: %v", err)
	}
	b.Reset()
	if err := letterCLI([]string{"--list"}, &b); err != nil || !strings.Contains(b.String(), "not_handled.5") {
		t.Fatalf("list: %v %s", err, b.String())
	}
	err := letterCLI([]string{"--kind", "withheld.9"}, &b)
	if !strings.Contains(errs.MessageOrText(err), "未知的告知书类型“withheld.9”") {
		t.Errorf("unknown kind: %v", err)
	}
}
