package engine

import "fmt"

// MaxDims is the most axes a Strided copy walks: enough for any transpose of
// an NCHW or (batch, heads, T, d) tensor.
const MaxDims = 4

// Strided is a copy over an index space of up to MaxDims axes: for every
// index (i₀ … i₃) below Dims, dst[DstOff + Σ iₖ·Dst[k]] is set to (or, with
// Add, increased by) src[SrcOff + Σ iₖ·Src[k]]. Unused leading axes have
// extent 1. Distinct indices must address distinct elements of dst; the
// buffers must not be the same. Build one with TransposeCopy, ConcatCopy or
// SliceCopy.
type Strided struct {
	Dims           [MaxDims]int
	Src, Dst       [MaxDims]int
	SrcOff, DstOff int
	Add            bool
}

// Len is the number of elements the copy moves.
func (s Strided) Len() int { return s.Dims[0] * s.Dims[1] * s.Dims[2] * s.Dims[3] }

// Extent is one more than the largest offset the copy reads from src and
// writes in dst: the least lengths of the two buffers.
func (s Strided) Extent() (src, dst int) {
	if s.Len() == 0 {
		return 0, 0
	}
	src, dst = s.SrcOff+1, s.DstOff+1
	for k, d := range s.Dims {
		src += (d - 1) * s.Src[k]
		dst += (d - 1) * s.Dst[k]
	}
	return src, dst
}

// contiguous returns the row-major strides of shape, padded in front to
// MaxDims axes, and the padded shape.
func contiguous(shape []int) (dims, strides [MaxDims]int) {
	off := MaxDims - len(shape)
	for k := range dims {
		dims[k] = 1
	}
	copy(dims[off:], shape)
	st := 1
	for k := MaxDims - 1; k >= 0; k-- {
		strides[k] = st
		st *= dims[k]
	}
	return dims, strides
}

// TransposeCopy is the copy of a dense tensor of the given shape into its
// transpose y with y's axis k being x's axis perm[k] (Gorgonia's and
// NumPy's convention), y dense.
func TransposeCopy(shape, perm []int) (Strided, error) {
	if len(shape) > MaxDims || len(perm) != len(shape) {
		return Strided{}, fmt.Errorf("transpose of a %d-axis tensor by %v: the pattern must name each of at most %d axes once", len(shape), perm, MaxDims)
	}
	seen := make([]bool, len(perm))
	for _, p := range perm {
		if p < 0 || p >= len(perm) || seen[p] {
			return Strided{}, fmt.Errorf("transpose pattern %v is not a permutation of 0…%d", perm, len(perm)-1)
		}
		seen[p] = true
	}
	_, xs := contiguous(shape)
	out := make([]int, len(shape))
	for k, p := range perm {
		out[k] = shape[p]
	}
	var s Strided
	s.Dims, s.Dst = contiguous(out)
	off := MaxDims - len(shape)
	for k := range s.Src {
		s.Src[k] = 0
		if k >= off {
			s.Src[k] = xs[off+perm[k-off]]
		}
	}
	return s, nil
}

// blockCopy views a tensor as [outer, along, inner] and copies a block of n
// positions along the middle axis: src from position from (taking every
// step-th), into dst at position to; srcAlong and dstAlong are the middle
// extents of the two buffers.
func blockCopy(outer, inner, n, srcAlong, from, step, dstAlong, to int) Strided {
	return Strided{
		Dims:   [MaxDims]int{1, outer, n, inner},
		Src:    [MaxDims]int{0, srcAlong * inner, step * inner, 1},
		Dst:    [MaxDims]int{0, dstAlong * inner, inner, 1},
		SrcOff: from * inner, DstOff: to * inner,
	}
}

// ConcatCopy is the copy of one operand of a concatenation along axis: the
// operand (shape) goes at position offset of that axis of the result, whose
// extent along axis is total (Gorgonia's Concat).
func ConcatCopy(shape []int, axis, offset, total int) (Strided, error) {
	if axis < 0 || axis >= len(shape) || offset < 0 || offset+shape[axis] > total {
		return Strided{}, fmt.Errorf("concatenating %v along axis %d at %d of %d: out of range", shape, axis, offset, total)
	}
	return blockCopy(size(shape[:axis]), size(shape[axis+1:]), shape[axis], shape[axis], 0, 1, total, offset), nil
}

// RepeatCopy is the copy of x viewed as [rows, inner] into y of [rows, reps,
// inner]: each row of x repeated reps times (Gorgonia's Repeat along the axis
// that ends rows, NumPy's repeat). It reads x with a stride of 0 along reps.
func RepeatCopy(rows, reps, inner int) Strided {
	return Strided{
		Dims: [MaxDims]int{1, rows, reps, inner},
		Src:  [MaxDims]int{0, inner, 0, 1},
		Dst:  [MaxDims]int{0, reps * inner, inner, 1},
	}
}

// SliceCopy is the copy of x[…, start:end:step, …] (axis along, step ≥ 1,
// Gorgonia's and NumPy's slice) of a tensor of the given shape into a dense
// result; it returns the copy and the number of positions taken.
func SliceCopy(shape []int, along, start, end, step int) (Strided, int, error) {
	if along < 0 || along >= len(shape) || start < 0 || end > shape[along] || start >= end || step < 1 {
		return Strided{}, 0, fmt.Errorf("slice %d:%d:%d of axis %d of %v: out of range", start, end, step, along, shape)
	}
	n := (end - start + step - 1) / step
	return blockCopy(size(shape[:along]), size(shape[along+1:]), n, shape[along], start, step, n, 0), n, nil
}
