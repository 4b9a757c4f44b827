package models

import (
	"bytes"
	"context"
	"encoding/csv"
	"genxai/train"
	"io"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

const digitsGAN = `model:
  kind: gan
  arch: dcgan
  conditional: true
  latent: 8
  g_channels: [8, 4]
  d_channels: [4, 8]
data:
  path: builtin:digits
seed: 6
train:
  epochs: 1
  steps: 6
  batch_size: 16
  lr: 2.0e-4
  beta1: 0.5
  log_every: 3
metrics:
  samples: 40
`

// TestGANLearns trains each variant a few steps on the 8×8 digits. The
// discriminator's loss must fall from its start near 2·log 2 (it learns to
// tell real from generated first), and nothing may become NaN.
func TestGANLearns(t *testing.T) {
	for _, v := range [][]string{
		{"model.arch=dcgan", "model.conditional=true"},
		{"model.arch=dcgan", "model.conditional=false"},
		{"model.arch=mlp", "model.conditional=true", "model.g_hidden=[32]", "model.d_hidden=[32]"},
	} {
		c := loadConfig(t, digitsGAN, v...)
		task, err := NewGANTask(c, train.OptimConfigFrom(c), "tape")
		if err != nil {
			t.Fatal(err)
		}
		var first, last float64
		for step := int64(0); step < 30; step++ {
			rng := rand.New(rand.NewSource(step))
			batch := rng.Perm(task.TrainSize())[:16]
			r, err := task.Step(train.StepInput{Batch: batch, Step: step, LR: 1e-3, Rng: train.StepRand(6, step)})
			if err != nil {
				t.Fatal(err)
			}
			if step < 3 {
				first += r.Metrics["d_loss"] / 3
			}
			if step >= 27 {
				last += r.Metrics["d_loss"] / 3
			}
			if math.IsNaN(r.Loss) || math.IsNaN(r.Metrics["d_loss"]) {
				t.Fatalf("%v: NaN at step %d", v, step)
			}
		}
		task.Close()
		t.Logf("%v: discriminator loss %.3f → %.3f", v, first, last)
		if math.Abs(first-2*math.Ln2) > 0.3 {
			t.Errorf("%v: first discriminator loss %.3f, want near 2·log 2 = %.3f", v, first, 2*math.Ln2)
		}
		if !(last < first-0.05) {
			t.Errorf("%v: discriminator loss %.3f → %.3f, want a fall", v, first, last)
		}
	}
}

// TestGANRunMetricsAndSample trains a classifier and a conditional GAN on the
// digits through Run, checks the metrics in summary.json, and samples one
// class twice with one seed (identical files).
func TestGANRunMetricsAndSample(t *testing.T) {
	tmp := t.TempDir()
	clsDir := filepath.Join(tmp, "cls")
	if _, err := Train(context.Background(), train.Request{Config: loadConfig(t, digitsCNN), OutDir: clsDir, Log: io.Discard}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(tmp, "gan")
	s, err := Train(context.Background(), train.Request{Config: loadConfig(t, digitsGAN, "metrics.classifier_run="+clsDir), OutDir: dir, Log: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	fd, ok1 := s["fd_classifier"].(float64)
	acc, ok2 := s["conditioning_accuracy"].(float64)
	if !ok1 || !ok2 || fd < 0 || acc < 0 || acc > 1 {
		t.Errorf("summary fd_classifier = %v, conditioning_accuracy = %v", s["fd_classifier"], s["conditioning_accuracy"])
	}
	for _, f := range []string{"samples.png", "epochs/samples_epoch001.png", "loss.png"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	checkConditioningCSV(t, filepath.Join(dir, "conditioning.csv"), acc)
	a, b := filepath.Join(tmp, "a.png"), filepath.Join(tmp, "b.png")
	for _, out := range []string{a, b} {
		if _, err := Sample(dir, SampleOptions{N: 8, Class: 3, Seed: 9, Out: out}); err != nil {
			t.Fatal(err)
		}
	}
	ba, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if len(ba) == 0 || !bytes.Equal(ba, bb) {
		t.Error("two samples with one seed differ")
	}
	if _, err := Sample(dir, SampleOptions{N: 8, Class: 10, Out: a}); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("--class 10: err = %v", err)
	}
}

// TestFrechetDistance checks the closed form on Gaussians where it is known:
// equal ones (0), shifted means (the squared shift), and diagonal covariances,
// where the trace term is Σ (√a − √b)².
func TestFrechetDistance(t *testing.T) {
	s1 := mat.NewSymDense(2, []float64{4, 0, 0, 1})
	s2 := mat.NewSymDense(2, []float64{1, 0, 0, 9})
	if fd, err := FrechetDistance([]float64{1, 2}, s1, []float64{1, 2}, s1); err != nil || math.Abs(fd) > 1e-9 {
		t.Errorf("equal Gaussians: %g, %v", fd, err)
	}
	if fd, _ := FrechetDistance([]float64{0, 0}, s1, []float64{3, 4}, s1); math.Abs(fd-25) > 1e-9 {
		t.Errorf("shifted means: %g, want 25", fd)
	}
	want := (2-1)*(2-1) + (1-3)*(1-3) + 0.0
	if fd, _ := FrechetDistance([]float64{0, 0}, s1, []float64{0, 0}, s2); math.Abs(fd-want) > 1e-9 {
		t.Errorf("diagonal covariances: %g, want %g", fd, want)
	}
	// A rotated, non-diagonal pair against a direct computation with the
	// commuting case: Σ2 = 4·Σ1 gives tr term Σ1 + 4Σ1 − 2·2Σ1 = tr Σ1.
	s3 := mat.NewSymDense(2, []float64{2, 1, 1, 2})
	var s4 mat.SymDense
	s4.ScaleSym(4, s3)
	if fd, _ := FrechetDistance([]float64{0, 0}, s3, []float64{0, 0}, &s4); math.Abs(fd-4) > 1e-9 {
		t.Errorf("Σ2 = 4Σ1: %g, want tr Σ1 = 4", fd)
	}
}

// BenchmarkDCGANStep is one step of configs/cgan-fashion.yaml's conditional
// DCGAN on batches of 64: a generator pass for the fakes, a discriminator
// update on 64 real and 64 generated images, a generator update. Peer:
// scripts/bench/dcgan_torch.py.
func BenchmarkDCGANStep(b *testing.B) {
	benchSteps(b, benchTask(b, "cgan-fashion.yaml", "data.path="+fashionDir, `metrics.classifier_run=""`), 64)
}

// TestGANResumeIsBitwise trains the conditional DCGAN for two epochs of a
// small subset straight through and as one epoch plus a resumed one: both
// optimizers' state, the batch-norm statistics and the noise must carry over
// so the checkpoints are identical.
func TestGANResumeIsBitwise(t *testing.T) {
	tmp := t.TempDir()
	sets := []string{"train.steps=0", "train.batch_size=64", "model.g_channels=[4, 2]", "model.d_channels=[2, 4]"}
	straight := filepath.Join(tmp, "straight")
	if _, err := Train(context.Background(), train.Request{Config: loadConfig(t, digitsGAN, append(sets, "train.epochs=2")...), OutDir: straight, Log: io.Discard}); err != nil {
		t.Fatal(err)
	}
	split := filepath.Join(tmp, "split")
	if _, err := Train(context.Background(), train.Request{Config: loadConfig(t, digitsGAN, append(sets, "train.epochs=1")...), OutDir: split, Log: io.Discard}); err != nil {
		t.Fatal(err)
	}
	if _, err := Train(context.Background(), train.Request{Config: loadConfig(t, digitsGAN, append(sets, "train.epochs=2")...), Resume: split, Log: io.Discard}); err != nil {
		t.Fatal(err)
	}
	sameWeights(t, weights(t, straight), weights(t, split))
}

// checkConditioningCSV checks that conditioning.csv has one row per digit
// and that its per-class accuracies, weighted by the images generated, give
// the summary's conditioning_accuracy.
func checkConditioningCSV(t *testing.T, path string, acc float64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 11 || rows[0][0] != "class" || rows[0][2] != "accuracy" {
		t.Fatalf("conditioning.csv: %d rows, header %v; want a header and 10 classes", len(rows), rows[0])
	}
	var hits, total float64
	for _, r := range rows[1:] {
		a, err1 := strconv.ParseFloat(r[2], 64)
		n, err2 := strconv.ParseFloat(r[3], 64)
		if err1 != nil || err2 != nil || a < 0 || a > 1 {
			t.Fatalf("conditioning.csv row %v", r)
		}
		hits += a * n
		total += n
	}
	if math.Abs(hits/total-acc) > 1e-3 {
		t.Errorf("conditioning.csv gives %.4f overall, summary conditioning_accuracy %.4f", hits/total, acc)
	}
}
