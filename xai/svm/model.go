package svm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"

	"genxai/xai/progress"
)

// Model is a trained C-SVC. Its layout follows libsvm's svm_model: support
// vectors grouped by class (classes in ascending label order), and for the
// k(k−1)/2 one-vs-one problems a coefficient matrix of k−1 rows, so that
// the pair (a, b), a < b, reads coef[b−1] over the vectors of class a and
// coef[a] over those of class b.
type Model struct {
	kernel  kernelFunc
	classes []int       // ascending labels
	nSV     []int       // support vectors per class
	svStart []int       // first support vector of each class
	sv      [][]float64 // support vectors (standardized when requested)
	svFlat  []float64   // the same, row-major in one block
	svSq    []float64   // their squared norms
	coef    [][]float64 // (k−1) × len(sv)
	rho     []float64   // per pair, libsvm order
	probA   []float64   // Platt sigmoid per pair; nil without Probability
	probB   []float64
	mean    []float64 // standardization; nil when off
	scale   []float64 // 1/std
	d       int
	// per-pair solver statistics
	iters    []int
	objs     []float64
	warnings []string
	workers  int
}

// Fit trains a C-SVC on the n×d row-major matrix X with integer labels y
// (at least two distinct values) by one-vs-one decomposition: one binary
// SMO problem per pair of classes, as in libsvm's svm_train. With
// p.Probability it also fits, per pair, the Platt sigmoid of Lin, Lin &
// Weng (2007) on decision values from an internal 5-fold cross-validation.
func Fit(X []float64, n, d int, y []int, p Params) (*Model, error) {
	return FitContext(context.Background(), X, n, d, y, p, nil)
}

// FitContext is Fit with progress on meter (nil: silent: SMO iterations,
// one-vs-one problems solved, the dual objective) and cancellation: once ctx
// is cancelled every solver stops within 1,000 iterations and FitContext
// returns a *progress.Interrupted that unwraps to ctx.Err().
func FitContext(ctx context.Context, X []float64, n, d int, y []int, p Params, meter *progress.Meter) (*Model, error) {
	r, err := p.resolve()
	if err != nil {
		return nil, err
	}
	if n <= 0 || d <= 0 {
		return nil, fmt.Errorf("svm: training data has %d rows and %d features; need at least one of each", n, d)
	}
	if len(X) != n*d {
		return nil, fmt.Errorf("svm: training matrix has %d values, want n·d = %d·%d = %d", len(X), n, d, n*d)
	}
	if len(y) != n {
		return nil, fmt.Errorf("svm: %d labels for %d training rows; need one label per row", len(y), n)
	}
	for i, v := range X {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("svm: training row %d, feature %d is %v; all values must be finite", i/d, i%d, v)
		}
	}
	m := &Model{d: d}
	Xs := append([]float64(nil), X...)
	if p.Standardize {
		m.mean, m.scale = standardization(Xs, n, d)
		applyStandardization(Xs, d, m.mean, m.scale)
	}
	gamma, err := resolveGamma(p.Gamma, Xs, d)
	if err != nil {
		return nil, err
	}
	m.kernel = kernelFunc{kind: r.kernel, gamma: gamma, coef0: r.coef0, degree: r.degree}

	// Group rows by class, classes ascending.
	byClass := map[int][]int{}
	for i, c := range y {
		byClass[c] = append(byClass[c], i)
	}
	if len(byClass) < 2 {
		return nil, fmt.Errorf("svm: the training labels hold only one class (%d, %d rows); a classifier needs at least two", y[0], n)
	}
	for c := range byClass {
		m.classes = append(m.classes, c)
	}
	sort.Ints(m.classes)
	k := len(m.classes)
	rows := make([][]float64, n)
	for i := range rows {
		rows[i] = Xs[i*d : (i+1)*d : (i+1)*d]
	}

	type pairJob struct{ a, b, idx int }
	var jobs []pairJob
	for a := 0; a < k; a++ {
		for b := a + 1; b < k; b++ {
			jobs = append(jobs, pairJob{a, b, len(jobs)})
		}
	}
	np := len(jobs)
	r.watch = &smoWatch{ctx: ctx, meter: meter, problems: np}
	defer meter.Finish()
	workers := r.workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, np)
	m.workers = workers
	entries := int64(r.cacheMB * (1 << 20) / 4 / float64(workers))

	results := make([]binaryResult, np)
	m.rho = make([]float64, np)
	m.iters = make([]int, np)
	m.objs = make([]float64, np)
	if r.prob {
		m.probA = make([]float64, np)
		m.probB = make([]float64, np)
	}
	probWarn := make([]string, np)
	solvePair := func(j pairJob) {
		ia, ib := byClass[m.classes[j.a]], byClass[m.classes[j.b]]
		x := make([][]float64, 0, len(ia)+len(ib))
		yy := make([]int8, 0, len(ia)+len(ib))
		for _, i := range ia {
			x = append(x, rows[i])
			yy = append(yy, 1)
		}
		for _, i := range ib {
			x = append(x, rows[i])
			yy = append(yy, -1)
		}
		if r.prob {
			A, B, w := binaryProbability(&m.kernel, x, yy, r, entries, r.seed+int64(j.idx))
			m.probA[j.idx], m.probB[j.idx], probWarn[j.idx] = A, B, w
		}
		results[j.idx] = solveCSVC(&m.kernel, x, yy, r.C, r.tol, r.shrink, entries, r.maxIter, r.watch)
		r.watch.finish()
	}
	if workers <= 1 {
		for _, j := range jobs {
			solvePair(j)
		}
	} else {
		ch := make(chan pairJob)
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range ch {
					solvePair(j)
				}
			}()
		}
		for _, j := range jobs {
			ch <- j
		}
		close(ch)
		wg.Wait()
	}
	if err := r.watch.interrupted(); err != nil {
		return nil, err
	}

	// Collect the support vectors: a row is one when it has a nonzero
	// coefficient in any pair (libsvm's nonzero[]).
	nonzero := make([]bool, n)
	for _, j := range jobs {
		res := results[j.idx]
		ia, ib := byClass[m.classes[j.a]], byClass[m.classes[j.b]]
		for t, i := range ia {
			if res.coef[t] != 0 {
				nonzero[i] = true
			}
		}
		for t, i := range ib {
			if res.coef[len(ia)+t] != 0 {
				nonzero[i] = true
			}
		}
		m.rho[j.idx] = res.rho
		m.iters[j.idx] = res.iter
		m.objs[j.idx] = res.obj
		if res.maxIter {
			m.warnings = append(m.warnings, fmt.Sprintf("classes %d vs %d: stopped at the iteration bound (%d) before reaching tol", m.classes[j.a], m.classes[j.b], res.iter))
		}
		if probWarn[j.idx] != "" {
			m.warnings = append(m.warnings, fmt.Sprintf("classes %d vs %d: %s", m.classes[j.a], m.classes[j.b], probWarn[j.idx]))
		}
	}
	pos := make([]int, n) // position of row i among the support vectors
	m.nSV = make([]int, k)
	m.svStart = make([]int, k)
	for c := 0; c < k; c++ {
		m.svStart[c] = len(m.sv)
		for _, i := range byClass[m.classes[c]] {
			if nonzero[i] {
				pos[i] = len(m.sv)
				m.sv = append(m.sv, rows[i])
				m.nSV[c]++
			}
		}
	}
	m.svSq = make([]float64, len(m.sv))
	for i, v := range m.sv {
		m.svSq[i] = dot(v, v)
	}
	m.coef = make([][]float64, k-1)
	for i := range m.coef {
		m.coef[i] = make([]float64, len(m.sv))
	}
	for _, j := range jobs {
		res := results[j.idx]
		ia, ib := byClass[m.classes[j.a]], byClass[m.classes[j.b]]
		for t, i := range ia {
			if nonzero[i] {
				m.coef[j.b-1][pos[i]] = res.coef[t]
			}
		}
		for t, i := range ib {
			if nonzero[i] {
				m.coef[j.a][pos[i]] = res.coef[len(ia)+t]
			}
		}
	}
	// Keep the support vectors in their own compact storage so that the
	// training copy can be freed.
	m.svFlat = make([]float64, len(m.sv)*d)
	for i, v := range m.sv {
		copy(m.svFlat[i*d:], v)
		m.sv[i] = m.svFlat[i*d : (i+1)*d : (i+1)*d]
	}
	return m, nil
}

// standardization returns the per-feature mean and 1/std of X (n×d);
// constant features get scale 1.
func standardization(X []float64, n, d int) (mean, scale []float64) {
	mean = make([]float64, d)
	scale = make([]float64, d)
	for i := 0; i < n; i++ {
		for j, v := range X[i*d : (i+1)*d] {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	for i := 0; i < n; i++ {
		for j, v := range X[i*d : (i+1)*d] {
			dv := v - mean[j]
			scale[j] += dv * dv
		}
	}
	for j := range scale {
		sd := math.Sqrt(scale[j] / float64(n))
		if sd == 0 {
			scale[j] = 1
		} else {
			scale[j] = 1 / sd
		}
	}
	return mean, scale
}

func applyStandardization(X []float64, d int, mean, scale []float64) {
	for i := 0; i+d <= len(X); i += d {
		row := X[i : i+d]
		for j := range row {
			row[j] = (row[j] - mean[j]) * scale[j]
		}
	}
}

// Classes returns the class labels in ascending order; DecisionFunction
// and PredictProba columns follow this order.
func (m *Model) Classes() []int { return append([]int(nil), m.classes...) }

// NSupport returns the number of distinct training rows that are support
// vectors of at least one one-vs-one problem (libsvm's model->l,
// scikit-learn's n_support_.sum()).
func (m *Model) NSupport() int { return len(m.sv) }

// NSupportPerClass returns the number of support vectors of each class, in
// the order of Classes.
func (m *Model) NSupportPerClass() []int { return append([]int(nil), m.nSV...) }

// Gamma returns the numeric kernel coefficient the model was trained with
// (after resolving "scale" or "auto").
func (m *Model) Gamma() float64 { return m.kernel.gamma }

// Iterations returns the SMO iterations of each one-vs-one problem in
// libsvm pair order.
func (m *Model) Iterations() []int { return append([]int(nil), m.iters...) }

// DualObjectives returns ½αᵀQα − eᵀα at the solution of each one-vs-one
// problem in libsvm pair order.
func (m *Model) DualObjectives() []float64 { return append([]float64(nil), m.objs...) }

// Warnings lists conditions met during the fit that did not stop it (an
// iteration bound reached, a Platt line search that gave up).
func (m *Model) Warnings() []string { return append([]string(nil), m.warnings...) }

// NumFeatures returns the number of features the model expects.
func (m *Model) NumFeatures() int { return m.d }

// HasProbability reports whether the model was fitted with Probability
// and so can answer PredictProba.
func (m *Model) HasProbability() bool { return m.probA != nil }

// ErrShape is wrapped by the errors about an input matrix that does not
// hold n rows of the model's feature count.
var ErrShape = errors.New("svm: input matrix does not hold n rows of the model's feature count")

// CheckInput reports whether X holds n rows of NumFeatures values. Predict
// and DecisionFunction panic on such a mismatch (a programming error, as
// an out-of-range index is); callers holding user data check first.
func (m *Model) CheckInput(X []float64, n int) error {
	if n < 0 || len(X) != n*m.d {
		return fmt.Errorf("%w: got %d values for %d rows × %d features", ErrShape, len(X), n, m.d)
	}
	return nil
}
