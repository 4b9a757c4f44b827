package models

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"genxai/train"
)

const tinyForecaster = `model: {kind: forecaster, window: 8, hidden: [8]}
data: {path: "builtin:sunspots", val_fraction: 0.15, test_fraction: 0.2}
seed: 3
device: cpu
train: {steps: 80, batch_size: 16, lr: 1.0e-2}
`

// The split is chronological, every window lies inside its segment, and the
// series is standardized with the training segment's statistics.
func TestSeriesSplitChronological(t *testing.T) {
	sp, err := NewSeriesSplit(loadConfig(t, tinyForecaster))
	if err != nil {
		t.Fatal(err)
	}
	n := len(sp.Y)
	if n != 309 || sp.TestStart != n-62 || sp.ValStart != sp.TestStart-46 || sp.Series.Time[sp.TestStart] != 1947 {
		t.Fatalf("309 sunspot years split at %d and %d (test from %v), want 201 and 247 (1947)", sp.ValStart, sp.TestStart, sp.Series.Time[sp.TestStart])
	}
	seen := map[int]string{}
	for _, seg := range []string{"train", "val", "test"} {
		from, to := sp.Segment(seg)
		ts := sp.Targets(seg)
		if len(ts) != to-from-sp.Window {
			t.Errorf("%s: %d targets in [%d, %d), want %d", seg, len(ts), from, to, to-from-sp.Window)
		}
		for _, s := range ts {
			if s-sp.Window < from || s >= to || seen[s] != "" {
				t.Errorf("%s: the window of target %d starts at %d, outside [%d, %d) or the target is also in %s", seg, s, s-sp.Window, from, to, seen[s])
			}
			seen[s] = seg
		}
	}
	var mean float64
	for _, v := range sp.Y[:sp.ValStart] {
		mean += v / float64(sp.ValStart)
	}
	if math.Abs(sp.Mean-mean) > 1e-5*mean || math.Abs(sp.Standardize(sp.Original(1.5))-1.5) > 1e-12 {
		t.Errorf("mean %v, want the training mean %v; or Standardize does not invert Original", sp.Mean, mean)
	}
	x := make([]float32, sp.Window)
	sp.WindowAt(sp.Y, 20, x)
	if want := float32(sp.Standardize(sp.Y[19])); x[sp.Window-1] != want || x[0] != float32(sp.Standardize(sp.Y[12])) {
		t.Errorf("window before t=20: %v; want lag 1 (y[19] → %v) last and lag 8 (y[12]) first", x, want)
	}
	if _, err := NewSeriesSplit(loadConfig(t, tinyForecaster, "model.window=62")); err == nil || !strings.Contains(err.Error(), "model.window") {
		t.Errorf("a window as long as the test segment: err = %v, want one naming model.window", err)
	}
}

// A gap in a series CSV is refused by default and filled with data.fill.
func TestForecasterSeriesGaps(t *testing.T) {
	var b strings.Builder
	b.WriteString("day,value\n")
	for d := 0; d < 60; d++ {
		if d != 30 {
			fmt.Fprintf(&b, "%d,%d\n", d, d%7)
		}
	}
	path := filepath.Join(t.TempDir(), "s.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := strings.Replace(tinyForecaster, `"builtin:sunspots"`, path+", time: day", 1)
	if _, err := NewSeriesSplit(loadConfig(t, cfg)); err == nil || !strings.Contains(err.Error(), "line") {
		t.Errorf("a gap with data.fill none: err = %v, want one naming the line", err)
	}
	sp, err := NewSeriesSplit(loadConfig(t, cfg, "data.fill=linear"))
	if err != nil || len(sp.Y) != 60 || sp.Y[30] != 2 {
		t.Errorf("data.fill linear: %v, want 60 values with y[30] = 2 (between 1 and 3)", err)
	}
}

// The forecaster learns: its training loss falls and its one-step test
// error beats the training mean as a forecast; the tape and the plan give
// the same first step.
func TestForecasterLearns(t *testing.T) {
	c := loadConfig(t, tinyForecaster)
	var first [2]float64
	for i, executor := range []string{"tape", "plan"} {
		task, err := NewForecasterTask(c, train.OptimConfigFrom(c), executor)
		if err != nil {
			t.Fatal(err)
		}
		losses := runSteps(t, task, 80, func(step int64) train.StepInput {
			batch := make([]int, 16)
			for j := range batch {
				batch[j] = int((step*16 + int64(j)*7) % int64(task.TrainSize()))
			}
			return train.StepInput{Batch: batch, Step: step, LR: 1e-2, Rng: train.StepRand(3, step), Seed: 3}
		})
		first[i] = losses[0]
		if !(mean(losses[70:]) < 0.5*mean(losses[:5])) {
			t.Errorf("%s: loss %.3f → %.3f, want it at least halved", executor, mean(losses[:5]), mean(losses[70:]))
		}
		eval, err := task.Evaluate(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		sp := task.Split()
		var naive float64
		ts := sp.Targets("test")
		for _, s := range ts {
			naive += (sp.Y[s] - sp.Mean) * (sp.Y[s] - sp.Mean) / float64(len(ts))
		}
		if !(eval["test_rmse"] < math.Sqrt(naive)) || !(eval["test_mae"] <= eval["test_rmse"]) || !(eval["val_rmse"] > 0) {
			t.Errorf("%s: evaluation %v; the training mean forecasts with RMSE %.2f", executor, eval, math.Sqrt(naive))
		}
		task.Close()
	}
	if math.Abs(first[0]-first[1]) > 1e-5*first[0] {
		t.Errorf("first-step loss: tape %v, plan %v", first[0], first[1])
	}
}
