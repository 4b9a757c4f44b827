package nets

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
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
	return G.ApplyOp(maxPoolOp{k: k}, x)
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

// forward writes the window maxima of x into y.
func (g poolGeom) forward(x, y []float32) {
	k, w, ow := g.k, g.w, g.ow
	for p := 0; p < g.planes; p++ {
		plane := x[p*g.h*w : (p+1)*g.h*w]
		out := y[p*g.oh*ow : (p+1)*g.oh*ow]
		for oy := 0; oy < g.oh; oy++ {
			dst := out[oy*ow : (oy+1)*ow]
			if k == 2 {
				r0 := plane[2*oy*w:][: 2*ow : 2*ow]
				r1 := plane[(2*oy+1)*w:][: 2*ow : 2*ow]
				for ox := range dst {
					// The builtin max has no branch to mispredict;
					// it differs from a scan only for NaN and
					// signed zeros (max(−0, +0) is +0).
					dst[ox] = max(max(r0[2*ox], r0[2*ox+1]), max(r1[2*ox], r1[2*ox+1]))
				}
				continue
			}
			// The first row of the windows starts the maxima; the
			// others update them.
			for ky := 0; ky < k; ky++ {
				row := plane[(oy*k+ky)*w:][:ow*k]
				for ox := range dst {
					win := row[ox*k : (ox+1)*k]
					m := dst[ox]
					start := 0
					if ky == 0 {
						m, start = win[0], 1
					}
					for _, v := range win[start:] {
						if v > m {
							m = v
						}
					}
					dst[ox] = m
				}
			}
		}
	}
}

// backward adds dy of each window onto dx at the window's first element
// (row-major) equal to its maximum y.
func (g poolGeom) backward(x, y, dy, dx []float32) {
	k, w, ow := g.k, g.w, g.ow
	for p := 0; p < g.planes; p++ {
		plane := x[p*g.h*w : (p+1)*g.h*w]
		grad := dx[p*g.h*w : (p+1)*g.h*w]
		out := y[p*g.oh*ow : (p+1)*g.oh*ow]
		dout := dy[p*g.oh*ow : (p+1)*g.oh*ow]
		for oy := 0; oy < g.oh; oy++ {
			ys, dys := out[oy*ow:(oy+1)*ow], dout[oy*ow:(oy+1)*ow]
			base := oy * k * w
			if k == 2 {
				r0 := plane[base:][: 2*ow : 2*ow]
				r1 := plane[base+w:][: 2*ow : 2*ow]
				g0 := grad[base : base+2*w]
				for ox, m := range ys {
					if m != m {
						continue // NaN: no element equals it
					}
					// The first of the four equal to m, found by
					// conditional moves rather than branches.
					i := 2 * ox
					o := w + i + 1
					if r1[i] == m {
						o = w + i
					}
					if r0[i+1] == m {
						o = i + 1
					}
					if r0[i] == m {
						o = i
					}
					g0[o] = dys[ox]
				}
				continue
			}
		windows:
			for ox, m := range ys {
				for ky := 0; ky < k; ky++ {
					off := base + ky*w + ox*k
					for kx, v := range plane[off : off+k] {
						if v == m {
							grad[off+kx] = dys[ox]
							continue windows
						}
					}
				}
			}
		}
	}
}

// maxPoolOp is the forward op: x → y.
type maxPoolOp struct{ k int }

func (op maxPoolOp) Arity() int { return 1 }

func (op maxPoolOp) Type() hm.Type {
	t := G.TensorType{Dims: 4, Of: hm.TypeVariable('a')}
	return hm.NewFnType(t, t)
}

func (op maxPoolOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	xs, ok := in[0].(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("maxpool2d: expected a shape, got %v", in[0])
	}
	g, err := poolGeometry(xs, op.k)
	if err != nil {
		return nil, err
	}
	return g.outShape(xs), nil
}

func (op maxPoolOp) Do(vals ...G.Value) (G.Value, error) {
	t, err := float32Tensor(vals[0], "maxpool2d input")
	if err != nil {
		return nil, err
	}
	xs := t.Shape()
	g, err := poolGeometry(xs, op.k)
	if err != nil {
		return nil, err
	}
	y := make([]float32, g.planes*g.oh*g.ow)
	g.forward(t.Data().([]float32), y)
	return tensor.New(tensor.WithShape(g.outShape(xs)...), tensor.WithBacking(y)), nil
}

func (op maxPoolOp) ReturnsPtr() bool     { return false }
func (op maxPoolOp) CallsExtern() bool    { return false }
func (op maxPoolOp) OverwritesInput() int { return -1 }
func (op maxPoolOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "genxai.MaxPool2D(k=%d)", op.k)
}
func (op maxPoolOp) Hashcode() uint32 { return hashOf(op) }
func (op maxPoolOp) String() string   { return fmt.Sprintf("MaxPool2D(%d×%d)", op.k, op.k) }

// DiffWRT says the input is differentiable.
func (op maxPoolOp) DiffWRT(int) []bool { return []bool{true} }

// SymDiff returns the gradient node for x, computed from x, y and dy.
func (op maxPoolOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	dx, err := G.ApplyOp(maxPoolGradOp(op), inputs[0], output, grad)
	if err != nil {
		return nil, fmt.Errorf("maxpool2d gradient for the input %v: %w", inputs[0].Shape(), err)
	}
	return G.Nodes{dx}, nil
}

// maxPoolGradOp is the gradient: (x, y, dy) → dx.
type maxPoolGradOp struct{ k int }

func (op maxPoolGradOp) Arity() int { return 3 }

func (op maxPoolGradOp) Type() hm.Type {
	t := G.TensorType{Dims: 4, Of: hm.TypeVariable('a')}
	return hm.NewFnType(t, t, t, t)
}

// geometry checks that y and dy have the pooled shape of x.
func (op maxPoolGradOp) geometry(xs, ys, dys tensor.Shape) (poolGeom, error) {
	g, err := poolGeometry(xs, op.k)
	if err != nil {
		return poolGeom{}, fmt.Errorf("maxpool2d gradient: %w", err)
	}
	want := g.outShape(xs)
	if !ys.Eq(want) || !dys.Eq(want) {
		return poolGeom{}, fmt.Errorf("maxpool2d gradient: output %v and output gradient %v must both be %v for the input %v",
			ys, dys, want, xs)
	}
	return g, nil
}

func (op maxPoolGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	if len(in) != 3 {
		return nil, fmt.Errorf("maxpool2d gradient: expected 3 shapes, got %d", len(in))
	}
	var s [3]tensor.Shape
	for i := range s {
		var ok bool
		if s[i], ok = in[i].(tensor.Shape); !ok {
			return nil, fmt.Errorf("maxpool2d gradient: expected shapes, got %v", in[i])
		}
	}
	if _, err := op.geometry(s[0], s[1], s[2]); err != nil {
		return nil, err
	}
	return s[0].Clone(), nil
}

func (op maxPoolGradOp) Do(vals ...G.Value) (G.Value, error) {
	ts, err := float32Tensors("maxpool2d gradient", vals...)
	if err != nil {
		return nil, err
	}
	xs := ts[0].Shape()
	g, err := op.geometry(xs, ts[1].Shape(), ts[2].Shape())
	if err != nil {
		return nil, err
	}
	x := ts[0].Data().([]float32)
	dx := make([]float32, len(x))
	g.backward(x, ts[1].Data().([]float32), ts[2].Data().([]float32), dx)
	return tensor.New(tensor.WithShape(xs.Clone()...), tensor.WithBacking(dx)), nil
}

func (op maxPoolGradOp) ReturnsPtr() bool     { return false }
func (op maxPoolGradOp) CallsExtern() bool    { return false }
func (op maxPoolGradOp) OverwritesInput() int { return -1 }
func (op maxPoolGradOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "genxai.MaxPool2DGrad(k=%d)", op.k)
}
func (op maxPoolGradOp) Hashcode() uint32 { return hashOf(op) }
func (op maxPoolGradOp) String() string   { return fmt.Sprintf("MaxPool2DGrad(%d×%d)", op.k, op.k) }
