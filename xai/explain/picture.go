package explain

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"genxai/viz"
)

// Tiles are RGB pictures in the CHW layout viz.Grid reads with c = 3: three
// planes of H×W values in [0,1].

// GrayTile turns an image of c×h×w values in [0,1] into an RGB tile: grey
// when c is 1, the image itself when c is 3, channel 0 otherwise.
func GrayTile(x []float32, c, h, w int) []float32 {
	p := h * w
	out := make([]float32, 3*p)
	if c == 3 && len(x) >= 3*p {
		copy(out, x[:3*p])
		return out
	}
	for i := 0; i < p && i < len(x); i++ {
		out[i], out[p+i], out[2*p+i] = x[i], x[i], x[i]
	}
	return out
}

// ColorTile draws h×w values with the colour map viz.Colorize uses: with
// diverging, blue-white-red over ±max(|lo|,|hi|); otherwise the sequential
// map over [lo, hi].
func ColorTile(values []float64, h, w int, lo, hi float64, diverging bool) []float32 {
	return rgbPlanes(viz.Colorize(values, h, w, lo, hi, diverging, 1))
}

// OverlayTile draws signed values on top of a dimmed grey picture of the
// input: each pixel mixes the grey level with the diverging colour of
// v/scale in proportion to |v|/scale, so weak attributions leave the input
// visible and strong ones cover it.
func OverlayTile(img []float32, c, h, w int, values []float64, scale float64) []float32 {
	base := GrayTile(img, c, h, w)
	p := h * w
	if scale <= 0 {
		scale = 1
	}
	out := make([]float32, 3*p)
	for i := 0; i < p; i++ {
		v := 0.0
		if i < len(values) && !math.IsNaN(values[i]) {
			v = values[i] / scale
		}
		a := math.Min(1, math.Abs(v))
		col := viz.Diverging(v)
		for ch, cv := range []uint8{col.R, col.G, col.B} {
			g := 0.25 + 0.5*float64(base[ch*p+i])
			out[ch*p+i] = float32((1-a)*g + a*float64(cv)/255)
		}
	}
	return out
}

// ChannelSum adds the channels of a c×h×w map, giving one value per pixel.
func ChannelSum(x []float32, c, h, w int) []float64 {
	p := h * w
	out := make([]float64, p)
	for ch := 0; ch < c; ch++ {
		for i := 0; i < p; i++ {
			if ch*p+i < len(x) {
				out[i] += float64(x[ch*p+i])
			}
		}
	}
	return out
}

// MaxAbs is the largest |v| of vs (1 when all are zero, so it can divide).
func MaxAbs(vs []float64) float64 {
	m := 0.0
	for _, v := range vs {
		if a := math.Abs(v); a > m && !math.IsInf(a, 0) {
			m = a
		}
	}
	if m == 0 {
		return 1
	}
	return m
}

// TileScale is the magnification that draws an h-pixel image at least
// viz.MinCell (112) screen pixels tall: 14 for the 8×8 digits, 4 for 28×28
// Fashion-MNIST.
func TileScale(h int) int { return viz.CellScale(h, h) }

// SheetSpec describes a labelled sheet of tiles.
type SheetSpec struct {
	Title     string      // what the sheet shows, in the title face above everything
	Columns   []string    // headings above the columns
	RowLabels []string    // labels left of the rows
	Tiles     [][]float32 // RGB tiles (see GrayTile), row by row
	H, W      int         // tile size in image pixels
	Cols      int         // tiles per row
	Scale     int         // magnification; below TileScale(H) it is raised to it
	// Bar, when not nil, attaches a colour bar.
	Bar *Bar
}

// Bar is a colour bar: the range and map of the coloured tiles and a label.
type Bar struct {
	Lo, Hi    float64
	Diverging bool
	Label     string
}

// Sheet draws spec: the grid of tiles with row labels (viz.GridWithLabels),
// column headings above it, the colour bar on the right and the title above
// everything (viz.WithTitle). All text is drawn by viz.
func Sheet(spec SheetSpec) *image.RGBA {
	const pad = 2
	grid := viz.GridWithLabels(spec.Tiles, 3, spec.H, spec.W, spec.Cols, spec.Scale, pad, spec.RowLabels)
	gb := grid.Bounds()
	cols := min(spec.Cols, len(spec.Tiles))
	if cols < 1 {
		cols = 1
	}
	scale := max(spec.Scale, viz.CellScale(spec.H, spec.W))
	tw := spec.W * scale
	margin := gb.Dx() - cols*tw - (cols+1)*pad
	// Column headings, wrapped onto as many lines as the widest needs.
	lh := viz.LineHeight(viz.Label)
	lines := 0
	heads := make([][]string, len(spec.Columns))
	for i, h := range spec.Columns {
		heads[i] = viz.Wrap(viz.Label, h, tw+pad)
		lines = max(lines, len(heads[i]))
	}
	headH := lines * lh
	if headH > 0 {
		headH += 6
	}
	out := image.NewRGBA(image.Rect(0, 0, gb.Dx(), headH+gb.Dy()))
	draw.Draw(out, out.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	for i, ls := range heads {
		if i >= cols {
			break
		}
		x0 := margin + pad + i*(tw+pad)
		for j, l := range ls {
			x := x0 + (tw-viz.TextWidth(l))/2
			viz.DrawText(out, max(0, x), 3+j*lh+lh/2, l)
		}
	}
	draw.Draw(out, image.Rect(0, headH, gb.Dx(), headH+gb.Dy()), grid, gb.Min, draw.Src)
	if spec.Bar != nil {
		out = viz.ColorBar(out, spec.Bar.Lo, spec.Bar.Hi, spec.Bar.Diverging, spec.Bar.Label)
	}
	return viz.WithTitle(out, spec.Title)
}

// rgbPlanes reads an RGBA image into three planes of values in [0,1].
func rgbPlanes(img *image.RGBA) []float32 {
	b := img.Bounds()
	p := b.Dx() * b.Dy()
	out := make([]float32, 3*p)
	i := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := img.RGBAAt(x, y)
			out[i], out[p+i], out[2*p+i] = float32(c.R)/255, float32(c.G)/255, float32(c.B)/255
			i++
		}
	}
	return out
}
