package denoise

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"genxai/data"
)

// writePNG saves img as a PNG file at path.
func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// grayPNG writes a w×h gray PNG whose pixel (x, y) is byte 7x+11y+3 (mod
// 256) and returns the pixels as [0, 1] values.
func grayPNG(t *testing.T, path string, w, h int) []float32 {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	want := make([]float32, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := uint8(7*x + 11*y + 3)
			img.SetGray(x, y, color.Gray{Y: v})
			want[y*w+x] = float32(v) / 255
		}
	}
	writePNG(t, path, img)
	return want
}

// TestReadImageFiles reads a gray PNG, an RGB PNG (converted to gray), a
// directory of PNGs and an IDX file, and refuses wrong sizes naming the
// file and both sizes.
func TestReadImageFiles(t *testing.T) {
	dir := t.TempDir()
	s := Shape{C: 1, H: 4, W: 5}
	want := grayPNG(t, filepath.Join(dir, "a.png"), 5, 4)
	got, names, err := ReadImageFiles(filepath.Join(dir, "a.png"), s)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || names[0] != filepath.Join(dir, "a.png") {
		t.Fatalf("%d images named %v, want one named after the file", len(got), names)
	}
	for i := range want {
		if got[0][i] != want[i] {
			t.Fatalf("gray pixel %d = %v, want %v (byte/255)", i, got[0][i], want[i])
		}
	}

	// RGB: pure red (255, 0, 0) is luma 0.299 in BT.601.
	rgb := image.NewRGBA(image.Rect(0, 0, 5, 4))
	for i := range rgb.Pix {
		rgb.Pix[i] = 0
		if i%4 == 0 || i%4 == 3 {
			rgb.Pix[i] = 255
		}
	}
	writePNG(t, filepath.Join(dir, "b.png"), rgb)
	got, _, err = ReadImageFiles(filepath.Join(dir, "b.png"), s)
	if err != nil {
		t.Fatal(err)
	}
	if v := got[0][7]; v < 0.298 || v > 0.300 {
		t.Errorf("red converted to gray %v, want 0.299", v)
	}

	// A directory: every PNG in name order.
	got, names, err = ReadImageFiles(dir, s)
	if err != nil || len(got) != 2 || !strings.HasSuffix(names[1], "b.png") {
		t.Fatalf("directory: %d images %v, err %v; want a.png then b.png", len(got), names, err)
	}

	// IDX: two images.
	idx := filepath.Join(dir, "imgs.idx")
	f, err := os.Create(idx)
	if err != nil {
		t.Fatal(err)
	}
	wr, err := data.NewIDXWriter(f, 2, 4, 5)
	if err != nil {
		t.Fatal(err)
	}
	raw := make([]uint8, 40)
	for i := range raw {
		raw[i] = uint8(6 * i)
	}
	if err := wr.Write(raw); err != nil {
		t.Fatal(err)
	}
	f.Close()
	got, names, err = ReadImageFiles(idx, s)
	if err != nil || len(got) != 2 || names[1] != idx+"#1" || got[1][3] != float32(raw[23])/255 {
		t.Fatalf("IDX: %d images %v, err %v", len(got), names, err)
	}

	for _, c := range []struct {
		path, want string
	}{
		{filepath.Join(dir, "a.png"), "a.png: the image is 5×4 pixels (width×height) but the run's model takes 28×28"},
		{idx, "imgs.idx: the image is 5×4 pixels"},
		{filepath.Join(dir, "missing.png"), "missing.png"},
		{t.TempDir(), "without *.png files"},
	} {
		if _, _, err := ReadImageFiles(c.path, Shape{C: 1, H: 28, W: 28}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want one containing %q", c.path, err, c.want)
		}
	}
}
