package models

import (
	"context"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"genxai/train"
)

const digitsCNN = `model:
  kind: classifier
  arch: cnn
  channels: [4, 8]
  hidden: [16]
  dropout: 0.1
data:
  path: builtin:digits
seed: 5
train:
  epochs: 1
  batch_size: 64
  lr: 3.0e-3
  log_every: 5
`

// TestClassifierLearns trains the small CNN on the 8×8 digits for a few steps
// and checks that the training loss falls and the test accuracy beats chance.
func TestClassifierLearns(t *testing.T) {
	for _, arch := range []string{"cnn", "mlp"} {
		c := loadConfig(t, digitsCNN, "model.arch="+arch)
		task, err := NewClassifierTask(c, train.OptimConfigFrom(c), "tape")
		if err != nil {
			t.Fatal(err)
		}
		losses := runSteps(t, task, 80, func(step int64) train.StepInput {
			batch := make([]int, 64)
			for i := range batch {
				batch[i] = (int(step)*64 + i) % task.TrainSize()
			}
			return train.StepInput{Batch: batch, Step: step, LR: 1e-2, Rng: train.StepRand(5, step)}
		})
		first, last := mean(losses[:5]), mean(losses[75:])
		eval, err := task.Evaluate(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		task.Close()
		t.Logf("%s: loss %.3f → %.3f, test accuracy %.3f", arch, first, last, eval["accuracy"])
		if !(last < 0.7*first) {
			t.Errorf("%s: the training loss went from %.3f to %.3f: want a clear fall", arch, first, last)
		}
		if eval["accuracy"] < 0.5 {
			t.Errorf("%s: test accuracy %.3f after 80 steps, want > 0.5 (chance is 0.1)", arch, eval["accuracy"])
		}
	}
}

// TestClassifierRun trains through train.Run and checks the run directory:
// summary accuracy, confusion matrix, per-class accuracy; then resumes.
func TestClassifierRun(t *testing.T) {
	c := loadConfig(t, digitsCNN)
	dir := filepath.Join(t.TempDir(), "run")
	s, err := Train(context.Background(), train.Request{Config: c, OutDir: dir, Log: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	acc, ok := s["accuracy"].(float64)
	if !ok || math.IsNaN(acc) || acc <= 0.1 {
		t.Errorf("summary accuracy = %v", s["accuracy"])
	}
	for _, f := range []string{"confusion.png", "confusion.csv", "per_class.csv", "summary.json", "checkpoint.safetensors"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("run directory lacks %s", f)
		}
	}
	pc, err := os.ReadFile(filepath.Join(dir, "per_class.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(string(pc), "\n"); lines != 11 {
		t.Errorf("per_class.csv has %d lines, want a header and 10 classes", lines)
	}
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	tc, err := r.TrainedClassifier(16)
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	feats, pred, err := tc.Score([][]float32{make([]float32, 64), make([]float32, 64)})
	if err != nil {
		t.Fatal(err)
	}
	if len(feats) != 2 || len(feats[0]) != 16 || len(pred) != 2 {
		t.Errorf("Score gave %d feature rows of %d and %d predictions", len(feats), len(feats[0]), len(pred))
	}
	// Resume for one more epoch.
	c2 := loadConfig(t, digitsCNN, "train.epochs=2")
	if _, err := Train(context.Background(), train.Request{Config: c2, Resume: dir, Log: io.Discard}); err != nil {
		t.Fatal(err)
	}
}

// benchTask builds a task from a repository config with overrides, skipping
// when its data is not on this machine. The peers in scripts/bench use the
// same shapes. With -plan-profile it starts the plan profile, which
// benchSteps logs.
func benchTask(b *testing.B, file string, sets ...string) train.Task {
	b.Helper()
	logBLAS(b)
	startProfile()
	raw, err := os.ReadFile(filepath.Join("..", "configs", file))
	if err != nil {
		b.Fatal(err)
	}
	c, err := ParseConfig(file, raw, append(sets, "device="+*benchDevice))
	if err != nil {
		b.Fatal(err)
	}
	if p := c.String("data.path"); !strings.HasPrefix(p, "builtin:") {
		if _, err := os.Stat(p); err != nil {
			b.Skipf("data %s is not here: %v", p, err)
		}
	}
	f, err := Lookup(c.String("model.kind"))
	if err != nil {
		b.Fatal(err)
	}
	task, err := f.NewTask(c, train.OptimConfigFrom(c), *benchExecutor)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { task.Close() })
	return task
}

// benchSteps times task steps on batches of consecutive examples. A step
// whose result comes later (the CUDA backend's captured step) is read after
// the next one is queued, as the training loop reads it, and the last one
// before the clock stops, so the time is the device's and not the queueing.
func benchSteps(b *testing.B, task train.Task, batch int) {
	defer logProfile(b)
	var later func() (train.StepResult, error)
	settle := func() {
		if later != nil {
			if _, err := later(); err != nil {
				b.Fatal(err)
			}
			later = nil
		}
	}
	step := func(i int) {
		idx := make([]int, batch)
		for j := range idx {
			idx[j] = (i*batch + j) % task.TrainSize()
		}
		r, err := task.Step(train.StepInput{Batch: idx, Step: int64(i), LR: 1e-4, Rng: train.StepRand(1, int64(i))})
		if err != nil {
			b.Fatal(err)
		}
		settle()
		later = r.Later
	}
	step(0)
	settle()
	b.ResetTimer()
	defer reportCPU(b, processCPU())
	for i := 0; i < b.N; i++ {
		step(i + 1)
	}
	settle()
	b.StopTimer()
}

// BenchmarkCNNStep is one Adam step of configs/cnn-fashion.yaml's CNN
// (conv 32, pool, conv 64, pool, dense 128, dropout, 10 classes) on a batch
// of 64 Fashion-MNIST images. Peer: scripts/bench/cnn_torch.py.
func BenchmarkCNNStep(b *testing.B) {
	benchSteps(b, benchTask(b, "cnn-fashion.yaml", "data.path="+fashionDir), 64)
}

const fashionDir = "/usr/share/datasets/fashion-mnist"
