package data

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadText(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "ok.txt")
	os.WriteFile(p, []byte("héllo wörld\n"), 0o644)
	if s, err := ReadText(p); err != nil || s != "héllo wörld\n" {
		t.Fatalf("got %q %v", s, err)
	}
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("abcé\xffdef"), 0o644) // é is 2 bytes: 0xff is at offset 5
	_, err := ReadText(bad)
	if err == nil || !strings.Contains(err.Error(), "byte offset 5") || !strings.Contains(err.Error(), "0xff") || !strings.Contains(err.Error(), bad) {
		t.Fatalf("invalid UTF-8: %v", err)
	}
	trunc := filepath.Join(dir, "trunc.txt")
	os.WriteFile(trunc, []byte("ab\xe2\x82"), 0o644) // a cut-off 3-byte sequence
	if _, err := ReadText(trunc); err == nil || !strings.Contains(err.Error(), "byte offset 2") {
		t.Fatalf("truncated rune: %v", err)
	}
	empty := filepath.Join(dir, "empty.txt")
	os.WriteFile(empty, nil, 0o644)
	if _, err := ReadText(empty); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("empty: %v", err)
	}
	if _, err := ReadText(filepath.Join(dir, "none.txt")); err == nil || !strings.Contains(err.Error(), "none.txt") {
		t.Fatalf("missing: %v", err)
	}
}

func TestReadTextShakespeare(t *testing.T) {
	const p = "/work/shared/data/tinyshakespeare.txt"
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s not present: %v", p, err)
	}
	s, err := ReadText(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != 1115394 {
		t.Fatalf("%d bytes, want 1115394", len(s))
	}
}
