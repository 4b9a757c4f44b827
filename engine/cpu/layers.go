package cpu

import (
	"fmt"

	"genxai/engine"
	"genxai/engine/cpu/kern"
)

// The convolution, pooling and upsampling kernels run engine/cpu/kern's
// functions, split across workers by image (Im2col, Col2im) or by plane:
// every item writes outputs of its own, so the bits do not depend on the
// number of workers.

// layerKind names the kernel a layerJob runs.
type layerKind uint8

const (
	layerIm2col layerKind = iota
	layerCol2im
	layerMaxPool
	layerMaxPoolGrad
	layerUpsample
	layerUpsampleGrad
)

// layerJob is one call of a layer kernel; its items are images or planes.
// The Backend keeps it, so a call allocates nothing.
type layerJob struct {
	kind          layerKind
	conv          engine.ConvShape
	x, y, dy, out []float32 // operands and the output, by kind
	inLen, outLen int       // values per item of the item's input and output
	h, w, k       int
}

func (j *layerJob) do(_, lo, hi int) {
	a, b := j.inLen, j.outLen
	switch j.kind {
	case layerIm2col:
		for i := lo; i < hi; i++ {
			kern.Im2col(j.conv, j.x[i*a:(i+1)*a], j.out[i*b:(i+1)*b])
		}
	case layerCol2im:
		for i := lo; i < hi; i++ {
			kern.Col2im(j.conv, j.x[i*a:(i+1)*a], j.out[i*b:(i+1)*b])
		}
	case layerMaxPool:
		kern.MaxPool(j.x[lo*a:hi*a], j.out[lo*b:hi*b], hi-lo, j.h, j.w, j.k)
	case layerMaxPoolGrad:
		kern.MaxPoolGrad(j.x[lo*b:hi*b], j.y[lo*a:hi*a], j.dy[lo*a:hi*a], j.out[lo*b:hi*b], hi-lo, j.h, j.w, j.k)
	case layerUpsample:
		kern.Upsample(j.x[lo*a:hi*a], j.out[lo*b:hi*b], hi-lo, j.h, j.w, j.k)
	case layerUpsampleGrad:
		kern.UpsampleGrad(j.x[lo*a:hi*a], j.out[lo*b:hi*b], hi-lo, j.h, j.w, j.k)
	}
}

// convCheck panics when s makes no convolution.
func convCheck(kernel string, s engine.ConvShape) {
	if err := s.Check(); err != nil {
		panic(fmt.Sprintf("cpu: %s: %v", kernel, err))
	}
}

// Im2col writes the patches of every image of x [N, C, H, W] into cols
// [N, C·KH·KW, OH·OW], one image per item. It is not an engine.Backend
// kernel (Conv2D builds a few images' patches at a time): it is the
// whole-batch layout of CUDA's im2col kernel, which the fake driver runs
// and the kernel tests check against.
func (b *Backend) Im2col(s engine.ConvShape, x, cols engine.Buffer) {
	convCheck("Im2col", s)
	chw, rp := s.C*s.H*s.W, s.Rows()*s.Cols()
	b.layer = layerJob{kind: layerIm2col, conv: s, x: data("Im2col x", x, s.N*chw), out: data("Im2col cols", cols, s.N*rp), inLen: chw, outLen: rp}
	b.run(s.N, rp, &b.layer)
}

// Col2im adds the patches of every image onto x, one image per item: the
// adjoint of Im2col and, like it, the reference of CUDA's col2im kernel.
func (b *Backend) Col2im(s engine.ConvShape, cols, x engine.Buffer) {
	convCheck("Col2im", s)
	chw, rp := s.C*s.H*s.W, s.Rows()*s.Cols()
	b.layer = layerJob{kind: layerCol2im, conv: s, x: data("Col2im cols", cols, s.N*rp), out: data("Col2im x", x, s.N*chw), inLen: rp, outLen: chw}
	b.run(s.N, rp, &b.layer)
}

// poolCheck panics on a window that does not fit the planes.
func poolCheck(kernel string, planes, h, w, k int) {
	if k < 1 || h < k || w < k || planes < 0 {
		panic(fmt.Sprintf("cpu: %s: %d planes of %d×%d with a %d×%d window", kernel, planes, h, w, k, k))
	}
}

// MaxPool2D pools plane by plane.
func (b *Backend) MaxPool2D(x engine.Buffer, planes, h, w, k int, y engine.Buffer) {
	poolCheck("MaxPool2D", planes, h, w, k)
	in, out := h*w, (h/k)*(w/k)
	b.layer = layerJob{kind: layerMaxPool, x: data("MaxPool2D x", x, planes*in), out: data("MaxPool2D y", y, planes*out),
		inLen: in, outLen: out, h: h, w: w, k: k}
	b.run(planes, in, &b.layer)
}

// MaxPool2DGrad routes the gradient plane by plane.
func (b *Backend) MaxPool2DGrad(x, y, dy engine.Buffer, planes, h, w, k int, dx engine.Buffer) {
	poolCheck("MaxPool2DGrad", planes, h, w, k)
	in, out := (h/k)*(w/k), h*w
	b.layer = layerJob{kind: layerMaxPoolGrad, x: data("MaxPool2DGrad x", x, planes*out), y: data("MaxPool2DGrad y", y, planes*in),
		dy: data("MaxPool2DGrad dy", dy, planes*in), out: data("MaxPool2DGrad dx", dx, planes*out), inLen: in, outLen: out, h: h, w: w, k: k}
	b.run(planes, out, &b.layer)
}

// upsampleCheck panics on an empty factor.
func upsampleCheck(kernel string, planes, h, w, k int) {
	if k < 1 || h < 0 || w < 0 || planes < 0 {
		panic(fmt.Sprintf("cpu: %s: %d planes of %d×%d by a factor of %d", kernel, planes, h, w, k))
	}
}

// Upsample repeats the pixels plane by plane.
func (b *Backend) Upsample(x engine.Buffer, planes, h, w, k int, y engine.Buffer) {
	upsampleCheck("Upsample", planes, h, w, k)
	in, out := h*w, h*w*k*k
	b.layer = layerJob{kind: layerUpsample, x: data("Upsample x", x, planes*in), out: data("Upsample y", y, planes*out),
		inLen: in, outLen: out, h: h, w: w, k: k}
	b.run(planes, out, &b.layer)
}

// UpsampleGrad sums the blocks plane by plane.
func (b *Backend) UpsampleGrad(dy engine.Buffer, planes, h, w, k int, dx engine.Buffer) {
	upsampleCheck("UpsampleGrad", planes, h, w, k)
	in, out := h*w*k*k, h*w
	b.layer = layerJob{kind: layerUpsampleGrad, x: data("UpsampleGrad dy", dy, planes*in), out: data("UpsampleGrad dx", dx, planes*out),
		inLen: in, outLen: out, h: h, w: w, k: k}
	b.run(planes, in, &b.layer)
}
