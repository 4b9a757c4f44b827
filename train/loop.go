package train

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand"
	"os"
	"slices"
	"time"

	"genxai/data"
	"genxai/nets"
	"genxai/runs"
	"genxai/runs/checkpoint"
)

// Task is one model family's side of training. The Loop owns the order of the
// data, the schedule, checkpoints, progress and interruption; a Task builds its
// graphs, feeds a batch, runs its optimizers and evaluates.
type Task interface {
	// Kind is the config's model.kind.
	Kind() string
	// Store holds every tensor a checkpoint must keep.
	Store() *nets.Store
	// Optimizers lists the task's optimizers by checkpoint prefix (a GAN has two).
	Optimizers() map[string]*Optimizer
	// TrainSize is the number of training examples in an epoch.
	TrainSize() int
	// Step trains on one batch of training indices.
	Step(in StepInput) (StepResult, error)
	// Evaluate computes the held-out metrics reported after each epoch; the
	// first key of Headline names the one the progress line shows.
	Evaluate(ctx context.Context) (map[string]float64, error)
	// Artifacts writes the per-epoch pictures into the run directory.
	Artifacts(dir *runs.Dir, epoch int) error
	// Executor names the executor the task runs on, for summary.json.
	Executor() string
	// Sync brings the state a step updates (parameters, optimizer moments,
	// running statistics) back into the Store and the optimizers, where
	// checkpoints, evaluations and pictures read it.
	Sync() error
	// Close releases the executors.
	Close() error
}

// StepInput is what a Task needs for one optimizer step.
type StepInput struct {
	Batch []int      // indices into the training set
	Step  int64      // 0-based global step
	Epoch int        // 0-based epoch
	LR    float64    // learning rate for this step
	Rng   *rand.Rand // host randomness of this step (extra GAN batches), seeded from (seed, step)
	Seed  int64      // the run's seed: with Step, the key of the step's random inputs (StepKey)
}

// StepResult is what a step reports.
type StepResult struct {
	Loss    float64            // the value the progress line and the NaN guard watch
	Metrics map[string]float64 // extra per-step numbers for metrics.jsonl
	// Later, when set, gives Loss and Metrics, which are not known yet: the
	// step was queued on a device that runs it while the host prepares the
	// next one (the CUDA backend's captured step). The Loop calls it once,
	// after the next step was queued and before the one after that.
	Later func() (StepResult, error)
}

// Options are the run settings the Loop itself uses.
type Options struct {
	Seed      int64
	Epochs    int
	Steps     int64 // when > 0, stop after this many optimizer steps
	BatchSize int
	LogEvery  int64
	Out       io.Writer // progress output; os.Stdout when nil
}

// Position is where a run stands: the resume point stored in a checkpoint.
type Position struct {
	Epoch int   // 0-based epoch in progress
	Batch int   // batches of that epoch already done
	Step  int64 // optimizer steps done
}

// Interrupted is returned when the context is cancelled (Ctrl-C): a checkpoint
// was written at the current position and the process should exit with 130.
type Interrupted struct {
	Dir  string
	Step int64
}

func (e *Interrupted) Error() string {
	return fmt.Sprintf("interrupted at step %d; checkpoint written to %s (continue with --resume %s)", e.Step, e.Dir, e.Dir)
}

// ExitCode is 130, the shell's code for a process ended by SIGINT.
func (e *Interrupted) ExitCode() int { return 130 }

// Outcome summarizes a finished run.
type Outcome struct {
	Epochs  int
	Steps   int64
	Seconds float64
	Final   map[string]float64 // the last evaluation
	Stopped string             // why the run ended early, if it did
}

// pendingStep is a step whose result the Loop has not accounted for yet.
type pendingStep struct {
	r     StepResult
	step  int64 // 0-based
	epoch int
	lr    float64
	set   bool
}

// StepsPerEpoch is the number of batches in an epoch of n examples (the last,
// shorter batch included).
func StepsPerEpoch(n, batch int) int64 { return int64((n + batch - 1) / batch) }

// TotalSteps is the number of optimizer steps the run will make.
func TotalSteps(o Options, n int) int64 {
	if o.Steps > 0 {
		return o.Steps
	}
	return int64(o.Epochs) * StepsPerEpoch(n, o.BatchSize)
}

// checkRemaining fails when a resumed run has no step left to make.
func checkRemaining(pos Position, total int64) error {
	if pos.Step >= total {
		return fmt.Errorf("the checkpoint is at step %d and the run has %d steps: nothing to do (raise train.epochs or train.steps with --set)", pos.Step, total)
	}
	return nil
}

// StepRand returns the random source for a global step. It depends only on the
// seed and the step, so a resumed run draws the same noise as an unbroken one.
// It is seeded at its first draw: most steps draw nothing from it, and
// seeding math/rand's source fills 607 words (about 10 µs, a few percent of a
// GPU step's host time).
func StepRand(seed, step int64) *rand.Rand {
	return rand.New(&lazySource{seed: seed*1_000_003 + step + 1})
}

// lazySource is rand.NewSource(seed), made at its first use.
type lazySource struct {
	seed int64
	src  rand.Source64
}

func (s *lazySource) get() rand.Source64 {
	if s.src == nil {
		s.src = rand.NewSource(s.seed).(rand.Source64)
	}
	return s.src
}

func (s *lazySource) Int63() int64    { return s.get().Int63() }
func (s *lazySource) Uint64() uint64  { return s.get().Uint64() }
func (s *lazySource) Seed(seed int64) { s.seed, s.src = seed, nil }

// Loop trains task from position pos, evaluating, drawing and checkpointing
// after every epoch, and checkpointing on interruption. sched gives the
// learning rate of each step.
func Loop(ctx context.Context, task Task, o Options, sched Schedule, dir *runs.Dir, pos Position, settings map[string]any) (*Outcome, error) {
	out := o.Out
	if out == nil {
		out = os.Stdout
	}
	metrics, err := dir.OpenMetrics()
	if err != nil {
		return nil, err
	}
	defer metrics.Close()
	n := task.TrainSize()
	total := TotalSteps(o, n)
	if err := checkRemaining(pos, total); err != nil {
		return nil, err
	}
	epochs := o.Epochs
	if o.Steps > 0 {
		epochs = int((total + StepsPerEpoch(n, o.BatchSize) - 1) / StepsPerEpoch(n, o.BatchSize))
	}
	every := o.LogEvery
	if every <= 0 {
		every = 50
	}
	prog := NewProgress(out, total, pos.Step, every)
	defer prog.Finish()
	start := time.Now()
	res := &Outcome{}
	step := pos.Step
	lastGood := "none yet"
	if pos.Step > 0 {
		lastGood = fmt.Sprintf("%s (step %d)", dir.Path, pos.Step)
	}
	var running float64
	var runningN int
	save := func(p Position) error {
		if err := task.Sync(); err != nil {
			return err
		}
		if err := SaveCheckpoint(dir.Path, task, o.Seed, p, settings); err != nil {
			return err
		}
		lastGood = fmt.Sprintf("%s (step %d)", dir.Path, p.Step)
		return nil
	}
	// A step's result is accounted for in step order by settle: the NaN
	// guard, the running loss, the progress line and the metrics record. A
	// result that comes later (StepResult.Later) is settled after the next
	// step was queued, and always before a checkpoint or an evaluation.
	var late pendingStep
	settle := func() error {
		if !late.set {
			return nil
		}
		p := late
		late = pendingStep{}
		r := p.r
		if r.Later != nil {
			var err error
			if r, err = r.Later(); err != nil {
				return fmt.Errorf("step %d: %w", p.step, err)
			}
		}
		if math.IsNaN(r.Loss) || math.IsInf(r.Loss, 0) {
			seen := ""
			if p.r.Later != nil {
				seen = " (read back late: the device may have run the next step, which is not saved either)"
			}
			return fmt.Errorf("the loss became %v at step %d (epoch %d)%s; the run stopped without saving these weights. The last good checkpoint is %s. Lower train.lr or set train.grad_clip, then resume from it", r.Loss, p.step, p.epoch+1, seen, lastGood)
		}
		done := p.step + 1
		running += r.Loss
		runningN++
		prog.Update(done, p.epoch, epochs, running/float64(runningN))
		if done%every == 0 || done == total {
			rec := map[string]any{"step": done, "epoch": p.epoch + 1, "loss": running / float64(runningN), "lr": p.lr, "seconds": time.Since(start).Seconds()}
			for k, v := range r.Metrics {
				rec[k] = v
			}
			if err := metrics.Log(rec); err != nil {
				return err
			}
			running, runningN = 0, 0
		}
		return nil
	}
	for epoch := pos.Epoch; epoch < epochs && step < total; epoch++ {
		batches := data.Batches(data.Permutation(n, o.Seed, epoch), o.BatchSize)
		first := 0
		if epoch == pos.Epoch {
			first = pos.Batch
		}
		bi := first
		for ; bi < len(batches) && step < total; bi++ {
			if ctx.Err() != nil {
				if err := settle(); err != nil {
					return nil, err
				}
				prog.Printf("\ninterrupted: writing a checkpoint at step %d\n", step)
				if err := save(Position{Epoch: epoch, Batch: bi, Step: step}); err != nil {
					return nil, fmt.Errorf("interrupted, and the checkpoint could not be written: %w", err)
				}
				return nil, &Interrupted{Dir: dir.Path, Step: step}
			}
			lr := sched.At(step)
			r, err := task.Step(StepInput{Batch: batches[bi], Step: step, Epoch: epoch, LR: lr, Rng: StepRand(o.Seed, step), Seed: o.Seed})
			if err != nil {
				return nil, fmt.Errorf("step %d: %w", step, err)
			}
			// The step before this one is settled only now, so that the
			// device runs this one while the host accounts for it.
			if err := settle(); err != nil {
				return nil, err
			}
			late = pendingStep{r: r, step: step, epoch: epoch, lr: lr, set: true}
			step++
			if r.Later == nil {
				if err := settle(); err != nil {
					return nil, err
				}
			}
		}
		if err := settle(); err != nil {
			return nil, err
		}
		done := step >= total || epoch == epochs-1
		epochComplete := step%StepsPerEpoch(n, o.BatchSize) == 0 || done
		if !epochComplete {
			continue
		}
		if err := task.Sync(); err != nil {
			return nil, err
		}
		eval, err := task.Evaluate(ctx)
		if err != nil {
			return nil, fmt.Errorf("evaluating after epoch %d: %w", epoch+1, err)
		}
		rec := map[string]any{"epoch": epoch + 1, "step": step, "seconds": time.Since(start).Seconds()}
		line := fmt.Sprintf("epoch %d/%d done (step %d)", epoch+1, epochs, step)
		for _, k := range slices.Sorted(maps.Keys(eval)) {
			rec[k] = eval[k]
			line += fmt.Sprintf("  %s %.4f", k, eval[k])
		}
		prog.Printf("%s\n", line)
		if err := metrics.Log(rec); err != nil {
			return nil, err
		}
		if err := task.Artifacts(dir, epoch+1); err != nil {
			return nil, fmt.Errorf("drawing after epoch %d: %w", epoch+1, err)
		}
		// A run cut short by train.steps stops inside an epoch: the checkpoint
		// keeps that place, so extending the run continues the same order.
		next := Position{Epoch: epoch + 1, Batch: 0, Step: step}
		if bi < len(batches) {
			next = Position{Epoch: epoch, Batch: bi, Step: step}
		}
		if err := save(next); err != nil {
			return nil, err
		}
		res.Final = eval
		res.Epochs = epoch + 1
	}
	res.Steps = step
	res.Seconds = time.Since(start).Seconds()
	if o.Steps > 0 && step >= o.Steps {
		res.Stopped = fmt.Sprintf("train.steps = %d reached", o.Steps)
	}
	return res, nil
}

// SaveCheckpoint writes the task's tensors, its optimizers' state and the
// position into dir as one checkpoint.safetensors, atomically.
func SaveCheckpoint(dir string, task Task, seed int64, p Position, settings map[string]any) error {
	st := task.Store()
	var ts []checkpoint.Tensor
	for _, name := range st.SortedNames() {
		t := st.Tensor(name)
		ts = append(ts, checkpoint.Tensor{Name: name, DType: "F32", Shape: append([]int(nil), t.Shape()...), F32: append([]float32(nil), st.Data(name)...)})
	}
	state := map[string]any{}
	for prefix, opt := range task.Optimizers() {
		for name, s := range opt.StateTensors(prefix) {
			ts = append(ts, checkpoint.Tensor{Name: name, DType: "F32", Shape: []int{len(s)}, F32: append([]float32(nil), s...)})
		}
		state[prefix+"steps"] = opt.Steps
	}
	meta := checkpoint.Meta{Format: 1, Model: task.Kind(), Step: p.Step, Epoch: p.Epoch, BatchInEpoch: p.Batch, Seed: seed, State: state, Config: settings}
	if err := checkpoint.Save(dir, ts, meta); err != nil {
		return fmt.Errorf("writing the checkpoint: %w", err)
	}
	return nil
}

// Restore checks a loaded checkpoint (ts, meta, read from dir) against the
// task and the run's options (checkMeta, checkOptimizerTensors), then
// restores the task's tensors and optimizer state and returns the position
// to resume from. Nothing is restored when a check fails.
func Restore(dir string, task Task, ts []checkpoint.Tensor, meta checkpoint.Meta, o Options) (Position, error) {
	if err := checkMeta(meta, task, o); err != nil {
		return Position{}, fmt.Errorf("resuming %s: %w", dir, err)
	}
	if err := checkOptimizerTensors(task, ts); err != nil {
		return Position{}, fmt.Errorf("resuming %s: %w", dir, err)
	}
	if err := RestoreStore(task.Store(), ts, dir); err != nil {
		return Position{}, err
	}
	opt := map[string][]float32{}
	for _, t := range ts {
		if task.Store().Tensor(t.Name) == nil {
			opt[t.Name] = t.F32
		}
	}
	for prefix, o := range task.Optimizers() {
		steps, _ := meta.Int64(prefix + "steps") // checked by checkMeta
		o.LoadState(prefix, opt, steps)
	}
	return Position{Epoch: meta.Epoch, Batch: meta.BatchInEpoch, Step: meta.Step}, nil
}

// RestoreStore copies checkpoint tensors into a model's store. Every tensor
// the model has must be in the checkpoint with the same shape.
func RestoreStore(st *nets.Store, ts []checkpoint.Tensor, dir string) error {
	byName := map[string]checkpoint.Tensor{}
	for _, t := range ts {
		byName[t.Name] = t
	}
	for _, name := range st.Names() {
		t, ok := byName[name]
		if !ok {
			return fmt.Errorf("%s: the checkpoint has no tensor %q that the model needs: was it written by another model configuration?", dir, name)
		}
		if t.DType != "F32" {
			return fmt.Errorf("%s: tensor %q is %s, expected F32", dir, name, t.DType)
		}
		if err := st.Set(name, t.Shape, t.F32); err != nil {
			return fmt.Errorf("%s: %w", dir, err)
		}
	}
	return nil
}
