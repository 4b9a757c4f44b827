package viz

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"
)

// viridisAnchors are nine evenly spaced samples of the viridis colour map
// (van der Walt & Smith, "A better default colormap for matplotlib", 2015).
var viridisAnchors = hexColors("440154 472c7a 3b518b 2c718e 21908d 27ad81 5cc863 aadc32 fde725")

// rdbuAnchors run from strong blue (-1) through near-white (0) to strong red
// (+1), after the nine-class RdBu scheme of ColorBrewer (Brewer, 2002).
var rdbuAnchors = hexColors("2166ac 4393c3 92c5de d1e5f0 f7f7f7 fddbc7 f4a582 d6604d b2182b")

// hexColors parses a space-separated list of opaque colours written as six
// hexadecimal digits, RRGGBB, the way colour-map tables publish them. It
// panics on a malformed entry: the lists are constants of this package.
func hexColors(list string) []color.RGBA {
	var out []color.RGBA
	for _, h := range strings.Fields(list) {
		v, err := strconv.ParseUint(h, 16, 32)
		if err != nil || len(h) != 6 {
			panic(fmt.Sprintf("viz: colour %q is not RRGGBB", h))
		}
		out = append(out, color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff})
	}
	return out
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
