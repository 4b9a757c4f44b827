package eval

import (
	"math"
	"math/rand"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// linearGaussian is the VAE whose marginal likelihood has a closed form:
// p(z) = N(0, I), p(x|z) = N(Wz + b, σ²I), so p(x) = N(b, WWᵀ + σ²I).
type linearGaussian struct {
	w     *mat.Dense // dx × dz
	b     []float64
	sigma float64
}

func newLinearGaussian() linearGaussian {
	return linearGaussian{
		// Orthogonal columns: the exact posterior is diagonal, in the
		// encoder's family, which the encoder then misses on purpose.
		w:     mat.NewDense(6, 2, []float64{1.2, 0.4, 0.5, -0.54, -0.7, 0.3, 0.3, 0.6, 0.8, -0.2, -0.4, 0.05}),
		b:     []float64{0.1, -0.2, 0.3, 0, 0.2, -0.1},
		sigma: 0.5,
	}
}

// logMarginal is log N(x; b, WWᵀ + σ²I) from a Cholesky factorization.
func (m linearGaussian) logMarginal(t *testing.T, x []float64) float64 {
	d := len(x)
	var c mat.SymDense
	c.SymOuterK(1, m.w)
	for i := 0; i < d; i++ {
		c.SetSym(i, i, c.At(i, i)+m.sigma*m.sigma)
	}
	var ch mat.Cholesky
	if !ch.Factorize(&c) {
		t.Fatal("the marginal covariance is not positive definite")
	}
	diff := mat.NewVecDense(d, nil)
	for i := range x {
		diff.SetVec(i, x[i]-m.b[i])
	}
	var sol mat.VecDense
	if err := ch.SolveVecTo(&sol, diff); err != nil {
		t.Fatal(err)
	}
	return -0.5*mat.Dot(diff, &sol) - 0.5*ch.LogDet() - 0.5*float64(d)*math.Log(2*math.Pi)
}

// encoder is an imperfect approximation of the exact posterior
// N(Λ⁻¹Wᵀ(x − b)/σ², Λ⁻¹), Λ = I + WᵀW/σ², as a trained encoder would be:
// the mean shifted by 0.05 in each dimension and the variances 1.1 times
// the posterior's (wider, so the importance weights have a small variance),
// so the ELBO is visibly below log p(x) and only the importance weights
// close the gap.
func (m linearGaussian) encoder(x []float64) (mu, logVar []float64) {
	_, dz := m.w.Dims()
	var prec mat.Dense
	prec.Mul(m.w.T(), m.w)
	prec.Scale(1/(m.sigma*m.sigma), &prec)
	for i := 0; i < dz; i++ {
		prec.Set(i, i, prec.At(i, i)+1)
	}
	diff := make([]float64, len(x))
	for i := range x {
		diff[i] = (x[i] - m.b[i]) / (m.sigma * m.sigma)
	}
	var rhs, mean mat.VecDense
	rhs.MulVec(m.w.T(), mat.NewVecDense(len(x), diff))
	if err := mean.SolveVec(&prec, &rhs); err != nil {
		panic(err)
	}
	var cov mat.Dense
	if err := cov.Inverse(&prec); err != nil {
		panic(err)
	}
	mu, logVar = make([]float64, dz), make([]float64, dz)
	for i := range mu {
		mu[i] = mean.AtVec(i) + 0.05
		logVar[i] = math.Log(1.1 * cov.At(i, i))
	}
	return mu, logVar
}

// logLik is the decoder's GaussianLogLik of the images xs.
func (m linearGaussian) logLik(xs [][]float64, calls *int, biggest *int) LogLik {
	return func(img []int, z [][]float64) ([]float64, error) {
		*calls++
		*biggest = max(*biggest, len(img))
		out := make([]float64, len(img))
		for r, i := range img {
			var mean mat.VecDense
			mean.MulVec(m.w, mat.NewVecDense(len(z[r]), z[r]))
			for j := range m.b {
				mean.SetVec(j, mean.AtVec(j)+m.b[j])
			}
			out[r] = GaussianLogLik(xs[i], mean.RawVector().Data, m.sigma)
		}
		return out, nil
	}
}

// TestIWAEApproachesTheMarginal checks the importance-weighted bound on a
// linear Gaussian VAE: with K = 100,000 it is within 1e-3 relative of the
// true −log p(x) (its standard error is about 1.5e-4 relative here; with
// K = 5000, 7e-4), while the ELBO (K = 1's expectation, estimated from the
// same draws) is more than 3e-3 relative away and matches its closed form;
// the result does not depend on the batch.
func TestIWAEApproachesTheMarginal(t *testing.T) {
	m := newLinearGaussian()
	xs := [][]float64{{0.4, 1.1, -0.9, 0.2, 0.5, -0.3}, {-1.5, 0.2, 0.8, -0.6, -1.0, 0.4}, {2.0, -1.0, -1.2, 0.9, 1.3, -0.8}}
	var mu, logVar [][]float64
	for _, x := range xs {
		a, b := m.encoder(x)
		mu, logVar = append(mu, a), append(logVar, b)
	}
	var calls, biggest int
	const K = 100000
	bounds, err := ImportanceWeighted(mu, logVar, m.logLik(xs, &calls, &biggest), IWAEOptions{K: K, Batch: 777, Rng: rand.New(rand.NewSource(5))})
	if err != nil {
		t.Fatal(err)
	}
	if want := (3*K + 776) / 777; calls != want || biggest != 777 {
		t.Errorf("%d calls of at most %d rows, want %d calls of 777", calls, biggest, want)
	}
	for i, x := range xs {
		truth := -m.logMarginal(t, x)
		if rel := math.Abs(bounds[i].NLL-truth) / math.Abs(truth); rel > 1e-3 {
			t.Errorf("image %d: IWAE −log p̂(x) = %.6f, true −log p(x) = %.6f: %.2g relative, want ≤ 1e-3", i, bounds[i].NLL, truth, rel)
		}
		// The closed-form ELBO: E_q log p(x|z) = log N(x; Wμ + b, σ²I) − tr(W Σ_q Wᵀ)/(2σ²).
		var mean mat.VecDense
		mean.MulVec(m.w, mat.NewVecDense(len(mu[i]), mu[i]))
		var tr, kl float64
		for j := range mu[i] {
			col := mat.Col(nil, j, m.w)
			tr += math.Exp(logVar[i][j]) * floatsDot(col, col)
			kl += 0.5 * (mu[i][j]*mu[i][j] + math.Exp(logVar[i][j]) - logVar[i][j] - 1)
		}
		for j := range m.b {
			mean.SetVec(j, mean.AtVec(j)+m.b[j])
		}
		elbo := GaussianLogLik(x, mean.RawVector().Data, m.sigma) - tr/(2*m.sigma*m.sigma) - kl
		if rel := math.Abs(bounds[i].NegELBO+elbo) / math.Abs(elbo); rel > 1e-2 {
			t.Errorf("image %d: neg_elbo %.5f, closed form %.5f", i, bounds[i].NegELBO, -elbo)
		}
		if gap := bounds[i].NegELBO - truth; gap < 3e-3*math.Abs(truth) {
			t.Errorf("image %d: the ELBO is only %.3g nats from −log p(x): the imperfect encoder should leave a gap the test can see", i, gap)
		}
	}
	// The same draws in batches of one and of 5000 give the same numbers.
	var got [2][]Bound
	for j, b := range []int{1, 5000} {
		if got[j], err = ImportanceWeighted(mu, logVar, m.logLik(xs, &calls, &biggest), IWAEOptions{K: 5000, Batch: b, Rng: rand.New(rand.NewSource(5))}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range xs {
		if math.Abs(got[0][i].NLL-got[1][i].NLL) > 1e-9 || math.Abs(got[0][i].NegELBO-got[1][i].NegELBO) > 1e-9 {
			t.Errorf("image %d: batch 1 gives %+v, batch 5000 %+v", i, got[0][i], got[1][i])
		}
	}
}

func floatsDot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// TestLogMeanExpAccumulator checks the running log-sum-exp against the
// direct sum, including values that would overflow exp.
func TestLogMeanExpAccumulator(t *testing.T) {
	vals := []float64{-800, 3, 900, 899, -1, 900}
	var a lmeAcc
	for _, v := range vals {
		a.add(v)
	}
	want := 900 + math.Log(2+math.Exp(-1)+math.Exp(-897)+math.Exp(-901))
	near(t, "log Σ exp", a.value(), want, 1e-12)
}

// TestBernoulliLogLik checks the likelihood from logits against
// x·log σ(l) + (1 − x)·log(1 − σ(l)) at moderate logits, and that it stays
// finite where σ(l) rounds to 1.
func TestBernoulliLogLik(t *testing.T) {
	x, l := []float64{1, 0, 0.3}, []float64{0.5, -2, 1.5}
	var want float64
	for i := range x {
		s := 1 / (1 + math.Exp(-l[i]))
		want += x[i]*math.Log(s) + (1-x[i])*math.Log(1-s)
	}
	near(t, "Bernoulli log-likelihood", BernoulliLogLik(x, l), want, 1e-12)
	if v := BernoulliLogLik([]float32{0}, []float32{60}); math.IsInf(v, 0) || math.Abs(v+60) > 1e-9 {
		t.Errorf("x = 0 at logit 60: %v, want −60", v)
	}
}
