package report

import (
	"encoding/base64"
	"html/template"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// goFontFace declares the Go fonts (Go Regular and Go Bold, from
// golang.org/x/image/font/gofont) as the page's "Go" family, embedded as data
// URIs so the page needs no network. The metric plots are laid out by gonum
// with these fonts' metrics (genxai/viz registers them as gonum's default),
// so the browser draws their text exactly where gonum measured it; the PNG
// pictures are lettered in the same fonts.
var goFontFace = template.CSS(
	fontFace(goregular.TTF, "normal") + fontFace(gobold.TTF, "bold"))

// fontFace is one @font-face rule of the "Go" family for TrueType data ttf.
func fontFace(ttf []byte, weight string) string {
	return `@font-face { font-family: "Go"; font-weight: ` + weight + `; src: url("data:font/ttf;base64,` +
		base64.StdEncoding.EncodeToString(ttf) + `") format("truetype"); }
`
}
