package engine

import (
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
)

// TestPlanSkipsBackwardOnlyRoots: the gradient of y = Σ 0.5·x with respect
// to x makes Gorgonia build the gradient of the constant 0.5 as well (Σ x⊙dy,
// a root of the graph that no node is the gradient of); the plan neither
// publishes nor computes it, and still gives x's gradient.
func TestPlanSkipsBackwardOnlyRoots(t *testing.T) {
	g := G.NewGraph()
	x := vector(g, "x", 1, -2, 3)
	half := G.NewConstant(float32(0.5))
	y := G.Must(G.Sum(G.Must(G.Mul(x, half))))
	if _, err := G.Grad(y, x); err != nil {
		t.Fatal(err)
	}
	if n := len(backwardOnly(g)); n == 0 {
		t.Fatal("the graph has no backward-only node: the test no longer covers what it is about")
	}
	ex, err := New("plan", g, G.Nodes{x})
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	p := ex.(*PlanExecutor).Plan()
	reduces := 0
	for _, in := range p.prog {
		if strings.HasPrefix(in.name, "reduce") {
			reduces++
		}
	}
	if reduces != 1 {
		t.Errorf("the plan runs %d reductions, want 1 (y's): %v", reduces, p.prog)
	}
	for _, w := range p.publish {
		if backwardOnly(g)[w.node] {
			t.Errorf("the plan publishes %s, a backward-only root", w.node.Name())
		}
	}
	if err := ex.Run(); err != nil {
		t.Fatal(err)
	}
	dx, err := Grad(x)
	if err != nil {
		t.Fatal(err)
	}
	if !equal(dx, 0.5, 0.5, 0.5) || Scalar(y) != 1 {
		t.Errorf("dx = %v, y = %v; want 0.5 each and 1", dx, Scalar(y))
	}
}
