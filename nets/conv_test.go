package nets

import (
	"fmt"
	"math"
	"math/rand"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas/gonum"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"genxai/engine"
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

// blasImpls runs f once with gonum's BLAS and once with OpenBLAS when it
// loads, restoring Gorgonia's BLAS afterwards. The OpenBLAS run lowers no
// threshold: small products stay in gonum as in training.
func blasImpls(t *testing.T, f func(t *testing.T)) {
	prev := G.WhichBLAS()
	defer G.Use(prev)
	G.Use(gonum.Implementation{})
	t.Run("gonum", f)
	impl, err := blas.Load()
	if err != nil {
		t.Logf("OpenBLAS not tested: %v", err)
		return
	}
	G.Use(impl)
	t.Run("openblas", f)
}

func randomTensor(rng *rand.Rand, shape ...int) *tensor.Dense {
	size := 1
	for _, d := range shape {
		size *= d
	}
	data := make([]float32, size)
	for i := range data {
		data[i] = float32(rng.NormFloat64())
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

// closeTo reports the first element of got that differs from want by more
// than tol times the largest magnitude in want (at least 1).
func closeTo(got, want []float32, tol float64) error {
	if len(got) != len(want) {
		return fmt.Errorf("%d elements, want %d", len(got), len(want))
	}
	scale := 1.0
	for _, v := range want {
		scale = math.Max(scale, math.Abs(float64(v)))
	}
	for i := range got {
		if d := math.Abs(float64(got[i] - want[i])); d > tol*scale || math.IsNaN(d) {
			return fmt.Errorf("element %d is %v, want %v (tolerance %.3g)", i, got[i], want[i], tol*scale)
		}
	}
	return nil
}

// convBuilder adds a convolution of x and w to a graph.
type convBuilder func(x, w *G.Node, c convCase) (*G.Node, error)

func oursConv(x, w *G.Node, c convCase) (*G.Node, error) { return Conv2D(x, w, c.s, c.p) }

func gorgoniaConv(x, w *G.Node, c convCase) (*G.Node, error) {
	return G.Conv2d(x, w, tensor.Shape{c.k, c.k}, []int{c.p, c.p}, []int{c.s, c.s}, []int{1, 1})
}

// convRun builds L = Σ conv(x, w) ⊙ R with fixed random x, w and R, runs it
// once and returns the output and, when grads is set, ∂L/∂x and ∂L/∂w.
func convRun(t testing.TB, c convCase, build convBuilder, grads bool) (y, dx, dw []float32) {
	t.Helper()
	rng := rand.New(rand.NewSource(int64(c.n*1000 + c.c*100 + c.k*10 + c.s)))
	g := G.NewGraph()
	x := G.NewTensor(g, tensor.Float32, 4, G.WithShape(c.n, c.c, c.h, c.w), G.WithName("x"),
		G.WithValue(randomTensor(rng, c.n, c.c, c.h, c.w)))
	w := G.NewTensor(g, tensor.Float32, 4, G.WithShape(c.o, c.c, c.k, c.k), G.WithName("w"),
		G.WithValue(randomTensor(rng, c.o, c.c, c.k, c.k)))
	out, err := build(x, w, c)
	if err != nil {
		t.Fatalf("%v: %v", c, err)
	}
	var learn G.Nodes
	if grads {
		r := randomTensor(rng, out.Shape()...)
		loss := G.Must(G.Sum(G.Must(G.HadamardProd(out, G.NewConstant(r)))))
		if _, err := G.Grad(loss, x, w); err != nil {
			t.Fatalf("%v: gradients: %v", c, err)
		}
		learn = G.Nodes{x, w}
	}
	ex := engine.NewTape(g, learn, engine.Keep(out))
	defer ex.Close()
	if err := ex.Run(); err != nil {
		t.Fatalf("%v: run: %v", c, err)
	}
	y = append([]float32(nil), engine.Float32s(out)...)
	if !sameShape(out.Shape(), []int{c.n, c.o, (c.h+2*c.p-c.k)/c.s + 1, (c.w+2*c.p-c.k)/c.s + 1}) {
		t.Fatalf("%v: output shape %v", c, out.Shape())
	}
	if grads {
		gx, err := engine.Grad(x)
		if err != nil {
			t.Fatal(err)
		}
		gw, err := engine.Grad(w)
		if err != nil {
			t.Fatal(err)
		}
		dx, dw = append([]float32(nil), gx...), append([]float32(nil), gw...)
	}
	return y, dx, dw
}

// Conv2D computes what Gorgonia's Conv2d computes, up to float32 rounding
// (the products are summed in another order).
func TestConv2DMatchesGorgonia(t *testing.T) {
	blasImpls(t, func(t *testing.T) {
		for _, c := range convCases {
			ours, _, _ := convRun(t, c, oursConv, false)
			theirs, _, _ := convRun(t, c, gorgoniaConv, false)
			if err := closeTo(ours, theirs, 1e-5); err != nil {
				t.Errorf("%v: %v", c, err)
			}
		}
	})
}

// The gradients of Conv2D with respect to the input and the weights are
// those of Gorgonia's Conv2d.
func TestConv2DGradientsMatchGorgonia(t *testing.T) {
	blasImpls(t, func(t *testing.T) {
		for _, c := range convCases {
			_, dx, dw := convRun(t, c, oursConv, true)
			_, gdx, gdw := convRun(t, c, gorgoniaConv, true)
			if err := closeTo(dx, gdx, 1e-5); err != nil {
				t.Errorf("%v: ∂L/∂x: %v", c, err)
			}
			if err := closeTo(dw, gdw, 1e-5); err != nil {
				t.Errorf("%v: ∂L/∂w: %v", c, err)
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
				return n.Op(Conv2D(in["x"], in["w"], c.s, c.p))
			}})
	}
	checkGradients(t, gradCase{name: "two convolutions", inputs: map[string][]int{"x": {2, 2, 7, 7}}, wantOut: []int{2, 2, 3, 3},
		build: func(n *Net, in map[string]*G.Node) *G.Node {
			h := n.Activate("tanh", n.Conv2D("c1", in["x"], 3, 3, 1, 1))
			return n.Conv2D("c2", h, 2, 4, 2, 1)
		}})
}

// Bad shapes are refused when the graph is built, naming the shapes.
func TestConv2DShapeErrors(t *testing.T) {
	g := G.NewGraph()
	node := func(name string, shape ...int) *G.Node {
		return G.NewTensor(g, tensor.Float32, len(shape), G.WithShape(shape...), G.WithName(name))
	}
	for _, c := range []struct {
		name   string
		x, w   *G.Node
		s, p   int
		substr []string
	}{
		{"3-D input", node("x3", 2, 5, 5), node("w1", 4, 2, 3, 3), 1, 1, []string{"(2, 5, 5)", "NCHW"}},
		{"3-D weights", node("x1", 2, 2, 5, 5), node("w3", 4, 3, 3), 1, 1, []string{"(4, 3, 3)", "(2, 2, 5, 5)"}},
		{"channels", node("x2", 2, 3, 5, 5), node("w2", 4, 2, 3, 3), 1, 1, []string{"(2, 3, 5, 5)", "(4, 2, 3, 3)", "3 channels"}},
		{"kernel too large", node("x4", 1, 2, 4, 4), node("w4", 3, 2, 7, 7), 1, 1, []string{"(1, 2, 4, 4)", "(3, 2, 7, 7)", "6×6"}},
		{"stride", node("x5", 1, 2, 4, 4), node("w5", 3, 2, 3, 3), 0, 1, []string{"stride"}},
		{"padding", node("x6", 1, 2, 4, 4), node("w6", 3, 2, 3, 3), 1, -1, []string{"padding"}},
	} {
		_, err := Conv2D(c.x, c.w, c.s, c.p)
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
		for _, impl := range []struct {
			name  string
			build convBuilder
		}{{"ours", oursConv}, {"gorgonia", gorgoniaConv}} {
			b.Run(bc.name+"/"+impl.name, func(b *testing.B) {
				c, build := bc.c, impl.build
				rng := rand.New(rand.NewSource(1))
				vals := []*tensor.Dense{randomTensor(rng, c.n, c.c, c.h, c.w), randomTensor(rng, c.o, c.c, c.k, c.k)}
				benchOp(b, vals, func(in G.Nodes) (*G.Node, error) { return build(in[0], in[1], c) }, grads)
			})
		}
	}
}

// BenchmarkConv2DForward compares Conv2D with Gorgonia's Conv2d on the
// shapes of the DCGAN and the CNN classifier.
func BenchmarkConv2DForward(b *testing.B) { benchConv(b, false) }

// BenchmarkConv2DBackward times forward and backward together (the
// gradients for the input and the weights from a given output gradient);
// the backward pass alone is the difference from BenchmarkConv2DForward.
func BenchmarkConv2DBackward(b *testing.B) { benchConv(b, true) }
