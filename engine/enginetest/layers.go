package enginetest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"genxai/engine"
)

// The references of the layer kernels move or add values in the order the
// Backend documents, in float32, so every check is bit for bit.

// convShapes are fixed odd geometries (same-size, strided, padded, 1×1
// direct, kernels wider than tall) and a few drawn at random.
func convShapes(rng *rand.Rand) []engine.ConvShape {
	out := []engine.ConvShape{
		{N: 1, C: 1, H: 1, W: 1, KH: 1, KW: 1, Stride: 1},
		{N: 2, C: 3, H: 5, W: 7, KH: 3, KW: 3, Stride: 1, Pad: 1},
		{N: 3, C: 2, H: 8, W: 8, KH: 4, KW: 4, Stride: 2, Pad: 1},
		{N: 1, C: 3, H: 7, W: 5, KH: 2, KW: 3, Stride: 2},
		{N: 2, C: 1, H: 28, W: 28, KH: 3, KW: 3, Stride: 1, Pad: 1},
		{N: 5, C: 3, H: 9, W: 9, KH: 1, KW: 1, Stride: 1},
		{N: 2, C: 4, H: 6, W: 9, KH: 3, KW: 1, Stride: 3, Pad: 2},
		{N: 1, C: 2, H: 3, W: 3, KH: 5, KW: 5, Stride: 1, Pad: 2},
	}
	for len(out) < 14 {
		s := engine.ConvShape{N: 1 + rng.IntN(4), C: 1 + rng.IntN(5), H: 1 + rng.IntN(17), W: 1 + rng.IntN(17),
			KH: 1 + rng.IntN(5), KW: 1 + rng.IntN(5), Stride: 1 + rng.IntN(3), Pad: rng.IntN(3)}
		if s.Check() == nil {
			out = append(out, s)
		}
	}
	return out
}

// patchSource calls f(n, row, col, src) for every entry of the patch
// matrices of s, src being the index into x it reads or −1 in the padding.
func patchSource(s engine.ConvShape, f func(n, row, col, src int)) {
	oh, ow := s.OH(), s.OW()
	for n := 0; n < s.N; n++ {
		for c := 0; c < s.C; c++ {
			for ki := 0; ki < s.KH; ki++ {
				for kj := 0; kj < s.KW; kj++ {
					row := (c*s.KH+ki)*s.KW + kj
					for oy := 0; oy < oh; oy++ {
						for ox := 0; ox < ow; ox++ {
							iy, ix := oy*s.Stride-s.Pad+ki, ox*s.Stride-s.Pad+kj
							src := -1
							if iy >= 0 && iy < s.H && ix >= 0 && ix < s.W {
								src = ((n*s.C+c)*s.H+iy)*s.W + ix
							}
							f(n, row, oy*ow+ox, src)
						}
					}
				}
			}
		}
	}
}

// convCase checks Conv2D and its two gradients against sums over the
// patch entries in float64, each element within the rounding of its
// terms; outputs and scratch start as NaNs, which a kernel must overwrite
// and never read.
func convCase(t *testing.T, be engine.Backend, rng *rand.Rand) (outs [][]float32) {
	for i, s := range convShapes(rng) {
		s.O = 1 + (i*5)%7
		rows, cols := s.Rows(), s.Cols()
		x, w, dy := normals(rng, s.N*s.C*s.H*s.W), normals(rng, s.O*rows), normals(rng, s.N*s.O*cols)
		y, ymag := make([]float64, len(dy)), make([]float64, len(dy))
		dx, dxmag := make([]float64, len(x)), make([]float64, len(x))
		dw, dwmag := make([]float64, len(w)), make([]float64, len(w))
		patchSource(s, func(n, row, col, src int) {
			if src < 0 {
				return
			}
			for o := 0; o < s.O; o++ {
				yi, wi := (n*s.O+o)*cols+col, o*rows+row
				add := func(acc, mag []float64, k int, a, b float32) {
					acc[k] += float64(a) * float64(b)
					mag[k] += math.Abs(float64(a) * float64(b))
				}
				add(y, ymag, yi, w[wi], x[src])
				add(dx, dxmag, src, w[wi], dy[yi])
				add(dw, dwmag, wi, dy[yi], x[src])
			}
		})
		scratch := func(n int) engine.Buffer {
			if n == 0 {
				return nil
			}
			return nans(be, n)
		}
		xb, wb, dyb := up(be, x), up(be, w), up(be, dy)
		yb, dxb, dwb := nans(be, len(dy)), nans(be, len(x)), nans(be, len(w))
		be.Conv2D(s, xb, wb, yb, scratch(s.PatchLen()))
		be.Conv2DInputGrad(s, wb, dyb, dxb, scratch(s.PatchLen()))
		be.Conv2DWeightGrad(s, xb, dyb, dwb, scratch(s.PatchLen()), scratch(s.ProductsLen()))
		for _, c := range []struct {
			name      string
			got       engine.Buffer
			want, mag []float64
			terms     int
		}{
			{"Conv2D", yb, y, ymag, rows},
			{"Conv2DInputGrad", dxb, dx, dxmag, s.O * s.KH * s.KW},
			{"Conv2DWeightGrad", dwb, dw, dwmag, s.N * cols},
		} {
			got := down(t, be, c.got)
			tol := sumTol(c.terms)
			for k := range c.want {
				if d := math.Abs(float64(got[k]) - c.want[k]); !(d <= tol*c.mag[k]+1e-30) {
					t.Fatalf("%s %+v: element %d is %v, want %v (|diff| %.3g > %.3g)", c.name, s, k, got[k], c.want[k], d, tol*c.mag[k])
				}
			}
			outs = append(outs, got)
		}
	}
	return outs
}

// nans returns a buffer of n NaNs.
func nans(be engine.Backend, n int) engine.Buffer {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(math.NaN())
	}
	return up(be, v)
}

// poolShapes are [planes, h, w, k] with odd extents and ragged edges.
var poolShapes = [][4]int{{1, 1, 1, 1}, {3, 4, 4, 2}, {2, 5, 7, 2}, {2, 9, 10, 3}, {1, 17, 3, 3}, {4, 28, 28, 2}, {3, 7, 7, 1}, {2, 11, 13, 4}}

// poolCase checks MaxPool2D and MaxPool2DGrad against a window scan, on
// values rounded to halves so that windows hold ties.
func poolCase(t *testing.T, be engine.Backend, rng *rand.Rand) (outs [][]float32) {
	for _, sh := range poolShapes {
		planes, h, w, k := sh[0], sh[1], sh[2], sh[3]
		oh, ow := h/k, w/k
		x := normals(rng, planes*h*w)
		for i := range x {
			x[i] = float32(math.Round(float64(x[i])*2)/2) + 0 // + 0 turns −0 into +0
		}
		dy := normals(rng, planes*oh*ow)
		y, dx := make([]float32, len(dy)), make([]float32, len(x))
		for p := 0; p < planes; p++ {
			for oy := 0; oy < oh; oy++ {
				for ox := 0; ox < ow; ox++ {
					best, at := float32(math.Inf(-1)), -1
					for ky := 0; ky < k; ky++ {
						for kx := 0; kx < k; kx++ {
							i := (p*h+oy*k+ky)*w + ox*k + kx
							if at < 0 || x[i] > best {
								best, at = x[i], i
							}
						}
					}
					o := (p*oh+oy)*ow + ox
					y[o] = best
					dx[at] = dy[o]
				}
			}
		}
		what := fmt.Sprintf("%d planes %d×%d window %d", planes, h, w, k)
		xb, yb, dxb := up(be, x), be.Alloc(len(y)), up(be, normals(rng, len(x)))
		be.MaxPool2D(xb, planes, h, w, k, yb)
		gy := down(t, be, yb)
		exact(t, "MaxPool2D "+what, gy, y)
		be.MaxPool2DGrad(xb, yb, up(be, dy), planes, h, w, k, dxb)
		gdx := down(t, be, dxb)
		exact(t, "MaxPool2DGrad "+what, gdx, dx)
		outs = append(outs, gy, gdx)
	}
	return outs
}

// upsampleCase checks Upsample against indexing and UpsampleGrad against
// row-by-row sums.
func upsampleCase(t *testing.T, be engine.Backend, rng *rand.Rand) (outs [][]float32) {
	for _, sh := range poolShapes {
		planes, h, w, k := sh[0], sh[1], sh[2], sh[3]
		x, dy := normals(rng, planes*h*w), normals(rng, planes*h*w*k*k)
		y, dx := make([]float32, len(dy)), make([]float32, len(x))
		for p := 0; p < planes; p++ {
			for i := 0; i < h*k; i++ {
				for j := 0; j < w*k; j++ {
					o, src := (p*h*k+i)*w*k+j, (p*h+i/k)*w+j/k
					y[o] = x[src]
					dx[src] += dy[o]
				}
			}
		}
		what := fmt.Sprintf("%d planes %d×%d by %d", planes, h, w, k)
		yb, dxb := up(be, normals(rng, len(y))), up(be, normals(rng, len(x)))
		be.Upsample(up(be, x), planes, h, w, k, yb)
		be.UpsampleGrad(up(be, dy), planes, h, w, k, dxb)
		gy, gdx := down(t, be, yb), down(t, be, dxb)
		exact(t, "Upsample "+what, gy, y)
		exact(t, "UpsampleGrad "+what, gdx, dx)
		outs = append(outs, gy, gdx)
	}
	return outs
}

// gatherCase checks Gather against row copies and ScatterAdd (onto a
// nonzero table, with repeated ids) against adds in id order.
func gatherCase(t *testing.T, be engine.Backend, rng *rand.Rand) (outs [][]float32) {
	for _, sh := range [][3]int{{1, 1, 1}, {3, 17, 5}, {11, 1, 40}, {65, 127, 300}, {7, 3, 2100}} {
		vocab, dim, n := sh[0], sh[1], sh[2]
		table, dout := normals(rng, vocab*dim), normals(rng, n*dim)
		ids := make([]float32, n)
		rows, acc := make([]float32, n*dim), append([]float32(nil), table...)
		for i := range ids {
			r := rng.IntN(vocab)
			ids[i] = float32(r)
			copy(rows[i*dim:(i+1)*dim], table[r*dim:(r+1)*dim])
			for j := 0; j < dim; j++ {
				acc[r*dim+j] += dout[i*dim+j]
			}
		}
		what := fmt.Sprintf("%d ids into %d×%d", n, vocab, dim)
		tb, idb, ob := up(be, table), up(be, ids), be.Alloc(n*dim)
		be.Gather(tb, vocab, dim, idb, n, ob)
		got := down(t, be, ob)
		exact(t, "Gather "+what, got, rows)
		be.ScatterAdd(up(be, dout), idb, n, tb, vocab, dim)
		gt := down(t, be, tb)
		exact(t, "ScatterAdd "+what, gt, acc)
		outs = append(outs, got, gt)
	}
	return outs
}
