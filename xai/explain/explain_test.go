package explain

import (
	"testing"

	"genxai/engine"
	"genxai/nets"
	"genxai/xai/explain/explaintest"
)

func TestParseInputs(t *testing.T) {
	got, err := ParseInputs(" test:3, train:17,5 ,")
	if err != nil {
		t.Fatal(err)
	}
	want := []Input{{"test", 3}, {"train", 17}, {"test", 5}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("input %d: got %v, want %v", i, got[i], want[i])
		}
	}
	for _, bad := range []string{"val:3", "test:-1", "test:x", "test:"} {
		if _, err := ParseInputs(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestProbeReadsIntermediateNode reads the VAE's per-row reconstruction term,
// an intermediate node (in a restored VAE with zero row weights its own value
// after a run was found overwritten by RowLoss·RowWeight; this small graph
// does not show that, so only the probe's copy is checked): it must be the
// positive binary cross-entropy of every row.
func TestProbeReadsIntermediateNode(t *testing.T) {
	cfg := nets.VAEConfig{Arch: "mlp", C: 1, H: 8, W: 8, Hidden: []int{64}, Latent: 4, Activation: "relu", Likelihood: "bernoulli", Beta: 1}
	m, err := nets.NewVAE(nets.NewStore(1), cfg, 250, false)
	if err != nil {
		t.Fatal(err)
	}
	p := NewProbe(m.Recon)
	ex, err := engine.New("tape", m.Net.G, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	x := m.Net.InputData("x")
	for i := range x {
		x[i] = float32(i%5) / 4
	}
	if err := ex.Run(); err != nil {
		t.Fatal(err)
	}
	got, err := p.Float32s(0)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range got {
		if !(v > 0) {
			t.Errorf("row %d: probed reconstruction term %v, want > 0", i, v)
		}
	}
	t.Logf("probe %v; the node itself holds %v after the run", got, engine.Float32s(m.Recon))
}

func TestScorerChecksShapes(t *testing.T) {
	n := nets.NewNet(nets.NewStore(1), false)
	x := n.Input("x", 3, 5)
	out := n.Dense("fc", x, 2)
	s, err := NewScorer(n, x, out, explaintest.Tape)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Eval([]Query{{X: make([]float32, 4)}}); err == nil {
		t.Error("an input of the wrong length: no error")
	}
	if _, err := s.Eval([]Query{{X: make([]float32, 5), Output: 2}}); err == nil {
		t.Error("output 2 of 2: no error")
	}
	if _, err := s.Eval([]Query{{X: make([]float32, 5), Weights: []float32{1}}}); err == nil {
		t.Error("one weight for two outputs: no error")
	}
}

func TestSheetSize(t *testing.T) {
	tiles := [][]float32{GrayTile(make([]float32, 64), 1, 8, 8), ColorTile(make([]float64, 64), 8, 8, -1, 1, true)}
	img := Sheet(SheetSpec{Title: "t", Columns: []string{"a", "b"}, RowLabels: []string{"row"}, Tiles: tiles, H: 8, W: 8, Cols: 2,
		Bar: &Bar{Lo: -1, Hi: 1, Diverging: true, Label: "x"}})
	if b := img.Bounds(); b.Dx() < 2*64 || b.Dy() < 64 {
		t.Errorf("sheet is %v, want at least 128×64", b)
	}
	if got := wrap("counter- factual", 60); len(got) != 2 {
		t.Errorf("wrap gave %q", got)
	}
}
