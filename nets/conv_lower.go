package nets

import "genxai/engine"

// The convolution on an engine.Backend: Im2col of the whole batch and one
// batched GEMM, y[n] = W × cols[n] (the host kernels' products, image by
// image); the weight gradient's per-image products dy[n] × cols[n]ᵀ summed
// by a Reduce over the batch; the input gradient's Wᵀ × dy[n] added back
// onto a zeroed dx by Col2im. A direct convolution (1×1, stride 1, no
// padding) multiplies the images themselves.

// zeroChain writes zeros: the Elementwise call that clears Col2im's target.
var zeroChain = func() *engine.Chain {
	c := engine.NewChain()
	c.Output(c.Const(0))
	return c
}()

// patchLen is the length of the batch's patch matrices.
func (g convGeom) patchLen() int { return g.n * g.rows() * g.cols() }

// lowerForward is (x, w) → y.
func (g convGeom) lowerForward() lowering {
	s, rp, op := g.shape(), g.rows()*g.cols(), g.o*g.cols()
	gm := engine.GemmShape{M: g.o, N: g.cols(), K: g.rows(), Alpha: 1}
	if g.direct() {
		return lowering{run: func(be engine.Backend, in []engine.Buffer, y engine.Buffer, _ []engine.Buffer) {
			be.GemmBatched(gm, g.n, in[1], 0, in[0], rp, y, op)
		}}
	}
	return lowering{scratch: []int{g.patchLen()}, run: func(be engine.Backend, in []engine.Buffer, y engine.Buffer, sc []engine.Buffer) {
		be.Im2col(s, in[0], sc[0])
		be.GemmBatched(gm, g.n, in[1], 0, sc[0], rp, y, op)
	}}
}

// lowerInputGrad is (w, dy) → dx.
func (g convGeom) lowerInputGrad() lowering {
	s, rp, op := g.shape(), g.rows()*g.cols(), g.o*g.cols()
	gm := engine.GemmShape{TransA: true, M: g.rows(), N: g.cols(), K: g.o, Alpha: 1}
	if g.direct() {
		return lowering{run: func(be engine.Backend, in []engine.Buffer, dx engine.Buffer, _ []engine.Buffer) {
			be.GemmBatched(gm, g.n, in[0], 0, in[1], op, dx, rp)
		}}
	}
	outs := make([]engine.Buffer, 1)
	return lowering{scratch: []int{g.patchLen()}, run: func(be engine.Backend, in []engine.Buffer, dx engine.Buffer, sc []engine.Buffer) {
		be.GemmBatched(gm, g.n, in[0], 0, in[1], op, sc[0], rp)
		outs[0] = dx
		be.Elementwise(zeroChain, 1, dx.Len(), nil, outs)
		be.Col2im(s, sc[0], dx)
	}}
}

// lowerWeightGrad is (x, dy) → dw: the per-image products into a
// [N, O, C·KH·KW] temporary, summed over the batch (into dw directly for
// a batch of one).
func (g convGeom) lowerWeightGrad() lowering {
	s, rp, op, or := g.shape(), g.rows()*g.cols(), g.o*g.cols(), g.o*g.rows()
	gm := engine.GemmShape{TransB: true, M: g.o, N: g.rows(), K: g.cols(), Alpha: 1}
	var scratch []int
	if !g.direct() {
		scratch = append(scratch, g.patchLen())
	}
	if g.n > 1 {
		scratch = append(scratch, g.n*or)
	}
	return lowering{scratch: scratch, run: func(be engine.Backend, in []engine.Buffer, dw engine.Buffer, sc []engine.Buffer) {
		patches := in[0]
		if !g.direct() {
			patches, sc = sc[0], sc[1:]
			be.Im2col(s, in[0], patches)
		}
		if g.n == 1 {
			be.GemmBatched(gm, 1, in[1], op, patches, rp, dw, or)
			return
		}
		be.GemmBatched(gm, g.n, in[1], op, patches, rp, sc[0], or)
		be.Reduce(engine.ReduceSum, sc[0], 1, g.n, or, dw)
	}}
}
