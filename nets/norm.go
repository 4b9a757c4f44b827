package nets

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"genxai/engine"
)

// Layer norm and batch norm as single ops of the adapter (op.go), so the
// graph holds one node per norm and the plan runs the backend's fused
// kernels (LayerNorm, LayerNormGrad, BatchNormStats, BatchNorm,
// BatchNormGrad). A fused kernel writes several values; each value besides
// the op's own is a side-result node (engine.SideResult) that the plan
// reads from the kernel and the tape recomputes from its operands.

// sideIndex returns a pointer to i, for opSpec.side.
func sideIndex(i int) *int { return &i }

// zeroChain writes zeros: the Elementwise call that clears an
// accumulating kernel's target.
var zeroChain = func() *engine.Chain {
	c := engine.NewChain()
	c.Output(c.Const(0))
	return c
}()

// zeroOuts clears the side results of a gradient lowering before the
// backend's norm gradients accumulate into them.
func zeroOuts(be engine.Backend, outs [][]engine.Buffer, bufs ...engine.Buffer) {
	for i, b := range bufs {
		outs[i][0] = b
		be.Elementwise(zeroChain, 1, b.Len(), nil, outs[i])
	}
}

// newOuts returns k one-element output lists for zeroOuts, allocated once
// per lowering so that its Run does not allocate.
func newOuts(k int) [][]engine.Buffer {
	outs := make([][]engine.Buffer, k)
	for i := range outs {
		outs[i] = make([]engine.Buffer, 1)
	}
	return outs
}

// checkRows checks that x is a matrix [rows, cols] and every vector in vs
// holds cols values, naming op in the error.
func checkRows(op string, x tensor.Shape, vs ...tensor.Shape) (rows, cols int, err error) {
	if len(x) != 2 {
		return 0, 0, fmt.Errorf("%s: the input %v must be 2-D (rows, features)", op, x)
	}
	for _, v := range vs {
		if v.TotalSize() != x[1] {
			return 0, 0, fmt.Errorf("%s: a per-feature operand %v does not hold the %d features of %v", op, v, x[1], x)
		}
	}
	return x[0], x[1], nil
}

// layerNorm is y = (x − μ)·r·γ + β per row of x (rows, cols), γ and β
// (cols).
func layerNorm(x, gamma, beta *G.Node) (*G.Node, error) {
	return applyOp(opSpec{name: "LayerNorm", arity: 3, dims: []int{2, 1, 1, 2},
		plan: func(in []tensor.Shape) (tensor.Shape, kernel, error) {
			_, cols, err := checkRows("LayerNorm", in[0], in[1], in[2])
			return in[0], func(in [][]float32, y []float32) { layerNormRows(in[0], in[1], in[2], cols, y) }, err
		},
		lower: func(in []tensor.Shape) lowering {
			rows, cols := in[0][0], in[0][1]
			return lowering{side: []int{rows, rows}, run: func(be engine.Backend, in []engine.Buffer, y engine.Buffer, sc []engine.Buffer) {
				be.LayerNorm(in[0], in[1], in[2], rows, cols, normEps, y, sc[0], sc[1])
			}}
		},
		grad: layerNormGrad,
	}, x, gamma, beta)
}

// layerNormGrad builds dx, dγ and dβ from the row statistics, side results
// of the forward op y.
func layerNormGrad(in G.Nodes, y, dy *G.Node) (G.Nodes, error) {
	x, gamma := in[0], in[1]
	stats := make(G.Nodes, 2)
	for i := range stats {
		s, err := applyOp(opSpec{name: "LayerNormStats", params: []opParam{{"side", i}}, arity: 2, dims: []int{2, 2, 1}, side: sideIndex(i),
			plan: func(in []tensor.Shape) (tensor.Shape, kernel, error) {
				rows, cols, err := checkRows("LayerNormStats", in[1])
				return tensor.Shape{rows}, func(in [][]float32, out []float32) { layerNormStats(in[1], cols, i, out) }, err
			}}, y, x)
		if err != nil {
			return nil, err
		}
		stats[i] = s
	}
	dx, err := applyOp(opSpec{name: "LayerNormGrad", arity: 5, dims: []int{2, 2, 1, 1, 1, 2},
		plan: func(in []tensor.Shape) (tensor.Shape, kernel, error) {
			_, cols, err := checkRows("LayerNormGrad", in[1], in[2])
			if err == nil && !in[0].Eq(in[1]) {
				err = fmt.Errorf("LayerNormGrad: output gradient %v and input %v differ in shape", in[0], in[1])
			}
			return in[1], func(in [][]float32, dx []float32) { layerNormInputGrad(in[0], in[1], in[2], in[3], in[4], cols, dx) }, err
		},
		lower: func(in []tensor.Shape) lowering {
			rows, cols := in[1][0], in[1][1]
			outs := newOuts(2)
			return lowering{side: []int{cols, cols}, run: func(be engine.Backend, in []engine.Buffer, dx engine.Buffer, sc []engine.Buffer) {
				zeroOuts(be, outs, sc[0], sc[1])
				be.LayerNormGrad(in[0], in[1], in[2], in[3], in[4], rows, cols, dx, sc[0], sc[1])
			}}
		},
	}, dy, x, gamma, stats[0], stats[1])
	if err != nil {
		return nil, err
	}
	grads := G.Nodes{dx, nil, nil}
	for i := range 2 {
		g, err := applyOp(opSpec{name: "LayerNormParamGrad", params: []opParam{{"side", i}}, arity: 5, dims: []int{2, 2, 2, 1, 1, 1}, side: sideIndex(i),
			plan: func(in []tensor.Shape) (tensor.Shape, kernel, error) {
				_, cols, err := checkRows("LayerNormParamGrad", in[2])
				return tensor.Shape{cols}, func(in [][]float32, out []float32) { layerNormParamGrad(in[1], in[2], in[3], in[4], cols, i, out) }, err
			}}, dx, dy, x, stats[0], stats[1])
		if err != nil {
			return nil, err
		}
		grads[1+i] = g
	}
	return grads, nil
}
