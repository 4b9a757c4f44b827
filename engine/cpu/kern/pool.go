package kern

// MaxPool writes the maxima of the k×k windows (stride k) of the planes
// (h, w) of x into the planes (h/k, w/k) of y. A 2×2 window takes the
// builtin max, which differs from a scan only for NaN and signed zeros.
func MaxPool(x, y []float32, planes, h, w, k int) {
	oh, ow := h/k, w/k
	for p := 0; p < planes; p++ {
		plane := x[p*h*w : (p+1)*h*w]
		out := y[p*oh*ow : (p+1)*oh*ow]
		for oy := 0; oy < oh; oy++ {
			dst := out[oy*ow : (oy+1)*ow]
			if k == 2 {
				r0 := plane[2*oy*w:][: 2*ow : 2*ow]
				r1 := plane[(2*oy+1)*w:][: 2*ow : 2*ow]
				for ox := range dst {
					// The builtin max has no branch to mispredict;
					// it differs from a scan only for NaN and
					// signed zeros (max(−0, +0) is +0).
					dst[ox] = max(max(r0[2*ox], r0[2*ox+1]), max(r1[2*ox], r1[2*ox+1]))
				}
				continue
			}
			// The first row of the windows starts the maxima; the
			// others update them.
			for ky := 0; ky < k; ky++ {
				row := plane[(oy*k+ky)*w:][:ow*k]
				for ox := range dst {
					win := row[ox*k : (ox+1)*k]
					m := dst[ox]
					start := 0
					if ky == 0 {
						m, start = win[0], 1
					}
					for _, v := range win[start:] {
						if v > m {
							m = v
						}
					}
					dst[ox] = m
				}
			}
		}
	}
}

// MaxPoolGrad writes dx: dy of each window at the window's first element
// (row-major) equal to its maximum y, zero elsewhere (a NaN maximum routes
// nothing). x and dx are planes (h, w), y and dy planes (h/k, w/k).
func MaxPoolGrad(x, y, dy, dx []float32, planes, h, w, k int) {
	oh, ow := h/k, w/k
	clear(dx)
	for p := 0; p < planes; p++ {
		plane := x[p*h*w : (p+1)*h*w]
		grad := dx[p*h*w : (p+1)*h*w]
		out := y[p*oh*ow : (p+1)*oh*ow]
		dout := dy[p*oh*ow : (p+1)*oh*ow]
		for oy := 0; oy < oh; oy++ {
			ys, dys := out[oy*ow:(oy+1)*ow], dout[oy*ow:(oy+1)*ow]
			base := oy * k * w
			if k == 2 {
				r0 := plane[base:][: 2*ow : 2*ow]
				r1 := plane[base+w:][: 2*ow : 2*ow]
				g0 := grad[base : base+2*w]
				for ox, m := range ys {
					if m != m {
						continue // NaN: no element equals it
					}
					// The first of the four equal to m, found by
					// conditional moves rather than branches.
					i := 2 * ox
					o := w + i + 1
					if r1[i] == m {
						o = w + i
					}
					if r0[i+1] == m {
						o = i + 1
					}
					if r0[i] == m {
						o = i
					}
					g0[o] = dys[ox]
				}
				continue
			}
		windows:
			for ox, m := range ys {
				for ky := 0; ky < k; ky++ {
					off := base + ky*w + ox*k
					for kx, v := range plane[off : off+k] {
						if v == m {
							grad[off+kx] = dys[ox]
							continue windows
						}
					}
				}
			}
		}
	}
}
