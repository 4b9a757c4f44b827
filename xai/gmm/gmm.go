// Package gmm fits Gaussian mixture models by expectation–maximization.
//
// A mixture of K Gaussians has density p(x) = Σₖ wₖ N(x; μₖ, Σₖ). Fit estimates
// the weights, means and covariances by EM (Dempster, Laird and Rubin, 1977;
// Bishop, Pattern Recognition and Machine Learning, 2006, §9.2), started from
// k-means++ seeding (Arthur and Vassilvitskii, 2007) refined by Lloyd's
// algorithm, restarted NInit times keeping the run with the largest
// likelihood.
//
// The numerics follow the design of scikit-learn's GaussianMixture:
//
//   - every covariance gets RegCovar added to its diagonal, so a component
//     that collapses onto a few points stays positive definite;
//   - densities are evaluated through the Cholesky factor of the precision
//     matrix, U = R⁻¹ where Σ = RᵀR, so log N(x) = −½(d log 2π + ‖(x−μ)U‖²) +
//     Σ log Uᵢᵢ without ever forming Σ⁻¹ or a determinant;
//   - responsibilities and the per-sample log-likelihood use log-sum-exp, so
//     nothing underflows in high dimension;
//   - convergence is declared when the mean per-sample log-likelihood (the EM
//     lower bound) changes by less than Tol between iterations.
//
// Four covariance structures are supported: "full" (one d×d matrix per
// component), "tied" (one d×d matrix shared by all components), "diag" (one
// diagonal per component) and "spherical" (one variance per component).
//
// Data are passed as row-major []float64 of n rows and d columns.
package gmm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand"

	"genxai/xai/progress"
)

// Covariance structure names accepted in Params.Covariance.
const (
	// Full gives each component its own unrestricted covariance matrix.
	Full = "full"
	// Tied shares one unrestricted covariance matrix among all components.
	Tied = "tied"
	// Diag gives each component its own diagonal covariance matrix.
	Diag = "diag"
	// Spherical gives each component a single variance, σₖ² I.
	Spherical = "spherical"
)

// CovarianceTypes lists the accepted values of Params.Covariance.
var CovarianceTypes = []string{Full, Tied, Diag, Spherical}

// Params configures Fit. The zero value of every field except Components
// means "use the default"; the defaults are those of scikit-learn's
// GaussianMixture.
type Params struct {
	// Components is the number of mixture components K (at least 1).
	Components int
	// Covariance is one of "full" (default), "tied", "diag", "spherical".
	Covariance string
	// NInit is the number of EM runs from different k-means++ seeds; the run
	// with the largest final lower bound is kept. Default 1.
	NInit int
	// MaxIter caps the EM iterations of one run. Default 100.
	MaxIter int
	// Tol is the convergence threshold on the change of the mean per-sample
	// log-likelihood between iterations. Default 1e-3. A negative value
	// disables the test, so every run does MaxIter iterations.
	Tol float64
	// RegCovar is added to the diagonal of every covariance estimate.
	// Default 1e-6. A negative value means exactly zero.
	RegCovar float64
	// Seed drives the k-means++ seeding of every restart.
	Seed int64
	// Weights are frequency weights, one per row (nil: every row counts
	// once): EM multiplies row i's responsibilities by Weights[i], so the
	// fit is that of the table with row i repeated Weights[i] times, and the
	// lower bound is the weighted mean log-likelihood. The k-means++
	// initialization ignores them.
	Weights []float64
}

// withDefaults returns p with zero fields replaced by their defaults.
func (p Params) withDefaults() Params {
	if p.Covariance == "" {
		p.Covariance = Full
	}
	if p.NInit == 0 {
		p.NInit = 1
	}
	if p.MaxIter == 0 {
		p.MaxIter = 100
	}
	if p.Tol == 0 {
		p.Tol = 1e-3
	}
	if p.RegCovar == 0 {
		p.RegCovar = 1e-6
	} else if p.RegCovar < 0 {
		p.RegCovar = 0
	}
	return p
}

// validate checks the parameters against the data shape.
func (p Params) validate(n, d int) error {
	if p.Components < 1 {
		return fmt.Errorf("gmm: components = %d; need at least 1", p.Components)
	}
	if !validCovariance(p.Covariance) {
		return fmt.Errorf("gmm: covariance type %q is not known; use one of %v", p.Covariance, CovarianceTypes)
	}
	if p.NInit < 1 {
		return fmt.Errorf("gmm: n_init = %d; need at least 1", p.NInit)
	}
	if p.MaxIter < 1 {
		return fmt.Errorf("gmm: max_iter = %d; need at least 1", p.MaxIter)
	}
	if math.IsNaN(p.Tol) || math.IsNaN(p.RegCovar) || math.IsInf(p.RegCovar, 0) {
		return fmt.Errorf("gmm: tol = %v, reg_covar = %v; both must be finite numbers", p.Tol, p.RegCovar)
	}
	if n < 2 {
		return fmt.Errorf("gmm: %d sample(s); need at least 2", n)
	}
	if n < p.Components {
		return fmt.Errorf("gmm: %d samples cannot support %d components; use at most %d components or more data", n, p.Components, n)
	}
	if p.Weights != nil && len(p.Weights) != n {
		return fmt.Errorf("gmm: %d frequency weights for %d rows", len(p.Weights), n)
	}
	for i, v := range p.Weights {
		if !(v >= 0) || math.IsInf(v, 0) {
			return fmt.Errorf("gmm: row %d has frequency weight %v; weights must be finite and ≥ 0", i, v)
		}
	}
	return nil
}

func validCovariance(s string) bool {
	for _, c := range CovarianceTypes {
		if s == c {
			return true
		}
	}
	return false
}

// checkData verifies the shape of X and that every value is finite.
func checkData(X []float64, n, d int) error {
	if n < 0 || d < 1 {
		return fmt.Errorf("gmm: data shape %d×%d; need at least one column", n, d)
	}
	if len(X) != n*d {
		return fmt.Errorf("gmm: data has %d values, but %d rows × %d columns need %d", len(X), n, d, n*d)
	}
	for i, v := range X {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("gmm: row %d, column %d holds %v; every value must be a finite number", i/d, i%d, v)
		}
	}
	return nil
}

// ErrIllDefinedCovariance is returned (wrapped) when a covariance estimate is
// not positive definite even after regularization, for example when a
// component collapses onto identical points and RegCovar is zero.
var ErrIllDefinedCovariance = errors.New("gmm: a component has an ill-defined covariance (collapsed or singleton samples); use fewer components or a larger reg_covar")

// Model is a fitted Gaussian mixture.
type Model struct {
	// K is the number of components and D the dimension of the data.
	K, D int
	// Covariance is the covariance structure ("full", "tied", "diag", "spherical").
	Covariance string
	// Weights holds the K mixing weights; they sum to 1.
	Weights []float64
	// Means holds the K component means, row-major K×D.
	Means []float64
	// Converged reports whether the kept EM run met the tolerance before
	// MaxIter iterations.
	Converged bool
	// Iterations is the number of EM iterations of the kept run.
	Iterations int
	// LowerBound is the final mean per-sample log-likelihood of the kept run
	// on the training data, as scikit-learn's lower_bound_: it is evaluated in
	// the E-step of the last iteration, so with the parameters before the
	// final M-step.
	LowerBound float64
	// History holds the lower bound after each iteration of the kept run;
	// EM guarantees it is non-decreasing up to rounding.
	History []float64

	// cov holds the covariance parameters: K·D·D for full, D·D for tied, K·D
	// for diag, K for spherical (row-major, both triangles filled).
	cov []float64
	// precChol holds U with UᵀU = Σ⁻¹ (upper triangular, row-major) for full
	// and tied, and 1/σ for diag and spherical; same shape as cov.
	precChol []float64
	// covChol holds R with RᵀR = Σ (upper triangular) for full and tied, and
	// σ for diag and spherical; used for sampling.
	covChol []float64
	// logDetPrec holds log det U for each component (Σ log Uᵢᵢ).
	logDetPrec []float64
}

// Fit estimates a Gaussian mixture from the n×d row-major data X by EM.
//
// Each of the p.NInit runs starts from a k-means clustering (k-means++
// seeding, then Lloyd iterations) turned into hard responsibilities, then
// alternates E- and M-steps until the mean log-likelihood changes by less
// than p.Tol or p.MaxIter iterations pass. The run with the largest final
// lower bound is returned. Fit returns an error, never NaN parameters, when
// the data contain non-finite values, when there are fewer samples than
// components, or when a covariance is not positive definite even after
// regularization (ErrIllDefinedCovariance).
func Fit(X []float64, n, d int, p Params) (*Model, error) {
	return FitContext(context.Background(), X, n, d, p, nil)
}

// FitContext is Fit with progress reported on meter (nil: silent; the
// restart, EM iteration and lower bound, or the k-means initialization step)
// and cancellation: once ctx is cancelled the fit stops within one EM or
// Lloyd iteration (one k-means++ centre) and returns a *progress.Interrupted
// that unwraps to ctx.Err().
func FitContext(ctx context.Context, X []float64, n, d int, p Params, meter *progress.Meter) (*Model, error) {
	p = p.withDefaults()
	if err := checkData(X, n, d); err != nil {
		return nil, err
	}
	if err := p.validate(n, d); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewSource(p.Seed))
	var best *Model
	var errs []error
	st := &fitState{ctx: ctx, meter: meter, p: p}
	defer meter.Finish()
	for run := 0; run < p.NInit; run++ {
		st.run = run
		m, err := fitOnce(X, n, d, p, rng, st)
		if progress.IsInterrupted(err) {
			return nil, err
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("run %d of %d: %w", run+1, p.NInit, err))
			continue
		}
		if best == nil || m.LowerBound > best.LowerBound {
			best = m
		}
	}
	if best == nil {
		return nil, fmt.Errorf("gmm: fitting %d %s components to %d×%d data failed: %w", p.Components, p.Covariance, n, d, errors.Join(errs...))
	}
	return best, nil
}

// fitOnce runs EM once from a fresh k-means initialization.
func fitOnce(X []float64, n, d int, p Params, rng *rand.Rand, st *fitState) (*Model, error) {
	K := p.Components
	labels, err := kmeans(X, n, d, K, rng, st)
	if err != nil {
		return nil, err
	}
	resp := make([]float64, n*K)
	for i, l := range labels {
		resp[i*K+l] = 1
		if p.Weights != nil {
			resp[i*K+l] = p.Weights[i]
		}
	}
	m := &Model{K: K, D: d, Covariance: p.Covariance}
	w := newWorkspace(n, d, K)
	if err := m.mStep(X, n, resp, p.RegCovar, w); err != nil {
		return nil, fmt.Errorf("initialization: %w", err)
	}
	lower := math.Inf(-1)
	for it := 1; it <= p.MaxIter; it++ {
		if err := st.check(fmt.Sprintf("EM iteration %d", it)); err != nil {
			return nil, err
		}
		prev := lower
		var err error
		lower, err = m.eStep(X, n, resp, p.Weights, w)
		if err != nil {
			return nil, fmt.Errorf("iteration %d: %w", it, err)
		}
		if err := m.mStep(X, n, resp, p.RegCovar, w); err != nil {
			return nil, fmt.Errorf("iteration %d: %w", it, err)
		}
		m.History = append(m.History, lower)
		m.Iterations = it
		st.iteration(it, lower)
		if math.Abs(lower-prev) < p.Tol {
			m.Converged = true
			break
		}
	}
	m.LowerBound = lower
	return m, nil
}

// NumParams returns the number of free parameters of the model: K·D means,
// K−1 weights, and K·D(D+1)/2 (full), D(D+1)/2 (tied), K·D (diag) or K
// (spherical) covariance parameters.
func (m *Model) NumParams() int {
	var cov int
	switch m.Covariance {
	case Full:
		cov = m.K * m.D * (m.D + 1) / 2
	case Tied:
		cov = m.D * (m.D + 1) / 2
	case Diag:
		cov = m.K * m.D
	case Spherical:
		cov = m.K
	}
	return cov + m.K*m.D + m.K - 1
}

// rowLogProbs returns log wₖ + log N(xᵢ; μₖ, Σₖ) for the n rows of X, n×K
// row-major, after checking X's shape.
func (m *Model) rowLogProbs(X []float64, n int) []float64 {
	m.mustShape(X, n)
	w := newWorkspace(n, m.D, m.K)
	m.weightedLogProb(X, n, w.logProb, w)
	return w.logProb
}

// ScoreSamples returns the log-density log p(xᵢ) of each of the n rows of X
// under the mixture. X must hold n×D values; a shape mismatch is a
// programming error and panics.
func (m *Model) ScoreSamples(X []float64, n int) []float64 {
	logProb := m.rowLogProbs(X, n)
	out := make([]float64, n)
	for i := 0; i < n; i++ {
		out[i] = LogSumExp(logProb[i*m.K : (i+1)*m.K])
	}
	return out
}

// MeanLogLik returns the mean of ScoreSamples over the n rows of X, the
// quantity scikit-learn's GaussianMixture.score reports.
func (m *Model) MeanLogLik(X []float64, n int) float64 {
	return m.MeanLogLikWeighted(X, n, nil)
}

// MeanLogLikWeighted is MeanLogLik with row i counting w[i] times (nil:
// once each).
func (m *Model) MeanLogLikWeighted(X []float64, n int, w []float64) float64 {
	if n == 0 {
		return math.NaN()
	}
	s, sw := 0.0, 0.0
	for i, v := range m.ScoreSamples(X, n) {
		wi := 1.0 // adding n ones and 1·v keeps the unweighted sums exact
		if w != nil {
			wi = w[i]
		}
		s += wi * v
		sw += wi
	}
	return s / sw
}

// Predict returns the index of the most responsible component for each of
// the n rows of X.
func (m *Model) Predict(X []float64, n int) []int {
	logProb := m.rowLogProbs(X, n)
	out := make([]int, n)
	for i := 0; i < n; i++ {
		row := logProb[i*m.K : (i+1)*m.K]
		best := 0
		for k, v := range row {
			if v > row[best] {
				best = k
			}
		}
		out[i] = best
	}
	return out
}

// BIC returns the Bayesian information criterion of the model on the n rows
// of X (Schwarz, 1978): −2 Σᵢ log p(xᵢ) + NumParams · log n. Lower is better.
func (m *Model) BIC(X []float64, n int) float64 {
	return -2*m.MeanLogLik(X, n)*float64(n) + float64(m.NumParams())*math.Log(float64(n))
}

// AIC returns the Akaike information criterion of the model on the n rows of
// X (Akaike, 1974): −2 Σᵢ log p(xᵢ) + 2 NumParams. Lower is better.
func (m *Model) AIC(X []float64, n int) float64 {
	return -2*m.MeanLogLik(X, n)*float64(n) + 2*float64(m.NumParams())
}

// Mean returns a copy of the mean of component k.
func (m *Model) Mean(k int) []float64 {
	return append([]float64(nil), m.Means[k*m.D:(k+1)*m.D]...)
}

// Covariances returns the K covariance matrices, each expanded to a dense
// row-major D×D matrix whatever the covariance structure (a tied model
// returns K copies of the shared matrix).
func (m *Model) Covariances() [][]float64 {
	out := make([][]float64, m.K)
	d := m.D
	for k := range out {
		c := make([]float64, d*d)
		switch m.Covariance {
		case Full:
			copy(c, m.cov[k*d*d:(k+1)*d*d])
		case Tied:
			copy(c, m.cov)
		case Diag:
			for j := 0; j < d; j++ {
				c[j*d+j] = m.cov[k*d+j]
			}
		case Spherical:
			for j := 0; j < d; j++ {
				c[j*d+j] = m.cov[k]
			}
		}
		out[k] = c
	}
	return out
}

// Sample draws n points from the mixture with rng: a component by its
// weight, then μₖ + Rᵀz with z standard normal and RᵀR = Σₖ. It returns them
// row-major n×D.
func (m *Model) Sample(n int, rng *rand.Rand) []float64 {
	d := m.D
	out := make([]float64, n*d)
	cum := make([]float64, m.K)
	s := 0.0
	for k, w := range m.Weights {
		s += w
		cum[k] = s
	}
	z := make([]float64, d)
	for i := 0; i < n; i++ {
		u := rng.Float64() * s
		k := 0
		for k < m.K-1 && u >= cum[k] {
			k++
		}
		for j := range z {
			z[j] = rng.NormFloat64()
		}
		x := out[i*d : (i+1)*d]
		copy(x, m.Means[k*d:(k+1)*d])
		switch m.Covariance {
		case Full, Tied:
			R := m.covChol
			if m.Covariance == Full {
				R = R[k*d*d : (k+1)*d*d]
			}
			// x += Rᵀz: (Rᵀz)_j = Σ_{i≤j} R[i][j] z[i].
			for a := 0; a < d; a++ {
				za := z[a]
				row := R[a*d : (a+1)*d]
				for b := a; b < d; b++ {
					x[b] += row[b] * za
				}
			}
		case Diag:
			sd := m.covChol[k*d : (k+1)*d]
			for j := range x {
				x[j] += sd[j] * z[j]
			}
		case Spherical:
			sd := m.covChol[k]
			for j := range x {
				x[j] += sd * z[j]
			}
		}
	}
	return out
}

func (m *Model) mustShape(X []float64, n int) {
	if n < 0 || len(X) != n*m.D {
		panic(fmt.Sprintf("gmm: %d values passed for %d rows of a %d-dimensional model", len(X), n, m.D))
	}
}

// SelectByBIC fits one mixture for each number of components in ks (all
// other settings from p) and returns the one with the lowest BIC on X,
// together with the BIC of every candidate in the order of ks. A candidate
// that cannot be fitted (more components than samples, or an ill-defined
// covariance) gets BIC +Inf; SelectByBIC fails only when no candidate fits.
func SelectByBIC(X []float64, n, d int, ks []int, p Params) (*Model, []float64, error) {
	if len(ks) == 0 {
		return nil, nil, errors.New("gmm: SelectByBIC needs at least one candidate number of components")
	}
	if err := checkData(X, n, d); err != nil {
		return nil, nil, err
	}
	bics := make([]float64, len(ks))
	var best *Model
	bestBIC := math.Inf(1)
	var errs []error
	for i, k := range ks {
		q := p
		q.Components = k
		m, err := Fit(X, n, d, q)
		if err != nil {
			bics[i] = math.Inf(1)
			errs = append(errs, fmt.Errorf("K=%d: %w", k, err))
			continue
		}
		bics[i] = m.BIC(X, n)
		if best == nil || bics[i] < bestBIC {
			best, bestBIC = m, bics[i]
		}
	}
	if best == nil {
		return nil, bics, fmt.Errorf("gmm: no candidate in %v could be fitted: %w", ks, errors.Join(errs...))
	}
	return best, bics, nil
}
