package models

import (
	"context"
	"math"
	"strings"
	"testing"

	"genxai/train"
)

// TestBenchCountsTheProducts: genxai bench's FLOPs per step are the
// products' 2·m·n·k, counted here by hand from the layer shapes (forward,
// weight gradient, and input gradient where a layer has something before
// it to differentiate), for a dense VAE and a CNN; its bytes cover at
// least the parameters, their gradients and Adam's two moments; and the
// rounds and step counts are what was asked.
func TestBenchCountsTheProducts(t *testing.T) {
	dense := func(rows, in, out, products int) float64 { return 2 * float64(rows*in*out*products) }
	for _, c := range []struct {
		name, yaml string
		flops      float64
		params     int
	}{
		// 64 pixels → 32 → (μ, log σ²) 2·4 → 4 → 32 → 64, batch 64.
		{"vae", digitsVAE, dense(64, 64, 32, 2) + dense(64, 32, 8, 3) + dense(64, 4, 32, 3) + dense(64, 32, 64, 3),
			64*32 + 32 + 32*8 + 8 + 4*32 + 32 + 32*64 + 64},
		// 3×3 convolutions (padding 1) 1→4 at 8×8 and 4→8 at 4×4, each
		// followed by 2×2 pooling, then 32 → 16 → 10, batch 64; the loss
		// is the row-weighted mean, a 1×64 by 64×1 product.
		{"cnn", digitsCNN, dense(64*8*8, 9, 4, 2) + dense(64*4*4, 36, 8, 3) + dense(64, 32, 16, 3) + dense(64, 16, 10, 3) + dense(1, 64, 1, 1),
			9*4 + 4 + 36*8 + 8 + 32*16 + 16 + 16*10 + 10},
	} {
		var log strings.Builder
		rep, err := Bench(context.Background(), loadConfig(t, c.yaml, "device=cpu"), c.name, BenchOptions{Warmup: 1, Steps: 2, Rounds: 3, Log: &log})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if rep.FLOPs != c.flops {
			t.Errorf("%s: %g FLOPs per step, want %g", c.name, rep.FLOPs, c.flops)
		}
		if min := float64(4 * 4 * c.params); rep.Bytes < min {
			t.Errorf("%s: %g bytes per step, less than the parameters, gradients and moments (%g)", c.name, rep.Bytes, min)
		}
		if len(rep.RoundMS) != 3 || rep.MS <= 0 || rep.Batch != 64 || rep.Executor != "plan" || rep.Device != "cpu" {
			t.Errorf("%s: report %+v", c.name, rep)
		}
		if rep.FloorMS != 0 || !strings.Contains(rep.String(), "no floor on the CPU") {
			t.Errorf("%s: a floor on the CPU: %s", c.name, rep)
		}
		if got := strings.Count(log.String(), "ms per step"); got != 3 {
			t.Errorf("%s: the log has %d round lines, want 3:\n%s", c.name, got, log.String())
		}
	}
	if _, err := Bench(context.Background(), loadConfig(t, digitsVAE, "device=cpu"), "vae", BenchOptions{Steps: 0, Rounds: 1}); err == nil || !strings.Contains(err.Error(), "at least 1") {
		t.Errorf("0 steps: err = %v", err)
	}
}

// TestBenchFloor: the floor is the slower of the products at the peak FP32
// rate and the memory at the peak bandwidth.
func TestBenchFloor(t *testing.T) {
	r := BenchReport{Device: "cuda", GPU: "test GPU", MS: 0.5, FLOPs: 4e9, Bytes: 1e8, PeakFLOPS: 40e12, PeakBandwidth: 2e12}
	r.setFloor() // 0.1 ms of products, 0.05 ms of memory
	if math.Abs(r.FloorMS-0.1) > 1e-12 || math.Abs(r.FloorFraction-0.2) > 1e-12 {
		t.Errorf("compute bound: floor %g ms (%g of the step), want 0.1 ms (0.2)", r.FloorMS, r.FloorFraction)
	}
	r.Bytes = 4e8 // 0.2 ms of memory
	r.setFloor()
	if math.Abs(r.FloorMS-0.2) > 1e-12 || !strings.Contains(r.String(), "reaches 40.0% of it") {
		t.Errorf("memory bound: floor %g ms, want 0.2; report:\n%s", r.FloorMS, r)
	}
}

// TestBenchSettlesLateResults: train.Bench keeps the Loop's contract with
// steps whose results come later (the CUDA backend's captured step): a
// step is queued only once every step but the one before it was read, each
// result is read once, and every round ends with its last step read (so
// its clock covers the device's work); a late NaN loss is an error.
func TestBenchSettlesLateResults(t *testing.T) {
	c := loadConfig(t, digitsVAE, "device=cpu")
	task, err := NewVAETask(c, train.OptimConfigFrom(c), "plan")
	if err != nil {
		t.Fatal(err)
	}
	defer task.Close()
	late := lateResults{Task: task, t: t, unread: map[int64]bool{}, nanAt: -1}
	o := train.BenchOptions{Warmup: 2, Steps: 3, Rounds: 2, BatchSize: 64, LR: 1e-3, Seed: 1}
	res, err := train.Bench(context.Background(), late, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(late.unread) != 0 || res.Steps != 8 || len(res.RoundMS) != 2 {
		t.Errorf("after the bench: unread %v, %d steps, rounds %v", late.unread, res.Steps, res.RoundMS)
	}
	late.nanAt = 5
	if _, err := train.Bench(context.Background(), late, o); err == nil || !strings.Contains(err.Error(), "NaN") {
		t.Errorf("a late NaN loss: err = %v", err)
	}
}
