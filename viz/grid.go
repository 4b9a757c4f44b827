package viz

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
)

// background is the colour of padding and margins in image grids.
var background = color.RGBA{0xff, 0xff, 0xff, 0xff}

// frameColor outlines each tile of a grid padded by at least two pixels.
var frameColor = color.RGBA{0xb0, 0xb0, 0xb0, 0xff}

// Grid tiles images into a grid with cols columns and returns it as one
// picture. Each image holds c×h×w values in CHW order (as in NCHW tensors);
// c==1 draws grey levels, c==3 draws RGB, any other c draws channel 0 in
// grey. Values are clamped to [0,1]; NaN and missing values (an image
// shorter than c×h×w) are drawn in NaNColor so that they stand out. Each
// pixel is repeated scale×scale times (nearest neighbour), and pad pixels of
// white separate and surround the tiles (with pad ≥ 2 each tile gets a
// one-pixel grey frame inside the padding). A scale smaller than CellScale(h, w)
// is raised to it, so no tile is drawn smaller than MinCell pixels: an 8×8
// digit is not a smudge.
//
// Out-of-range arguments never panic: cols<=0 picks a near-square layout,
// pad<0 is taken as 0. With no images, or h or w below 1, the
// result is an empty image that SavePNG refuses with an error.
func Grid(images [][]float32, c, h, w, cols, scale int, pad int) *image.RGBA {
	return GridWithLabels(images, c, h, w, cols, scale, pad, nil)
}

// GridWithLabels is Grid with a text label to the left of each row of tiles:
// rowLabels[i] labels row i (rows beyond len(rowLabels) have none). Labels are
// drawn in the label style (DrawText), vertically centred on their row; the
// margin is as wide as the longest label. With no labels it equals Grid.
func GridWithLabels(images [][]float32, c, h, w, cols, scale int, pad int, rowLabels []string) *image.RGBA {
	n := len(images)
	if n == 0 || h < 1 || w < 1 {
		return image.NewRGBA(image.Rect(0, 0, 0, 0))
	}
	scale = max(scale, CellScale(h, w))
	if pad < 0 {
		pad = 0
	}
	if cols <= 0 {
		cols = int(math.Ceil(math.Sqrt(float64(n))))
	}
	if cols > n {
		cols = n
	}
	rows := (n + cols - 1) / cols
	tw, th := w*scale, h*scale

	margin := 0
	for i, l := range rowLabels {
		if i >= rows {
			break
		}
		if lw := TextWidth(l); lw+12 > margin {
			margin = lw + 12
		}
	}
	W := margin + cols*tw + (cols+1)*pad
	H := rows*th + (rows+1)*pad
	img := image.NewRGBA(image.Rect(0, 0, W, H))
	draw.Draw(img, img.Bounds(), image.NewUniform(background), image.Point{}, draw.Src)

	if c < 1 {
		c = 1
	}
	plane := h * w
	for k, im := range images {
		r, col := k/cols, k%cols
		x0 := margin + pad + col*(tw+pad)
		y0 := pad + r*(th+pad)
		if pad >= 2 {
			// A thin frame keeps a tile with white edges apart from
			// the white background.
			fillRect(img, x0-1, y0-1, tw+2, th+2, frameColor)
		}
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				i := y*w + x
				var px color.RGBA
				if c == 3 {
					px = color.RGBA{channel(im, i), channel(im, plane+i), channel(im, 2*plane+i), 0xff}
					if missing(im, i) || missing(im, plane+i) || missing(im, 2*plane+i) {
						px = NaNColor
					}
				} else {
					if missing(im, i) {
						px = NaNColor
					} else {
						g := channel(im, i)
						px = color.RGBA{g, g, g, 0xff}
					}
				}
				fillRect(img, x0+x*scale, y0+y*scale, scale, scale, px)
			}
		}
	}
	for i, l := range rowLabels {
		if i >= rows || l == "" {
			continue
		}
		yc := pad + i*(th+pad) + th/2
		DrawText(img, 6, yc, l)
	}
	return img
}

// MinCell is the least size in screen pixels of the longer side of a tile in
// an image grid or explanation sheet.
const MinCell = 112

// CellScale is the smallest whole magnification that draws an h×w image with
// its longer side at least MinCell pixels (14 for the 8×8 digits, 4 for
// 28×28 Fashion-MNIST); 1 for images already that large.
func CellScale(h, w int) int {
	side := max(h, w, 1)
	return max(1, (MinCell+side-1)/side)
}

// missing reports whether value i of im is absent or NaN.
func missing(im []float32, i int) bool {
	return i >= len(im) || math.IsNaN(float64(im[i]))
}

// channel converts value i of im from [0,1] to a byte, clamping.
func channel(im []float32, i int) uint8 {
	if i >= len(im) {
		return 0
	}
	v := float64(im[i])
	return uint8(math.Round(255 * math.Max(0, math.Min(1, v))))
}

// fillRect paints a w×h rectangle at (x,y) with c.
func fillRect(img *image.RGBA, x, y, w, h int, c color.RGBA) {
	for yy := y; yy < y+h; yy++ {
		off := img.PixOffset(x, yy)
		for xx := 0; xx < w; xx++ {
			img.Pix[off], img.Pix[off+1], img.Pix[off+2], img.Pix[off+3] = c.R, c.G, c.B, c.A
			off += 4
		}
	}
}

// Colorize turns h×w values into a colour image, each value drawn as a
// scale×scale block. With diverging, values are divided by max(|lo|,|hi|)
// and drawn with Diverging, so zero is white whatever the range; otherwise
// they are mapped from [lo,hi] onto [0,1] and drawn with Sequential. When
// lo>=hi the range is taken from the finite values themselves. It is the
// building block of saliency and attribution maps; values shorter than h×w
// leave the remaining pixels in NaNColor.
func Colorize(values []float64, h, w int, lo, hi float64, diverging bool, scale int) *image.RGBA {
	if h < 1 || w < 1 {
		return image.NewRGBA(image.Rect(0, 0, 0, 0))
	}
	if scale < 1 {
		scale = 1
	}
	if !(lo < hi) {
		lo, hi = finiteRange(values)
	}
	m := rangeMapper(lo, hi, diverging)
	img := image.NewRGBA(image.Rect(0, 0, w*scale, h*scale))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			px := NaNColor
			if i := y*w + x; i < len(values) {
				px = m(values[i])
			}
			fillRect(img, x*scale, y*scale, scale, scale, px)
		}
	}
	return img
}

// finiteRange is the smallest and largest finite value of vs, widened to a
// non-empty interval (0,1 when there is none).
func finiteRange(vs []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if lo > hi {
		return 0, 1
	}
	if lo == hi {
		d := math.Max(math.Abs(lo)*0.05, 0.5)
		return lo - d, hi + d
	}
	return lo, hi
}

// rangeMapper returns the value-to-colour function Colorize and ColorBar use.
func rangeMapper(lo, hi float64, diverging bool) func(float64) color.RGBA {
	if diverging {
		m := math.Max(math.Abs(lo), math.Abs(hi))
		if m == 0 {
			m = 1
		}
		return func(v float64) color.RGBA { return Diverging(v / m) }
	}
	return func(v float64) color.RGBA { return Sequential((v - lo) / (hi - lo)) }
}

// ColorBar returns img with a labelled vertical colour bar attached on its
// right: the bar shows the map Colorize uses for [lo,hi] (Diverging over
// ±max(|lo|,|hi|) when diverging, else Sequential over [lo,hi]), with the
// top, middle and bottom values written beside it and label above it.
func ColorBar(img image.Image, lo, hi float64, diverging bool, label string) *image.RGBA {
	if !(lo < hi) {
		lo, hi = finiteRange([]float64{lo, hi})
	}
	if diverging {
		m := math.Max(math.Abs(lo), math.Abs(hi))
		if m == 0 {
			m = 1
		}
		lo, hi = -m, m
	}
	m := rangeMapper(lo, hi, diverging)
	b := img.Bounds()
	ticks := []float64{hi, (lo + hi) / 2, lo}
	tickText := make([]string, len(ticks))
	tw := 0
	for i, t := range ticks {
		tickText[i] = fmt.Sprintf("%.3g", t)
		tw = max(tw, TextWidth(tickText[i]))
	}
	const barW, gap = 18, 10
	lh := LineHeight(Label)
	top, bottom := lh+8, lh/2+4
	side := gap + barW + 8 + tw + 8
	W := b.Dx() + side
	if lw := TextWidth(label) + 10; b.Dx()+lw > W {
		W = b.Dx() + lw
	}
	barH := max(b.Dy(), 112)
	H := top + barH + bottom
	out := image.NewRGBA(image.Rect(0, 0, W, H))
	draw.Draw(out, out.Bounds(), image.NewUniform(background), image.Point{}, draw.Src)
	draw.Draw(out, image.Rect(0, top, b.Dx(), top+b.Dy()), img, b.Min, draw.Src)
	x0 := b.Dx() + gap
	for y := 0; y < barH; y++ {
		v := hi - (hi-lo)*float64(y)/float64(barH-1)
		fillRect(out, x0, top+y, barW, 1, m(v))
	}
	for i, t := range tickText {
		yc := top + i*(barH-1)/2
		fillRect(out, x0+barW, yc, 4, 1, textColor)
		DrawText(out, x0+barW+8, yc, t)
	}
	if label != "" {
		DrawText(out, b.Dx()+4, top/2, label)
	}
	return out
}
