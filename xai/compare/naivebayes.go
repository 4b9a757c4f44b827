package compare

import (
	"fmt"
	"math"
)

// NaiveBayes is a fitted Gaussian naive Bayes classifier: each class c has a
// prior πc (its share of the training rows) and, for every feature j, an
// independent normal density N(xⱼ; μcⱼ, σ²cⱼ) whose mean and variance are
// the maximum-likelihood estimates on the class's rows. A test row goes to
// argmax_c log πc + Σⱼ log N(xⱼ; μcⱼ, σ²cⱼ). This is the generative model of
// Ng and Jordan, "On Discriminative vs. Generative Classifiers: A
// comparison of logistic regression and naive Bayes" (NIPS 2002), for
// continuous features.
type NaiveBayes struct {
	// D is the number of features, K the number of classes.
	D, K int
	// LogPrior holds log πc per class.
	LogPrior []float64
	// Mean and Var hold μcⱼ and σ²cⱼ, row-major K×D; Var includes the
	// smoothing term.
	Mean, Var []float64
	// Epsilon is the smoothing added to every variance.
	Epsilon float64
}

// FitNaiveBayes fits Gaussian naive Bayes to the n×d row-major X with
// classes y in 0..k−1. Every variance gets epsilon = smoothing × the largest
// variance of any feature over all n rows (scikit-learn's var_smoothing),
// which keeps a feature that is constant within a class from giving an
// infinite density. It fails when a class has no rows or the shapes
// disagree.
func FitNaiveBayes(X []float64, n, d int, y []int, k int, smoothing float64) (*NaiveBayes, error) {
	if len(X) != n*d || len(y) != n || n == 0 || d == 0 {
		return nil, fmt.Errorf("naive Bayes: %d values and %d labels for %d rows of %d features", len(X), len(y), n, d)
	}
	m := &NaiveBayes{D: d, K: k, LogPrior: make([]float64, k), Mean: make([]float64, k*d), Var: make([]float64, k*d)}
	counts := make([]float64, k)
	for i, c := range y {
		if c < 0 || c >= k {
			return nil, fmt.Errorf("naive Bayes: row %d has class %d, outside 0..%d", i, c, k-1)
		}
		counts[c]++
		for j, v := range X[i*d : (i+1)*d] {
			m.Mean[c*d+j] += v
		}
	}
	for c, cnt := range counts {
		if cnt == 0 {
			return nil, fmt.Errorf("naive Bayes: class %d has no training rows; every class needs at least one", c)
		}
		m.LogPrior[c] = math.Log(cnt / float64(n))
		for j := 0; j < d; j++ {
			m.Mean[c*d+j] /= cnt
		}
	}
	for i, c := range y {
		for j, v := range X[i*d : (i+1)*d] {
			t := v - m.Mean[c*d+j]
			m.Var[c*d+j] += t * t
		}
	}
	for c, cnt := range counts {
		for j := 0; j < d; j++ {
			m.Var[c*d+j] /= cnt
		}
	}
	m.Epsilon = smoothing * maxColumnVariance(X, n, d)
	if m.Epsilon == 0 {
		m.Epsilon = smoothing // every column constant: a floor on the raw scale
	}
	for i := range m.Var {
		m.Var[i] += m.Epsilon
		if m.Var[i] == 0 {
			return nil, fmt.Errorf("naive Bayes: class %d, feature %d has zero variance and var_smoothing is 0; set nb_var_smoothing > 0", i/d, i%d)
		}
	}
	return m, nil
}

// maxColumnVariance is the largest population variance of a column of X.
func maxColumnVariance(X []float64, n, d int) float64 {
	best := 0.0
	for j := 0; j < d; j++ {
		s, ss := 0.0, 0.0
		for i := 0; i < n; i++ {
			s += X[i*d+j]
		}
		mu := s / float64(n)
		for i := 0; i < n; i++ {
			t := X[i*d+j] - mu
			ss += t * t
		}
		best = math.Max(best, ss/float64(n))
	}
	return best
}

// JointLogLik returns log πc + Σⱼ log N(xⱼ; μcⱼ, σ²cⱼ) of row x for every
// class c.
func (m *NaiveBayes) JointLogLik(x []float64) []float64 {
	out := make([]float64, m.K)
	for c := range out {
		s := m.LogPrior[c]
		for j, v := range x {
			vr := m.Var[c*m.D+j]
			t := v - m.Mean[c*m.D+j]
			s -= 0.5 * (math.Log(2*math.Pi*vr) + t*t/vr)
		}
		out[c] = s
	}
	return out
}

// Predict returns the most probable class of each of the n rows of X.
func (m *NaiveBayes) Predict(X []float64, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = argmax(m.JointLogLik(X[i*m.D : (i+1)*m.D]))
	}
	return out
}

// argmax returns the index of the largest value (the first on ties).
func argmax(v []float64) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}
