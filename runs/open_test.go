package runs

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func init() { noteOut = io.Discard }

// write creates the named files in dir.
func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	os.MkdirAll(dir, 0o755)
	for n, c := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCreateRule checks who may write into a directory without force, and
// that force deletes exactly the files a run writes.
func TestCreateRule(t *testing.T) {
	run := func(cmd string, more map[string]string) map[string]string {
		m := map[string]string{MarkerFile: `{"command":"` + cmd + `"}`, "samples_epoch003.png": "old"}
		for k, v := range more {
			m[k] = v
		}
		return m
	}
	for _, tc := range []struct {
		name    string
		files   map[string]string
		command string
		refused string // "" when allowed without force
	}{
		{"new", nil, "train", ""},
		{"only foreign kinds", map[string]string{"data.bin": "x"}, "gmm", ""},
		{"own explanation", run("explain latent", nil), "explain latent", ""},
		{"train without checkpoint", run("train", nil), "train", ""},
		{"train with checkpoint", run("train", map[string]string{"checkpoint.safetensors": "x"}), "train", "continue it with --resume"},
		{"another command", run("train", nil), "explain latent", "which `genxai explain latent` would overwrite"},
		{"demo over train", run("train", nil), "demo", "would overwrite"},
		{"format-1 training run", map[string]string{"checkpoint.json": "{}", "config.yaml": ""}, "gmm", "a run of `genxai train`"},
		{"older run", map[string]string{"summary.json": "{}"}, "gmm", "an earlier genxai run"},
		{"user files", map[string]string{"metrics.jsonl": "{}\n"}, "train", "not a genxai run (metrics.jsonl)"},
	} {
		dir := filepath.Join(t.TempDir(), "d")
		write(t, dir, tc.files)
		d, err := Create(dir, tc.command, false)
		if tc.refused == "" {
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			d.Close()
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.refused) || !strings.Contains(err.Error(), "--force") {
			t.Fatalf("%s: err = %v, want %q and --force", tc.name, err, tc.refused)
		}
		for n, c := range tc.files {
			if b, _ := os.ReadFile(filepath.Join(dir, n)); string(b) != c {
				t.Fatalf("%s: refused Create changed %s", tc.name, n)
			}
		}
		d, err = Create(dir, tc.command, true)
		if err != nil {
			t.Fatalf("%s with force: %v", tc.name, err)
		}
		d.Close()
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if e.Name() != MarkerFile && e.Name() != "data.bin" {
				t.Fatalf("%s: force left %s", tc.name, e.Name())
			}
		}
	}
}

// TestLock: a second writer is refused while the first holds the directory;
// Resume needs a run of the given commands; temporary files go at open.
func TestLock(t *testing.T) {
	dir := t.TempDir()
	d, err := Create(dir, "train", false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Resume(dir, "train"); err == nil || !strings.Contains(err.Error(), "in use by process") || !strings.Contains(err.Error(), "started") {
		t.Fatalf("second writer: %v", err)
	}
	d.Close()
	write(t, dir, map[string]string{".checkpoint.safetensors.tmp-42": "x", LockFile: `{"pid":99999999,"started":"then","command":"train"}`})
	d, err = Resume(dir, "train")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if len(d.Notes) != 2 || !strings.Contains(d.Notes[0], "stale lock of process 99999999") || !strings.Contains(d.Notes[1], "removed 1 temporary") {
		t.Fatalf("notes %q", d.Notes)
	}
	if _, err := Resume(t.TempDir(), "train"); err == nil || !strings.Contains(err.Error(), "holds no genxai run") {
		t.Fatalf("resume of an empty directory: %v", err)
	}
}

// TestTruncateMetrics keeps what was logged up to the checkpoint's step.
func TestTruncateMetrics(t *testing.T) {
	dir := t.TempDir()
	d := &Dir{Path: dir}
	keep := `{"step":3,"loss":1}` + "\n" + `{"step":6,"epoch":1}` + "\n" + `{"note":"no step"}` + "\n"
	for _, tail := range []string{
		`{"step":9,"loss":2}` + "\n",
		`{"step":6,"resume_changes":{}}` + "\n" + `{"step":9}` + "\n",
		`{"step":9,"lo`,
		`{"step":7}` + "\n" + `{"step":3}` + "\n",
	} {
		write(t, dir, map[string]string{MetricsFile: keep + tail})
		if _, err := d.TruncateMetrics(6); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(d.File(MetricsFile)); string(b) != keep {
			t.Fatalf("after %q: %q", tail, b)
		}
	}
	if n, err := (&Dir{Path: t.TempDir()}).TruncateMetrics(1); n != 0 || err != nil {
		t.Fatalf("missing file: %d, %v", n, err)
	}
}
