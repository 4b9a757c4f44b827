package gmm

import (
	"fmt"
	"math"
	"math/rand"
)

// kmeansMaxIter caps Lloyd's iterations in the initialization, as
// scikit-learn's KMeans default.
const kmeansMaxIter = 300

// kmeans clusters the n×d rows of X into K groups and returns each row's
// cluster. Centres are seeded by greedy k-means++ (Arthur and Vassilvitskii,
// "k-means++: the advantages of careful seeding", SODA 2007: each new centre
// is the best of 2+⌊ln K⌋ candidates drawn with probability proportional to
// the squared distance to the nearest chosen centre), then refined by
// Lloyd's algorithm until no label changes, the centres move by less than
// 1e-4 times the mean feature variance, or 300 iterations pass. A cluster
// that empties is moved to the point farthest from its centre, so every
// cluster keeps at least one point when n ≥ K. st (nil: none) is checked
// for cancellation and told the progress once per centre and iteration.
func kmeans(X []float64, n, d, K int, rng *rand.Rand, st *fitState) ([]int, error) {
	labels := make([]int, n)
	if K == 1 {
		return labels, nil
	}
	centers, err := kmeansPlusPlus(X, n, d, K, rng, st)
	if err != nil {
		return nil, err
	}
	// Tolerance on the total squared centre shift, relative to the data scale.
	tol := 0.0
	{
		mean := make([]float64, d)
		for i := 0; i < n; i++ {
			for j := 0; j < d; j++ {
				mean[j] += X[i*d+j]
			}
		}
		for j := range mean {
			mean[j] /= float64(n)
		}
		v := 0.0
		for i := 0; i < n; i++ {
			for j := 0; j < d; j++ {
				t := X[i*d+j] - mean[j]
				v += t * t
			}
		}
		tol = 1e-4 * v / float64(n) / float64(d)
	}
	dist := make([]float64, n)
	for i := range labels {
		labels[i] = -1
	}
	sums := make([]float64, K*d)
	counts := make([]int, K)
	for it := 0; it < kmeansMaxIter; it++ {
		if err := st.check(fmt.Sprintf("k-means iteration %d", it+1)); err != nil {
			return nil, err
		}
		st.initStep(fmt.Sprintf("k-means iteration %d", it+1))
		changed := 0
		for i := 0; i < n; i++ {
			xi := X[i*d : (i+1)*d]
			best, bestD := 0, math.Inf(1)
			for k := 0; k < K; k++ {
				if dd := sqDist(xi, centers[k*d:(k+1)*d]); dd < bestD {
					best, bestD = k, dd
				}
			}
			if labels[i] != best {
				changed++
				labels[i] = best
			}
			dist[i] = bestD
		}
		clear(sums)
		clear(counts)
		for i := 0; i < n; i++ {
			k := labels[i]
			counts[k]++
			s := sums[k*d : (k+1)*d]
			for j, v := range X[i*d : (i+1)*d] {
				s[j] += v
			}
		}
		// Relocate empty clusters to the points farthest from their centres.
		for k := 0; k < K; k++ {
			if counts[k] > 0 {
				continue
			}
			far := -1
			for i := 0; i < n; i++ {
				if counts[labels[i]] > 1 && (far < 0 || dist[i] > dist[far]) {
					far = i
				}
			}
			if far < 0 {
				break // fewer distinct points than clusters; nothing to move
			}
			old := labels[far]
			counts[old]--
			so := sums[old*d : (old+1)*d]
			sk := sums[k*d : (k+1)*d]
			for j, v := range X[far*d : (far+1)*d] {
				so[j] -= v
				sk[j] += v
			}
			labels[far] = k
			counts[k] = 1
			dist[far] = 0
			changed++
		}
		shift := 0.0
		for k := 0; k < K; k++ {
			if counts[k] == 0 {
				continue
			}
			c := centers[k*d : (k+1)*d]
			s := sums[k*d : (k+1)*d]
			inv := 1 / float64(counts[k])
			for j := range c {
				nv := s[j] * inv
				t := nv - c[j]
				shift += t * t
				c[j] = nv
			}
		}
		if changed == 0 || shift <= tol {
			break
		}
	}
	// The labels are those of the last assignment step, which keeps every
	// cluster non-empty; they are what the EM initialization needs.
	return labels, nil
}

// kmeansPlusPlus returns K initial centres (row-major K×d) chosen by greedy
// k-means++ seeding.
func kmeansPlusPlus(X []float64, n, d, K int, rng *rand.Rand, st *fitState) ([]float64, error) {
	centers := make([]float64, K*d)
	trials := 2 + int(math.Log(float64(K)))
	first := rng.Intn(n)
	copy(centers, X[first*d:(first+1)*d])
	closest := make([]float64, n)
	pot := 0.0
	for i := 0; i < n; i++ {
		closest[i] = sqDist(X[i*d:(i+1)*d], centers[:d])
		pot += closest[i]
	}
	cand := make([]float64, n)
	bestCand := make([]float64, n)
	for c := 1; c < K; c++ {
		if err := st.check(fmt.Sprintf("k-means++ centre %d of %d", c+1, K)); err != nil {
			return nil, err
		}
		st.initStep(fmt.Sprintf("k-means++ centre %d of %d", c+1, K))
		bestIdx, bestPot := -1, math.Inf(1)
		for t := 0; t < trials; t++ {
			idx := sampleByWeight(closest, pot, rng)
			cp := 0.0
			xc := X[idx*d : (idx+1)*d]
			for i := 0; i < n; i++ {
				v := sqDist(X[i*d:(i+1)*d], xc)
				if closest[i] < v {
					v = closest[i]
				}
				cand[i] = v
				cp += v
			}
			if cp < bestPot {
				bestIdx, bestPot = idx, cp
				copy(bestCand, cand)
			}
		}
		copy(centers[c*d:(c+1)*d], X[bestIdx*d:(bestIdx+1)*d])
		copy(closest, bestCand)
		pot = bestPot
	}
	return centers, nil
}

// sampleByWeight draws an index with probability w[i]/total; when every
// weight is zero (all points coincide with centres) it draws uniformly.
func sampleByWeight(w []float64, total float64, rng *rand.Rand) int {
	if !(total > 0) {
		return rng.Intn(len(w))
	}
	u := rng.Float64() * total
	acc := 0.0
	for i, v := range w {
		acc += v
		if u < acc {
			return i
		}
	}
	// Rounding left u at the very top: return the last index with weight.
	for i := len(w) - 1; i >= 0; i-- {
		if w[i] > 0 {
			return i
		}
	}
	return len(w) - 1
}

func sqDist(a, b []float64) float64 {
	s := 0.0
	for j, v := range a {
		t := v - b[j]
		s += t * t
	}
	return s
}
