package nets

import (
	"fmt"
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Upsample computes exactly what Gorgonia's Upsample2D computes, and its
// gradient what Upsample2D's gradient computes, up to the order of the sums.
func TestUpsampleMatchesGorgonia(t *testing.T) {
	for _, k := range []int{1, 2, 3} {
		vals := []*tensor.Dense{randomTensor(rand.New(rand.NewSource(int64(k))), 2, 3, 4, 5)}
		shape := matchOps(t, fmt.Sprintf("k=%d", k), vals,
			func(in G.Nodes) (*G.Node, error) { return Upsample(in[0], k) },
			func(in G.Nodes) (*G.Node, error) { return G.Upsample2D(in[0], k) }, 0, 1e-6)
		if !shape.Eq(tensor.Shape{2, 3, 4 * k, 5 * k}) {
			t.Errorf("k=%d: shape %v", k, shape)
		}
	}
}

func TestUpsampleGradients(t *testing.T) {
	checkGradients(t, gradCase{name: "upsample", inputs: map[string][]int{"x": {2, 3, 3, 2}}, wantOut: []int{2, 3, 6, 4},
		build: func(n *Net, in map[string]*G.Node) *G.Node { return n.Op(Upsample(in["x"], 2)) }})
}

// Bad factors and shapes are refused, naming them.
func TestUpsampleShapeErrors(t *testing.T) {
	node := placeholders()
	checkErrors(t, []errCase{
		{"factor 0", nodeErr(Upsample(node(1, 2, 3, 3), 0)), []string{"at least 1", "0"}},
		{"3-D input", nodeErr(Upsample(node(2, 3, 3), 2)), []string{"NCHW", "(2, 3, 3)"}},
		{"gradient not a multiple", shapeErr(newOp(upsampleGradSpec(2)).InferShape(tensor.Shape{1, 2, 5, 4})), []string{"(1, 2, 5, 4)", "multiples of 2"}},
	})
}
