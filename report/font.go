package report

import (
	"encoding/base64"
	"html/template"

	"golang.org/x/image/font/gofont/goregular"
)

// goFontFace declares Go Regular (from golang.org/x/image/font/gofont) as the
// page's "Go" family, embedded as a data URI (about 180 kB) so the page needs
// no network. gonum lays the metric plots out with this font's metrics
// (genxai/viz makes the Go fonts its default), so the browser draws their
// text where gonum measured it; the PNG pictures are lettered in the same
// family. The plots use no bold, so the bold cut is left out.
var goFontFace = template.CSS(`@font-face { font-family: "Go"; src: url("data:font/ttf;base64,` +
	base64.StdEncoding.EncodeToString(goregular.TTF) + `") format("truetype"); }`)
