package nets

import (
	"fmt"
	"math/rand"
	"testing"

	"gonum.org/v1/gonum/blas/gonum"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"genxai/engine/blas"
)

// convCase is one convolution: input (n, c, h, w), o output channels, a k×k
// kernel, stride s and padding p.
type convCase struct{ n, c, h, w, o, k, s, p int }

func (c convCase) String() string {
	return fmt.Sprintf("x%dx%dx%dx%d_o%d_k%d_s%d_p%d", c.n, c.c, c.h, c.w, c.o, c.k, c.s, c.p)
}

// convCases covers odd and even sizes, one and several channels, kernels of
// 1, 3, 4 and 5, strides 1 and 2, padding 0, 1 and 2, batches of 1 and 3.
var convCases = []convCase{
	{1, 1, 5, 5, 1, 3, 1, 0},
	{1, 1, 7, 6, 2, 3, 1, 1},
	{3, 2, 6, 6, 3, 4, 2, 1},
	{3, 3, 7, 7, 4, 4, 2, 1},
	{3, 2, 9, 8, 3, 5, 2, 2},
	{1, 3, 5, 7, 2, 5, 1, 2},
	{3, 4, 5, 5, 2, 1, 1, 0},
	{3, 4, 5, 5, 2, 1, 2, 0},
	{1, 2, 4, 5, 3, 1, 1, 1},
	{3, 2, 11, 9, 2, 3, 2, 0},
	{1, 3, 6, 6, 2, 4, 1, 0},
	{3, 2, 3, 3, 2, 5, 1, 1},
	{1, 1, 1, 1, 2, 3, 1, 1},
	{3, 5, 8, 7, 3, 3, 1, 2},
	{1, 2, 10, 10, 3, 3, 2, 1},
}

// convVals are fixed random x and w for a case.
func convVals(c convCase) []*tensor.Dense {
	rng := rand.New(rand.NewSource(int64(c.n*1000 + c.c*100 + c.k*10 + c.s)))
	return []*tensor.Dense{randomTensor(rng, c.n, c.c, c.h, c.w), randomTensor(rng, c.o, c.c, c.k, c.k)}
}

// convImpls are Conv2D with impl and Gorgonia's Conv2d, for case c.
func convImpls(impl BLAS, c convCase) []namedOp {
	return []namedOp{
		{"ours", func(in G.Nodes) (*G.Node, error) { return Conv2D(impl, in[0], in[1], c.s, c.p) }},
		{"gorgonia", func(in G.Nodes) (*G.Node, error) {
			return G.Conv2d(in[0], in[1], tensor.Shape{c.k, c.k}, []int{c.p, c.p}, []int{c.s, c.s}, []int{1, 1})
		}},
	}
}

// Conv2D and its gradients with respect to the input and the weights compute
// what Gorgonia's Conv2d computes, up to float32 rounding (the products are
// summed in another order), with either BLAS.
func TestConv2DMatchesGorgonia(t *testing.T) {
	blasImpls(t, func(t *testing.T, impl BLAS) {
		for _, c := range convCases {
			impls := convImpls(impl, c)
			shape := matchOps(t, c.String(), convVals(c), impls[0].build, impls[1].build, 1e-5, 1e-5)
			if want := (tensor.Shape{c.n, c.o, (c.h+2*c.p-c.k)/c.s + 1, (c.w+2*c.p-c.k)/c.s + 1}); !shape.Eq(want) {
				t.Errorf("%v: output shape %v, want %v", c, shape, want)
			}
		}
	})
}

// The gradients of Conv2D pass the finite-difference check, on their own and
// inside a network (a second convolution reads the first one's output).
func TestConv2DFiniteDifferences(t *testing.T) {
	for _, c := range []convCase{{2, 3, 7, 6, 2, 3, 1, 1}, {2, 2, 6, 7, 3, 4, 2, 1}, {1, 2, 9, 9, 2, 5, 2, 2}, {2, 3, 4, 4, 2, 1, 1, 0}, {2, 2, 5, 5, 2, 3, 2, 0}} {
		checkGradients(t, gradCase{name: c.String(),
			inputs:  map[string][]int{"x": {c.n, c.c, c.h, c.w}, "w": {c.o, c.c, c.k, c.k}},
			wantOut: []int{c.n, c.o, (c.h+2*c.p-c.k)/c.s + 1, (c.w+2*c.p-c.k)/c.s + 1},
			build: func(n *Net, in map[string]*G.Node) *G.Node {
				return n.Op(Conv2D(n.BLAS, in["x"], in["w"], c.s, c.p))
			}})
	}
	checkGradients(t, gradCase{name: "two convolutions", inputs: map[string][]int{"x": {2, 2, 7, 7}}, wantOut: []int{2, 2, 3, 3},
		build: func(n *Net, in map[string]*G.Node) *G.Node {
			h := n.Activate("tanh", n.Conv2D("c1", in["x"], 3, 3, 1, 1))
			return n.Conv2D("c2", h, 2, 4, 2, 1)
		}})
}

// Bad shapes and settings are refused when the graph is built, naming the
// shapes; so is a missing BLAS.
func TestConv2DShapeErrors(t *testing.T) {
	node := placeholders()
	impl := gonum.Implementation{}
	checkErrors(t, []errCase{
		{"3-D input", nodeErr(Conv2D(impl, node(2, 5, 5), node(4, 2, 3, 3), 1, 1)), []string{"(2, 5, 5)", "NCHW"}},
		{"3-D weights", nodeErr(Conv2D(impl, node(2, 2, 5, 5), node(4, 3, 3), 1, 1)), []string{"(4, 3, 3)", "(2, 2, 5, 5)"}},
		{"channels", nodeErr(Conv2D(impl, node(2, 3, 5, 5), node(4, 2, 3, 3), 1, 1)), []string{"(2, 3, 5, 5)", "(4, 2, 3, 3)", "3 channels"}},
		{"kernel too large", nodeErr(Conv2D(impl, node(1, 2, 4, 4), node(3, 2, 7, 7), 1, 1)), []string{"(1, 2, 4, 4)", "(3, 2, 7, 7)", "6×6"}},
		{"stride", nodeErr(Conv2D(impl, node(1, 2, 4, 4), node(3, 2, 3, 3), 0, 1)), []string{"stride"}},
		{"padding", nodeErr(Conv2D(impl, node(1, 2, 4, 4), node(3, 2, 3, 3), 1, -1)), []string{"padding"}},
		{"no BLAS", nodeErr(Conv2D(nil, node(1, 2, 4, 4), node(3, 2, 3, 3), 1, 1)), []string{"BLAS"}},
		{"input gradient of another output", shapeErr(newOp(convParams{2, 1}.inputGradSpec(impl, 7, 6)).InferShape(tensor.Shape{4, 3, 3, 3}, tensor.Shape{2, 4, 4, 4})),
			[]string{"(2, 4, 4, 4)", "(4, 3, 3, 3)", "(2, 3, 7, 6)", "want (2, 4, 4, 3)"}},
		{"weight gradient of another output", shapeErr(newOp(convParams{2, 1}.weightGradSpec(impl, 3, 3)).InferShape(tensor.Shape{2, 3, 7, 6}, tensor.Shape{3, 4, 4, 3})),
			[]string{"(3, 4, 4, 3)", "(2, 3, 7, 6)", "want (2, 4, 4, 3)"}},
	})
}

// benchConvCases are the convolutions of configs/cgan-fashion.yaml (the
// discriminator on 64 real and 64 generated images; the generator's
// upsample+conv blocks, timed at the same batch of 128) and of
// configs/cnn-fashion.yaml (batch 64).
var benchConvCases = []struct {
	name string
	c    convCase
}{
	{"dcgan_d1", convCase{128, 11, 28, 28, 32, 4, 2, 1}},
	{"dcgan_d2", convCase{128, 32, 14, 14, 64, 4, 2, 1}},
	{"dcgan_g1", convCase{128, 64, 14, 14, 32, 3, 1, 1}},
	{"dcgan_g2", convCase{128, 32, 28, 28, 1, 3, 1, 1}},
	{"cnn_c1", convCase{64, 1, 28, 28, 32, 3, 1, 1}},
	{"cnn_c2", convCase{64, 32, 14, 14, 64, 3, 1, 1}},
}

// benchConv times one run of a graph holding y = conv(x, w) and, with
// grads, the gradients with respect to x and w (both, as for a layer inside
// a network) for a given random ∂L/∂y, so that no loss is timed.
func benchConv(b *testing.B, grads bool) {
	b.Logf("BLAS: %s", blas.Use())
	for _, bc := range benchConvCases {
		benchImpls(b, bc.name, convVals(bc.c), convImpls(blas.Current(), bc.c), grads)
	}
}

// BenchmarkConv2DForward compares Conv2D with Gorgonia's Conv2d on the
// shapes of the DCGAN and the CNN classifier.
func BenchmarkConv2DForward(b *testing.B) { benchConv(b, false) }

// BenchmarkConv2DBackward times forward and backward together (the
// gradients for the input and the weights from a given output gradient);
// the backward pass alone is the difference from BenchmarkConv2DForward.
func BenchmarkConv2DBackward(b *testing.B) { benchConv(b, true) }
