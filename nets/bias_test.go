package nets

import (
	"fmt"
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

var channelBiasShapesTable = [][4]int{
	{1, 1, 1, 1}, {2, 3, 4, 5}, {3, 1, 7, 7}, {1, 5, 3, 1}, {4, 8, 9, 11}, {2, 32, 28, 28}, {3, 2, 1, 17},
}

// channelBiasImpls are AddChannelBias and BroadcastAdd over axes 0, 2 and 3.
var channelBiasImpls = []namedOp{
	{"ours", func(in G.Nodes) (*G.Node, error) { return AddChannelBias(in[0], in[1]) }},
	{"gorgonia", func(in G.Nodes) (*G.Node, error) { return G.BroadcastAdd(in[0], in[1], nil, []byte{0, 2, 3}) }},
}

// AddChannelBias computes what BroadcastAdd over axes 0, 2 and 3 computes,
// and both gradients equal the gradients through BroadcastAdd.
func TestAddChannelBiasMatchesBroadcastAdd(t *testing.T) {
	for _, s := range channelBiasShapesTable {
		rng := rand.New(rand.NewSource(int64(s[0]*1000 + s[1]*100 + s[2]*10 + s[3])))
		vals := []*tensor.Dense{randomTensor(rng, s[:]...), randomTensor(rng, 1, s[1], 1, 1)}
		matchOps(t, fmt.Sprint(s), vals, channelBiasImpls[0].build, channelBiasImpls[1].build, 1e-5, 1e-5)
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
	node := placeholders()
	checkErrors(t, []errCase{
		{"3-D input", nodeErr(AddChannelBias(node(2, 5, 5), node(1, 2, 1, 1))), []string{"(2, 5, 5)", "NCHW"}},
		{"channels", nodeErr(AddChannelBias(node(2, 3, 5, 5), node(1, 4, 1, 1))), []string{"(2, 3, 5, 5)", "(1, 4, 1, 1)", "(1, 3, 1, 1)"}},
		{"bias not 1×C×1×1", nodeErr(AddChannelBias(node(2, 3, 5, 5), node(2, 3, 1, 1))), []string{"(2, 3, 1, 1)", "(1, 3, 1, 1)"}},
		{"bias 2-D", nodeErr(AddChannelBias(node(2, 3, 5, 5), node(1, 3))), []string{"(1, 3)", "(2, 3, 5, 5)"}},
		{"gradient of a 3-D output", shapeErr(newOp(channelBiasGradSpec).InferShape(tensor.Shape{2, 3, 5})), []string{"(2, 3, 5)", "4-D"}},
	})
}

// BenchmarkChannelBias compares AddChannelBias with BroadcastAdd on the
// conv outputs of configs/cnn-fashion.yaml (batch 64), forward alone and
// forward with both gradients.
func BenchmarkChannelBias(b *testing.B) {
	for _, s := range [][4]int{{64, 32, 28, 28}, {64, 64, 14, 14}} {
		rng := rand.New(rand.NewSource(1))
		vals := []*tensor.Dense{randomTensor(rng, s[:]...), randomTensor(rng, 1, s[1], 1, 1)}
		benchPasses(b, fmt.Sprintf("%dx%dx%d", s[1], s[2], s[3]), vals, channelBiasImpls)
	}
}
