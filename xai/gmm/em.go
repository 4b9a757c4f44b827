package gmm

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// log2Pi is log(2π).
var log2Pi = math.Log(2 * math.Pi)

// tinyNK is added to every component's effective count so that an empty
// component divides by a tiny number instead of zero (scikit-learn adds
// 10·machine epsilon for the same reason).
const tinyNK = 10 * 2.220446049250313e-16

// workspace holds the buffers one EM run reuses across iterations.
type workspace struct {
	logProb []float64 // n×K weighted log-probabilities
	diff    []float64 // n×d centred (and weighted) data
	y       []float64 // n×d product with a precision Cholesky factor
	nk      []float64 // K effective counts
}

func newWorkspace(n, d, K int) *workspace {
	return &workspace{
		logProb: make([]float64, n*K),
		diff:    make([]float64, n*d),
		y:       make([]float64, n*d),
		nk:      make([]float64, K),
	}
}

// eStep computes the responsibilities of every component for every row into
// resp (n×K) and returns the mean per-sample log-likelihood. With frequency
// weights fw (nil: none) row i's responsibilities are multiplied by fw[i]
// and the mean is weighted.
func (m *Model) eStep(X []float64, n int, resp []float64, fw []float64, w *workspace) (float64, error) {
	K := m.K
	m.weightedLogProb(X, n, w.logProb, w)
	total, sw := 0.0, 0.0
	for i := 0; i < n; i++ {
		row := w.logProb[i*K : (i+1)*K]
		lse := LogSumExp(row)
		if math.IsNaN(lse) || math.IsInf(lse, 0) {
			return 0, fmt.Errorf("gmm: log-likelihood of row %d is %v; the data or the parameters are not finite", i, lse)
		}
		r := resp[i*K : (i+1)*K]
		if fw != nil {
			total += fw[i] * lse
			sw += fw[i]
			for k, v := range row {
				r[k] = fw[i] * math.Exp(v-lse)
			}
			continue
		}
		total += lse
		for k, v := range row {
			r[k] = math.Exp(v - lse)
		}
	}
	if fw != nil {
		return total / sw, nil
	}
	return total / float64(n), nil
}

// weightedLogProb fills out (n×K) with log wₖ + log N(xᵢ; μₖ, Σₖ).
func (m *Model) weightedLogProb(X []float64, n int, out []float64, w *workspace) {
	K, d := m.K, m.D
	cst := float64(d) * log2Pi
	for k := 0; k < K; k++ {
		mu := m.Means[k*d : (k+1)*d]
		base := math.Log(m.Weights[k]) + m.logDetPrec[k] - 0.5*cst
		switch m.Covariance {
		case Full, Tied:
			U := m.precChol
			if m.Covariance == Full {
				U = U[k*d*d : (k+1)*d*d]
			}
			diff := w.diff[:n*d]
			for i := 0; i < n; i++ {
				xi := X[i*d : (i+1)*d]
				di := diff[i*d : (i+1)*d]
				for j := range di {
					di[j] = xi[j] - mu[j]
				}
			}
			// y = (x − μ) U; ‖y‖² is the squared Mahalanobis distance.
			blas64.Gemm(blas.NoTrans, blas.NoTrans, 1,
				blas64.General{Rows: n, Cols: d, Stride: d, Data: diff},
				blas64.General{Rows: d, Cols: d, Stride: d, Data: U},
				0, blas64.General{Rows: n, Cols: d, Stride: d, Data: w.y[:n*d]})
			for i := 0; i < n; i++ {
				s := 0.0
				for _, v := range w.y[i*d : (i+1)*d] {
					s += v * v
				}
				out[i*K+k] = base - 0.5*s
			}
		case Diag:
			p := m.precChol[k*d : (k+1)*d]
			for i := 0; i < n; i++ {
				xi := X[i*d : (i+1)*d]
				s := 0.0
				for j, v := range xi {
					t := (v - mu[j]) * p[j]
					s += t * t
				}
				out[i*K+k] = base - 0.5*s
			}
		case Spherical:
			p := m.precChol[k]
			for i := 0; i < n; i++ {
				xi := X[i*d : (i+1)*d]
				s := 0.0
				for j, v := range xi {
					t := v - mu[j]
					s += t * t
				}
				out[i*K+k] = base - 0.5*s*p*p
			}
		}
	}
}

// LogSumExp returns log Σ exp(v) computed stably around the maximum (shared
// with the generative classifiers of xai/compare).
func LogSumExp(v []float64) float64 {
	mx := math.Inf(-1)
	for _, x := range v {
		if x > mx {
			mx = x
		}
	}
	if math.IsInf(mx, 0) || math.IsNaN(mx) {
		return mx
	}
	s := 0.0
	for _, x := range v {
		s += math.Exp(x - mx)
	}
	return mx + math.Log(s)
}

// mStep sets weights, means and covariances from the responsibilities resp
// (n×K): nₖ = Σᵢ rᵢₖ, wₖ = nₖ/n, μₖ = Σᵢ rᵢₖ xᵢ / nₖ and
// Σₖ = Σᵢ rᵢₖ (xᵢ−μₖ)(xᵢ−μₖ)ᵀ / nₖ + reg·I (restricted to its structure).
func (m *Model) mStep(X []float64, n int, resp []float64, reg float64, w *workspace) error {
	K, d := m.K, m.D
	nk := w.nk
	for k := range nk {
		nk[k] = tinyNK
	}
	for i := 0; i < n; i++ {
		for k, r := range resp[i*K : (i+1)*K] {
			nk[k] += r
		}
	}
	if m.Weights == nil {
		m.Weights = make([]float64, K)
		m.Means = make([]float64, K*d)
		m.logDetPrec = make([]float64, K)
		var size int
		switch m.Covariance {
		case Full:
			size = K * d * d
		case Tied:
			size = d * d
		case Diag:
			size = K * d
		case Spherical:
			size = K
		}
		m.cov = make([]float64, size)
		m.precChol = make([]float64, size)
		m.covChol = make([]float64, size)
	}
	// Weights and means.
	total := 0.0
	for _, v := range nk {
		total += v
	}
	for k := range nk {
		m.Weights[k] = nk[k] / total
	}
	for k := range m.Means {
		m.Means[k] = 0
	}
	weightedMoments(X, resp, n, d, K, nil, m.Means)
	for k := 0; k < K; k++ {
		inv := 1 / nk[k]
		mu := m.Means[k*d : (k+1)*d]
		for j := range mu {
			mu[j] *= inv
		}
	}
	// Covariances.
	switch m.Covariance {
	case Full, Tied:
		if m.Covariance == Tied {
			clear(m.cov)
		}
		for k := 0; k < K; k++ {
			C := m.cov
			if m.Covariance == Full {
				C = C[k*d*d : (k+1)*d*d]
				clear(C)
			}
			// diff = √rᵢₖ (xᵢ − μₖ); C += diffᵀ diff / nₖ (full) or / n (tied).
			mu := m.Means[k*d : (k+1)*d]
			for i := 0; i < n; i++ {
				s := math.Sqrt(resp[i*K+k])
				xi := X[i*d : (i+1)*d]
				di := w.diff[i*d : (i+1)*d]
				for j, v := range xi {
					di[j] = s * (v - mu[j])
				}
			}
			scale := 1 / nk[k]
			if m.Covariance == Tied {
				scale = 1 / total
			}
			blas64.Syrk(blas.Trans, scale,
				blas64.General{Rows: n, Cols: d, Stride: d, Data: w.diff[:n*d]},
				1, blas64.Symmetric{Uplo: blas.Upper, N: d, Stride: d, Data: C})
		}
		nmat := K
		if m.Covariance == Tied {
			nmat = 1
		}
		for k := 0; k < nmat; k++ {
			C := m.cov[k*d*d : (k+1)*d*d]
			for j := 0; j < d; j++ {
				C[j*d+j] += reg
				for i := 0; i < j; i++ { // mirror the upper triangle
					C[j*d+i] = C[i*d+j]
				}
			}
			ld, err := precisionCholesky(C, m.covChol[k*d*d:(k+1)*d*d], m.precChol[k*d*d:(k+1)*d*d], d)
			if err != nil {
				if m.Covariance == Full {
					return fmt.Errorf("component %d (weight %.3g): %w", k, m.Weights[k], err)
				}
				return err
			}
			if m.Covariance == Full {
				m.logDetPrec[k] = ld
			} else {
				for kk := range m.logDetPrec {
					m.logDetPrec[kk] = ld
				}
			}
		}
	case Diag, Spherical:
		diag := w.diff[:K*d] // reuse as K×d scratch
		clear(diag)
		weightedMoments(X, resp, n, d, K, m.Means, diag)
		for k := 0; k < K; k++ {
			inv := 1 / nk[k]
			dk := diag[k*d : (k+1)*d]
			if m.Covariance == Diag {
				ld := 0.0
				for j := range dk {
					v := dk[j]*inv + reg
					if !(v > 0) || math.IsInf(v, 0) {
						return fmt.Errorf("component %d, feature %d: variance %v: %w", k, j, v, ErrIllDefinedCovariance)
					}
					m.cov[k*d+j] = v
					sd := math.Sqrt(v)
					m.covChol[k*d+j] = sd
					m.precChol[k*d+j] = 1 / sd
					ld -= math.Log(sd)
				}
				m.logDetPrec[k] = ld
			} else {
				s := 0.0
				for _, v := range dk {
					s += v
				}
				v := s*inv/float64(d) + reg
				if !(v > 0) || math.IsInf(v, 0) {
					return fmt.Errorf("component %d: variance %v: %w", k, v, ErrIllDefinedCovariance)
				}
				m.cov[k] = v
				sd := math.Sqrt(v)
				m.covChol[k] = sd
				m.precChol[k] = 1 / sd
				m.logDetPrec[k] = -float64(d) * math.Log(sd)
			}
		}
	}
	return nil
}

// precisionCholesky factors the symmetric d×d matrix C = RᵀR (R upper
// triangular, written to R with zeros below the diagonal), writes
// U = R⁻¹ to U (so U Uᵀ = C⁻¹ and ‖(x−μ)ᵀU‖² is the squared Mahalanobis
// distance), and returns log det U = −Σ log Rᵢᵢ.
func precisionCholesky(C, R, U []float64, d int) (float64, error) {
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			if j >= i {
				R[i*d+j] = C[i*d+j]
			} else {
				R[i*d+j] = 0
			}
		}
	}
	if _, ok := lapack64.Potrf(blas64.Symmetric{Uplo: blas.Upper, N: d, Stride: d, Data: R}); !ok {
		return 0, fmt.Errorf("Cholesky factorization failed: %w", ErrIllDefinedCovariance)
	}
	copy(U, R)
	if ok := lapack64.Trtri(blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: d, Stride: d, Data: U}); !ok {
		return 0, fmt.Errorf("inverting the Cholesky factor failed: %w", ErrIllDefinedCovariance)
	}
	ld := 0.0
	for i := 0; i < d; i++ {
		r := R[i*d+i]
		if !(r > 0) || math.IsInf(r, 0) {
			return 0, fmt.Errorf("Cholesky factor has diagonal %v: %w", r, ErrIllDefinedCovariance)
		}
		ld -= math.Log(r)
	}
	return ld, nil
}

// weightedMoments adds, for every row xᵢ of X and component k with
// responsibility r = resp[i][k] > 0, r·xᵢ (center nil: the M-step's mean
// numerator) or r·(xᵢ − centerₖ)² elementwise (the diagonal variance
// numerator; Bishop 2006, eq. 9.24–9.25) to row k of acc, K×d row-major.
func weightedMoments(X, resp []float64, n, d, K int, center, acc []float64) {
	for i := 0; i < n; i++ {
		xi := X[i*d : (i+1)*d]
		for k, r := range resp[i*K : (i+1)*K] {
			if r == 0 {
				continue
			}
			ak := acc[k*d : (k+1)*d]
			if center == nil {
				for j, v := range xi {
					ak[j] += r * v
				}
				continue
			}
			mu := center[k*d : (k+1)*d]
			for j, v := range xi {
				t := v - mu[j]
				ak[j] += r * t * t
			}
		}
	}
}
