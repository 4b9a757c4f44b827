package nets

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// poolCase is one pooling: input (n, c, h, w), window and stride k.
type poolCase struct{ n, c, h, w, k int }

func (c poolCase) String() string { return fmt.Sprintf("x%dx%dx%dx%d_k%d", c.n, c.c, c.h, c.w, c.k) }

// poolCases covers windows of 1 to 4, sizes that are and are not multiples
// of the window (Gorgonia drops the rows and columns past the last whole
// window), inputs exactly one window large, batches and channels of 1 and
// more.
var poolCases = []poolCase{
	{1, 1, 2, 2, 2}, {1, 1, 4, 4, 2}, {2, 3, 6, 8, 2}, {2, 3, 7, 7, 2}, {3, 2, 5, 8, 2}, {1, 2, 9, 4, 2},
	{2, 2, 6, 6, 3}, {2, 2, 7, 8, 3}, {1, 3, 3, 3, 3}, {2, 1, 9, 10, 4}, {1, 2, 5, 4, 4},
	{2, 2, 3, 5, 1}, {2, 4, 28, 28, 2}, {2, 3, 14, 14, 2},
}

// poolImpls are MaxPool2D and Gorgonia's MaxPool2D with a k×k window.
func poolImpls(k int) []namedOp {
	return []namedOp{
		{"ours", func(in G.Nodes) (*G.Node, error) { return MaxPool2D(in[0], k) }},
		{"gorgonia", func(in G.Nodes) (*G.Node, error) {
			return G.MaxPool2D(in[0], tensor.Shape{k, k}, []int{0, 0}, []int{k, k})
		}},
	}
}

// poolFills are the inputs compared with Gorgonia: distinct values, and
// values with many ties (small integers, ReLU-like zeros, signed zeros), so
// the gradient must go to the same element of each window.
var poolFills = []struct {
	name string
	f    func(rng *rand.Rand) float32
}{
	{"normal", func(rng *rand.Rand) float32 { return float32(rng.NormFloat64()) }},
	{"ties", func(rng *rand.Rand) float32 { return float32(rng.Intn(3)) }},
	{"relu", func(rng *rand.Rand) float32 { return float32(max(0, rng.NormFloat64()-1)) }},
	{"signed zeros", func(rng *rand.Rand) float32 {
		if rng.Intn(2) == 0 {
			return float32(math.Copysign(0, -1))
		}
		return 0
	}},
	{"negative ties", func(rng *rand.Rand) float32 { return -float32(rng.Intn(2)) - 1 }},
}

// MaxPool2D computes Gorgonia's shape and values, and its gradient is
// Gorgonia's bit for bit, ties included.
func TestMaxPool2DMatchesGorgonia(t *testing.T) {
	for _, c := range poolCases {
		for _, fill := range poolFills {
			rng := rand.New(rand.NewSource(int64(c.n*1000 + c.h*10 + c.k)))
			x := tensor.New(tensor.WithShape(c.n, c.c, c.h, c.w), tensor.WithBacking(make([]float32, c.n*c.c*c.h*c.w)))
			for i, data := 0, x.Data().([]float32); i < len(data); i++ {
				data[i] = fill.f(rng)
			}
			impls := poolImpls(c.k)
			shape := matchOps(t, fmt.Sprintf("%v %s", c, fill.name), []*tensor.Dense{x}, impls[0].build, impls[1].build, 0, 0)
			if !shape.Eq(tensor.Shape{c.n, c.c, c.h / c.k, c.w / c.k}) {
				t.Errorf("%v %s: shape %v", c, fill.name, shape)
			}
		}
	}
}

// Ties go to the first element of the window in row-major order.
func TestMaxPool2DTies(t *testing.T) {
	x := tensor.New(tensor.WithShape(1, 1, 3, 6), tensor.WithBacking([]float32{
		1, 5, 2, 2, 7, 0,
		5, 5, 5, 5, 7, 7,
		9, 9, 9, 9, 9, 9, // dropped: past the last whole 2×2 window
	}))
	y, _, grads := opRun(t, []*tensor.Dense{x}, poolImpls(2)[0].build)
	if err := closeTo(y, []float32{5, 5, 7}, 0); err != nil {
		t.Errorf("output: %v", err)
	}
	// R in opRun is random; the gradient must be non-zero exactly at the
	// first maximum of each window.
	for i, g := range grads[0] {
		first := i == 1 || i == 8 || i == 4
		if (g != 0) != first {
			t.Errorf("gradient %v: element %d should be the only one of its window: %v", grads[0], i, first)
		}
	}
}

// The gradient passes the finite-difference check, alone and between a
// convolution and a dense layer as in the CNN classifier. The inputs are
// distinct and at least 0.01 apart, so no step of 5e-3 changes a window's
// maximum.
func TestMaxPool2DFiniteDifferences(t *testing.T) {
	spread := func(_ string, data []float32, rng *rand.Rand) {
		for i, p := range rng.Perm(len(data)) {
			data[i] = float32(p)*0.01 - float32(len(data))*0.005
		}
	}
	for _, c := range []poolCase{{2, 3, 6, 6, 2}, {2, 2, 7, 5, 2}, {1, 2, 7, 8, 3}, {2, 1, 3, 3, 1}} {
		checkGradients(t, gradCase{name: c.String(),
			inputs:  map[string][]int{"x": {c.n, c.c, c.h, c.w}},
			wantOut: []int{c.n, c.c, c.h / c.k, c.w / c.k},
			fill:    spread,
			build: func(n *Net, in map[string]*G.Node) *G.Node {
				return n.MaxPool2D("pool", in["x"], c.k)
			}})
	}
	checkGradients(t, gradCase{name: "conv pool conv", inputs: map[string][]int{"x": {2, 2, 8, 8}}, wantOut: []int{2, 3, 4, 4},
		build: func(n *Net, in map[string]*G.Node) *G.Node {
			h := n.MaxPool2D("pool", n.Activate("tanh", n.Conv2D("c1", in["x"], 3, 3, 1, 1)), 2)
			return n.Conv2D("c2", h, 3, 3, 1, 1)
		}})
}

// Bad shapes and windows are refused when the graph is built, naming them;
// the gradient op checks y and dy against x.
func TestMaxPool2DShapeErrors(t *testing.T) {
	node := placeholders()
	checkErrors(t, []errCase{
		{"3-D input", nodeErr(MaxPool2D(node(2, 5, 5), 2)), []string{"(2, 5, 5)", "NCHW"}},
		{"window 0", nodeErr(MaxPool2D(node(2, 3, 5, 5), 0)), []string{"window", "0"}},
		{"too small", nodeErr(MaxPool2D(node(2, 3, 5, 2), 3)), []string{"(2, 3, 5, 2)", "3×3"}},
		{"gradient with a mismatched dy", shapeErr(newOp(maxPoolGradSpec(2)).InferShape(tensor.Shape{2, 3, 6, 6}, tensor.Shape{2, 3, 3, 3}, tensor.Shape{2, 3, 3, 2})),
			[]string{"(2, 3, 3, 2)", "(2, 3, 6, 6)"}},
	})
}

// BenchmarkMaxPool2D compares MaxPool2D with Gorgonia's on the pooling
// layers of configs/cnn-fashion.yaml (batch 64), forward alone and forward
// with the gradient.
func BenchmarkMaxPool2D(b *testing.B) {
	for _, s := range [][4]int{{64, 32, 28, 28}, {64, 64, 14, 14}} {
		rng := rand.New(rand.NewSource(1))
		benchPasses(b, fmt.Sprintf("%dx%dx%d", s[1], s[2], s[3]), []*tensor.Dense{randomTensor(rng, s[:]...)}, poolImpls(2))
	}
}
