package nets

import (
	"math"
	"math/rand"
	"testing"

	"genxai/engine"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// gradCase is a graph under test: build adds layers to n and returns their
// output; the check reduces it to a scalar with fixed random weights.
type gradCase struct {
	name     string
	training bool
	inputs   map[string][]int // input name → shape, filled with N(0,1) values
	build    func(n *Net, in map[string]*G.Node) *G.Node
	wantOut  []int                                             // expected output shape
	fill     func(name string, data []float32, rng *rand.Rand) // optional custom input filler
	tol      float64
}

// checkGradients compares the symbolic gradient of L = Σ y⊙R (R fixed and
// random) with respect to every learnable parameter and every input against
// central finite differences, on up to 12 elements of each tensor. Values
// are float32, so the step is 5e-3 and the tolerance is relative to the
// gradient's scale.
func checkGradients(t *testing.T, c gradCase) {
	t.Helper()
	rng := rand.New(rand.NewSource(3))
	n := NewNet(NewStore(11), c.training)
	in := map[string]*G.Node{}
	var inNodes G.Nodes
	for name, shape := range c.inputs {
		node := n.Input(name, shape...)
		in[name] = node
		inNodes = append(inNodes, node)
		data := n.InputData(name)
		if c.fill != nil {
			c.fill(name, data, rng)
		} else {
			for i := range data {
				data[i] = float32(rng.NormFloat64())
			}
		}
	}
	y := c.build(n, in)
	if err := n.Err(); err != nil {
		t.Fatalf("%s: building: %v", c.name, err)
	}
	if c.wantOut != nil && !sameShape(y.Shape(), c.wantOut) {
		t.Fatalf("%s: output shape %v, want %v", c.name, y.Shape(), c.wantOut)
	}
	size := y.Shape().TotalSize()
	r := make([]float32, size)
	for i := range r {
		r[i] = float32(rng.NormFloat64())
	}
	rt := tensor.New(tensor.WithShape(y.Shape().Clone()...), tensor.WithBacking(r))
	loss := n.Op(G.Sum(n.Op(G.HadamardProd(y, G.NewConstant(rt)))))
	if err := n.Err(); err != nil {
		t.Fatalf("%s: loss: %v", c.name, err)
	}
	wrt := append(append(G.Nodes{}, n.Params()...), inNodes...)
	if _, err := G.Grad(loss, wrt...); err != nil {
		t.Fatalf("%s: gradients: %v", c.name, err)
	}
	vm := engine.NewTape(n.G, wrt)
	defer vm.Close()
	run := func() float64 {
		if err := vm.Run(); err != nil {
			t.Fatalf("%s: run: %v", c.name, err)
		}
		return float64(loss.Value().Data().(float32))
	}
	run()
	grads := make([][]float32, len(wrt))
	for k, node := range wrt {
		g, err := engine.Grad(node)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		grads[k] = append([]float32(nil), g...)
	}
	tol := c.tol
	if tol == 0 {
		tol = 0.03
	}
	for k, node := range wrt {
		grad := grads[k]
		data := node.Value().Data().([]float32)
		var scale float64
		for _, g := range grad {
			scale = math.Max(scale, math.Abs(float64(g)))
		}
		idx := rng.Perm(len(data))
		if len(idx) > 12 {
			idx = idx[:12]
		}
		for _, i := range idx {
			fd := centralDiff(data, i, 5e-3, run)
			if diff := math.Abs(fd - float64(grad[i])); diff > tol*math.Max(1, scale) {
				t.Errorf("%s: ∂L/∂%s[%d]: symbolic %.5g, finite difference %.5g", c.name, node.Name(), i, grad[i], fd)
			}
		}
		if scale == 0 {
			t.Errorf("%s: the gradient of %s is all zero: the check would prove nothing", c.name, node.Name())
		}
	}
}

// centralDiff is (f(x+h) − f(x−h))/(2h) for x = data[i], with f evaluated by
// run; data[i] is restored afterwards.
func centralDiff(data []float32, i int, h float32, run func() float64) float64 {
	orig := data[i]
	data[i] = orig + h
	up := run()
	data[i] = orig - h
	down := run()
	data[i] = orig
	return (up - down) / float64(2*h)
}
