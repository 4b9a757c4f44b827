package svm

import (
	"errors"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
)

// dot is the inner product of two equal-length vectors (gonum's SIMD
// kernel on amd64).
func dot(a, b []float64) float64 { return floats.Dot(a, b) }

// predictBlock is how many input rows share one kernel-matrix product.
const predictBlock = 256

// forEachKernelRow computes, for blocks of input rows, the kernel values
// against all support vectors (after standardization) and calls fn with
// the row index and the values. The inner products of a block come from
// one matrix product X_block · SVᵀ. Blocks run on several goroutines; fn
// must only write to row-owned outputs.
func (m *Model) forEachKernelRow(X []float64, n int, fn func(i int, kv []float64)) {
	if err := m.CheckInput(X, n); err != nil {
		panic(err)
	}
	d, nsv := m.d, len(m.sv)
	nb := (n + predictBlock - 1) / predictBlock
	workers := min(runtime.GOMAXPROCS(0), nb)
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			xb := make([]float64, predictBlock*d)
			kb := make([]float64, predictBlock*nsv)
			sq := make([]float64, predictBlock)
			for b := range next {
				lo := b * predictBlock
				hi := min(lo+predictBlock, n)
				rows := hi - lo
				copy(xb, X[lo*d:hi*d])
				if m.mean != nil {
					applyStandardization(xb[:rows*d], d, m.mean, m.scale)
				}
				for r := 0; r < rows; r++ {
					v := xb[r*d : (r+1)*d]
					sq[r] = dot(v, v)
				}
				if nsv > 0 {
					blas64.Gemm(blas.NoTrans, blas.Trans, 1,
						blas64.General{Rows: rows, Cols: d, Stride: d, Data: xb},
						blas64.General{Rows: nsv, Cols: d, Stride: d, Data: m.svFlat},
						0, blas64.General{Rows: rows, Cols: nsv, Stride: nsv, Data: kb})
				}
				for r := 0; r < rows; r++ {
					kv := kb[r*nsv : (r+1)*nsv]
					for s := range kv {
						kv[s] = m.kernel.fromDot(kv[s], sq[r], m.svSq[s])
					}
					fn(lo+r, kv)
				}
			}
		}()
	}
	for b := 0; b < nb; b++ {
		next <- b
	}
	close(next)
	wg.Wait()
}

// decisionRow fills dec (one value per pair, libsvm order) from the
// kernel values kv of one input against the support vectors:
// f_ab(x) = Σ_{s∈a} coef[b−1]_s K_s + Σ_{s∈b} coef[a]_s K_s − rho_ab.
// A positive value favours the first class of the pair.
func (m *Model) decisionRow(kv, dec []float64) {
	k := len(m.classes)
	p := 0
	for a := 0; a < k; a++ {
		for b := a + 1; b < k; b++ {
			sa, sb := m.svStart[a], m.svStart[b]
			na, nb := m.nSV[a], m.nSV[b]
			s := floats.Dot(m.coef[b-1][sa:sa+na], kv[sa:sa+na]) +
				floats.Dot(m.coef[a][sb:sb+nb], kv[sb:sb+nb])
			dec[p] = s - m.rho[p]
			p++
		}
	}
}

// DecisionFunction returns, for each of the n rows of X, the one-vs-one
// decision values in libsvm pair order (0,1), (0,2), …, (0,k−1), (1,2), …
// over Classes(); a positive value favours the first class of the pair.
// It panics when len(X) != n·NumFeatures() (see CheckInput).
func (m *Model) DecisionFunction(X []float64, n int) [][]float64 {
	k := len(m.classes)
	np := k * (k - 1) / 2
	out := make([][]float64, n)
	buf := make([]float64, n*np)
	m.forEachKernelRow(X, n, func(i int, kv []float64) {
		out[i] = buf[i*np : (i+1)*np : (i+1)*np]
		m.decisionRow(kv, out[i])
	})
	return out
}

// Predict returns the class of each of the n rows of X by one-vs-one
// voting; ties go to the class that comes first in Classes(), as in
// libsvm. It panics when len(X) != n·NumFeatures() (see CheckInput).
func (m *Model) Predict(X []float64, n int) []int {
	k := len(m.classes)
	np := k * (k - 1) / 2
	out := make([]int, n)
	var pool sync.Pool
	m.forEachKernelRow(X, n, func(i int, kv []float64) {
		bufs, _ := pool.Get().(*[2][]float64)
		if bufs == nil {
			bufs = &[2][]float64{make([]float64, np), make([]float64, k)}
		}
		dec, votes := bufs[0], bufs[1]
		m.decisionRow(kv, dec)
		out[i] = m.classes[vote(dec, votes, k)]
		pool.Put(bufs)
	})
	return out
}

// vote counts one-vs-one wins and returns the winning class index.
func vote(dec, votes []float64, k int) int {
	clear(votes)
	p := 0
	for a := 0; a < k; a++ {
		for b := a + 1; b < k; b++ {
			if dec[p] > 0 {
				votes[a]++
			} else {
				votes[b]++
			}
			p++
		}
	}
	best := 0
	for c := 1; c < k; c++ {
		if votes[c] > votes[best] {
			best = c
		}
	}
	return best
}

// ErrNoProbability is returned by PredictProba for a model fitted without
// Params.Probability.
var ErrNoProbability = errors.New("svm: the model was fitted without probability estimates; refit with Params.Probability = true")

// PredictProba returns, for each of the n rows of X, class probabilities
// in the order of Classes(): pairwise Platt probabilities
// 1/(1+exp(A·f+B)) coupled by the second method of Wu, Lin & Weng,
// "Probability estimates for multi-class classification by pairwise
// coupling" (JMLR 5, 2004), as libsvm's svm_predict_probability does.
func (m *Model) PredictProba(X []float64, n int) ([][]float64, error) {
	if m.probA == nil {
		return nil, ErrNoProbability
	}
	if err := m.CheckInput(X, n); err != nil {
		return nil, err
	}
	k := len(m.classes)
	np := k * (k - 1) / 2
	out := make([][]float64, n)
	buf := make([]float64, n*k)
	m.forEachKernelRow(X, n, func(i int, kv []float64) {
		dec := make([]float64, np)
		m.decisionRow(kv, dec)
		out[i] = buf[i*k : (i+1)*k : (i+1)*k]
		m.probabilities(dec, out[i])
	})
	return out, nil
}

// probabilities turns one row of decision values into class probabilities.
func (m *Model) probabilities(dec, prob []float64) {
	k := len(m.classes)
	const minProb = 1e-7
	r := make([][]float64, k)
	for i := range r {
		r[i] = make([]float64, k)
	}
	p := 0
	for a := 0; a < k; a++ {
		for b := a + 1; b < k; b++ {
			v := sigmoidPredict(dec[p], m.probA[p], m.probB[p])
			v = min(max(v, minProb), 1-minProb)
			r[a][b] = v
			r[b][a] = 1 - v
			p++
		}
	}
	if k == 2 {
		prob[0], prob[1] = r[0][1], r[1][0]
		return
	}
	multiclassProbability(r, prob)
}
