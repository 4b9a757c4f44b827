package kern

// Upsample writes the planes (h, w) of src, each pixel repeated k×k times,
// into the planes (k·h, k·w) of dst.
func Upsample(src, dst []float32, planes, h, w, k int) {
	w2 := w * k
	for p := 0; p < planes; p++ {
		plane := src[p*h*w : (p+1)*h*w]
		out := dst[p*h*k*w2 : (p+1)*h*k*w2]
		for y := 0; y < h; y++ {
			row := out[y*k*w2 : y*k*w2+w2]
			for x, v := range plane[y*w : (y+1)*w] {
				for d := 0; d < k; d++ {
					row[x*k+d] = v
				}
			}
			for d := 1; d < k; d++ {
				copy(out[(y*k+d)*w2:(y*k+d+1)*w2], row)
			}
		}
	}
}

// UpsampleGrad writes into each pixel of the planes (h, w) of dst the sum
// of its k×k block of src, row by row.
func UpsampleGrad(src, dst []float32, planes, h, w, k int) {
	clear(dst)
	h2, w2 := h*k, w*k
	for p := 0; p < planes; p++ {
		plane := src[p*h2*w2 : (p+1)*h2*w2]
		out := dst[p*h*w : (p+1)*h*w]
		for y2 := 0; y2 < h2; y2++ {
			row := plane[y2*w2 : (y2+1)*w2]
			acc := out[(y2/k)*w : (y2/k+1)*w]
			for x2, v := range row {
				acc[x2/k] += v
			}
		}
	}
}
