package viz

import (
	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
)

// goTypeface is the name under which the Go fonts are registered with
// gonum's font cache.
const goTypeface font.Typeface = "Go"

// init makes the Go fonts the typeface of every gonum plot, so that line
// plots, bar charts and heatmaps are lettered like the image grids (the
// default would be Liberation Serif).
func init() {
	font.DefaultCache.Add(font.Collection{
		{Font: font.Font{Typeface: goTypeface}, Face: goRegular},
		{Font: font.Font{Typeface: goTypeface, Weight: xfont.WeightBold}, Face: goBold},
	})
	plot.DefaultFont = font.Font{Typeface: goTypeface}
}
