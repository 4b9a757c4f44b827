package viz

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// textColor is the colour of text drawn on images: a dark grey.
var textColor = color.RGBA{0x20, 0x20, 0x20, 0xff}

// Text styles of the labels on image grids and explanation sheets. The faces
// are the Go fonts (Bigelow & Holmes, 2016, shipped with golang.org/x/image)
// rasterised at 72 DPI, so a size in points is a size in pixels.
const (
	// LabelSize is the pixel size of labels, ticks and column headings.
	LabelSize = 15
	// TitleSize is the pixel size of the title line above a picture.
	TitleSize = 18
)

// Style picks one of the two faces pictures are labelled with.
type Style int

const (
	// Label is Go Regular at LabelSize: row labels, headings, ticks.
	Label Style = iota
	// Title is Go Bold at TitleSize: the line that says what is shown.
	Title
)

// goRegular and goBold are the Go fonts, parsed once from the TrueType data
// embedded in the gofont packages; plots (fonts.go) use them too.
var (
	goRegular = mustParse(goregular.TTF)
	goBold    = mustParse(gobold.TTF)
)

// faces holds the label and title faces.
var faces = [...]font.Face{
	Label: mustFace(goRegular, LabelSize),
	Title: mustFace(goBold, TitleSize),
}

// mustParse parses TrueType data. It panics on failure: the fonts are
// constants of the module.
func mustParse(ttf []byte) *opentype.Font {
	f, err := opentype.Parse(ttf)
	if err != nil {
		panic(fmt.Sprintf("viz: parsing an embedded Go font: %v", err))
	}
	return f
}

// mustFace returns f's face at size pixels.
func mustFace(f *opentype.Font, size float64) font.Face {
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic(fmt.Sprintf("viz: sizing an embedded Go font at %v px: %v", size, err))
	}
	return face
}

// LineHeight is the height in pixels of one line of text in style st,
// including the gap to the next line.
func LineHeight(st Style) int {
	return faces[st].Metrics().Height.Ceil() + 2
}

// TextWidth is the width in pixels of s written in the label style.
func TextWidth(s string) int { return StyledWidth(Label, s) }

// StyledWidth is the width in pixels of s written in style st.
func StyledWidth(st Style, s string) int {
	return font.MeasureString(faces[st], s).Ceil()
}

// DrawText writes s in the label style with its left edge at x, vertically
// centred on yc. It is DrawStyled with Label.
func DrawText(img draw.Image, x, yc int, s string) { DrawStyled(img, Label, x, yc, s) }

// DrawStyled writes s in style st and the text colour with its left edge at
// x, its cap height centred on yc. This is the one place genxai draws text
// on raster pictures.
func DrawStyled(img draw.Image, st Style, x, yc int, s string) {
	face := faces[st]
	m := face.Metrics()
	capH := m.CapHeight
	if capH <= 0 {
		capH = m.Ascent * 7 / 10
	}
	d := font.Drawer{Dst: img, Src: image.NewUniform(textColor), Face: face}
	d.Dot = fixed.Point26_6{X: fixed.I(x), Y: fixed.I(yc) + capH/2}
	d.DrawString(s)
}

// Wrap splits s at spaces into lines at most width pixels wide in style st;
// a word longer than width stays whole on its own line.
func Wrap(st Style, s string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		switch {
		case line == "":
			line = word
		case StyledWidth(st, line+" "+word) <= width:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// WithTitle returns img below a band holding title in the title style,
// wrapped to the picture's width (and never narrower than 480 pixels, so a
// small picture does not squeeze its title into a column of words). The
// picture is left-aligned on a white background. An empty title returns
// img unchanged when it is an *image.RGBA, otherwise a copy.
func WithTitle(img image.Image, title string) *image.RGBA {
	b := img.Bounds()
	if title == "" {
		if rgba, ok := img.(*image.RGBA); ok {
			return rgba
		}
		out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
		return out
	}
	const margin = 6
	width := max(b.Dx(), 480)
	lines := Wrap(Title, title, width-2*margin)
	W := b.Dx()
	for _, l := range lines {
		W = max(W, StyledWidth(Title, l)+2*margin)
	}
	lh := LineHeight(Title)
	band := TitleBand(len(lines))
	out := image.NewRGBA(image.Rect(0, 0, W, band+b.Dy()))
	draw.Draw(out, out.Bounds(), image.NewUniform(background), image.Point{}, draw.Src)
	for i, l := range lines {
		DrawStyled(out, Title, margin, margin+i*lh+lh/2, l)
	}
	draw.Draw(out, image.Rect(0, band, b.Dx(), band+b.Dy()), img, b.Min, draw.Src)
	return out
}

// TitleBand is the height in pixels of the band WithTitle puts above a
// picture for a title of lines lines.
func TitleBand(lines int) int {
	if lines <= 0 {
		return 0
	}
	return 2*6 + lines*LineHeight(Title)
}
