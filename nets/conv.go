package nets

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	engineblas "genxai/engine/blas"
)

// BLAS is the matrix-product interface Conv2D's kernels call: gonum's
// blas.Float32, which engine/blas's OpenBLAS and gonum's pure-Go
// Implementation both satisfy. It is passed to the op when the graph is
// built (Net.BLAS), never looked up while it runs.
type BLAS = blas.Float32

// currentBLAS is the BLAS that engine/blas.Use chose for this process
// (gonum's pure-Go one before any call): what NewNet gives a Net.
func currentBLAS() BLAS { return engineblas.Current() }

// Conv2D is the 2-D cross-correlation of a float32 NCHW input x (N, C, H, W)
// with weights w (O, C, KH, KW), the same stride on both axes, symmetric
// zero padding and no dilation. The output is (N, O, OH, OW) with
// OH = (H + 2·pad − KH)/stride + 1 and OW likewise, the values of Gorgonia's
// G.Conv2d(x, w, {KH, KW}, {pad, pad}, {stride, stride}, {1, 1}).
//
// It is the im2col lowering of Chellapilla, Puri and Simard ("High
// Performance Convolutional Neural Networks for Document Processing", 2006)
// as Caffe arranges it: the patches of one image form a (C·KH·KW, OH·OW)
// matrix, so one GEMM through impl per image, out[n] = W (O, C·KH·KW) ×
// cols[n], writes NCHW output in place. Gorgonia's Conv2d instead builds
// (N·OH·OW, C·KH·KW) patches element by element and multiplies by Wᵀ, which
// leaves the output as NHWC and needs a transpose; im2col, col2im and that
// transpose were a third of a DCGAN training step.
//
// The gradients are dW = Σ_n dY[n] × cols[n]ᵀ, recomputing the patches of
// one image at a time, and dX[n] = col2im(Wᵀ × dY[n]); they use impl too.
func Conv2D(impl BLAS, x, w *G.Node, stride, pad int) (*G.Node, error) {
	if impl == nil {
		return nil, fmt.Errorf("conv2d: no BLAS given (Net.BLAS is nil): build the graph with NewNet or set a BLAS such as engine/blas.Current()")
	}
	p := convParams{stride, pad}
	if _, err := convGeometry(x.Shape(), w.Shape(), stride, pad); err != nil {
		return nil, err
	}
	return applyOp(p.forwardSpec(impl), x, w)
}

// forwardSpec is the forward op: (x, w) → y.
func (p convParams) forwardSpec(impl BLAS) opSpec {
	return opSpec{
		name: "Conv2D", params: []opParam{{"stride", p.stride}, {"pad", p.pad}}, arity: 2,
		plan: func(in []tensor.Shape) (tensor.Shape, kernel, error) {
			g, err := convGeometry(in[0], in[1], p.stride, p.pad)
			if err != nil {
				return nil, nil, err
			}
			return g.outShape(), g.forward(impl), nil
		},
		grad: func(in G.Nodes, _, dy *G.Node) (G.Nodes, error) {
			xs, ws := in[0].Shape(), in[1].Shape()
			if len(xs) != 4 || len(ws) != 4 {
				return nil, fmt.Errorf("conv2d gradient: input %v and weights %v must be 4-D", xs, ws)
			}
			dx, err := applyOp(p.inputGradSpec(impl, xs[2], xs[3]), in[1], dy)
			if err != nil {
				return nil, fmt.Errorf("conv2d gradient for the input %v: %w", xs, err)
			}
			dw, err := applyOp(p.weightGradSpec(impl, ws[2], ws[3]), in[0], dy)
			if err != nil {
				return nil, fmt.Errorf("conv2d gradient for the weights %v: %w", ws, err)
			}
			return G.Nodes{dx, dw}, nil
		},
	}
}

// inputGradSpec is the gradient for the input: (w, dy) → dx. The input's
// height and width are parameters because a stride above 1 loses them.
func (p convParams) inputGradSpec(impl BLAS, h, w int) opSpec {
	return opSpec{
		name: "Conv2DInputGrad", params: []opParam{{"stride", p.stride}, {"pad", p.pad}, {"h", h}, {"w", w}}, arity: 2,
		plan: func(in []tensor.Shape) (tensor.Shape, kernel, error) {
			ws, dys := in[0], in[1]
			if len(ws) != 4 || len(dys) != 4 {
				return nil, nil, fmt.Errorf("conv2d input gradient: weights %v and output gradient %v must be 4-D", ws, dys)
			}
			xs := tensor.Shape{dys[0], ws[1], h, w}
			g, err := p.gradGeometry("input", xs, ws, dys)
			if err != nil {
				return nil, nil, err
			}
			return xs, g.inputGrad(impl), nil
		},
	}
}

// weightGradSpec is the gradient for the weights: (x, dy) → dw. The
// kernel's height and width are parameters.
func (p convParams) weightGradSpec(impl BLAS, kh, kw int) opSpec {
	return opSpec{
		name: "Conv2DWeightGrad", params: []opParam{{"stride", p.stride}, {"pad", p.pad}, {"kh", kh}, {"kw", kw}}, arity: 2,
		plan: func(in []tensor.Shape) (tensor.Shape, kernel, error) {
			xs, dys := in[0], in[1]
			if len(xs) != 4 || len(dys) != 4 {
				return nil, nil, fmt.Errorf("conv2d weight gradient: input %v and output gradient %v must be 4-D", xs, dys)
			}
			ws := tensor.Shape{dys[1], xs[1], kh, kw}
			g, err := p.gradGeometry("weight", xs, ws, dys)
			if err != nil {
				return nil, nil, err
			}
			return ws, g.weightGrad(impl), nil
		},
	}
}

// gradGeometry is the forward geometry of an input xs and weights ws,
// checked against the output gradient dys.
func (p convParams) gradGeometry(what string, xs, ws, dys tensor.Shape) (convGeom, error) {
	g, err := convGeometry(xs, ws, p.stride, p.pad)
	if err != nil {
		return convGeom{}, fmt.Errorf("conv2d %s gradient: %w", what, err)
	}
	if want := g.outShape(); !dys.Eq(want) {
		return convGeom{}, fmt.Errorf("conv2d %s gradient: output gradient %v does not match the input %v and weights %v (want %v)",
			what, dys, xs, ws, want)
	}
	return g, nil
}

// outShape is the shape of the convolution's output, (N, O, OH, OW).
func (g convGeom) outShape() tensor.Shape { return tensor.Shape{g.n, g.o, g.oh, g.ow} }

// scratch returns a buffer for the patch matrix of one image, or nil when
// the image is its own patch matrix (see direct).
func (g convGeom) scratch() []float32 {
	if g.direct() {
		return nil
	}
	return make([]float32, g.rows()*g.cols())
}

// patches returns the patch matrix of one image x: x itself when direct,
// else im2col of x written into scratch.
func (g convGeom) patches(x, scratch []float32) []float32 {
	if g.direct() {
		return x
	}
	g.im2col(x, scratch)
	return scratch
}

// forward returns the kernel (x, w) → y: y[n] = W × cols[n].
func (g convGeom) forward(impl BLAS) kernel {
	return func(in [][]float32, y []float32) {
		x, w := in[0], in[1]
		rows, cols, chw, ocols := g.rows(), g.cols(), g.c*g.h*g.w, g.o*g.cols()
		scratch := g.scratch()
		for i := 0; i < g.n; i++ {
			patches := g.patches(x[i*chw:(i+1)*chw], scratch)
			impl.Sgemm(blas.NoTrans, blas.NoTrans, g.o, cols, rows, 1, w, rows, patches, cols, 0, y[i*ocols:(i+1)*ocols], cols)
		}
	}
}

// inputGrad returns the kernel (w, dy) → dx: dx[n] = col2im(Wᵀ × dy[n]).
func (g convGeom) inputGrad(impl BLAS) kernel {
	return func(in [][]float32, dx []float32) {
		w, dy := in[0], in[1]
		rows, cols, chw, ocols := g.rows(), g.cols(), g.c*g.h*g.w, g.o*g.cols()
		scratch := g.scratch()
		for i := 0; i < g.n; i++ {
			dxi, dyi := dx[i*chw:(i+1)*chw], dy[i*ocols:(i+1)*ocols]
			if g.direct() {
				impl.Sgemm(blas.Trans, blas.NoTrans, rows, cols, g.o, 1, w, rows, dyi, cols, 0, dxi, cols)
				continue
			}
			impl.Sgemm(blas.Trans, blas.NoTrans, rows, cols, g.o, 1, w, rows, dyi, cols, 0, scratch, cols)
			clear(dxi)
			g.col2im(scratch, dxi)
		}
	}
}

// weightGrad returns the kernel (x, dy) → dw: dw = Σ_n dy[n] × cols[n]ᵀ,
// summed by the GEMM (β = 1 after the first image). The patches are
// rebuilt one image at a time rather than kept from the forward pass: one
// image's patches stay in cache and no batch-sized buffer outlives the op.
func (g convGeom) weightGrad(impl BLAS) kernel {
	return func(in [][]float32, dw []float32) {
		x, dy := in[0], in[1]
		rows, cols, chw, ocols := g.rows(), g.cols(), g.c*g.h*g.w, g.o*g.cols()
		scratch := g.scratch()
		for i := 0; i < g.n; i++ {
			patches := g.patches(x[i*chw:(i+1)*chw], scratch)
			var beta float32 = 1
			if i == 0 {
				beta = 0
			}
			impl.Sgemm(blas.NoTrans, blas.Trans, g.o, rows, cols, 1, dy[i*ocols:(i+1)*ocols], cols, patches, cols, beta, dw, rows)
		}
	}
}
