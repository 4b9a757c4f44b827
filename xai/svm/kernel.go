package svm

import (
	"math"

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
// column at a time from an LRU cache (libsvm's SVC_Q). Rows, labels and
// the diagonal are permuted in place by swap when the solver shrinks.
type svcQ struct {
	k     *kernelFunc
	x     [][]float64 // training rows, permuted along with the solver
	sq    []float64   // ‖x_i‖², used by rbf
	y     []int8
	qd    []float64 // Q_ii = K(x_i, x_i)
	cache *lruCache
}

func newSVCQ(k *kernelFunc, x [][]float64, y []int8, cacheEntries int64) *svcQ {
	l := len(x)
	q := &svcQ{k: k, x: x, y: y, sq: make([]float64, l), qd: make([]float64, l)}
	for i, xi := range x {
		q.sq[i] = floats.Dot(xi, xi)
	}
	for i := range x {
		q.qd[i] = k.fromDot(q.sq[i], q.sq[i], q.sq[i])
	}
	q.cache = newLRUCache(l, cacheEntries)
	return q
}

// column returns Q_{i,0..n-1} (possibly longer: a cached column keeps its
// longest length). Only the entries not yet cached are computed.
func (q *svcQ) column(i, n int) []float32 {
	data, start := q.cache.get(i, n)
	if start < n {
		xi := q.x[i]
		sqi := q.sq[i]
		yi := q.y[i]
		k := q.k
		for j := start; j < n; j++ {
			v := k.fromDot(floats.Dot(xi, q.x[j]), sqi, q.sq[j])
			if yi != q.y[j] {
				v = -v
			}
			data[j] = float32(v)
		}
	}
	return data
}

// swap exchanges the positions i and j in every per-row array and in the
// cache.
func (q *svcQ) swap(i, j int) {
	q.cache.swap(i, j)
	q.x[i], q.x[j] = q.x[j], q.x[i]
	q.sq[i], q.sq[j] = q.sq[j], q.sq[i]
	q.y[i], q.y[j] = q.y[j], q.y[i]
	q.qd[i], q.qd[j] = q.qd[j], q.qd[i]
}
