package saliency

import (
	"genxai/xai/explain"
)

// stream evaluates n variants of each query (a path, noisy copies, occluded
// copies) at most s.Batch at a time, the --max-batch memory budget: set
// fills variant k of query i into x, a copy of the query's input, and use
// reads its score and pixel-space gradient. Variants come in query order,
// then variant order; slot is the variant's row in its chunk, so set and use
// can keep per-row values in a buffer of s.Batch entries. Memory stays that
// of one chunk whatever n is; the variants of all queries are never held
// at once.
func stream(s *explain.Scorer, qs []explain.Query, n int,
	set func(i, k, slot int, x []float32), use func(i, k, slot int, score float64, grad []float32)) error {
	return streamResults(s, qs, n, set, func(i, k, slot int, r *explain.Result, row int) {
		use(i, k, slot, r.Score[row], r.Grad[row])
	})
}

// streamResults is stream handing use the chunk's whole result and the
// variant's row in it, for callers that read all outputs (the class
// probabilities of the deletion and insertion curves).
func streamResults(s *explain.Scorer, qs []explain.Query, n int,
	set func(i, k, slot int, x []float32), use func(i, k, slot int, r *explain.Result, row int)) error {
	total := len(qs) * n
	chunk := make([]explain.Query, 0, s.Batch)
	bufs := make([][]float32, s.Batch)
	for lo := 0; lo < total; lo += s.Batch {
		hi := min(lo+s.Batch, total)
		chunk = chunk[:0]
		for r := lo; r < hi; r++ {
			i, k, slot := r/n, r%n, r-lo
			q := qs[i]
			if cap(bufs[slot]) < len(q.X) {
				bufs[slot] = make([]float32, len(q.X))
			}
			x := bufs[slot][:len(q.X)]
			copy(x, q.X)
			set(i, k, slot, x)
			q.X = x
			chunk = append(chunk, q)
		}
		res, err := s.Eval(chunk)
		if err != nil {
			return err
		}
		for r := lo; r < hi; r++ {
			use(r/n, r%n, r-lo, res, r-lo)
		}
	}
	return nil
}

// chunked calls f on consecutive ranges [lo, hi) of n rows, at most size
// long: the batches a Scorer runs in one pass.
func chunked(n, size int, f func(lo, hi int) error) error {
	for lo := 0; lo < n; lo += size {
		if err := f(lo, min(lo+size, n)); err != nil {
			return err
		}
	}
	return nil
}

// accumulator sums float64 vectors, one per query: the running means of
// the path methods.
type accumulator [][]float64

// newAccumulator has one zero vector per query, of the query's length.
func newAccumulator(qs []explain.Query) accumulator {
	a := make(accumulator, len(qs))
	for i, q := range qs {
		a[i] = make([]float64, len(q.X))
	}
	return a
}

// add adds w·v to vector i.
func (a accumulator) add(i int, w float64, v []float32) {
	for j, x := range v {
		a[i][j] += w * float64(x)
	}
}

// scaled returns each vector times c, as float32.
func (a accumulator) scaled(c float64) [][]float32 {
	out := make([][]float32, len(a))
	for i, v := range a {
		out[i] = make([]float32, len(v))
		for j, x := range v {
			out[i][j] = float32(x * c)
		}
	}
	return out
}
