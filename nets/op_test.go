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

// This file is the shared harness of the own-op tests (conv_test.go,
// bias_test.go, pool_test.go, upsample_test.go) and the tests of the
// adapter in op.go.

// opBuilder adds an op to a graph from its input nodes.
type opBuilder func(in G.Nodes) (*G.Node, error)

// namedOp is an implementation of an op under test: ours or Gorgonia's.
type namedOp struct {
	name  string
	build opBuilder
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

// inputNodes adds one input node per value to g, each holding a copy.
func inputNodes(g *G.ExprGraph, vals []*tensor.Dense) G.Nodes {
	var in G.Nodes
	for i, v := range vals {
		in = append(in, G.NewTensor(g, tensor.Float32, v.Dims(), G.WithShape(v.Shape()...),
			G.WithName(fmt.Sprintf("in%d", i)), G.WithValue(v.Clone().(*tensor.Dense))))
	}
	return in
}

// opRun builds L = Σ build(inputs) ⊙ R on the given input values (R fixed
// and random), runs it once and returns the output, its shape and ∂L/∂ each
// input.
func opRun(t testing.TB, vals []*tensor.Dense, build opBuilder) (y []float32, shape tensor.Shape, grads [][]float32) {
	t.Helper()
	g := G.NewGraph()
	in := inputNodes(g, vals)
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

// matchOps runs ours and theirs (Gorgonia's op) on the same values and
// checks that they agree: the shape exactly, the output within tolY and the
// gradient of every input within tolGrad (relative, see closeTo; 0 is bit
// for bit). It returns the output shape.
func matchOps(t *testing.T, name string, vals []*tensor.Dense, ours, theirs opBuilder, tolY, tolGrad float64) tensor.Shape {
	t.Helper()
	y, shape, grads := opRun(t, vals, ours)
	wy, wshape, wgrads := opRun(t, vals, theirs)
	if !shape.Eq(wshape) {
		t.Fatalf("%s: shape %v, Gorgonia's %v", name, shape, wshape)
	}
	if err := closeTo(y, wy, tolY); err != nil {
		t.Errorf("%s: output: %v", name, err)
	}
	for i := range grads {
		if err := closeTo(grads[i], wgrads[i], tolGrad); err != nil {
			t.Errorf("%s: ∂L/∂input %d: %v", name, i, err)
		}
	}
	return shape
}

// blasImpls runs f once with gonum's BLAS and once with OpenBLAS when it
// loads. Gorgonia's own ops use the same BLAS meanwhile (G.Use), and
// Gorgonia's BLAS is restored afterwards. The OpenBLAS run lowers no
// threshold: small products stay in gonum as in training.
func blasImpls(t *testing.T, f func(t *testing.T, impl BLAS)) {
	prev := G.WhichBLAS()
	defer G.Use(prev)
	G.Use(gonum.Implementation{})
	t.Run("gonum", func(t *testing.T) { f(t, gonum.Implementation{}) })
	impl, err := blas.Load()
	if err != nil {
		t.Logf("OpenBLAS not tested: %v", err)
		return
	}
	G.Use(impl)
	t.Run("openblas", func(t *testing.T) { f(t, impl) })
}

// errCase is a call that must fail with an error mentioning every word.
type errCase struct {
	name  string
	err   error
	words []string
}

// nodeErr keeps the error of a call returning a node.
func nodeErr(_ *G.Node, err error) error { return err }

// shapeErr keeps the error of a call returning a shape.
func shapeErr(_ tensor.Shape, err error) error { return err }

// valueErr keeps the error of a call returning a value.
func valueErr(_ G.Value, err error) error { return err }

// checkErrors checks that every case failed with an error naming its words.
func checkErrors(t *testing.T, cases []errCase) {
	t.Helper()
	for _, c := range cases {
		if c.err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.words {
			if !strings.Contains(c.err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", c.name, c.err, w)
			}
		}
	}
}

// placeholders returns a function that adds an input node of the given
// shape, and no value, to a new graph.
func placeholders() func(shape ...int) *G.Node {
	g := G.NewGraph()
	return func(shape ...int) *G.Node {
		return G.NewTensor(g, tensor.Float32, len(shape), G.WithShape(shape...), G.WithName(fmt.Sprintf("x%d", len(g.AllNodes()))))
	}
}

// benchOp times one run of a graph holding y = build(x) and, with grads,
// the gradients with respect to every input for a given random ∂L/∂y, so
// that no loss is timed.
func benchOp(b *testing.B, vals []*tensor.Dense, build opBuilder, grads bool) {
	rng := rand.New(rand.NewSource(1))
	g := G.NewGraph()
	in := inputNodes(g, vals)
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

// benchImpls runs benchOp as one sub-benchmark label/name per
// implementation.
func benchImpls(b *testing.B, label string, vals []*tensor.Dense, impls []namedOp, grads bool) {
	for _, impl := range impls {
		b.Run(label+"/"+impl.name, func(b *testing.B) { benchOp(b, vals, impl.build, grads) })
	}
}

// benchPasses runs benchImpls for the forward pass alone (label/forward/…)
// and with the gradients (label/backward/…).
func benchPasses(b *testing.B, label string, vals []*tensor.Dense, impls []namedOp) {
	benchImpls(b, label+"/forward", vals, impls, false)
	benchImpls(b, label+"/backward", vals, impls, true)
}

// scaleSpec is a toy own op for the adapter's tests: x (4-D) → k·x.
func scaleSpec(k int) opSpec {
	return opSpec{
		name: "Scale", params: []opParam{{"k", k}, {"unused", 7}}, arity: 1,
		plan: func(in []tensor.Shape) (tensor.Shape, kernel, error) {
			if len(in[0]) != 4 {
				return nil, nil, fmt.Errorf("scale: input must be 4-D, got %v", in[0])
			}
			return in[0].Clone(), func(in [][]float32, out []float32) {
				for i, v := range in[0] {
					out[i] = float32(k) * v
				}
			}, nil
		},
	}
}

// notAShape is a DimSizer that is not a tensor.Shape.
type notAShape struct{}

func (notAShape) DimSize(int) (int, error) { return 1, nil }

// The adapter reports wrong operands as errors naming the op, the operand
// and what is wrong, from InferShape and from Do alike.
func TestOwnOpErrors(t *testing.T) {
	op := newOp(scaleSpec(3))
	good := tensor.New(tensor.WithShape(1, 1, 2, 2), tensor.WithBacking([]float32{1, 2, 3, 4}))
	ints := tensor.New(tensor.WithShape(1, 1, 1, 2), tensor.WithBacking([]int{1, 2}))
	view, err := good.Slice(nil, nil, nil, G.S(1))
	if err != nil {
		t.Fatal(err)
	}
	checkErrors(t, []errCase{
		{"two shapes for one operand", shapeErr(op.InferShape(tensor.Shape{1, 1, 2, 2}, tensor.Shape{1})), []string{"Scale(k=3,unused=7)", "expected 1", "got 2"}},
		{"not a shape", shapeErr(op.InferShape(notAShape{})), []string{"Scale", "operand 0", "notAShape"}},
		{"plan refuses", shapeErr(op.InferShape(tensor.Shape{2, 3})), []string{"4-D", "(2, 3)"}},
		{"Do: two operands", valueErr(op.Do(good, good)), []string{"Scale", "expected 1", "got 2"}},
		{"Do: not a tensor", valueErr(op.Do(G.NewF32(1))), []string{"operand 0", "not a tensor"}},
		{"Do: int tensor", valueErr(op.Do(ints)), []string{"operand 0", "float32", "int"}},
		{"Do: strided view", valueErr(op.Do(view)), []string{"operand 0", "not contiguous"}},
		{"Do: plan refuses", valueErr(op.Do(tensor.New(tensor.WithShape(4), tensor.WithBacking([]float32{1, 2, 3, 4})))), []string{"4-D", "(4)"}},
	})
	if _, isSD := op.(G.SDOp); isSD {
		t.Errorf("an op without grad claims to be differentiable")
	}
	if _, isSD := newOp(upsampleSpec(2)).(G.SDOp); !isSD {
		t.Errorf("an op with grad is not a G.SDOp")
	}
}

// String and the hash tell ops apart by name and every parameter, so
// Gorgonia merges two applications into one node only when they are the
// same op on the same inputs.
func TestOwnOpHashAndString(t *testing.T) {
	ops := []G.Op{newOp(scaleSpec(2)), newOp(scaleSpec(3)), newOp(upsampleSpec(2)), newOp(upsampleGradSpec(2)),
		newOp(maxPoolSpec(2)), newOp(convParams{1, 1}.forwardSpec(nil)), newOp(convParams{1, 2}.forwardSpec(nil)),
		newOp(convParams{2, 1}.forwardSpec(nil)), newOp(channelBiasSpec)}
	seen := map[uint32]string{}
	names := map[string]bool{}
	for _, op := range ops {
		s := fmt.Sprint(op)
		if names[s] {
			t.Errorf("two ops print as %s", s)
		}
		names[s] = true
		if prev, ok := seen[op.Hashcode()]; ok {
			t.Errorf("%s and %s hash alike", prev, s)
		}
		seen[op.Hashcode()] = s
	}
	if got := fmt.Sprint(newOp(convParams{2, 1}.forwardSpec(nil))); got != "Conv2D(stride=2,pad=1)" {
		t.Errorf("conv prints as %q", got)
	}
	if a, b := newOp(scaleSpec(2)).Hashcode(), newOp(scaleSpec(2)).Hashcode(); a != b {
		t.Errorf("one op hashes to %d and %d", a, b)
	}
	node := placeholders()
	x := node(1, 2, 4, 4)
	u2, u2again, u3 := G.Must(Upsample(x, 2)), G.Must(Upsample(x, 2)), G.Must(Upsample(x, 3))
	if u2 != u2again || u2 == u3 {
		t.Errorf("Upsample×2 twice gives nodes %p and %p, ×3 %p: want the first two merged, the third apart", u2, u2again, u3)
	}
}

// ownOpCases are every own op's spec with operands of fitting shapes.
func ownOpCases() []struct {
	spec   opSpec
	shapes [][]int
} {
	conv := convParams{2, 1}
	return []struct {
		spec   opSpec
		shapes [][]int
	}{
		{conv.forwardSpec(gonum.Implementation{}), [][]int{{2, 3, 7, 6}, {4, 3, 3, 3}}},
		{conv.inputGradSpec(gonum.Implementation{}, 7, 6), [][]int{{4, 3, 3, 3}, {2, 4, 4, 3}}},
		{conv.weightGradSpec(gonum.Implementation{}, 3, 3), [][]int{{2, 3, 7, 6}, {2, 4, 4, 3}}},
		{convParams{1, 0}.forwardSpec(gonum.Implementation{}), [][]int{{2, 3, 4, 4}, {2, 3, 1, 1}}},
		{convParams{1, 0}.inputGradSpec(gonum.Implementation{}, 4, 4), [][]int{{2, 3, 1, 1}, {2, 2, 4, 4}}},
		{channelBiasSpec, [][]int{{2, 3, 4, 5}, {1, 3, 1, 1}}},
		{channelBiasGradSpec, [][]int{{2, 3, 4, 5}}},
		{maxPoolSpec(2), [][]int{{2, 3, 6, 7}}},
		{maxPoolGradSpec(2), [][]int{{2, 3, 6, 7}, {2, 3, 3, 3}, {2, 3, 3, 3}}},
		{maxPoolSpec(3), [][]int{{1, 2, 6, 7}}},
		{maxPoolGradSpec(3), [][]int{{1, 2, 6, 7}, {1, 2, 2, 2}, {1, 2, 2, 2}}},
		{upsampleSpec(2), [][]int{{2, 3, 2, 3}}},
		{upsampleGradSpec(2), [][]int{{2, 3, 4, 6}}},
	}
}

// UsePreallocDo writes every element of the buffer it is given (filled
// with NaN here) and gives what Do gives, bit for bit; a buffer of another
// shape or one that shares memory with an operand is left alone. Do returns
// a new tensor on every call.
func TestOwnOpWritesIntoGivenBuffer(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	for _, c := range ownOpCases() {
		op := newOp(c.spec).(G.UsePreallocDoer)
		var vals []G.Value
		for _, s := range c.shapes {
			vals = append(vals, randomTensor(rng, s...))
		}
		if c.spec.name == "MaxPool2DGrad" { // y must be the pooled x
			y, err := newOp(maxPoolSpec(c.spec.params[0].value)).Do(vals[0])
			if err != nil {
				t.Fatal(err)
			}
			vals[1] = y
		}
		want, err := newOp(c.spec).Do(vals...)
		if err != nil {
			t.Fatalf("%v: %v", op, err)
		}
		again, _ := newOp(c.spec).Do(vals...)
		if &again.Data().([]float32)[0] == &want.Data().([]float32)[0] {
			t.Errorf("%v: Do returned one buffer twice", op)
		}
		shape := want.Shape()
		buf := make([]float32, shape.TotalSize())
		for i := range buf {
			buf[i] = float32(math.NaN())
		}
		prealloc := tensor.New(tensor.WithShape(shape.Clone()...), tensor.WithBacking(buf))
		got, err := op.UsePreallocDo(prealloc, vals...)
		if err != nil {
			t.Fatalf("%v: %v", op, err)
		}
		if got != G.Value(prealloc) {
			t.Errorf("%v: the result is not the given buffer", op)
		}
		for i, v := range want.Data().([]float32) {
			if math.Float32bits(buf[i]) != math.Float32bits(v) {
				t.Errorf("%v: element %d of the given buffer is %v, Do gives %v", op, i, buf[i], v)
				break
			}
		}
		wrong := tensor.New(tensor.WithShape(shape.TotalSize()), tensor.WithBacking(make([]float32, shape.TotalSize())))
		if got, _ := op.UsePreallocDo(wrong, vals...); got == G.Value(wrong) || !got.Shape().Eq(shape) {
			t.Errorf("%v: wrote into a buffer of shape %v for a result of shape %v", op, wrong.Shape(), shape)
		}
	}
	// An operand as the buffer: the kernel would overwrite what it reads.
	op := newOp(scaleSpec(2)).(G.UsePreallocDoer)
	x := tensor.New(tensor.WithShape(1, 1, 1, 3), tensor.WithBacking([]float32{1, 2, 3}))
	got, err := op.UsePreallocDo(x, x)
	if err != nil {
		t.Fatal(err)
	}
	if got == G.Value(x) || closeTo(x.Data().([]float32), []float32{1, 2, 3}, 0) != nil || closeTo(got.Data().([]float32), []float32{2, 4, 6}, 0) != nil {
		t.Errorf("UsePreallocDo with the operand as buffer: got %v, operand now %v", got, x)
	}
}
