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
			if k == 2 { // the common factor, without the inner loop
				for x, v := range plane[y*w : (y+1)*w] {
					row[2*x], row[2*x+1] = v, v
				}
			} else {
				for x, v := range plane[y*w : (y+1)*w] {
					for d := 0; d < k; d++ {
						row[x*k+d] = v
					}
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
	if k == 2 {
		upsampleGrad2(src, dst, planes, h, w)
		return
	}
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

// upsampleGrad2 is UpsampleGrad for k = 2, each 2×2 block summed in one
// expression in UpsampleGrad's order (from zero, row by row).
func upsampleGrad2(src, dst []float32, planes, h, w int) {
	w2 := 2 * w
	for p := 0; p < planes; p++ {
		plane := src[p*4*h*w : (p+1)*4*h*w]
		out := dst[p*h*w : (p+1)*h*w]
		for y := 0; y < h; y++ {
			r0, r1, o := plane[2*y*w2:][:w2], plane[(2*y+1)*w2:][:w2], out[y*w:][:w]
			for x := range o {
				zero := float32(0)
				o[x] = zero + r0[2*x] + r0[2*x+1] + r1[2*x] + r1[2*x+1]
			}
		}
	}
}
