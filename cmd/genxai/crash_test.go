//go:build crash

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"genxai/runs"
	"genxai/runs/checkpoint"
)

// crashSets make a tiny run: 6 batches per epoch, 4 epochs (4 checkpoints),
// a metrics record every 3 steps, so every checkpoint falls on a record.
var crashSets = []string{"--set", "train.epochs=4", "--set", "train.batch_size=256", "--set", "train.log_every=3"}

// TestCrashResumesBitwise kills training runs at random moments and at each
// step of every atomic write of a checkpoint (and of run.json, config.yaml,
// summary.json), at least 50 kills in all, resuming after each, and checks
// that every run ends with the checkpoint of an uninterrupted run, byte for
// byte, the same metrics records (no duplicates), and no temporary or lock
// file left.
func TestCrashResumesBitwise(t *testing.T) {
	root := t.TempDir()
	ref := filepath.Join(root, "ref")
	start := time.Now()
	if out, err := genxai(t, root, append([]string{"train", "-c", vaeDigits, "--out", ref}, crashSets...)...); err != nil {
		t.Fatalf("uninterrupted run: %v\n%s", err, out)
	}
	took := time.Since(start)
	want, _ := os.ReadFile(filepath.Join(ref, checkpoint.TensorsFile))
	wantMetrics := metricRecords(t, ref)

	var specs []string // GENXAI_CRASH_AT values: every point of every checkpoint write
	for n := 1; n <= 4; n++ {
		for _, p := range []string{"create", "fsync", "rename", "dirsync", "done"} {
			specs = append(specs, fmt.Sprintf("%s:%s:%d", checkpoint.TensorsFile, p, n))
		}
	}
	for _, f := range []string{runs.MarkerFile, runs.ConfigFile, runs.SummaryFile} {
		specs = append(specs, f+":fsync:1", f+":rename:1")
	}
	rng := rand.New(rand.NewSource(1))
	kills := 0
	for ep := 0; ep < len(specs) || kills < 50; ep++ {
		if ep > len(specs)+40 {
			t.Fatalf("only %d kills after %d runs", kills, ep)
		}
		dir := filepath.Join(root, fmt.Sprintf("run%02d", ep))
		spec, randomKills := "", 0
		if ep < len(specs) {
			spec = specs[ep]
		} else {
			randomKills = 3
		}
		for attempt := 0; ; attempt++ {
			if attempt > 10 {
				t.Fatalf("%s: no finished run after %d attempts", dir, attempt)
			}
			args := append([]string{"train", "-c", vaeDigits, "--out", dir}, crashSets...)
			if _, err := os.Stat(filepath.Join(dir, checkpoint.TensorsFile)); err == nil {
				if _, _, err := checkpoint.Load(dir); err != nil {
					t.Fatalf("%s (%s): the checkpoint left by a kill does not load: %v", dir, spec, err)
				}
				args = []string{"train", "--resume", dir}
			}
			var env []string
			if attempt == 0 && spec != "" {
				env = []string{"GENXAI_CRASH_AT=" + spec}
			}
			cmd := genxaiCmd(t, root, env, args...)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			if attempt < randomKills {
				delay := time.Duration(rng.Int63n(int64(took)))
				timer := time.AfterFunc(delay, func() { cmd.Process.Signal(syscall.SIGKILL) })
				defer timer.Stop()
			}
			err := cmd.Wait()
			var ee *exec.ExitError
			if errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signaled() {
				kills++
				continue
			}
			if err != nil && finishedBeforeKill(dir, out.String()) {
				break // killed after summary.json (while writing the report): the run had finished
			}
			if err != nil {
				t.Fatalf("%s (%s, attempt %d): %v\n%s", dir, spec, attempt, err, out.String())
			}
			break
		}
		got, _ := os.ReadFile(filepath.Join(dir, checkpoint.TensorsFile))
		if !bytes.Equal(got, want) {
			t.Fatalf("%s (%s): final checkpoint differs from the uninterrupted run's", dir, spec)
		}
		if m := metricRecords(t, dir); !reflect.DeepEqual(m, wantMetrics) {
			t.Fatalf("%s (%s): metrics differ from the uninterrupted run's:\n got %v\nwant %v", dir, spec, m, wantMetrics)
		}
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".") {
				t.Fatalf("%s (%s): %s left after the run", dir, spec, e.Name())
			}
		}
		os.RemoveAll(dir)
	}
	t.Logf("%d kills, all resumed to the uninterrupted checkpoint", kills)
}

// finishedBeforeKill reports whether a resume was refused because the run
// had already finished: its summary.json is there (a kill after it, while
// the report was written, leaves a complete run; `genxai report` redoes the
// page).
func finishedBeforeKill(dir, out string) bool {
	_, err := os.Stat(filepath.Join(dir, runs.SummaryFile))
	return err == nil && strings.Contains(out, "nothing to do")
}

// metricRecords returns dir's metrics records without their timings.
func metricRecords(t *testing.T, dir string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, runs.MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	var recs []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%s: metrics line %q: %v", dir, line, err)
		}
		delete(r, "seconds")
		recs = append(recs, r)
	}
	return recs
}
