package viz

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Panel is one small line plot of a LinePanels grid; Faded draws it in
// grey (a pruned edge, say).
type Panel struct {
	Title string
	X, Y  []float64
	Faded bool
}

// LinePanels draws panels as a grid of small line plots, cols to a row,
// under a title, and saves the picture as a PNG file at path. Points whose
// X or Y is not finite are left out; a panel with fewer than two finite
// points is an error.
func LinePanels(path, title string, panels []Panel, cols int) error {
	if len(panels) == 0 || cols < 1 {
		return fmt.Errorf("panel plot %s: %d panels in %d columns; need at least one of each", path, len(panels), cols)
	}
	cols = min(cols, len(panels))
	rows := (len(panels) + cols - 1) / cols
	plots := make([][]*plot.Plot, rows)
	for r := range plots {
		plots[r] = make([]*plot.Plot, cols)
	}
	for k, pn := range panels {
		p := plot.New()
		p.Title.Text = pn.Title
		p.Title.TextStyle.Font.Size = vg.Points(8)
		p.X.Tick.Label.Font.Size, p.Y.Tick.Label.Font.Size = vg.Points(6), vg.Points(6)
		p.X.Tick.Marker, p.Y.Tick.Marker = CompactTicks{}, CompactTicks{}
		var pts plotter.XYs
		for i := range pn.Y {
			if i < len(pn.X) && finite(pn.X[i]) && finite(pn.Y[i]) {
				pts = append(pts, plotter.XY{X: pn.X[i], Y: pn.Y[i]})
			}
		}
		if len(pts) < 2 {
			return fmt.Errorf("panel plot %s: panel %q has %d finite points; need two", path, pn.Title, len(pts))
		}
		line, err := plotter.NewLine(pts)
		if err != nil {
			return fmt.Errorf("panel plot %s: panel %q: %w", path, pn.Title, err)
		}
		line.Color, line.Width = seriesColors[0], vg.Points(1.2)
		if pn.Faded {
			line.Color = seriesColors[7]
		}
		p.Add(plotter.NewGrid(), line)
		if lo, hi := minOf(pn.Y), maxOf(pn.Y); hi-lo < 1e-9*math.Max(1, math.Abs(hi)) {
			p.Y.Min, p.Y.Max = lo-1, hi+1 // a flat function: a visible band around it
		}
		plots[k/cols][k%cols] = p
	}
	const cell = 2.2 * vg.Inch
	w, h := vg.Length(cols)*cell, vg.Length(rows)*cell*0.8
	c, err := render(w, h, func(dc draw.Canvas) {
		tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(4), PadY: vg.Points(4), PadTop: vg.Points(2), PadBottom: vg.Points(2), PadLeft: vg.Points(2), PadRight: vg.Points(2)}
		canvases := plot.Align(plots, tiles, dc)
		for r := range plots {
			for k := range plots[r] {
				if plots[r][k] != nil {
					plots[r][k].Draw(canvases[r][k])
				}
			}
		}
	})
	if err != nil {
		return fmt.Errorf("drawing %s: %w", path, err)
	}
	return SavePNG(path, WithTitle(c.Image(), title))
}
