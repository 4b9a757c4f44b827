package cpu

import (
	"fmt"

	"genxai/engine"
)

// innerBlock is how many adjacent outputs one task of Reduce accumulates.
const innerBlock = 256

// Reduce reduces x [outer, axis, inner] along axis. Each output's summands
// are added in the engine.ChunkSum order, whatever the split across workers.
func (b *Backend) Reduce(op engine.ReduceOp, x engine.Buffer, outer, axis, inner int, y engine.Buffer) {
	if op > engine.ReduceMax {
		panic(fmt.Sprintf("cpu: Reduce: unknown reduction %d", op))
	}
	if axis < 1 {
		panic(fmt.Sprintf("cpu: Reduce: an axis of %d values has no reduction", axis))
	}
	xd := data("Reduce x", x, outer*axis*inner)
	yd := data("Reduce y", y, outer*inner)
	blocks := (inner + innerBlock - 1) / innerBlock
	b.reduce = reduceJob{op: op, x: xd, y: yd, axis: axis, inner: inner, blocks: blocks, scratch: b.scratch}
	for w := range b.scratch {
		b.scratchOf(w, 2*innerBlock)
	}
	b.run(outer*blocks, axis*min(inner, innerBlock), &b.reduce)
}

// reduceJob is one Reduce call; its items are blocks of innerBlock outputs.
type reduceJob struct {
	op                  engine.ReduceOp
	x, y                []float32
	axis, inner, blocks int
	scratch             [][]float32 // per worker: the backend's
}

func (j *reduceJob) do(w, lo, hi int) {
	axis, inner := j.axis, j.inner
	acc := j.scratch[w]
	for t := lo; t < hi; t++ {
		o, i0 := t/j.blocks, t%j.blocks*innerBlock
		i1 := min(i0+innerBlock, inner)
		src := j.x[o*axis*inner:]
		dst := j.y[o*inner+i0 : o*inner+i1]
		if j.op == engine.ReduceMax {
			maxAlong(src, axis, inner, i0, dst)
			continue
		}
		sumAlong(src, axis, inner, i0, dst, acc[:i1-i0], acc[innerBlock:innerBlock+i1-i0])
		if j.op == engine.ReduceMean {
			for k := range dst {
				dst[k] /= float32(axis)
			}
		}
	}
}

// sumAlong writes dst[j] = Σ_a src[a·inner + i0 + j] in the engine.ChunkSum order,
// using total and part as accumulators.
func sumAlong(src []float32, axis, inner, i0 int, dst, total, part []float32) {
	if inner == 1 { // a contiguous axis: the same order without the row loops
		var c engine.ChunkSum
		c.AddSlice(src[:axis])
		dst[0] = c.Sum()
		return
	}
	clear(total)
	for a0 := 0; a0 < axis; a0 += engine.ReduceChunk {
		clear(part)
		for a := a0; a < min(a0+engine.ReduceChunk, axis); a++ {
			row := src[a*inner+i0:]
			for j := range part {
				part[j] += row[j]
			}
		}
		for j := range total {
			total[j] += part[j]
		}
	}
	copy(dst, total)
}

// maxAlong writes dst[j] = max_a src[a·inner + i0 + j]; a NaN wins.
func maxAlong(src []float32, axis, inner, i0 int, dst []float32) {
	copy(dst, src[i0:i0+len(dst)])
	for a := 1; a < axis; a++ {
		row := src[a*inner+i0:]
		for j, m := range dst {
			if v := row[j]; v > m || v != v {
				dst[j] = v
			}
		}
	}
}
