package viz

import (
	"errors"
	"fmt"
	xfont "golang.org/x/image/font"
	"image/color"
	"io"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"genxai/runs"
)

// dpi is the resolution at which plots are rasterised.
const dpi = 96

// seriesColors is a qualitative palette for line series (after the Tableau
// 10 palette), chosen to stay distinguishable for common colour-vision
// deficiencies in its first few entries.
var seriesColors = []color.RGBA{
	{0x1f, 0x77, 0xb4, 0xff}, // blue
	{0xff, 0x7f, 0x0e, 0xff}, // orange
	{0x2c, 0xa0, 0x2c, 0xff}, // green
	{0xd6, 0x27, 0x28, 0xff}, // red
	{0x94, 0x67, 0xbd, 0xff}, // purple
	{0x8c, 0x56, 0x4b, 0xff}, // brown
	{0xe3, 0x77, 0xc2, 0xff}, // pink
	{0x7f, 0x7f, 0x7f, 0xff}, // grey
	{0xbc, 0xbd, 0x22, 0xff}, // olive
	{0x17, 0xbe, 0xcf, 0xff}, // cyan
}

// Series is one curve of a LinePlot. X may be nil, in which case the points
// are placed at 0, 1, 2, …. YErr, when not nil, holds a non-negative
// half-width per point (a standard deviation or a confidence half-width):
// it is drawn as error bars for up to 30 points and as a shaded band for
// more.
type Series struct {
	Name       string
	X, Y, YErr []float64
}

// LinePlot draws series as lines on one pair of axes and saves the picture as
// a PNG file at path. Points whose X or Y is NaN or ±Inf (a diverged loss,
// say) are left out, so the rest of the curve still shows; a series with no
// finite point at all is an error. A legend is drawn when any series has a
// name.
func LinePlot(path, title, xlabel, ylabel string, series []Series) error {
	if len(series) == 0 {
		return fmt.Errorf("line plot %s: no series to draw", path)
	}
	p := newPlot(title, xlabel, ylabel)
	p.Add(plotter.NewGrid())
	legend, named := false, 0
	for si, s := range series {
		name := s.Name
		if name == "" {
			name = fmt.Sprintf("series %d", si+1)
		} else {
			legend = true
		}
		if s.X != nil && len(s.X) != len(s.Y) {
			return fmt.Errorf("line plot %s: series %q has %d x values and %d y values; they must match", path, name, len(s.X), len(s.Y))
		}
		if s.YErr != nil && len(s.YErr) != len(s.Y) {
			return fmt.Errorf("line plot %s: series %q has %d y values and %d error values; they must match (or pass no YErr)", path, name, len(s.Y), len(s.YErr))
		}
		var pts plotter.XYs
		var errs []float64
		for i, y := range s.Y {
			x := float64(i)
			if s.X != nil {
				x = s.X[i]
			}
			if !finite(x) || !finite(y) {
				continue
			}
			e := 0.0
			if s.YErr != nil {
				e = s.YErr[i]
				if !finite(e) || e < 0 {
					return fmt.Errorf("line plot %s: series %q has error value %v at point %d; errors must be finite and non-negative", path, name, e, i)
				}
			}
			pts = append(pts, plotter.XY{X: x, Y: y})
			errs = append(errs, e)
		}
		if len(pts) == 0 {
			return fmt.Errorf("line plot %s: series %q has no finite point (%d points given)", path, name, len(s.Y))
		}
		col := seriesColors[si%len(seriesColors)]
		if s.YErr != nil {
			if len(pts) > 30 {
				band := make(plotter.XYs, 0, 2*len(pts))
				for i, pt := range pts {
					band = append(band, plotter.XY{X: pt.X, Y: pt.Y + errs[i]})
				}
				for i := len(pts) - 1; i >= 0; i-- {
					band = append(band, plotter.XY{X: pts[i].X, Y: pts[i].Y - errs[i]})
				}
				poly, err := plotter.NewPolygon(band)
				if err != nil {
					return fmt.Errorf("line plot %s: series %q: %w", path, name, err)
				}
				poly.Color = color.NRGBA{col.R, col.G, col.B, 0x40}
				poly.LineStyle.Width = 0
				p.Add(poly)
			} else {
				eb := &plotter.YErrorBars{XYs: pts, YErrors: make(plotter.YErrors, len(pts)), LineStyle: plotter.DefaultLineStyle, CapWidth: vg.Points(5)}
				for i, e := range errs {
					eb.YErrors[i].Low, eb.YErrors[i].High = e, e
				}
				eb.LineStyle.Color = col
				p.Add(eb)
			}
		}
		line, err := plotter.NewLine(pts)
		if err != nil {
			return fmt.Errorf("line plot %s: series %q: %w", path, name, err)
		}
		line.Color = col
		line.Width = vg.Points(1.5)
		p.Add(line)
		if len(pts) <= 30 {
			sc, _ := plotter.NewScatter(pts)
			sc.GlyphStyle.Color = col
			sc.GlyphStyle.Radius = vg.Points(2)
			sc.GlyphStyle.Shape = draw.CircleGlyph{}
			p.Add(sc)
		}
		if s.Name != "" {
			p.Legend.Add(s.Name, line)
			named++
		}
	}
	if legend {
		p.Legend.Top = true
		LegendRoom(p, named, 4.5*72-70)
	}
	return savePlot(path, p, 7*vg.Inch, 4.5*vg.Inch)
}

// LegendRoom raises the top of p's y range (set by the data added so far)
// so that a legend of entries rows in the top corner sits above the curves
// instead of on them: a row of legend text takes about 1.2 times its font
// size out of the data area's height of areaPts points. At most 35% of the
// area goes to the legend, so that a long legend (ten ICE curves) does not
// squash the curves; it then covers part of them, as it did before.
func LegendRoom(p *plot.Plot, entries int, areaPts float64) {
	span := p.Y.Max - p.Y.Min
	if entries == 0 || !(span > 0) || !(areaPts > 0) {
		return
	}
	row := 1.2 * p.Legend.TextStyle.Font.Size.Points()
	f := math.Min(0.35, float64(entries)*row/areaPts)
	p.Y.Max += span * f / (1 - f)
}

// BarChart draws one horizontal bar per label with its value, the first
// label at the top, and saves it as a PNG file at path. Positive bars are
// blue and negative bars red, each bar ends with its value written beside it,
// and the height grows with the number of labels so that they stay readable.
func BarChart(path, title, xlabel string, labels []string, values []float64) error {
	n := len(labels)
	if n == 0 {
		return fmt.Errorf("bar chart %s: no bars to draw", path)
	}
	if len(values) != n {
		return fmt.Errorf("bar chart %s: %d labels and %d values; they must match", path, n, len(values))
	}
	for i, v := range values {
		if !finite(v) {
			return fmt.Errorf("bar chart %s: value for %q (bar %d) is %v; values must be finite", path, labels[i], i+1, v)
		}
	}
	p := newPlot(title, xlabel, "")
	p.Add(&plotter.Grid{Vertical: plotter.DefaultGridLineStyle})
	p.Add(&hbars{values: values})
	lab := &plotter.Labels{Offset: vg.Point{}}
	for i, v := range values {
		lab.XYs = append(lab.XYs, plotter.XY{X: v, Y: float64(n - 1 - i)})
		lab.Labels = append(lab.Labels, " "+fmt.Sprintf("%.3g", v)+" ")
		st := labelStyle(9)
		st.XAlign, st.YAlign = draw.XLeft, draw.YCenter
		if v < 0 {
			st.XAlign = draw.XRight
		}
		lab.TextStyle = append(lab.TextStyle, st)
	}
	p.Add(lab)
	// Leave room for the value text beyond the longest bars.
	lo, hi := math.Min(0, minOf(values)), math.Max(0, maxOf(values))
	span := hi - lo
	if span == 0 {
		span = 1
	}
	if hi > 0 {
		p.X.Max = hi + 0.15*span
	}
	if lo < 0 {
		p.X.Min = lo - 0.15*span
	}
	p.Y.Tick.Marker = labelTicks(labels)
	p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4
	return savePlot(path, p, 8*vg.Inch, labelsHeight(n))
}

// ForestPlot draws one row per label: the point estimate est[i] as a dot and
// its interval [lo[i], hi[i]] as a horizontal whisker, the first label at the
// top, with a dashed vertical reference line at ref (1 for odds ratios, 0 for
// differences). With logX the x axis is logarithmic, which is the natural
// scale for ratios; then every value and ref must be positive. Intervals
// that exclude ref are drawn in a strong colour, the others in grey.
func ForestPlot(path, title, xlabel string, labels []string, est, lo, hi []float64, ref float64, logX bool) error {
	n := len(labels)
	if n == 0 {
		return fmt.Errorf("forest plot %s: no rows to draw", path)
	}
	if len(est) != n || len(lo) != n || len(hi) != n {
		return fmt.Errorf("forest plot %s: %d labels but %d estimates, %d lower and %d upper bounds; all must match", path, n, len(est), len(lo), len(hi))
	}
	if !finite(ref) || (logX && ref <= 0) {
		return fmt.Errorf("forest plot %s: reference value %v is not allowed; it must be finite (and positive on a log axis)", path, ref)
	}
	xmin, xmax := ref, ref
	for i := range labels {
		for _, v := range []float64{est[i], lo[i], hi[i]} {
			if !finite(v) || (logX && v <= 0) {
				what := "finite"
				if logX {
					what = "finite and positive on a log axis"
				}
				return fmt.Errorf("forest plot %s: row %q has estimate %v, interval [%v, %v]; values must be %s", path, labels[i], est[i], lo[i], hi[i], what)
			}
			xmin, xmax = math.Min(xmin, v), math.Max(xmax, v)
		}
		if lo[i] > est[i] || est[i] > hi[i] {
			return fmt.Errorf("forest plot %s: row %q has estimate %v outside its interval [%v, %v]; need lower <= estimate <= upper", path, labels[i], est[i], lo[i], hi[i])
		}
	}
	p := newPlot(title, xlabel, "")
	p.Add(&plotter.Grid{Vertical: plotter.DefaultGridLineStyle})
	refLine, err := plotter.NewLine(plotter.XYs{{X: ref, Y: -0.6}, {X: ref, Y: float64(n) - 0.4}})
	if err != nil {
		return fmt.Errorf("forest plot %s: %w", path, err)
	}
	refLine.Color = color.RGBA{0x40, 0x40, 0x40, 0xff}
	refLine.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(refLine)
	p.Add(&whiskers{est: est, lo: lo, hi: hi, ref: ref})
	p.Y.Tick.Marker = labelTicks(labels)
	p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4
	if logX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
		p.X.Min, p.X.Max = xmin/1.15, xmax*1.15
		if xmax/xmin < 10 {
			// Fewer than one decade: log ticks would show at most one
			// label, so place readable ticks by hand.
			p.X.Tick.Marker = logRangeTicks{}
		}
	} else {
		pad := 0.05 * (xmax - xmin)
		if pad == 0 {
			pad = 1
		}
		p.X.Min, p.X.Max = xmin-pad, xmax+pad
	}
	return savePlot(path, p, 8*vg.Inch, labelsHeight(n))
}

// logRangeTicks labels a log axis that spans less than about a decade,
// where plot.LogTicks would show at most one label: it uses the first of
// the mantissa sets {1,2,5}, {1,1.5,2,3,5,7} and {1,…,9} (times powers of
// ten) that gives at least three ticks inside the range.
type logRangeTicks struct{}

// Ticks implements plot.Ticker.
func (logRangeTicks) Ticks(min, max float64) []plot.Tick {
	var ts []plot.Tick
	if !(min > 0 && max > min) {
		return nil
	}
	for _, ms := range [][]float64{{1, 2, 5}, {1, 1.5, 2, 3, 5, 7}, {1, 2, 3, 4, 5, 6, 7, 8, 9}} {
		ts = ts[:0]
		for e := math.Floor(math.Log10(min)); e <= math.Ceil(math.Log10(max)); e++ {
			for _, m := range ms {
				v := m * math.Pow(10, e)
				if v >= min && v <= max {
					ts = append(ts, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', 3, 64)})
				}
			}
		}
		if len(ts) >= 3 {
			break
		}
	}
	return ts
}

// hbars draws horizontal bars from zero, value i at y = n-1-i.
type hbars struct{ values []float64 }

var (
	posColor = color.RGBA{0x43, 0x93, 0xc3, 0xff}
	negColor = color.RGBA{0xd6, 0x60, 0x4d, 0xff}
)

// Plot implements plot.Plotter.
func (b *hbars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	n := len(b.values)
	for i, v := range b.values {
		y := float64(n - 1 - i)
		col := posColor
		if v < 0 {
			col = negColor
		}
		x0, x1 := trX(0), trX(v)
		y0, y1 := trY(y-0.35), trY(y+0.35)
		pts := []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}
		c.FillPolygon(col, c.ClipPolygonXY(pts))
	}
	axis := c.ClipLinesY([]vg.Point{{X: trX(0), Y: trY(-0.6)}, {X: trX(0), Y: trY(float64(n) - 0.4)}})
	c.StrokeLines(draw.LineStyle{Color: color.Black, Width: vg.Points(0.75)}, axis...)
}

// DataRange implements plot.DataRanger.
func (b *hbars) DataRange() (xmin, xmax, ymin, ymax float64) {
	return math.Min(0, minOf(b.values)), math.Max(0, maxOf(b.values)), -0.6, float64(len(b.values)) - 0.4
}

// whiskers draws the rows of a forest plot.
type whiskers struct {
	est, lo, hi []float64
	ref         float64
}

// Plot implements plot.Plotter.
func (w *whiskers) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	n := len(w.est)
	for i := range w.est {
		col := color.RGBA{0x21, 0x66, 0xac, 0xff}
		if w.lo[i] <= w.ref && w.ref <= w.hi[i] {
			col = color.RGBA{0x70, 0x70, 0x70, 0xff}
		}
		y := trY(float64(n - 1 - i))
		ls := draw.LineStyle{Color: col, Width: vg.Points(1.5)}
		x0, x1 := trX(w.lo[i]), trX(w.hi[i])
		c.StrokeLines(ls, c.ClipLinesX([]vg.Point{{X: x0, Y: y}, {X: x1, Y: y}})...)
		capH := vg.Points(4)
		for _, x := range []vg.Length{x0, x1} {
			if c.ContainsX(x) {
				c.StrokeLine2(ls, x, y-capH, x, y+capH)
			}
		}
		pt := vg.Point{X: trX(w.est[i]), Y: y}
		if c.Contains(pt) {
			c.DrawGlyph(draw.GlyphStyle{Color: col, Radius: vg.Points(3.5), Shape: draw.BoxGlyph{}}, pt)
		}
	}
}

// DataRange implements plot.DataRanger.
func (w *whiskers) DataRange() (xmin, xmax, ymin, ymax float64) {
	return math.Min(w.ref, minOf(w.lo)), math.Max(w.ref, maxOf(w.hi)), -0.6, float64(len(w.est)) - 0.4
}

// newPlot makes a plot with the house style.
func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.Title.TextStyle.Font.Weight = xfont.WeightBold
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.X.Label.TextStyle.Font.Size = vg.Points(11)
	p.Y.Label.TextStyle.Font.Size = vg.Points(11)
	p.X.Tick.Marker, p.Y.Tick.Marker = CompactTicks{}, CompactTicks{}
	return p
}

// CompactTicks places ticks as gonum's plot.DefaultTicks does and labels
// them in the shortest form that keeps six significant digits: "25" and
// "0.0015" rather than "25.00" and "1.50e-03".
type CompactTicks struct{}

// Ticks implements plot.Ticker.
func (CompactTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = strconv.FormatFloat(ts[i].Value, 'g', 6, 64)
		}
	}
	return ts
}

// labelStyle is the text style for in-plot labels of the given size.
func labelStyle(points float64) text.Style {
	st := plot.New().X.Tick.Label // default tick label style: font and handler
	st.Font.Size = vg.Points(points)
	return st
}

// labelTicks puts labels[i] at y = n-1-i, so the first label is at the top.
func labelTicks(labels []string) plot.ConstantTicks {
	n := len(labels)
	ts := make(plot.ConstantTicks, n)
	for i, l := range labels {
		ts[i] = plot.Tick{Value: float64(n - 1 - i), Label: l}
	}
	return ts
}

// labelsHeight is the picture height for n labelled rows: about a third of
// an inch per row, at least three inches, at most 40 inches.
func labelsHeight(n int) vg.Length {
	h := 1.3 + 0.3*float64(n)
	return vg.Length(math.Min(40, math.Max(3, h))) * vg.Inch
}

// savePlot renders p at w×h and writes it as PNG, atomically. gonum/plot
// panics on some degenerate inputs; such a panic is returned as an error.
func savePlot(path string, p *plot.Plot, w, h vg.Length) (err error) {
	c, err := render(w, h, func(dc draw.Canvas) { p.Draw(dc) })
	if err != nil {
		return fmt.Errorf("drawing %s: %w", path, err)
	}
	return writeCanvas(path, c)
}

// render draws with fn on a new w×h image canvas, turning panics into errors.
func render(w, h vg.Length, fn func(draw.Canvas)) (c *vgimg.Canvas, err error) {
	defer func() {
		if r := recover(); r != nil {
			c, err = nil, fmt.Errorf("plotting library failed: %v", r)
		}
	}()
	c = vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi))
	fn(draw.New(c))
	return c, nil
}

// writeCanvas writes c as PNG to path, atomically.
func writeCanvas(path string, c *vgimg.Canvas) error {
	if c == nil {
		return errors.New("nil canvas")
	}
	return runs.WriteFileAtomic(path, func(w io.Writer) error {
		_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(w)
		return err
	})
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func minOf(vs []float64) float64 {
	m := math.Inf(1)
	for _, v := range vs {
		m = math.Min(m, v)
	}
	return m
}

func maxOf(vs []float64) float64 {
	m := math.Inf(-1)
	for _, v := range vs {
		m = math.Max(m, v)
	}
	return m
}
