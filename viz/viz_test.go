package viz

import (
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/plot"
)

// outDir is where the test pictures go; set VIZ_KEEP=dir to keep them for
// looking at.
func outDir(t *testing.T) string {
	if d := os.Getenv("VIZ_KEEP"); d != "" {
		os.MkdirAll(d, 0o755)
		return d
	}
	return t.TempDir()
}

// checkPNG decodes path and checks its size (when w,h > 0) and that it is not
// a single colour.
func checkPNG(t *testing.T, path string, w, h int) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	b := img.Bounds()
	if w > 0 && (b.Dx() != w || b.Dy() != h) {
		t.Fatalf("%s: size %dx%d, want %dx%d", path, b.Dx(), b.Dy(), w, h)
	}
	distinct := map[color.RGBA]bool{}
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			distinct[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)] = true
		}
	}
	if len(distinct) < 3 {
		t.Fatalf("%s: only %d distinct colours", path, len(distinct))
	}
	return img
}

func TestLinePlot(t *testing.T) {
	dir := outDir(t)
	var x, y, e, y2 []float64
	for i := 0; i < 50; i++ {
		x = append(x, float64(i))
		y = append(y, math.Exp(-float64(i)/10))
		e = append(e, 0.05)
		y2 = append(y2, 0.5*math.Exp(-float64(i)/20))
	}
	y2[10] = math.NaN() // a diverged point is skipped, not fatal
	p := filepath.Join(dir, "line.png")
	err := LinePlot(p, "Training loss", "epoch", "loss", []Series{
		{Name: "train", X: x, Y: y, YErr: e},
		{Name: "test", Y: y2},
		{Name: "few", X: x[:8], Y: y[:8], YErr: e[:8]},
	})
	if err != nil {
		t.Fatal(err)
	}
	checkPNG(t, p, 7*dpi, int(4.5*dpi))
}

func TestLinePlotErrors(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "bad.png")
	cases := map[string][]Series{
		"no series":    nil,
		"length":       {{Name: "a", X: []float64{1, 2}, Y: []float64{1}}},
		"err length":   {{Name: "a", Y: []float64{1, 2}, YErr: []float64{1}}},
		"negative err": {{Name: "a", Y: []float64{1, 2}, YErr: []float64{1, -1}}},
		"all nan":      {{Name: "a", Y: []float64{math.NaN()}}},
	}
	for name, s := range cases {
		err := LinePlot(p, "t", "x", "y", s)
		if err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if _, err := os.Stat(p); err == nil {
		t.Fatal("a failed plot left a file")
	}
}

func TestBarChart(t *testing.T) {
	dir := outDir(t)
	labels := []string{"worst concave points", "mean texture", "area error", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q"}
	vals := make([]float64, len(labels))
	for i := range vals {
		vals[i] = math.Sin(float64(i)) * float64(20-i)
	}
	p := filepath.Join(dir, "bars.png")
	if err := BarChart(p, "Term importance", "mean |score|", labels, vals); err != nil {
		t.Fatal(err)
	}
	img := checkPNG(t, p, 8*dpi, int(labelsHeight(len(labels)).Dots(dpi)+0.5))
	// More labels make a taller picture.
	p2 := filepath.Join(dir, "bars_small.png")
	if err := BarChart(p2, "Few", "v", labels[:3], vals[:3]); err != nil {
		t.Fatal(err)
	}
	small := checkPNG(t, p2, 0, 0)
	if small.Bounds().Dy() >= img.Bounds().Dy() {
		t.Fatalf("3 bars %d px high, 20 bars %d px", small.Bounds().Dy(), img.Bounds().Dy())
	}
	if err := BarChart(p, "t", "x", []string{"a"}, []float64{math.NaN()}); err == nil || !strings.Contains(err.Error(), `"a"`) {
		t.Fatalf("NaN: %v", err)
	}
	if err := BarChart(p, "t", "x", []string{"a"}, nil); err == nil {
		t.Fatal("length mismatch accepted")
	}
}

func TestForestPlot(t *testing.T) {
	dir := outDir(t)
	labels := []string{"age", "smoker", "bmi", "exercise"}
	est := []float64{1.02, 2.5, 1.3, 0.6}
	lo := []float64{0.99, 1.8, 0.9, 0.45}
	hi := []float64{1.05, 3.4, 1.9, 0.8}
	p := filepath.Join(dir, "forest_log.png")
	if err := ForestPlot(p, "Odds ratios (95% CI)", "odds ratio", labels, est, lo, hi, 1, true); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, p, 8*dpi, int(labelsHeight(4).Dots(dpi)+0.5))
	p = filepath.Join(dir, "forest_lin.png")
	if err := ForestPlot(p, "Coefficients", "β", labels, []float64{-1, 0.5, 2, 0}, []float64{-2, 0.1, 1, -0.5}, []float64{0, 0.9, 3, 0.5}, 0, false); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, p, 0, 0)
	wide := []float64{0.01, 1, 100, 5}
	if err := ForestPlot(filepath.Join(dir, "forest_wide.png"), "Wide", "OR", labels, wide, []float64{0.001, 0.5, 50, 1}, []float64{0.1, 2, 1000, 10}, 1, true); err != nil {
		t.Fatal(err)
	}
	// Non-positive values on a log axis, estimate outside interval, bad ref.
	if err := ForestPlot(p, "t", "x", labels, est, []float64{0, 1.8, 0.9, 0.45}, hi, 1, true); err == nil || !strings.Contains(err.Error(), "age") {
		t.Fatalf("zero on log axis: %v", err)
	}
	if err := ForestPlot(p, "t", "x", labels, est, hi, hi, 1, false); err == nil || !strings.Contains(err.Error(), "outside") {
		t.Fatalf("estimate outside interval: %v", err)
	}
	if err := ForestPlot(p, "t", "x", labels, est, lo, hi, 0, true); err == nil {
		t.Fatal("ref 0 on log axis accepted")
	}
	if err := ForestPlot(p, "t", "x", labels, est[:2], lo, hi, 1, true); err == nil {
		t.Fatal("length mismatch accepted")
	}
}

func TestHeatmap(t *testing.T) {
	dir := outDir(t)
	classes := []string{"T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}
	cm := make([][]float64, 10)
	for i := range cm {
		cm[i] = make([]float64, 10)
		for j := range cm[i] {
			cm[i][j] = float64((i*7 + j*3) % 11)
		}
		cm[i][i] = 900
	}
	p := filepath.Join(dir, "confusion.png")
	if err := Heatmap(p, "Confusion matrix (rows: true)", classes, classes, cm, false); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, p, 0, 0)

	att := make([][]float64, 40)
	toks := make([]string, 40)
	for i := range att {
		toks[i] = string(rune('a' + i%26))
		att[i] = make([]float64, 40)
		for j := range att[i] {
			att[i][j] = math.Sin(float64(i-j) / 5)
		}
	}
	att[3][4] = math.NaN()
	p = filepath.Join(dir, "attention.png")
	if err := Heatmap(p, "Signed attention", toks, toks, att, true); err != nil {
		t.Fatal(err)
	}
	big := checkPNG(t, p, 0, 0)
	// A constant matrix must still draw.
	if err := Heatmap(filepath.Join(dir, "const.png"), "Constant", nil, nil, [][]float64{{2, 2}, {2, 2}}, false); err != nil {
		t.Fatal(err)
	}
	small := checkPNG(t, filepath.Join(dir, "const.png"), 0, 0)
	if small.Bounds().Dy() >= big.Bounds().Dy() {
		t.Fatal("40×40 heatmap is not taller than 2×2")
	}
	if err := Heatmap(p, "t", nil, nil, [][]float64{{1, 2}, {3}}, false); err == nil || !strings.Contains(err.Error(), "row 2") {
		t.Fatalf("ragged: %v", err)
	}
	if err := Heatmap(p, "t", []string{"a"}, nil, [][]float64{{1}, {3}}, false); err == nil {
		t.Fatal("label count mismatch accepted")
	}
	if err := Heatmap(p, "t", nil, nil, [][]float64{{math.Inf(1)}}, false); err == nil {
		t.Fatal("Inf accepted")
	}
	if err := Heatmap(p, "t", nil, nil, nil, false); err == nil {
		t.Fatal("empty accepted")
	}
}

func TestGrid(t *testing.T) {
	dir := outDir(t)
	const c, h, w = 1, 6, 5
	var ims [][]float32
	for k := 0; k < 7; k++ {
		im := make([]float32, c*h*w)
		for i := range im {
			im[i] = float32(i%w+k) / 10
		}
		ims = append(ims, im)
	}
	// The scale asked for (2) is below CellScale, which wins: tiles are
	// at least MinCell pixels on their longer side.
	sc := CellScale(h, w)
	if sc*h < MinCell || (sc-1)*h >= MinCell {
		t.Fatalf("CellScale(%d,%d) = %d: not the least scale reaching %d px", h, w, sc, MinCell)
	}
	img := Grid(ims, c, h, w, 3, 2, 1)
	tw, th := w*sc, h*sc
	// 3 columns, 3 rows, padding 1 around and between.
	if b := img.Bounds(); b.Dx() != 3*tw+4 || b.Dy() != 3*th+4 {
		t.Fatalf("grid size %v, want %dx%d", b, 3*tw+4, 3*th+4)
	}
	if got := img.RGBAAt(0, 0); got != background {
		t.Fatalf("padding pixel %v", got)
	}
	// Image 4 (row 1, col 1), pixel (x=2,y=0) holds (2+4)/10 = 0.6.
	x0, y0 := 1+1*(tw+1), 1+1*(th+1)
	want := uint8(math.Round(0.6 * 255))
	if got := img.RGBAAt(x0+2*sc+1, y0+1); got.R != want || got.G != want || got.B != want {
		t.Fatalf("pixel = %v, want grey %d", got, want)
	}
	p := filepath.Join(dir, "grid.png")
	if err := SavePNG(p, img); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, p, 3*tw+4, 3*th+4)

	// RGB: a pure red image.
	red := make([]float32, 3*2*2)
	for i := 0; i < 4; i++ {
		red[i] = 1
	}
	rgb := Grid([][]float32{red}, 3, 2, 2, 1, 1, 0)
	if got := rgb.RGBAAt(1, 1); got != (color.RGBA{255, 0, 0, 255}) {
		t.Fatalf("rgb pixel %v", got)
	}
	// Clamping, NaN and short images never panic.
	odd := Grid([][]float32{{-3, 7, float32(math.NaN())}}, 1, 2, 2, 0, 0, -1)
	q := CellScale(2, 2)
	if odd.RGBAAt(0, 0).R != 0 || odd.RGBAAt(q, 0).R != 255 || odd.RGBAAt(0, q) != NaNColor || odd.RGBAAt(q, q) != NaNColor {
		t.Fatalf("clamping/NaN/missing wrong: %v %v %v %v", odd.RGBAAt(0, 0), odd.RGBAAt(q, 0), odd.RGBAAt(0, q), odd.RGBAAt(q, q))
	}
	if e := Grid(nil, 1, 2, 2, 1, 1, 0); !e.Bounds().Empty() {
		t.Fatal("empty grid not empty")
	}
	if err := SavePNG(filepath.Join(dir, "empty.png"), Grid(nil, 1, 2, 2, 1, 1, 0)); err == nil {
		t.Fatal("empty image saved")
	}
}

func TestGridWithLabelsAndColorBar(t *testing.T) {
	dir := outDir(t)
	var ims [][]float32
	for k := 0; k < 6; k++ {
		im := make([]float32, 28*28)
		for i := range im {
			im[i] = float32((i/28+k)%28) / 27
		}
		ims = append(ims, im)
	}
	plain := Grid(ims, 1, 28, 28, 3, 2, 2)
	lab := GridWithLabels(ims, 1, 28, 28, 3, 2, 2, []string{"z1 -2..2", "z2"})
	if lab.Bounds().Dy() != plain.Bounds().Dy() || lab.Bounds().Dx() <= plain.Bounds().Dx() {
		t.Fatalf("labelled %v, plain %v", lab.Bounds(), plain.Bounds())
	}
	// The label margin holds dark text pixels.
	dark := 0
	for y := 0; y < lab.Bounds().Dy(); y++ {
		for x := 0; x < lab.Bounds().Dx()-plain.Bounds().Dx(); x++ {
			if lab.RGBAAt(x, y).R < 128 {
				dark++
			}
		}
	}
	if dark < 20 {
		t.Fatalf("label margin has %d dark pixels", dark)
	}
	p := filepath.Join(dir, "grid_labels.png")
	if err := SavePNG(p, lab); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, p, lab.Bounds().Dx(), lab.Bounds().Dy())

	vals := make([]float64, 28*28)
	for i := range vals {
		vals[i] = math.Sin(float64(i%28)/4) * math.Cos(float64(i/28)/4)
	}
	sal := Colorize(vals, 28, 28, 0, 0, true, 4)
	withBar := ColorBar(sal, -1, 1, true, "attribution")
	if withBar.Bounds().Dx() <= sal.Bounds().Dx() || withBar.Bounds().Dy() < sal.Bounds().Dy() {
		t.Fatalf("colour bar did not enlarge: %v vs %v", withBar.Bounds(), sal.Bounds())
	}
	p = filepath.Join(dir, "saliency.png")
	if err := SavePNG(p, withBar); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, p, 0, 0)
	seq := ColorBar(Colorize(vals, 28, 28, 0, 0, false, 4), 0, 0, false, "")
	if err := SavePNG(filepath.Join(dir, "seq.png"), seq); err != nil {
		t.Fatal(err)
	}
}

func TestColorMaps(t *testing.T) {
	if Diverging(0) != (color.RGBA{0xf7, 0xf7, 0xf7, 0xff}) {
		t.Fatalf("Diverging(0) = %v, want near white", Diverging(0))
	}
	if c := Diverging(-1); c.B <= c.R {
		t.Fatalf("Diverging(-1) = %v, want blue", c)
	}
	if c := Diverging(1); c.R <= c.B {
		t.Fatalf("Diverging(1) = %v, want red", c)
	}
	if Diverging(5) != Diverging(1) || Diverging(-5) != Diverging(-1) {
		t.Fatal("Diverging does not clamp")
	}
	// Sequential is perceptually ordered: luminance increases with v.
	prev := -1.0
	for i := 0; i <= 100; i++ {
		l := luminance(Sequential(float64(i) / 100))
		if l < prev-1e-9 {
			t.Fatalf("Sequential luminance drops at %d: %v < %v", i, l, prev)
		}
		prev = l
	}
	// Diverging: lightness falls with |v| on both sides of zero.
	for i := 1; i <= 20; i++ {
		v := float64(i) / 20
		if luminance(Diverging(v)) > luminance(Diverging(v-0.05))+1e-9 {
			t.Fatalf("Diverging gets lighter at %v", v)
		}
		if luminance(Diverging(-v)) > luminance(Diverging(-v+0.05))+1e-9 {
			t.Fatalf("Diverging gets lighter at %v", -v)
		}
	}
	if Sequential(math.NaN()) != NaNColor || Diverging(math.NaN()) != NaNColor {
		t.Fatal("NaN colour")
	}
}

func TestColorMapAnchors(t *testing.T) {
	if got := viridisAnchors[0]; got != (color.RGBA{0x44, 0x01, 0x54, 0xff}) {
		t.Errorf("viridis starts at %v, want #440154", got)
	}
	if got := rdbuAnchors[8]; got != (color.RGBA{0xb2, 0x18, 0x2b, 0xff}) {
		t.Errorf("RdBu ends at %v, want #b2182b", got)
	}
	if len(viridisAnchors) != 9 || len(rdbuAnchors) != 9 {
		t.Errorf("anchors: %d viridis, %d RdBu, want 9 each", len(viridisAnchors), len(rdbuAnchors))
	}
	for _, bad := range []string{"12345", "gg0000", "1234567"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("hexColors(%q) did not panic", bad)
				}
			}()
			hexColors(bad)
		}()
	}
}

// inkBox is the bounding box of the pixels of img darker than mid grey.
func inkBox(img *image.RGBA, r image.Rectangle) (image.Rectangle, int) {
	box, n := image.Rectangle{}, 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if img.RGBAAt(x, y).R < 128 {
				box = box.Union(image.Rect(x, y, x+1, y+1))
				n++
			}
		}
	}
	return box, n
}

// TestTextIsLegible: labels are drawn in a typeface large enough to read (a
// capital H at least 10 pixels tall, which the old 7×13 bitmap font was not),
// centred on the line asked for, and titles stand out larger still.
func TestTextIsLegible(t *testing.T) {
	for _, st := range []Style{Label, Title} {
		img := image.NewRGBA(image.Rect(0, 0, 120, 60))
		for i := range img.Pix {
			img.Pix[i] = 0xff
		}
		DrawStyled(img, st, 10, 30, "HHH")
		box, n := inkBox(img, img.Bounds())
		if n == 0 {
			t.Fatalf("style %d: nothing drawn", st)
		}
		minH := 10
		if st == Title {
			minH = 12
		}
		if box.Dy() < minH {
			t.Errorf("style %d: capital H is %d px tall, want at least %d", st, box.Dy(), minH)
		}
		if mid := (box.Min.Y + box.Max.Y) / 2; mid < 28 || mid > 32 {
			t.Errorf("style %d: text centred on y=%d, asked for 30", st, mid)
		}
		if w := StyledWidth(st, "HHH"); box.Dx() > w || box.Dx() < w/2 {
			t.Errorf("style %d: ink %d px wide, measured width %d", st, box.Dx(), w)
		}
	}
	if StyledWidth(Title, "Saliency") <= TextWidth("Saliency") {
		t.Error("the title face is not larger than the label face")
	}
}

// TestWithTitle: the title band sits above the picture, holds ink, wraps a
// long title onto several lines, and leaves the picture untouched below it.
func TestWithTitle(t *testing.T) {
	ims := [][]float32{make([]float32, 64), make([]float32, 64)}
	grid := Grid(ims, 1, 8, 8, 2, 1, 2)
	short := WithTitle(grid, "Saliency of class 3")
	band := TitleBand(1)
	if band < LineHeight(Title) || short.Bounds().Dy() != band+grid.Bounds().Dy() {
		t.Fatalf("titled %v, grid %v, band %d", short.Bounds(), grid.Bounds(), band)
	}
	if _, n := inkBox(short, image.Rect(0, 0, short.Bounds().Dx(), band)); n < 50 {
		t.Fatalf("title band has %d dark pixels; the title was not drawn", n)
	}
	if got, want := short.RGBAAt(5, band+5), grid.RGBAAt(5, 5); got != want {
		t.Fatalf("picture moved: %v below the band, %v in the grid", got, want)
	}
	long := WithTitle(grid, strings.Repeat("a rather long title that says what is shown ", 4))
	if long.Bounds().Dy() < TitleBand(2)+grid.Bounds().Dy() {
		t.Fatalf("a long title was not wrapped: %v", long.Bounds())
	}
	if WithTitle(grid, "") != grid {
		t.Fatal("an empty title changed the picture")
	}
}

// TestCompactTicks: tick labels drop trailing zeros and exponents that
// plot.DefaultTicks writes, and keep its tick positions.
func TestCompactTicks(t *testing.T) {
	for _, c := range []struct {
		min, max float64
		want     string
	}{{0, 200, "100"}, {0.0005, 0.0015, "0.001"}, {240, 248, "244"}} {
		var labels []string
		def := plot.DefaultTicks{}.Ticks(c.min, c.max)
		got := CompactTicks{}.Ticks(c.min, c.max)
		if len(got) != len(def) {
			t.Fatalf("[%v,%v]: %d ticks, default has %d", c.min, c.max, len(got), len(def))
		}
		for i, tk := range got {
			if tk.Value != def[i].Value {
				t.Fatalf("tick %d moved: %v vs %v", i, tk.Value, def[i].Value)
			}
			if tk.Label != "" {
				labels = append(labels, tk.Label)
			}
		}
		if !slices.Contains(labels, c.want) {
			t.Errorf("[%v,%v]: labels %q lack %q", c.min, c.max, labels, c.want)
		}
		for _, l := range labels {
			if strings.HasSuffix(l, "0") && strings.Contains(l, ".") {
				t.Errorf("[%v,%v]: label %q has trailing zeros", c.min, c.max, l)
			}
		}
	}
}
