// Package train runs training jobs: it turns a validated config into a task
// (a model family's graphs over its data), drives the epoch loop with the
// optimizer and schedule, and keeps the run directory: config.yaml,
// metrics.jsonl, pictures, checkpoints and summary.json.
package train

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"genxai/config"
	"genxai/cuda"
	"genxai/engine/blas"
	"genxai/runs"
	"genxai/runs/checkpoint"
)

// TaskBuilder makes a Task from a validated training config. Each model
// family has one (models.Family.NewTask).
type TaskBuilder func(c *config.Config, opt OptimConfig, executor string) (Task, error)

// Request describes one training run.
type Request struct {
	Config *config.Config
	OutDir string // the run directory; for a resumed run, the directory resumed from unless set
	Resume string // a run directory to continue from its checkpoint, or ""
	// Overwrite (--force) allows a new run into a directory that holds
	// anything a run could overwrite; the earlier run's files are deleted
	// (runs.Create).
	Overwrite bool
	// Command is the command recorded in run.json: "train" (when empty) or
	// "demo".
	Command string
	Log     io.Writer // progress and messages; os.Stdout when nil
	// NewTask builds the model family's Task from the config (see package
	// models, which fills it from the family registered for model.kind).
	NewTask TaskBuilder
}

// OptimConfigFrom reads the optimizer settings of a training config.
func OptimConfigFrom(c *config.Config) OptimConfig {
	return OptimConfig{
		Kind: c.String("train.optimizer"), Beta1: c.Float("train.beta1"), Beta2: c.Float("train.beta2"),
		Eps: c.Float("train.eps"), Momentum: c.Float("train.momentum"),
		WeightDecay: c.Float("train.weight_decay"), GradClip: c.Float("train.grad_clip"),
	}
}

// DefaultRunDir is runs/<kind>-<UTC time>.
func DefaultRunDir(kind string) string {
	return filepath.Join("runs", fmt.Sprintf("%s-%s", kind, time.Now().UTC().Format("20060102-150405")))
}

// Run trains the model a config describes and returns the summary it wrote.
//
// A new run goes to req.OutDir through runs.Create (so a directory holding
// anything else is refused without req.Overwrite). A resumed run in its own
// directory takes that directory's lock first, then reads and checks the
// checkpoint (its metadata against the task and options, the config against
// the checkpoint's: only ResumableKeys may change, and the changes are
// printed and logged to metrics.jsonl), and only then cuts metrics.jsonl back
// to the checkpoint's step; a resume that fails changes nothing.
func Run(ctx context.Context, req Request) (map[string]any, error) {
	c := req.Config
	log := req.Log
	if log == nil {
		log = os.Stdout
	}
	kind := c.String("model.kind")
	if req.NewTask == nil {
		return nil, fmt.Errorf("model.kind %q: no task builder given (train.Request.NewTask; use models.Train)", kind)
	}
	command := req.Command
	if command == "" {
		command = "train"
	}
	out := req.OutDir
	if out == "" {
		out = req.Resume
	}
	if out == "" {
		out = DefaultRunDir(kind)
	}
	settings := c.Settings()
	var dir *runs.Dir
	inPlace := req.Resume != "" && samePath(out, req.Resume)
	if inPlace {
		d, err := runs.Resume(out, "train", "demo")
		if err != nil {
			return nil, err
		}
		defer d.Close()
		dir = d
	}
	var ts []checkpoint.Tensor
	var meta checkpoint.Meta
	var changes []Change
	if req.Resume != "" {
		var err error
		if ts, meta, err = checkpoint.Load(req.Resume); err != nil {
			return nil, err
		}
		if changes, err = ConfigChanges(meta.Config, settings); err != nil {
			return nil, fmt.Errorf("resuming %s: %w", req.Resume, err)
		}
	}
	m, err := UseMachine(c, log)
	if err != nil {
		return nil, err
	}
	device, why, blasName := m.Device, m.Why, m.BLAS

	task, err := req.NewTask(c, OptimConfigFrom(c), c.String("train.executor"))
	if err != nil {
		return nil, err
	}
	defer task.Close()
	opts := Options{
		Seed: int64(c.Int("seed")), Epochs: c.Int("train.epochs"), Steps: int64(c.Int("train.steps")),
		BatchSize: c.Int("train.batch_size"), LogEvery: int64(c.Int("train.log_every")), Out: log,
	}
	total := TotalSteps(opts, task.TrainSize())
	var pos Position
	if req.Resume != "" {
		if pos, err = Restore(req.Resume, task, ts, meta, opts); err != nil {
			return nil, err
		}
		// A run killed after its last checkpoint but before summary.json
		// is finished (evaluated and summarized) rather than refused.
		if _, err := os.Stat(filepath.Join(req.Resume, runs.SummaryFile)); err == nil || pos.Step != total {
			if err := checkRemaining(pos, total); err != nil {
				return nil, err
			}
		}
		fmt.Fprintf(log, "resuming %s at epoch %d, step %d\n", req.Resume, pos.Epoch+1, pos.Step)
		for _, ch := range changes {
			fmt.Fprintf(log, "resume changes %s: %s → %s\n", ch.Key, ch.Old, ch.New)
		}
	}
	if !inPlace {
		d, err := runs.Create(out, command, req.Overwrite)
		if err != nil {
			return nil, err
		}
		defer d.Close()
		dir = d
	}
	if err := startMetrics(dir, pos.Step, changes, log); err != nil {
		return nil, err
	}
	if err := dir.WriteConfig(settings); err != nil {
		return nil, err
	}
	sched := Schedule{Kind: c.String("train.schedule"), Base: c.Float("train.lr"), Min: c.Float("train.min_lr"), Warmup: int64(c.Int("train.warmup_steps")), Total: total}
	fmt.Fprintf(log, "%s: %d parameters, %d training examples, %d steps, run directory %s\n", kind, task.Store().NumParams(), task.TrainSize(), total, dir.Path)
	var res *Outcome
	if pos.Step >= total {
		res, err = finish(ctx, task, pos)
	} else {
		res, err = Loop(ctx, task, opts, sched, dir, pos, settings)
	}
	if err != nil {
		return nil, err
	}
	summary := map[string]any{
		"model":         kind,
		"epochs":        res.Epochs,
		"steps":         res.Steps,
		"seconds":       res.Seconds,
		"device":        device,
		"device_reason": why,
		"executor":      task.Executor(),
		"blas":          blasName,
		"blas_threads":  blas.Threads(),
		"threads":       runtime.GOMAXPROCS(0),
		"parameters":    task.Store().NumParams(),
	}
	if res.Stopped != "" {
		summary["stopped"] = res.Stopped
	}
	if len(changes) > 0 {
		summary[runs.ResumeKey] = ChangesRecord(pos.Step, changes)[runs.ResumeKey]
	}
	for k, v := range res.Final {
		summary[k] = v
	}
	if err := dir.WriteSummary(summary); err != nil {
		return nil, err
	}
	return summary, nil
}

// startMetrics cuts the run's metrics.jsonl back to step (records logged
// after the checkpoint it resumes from) and logs the resume's config
// changes, if any.
func startMetrics(dir *runs.Dir, step int64, changes []Change, log io.Writer) error {
	n, err := dir.TruncateMetrics(step)
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintf(log, "removed %d metrics record(s) logged after the checkpoint at step %d\n", n, step)
	}
	if len(changes) == 0 {
		return nil
	}
	m, err := dir.OpenMetrics()
	if err != nil {
		return err
	}
	if err := m.Log(ChangesRecord(step, changes)); err != nil {
		m.Close()
		return err
	}
	return m.Close()
}

// samePath reports whether a and b name the same directory.
func samePath(a, b string) bool {
	if fa, err := os.Stat(a); err == nil {
		if fb, err := os.Stat(b); err == nil {
			return os.SameFile(fa, fb)
		}
	}
	return filepath.Clean(a) == filepath.Clean(b)
}

// finish evaluates a run whose checkpoint is already at its last step (its
// process died before writing summary.json) for the summary; the
// evaluation's metrics record was logged before that checkpoint.
func finish(ctx context.Context, task Task, pos Position) (*Outcome, error) {
	eval, err := task.Evaluate(ctx)
	if err != nil {
		return nil, fmt.Errorf("evaluating the finished run: %w", err)
	}
	epochs := pos.Epoch
	if pos.Batch > 0 {
		epochs++
	}
	return &Outcome{Epochs: epochs, Steps: pos.Step, Final: eval}, nil
}

// Machine is what a run runs on: the device the config's device key
// resolved to and why, and the BLAS in use.
type Machine struct {
	Device, Why, BLAS string
}

// UseMachine resolves the config's device for its executor, applies
// train.threads, train.blas_threads and tf32, installs the BLAS and logs
// the device choice and the BLAS: the start of every run and bench.
func UseMachine(c *config.Config, log io.Writer) (Machine, error) {
	device, why, err := ResolveDevice(c.String("device"), c.String("train.executor"))
	if err != nil {
		return Machine{}, err
	}
	if n := c.Int("train.threads"); n > 0 {
		runtime.GOMAXPROCS(n)
	}
	if n := c.Int("train.blas_threads"); n > 0 {
		blas.SetThreads(n)
	}
	cuda.UseTF32(c.Bool("tf32"))
	m := Machine{Device: device, Why: why, BLAS: blas.Use()}
	fmt.Fprintf(log, "%s\nBLAS: %s\n", why, m.BLAS)
	return m, nil
}
