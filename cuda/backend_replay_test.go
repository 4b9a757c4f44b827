package cuda_test

import (
	"maps"
	"slices"
	"testing"

	"genxai/cuda"
	"genxai/cuda/fakecuda"
	"genxai/cuda/fakecuda/cpukernels"
	"genxai/engine"
)

// onQuietFake is onFake over a quietDriver (quiet off until the caller
// sets it).
func onQuietFake(t testing.TB) (*cuda.Backend, *quietDriver) {
	t.Helper()
	f := fakecuda.New(cuda.Hopper())
	q := &quietDriver{Fake: f}
	be, err := cuda.NewBackend(q, cuda.BackendOptions{Compiler: cpukernels.Install(f, nil)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		q.quiet = false
		if err := be.Close(); err != nil {
			t.Errorf("closing the backend: %v", err)
		}
		if err := f.Close(); err != nil {
			t.Errorf("closing the fake: %v", err)
		}
	})
	return be, q
}

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
