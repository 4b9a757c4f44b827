package eval

import (
	"fmt"
	"runtime"
	"sync"
)

// PRDC holds the manifold-based metrics of a generator's samples against
// real samples.
type PRDC struct {
	// Precision is the share of generated samples inside the real manifold
	// (Kynkäänniemi et al. 2019): how many samples look real.
	Precision float64
	// Recall is the share of real samples inside the generated manifold: how
	// much of the real variety the generator covers.
	Recall float64
	// Density counts, per generated sample, the real k-NN balls holding it,
	// divided by k and averaged (Naeem et al. 2020): 1 on average when the
	// two distributions match, above 1 when samples crowd the modes.
	Density float64
	// Coverage is the share of real samples whose k-NN ball holds at least
	// one generated sample (Naeem et al. 2020).
	Coverage float64
}

// ManifoldMetrics computes improved precision and recall with kPR nearest
// neighbours (Kynkäänniemi et al., "Improved Precision and Recall Metric for
// Assessing Generative Models", NeurIPS 2019; k = 3 there) and density and
// coverage with kDC nearest neighbours (Naeem et al., "Reliable Fidelity and
// Diversity Metrics for Generative Models", ICML 2020; k = 5 there).
//
// A set's manifold is the union of balls around its samples, each with the
// Euclidean distance to the sample's k-th nearest other sample of the same
// set as radius; a point is inside a ball when its distance is at most the
// radius (≤, as the papers define it). With real samples X (N) and
// generated ones Y (M):
//
//	precision = 1/M Σⱼ 1[∃i: ‖Yⱼ − Xᵢ‖ ≤ r_kPR(Xᵢ)]
//	recall    = 1/N Σᵢ 1[∃j: ‖Xᵢ − Yⱼ‖ ≤ r_kPR(Yⱼ)]
//	density   = 1/(kDC·M) Σⱼ Σᵢ 1[‖Yⱼ − Xᵢ‖ ≤ r_kDC(Xᵢ)]
//	coverage  = 1/N Σᵢ 1[∃j: ‖Xᵢ − Yⱼ‖ ≤ r_kDC(Xᵢ)]
//
// It costs about (2N² + M² + 4NM)·d multiply-adds for the distances,
// computed a row at a time (memory N + M per row, not N·M) on every CPU.
// (The cross distances are computed once per measure: 4NM in all.)
func ManifoldMetrics(real, fake [][]float64, kPR, kDC int) (PRDC, error) {
	k := max(kPR, kDC)
	if kPR < 1 || kDC < 1 {
		return PRDC{}, fmt.Errorf("precision, recall, density and coverage need k ≥ 1 nearest neighbours, got %d and %d", kPR, kDC)
	}
	if err := checkFeatures("precision and recall", real, fake, k+1); err != nil {
		return PRDC{}, err
	}
	rPR, rDC := kthNeighbour(real, kPR), kthNeighbour(real, kDC)
	fPR := kthNeighbour(fake, kPR)
	byBall := func(r []float64) func(_, j int) float64 { return func(_, j int) float64 { return r[j] } }
	precise, _ := hits(fake, real, byBall(rPR))
	_, inside := hits(fake, real, byBall(rDC))
	recalled, _ := hits(real, fake, byBall(fPR))
	covered, _ := hits(real, fake, func(i, _ int) float64 { return rDC[i] })
	var m PRDC
	for j := range fake {
		m.Precision += b2f(precise[j])
		m.Density += float64(inside[j])
	}
	for i := range real {
		m.Recall += b2f(recalled[i])
		m.Coverage += b2f(covered[i])
	}
	M, N := float64(len(fake)), float64(len(real))
	m.Precision /= M
	m.Density /= float64(kDC) * M
	m.Recall /= N
	m.Coverage /= N
	return m, nil
}

// hits returns, for each row i of a, whether some row j of b lies within
// the radius radius(i, j) of it (squared distances), and how many do.
func hits(a, b [][]float64, radius func(i, j int) float64) (some []bool, count []int) {
	some, count = make([]bool, len(a)), make([]int, len(a))
	eachRow(a, b, func(i int, d2 []float64) {
		for j, v := range d2 {
			if v <= radius(i, j) {
				count[i]++
			}
		}
		some[i] = count[i] > 0
	})
	return some, count
}

// kthNeighbour returns, for each row of x, the squared Euclidean distance to
// its k-th nearest other row.
func kthNeighbour(x [][]float64, k int) []float64 {
	out := make([]float64, len(x))
	eachRow(x, x, func(i int, d2 []float64) {
		best := make([]float64, 0, k+1) // the k+1 smallest, sorted; the row itself is one of them (0)
		for _, v := range d2 {
			if len(best) == k+1 && v >= best[k] {
				continue
			}
			at := len(best)
			for at > 0 && best[at-1] > v {
				at--
			}
			if len(best) < k+1 {
				best = append(best, 0)
			}
			copy(best[at+1:], best[at:len(best)-1])
			best[at] = v
		}
		out[i] = best[k]
	})
	return out
}

// eachRow calls f(i, d2) for each row i of a with d2 the squared Euclidean
// distances from a[i] to every row of b, spreading rows over the CPUs. f may
// write only to the i-th entries of shared slices.
func eachRow(a, b [][]float64, f func(i int, d2 []float64)) {
	workers := min(runtime.GOMAXPROCS(0), len(a))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d2 := make([]float64, len(b))
			for i := w; i < len(a); i += workers {
				for j, y := range b {
					d2[j] = sqDist(a[i], y)
				}
				f(i, d2)
			}
		}()
	}
	wg.Wait()
}

func sqDist(x, y []float64) float64 {
	var s float64
	for i := range x {
		d := x[i] - y[i]
		s += d * d
	}
	return s
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
