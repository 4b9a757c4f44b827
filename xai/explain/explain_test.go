package explain

import (
	"slices"
	"testing"

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

// TestValuesReadKeptNode: rows = x² is read only by rows⊙w, which the
// TapeMachine computes in place (nets/gorgonia.go tests that it is
// overwritten when not kept); kept, Values reads x² after a run, and before
// any run it is an error.
func TestValuesReadKeptNode(t *testing.T) {
	n := nets.NewNet(nets.NewStore(1), false)
	x, w := n.Input("x", 3), n.Input("w", 3)
	rows := n.Square(x)
	n.Sum(n.Mul(rows, w))
	n.Keep(rows)
	if err := n.Err(); err != nil {
		t.Fatal(err)
	}
	copy(n.InputData("x"), []float32{1, 2, 3})
	copy(n.InputData("w"), []float32{0.5, 0.5, 0.5})
	ex, err := explaintest.Tape(n)
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	if _, err := Values(rows); err == nil {
		t.Error("Values before a run gave no error")
	}
	if err := ex.Run(); err != nil {
		t.Fatal(err)
	}
	if got, err := Values(rows); err != nil || !slices.Equal(got, []float32{1, 4, 9}) {
		t.Errorf("Values of the kept node = %v, %v; want [1 4 9]", got, err)
	}
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
