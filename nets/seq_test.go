package nets

import (
	"math"
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"
)

// TestLayerNormForward checks the normalization itself: zero mean and unit
// variance per row with the initial scale 1 and shift 0.
func TestLayerNormForward(t *testing.T) {
	n := NewNet(NewStore(1), false)
	x := n.Input("x", 3, 8)
	y := n.LayerNorm("ln", x)
	if err := n.Err(); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	for i, d := 0, n.InputData("x"); i < len(d); i++ {
		d[i] = float32(5 + 3*rng.NormFloat64())
	}
	vm := G.NewTapeMachine(n.G)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	out := y.Value().Data().([]float32)
	for r := 0; r < 3; r++ {
		var mean, sq float64
		for c := 0; c < 8; c++ {
			mean += float64(out[r*8+c]) / 8
		}
		for c := 0; c < 8; c++ {
			d := float64(out[r*8+c]) - mean
			sq += d * d / 8
		}
		if math.Abs(mean) > 1e-5 || math.Abs(sq-1) > 1e-3 {
			t.Errorf("row %d: mean %g variance %g, want 0 and 1", r, mean, sq)
		}
	}
}

func TestEmbeddingGradients(t *testing.T) {
	onehot := func(name string, data []float32, rng *rand.Rand) {
		for i := range data {
			data[i] = 0
		}
		for r := 0; r < len(data)/5; r++ {
			data[r*5+rng.Intn(5)] = 1
		}
	}
	checkGradients(t, gradCase{name: "embedding", inputs: map[string][]int{"tok": {6, 5}}, wantOut: []int{6, 4}, fill: onehot,
		build: func(n *Net, in map[string]*G.Node) *G.Node {
			x, _ := n.Embedding("wte", in["tok"], 4, 1)
			return n.PositionEmbedding("wpe", x, 2, 3, 1)
		}})
}

// TestCausalSelfAttentionIsCausal changes the last position of a sequence and
// checks that the outputs at earlier positions do not move, while the last
// one does.
func TestCausalSelfAttentionIsCausal(t *testing.T) {
	const B, T, C = 2, 4, 6
	n := NewNet(NewStore(5), false)
	x := n.Input("x", B*T, C)
	y := n.CausalSelfAttention("attn", x, B, T, 3, 0.5, 0)
	if err := n.Err(); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(2))
	data := n.InputData("x")
	for i := range data {
		data[i] = float32(rng.NormFloat64())
	}
	vm := G.NewTapeMachine(n.G)
	defer vm.Close()
	run := func() []float32 {
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		vm.Reset()
		return append([]float32(nil), y.Value().Data().([]float32)...)
	}
	before := run()
	for c := 0; c < C; c++ { // last position of sequence 0
		data[(T-1)*C+c] += 1
	}
	after := run()
	for row := 0; row < B*T; row++ {
		moved := false
		for c := 0; c < C; c++ {
			if before[row*C+c] != after[row*C+c] {
				moved = true
			}
		}
		if want := row == T-1; moved != want {
			t.Errorf("row %d (sequence %d, position %d): moved = %v, want %v", row, row/T, row%T, moved, want)
		}
	}
}
