package nets

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"genxai/engine"
)

// opRun builds L = Σ build(inputs) ⊙ R on the given input values (R fixed
// and random), runs it once and returns the output, its shape and ∂L/∂ each
// input.
func opRun(t testing.TB, vals []*tensor.Dense, build func(in G.Nodes) (*G.Node, error)) (y []float32, shape tensor.Shape, grads [][]float32) {
	t.Helper()
	g := G.NewGraph()
	var in G.Nodes
	for i, v := range vals {
		in = append(in, G.NewTensor(g, tensor.Float32, v.Dims(), G.WithShape(v.Shape()...),
			G.WithName(fmt.Sprintf("in%d", i)), G.WithValue(v.Clone().(*tensor.Dense))))
	}
	out, err := build(in)
	if err != nil {
		t.Fatalf("building: %v", err)
	}
	r := randomTensor(rand.New(rand.NewSource(5)), out.Shape()...)
	loss := G.Must(G.Sum(G.Must(G.HadamardProd(out, G.NewConstant(r)))))
	if _, err := G.Grad(loss, in...); err != nil {
		t.Fatalf("gradients: %v", err)
	}
	ex := engine.NewTape(g, in, engine.Keep(out))
	defer ex.Close()
	if err := ex.Run(); err != nil {
		t.Fatalf("run: %v", err)
	}
	y = append([]float32(nil), engine.Float32s(out)...)
	for _, node := range in {
		d, err := engine.Grad(node)
		if err != nil {
			t.Fatal(err)
		}
		grads = append(grads, append([]float32(nil), d...))
	}
	return y, out.Shape().Clone(), grads
}

var channelBiasShapesTable = [][4]int{
	{1, 1, 1, 1}, {2, 3, 4, 5}, {3, 1, 7, 7}, {1, 5, 3, 1}, {4, 8, 9, 11}, {2, 32, 28, 28}, {3, 2, 1, 17},
}

// AddChannelBias computes what BroadcastAdd over axes 0, 2 and 3 computes,
// and both gradients equal the gradients through BroadcastAdd.
func TestAddChannelBiasMatchesBroadcastAdd(t *testing.T) {
	for _, s := range channelBiasShapesTable {
		rng := rand.New(rand.NewSource(int64(s[0]*1000 + s[1]*100 + s[2]*10 + s[3])))
		vals := []*tensor.Dense{randomTensor(rng, s[:]...), randomTensor(rng, 1, s[1], 1, 1)}
		y, shape, grads := opRun(t, vals, func(in G.Nodes) (*G.Node, error) { return AddChannelBias(in[0], in[1]) })
		wy, wshape, wgrads := opRun(t, vals, func(in G.Nodes) (*G.Node, error) {
			return G.BroadcastAdd(in[0], in[1], nil, []byte{0, 2, 3})
		})
		if !shape.Eq(wshape) {
			t.Fatalf("%v: shape %v, want %v", s, shape, wshape)
		}
		for _, c := range []struct {
			what      string
			got, want []float32
		}{{"output", y, wy}, {"∂x", grads[0], wgrads[0]}, {"∂b", grads[1], wgrads[1]}} {
			if err := closeTo(c.got, c.want, 1e-5); err != nil {
				t.Errorf("%v %s: %v", s, c.what, err)
			}
		}
	}
}

// The gradients pass the finite-difference check, alone and in Net.Conv2D
// between two convolutions.
func TestAddChannelBiasFiniteDifferences(t *testing.T) {
	for _, s := range [][4]int{{2, 3, 4, 5}, {3, 2, 1, 1}, {1, 4, 3, 3}} {
		checkGradients(t, gradCase{name: fmt.Sprint("bias", s),
			inputs:  map[string][]int{"x": s[:], "b": {1, s[1], 1, 1}},
			wantOut: s[:],
			build: func(n *Net, in map[string]*G.Node) *G.Node {
				return n.Op(AddChannelBias(in["x"], in["b"]))
			}})
	}
	checkGradients(t, gradCase{name: "conv bias into tanh into conv", inputs: map[string][]int{"x": {2, 2, 6, 6}}, wantOut: []int{2, 3, 3, 3},
		build: func(n *Net, in map[string]*G.Node) *G.Node {
			h := n.Activate("tanh", n.Conv2D("c1", in["x"], 4, 3, 1, 1))
			return n.Conv2D("c2", h, 3, 4, 2, 1)
		}})
}

// Net.Conv2D keeps its parameter names and shapes (checkpoints stay
// compatible).
func TestConv2DBiasParameter(t *testing.T) {
	n := NewNet(NewStore(1), true)
	x := n.Input("x", 2, 3, 8, 8)
	n.Conv2D("conv1", x, 5, 3, 1, 1)
	if err := n.Err(); err != nil {
		t.Fatal(err)
	}
	want := map[string][]int{"conv1.weight": {5, 3, 3, 3}, "conv1.bias": {1, 5, 1, 1}}
	for _, p := range n.Params() {
		w, ok := want[p.Name()]
		if !ok {
			t.Errorf("unexpected parameter %s %v", p.Name(), p.Shape())
			continue
		}
		if !sameShape(p.Shape(), w) {
			t.Errorf("%s has shape %v, want %v", p.Name(), p.Shape(), w)
		}
		delete(want, p.Name())
	}
	for name := range want {
		t.Errorf("parameter %s is missing", name)
	}
}

// Bad shapes are refused when the graph is built, naming the shapes.
func TestAddChannelBiasShapeErrors(t *testing.T) {
	g := G.NewGraph()
	node := func(name string, shape ...int) *G.Node {
		return G.NewTensor(g, tensor.Float32, len(shape), G.WithShape(shape...), G.WithName(name))
	}
	for _, c := range []struct {
		name   string
		x, b   *G.Node
		substr []string
	}{
		{"3-D input", node("x1", 2, 5, 5), node("b1", 1, 2, 1, 1), []string{"(2, 5, 5)", "NCHW"}},
		{"channels", node("x2", 2, 3, 5, 5), node("b2", 1, 4, 1, 1), []string{"(2, 3, 5, 5)", "(1, 4, 1, 1)", "(1, 3, 1, 1)"}},
		{"bias not 1×C×1×1", node("x3", 2, 3, 5, 5), node("b3", 2, 3, 1, 1), []string{"(2, 3, 1, 1)", "(1, 3, 1, 1)"}},
		{"bias 2-D", node("x4", 2, 3, 5, 5), node("b4", 1, 3), []string{"(1, 3)", "(2, 3, 5, 5)"}},
	} {
		_, err := AddChannelBias(c.x, c.b)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, s := range c.substr {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%s: error %q does not mention %q", c.name, err, s)
			}
		}
	}
}

// benchOp times one run of a graph holding y = build(x) and, with grads,
// the gradients with respect to every input for a given random ∂L/∂y.
func benchOp(b *testing.B, vals []*tensor.Dense, build func(in G.Nodes) (*G.Node, error), grads bool) {
	rng := rand.New(rand.NewSource(1))
	g := G.NewGraph()
	var in G.Nodes
	for i, v := range vals {
		in = append(in, G.NewTensor(g, tensor.Float32, v.Dims(), G.WithShape(v.Shape()...),
			G.WithName(fmt.Sprintf("in%d", i)), G.WithValue(v.Clone().(*tensor.Dense))))
	}
	out := G.Must(build(in))
	var learn G.Nodes
	if grads {
		dy := G.NewTensor(g, tensor.Float32, 4, G.WithShape(out.Shape()...), G.WithName("dy"),
			G.WithValue(randomTensor(rng, out.Shape()...)))
		if _, err := G.Backpropagate(G.Nodes{out}, G.Nodes{dy}, in); err != nil {
			b.Fatal(err)
		}
		learn = in
	}
	ex := engine.NewTape(g, learn)
	defer ex.Close()
	if err := ex.Run(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := ex.Run(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChannelBias compares AddChannelBias with BroadcastAdd on the
// conv outputs of configs/cnn-fashion.yaml (batch 64), forward alone and
// forward with both gradients.
func BenchmarkChannelBias(b *testing.B) {
	for _, s := range [][4]int{{64, 32, 28, 28}, {64, 64, 14, 14}} {
		rng := rand.New(rand.NewSource(1))
		vals := []*tensor.Dense{randomTensor(rng, s[:]...), randomTensor(rng, 1, s[1], 1, 1)}
		for _, impl := range []struct {
			name  string
			build func(in G.Nodes) (*G.Node, error)
		}{
			{"ours", func(in G.Nodes) (*G.Node, error) { return AddChannelBias(in[0], in[1]) }},
			{"gorgonia", func(in G.Nodes) (*G.Node, error) { return G.BroadcastAdd(in[0], in[1], nil, []byte{0, 2, 3}) }},
		} {
			for _, grads := range []bool{false, true} {
				pass := "forward"
				if grads {
					pass = "backward"
				}
				b.Run(fmt.Sprintf("%dx%dx%d/%s/%s", s[1], s[2], s[3], pass, impl.name), func(b *testing.B) {
					benchOp(b, vals, impl.build, grads)
				})
			}
		}
	}
}
