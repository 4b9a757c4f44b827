package cpu

import (
	"fmt"

	"genxai/engine"
)

// Strided walks the copy's index space row by row (the last axis), each
// row a plain copy or add when both strides of that axis are 1. Rows are
// independent outputs, split across workers.
func (b *Backend) Strided(s engine.Strided, src, dst engine.Buffer) {
	x, y := Data(src), Data(dst)
	if s.Len() == 0 {
		return
	}
	if ns, nd := s.Extent(); ns > len(x) || nd > len(y) || s.SrcOff < 0 || s.DstOff < 0 {
		panic(fmt.Sprintf("cpu: Strided: %+v reads %d and writes %d values of buffers of %d and %d", s, ns, nd, len(x), len(y)))
	}
	s = squeeze(s)
	b.strided = stridedJob{s: s, x: x, y: y}
	d := s.Dims
	b.run(d[0]*d[1]*d[2], d[3], &b.strided)
}

// squeeze drops the axes of extent 1 from s, the others moved to the end
// (in order), so a copy whose last axis is 1 (a repeat of single values) walks
// rows of its last real axis instead of one element at a time. The copy is the
// same element for element.
func squeeze(s engine.Strided) engine.Strided {
	out := s
	k := engine.MaxDims - 1
	for i := engine.MaxDims - 1; i >= 0; i-- {
		if s.Dims[i] != 1 {
			out.Dims[k], out.Src[k], out.Dst[k] = s.Dims[i], s.Src[i], s.Dst[i]
			k--
		}
	}
	for ; k >= 0; k-- {
		out.Dims[k], out.Src[k], out.Dst[k] = 1, 0, 0
	}
	return out
}

// stridedJob is one Strided call, its rows shared out by run.
type stridedJob struct {
	s    engine.Strided
	x, y []float32
}

func (j *stridedJob) do(_, lo, hi int) {
	s := j.s
	d, n := s.Dims, s.Dims[3]
	for r := lo; r < hi; r++ {
		i2 := r % d[2]
		i1 := r / d[2] % d[1]
		i0 := r / (d[2] * d[1])
		xo := s.SrcOff + i0*s.Src[0] + i1*s.Src[1] + i2*s.Src[2]
		yo := s.DstOff + i0*s.Dst[0] + i1*s.Dst[1] + i2*s.Dst[2]
		switch {
		case s.Src[3] == 1 && s.Dst[3] == 1 && !s.Add:
			copy(j.y[yo:yo+n], j.x[xo:xo+n])
		case s.Src[3] == 1 && s.Dst[3] == 1:
			y := j.y[yo : yo+n]
			for k, v := range j.x[xo : xo+n] {
				y[k] += v
			}
		case s.Src[3] == 0 && s.Dst[3] == 1 && !s.Add: // one value repeated
			fill(j.y[yo:yo+n], j.x[xo])
		case s.Add:
			for k := 0; k < n; k++ {
				j.y[yo+k*s.Dst[3]] += j.x[xo+k*s.Src[3]]
			}
		default:
			for k := 0; k < n; k++ {
				j.y[yo+k*s.Dst[3]] = j.x[xo+k*s.Src[3]]
			}
		}
	}
}
