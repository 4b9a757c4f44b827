package nets

import (
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"genxai/engine"
)

// Upsample computes exactly what Gorgonia's Upsample2D computes.
func TestUpsampleMatchesGorgonia(t *testing.T) {
	for _, k := range []int{1, 2, 3} {
		g := G.NewGraph()
		data := make([]float32, 2*3*4*5)
		rng := rand.New(rand.NewSource(int64(k)))
		for i := range data {
			data[i] = float32(rng.NormFloat64())
		}
		x := G.NewTensor(g, tensor.Float32, 4, G.WithShape(2, 3, 4, 5), G.WithName("x"),
			G.WithValue(tensor.New(tensor.WithShape(2, 3, 4, 5), tensor.WithBacking(data))))
		ours := G.Must(Upsample(x, k))
		theirs := G.Must(G.Upsample2D(x, k))
		ex := engine.NewTape(g, nil, engine.Keep(ours, theirs))
		if err := ex.Run(); err != nil {
			t.Fatal(err)
		}
		a, b := engine.Float32s(ours), engine.Float32s(theirs)
		if !sameShape(ours.Shape(), []int(theirs.Shape())) || len(a) != len(b) {
			t.Fatalf("k=%d: shapes %v and %v", k, ours.Shape(), theirs.Shape())
		}
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("k=%d: element %d is %v, Upsample2D gives %v", k, i, a[i], b[i])
			}
		}
	}
}

func TestUpsampleGradients(t *testing.T) {
	checkGradients(t, gradCase{name: "upsample", inputs: map[string][]int{"x": {2, 3, 3, 2}}, wantOut: []int{2, 3, 6, 4},
		build: func(n *Net, in map[string]*G.Node) *G.Node { return n.Op(Upsample(in["x"], 2)) }})
}
