package denoise

import "slices"

// Median3 is the 3×3 median filter, the classical remedy for impulse
// (salt-and-pepper) noise (Tukey 1974; Gonzalez and Woods, "Digital Image
// Processing", §5.3): each pixel of each of the c channels of an h×w image
// becomes the median of the nine pixels around it. Beyond the border the
// image is extended by repeating its edge pixels, which for a 3×3 window is
// the same as scipy.ndimage.median_filter's default mode, reflect.
func Median3(img []float32, c, h, w int) []float32 {
	out := make([]float32, len(img))
	var win [9]float32
	for ch := range c {
		p := img[ch*h*w : (ch+1)*h*w]
		for y := range h {
			for x := range w {
				n := 0
				for dy := -1; dy <= 1; dy++ {
					yy := min(max(y+dy, 0), h-1)
					for dx := -1; dx <= 1; dx++ {
						win[n] = p[yy*w+min(max(x+dx, 0), w-1)]
						n++
					}
				}
				slices.Sort(win[:])
				out[ch*h*w+y*w+x] = win[4]
			}
		}
	}
	return out
}
