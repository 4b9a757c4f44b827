package cuda

import (
	"fmt"

	"genxai/cuda/kernels"
	"genxai/cuda/nvrtc"
	"genxai/engine"
)

// Source is what the backend asks its Compiler for: one compilation unit,
// the kernel entries it defines, and for a generated elementwise chain the
// chain it was generated from (nil for the fixed units).
type Source struct {
	Unit    kernels.Unit
	Entries []string
	Chain   *engine.Chain
}

// Compiler turns a unit into an image Context.LoadModule accepts (PTX text
// or a cubin). NVRTCCompiler is the real one; the fake driver's tests use
// one that also gives the fake a Go body for each entry.
type Compiler func(Source) ([]byte, error)

// NVRTCCompiler compiles units with NVRTC for the device's compute
// capability (compute_XY PTX, which the driver compiles for its GPU at load
// and caches itself) with kernels.Options, keeping the PTX in the on-disk
// cache under dir (nvrtc.DefaultDir's folder when ""), keyed by the unit's
// content hash, the options and the NVRTC version: a unit is compiled once
// per machine.
func NVRTCCompiler(info DeviceInfo, dir string) Compiler {
	opts := append([]string{fmt.Sprintf("--gpu-architecture=compute_%d%d", info.Major, info.Minor)}, kernels.Options...)
	cache := nvrtc.Cache{Dir: dir}
	return func(s Source) ([]byte, error) {
		return cache.Get(s.Unit.Name, s.Unit.Hash(), s.Unit.Source, opts, false)
	}
}

// unitEntries lists the kernels of the fixed unit called unit.
func unitEntries(unit string) []string {
	var out []string
	for _, k := range kernels.Table {
		if k.Unit == unit {
			out = append(out, k.Name)
		}
	}
	return out
}

// function returns the kernel called name, compiling and loading its unit
// at first use.
func (b *Backend) function(name string) (Function, error) {
	if f, ok := b.funcs[name]; ok {
		return f, nil
	}
	u, err := kernels.UnitOf(name)
	if err != nil {
		return 0, err
	}
	if err := b.load(Source{Unit: u, Entries: unitEntries(u.Name)}); err != nil {
		return 0, err
	}
	return b.funcs[name], nil
}

// load compiles and loads s's unit and looks up its entries.
func (b *Backend) load(s Source) error {
	if _, ok := b.mods[s.Unit.Name]; ok {
		return nil
	}
	b.leaveStep("loading kernel unit " + s.Unit.Name)
	image, err := b.compile(s)
	if err != nil {
		return fmt.Errorf("cuda backend: compiling kernel unit %s: %w", s.Unit.Name, err)
	}
	m, err := b.ctx.LoadModule(image)
	if err != nil {
		return fmt.Errorf("cuda backend: loading kernel unit %s: %w", s.Unit.Name, err)
	}
	b.mods[s.Unit.Name] = m
	for _, e := range s.Entries {
		f, err := b.ctx.Function(m, e)
		if err != nil {
			return fmt.Errorf("cuda backend: kernel unit %s: %w", s.Unit.Name, err)
		}
		b.funcs[e] = f
	}
	return nil
}

// chainKernel returns the kernel name of c, generating, compiling and
// loading its unit the first time a chain with its program is seen (chains
// are memoized by pointer, and programs by kernel name, so a plan's chains
// cost one lookup per call).
func (b *Backend) chainKernel(c *engine.Chain) (string, error) {
	if name, ok := b.chains[c]; ok {
		return name, nil
	}
	if err := c.Check(); err != nil {
		panic("cuda: Elementwise: " + err.Error())
	}
	u := kernels.ChainUnit(c)
	if err := b.load(Source{Unit: u, Entries: []string{u.Name}, Chain: c}); err != nil {
		return "", err
	}
	b.chains[c] = u.Name
	return u.Name, nil
}

// kcall is a kernel launch that goes to the driver now (Backend.fixed,
// Backend.kernel). Its arguments are built only once it is known to, so
// the calls of a replayed step, checked against the capture and skipped,
// box no argument and allocate nothing.
type kcall struct {
	b    *Backend
	name string
	l    kernels.Launch
}

// fixed is kernel for the fixed kernel name of kernels.Table, launched with
// its rule over sizes.
func (b *Backend) fixed(name string, sizes ...int) (kcall, bool) {
	k, ok := kernels.Lookup(name)
	if !ok {
		panic("cuda: no kernel " + name + " in cuda/kernels.Table")
	}
	return b.kernel(name, k.Rule.Launch(sizes...))
}

// kernel returns the call of kernel name (fixed or a chain's) with launch
// l, and whether it goes to the driver now: not when l is empty (it is
// then no call of the step), the backend failed, or the step is replayed
// (the call is checked against the captured sequence, see issue) or was
// abandoned.
func (b *Backend) kernel(name string, l kernels.Launch) (kcall, bool) {
	if b.failed() || l.Empty() || !b.issue(name) {
		return kcall{}, false
	}
	return kcall{b: b, name: name, l: l}, true
}

// with launches the call with args (checked against the table's parameters
// when the kernel is a fixed one), loading its unit at first use. Errors
// are kept (see Backend).
func (c kcall) with(args ...any) {
	b := c.b
	if k, ok := kernels.Lookup(c.name); ok {
		checkArgs(k, args)
	}
	f, err := b.function(c.name)
	if b.fail(err) || b.cur.mode == stepAbandoned {
		return
	}
	b.fail(b.ctx.Launch(f, dim(c.l.Grid), dim(c.l.Block), 0, b.stream, args...))
}

// dim converts a rule's shape.
func dim(d [3]int) Dim3 { return D3(d[0], d[1], d[2]) }

// checkArgs panics when args do not match k's parameters in number and Go
// type: a marshalling bug of the backend, which would otherwise corrupt
// device memory.
func checkArgs(k kernels.Kernel, args []any) {
	if len(args) != len(k.Params) {
		panic(fmt.Sprintf("cuda: kernel %s takes %d arguments, the backend passed %d", k.Name, len(k.Params), len(args)))
	}
	for i, p := range k.Params {
		ok := false
		switch args[i].(type) {
		case DevicePtr:
			ok = p.Kind == kernels.In || p.Kind == kernels.Out || p.Kind == kernels.F64Out || p.Kind == kernels.F64In ||
				p.Kind == kernels.PtrIn || p.Kind == kernels.I64In || p.Kind == kernels.U32In
		case int32:
			ok = p.Kind == kernels.I32
		case int64:
			ok = p.Kind == kernels.I64
		case uint32:
			ok = p.Kind == kernels.U32
		case float32:
			ok = p.Kind == kernels.F32
		case float64:
			ok = p.Kind == kernels.F64
		}
		if !ok {
			panic(fmt.Sprintf("cuda: kernel %s parameter %s is %s, the backend passed a %T", k.Name, p.Name, p.Kind.CType(), args[i]))
		}
	}
}
