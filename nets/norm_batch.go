package nets

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"genxai/engine"
)

// Batch norm's training graph as ops of the adapter: the batch mean (its
// variance a side result), the normalization (its 1/√(σ² + ε) a side
// result) and the input gradient (dγ and dβ side results), lowered to the
// backend's BatchNormStats, BatchNorm and BatchNormGrad.

// channels returns x (2-D (N, C) or NCHW) viewed as [n, c, s] and the shape
// of a per-channel tensor: (C) or (1, C, 1, 1).
func channels(op string, x tensor.Shape) (channelGeom, tensor.Shape, error) {
	switch len(x) {
	case 2:
		return channelGeom{x[0], x[1], 1}, tensor.Shape{x[1]}, nil
	case 4:
		return channelGeom{x[0], x[1], x[2] * x[3]}, tensor.Shape{1, x[1], 1, 1}, nil
	}
	return channelGeom{}, nil, fmt.Errorf("%s: the input %v must be 2-D or 4-D (NCHW)", op, x)
}

// channelDims is the rank of x's per-channel tensors: 1 for a 2-D x, 4
// (1, C, 1, 1) for NCHW.
func channelDims(x *G.Node) int {
	if x.Dims() == 2 {
		return 1
	}
	return x.Dims()
}

// perChannel checks that each of vs is a per-channel tensor of x: the
// channel geometry and, in order, plan's result shape and kernel.
func perChannel(op string, x tensor.Shape, vs ...tensor.Shape) (channelGeom, tensor.Shape, error) {
	g, ps, err := channels(op, x)
	for _, v := range vs {
		if err == nil && !v.Eq(ps) {
			err = fmt.Errorf("%s: a per-channel operand %v does not match the input %v (want %v)", op, v, x, ps)
		}
	}
	return g, ps, err
}

// batchStats returns the batch mean and biased variance of x per channel,
// in the shape of the per-channel parameters.
func batchStats(x *G.Node) (mean, variance *G.Node, err error) {
	d, p := x.Dims(), channelDims(x)
	mean, err = applyOp(opSpec{name: "BatchNormMean", arity: 1, dims: []int{d, p},
		plan: func(in []tensor.Shape) (tensor.Shape, kernel, error) {
			g, ps, err := perChannel("BatchNormMean", in[0])
			return ps, func(in [][]float32, out []float32) { g.eachStat(in[0], 0, out) }, err
		},
		lower: func(in []tensor.Shape) lowering {
			g, _, _ := channels("", in[0])
			return lowering{side: []int{g.c}, run: func(be engine.Backend, in []engine.Buffer, mean engine.Buffer, sc []engine.Buffer) {
				be.BatchNormStats(in[0], g.n, g.c, g.s, mean, sc[0])
			}}
		},
	}, x)
	if err != nil {
		return nil, nil, err
	}
	variance, err = applyOp(opSpec{name: "BatchNormVar", params: []opParam{{"side", 0}}, arity: 2, dims: []int{p, d, p}, side: sideIndex(0),
		plan: func(in []tensor.Shape) (tensor.Shape, kernel, error) {
			g, ps, err := perChannel("BatchNormVar", in[1], in[0])
			return ps, func(in [][]float32, out []float32) { g.eachStat(in[1], 1, out) }, err
		}}, mean, x)
	return mean, variance, err
}

// eachStat writes the mean (which 0) or the variance (which 1) of every
// channel of x.
func (g channelGeom) eachStat(x []float32, which int, out []float32) {
	for ch := range out {
		mu, v := g.stats(x, ch)
		out[ch] = [2]float32{mu, v}[which]
	}
}

// batchNorm is y = (x − μ)·r·γ + β per channel for the batch statistics
// mean and variance; its gradient for x holds their contribution, so they
// are not differentiated.
func batchNorm(x, mean, variance, gamma, beta *G.Node) (*G.Node, error) {
	d, p := x.Dims(), channelDims(x)
	return applyOp(opSpec{name: "BatchNorm", arity: 5, dims: []int{d, p, p, p, p, d}, noDiff: []int{1, 2},
		plan: func(in []tensor.Shape) (tensor.Shape, kernel, error) {
			g, _, err := perChannel("BatchNorm", in[0], in[1:]...)
			return in[0], func(in [][]float32, y []float32) { g.batchNorm(in[0], in[1], in[2], in[3], in[4], y) }, err
		},
		lower: func(in []tensor.Shape) lowering {
			g, _, _ := channels("", in[0])
			return lowering{side: []int{g.c}, run: func(be engine.Backend, in []engine.Buffer, y engine.Buffer, sc []engine.Buffer) {
				be.BatchNorm(in[0], in[1], in[2], in[3], in[4], g.n, g.c, g.s, normEps, y, sc[0])
			}}
		},
		grad: batchNormGrad,
	}, x, mean, variance, gamma, beta)
}

// batchNormGrad builds dx, dγ and dβ from 1/√(σ² + ε), a side result of the
// forward op y.
func batchNormGrad(in G.Nodes, y, dy *G.Node) (G.Nodes, error) {
	x, mean, variance, gamma := in[0], in[1], in[2], in[3]
	d, p := x.Dims(), channelDims(x)
	rstd, err := applyOp(opSpec{name: "BatchNormRstd", params: []opParam{{"side", 0}}, arity: 2, dims: []int{d, p, p}, side: sideIndex(0),
		plan: func(in []tensor.Shape) (tensor.Shape, kernel, error) {
			_, ps, err := perChannel("BatchNormRstd", in[0], in[1])
			return ps, func(in [][]float32, out []float32) {
				for i, v := range in[1] {
					out[i] = invSqrt(v)
				}
			}, err
		}}, y, variance)
	if err != nil {
		return nil, err
	}
	dx, err := applyOp(opSpec{name: "BatchNormGrad", arity: 5, dims: []int{d, d, p, p, p, d},
		plan: func(in []tensor.Shape) (tensor.Shape, kernel, error) {
			g, _, err := perChannel("BatchNormGrad", in[1], in[2:]...)
			if err == nil && !in[0].Eq(in[1]) {
				err = fmt.Errorf("BatchNormGrad: output gradient %v and input %v differ in shape", in[0], in[1])
			}
			return in[1], func(in [][]float32, dx []float32) { g.inputGrad(in[0], in[1], in[2], in[3], in[4], dx) }, err
		},
		lower: func(in []tensor.Shape) lowering {
			g, _, _ := channels("", in[1])
			outs := newOuts(2)
			return lowering{side: []int{g.c, g.c}, run: func(be engine.Backend, in []engine.Buffer, dx engine.Buffer, sc []engine.Buffer) {
				zeroOuts(be, outs, sc[0], sc[1])
				be.BatchNormGrad(in[0], in[1], in[2], in[3], in[4], g.n, g.c, g.s, dx, sc[0], sc[1])
			}}
		},
	}, dy, x, mean, rstd, gamma)
	if err != nil {
		return nil, err
	}
	grads := G.Nodes{dx, nil, nil, nil, nil}
	for i := range 2 {
		p, err := applyOp(opSpec{name: "BatchNormParamGrad", params: []opParam{{"side", i}}, arity: 5, dims: []int{d, d, d, p, p, p}, side: sideIndex(i),
			plan: func(in []tensor.Shape) (tensor.Shape, kernel, error) {
				g, ps, err := perChannel("BatchNormParamGrad", in[2], in[3], in[4])
				return ps, func(in [][]float32, out []float32) {
					for ch := range out {
						sd, sdx := g.gradSums(in[1], in[2], in[3][ch], in[4][ch], ch)
						out[ch] = [2]float32{sdx, sd}[i]
					}
				}, err
			}}, dx, dy, x, mean, rstd)
		if err != nil {
			return nil, err
		}
		grads[3+i] = p
	}
	return grads, nil
}
