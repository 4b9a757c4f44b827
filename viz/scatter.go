package viz

import (
	"fmt"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ColoredPoint is one point of a ScatterPlot; C in [0,1] picks its colour on
// the viridis scale (NaN: grey).
type ColoredPoint struct{ X, Y, C float64 }

// ScatterPlot draws points coloured by their C value and saves the picture as
// a PNG file at path. With rowLabels, Y is a row index (row 0 at the top) and
// the rows are labelled, as in a SHAP beeswarm; otherwise Y is a number, as
// in a dependence plot. colorLabel names what C measures ("" for none).
func ScatterPlot(path, title, xlabel, ylabel, colorLabel string, rowLabels []string, pts []ColoredPoint) error {
	if len(pts) == 0 {
		return fmt.Errorf("scatter plot %s: no points to draw", path)
	}
	if colorLabel != "" {
		title += " (colour: " + colorLabel + ", low purple to high yellow)"
	}
	p := newPlot(title, xlabel, ylabel)
	p.Add(plotter.NewGrid())
	n := len(rowLabels)
	for _, pt := range pts {
		if !finite(pt.X) || !finite(pt.Y) {
			continue
		}
		y := pt.Y
		if n > 0 {
			y = float64(n-1) - pt.Y
		}
		sc, err := plotter.NewScatter(plotter.XYs{{X: pt.X, Y: y}})
		if err != nil {
			return fmt.Errorf("scatter plot %s: %w", path, err)
		}
		sc.GlyphStyle.Radius = vg.Points(2)
		sc.GlyphStyle.Shape = draw.CircleGlyph{}
		sc.GlyphStyle.Color = Gray(0.6)
		if finite(pt.C) {
			sc.GlyphStyle.Color = Sequential(pt.C)
		}
		p.Add(sc)
	}
	h := 4.5 * vg.Inch
	if n > 0 {
		p.Y.Tick.Marker = labelTicks(rowLabels)
		p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4
		h = labelsHeight(n)
	}
	return savePlot(path, p, 7*vg.Inch, h)
}
