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
)

// TaskBuilder makes a Task from a validated training config. Each model
// family has one (models.Family.NewTask).
type TaskBuilder func(c *config.Config, opt OptimConfig, executor string) (Task, error)

// Request describes one training run.
type Request struct {
	Config *config.Config
	OutDir string // the run directory; for a resumed run, the directory resumed from unless set
	Resume string // a run directory to continue from its checkpoint, or ""
	// Overwrite allows a new run into a directory that holds an earlier run
	// (its metrics are discarded); without it that is an error.
	Overwrite bool
	Log       io.Writer // progress and messages; os.Stdout when nil
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
	device, why, err := cuda.Choose(c.String("device"))
	if err != nil {
		return nil, err
	}
	if n := c.Int("train.threads"); n > 0 {
		runtime.GOMAXPROCS(n)
	}
	if n := c.Int("train.blas_threads"); n > 0 {
		blas.SetThreads(n)
	}
	blasName := blas.Use()
	fmt.Fprintf(log, "%s\nBLAS: %s\n", why, blasName)

	task, err := req.NewTask(c, OptimConfigFrom(c), c.String("train.executor"))
	if err != nil {
		return nil, err
	}
	defer task.Close()
	out := req.OutDir
	if out == "" {
		out = req.Resume
	}
	if out == "" {
		out = DefaultRunDir(kind)
	}
	var pos Position
	if req.Resume != "" {
		if pos, err = LoadCheckpoint(req.Resume, task); err != nil {
			return nil, err
		}
		fmt.Fprintf(log, "resuming %s at epoch %d, step %d\n", req.Resume, pos.Epoch+1, pos.Step)
	}
	if req.Resume == "" {
		if _, err := os.Stat(filepath.Join(out, "checkpoint.json")); err == nil {
			if !req.Overwrite {
				return nil, fmt.Errorf("%s already holds a run: continue it with --resume %s, or choose another --out (or pass --force to start over there)", out, out)
			}
		}
		if err := os.Remove(filepath.Join(out, "metrics.jsonl")); err != nil && !os.IsNotExist(err) {
			return nil, err
		}
	}
	dir, err := runs.Create(out)
	if err != nil {
		return nil, err
	}
	settings := c.Settings()
	if err := dir.WriteConfig(settings); err != nil {
		return nil, err
	}
	opts := Options{
		Seed: int64(c.Int("seed")), Epochs: c.Int("train.epochs"), Steps: int64(c.Int("train.steps")),
		BatchSize: c.Int("train.batch_size"), LogEvery: int64(c.Int("train.log_every")), Out: log,
	}
	total := TotalSteps(opts, task.TrainSize())
	sched := Schedule{Kind: c.String("train.schedule"), Base: c.Float("train.lr"), Min: c.Float("train.min_lr"), Warmup: int64(c.Int("train.warmup_steps")), Total: total}
	fmt.Fprintf(log, "%s: %d parameters, %d training examples, %d steps, run directory %s\n", kind, task.Store().NumParams(), task.TrainSize(), total, dir.Path)
	res, err := Loop(ctx, task, opts, sched, dir, pos, settings)
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
	for k, v := range res.Final {
		summary[k] = v
	}
	if err := dir.WriteSummary(summary); err != nil {
		return nil, err
	}
	return summary, nil
}
