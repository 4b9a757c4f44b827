package testfs

import (
	"path/filepath"
	"slices"
	"testing"
)

func TestWriteReadLines(t *testing.T) {
	p := Write(t, "a.txt", "one\ntwo\r\n\nfour")
	if filepath.Base(p) != "a.txt" {
		t.Errorf("Write returned %s, want a file named a.txt", p)
	}
	if got := string(Read(t, p)); got != "one\ntwo\r\n\nfour" {
		t.Errorf("Read = %q", got)
	}
	if got, want := Lines(t, p), []string{"one", "two", "", "four"}; !slices.Equal(got, want) {
		t.Errorf("Lines = %q, want %q", got, want)
	}
}
