package kan

import (
	"fmt"
	"hash"
	"hash/fnv"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// basisOp maps an n×m float64 matrix X to the n×(m·K) matrix of its
// B-spline bases: column i·K + r holds B_r(X[:, i]) on grids[i] (all grids
// have the same Size K). Its gradient with respect to X is basisGradOp.
type basisOp struct{ grids []Grid }

// basisGradOp maps (X, dY), dY the gradient arriving at basisOp(X), to
// dX[s, i] = Σ_r dY[s, i·K + r]·B'_r(X[s, i]).
type basisGradOp struct{ grids []Grid }

// newBasis applies basisOp to x.
func newBasis(x *G.Node, grids []Grid) (*G.Node, error) {
	return G.ApplyOp(basisOp{grids}, x)
}

func matType(arity int) hm.Type {
	ts := make([]hm.Type, arity+1)
	for i := range ts {
		ts[i] = G.TensorType{Dims: 2, Of: hm.TypeVariable('a')}
	}
	return hm.NewFnType(ts...)
}

func (op basisOp) Arity() int     { return 1 }
func (op basisOp) Type() hm.Type  { return matType(1) }
func (op basisOp) String() string { return fmt.Sprintf("KANBasis%v", op.grids) }

// InferShape is (n, m) → (n, m·K).
func (op basisOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := matShape(op, in, len(op.grids))
	if err != nil {
		return nil, err
	}
	return tensor.Shape{s[0], s[1] * op.grids[0].Size()}, nil
}

// Do evaluates the bases.
func (op basisOp) Do(vals ...G.Value) (G.Value, error) {
	x, n, m, err := floats(op, vals[0])
	if err != nil {
		return nil, err
	}
	k := op.grids[0].Size()
	out := make([]float64, n*m*k)
	for s := 0; s < n; s++ {
		for i := 0; i < m; i++ {
			op.grids[i].Basis(x[s*m+i], out[(s*m+i)*k:(s*m+i+1)*k], nil)
		}
	}
	return tensor.New(tensor.WithShape(n, m*k), tensor.WithBacking(out)), nil
}

// DiffWRT says the op is differentiable in its input.
func (op basisOp) DiffWRT(int) []bool { return []bool{true} }

// SymDiff returns basisGradOp(X, grad).
func (op basisOp) SymDiff(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	dx, err := G.ApplyOp(basisGradOp(op), inputs[0], grad)
	return G.Nodes{dx}, err
}

func (op basisGradOp) Arity() int     { return 2 }
func (op basisGradOp) Type() hm.Type  { return matType(2) }
func (op basisGradOp) String() string { return fmt.Sprintf("KANBasisGrad%v", op.grids) }

// InferShape is the shape of X.
func (op basisGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	return matShape(op, in[:1], len(op.grids))
}

// Do chains dY through the bases' derivatives.
func (op basisGradOp) Do(vals ...G.Value) (G.Value, error) {
	x, n, m, err := floats(op, vals[0])
	if err != nil {
		return nil, err
	}
	dy, _, _, err := floats(op, vals[1])
	if err != nil {
		return nil, err
	}
	k := op.grids[0].Size()
	b, d := make([]float64, k), make([]float64, k)
	out := make([]float64, n*m)
	for s := 0; s < n; s++ {
		for i := 0; i < m; i++ {
			op.grids[i].Basis(x[s*m+i], b, d)
			var v float64
			for r, dr := range d {
				v += dr * dy[(s*m+i)*k+r]
			}
			out[s*m+i] = v
		}
	}
	return tensor.New(tensor.WithShape(n, m), tensor.WithBacking(out)), nil
}

func (op basisOp) ReturnsPtr() bool          { return false }
func (op basisOp) CallsExtern() bool         { return false }
func (op basisOp) OverwritesInput() int      { return -1 }
func (op basisOp) WriteHash(h hash.Hash)     { fmt.Fprint(h, op.String()) }
func (op basisOp) Hashcode() uint32          { return hashOf(op) }
func (op basisGradOp) ReturnsPtr() bool      { return false }
func (op basisGradOp) CallsExtern() bool     { return false }
func (op basisGradOp) OverwritesInput() int  { return -1 }
func (op basisGradOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op basisGradOp) Hashcode() uint32      { return hashOf(op) }

func hashOf(op G.Op) uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}

// matShape checks that in holds one n×m shape with m = cols.
func matShape(op G.Op, in []G.DimSizer, cols int) (tensor.Shape, error) {
	if len(in) < 1 {
		return nil, fmt.Errorf("%v: no operand shape", op)
	}
	s, ok := in[0].(tensor.Shape)
	if !ok || len(s) != 2 || s[1] != cols {
		return nil, fmt.Errorf("%v: operand shape %v; want a matrix with %d columns", op, in[0], cols)
	}
	return s, nil
}

// floats returns the float64 backing of a matrix value and its shape.
func floats(op G.Op, v G.Value) ([]float64, int, int, error) {
	t, ok := v.(tensor.Tensor)
	if !ok || len(t.Shape()) != 2 {
		return nil, 0, 0, fmt.Errorf("%v: operand is a %T of shape %v; want a float64 matrix", op, v, v.Shape())
	}
	d, ok := t.Data().([]float64)
	if !ok {
		return nil, 0, 0, fmt.Errorf("%v: operand holds %T; the KAN graph is float64", op, t.Data())
	}
	return d, t.Shape()[0], t.Shape()[1], nil
}
