// Package cpukernels executes the CUDA backend's kernels on the fake driver:
// for every kernel entry that cuda.Backend launches (the fixed units of
// cuda/kernels and the generated elementwise chains) it registers a Go body
// on a fakecuda.Fake that decodes the launch's arguments as the kernel's
// parameters (kernels.Table, kernels.ChainParams), copies its operands out
// of the fake's device memory, runs the CPU backend's implementation of the
// same operation (engine/cpu) and copies the written operands back.
//
// With it the CUDA backend's host code (argument marshalling, launch
// shapes, the module and chain caches, staging and stream order) runs end to
// end on the fake, and its results are the CPU backend's, bit for bit where
// the CPU backend's order is used (everything but the GEMMs, which the fake's
// cuBLAS computes with cuda.SgemmRef). The kernels' own CUDA code is
// verified separately (cuda/kernels: the NVRTC gate and the CPU harness).
package cpukernels

import (
	"fmt"
	"math"
	"strings"

	"genxai/cuda"
	"genxai/cuda/fakecuda"
	"genxai/cuda/kernels"
	"genxai/engine"
	"genxai/engine/cpu"
)

// Install registers a Go body for every fixed kernel of cuda/kernels that
// the backend launches on f and returns the Compiler the backend must use
// on f: it registers each generated chain's body and returns PTX text
// declaring the unit's entries (made by inner when non-nil, e.g. real
// NVRTC, else a stub the fake accepts).
func Install(f *fakecuda.Fake, inner cuda.Compiler) cuda.Compiler {
	host := cpu.New(cpu.Options{Workers: 1})
	for name, body := range bodies {
		f.Register(name, 0, wrap(host, body))
	}
	return func(s cuda.Source) ([]byte, error) {
		if s.Chain != nil {
			c := s.Chain
			f.Register(s.Unit.Name, 0, wrap(host, func(k *call) { chain(k, c) }))
		}
		if inner != nil {
			return inner(s)
		}
		return StubPTX(s.Entries), nil
	}
}

// Missing lists the kernels of kernels.Table without a Go body here (the
// plain gemm, which the backend replaces by cuBLAS).
func Missing() []string {
	var out []string
	for _, k := range kernels.Table {
		if _, ok := bodies[k.Name]; !ok {
			out = append(out, k.Name)
		}
	}
	return out
}

// StubPTX is a PTX module with an empty kernel per entry: enough for the
// fake driver, which reads only the .entry names.
func StubPTX(entries []string) []byte {
	var b strings.Builder
	b.WriteString(".version 7.8\n.target sm_90\n.address_size 64\n")
	for _, e := range entries {
		fmt.Fprintf(&b, ".visible .entry %s(\n)\n{\n\tret;\n}\n", e)
	}
	return []byte(b.String())
}

// call is one launch being executed: its arguments and the operands to
// copy back when the body is done.
type call struct {
	l    *fakecuda.Launch
	host *cpu.Backend
	back []func()
}

// wrap makes a fake kernel of a body.
func wrap(host *cpu.Backend, body func(k *call)) fakecuda.Kernel {
	return func(l *fakecuda.Launch) error {
		k := &call{l: l, host: host}
		body(k)
		for _, f := range k.back {
			f()
		}
		return nil
	}
}

// buf copies the n values at pointer argument i into a host buffer; when
// write is set they are copied back after the body (every operand is read
// first, so values the kernel leaves alone are kept).
func (k *call) buf(i, n int, write bool) engine.Buffer {
	hb := k.host.Alloc(n)
	if n == 0 {
		return hb
	}
	dev := k.l.Float32s(k.l.Ptr(i), n)
	copy(cpu.Data(hb), dev)
	if write {
		k.back = append(k.back, func() { copy(dev, cpu.Data(hb)) })
	}
	return hb
}

// in and out are buf for read-only and written operands.
func (k *call) in(i, n int) engine.Buffer  { return k.buf(i, n, false) }
func (k *call) out(i, n int) engine.Buffer { return k.buf(i, n, true) }

// i32, i64 and f32 read scalar arguments as ints.
func (k *call) i32(i int) int     { return int(k.l.Int32(i)) }
func (k *call) i64(i int) int     { return int(k.l.Int64(i)) }
func (k *call) f32(i int) float32 { return k.l.Float32(i) }

// words reads n 32-bit words at pointer argument i (a const u32* parameter).
func (k *call) words(i, n int) []uint32 {
	out := make([]uint32, n)
	for j, f := range k.l.Float32s(k.l.Ptr(i), n) {
		out[j] = math.Float32bits(f)
	}
	return out
}

// chain runs the elementwise chain c: n, cols, the inputs, the outputs.
func chain(k *call, c *engine.Chain) {
	n, cols := k.i64(0), k.i32(1)
	rows := 0
	if cols > 0 {
		rows = n / cols
	}
	ins := make([]engine.Buffer, len(c.Inputs))
	for i, br := range c.Inputs {
		ins[i] = k.in(2+i, br.Len(rows, cols))
	}
	outs := make([]engine.Buffer, len(c.Outputs))
	for i := range c.Outputs {
		outs[i] = k.out(2+len(ins)+i, n)
	}
	k.host.Elementwise(c, rows, cols, ins, outs)
}
