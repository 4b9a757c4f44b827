package viz

import (
	"image/color"
	"math"
)

// viridisAnchors are nine evenly spaced samples of the viridis colour map
// (van der Walt & Smith, "A better default colormap for matplotlib", 2015).
var viridisAnchors = []color.RGBA{
	{0x44, 0x01, 0x54, 0xff},
	{0x47, 0x2c, 0x7a, 0xff},
	{0x3b, 0x51, 0x8b, 0xff},
	{0x2c, 0x71, 0x8e, 0xff},
	{0x21, 0x90, 0x8d, 0xff},
	{0x27, 0xad, 0x81, 0xff},
	{0x5c, 0xc8, 0x63, 0xff},
	{0xaa, 0xdc, 0x32, 0xff},
	{0xfd, 0xe7, 0x25, 0xff},
}

// rdbuAnchors run from strong blue (-1) through near-white (0) to strong red
// (+1), after the nine-class RdBu scheme of ColorBrewer (Brewer, 2002).
var rdbuAnchors = []color.RGBA{
	{0x21, 0x66, 0xac, 0xff},
	{0x43, 0x93, 0xc3, 0xff},
	{0x92, 0xc5, 0xde, 0xff},
	{0xd1, 0xe5, 0xf0, 0xff},
	{0xf7, 0xf7, 0xf7, 0xff},
	{0xfd, 0xdb, 0xc7, 0xff},
	{0xf4, 0xa5, 0x82, 0xff},
	{0xd6, 0x60, 0x4d, 0xff},
	{0xb2, 0x18, 0x2b, 0xff},
}

// NaNColor is the colour the colour maps give to NaN: a neutral mid grey
// that belongs to neither map.
var NaNColor = color.RGBA{0x80, 0x80, 0x80, 0xff}

// interpolate maps t in [0,1] onto the piecewise-linear path through anchors.
func interpolate(anchors []color.RGBA, t float64) color.RGBA {
	if math.IsNaN(t) {
		return NaNColor
	}
	t = math.Max(0, math.Min(1, t))
	pos := t * float64(len(anchors)-1)
	i := int(pos)
	if i >= len(anchors)-1 {
		return anchors[len(anchors)-1]
	}
	f := pos - float64(i)
	a, b := anchors[i], anchors[i+1]
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*(1-f) + float64(y)*f)) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xff}
}

// Sequential maps v in [0,1] onto a viridis-like colour map: dark purple at
// 0, through blue and green, to yellow at 1, with lightness increasing
// monotonically so that order reads correctly in grey. Values outside [0,1]
// are clamped; NaN gives NaNColor.
func Sequential(v float64) color.RGBA { return interpolate(viridisAnchors, v) }

// Diverging maps v in [-1,1] onto a blue-white-red colour map: blue for
// negative, white at zero, red for positive, getting darker as |v| grows
// on either side. Values outside [-1,1] are clamped; NaN gives NaNColor.
func Diverging(v float64) color.RGBA { return interpolate(rdbuAnchors, (v+1)/2) }

// Gray maps v in [0,1] to a grey level (0 black, 1 white), clamping.
func Gray(v float64) color.RGBA {
	if math.IsNaN(v) {
		return NaNColor
	}
	g := uint8(math.Round(255 * math.Max(0, math.Min(1, v))))
	return color.RGBA{g, g, g, 0xff}
}

// luminance is the relative luminance of c in [0,1] (ITU-R BT.709 weights on
// gamma-encoded values, precise enough to choose black or white text).
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	return (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 0xffff
}
