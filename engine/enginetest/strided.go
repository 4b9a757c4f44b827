package enginetest

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"genxai/engine"
)

// permutations returns every permutation of 0…n−1.
func permutations(n int) [][]int {
	if n == 0 {
		return [][]int{{}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := append(append(append([]int{}, p[:i]...), n-1), p[i:]...)
			out = append(out, q)
		}
	}
	return out
}

// unravel returns the row-major multi-index of flat position i in shape.
func unravel(i int, shape []int) []int {
	idx := make([]int, len(shape))
	for k := len(shape) - 1; k >= 0; k-- {
		idx[k] = i % shape[k]
		i /= shape[k]
	}
	return idx
}

// ravel is the flat row-major position of idx in shape.
func ravel(idx, shape []int) int {
	i := 0
	for k, d := range shape {
		i = i*d + idx[k]
	}
	return i
}

// strided runs one copy into a buffer holding dst0 and returns the result.
func strided(t *testing.T, be engine.Backend, s engine.Strided, x, dst0 []float32) []float32 {
	t.Helper()
	y := up(be, dst0)
	be.Strided(s, up(be, x), y)
	return down(t, be, y)
}

// stridedCase checks Strided through its builders against plain index
// arithmetic: every transpose of 1- to 4-axis tensors of odd extents,
// concatenation along each axis, slices with steps, the adding form, and
// repeats (a source stride of 0).
// A copy is exact, so every check is bit for bit.
func stridedCase(t *testing.T, be engine.Backend, rng *rand.Rand) (outs [][]float32) {
	for _, shape := range [][]int{{7}, {3, 17}, {1, 5}, {3, 1, 5}, {2, 3, 4}, {3, 5, 2, 7}, {2, 1, 3, 1}, {17, 3, 9, 2}} {
		x := normals(rng, len2(shape))
		for _, perm := range permutations(len(shape)) {
			s, err := engine.TransposeCopy(shape, perm)
			if err != nil {
				t.Fatal(err)
			}
			out := make([]int, len(shape))
			for k, p := range perm {
				out[k] = shape[p]
			}
			want := make([]float32, len(x))
			for i := range want {
				yi := unravel(i, out)
				xi := make([]int, len(shape))
				for k, p := range perm {
					xi[p] = yi[k]
				}
				want[i] = x[ravel(xi, shape)]
			}
			got := strided(t, be, s, x, normals(rng, len(x)))
			exact(t, fmt.Sprintf("transpose %v by %v", shape, perm), got, want)
			outs = append(outs, got)
		}
		for axis := range shape {
			outs = append(outs, concatCheck(t, be, rng, shape, axis))
			outs = append(outs, sliceCheck(t, be, rng, x, shape, axis))
		}
	}
	for _, sh := range [][3]int{{1, 1, 1}, {3, 17, 1}, {1, 5, 7}, {17, 3, 5}} {
		rows, reps, inner := sh[0], sh[1], sh[2]
		x := normals(rng, rows*inner)
		want := make([]float32, rows*reps*inner)
		for i := range want {
			want[i] = x[i/(reps*inner)*inner+i%inner]
		}
		got := strided(t, be, engine.RepeatCopy(rows, reps, inner), x, normals(rng, len(want)))
		exact(t, fmt.Sprintf("repeat %v", sh), got, want)
		outs = append(outs, got)
	}
	if _, err := engine.TransposeCopy([]int{2, 3}, []int{0, 0}); err == nil {
		t.Fatal("TransposeCopy accepted the pattern [0 0]")
	}
	return outs
}

// concatCheck concatenates three tensors of shape but for axis (extents 1,
// shape[axis] and 2) along axis.
func concatCheck(t *testing.T, be engine.Backend, rng *rand.Rand, shape []int, axis int) []float32 {
	parts := make([][]int, 3)
	total := 0
	for i, a := range []int{1, shape[axis], 2} {
		parts[i] = append([]int{}, shape...)
		parts[i][axis] = a
		total += a
	}
	out := append([]int{}, shape...)
	out[axis] = total
	want := make([]float32, len2(out))
	y := be.Alloc(len(want))
	offset := 0
	for _, p := range parts {
		x := normals(rng, len2(p))
		for i, v := range x {
			idx := unravel(i, p)
			idx[axis] += offset
			want[ravel(idx, out)] = v
		}
		s, err := engine.ConcatCopy(p, axis, offset, total)
		if err != nil {
			t.Fatal(err)
		}
		be.Strided(s, up(be, x), y)
		offset += p[axis]
	}
	got := down(t, be, y)
	exact(t, fmt.Sprintf("concat of %v along %d", parts, axis), got, want)
	return got
}

// sliceCheck takes x[…, start:end:step, …] of axis for a few slices, once
// copied and once added into y.
func sliceCheck(t *testing.T, be engine.Backend, rng *rand.Rand, x []float32, shape []int, axis int) []float32 {
	var outs []float32
	d := shape[axis]
	for _, sl := range [][3]int{{0, d, 1}, {d / 2, d, 1}, {0, 1, 1}, {d - 1, d, 3}, {0, d, 2}, {1 % d, d, 3}} {
		start, end, step := sl[0], sl[1], sl[2]
		if start >= end {
			continue
		}
		s, n, err := engine.SliceCopy(shape, axis, start, end, step)
		if err != nil {
			t.Fatal(err)
		}
		out := append([]int{}, shape...)
		out[axis] = n
		want := make([]float32, len2(out))
		for i := range want {
			idx := unravel(i, out)
			idx[axis] = start + idx[axis]*step
			want[i] = x[ravel(idx, shape)]
		}
		what := fmt.Sprintf("slice %d:%d:%d of axis %d of %v", start, end, step, axis, shape)
		got := strided(t, be, s, x, normals(rng, len(want)))
		exact(t, what, got, want)
		base := normals(rng, len(want))
		s.Add = true
		sum := strided(t, be, s, x, base)
		for i := range want {
			want[i] += base[i]
		}
		exact(t, what+" added", sum, want)
		outs = append(append(outs, got...), sum...)
	}
	if _, _, err := engine.SliceCopy(shape, axis, 0, d+1, 1); err == nil {
		t.Fatalf("SliceCopy accepted 0:%d of an axis of %d", d+1, d)
	}
	return outs
}

func len2(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
