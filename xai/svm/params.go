package svm

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Params holds the settings of a C-SVC fit. The zero value of most numeric
// fields means "use the default" (see the field comments); DefaultParams
// returns the scikit-learn/libsvm defaults with shrinking on.
type Params struct {
	// Kernel is one of "linear", "rbf", "poly" or "sigmoid"; "" means "rbf".
	Kernel string
	// C is the cost of a margin violation (the box constraint 0 ≤ α ≤ C). Must be > 0.
	C float64
	// Gamma is the kernel coefficient of rbf, poly and sigmoid: "scale"
	// (1 / (n_features · Var(X)), the variance over all entries of the
	// training matrix after optional standardization, as scikit-learn
	// computes it), "auto" (1 / n_features) or a positive number as text.
	// "" means "scale".
	Gamma string
	// Degree is the degree of the polynomial kernel; 0 means 3.
	Degree int
	// Coef0 is the independent term of the poly and sigmoid kernels.
	Coef0 float64
	// Tol is the stopping tolerance on the maximal KKT violation
	// (libsvm's eps); 0 means 1e-3.
	Tol float64
	// CacheMB is the size of the LRU kernel-column cache in megabytes,
	// shared by all concurrently trained one-vs-one problems; 0 means 200.
	CacheMB float64
	// Shrinking turns on libsvm's shrinking heuristic.
	Shrinking bool
	// Probability fits Platt sigmoids on 5-fold cross-validated decision
	// values so that PredictProba can be used (about 6× the fit time).
	Probability bool
	// Standardize scales every feature to zero mean and unit variance with
	// statistics from the training data; the statistics are kept in the
	// model and applied to every input of Predict and friends.
	Standardize bool
	// MaxIter bounds the SMO iterations of each binary problem; 0 means
	// max(10,000,000, 100·n) as in libsvm. Hitting it is not an error: the
	// solution so far is kept and Model.Warnings says so.
	MaxIter int
	// Workers is how many one-vs-one problems are solved at once; 0 means
	// runtime.GOMAXPROCS(0), 1 trains them one after the other as libsvm does.
	Workers int
	// Seed drives the fold assignment of the probability cross-validation.
	Seed int64
}

// DefaultParams returns the defaults of scikit-learn's SVC: rbf kernel,
// C = 1, gamma "scale", degree 3, coef0 0, tol 1e-3, a 200 MB cache and
// shrinking on, probabilities and standardization off.
func DefaultParams() Params {
	return Params{
		Kernel:    "rbf",
		C:         1,
		Gamma:     "scale",
		Degree:    3,
		Tol:       1e-3,
		CacheMB:   200,
		Shrinking: true,
	}
}

// kernelKind enumerates the supported kernels.
type kernelKind int

const (
	kLinear kernelKind = iota
	kPoly
	kRBF
	kSigmoid
)

func (k kernelKind) String() string {
	switch k {
	case kLinear:
		return "linear"
	case kPoly:
		return "poly"
	case kRBF:
		return "rbf"
	case kSigmoid:
		return "sigmoid"
	}
	return "unknown"
}

// resolved is Params after defaults were filled in and checked.
type resolved struct {
	kernel  kernelKind
	C       float64
	degree  int
	coef0   float64
	tol     float64
	cacheMB float64
	shrink  bool
	prob    bool
	maxIter int
	workers int
	seed    int64
	watch   *smoWatch // progress and cancellation; nil: none
}

// parseKernel maps a kernel name to its kind.
func parseKernel(s string) (kernelKind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "rbf":
		return kRBF, nil
	case "linear":
		return kLinear, nil
	case "poly", "polynomial":
		return kPoly, nil
	case "sigmoid":
		return kSigmoid, nil
	}
	return 0, fmt.Errorf("svm: kernel %q is not known; use linear, rbf, poly or sigmoid", s)
}

// resolve fills in defaults and validates p.
func (p Params) resolve() (resolved, error) {
	var r resolved
	k, err := parseKernel(p.Kernel)
	if err != nil {
		return r, err
	}
	r.kernel = k
	if !(p.C > 0) || math.IsInf(p.C, 0) {
		return r, fmt.Errorf("svm: C = %v; C must be a positive finite number (try 1)", p.C)
	}
	r.C = p.C
	r.degree = p.Degree
	if r.degree == 0 {
		r.degree = 3
	}
	if r.degree < 0 {
		return r, fmt.Errorf("svm: degree = %d; the polynomial degree must be ≥ 1", p.Degree)
	}
	if math.IsNaN(p.Coef0) || math.IsInf(p.Coef0, 0) {
		return r, fmt.Errorf("svm: coef0 = %v; it must be finite", p.Coef0)
	}
	r.coef0 = p.Coef0
	r.tol = p.Tol
	if r.tol == 0 {
		r.tol = 1e-3
	}
	if !(r.tol > 0) || math.IsInf(r.tol, 0) {
		return r, fmt.Errorf("svm: tol = %v; the tolerance must be a positive number (try 1e-3)", p.Tol)
	}
	r.cacheMB = p.CacheMB
	if r.cacheMB == 0 {
		r.cacheMB = 200
	}
	if !(r.cacheMB > 0) || math.IsInf(r.cacheMB, 0) {
		return r, fmt.Errorf("svm: cache size = %v MB; it must be positive (try 200)", p.CacheMB)
	}
	if p.MaxIter < 0 {
		return r, fmt.Errorf("svm: max iterations = %d; use 0 for libsvm's default or a positive bound", p.MaxIter)
	}
	r.maxIter = p.MaxIter
	if p.Workers < 0 {
		return r, fmt.Errorf("svm: workers = %d; use 0 for all cores or a positive count", p.Workers)
	}
	r.workers = p.Workers
	r.shrink = p.Shrinking
	r.prob = p.Probability
	r.seed = p.Seed
	return r, nil
}

// resolveGamma turns the Gamma setting into a number for a training matrix
// X (n×d, already standardized when requested). "scale" follows
// scikit-learn: 1/(d·Var(X)) with the variance over all n·d entries, and 1
// when that variance is zero.
func resolveGamma(g string, X []float64, d int) (float64, error) {
	switch strings.ToLower(strings.TrimSpace(g)) {
	case "", "scale":
		v := variance(X)
		if v == 0 {
			return 1, nil
		}
		return 1 / (float64(d) * v), nil
	case "auto":
		return 1 / float64(d), nil
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(g), 64)
	if err != nil || !(v > 0) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("svm: gamma %q is not allowed; use \"scale\", \"auto\" or a positive number such as 0.01", g)
	}
	return v, nil
}

// variance is the population variance of all entries of x, computed in
// two passes for accuracy.
func variance(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	var s float64
	for _, v := range x {
		s += v
	}
	m := s / float64(len(x))
	var ss, c float64
	for _, v := range x {
		dv := v - m
		ss += dv * dv
		c += dv
	}
	n := float64(len(x))
	return (ss - c*c/n) / n
}

// formatFloat writes v so that resolveGamma reads back the same number.
func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// Validate checks p without data: the kernel name, C, gamma's spelling,
// degree, tol, cache size, iteration bound and worker count. Fit calls it
// too; a command line calls it first to fail before doing any work.
func (p Params) Validate() error {
	if _, err := p.resolve(); err != nil {
		return err
	}
	switch strings.ToLower(strings.TrimSpace(p.Gamma)) {
	case "", "scale", "auto":
		return nil
	}
	_, err := resolveGamma(p.Gamma, nil, 1)
	return err
}
