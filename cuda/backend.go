package cuda

import (
	"fmt"

	"genxai/engine"
)

// Backend is engine.Backend on one CUDA device, written against the function
// table (Context and BLAS), so it runs on the real driver (Open) and on the
// fake (cuda/fakecuda) alike; docs/cuda-host.md describes it.
//
// Every buffer is one device allocation and all work goes, in order, on one
// stream: kernels never wait for each other on the host, and only Download
// and Sync block (and, for a captured step, the wait for the event of the
// replay that last used a pinned set, in BeginStep and ReadResults). Host data moves through a pinned staging ring (Upload,
// Download). Kernels are CUDA C++ units of cuda/kernels, compiled for the
// device at first use by the Backend's Compiler (NVRTC with an on-disk cache
// by default), loaded once and launched with the table's launch rules;
// elementwise chains are generated per distinct chain (kernels.ChainSource)
// and memoized; matrix products go to BLAS.
//
// The interface has no error results on kernels, so the first failure of a
// driver call is kept: every later call does nothing, and Download and Sync
// return it. Arguments that contradict the shapes are bugs of the caller and
// panic, as on the CPU backend. A Backend is not safe for concurrent use.
type Backend struct {
	ctx     Context
	stream  Stream
	blas    BLAS
	compile Compiler
	owned   bool // Close closes ctx
	eager   bool // BackendOptions.NoCapture
	err     error

	mods   map[string]Module        // loaded units by name
	funcs  map[string]Function      // kernels by name
	chains map[*engine.Chain]string // chain → kernel name, memoized
	scales map[uint32]*engine.Chain // scaleChain's chains by beta's bits
	live   map[*buffer]struct{}     // buffers not yet freed (Close frees them)
	stage  staging
	clip   clipScratch

	blasWork  DevicePtr          // cuBLAS's workspace (blasWorkspace bytes)
	steps     map[any]*stepGraph // plans' captured steps (backend_step.go)
	cur       stepState          // the step in progress
	eagerSlot DevicePtr          // per-step scalars of calls outside a captured step
	replays   int
}

var _ engine.Backend = (*Backend)(nil)

// blasWorkspace is the size of cuBLAS's workspace on a device: 32 MiB on
// Hopper and later, 4 MiB before, the sizes NVIDIA's cuBLAS documentation
// recommends for cublasSetWorkspace (the latter is cuBLAS's default pool).
func blasWorkspace(d DeviceInfo) int {
	if d.Major >= 9 {
		return 32 << 20
	}
	return 4 << 20
}

// BackendOptions configure NewBackend.
type BackendOptions struct {
	// Compiler compiles kernel units; nil means NVRTCCompiler with the
	// default on-disk cache, for the context's device.
	Compiler Compiler
	// OwnContext makes Close close the context too.
	OwnContext bool
	// TF32 lets cuBLAS use TF32 tensor cores for float32 products (about
	// 3e-4 relative error instead of 1e-6; off by default).
	TF32 bool
	// NoCapture runs every plan step call by call instead of capturing it
	// into a CUDA graph and replaying it (see BeginStep).
	NoCapture bool
}

// NewBackend returns a backend on ctx, which it uses but does not own (the
// caller closes ctx after the backend) unless o.OwnContext. It creates the stream and the BLAS
// handle; kernels are compiled later, at first use.
func NewBackend(ctx Context, o BackendOptions) (*Backend, error) {
	b := &Backend{ctx: ctx, compile: o.Compiler, eager: o.NoCapture, mods: map[string]Module{}, funcs: map[string]Function{},
		chains: map[*engine.Chain]string{}, scales: map[uint32]*engine.Chain{}, live: map[*buffer]struct{}{}, steps: map[any]*stepGraph{}}
	if b.compile == nil {
		b.compile = NVRTCCompiler(ctx.Info(), "")
	}
	var err error
	if b.stream, err = ctx.NewStream(); err != nil {
		return nil, fmt.Errorf("cuda backend: %w", err)
	}
	if b.blas, err = ctx.NewBLAS(); err == nil {
		if err = b.blas.SetStream(b.stream); err == nil {
			err = b.blas.SetTF32(o.TF32)
		}
	}
	if err == nil {
		n := blasWorkspace(ctx.Info())
		if b.blasWork, err = ctx.Alloc(n); err == nil {
			err = b.blas.SetWorkspace(b.blasWork, n)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("cuda backend: %w", errJoin(err, b.Close()))
	}
	b.owned = o.OwnContext // a failed start leaves ctx to the caller
	return b, nil
}

// Name returns "cuda".
func (b *Backend) Name() string { return "cuda" }

// Context is the device context the backend runs on.
func (b *Backend) Context() Context { return b.ctx }

// fail keeps the first error; it reports whether the backend has failed.
// An error while capturing a step abandons the step instead (it is run
// again eagerly, see EndStep).
func (b *Backend) fail(err error) bool {
	if err != nil && b.cur.mode == stepCapture {
		b.abandon(err.Error())
		return true
	}
	if err != nil && b.err == nil {
		b.err = err
	}
	return b.err != nil
}

// failed reports whether an earlier call failed (later ones then do nothing).
func (b *Backend) failed() bool { return b.err != nil }

// Sync waits for every queued kernel and returns the first error of any
// call so far.
func (b *Backend) Sync() error {
	b.leaveStep("a wait for the stream")
	if !b.failed() && b.cur.mode != stepAbandoned {
		b.fail(b.ctx.SyncStream(b.stream))
		b.stage.reset()
	}
	return b.err
}

// Close waits for the queued work, frees every buffer still allocated, the
// staging memory, the scratch buffers, the modules, the BLAS handle and the
// stream, and returns the first error (of the backend's work or of the
// releases). The backend must not be used afterwards.
func (b *Backend) Close() error {
	var errs []error
	if b.stream != 0 {
		errs = append(errs, b.ctx.SyncStream(b.stream))
	}
	for key, g := range b.steps {
		errs = append(errs, b.freeStep(g))
		delete(b.steps, key)
	}
	for x := range b.live {
		errs = append(errs, b.release(x))
	}
	if b.eagerSlot != 0 {
		errs = append(errs, b.ctx.Free(b.eagerSlot))
		b.eagerSlot = 0
	}
	errs = append(errs, b.stage.free(b.ctx), b.clip.free(b.ctx))
	for name, m := range b.mods {
		errs = append(errs, b.ctx.UnloadModule(m))
		delete(b.mods, name)
	}
	clear(b.funcs)
	clear(b.chains)
	clear(b.scales)
	if b.blas != nil {
		errs = append(errs, b.blas.Close())
		b.blas = nil
	}
	if b.blasWork != 0 {
		errs = append(errs, b.ctx.Free(b.blasWork))
		b.blasWork = 0
	}
	if b.stream != 0 {
		errs = append(errs, b.ctx.DestroyStream(b.stream))
		b.stream = 0
	}
	if b.owned {
		errs = append(errs, b.ctx.Close())
		b.owned = false
	}
	return errJoin(append([]error{b.err}, errs...)...)
}

// errJoin returns the first non-nil error, or nil.
func errJoin(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
