package nets

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
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
	return G.ApplyOp(channelBiasOp{}, x, b)
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

// channelBiasOp is the forward op: (x, b) → x + b.
type channelBiasOp struct{}

func (op channelBiasOp) Arity() int { return 2 }

func (op channelBiasOp) Type() hm.Type {
	t := G.TensorType{Dims: 4, Of: hm.TypeVariable('a')}
	return hm.NewFnType(t, t, t)
}

func (op channelBiasOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	xs, bs, err := twoShapes("channel bias", in)
	if err != nil {
		return nil, err
	}
	if _, _, err := channelBiasShapes(xs, bs); err != nil {
		return nil, err
	}
	return xs.Clone(), nil
}

func (op channelBiasOp) Do(vals ...G.Value) (G.Value, error) {
	ts, err := float32Tensors("channel bias", vals...)
	if err != nil {
		return nil, err
	}
	xs := ts[0].Shape()
	planes, hw, err := channelBiasShapes(xs, ts[1].Shape())
	if err != nil {
		return nil, err
	}
	x, b := ts[0].Data().([]float32), ts[1].Data().([]float32)
	y := make([]float32, len(x))
	c := xs[1]
	for p := 0; p < planes; p++ {
		v := b[p%c]
		dst, src := y[p*hw:(p+1)*hw], x[p*hw:(p+1)*hw]
		for i, s := range src {
			dst[i] = s + v
		}
	}
	return tensor.New(tensor.WithShape(xs.Clone()...), tensor.WithBacking(y)), nil
}

func (op channelBiasOp) ReturnsPtr() bool      { return false }
func (op channelBiasOp) CallsExtern() bool     { return false }
func (op channelBiasOp) OverwritesInput() int  { return -1 }
func (op channelBiasOp) WriteHash(h hash.Hash) { fmt.Fprint(h, "genxai.AddChannelBias") }
func (op channelBiasOp) Hashcode() uint32      { return hashOf(op) }
func (op channelBiasOp) String() string        { return "AddChannelBias" }

// DiffWRT says both the input and the bias are differentiable.
func (op channelBiasOp) DiffWRT(int) []bool { return []bool{true, true} }

// SymDiff returns the gradient nodes: dy itself for x, its per-channel sums
// for b.
func (op channelBiasOp) SymDiff(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	db, err := G.ApplyOp(channelBiasGradOp{}, grad)
	if err != nil {
		return nil, fmt.Errorf("channel bias gradient for the bias %v: %w", inputs[1].Shape(), err)
	}
	return G.Nodes{grad, db}, nil
}

// channelBiasGradOp sums an output gradient over N, H and W:
// (N, C, H, W) → (1, C, 1, 1).
type channelBiasGradOp struct{}

func (op channelBiasGradOp) Arity() int { return 1 }

func (op channelBiasGradOp) Type() hm.Type {
	t := G.TensorType{Dims: 4, Of: hm.TypeVariable('a')}
	return hm.NewFnType(t, t)
}

func (op channelBiasGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, ok := in[0].(tensor.Shape)
	if !ok || len(s) != 4 {
		return nil, fmt.Errorf("channel bias gradient: expected a 4-D shape, got %v", in[0])
	}
	return tensor.Shape{1, s[1], 1, 1}, nil
}

func (op channelBiasGradOp) Do(vals ...G.Value) (G.Value, error) {
	t, err := float32Tensor(vals[0], "channel bias gradient input")
	if err != nil {
		return nil, err
	}
	s := t.Shape()
	if len(s) != 4 {
		return nil, fmt.Errorf("channel bias gradient: output gradient must be 4-D, got shape %v", s)
	}
	c, hw := s[1], s[2]*s[3]
	dy := t.Data().([]float32)
	db := make([]float32, c)
	for p := 0; p < s[0]*c; p++ {
		// Eight partial sums: independent adds pipeline, and the
		// rounding error grows more slowly than in one running sum.
		var acc [8]float32
		plane := dy[p*hw : (p+1)*hw]
		i := 0
		for ; i+8 <= len(plane); i += 8 {
			q := plane[i : i+8 : i+8]
			acc[0] += q[0]
			acc[1] += q[1]
			acc[2] += q[2]
			acc[3] += q[3]
			acc[4] += q[4]
			acc[5] += q[5]
			acc[6] += q[6]
			acc[7] += q[7]
		}
		for ; i < len(plane); i++ {
			acc[0] += plane[i]
		}
		db[p%c] += ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
	}
	return tensor.New(tensor.WithShape(1, c, 1, 1), tensor.WithBacking(db)), nil
}

func (op channelBiasGradOp) ReturnsPtr() bool      { return false }
func (op channelBiasGradOp) CallsExtern() bool     { return false }
func (op channelBiasGradOp) OverwritesInput() int  { return -1 }
func (op channelBiasGradOp) WriteHash(h hash.Hash) { fmt.Fprint(h, "genxai.AddChannelBiasGrad") }
func (op channelBiasGradOp) Hashcode() uint32      { return hashOf(op) }
func (op channelBiasGradOp) String() string        { return "AddChannelBiasGrad" }
