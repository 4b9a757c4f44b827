package explain

import (
	"image"
	"image/color"
	"slices"
	"testing"

	"genxai/nets"
	"genxai/viz"
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

// TestSheetSize: every tile is enlarged to at least viz.MinCell pixels, the
// title band above the sheet holds text, and headings wrap in the label face.
func TestSheetSize(t *testing.T) {
	black := GrayTile(make([]float32, 64), 1, 8, 8)
	tiles := [][]float32{black, ColorTile(make([]float64, 64), 8, 8, -1, 1, true)}
	img := Sheet(SheetSpec{Title: "Saliency of the digit 3", Columns: []string{"input", "saliency"}, RowLabels: []string{"test:0"},
		Tiles: tiles, H: 8, W: 8, Cols: 2, Scale: 1, Bar: &Bar{Lo: -1, Hi: 1, Diverging: true, Label: "x"}})
	// The black tile is the only pure black area (text is dark grey and
	// anti-aliased): its extent is the drawn cell size.
	cell, band := image.Rectangle{}, image.Rectangle{}
	b := img.Bounds()
	ink := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := img.RGBAAt(x, y)
			if c == (color.RGBA{0, 0, 0, 255}) {
				cell = cell.Union(image.Rect(x, y, x+1, y+1))
			}
			if y < viz.TitleBand(1) && c.R < 128 {
				band = band.Union(image.Rect(x, y, x+1, y+1))
				ink++
			}
		}
	}
	if cell.Dx() < viz.MinCell || cell.Dy() < viz.MinCell {
		t.Errorf("an 8×8 tile is drawn %d×%d px, want at least %d", cell.Dx(), cell.Dy(), viz.MinCell)
	}
	if ink < 50 || band.Dy() < 10 {
		t.Errorf("title band: %d dark pixels over %v; the title was not drawn legibly", ink, band)
	}
	if cell.Min.Y < viz.TitleBand(1) {
		t.Errorf("the tile starts at y=%d, inside the title band", cell.Min.Y)
	}
	if got := viz.Wrap(viz.Label, "counter- factual", viz.TextWidth("counter-")+4); len(got) != 2 {
		t.Errorf("wrap gave %q", got)
	}
}

// TestMapScales: per-image divides each map by its own max |value| (1 for
// a map of zeros); shared divides all by the largest over the non-zero maps.
func TestMapScales(t *testing.T) {
	maps := [][]float64{{0.5, -2}, {0, 0}, {4, 1}}
	for _, c := range []struct {
		mode string
		want []float64
	}{{"per-image", []float64{2, 1, 4}}, {"shared", []float64{4, 4, 4}}} {
		got, err := MapScales(maps, c.mode)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%s: scales %v, %v; want %v", c.mode, got, err, c.want)
		}
	}
	if _, err := MapScales(maps, "global"); err == nil {
		t.Error("an unknown mode: no error")
	}
}
