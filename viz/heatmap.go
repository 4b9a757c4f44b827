package viz

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Heatmap draws values (rows × columns, values[r][c]) as coloured cells with
// rowLabels down the left side (the first row at the top) and colLabels
// along the bottom, with a colour bar on the right, and saves it as a PNG
// file at path. With diverging the colours run blue-white-red over
// ±max|value| so that zero is white (attributions, differences); otherwise
// the viridis-like Sequential map runs over [min, max] (confusion matrices,
// attention weights). NaN cells are grey. When the matrix is small enough
// (at most 400 cells) each cell carries its value as text. Cells are sized
// so that labels stay readable; column labels are turned vertical when they
// would collide.
func Heatmap(path, title string, rowLabels, colLabels []string, values [][]float64, diverging bool) error {
	rows := len(values)
	if rows == 0 {
		return fmt.Errorf("heatmap %s: no rows to draw", path)
	}
	cols := len(values[0])
	if cols == 0 {
		return fmt.Errorf("heatmap %s: row 1 has no values", path)
	}
	for r, row := range values {
		if len(row) != cols {
			return fmt.Errorf("heatmap %s: row %d has %d values but row 1 has %d; all rows must have the same length", path, r+1, len(row), cols)
		}
		for c, v := range row {
			if math.IsInf(v, 0) {
				return fmt.Errorf("heatmap %s: value at row %d, column %d is %v; values must be finite (NaN is drawn grey)", path, r+1, c+1, v)
			}
		}
	}
	if rowLabels != nil && len(rowLabels) != rows {
		return fmt.Errorf("heatmap %s: %d row labels for %d rows; they must match (or pass nil)", path, len(rowLabels), rows)
	}
	if colLabels != nil && len(colLabels) != cols {
		return fmt.Errorf("heatmap %s: %d column labels for %d columns; they must match (or pass nil)", path, len(colLabels), cols)
	}
	flat := make([]float64, 0, rows*cols)
	for _, row := range values {
		flat = append(flat, row...)
	}
	lo, hi := finiteRange(flat)
	if diverging {
		m := math.Max(math.Abs(lo), math.Abs(hi))
		lo, hi = -m, m
	}

	// Cell size: about a third of an inch, shrinking for large matrices so
	// the picture stays below about 14 inches; never below 0.12 inch.
	cell := math.Max(0.12, math.Min(0.45, 12/float64(max(rows, cols))))
	fontPts := math.Min(11, math.Max(6, cell*72*0.75))

	grid := &heatGrid{v: values, rows: rows, cols: cols}
	cmap := &mapAdaptor{diverging: diverging, min: lo, max: hi, alpha: 1}
	hm := plotter.NewHeatMap(grid, cmap.Palette(256))
	hm.Min, hm.Max = lo, hi
	hm.NaN = NaNColor
	hm.Rasterized = false

	p := newPlot(title, "", "")
	p.Add(hm)
	p.X.Padding, p.Y.Padding = 0, 0
	p.X.Min, p.X.Max = -0.5, float64(cols)-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(rows)-0.5
	if rowLabels == nil {
		rowLabels = numbered(rows)
	}
	if colLabels == nil {
		colLabels = numbered(cols)
	}
	p.Y.Tick.Marker = labelTicks(rowLabels)
	xt := make(plot.ConstantTicks, cols)
	longest := 0
	for c, l := range colLabels {
		xt[c] = plot.Tick{Value: float64(c), Label: l}
		longest = max(longest, len([]rune(l)))
	}
	p.X.Tick.Marker = xt
	p.X.Tick.Label.Font.Size = vg.Points(fontPts)
	p.Y.Tick.Label.Font.Size = vg.Points(fontPts)
	// A character is about 0.55 em wide; turn labels when they would not fit.
	if float64(longest)*0.55*fontPts/72 > cell*0.95 {
		p.X.Tick.Label.Rotation = math.Pi / 2
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YCenter
	}

	if rows*cols <= 400 {
		lab := &plotter.Labels{}
		for r, row := range values {
			for c, v := range row {
				if math.IsNaN(v) {
					continue
				}
				lab.XYs = append(lab.XYs, plotter.XY{X: float64(c), Y: float64(rows - 1 - r)})
				lab.Labels = append(lab.Labels, formatCell(v))
				st := labelStyle(math.Min(9, fontPts))
				st.XAlign, st.YAlign = draw.XCenter, draw.YCenter
				st.Color = color.Black
				if luminance(cmap.color(v)) < 0.45 {
					st.Color = color.White
				}
				lab.TextStyle = append(lab.TextStyle, st)
			}
		}
		p.Add(lab)
	}

	bar := plot.New()
	bar.Add(&plotter.ColorBar{ColorMap: cmap, Vertical: true, Colors: 256})
	bar.HideX()
	bar.Y.Padding = 0
	bar.Y.Tick.Label.Font.Size = vg.Points(10)

	longestRow := 0
	for _, l := range rowLabels {
		longestRow = max(longestRow, len([]rune(l)))
	}
	labW := 0.6 + float64(longestRow)*0.55*fontPts/72
	labH := 0.9
	if p.X.Tick.Label.Rotation != 0 {
		labH = 0.5 + float64(longest)*0.55*fontPts/72
	}
	barW := 1.1
	W := vg.Length(labW+cell*float64(cols)+barW+0.3) * vg.Inch
	H := vg.Length(0.7+labH+cell*float64(rows)) * vg.Inch
	W = max(W, 4*vg.Inch)
	H = max(H, 3*vg.Inch)
	c, err := render(W, H, func(dc draw.Canvas) {
		dc.SetColor(color.White)
		dc.Fill(dc.Rectangle.Path())
		split := dc.Max.X - vg.Length(barW)*vg.Inch
		main := dc
		main.Max.X = split
		p.Draw(main)
		// The colour bar spans exactly the height of the cells.
		data := p.DataCanvas(main)
		side := dc
		side.Min.X = split + vg.Length(0.2)*vg.Inch
		side.Max.X = dc.Max.X - vg.Length(0.45)*vg.Inch
		side.Min.Y, side.Max.Y = data.Min.Y, data.Max.Y
		bar.Draw(side)
	})
	if err != nil {
		return fmt.Errorf("drawing %s: %w", path, err)
	}
	return writeCanvas(path, c)
}

// formatCell writes a cell value compactly: integers without a decimal
// point (confusion counts), others with three significant digits.
func formatCell(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e6 {
		return fmt.Sprintf("%d", int64(v))
	}
	return fmt.Sprintf("%.2g", v)
}

// numbered returns the labels "1" … "n".
func numbered(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprint(i + 1)
	}
	return out
}

// heatGrid presents values as a plotter.GridXYZ with row 0 at the top.
type heatGrid struct {
	v          [][]float64
	rows, cols int
}

func (g *heatGrid) Dims() (c, r int)   { return g.cols, g.rows }
func (g *heatGrid) Z(c, r int) float64 { return g.v[g.rows-1-r][c] }
func (g *heatGrid) X(c int) float64    { return float64(c) }
func (g *heatGrid) Y(r int) float64    { return float64(r) }

// mapAdaptor presents Sequential or Diverging as a gonum palette.ColorMap
// over [min, max]; a diverging map is centred on zero.
type mapAdaptor struct {
	diverging bool
	min, max  float64
	alpha     float64
}

func (m *mapAdaptor) color(v float64) color.RGBA {
	return rangeMapper(m.min, m.max, m.diverging)(v)
}

// At implements palette.ColorMap.
func (m *mapAdaptor) At(v float64) (color.Color, error) {
	if math.IsNaN(v) {
		return NaNColor, nil
	}
	c := m.color(v)
	c.A = uint8(math.Round(255 * m.alpha))
	// Premultiply: color.RGBA is alpha-premultiplied.
	c.R = uint8(uint16(c.R) * uint16(c.A) / 255)
	c.G = uint8(uint16(c.G) * uint16(c.A) / 255)
	c.B = uint8(uint16(c.B) * uint16(c.A) / 255)
	return c, nil
}

// Max implements palette.ColorMap.
func (m *mapAdaptor) Max() float64 { return m.max }

// Min implements palette.ColorMap.
func (m *mapAdaptor) Min() float64 { return m.min }

// SetMax implements palette.ColorMap.
func (m *mapAdaptor) SetMax(v float64) { m.max = v }

// SetMin implements palette.ColorMap.
func (m *mapAdaptor) SetMin(v float64) { m.min = v }

// Alpha implements palette.ColorMap.
func (m *mapAdaptor) Alpha() float64 { return m.alpha }

// SetAlpha implements palette.ColorMap.
func (m *mapAdaptor) SetAlpha(a float64) { m.alpha = a }

// Palette implements palette.ColorMap: n colours evenly spaced over [min, max].
func (m *mapAdaptor) Palette(n int) palette.Palette {
	cs := make(colors, n)
	for i := range cs {
		v := m.min
		if n > 1 {
			v += (m.max - m.min) * float64(i) / float64(n-1)
		}
		cs[i], _ = m.At(v)
	}
	return cs
}

// colors is a palette.Palette backed by a slice.
type colors []color.Color

// Colors implements palette.Palette.
func (c colors) Colors() []color.Color { return c }

var _ palette.ColorMap = (*mapAdaptor)(nil)
