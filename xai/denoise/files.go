package denoise

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"genxai/data"
)

// Shape is the image shape of a run: channels, height and width.
type Shape struct{ C, H, W int }

// isIndex reports whether an --input part names an image of the run's data
// set (test:3, train:5 or a bare number) rather than a file.
func isIndex(part string) bool {
	if strings.HasPrefix(part, "test:") || strings.HasPrefix(part, "train:") {
		return true
	}
	_, err := strconv.Atoi(part)
	return err == nil
}

// ReadImageFiles reads the images a path names, each as C·H·W pixels in
// [0, 1] with a name for scores.csv: a PNG file (8- or 16-bit, any colour
// model; converted to gray with the ITU-R BT.601 luma weights of Go's
// color.GrayModel for a one-channel run, to RGB for a three-channel one,
// alpha ignored); a directory, every *.png in it in name order; or any other
// file, read as IDX images (gzip'd or raw, data.ReadIDXImages). Images are
// not resized: one whose size differs from the run's is refused with an
// error naming the file and both sizes.
func ReadImageFiles(path string, s Shape) (pixels [][]float32, names []string, err error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, nil, fmt.Errorf("--input %s: %w; give test:N, train:N, a PNG file, a directory of PNGs or an IDX image file", path, err)
	}
	if info.IsDir() {
		files, err := filepath.Glob(filepath.Join(path, "*.png"))
		if err != nil || len(files) == 0 {
			return nil, nil, fmt.Errorf("--input %s: a directory without *.png files; put the PNG images to denoise in it", path)
		}
		slices.Sort(files)
		for _, f := range files {
			img, err := readPNG(f, s)
			if err != nil {
				return nil, nil, err
			}
			pixels, names = append(pixels, img), append(names, f)
		}
		return pixels, names, nil
	}
	if strings.EqualFold(filepath.Ext(path), ".png") {
		img, err := readPNG(path, s)
		if err != nil {
			return nil, nil, err
		}
		return [][]float32{img}, []string{path}, nil
	}
	return readIDX(path, s)
}

// sizeError is the refusal of an image whose size differs from the run's.
func sizeError(path string, w, h int, s Shape) error {
	return fmt.Errorf("--input %s: the image is %d×%d pixels (width×height) but the run's model takes %d×%d; images are not resized, so give images of the run's size",
		path, w, h, s.W, s.H)
}

// readPNG decodes one PNG file into C·H·W pixels in [0, 1] (see
// ReadImageFiles).
func readPNG(path string, s Shape) ([]float32, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--input %s: %w", path, err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("--input %s: not a readable PNG image: %w", path, err)
	}
	b := img.Bounds()
	if b.Dx() != s.W || b.Dy() != s.H {
		return nil, sizeError(path, b.Dx(), b.Dy(), s)
	}
	if s.C != 1 && s.C != 3 {
		return nil, fmt.Errorf("--input %s: the run's images have %d channels; PNG input is read as gray (1) or RGB (3)", path, s.C)
	}
	plane := s.H * s.W
	out := make([]float32, s.C*plane)
	if g, ok := img.(*image.Gray); ok && s.C == 1 {
		// 8-bit gray, the common case: byte/255 exactly as the data sets.
		for y := 0; y < s.H; y++ {
			for x := 0; x < s.W; x++ {
				out[y*s.W+x] = float32(g.GrayAt(b.Min.X+x, b.Min.Y+y).Y) / 255
			}
		}
		return out, nil
	}
	for y := 0; y < s.H; y++ {
		for x := 0; x < s.W; x++ {
			p := img.At(b.Min.X+x, b.Min.Y+y)
			i := y*s.W + x
			if s.C == 1 {
				out[i] = float32(color.Gray16Model.Convert(p).(color.Gray16).Y) / 0xffff
				continue
			}
			r, g, bl, _ := p.RGBA()
			out[i], out[plane+i], out[2*plane+i] = float32(r)/0xffff, float32(g)/0xffff, float32(bl)/0xffff
		}
	}
	return out, nil
}

// readIDX reads every image of an IDX image file as one-channel pixels
// byte/255, named FILE#i.
func readIDX(path string, s Shape) ([][]float32, []string, error) {
	n, h, w, raw, err := data.ReadIDXImages(path)
	if err != nil {
		return nil, nil, fmt.Errorf("--input %s: neither a PNG file (by its .png name) nor a directory, and as IDX images: %w", path, err)
	}
	if h != s.H || w != s.W {
		return nil, nil, sizeError(path, w, h, s)
	}
	if s.C != 1 {
		return nil, nil, fmt.Errorf("--input %s: IDX images have one channel but the run's have %d", path, s.C)
	}
	pixels, names := make([][]float32, n), make([]string, n)
	for i := range pixels {
		pixels[i] = make([]float32, h*w)
		for j, v := range raw[i*h*w : (i+1)*h*w] {
			pixels[i][j] = float32(v) / 255
		}
		names[i] = path + "#" + strconv.Itoa(i)
	}
	return pixels, names, nil
}
