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

// TileScale is the magnification that makes an h-pixel image about 64 screen
// pixels tall (8 for the 8×8 digits, 3 for 28×28 Fashion-MNIST).
func TileScale(h int) int {
	return max(1, (64+h-1)/h)
}

// SheetSpec describes a labelled sheet of tiles.
type SheetSpec struct {
	Title     string      // a line of text above everything
	Columns   []string    // headings above the columns
	RowLabels []string    // labels left of the rows
	Tiles     [][]float32 // RGB tiles (see GrayTile), row by row
	H, W      int         // tile size in image pixels
	Cols      int         // tiles per row
	Scale     int         // magnification; 0 picks TileScale(H)
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
// column headings and a title above it, and the colour bar on the right.
func Sheet(spec SheetSpec) *image.RGBA {
	scale := spec.Scale
	if scale < 1 {
		scale = TileScale(spec.H)
	}
	const pad = 2
	grid := viz.GridWithLabels(spec.Tiles, 3, spec.H, spec.W, spec.Cols, scale, pad, spec.RowLabels)
	gb := grid.Bounds()
	cols := min(spec.Cols, len(spec.Tiles))
	if cols < 1 {
		cols = 1
	}
	tw := spec.W * scale
	margin := gb.Dx() - cols*tw - (cols+1)*pad
	// Column headings, wrapped onto as many lines as the widest needs.
	lines := 0
	heads := make([][]string, len(spec.Columns))
	for i, h := range spec.Columns {
		heads[i] = wrap(h, max(tw+pad, 8*charWidth))
		lines = max(lines, len(heads[i]))
	}
	titleH := 0
	if spec.Title != "" {
		titleH = lineHeight + 4
	}
	headH := lines * lineHeight
	if headH > 0 {
		headH += 4
	}
	width := max(gb.Dx(), viz.TextWidth(spec.Title)+8)
	out := image.NewRGBA(image.Rect(0, 0, width, titleH+headH+gb.Dy()))
	draw.Draw(out, out.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	if spec.Title != "" {
		viz.DrawText(out, 4, 2+lineHeight/2, spec.Title)
	}
	for i, ls := range heads {
		if i >= cols {
			break
		}
		x0 := margin + pad + i*(tw+pad)
		for j, l := range ls {
			x := x0 + (tw-viz.TextWidth(l))/2
			viz.DrawText(out, max(0, x), titleH+j*lineHeight+lineHeight/2+1, l)
		}
	}
	draw.Draw(out, image.Rect(0, titleH+headH, gb.Dx(), titleH+headH+gb.Dy()), grid, gb.Min, draw.Src)
	if spec.Bar == nil {
		return out
	}
	return viz.ColorBar(out, spec.Bar.Lo, spec.Bar.Hi, spec.Bar.Diverging, spec.Bar.Label)
}

const (
	charWidth  = 7  // width of a glyph of basicfont.Face7x13
	lineHeight = 13 // its line height
)

// wrap splits s at spaces into lines at most width pixels wide (a word
// longer than that stays whole).
func wrap(s string, width int) []string {
	var lines []string
	line := ""
	word := ""
	flush := func() {
		if word == "" {
			return
		}
		switch {
		case line == "":
			line = word
		case viz.TextWidth(line+" "+word) <= width:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
		word = ""
	}
	for _, r := range s {
		if r == ' ' {
			flush()
			continue
		}
		word += string(r)
	}
	flush()
	if line != "" {
		lines = append(lines, line)
	}
	return lines
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
