package fakecuda

import (
	"bytes"
	"fmt"
	"regexp"
	"unsafe"

	"genxai/cuda"
)

// Kernel is a kernel's body in Go: it runs once per launch and does the
// whole grid's work, reading its arguments and memory through l.
type Kernel func(l *Launch) error

// kernelDef is a registered kernel.
type kernelDef struct {
	run          Kernel
	staticShared int
}

// Register makes name (a PTX .entry name) runnable: launches of it call
// run. staticShared is the kernel's static shared memory in bytes, which
// counts against the per-block limit with the launch's dynamic part.
func (f *Fake) Register(name string, staticShared int, run Kernel) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.kernels[name] = kernelDef{run: run, staticShared: staticShared}
}

// Launch is one kernel launch as its Go body sees it.
type Launch struct {
	// Name is the kernel's name.
	Name string
	// Grid and Block are the launch shape.
	Grid, Block cuda.Dim3
	// SharedBytes is the dynamic shared memory asked for.
	SharedBytes int
	// Args are the arguments as passed to Context.Launch.
	Args []any
	f    *Fake
}

// arg returns argument i as T, or faults naming the kernel.
func arg[T any](l *Launch, i int) T {
	if i < 0 || i >= len(l.Args) {
		panic(fault{fmt.Sprintf("kernel %s reads argument %d of %d", l.Name, i, len(l.Args))})
	}
	v, ok := l.Args[i].(T)
	if !ok {
		var want T
		panic(fault{fmt.Sprintf("kernel %s argument %d is %T, the kernel reads %T", l.Name, i, l.Args[i], want)})
	}
	return v
}

// Ptr is argument i as a device pointer.
func (l *Launch) Ptr(i int) cuda.DevicePtr { return arg[cuda.DevicePtr](l, i) }

// Int32 is argument i as an int32.
func (l *Launch) Int32(i int) int32 { return arg[int32](l, i) }

// Uint32 is argument i as a uint32.
func (l *Launch) Uint32(i int) uint32 { return arg[uint32](l, i) }

// Float32 is argument i as a float32.
func (l *Launch) Float32(i int) float32 { return arg[float32](l, i) }

// Bytes is the device memory [p, p+n); an access outside one live
// allocation faults the launch (CUDA_ERROR_ILLEGAL_ADDRESS).
func (l *Launch) Bytes(p cuda.DevicePtr, n int) []byte {
	b, err := l.f.mem.span(p, n)
	if err != nil {
		panic(fault{fmt.Sprintf("kernel %s: %v", l.Name, err)})
	}
	return b
}

// Float32s is n float32 values at p, faulting like Bytes.
func (l *Launch) Float32s(p cuda.DevicePtr, n int) []float32 {
	if n == 0 {
		return nil
	}
	if p%4 != 0 {
		panic(fault{fmt.Sprintf("kernel %s: misaligned float32 access at %#x", l.Name, uint64(p))})
	}
	b := l.Bytes(p, 4*n)
	return unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), n)
}

// module is loaded PTX: the names of its entries.
type module struct {
	entries map[string]bool
}

// function is a kernel of a module.
type function struct {
	name string
	mod  cuda.Module
}

// entryRE finds PTX kernel entries (".entry name(" with optional spaces).
var entryRE = regexp.MustCompile(`\.entry\s+([A-Za-z_$][A-Za-z0-9_$]*)\s*\(`)

// LoadModule reads a PTX image's .entry names. A cubin (ELF) cannot be
// read by the fake; anything else is an invalid image.
func (f *Fake) LoadModule(image []byte) (cuda.Module, error) {
	const call = "cuModuleLoadData"
	defer f.mu.Unlock()
	if err := f.enter(call); err != nil {
		return 0, err
	}
	switch {
	case len(image) == 0:
		return 0, cuda.Errorf(call, cuda.ErrorInvalidValue, "fakecuda: empty image")
	case bytes.HasPrefix(image, []byte("\x7fELF")):
		return 0, cuda.Errorf(call, cuda.ErrorNotSupported, "fakecuda: a cubin cannot be read by the fake; load PTX text")
	case !bytes.Contains(image, []byte(".version")) || !bytes.Contains(image, []byte(".target")):
		return 0, cuda.Errorf(call, cuda.ErrorInvalidImage, "fakecuda: not PTX (no .version and .target directives)")
	}
	m := &module{entries: map[string]bool{}}
	for _, sub := range entryRE.FindAllSubmatch(image, -1) {
		m.entries[string(sub[1])] = true
	}
	h := cuda.Module(f.next())
	f.modules[h] = m
	return h, nil
}

// UnloadModule unloads m; its functions become invalid handles.
func (f *Fake) UnloadModule(h cuda.Module) error {
	const call = "cuModuleUnload"
	return f.locked(call, func() error {
		if err := destroy(f.modules, h, call, "module"); err != nil {
			return err
		}
		for fh, fn := range f.funcs {
			if fn.mod == h {
				delete(f.funcs, fh)
			}
		}
		return nil
	})
}

// Function finds the entry name of m; it must also be registered.
func (f *Fake) Function(h cuda.Module, name string) (cuda.Function, error) {
	const call = "cuModuleGetFunction"
	defer f.mu.Unlock()
	if err := f.enter(call); err != nil {
		return 0, err
	}
	m, ok := f.modules[h]
	if !ok {
		return 0, cuda.Errorf(call, cuda.ErrorInvalidHandle, "fakecuda: module %#x is not loaded", uintptr(h))
	}
	if !m.entries[name] {
		return 0, cuda.Errorf(call, cuda.ErrorNotFound, "fakecuda: the module has no .entry %s", name)
	}
	if _, ok := f.kernels[name]; !ok {
		return 0, cuda.Errorf(call, cuda.ErrorNotFound, "fakecuda: no Go body registered for kernel %s; call Register", name)
	}
	fh := cuda.Function(f.next())
	f.funcs[fh] = &function{name: name, mod: h}
	return fh, nil
}

// checkShape applies the device's launch limits.
func (f *Fake) checkShape(name string, grid, block cuda.Dim3, shared int) error {
	const call = "cuLaunchKernel"
	lim := f.info
	dims := func(d, max cuda.Dim3, what string) error {
		for i, v := range [3]uint32{d.X, d.Y, d.Z} {
			m := [3]uint32{max.X, max.Y, max.Z}[i]
			if v == 0 || v > m {
				return cuda.Errorf(call, cuda.ErrorInvalidValue, "fakecuda: kernel %s: %s %s: dimension %c is %d, allowed 1..%d", name, what, d, "xyz"[i], v, m)
			}
		}
		return nil
	}
	if err := dims(block, lim.MaxBlock, "block"); err != nil {
		return err
	}
	if err := dims(grid, lim.MaxGrid, "grid"); err != nil {
		return err
	}
	if block.Count() > uint64(lim.MaxThreadsPerBlock) {
		return cuda.Errorf(call, cuda.ErrorInvalidValue, "fakecuda: kernel %s: block %s has %d threads, at most %d per block", name, block, block.Count(), lim.MaxThreadsPerBlock)
	}
	if total := f.kernels[name].staticShared + shared; shared < 0 || total > lim.MaxSharedPerBlock {
		return cuda.Errorf(call, cuda.ErrorInvalidValue, "fakecuda: kernel %s: %d bytes of shared memory (%d static + %d dynamic), at most %d per block", name, total, f.kernels[name].staticShared, shared, lim.MaxSharedPerBlock)
	}
	return nil
}

// Launch checks the shape and arguments and queues (or captures) a run of
// the kernel's Go body. Each non-null pointer argument must lie in a live
// allocation; the kernel is taken to read and write all of that allocation
// (the fake cannot know which part it touches).
func (f *Fake) Launch(fh cuda.Function, grid, block cuda.Dim3, shared int, h cuda.Stream, args ...any) error {
	const call = "cuLaunchKernel"
	return f.submit(call, h, func() (*op, error) {
		fn, ok := f.funcs[fh]
		if !ok {
			return nil, cuda.Errorf(call, cuda.ErrorInvalidHandle, "fakecuda: function %#x is not live (unloaded module?)", uintptr(fh))
		}
		if err := f.checkShape(fn.name, grid, block, shared); err != nil {
			return nil, err
		}
		if err := cuda.KernelArgs(call, args); err != nil {
			return nil, err
		}
		l := &Launch{Name: fn.name, Grid: grid, Block: block, SharedBytes: shared, Args: append([]any(nil), args...), f: f}
		o := &op{what: "launch " + fn.name + " grid " + grid.String() + " block " + block.String()}
		for i, a := range args {
			if p, ok := a.(cuda.DevicePtr); ok && p != 0 {
				al := f.mem.find(p)
				if al == nil {
					_, err := f.mem.span(p, 1)
					return nil, cuda.Errorf(call, cuda.ErrorInvalidValue, "fakecuda: kernel %s argument %d: %v", fn.name, i, err)
				}
				o.spans = append(o.spans, span{al.base, len(al.data), true})
			}
		}
		run := f.kernels[fn.name].run
		o.run = func() error {
			if err := run(l); err != nil {
				return fmt.Errorf("kernel %s: %w", fn.name, err)
			}
			return nil
		}
		o.live = func() error {
			if _, ok := f.funcs[fh]; !ok {
				return fmt.Errorf("kernel %s's module was unloaded", fn.name)
			}
			return nil
		}
		return o, nil
	})
}
