package models

import (
	"context"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"genxai/config"
	"genxai/runs"
	"genxai/runs/checkpoint"
	"genxai/train"
)

const digitsVAE = `model:
  kind: vae
  hidden: [32]
  latent: 4
data:
  path: builtin:digits
seed: 3
train:
  epochs: 2
  batch_size: 64
  log_every: 10
`

func loadConfig(t *testing.T, yaml string, sets ...string) *config.Config {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := LoadConfig(path, sets)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func weights(t *testing.T, dir string) map[string][]float32 {
	t.Helper()
	ts, _, err := checkpoint.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]float32{}
	for _, x := range ts {
		m[x.Name] = x.F32
	}
	return m
}

func sameWeights(t *testing.T, a, b map[string][]float32) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("checkpoints hold %d and %d tensors", len(a), len(b))
	}
	for name, x := range a {
		y := b[name]
		if len(x) != len(y) {
			t.Fatalf("%s: %d vs %d elements", name, len(x), len(y))
		}
		for i := range x {
			if math.Float32bits(x[i]) != math.Float32bits(y[i]) {
				t.Fatalf("%s[%d]: %v vs %v: resumed run is not bitwise equal", name, i, x[i], y[i])
			}
		}
	}
}

// Two epochs in one run and one epoch + resume + one epoch give bitwise equal
// weights and optimizer state.
func TestResumeIsBitwiseExact(t *testing.T) {
	resumeEqualsStraight(t, digitsVAE, "train.epochs=2", "train.epochs=1")
}

// resumeEqualsStraight trains cfg with straight in one run, and with part then
// resumed with straight, and checks that both end with bitwise equal weights
// and optimizer state.
func resumeEqualsStraight(t *testing.T, cfg, straight, part string) {
	t.Helper()
	ctx := context.Background()
	full, cut := t.TempDir(), t.TempDir()
	for _, r := range []struct{ dir, set string }{{full, straight}, {cut, part}} {
		if _, err := Train(ctx, train.Request{Config: loadConfig(t, cfg, r.set), OutDir: r.dir, Log: io.Discard}); err != nil {
			t.Fatal(err)
		}
	}
	c, err := LoadConfig(filepath.Join(cut, "config.yaml"), []string{straight})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Train(ctx, train.Request{Config: c, Resume: cut, Log: io.Discard}); err != nil {
		t.Fatal(err)
	}
	sameWeights(t, weights(t, full), weights(t, cut))
}

// cancelAt cancels the run's context when it reaches a given step.
type cancelAt struct {
	train.Task
	at     int64
	cancel context.CancelFunc
}

func (c cancelAt) Step(in train.StepInput) (train.StepResult, error) {
	if in.Step == c.at {
		c.cancel()
	}
	return c.Task.Step(in)
}

// Ctrl-C mid-epoch writes a checkpoint; resuming from it ends where an
// unbroken run ends.
func TestInterruptWritesResumableCheckpoint(t *testing.T) {
	full := t.TempDir()
	if _, err := Train(context.Background(), train.Request{Config: loadConfig(t, digitsVAE), OutDir: full, Log: io.Discard}); err != nil {
		t.Fatal(err)
	}
	c := loadConfig(t, digitsVAE)
	task, err := NewVAETask(c, train.OptimConfigFrom(c), c.String("train.executor"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	dir := t.TempDir()
	rd := mustRunDir(t, dir)
	o := train.Options{Seed: 3, Epochs: 2, BatchSize: 64, LogEvery: 10, Out: io.Discard}
	sched := train.Schedule{Kind: "constant", Base: c.Float("train.lr")}
	_, err = train.Loop(ctx, cancelAt{Task: task, at: 30, cancel: cancel}, o, sched, rd, train.Position{}, c.Settings())
	var intr *train.Interrupted
	if !errors.As(err, &intr) || intr.ExitCode() != 130 || intr.Step != 31 {
		t.Fatalf("want an interruption after step 31 with exit code 130, got %v", err)
	}
	if err := rd.WriteConfig(c.Settings()); err != nil {
		t.Fatal(err)
	}
	rd.Close()
	if _, err := Train(context.Background(), train.Request{Config: c, Resume: dir, Log: io.Discard}); err != nil {
		t.Fatal(err)
	}
	sameWeights(t, weights(t, full), weights(t, dir))
}

type nanAt struct {
	train.Task
	at int64
}

func (n nanAt) Step(in train.StepInput) (train.StepResult, error) {
	r, err := n.Task.Step(in)
	if in.Step == n.at {
		r.Loss = math.NaN()
	}
	return r, err
}

// A NaN loss stops the run with the step number and names the last good checkpoint.
func TestNaNLossStopsWithStepAndCheckpoint(t *testing.T) {
	c := loadConfig(t, digitsVAE)
	task, err := NewVAETask(c, train.OptimConfigFrom(c), "tape")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	o := train.Options{Seed: 3, Epochs: 2, BatchSize: 64, LogEvery: 10, Out: io.Discard}
	_, err = train.Loop(context.Background(), nanAt{Task: task, at: 25}, o, train.Schedule{Base: 1e-3}, mustRunDir(t, dir), train.Position{}, c.Settings())
	if err == nil {
		t.Fatal("a NaN loss did not stop the run")
	}
	for _, want := range []string{"NaN", "step 25", dir + " (step 23)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not contain %q", err, want)
		}
	}
}

// The VAE's test loss falls during training and the run directory holds what
// the contract promises.
func TestVAETrainsAndWritesRunDirectory(t *testing.T) {
	dir := t.TempDir()
	sum, err := Train(context.Background(), train.Request{Config: loadConfig(t, digitsVAE, "train.epochs=3"), OutDir: dir, Log: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"config.yaml", "summary.json", "metrics.jsonl", "checkpoint.safetensors", "run.json", "loss.png", "samples.png", "reconstructions.png", "epochs/samples_epoch003.png", "epochs/reconstructions_epoch003.png"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("run directory lacks %s", f)
		}
	}
	for _, k := range []string{"test_loss", "epochs", "seconds", "device", "executor", "blas_threads", "threads"} {
		if _, ok := sum[k]; !ok {
			t.Errorf("summary lacks %s", k)
		}
	}
	if n := sum["blas_threads"]; n != 1 {
		t.Errorf("summary blas_threads = %v; train.blas_threads defaults to 1", n)
	}
	// An untrained model's loss on 64 pixels in [0,1] is about 64·ln 2 ≈ 44 nats;
	// three epochs must bring it well below.
	if l := sum["test_loss"].(float64); !(l < 40) {
		t.Errorf("test_loss after 3 epochs = %.2f, want < 40", l)
	}
	out, err := Sample(dir, SampleOptions{N: 10, Seed: 1, Class: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(out); err != nil {
		t.Fatal(err)
	}
}

func mustRunDir(t *testing.T, dir string) *runs.Dir {
	t.Helper()
	d, err := runs.Create(dir, "train", false)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// The convolutional variant (stride-2 convolutions down, upsample+conv up, batch
// norm) and the Gaussian likelihood train too: the test loss falls.
func TestVAEVariantsLearn(t *testing.T) {
	for _, sets := range [][]string{
		{"model.arch=conv", "model.channels=[8,16]", "model.batch_norm=true"},
		{"model.likelihood=gaussian", "model.sigma=0.3", "model.dropout=0.1"},
	} {
		c := loadConfig(t, digitsVAE, append(sets, "train.epochs=2")...)
		task, err := NewVAETask(c, train.OptimConfigFrom(c), "tape")
		if err != nil {
			t.Fatal(err)
		}
		before, err := task.Evaluate(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		o := train.Options{Seed: 3, Epochs: 2, BatchSize: 64, LogEvery: 10, Out: io.Discard}
		res, err := train.Loop(context.Background(), task, o, train.Schedule{Base: 3e-3}, mustRunDir(t, t.TempDir()), train.Position{}, c.Settings())
		if err != nil {
			t.Fatal(err)
		}
		if a, b := before["test_loss"], res.Final["test_loss"]; !(b < a-1) {
			t.Errorf("%v: test loss %.3f before, %.3f after two epochs", sets, a, b)
		}
	}
}

// Sampling is deterministic for a seed.
func TestSampleDeterministic(t *testing.T) {
	dir := t.TempDir()
	if _, err := Train(context.Background(), train.Request{Config: loadConfig(t, digitsVAE, "train.epochs=1"), OutDir: dir, Log: io.Discard}); err != nil {
		t.Fatal(err)
	}
	var imgs [][]byte
	for i, seed := range []int64{5, 5, 6} {
		out := filepath.Join(dir, "s"+string(rune('a'+i))+".png")
		if _, err := Sample(dir, SampleOptions{N: 16, Seed: seed, Class: -1, Out: out}); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		imgs = append(imgs, b)
	}
	if string(imgs[0]) != string(imgs[1]) {
		t.Error("two samplings with seed 5 differ")
	}
	if string(imgs[0]) == string(imgs[2]) {
		t.Error("seeds 5 and 6 gave the same samples")
	}
	// -n beyond one picture and --class on a VAE are refused, naming the flag.
	for _, c := range []struct {
		o    SampleOptions
		want string
	}{
		{SampleOptions{N: 0, Class: -1}, "-n 0 is out of range"},
		{SampleOptions{N: MaxImages + 1, Class: -1}, "-n 1025 is out of range"},
		{SampleOptions{N: 4, Class: 3}, "--class 3: a VAE is not conditioned"},
		{SampleOptions{N: 4, Class: -7}, "--class -7 is not a class"},
	} {
		if _, err := Sample(dir, c.o); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Sample(%+v): err = %v, want %q", c.o, err, c.want)
		}
	}
}

// A new run refuses a directory that holds a run, unless told to overwrite.
func TestRunRefusesOccupiedDirectory(t *testing.T) {
	dir := t.TempDir()
	c := loadConfig(t, digitsVAE, "train.steps=3")
	if _, err := Train(context.Background(), train.Request{Config: c, OutDir: dir, Log: io.Discard}); err != nil {
		t.Fatal(err)
	}
	_, err := Train(context.Background(), train.Request{Config: c, OutDir: dir, Log: io.Discard})
	if err == nil || !strings.Contains(err.Error(), "--resume") {
		t.Fatalf("want a refusal naming --resume, got %v", err)
	}
	if _, err := Train(context.Background(), train.Request{Config: c, OutDir: dir, Overwrite: true, Log: io.Discard}); err != nil {
		t.Fatal(err)
	}
}

// A run stopped by train.steps inside an epoch and extended with --resume and
// a larger train.steps ends bitwise where an unbroken run ends.
func TestExtendingStepsIsBitwiseExact(t *testing.T) {
	resumeEqualsStraight(t, digitsVAE, "train.steps=40", "train.steps=30")
}

// data.val_fraction holds training images out and scores them every epoch.
func TestValidationSplit(t *testing.T) {
	c := loadConfig(t, digitsVAE, "data.val_fraction=0.2", "train.epochs=1")
	task, err := NewVAETask(c, train.OptimConfigFrom(c), "tape")
	if err != nil {
		t.Fatal(err)
	}
	if task.TrainSize() != 1437-287 || task.val == nil || task.val.N != 287 {
		t.Fatalf("train %d images, validation %v; want 1150 and 287", task.TrainSize(), task.val)
	}
	sum, err := Train(context.Background(), train.Request{Config: c, OutDir: t.TempDir(), Log: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := sum["val_loss"].(float64); !ok || !(v > 0) {
		t.Errorf("summary val_loss = %v", sum["val_loss"])
	}
}
