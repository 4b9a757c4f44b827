package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"genxai/runs/checkpoint"
)

// tiny makes a training run of the embedded digits take a fraction of a
// second: 6 batches per epoch.
var tiny = []string{"--set", "train.batch_size=256", "--set", "train.log_every=3"}

// trainTiny trains epochs epochs of the digits VAE into dir and fails the
// test if that fails.
func trainTiny(t *testing.T, root, dir string, epochs string, extra ...string) {
	t.Helper()
	args := append(append([]string{"train", "-c", vaeDigits, "--out", dir, "--set", "train.epochs=" + epochs}, tiny...), extra...)
	if out, err := genxai(t, root, args...); err != nil {
		t.Fatalf("train %s: %v\n%s", dir, err, out)
	}
}

// mustFail runs args and checks that they fail with a message containing
// each of want.
func mustFail(t *testing.T, root string, args []string, want ...string) {
	t.Helper()
	out, err := genxai(t, root, args...)
	if err == nil {
		t.Fatalf("%v succeeded:\n%s", args, out)
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Fatalf("%v: output does not say %q:\n%s", args, w, out)
		}
	}
	if strings.Contains(out, "panic") {
		t.Fatalf("%v panicked:\n%s", args, out)
	}
}

// snapshot returns the content of every file in dir by name.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, e := range ents {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		m[e.Name()] = string(b)
	}
	return m
}

// unchanged fails unless dir holds exactly what before recorded.
func unchanged(t *testing.T, dir string, before map[string]string) {
	t.Helper()
	after := snapshot(t, dir)
	if len(after) != len(before) {
		t.Fatalf("%s: files changed from %d to %d", dir, len(before), len(after))
	}
	for k, v := range before {
		if after[k] != v {
			t.Fatalf("%s: %s changed", dir, k)
		}
	}
}

// Defects 2, 4, 5 and 6 of issue 13: no command overwrites a directory that
// holds another run, or someone's files, without --force.
func TestOutRefusesOtherRuns(t *testing.T) {
	root := t.TempDir()
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	trainTiny(t, root, a, "1")
	trainTiny(t, root, b, "1", "--set", "model.latent=4")
	user := filepath.Join(root, "user")
	os.Mkdir(user, 0o755)
	os.WriteFile(filepath.Join(user, "metrics.jsonl"), []byte("{}\n"), 0o644)
	csv := filepath.Join(root, "t.csv")
	os.WriteFile(csv, []byte("x,y\n1,2\n2,1\n3,3\n"), 0o644)
	sa, sb, su := snapshot(t, a), snapshot(t, b), snapshot(t, user)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"train", "--resume", a, "--set", "train.epochs=2", "--out", b}, "already holds a run of `genxai train`"},
		{[]string{"train", "-c", vaeDigits, "--out", a}, "continue it with --resume"},
		{[]string{"explain", "latent", "--run", a, "--out", a}, "which `genxai explain latent` would overwrite"},
		{[]string{"gmm", "--train", csv, "--components", "1", "--out", a}, "which `genxai gmm` would overwrite"},
		{[]string{"glassbox", "logreg", "--train", "builtin:breast_cancer", "--out", a}, "would overwrite"},
		{[]string{"svm", "--train", csv, "--test", csv, "--label", "y", "--out", a}, "would overwrite"},
		{[]string{"demo", "--out", a}, "which `genxai demo` would overwrite"},
		{[]string{"train", "-c", vaeDigits, "--out", user}, "not a genxai run (metrics.jsonl)"},
		{[]string{"train", "-c", vaeDigits, "--out", filepath.Join(a, "config.yaml", "x")}, "exists and is not a directory"},
	} {
		mustFail(t, root, tc.args, tc.want)
	}
	unchanged(t, a, sa)
	unchanged(t, b, sb)
	unchanged(t, user, su)
	// sample --out FILE does not replace a file without --force.
	mustFail(t, root, []string{"sample", "--run", a, "--out", filepath.Join(a, "config.yaml")}, "already exists", "--force")
	mustFail(t, root, []string{"sample", "--run", a, "--out", a}, "is a directory")
	unchanged(t, a, sa)
}

// Defect 9: --force deletes what the old run wrote, pictures included.
func TestForceClearsOldRun(t *testing.T) {
	root := t.TempDir()
	a := filepath.Join(root, "a")
	trainTiny(t, root, a, "3")
	trainTiny(t, root, a, "1", "--force")
	if _, err := os.Stat(filepath.Join(a, "epochs", "samples_epoch003.png")); !os.IsNotExist(err) {
		t.Fatalf("the old run's picture survived --force: %v", err)
	}
	if _, err := os.Stat(filepath.Join(a, "epochs", "samples_epoch001.png")); err != nil {
		t.Fatal(err)
	}
}

// Defect 3: a second writer is refused with the holder's PID and start
// time; the lock of a killed writer is taken over and said so (defect 7:
// its temporary files go too).
func TestSecondWriterRefused(t *testing.T) {
	root := t.TempDir()
	a := filepath.Join(root, "a")
	first := genxaiCmd(t, root, nil, append([]string{"train", "-c", vaeDigits, "--out", a, "--set", "train.epochs=99999"}, tiny...)...)
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	defer first.Process.Kill()
	for i := 0; ; i++ {
		if _, err := os.Stat(filepath.Join(a, checkpoint.TensorsFile)); err == nil {
			break
		}
		if i > 600 {
			t.Fatal("the first writer wrote no checkpoint in 60 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	pid := first.Process.Pid
	mustFail(t, root, []string{"train", "--resume", a}, "in use by process", "started")
	mustFail(t, root, append([]string{"train", "-c", vaeDigits, "--out", a, "--force"}, tiny...), "in use by process")
	first.Process.Signal(syscall.SIGKILL)
	first.Wait()
	orphan := filepath.Join(a, ".checkpoint.safetensors.tmp-123")
	os.WriteFile(orphan, []byte("partial"), 0o644)
	out, _ := genxai(t, root, "train", "--resume", a, "--set", "seed=5") // refused, after the lock and the clean-up
	// The kill may also have cut a checkpoint write short, leaving a second
	// temporary file: at least the one made here is removed.
	if !strings.Contains(out, "took over the stale lock of process") || !regexp.MustCompile(`removed [1-9][0-9]* temporary file`).MatchString(out) {
		t.Fatalf("resume after a kill does not say it took over the stale lock and removed the temporary files:\n%s", out)
	}
	if !strings.Contains(out, "process "+strconv.Itoa(pid)) {
		t.Fatalf("stale lock message does not name process %d:\n%s", pid, out)
	}
	if _, err := os.Stat(orphan); !os.IsNotExist(err) {
		t.Fatal("temporary file of the dead writer survived")
	}
}

// Defect 8: a failed resume changes nothing, and a resume drops the metrics
// records logged after its checkpoint, so none is duplicated.
func TestResumeTruncatesMetrics(t *testing.T) {
	root := t.TempDir()
	a := filepath.Join(root, "a")
	trainTiny(t, root, a, "2")
	before := snapshot(t, a)
	mustFail(t, root, []string{"train", "--resume", a, "--set", "train.epochs=3", "--set", "seed=9"}, "seed (checkpoint 1, now 9)")
	mustFail(t, root, []string{"train", "--resume", a}, "nothing to do")
	unchanged(t, a, before)
	// Records a killed process logged after the checkpoint, the last one cut short.
	path := filepath.Join(a, "metrics.jsonl")
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"step":15,"loss":1}` + "\n" + `{"step":18,"lo`)
	f.Close()
	if out, err := genxai(t, root, "train", "--resume", a, "--set", "train.epochs=3"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	seen := map[string]bool{}
	b, _ := os.ReadFile(path)
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if seen[line] || strings.Contains(line, `"loss":1}`) {
			t.Fatalf("metrics.jsonl holds %s twice or from before the resume:\n%s", line, b)
		}
		seen[line] = true
	}
}

// Defect 10: every checkpoint field is checked against the run before
// anything is resumed; a bad one is named with its value and what is
// allowed, never a panic.
func TestResumeChecksCheckpointFields(t *testing.T) {
	root := t.TempDir()
	a := filepath.Join(root, "a")
	trainTiny(t, root, a, "2") // 6 batches per epoch: checkpoint at epoch 2, batch 0, step 12
	ts, good, err := checkpoint.Load(a)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		edit func(m *checkpoint.Meta)
		want string
	}{
		{func(m *checkpoint.Meta) { m.BatchInEpoch = -3 }, "batch_in_epoch is -3; allowed: 0 to 5"},
		{func(m *checkpoint.Meta) { m.BatchInEpoch = 5000 }, "batch_in_epoch is 5000; allowed: 0 to 5"},
		{func(m *checkpoint.Meta) { m.Step = 10 }, "step is 10; allowed: 12"},
		{func(m *checkpoint.Meta) { m.Step = -5 }, "step is -5; allowed: 0 or more"},
		{func(m *checkpoint.Meta) { m.Epoch = -1 }, "epoch is -1; allowed: 0 or more"},
		{func(m *checkpoint.Meta) { m.Seed = 7 }, "seed is 7; allowed: 1"},
		{func(m *checkpoint.Meta) { m.State = map[string]any{"opt.steps": 99} }, "state.opt.steps is 99; allowed: 0 to 12"},
		{func(m *checkpoint.Meta) { m.State = map[string]any{} }, "state.opt.steps"},
		{func(m *checkpoint.Meta) { m.Model = "gan" }, `model is "gan"; allowed: "vae"`},
	} {
		m := good
		m.State = map[string]any{"opt.steps": 12}
		tc.edit(&m)
		if err := checkpoint.Save(a, ts, m); err != nil {
			t.Fatal(err)
		}
		mustFail(t, root, []string{"train", "--resume", a, "--set", "train.epochs=3"}, tc.want)
	}
}

// Defect 11: -c FILE with --resume may change only what a resume may
// change; an allowed change is printed and recorded.
func TestResumeConfigChanges(t *testing.T) {
	root := t.TempDir()
	a := filepath.Join(root, "a")
	trainTiny(t, root, a, "1")
	cfg, _ := os.ReadFile(filepath.Join(a, "config.yaml"))
	other := filepath.Join(root, "other.yaml")
	os.WriteFile(other, bytes.Replace(cfg, []byte("seed: 1"), []byte("seed: 2"), 1), 0o644)
	mustFail(t, root, []string{"train", "-c", other, "--resume", a, "--set", "train.epochs=2"}, "seed (checkpoint 1, now 2)")
	mustFail(t, root, []string{"train", "--resume", a, "--set", "train.epochs=2", "--set", "train.lr=0.01", "--set", "model.latent=3"}, "model.latent")
	out, err := genxai(t, root, "train", "-c", filepath.Join(a, "config.yaml"), "--resume", a, "--set", "train.epochs=2", "--set", "train.lr=0.002")
	if err != nil || !strings.Contains(out, "resume changes train.lr: 0.001 → 0.002") {
		t.Fatalf("allowed change not made or not printed (%v):\n%s", err, out)
	}
	for _, f := range []string{"metrics.jsonl", "summary.json"} {
		b, _ := os.ReadFile(filepath.Join(a, f))
		if !bytes.Contains(b, []byte(`"resume_changes"`)) || !bytes.Contains(b, []byte(`train.epochs`)) {
			t.Fatalf("%s does not record the resume's changes:\n%s", f, b)
		}
	}
}
