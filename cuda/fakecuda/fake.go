// Package fakecuda is a CUDA driver written in Go behind genxai's function
// table (cuda.Context and cuda.BLAS), so that the CUDA backend's host logic
// is tested on machines without a GPU. It is layer 1 of verifying CUDA
// without a GPU (docs/cuda-host.md).
//
// Device memory is Go memory at made-up addresses. Work queues on its stream
// and runs only when the host waits for it (stream, event or context
// synchronisation, or a call that synchronises implicitly), so a host that
// reads a result without waiting sees stale data, as it may on a GPU.
// Kernels are Go functions registered by name (Register) and run once per
// launch with the whole grid; cuBLAS is a plain Go GEMM.
//
// Beyond running the work, the fake checks what the real driver would
// refuse or what would corrupt memory on a GPU, returning *cuda.Error with
// the code the driver uses, or an error wrapping ErrRace or ErrLeak:
//   - memory: copies, memsets, GEMM operands and kernel pointer arguments
//     must lie inside one live allocation; frees of unknown or already freed
//     addresses fail; Close reports every allocation, stream, event, module,
//     graph and BLAS handle still alive;
//   - streams: work queued on one stream that touches memory another stream
//     still has pending work on, one of them writing, is a race;
//   - pinned memory: a copy (queued, or a graph's node replayed) whose
//     pinned host source the host rewrote before the copy ran fails with
//     ErrHostWrite (each queued copy keeps a snapshot of its source);
//   - launches: block and grid shapes and shared memory within the
//     device's limits (cuda.Hopper: 1024 threads per block, 48 KiB shared);
//   - graph capture (global mode): allocation, freeing, context or
//     capturing-stream synchronisation and copies with pageable (not
//     AllocHost) memory fail while a stream captures and invalidate the
//     capture; asynchronous copies, memsets, launches and GEMMs are
//     recorded, checked, and replayed by LaunchGraph.
//
// A kernel that reads or writes outside its buffers makes the context's
// error sticky (CUDA_ERROR_ILLEGAL_ADDRESS), as on a GPU.
package fakecuda

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"genxai/cuda"
)

// ErrRace is wrapped by the error of work that touches memory another
// stream has unfinished work on.
var ErrRace = errors.New("fakecuda: unsynchronised streams touch the same memory")

// ErrHostWrite is wrapped by the error of a copy from pinned host memory
// that the host rewrote between queueing the copy and the copy running: on
// a GPU the copy would read the new bytes, or a mix of old and new.
var ErrHostWrite = errors.New("fakecuda: the host rewrote pinned memory an unfinished copy reads")

// ErrLeak is wrapped by Close's error when objects are still alive.
var ErrLeak = errors.New("fakecuda: leaked at Close")

// Fake is a fake CUDA device context; it implements cuda.Context.
type Fake struct {
	mu      sync.Mutex
	info    cuda.DeviceInfo
	kernels map[string]kernelDef
	handle  uintptr // last handle given out
	closed  bool
	sticky  error   // a kernel fault: every later call fails with it
	clock   float32 // virtual milliseconds, advanced by each op run
	trace   []string
	calls   map[string]int // host calls by driver function name

	mem     memory
	streams map[cuda.Stream]*stream
	events  map[cuda.Event]*event
	modules map[cuda.Module]*module
	funcs   map[cuda.Function]*function
	graphs  map[cuda.Graph]*graph
	execs   map[cuda.GraphExec]*graph
	blases  map[*fakeBLAS]bool
}

// opCost is the virtual time one op takes, in milliseconds.
const opCost = 0.001

// New returns a fake context for a device described by info (cuda.Hopper()
// for an H100/H200-class device).
func New(info cuda.DeviceInfo) *Fake {
	return &Fake{
		info: info, kernels: map[string]kernelDef{}, mem: newMemory(info.TotalMem),
		streams: map[cuda.Stream]*stream{}, events: map[cuda.Event]*event{},
		modules: map[cuda.Module]*module{}, funcs: map[cuda.Function]*function{},
		graphs: map[cuda.Graph]*graph{}, execs: map[cuda.GraphExec]*graph{}, blases: map[*fakeBLAS]bool{},
		calls: map[string]int{},
	}
}

var _ cuda.Context = (*Fake)(nil)

// Info describes the fake device.
func (f *Fake) Info() cuda.DeviceInfo { return f.info }

// Trace lists the ops run so far, in order, as "s<stream> <call> <what>".
func (f *Fake) Trace() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.trace...)
}

// Calls is the number of times the host called the driver function call
// (e.g. "cuLaunchKernel", "cuGraphLaunch"), refused calls included; work a
// graph replays is not a host call (Trace lists it).
func (f *Fake) Calls(call string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[call]
}

// next returns a fresh handle value.
func (f *Fake) next() uintptr {
	f.handle++
	return f.handle
}

// enter locks f for one driver call and refuses calls on a closed context
// or after a kernel fault. The caller must call f.mu.Unlock.
func (f *Fake) enter(call string) error {
	f.mu.Lock()
	f.calls[call]++
	if f.closed {
		return cuda.Errorf(call, cuda.ErrorInvalidContext, "fakecuda: the context was closed")
	}
	if f.sticky != nil {
		return fmt.Errorf("%s: the context is unusable after an earlier fault: %w", call, f.sticky)
	}
	return nil
}

// locked runs body for one driver call under the lock, after enter.
func (f *Fake) locked(call string, body func() error) error {
	defer f.mu.Unlock()
	if err := f.enter(call); err != nil {
		return err
	}
	return body()
}

// onStream is locked with the stream handle h looked up.
func (f *Fake) onStream(call string, h cuda.Stream, body func(s *stream) error) error {
	return f.locked(call, func() error {
		s, err := f.stream(call, h)
		if err != nil {
			return err
		}
		return body(s)
	})
}

// destroy deletes handle h from objects, or fails naming what it is not.
func destroy[K ~uintptr, V any](objects map[K]V, h K, call, what string) error {
	if _, ok := objects[h]; !ok {
		return cuda.Errorf(call, cuda.ErrorInvalidHandle, "fakecuda: %#x is not a live %s", uintptr(h), what)
	}
	delete(objects, h)
	return nil
}

// capturing returns the stream that is capturing, or nil.
func (f *Fake) capturing() *stream {
	for _, s := range f.sortedStreams() {
		if s.capture != nil {
			return s
		}
	}
	return nil
}

// refuseWhileCapturing fails call, and invalidates every capture, when a
// stream is capturing: the global capture mode forbids calls that could
// synchronise with or allocate under a capture.
func (f *Fake) refuseWhileCapturing(call, what string) error {
	s := f.capturing()
	if s == nil {
		return nil
	}
	err := cuda.Errorf(call, cuda.ErrorStreamCaptureUnsupported, "fakecuda: %s while stream %d is capturing; do it before BeginCapture or after EndCapture", what, s.id)
	for _, t := range f.streams {
		if t.capture != nil && t.capture.invalid == nil {
			t.capture.invalid = err
		}
	}
	return err
}

// Close runs the remaining work, then fails, wrapping ErrLeak, if anything
// created on the context is still alive, naming each object.
func (f *Fake) Close() error {
	if err := f.enter("cuDevicePrimaryCtxRelease_v2"); err != nil {
		f.mu.Unlock()
		return err
	}
	defer f.mu.Unlock()
	runErr := f.drainAll()
	f.closed = true
	var leaks []string
	for _, a := range f.mem.live {
		leaks = append(leaks, fmt.Sprintf("device allocation %#x (%d bytes)", uint64(a.base), len(a.data)))
	}
	for _, h := range f.mem.sortedHost() {
		leaks = append(leaks, fmt.Sprintf("pinned host allocation of %d bytes", len(h)))
	}
	for _, s := range f.sortedStreams() {
		leaks = append(leaks, fmt.Sprintf("stream %d", s.id))
	}
	count := func(n int, what string) {
		if n > 0 {
			leaks = append(leaks, fmt.Sprintf("%d %s", n, what))
		}
	}
	count(len(f.events), "event(s)")
	count(len(f.modules), "module(s)")
	count(len(f.graphs), "graph(s)")
	count(len(f.execs), "instantiated graph(s)")
	count(len(f.blases), "BLAS handle(s)")
	if len(leaks) > 0 {
		return errors.Join(runErr, fmt.Errorf("%w: %s", ErrLeak, strings.Join(leaks, ", ")))
	}
	return runErr
}

// sortedStreams lists the live streams by creation order.
func (f *Fake) sortedStreams() []*stream {
	out := make([]*stream, 0, len(f.streams))
	for _, s := range f.streams {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}
