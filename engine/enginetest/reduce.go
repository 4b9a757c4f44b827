package enginetest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"genxai/engine"
)

// reduceCase reduces [outer, axis, inner] tensors: against float64 with the
// summation tolerance relative to Σ|x|, bit for bit against a plain float32
// loop when the axis fits one engine.ReduceChunk, and max exactly.
func reduceCase(t *testing.T, be engine.Backend, rng *rand.Rand) (outs [][]float32) {
	for _, sh := range [][3]int{{1, 1, 1}, {3, 17, 1}, {1, 127, 3}, {17, 3, 127}, {2, 3000, 1}, {1, 2500, 300}, {4, 1, 5}} {
		outer, axis, inner := sh[0], sh[1], sh[2]
		x := normals(rng, outer*axis*inner)
		xb := up(be, x)
		for _, op := range []engine.ReduceOp{engine.ReduceSum, engine.ReduceMean, engine.ReduceMax} {
			yb := be.Alloc(outer * inner)
			be.Reduce(op, xb, outer, axis, inner, yb)
			got := down(t, be, yb)
			what := fmt.Sprintf("reduce %d of %v", op, sh)
			want, plain, mag := make([]float64, outer*inner), make([]float32, outer*inner), 0.0
			for o := 0; o < outer; o++ {
				for i := 0; i < inner; i++ {
					var s, abs float64
					var p float32
					m := x[o*axis*inner+i]
					for a := 0; a < axis; a++ {
						v := x[(o*axis+a)*inner+i]
						s, abs, p, m = s+float64(v), abs+math.Abs(float64(v)), p+v, max(m, v)
					}
					k := o*inner + i
					switch op {
					case engine.ReduceSum:
						want[k], plain[k] = s, p
					case engine.ReduceMean:
						want[k], plain[k], abs = s/float64(axis), p/float32(axis), abs/float64(axis)
					default:
						want[k], plain[k] = float64(m), m
					}
					mag = math.Max(mag, abs)
				}
			}
			if op == engine.ReduceMax || axis <= engine.ReduceChunk {
				exact(t, what, got, plain)
			}
			near(t, what, got, want, sumTol(axis), mag)
			outs = append(outs, got)
		}
	}
	return outs
}

// softmaxRef returns softmax and log-softmax of each row in float64.
func softmaxRef(x []float32, rows, cols int) (sm, lsm []float64) {
	sm, lsm = make([]float64, len(x)), make([]float64, len(x))
	for r := 0; r < rows; r++ {
		row := x[r*cols : (r+1)*cols]
		m := math.Inf(-1)
		for _, v := range row {
			m = math.Max(m, float64(v))
		}
		var s float64
		for _, v := range row {
			s += math.Exp(float64(v) - m)
		}
		for j, v := range row {
			sm[r*cols+j] = math.Exp(float64(v)-m) / s
			lsm[r*cols+j] = float64(v) - m - math.Log(s)
		}
	}
	return sm, lsm
}

// softmaxCase checks softmax, log-softmax and both gradients per row
// against float64 (x scaled by 4 so that rows have large and tiny terms).
func softmaxCase(t *testing.T, be engine.Backend, rng *rand.Rand) (outs [][]float32) {
	for _, sh := range shapes2() {
		rows, cols := sh[0], sh[1]
		n := rows * cols
		x, dy := normals(rng, n), normals(rng, n)
		for i := range x {
			x[i] *= 4
		}
		sm, lsm := softmaxRef(x, rows, cols)
		xb, dyb := up(be, x), up(be, dy)
		y, ly, dx, ldx := be.Alloc(n), be.Alloc(n), be.Alloc(n), be.Alloc(n)
		be.Softmax(xb, rows, cols, y)
		be.LogSoftmax(xb, rows, cols, ly)
		be.SoftmaxGrad(y, dyb, rows, cols, dx)
		be.LogSoftmaxGrad(ly, dyb, rows, cols, ldx)
		yv, lyv := down(t, be, y), down(t, be, ly)
		// The gradients' references start from the backend's own y, so they
		// measure the gradient kernels alone.
		gsm, glsm := make([]float64, n), make([]float64, n)
		for r := 0; r < rows; r++ {
			var dot, s float64
			for j := r * cols; j < (r+1)*cols; j++ {
				dot += float64(dy[j]) * float64(yv[j])
				s += float64(dy[j])
			}
			for j := r * cols; j < (r+1)*cols; j++ {
				gsm[j] = float64(yv[j]) * (float64(dy[j]) - dot)
				glsm[j] = float64(dy[j]) - math.Exp(float64(lyv[j]))*s
			}
		}
		what := fmt.Sprintf("%d×%d", rows, cols)
		tol := sumTol(cols)
		near(t, "softmax "+what, yv, sm, tol, 1)
		near(t, "log-softmax "+what, lyv, lsm, tol, 16)
		dxv, ldxv := down(t, be, dx), down(t, be, ldx)
		near(t, "softmax gradient "+what, dxv, gsm, tol, 4)
		near(t, "log-softmax gradient "+what, ldxv, glsm, tol, 4*math.Sqrt(float64(cols)))
		outs = append(outs, yv, lyv, dxv, ldxv)
	}
	return outs
}
