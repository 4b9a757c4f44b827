package gmm

import (
	"fmt"
	"math"
)

// FromParams rebuilds a mixture for sampling and scoring from its mixing
// weights, its K means (each of length D) and its K dense D×D covariance
// matrices (row-major), as Model.Mean and Model.Covariances return them and
// model.json stores them. The model is a full-covariance one whatever
// structure it was fitted with (a diagonal or tied matrix is a full one with
// zeros or repeats), so its draws and densities are those of the fitted
// model. It fails, naming the component, when the shapes disagree, a weight
// is negative or the weights do not sum to 1, or a covariance is not
// positive definite.
func FromParams(weights []float64, means, covs [][]float64) (*Model, error) {
	K := len(weights)
	if K == 0 || len(means) != K || len(covs) != K {
		return nil, fmt.Errorf("gmm: %d weights, %d means and %d covariances; a mixture needs the same number (≥ 1) of each", K, len(means), len(covs))
	}
	d := len(means[0])
	m := &Model{K: K, D: d, Covariance: Full, Weights: append([]float64(nil), weights...),
		Means: make([]float64, 0, K*d), cov: make([]float64, 0, K*d*d),
		precChol: make([]float64, K*d*d), covChol: make([]float64, K*d*d), logDetPrec: make([]float64, K), Converged: true}
	sum := 0.0
	for k, w := range weights {
		if !(w >= 0) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("gmm: component %d has weight %v; weights must be finite and ≥ 0", k, w)
		}
		sum += w
		if len(means[k]) != d || len(covs[k]) != d*d {
			return nil, fmt.Errorf("gmm: component %d has a mean of length %d and a covariance of %d values; want %d and %d", k, len(means[k]), len(covs[k]), d, d*d)
		}
		m.Means = append(m.Means, means[k]...)
		m.cov = append(m.cov, covs[k]...)
	}
	if math.Abs(sum-1) > 1e-6 {
		return nil, fmt.Errorf("gmm: the weights sum to %v, not 1", sum)
	}
	if err := checkData(m.Means, K, d); err != nil {
		return nil, fmt.Errorf("means: %w", err)
	}
	for k := 0; k < K; k++ {
		ld, err := precisionCholesky(m.cov[k*d*d:(k+1)*d*d], m.covChol[k*d*d:(k+1)*d*d], m.precChol[k*d*d:(k+1)*d*d], d)
		if err != nil {
			return nil, fmt.Errorf("gmm: component %d: %w", k, err)
		}
		m.logDetPrec[k] = ld
	}
	return m, nil
}
