package nets

import (
	"fmt"
	"sync/atomic"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// This file lets an attribution method change the backward pass of a
// model's nonlinearities without changing its forward pass: DeepLIFT's
// rescale rule, guided backpropagation and Grad-CAM's capture of a layer's
// activations and gradients (xai/saliency) read or replace the gradient that
// crosses each activation and max pooling. A graph built on a Store whose
// Override is nil is unchanged.

// Override, when set on a Store, is asked once per nonlinearity (Activate,
// MaxPool2D) of every graph built on that Store. layer is the layer the
// nonlinearity follows ("conv1", "fc2.bn", "enc.fc1"), kind the activation
// ("relu", "tanh", …) or "maxpool<k>" for k×k pooling ("maxpool2"), x and y the shapes of its input and
// output. It returns the backward pass to use, or nil to keep the layer's
// own gradient.
type Override func(layer, kind string, x, y []int) Backward

// Backward computes dx, the gradient passed to a nonlinearity's input x,
// from x, its output y and dy, the gradient arriving at y: flat row-major
// arrays of the shapes Override was given. It must write every element of
// dx.
type Backward func(x, y, dy, dx []float32)

// overrideCount tells override ops apart, so no two are merged as one node.
var overrideCount atomic.Int64

// override returns y, the output of a nonlinearity of x, through an op that
// passes y forward unchanged and whose backward pass is the Store's
// Override for this nonlinearity, when it gives one. The original path
// x → y then receives a zero gradient, so x's gradient is the override's
// alone.
func (n *Net) override(layer, kind string, x, y *G.Node) *G.Node {
	if n.err != nil || y == nil || n.Store == nil || n.Store.Override == nil {
		return y
	}
	back := n.Store.Override(layer, kind, []int(x.Shape().Clone()), []int(y.Shape().Clone()))
	if back == nil {
		return y
	}
	as4 := func(name string, v *G.Node) *G.Node { // the op adapter takes NCHW operands
		if s := v.Shape(); len(s) == 2 {
			return n.Reshape(name, v, s[0], s[1], 1, 1)
		}
		return v
	}
	id := int(overrideCount.Add(1))
	x4, y4 := as4(layer+".override.x", x), as4(layer+".override.y", y)
	out := n.apply("gradient override", func() (*G.Node, error) {
		return applyOp(overrideSpec(id, back), x4, y4)
	}, x4, y4)
	if len(y.Shape()) == 2 {
		out = n.Reshape(layer+".override", out, y.Shape()...)
	}
	return out
}

// overrideSpec is the op (x, y) → y whose gradient for x is back and for y
// zero.
func overrideSpec(id int, back Backward) opSpec {
	return opSpec{
		name: "GradientOverride", params: []opParam{{"id", id}}, arity: 2,
		plan: func(in []tensor.Shape) (tensor.Shape, kernel, error) {
			return in[1].Clone(), func(in [][]float32, out []float32) { copy(out, in[1]) }, nil
		},
		grad: func(in G.Nodes, _, dy *G.Node) (G.Nodes, error) {
			dx, err := applyOp(overrideGradSpec(id, back), in[0], in[1], dy)
			if err != nil {
				return nil, fmt.Errorf("gradient override of %v: %w", in[0].Shape(), err)
			}
			zero, err := applyOp(opSpec{name: "Zeros", params: []opParam{{"id", id}}, arity: 1,
				plan: func(in []tensor.Shape) (tensor.Shape, kernel, error) {
					return in[0].Clone(), func(_ [][]float32, out []float32) { clear(out) }, nil
				}}, in[1])
			if err != nil {
				return nil, err
			}
			return G.Nodes{dx, zero}, nil
		},
	}
}

// overrideGradSpec is the op (x, y, dy) → dx that runs back.
func overrideGradSpec(id int, back Backward) opSpec {
	return opSpec{
		name: "GradientOverrideGrad", params: []opParam{{"id", id}}, arity: 3,
		plan: func(in []tensor.Shape) (tensor.Shape, kernel, error) {
			if !in[1].Eq(in[2]) {
				return nil, nil, fmt.Errorf("gradient override: output %v and its gradient %v differ in shape", in[1], in[2])
			}
			return in[0].Clone(), func(in [][]float32, dx []float32) { back(in[0], in[1], in[2], dx) }, nil
		},
	}
}
