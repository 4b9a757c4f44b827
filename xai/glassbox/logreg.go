package glassbox

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"genxai/data"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// LogRegOptions configures FitLogReg.
type LogRegOptions struct {
	// L2 is the ridge penalty λ ≥ 0: the fit maximizes
	// log L(β) − (λ/2)·Σ βⱼ² over the slopes (the intercepts are not
	// penalized). With λ > 0 the standard errors come from the penalized
	// Hessian (the inverse of XᵀWX + λI), which the table says.
	L2 float64
	// Standardize centres every feature on its training mean and divides it
	// by its training standard deviation (n−1 denominator) before fitting;
	// odds ratios then refer to a one-standard-deviation increase.
	Standardize bool
	// MaxIter bounds the Newton iterations (default 100).
	MaxIter int
	// Tol is the convergence tolerance on the largest Newton step relative to
	// 1+|β| (default 1e-10).
	Tol float64
	// Weights are frequency weights, one per row (nil: every row counts
	// once): row i stands for Weights[i] identical observations, so the
	// log-likelihood, its gradient and the information matrix are weighted
	// sums and the standard errors count the weights as observations, as
	// statsmodels' GLM with freq_weights. Rows of weight 0 are left out.
	Weights []float64
}

// Coef is one row of the coefficient table: a slope or intercept of one
// non-reference class on the log-odds scale, its Wald test and its odds
// ratio with the 95% Wald confidence interval exp(β ± 1.96·SE).
type Coef struct {
	// Feature is the feature name, or "intercept".
	Feature string
	// Class is the non-reference class this coefficient belongs to (the
	// log-odds of Class against the reference class).
	Class string
	// Coef is the estimate β on the log-odds scale.
	Coef float64
	// SE is the standard error sqrt(diag(H⁻¹)).
	SE float64
	// Z is Coef/SE.
	Z float64
	// P is the two-sided p-value of Z under the standard normal.
	P float64
	// OddsRatio is exp(Coef).
	OddsRatio float64
	// CILow and CIHigh bound the 95% confidence interval of the odds ratio.
	CILow, CIHigh float64
}

// Label is the row label of the coefficient table: the feature name, and for
// a multinomial model "feature [class k vs ref]".
func (c Coef) Label(multinomial bool, ref string) string {
	if !multinomial {
		return c.Feature
	}
	return fmt.Sprintf("%s [%s vs %s]", c.Feature, c.Class, ref)
}

// LogReg is a fitted binary or multinomial (baseline-category) logistic
// regression. For K classes the first class is the reference and every other
// class k has its own intercept and slopes: log P(k|x)/P(ref|x) = β_k0 + β_kᵀx.
type LogReg struct {
	// Features names the columns in the order of the input matrix.
	Features []string
	// Classes names the classes; Classes[0] is the reference category.
	Classes []string
	// Coefs is the table, class by class (non-reference classes in order),
	// intercept first within a class.
	Coefs []Coef
	// Cov is the covariance matrix of all coefficients in the order of Coefs
	// (the inverse of the, possibly penalized, observed information).
	Cov *mat.SymDense `json:"-"`
	// N is the number of training rows (of weight > 0).
	N int
	// Observations is the number of observations the rows stand for: the
	// sum of the frequency weights (N without weights).
	Observations float64
	// LogLik is the (unpenalized) log-likelihood at the estimate.
	LogLik float64
	// NullLogLik is the log-likelihood of the intercept-only model.
	NullLogLik float64
	// LRStat is the likelihood-ratio statistic 2(LogLik − NullLogLik).
	LRStat float64
	// LRDF is its degrees of freedom: the number of slopes.
	LRDF int
	// LRP is the p-value of LRStat under χ²(LRDF).
	LRP float64
	// PseudoR2 is McFadden's 1 − LogLik/NullLogLik.
	PseudoR2 float64
	// Iterations is the number of Newton steps taken.
	Iterations int
	// L2 is the ridge penalty the model was fitted with.
	L2 float64
	// Standardized reports whether features were standardized; Means and SDs
	// hold the transformation (nil otherwise).
	Standardized bool
	// Means and SDs are the training means and standard deviations used to
	// standardize, one per feature.
	Means, SDs []float64
	// Separation lists single features that separate a class on their own,
	// found before fitting. It is only non-empty when L2 > 0 (without a
	// penalty FitLogReg returns a *SeparationError instead).
	Separation []SeparatingFeature
	// Warnings holds notes a reader of the table needs (penalized standard
	// errors, separation under a penalty).
	Warnings []string
	// Encoding is how the table's columns became the model's features: the
	// categorical columns one-hot encoded with their reference level dropped
	// (nil when the fit was given a numeric matrix directly).
	Encoding *data.Encoding `json:",omitempty"`
	// WeightColumn names the column of frequency weights ("" without one).
	WeightColumn string `json:",omitempty"`
}

// Multinomial reports whether the model has more than two classes.
func (m *LogReg) Multinomial() bool { return len(m.Classes) > 2 }

// Scale says which scale the odds ratios refer to.
func (m *LogReg) Scale() string {
	if m.Standardized {
		return "per one-standard-deviation increase of the feature (standardized with the training mean and SD)"
	}
	return "per one-unit increase of the feature (original units)"
}

// SeparatingFeature describes a feature that, on its own, splits one class
// from the others by a threshold.
type SeparatingFeature struct {
	// Feature is the feature's name.
	Feature string
	// Class is the class that is split off (for a binary model, the
	// non-reference class).
	Class string
	// Complete is true when the split is strict on both sides (complete
	// separation); false for quasi-complete separation, where the rows at
	// the threshold itself hold both.
	Complete bool
	// Threshold is the split value.
	Threshold float64
	// Above is true when Class lies above the threshold.
	Above bool
}

// String describes the split in words.
func (s SeparatingFeature) String() string {
	side, other := ">", "<"
	if !s.Above {
		side, other = "<", ">"
	}
	if s.Complete {
		return fmt.Sprintf("%q: every row with %s %s %.6g is class %s and every row with %s %s %.6g is not (complete separation)",
			s.Feature, s.Feature, side, s.Threshold, s.Class, s.Feature, other, s.Threshold)
	}
	return fmt.Sprintf("%q: every row with %s %s %.6g is class %s and every row with %s %s %.6g is not; only rows at %.6g mix (quasi-complete separation)",
		s.Feature, s.Feature, side, s.Threshold, s.Class, s.Feature, other, s.Threshold, s.Threshold)
}

// SeparationError reports perfect or quasi-complete separation: the
// maximum-likelihood estimate does not exist because some coefficients
// diverge to ±∞ (Albert and Anderson, 1984).
type SeparationError struct {
	// Kind is "complete" or "quasi-complete".
	Kind string
	// Features are the features responsible, where they can be named.
	Features []string
	// ByFeature holds the single-feature splits found before fitting.
	ByFeature []SeparatingFeature
	// Detail says how the separation was found.
	Detail string
}

// Error implements error.
func (e *SeparationError) Error() string {
	msg := fmt.Sprintf("%s separation: %s", e.Kind, e.Detail)
	if len(e.Features) > 0 {
		msg += fmt.Sprintf("; feature(s) responsible: %s", quoteList(e.Features))
	}
	return msg + "; the maximum-likelihood coefficients do not exist (they diverge to ±infinity), so no table is printed. " +
		"Drop or merge the feature(s), or fit with an L2 penalty (for example --l2 1 together with --standardize) to get finite, shrunken estimates"
}

func quoteList(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%q", v)
	}
	return out
}

// FitLogReg fits a logistic regression by Newton–Raphson (equivalently,
// iteratively reweighted least squares) with step halving on the penalized
// log-likelihood, and solves every Newton system and the final covariance by
// Cholesky factorization of the information matrix.
//
// x is row-major with len(features) columns; y holds class indices 0..K−1
// as float64 values; classes names the K ≥ 2 classes (nil gives "0", "1",
// ...). Without a penalty, separation returns a *SeparationError naming the
// features where possible.
func FitLogReg(x []float64, y []float64, features []string, classes []string, opt LogRegOptions) (*LogReg, error) {
	if err := checkShape("logistic regression", x, y, features); err != nil {
		return nil, err
	}
	p, n := len(features), len(y)
	if opt.L2 < 0 || math.IsNaN(opt.L2) || math.IsInf(opt.L2, 0) {
		return nil, fmt.Errorf("logistic regression: L2 penalty is %v; it must be a finite number ≥ 0", opt.L2)
	}
	if opt.MaxIter <= 0 {
		opt.MaxIter = 100
	}
	if opt.Tol <= 0 {
		opt.Tol = 1e-10
	}
	x, y, w, err := positiveWeights(x, y, p, opt.Weights)
	if err != nil {
		return nil, err
	}
	n = len(y)
	lab, classes, err := classIndices(y, classes)
	if err != nil {
		return nil, fmt.Errorf("logistic regression: %w", err)
	}
	K := len(classes)
	counts := make([]float64, K)
	nobs := 0.0
	for i, c := range lab {
		counts[c] += w[i]
		nobs += w[i]
	}
	for k, c := range counts {
		if c == 0 {
			return nil, fmt.Errorf("logistic regression: class %q has no rows in the training data; every class needs at least one", classes[k])
		}
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("logistic regression: row %d, feature %q is %v; impute or drop missing values first", i/p, features[i%p], v)
		}
	}

	// Column statistics: constant features cannot be estimated next to an
	// intercept.
	means, sds := columnStats(x, w, n, p)
	for j := 0; j < p; j++ {
		if sds[j] == 0 {
			return nil, fmt.Errorf("logistic regression: feature %q is constant (%g) in all %d training rows; its coefficient cannot be estimated next to the intercept: drop it", features[j], x[j], n)
		}
	}
	m := &LogReg{Features: append([]string(nil), features...), Classes: classes, N: n, Observations: nobs, L2: opt.L2, Standardized: opt.Standardize}
	z := x
	if opt.Standardize {
		m.Means, m.SDs = means, sds
		z = make([]float64, len(x))
		for i := 0; i < n; i++ {
			for j := 0; j < p; j++ {
				z[i*p+j] = (x[i*p+j] - means[j]) / sds[j]
			}
		}
	}
	if err := checkCollinear(z, n, p, means, sds, opt.Standardize, features); err != nil && opt.L2 == 0 {
		return nil, err
	}

	// Direct check: a single feature splitting a class by a threshold.
	sep := separationByFeature(x, lab, n, p, features, classes)
	if len(sep) > 0 {
		if opt.L2 == 0 {
			e := &SeparationError{Kind: "quasi-complete", ByFeature: sep}
			for _, s := range sep {
				if s.Complete {
					e.Kind = "complete"
				}
				e.Features = appendUnique(e.Features, s.Feature)
			}
			e.Detail = "a single threshold splits the classes: " + sep[0].String()
			if len(sep) > 1 {
				e.Detail += fmt.Sprintf(" (and %d more such split(s))", len(sep)-1)
			}
			return nil, e
		}
		m.Separation = sep
		m.Warnings = append(m.Warnings, fmt.Sprintf("separation: %s; the estimates are finite only because of the L2 penalty (λ=%g) and their size depends on it", sep[0].String(), opt.L2))
	}

	f := newtonFit(z, lab, w, n, p, K, opt)
	m.Iterations = f.iter
	if f.err != nil || !f.converged {
		if opt.L2 == 0 {
			if se := divergenceSeparation(f, z, lab, n, p, K, sds, opt.Standardize, features); se != nil {
				return nil, se
			}
		}
		if f.err != nil {
			return nil, fmt.Errorf("logistic regression: %w", f.err)
		}
		return nil, fmt.Errorf("logistic regression: Newton's method did not converge in %d iterations (largest last step %.3g); try --standardize, or an L2 penalty such as --l2 0.1", f.iter, f.lastStep)
	}
	var chol mat.Cholesky
	if ok := chol.Factorize(f.info); !ok {
		return nil, errors.New("logistic regression: the information matrix at the estimate is not positive definite (features are collinear or the classes are separated); try an L2 penalty such as --l2 0.1")
	}
	cov := mat.NewSymDense(f.info.SymmetricDim(), nil)
	if err := chol.InverseTo(cov); err != nil {
		return nil, fmt.Errorf("logistic regression: inverting the information matrix: %w", err)
	}
	m.Cov = cov
	zc := distuv.UnitNormal.Quantile(0.975)
	P := p + 1
	for k := 1; k < K; k++ {
		for j := 0; j <= p; j++ {
			idx := (k-1)*P + j
			b := f.beta[idx]
			se := math.Sqrt(cov.At(idx, idx))
			name := "intercept"
			if j > 0 {
				name = features[j-1]
			}
			zv := b / se
			m.Coefs = append(m.Coefs, Coef{
				Feature: name, Class: classes[k], Coef: b, SE: se, Z: zv,
				P:         math.Erfc(math.Abs(zv) / math.Sqrt2),
				OddsRatio: math.Exp(b), CILow: math.Exp(b - zc*se), CIHigh: math.Exp(b + zc*se),
			})
		}
	}
	m.LogLik = f.ll
	for k := 0; k < K; k++ {
		m.NullLogLik += counts[k] * math.Log(counts[k]/nobs)
	}
	m.LRStat = 2 * (m.LogLik - m.NullLogLik)
	m.LRDF = (K - 1) * p
	m.LRP = distuv.ChiSquared{K: float64(m.LRDF)}.Survival(math.Max(m.LRStat, 0))
	if m.NullLogLik != 0 {
		m.PseudoR2 = 1 - m.LogLik/m.NullLogLik
	}
	if opt.L2 > 0 {
		m.Warnings = append(m.Warnings, fmt.Sprintf("L2 penalty λ=%g: coefficients are shrunken towards 0 and standard errors, z, p-values and intervals come from the penalized Hessian (XᵀWX + λI)⁻¹, so they are approximate", opt.L2))
	}
	return m, nil
}

func appendUnique(s []string, v string) []string {
	for _, w := range s {
		if w == v {
			return s
		}
	}
	return append(s, v)
}

// classIndices validates y as class indices and returns them with the class
// names.
func classIndices(y []float64, classes []string) ([]int, []string, error) {
	maxc := -1
	lab := make([]int, len(y))
	for i, v := range y {
		if v != math.Trunc(v) || v < 0 || math.IsNaN(v) {
			return nil, nil, fmt.Errorf("row %d: label %v is not a class index (0, 1, ...)", i, v)
		}
		lab[i] = int(v)
		if lab[i] > maxc {
			maxc = lab[i]
		}
	}
	if classes == nil {
		for k := 0; k <= maxc; k++ {
			classes = append(classes, fmt.Sprint(k))
		}
	}
	if maxc >= len(classes) {
		return nil, nil, fmt.Errorf("label %d found but only %d class names", maxc, len(classes))
	}
	if len(classes) < 2 {
		return nil, nil, fmt.Errorf("the label has %d class(es); logistic regression needs at least 2", len(classes))
	}
	return lab, append([]string(nil), classes...), nil
}

// positiveWeights returns the rows of weight > 0 and their weights (all 1
// when w is nil), checking the weights.
func positiveWeights(x, y []float64, p int, w []float64) (xs, ys, ws []float64, err error) {
	n := len(y)
	if w == nil {
		ws = make([]float64, n)
		for i := range ws {
			ws[i] = 1
		}
		return x, y, ws, nil
	}
	if len(w) != n {
		return nil, nil, nil, fmt.Errorf("logistic regression: %d weights for %d rows", len(w), n)
	}
	for i, v := range w {
		if !(v >= 0) || math.IsInf(v, 0) {
			return nil, nil, nil, fmt.Errorf("logistic regression: row %d has frequency weight %v; weights must be finite and ≥ 0", i, v)
		}
		if v > 0 {
			xs, ys, ws = append(xs, x[i*p:(i+1)*p]...), append(ys, y[i]), append(ws, v)
		}
	}
	if len(ys) == 0 {
		return nil, nil, nil, errors.New("logistic regression: every row has frequency weight 0")
	}
	return xs, ys, ws, nil
}

// columnStats returns the weighted column means and sample standard
// deviations (weights w, the sample size their sum, as for frequency
// weights).
func columnStats(x, w []float64, n, p int) (means, sds []float64) {
	means = make([]float64, p)
	sds = make([]float64, p)
	sw := 0.0
	for i := 0; i < n; i++ {
		sw += w[i]
		for j := 0; j < p; j++ {
			means[j] += w[i] * x[i*p+j]
		}
	}
	for j := range means {
		means[j] /= sw
	}
	for i := 0; i < n; i++ {
		for j := 0; j < p; j++ {
			d := x[i*p+j] - means[j]
			sds[j] += w[i] * d * d
		}
	}
	for j := range sds {
		if sw > 1 {
			sds[j] = math.Sqrt(sds[j] / (sw - 1))
		}
	}
	return means, sds
}

// checkCollinear finds the first feature that is (numerically) a linear
// combination of the earlier ones, using Cholesky factorizations of leading
// blocks of the correlation matrix.
func checkCollinear(x []float64, n, p int, means, sds []float64, standardized bool, features []string) error {
	corr := mat.NewSymDense(p, nil)
	for a := 0; a < p; a++ {
		for b := a; b < p; b++ {
			s := 0.0
			for i := 0; i < n; i++ {
				s += (x[i*p+a] - mean(standardized, means, a)) / sd(standardized, sds, a) * (x[i*p+b] - mean(standardized, means, b)) / sd(standardized, sds, b)
			}
			corr.SetSym(a, b, s/float64(n-1))
		}
	}
	var ch mat.Cholesky
	for k := 1; k <= p; k++ {
		sub := corr.SliceSym(0, k)
		if ok := ch.Factorize(sub); !ok || ch.Cond() > 1e13 {
			return fmt.Errorf("logistic regression: feature %q is (numerically) a linear combination of the features before it; its coefficient is not identified: drop it or fit with an L2 penalty", features[k-1])
		}
	}
	return nil
}

func mean(standardized bool, means []float64, j int) float64 {
	if standardized {
		return 0
	}
	return means[j]
}

func sd(standardized bool, sds []float64, j int) float64 {
	if standardized {
		return 1
	}
	return sds[j]
}

// separationByFeature checks every feature for a threshold that splits one
// class from the rest (for two classes, class 1 from class 0), strictly
// (complete) or with ties only at the threshold (quasi-complete).
func separationByFeature(x []float64, lab []int, n, p int, features, classes []string) []SeparatingFeature {
	var out []SeparatingFeature
	K := len(classes)
	order := make([]int, n)
	for j := 0; j < p; j++ {
		for i := range order {
			order[i] = i
		}
		sort.Slice(order, func(a, b int) bool { return x[order[a]*p+j] < x[order[b]*p+j] })
		// Group rows by distinct value.
		var vals []float64
		var cnt [][]int
		for _, i := range order {
			v := x[i*p+j]
			if len(vals) == 0 || v != vals[len(vals)-1] {
				vals = append(vals, v)
				cnt = append(cnt, make([]int, K))
			}
			cnt[len(cnt)-1][lab[i]]++
		}
		first := 1
		if K > 2 {
			first = 0
		}
		for k := first; k < K; k++ {
			for _, above := range []bool{true, false} {
				if s, ok := thresholdSplit(vals, cnt, k, above); ok {
					s.Feature, s.Class = features[j], classes[k]
					out = append(out, s)
					break
				}
			}
		}
	}
	return out
}

// thresholdSplit looks for t such that every row on one side of t is class k
// and every row on the other is not. A strict split between two distinct
// values is complete separation; a split at a value whose rows mix classes is
// quasi-complete.
func thresholdSplit(vals []float64, cnt [][]int, k int, above bool) (SeparatingFeature, bool) {
	m := len(vals)
	if m < 2 {
		return SeparatingFeature{}, false
	}
	idx := func(g int) int { // walk from the "not k" side to the "k" side
		if above {
			return g
		}
		return m - 1 - g
	}
	total := func(g int) int {
		s := 0
		for _, c := range cnt[idx(g)] {
			s += c
		}
		return s
	}
	isK := func(g int) bool { return cnt[idx(g)][k] == total(g) }
	notK := func(g int) bool { return cnt[idx(g)][k] == 0 }
	// prefixNot[g]: groups 0..g-1 hold no class k; suffixK[g]: groups g..m-1 are all class k.
	prefixNot := make([]bool, m+1)
	prefixNot[0] = true
	for g := 0; g < m; g++ {
		prefixNot[g+1] = prefixNot[g] && notK(g)
	}
	suffixK := make([]bool, m+1)
	suffixK[m] = true
	for g := m - 1; g >= 0; g-- {
		suffixK[g] = suffixK[g+1] && isK(g)
	}
	for g := 1; g < m; g++ { // strict split between group g-1 and g
		if prefixNot[g] && suffixK[g] {
			a, b := vals[idx(g-1)], vals[idx(g)]
			return SeparatingFeature{Complete: true, Threshold: (a + b) / 2, Above: above}, true
		}
	}
	for g := 0; g < m; g++ { // split at the value of group g
		if prefixNot[g] && suffixK[g+1] {
			return SeparatingFeature{Complete: false, Threshold: vals[idx(g)], Above: above}, true
		}
	}
	return SeparatingFeature{}, false
}

// newtonState is the result of the Newton iterations.
type newtonState struct {
	beta      []float64
	history   [][]float64
	info      *mat.SymDense
	ll        float64 // unpenalized
	iter      int
	converged bool
	lastStep  float64
	err       error
	probTrue  []float64 // fitted probability of each row's own class
}

func (s *newtonState) extremeFrac() float64 {
	c := 0
	for _, q := range s.probTrue {
		if q > 1-1e-8 {
			c++
		}
	}
	return float64(c) / float64(len(s.probTrue))
}

// growing reports whether ‖β‖ grew over each of the last few iterations.
func (s *newtonState) growing() bool {
	h := s.history
	if len(h) < 6 {
		return false
	}
	for i := len(h) - 5; i < len(h); i++ {
		if norm2(h[i]) <= norm2(h[i-1])*(1+1e-6) {
			return false
		}
	}
	return true
}

func norm2(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

// evaluate computes the log-likelihood, gradient and information matrix at
// beta, row i counting w[i] times. grad and info may be nil to compute the
// log-likelihood only.
func evaluate(beta []float64, z []float64, lab []int, w []float64, n, p, K int, grad []float64, info []float64, probTrue []float64) float64 {
	P := p + 1
	D := (K - 1) * P
	eta := make([]float64, K)
	prob := make([]float64, K)
	row := make([]float64, P)
	if grad != nil {
		for i := range grad {
			grad[i] = 0
		}
	}
	if info != nil {
		for i := range info {
			info[i] = 0
		}
	}
	ll := 0.0
	for i := 0; i < n; i++ {
		row[0] = 1
		copy(row[1:], z[i*p:(i+1)*p])
		eta[0] = 0
		mx := 0.0
		for k := 1; k < K; k++ {
			s := 0.0
			b := beta[(k-1)*P : k*P]
			for j, v := range row {
				s += b[j] * v
			}
			eta[k] = s
			if s > mx {
				mx = s
			}
		}
		sum := 0.0
		for k := 0; k < K; k++ {
			prob[k] = math.Exp(eta[k] - mx)
			sum += prob[k]
		}
		lse := mx + math.Log(sum)
		for k := range prob {
			prob[k] /= sum
		}
		y := lab[i]
		wi := w[i]
		ll += wi * (eta[y] - lse)
		if probTrue != nil {
			probTrue[i] = prob[y]
		}
		if grad != nil {
			for k := 1; k < K; k++ {
				r := -prob[k]
				if y == k {
					r += 1
				}
				r *= wi
				g := grad[(k-1)*P : k*P]
				for j, v := range row {
					g[j] += r * v
				}
			}
		}
		if info != nil {
			for k := 1; k < K; k++ {
				for l := k; l < K; l++ {
					h := -prob[k] * prob[l]
					if k == l {
						h += prob[k]
					}
					if h == 0 {
						continue
					}
					h *= wi
					for a := 0; a < P; a++ {
						wa := h * row[a]
						base := ((k-1)*P+a)*D + (l-1)*P
						bstart := 0
						if k == l {
							bstart = a
						}
						for b := bstart; b < P; b++ {
							info[base+b] += wa * row[b]
						}
					}
				}
			}
		}
	}
	return ll
}

func penalty(beta []float64, p, K int, l2 float64) float64 {
	if l2 == 0 {
		return 0
	}
	P := p + 1
	s := 0.0
	for k := 1; k < K; k++ {
		for j := 1; j <= p; j++ {
			b := beta[(k-1)*P+j]
			s += b * b
		}
	}
	return l2 / 2 * s
}

// newtonFit runs Newton's method with step halving on the penalized
// log-likelihood, starting from the intercept-only solution.
func newtonFit(z []float64, lab []int, w []float64, n, p, K int, opt LogRegOptions) *newtonState {
	P := p + 1
	D := (K - 1) * P
	st := &newtonState{beta: make([]float64, D), probTrue: make([]float64, n)}
	counts := make([]float64, K)
	for i, c := range lab {
		counts[c] += w[i]
	}
	for k := 1; k < K; k++ {
		st.beta[(k-1)*P] = math.Log(counts[k] / counts[0])
	}
	grad := make([]float64, D)
	info := make([]float64, D*D)
	pll := evaluate(st.beta, z, lab, w, n, p, K, grad, info, st.probTrue) - penalty(st.beta, p, K, opt.L2)
	cand := make([]float64, D)
	step := mat.NewVecDense(D, nil)
	var chol mat.Cholesky
	for it := 0; it < opt.MaxIter; it++ {
		addPenalty(grad, info, st.beta, p, K, D, opt.L2)
		sym := symFromUpper(info, D)
		if ok := chol.Factorize(sym); !ok {
			st.err = errors.New("the information matrix is not positive definite (features collinear, or fitted probabilities at exactly 0 or 1)")
			st.info = sym
			break
		}
		if err := chol.SolveVecTo(step, mat.NewVecDense(D, grad)); err != nil {
			st.err = fmt.Errorf("solving the Newton system: %w", err)
			st.info = sym
			break
		}
		t := 1.0
		var newPll float64
		for h := 0; h < 40; h++ {
			for i := range cand {
				cand[i] = st.beta[i] + t*step.AtVec(i)
			}
			newPll = evaluate(cand, z, lab, w, n, p, K, nil, nil, nil) - penalty(cand, p, K, opt.L2)
			if newPll >= pll-1e-12*math.Abs(pll) {
				break
			}
			t /= 2
		}
		maxRel := 0.0
		for i := range cand {
			d := math.Abs(cand[i]-st.beta[i]) / (1 + math.Abs(st.beta[i]))
			if d > maxRel {
				maxRel = d
			}
		}
		copy(st.beta, cand)
		st.history = append(st.history, append([]float64(nil), cand...))
		st.iter = it + 1
		st.lastStep = maxRel
		pll = evaluate(st.beta, z, lab, w, n, p, K, grad, info, st.probTrue) - penalty(st.beta, p, K, opt.L2)
		if maxRel < opt.Tol {
			st.converged = true
			break
		}
	}
	st.ll = pll + penalty(st.beta, p, K, opt.L2)
	if st.err == nil {
		addPenalty(grad, info, st.beta, p, K, D, opt.L2)
		st.info = symFromUpper(info, D)
	}
	return st
}

// addPenalty adds the ridge terms to the gradient and information.
func addPenalty(grad, info, beta []float64, p, K, D int, l2 float64) {
	if l2 == 0 {
		return
	}
	P := p + 1
	for k := 1; k < K; k++ {
		for j := 1; j <= p; j++ {
			i := (k-1)*P + j
			grad[i] -= l2 * beta[i]
			info[i*D+i] += l2
		}
	}
}

func symFromUpper(info []float64, D int) *mat.SymDense {
	data := make([]float64, D*D)
	for a := 0; a < D; a++ {
		for b := a; b < D; b++ {
			data[a*D+b] = info[a*D+b]
			data[b*D+a] = info[a*D+b]
		}
	}
	return mat.NewSymDense(D, data)
}

// divergenceSeparation recognizes separation from the course of the Newton
// iterations: fitted probabilities of the observed classes converging to 1
// while the coefficient vector keeps growing. It names the features whose
// (standardized) coefficients carry the divergence.
func divergenceSeparation(f *newtonState, z []float64, lab []int, n, p, K int, sds []float64, standardized bool, features []string) *SeparationError {
	ext := f.extremeFrac()
	if ext == 0 || len(f.history) < 6 {
		return nil
	}
	if !f.growing() && f.err == nil {
		return nil
	}
	P := p + 1
	last := f.history[len(f.history)-1]
	ref := f.history[len(f.history)-6]
	dir := make([]float64, p)
	mx := 0.0
	for k := 1; k < K; k++ {
		for j := 1; j <= p; j++ {
			d := math.Abs(last[(k-1)*P+j] - ref[(k-1)*P+j])
			if !standardized {
				d *= sds[j-1]
			}
			if d > dir[j-1] {
				dir[j-1] = d
			}
			if d > mx {
				mx = d
			}
		}
	}
	e := &SeparationError{Kind: "quasi-complete"}
	if ext == 1 {
		e.Kind = "complete"
	}
	type fd struct {
		name string
		d    float64
	}
	var named []fd
	for j, d := range dir {
		if mx > 0 && d >= 0.25*mx {
			named = append(named, fd{features[j], d})
		}
	}
	sort.SliceStable(named, func(a, b int) bool { return named[a].d > named[b].d })
	for _, v := range named {
		e.Features = append(e.Features, v.name)
	}
	e.Detail = fmt.Sprintf("after %d Newton iterations %.1f%% of the rows have a fitted probability of their own class within 1e-8 of 1 while the coefficients keep growing (‖β‖ = %.3g)",
		f.iter, 100*ext, norm2(last))
	return e
}

// Probabilities returns the class probabilities for one row of raw
// (unstandardized) feature values.
func (m *LogReg) Probabilities(row []float64) []float64 {
	p := len(m.Features)
	K := len(m.Classes)
	P := p + 1
	eta := make([]float64, K)
	mx := 0.0
	for k := 1; k < K; k++ {
		c := m.Coefs[(k-1)*P : k*P]
		s := c[0].Coef
		for j := 0; j < p; j++ {
			v := row[j]
			if m.Standardized {
				v = (v - m.Means[j]) / m.SDs[j]
			}
			s += c[j+1].Coef * v
		}
		eta[k] = s
		if s > mx {
			mx = s
		}
	}
	sum := 0.0
	for k := range eta {
		eta[k] = math.Exp(eta[k] - mx)
		sum += eta[k]
	}
	for k := range eta {
		eta[k] /= sum
	}
	return eta
}

// Predict returns the most probable class index for one row.
func (m *LogReg) Predict(row []float64) int {
	pr := m.Probabilities(row)
	best := 0
	for k, v := range pr {
		if v > pr[best] {
			best = k
		}
	}
	return best
}

// Score returns the accuracy and the log-likelihood of the model on a data
// set (x row-major, y class indices).
func (m *LogReg) Score(x, y []float64) (accuracy, logLik float64, err error) {
	return m.ScoreWeighted(x, y, nil)
}

// ScoreWeighted is Score with frequency weights w (nil: every row once):
// the accuracy is the weighted fraction of correct rows and the
// log-likelihood the weighted sum.
func (m *LogReg) ScoreWeighted(x, y, w []float64) (accuracy, logLik float64, err error) {
	p := len(m.Features)
	if len(x) != len(y)*p {
		return 0, 0, fmt.Errorf("scoring: %d values do not form %d rows of %d features", len(x), len(y), p)
	}
	correct, total := 0.0, 0.0
	for i := range y {
		pr := m.Probabilities(x[i*p : (i+1)*p])
		c := int(y[i])
		if c < 0 || c >= len(pr) || float64(c) != y[i] {
			return 0, 0, fmt.Errorf("scoring: row %d has label %v; the model knows classes 0..%d", i, y[i], len(pr)-1)
		}
		best := 0
		for k, v := range pr {
			if v > pr[best] {
				best = k
			}
		}
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		total += wi
		if best == c {
			correct += wi
		}
		logLik += wi * math.Log(math.Max(pr[c], 1e-300))
	}
	if len(y) == 0 {
		return 0, 0, errors.New("scoring: no rows")
	}
	return correct / total, logLik, nil
}
