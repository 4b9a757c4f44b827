package nets

import (
	"fmt"

	"gonum.org/v1/gonum/blas/gonum"
	"gorgonia.org/tensor"
)

// This file holds the geometry of a convolution and the im2col and col2im
// lowering that Conv2D's kernels (conv.go) run on.

// convParams are what a convolution node is hashed by: stride and padding.
// The shapes come from the values.
type convParams struct{ stride, pad int }

// convGeom is the geometry of one convolution: input (n, c, h, w), kernel
// (o, c, kh, kw), output (n, o, oh, ow).
type convGeom struct {
	convParams
	n, c, h, w int
	o, kh, kw  int
	oh, ow     int
}

// convGeometry checks an input and a weight shape against each other and
// returns the convolution's geometry, or an error naming both shapes.
func convGeometry(xs, ws tensor.Shape, stride, pad int) (convGeom, error) {
	switch {
	case stride < 1:
		return convGeom{}, fmt.Errorf("conv2d: stride must be at least 1, got %d", stride)
	case pad < 0:
		return convGeom{}, fmt.Errorf("conv2d: padding must not be negative, got %d", pad)
	case len(xs) != 4:
		return convGeom{}, fmt.Errorf("conv2d: input must be NCHW (4-D), got shape %v (weights %v)", xs, ws)
	case len(ws) != 4:
		return convGeom{}, fmt.Errorf("conv2d: weights must be (out, in, kh, kw) (4-D), got shape %v (input %v)", ws, xs)
	}
	g := convGeom{convParams: convParams{stride, pad},
		n: xs[0], c: xs[1], h: xs[2], w: xs[3], o: ws[0], kh: ws[2], kw: ws[3]}
	if ws[1] != g.c {
		return convGeom{}, fmt.Errorf("conv2d: input %v has %d channels but weights %v expect %d", xs, g.c, ws, ws[1])
	}
	if g.n < 1 || g.c < 1 || g.h < 1 || g.w < 1 || g.o < 1 || g.kh < 1 || g.kw < 1 {
		return convGeom{}, fmt.Errorf("conv2d: empty input %v or weights %v", xs, ws)
	}
	if g.kh > g.h+2*pad || g.kw > g.w+2*pad {
		return convGeom{}, fmt.Errorf("conv2d: kernel %d×%d of weights %v is larger than the input %v padded by %d (%d×%d): pad more or use a smaller kernel",
			g.kh, g.kw, ws, xs, pad, g.h+2*pad, g.w+2*pad)
	}
	g.oh = (g.h+2*pad-g.kh)/stride + 1
	g.ow = (g.w+2*pad-g.kw)/stride + 1
	return g, nil
}

// rows is the number of patch rows, C·KH·KW; cols the patch columns, OH·OW.
func (g convGeom) rows() int { return g.c * g.kh * g.kw }
func (g convGeom) cols() int { return g.oh * g.ow }

// direct reports whether the patch matrix of an image is the image itself
// (a 1×1 kernel, stride 1, no padding), so im2col and col2im can be skipped.
func (g convGeom) direct() bool {
	return g.kh == 1 && g.kw == 1 && g.stride == 1 && g.pad == 0
}

// span returns the range [lo, hi) of output positions o, out of size, whose
// input position o·stride − pad + k lies inside [0, in). Outside it the
// patch reads zero padding.
func (g convGeom) span(k, in, size int) (lo, hi int) {
	if d := g.pad - k; d > 0 {
		lo = (d + g.stride - 1) / g.stride
	}
	last := in - 1 + g.pad - k // o·stride ≤ last
	if last < 0 {
		return 0, 0
	}
	hi = min(size, last/g.stride+1)
	return min(lo, hi), hi
}

// spans lists span(k, in, size) for every kernel offset k < kernel, so the
// divisions in span run once per image rather than once per patch row.
func (g convGeom) spans(kernel, in, size int) [][2]int {
	sp := make([][2]int, kernel)
	for k := range sp {
		sp[k][0], sp[k][1] = g.span(k, in, size)
	}
	return sp
}

// patchRow is one row (c, ki, kj) of the patch matrix of an image: row is
// its data in the matrix, plane the image's channel c. The output rows
// [ylo, yhi) and columns [xlo, xhi) read inside the image, the others read
// zero padding.
type patchRow struct {
	row, plane         []float32
	ki, kj             int
	ylo, yhi, xlo, xhi int
}

// patchRows calls f for every row (c, ki, kj) of the patch matrix cols
// (C·KH·KW, OH·OW) of the image x (C, H, W), in order.
func (g convGeom) patchRows(x, cols []float32, f func(r patchRow)) {
	hw, ohw := g.h*g.w, g.oh*g.ow
	ys, xs := g.spans(g.kh, g.h, g.oh), g.spans(g.kw, g.w, g.ow)
	for c := 0; c < g.c; c++ {
		plane := x[c*hw : (c+1)*hw]
		for ki := 0; ki < g.kh; ki++ {
			for kj := 0; kj < g.kw; kj++ {
				row := cols[((c*g.kh+ki)*g.kw+kj)*ohw:][:ohw]
				f(patchRow{row, plane, ki, kj, ys[ki][0], ys[ki][1], xs[kj][0], xs[kj][1]})
			}
		}
	}
}

// im2col writes the patches of one image x (C, H, W) into cols
// (C·KH·KW, OH·OW): row (c, ki, kj), column (oy, ox) holds
// x[c, oy·s − p + ki, ox·s − p + kj], or 0 in the padding.
func (g convGeom) im2col(x, cols []float32) {
	g.patchRows(x, cols, func(r patchRow) {
		clear(r.row[:r.ylo*g.ow])
		clear(r.row[r.yhi*g.ow:])
		if r.ylo < r.yhi {
			g.im2colRows(r)
		}
	})
}

// origin returns the input row iy that the first output row ylo of a patch
// row reads, and the shift: output column ox reads input column
// ox·stride + shift.
func (g convGeom) origin(r patchRow) (iy, shift int) {
	return r.ylo*g.stride - g.pad + r.ki, r.kj - g.pad
}

// sameRun is the fast path of a "same" convolution (stride 1, output rows
// as long as the input's): the output rows [ylo, yhi) of a patch row then
// read one run of the plane, element j of the block reading element
// lo + j. It returns the part of the run inside the plane, [a, b) (empty
// unless a < b), or ok = false for other convolutions.
func (g convGeom) sameRun(r patchRow) (lo, a, b int, ok bool) {
	if g.stride != 1 || g.ow != g.w {
		return 0, 0, 0, false
	}
	iy, shift := g.origin(r)
	lo = iy*g.w + shift
	a, b = max(lo, 0), min(lo+(r.yhi-r.ylo)*g.ow, len(r.plane))
	return lo, a, b, true
}

// im2colRows fills the output rows ylo, ylo+1, … (those whose input row is
// inside the image) of one patch row.
func (g convGeom) im2colRows(r patchRow) {
	dst, s := r.row[r.ylo*g.ow:r.yhi*g.ow], g.stride
	if lo, a, b, ok := g.sameRun(r); ok {
		if a < b {
			copy(dst[a-lo:b-lo], r.plane[a:b])
		}
	} else {
		g.runs(r, dst, func(run, in []float32) {
			if s == 1 {
				copy(run, in)
				return
			}
			for i := range run {
				run[i] = in[i*s]
			}
		})
	}
	// The columns that read padding (copied over in a same convolution).
	zeroColumns(dst, g.ow, r.xlo, r.xhi)
}

// runs calls f for each output row of block, the rows ylo, ylo+1, … of a
// patch row, with the row's columns [xlo, xhi) that read inside the image
// and the part of the plane they read: run[i] reads in[i·stride].
func (g convGeom) runs(r patchRow, block []float32, f func(run, in []float32)) {
	if r.xlo == r.xhi {
		return
	}
	s := g.stride
	iy, shift := g.origin(r)
	for off := 0; off < len(block); off += g.ow {
		run := block[off+r.xlo : off+r.xhi]
		f(run, r.plane[iy*g.w+r.xlo*s+shift:][:(len(run)-1)*s+1])
		iy += s
	}
}

// col2im adds the patch matrix cols (C·KH·KW, OH·OW) of one image onto
// x (C, H, W): the adjoint of im2col, so every input pixel receives the sum
// over the patches that read it. It overwrites the entries of cols that
// fall in the padding with zeros.
func (g convGeom) col2im(cols, x []float32) {
	g.patchRows(x, cols, func(r patchRow) {
		if r.ylo < r.yhi {
			g.col2imRows(r)
		}
	})
}

// col2imRows is the adjoint of im2colRows: it adds the output rows ylo, …
// of one patch row onto the input plane.
func (g convGeom) col2imRows(r patchRow) {
	src, s := r.row[r.ylo*g.ow:r.yhi*g.ow], g.stride
	if lo, a, b, ok := g.sameRun(r); ok {
		// With the padding columns zeroed, the block adds onto the run.
		zeroColumns(src, g.ow, r.xlo, r.xhi)
		if a < b {
			addTo(r.plane[a:b], src[a-lo:b-lo])
		}
		return
	}
	g.runs(r, src, func(run, out []float32) {
		if s == 1 {
			addTo(out, run)
			return
		}
		for i, v := range run {
			out[i*s] += v
		}
	})
}

// zeroColumns zeroes the columns outside [lo, hi) of the rows of width w
// that make up m.
func zeroColumns(m []float32, w, lo, hi int) {
	if lo == 0 && hi == w {
		return
	}
	// Column by column: the padding is a column or two at either edge.
	for j := 0; j < lo; j++ {
		for off := j; off < len(m); off += w {
			m[off] = 0
		}
	}
	for j := hi; j < w; j++ {
		for off := j; off < len(m); off += w {
			m[off] = 0
		}
	}
}

// addTo adds src onto the first len(src) elements of dst. Long runs go
// through gonum's assembly axpy (SIMD, no call into C); short ones stay in
// a plain loop, which costs less than the call.
func addTo(dst, src []float32) {
	if len(src) >= 32 {
		gonum.Implementation{}.Saxpy(len(src), 1, src, 1, dst, 1)
		return
	}
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] += v
	}
}
