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
		lower: func(in []tensor.Shape) lowering {
			g, _ := convGeometry(in[0], in[1], p.stride, p.pad)
			return g.lowerForward()
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
	return p.gradSpec("Conv2DInputGrad", []opParam{{"h", h}, {"w", w}},
		func(ws, dys tensor.Shape) (tensor.Shape, tensor.Shape) { return tensor.Shape{dys[0], ws[1], h, w}, ws },
		func(g convGeom) (tensor.Shape, kernel) { return tensor.Shape{g.n, g.c, g.h, g.w}, g.inputGrad(impl) },
		convGeom.lowerInputGrad)
}

// weightGradSpec is the gradient for the weights: (x, dy) → dw. The
// kernel's height and width are parameters.
func (p convParams) weightGradSpec(impl BLAS, kh, kw int) opSpec {
	return p.gradSpec("Conv2DWeightGrad", []opParam{{"kh", kh}, {"kw", kw}},
		func(xs, dys tensor.Shape) (tensor.Shape, tensor.Shape) {
			return xs, tensor.Shape{dys[1], xs[1], kh, kw}
		},
		func(g convGeom) (tensor.Shape, kernel) { return tensor.Shape{g.o, g.c, g.kh, g.kw}, g.weightGrad(impl) },
		convGeom.lowerWeightGrad)
}

// gradSpec is a gradient op of the convolution, (operand, dy) → result, with
// the parameters sizes besides stride and padding. forward gives the input
// and weight shapes of the forward op from the operand's shape and dy's;
// the plan checks dy against that op's output and returns result's shape
// and kernel for its geometry, lower the backend kernels for it.
func (p convParams) gradSpec(name string, sizes []opParam, forward func(a, dys tensor.Shape) (xs, ws tensor.Shape),
	result func(convGeom) (tensor.Shape, kernel), lower func(convGeom) lowering) opSpec {
	return opSpec{
		name: name, params: append([]opParam{{"stride", p.stride}, {"pad", p.pad}}, sizes...), arity: 2,
		plan: func(in []tensor.Shape) (tensor.Shape, kernel, error) {
			if len(in[0]) != 4 || len(in[1]) != 4 {
				return nil, nil, fmt.Errorf("%s: operand %v and output gradient %v must be 4-D", name, in[0], in[1])
			}
			xs, ws := forward(in[0], in[1])
			g, err := convGeometry(xs, ws, p.stride, p.pad)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", name, err)
			}
			if want := g.outShape(); !in[1].Eq(want) {
				return nil, nil, fmt.Errorf("%s: output gradient %v does not match the input %v and weights %v (want %v)",
					name, in[1], xs, ws, want)
			}
			s, k := result(g)
			return s, k, nil
		},
		lower: func(in []tensor.Shape) lowering {
			xs, ws := forward(in[0], in[1])
			g, _ := convGeometry(xs, ws, p.stride, p.pad)
			return lower(g)
		},
	}
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

// eachImage calls f with the index and the patch matrix of every image of
// the batch x, in order: the image itself when direct, else its im2col in
// a buffer that f may not keep.
func (g convGeom) eachImage(x []float32, f func(i int, patches []float32)) {
	chw, scratch := g.c*g.h*g.w, g.scratch()
	for i := 0; i < g.n; i++ {
		xi := x[i*chw : (i+1)*chw]
		if g.direct() {
			f(i, xi)
			continue
		}
		g.im2col(xi, scratch)
		f(i, scratch)
	}
}

// forward returns the kernel (x, w) → y: y[n] = W × cols[n].
func (g convGeom) forward(impl BLAS) kernel {
	return func(in [][]float32, y []float32) {
		w, rows, cols, ocols := in[1], g.rows(), g.cols(), g.o*g.cols()
		g.eachImage(in[0], func(i int, patches []float32) {
			impl.Sgemm(blas.NoTrans, blas.NoTrans, g.o, cols, rows, 1, w, rows, patches, cols, 0, y[i*ocols:(i+1)*ocols], cols)
		})
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
		dy, rows, cols, ocols := in[1], g.rows(), g.cols(), g.o*g.cols()
		g.eachImage(in[0], func(i int, patches []float32) {
			var beta float32 = 1
			if i == 0 {
				beta = 0
			}
			impl.Sgemm(blas.NoTrans, blas.Trans, g.o, rows, cols, 1, dy[i*ocols:(i+1)*ocols], cols, patches, cols, beta, dw, rows)
		})
	}
}
