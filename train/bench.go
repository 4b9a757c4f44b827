package train

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	"genxai/data"
)

// BenchOptions says how Bench times a task's training steps.
type BenchOptions struct {
	Warmup    int     // untimed steps first (compilation, capture, caches)
	Steps     int     // timed steps per round
	Rounds    int     // rounds; the result is their median
	BatchSize int     // examples per step
	LR        float64 // learning rate of every step
	Seed      int64   // the run's seed: data order and the steps' random inputs
	Progress  io.Writer
}

// BenchResult is what Bench measured.
type BenchResult struct {
	// RoundMS is each round's time per step in milliseconds, in order.
	RoundMS []float64
	// MS is the median of RoundMS.
	MS float64
	// Steps is the number of steps run, the warm-up included.
	Steps int
	// Examples is the number of examples of one step.
	Examples int
}

// Bench runs o.Warmup steps of task untimed, then o.Rounds rounds of
// o.Steps timed steps, on batches in the order an epoch of a run with
// o.Seed takes them, exactly as Loop runs steps: a step whose result comes
// later (StepResult.Later: the CUDA backend's captured step) is settled
// after the next one is queued, and a round's clock stops only once its
// last step is settled, so a round times the device's work and not just
// the queueing. A step's loss that is not finite is an error (it would
// time a diverged run).
func Bench(ctx context.Context, task Task, o BenchOptions) (BenchResult, error) {
	if o.Steps < 1 || o.Rounds < 1 || o.Warmup < 0 {
		return BenchResult{}, fmt.Errorf("bench: %d steps in %d rounds after %d warm-up steps: steps and rounds must be at least 1, warm-up at least 0", o.Steps, o.Rounds, o.Warmup)
	}
	n := task.TrainSize()
	if o.BatchSize < 1 || n < 1 {
		return BenchResult{}, fmt.Errorf("bench: a batch of %d from %d training examples: both must be at least 1", o.BatchSize, n)
	}
	var batches [][]int
	epoch := 0
	var step int64
	var late func() (StepResult, error)
	settle := func() error {
		if late == nil {
			return nil
		}
		r, err := late()
		late = nil
		if err == nil && (math.IsNaN(r.Loss) || math.IsInf(r.Loss, 0)) {
			err = fmt.Errorf("the loss became %v; lower train.lr", r.Loss)
		}
		if err != nil {
			return fmt.Errorf("bench: step %d: %w", step, err)
		}
		return nil
	}
	run := func(k int) error {
		for range k {
			if err := ctx.Err(); err != nil {
				return err
			}
			if len(batches) == 0 {
				batches = data.Batches(data.Permutation(n, o.Seed, epoch), o.BatchSize)
				epoch++
			}
			batch := batches[0]
			batches = batches[1:]
			r, err := task.Step(StepInput{Batch: batch, Step: step, Epoch: epoch - 1, LR: o.LR, Rng: StepRand(o.Seed, step), Seed: o.Seed})
			if err != nil {
				return fmt.Errorf("bench: step %d: %w", step, err)
			}
			if err := settle(); err != nil {
				return err
			}
			step++
			late = r.Later
			if late == nil {
				late = func() (StepResult, error) { return r, nil }
			}
		}
		return settle()
	}
	res := BenchResult{Examples: min(o.BatchSize, n)}
	if err := run(o.Warmup); err != nil {
		return res, err
	}
	for r := range o.Rounds {
		start := time.Now()
		if err := run(o.Steps); err != nil {
			return res, err
		}
		ms := float64(time.Since(start)) / 1e6 / float64(o.Steps)
		res.RoundMS = append(res.RoundMS, ms)
		if o.Progress != nil {
			fmt.Fprintf(o.Progress, "round %d/%d: %.3f ms per step\n", r+1, o.Rounds, ms)
		}
	}
	res.Steps = int(step)
	res.MS = median(res.RoundMS)
	return res, nil
}

// median returns the median of xs (the mean of the middle two for an even
// count).
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 0 {
		return (s[m-1] + s[m]) / 2
	}
	return s[m]
}
