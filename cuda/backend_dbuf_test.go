package cuda_test

import (
	"maps"
	"regexp"
	"strings"
	"testing"

	"genxai/cuda"
	"genxai/cuda/fakecuda"
)

// hostSource matches the pinned source of a host-to-device copy in the
// fake's trace.
var hostSource = regexp.MustCompile(`cuMemcpyHtoDAsync_v2 copy \d+ bytes host (0x[0-9a-f]+)→`)

// checkAlternates reads the fake's trace of a run whose host queued work
// only for graph launches after the first, each followed by an event
// record: the sources of the host-to-device copies between consecutive
// records are one launch's pinned set, and the sets and events of
// consecutive launches must alternate (launch k uses what launch k−2 used
// and nothing launch k−1 used).
func checkAlternates(t *testing.T, trace []string, launches int) {
	t.Helper()
	var groups []map[string]bool
	var events []string
	cur := map[string]bool{}
	for _, op := range trace {
		if m := hostSource.FindStringSubmatch(op); m != nil {
			cur[m[1]] = true
		}
		if i := strings.Index(op, "cuEventRecord record event "); i >= 0 {
			groups, cur = append(groups, cur), map[string]bool{}
			events = append(events, op[i:])
		}
	}
	if len(groups) != launches {
		t.Fatalf("%d event records in the trace, want one per launch (%d)", len(groups), launches)
	}
	for k := 2; k < len(groups); k++ {
		if events[k] != events[k-2] || events[k] == events[k-1] {
			t.Errorf("launch %d records %q, the two before %q and %q: the events do not alternate", k+1, events[k], events[k-2], events[k-1])
		}
		for a := range groups[k] {
			if groups[k-1][a] {
				t.Errorf("launches %d and %d both copy from pinned %s: the sets do not alternate", k, k+1, a)
			}
			if !groups[k-2][a] { // the first group also holds the warm-up's staging copies
				t.Errorf("launch %d copies from pinned %s, which launch %d (same set) did not", k+1, a, k-1)
			}
		}
		if k >= 3 && !maps.Equal(groups[k], groups[k-2]) {
			t.Errorf("launches %d and %d (same set) copy from %v and %v", k-1, k+1, groups[k-2], groups[k])
		}
		if len(groups[k]) == 0 {
			t.Errorf("launch %d copies nothing from the host", k+1)
		}
	}
}

// TestDoubleBufferedStepOnFake drives the step hook and the read backs
// directly, as a launched training step does: each run uploads its batch,
// draws under its key, computes and reads the result back inside the step,
// and the host reads run k's result only after queueing run k+1 (which
// rewrote the other pinned set meanwhile: the fake fails any copy whose
// pinned source the host rewrote before it ran). Every result equals the
// CPU backend's; from the fourth run on the host never waits for the
// stream, only for the event of the replay that last used the set it
// writes (also when runs are queued back to back without reading their
// results); a result two runs old is refused as gone; and when capture is
// given up in the middle (a Download inside the step), the results still
// pending in the pinned sets are kept, so nothing is lost.
func TestDoubleBufferedStepOnFake(t *testing.T) {
	logged := captureLog(t)
	be, f := onFakeOpts(t, nil, cuda.BackendOptions{})
	h := newHookStep(be)
	key := new(int)
	launch := func(run int, peek bool) {
		t.Helper()
		be.BeginStep(key, true)
		h.calls(be, run, peek, true)
		again, err := be.EndStep(key)
		if err == nil && again {
			h.calls(be, run, false, true)
		}
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
	}
	check := func(run int) {
		t.Helper()
		got := make([]float32, hookN)
		if err := be.ReadResults(key, run, got); err != nil {
			t.Fatalf("reading run %d: %v", run, err)
		}
		h.check(t, run, got)
	}
	launch(1, false)
	var syncs, waits int
	for run := 2; run <= 8; run++ {
		if run == 4 {
			syncs, waits = f.Calls("cuStreamSynchronize"), f.Calls("cuEventSynchronize")
		}
		launch(run, false)
		check(run - 1)
	}
	if s := f.Calls("cuStreamSynchronize") - syncs; s != 0 {
		t.Errorf("the host waited for the stream %d times while replaying runs 4-8", s)
	}
	if w := f.Calls("cuEventSynchronize") - waits; w < 5 {
		t.Errorf("%d event waits while replaying runs 4-8, want one per run at least", w)
	}
	if be.Replays() != 7 || logged.Len() != 0 {
		t.Fatalf("%d graph launches after 8 runs, want 7; log %q", be.Replays(), logged)
	}
	if err := be.ReadResults(key, 6, make([]float32, hookN)); err == nil || !strings.Contains(err.Error(), "gone") {
		t.Fatalf("reading run 6 after run 8 was queued: %v, want an error saying it is gone", err)
	}
	launch(9, true) // gives capture up; run 8 is still pending in its set
	check(8)
	check(9)
	launch(10, false)
	check(10)
	if be.Replays() != 7 || strings.Count(logged.String(), "\n") != 1 {
		t.Fatalf("after capture was given up: %d replays, log %q", be.Replays(), logged)
	}
	if err := be.ReleaseStep(key); err != nil {
		t.Fatal(err)
	}
	// Runs queued back to back, nothing read between them: before writing
	// a set the host must wait for that set's last replay itself.
	key = new(int)
	for run := 1; run <= 8; run++ {
		launch(run, false)
	}
	check(7)
	check(8)
	if be.Replays() != 14 {
		t.Fatalf("%d graph launches, want 14", be.Replays())
	}
	if err := be.ReleaseStep(key); err != nil {
		t.Fatal(err)
	}
}

// quietDriver is the fake with graph launches and event records and waits
// turned into no-ops while quiet is set: what is left is the host side of
// a replayed step, whose allocations a test can count apart from the
// fake's own (it allocates for the work it queues and runs).
type quietDriver struct {
	*fakecuda.Fake
	quiet bool
}

// onQuietFake is onFake over a quietDriver (quiet until the test's end
// once the caller sets it).
func onQuietFake(t testing.TB) (*cuda.Backend, *quietDriver) {
	t.Helper()
	var q *quietDriver
	be, _ := onFakeVia(t, func(f *fakecuda.Fake) cuda.Context {
		q = &quietDriver{Fake: f}
		return q
	}, nil, cuda.BackendOptions{})
	t.Cleanup(func() { q.quiet = false }) // before the backend and the fake close
	return be, q
}

func (q *quietDriver) LaunchGraph(x cuda.GraphExec, s cuda.Stream) error {
	if q.quiet {
		return nil
	}
	return q.Fake.LaunchGraph(x, s)
}

func (q *quietDriver) RecordEvent(e cuda.Event, s cuda.Stream) error {
	if q.quiet {
		return nil
	}
	return q.Fake.RecordEvent(e, s)
}

func (q *quietDriver) SyncEvent(e cuda.Event) error {
	if q.quiet {
		return nil
	}
	return q.Fake.SyncEvent(e)
}

// TestReplayedStepAllocatesNothing: once a plan's graphs are captured, the
// double buffering's host side of a replayed step (waiting for the set's
// event, writing the batch into the set, checking the uploads and read
// backs against the capture, launching the set's graph and recording its
// event, reading the previous step's values from its set) allocates
// nothing on the Go heap. The kernel calls of a replayed step allocate
// nothing either: TestReplayedModelStepAllocatesNothing counts whole
// training steps of every model family.
func TestReplayedStepAllocatesNothing(t *testing.T) {
	be, q := onQuietFake(t)
	x := be.Alloc(64)
	data, got := make([]float32, 64), make([]float32, 64)
	key := new(int)
	run := 0
	next := func() {
		run++
		data[0] = float32(run)
		be.BeginStep(key, true)
		be.Upload(x, data)
		be.ReadBack(x)
		_, err := be.EndStep(key)
		if err == nil && run > 1 {
			err = be.ReadResults(key, run-1, got)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for range 4 { // warm-up, two captures, a replay
		next()
	}
	if got[0] != 3 {
		t.Fatalf("run 3 read back %v, want 3", got[0])
	}
	if err := be.Sync(); err != nil { // nothing of the fake's left queued under the quiet runs
		t.Fatal(err)
	}
	q.quiet = true
	if a := testing.AllocsPerRun(5, next); a != 0 {
		t.Errorf("a replayed step allocates %v times on the host", a)
	}
	q.quiet = false
	if be.Replays() != 3+6 {
		t.Errorf("%d graph launches, want 9", be.Replays())
	}
	be.Free(x)
	if err := be.ReleaseStep(key); err != nil {
		t.Error(err)
	}
}
