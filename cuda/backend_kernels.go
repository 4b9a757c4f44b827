package cuda

import (
	"fmt"

	"genxai/cuda/kernels"
	"genxai/engine"
)

// rule returns the launch of the fixed kernel name for sizes.
func rule(name string, sizes ...int) kernels.Launch {
	k, ok := kernels.Lookup(name)
	if !ok {
		panic("cuda: no kernel " + name + " in cuda/kernels.Table")
	}
	return k.Rule.Launch(sizes...)
}

// run launches the fixed kernel name over the rule's sizes.
func (b *Backend) run(name string, sizes []int, args ...any) {
	b.launch(name, rule(name, sizes...), args...)
}

// sz is a size list for run.
func sz(s ...int) []int { return s }

// Gemm multiplies row-major matrices with cuBLAS (MatMul).
func (b *Backend) Gemm(s engine.GemmShape, a, bm, c engine.Buffer) {
	b.GemmBatched(s, 1, a, 0, bm, 0, c, 0)
}

// GemmBatched runs batch row-major products with one strided-batched cuBLAS
// call (MatMulStridedBatched; a stride of 0 reuses the operand).
func (b *Backend) GemmBatched(s engine.GemmShape, batch int, a engine.Buffer, strideA int, bm engine.Buffer, strideB int, c engine.Buffer, strideC int) {
	na, nb, nc := s.Sizes()
	pa := b.ptr("Gemm A", a, -1)
	pb := b.ptr("Gemm B", bm, -1)
	pc := b.ptr("Gemm C", c, -1)
	for _, o := range []struct {
		what           string
		have, n, strid int
	}{{"A", a.Len(), na, strideA}, {"B", bm.Len(), nb, strideB}, {"C", c.Len(), nc, strideC}} {
		if batch > 0 && o.n > 0 && (batch-1)*o.strid+o.n > o.have {
			panic(fmt.Sprintf("cuda: Gemm: %s of %d values is too short for %d products of %d values %d apart", o.what, o.have, batch, o.n, o.strid))
		}
	}
	if batch <= 0 || s.M == 0 || s.N == 0 || b.failed() {
		return
	}
	if s.K != 0 && !b.issue("gemm") {
		return
	}
	if s.K == 0 { // no terms: C = beta·C
		for i := 0; i < batch; i++ {
			b.scale(pc+DevicePtr(4*i*strideC), nc, s.Beta)
		}
		return
	}
	if batch == 1 {
		b.fail(MatMul(b.blas, s.TransA, s.TransB, s.M, s.N, s.K, s.Alpha, pa, pb, s.Beta, pc))
		return
	}
	b.fail(MatMulStridedBatched(b.blas, s.TransA, s.TransB, s.M, s.N, s.K, s.Alpha, pa, strideA, pb, strideB, s.Beta, pc, strideC, batch))
}

// scale multiplies n values at p by beta (zeroes them when beta is 0, as
// BLAS ignores C's content then).
func (b *Backend) scale(p DevicePtr, n int, beta float32) {
	if beta == 0 {
		if b.issue("memset") {
			b.fail(b.ctx.MemsetD32(p, 0, n, b.stream))
		}
		return
	}
	c := scaleChain(beta)
	name, err := b.chainKernel(c)
	if b.fail(err) {
		return
	}
	b.launch(name, kernels.Elements.Launch(n), int64(n), int32(n), p, p)
}

// scaleChain is the chain y = beta·x.
func scaleChain(beta float32) *engine.Chain {
	c := engine.NewChain(engine.Full)
	c.Output(c.Binary(engine.OpMul, 0, c.Const(beta)))
	return c
}

// Elementwise runs the chain's generated kernel (kernels.ChainSource),
// compiled once per distinct chain.
func (b *Backend) Elementwise(c *engine.Chain, rows, cols int, in []engine.Buffer, out []engine.Buffer) {
	if len(in) != len(c.Inputs) || len(out) != len(c.Outputs) {
		panic(fmt.Sprintf("cuda: Elementwise: the chain has %d inputs and %d outputs, given %d and %d", len(c.Inputs), len(c.Outputs), len(in), len(out)))
	}
	n := rows * cols
	args := make([]any, 0, 2+len(in)+len(out))
	args = append(args, int64(n), int32(cols))
	for i, x := range in {
		args = append(args, b.ptr(fmt.Sprintf("Elementwise input %d", i), x, c.Inputs[i].Len(rows, cols)))
	}
	for i, x := range out {
		args = append(args, b.ptr(fmt.Sprintf("Elementwise output %d", i), x, n))
	}
	if n == 0 || b.failed() {
		return
	}
	name, err := b.chainKernel(c)
	if b.fail(err) {
		return
	}
	b.launch(name, kernels.Elements.Launch(n), args...)
}

// Strided runs strided_copy over the copy's index space.
func (b *Backend) Strided(s engine.Strided, src, dst engine.Buffer) {
	se, de := s.Extent()
	ps, pd := b.ptr("Strided src", src, -1), b.ptr("Strided dst", dst, -1)
	if se > src.Len() || de > dst.Len() {
		panic(fmt.Sprintf("cuda: Strided: the copy reads %d and writes %d values, the buffers hold %d and %d", se, de, src.Len(), dst.Len()))
	}
	add := int32(0)
	if s.Add {
		add = 1
	}
	d, st, t := s.Dims, s.Src, s.Dst
	b.run("strided_copy", sz(s.Len()), ps, pd, int32(d[0]), int32(d[1]), int32(d[2]), int32(d[3]),
		int64(st[0]), int64(st[1]), int64(st[2]), int64(st[3]), int64(t[0]), int64(t[1]), int64(t[2]), int64(t[3]),
		int64(s.SrcOff), int64(s.DstOff), add)
}

// Reduce runs reduce_rows (inner = 1) or reduce_cols.
func (b *Backend) Reduce(op engine.ReduceOp, x engine.Buffer, outer, axis, inner int, y engine.Buffer) {
	px := b.ptr("Reduce x", x, outer*axis*inner)
	py := b.ptr("Reduce y", y, outer*inner)
	if op > engine.ReduceMax {
		panic(fmt.Sprintf("cuda: Reduce: unknown operation %d", op))
	}
	if inner == 1 {
		b.run("reduce_rows", sz(outer), px, py, int32(outer), int64(axis), int32(op))
		return
	}
	if inner == 0 {
		return
	}
	b.run("reduce_cols", sz(outer, inner), px, py, int32(outer), int64(axis), int64(inner), int32(op))
}

// rowKernel runs one of the softmax kernels (x or y, dy; rows, cols; out).
func (b *Backend) rowKernel(name string, rows, cols int, out engine.Buffer, in ...engine.Buffer) {
	args := make([]any, 0, len(in)+3)
	for i, x := range in {
		args = append(args, b.ptr(fmt.Sprintf("%s input %d", name, i), x, rows*cols))
	}
	args = append(args, int32(rows), int32(cols), b.ptr(name+" output", out, rows*cols))
	b.run(name, sz(rows), args...)
}

// Softmax runs softmax, one block per row.
func (b *Backend) Softmax(x engine.Buffer, rows, cols int, y engine.Buffer) {
	b.rowKernel("softmax", rows, cols, y, x)
}

// LogSoftmax runs log_softmax.
func (b *Backend) LogSoftmax(x engine.Buffer, rows, cols int, y engine.Buffer) {
	b.rowKernel("log_softmax", rows, cols, y, x)
}

// SoftmaxGrad runs softmax_grad.
func (b *Backend) SoftmaxGrad(y, dy engine.Buffer, rows, cols int, dx engine.Buffer) {
	b.rowKernel("softmax_grad", rows, cols, dx, y, dy)
}

// LogSoftmaxGrad runs log_softmax_grad.
func (b *Backend) LogSoftmaxGrad(y, dy engine.Buffer, rows, cols int, dx engine.Buffer) {
	b.rowKernel("log_softmax_grad", rows, cols, dx, y, dy)
}
