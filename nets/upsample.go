package nets

import (
	"fmt"
	"hash"
	"hash/fnv"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Upsample repeats every pixel of a float32 NCHW tensor k×k times (nearest
// neighbour). It computes what Gorgonia's Upsample2D computes, over the flat
// backing arrays instead of per-element At/SetAt calls, which made
// Upsample2D and its gradient a fifth of a DCGAN training step.
func Upsample(x *G.Node, k int) (*G.Node, error) {
	if k < 1 {
		return nil, fmt.Errorf("upsample factor must be at least 1, got %d", k)
	}
	if x.Shape().Dims() != 4 {
		return nil, fmt.Errorf("upsample needs NCHW input, got shape %v", x.Shape())
	}
	return G.ApplyOp(upsampleOp{k: k}, x)
}

// upsampleOp is the forward op: (N, C, H, W) → (N, C, kH, kW).
type upsampleOp struct{ k int }

func (op upsampleOp) Arity() int { return 1 }

func (op upsampleOp) Type() hm.Type {
	t := G.TensorType{Dims: 4, Of: hm.TypeVariable('a')}
	return hm.NewFnType(t, t)
}

func (op upsampleOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, ok := in[0].(tensor.Shape)
	if !ok || len(s) != 4 {
		return nil, fmt.Errorf("upsample: expected a 4-D shape, got %v", in[0])
	}
	return tensor.Shape{s[0], s[1], s[2] * op.k, s[3] * op.k}, nil
}

func (op upsampleOp) Do(vals ...G.Value) (G.Value, error) {
	in, err := float32Tensor(vals[0], "upsample input")
	if err != nil {
		return nil, err
	}
	s := in.Shape()
	n, c, h, w := s[0], s[1], s[2], s[3]
	k := op.k
	src := in.Data().([]float32)
	dst := make([]float32, n*c*h*k*w*k)
	w2 := w * k
	for p := 0; p < n*c; p++ {
		plane := src[p*h*w : (p+1)*h*w]
		out := dst[p*h*k*w2 : (p+1)*h*k*w2]
		for y := 0; y < h; y++ {
			row := out[y*k*w2 : y*k*w2+w2]
			for x, v := range plane[y*w : (y+1)*w] {
				for d := 0; d < k; d++ {
					row[x*k+d] = v
				}
			}
			for d := 1; d < k; d++ {
				copy(out[(y*k+d)*w2:(y*k+d+1)*w2], row)
			}
		}
	}
	return tensor.New(tensor.WithShape(n, c, h*k, w2), tensor.WithBacking(dst)), nil
}

func (op upsampleOp) ReturnsPtr() bool     { return false }
func (op upsampleOp) CallsExtern() bool    { return false }
func (op upsampleOp) OverwritesInput() int { return -1 }
func (op upsampleOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "genxai.Upsample(k=%d)", op.k)
}
func (op upsampleOp) Hashcode() uint32 { return hashOf(op) }
func (op upsampleOp) String() string   { return fmt.Sprintf("Upsample×%d", op.k) }

// DiffWRT says the input is differentiable.
func (op upsampleOp) DiffWRT(int) []bool { return []bool{true} }

// SymDiff returns the gradient node: each input pixel receives the sum of the
// gradients of its k×k copies.
func (op upsampleOp) SymDiff(_ G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	g, err := G.ApplyOp(upsampleGradOp{k: op.k}, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{g}, nil
}

// upsampleGradOp sums k×k blocks: (N, C, kH, kW) → (N, C, H, W).
type upsampleGradOp struct{ k int }

func (op upsampleGradOp) Arity() int { return 1 }

func (op upsampleGradOp) Type() hm.Type {
	t := G.TensorType{Dims: 4, Of: hm.TypeVariable('a')}
	return hm.NewFnType(t, t)
}

func (op upsampleGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, ok := in[0].(tensor.Shape)
	if !ok || len(s) != 4 {
		return nil, fmt.Errorf("upsample gradient: expected a 4-D shape, got %v", in[0])
	}
	return tensor.Shape{s[0], s[1], s[2] / op.k, s[3] / op.k}, nil
}

func (op upsampleGradOp) Do(vals ...G.Value) (G.Value, error) {
	in, err := float32Tensor(vals[0], "upsample gradient input")
	if err != nil {
		return nil, err
	}
	s := in.Shape()
	n, c, h2, w2 := s[0], s[1], s[2], s[3]
	k := op.k
	h, w := h2/k, w2/k
	src := in.Data().([]float32)
	dst := make([]float32, n*c*h*w)
	for p := 0; p < n*c; p++ {
		plane := src[p*h2*w2 : (p+1)*h2*w2]
		out := dst[p*h*w : (p+1)*h*w]
		for y2 := 0; y2 < h2; y2++ {
			row := plane[y2*w2 : (y2+1)*w2]
			acc := out[(y2/k)*w : (y2/k+1)*w]
			for x2, v := range row {
				acc[x2/k] += v
			}
		}
	}
	return tensor.New(tensor.WithShape(n, c, h, w), tensor.WithBacking(dst)), nil
}

func (op upsampleGradOp) ReturnsPtr() bool     { return false }
func (op upsampleGradOp) CallsExtern() bool    { return false }
func (op upsampleGradOp) OverwritesInput() int { return -1 }
func (op upsampleGradOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "genxai.UpsampleGrad(k=%d)", op.k)
}
func (op upsampleGradOp) Hashcode() uint32 { return hashOf(op) }
func (op upsampleGradOp) String() string   { return fmt.Sprintf("UpsampleGrad×%d", op.k) }

func hashOf(op interface{ WriteHash(hash.Hash) }) uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}

func float32Tensor(v G.Value, what string) (tensor.Tensor, error) {
	t, ok := v.(tensor.Tensor)
	if !ok {
		return nil, fmt.Errorf("%s is a %T, not a tensor", what, v)
	}
	if _, ok := t.Data().([]float32); !ok {
		return nil, fmt.Errorf("%s holds %T; only float32 is supported", what, t.Data())
	}
	if !t.IsNativelyAccessible() || t.RequiresIterator() {
		return nil, fmt.Errorf("%s is not a contiguous tensor", what)
	}
	return t, nil
}
