package cpu

import (
	"fmt"
	"unsafe"

	gblas "gonum.org/v1/gonum/blas"

	"genxai/engine"
	"genxai/engine/cpu/kern"
)

// The convolution and its two gradients run over groups of images whose
// patch matrices sit side by side, [C·KH·KW, k·OH·OW] for a group of k
// (Chellapilla, Puri and Simard's im2col, 2006, with the batch in the
// columns as Caffe's successors lay it out), so that one GEMM per group
// does the products:
//
//   - the group is wide enough for the BLAS to run at speed (at least
//     groupColumns columns: a 7×7 output has only 49 per image) and small
//     enough that its patches stay in cache between the copy that builds
//     them and the product that reads them (at most groupValues values;
//     the whole batch's patches of the DCGAN generator's last layer are
//     58 MB);
//   - the patches are built (Im2col) and scattered back (Col2im) in
//     parallel, one image channel per item;
//   - a single-output-channel convolution and its weight gradient
//     multiply through GEMV, which reads the patches once where a GEMM
//     would first repack them.
//
// The group size depends on the shape only and every product is one BLAS
// call on 64-byte-aligned operands in buffers of the backend's own, so the
// results are the same for any number of workers (a BLAS's sums can depend
// on the alignment of its operands: gonum's SIMD dot products peel a
// misaligned head).

const (
	groupColumns = 256     // least GEMM width a group aims at
	groupValues  = 1 << 18 // most patch values a group holds (1 MB)
)

// convGroup is the number of images convolved together for s.
func convGroup(s engine.ConvShape) int {
	if s.Direct() {
		return 1 // the image is its own patch matrix; no copy to batch
	}
	rp := s.Rows() * s.Cols()
	g := (groupColumns + s.Cols() - 1) / s.Cols()
	g = min(g, max(1, groupValues/rp))
	return max(1, min(g, s.N))
}

// ConvScratch is zero: the CPU keeps each group's patches in buffers of
// its own, sized for a group, not the batch.
func (b *Backend) ConvScratch(engine.ConvShape) (patches, products int) { return 0, 0 }

// convJob builds or scatters back the patches of a group of k images, one
// (image, channel) pair per item.
type convJob struct {
	col2im     bool
	s          engine.ConvShape
	x, patches []float32 // the group's images; its patches, k·Cols wide
	chw, cols  int       // values per image; patch columns per image
	k          int
}

func (j *convJob) do(_, lo, hi int) {
	hw, ld := j.s.H*j.s.W, j.k*j.cols
	for t := lo; t < hi; t++ {
		i, c := t/j.s.C, t%j.s.C
		x, p := j.x[i*j.chw:(i+1)*j.chw], j.patches[i*j.cols:]
		if j.col2im {
			clear(x[c*hw : (c+1)*hw])
			kern.Col2imPart(j.s, p, x, ld, c, c+1)
		} else {
			kern.Im2colPart(j.s, x, p, ld, c, c+1)
		}
	}
}

// conv holds a convolution call's geometry and buffers.
type conv struct {
	s                 engine.ConvShape
	chw, op, r, cols  int // per image: input and output values; patch rows and columns
	group             int
	patches, outGroup []float32 // a group's patches and its outputs (or output gradients) by channel
}

// convCall checks s and sizes the backend's convolution buffers for it.
func (b *Backend) convCall(kernel string, s engine.ConvShape) conv {
	if err := s.CheckConv(); err != nil {
		panic(fmt.Sprintf("cpu: %s: %v", kernel, err))
	}
	c := conv{s: s, chw: s.C * s.H * s.W, op: s.O * s.Cols(), r: s.Rows(), cols: s.Cols(), group: convGroup(s)}
	if !s.Direct() {
		c.patches = aligned64(&b.convPatches, c.r*c.group*c.cols)
	}
	if c.group > 1 && s.O > 1 {
		c.outGroup = aligned64(&b.convOut, s.O*c.group*c.cols)
	}
	return c
}

// aligned64 returns n values of *buf starting on a 64-byte boundary,
// growing *buf when it is too short (once per shape: a steady-state call
// allocates nothing).
func aligned64(buf *[]float32, n int) []float32 {
	if len(*buf) < n+15 {
		*buf = make([]float32, n+15)
	}
	at := int((64 - uintptr(unsafe.Pointer(&(*buf)[0]))%64) % 64 / 4)
	return (*buf)[at : at+n]
}

// columns returns the patches of images [n0, n0+k) side by side,
// [Rows, k·Cols], built from x (for a direct convolution, image n0
// itself, k being 1).
func (b *Backend) columns(c *conv, x []float32, n0, k int) []float32 {
	if c.s.Direct() {
		return x[n0*c.chw : (n0+1)*c.chw]
	}
	p := c.patches[:c.r*k*c.cols]
	b.conv = convJob{s: c.s, x: x[n0*c.chw : (n0+k)*c.chw], patches: p, chw: c.chw, cols: c.cols, k: k}
	b.run(k*c.s.C, c.s.KH*c.s.KW*c.cols, &b.conv)
	return p
}

// scatterBack adds the patches p of images [n0, n0+k) back onto their
// cleared images in x (Col2im).
func (b *Backend) scatterBack(c *conv, p, x []float32, n0, k int) {
	b.conv = convJob{col2im: true, s: c.s, x: x[n0*c.chw : (n0+k)*c.chw], patches: p, chw: c.chw, cols: c.cols, k: k}
	b.run(k*c.s.C, c.s.KH*c.s.KW*c.cols, &b.conv)
}

// byChannel returns the group's outputs (or output gradients) of images
// [n0, n0+k) of y as one [O, k·Cols] matrix: y itself when that is its
// layout (a group of one, or one output channel), else outGroup, filled
// from y when gather is set.
func (c *conv) byChannel(y []float32, n0, k int, gather bool) []float32 {
	if k == 1 || c.s.O == 1 {
		return y[n0*c.op : (n0+k)*c.op]
	}
	m := c.outGroup[:c.s.O*k*c.cols]
	if gather {
		for i := 0; i < k; i++ {
			for o := 0; o < c.s.O; o++ {
				copy(m[(o*k+i)*c.cols:][:c.cols], y[(n0+i)*c.op+o*c.cols:][:c.cols])
			}
		}
	}
	return m
}

// toImages copies a group's [O, k·Cols] outputs into y's [k, O, Cols]
// when byChannel did not hand out y itself.
func (c *conv) toImages(m, y []float32, n0, k int) {
	if k == 1 || c.s.O == 1 {
		return
	}
	for i := 0; i < k; i++ {
		for o := 0; o < c.s.O; o++ {
			copy(y[(n0+i)*c.op+o*c.cols:][:c.cols], m[(o*k+i)*c.cols:][:c.cols])
		}
	}
}

// Conv2D writes each group's y = W · patches.
func (b *Backend) Conv2D(s engine.ConvShape, x, w, y, _ engine.Buffer) {
	c := b.convCall("Conv2D", s)
	xd, wd, yd := data("Conv2D x", x, s.N*c.chw), data("Conv2D w", w, s.O*c.r), data("Conv2D y", y, s.N*c.op)
	for n0 := 0; n0 < s.N; n0 += c.group {
		k := min(c.group, s.N-n0)
		p, out := b.columns(&c, xd, n0, k), c.byChannel(yd, n0, k, false)
		if s.O == 1 { // y = pᵀ·w
			clear(out) // what BLAS makes of beta = 0 and a NaN in y varies
			b.blas.Sgemv(gblas.Trans, c.r, k*c.cols, 1, p, k*c.cols, wd, 1, 0, out, 1)
		} else {
			b.gemm(engine.GemmShape{M: s.O, N: k * c.cols, K: c.r, Alpha: 1}, wd, p, out)
		}
		c.toImages(out, yd, n0, k)
	}
}

// Conv2DInputGrad writes each group's Wᵀ · dy into its patches and
// scatters them back onto the cleared images of dx (for a direct
// convolution the product is dx).
func (b *Backend) Conv2DInputGrad(s engine.ConvShape, w, dy, dx, _ engine.Buffer) {
	c := b.convCall("Conv2DInputGrad", s)
	wd, dyd, dxd := data("Conv2DInputGrad w", w, s.O*c.r), data("Conv2DInputGrad dy", dy, s.N*c.op), data("Conv2DInputGrad dx", dx, s.N*c.chw)
	for n0 := 0; n0 < s.N; n0 += c.group {
		k := min(c.group, s.N-n0)
		g := c.byChannel(dyd, n0, k, true)
		p := dxd[n0*c.chw : (n0+1)*c.chw]
		if !s.Direct() {
			p = c.patches[:c.r*k*c.cols]
		}
		b.gemm(engine.GemmShape{TransA: true, M: c.r, N: k * c.cols, K: s.O, Alpha: 1}, wd, g, p)
		if !s.Direct() {
			b.scatterBack(&c, p, dxd, n0, k)
		}
	}
}

// Conv2DWeightGrad writes dw = Σ_groups dy_g · patches_gᵀ, the first
// group's product written, the others' added (the BLAS's beta = 1), in
// group order.
func (b *Backend) Conv2DWeightGrad(s engine.ConvShape, x, dy, dw, _, _ engine.Buffer) {
	c := b.convCall("Conv2DWeightGrad", s)
	xd, dyd, dwd := data("Conv2DWeightGrad x", x, s.N*c.chw), data("Conv2DWeightGrad dy", dy, s.N*c.op), data("Conv2DWeightGrad dw", dw, s.O*c.r)
	for n0 := 0; n0 < s.N; n0 += c.group {
		k := min(c.group, s.N-n0)
		beta := float32(1)
		if n0 == 0 {
			beta = 0
		}
		p, g := b.columns(&c, xd, n0, k), c.byChannel(dyd, n0, k, true)
		if s.O == 1 { // dw = p·dy
			if beta == 0 {
				clear(dwd)
			}
			b.blas.Sgemv(gblas.NoTrans, c.r, k*c.cols, 1, p, k*c.cols, g, 1, beta, dwd, 1)
		} else {
			b.gemm(engine.GemmShape{TransB: true, M: s.O, N: c.r, K: k * c.cols, Alpha: 1, Beta: beta}, g, p, dwd)
		}
	}
}
