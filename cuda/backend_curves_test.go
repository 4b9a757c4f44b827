package cuda_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"genxai/engine"
	"genxai/engine/cpu"
	"genxai/nets"
	"genxai/train"
)

// The per-family checks of the CUDA backend against the CPU plan,
// written once for any backend: on the fake driver they run on every go
// test (where the kernels are the CPU backend's code, so the tolerances can
// be tight), on a GPU under GENXAI_GPU=1 with the tolerances
// (backend_gpu_test.go).

// firstStep builds m on a fresh store, differentiates its loss, fills
// every input (random inputs too, as ordinary inputs) with the same
// pseudo-random values, runs one forward and backward pass through a plan
// on be, and returns the loss and each parameter's gradient by name.
func firstStep(t *testing.T, be engine.Backend, m trainModel) (float32, map[string][]float32) {
	t.Helper()
	n, loss, _, err := m(nets.NewStore(3))
	if err == nil {
		err = n.Err()
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := train.Differentiate(loss, train.ParamsOf(n)); err != nil {
		t.Fatal(err)
	}
	ex, err := engine.NewPlan(be, n.G, n.Params(), engine.Keep(loss))
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	params := map[string]bool{}
	for _, p := range n.Params() {
		params[p.Name()] = true
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, node := range n.G.AllNodes() {
		if node.Op() == nil && !params[node.Name()] {
			for i, d := 0, engine.Float32s(node); i < len(d); i++ {
				d[i] = rng.Float32()
			}
		}
	}
	if err := ex.Run(); err != nil {
		t.Fatalf("%s: %v", be.Name(), err)
	}
	grads := map[string][]float32{}
	for i, p := range n.Params() {
		g, err := engine.Grad(p)
		if err != nil {
			t.Fatal(err)
		}
		grads[n.ParamNames()[i]] = append([]float32(nil), g...)
	}
	return engine.Float32s(loss)[0], grads
}

// matchFirstStep requires m's first-step loss and every parameter gradient
// on be within tol of the CPU plan's, relative per tensor (max |a − b| ÷
// max |a|).
func matchFirstStep(t *testing.T, be engine.Backend, m trainModel, tol float64) {
	t.Helper()
	wantLoss, want := firstStep(t, cpu.New(cpu.Options{}), m)
	gotLoss, got := firstStep(t, be, m)
	if d := math.Abs(float64(gotLoss-wantLoss)) / math.Max(math.Abs(float64(wantLoss)), 1e-30); d > tol || math.IsNaN(d) {
		t.Errorf("first-step loss %v on %s, %v on the CPU", gotLoss, be.Name(), wantLoss)
	}
	worst := 0.0
	for p, w := range want {
		d := relDiff(w, got[p])
		if d > tol || math.IsNaN(d) {
			t.Errorf("gradient of %s: relative difference %.3g", p, d)
		}
		worst = math.Max(worst, d)
	}
	t.Logf("first step: %d gradients, worst relative difference %.3g", len(want), worst)
}

// curveWindow is the number of steps averaged before two loss curves are
// compared: single steps of a run on another device drift apart as
// rounding differences grow (a GAN's most), the curve's course does not.
const curveWindow = 10

// matchCurves trains m for steps on the CPU backend and on be, each step
// queued as the train loop queues it, and requires the mean loss of every
// window of curveWindow steps within tol relative of the CPU's; a loss that
// fell below 1% of its first window's is compared at that scale (a
// discriminator that separates random data drives its loss to 0, where
// relative differences of rounding mean nothing).
func matchCurves(t *testing.T, be engine.Backend, m trainModel, steps int, tol float64) {
	t.Helper()
	_, want := trainStepsHow(t, cpu.New(cpu.Options{}), m, steps, false)
	_, got := trainStepsHow(t, be, m, steps, true)
	worst, start := 0.0, 0.0
	for at := 0; at+curveWindow <= steps; at += curveWindow {
		var w, g float64
		for i := at; i < at+curveWindow; i++ {
			w += want[i] / curveWindow
			g += got[i] / curveWindow
		}
		if at == 0 {
			start = math.Abs(w)
		}
		d := math.Abs(g-w) / math.Max(math.Abs(w), math.Max(0.01*start, 1e-30))
		if d > tol || math.IsNaN(d) {
			t.Errorf("steps %d–%d: mean loss %.6g on %s, %.6g on the CPU (%.3g relative)", at+1, at+curveWindow, g, be.Name(), w, d)
		}
		worst = math.Max(worst, d)
	}
	t.Logf("%d steps: worst window's relative difference %.3g (CPU %.4g → %.4g)", steps, worst, want[0], want[steps-1])
}

// TestFirstStepOnFake: every model's first-step loss and gradients through
// a plan on the CUDA backend (the fake) equal the CPU plan's within 1e-5.
func TestFirstStepOnFake(t *testing.T) {
	for name, m := range trainModels {
		t.Run(name, func(t *testing.T) {
			be, _ := onFake(t, nil)
			matchFirstStep(t, be, m, 1e-5)
		})
	}
}

// TestLossCurvesOnFake: 40 steps of every model, captured and replayed on
// the fake with late loss reads, follow the CPU's loss curve within 1e-4
// per window (the GPU test allows the 2% over 200 steps).
func TestLossCurvesOnFake(t *testing.T) {
	for name, m := range trainModels {
		t.Run(name, func(t *testing.T) {
			be, _ := onFake(t, nil)
			matchCurves(t, be, m, 40, 1e-4)
		})
	}
}
