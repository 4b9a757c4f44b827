// Package testfs holds the file helpers that tests across genxai share:
// writing a fixture into a fresh temporary directory and reading a file back,
// failing the test with the file's name on any error.
package testfs

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Write writes text to a file called name in a fresh temporary directory
// (removed when the test ends) and returns its path.
func Write(t testing.TB, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatalf("writing test file %s: %v", p, err)
	}
	return p
}

// Read returns the content of the file at path.
func Read(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return b
}

// Lines returns the lines of the file at path, without their line ends.
func Lines(t testing.TB, path string) []string {
	t.Helper()
	var out []string
	s := bufio.NewScanner(bytes.NewReader(Read(t, path)))
	for s.Scan() {
		out = append(out, s.Text())
	}
	if err := s.Err(); err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return out
}
