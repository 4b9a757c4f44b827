package nets

import (
	"fmt"

	G "gorgonia.org/gorgonia"
)

// This file wraps the Gorgonia operations that model code uses as methods of
// Net. Each one does nothing and returns nil once an error is recorded, and
// records an error (instead of dereferencing nil) when an input is missing,
// so a model built from a bad setting stops with the first error, never a
// panic. Model files call these, not the G functions.

// apply runs build unless an error is recorded or one of inputs is nil, and
// records build's error, or a panic inside Gorgonia, against the current layer.
func (n *Net) apply(op string, build func() (*G.Node, error), inputs ...*G.Node) (node *G.Node) {
	if n.err != nil {
		return nil
	}
	for i, in := range inputs {
		if in == nil {
			n.Fail(n.layer, fmt.Errorf("%s: input %d is missing", op, i+1))
			return nil
		}
	}
	defer func() {
		if r := recover(); r != nil {
			n.Fail(n.layer, fmt.Errorf("%s: gorgonia: %v", op, r))
			node = nil
		}
	}()
	node, err := build()
	if err != nil {
		n.Fail(n.layer, fmt.Errorf("%s: %w", op, err))
		return nil
	}
	return node
}

func (n *Net) binary(op string, f func(a, b *G.Node) (*G.Node, error), a, b *G.Node) *G.Node {
	return n.apply(op, func() (*G.Node, error) { return f(a, b) }, a, b)
}

func (n *Net) unary(op string, f func(x *G.Node) (*G.Node, error), x *G.Node) *G.Node {
	return n.apply(op, func() (*G.Node, error) { return f(x) }, x)
}

// Add is a + b, elementwise (same shapes, or a scalar).
func (n *Net) Add(a, b *G.Node) *G.Node { return n.binary("add", G.Add, a, b) }

// Sub is a − b, elementwise.
func (n *Net) Sub(a, b *G.Node) *G.Node { return n.binary("sub", G.Sub, a, b) }

// Mul is the elementwise (Hadamard) product a ⊙ b.
func (n *Net) Mul(a, b *G.Node) *G.Node { return n.binary("mul", G.HadamardProd, a, b) }

// MatMul is the matrix product a·b (an inner product for two vectors).
func (n *Net) MatMul(a, b *G.Node) *G.Node { return n.binary("matmul", G.Mul, a, b) }

// BatchedMatMul multiplies the matrices of two (batch, rows, cols) tensors
// pairwise, transposing a's or b's matrices when asked.
func (n *Net) BatchedMatMul(a, b *G.Node, transA, transB bool) *G.Node {
	return n.apply("batched matmul", func() (*G.Node, error) { return G.BatchedMatMul(a, b, transA, transB) }, a, b)
}

// AddConst is x + c for a scalar constant c.
func (n *Net) AddConst(x *G.Node, c float64) *G.Node {
	return n.apply("add constant", func() (*G.Node, error) { return G.Add(x, G.NewConstant(float32(c))) }, x)
}

// Scale multiplies x by the constant c.
func (n *Net) Scale(x *G.Node, c float64) *G.Node {
	return n.apply("scale", func() (*G.Node, error) { return G.Mul(x, G.NewConstant(float32(c))) }, x)
}

// Neg is −x.
func (n *Net) Neg(x *G.Node) *G.Node { return n.unary("neg", G.Neg, x) }

// Exp is eˣ, elementwise.
func (n *Net) Exp(x *G.Node) *G.Node { return n.unary("exp", G.Exp, x) }

// Square is x², elementwise.
func (n *Net) Square(x *G.Node) *G.Node { return n.unary("square", G.Square, x) }

// Sqrt is √x, elementwise.
func (n *Net) Sqrt(x *G.Node) *G.Node { return n.unary("sqrt", G.Sqrt, x) }

// Inverse is 1/x, elementwise.
func (n *Net) Inverse(x *G.Node) *G.Node { return n.unary("inverse", G.Inverse, x) }

// Softplus is log(1 + eˣ), elementwise.
func (n *Net) Softplus(x *G.Node) *G.Node { return n.unary("softplus", G.Softplus, x) }

// Sigmoid is 1/(1 + e⁻ˣ), elementwise.
func (n *Net) Sigmoid(x *G.Node) *G.Node { return n.unary("sigmoid", G.Sigmoid, x) }

// Sum adds x over the given axes (all of them when none are given).
func (n *Net) Sum(x *G.Node, axes ...int) *G.Node {
	return n.apply("sum", func() (*G.Node, error) { return G.Sum(x, axes...) }, x)
}

// Mean averages x over the given axes (all of them when none are given).
func (n *Net) Mean(x *G.Node, axes ...int) *G.Node {
	return n.apply("mean", func() (*G.Node, error) { return G.Mean(x, axes...) }, x)
}

// Concat joins nodes along axis.
func (n *Net) Concat(axis int, nodes ...*G.Node) *G.Node {
	return n.apply("concat", func() (*G.Node, error) { return G.Concat(axis, nodes...) }, nodes...)
}

// Transpose permutes the axes of x (reverses them when none are given).
func (n *Net) Transpose(x *G.Node, axes ...int) *G.Node {
	return n.apply("transpose", func() (*G.Node, error) { return G.Transpose(x, axes...) }, x)
}

// Reshape reshapes x; name is the layer the reshape belongs to.
func (n *Net) Reshape(name string, x *G.Node, shape ...int) *G.Node {
	if n.err != nil {
		return nil
	}
	n.layer = name
	return n.apply("reshape", func() (*G.Node, error) { return G.Reshape(x, shape) }, x)
}

// BroadcastAdd is a + b with b (or a) repeated along the axes in pattern of
// the other operand, as Gorgonia's broadcasting operations.
func (n *Net) BroadcastAdd(a, b *G.Node, left, right []byte) *G.Node {
	return n.apply("broadcast add", func() (*G.Node, error) { return G.BroadcastAdd(a, b, left, right) }, a, b)
}

// BroadcastSub is a − b, broadcast as BroadcastAdd.
func (n *Net) BroadcastSub(a, b *G.Node, left, right []byte) *G.Node {
	return n.apply("broadcast sub", func() (*G.Node, error) { return G.BroadcastSub(a, b, left, right) }, a, b)
}

// BroadcastMul is a ⊙ b, broadcast as BroadcastAdd.
func (n *Net) BroadcastMul(a, b *G.Node, left, right []byte) *G.Node {
	return n.apply("broadcast mul", func() (*G.Node, error) { return G.BroadcastHadamardProd(a, b, left, right) }, a, b)
}

// present reports whether building may go on with x: no error is recorded and
// x exists (a missing x is recorded as an error of what needs it).
func (n *Net) present(x *G.Node, what string) bool {
	if n.err != nil {
		return false
	}
	if x == nil {
		n.Fail(n.layer, fmt.Errorf("%s: the input is missing", what))
		return false
	}
	return true
}

// dims checks that x has the given number of dimensions, recording an error
// that names the layer otherwise.
func (n *Net) dims(x *G.Node, want int, what string) bool {
	if !n.present(x, what) {
		return false
	}
	if d := x.Shape().Dims(); d != want {
		n.Fail(n.layer, fmt.Errorf("%s needs %d-D input, got shape %v", what, want, x.Shape()))
		return false
	}
	return true
}

// Flatten reshapes x of shape (batch, …) to (batch, the product of the rest).
func (n *Net) Flatten(name string, x *G.Node) *G.Node {
	n.Layer(name)
	if !n.present(x, "flatten") {
		return nil
	}
	s := x.Shape()
	if s.Dims() < 2 {
		n.Fail(name, fmt.Errorf("flatten needs a batch axis and at least one more, got shape %v", s))
		return nil
	}
	return n.Reshape(name, x, s[0], s.TotalSize()/s[0])
}
