package featviz

import (
	"math"
	"math/rand"
)

// warp is one random transformation of the pictures, the transformation
// robustness of Olah et al. (2017): a shift by (dx, dy) pixels, a rotation
// by an angle and a rescaling about the picture's centre, each drawn anew
// every step so that the optimum must survive all of them. A picture is
// resampled bilinearly with zeros outside (a black background, as in the
// data sets here); the adjoint scatters a gradient back along the same
// weights.
type warp struct {
	h, w  int
	taps  [][4]int32   // per output pixel, the four source pixels (−1: outside)
	wts   [][4]float32 // and their bilinear weights
	ident bool
}

// newWarp draws a shift of up to ±jitter pixels, a rotation of up to
// ±rotate degrees and a scale in [1 − scale, 1 + scale] from rng.
func newWarp(h, w, jitter int, rotate, scale float64, rng *rand.Rand) *warp {
	dx, dy := 0.0, 0.0
	if jitter > 0 {
		dx, dy = float64(rng.Intn(2*jitter+1)-jitter), float64(rng.Intn(2*jitter+1)-jitter)
	}
	theta := rotate * (2*rng.Float64() - 1) * math.Pi / 180
	s := 1 + scale*(2*rng.Float64()-1)
	return affine(h, w, dx, dy, theta, s)
}

// affine is the warp that moves the picture by (dx, dy), rotates it by
// theta radians and scales it by s about its centre: output pixel p reads
// the input at R(−θ)(p − centre − d)/s + centre.
func affine(h, w int, dx, dy, theta, s float64) *warp {
	wp := &warp{h: h, w: w, taps: make([][4]int32, h*w), wts: make([][4]float32, h*w)}
	wp.ident = dx == 0 && dy == 0 && theta == 0 && s == 1
	cy, cx := float64(h-1)/2, float64(w-1)/2
	cos, sin := math.Cos(theta), math.Sin(theta)
	for y := range h {
		for x := range w {
			ry, rx := float64(y)-cy-dy, float64(x)-cx-dx
			sy := (cos*ry-sin*rx)/s + cy
			sx := (sin*ry+cos*rx)/s + cx
			y0, x0 := math.Floor(sy), math.Floor(sx)
			fy, fx := sy-y0, sx-x0
			o := y*w + x
			for k, d := range [4][2]int{{0, 0}, {0, 1}, {1, 0}, {1, 1}} {
				yy, xx := int(y0)+d[0], int(x0)+d[1]
				wy, wx := 1-fy, 1-fx
				if d[0] == 1 {
					wy = fy
				}
				if d[1] == 1 {
					wx = fx
				}
				wp.taps[o][k] = -1
				if yy >= 0 && yy < h && xx >= 0 && xx < w && wy*wx > 0 {
					wp.taps[o][k] = int32(yy*w + xx)
					wp.wts[o][k] = float32(wy * wx)
				}
			}
		}
	}
	return wp
}

// apply warps each channel of each c×h×w picture.
func (wp *warp) apply(xs [][]float32, c int) [][]float32 {
	if wp.ident {
		return xs
	}
	hw := wp.h * wp.w
	out := make([][]float32, len(xs))
	for i, x := range xs {
		out[i] = make([]float32, len(x))
		for ch := range c {
			src, dst := x[ch*hw:(ch+1)*hw], out[i][ch*hw:(ch+1)*hw]
			for o := range dst {
				var v float32
				for k, t := range wp.taps[o] {
					if t >= 0 {
						v += wp.wts[o][k] * src[t]
					}
				}
				dst[o] = v
			}
		}
	}
	return out
}

// adjoint carries gradients with respect to the warped pictures back to
// the pictures (the transpose of apply).
func (wp *warp) adjoint(gs [][]float32, c int) [][]float32 {
	if wp.ident {
		return gs
	}
	hw := wp.h * wp.w
	out := make([][]float32, len(gs))
	for i, g := range gs {
		out[i] = make([]float32, len(g))
		for ch := range c {
			src, dst := g[ch*hw:(ch+1)*hw], out[i][ch*hw:(ch+1)*hw]
			for o, v := range src {
				for k, t := range wp.taps[o] {
					if t >= 0 {
						dst[t] += wp.wts[o][k] * v
					}
				}
			}
		}
	}
	return out
}
