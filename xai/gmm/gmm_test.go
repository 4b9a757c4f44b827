package gmm

import (
	"errors"
	"math"
	"math/rand"
	"strings"
	"testing"
)

// threeComponents draws n points from a known 2-D mixture with weights
// 0.5/0.3/0.2, well-separated means and distinct full covariances.
func threeComponents(n int, seed int64) (X []float64, weights, means []float64) {
	weights = []float64{0.5, 0.3, 0.2}
	means = []float64{0, 0, 6, 1, -2, 7}
	// Lower Cholesky factors L (row-major 2×2) of the covariances.
	chols := [][4]float64{{1, 0, 0.5, 0.8}, {0.6, 0, -0.3, 1.2}, {1.5, 0, 0, 0.4}}
	rng := rand.New(rand.NewSource(seed))
	X = make([]float64, 2*n)
	for i := 0; i < n; i++ {
		u := rng.Float64()
		k := 0
		switch {
		case u >= weights[0]+weights[1]:
			k = 2
		case u >= weights[0]:
			k = 1
		}
		z0, z1 := rng.NormFloat64(), rng.NormFloat64()
		L := chols[k]
		X[2*i] = means[2*k] + L[0]*z0
		X[2*i+1] = means[2*k+1] + L[2]*z0 + L[3]*z1
	}
	return X, weights, means
}

// matchComponents maps each true component to the fitted component with the
// nearest mean.
func matchComponents(t *testing.T, m *Model, trueMeans []float64) []int {
	t.Helper()
	K := len(trueMeans) / m.D
	idx := make([]int, K)
	used := map[int]bool{}
	for k := 0; k < K; k++ {
		best, bestD := -1, math.Inf(1)
		for j := 0; j < m.K; j++ {
			if d := sqDist(trueMeans[k*m.D:(k+1)*m.D], m.Means[j*m.D:(j+1)*m.D]); d < bestD {
				best, bestD = j, d
			}
		}
		if used[best] {
			t.Fatalf("two true components matched fitted component %d; means %v", best, m.Means)
		}
		used[best] = true
		idx[k] = best
	}
	return idx
}

func TestRecoversKnownMixture(t *testing.T) {
	X, weights, means := threeComponents(5000, 1)
	for _, cov := range CovarianceTypes {
		t.Run(cov, func(t *testing.T) {
			m := mustFit(t, X, 5000, 2, Params{Components: 3, Covariance: cov, NInit: 2, Seed: 7})
			if !m.Converged {
				t.Errorf("did not converge in %d iterations", m.Iterations)
			}
			idx := matchComponents(t, m, means)
			// Full covariance is the true model: tight tolerances. The
			// restricted structures are misspecified, so means and weights
			// move a little.
			meanTol, wTol := 0.08, 0.02
			if cov != Full {
				meanTol, wTol = 0.25, 0.04
			}
			for k, j := range idx {
				for c := 0; c < 2; c++ {
					if d := math.Abs(m.Means[j*2+c] - means[k*2+c]); d > meanTol {
						t.Errorf("component %d mean[%d] = %.3f, want %.3f ± %.2f", k, c, m.Means[j*2+c], means[k*2+c], meanTol)
					}
				}
				if d := math.Abs(m.Weights[j] - weights[k]); d > wTol {
					t.Errorf("component %d weight = %.3f, want %.3f ± %.2f", k, m.Weights[j], weights[k], wTol)
				}
			}
			if cov == Full {
				// Covariance of component 1: L Lᵀ with L = [[0.6,0],[-0.3,1.2]].
				c := m.Covariances()[idx[1]]
				want := []float64{0.36, -0.18, -0.18, 1.53}
				for i := range want {
					if math.Abs(c[i]-want[i]) > 0.12 {
						t.Errorf("component 1 covariance = %.3f, want %.3f", c, want)
						break
					}
				}
			}
		})
	}
}

func TestLowerBoundNeverDecreases(t *testing.T) {
	// Overlapping components and more components than the truth make EM
	// take many small steps, which is where a wrong M-step would show.
	X, _, _ := threeComponents(1500, 3)
	// Add a 3rd dimension correlated with the first two.
	n := 1500
	X3 := make([]float64, 3*n)
	rng := rand.New(rand.NewSource(4))
	for i := 0; i < n; i++ {
		X3[3*i] = X[2*i]
		X3[3*i+1] = X[2*i+1]
		X3[3*i+2] = 0.5*X[2*i] - 0.2*X[2*i+1] + rng.NormFloat64()
	}
	for _, cov := range CovarianceTypes {
		for _, K := range []int{2, 5} {
			for seed := int64(0); seed < 3; seed++ {
				m, err := Fit(X3, n, 3, Params{Components: K, Covariance: cov, MaxIter: 200, Tol: -1, Seed: seed})
				if err != nil {
					t.Fatalf("%s K=%d seed %d: %v", cov, K, seed, err)
				}
				if len(m.History) != 200 {
					t.Fatalf("%s K=%d: %d iterations recorded, want 200 with tol disabled", cov, K, len(m.History))
				}
				for it := 1; it < len(m.History); it++ {
					prev, cur := m.History[it-1], m.History[it]
					// Only rounding may make it go down.
					if cur < prev-1e-12*math.Abs(prev) {
						t.Errorf("%s K=%d seed %d: lower bound fell from %.15g to %.15g at iteration %d", cov, K, seed, prev, cur, it+1)
						break
					}
				}
			}
		}
	}
}

// TestSingleComponentClosedForm checks one full Gaussian against its closed
// form: the mean, the biased sample covariance plus reg, and the average
// log-density computed directly from the inverse and determinant.
func TestSingleComponentClosedForm(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	n, d := 400, 3
	X := make([]float64, n*d)
	for i := 0; i < n; i++ {
		a, b, c := rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
		X[i*d], X[i*d+1], X[i*d+2] = 2+a, -1+0.5*a+b, 3+0.3*b+0.2*c
	}
	reg := 1e-3
	m := mustFit(t, X, n, d, Params{Components: 1, Covariance: Full, RegCovar: reg})
	mean := make([]float64, d)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			mean[j] += X[i*d+j] / float64(n)
		}
	}
	cov := make([]float64, d*d)
	for i := 0; i < n; i++ {
		for a := 0; a < d; a++ {
			for b := 0; b < d; b++ {
				cov[a*d+b] += (X[i*d+a] - mean[a]) * (X[i*d+b] - mean[b]) / float64(n)
			}
		}
	}
	for j := 0; j < d; j++ {
		cov[j*d+j] += reg
	}
	for j := range mean {
		if math.Abs(m.Means[j]-mean[j]) > 1e-10 {
			t.Fatalf("mean = %v, want %v", m.Means, mean)
		}
	}
	got := m.Covariances()[0]
	for i := range cov {
		if math.Abs(got[i]-cov[i]) > 1e-10 {
			t.Fatalf("covariance = %v, want %v", got, cov)
		}
	}
	// Direct 3×3 inverse and determinant by cofactors.
	det := cov[0]*(cov[4]*cov[8]-cov[5]*cov[7]) - cov[1]*(cov[3]*cov[8]-cov[5]*cov[6]) + cov[2]*(cov[3]*cov[7]-cov[4]*cov[6])
	inv := []float64{
		cov[4]*cov[8] - cov[5]*cov[7], cov[2]*cov[7] - cov[1]*cov[8], cov[1]*cov[5] - cov[2]*cov[4],
		cov[5]*cov[6] - cov[3]*cov[8], cov[0]*cov[8] - cov[2]*cov[6], cov[2]*cov[3] - cov[0]*cov[5],
		cov[3]*cov[7] - cov[4]*cov[6], cov[1]*cov[6] - cov[0]*cov[7], cov[0]*cov[4] - cov[1]*cov[3],
	}
	want := 0.0
	for i := 0; i < n; i++ {
		q := 0.0
		for a := 0; a < d; a++ {
			for b := 0; b < d; b++ {
				q += (X[i*d+a] - mean[a]) * inv[a*d+b] / det * (X[i*d+b] - mean[b])
			}
		}
		want += -0.5 * (float64(d)*math.Log(2*math.Pi) + math.Log(det) + q) / float64(n)
	}
	if got := m.MeanLogLik(X, n); math.Abs(got-want) > 1e-9 {
		t.Fatalf("mean log-likelihood = %.12f, want %.12f", got, want)
	}
	if got, want := m.BIC(X, n), -2*want*float64(n)+9*math.Log(float64(n)); math.Abs(got-want) > 1e-6 {
		t.Fatalf("BIC = %v, want %v", got, want)
	}
	if got, want := m.AIC(X, n), -2*want*float64(n)+18; math.Abs(got-want) > 1e-6 {
		t.Fatalf("AIC = %v, want %v", got, want)
	}
}

func TestNumParams(t *testing.T) {
	// K=4, D=5, as scikit-learn's _n_parameters.
	want := map[string]int{Full: 4*15 + 20 + 3, Tied: 15 + 20 + 3, Diag: 20 + 20 + 3, Spherical: 4 + 20 + 3}
	for cov, w := range want {
		m := &Model{K: 4, D: 5, Covariance: cov}
		if got := m.NumParams(); got != w {
			t.Errorf("%s: NumParams = %d, want %d", cov, got, w)
		}
	}
}

func TestSelectByBICFindsThree(t *testing.T) {
	X, _, _ := threeComponents(3000, 5)
	m, bics, err := SelectByBIC(X, 3000, 2, []int{1, 2, 3, 4, 5}, Params{Covariance: Full, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if m.K != 3 {
		t.Fatalf("BIC chose K=%d; BICs %v", m.K, bics)
	}
	for i, b := range bics {
		if i != 2 && !(b > bics[2]) {
			t.Errorf("BIC[%d]=%v not above BIC[K=3]=%v", i, b, bics[2])
		}
	}
}

func TestSampleMatchesModel(t *testing.T) {
	X, _, _ := threeComponents(4000, 11)
	for _, cov := range CovarianceTypes {
		m := mustFit(t, X, 4000, 2, Params{Components: 3, Covariance: cov, Seed: 2})
		S := m.Sample(40000, rand.New(rand.NewSource(3)))
		// Overall mean and covariance of the mixture.
		var mu [2]float64
		for k := 0; k < 3; k++ {
			mu[0] += m.Weights[k] * m.Means[2*k]
			mu[1] += m.Weights[k] * m.Means[2*k+1]
		}
		var c [4]float64
		covs := m.Covariances()
		for k := 0; k < 3; k++ {
			dx, dy := m.Means[2*k]-mu[0], m.Means[2*k+1]-mu[1]
			c[0] += m.Weights[k] * (covs[k][0] + dx*dx)
			c[1] += m.Weights[k] * (covs[k][1] + dx*dy)
			c[3] += m.Weights[k] * (covs[k][3] + dy*dy)
		}
		var smu [2]float64
		for i := 0; i < 40000; i++ {
			smu[0] += S[2*i] / 40000
			smu[1] += S[2*i+1] / 40000
		}
		var sc [4]float64
		for i := 0; i < 40000; i++ {
			dx, dy := S[2*i]-smu[0], S[2*i+1]-smu[1]
			sc[0] += dx * dx / 40000
			sc[1] += dx * dy / 40000
			sc[3] += dy * dy / 40000
		}
		for j := 0; j < 2; j++ {
			if math.Abs(smu[j]-mu[j]) > 0.06 {
				t.Errorf("%s: sample mean %v, model mean %v", cov, smu, mu)
			}
		}
		for _, j := range []int{0, 1, 3} {
			if math.Abs(sc[j]-c[j]) > 0.05*math.Max(1, math.Abs(c[j])) {
				t.Errorf("%s: sample covariance %v, model covariance %v", cov, sc, c)
			}
		}
		// Samples are plausible under the model: mean log-lik close to the training one.
		if d := math.Abs(m.MeanLogLik(S, 40000) - m.MeanLogLik(X, 4000)); d > 0.1 {
			t.Errorf("%s: sample log-lik differs from training log-lik by %v", cov, d)
		}
	}
}

func TestDeterministic(t *testing.T) {
	X, _, _ := threeComponents(800, 2)
	a := mustFit(t, X, 800, 2, Params{Components: 4, NInit: 3, Seed: 42})
	b, _ := Fit(X, 800, 2, Params{Components: 4, NInit: 3, Seed: 42})
	for i := range a.Means {
		if a.Means[i] != b.Means[i] {
			t.Fatalf("same seed gave different means: %v vs %v", a.Means, b.Means)
		}
	}
}

func TestNInitKeepsBest(t *testing.T) {
	X, _, _ := threeComponents(600, 8)
	best := mustFit(t, X, 600, 2, Params{Components: 6, NInit: 5, Seed: 3})
	// The best of 5 runs is at least as good as each run alone; runs of
	// NInit=5 draw their seeds from one stream, so compare against the first.
	one := mustFit(t, X, 600, 2, Params{Components: 6, NInit: 1, Seed: 3})
	if best.LowerBound < one.LowerBound {
		t.Fatalf("n_init=5 lower bound %v below n_init=1 %v", best.LowerBound, one.LowerBound)
	}
}

func TestDegenerateDataStaysFinite(t *testing.T) {
	// A constant column, duplicated rows, and more components than distinct
	// points in one cluster: regularization must keep everything finite.
	n, d := 60, 3
	X := make([]float64, n*d)
	for i := 0; i < n; i++ {
		X[i*d] = float64(i % 3)
		X[i*d+1] = 5
		X[i*d+2] = float64(i%3) * 2
	}
	for _, cov := range CovarianceTypes {
		m, err := Fit(X, n, d, Params{Components: 3, Covariance: cov, NInit: 2})
		if err != nil {
			t.Fatalf("%s: %v", cov, err)
		}
		for _, v := range m.ScoreSamples(X, n) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%s: score %v", cov, v)
			}
		}
		for _, v := range m.Sample(50, rand.New(rand.NewSource(1))) {
			if math.IsNaN(v) {
				t.Fatalf("%s: NaN sample", cov)
			}
		}
	}
	// With no regularization a collapsed component is reported, not NaN.
	_, err := Fit(X, n, d, Params{Components: 3, Covariance: Full, RegCovar: -1})
	if !errors.Is(err, ErrIllDefinedCovariance) {
		t.Fatalf("zero reg on collapsed data: err = %v, want ErrIllDefinedCovariance", err)
	}
}

func TestHighDimensionNoUnderflow(t *testing.T) {
	// In 200 dimensions the densities are far below the smallest float64;
	// log-sum-exp must still give finite log-likelihoods and responsibilities.
	rng := rand.New(rand.NewSource(1))
	n, d := 300, 200
	X := make([]float64, n*d)
	for i := 0; i < n; i++ {
		off := float64(i%2) * 30
		for j := 0; j < d; j++ {
			X[i*d+j] = off + 10*rng.NormFloat64()
		}
	}
	m := mustFit(t, X, n, d, Params{Components: 2, Covariance: Diag})
	ll := m.MeanLogLik(X, n)
	if math.IsNaN(ll) || math.IsInf(ll, 0) || ll > -500 {
		t.Fatalf("mean log-likelihood %v; want finite and very negative", ll)
	}
}

func TestBadInput(t *testing.T) {
	X := []float64{1, 2, 3, 4, 5, 6}
	cases := []struct {
		name string
		X    []float64
		n, d int
		p    Params
		want string
	}{
		{"zero components", X, 3, 2, Params{Components: 0}, "components = 0"},
		{"unknown covariance", X, 3, 2, Params{Components: 1, Covariance: "banana"}, `"banana" is not known`},
		{"too many components", X, 3, 2, Params{Components: 4}, "3 samples cannot support 4 components"},
		{"shape mismatch", X, 4, 2, Params{Components: 1}, "6 values, but 4 rows × 2 columns need 8"},
		{"NaN", []float64{1, 2, math.NaN(), 4, 5, 6}, 3, 2, Params{Components: 1}, "row 1, column 0 holds NaN"},
		{"one sample", []float64{1, 2}, 1, 2, Params{Components: 1}, "need at least 2"},
		{"no columns", nil, 3, 0, Params{Components: 1}, "need at least one column"},
		{"negative n_init", X, 3, 2, Params{Components: 1, NInit: -2}, "n_init = -2"},
	}
	for _, c := range cases {
		_, err := Fit(c.X, c.n, c.d, c.p)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to contain %q", c.name, err, c.want)
		}
	}
	if _, _, err := SelectByBIC(X, 3, 2, nil, Params{}); err == nil {
		t.Error("SelectByBIC with no candidates: no error")
	}
	// Candidates larger than n get +Inf, the rest are still fitted.
	Y, _, _ := threeComponents(50, 1)
	m, bics, err := SelectByBIC(Y, 50, 2, []int{1, 60}, Params{})
	if err != nil || m.K != 1 || !math.IsInf(bics[1], 1) {
		t.Errorf("SelectByBIC with impossible K: model %v, bics %v, err %v", m, bics, err)
	}
}

// benchData returns n×d points around k random centres.
func benchData(n, d, k int) []float64 {
	rng := rand.New(rand.NewSource(1))
	centres := make([]float64, k*d)
	for i := range centres {
		centres[i] = 4 * rng.NormFloat64()
	}
	X := make([]float64, n*d)
	for i := 0; i < n; i++ {
		c := rng.Intn(k)
		for j := 0; j < d; j++ {
			X[i*d+j] = centres[c*d+j] + rng.NormFloat64()
		}
	}
	return X
}

func benchmarkFit(b *testing.B, cov string) {
	n, d, k := 1347, 20, 10
	X := benchData(n, d, k)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Fit(X, n, d, Params{Components: k, Covariance: cov, Tol: -1, MaxIter: 20, Seed: int64(i)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFitFull measures 20 EM iterations of a 10-component full model on
// digits-sized data (1347×20), k-means initialization included.
func BenchmarkFitFull(b *testing.B) { benchmarkFit(b, Full) }

// BenchmarkFitDiag is BenchmarkFitFull with diagonal covariances.
func BenchmarkFitDiag(b *testing.B) { benchmarkFit(b, Diag) }

// mustFit fits and fails the test on an error.
func mustFit(t *testing.T, X []float64, n, d int, p Params) *Model {
	t.Helper()
	m, err := Fit(X, n, d, p)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
