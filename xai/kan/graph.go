package kan

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Reg weighs the sparsity regularisation of the paper (its eqs. 2.17–2.20):
// Lambda·(MuL1·Σ_l |Φ_l|₁ + MuEntropy·Σ_l S(Φ_l)), where |Φ_l|₁ is the sum
// over layer l's edges of their mean |φ| on the batch and S(Φ_l) the entropy
// of the edges' shares of it.
type Reg struct {
	Lambda, MuL1, MuEntropy float64
}

// graph is the Gorgonia graph of a model on one batch: the loss, its parts
// and the learnable nodes, whose values are backed by the model's slices
// (an update of the slices is the next run's parameter value).
type graph struct {
	g               *G.ExprGraph
	loss, pred, reg *G.Node
	params          G.Nodes
	data            [][]float64 // the backing slices of params, in order
	meanAbs         []*G.Node   // per layer: mean |φ| of each edge (In·Out), row-major
	meanAbsV, lossV G.Value
	predV, regV     G.Value
	meanAbsVals     []G.Value
}

// matrix is a float64 matrix node backed by data.
func matrix(g *G.ExprGraph, rows, cols int, data []float64, name string) *G.Node {
	return G.NewMatrix(g, G.Float64, G.WithShape(rows, cols), G.WithName(name),
		G.WithValue(tensor.New(tensor.WithShape(rows, cols), tensor.WithBacking(data))))
}

// must panics on a graph-building error; buildGraph recovers it.
func must(n *G.Node, err error) *G.Node {
	if err != nil {
		panic(err)
	}
	return n
}

// buildGraph builds the loss of m on the standardized rows x (n×Widths[0])
// with class indices y, regularised by reg.
func buildGraph(m *Model, x, y []float64, n int, reg Reg) (gr *graph, err error) {
	defer func() {
		if r := recover(); r != nil {
			gr, err = nil, fmt.Errorf("building the KAN graph: %v", r)
		}
	}()
	gr = &graph{g: G.NewGraph()}
	g := gr.g
	h := matrix(g, n, m.Widths[0], x, "x")
	ones := matrix(g, n, 1, filled(n, 1), "ones")
	var l1, ent *G.Node
	for li, l := range m.Layers {
		var phi *G.Node
		h, phi = gr.layer(li, l, h, ones)
		a := must(G.Mean(must(G.Abs(phi)), 0))
		gr.meanAbs = append(gr.meanAbs, a)
		s := must(G.Sum(a))
		p := must(G.HadamardDiv(a, must(G.Add(s, G.NewConstant(1e-12)))))
		e := must(G.Neg(must(G.Sum(must(G.HadamardProd(p, must(G.Log(must(G.Add(p, G.NewConstant(1e-12)))))))))))
		if l1 == nil {
			l1, ent = s, e
		} else {
			l1, ent = must(G.Add(l1, s)), must(G.Add(ent, e))
		}
	}
	out := m.Widths[len(m.Widths)-1]
	if out == 1 {
		yv := matrix(g, n, 1, append([]float64(nil), y...), "y")
		gr.pred = must(G.Mean(must(G.Sub(must(G.Softplus(h)), must(G.HadamardProd(yv, h))))))
	} else {
		oh := make([]float64, n*out)
		for r, c := range y {
			oh[r*out+int(c)] = 1
		}
		yv := matrix(g, n, out, oh, "onehot")
		lse := must(G.Mean(must(G.Log(must(G.Sum(must(G.Exp(h)), 1))))))
		gr.pred = must(G.Sub(lse, must(G.HadamardDiv(must(G.Sum(must(G.HadamardProd(yv, h)))), G.NewConstant(float64(n))))))
	}
	gr.reg = must(G.Mul(G.NewConstant(reg.Lambda), must(G.Add(
		must(G.Mul(G.NewConstant(reg.MuL1), l1)), must(G.Mul(G.NewConstant(reg.MuEntropy), ent))))))
	gr.loss = must(G.Add(gr.pred, gr.reg))
	G.Read(gr.loss, &gr.lossV)
	G.Read(gr.pred, &gr.predV)
	G.Read(gr.reg, &gr.regV)
	gr.meanAbsVals = make([]G.Value, len(gr.meanAbs))
	for i, a := range gr.meanAbs {
		G.Read(a, &gr.meanAbsVals[i])
	}
	if _, err := G.Grad(gr.loss, gr.params...); err != nil {
		return nil, fmt.Errorf("differentiating the KAN loss: %w", err)
	}
	return gr, nil
}

// layer adds layer l on input h (n×In) and returns its output (n×Out) and
// the edge activations Φ (n×(In·Out), column i·Out + j holding φ_ij(h_i)),
// built from 2-D products with constant selection matrices:
//
//	M    = C ⊙ (E·(Ws ⊙ Mask))          E: (In·K)×In, E[(i,r), i] = 1
//	Φ    = B(h)·((M·T) ⊙ D_K) + silu(h)·(((Wb ⊙ Mask)·T) ⊙ D_1)
//	out  = Φ·S + 1·Bias                   T[j, (i,j)] = 1, S[(i,j), j] = 1
//
// where D_K and D_1 keep the blocks whose input index matches.
func (gr *graph) layer(li int, l *Layer, h, ones *G.Node) (out, phi *G.Node) {
	g := gr.g
	in, o, k := l.In, l.Out, l.K()
	name := func(s string) string { return fmt.Sprintf("l%d.%s", li, s) }
	c := gr.param(matrix(g, in*k, o, l.C, name("C")), l.C)
	wb := gr.param(matrix(g, in, o, l.Wb, name("Wb")), l.Wb)
	ws := gr.param(matrix(g, in, o, l.Ws, name("Ws")), l.Ws)
	bias := gr.param(matrix(g, 1, o, l.Bias, name("bias")), l.Bias)
	mask := matrix(g, in, o, append([]float64(nil), l.Mask...), name("mask"))
	e, t, s := make([]float64, in*k*in), make([]float64, o*in*o), make([]float64, in*o*o)
	dk, d1 := make([]float64, in*k*in*o), make([]float64, in*in*o)
	for i := 0; i < in; i++ {
		for r := 0; r < k; r++ {
			e[(i*k+r)*in+i] = 1
			for j := 0; j < o; j++ {
				dk[(i*k+r)*in*o+i*o+j] = 1
			}
		}
		for j := 0; j < o; j++ {
			t[j*in*o+i*o+j] = 1
			s[(i*o+j)*o+j] = 1
			d1[i*in*o+i*o+j] = 1
		}
	}
	em, tm, sm := matrix(g, in*k, in, e, name("E")), matrix(g, o, in*o, t, name("T")), matrix(g, in*o, o, s, name("S"))
	dkm, d1m := matrix(g, in*k, in*o, dk, name("DK")), matrix(g, in, in*o, d1, name("D1"))
	mm := must(G.HadamardProd(c, must(G.Mul(em, must(G.HadamardProd(ws, mask))))))
	cbig := must(G.HadamardProd(must(G.Mul(mm, tm)), dkm))
	wbig := must(G.HadamardProd(must(G.Mul(must(G.HadamardProd(wb, mask)), tm)), d1m))
	basis := must(newBasis(h, l.Grids))
	silu := must(G.HadamardProd(h, must(G.Sigmoid(h))))
	phi = must(G.Add(must(G.Mul(basis, cbig)), must(G.Mul(silu, wbig))))
	out = must(G.Add(must(G.Mul(phi, sm)), must(G.Mul(ones, bias))))
	return out, phi
}

// param records a learnable node and its backing slice.
func (gr *graph) param(n *G.Node, data []float64) *G.Node {
	gr.params = append(gr.params, n)
	gr.data = append(gr.data, data)
	return n
}

func filled(n int, v float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = v
	}
	return s
}

// machine compiles the graph; run evaluates loss and gradients.
type machine struct {
	gr *graph
	vm G.VM
}

func newMachine(gr *graph) (mc *machine, err error) {
	defer func() {
		if r := recover(); r != nil {
			mc, err = nil, fmt.Errorf("compiling the KAN graph: %v", r)
		}
	}()
	return &machine{gr: gr, vm: G.NewTapeMachine(gr.g, G.BindDualValues(gr.params...))}, nil
}

// run evaluates the graph and returns the loss and the gradient of every
// parameter (in the order of gr.data; the slices are reused by the next run).
func (mc *machine) run() (float64, [][]float64, error) {
	for _, p := range mc.gr.params {
		if gv, err := p.Grad(); err == nil {
			if z, ok := gv.(tensor.Tensor); ok {
				z.Zero()
			}
		}
	}
	if err := mc.vm.RunAll(); err != nil {
		mc.vm.Reset()
		return 0, nil, fmt.Errorf("running the KAN graph: %w", err)
	}
	defer mc.vm.Reset()
	grads := make([][]float64, len(mc.gr.params))
	for i, p := range mc.gr.params {
		gv, err := p.Grad()
		if err != nil {
			return 0, nil, fmt.Errorf("gradient of %s: %w", p.Name(), err)
		}
		grads[i] = gv.Data().([]float64)
	}
	return mc.gr.lossV.Data().(float64), grads, nil
}

// edgeScores returns each layer's mean |φ| per edge from the last run.
func (mc *machine) edgeScores() [][]float64 {
	out := make([][]float64, len(mc.gr.meanAbsVals))
	for i, v := range mc.gr.meanAbsVals {
		out[i] = append([]float64(nil), v.Data().([]float64)...)
	}
	return out
}
