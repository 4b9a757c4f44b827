package nets

import (
	"fmt"

	"gorgonia.org/tensor"

	"genxai/engine"
	"genxai/engine/cpu/kern"
)

// This file holds the geometry of a convolution; the im2col and col2im
// that Conv2D's kernels (conv.go) run on are the CPU backend's
// (engine/cpu/kern), shared with the plan executor.

// convParams are what a convolution node is hashed by: stride and padding.
// The shapes come from the values.
type convParams struct{ stride, pad int }

// convGeom is the geometry of one convolution: input (n, c, h, w), kernel
// (o, c, kh, kw), output (n, o, oh, ow).
type convGeom struct {
	convParams
	n, c, h, w int
	o, kh, kw  int
	oh, ow     int
}

// convGeometry checks an input and a weight shape against each other and
// returns the convolution's geometry, or an error naming both shapes.
func convGeometry(xs, ws tensor.Shape, stride, pad int) (convGeom, error) {
	switch {
	case stride < 1:
		return convGeom{}, fmt.Errorf("conv2d: stride must be at least 1, got %d", stride)
	case pad < 0:
		return convGeom{}, fmt.Errorf("conv2d: padding must not be negative, got %d", pad)
	case len(xs) != 4:
		return convGeom{}, fmt.Errorf("conv2d: input must be NCHW (4-D), got shape %v (weights %v)", xs, ws)
	case len(ws) != 4:
		return convGeom{}, fmt.Errorf("conv2d: weights must be (out, in, kh, kw) (4-D), got shape %v (input %v)", ws, xs)
	}
	g := convGeom{convParams: convParams{stride, pad},
		n: xs[0], c: xs[1], h: xs[2], w: xs[3], o: ws[0], kh: ws[2], kw: ws[3]}
	if ws[1] != g.c {
		return convGeom{}, fmt.Errorf("conv2d: input %v has %d channels but weights %v expect %d", xs, g.c, ws, ws[1])
	}
	if g.n < 1 || g.c < 1 || g.h < 1 || g.w < 1 || g.o < 1 || g.kh < 1 || g.kw < 1 {
		return convGeom{}, fmt.Errorf("conv2d: empty input %v or weights %v", xs, ws)
	}
	if g.kh > g.h+2*pad || g.kw > g.w+2*pad {
		return convGeom{}, fmt.Errorf("conv2d: kernel %d×%d of weights %v is larger than the input %v padded by %d (%d×%d): pad more or use a smaller kernel",
			g.kh, g.kw, ws, xs, pad, g.h+2*pad, g.w+2*pad)
	}
	g.oh = (g.h+2*pad-g.kh)/stride + 1
	g.ow = (g.w+2*pad-g.kw)/stride + 1
	return g, nil
}

// rows is the number of patch rows, C·KH·KW; cols the patch columns, OH·OW.
func (g convGeom) rows() int { return g.c * g.kh * g.kw }
func (g convGeom) cols() int { return g.oh * g.ow }

// direct reports whether the patch matrix of an image is the image itself
// (a 1×1 kernel, stride 1, no padding), so im2col and col2im can be skipped.
func (g convGeom) direct() bool {
	return g.kh == 1 && g.kw == 1 && g.stride == 1 && g.pad == 0
}

// shape is the geometry as the engine's kernels take it.
func (g convGeom) shape() engine.ConvShape {
	return engine.ConvShape{N: g.n, C: g.c, H: g.h, W: g.w, KH: g.kh, KW: g.kw, Stride: g.stride, Pad: g.pad, O: g.o}
}

// im2col writes the patches of one image x (C, H, W) into cols
// (C·KH·KW, OH·OW) (kern.Im2col).
func (g convGeom) im2col(x, cols []float32) { kern.Im2col(g.shape(), x, cols) }

// col2im adds the patch matrix cols of one image onto x (C, H, W), the
// adjoint of im2col (kern.Col2im); it zeroes the entries of cols that fall
// in the padding.
func (g convGeom) col2im(cols, x []float32) { kern.Col2im(g.shape(), cols, x) }
