package models

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"genxai/runs/checkpoint"
	"genxai/train"
)

// lateResults gives every step's result later (StepResult.Later), as the
// CUDA backend's captured step does, and checks the Loop's side of that
// contract: a step is queued only once every step but the one before it
// has been read, and each result is read once. nanAt ≥ 0 makes that
// step's loss NaN.
type lateResults struct {
	train.Task
	t      *testing.T
	unread map[int64]bool
	nanAt  int64
}

func (l lateResults) Step(in train.StepInput) (train.StepResult, error) {
	for s := range l.unread {
		if s < in.Step-1 {
			l.t.Errorf("step %d queued while step %d's result was still unread", in.Step, s)
		}
	}
	r, err := l.Task.Step(in)
	if err != nil {
		return r, err
	}
	if in.Step == l.nanAt {
		r.Loss = math.NaN()
	}
	l.unread[in.Step] = true
	return train.StepResult{Later: func() (train.StepResult, error) {
		if !l.unread[in.Step] {
			l.t.Errorf("step %d's result read twice", in.Step)
		}
		delete(l.unread, in.Step)
		return r, nil
	}}, nil
}

// metricsWithoutTime reads a run's metrics.jsonl without the wall-clock
// field.
func metricsWithoutTime(t *testing.T, dir string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "metrics.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		delete(rec, "seconds")
		out = append(out, rec)
	}
	return out
}

// loopDigits runs the Loop over the digits VAE (two epochs) in a new run
// directory, the task wrapped by wrap.
func loopDigits(t *testing.T, wrap func(train.Task) train.Task) (string, error) {
	t.Helper()
	c := loadConfig(t, digitsVAE)
	task, err := NewVAETask(c, train.OptimConfigFrom(c), c.String("train.executor"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { task.Close() })
	dir := t.TempDir()
	rd := mustRunDir(t, dir)
	defer rd.Close()
	o := train.Options{Seed: 3, Epochs: 2, BatchSize: 64, LogEvery: 10, Out: io.Discard}
	sched := train.Schedule{Kind: "constant", Base: c.Float("train.lr")}
	_, err = train.Loop(context.Background(), wrap(task), o, sched, rd, train.Position{}, c.Settings())
	return dir, err
}

// Results that come one step late (the CUDA backend's captured steps)
// change nothing the run writes: the same metrics records (but for their
// times) and bitwise the same checkpoint as results known at once.
func TestLateResultsLogAndSaveTheSame(t *testing.T) {
	now, err := loopDigits(t, func(x train.Task) train.Task { return x })
	if err != nil {
		t.Fatal(err)
	}
	unread := map[int64]bool{}
	late, err := loopDigits(t, func(x train.Task) train.Task { return lateResults{Task: x, t: t, unread: unread, nanAt: -1} })
	if err != nil {
		t.Fatal(err)
	}
	if len(unread) != 0 {
		t.Errorf("results of steps %v were never read", unread)
	}
	if a, b := metricsWithoutTime(t, now), metricsWithoutTime(t, late); !reflect.DeepEqual(a, b) {
		t.Errorf("metrics differ:\n%v\n%v", a, b)
	}
	sameWeights(t, weights(t, now), weights(t, late))
}

// A NaN loss found one step late still stops the run with its step, says
// it was read back late, and leaves the last good checkpoint (the end of
// the first epoch) as it was.
func TestLateNaNLossStopsWithoutCheckpoint(t *testing.T) {
	dir, err := loopDigits(t, func(x train.Task) train.Task {
		return lateResults{Task: x, t: t, unread: map[int64]bool{}, nanAt: 25}
	})
	if err == nil {
		t.Fatal("a NaN loss did not stop the run")
	}
	for _, want := range []string{"NaN", "step 25", "read back late", dir + " (step 23)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not contain %q", err, want)
		}
	}
	_, meta, err := checkpoint.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if meta.Step != 23 {
		t.Errorf("the checkpoint is at step %d, want the last good one (23)", meta.Step)
	}
}
