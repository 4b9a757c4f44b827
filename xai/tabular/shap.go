package tabular

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"

	"gonum.org/v1/gonum/mat"
)

// Func is a model's scalar output for one row of table values (level
// indices for categorical columns): a probability, a logit or a decision
// value. It must be safe for concurrent use.
type Func func(row []float64) float64

// Batch is a model's output for the n rows of the row-major x, written to
// out; models that predict faster in blocks (kernel machines) provide it.
// It must be safe for concurrent use.
type Batch func(x []float64, n int, out []float64)

// Rows turns a Func into a Batch with p columns.
func (f Func) Rows(p int) Batch {
	return func(x []float64, n int, out []float64) {
		for i := 0; i < n; i++ {
			out[i] = f(x[i*p : (i+1)*p])
		}
	}
}

// Explainer computes Shapley values of f with the interventional value
// function of Lundberg and Lee (2017): the value of a coalition S of
// features for a row x is the mean over the background rows b of
// f(x on S, b elsewhere), so the base value is the mean output over the
// background.
type Explainer struct {
	F Batch
	// Background holds the background rows, row-major with P columns.
	Background []float64
	P          int
	// Workers bounds the goroutines that evaluate coalitions [GOMAXPROCS].
	Workers int
}

// nBackground is the number of background rows.
func (e *Explainer) nBackground() int { return len(e.Background) / e.P }

// Base returns the base value: the mean of F over the background.
func (e *Explainer) Base() float64 {
	return e.values(nil, [][]bool{make([]bool, e.P)})[0]
}

// values returns v(S) for every coalition in masks (mask[j]: feature j
// from x), evaluating the coalitions in parallel; each value is a sum in
// background order, so the result does not depend on the number of workers.
func (e *Explainer) values(x []float64, masks [][]bool) []float64 {
	out := make([]float64, len(masks))
	workers := e.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	nb := e.nBackground()
	var wg sync.WaitGroup
	next := make(chan int, len(masks))
	for i := range masks {
		next <- i
	}
	close(next)
	for w := 0; w < min(workers, len(masks)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rows := make([]float64, nb*e.P)
			pred := make([]float64, nb)
			for i := range next {
				copy(rows, e.Background)
				for b := 0; b < nb; b++ {
					row := rows[b*e.P : (b+1)*e.P]
					for j, in := range masks[i] {
						if in {
							row[j] = x[j]
						}
					}
				}
				e.F(rows, nb, pred)
				s := 0.0
				for _, v := range pred {
					s += v
				}
				out[i] = s / float64(nb)
			}
		}()
	}
	wg.Wait()
	return out
}

// MaxExactFeatures bounds Exact: 2^12 coalitions per row.
const MaxExactFeatures = 12

// Exact returns the Shapley values of row x by enumerating every coalition
// (Shapley 1953): φⱼ = Σ_{S∌j} |S|!(P−|S|−1)!/P! · (v(S∪{j}) − v(S)).
func (e *Explainer) Exact(x []float64) ([]float64, error) {
	P := e.P
	if P > MaxExactFeatures {
		return nil, fmt.Errorf("exact Shapley values enumerate 2^%d coalitions; at most %d features are allowed, use KernelSHAP", P, MaxExactFeatures)
	}
	masks := make([][]bool, 1<<P)
	for s := range masks {
		masks[s] = make([]bool, P)
		for j := 0; j < P; j++ {
			masks[s][j] = s&(1<<j) != 0
		}
	}
	v := e.values(x, masks)
	fact := make([]float64, P+1)
	fact[0] = 1
	for i := 1; i <= P; i++ {
		fact[i] = fact[i-1] * float64(i)
	}
	phi := make([]float64, P)
	for s := range masks {
		size := popcount(s)
		for j := 0; j < P; j++ {
			if s&(1<<j) != 0 {
				continue
			}
			w := fact[size] * fact[P-size-1] / fact[P]
			phi[j] += w * (v[s|1<<j] - v[s])
		}
	}
	return phi, nil
}

func popcount(s int) int {
	c := 0
	for ; s != 0; s &= s - 1 {
		c++
	}
	return c
}

// KernelSHAP estimates the Shapley values of row x by KernelSHAP (Lundberg
// and Lee 2017): a weighted linear regression of the coalition values on
// the coalition indicators with the Shapley kernel weights
// (P−1)/(C(P,|S|)·|S|·(P−|S|)), constrained so the values sum to
// f(x) − base. As in the shap library, coalition sizes are taken in pairs
// (s, P−s) from the smallest: a pair whose subsets all fit in the remaining
// budget of samples is enumerated with its exact weight, and the budget left
// after that is drawn at random (from rng) from the remaining sizes in
// proportion to their kernel weight, complements paired. With samples ≥
// 2^P − 2 every coalition is enumerated and the result is exact.
func (e *Explainer) KernelSHAP(x []float64, samples int, rng *rand.Rand) []float64 {
	P := e.P
	base := e.Base()
	fx := e.values(x, [][]bool{slices.Repeat([]bool{true}, P)})[0]
	if P == 1 {
		return []float64{fx - base}
	}
	masks, weights := kernelCoalitions(P, samples, rng)
	v := e.values(x, masks)
	// Eliminate the last feature with the efficiency constraint:
	// φ_P = (fx − base) − Σ_{j<P} φⱼ.
	n := len(masks)
	A := mat.NewDense(n, P-1, nil)
	b := mat.NewVecDense(n, nil)
	for i, m := range masks {
		zl := 0.0
		if m[P-1] {
			zl = 1
		}
		sw := math.Sqrt(weights[i])
		for j := 0; j < P-1; j++ {
			z := 0.0
			if m[j] {
				z = 1
			}
			A.Set(i, j, sw*(z-zl))
		}
		b.SetVec(i, sw*(v[i]-base-zl*(fx-base)))
	}
	var qr mat.QR
	qr.Factorize(A)
	sol := mat.NewVecDense(P-1, nil)
	phi := make([]float64, P)
	if err := qr.SolveVecTo(sol, false, b); err != nil {
		// Too few distinct coalitions to identify every value: fall back on
		// the normal equations with a tiny ridge.
		sol = ridgeSolve(A, b, P-1)
	}
	last := fx - base
	for j := 0; j < P-1; j++ {
		phi[j] = sol.AtVec(j)
		last -= phi[j]
	}
	phi[P-1] = last
	return phi
}

// ridgeSolve solves (AᵀA + 1e-10 I) x = Aᵀb.
func ridgeSolve(A *mat.Dense, b *mat.VecDense, p int) *mat.VecDense {
	var ata mat.Dense
	ata.Mul(A.T(), A)
	for j := 0; j < p; j++ {
		ata.Set(j, j, ata.At(j, j)+1e-10)
	}
	var atb mat.VecDense
	atb.MulVec(A.T(), b)
	var x mat.VecDense
	if err := x.SolveVec(&ata, &atb); err != nil {
		return mat.NewVecDense(p, nil)
	}
	return &x
}

// kernelCoalitions chooses the coalitions of KernelSHAP and their weights
// (summing to 1), as described there.
func kernelCoalitions(P, samples int, rng *rand.Rand) ([][]bool, []float64) {
	// Kernel mass of each size s (1..P−1), normalized: ∝ (P−1)/(s(P−s)).
	nPairs := P / 2
	sizeW := make([]float64, nPairs+1)
	total := 0.0
	for s := 1; s <= nPairs; s++ {
		w := float64(P-1) / float64(s*(P-s))
		if s != P-s {
			w *= 2
		}
		sizeW[s] = w
		total += w
	}
	for s := range sizeW {
		sizeW[s] /= total
	}
	var masks [][]bool
	var weights []float64
	left := samples
	remW := 1.0
	full := 0
	for s := 1; s <= nPairs; s++ {
		count := binom(P, s)
		if s != P-s {
			count *= 2
		}
		// Enumerate this size pair when the budget covers it and the
		// expected number of draws would reach it.
		if count > float64(left) || sizeW[s]/remW*float64(left) < count-1e-9 {
			break
		}
		perSubset := sizeW[s] / count
		forSubsets(P, s, func(m []bool) {
			masks, weights = append(masks, m), append(weights, perSubset)
			if s != P-s {
				c := make([]bool, P)
				for j := range m {
					c[j] = !m[j]
				}
				masks, weights = append(masks, c), append(weights, perSubset)
			}
		})
		left -= int(count)
		remW -= sizeW[s]
		full = s
	}
	if full == nPairs || left < 2 || remW <= 0 {
		return masks, weights
	}
	// Draw the rest in complementary pairs from the remaining sizes.
	rest := sizeW[full+1:]
	seen := map[string]int{}
	nDraw := left / 2
	for d := 0; d < nDraw; d++ {
		u := rng.Float64() * remW
		s := full + 1
		for k, w := range rest {
			s = full + 1 + k
			if u < w {
				break
			}
			u -= w
		}
		if s != P-s && rng.IntN(2) == 1 {
			s = P - s
		}
		m := make([]bool, P)
		for _, j := range rng.Perm(P)[:s] {
			m[j] = true
		}
		c := make([]bool, P)
		for j := range m {
			c[j] = !m[j]
		}
		for _, mm := range [][]bool{m, c} {
			key := fmt.Sprint(mm)
			if i, ok := seen[key]; ok {
				weights[i] += remW / float64(2*nDraw)
				continue
			}
			seen[key] = len(masks)
			masks, weights = append(masks, mm), append(weights, remW/float64(2*nDraw))
		}
	}
	return masks, weights
}

// binom returns C(n, k) as a float64.
func binom(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}

// forSubsets calls f with every subset of size s of P features, as a fresh
// mask, in lexicographic order.
func forSubsets(P, s int, f func([]bool)) {
	idx := make([]int, s)
	for i := range idx {
		idx[i] = i
	}
	for {
		m := make([]bool, P)
		for _, j := range idx {
			m[j] = true
		}
		f(m)
		i := s - 1
		for i >= 0 && idx[i] == P-s+i {
			i--
		}
		if i < 0 {
			return
		}
		idx[i]++
		for k := i + 1; k < s; k++ {
			idx[k] = idx[k-1] + 1
		}
	}
}
