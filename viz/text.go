package viz

import (
	"image"
	"image/color"
	"image/draw"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// textColor is the colour of text drawn on images: a dark grey.
var textColor = color.RGBA{0x20, 0x20, 0x20, 0xff}

// face is the bitmap font used to label images; its glyphs are 7 pixels wide
// and lines 13 pixels high.
var face = basicfont.Face7x13

// TextWidth is the width in pixels of s in the bitmap font that labels
// pictures (basicfont.Face7x13).
func TextWidth(s string) int {
	return font.MeasureString(face, s).Ceil()
}

// DrawText writes s in the label font and colour with its left edge at x,
// vertically centred on yc.
func DrawText(img draw.Image, x, yc int, s string) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(textColor), Face: face}
	// Face7x13 has ascent 11 and descent 2; centre the cap height on yc.
	d.Dot = fixed.P(x, yc+5)
	d.DrawString(s)
}
