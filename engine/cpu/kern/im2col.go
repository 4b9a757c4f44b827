package kern

import (
	"fmt"

	"gonum.org/v1/gonum/blas/gonum"

	"genxai/engine"
)

// geom is a convolution's geometry with its output extents computed once,
// the distance ld between patch rows in the matrix they are written to and
// the channels [c0, c1) to walk.
type geom struct {
	engine.ConvShape
	oh, ow     int
	ld, c0, c1 int
}

func newGeom(s engine.ConvShape) geom {
	return geom{ConvShape: s, oh: s.OH(), ow: s.OW(), ld: s.OH() * s.OW(), c0: 0, c1: s.C}
}

// part is g restricted to the patch rows of channels [c0, c1), written ld
// apart.
func (g geom) part(ld, c0, c1 int) geom {
	if ld < g.oh*g.ow || c0 < 0 || c1 > g.C || c0 > c1 {
		panic(fmt.Sprintf("kern: patch rows of channels [%d, %d) of %d, %d apart, for %d×%d outputs", c0, c1, g.C, ld, g.oh, g.ow))
	}
	g.ld, g.c0, g.c1 = ld, c0, c1
	return g
}

// Im2col writes the patches of one image x (C, H, W) into cols
// (C·KH·KW, OH·OW): row (c, ki, kj), column (oy, ox) holds
// x[c, oy·s − p + ki, ox·s − p + kj], or 0 in the padding. s.N is ignored.
func Im2col(s engine.ConvShape, x, cols []float32) { newGeom(s).im2col(x, cols) }

// Col2im adds the patch matrix cols (C·KH·KW, OH·OW) of one image onto
// x (C, H, W): the adjoint of Im2col, so every input pixel receives the sum
// over the patches that read it, patch row by patch row. It overwrites the
// entries of cols that fall in the padding with zeros. s.N is ignored.
func Col2im(s engine.ConvShape, cols, x []float32) { newGeom(s).col2im(cols, x) }

// Im2colPart is Im2col of the channels [c0, c1) of one image into a matrix
// whose rows are ld ≥ OH·OW apart: row (c, ki, kj) of the image's patches
// is cols[((c·KH + ki)·KW + kj)·ld:][:OH·OW]. With ld = k·OH·OW and cols
// offset by i·OH·OW, image i's patches are the i-th block of columns of the
// [C·KH·KW, k·OH·OW] patches of k images side by side, which one GEMM
// multiplies at once.
func Im2colPart(s engine.ConvShape, x, cols []float32, ld, c0, c1 int) {
	newGeom(s).part(ld, c0, c1).im2col(x, cols)
}

// Col2imPart is Col2im of the channels [c0, c1) from patch rows ld apart
// (see Im2colPart): it adds onto those channels of x only.
func Col2imPart(s engine.ConvShape, cols, x []float32, ld, c0, c1 int) {
	newGeom(s).part(ld, c0, c1).col2im(cols, x)
}

// span returns the range [lo, hi) of output positions o, out of size, whose
// input position o·stride − pad + k lies inside [0, in). Outside it the
// patch reads zero padding.
func (g geom) span(k, in, size int) (lo, hi int) {
	if d := g.Pad - k; d > 0 {
		lo = (d + g.Stride - 1) / g.Stride
	}
	last := in - 1 + g.Pad - k // o·stride ≤ last
	if last < 0 {
		return 0, 0
	}
	hi = min(size, last/g.Stride+1)
	return min(lo, hi), hi
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

// patchRows calls f for every row (c, ki, kj), c in [c0, c1), of the
// patch matrix cols (C·KH·KW rows ld apart, OH·OW columns) of the image x
// (C, H, W), in order.
func (g geom) patchRows(x, cols []float32, f func(r patchRow)) {
	hw, ohw := g.H*g.W, g.oh*g.ow
	for c := g.c0; c < g.c1; c++ {
		plane := x[c*hw : (c+1)*hw]
		for ki := 0; ki < g.KH; ki++ {
			ylo, yhi := g.span(ki, g.H, g.oh)
			for kj := 0; kj < g.KW; kj++ {
				xlo, xhi := g.span(kj, g.W, g.ow)
				row := cols[((c*g.KH+ki)*g.KW+kj)*g.ld:][:ohw]
				f(patchRow{row, plane, ki, kj, ylo, yhi, xlo, xhi})
			}
		}
	}
}

// im2col is Im2col.
func (g geom) im2col(x, cols []float32) {
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
func (g geom) origin(r patchRow) (iy, shift int) {
	return r.ylo*g.Stride - g.Pad + r.ki, r.kj - g.Pad
}

// sameRun is the fast path of a "same" convolution (stride 1, output rows
// as long as the input's): the output rows [ylo, yhi) of a patch row then
// read one run of the plane, element j of the block reading element
// lo + j. It returns the part of the run inside the plane, [a, b) (empty
// unless a < b), or ok = false for other convolutions.
func (g geom) sameRun(r patchRow) (lo, a, b int, ok bool) {
	if g.Stride != 1 || g.ow != g.W {
		return 0, 0, 0, false
	}
	iy, shift := g.origin(r)
	lo = iy*g.W + shift
	a, b = max(lo, 0), min(lo+(r.yhi-r.ylo)*g.ow, len(r.plane))
	return lo, a, b, true
}

// im2colRows fills the output rows ylo, ylo+1, … (those whose input row is
// inside the image) of one patch row.
func (g geom) im2colRows(r patchRow) {
	dst, s := r.row[r.ylo*g.ow:r.yhi*g.ow], g.Stride
	if lo, a, b, ok := g.sameRun(r); ok {
		if a < b {
			copy(dst[a-lo:b-lo], r.plane[a:b])
		}
	} else if s == 1 {
		g.runs(r, dst, func(run, in []float32) { copy(run, in) })
	} else if r.xlo < r.xhi {
		// A strided convolution: gather every s-th input value of each
		// output row (a loop of its own: the rows are short, 7 values for
		// the DCGAN discriminator's second layer, so a call per row costs
		// as much as the copy).
		iy, shift := g.origin(r)
		for off := 0; off < len(dst); off += g.ow {
			run, in := dst[off+r.xlo:off+r.xhi], r.plane[iy*g.W+r.xlo*s+shift:]
			for i, ix := 0, 0; i < len(run); i, ix = i+1, ix+s {
				run[i] = in[ix]
			}
			iy += s
		}
	}
	// The columns that read padding (copied over in a same convolution).
	zeroColumns(dst, g.ow, r.xlo, r.xhi)
}

// runs calls f for each output row of block, the rows ylo, ylo+1, … of a
// patch row, with the row's columns [xlo, xhi) that read inside the image
// and the part of the plane they read: run[i] reads in[i·stride].
func (g geom) runs(r patchRow, block []float32, f func(run, in []float32)) {
	if r.xlo == r.xhi {
		return
	}
	s := g.Stride
	iy, shift := g.origin(r)
	for off := 0; off < len(block); off += g.ow {
		run := block[off+r.xlo : off+r.xhi]
		f(run, r.plane[iy*g.W+r.xlo*s+shift:][:(len(run)-1)*s+1])
		iy += s
	}
}

// col2im is Col2im.
func (g geom) col2im(cols, x []float32) {
	g.patchRows(x, cols, func(r patchRow) {
		if r.ylo < r.yhi {
			g.col2imRows(r)
		}
	})
}

// col2imRows is the adjoint of im2colRows: it adds the output rows ylo, …
// of one patch row onto the input plane.
func (g geom) col2imRows(r patchRow) {
	src, s := r.row[r.ylo*g.ow:r.yhi*g.ow], g.Stride
	if lo, a, b, ok := g.sameRun(r); ok {
		// With the padding columns zeroed, the block adds onto the run.
		zeroColumns(src, g.ow, r.xlo, r.xhi)
		if a < b {
			addTo(r.plane[a:b], src[a-lo:b-lo])
		}
		return
	}
	if s == 1 {
		g.runs(r, src, func(run, out []float32) { addTo(out, run) })
		return
	}
	if r.xlo == r.xhi {
		return
	}
	// Strided: short rows, a loop of their own (see im2colRows).
	iy, shift := g.origin(r)
	for off := 0; off < len(src); off += g.ow {
		run, out := src[off+r.xlo:off+r.xhi], r.plane[iy*g.W+r.xlo*s+shift:]
		for i, ix := 0, 0; i < len(run); i, ix = i+1, ix+s {
			out[ix] += run[i]
		}
		iy += s
	}
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
