package svm

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
)

// kernelFunc evaluates one kernel on pairs of vectors. For the rbf kernel
// the caller passes the squared norms so that K(x, z) = exp(-γ(‖x‖² + ‖z‖²
// − 2⟨x, z⟩)) costs one dot product, as in libsvm's Kernel class.
type kernelFunc struct {
	kind   kernelKind
	gamma  float64
	coef0  float64
	degree int
}

// fromDot turns the inner product ⟨x, z⟩ (and, for rbf, the squared norms)
// into the kernel value.
func (k *kernelFunc) fromDot(dot, sqx, sqz float64) float64 {
	switch k.kind {
	case kLinear:
		return dot
	case kPoly:
		return powi(k.gamma*dot+k.coef0, k.degree)
	case kRBF:
		d := sqx + sqz - 2*dot
		if d < 0 {
			d = 0
		}
		return math.Exp(-k.gamma * d)
	case kSigmoid:
		return math.Tanh(k.gamma*dot + k.coef0)
	}
	panic("svm: unknown kernel kind")
}

// powi is x^n for n ≥ 0 by repeated squaring.
func powi(x float64, n int) float64 {
	r := 1.0
	for t := n; t > 0; t >>= 1 {
		if t&1 == 1 {
			r *= x
		}
		x *= x
	}
	return r
}

// svcQ is the matrix Q_ij = y_i y_j K(x_i, x_j) of the C-SVC dual, served a
// column at a time from an LRU cache (libsvm's SVC_Q). The rows live in one
// contiguous l×d block so that the missing part of a column is one
// matrix-vector product; rows, labels and the diagonal are permuted in
// place by swap when the solver shrinks.
type svcQ struct {
	k     *kernelFunc
	x     []float64 // training rows, l×d row-major, permuted along with the solver
	d     int
	sq    []float64 // ‖x_i‖², used by rbf
	y     []int8
	qd    []float64 // Q_ii = K(x_i, x_i)
	cache *lruCache
	dots  []float64 // scratch for one column of inner products
	tmp   []float64 // scratch row for swaps
}

func newSVCQ(k *kernelFunc, rows [][]float64, y []int8, cacheEntries int64) *svcQ {
	l := len(rows)
	d := len(rows[0])
	q := &svcQ{k: k, d: d, x: make([]float64, l*d), y: y, sq: make([]float64, l), qd: make([]float64, l),
		dots: make([]float64, l), tmp: make([]float64, d)}
	for i, r := range rows {
		copy(q.x[i*d:(i+1)*d], r)
		q.sq[i] = floats.Dot(r, r)
		q.qd[i] = k.fromDot(q.sq[i], q.sq[i], q.sq[i])
	}
	q.cache = newLRUCache(l, cacheEntries)
	return q
}

// row returns x_i.
func (q *svcQ) row(i int) []float64 { return q.x[i*q.d : (i+1)*q.d : (i+1)*q.d] }

// column returns Q_{i,0..n-1} (possibly longer: a cached column keeps its
// longest length). Only the entries not yet cached are computed.
func (q *svcQ) column(i, n int) []float32 {
	data, start := q.cache.get(i, n)
	if start < n {
		d := q.d
		dots := q.dots[start:n]
		blas64.Gemv(blas.NoTrans, 1,
			blas64.General{Rows: n - start, Cols: d, Stride: d, Data: q.x[start*d : n*d]},
			blas64.Vector{N: d, Inc: 1, Data: q.row(i)},
			0, blas64.Vector{N: n - start, Inc: 1, Data: dots})
		sqi := q.sq[i]
		yi := q.y[i]
		k := q.k
		sq, y := q.sq[start:n], q.y[start:n]
		out := data[start:n]
		for j, dt := range dots {
			v := k.fromDot(dt, sqi, sq[j])
			if yi != y[j] {
				v = -v
			}
			out[j] = float32(v)
		}
	}
	return data
}

// swap exchanges the positions i and j in every per-row array and in the
// cache.
func (q *svcQ) swap(i, j int) {
	if i == j {
		return
	}
	q.cache.swap(i, j)
	ri, rj := q.row(i), q.row(j)
	copy(q.tmp, ri)
	copy(ri, rj)
	copy(rj, q.tmp)
	q.sq[i], q.sq[j] = q.sq[j], q.sq[i]
	q.y[i], q.y[j] = q.y[j], q.y[i]
	q.qd[i], q.qd[j] = q.qd[j], q.qd[i]
}
