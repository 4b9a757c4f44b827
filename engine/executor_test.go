package engine

import (
	"cmp"
	"slices"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// vector adds a float32 input of the given values to g.
func vector(g *G.ExprGraph, name string, vs ...float32) *G.Node {
	v := tensor.New(tensor.WithShape(len(vs)), tensor.WithBacking(append([]float32(nil), vs...)))
	return G.NewTensor(g, tensor.Float32, 1, G.WithShape(len(vs)), G.WithName(name), G.WithValue(v))
}

func equal(a []float32, b ...float32) bool { return slices.Equal(a, b) }

func TestNewKinds(t *testing.T) {
	if _, err := New("tape", G.NewGraph(), nil); err == nil {
		t.Error("an empty graph: no error")
	}
	for _, kind := range append([]string{""}, Kinds...) {
		g := G.NewGraph()
		G.Must(G.Neg(vector(g, "x", 1)))
		ex, err := New(kind, g, nil)
		if err != nil {
			t.Fatalf("New(%q): %v", kind, err) // plan: engine/cpu, imported by plan_parity_test.go, registers the backend
		}
		if want := cmp.Or(kind, "tape"); ex.Name() != want {
			t.Errorf("New(%q).Name() = %q, want %s", kind, ex.Name(), want)
		}
		if err := ex.Close(); err != nil {
			t.Error(err)
		}
	}
	_, err := New("warp", nil, nil)
	if err == nil || !strings.Contains(err.Error(), `"warp"`) || !strings.Contains(err.Error(), "tape") {
		t.Errorf("New(warp): err = %v, want one naming the kind and the allowed ones", err)
	}
}

// TestKeep: rows = x² is read by nothing but rows⊙w, which the TapeMachine
// computes in place, so unkept rows hold rows⊙w after a run; kept, x².
func TestKeep(t *testing.T) {
	run := func(keep bool) (rows []float32, total float64) {
		g := G.NewGraph()
		x := vector(g, "x", 1, 2, 3)
		w := vector(g, "w", 0.5, 0.5, 0.5)
		r := G.Must(G.Square(x))
		sum := G.Must(G.Sum(G.Must(G.HadamardProd(r, w))))
		var opts []Option
		if keep {
			opts = append(opts, Keep(r, sum))
		}
		ex := NewTape(g, nil, opts...)
		defer ex.Close()
		if err := ex.Run(); err != nil {
			t.Fatal(err)
		}
		return append([]float32(nil), Float32s(r)...), Scalar(sum)
	}
	if rows, total := run(false); !equal(rows, 0.5, 2, 4.5) || total != 7 {
		t.Errorf("without Keep: rows %v, total %v; want the overwritten [0.5 2 4.5] and 7 (if rows are intact now, Gorgonia's memory reuse changed)", rows, total)
	}
	if rows, total := run(true); !equal(rows, 1, 4, 9) || total != 7 {
		t.Errorf("with Keep: rows %v, total %v; want [1 4 9] and 7", rows, total)
	}
}

// TestRunZeroesGradients: the TapeMachine adds each run's gradient to the
// last; Tape.Run zeroes them first, so each run's gradient is its own.
func TestRunZeroesGradients(t *testing.T) {
	build := func() (*G.ExprGraph, *G.Node) {
		g := G.NewGraph()
		x := vector(g, "x", 1, 2, 3)
		w := vector(g, "w", 1, 1, 1)
		loss := G.Must(G.Sum(G.Must(G.HadamardProd(x, w))))
		if _, err := G.Grad(loss, w); err != nil {
			t.Fatal(err)
		}
		return g, w
	}
	g, w := build()
	vm := G.NewTapeMachine(g, G.BindDualValues(w))
	for i := 0; i < 2; i++ {
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		vm.Reset()
	}
	vm.Close()
	if got, err := Grad(w); err != nil || !equal(got, 2, 4, 6) {
		t.Errorf("bare TapeMachine, two runs: gradient %v (%v), want the accumulated [2 4 6]; if it is [1 2 3], Gorgonia stopped accumulating and Run need not zero", got, err)
	}

	g, w = build()
	ex := NewTape(g, G.Nodes{w})
	defer ex.Close()
	for i := 0; i < 3; i++ {
		if err := ex.Run(); err != nil {
			t.Fatal(err)
		}
		if got, err := Grad(w); err != nil || !equal(got, 1, 2, 3) {
			t.Fatalf("run %d: gradient %v (%v), want [1 2 3]", i+1, got, err)
		}
	}
}

func TestReadHelpers(t *testing.T) {
	g := G.NewGraph()
	x := vector(g, "x", 4, 5)
	if _, err := Grad(x); err == nil || !strings.Contains(err.Error(), "x") {
		t.Errorf("Grad of a node without a gradient: err = %v, want one naming the node", err)
	}
	if got := Scalar(x); got != 4 {
		t.Errorf("Scalar = %v, want 4", got)
	}
	empty := G.NewTensor(g, tensor.Float32, 1, G.WithShape(2), G.WithName("empty"))
	if Float32s(empty) != nil || Scalar(empty) != 0 {
		t.Error("a node without a value: want nil data and 0")
	}
}
