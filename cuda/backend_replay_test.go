package cuda_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"genxai/cuda"
	"genxai/engine"
)

// replayRig is a model's training step through the plan on the CUDA
// backend over a quiet fake, its graphs captured: next launches one
// replayed step and reads the previous step's loss, as train.Loop does,
// and the fake does none of the step's work (see quietDriver), so what
// runs is the host side of a replayed step: the plan walking its program,
// the backend's calls checked against the capture and skipped, the batch
// and the step's scalars written into the pinned set, the graph launched.
type replayRig struct {
	*trainRig
	be     *cuda.Backend
	l      engine.Launcher
	prev   engine.Launched
	run    int // the next step's number
	failed func(error)
}

// newReplayRig prepares m's step and runs four steps with the fake working
// (the warm-up, the two captures and a replay), then makes the fake quiet.
func newReplayRig(t testing.TB, m trainModel) *replayRig {
	t.Helper()
	be, q := onQuietFake(t)
	tr := newTrainRig(t, be, m)
	t.Cleanup(tr.close)
	r := &replayRig{trainRig: tr, be: be, l: tr.step.Trainer.(engine.Launcher), failed: func(err error) { t.Fatal(err) }}
	for range 4 {
		r.fill()
		r.next()
	}
	if err := be.Sync(); err != nil { // nothing of the fake's left queued under the quiet runs
		t.Fatal(err)
	}
	if be.Replays() != 3 {
		t.Fatalf("%d graph launches after 4 steps, want 3", be.Replays())
	}
	q.quiet = true
	return r
}

// next launches the next step and reads the one before it.
func (r *replayRig) next() {
	h, err := r.l.Launch(r.args(r.run))
	if err == nil {
		_, _, err = r.l.Done(r.prev)
	}
	if err != nil {
		r.failed(err)
	}
	r.prev = h
	r.run++
}

// TestReplayedModelStepAllocatesNothing: once a model's plan has its
// graphs captured, a replayed training step (launched, and the previous
// step's values read, as train.Loop does) allocates nothing on the Go heap
// in the plan or the backend, for every model family of the training
// tests; the fake's own work is left out (quietDriver), and every quiet
// step is a replay (capture is not given up).
func TestReplayedModelStepAllocatesNothing(t *testing.T) {
	for _, name := range slices.Sorted(maps.Keys(trainModels)) {
		t.Run(name, func(t *testing.T) {
			logged := captureLog(t)
			r := newReplayRig(t, trainModels[name])
			const runs = 10
			if a := testing.AllocsPerRun(runs, r.next); a != 0 {
				t.Errorf("a replayed step of the %s plan allocates %v times on the host", name, a)
			}
			if got := r.be.Replays(); got != 3+runs+1 || logged.Len() != 0 {
				t.Errorf("%d graph launches, want %d; log %q", got, 3+runs+1, logged)
			}
		})
	}
}

// BenchmarkReplayHost is the host's time per replayed training step of
// each model family's plan (ns/op; the fake does none of the step's work),
// with the plan's program steps (kernel calls and the like) per step.
func BenchmarkReplayHost(b *testing.B) {
	for _, name := range slices.Sorted(maps.Keys(trainModels)) {
		b.Run(name, func(b *testing.B) {
			r := newReplayRig(b, trainModels[name])
			b.ReportAllocs()
			for b.Loop() {
				r.next()
			}
			b.ReportMetric(float64(r.step.Trainer.(interface{ Plan() *engine.Plan }).Plan().Steps()), "program-steps")
		})
	}
}

// TestReplayedCallsCheckedOnFake: a replayed step still checks its kernel
// calls against the captured sequence although it builds none of their
// arguments: a call of another kernel, or a missing one, abandons the step
// (EndStep asks for it again, capture is off for the plan with one log
// line naming the call) and the step run again eagerly gives the CPU
// backend's result.
func TestReplayedCallsCheckedOnFake(t *testing.T) {
	for _, c := range []struct {
		name, log string
		calls     func(h *hookStep, be *cuda.Backend, run int)
	}{
		{"another kernel", "call 1 is softmax", func(h *hookStep, be *cuda.Backend, run int) {
			x, _, z := h.inputs(be, run)
			be.Softmax(x, 1, hookN, z)
		}},
		{"a missing call", "the step made 1 calls", func(h *hookStep, be *cuda.Backend, run int) {
			h.inputs(be, run)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			logged := captureLog(t)
			be, _ := onFake(t, nil)
			h := newHookStep(be)
			key := new(int)
			for run := range 5 {
				be.BeginStep(key, true)
				if run < 4 {
					h.calls(be, run, false, false)
				} else {
					c.calls(h, be, run)
				}
				again, err := be.EndStep(key)
				if err != nil {
					t.Fatal(err)
				}
				if again != (run == 4) {
					t.Fatalf("run %d: again = %v", run, again)
				}
				if again {
					h.calls(be, run, false, false)
				}
				got := make([]float32, hookN)
				if err := be.Download(got, h.z); err != nil {
					t.Fatal(err)
				}
				h.check(t, run, got)
			}
			if be.Replays() != 3 || strings.Count(logged.String(), "\n") != 1 || !strings.Contains(logged.String(), c.log) {
				t.Fatalf("%d graph launches, want 3; log %q, want one line with %q", be.Replays(), logged, c.log)
			}
			if err := be.ReleaseStep(key); err != nil {
				t.Fatal(err)
			}
		})
	}
}
