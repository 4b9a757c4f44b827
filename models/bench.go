package models

import (
	"context"
	"fmt"
	"io"

	"genxai/config"
	"genxai/cuda"
	"genxai/engine"
	"genxai/train"
)

// BenchReport is what genxai bench measured for one config: the time of a
// training step on the chosen device and executor, and, on a GPU, how
// close that is to the least time the device could take for the step.
type BenchReport struct {
	Config   string `json:"config"`
	Kind     string `json:"kind"`
	Device   string `json:"device"`
	Why      string `json:"device_reason"`
	GPU      string `json:"gpu,omitempty"`
	Executor string `json:"executor"`
	TF32     bool   `json:"tf32"` // the config's tf32 (cuBLAS on TF32 tensor cores; the floor stays FP32's)
	BLAS     string `json:"blas"`
	Batch    int    `json:"batch"`
	Warmup   int    `json:"warmup"`
	Steps    int    `json:"steps"` // timed per round
	Rounds   int    `json:"rounds"`
	// MS is the median over rounds of the time per step, RoundMS each
	// round's.
	MS      float64   `json:"ms"`
	RoundMS []float64 `json:"round_ms"`
	// ExamplesPerSecond is Batch ÷ MS.
	ExamplesPerSecond float64 `json:"examples_per_s"`
	// FLOPs and Bytes are one step's cost (engine.Cost: the products'
	// operations, and the least memory the step touches), over every plan
	// the step runs; 0 on the tape executor, which has no plan to count.
	FLOPs float64 `json:"flops"`
	Bytes float64 `json:"bytes"`
	// PeakFLOPS and PeakBandwidth are the GPU's (cuda.DeviceInfo), 0 on
	// the CPU.
	PeakFLOPS     float64 `json:"peak_flops"`
	PeakBandwidth float64 `json:"peak_bytes_per_s"`
	// FloorMS is the roofline floor of the step, max(FLOPs ÷ PeakFLOPS,
	// Bytes ÷ PeakBandwidth), and FloorFraction = FloorMS ÷ MS, the
	// fraction of it the step reaches; both 0 when a peak is unknown.
	FloorMS       float64 `json:"floor_ms"`
	FloorFraction float64 `json:"floor_fraction"`
}

// BenchOptions are genxai bench's settings besides the config.
type BenchOptions struct {
	Warmup, Steps, Rounds int
	Log                   io.Writer // the device choice and the rounds
}

// Bench times training steps of the model a training config describes
// (the family's task, as genxai train builds it, on the config's device and
// executor; batches of train.batch_size in the order of the run's first
// epoch, at train.lr) and counts their cost (engine.StartCounting). No run
// directory is written; the weights are the fresh initialisation's. name
// stands for the config in the report.
func Bench(ctx context.Context, c *config.Config, name string, o BenchOptions) (BenchReport, error) {
	if o.Steps < 1 || o.Rounds < 1 || o.Warmup < 0 {
		return BenchReport{}, fmt.Errorf("bench: --steps %d, --rounds %d, --warmup %d: steps and rounds must be at least 1, warm-up at least 0", o.Steps, o.Rounds, o.Warmup)
	}
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	f, err := Lookup(c.String("model.kind"))
	if err != nil {
		return BenchReport{}, err
	}
	m, err := train.UseMachine(c, log)
	if err != nil {
		return BenchReport{}, err
	}
	rep := BenchReport{
		Config: name, Kind: f.Kind, Device: m.Device, Why: m.Why, BLAS: m.BLAS, TF32: c.Bool("tf32"),
		Batch: c.Int("train.batch_size"), Warmup: o.Warmup, Steps: o.Steps, Rounds: o.Rounds,
	}
	engine.StartCounting()
	task, err := f.NewTask(c, train.OptimConfigFrom(c), c.String("train.executor"))
	if err != nil {
		engine.StopCounting()
		return rep, err
	}
	defer task.Close()
	rep.Executor = task.Executor()
	res, err := train.Bench(ctx, task, train.BenchOptions{
		Warmup: o.Warmup, Steps: o.Steps, Rounds: o.Rounds, BatchSize: rep.Batch,
		LR: c.Float("train.lr"), Seed: int64(c.Int("seed")), Progress: log,
	})
	cost := engine.StopCounting()
	if err != nil {
		return rep, err
	}
	rep.Batch = res.Examples
	rep.MS, rep.RoundMS = res.MS, res.RoundMS
	rep.ExamplesPerSecond = float64(res.Examples) / (res.MS / 1e3)
	per := cost.Scale(1 / float64(res.Steps))
	rep.FLOPs, rep.Bytes = per.FLOPs, per.Bytes
	if m.Device == "cuda" {
		if devs, _, _ := cuda.Probe(); len(devs) > 0 {
			rep.GPU, rep.PeakFLOPS, rep.PeakBandwidth = devs[0].Name, devs[0].PeakFLOPS, devs[0].PeakBandwidth
		}
	}
	rep.setFloor()
	return rep, nil
}

// setFloor sets FloorMS and FloorFraction from the cost and the peaks,
// when both peaks and the FLOPs are known.
func (r *BenchReport) setFloor() {
	if r.PeakFLOPS > 0 && r.PeakBandwidth > 0 && r.FLOPs > 0 && r.MS > 0 {
		r.FloorMS = max(r.FLOPs/r.PeakFLOPS, r.Bytes/r.PeakBandwidth) * 1e3
		r.FloorFraction = r.FloorMS / r.MS
	}
}

// String is the report as the lines genxai bench prints.
func (r BenchReport) String() string {
	s := fmt.Sprintf("%s (%s) on %s, %s executor, batch %d: %.3f ms per step (median of %d rounds of %d steps after %d warm-up), %.0f examples/s\n",
		r.Config, r.Kind, r.Device, r.Executor, r.Batch, r.MS, r.Rounds, r.Steps, r.Warmup, r.ExamplesPerSecond)
	s += "rounds (ms per step):"
	for _, ms := range r.RoundMS {
		s += fmt.Sprintf(" %.3f", ms)
	}
	s += "\n"
	if r.FLOPs > 0 {
		s += fmt.Sprintf("cost per step: %.3g GFLOP in products (%.1f GFLOP/s reached), at least %.3g MB of memory touched\n", r.FLOPs/1e9, r.FLOPs/r.MS/1e6, r.Bytes/1e6)
	}
	switch {
	case r.FloorMS > 0:
		s += fmt.Sprintf("floor on %s (%.1f TFLOP/s FP32, %.2f TB/s): %.4f ms per step; the step reaches %.1f%% of it\n",
			r.GPU, r.PeakFLOPS/1e12, r.PeakBandwidth/1e12, r.FloorMS, 100*r.FloorFraction)
	case r.Device == "cpu":
		s += "no floor on the CPU (genxai knows no peak rate for it; scripts/bench/steps.sh measures the sgemm rate instead)\n"
	}
	return s
}
