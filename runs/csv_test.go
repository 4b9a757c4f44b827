package runs

import (
	"encoding/csv"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"genxai/internal/testfs"
)

func TestWriteCSVRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.csv")
	header := []string{"name", "note"}
	rows := [][]string{
		{"plain", "1.5"},
		{"a,b", `say "hi"`},
		{"two\nlines", "cr\r\nlf"},
		{"", " padded "},
	}
	if err := WriteCSV(path, header, rows); err != nil {
		t.Fatal(err)
	}
	b := testfs.Read(t, path)
	if !strings.HasPrefix(string(b), "name,note\nplain,1.5\n\"a,b\",\"say \"\"hi\"\"\"\n") {
		t.Errorf("file starts %q", b)
	}
	got, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := append([][]string{header}, rows...)
	// encoding/csv's reader turns \r\n inside a quoted field into \n.
	want[3] = []string{"two\nlines", "cr\nlf"}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("read back %q, want %q", got, want)
	}
}

func TestWriteCSVNoHeader(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.csv")
	if err := WriteCSV(path, nil, [][]string{{"1", "2"}}); err != nil {
		t.Fatal(err)
	}
	if b := testfs.Read(t, path); string(b) != "1,2\n" {
		t.Errorf("file is %q, want %q", b, "1,2\n")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestCSVReportsWriteError(t *testing.T) {
	c := NewCSV(failWriter{})
	c.Row(strings.Repeat("x", 8192)) // larger than the writer's buffer
	c.Row("y")
	if err := c.Close(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Close = %v, want the write error", err)
	}
}

func TestWriteCSVMissingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "t.csv")
	if err := WriteCSV(path, []string{"a"}, nil); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("WriteCSV into a missing directory = %v, want an error naming %s", err, path)
	}
}
