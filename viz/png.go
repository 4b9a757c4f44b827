package viz

import (
	"fmt"
	"image"
	"image/png"
	"io"

	"genxai/runs"
)

// SavePNG writes img to path as a PNG file, atomically. An empty image is
// refused with an error naming path.
func SavePNG(path string, img image.Image) error {
	if img == nil || img.Bounds().Empty() {
		return fmt.Errorf("writing %s: the image is empty (no pixels); check the sizes passed to the function that drew it", path)
	}
	return runs.WriteFileAtomic(path, func(w io.Writer) error {
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		return enc.Encode(w, img)
	})
}
