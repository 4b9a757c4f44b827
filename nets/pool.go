package nets

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"genxai/engine"
	"genxai/engine/cpu/kern"
)

// MaxPool2D is k×k max pooling with stride k and no padding of a float32
// NCHW tensor x (N, C, H, W). The output is (N, C, ⌊H/k⌋, ⌊W/k⌋), the shape
// of Gorgonia's G.MaxPool2D(x, {k, k}, {0, 0}, {k, k}): rows and columns
// past the last whole window are left out. It computes Gorgonia's values
// over the flat arrays; Gorgonia's MaxPool2D and its gradient were a seventh
// of a CNN classifier step.
//
// The forward pass keeps nothing (Gorgonia keeps an index mask on the op).
// The gradient op takes x, y and dy and gives each window's dy to the first
// element of the window, in row-major order, that equals the window's
// maximum: the element Gorgonia's mask records for ties, since it scans
// rows then columns and replaces its running maximum only on a strictly
// greater value.
//
// Differences, none reachable from finite inputs of one sign of zero: a
// window that is all −Inf pools to −Inf (Gorgonia starts from −MaxFloat32,
// returns that and records no element, whose gradient then indexes −1); a
// NaN in a 2×2 window, or first in a larger one, pools to NaN and routes no
// gradient (Gorgonia skips NaNs); a 2×2 window whose maximum is 0 held as
// both −0 and +0 pools to +0 (Gorgonia returns the first), with the
// gradient still on the first of them.
func MaxPool2D(x *G.Node, k int) (*G.Node, error) {
	if _, err := poolGeometry(x.Shape(), k); err != nil {
		return nil, err
	}
	return applyOp(maxPoolSpec(k), x)
}

// poolGeom is the geometry of one pooling: input planes (h, w), n·c of
// them, output planes (oh, ow), window k.
type poolGeom struct {
	planes, h, w, oh, ow, k int
}

// poolGeometry checks an input shape against the window k.
func poolGeometry(xs tensor.Shape, k int) (poolGeom, error) {
	switch {
	case k < 1:
		return poolGeom{}, fmt.Errorf("maxpool2d: window must be at least 1, got %d", k)
	case len(xs) != 4:
		return poolGeom{}, fmt.Errorf("maxpool2d: input must be NCHW (4-D), got shape %v", xs)
	case xs[0] < 1 || xs[1] < 1:
		return poolGeom{}, fmt.Errorf("maxpool2d: empty input %v", xs)
	case xs[2] < k || xs[3] < k:
		return poolGeom{}, fmt.Errorf("maxpool2d: input %v is smaller than the %d×%d window", xs, k, k)
	}
	return poolGeom{planes: xs[0] * xs[1], h: xs[2], w: xs[3], oh: xs[2] / k, ow: xs[3] / k, k: k}, nil
}

func (g poolGeom) outShape(xs tensor.Shape) tensor.Shape {
	return tensor.Shape{xs[0], xs[1], g.oh, g.ow}
}

// forward writes the window maxima of x into y (kern.MaxPool).
func (g poolGeom) forward(x, y []float32) { kern.MaxPool(x, y, g.planes, g.h, g.w, g.k) }

// backward writes dx: dy of each window at the window's first element
// (row-major) equal to its maximum y, zero elsewhere (kern.MaxPoolGrad).
func (g poolGeom) backward(x, y, dy, dx []float32) {
	kern.MaxPoolGrad(x, y, dy, dx, g.planes, g.h, g.w, g.k)
}

// maxPoolSpec is the forward op: x → y.
func maxPoolSpec(k int) opSpec {
	return opSpec{
		name: "MaxPool2D", params: []opParam{{"k", k}}, arity: 1,
		plan: func(in []tensor.Shape) (tensor.Shape, kernel, error) {
			g, err := poolGeometry(in[0], k)
			if err != nil {
				return nil, nil, err
			}
			return g.outShape(in[0]), func(in [][]float32, y []float32) { g.forward(in[0], y) }, nil
		},
		lower: func(in []tensor.Shape) lowering {
			g, _ := poolGeometry(in[0], k)
			return lowering{run: func(be engine.Backend, in []engine.Buffer, y engine.Buffer, _ []engine.Buffer) {
				be.MaxPool2D(in[0], g.planes, g.h, g.w, k, y)
			}}
		},
		// The gradient for x, computed from x, y and dy.
		grad: func(in G.Nodes, y, dy *G.Node) (G.Nodes, error) {
			dx, err := applyOp(maxPoolGradSpec(k), in[0], y, dy)
			if err != nil {
				return nil, fmt.Errorf("maxpool2d gradient for the input %v: %w", in[0].Shape(), err)
			}
			return G.Nodes{dx}, nil
		},
	}
}

// maxPoolGradSpec is the gradient: (x, y, dy) → dx. It checks that y and dy
// have the pooled shape of x.
func maxPoolGradSpec(k int) opSpec {
	return opSpec{
		name: "MaxPool2DGrad", params: []opParam{{"k", k}}, arity: 3,
		plan: func(in []tensor.Shape) (tensor.Shape, kernel, error) {
			xs, ys, dys := in[0], in[1], in[2]
			g, err := poolGeometry(xs, k)
			if err != nil {
				return nil, nil, fmt.Errorf("maxpool2d gradient: %w", err)
			}
			if want := g.outShape(xs); !ys.Eq(want) || !dys.Eq(want) {
				return nil, nil, fmt.Errorf("maxpool2d gradient: output %v and output gradient %v must both be %v for the input %v",
					ys, dys, want, xs)
			}
			return xs.Clone(), func(in [][]float32, dx []float32) { g.backward(in[0], in[1], in[2], dx) }, nil
		},
		lower: func(in []tensor.Shape) lowering {
			g, _ := poolGeometry(in[0], k)
			return lowering{run: func(be engine.Backend, in []engine.Buffer, dx engine.Buffer, _ []engine.Buffer) {
				be.MaxPool2DGrad(in[0], in[1], in[2], g.planes, g.h, g.w, k, dx)
			}}
		},
	}
}
