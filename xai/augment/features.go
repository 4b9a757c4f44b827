package augment

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// PCA is a principal component projection (Pearson, 1901; Hotelling, 1933):
// z = (x − Mean) Wᵀ with the rows of W the leading eigenvectors of the
// sample covariance, in decreasing order of variance.
type PCA struct {
	// Mean is the D-vector subtracted before projecting.
	Mean []float64
	// Components holds K orthonormal D-vectors, row-major K×D.
	Components []float64
	// Variances holds the variance along each component (eigenvalues).
	Variances []float64
	// K and D are the output and input dimensions.
	K, D int
}

// FitPCA fits k principal components to the n×d row-major X through the
// eigendecomposition of the d×d sample covariance (gonum's EigenSym). It
// fails when k exceeds d or n−1 (beyond that the components are arbitrary).
func FitPCA(X []float64, n, d, k int) (*PCA, error) {
	if k < 1 || k > d {
		return nil, fmt.Errorf("PCA: %d components asked of %d-dimensional data; use 1..%d", k, d, d)
	}
	if n < 2 || k > n-1 {
		return nil, fmt.Errorf("PCA: %d components cannot be estimated from %d rows; use at most %d components or fit on more rows", k, n, max(n-1, 0))
	}
	mean := make([]float64, d)
	for i := 0; i < n; i++ {
		for j, v := range X[i*d : (i+1)*d] {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	C := make([]float64, n*d)
	for i := 0; i < n; i++ {
		for j, v := range X[i*d : (i+1)*d] {
			C[i*d+j] = v - mean[j]
		}
	}
	cov := mat.NewSymDense(d, nil)
	blas64.Syrk(blas.Trans, 1/float64(n-1), blas64.General{Rows: n, Cols: d, Stride: d, Data: C}, 0, cov.RawSymmetric())
	var eig mat.EigenSym
	if !eig.Factorize(cov, true) {
		return nil, fmt.Errorf("PCA: the eigendecomposition of the %d×%d covariance did not converge", d, d)
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	order := make([]int, d)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return vals[order[a]] > vals[order[b]] })
	p := &PCA{Mean: mean, Components: make([]float64, k*d), Variances: make([]float64, k), K: k, D: d}
	for c := 0; c < k; c++ {
		col := order[c]
		p.Variances[c] = math.Max(vals[col], 0)
		// Fix the sign so the largest-magnitude entry is positive (deterministic output).
		big, sign := 0.0, 1.0
		for j := 0; j < d; j++ {
			if v := vecs.At(j, col); math.Abs(v) > big {
				big, sign = math.Abs(v), math.Copysign(1, v)
			}
		}
		for j := 0; j < d; j++ {
			p.Components[c*d+j] = sign * vecs.At(j, col)
		}
	}
	return p, nil
}

// Transform projects the n×D rows of X and returns n×K scores.
func (p *PCA) Transform(X []float64, n int) []float64 {
	C := make([]float64, n*p.D)
	for i := 0; i < n; i++ {
		for j, v := range X[i*p.D : (i+1)*p.D] {
			C[i*p.D+j] = v - p.Mean[j]
		}
	}
	out := make([]float64, n*p.K)
	blas64.Gemm(blas.NoTrans, blas.Trans, 1,
		blas64.General{Rows: n, Cols: p.D, Stride: p.D, Data: C},
		blas64.General{Rows: p.K, Cols: p.D, Stride: p.D, Data: p.Components},
		0, blas64.General{Rows: n, Cols: p.K, Stride: p.K, Data: out})
	return out
}

// Inverse maps n×K scores back to the input space: Mean + Z W.
func (p *PCA) Inverse(Z []float64, n int) []float64 {
	out := make([]float64, n*p.D)
	for i := 0; i < n; i++ {
		copy(out[i*p.D:(i+1)*p.D], p.Mean)
	}
	blas64.Gemm(blas.NoTrans, blas.NoTrans, 1,
		blas64.General{Rows: n, Cols: p.K, Stride: p.K, Data: Z},
		blas64.General{Rows: p.K, Cols: p.D, Stride: p.D, Data: p.Components},
		1, blas64.General{Rows: n, Cols: p.D, Stride: p.D, Data: out})
	return out
}

// Scaler standardizes features: (x − Mean) / Scale. A constant feature gets
// scale 1, so it maps to zero instead of dividing by zero.
type Scaler struct {
	Mean, Scale []float64
}

// FitScaler computes the per-feature mean and (population) standard
// deviation of the n×d rows of X.
func FitScaler(X []float64, n, d int) *Scaler {
	s := &Scaler{Mean: make([]float64, d), Scale: make([]float64, d)}
	for i := 0; i < n; i++ {
		for j, v := range X[i*d : (i+1)*d] {
			s.Mean[j] += v
		}
	}
	for j := range s.Mean {
		s.Mean[j] /= float64(n)
	}
	for i := 0; i < n; i++ {
		for j, v := range X[i*d : (i+1)*d] {
			t := v - s.Mean[j]
			s.Scale[j] += t * t
		}
	}
	for j := range s.Scale {
		sd := math.Sqrt(s.Scale[j] / float64(n))
		if !(sd > 1e-12*math.Max(1, math.Abs(s.Mean[j]))) {
			sd = 1
		}
		s.Scale[j] = sd
	}
	return s
}

// Apply standardizes the rows of X in place.
func (s *Scaler) Apply(X []float64) {
	d := len(s.Mean)
	for i := 0; i+d <= len(X); i += d {
		for j := 0; j < d; j++ {
			X[i+j] = (X[i+j] - s.Mean[j]) / s.Scale[j]
		}
	}
}

// Invert undoes Apply in place.
func (s *Scaler) Invert(X []float64) {
	d := len(s.Mean)
	for i := 0; i+d <= len(X); i += d {
		for j := 0; j < d; j++ {
			X[i+j] = X[i+j]*s.Scale[j] + s.Mean[j]
		}
	}
}

// featureMap turns raw rows (pixels or table columns) into the features the
// generator and the SVM see, and back where that is possible, so generated
// samples can be clipped to the raw range.
type featureMap struct {
	pca    *PCA      // features.kind pca
	embed  *Embedder // features.kind classifier (no inverse)
	scaler *Scaler   // nil without features.standardize
	dim    int

	lastPred []int // with embed: the classifier's prediction for each row of the last call
}

// features maps n raw rows to unscaled features: the classifier embedding,
// the PCA scores, or a copy of the rows.
func (f *featureMap) features(X []float64, n int) ([]float64, error) {
	switch {
	case f.embed != nil:
		out, pred, err := f.embed.Embed(X, n)
		if err != nil {
			return nil, err
		}
		f.lastPred = pred
		return out, nil
	case f.pca != nil:
		return f.pca.Transform(X, n), nil
	}
	return append([]float64(nil), X...), nil
}

// forward maps n raw rows to features, standardized when a scaler is set.
func (f *featureMap) forward(X []float64, n int) ([]float64, error) {
	out, err := f.features(X, n)
	if err != nil {
		return nil, err
	}
	if f.scaler != nil {
		f.scaler.Apply(out)
	}
	return out, nil
}

// backward maps n feature rows to raw rows; the classifier embedding has no
// inverse, so it must not be called with one.
func (f *featureMap) backward(Z []float64, n int) []float64 {
	out := append([]float64(nil), Z...)
	if f.scaler != nil {
		f.scaler.Invert(out)
	}
	if f.pca != nil {
		out = f.pca.Inverse(out, n)
	}
	return out
}

// clipper limits raw rows to a box, per feature.
type clipper struct{ lo, hi []float64 }

// apply clips the rows of X in place.
func (c *clipper) apply(X []float64) {
	d := len(c.lo)
	for i := 0; i+d <= len(X); i += d {
		for j := 0; j < d; j++ {
			X[i+j] = math.Min(math.Max(X[i+j], c.lo[j]), c.hi[j])
		}
	}
}

// pixelClipper clips every one of d features to [0,1].
func pixelClipper(d int) *clipper {
	c := &clipper{lo: make([]float64, d), hi: make([]float64, d)}
	for j := range c.hi {
		c.hi[j] = 1
	}
	return c
}

// rangeClipper clips to the per-feature range of the n×d rows of X.
func rangeClipper(X []float64, n, d int) *clipper {
	c := &clipper{lo: make([]float64, d), hi: make([]float64, d)}
	for j := 0; j < d; j++ {
		c.lo[j], c.hi[j] = math.Inf(1), math.Inf(-1)
	}
	for i := 0; i < n; i++ {
		for j, v := range X[i*d : (i+1)*d] {
			c.lo[j] = math.Min(c.lo[j], v)
			c.hi[j] = math.Max(c.hi[j], v)
		}
	}
	return c
}
