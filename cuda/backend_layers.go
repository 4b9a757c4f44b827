package cuda

import (
	"fmt"

	"genxai/engine"
)

// The layers of convolutional and sequence models: one launch each of the
// cuda/kernels conv, pool and gather units, one thread per value of the
// output (per column of the table for scatter_add), engine/cpu's order.

// conv runs im2col or col2im over s (shape checked as the CPU backend does).
func (b *Backend) conv(name string, s engine.ConvShape, src, dst engine.Buffer, srcLen, dstLen, threads int) {
	if err := s.Check(); err != nil {
		panic("cuda: " + name + ": " + err.Error())
	}
	ps, pd := b.ptrAt(name, "input", -1, src, srcLen), b.ptrAt(name, "output", -1, dst, dstLen)
	if k, ok := b.fixed(name, threads); ok {
		k.with(ps, pd, int32(s.N), int32(s.C), int32(s.H), int32(s.W), int32(s.KH), int32(s.KW), int32(s.Stride), int32(s.Pad))
	}
}

// im2col runs im2col over the whole batch, one thread per patch value:
// cols [N, C·KH·KW, OH·OW] (cpu.Backend.Im2col's layout).
func (b *Backend) im2col(s engine.ConvShape, x, cols engine.Buffer) {
	nx, nc := s.N*s.C*s.H*s.W, s.N*s.Rows()*s.Cols()
	b.conv("im2col", s, x, cols, nx, nc, nc)
}

// col2im runs col2im, one thread per pixel of x (each adds the patch
// entries that read it, in patch-row order).
func (b *Backend) col2im(s engine.ConvShape, cols, x engine.Buffer) {
	nx, nc := s.N*s.C*s.H*s.W, s.N*s.Rows()*s.Cols()
	b.conv("col2im", s, cols, x, nc, nx, nx)
}

// convCheck panics when s makes no convolution with output channels.
func convCheck(kernel string, s engine.ConvShape) {
	if err := s.CheckConv(); err != nil {
		panic("cuda: " + kernel + ": " + err.Error())
	}
}

// ConvScratch is the whole batch's patches and per-image weight-gradient
// products: the kernels below run the batch at once.
func (b *Backend) ConvScratch(s engine.ConvShape) (patches, products int) {
	return s.PatchLen(), s.ProductsLen()
}

// Conv2D is im2col of the whole batch and one strided-batched GEMM,
// y[n] = W · cols[n] (for a direct convolution, W · x[n]).
func (b *Backend) Conv2D(s engine.ConvShape, x, w, y, patches engine.Buffer) {
	convCheck("Conv2D", s)
	cols, rp := x, s.Rows()*s.Cols()
	if !s.Direct() {
		cols = patches
		b.im2col(s, x, cols)
	}
	b.GemmBatched(engine.GemmShape{M: s.O, N: s.Cols(), K: s.Rows(), Alpha: 1}, s.N, w, 0, cols, rp, y, s.O*s.Cols())
}

// Conv2DInputGrad is one strided-batched GEMM, Wᵀ · dy[n], into the
// patches and col2im onto the cleared dx (for a direct convolution the
// GEMM writes dx).
func (b *Backend) Conv2DInputGrad(s engine.ConvShape, w, dy, dx, patches engine.Buffer) {
	convCheck("Conv2DInputGrad", s)
	rp := s.Rows() * s.Cols()
	gm := engine.GemmShape{TransA: true, M: s.Rows(), N: s.Cols(), K: s.O, Alpha: 1}
	if s.Direct() {
		b.GemmBatched(gm, s.N, w, 0, dy, s.O*s.Cols(), dx, rp)
		return
	}
	b.GemmBatched(gm, s.N, w, 0, dy, s.O*s.Cols(), patches, rp)
	b.scale(b.ptr("Conv2DInputGrad dx", dx, s.N*s.C*s.H*s.W), dx.Len(), 0)
	b.col2im(s, patches, dx)
}

// Conv2DWeightGrad is im2col, one strided-batched GEMM of the per-image
// products dy[n] · cols[n]ᵀ into products, and their Reduce over the
// batch (a batch of one writes its product into dw).
func (b *Backend) Conv2DWeightGrad(s engine.ConvShape, x, dy, dw, patches, products engine.Buffer) {
	convCheck("Conv2DWeightGrad", s)
	cols, rp, or := x, s.Rows()*s.Cols(), s.O*s.Rows()
	if !s.Direct() {
		cols = patches
		b.im2col(s, x, cols)
	}
	gm := engine.GemmShape{TransB: true, M: s.O, N: s.Rows(), K: s.Cols(), Alpha: 1}
	if s.N == 1 {
		b.GemmBatched(gm, 1, dy, 0, cols, rp, dw, or)
		return
	}
	b.GemmBatched(gm, s.N, dy, s.O*s.Cols(), cols, rp, products, or)
	b.Reduce(engine.ReduceSum, products, 1, s.N, or, dw)
}

// poolCheck panics on a pooling or upsampling shape that makes no sense:
// a factor below 1, a negative extent, or (least = k, pooling) a plane
// smaller than one window.
func poolCheck(name string, planes, h, w, k, least int) {
	if k < 1 || planes < 0 || h < least || w < least || h < 0 || w < 0 {
		panic(fmt.Sprintf("cuda: %s: %d planes of %d×%d with a factor of %d", name, planes, h, w, k))
	}
}

// MaxPool2D runs max_pool, one thread per output value.
func (b *Backend) MaxPool2D(x engine.Buffer, planes, h, w, k int, y engine.Buffer) {
	poolCheck("MaxPool2D", planes, h, w, k, k)
	ny := planes * (h / k) * (w / k)
	px, py := b.ptr("MaxPool2D x", x, planes*h*w), b.ptr("MaxPool2D y", y, ny)
	if c, ok := b.fixed("max_pool", ny); ok {
		c.with(px, int32(planes), int32(h), int32(w), int32(k), py)
	}
}

// MaxPool2DGrad runs max_pool_grad, one thread per value of dx.
func (b *Backend) MaxPool2DGrad(x, y, dy engine.Buffer, planes, h, w, k int, dx engine.Buffer) {
	poolCheck("MaxPool2DGrad", planes, h, w, k, k)
	nx, ny := planes*h*w, planes*(h/k)*(w/k)
	px, py := b.ptr("MaxPool2DGrad x", x, nx), b.ptr("MaxPool2DGrad y", y, ny)
	pdy, pdx := b.ptr("MaxPool2DGrad dy", dy, ny), b.ptr("MaxPool2DGrad dx", dx, nx)
	if c, ok := b.fixed("max_pool_grad", nx); ok {
		c.with(px, py, pdy, int32(planes), int32(h), int32(w), int32(k), pdx)
	}
}

// Upsample runs upsample, one thread per output value.
func (b *Backend) Upsample(x engine.Buffer, planes, h, w, k int, y engine.Buffer) {
	poolCheck("Upsample", planes, h, w, k, 0)
	ny := planes * h * w * k * k
	px, py := b.ptr("Upsample x", x, planes*h*w), b.ptr("Upsample y", y, ny)
	if c, ok := b.fixed("upsample", ny); ok {
		c.with(px, int32(planes), int32(h), int32(w), int32(k), py)
	}
}

// UpsampleGrad runs upsample_grad, one thread per value of dx.
func (b *Backend) UpsampleGrad(dy engine.Buffer, planes, h, w, k int, dx engine.Buffer) {
	poolCheck("UpsampleGrad", planes, h, w, k, 0)
	nx := planes * h * w
	pdy, pdx := b.ptr("UpsampleGrad dy", dy, nx*k*k), b.ptr("UpsampleGrad dx", dx, nx)
	if c, ok := b.fixed("upsample_grad", nx); ok {
		c.with(pdy, int32(planes), int32(h), int32(w), int32(k), pdx)
	}
}

// Gather runs gather, one thread per output value. An id that is not an
// integer in [0, vocab) gives a row of NaNs (a kernel cannot panic).
func (b *Backend) Gather(table engine.Buffer, vocab, dim int, ids engine.Buffer, n int, dst engine.Buffer) {
	pt, pi := b.ptr("Gather table", table, vocab*dim), b.ptr("Gather ids", ids, n)
	po := b.ptr("Gather out", dst, n*dim)
	if c, ok := b.fixed("gather", n*dim); ok {
		c.with(pt, int32(vocab), int32(dim), pi, int32(n), po)
	}
}

// ScatterAdd runs scatter_add, one thread per column walking the ids in
// order (no atomics: the CPU backend's sums). Invalid ids are skipped.
func (b *Backend) ScatterAdd(dout engine.Buffer, ids engine.Buffer, n int, table engine.Buffer, vocab, dim int) {
	pd, pi := b.ptr("ScatterAdd dout", dout, n*dim), b.ptr("ScatterAdd ids", ids, n)
	pt := b.ptr("ScatterAdd table", table, vocab*dim)
	if c, ok := b.fixed("scatter_add", dim); ok {
		c.with(pd, pi, int32(n), pt, int32(vocab), int32(dim))
	}
}
