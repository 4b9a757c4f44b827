package cuda_test

import (
	"bytes"
	"log"
	"math"
	"strings"
	"testing"

	"genxai/cuda"
	"genxai/cuda/fakecuda"
	"genxai/engine"
	"genxai/engine/cpu"
)

// captureLog collects what the log package writes during the test.
func captureLog(t *testing.T) *bytes.Buffer {
	var buf bytes.Buffer
	out, flags := log.Writer(), log.Flags()
	log.SetOutput(&buf)
	log.SetFlags(0)
	t.Cleanup(func() { log.SetOutput(out); log.SetFlags(flags) })
	return &buf
}

// TestCapturedTrainingOnFake: N training steps of the digits VAE (dropout
// and reparameterization noise, Adam) and of the MLP classifier through the
// plan on the CUDA backend over the fake: step 1 runs call by call, steps 2
// and 3 are captured (the fake refuses any allocation, wait or pageable
// copy while capturing), one graph per pinned set, and launched, and steps
// 4…N replay the graph of their set. The parameters and losses are bit for
// bit those of the same backend with capture off, and within 1e-5 relative
// of the CPU backend; the host launched kernels only in the first three
// steps (exactly 3/N of the eager backend's launches) and launched the
// graphs N−1 times, while the fake ran every step's kernels. The same
// holds when the steps are queued as the train loop queues them (each
// step's loss read after the next step's batch was written and the step
// queued), where the replays alternate between the two pinned sets.
func TestCapturedTrainingOnFake(t *testing.T) {
	const steps = 5
	for _, c := range []struct {
		name     string
		launched bool
	}{{"vae-digits", false}, {"classifier-mlp", false}, {"vae-digits", true}, {"classifier-mlp", true}} {
		name := c.name
		if c.launched {
			name += "/launched"
		}
		t.Run(name, func(t *testing.T) {
			logged := captureLog(t)
			m := trainModels[c.name]
			eagerBe, eagerF := onFakeOpts(t, nil, cuda.BackendOptions{NoCapture: true})
			want, wantLoss := trainSteps(t, eagerBe, m, steps)
			be, f := onFakeOpts(t, nil, cuda.BackendOptions{})
			got, gotLoss := trainStepsHow(t, be, m, steps, c.launched)
			if c.launched {
				checkAlternates(t, f.Trace(), steps-1)
			}
			if len(gotLoss) != steps {
				t.Fatalf("%d losses after %d steps", len(gotLoss), steps)
			}
			if be.Replays() != steps-1 || f.Calls("cuGraphLaunch") != steps-1 || eagerBe.Replays() != 0 {
				t.Fatalf("%d graph launches (%d on the fake), want %d; eager backend %d; log:\n%s",
					be.Replays(), f.Calls("cuGraphLaunch"), steps-1, eagerBe.Replays(), logged)
			}
			for i := range wantLoss {
				if math.Float64bits(gotLoss[i]) != math.Float64bits(wantLoss[i]) {
					t.Errorf("step %d loss %v captured, %v call by call", i, gotLoss[i], wantLoss[i])
				}
			}
			for p, w := range want {
				for i := range w {
					if math.Float32bits(w[i]) != math.Float32bits(got[p][i]) {
						t.Fatalf("%s[%d] = %v captured, %v call by call", p, i, got[p][i], w[i])
					}
				}
			}
			cpuWant, _ := trainSteps(t, cpu.New(cpu.Options{}), m, steps)
			for p, w := range cpuWant {
				if d := relDiff(w, got[p]); d > 1e-5 || math.IsNaN(d) {
					t.Errorf("%s: relative difference %.3g to the CPU backend after %d steps", p, d, steps)
				}
			}
			eagerLaunches, launches := eagerF.Calls("cuLaunchKernel"), f.Calls("cuLaunchKernel")
			if eagerLaunches == 0 || launches*steps != 3*eagerLaunches {
				t.Errorf("the host launched %d kernels with capture, %d without over %d steps; want 3/%d of them", launches, eagerLaunches, steps, steps)
			}
			ran := func(f *fakecuda.Fake) (n int) {
				for _, op := range f.Trace() {
					if strings.Contains(op, " launch update_adam") {
						n++
					}
				}
				return n
			}
			if a, b := ran(f), ran(eagerF); a != b || a == 0 {
				t.Errorf("the fake ran update_adam %d times with capture, %d without", a, b)
			}
			if logged.Len() != 0 {
				t.Errorf("capture was given up: %s", logged)
			}
			t.Logf("%d kernel launches by the host with capture, %d without; %d replays", launches, eagerLaunches, be.Replays())
		})
	}
}

// TestStepAbandonedOnFake drives the backend's step hook directly: a step
// with a new batch and a new random key per run is warmed up, captured and
// replayed with each run's data (the fixed pinned slots and the step's
// scalars are rewritten before every replay); a run whose step reads back
// in the middle is given up and run again call by call, with one log line,
// after which the plan stays eager; a plan that is not capturable says so
// once and never captures.
func TestStepAbandonedOnFake(t *testing.T) {
	logged := captureLog(t)
	be, _ := onFakeOpts(t, nil, cuda.BackendOptions{})
	ref := cpu.New(cpu.Options{})
	const n = 10
	x, y, z := be.Alloc(n), be.Alloc(n), be.Alloc(n)
	rx, ry, rz := ref.Alloc(n), ref.Alloc(n), ref.Alloc(n)
	add := engine.NewChain(engine.Full, engine.Full)
	add.Output(add.Binary(engine.OpAdd, 0, 1))
	step := func(e engine.Backend, x, y, z engine.Buffer, data []float32, k engine.RandomKey, peek bool) {
		e.Upload(x, data)
		e.Random(engine.Normal, k, 0, 1, y)
		if peek {
			e.Download(make([]float32, n), y)
		}
		e.Elementwise(add, 1, n, []engine.Buffer{x, y}, []engine.Buffer{z})
	}
	run := func(key any, capturable, peek bool, i int) {
		t.Helper()
		data := make([]float32, n)
		for j := range data {
			data[j] = float32(i*n + j)
		}
		k := engine.RandomKey{Seed: 9, Step: uint64(i), Tensor: 3}
		be.BeginStep(key, capturable)
		step(be, x, y, z, data, k, peek)
		again, err := be.EndStep(key)
		if err == nil && again {
			step(be, x, y, z, data, k, false)
		}
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		step(ref, rx, ry, rz, data, k, false)
		got, want := make([]float32, n), make([]float32, n)
		if err := be.Download(got, z); err != nil {
			t.Fatal(err)
		}
		ref.Download(want, rz)
		for j := range got {
			if math.Float32bits(got[j]) != math.Float32bits(want[j]) {
				t.Fatalf("run %d: z[%d] = %v, the CPU backend %v", i, j, got[j], want[j])
			}
		}
	}
	plan := new(int)
	for i := range 5 {
		run(plan, true, false, i)
	}
	if be.Replays() != 4 || logged.Len() != 0 {
		t.Fatalf("%d graph launches after 5 runs, want 4; log %q", be.Replays(), logged)
	}
	run(plan, true, true, 5)
	run(plan, true, false, 6)
	if be.Replays() != 4 || strings.Count(logged.String(), "\n") != 1 || !strings.Contains(logged.String(), "read back") {
		t.Fatalf("after a read back inside the step: %d replays, log %q", be.Replays(), logged)
	}
	logged.Reset()
	early := new(int) // a read back while capturing
	run(early, true, false, 7)
	run(early, true, true, 8)
	run(early, true, false, 9)
	if be.Replays() != 4 || strings.Count(logged.String(), "\n") != 1 || !strings.Contains(logged.String(), "read back") {
		t.Fatalf("after a read back inside the captured step: %d replays, log %q", be.Replays(), logged)
	}
	logged.Reset()
	host := new(int)
	for i := range 4 {
		run(host, false, false, 10+i)
	}
	if be.Replays() != 4 || strings.Count(logged.String(), "\n") != 1 || !strings.Contains(logged.String(), "host") {
		t.Fatalf("a plan with host ops: %d replays, log %q", be.Replays(), logged)
	}
	for _, k := range []any{plan, early, host} {
		if err := be.ReleaseStep(k); err != nil {
			t.Fatal(err)
		}
	}
}
