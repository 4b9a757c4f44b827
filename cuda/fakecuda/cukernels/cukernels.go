//go:build cudacpu

// Package cukernels executes the CUDA backend's launches on the fake driver
// with the kernels' own CUDA C++ text: each launch is run by the CPU harness
// of cuda/kernels (the .cu units and generated chains built by g++ against
// cudacpu.h under AddressSanitizer and UBSan, threads as fibers, docs/cuda.md
// layer 3), where cpukernels runs the CPU backend's Go code instead.
//
// Each launch ships to the harness every distinct allocation of the fake
// that its pointer arguments point into, whole, and passes each pointer as
// (allocation, offset): pointers into one allocation alias as on a device
// (a chain writing its input, an in-place scale), and an access past an
// allocation is an AddressSanitizer report. A device table of pointers (a
// PtrIn parameter: the clipping's list of gradients) is decoded the same
// way, entry by entry. The harness's results are written straight back into
// the fake's memory. Products stay with the fake's cuBLAS (cuda.SgemmRef).
//
// The harness must link every generated chain a model launches: build it
// with the chains collected from a first run (for example on cpukernels,
// whose Compiler sees each chain), see BuildHarness.
package cukernels

import (
	"fmt"
	"unsafe"

	"genxai/cuda"
	"genxai/cuda/fakecuda"
	"genxai/cuda/fakecuda/cpukernels"
	"genxai/cuda/kernels"
)

// Install registers on f a body for every fixed kernel of kernels.Table
// that runs the launch in h, in forward or reversed thread order, and
// returns the Compiler the backend must use on f: it registers each
// generated chain (which h must link, else it fails naming the chain) and
// returns PTX declaring the unit's entries (cpukernels.StubPTX).
func Install(f *fakecuda.Fake, h *kernels.Harness, reverse bool) cuda.Compiler {
	for _, k := range kernels.Table {
		f.Register(k.Name, 0, body(h, k.Name, k.Params, reverse))
	}
	return func(s cuda.Source) ([]byte, error) {
		if s.Chain != nil {
			ps, ok := h.Params(s.Unit.Name)
			if !ok {
				return nil, fmt.Errorf("cukernels: chain %s is not linked into the CPU harness; build the harness with the model's chains (collect them from a run on cpukernels)", s.Unit.Name)
			}
			f.Register(s.Unit.Name, 0, body(h, s.Unit.Name, ps, reverse))
		}
		return cpukernels.StubPTX(s.Entries), nil
	}
}

// body is the fake kernel running name (parameters ps) in h.
func body(h *kernels.Harness, name string, ps []kernels.Param, reverse bool) fakecuda.Kernel {
	return func(l *fakecuda.Launch) error {
		if len(l.Args) != len(ps) {
			return fmt.Errorf("launched with %d arguments, the kernel takes %d", len(l.Args), len(ps))
		}
		m := memory{l: l, index: map[cuda.DevicePtr]int{}}
		args := make([]any, len(l.Args))
		for i, a := range l.Args {
			p, ok := a.(cuda.DevicePtr)
			switch {
			case !ok:
				args[i] = a
			case ps[i].Kind == kernels.PtrIn:
				n, err := tableLen(l, ps, i)
				if err != nil {
					return err
				}
				args[i] = m.table(p, n)
			default:
				args[i] = m.ref(p)
			}
		}
		g, b := l.Grid, l.Block
		launch := kernels.Launch{Grid: [3]int{int(g.X), int(g.Y), int(g.Z)}, Block: [3]int{int(b.X), int(b.Y), int(b.Z)}}
		return h.Run(name, launch, reverse, m.allocs, args)
	}
}

// memory collects the allocations one launch ships to the harness.
type memory struct {
	l      *fakecuda.Launch
	allocs [][]byte
	index  map[cuda.DevicePtr]int // allocation base → index in allocs
}

// ref is p as an allocation and offset, shipping the allocation once.
func (m *memory) ref(p cuda.DevicePtr) kernels.Ref {
	if p == 0 {
		return kernels.Ref{Alloc: -1}
	}
	base, data := m.l.Allocation(p)
	i, ok := m.index[base]
	if !ok {
		i = len(m.allocs)
		m.allocs = append(m.allocs, data)
		m.index[base] = i
	}
	return kernels.Ref{Alloc: i, Off: int64(p - base)}
}

// table decodes the n device addresses at p (a PtrIn table).
func (m *memory) table(p cuda.DevicePtr, n int) []kernels.Ref {
	refs := make([]kernels.Ref, n)
	if n == 0 {
		return refs
	}
	b := m.l.Bytes(p, 8*n)
	for j, w := range unsafe.Slice((*uint64)(unsafe.Pointer(&b[0])), n) {
		refs[j] = m.ref(cuda.DevicePtr(w))
	}
	return refs
}

// tableLen is the entry count of the PtrIn table at argument i: the value
// of the first int parameter after it (clip_sumsq's nbuf).
func tableLen(l *fakecuda.Launch, ps []kernels.Param, i int) (int, error) {
	for j := i + 1; j < len(ps); j++ {
		if ps[j].Kind == kernels.I32 {
			if n := l.Int32(j); n >= 0 {
				return int(n), nil
			}
			return 0, fmt.Errorf("table %s has %d entries", ps[i].Name, l.Int32(j))
		}
	}
	return 0, fmt.Errorf("table %s has no int parameter after it giving its length", ps[i].Name)
}
