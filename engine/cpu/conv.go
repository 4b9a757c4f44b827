package cpu

import (
	"fmt"

	"genxai/engine"
	"genxai/engine/cpu/kern"
)

// The convolution and its two gradients, image by image: a group of as
// many images as there are workers has its patch matrices built (Im2col)
// or scattered back (Col2im) in parallel, one image per worker, each into
// a region of the patches scratch that stays in cache; the products with
// the weights run between, one BLAS call per image (the BLAS uses its own
// threads). Building a few images' patches at a time instead of the whole
// batch's keeps them in cache between the copy and the product that reads
// them: the DCGAN generator's last layer alone has 58 MB of patches per
// batch of 64, which were written to memory and read back.
//
// Every product is the same BLAS call, on the same shapes and with its
// operands at the same alignment (modulo 64 bytes), as a product over the
// whole batch's patches would make: a BLAS's results can depend on the
// alignment (gonum's SIMD dot products peel a misaligned head). So a
// group's patches start at offset n0·rows·cols mod 16 (n0 its first image)
// rather than 0, and each image's weight-gradient product at n·O·rows mod
// 16. With the weight gradient adding the per-image products in Reduce's
// order, the results depend neither on the number of workers nor on the
// group size.

// convJob builds or scatters the patches of one group of images.
type convJob struct {
	col2im     bool
	s          engine.ConvShape
	x, patches []float32 // the group's images and their patch regions
	chw, rp    int       // values per image and per patch matrix
}

func (j *convJob) do(_, lo, hi int) {
	for i := lo; i < hi; i++ {
		x, p := j.x[i*j.chw:(i+1)*j.chw], j.patches[i*j.rp:(i+1)*j.rp]
		if j.col2im {
			clear(x)
			kern.Col2im(j.s, p, x)
		} else {
			kern.Im2col(j.s, x, p)
		}
	}
}

// conv holds a convolution call's operands after the checks.
type conv struct {
	s                 engine.ConvShape
	chw, rp, op, or   int // per image: input, patches, output; weights
	group             int // images whose patches are built at once
	patches, products []float32
}

// convCall checks s and the scratch lengths of a convolution kernel.
func (b *Backend) convCall(kernel string, s engine.ConvShape, patches, products engine.Buffer) conv {
	if err := s.CheckConv(); err != nil {
		panic(fmt.Sprintf("cpu: %s: %v", kernel, err))
	}
	c := conv{s: s, chw: s.C * s.H * s.W, rp: s.Rows() * s.Cols(), op: s.O * s.Cols(), or: s.O * s.Rows(),
		group: min(b.workers, s.N)}
	if !s.Direct() {
		c.patches = scratchData(kernel, "patches", patches, s.PatchLen())
	}
	if products != nil {
		c.products = scratchData(kernel, "products", products, s.ProductsLen())
	}
	return c
}

// aligned returns the k values of buf that start at offset mod 16, the
// alignment the value at offset has in the whole-batch layout; it is at
// most offset, so it fits wherever the whole-batch layout fits.
func aligned(buf []float32, offset, k int) []float32 {
	at := offset % 16
	return buf[at : at+k]
}

// patchRegions returns the patch matrices of images [n0, n0+k), one after
// the other: the images themselves for a direct convolution.
func (c *conv) patchRegions(x []float32, n0, k int) []float32 {
	if c.s.Direct() {
		return x[n0*c.chw : (n0+k)*c.chw]
	}
	return aligned(c.patches, n0*c.rp, k*c.rp)
}

// scratchData is data for a scratch operand, naming kernel and operand
// only when the length is wrong (a steady-state call allocates nothing).
func scratchData(kernel, operand string, x engine.Buffer, want int) []float32 {
	d := Data(x)
	if len(d) != want {
		panic(fmt.Sprintf("cpu: %s: %s buffer of %d values where the shape needs %d", kernel, operand, len(d), want))
	}
	return d
}

// patchesOf builds (or, for col2im, scatters back) the patches of images
// [n0, n0+k) of x in their patch regions and returns the regions.
func (b *Backend) patchesOf(c *conv, x []float32, n0, k int, col2im bool) []float32 {
	p := c.patchRegions(x, n0, k)
	b.conv = convJob{col2im: col2im, s: c.s, x: x[n0*c.chw : (n0+k)*c.chw], patches: p, chw: c.chw, rp: c.rp}
	b.run(k, c.rp, &b.conv)
	return p
}

// Conv2D writes y = W · patches[n] for every image n.
func (b *Backend) Conv2D(s engine.ConvShape, x, w, y, patches engine.Buffer) {
	c := b.convCall("Conv2D", s, patches, nil)
	xd, wd, yd := data("Conv2D x", x, s.N*c.chw), data("Conv2D w", w, c.or), data("Conv2D y", y, s.N*c.op)
	gm := engine.GemmShape{M: s.O, N: s.Cols(), K: s.Rows(), Alpha: 1}
	for n0 := 0; n0 < s.N; n0 += c.group {
		k := min(c.group, s.N-n0)
		if !s.Direct() {
			b.patchesOf(&c, xd, n0, k, false)
		}
		p := c.patchRegions(xd, n0, k)
		for i := 0; i < k; i++ {
			b.gemm(gm, wd, p[i*c.rp:(i+1)*c.rp], yd[(n0+i)*c.op:(n0+i+1)*c.op])
		}
	}
}

// Conv2DInputGrad writes each image's Wᵀ · dy[n] into its patch region
// and scatters it back onto the zeroed image of dx.
func (b *Backend) Conv2DInputGrad(s engine.ConvShape, w, dy, dx, patches engine.Buffer) {
	c := b.convCall("Conv2DInputGrad", s, patches, nil)
	wd, dyd, dxd := data("Conv2DInputGrad w", w, c.or), data("Conv2DInputGrad dy", dy, s.N*c.op), data("Conv2DInputGrad dx", dx, s.N*c.chw)
	gm := engine.GemmShape{TransA: true, M: s.Rows(), N: s.Cols(), K: s.O, Alpha: 1}
	for n0 := 0; n0 < s.N; n0 += c.group {
		k := min(c.group, s.N-n0)
		p := c.patchRegions(dxd, n0, k) // a direct convolution writes dx itself
		for i := 0; i < k; i++ {
			b.gemm(gm, wd, dyd[(n0+i)*c.op:(n0+i+1)*c.op], p[i*c.rp:(i+1)*c.rp])
		}
		if !s.Direct() {
			b.patchesOf(&c, dxd, n0, k, true)
		}
	}
}

// Conv2DWeightGrad writes dw = Σ_n dy[n] · patches[n]ᵀ in Reduce's order:
// each image's product, made in products, is added to dw in image order
// (beyond engine.ReduceChunk images, to a block sum at the end of products
// that is added to dw every ReduceChunk images and at the end). dw starts
// at +0, as Reduce's sums do, so the bits are Reduce's; a batch of one
// writes its product into dw directly, as the product it is.
func (b *Backend) Conv2DWeightGrad(s engine.ConvShape, x, dy, dw, patches, products engine.Buffer) {
	c := b.convCall("Conv2DWeightGrad", s, patches, products)
	xd, dyd, dwd := data("Conv2DWeightGrad x", x, s.N*c.chw), data("Conv2DWeightGrad dy", dy, s.N*c.op), data("Conv2DWeightGrad dw", dw, c.or)
	gm := engine.GemmShape{TransB: true, M: s.O, N: s.Rows(), K: s.Cols(), Alpha: 1}
	sum := dwd
	if s.N > engine.ReduceChunk {
		sum = c.products[len(c.products)-c.or:]
		clear(sum)
	}
	if s.N > 1 {
		clear(dwd)
	}
	for n0 := 0; n0 < s.N; n0 += c.group {
		k := min(c.group, s.N-n0)
		if !s.Direct() {
			b.patchesOf(&c, xd, n0, k, false)
		}
		p := c.patchRegions(xd, n0, k)
		for i := 0; i < k; i++ {
			n, dyn, pn := n0+i, dyd[(n0+i)*c.op:(n0+i+1)*c.op], p[i*c.rp:(i+1)*c.rp]
			if s.N == 1 {
				b.gemm(gm, dyn, pn, dwd)
				continue
			}
			prod := aligned(c.products, n*c.or, c.or)
			b.gemm(gm, dyn, pn, prod)
			addTo(sum, prod)
			if s.N > engine.ReduceChunk && ((n+1)%engine.ReduceChunk == 0 || n == s.N-1) {
				addTo(dwd, sum)
				clear(sum)
			}
		}
	}
}

// addTo adds src onto dst element by element.
func addTo(dst, src []float32) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] += v
	}
}
