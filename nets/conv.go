package nets

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Conv2D is the 2-D cross-correlation of a float32 NCHW input x (N, C, H, W)
// with weights w (O, C, KH, KW), the same stride on both axes, symmetric
// zero padding and no dilation. The output is (N, O, OH, OW) with
// OH = (H + 2·pad − KH)/stride + 1 and OW likewise, the values of Gorgonia's
// G.Conv2d(x, w, {KH, KW}, {pad, pad}, {stride, stride}, {1, 1}).
//
// It is the im2col lowering of Chellapilla, Puri and Simard ("High
// Performance Convolutional Neural Networks for Document Processing", 2006)
// as Caffe arranges it: the patches of one image form a (C·KH·KW, OH·OW)
// matrix, so one GEMM through Gorgonia's BLAS (G.WhichBLAS) per image,
// out[n] = W (O, C·KH·KW) × cols[n], writes NCHW output in place. Gorgonia's
// Conv2d instead builds (N·OH·OW, C·KH·KW) patches element by element and
// multiplies by Wᵀ, which leaves the output as NHWC and needs a transpose;
// im2col, col2im and that transpose were a third of a DCGAN training step.
//
// The gradients are dW = Σ_n dY[n] × cols[n]ᵀ, recomputing the patches of
// one image at a time, and dX[n] = col2im(Wᵀ × dY[n]).
func Conv2D(x, w *G.Node, stride, pad int) (*G.Node, error) {
	g, err := convGeometry(x.Shape(), w.Shape(), stride, pad)
	if err != nil {
		return nil, err
	}
	return G.ApplyOp(conv2dOp{g.convParams}, x, w)
}

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

// im2col writes the patches of one image x (C, H, W) into cols
// (C·KH·KW, OH·OW): row (c, ki, kj), column (oy, ox) holds
// x[c, oy·s − p + ki, ox·s − p + kj], or 0 in the padding.
func (g convGeom) im2col(x, cols []float32) {
	hw, ohw := g.h*g.w, g.oh*g.ow
	ys, xs := g.spans(g.kh, g.h, g.oh), g.spans(g.kw, g.w, g.ow)
	for c := 0; c < g.c; c++ {
		plane := x[c*hw : (c+1)*hw]
		for ki := 0; ki < g.kh; ki++ {
			ylo, yhi := ys[ki][0], ys[ki][1]
			for kj := 0; kj < g.kw; kj++ {
				row := cols[((c*g.kh+ki)*g.kw+kj)*ohw:][:ohw]
				clear(row[:ylo*g.ow])
				clear(row[yhi*g.ow:])
				if ylo < yhi {
					g.im2colRows(plane, row[ylo*g.ow:yhi*g.ow], ylo, ki, kj, xs[kj][0], xs[kj][1])
				}
			}
		}
	}
}

// im2colRows fills the output rows ylo, ylo+1, … (those whose input row is
// inside the image) of the patch row for kernel offset (ki, kj); the output
// columns [xlo, xhi) read inside the image.
func (g convGeom) im2colRows(plane, dst []float32, ylo, ki, kj, xlo, xhi int) {
	ow, s := g.ow, g.stride
	shift := kj - g.pad // output column ox reads input column ox·s + shift
	iy := ylo*s - g.pad + ki
	if s == 1 && ow == g.w {
		// Rows of the output and the input have the same length (a "same"
		// convolution), so the block is one run of the plane; the
		// columns that fall in the padding are zeroed afterwards.
		lo := iy*g.w + shift
		if a, b := max(lo, 0), min(lo+len(dst), len(plane)); a < b {
			copy(dst[a-lo:b-lo], plane[a:b])
		}
		zeroColumns(dst, ow, xlo, xhi)
		return
	}
	for off := 0; off < len(dst); off += ow {
		d := dst[off : off+ow]
		for j := 0; j < xlo; j++ {
			d[j] = 0
		}
		for j := xhi; j < ow; j++ {
			d[j] = 0
		}
		if xlo == xhi {
			continue
		}
		run := d[xlo:xhi]
		src := plane[iy*g.w+xlo*s+shift:]
		iy += s
		if s == 1 {
			copy(run, src)
			continue
		}
		src = src[:(len(run)-1)*s+1]
		for i := range run {
			run[i] = src[i*s]
		}
	}
}

// col2im adds the patch matrix cols (C·KH·KW, OH·OW) of one image onto
// x (C, H, W): the adjoint of im2col, so every input pixel receives the sum
// over the patches that read it. It overwrites the entries of cols that
// fall in the padding with zeros.
func (g convGeom) col2im(cols, x []float32) {
	hw, ohw := g.h*g.w, g.oh*g.ow
	ys, xs := g.spans(g.kh, g.h, g.oh), g.spans(g.kw, g.w, g.ow)
	for c := 0; c < g.c; c++ {
		plane := x[c*hw : (c+1)*hw]
		for ki := 0; ki < g.kh; ki++ {
			ylo, yhi := ys[ki][0], ys[ki][1]
			if ylo == yhi {
				continue
			}
			for kj := 0; kj < g.kw; kj++ {
				row := cols[((c*g.kh+ki)*g.kw+kj)*ohw:][:ohw]
				g.col2imRows(row[ylo*g.ow:yhi*g.ow], plane, ylo, ki, kj, xs[kj][0], xs[kj][1])
			}
		}
	}
}

// col2imRows is the adjoint of im2colRows: it adds the output rows ylo, …
// of one patch row onto the input plane.
func (g convGeom) col2imRows(src, plane []float32, ylo, ki, kj, xlo, xhi int) {
	ow, s := g.ow, g.stride
	shift := kj - g.pad
	iy := ylo*s - g.pad + ki
	if s == 1 && ow == g.w {
		// As in im2colRows: with the padding columns zeroed, the block
		// adds onto one run of the plane.
		zeroColumns(src, ow, xlo, xhi)
		lo := iy*g.w + shift
		if a, b := max(lo, 0), min(lo+len(src), len(plane)); a < b {
			addTo(plane[a:b], src[a-lo:b-lo])
		}
		return
	}
	if xlo == xhi {
		return
	}
	for off := 0; off < len(src); off += ow {
		run := src[off+xlo : off+xhi]
		dst := plane[iy*g.w+xlo*s+shift:]
		iy += s
		if s == 1 {
			addTo(dst, run)
			continue
		}
		dst = dst[:(len(run)-1)*s+1]
		for i, v := range run {
			dst[i*s] += v
		}
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

// float32Tensors checks that every value an op receives is a contiguous
// float32 tensor.
func float32Tensors(what string, vals ...G.Value) ([]tensor.Tensor, error) {
	ts := make([]tensor.Tensor, len(vals))
	for i, v := range vals {
		t, err := float32Tensor(v, fmt.Sprintf("%s operand %d", what, i))
		if err != nil {
			return nil, err
		}
		ts[i] = t
	}
	return ts, nil
}

// conv2dOp is the forward op: (x, w) → y.
type conv2dOp struct{ convParams }

func (op conv2dOp) Arity() int { return 2 }

func (op conv2dOp) Type() hm.Type {
	t := G.TensorType{Dims: 4, Of: hm.TypeVariable('a')}
	return hm.NewFnType(t, t, t)
}

func (op conv2dOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	xs, ws, err := twoShapes("conv2d", in)
	if err != nil {
		return nil, err
	}
	g, err := convGeometry(xs, ws, op.stride, op.pad)
	if err != nil {
		return nil, err
	}
	return tensor.Shape{g.n, g.o, g.oh, g.ow}, nil
}

func (op conv2dOp) Do(vals ...G.Value) (G.Value, error) {
	ts, err := float32Tensors("conv2d", vals...)
	if err != nil {
		return nil, err
	}
	g, err := convGeometry(ts[0].Shape(), ts[1].Shape(), op.stride, op.pad)
	if err != nil {
		return nil, err
	}
	x, w := ts[0].Data().([]float32), ts[1].Data().([]float32)
	rows, cols, chw := g.rows(), g.cols(), g.c*g.h*g.w
	y := make([]float32, g.n*g.o*cols)
	var patches []float32
	if !g.direct() {
		patches = make([]float32, rows*cols)
	}
	impl := G.WhichBLAS()
	for i := 0; i < g.n; i++ {
		xi := x[i*chw : (i+1)*chw]
		if g.direct() {
			patches = xi
		} else {
			g.im2col(xi, patches)
		}
		impl.Sgemm(blas.NoTrans, blas.NoTrans, g.o, cols, rows, 1, w, rows, patches, cols, 0, y[i*g.o*cols:(i+1)*g.o*cols], cols)
	}
	return tensor.New(tensor.WithShape(g.n, g.o, g.oh, g.ow), tensor.WithBacking(y)), nil
}

func (op conv2dOp) ReturnsPtr() bool     { return false }
func (op conv2dOp) CallsExtern() bool    { return false }
func (op conv2dOp) OverwritesInput() int { return -1 }
func (op conv2dOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "genxai.Conv2D(stride=%d,pad=%d)", op.stride, op.pad)
}
func (op conv2dOp) Hashcode() uint32 { return hashOf(op) }
func (op conv2dOp) String() string {
	return fmt.Sprintf("Conv2D(s=%d,p=%d)", op.stride, op.pad)
}

// DiffWRT says both the input and the weights are differentiable.
func (op conv2dOp) DiffWRT(int) []bool { return []bool{true, true} }

// SymDiff returns the gradient nodes for x and w.
func (op conv2dOp) SymDiff(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	x, w := inputs[0], inputs[1]
	xs := x.Shape()
	if len(xs) != 4 {
		return nil, fmt.Errorf("conv2d gradient: input shape %v is not 4-D", xs)
	}
	ws := w.Shape()
	if len(ws) != 4 {
		return nil, fmt.Errorf("conv2d gradient: weight shape %v is not 4-D", ws)
	}
	dx, err := G.ApplyOp(conv2dInputGradOp{convParams: op.convParams, h: xs[2], w: xs[3]}, w, grad)
	if err != nil {
		return nil, fmt.Errorf("conv2d gradient for the input %v: %w", xs, err)
	}
	dw, err := G.ApplyOp(conv2dWeightGradOp{convParams: op.convParams, kh: ws[2], kw: ws[3]}, x, grad)
	if err != nil {
		return nil, fmt.Errorf("conv2d gradient for the weights %v: %w", ws, err)
	}
	return G.Nodes{dx, dw}, nil
}

// conv2dInputGradOp is the gradient for the input: (w, dy) → dx, with
// dx[n] = col2im(Wᵀ × dy[n]). The input's height and width are kept because
// a stride above 1 loses them.
type conv2dInputGradOp struct {
	convParams
	h, w int
}

func (op conv2dInputGradOp) Arity() int { return 2 }

func (op conv2dInputGradOp) Type() hm.Type {
	t := G.TensorType{Dims: 4, Of: hm.TypeVariable('a')}
	return hm.NewFnType(t, t, t)
}

// geometry rebuilds the forward geometry from the weights and the output
// gradient and checks that the gradient has the output's shape.
func (op conv2dInputGradOp) geometry(ws, dys tensor.Shape) (convGeom, error) {
	if len(ws) != 4 || len(dys) != 4 {
		return convGeom{}, fmt.Errorf("conv2d input gradient: weights %v and output gradient %v must be 4-D", ws, dys)
	}
	g, err := convGeometry(tensor.Shape{dys[0], ws[1], op.h, op.w}, ws, op.stride, op.pad)
	if err != nil {
		return convGeom{}, err
	}
	if dys[1] != g.o || dys[2] != g.oh || dys[3] != g.ow {
		return convGeom{}, fmt.Errorf("conv2d input gradient: output gradient %v does not match weights %v on a %d×%d input (want (%d, %d, %d, %d))",
			dys, ws, op.h, op.w, g.n, g.o, g.oh, g.ow)
	}
	return g, nil
}

func (op conv2dInputGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	ws, dys, err := twoShapes("conv2d input gradient", in)
	if err != nil {
		return nil, err
	}
	g, err := op.geometry(ws, dys)
	if err != nil {
		return nil, err
	}
	return tensor.Shape{g.n, g.c, g.h, g.w}, nil
}

func (op conv2dInputGradOp) Do(vals ...G.Value) (G.Value, error) {
	ts, err := float32Tensors("conv2d input gradient", vals...)
	if err != nil {
		return nil, err
	}
	g, err := op.geometry(ts[0].Shape(), ts[1].Shape())
	if err != nil {
		return nil, err
	}
	w, dy := ts[0].Data().([]float32), ts[1].Data().([]float32)
	rows, cols, chw, ocols := g.rows(), g.cols(), g.c*g.h*g.w, g.o*g.cols()
	dx := make([]float32, g.n*chw)
	var patches []float32
	if !g.direct() {
		patches = make([]float32, rows*cols)
	}
	impl := G.WhichBLAS()
	for i := 0; i < g.n; i++ {
		dxi := dx[i*chw : (i+1)*chw]
		if g.direct() {
			patches = dxi
		}
		impl.Sgemm(blas.Trans, blas.NoTrans, rows, cols, g.o, 1, w, rows, dy[i*ocols:(i+1)*ocols], cols, 0, patches, cols)
		if !g.direct() {
			g.col2im(patches, dxi)
		}
	}
	return tensor.New(tensor.WithShape(g.n, g.c, g.h, g.w), tensor.WithBacking(dx)), nil
}

func (op conv2dInputGradOp) ReturnsPtr() bool     { return false }
func (op conv2dInputGradOp) CallsExtern() bool    { return false }
func (op conv2dInputGradOp) OverwritesInput() int { return -1 }
func (op conv2dInputGradOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "genxai.Conv2DInputGrad(stride=%d,pad=%d,h=%d,w=%d)", op.stride, op.pad, op.h, op.w)
}
func (op conv2dInputGradOp) Hashcode() uint32 { return hashOf(op) }
func (op conv2dInputGradOp) String() string {
	return fmt.Sprintf("Conv2DInputGrad(s=%d,p=%d,%d×%d)", op.stride, op.pad, op.h, op.w)
}

// conv2dWeightGradOp is the gradient for the weights: (x, dy) → dw, with
// dw = Σ_n dy[n] × cols[n]ᵀ. The patches are rebuilt one image at a time
// rather than kept from the forward pass: one image's patches stay in cache
// and no batch-sized buffer outlives the op.
type conv2dWeightGradOp struct {
	convParams
	kh, kw int
}

func (op conv2dWeightGradOp) Arity() int { return 2 }

func (op conv2dWeightGradOp) Type() hm.Type {
	t := G.TensorType{Dims: 4, Of: hm.TypeVariable('a')}
	return hm.NewFnType(t, t, t)
}

// geometry rebuilds the forward geometry from the input and the output
// gradient and checks that the gradient has the output's shape.
func (op conv2dWeightGradOp) geometry(xs, dys tensor.Shape) (convGeom, error) {
	if len(xs) != 4 || len(dys) != 4 {
		return convGeom{}, fmt.Errorf("conv2d weight gradient: input %v and output gradient %v must be 4-D", xs, dys)
	}
	ws := tensor.Shape{dys[1], xs[1], op.kh, op.kw}
	g, err := convGeometry(xs, ws, op.stride, op.pad)
	if err != nil {
		return convGeom{}, err
	}
	if dys[0] != g.n || dys[2] != g.oh || dys[3] != g.ow {
		return convGeom{}, fmt.Errorf("conv2d weight gradient: output gradient %v does not match input %v with a %d×%d kernel (want (%d, %d, %d, %d))",
			dys, xs, op.kh, op.kw, g.n, g.o, g.oh, g.ow)
	}
	return g, nil
}

func (op conv2dWeightGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	xs, dys, err := twoShapes("conv2d weight gradient", in)
	if err != nil {
		return nil, err
	}
	g, err := op.geometry(xs, dys)
	if err != nil {
		return nil, err
	}
	return tensor.Shape{g.o, g.c, g.kh, g.kw}, nil
}

func (op conv2dWeightGradOp) Do(vals ...G.Value) (G.Value, error) {
	ts, err := float32Tensors("conv2d weight gradient", vals...)
	if err != nil {
		return nil, err
	}
	g, err := op.geometry(ts[0].Shape(), ts[1].Shape())
	if err != nil {
		return nil, err
	}
	x, dy := ts[0].Data().([]float32), ts[1].Data().([]float32)
	rows, cols, chw, ocols := g.rows(), g.cols(), g.c*g.h*g.w, g.o*g.cols()
	dw := make([]float32, g.o*rows)
	var patches []float32
	if !g.direct() {
		patches = make([]float32, rows*cols)
	}
	impl := G.WhichBLAS()
	for i := 0; i < g.n; i++ {
		xi := x[i*chw : (i+1)*chw]
		if g.direct() {
			patches = xi
		} else {
			g.im2col(xi, patches)
		}
		var beta float32 = 1
		if i == 0 {
			beta = 0
		}
		impl.Sgemm(blas.NoTrans, blas.Trans, g.o, rows, cols, 1, dy[i*ocols:(i+1)*ocols], cols, patches, cols, beta, dw, rows)
	}
	return tensor.New(tensor.WithShape(g.o, g.c, g.kh, g.kw), tensor.WithBacking(dw)), nil
}

func (op conv2dWeightGradOp) ReturnsPtr() bool     { return false }
func (op conv2dWeightGradOp) CallsExtern() bool    { return false }
func (op conv2dWeightGradOp) OverwritesInput() int { return -1 }
func (op conv2dWeightGradOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "genxai.Conv2DWeightGrad(stride=%d,pad=%d,kh=%d,kw=%d)", op.stride, op.pad, op.kh, op.kw)
}
func (op conv2dWeightGradOp) Hashcode() uint32 { return hashOf(op) }
func (op conv2dWeightGradOp) String() string {
	return fmt.Sprintf("Conv2DWeightGrad(s=%d,p=%d,%d×%d)", op.stride, op.pad, op.kh, op.kw)
}

// twoShapes returns the two shapes an op of arity 2 is given.
func twoShapes(what string, in []G.DimSizer) (tensor.Shape, tensor.Shape, error) {
	if len(in) != 2 {
		return nil, nil, fmt.Errorf("%s: expected 2 shapes, got %d", what, len(in))
	}
	a, ok := in[0].(tensor.Shape)
	b, ok2 := in[1].(tensor.Shape)
	if !ok || !ok2 {
		return nil, nil, fmt.Errorf("%s: expected shapes, got %v and %v", what, in[0], in[1])
	}
	return a, b, nil
}
