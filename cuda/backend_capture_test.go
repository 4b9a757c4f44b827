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
	h := newHookStep(be)
	run := func(key any, capturable, peek bool, i int) {
		t.Helper()
		be.BeginStep(key, capturable)
		h.calls(be, i, peek, false)
		again, err := be.EndStep(key)
		if err == nil && again {
			h.calls(be, i, false, false)
		}
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		got := make([]float32, hookN)
		if err := be.Download(got, h.z); err != nil {
			t.Fatal(err)
		}
		h.check(t, i, got)
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

// hookN is the length of hookStep's buffers.
const hookN = 10

// hookStep is a small step driven through a backend's step hook by the
// tests, and run on the CPU backend for reference: z = x + y for run i's
// batch x (i·n + j) and normal draws y under run i's key.
type hookStep struct {
	be                  *cuda.Backend
	ref                 engine.Backend
	x, y, z, rx, ry, rz engine.Buffer
	add                 *engine.Chain
	data                []float32
}

func newHookStep(be *cuda.Backend) *hookStep {
	h := &hookStep{be: be, ref: cpu.New(cpu.Options{}), add: engine.NewChain(engine.Full, engine.Full), data: make([]float32, hookN)}
	h.x, h.y, h.z = be.Alloc(hookN), be.Alloc(hookN), be.Alloc(hookN)
	h.rx, h.ry, h.rz = h.ref.Alloc(hookN), h.ref.Alloc(hookN), h.ref.Alloc(hookN)
	h.add.Output(h.add.Binary(engine.OpAdd, 0, 1))
	return h
}

// calls makes run i's calls on e (the CUDA backend or the reference): with
// peek a Download in the middle, with read a ReadBack of z at the end.
func (h *hookStep) calls(e engine.Backend, i int, peek, read bool) {
	x, y, z := h.inputs(e, i)
	if peek {
		e.Download(make([]float32, hookN), y)
	}
	e.Elementwise(h.add, 1, hookN, []engine.Buffer{x, y}, []engine.Buffer{z})
	if read {
		h.be.ReadBack(z)
	}
}

// inputs makes run i's first calls on e, the upload of x and the draws
// into y, and returns e's x, y and z.
func (h *hookStep) inputs(e engine.Backend, i int) (x, y, z engine.Buffer) {
	x, y, z = h.x, h.y, h.z
	if e == h.ref {
		x, y, z = h.rx, h.ry, h.rz
	}
	for j := range h.data {
		h.data[j] = float32(i*hookN + j)
	}
	e.Upload(x, h.data)
	e.Random(engine.Normal, engine.RandomKey{Seed: 9, Step: uint64(i), Tensor: 3}, 0, 1, y)
	return x, y, z
}

// check requires got to be the reference's z of run i, bit for bit.
func (h *hookStep) check(t *testing.T, i int, got []float32) {
	t.Helper()
	h.calls(h.ref, i, false, false)
	want := make([]float32, hookN)
	h.ref.Download(want, h.rz)
	for j := range got {
		if math.Float32bits(got[j]) != math.Float32bits(want[j]) {
			t.Fatalf("run %d: z[%d] = %v, the CPU backend %v", i, j, got[j], want[j])
		}
	}
}
