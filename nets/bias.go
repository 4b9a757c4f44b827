package nets

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"genxai/engine"
)

// AddChannelBias adds a per-channel bias b (1, C, 1, 1) to a float32 NCHW
// tensor x (N, C, H, W): y[n, c, i, j] = x[n, c, i, j] + b[0, c, 0, 0], the
// values of G.BroadcastAdd(x, b, nil, []byte{0, 2, 3}). It runs over the flat
// arrays, one constant added to each H·W plane; BroadcastAdd of a conv bias
// (and the sum over N, H and W in its gradient) was a tenth of a CNN
// classifier step.
//
// The gradients are dx = dy and db[c] = Σ_{n,i,j} dy[n, c, i, j].
func AddChannelBias(x, b *G.Node) (*G.Node, error) {
	if _, _, err := channelBiasShapes(x.Shape(), b.Shape()); err != nil {
		return nil, err
	}
	return applyOp(channelBiasSpec, x, b)
}

// channelBiasShapes checks x (N, C, H, W) against b (1, C, 1, 1) and returns
// the number of planes N·C and the plane size H·W.
func channelBiasShapes(xs, bs tensor.Shape) (planes, hw int, err error) {
	if len(xs) != 4 {
		return 0, 0, fmt.Errorf("channel bias: input must be NCHW (4-D), got shape %v (bias %v)", xs, bs)
	}
	if len(bs) != 4 || bs[0] != 1 || bs[1] != xs[1] || bs[2] != 1 || bs[3] != 1 {
		return 0, 0, fmt.Errorf("channel bias: bias must be (1, %d, 1, 1) for the input %v, got shape %v", xs[1], xs, bs)
	}
	return xs[0] * xs[1], xs[2] * xs[3], nil
}

// channelBiasSpec is the forward op: (x, b) → x + b.
var channelBiasSpec = opSpec{
	name: "AddChannelBias", arity: 2,
	plan: func(in []tensor.Shape) (tensor.Shape, kernel, error) {
		xs := in[0]
		planes, hw, err := channelBiasShapes(xs, in[1])
		if err != nil {
			return nil, nil, err
		}
		c := xs[1]
		return xs.Clone(), func(in [][]float32, y []float32) {
			x, b := in[0], in[1]
			for p := 0; p < planes; p++ {
				v := b[p%c]
				dst, src := y[p*hw:(p+1)*hw], x[p*hw:(p+1)*hw]
				for i, s := range src {
					dst[i] = s + v
				}
			}
		}, nil
	},
	lower: lowerChannelBias,
	// dy itself for x, its per-channel sums for b.
	grad: func(in G.Nodes, _, dy *G.Node) (G.Nodes, error) {
		db, err := applyOp(channelBiasGradSpec, dy)
		if err != nil {
			return nil, fmt.Errorf("channel bias gradient for the bias %v: %w", in[1].Shape(), err)
		}
		return G.Nodes{dy, db}, nil
	},
}

// channelBiasGradSpec sums an output gradient over N, H and W:
// (N, C, H, W) → (1, C, 1, 1).
var channelBiasGradSpec = opSpec{
	name: "AddChannelBiasGrad", arity: 1,
	plan: func(in []tensor.Shape) (tensor.Shape, kernel, error) {
		s := in[0]
		if len(s) != 4 {
			return nil, nil, fmt.Errorf("channel bias gradient: output gradient must be NCHW (4-D), got shape %v", s)
		}
		planes, c, hw := s[0]*s[1], s[1], s[2]*s[3]
		return tensor.Shape{1, c, 1, 1}, func(in [][]float32, db []float32) {
			dy := in[0]
			clear(db)
			for p := 0; p < planes; p++ {
				db[p%c] += sum8(dy[p*hw : (p+1)*hw])
			}
		}, nil
	},
	lower: lowerChannelBiasGrad,
}

// addBias is the chain x + b with b one value per row (a plane).
var addBias = func() *engine.Chain {
	c := engine.NewChain(engine.Full, engine.Column)
	c.Output(c.Binary(engine.OpAdd, 0, 1))
	return c
}()

// lowerChannelBias is (x, b) → x + b on a backend: b repeated for every
// image into a per-plane column (one Strided copy with a source stride of
// 0 along the batch), then one Elementwise pass over the planes.
func lowerChannelBias(in []tensor.Shape) lowering {
	n, c, hw := in[0][0], in[0][1], in[0][2]*in[0][3]
	rep := engine.Strided{Dims: [engine.MaxDims]int{1, 1, n, c}, Src: [engine.MaxDims]int{0, 0, 0, 1}, Dst: [engine.MaxDims]int{0, 0, c, 1}}
	ins, outs := make([]engine.Buffer, 2), make([]engine.Buffer, 1)
	return lowering{scratch: []int{n * c}, run: func(be engine.Backend, in []engine.Buffer, y engine.Buffer, sc []engine.Buffer) {
		be.Strided(rep, in[1], sc[0])
		ins[0], ins[1], outs[0] = in[0], sc[0], y
		be.Elementwise(addBias, n*c, hw, ins, outs)
	}}
}

// lowerChannelBiasGrad is dy → db on a backend: a Reduce over each plane,
// then one over the batch.
func lowerChannelBiasGrad(in []tensor.Shape) lowering {
	n, c, hw := in[0][0], in[0][1], in[0][2]*in[0][3]
	return lowering{scratch: []int{n * c}, run: func(be engine.Backend, in []engine.Buffer, db engine.Buffer, sc []engine.Buffer) {
		be.Reduce(engine.ReduceSum, in[0], n*c, hw, 1, sc[0])
		be.Reduce(engine.ReduceSum, sc[0], 1, n, c, db)
	}}
}

// sum8 returns the sum of v from eight partial sums, combined pairwise:
// independent adds pipeline, and the rounding error grows more slowly than
// in one running sum.
func sum8(v []float32) float32 {
	var acc [8]float32
	i := 0
	for ; i+8 <= len(v); i += 8 {
		q := v[i : i+8 : i+8]
		acc[0] += q[0]
		acc[1] += q[1]
		acc[2] += q[2]
		acc[3] += q[3]
		acc[4] += q[4]
		acc[5] += q[5]
		acc[6] += q[6]
		acc[7] += q[7]
	}
	for ; i < len(v); i++ {
		acc[0] += v[i]
	}
	return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
}
