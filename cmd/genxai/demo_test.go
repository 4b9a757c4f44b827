//go:build demo

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"genxai/report"
	"genxai/runs"
)

// The full demo (build tag demo; .ci/run runs it): every part in its own
// run directory, the overview report last (its time logged); a second
// run replaces the first without --force; a directory of someone's files is
// refused.
func TestFullDemo(t *testing.T) {
	root := t.TempDir()
	start := time.Now()
	out, err := genxai(t, root, "demo", "--out", "d")
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	// The three-minute target is measured and logged, not asserted: CI
	// machines are shared, and a timed test would fail on a busy one.
	t.Logf("the full demo took %s (target: under three minutes on two cores)", time.Since(start).Round(time.Second))
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if last := lines[len(lines)-1]; last != filepath.Join("d", "report.html") {
		t.Errorf("the demo's last line is %q, want the report's path", last)
	}
	page, err := os.ReadFile(filepath.Join(root, "d", "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range demoParts {
		if _, err := os.Stat(filepath.Join(root, "d", p.name, runs.SummaryFile)); err != nil {
			t.Errorf("part %s wrote no summary: %v", p.name, err)
		}
		if !strings.Contains(string(page), p.what) {
			t.Errorf("the report does not list part %s", p.name)
		}
	}
	if u := report.URLOutsideData(string(page)); u != "" {
		t.Errorf("the demo's report holds a URL: %q", u)
	}
	if out, err := genxai(t, root, "demo", "--out", "d"); err != nil {
		t.Fatalf("a second demo into an earlier demo: %v\n%s", err, out)
	}
	user := filepath.Join(root, "user")
	os.MkdirAll(filepath.Join(user, "vae"), 0o755)
	mustFail(t, root, []string{"demo", "--out", user}, "not part of an earlier demo", "--force")
}
