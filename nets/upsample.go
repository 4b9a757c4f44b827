package nets

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"genxai/engine"
	"genxai/engine/cpu/kern"
)

// Upsample repeats every pixel of a float32 NCHW tensor k×k times (nearest
// neighbour). It computes what Gorgonia's Upsample2D computes, over the flat
// backing arrays instead of per-element At/SetAt calls, which made
// Upsample2D and its gradient a fifth of a DCGAN training step.
//
// The gradient gives each input pixel the sum of the gradients of its k×k
// copies.
func Upsample(x *G.Node, k int) (*G.Node, error) {
	if k < 1 {
		return nil, fmt.Errorf("upsample factor must be at least 1, got %d", k)
	}
	if x.Shape().Dims() != 4 {
		return nil, fmt.Errorf("upsample needs NCHW input, got shape %v", x.Shape())
	}
	return applyOp(upsampleSpec(k), x)
}

// upsampleSpec is the forward op: (N, C, H, W) → (N, C, kH, kW).
func upsampleSpec(k int) opSpec {
	return opSpec{
		name: "Upsample", params: []opParam{{"k", k}}, arity: 1,
		plan: func(in []tensor.Shape) (tensor.Shape, kernel, error) {
			s := in[0]
			if len(s) != 4 {
				return nil, nil, fmt.Errorf("upsample: input must be NCHW (4-D), got shape %v", s)
			}
			planes, h, w := s[0]*s[1], s[2], s[3]
			return tensor.Shape{s[0], s[1], h * k, w * k}, func(in [][]float32, out []float32) {
				kern.Upsample(in[0], out, planes, h, w, k)
			}, nil
		},
		lower: func(in []tensor.Shape) lowering {
			s := in[0]
			return lowering{run: func(be engine.Backend, in []engine.Buffer, y engine.Buffer, _ []engine.Buffer) {
				be.Upsample(in[0], s[0]*s[1], s[2], s[3], k, y)
			}}
		},
		grad: func(_ G.Nodes, _, dy *G.Node) (G.Nodes, error) {
			dx, err := applyOp(upsampleGradSpec(k), dy)
			if err != nil {
				return nil, fmt.Errorf("upsample gradient: %w", err)
			}
			return G.Nodes{dx}, nil
		},
	}
}

// upsampleGradSpec sums k×k blocks: (N, C, kH, kW) → (N, C, H, W).
func upsampleGradSpec(k int) opSpec {
	return opSpec{
		name: "UpsampleGrad", params: []opParam{{"k", k}}, arity: 1,
		plan: func(in []tensor.Shape) (tensor.Shape, kernel, error) {
			s := in[0]
			if len(s) != 4 || s[2]%k != 0 || s[3]%k != 0 {
				return nil, nil, fmt.Errorf("upsample gradient: output gradient must be NCHW (4-D) with height and width multiples of %d, got shape %v", k, s)
			}
			planes, h, w := s[0]*s[1], s[2]/k, s[3]/k
			return tensor.Shape{s[0], s[1], h, w}, func(in [][]float32, out []float32) {
				kern.UpsampleGrad(in[0], out, planes, h, w, k)
			}, nil
		},
		lower: func(in []tensor.Shape) lowering {
			s := in[0]
			return lowering{run: func(be engine.Backend, in []engine.Buffer, dx engine.Buffer, _ []engine.Buffer) {
				be.UpsampleGrad(in[0], s[0]*s[1], s[2]/k, s[3]/k, k, dx)
			}}
		},
	}
}
