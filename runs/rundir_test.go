package runs

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"genxai/internal/testfs"
)

func TestCreateNested(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a", "b")
	d, err := Create(p, "test", false)
	if err != nil {
		t.Fatal(err)
	}
	if d.File("x.png") != filepath.Join(p, "x.png") {
		t.Fatalf("File = %s", d.File("x.png"))
	}
	ents, _ := os.ReadDir(p)
	if len(ents) != 2 || ents[0].Name() != LockFile || ents[1].Name() != MarkerFile {
		t.Fatalf("Create left other files than the lock and run.json: %v", ents)
	}
	d.Close()
	if _, err := os.Stat(filepath.Join(p, LockFile)); !os.IsNotExist(err) {
		t.Fatalf("Close left the lock file: %v", err)
	}
}

func TestCreateOnFileFails(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	os.WriteFile(p, []byte("x"), 0o644)
	_, err := Create(p, "test", false)
	if err == nil || !strings.Contains(err.Error(), p) {
		t.Fatalf("want error naming %s, got %v", p, err)
	}
	if _, err := Create("", "test", false); err == nil {
		t.Fatal("empty path accepted")
	}
}

func TestWriteSummary(t *testing.T) {
	d, _ := Create(t.TempDir(), "test", false)
	in := map[string]any{"accuracy": 0.93, "device": "cpu"}
	if err := d.WriteSummary(in); err != nil {
		t.Fatal(err)
	}
	if _, ok := in["versions"]; ok {
		t.Fatal("WriteSummary modified its argument")
	}
	b, err := os.ReadFile(d.File(SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got["accuracy"] != 0.93 || got["device"] != "cpu" {
		t.Fatalf("summary lost entries: %v", got)
	}
	v, ok := got["versions"].(map[string]any)
	if !ok || v["go"] != runtime.Version() || v["genxai"] == "" || v["gorgonia"] == nil {
		t.Fatalf("versions = %v", got["versions"])
	}
	ts, _ := got["written_at"].(string)
	when, err := time.Parse(time.RFC3339, ts)
	if err != nil || time.Since(when) > time.Minute {
		t.Fatalf("written_at = %q (%v)", ts, err)
	}
}

func TestWriteConfigSortedNested(t *testing.T) {
	d, _ := Create(t.TempDir(), "test", false)
	cfg := map[string]any{
		"zeta":  1,
		"alpha": map[string]any{"y": "b", "x": []any{1, 2.5, "s"}},
		"model": map[any]any{"layers": 3, "act": "relu"},
	}
	if err := d.WriteConfig(cfg); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(d.File(ConfigFile))
	want := "alpha:\n  x:\n    - 1\n    - 2.5\n    - s\n  y: b\nmodel:\n  act: relu\n  layers: 3\nzeta: 1\n"
	if string(b) != want {
		t.Fatalf("config.yaml:\n%s\nwant:\n%s", b, want)
	}
	// Deterministic: writing again gives the same bytes.
	d.WriteConfig(cfg)
	b2, _ := os.ReadFile(d.File(ConfigFile))
	if string(b2) != string(b) {
		t.Fatal("config.yaml differs between writes")
	}
}

func TestWriteConfigBadValue(t *testing.T) {
	d, _ := Create(t.TempDir(), "test", false)
	err := d.WriteConfig(map[string]any{"f": func() {}})
	if err == nil || !strings.Contains(err.Error(), `"f"`) || !strings.Contains(err.Error(), ConfigFile) {
		t.Fatalf("want error naming key and file, got %v", err)
	}
}

func TestMetricsAppendAndFlush(t *testing.T) {
	d, _ := Create(t.TempDir(), "test", false)
	m, err := d.OpenMetrics()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := m.Log(map[string]any{"step": i, "loss": 1.0 / float64(i+1)}); err != nil {
			t.Fatal(err)
		}
		// Each line must be on disk before Close: read it back now.
		lines := testfs.Lines(t, d.File(MetricsFile))
		if len(lines) != i+1 {
			t.Fatalf("after %d logs the file has %d lines", i+1, len(lines))
		}
	}
	if err := m.Log(map[string]any{"loss": math.NaN()}); err == nil {
		t.Fatal("NaN accepted")
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	if err := m.Log(map[string]any{"x": 1}); err == nil {
		t.Fatal("Log after Close succeeded")
	}
	lines := testfs.Lines(t, d.File(MetricsFile))
	if len(lines) != 3 {
		t.Fatalf("got %d lines", len(lines))
	}
	var l map[string]any
	if err := json.Unmarshal([]byte(lines[2]), &l); err != nil || l["step"] != 2.0 {
		t.Fatalf("line 3 = %q (%v)", lines[2], err)
	}
	// Reopening appends.
	m2, _ := d.OpenMetrics()
	m2.Log(map[string]any{"step": 3})
	m2.Close()
	if n := len(testfs.Lines(t, d.File(MetricsFile))); n != 4 {
		t.Fatalf("after reopen: %d lines", n)
	}
}

func TestWriteFileAtomicKeepsOldOnError(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.txt")
	if err := WriteFileAtomic(p, func(w io.Writer) error { _, err := io.WriteString(w, "old"); return err }); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := WriteFileAtomic(p, func(w io.Writer) error { io.WriteString(w, "new partial"); return boom })
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), p) {
		t.Fatalf("err = %v", err)
	}
	b, _ := os.ReadFile(p)
	if string(b) != "old" {
		t.Fatalf("content = %q", b)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("temporary files left: %v", ents)
	}
	fi, _ := os.Stat(p)
	if fi.Mode().Perm() != 0o644 {
		t.Fatalf("mode %v", fi.Mode())
	}
}

func TestWriteFileAtomicMissingDir(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nope", "f.txt")
	err := WriteFileAtomic(p, func(w io.Writer) error { return nil })
	if err == nil || !strings.Contains(err.Error(), p) {
		t.Fatalf("err = %v", err)
	}
}

func TestWriteJSON(t *testing.T) {
	d, _ := Create(t.TempDir(), "test", false)
	if err := d.WriteJSON("x.json", map[string]int{"a": 1}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(d.File("x.json"))
	if string(b) != "{\n  \"a\": 1\n}\n" {
		t.Fatalf("%q", b)
	}
	if err := d.WriteJSON("y.json", math.Inf(1)); err == nil || !strings.Contains(err.Error(), "y.json") {
		t.Fatalf("err = %v", err)
	}
}
