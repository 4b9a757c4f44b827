package cuda

import (
	"fmt"
	"math"

	"genxai/cuda/kernels"
	"genxai/engine"
)

// Gemm multiplies row-major matrices with cuBLAS (MatMul).
func (b *Backend) Gemm(s engine.GemmShape, a, bm, c engine.Buffer) {
	b.GemmBatched(s, 1, a, 0, bm, 0, c, 0)
}

// GemmBatched runs batch row-major products with one strided-batched cuBLAS
// call (MatMulStridedBatched; a stride of 0 reuses the operand).
func (b *Backend) GemmBatched(s engine.GemmShape, batch int, a engine.Buffer, strideA int, bm engine.Buffer, strideB int, c engine.Buffer, strideC int) {
	na, nb, nc := s.Sizes()
	pa := b.gemmOperand("A", a, batch, na, strideA)
	pb := b.gemmOperand("B", bm, batch, nb, strideB)
	pc := b.gemmOperand("C", c, batch, nc, strideC)
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

// gemmOperand returns the address of operand what of a GemmBatched after
// checking that it holds batch matrices of n values stride apart.
func (b *Backend) gemmOperand(what string, x engine.Buffer, batch, n, stride int) DevicePtr {
	p := b.ptrAt("Gemm", what, -1, x, -1)
	if batch > 0 && n > 0 && (batch-1)*stride+n > x.Len() {
		panic(fmt.Sprintf("cuda: Gemm: %s of %d values is too short for %d products of %d values %d apart", what, x.Len(), batch, n, stride))
	}
	return p
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
	name, err := b.chainKernel(b.scaleChain(beta))
	if b.fail(err) {
		return
	}
	if k, ok := b.kernel(name, kernels.Elements.Launch(n)); ok {
		k.with(int64(n), int32(n), p, p)
	}
}

// scaleChain returns the chain y = beta·x, one per beta (so chainKernel
// finds it by pointer).
func (b *Backend) scaleChain(beta float32) *engine.Chain {
	bits := math.Float32bits(beta)
	if c, ok := b.scales[bits]; ok {
		return c
	}
	c := engine.NewChain(engine.Full)
	c.Output(c.Binary(engine.OpMul, 0, c.Const(beta)))
	b.scales[bits] = c
	return c
}

// Elementwise runs the chain's generated kernel (kernels.ChainSource),
// compiled once per distinct chain.
func (b *Backend) Elementwise(c *engine.Chain, rows, cols int, in []engine.Buffer, out []engine.Buffer) {
	if len(in) != len(c.Inputs) || len(out) != len(c.Outputs) {
		panic(fmt.Sprintf("cuda: Elementwise: the chain has %d inputs and %d outputs, given %d and %d", len(c.Inputs), len(c.Outputs), len(in), len(out)))
	}
	n := rows * cols
	for i, x := range in {
		b.ptrAt("Elementwise", "input", i, x, c.Inputs[i].Len(rows, cols))
	}
	for i, x := range out {
		b.ptrAt("Elementwise", "output", i, x, n)
	}
	if n == 0 || b.failed() {
		return
	}
	name, err := b.chainKernel(c)
	if b.fail(err) {
		return
	}
	k, ok := b.kernel(name, kernels.Elements.Launch(n))
	if !ok {
		return
	}
	args := make([]any, 0, 2+len(in)+len(out))
	args = append(args, int64(n), int32(cols))
	for _, x := range in {
		args = append(args, x.(*buffer).p)
	}
	for _, x := range out {
		args = append(args, x.(*buffer).p)
	}
	k.with(args...)
}

// Strided runs strided_copy over the copy's index space.
func (b *Backend) Strided(s engine.Strided, src, dst engine.Buffer) {
	se, de := s.Extent()
	ps, pd := b.ptr("Strided src", src, -1), b.ptr("Strided dst", dst, -1)
	if se > src.Len() || de > dst.Len() {
		panic(fmt.Sprintf("cuda: Strided: the copy reads %d and writes %d values, the buffers hold %d and %d", se, de, src.Len(), dst.Len()))
	}
	k, ok := b.fixed("strided_copy", s.Len())
	if !ok {
		return
	}
	add := int32(0)
	if s.Add {
		add = 1
	}
	d, st, t := s.Dims, s.Src, s.Dst
	k.with(ps, pd, int32(d[0]), int32(d[1]), int32(d[2]), int32(d[3]),
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
		if k, ok := b.fixed("reduce_rows", outer); ok {
			k.with(px, py, int32(outer), int64(axis), int32(op))
		}
		return
	}
	if inner == 0 {
		return
	}
	if k, ok := b.fixed("reduce_cols", outer, inner); ok {
		k.with(px, py, int32(outer), int64(axis), int64(inner), int32(op))
	}
}

// rowKernel runs one of the softmax kernels (x or y, then dy when given;
// rows, cols; out).
func (b *Backend) rowKernel(name string, rows, cols int, out, x, dy engine.Buffer) {
	n := rows * cols
	px, po := b.ptrAt(name, "input", 0, x, n), b.ptrAt(name, "output", -1, out, n)
	var pdy DevicePtr
	if dy != nil {
		pdy = b.ptrAt(name, "input", 1, dy, n)
	}
	k, ok := b.fixed(name, rows)
	if !ok {
		return
	}
	if dy == nil {
		k.with(px, int32(rows), int32(cols), po)
		return
	}
	k.with(px, pdy, int32(rows), int32(cols), po)
}

// Softmax runs softmax, one block per row.
func (b *Backend) Softmax(x engine.Buffer, rows, cols int, y engine.Buffer) {
	b.rowKernel("softmax", rows, cols, y, x, nil)
}

// LogSoftmax runs log_softmax.
func (b *Backend) LogSoftmax(x engine.Buffer, rows, cols int, y engine.Buffer) {
	b.rowKernel("log_softmax", rows, cols, y, x, nil)
}

// SoftmaxGrad runs softmax_grad.
func (b *Backend) SoftmaxGrad(y, dy engine.Buffer, rows, cols int, dx engine.Buffer) {
	b.rowKernel("softmax_grad", rows, cols, dx, y, dy)
}

// LogSoftmaxGrad runs log_softmax_grad.
func (b *Backend) LogSoftmaxGrad(y, dy engine.Buffer, rows, cols int, dx engine.Buffer) {
	b.rowKernel("log_softmax_grad", rows, cols, dx, y, dy)
}
