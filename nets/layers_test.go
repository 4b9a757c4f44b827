package nets

import (
	"math/rand"
	"testing"

	"genxai/engine"

	G "gorgonia.org/gorgonia"
)

// TestLayerGradients checks the layers whose inputs are plain N(0, 1) values.
func TestLayerGradients(t *testing.T) {
	for _, c := range []gradCase{
		{name: "dense", inputs: map[string][]int{"x": {3, 4}}, wantOut: []int{3, 5},
			build: func(n *Net, in map[string]*G.Node) *G.Node { return n.Dense("fc", in["x"], 5) }},
		{name: "linear", inputs: map[string][]int{"x": {3, 4}}, wantOut: []int{3, 5},
			build: func(n *Net, in map[string]*G.Node) *G.Node { return n.Linear("fc", in["x"], 5, 0.5) }},
		{name: "conv", inputs: map[string][]int{"x": {2, 2, 6, 6}}, wantOut: []int{2, 3, 3, 3},
			build: func(n *Net, in map[string]*G.Node) *G.Node { return n.Conv2D("conv", in["x"], 3, 4, 2, 1) }},
		{name: "causal conv", inputs: map[string][]int{"x": {2, 3, 1, 8}}, wantOut: []int{2, 4, 1, 8},
			build: func(n *Net, in map[string]*G.Node) *G.Node { return n.causalConv("cc", in["x"], 4, 3, 2) }},
		{name: "upconv", inputs: map[string][]int{"x": {2, 2, 3, 3}}, wantOut: []int{2, 3, 6, 6},
			build: func(n *Net, in map[string]*G.Node) *G.Node { return n.UpConv("up", in["x"], 3) }},
		{name: "layernorm", inputs: map[string][]int{"x": {4, 6}}, wantOut: []int{4, 6},
			// a dense layer first, so the scale and shift get non-trivial values and gradients
			build: func(n *Net, in map[string]*G.Node) *G.Node { return n.LayerNorm("ln", n.Dense("fc", in["x"], 6)) }},
		{name: "attention", inputs: map[string][]int{"x": {2 * 3, 4}}, wantOut: []int{6, 4},
			build: func(n *Net, in map[string]*G.Node) *G.Node {
				return n.CausalSelfAttention("attn", in["x"], 2, 3, 2, 0.5, 0)
			}},
	} {
		t.Run(c.name, func(t *testing.T) { checkGradients(t, c) })
	}
}

func TestMaxPoolGradients(t *testing.T) {
	// distinct, well-separated values, so a step of 5e-3 never changes the maximum
	distinct := func(_ string, d []float32, rng *rand.Rand) {
		for i, p := range rng.Perm(len(d)) {
			d[i] = float32(p) * 0.1
		}
	}
	checkGradients(t, gradCase{name: "maxpool", inputs: map[string][]int{"x": {2, 2, 4, 4}}, wantOut: []int{2, 2, 2, 2}, fill: distinct,
		build: func(n *Net, in map[string]*G.Node) *G.Node { return n.MaxPool2D("pool", in["x"], 2) }})
}

func TestBatchNormGradients(t *testing.T) {
	for _, shape := range [][]int{{5, 3}, {3, 2, 3, 3}} {
		checkGradients(t, gradCase{name: "batchnorm", training: true, inputs: map[string][]int{"x": shape}, wantOut: shape,
			build: func(n *Net, in map[string]*G.Node) *G.Node { return n.BatchNorm("bn", in["x"]) }})
	}
}

// TestBatchNormEvalUsesRunningStats checks the evaluation graph against
// (x − mean)/√(var + ε) with the Store's running statistics.
func TestBatchNormEvalUsesRunningStats(t *testing.T) {
	st := NewStore(1)
	n := NewNet(st, false)
	x := n.Input("x", 2, 2)
	y := n.BatchNorm("bn", x)
	if err := n.Err(); err != nil {
		t.Fatal(err)
	}
	copy(st.Data("bn.running_mean"), []float32{1, -1})
	copy(st.Data("bn.running_var"), []float32{4, 0.25})
	copy(n.InputData("x"), []float32{3, 0, 1, -1})
	ex := engine.NewTape(n.G, nil)
	defer ex.Close()
	if err := ex.Run(); err != nil {
		t.Fatal(err)
	}
	want := []float32{1, 2, 0, 0}
	for i, v := range engine.Float32s(y) {
		if d := v - want[i]; d > 1e-3 || d < -1e-3 {
			t.Errorf("y[%d] = %g, want %g", i, v, want[i])
		}
	}
}

func TestActivationGradients(t *testing.T) {
	for _, kind := range Activations {
		t.Run(kind, func(t *testing.T) {
			checkGradients(t, gradCase{name: kind, inputs: map[string][]int{"x": {3, 4}}, wantOut: []int{3, 4},
				build: func(n *Net, in map[string]*G.Node) *G.Node { return n.Activate(kind, in["x"]) }})
		})
	}
}

func TestDropoutGradients(t *testing.T) {
	checkGradients(t, gradCase{name: "dropout", training: true, inputs: map[string][]int{"x": {3, 4}}, wantOut: []int{3, 4},
		build: func(n *Net, in map[string]*G.Node) *G.Node {
			y := n.Dropout("drop", in["x"], 0.5)
			mask := n.InputData("drop.mask")
			for i := range mask {
				mask[i] = float32(2 * (i % 2))
			}
			return y
		}})
}

func TestCrossEntropyGradients(t *testing.T) {
	onehot := func(name string, d []float32, rng *rand.Rand) {
		if name != "target" {
			for i := range d {
				d[i] = float32(rng.NormFloat64())
			}
			return
		}
		clear(d)
		for r := 0; r < len(d)/4; r++ {
			d[r*4+rng.Intn(4)] = 1
		}
	}
	checkGradients(t, gradCase{name: "crossentropy", inputs: map[string][]int{"logits": {3, 4}, "target": {3, 4}}, wantOut: []int{3}, fill: onehot,
		build: func(n *Net, in map[string]*G.Node) *G.Node { return n.CrossEntropy("ce", in["logits"], in["target"]) }})
}
