package viz

import (
	"math"
	"path/filepath"
	"strings"
	"testing"
)

func TestLinePanels(t *testing.T) {
	dir := outDir(t)
	var panels []Panel
	for k := 0; k < 7; k++ {
		var x, y []float64
		for i := 0; i < 40; i++ {
			x = append(x, float64(i)/10)
			y = append(y, math.Sin(float64(k+1)*float64(i)/10))
		}
		panels = append(panels, Panel{Title: "edge " + string(rune('a'+k)), X: x, Y: y, Faded: k == 6})
	}
	panels = append(panels, Panel{Title: "flat", X: []float64{0, 1}, Y: []float64{0, 0}})
	p := filepath.Join(dir, "panels.png")
	if err := LinePanels(p, "Eight edge functions in rows of three", panels, 3); err != nil {
		t.Fatal(err)
	}
	img := checkPNG(t, p, 0, 0)
	// three columns of 2.2 in, three rows of 0.8·2.2 in, plus the title band
	if b := img.Bounds(); math.Abs(float64(b.Dx())-3*2.2*dpi) > 2 || float64(b.Dy()) <= 3*0.8*2.2*dpi {
		t.Errorf("image %v, want %.0f wide and taller than %.0f", b, 3*2.2*dpi, 3*0.8*2.2*dpi)
	}
	bad := filepath.Join(dir, "bad.png")
	for name, ps := range map[string][]Panel{"none": nil, "one point": {{Title: "p", X: []float64{1}, Y: []float64{1}}}} {
		if err := LinePanels(bad, "t", ps, 2); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
