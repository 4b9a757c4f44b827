// Package timeseries fits autoregressive models AR(p) to a time series by
// conditional least squares, as statsmodels' AutoReg does (trend "c"),
// chooses p by an information criterion, forecasts with prediction
// intervals and explains each forecast by the contribution of every lag.
package timeseries

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// AR is an AR(p) model with a constant fitted by conditional least squares:
//
//	y_t = c + φ_1 y_{t−1} + … + φ_p y_{t−p} + ε_t,  ε_t ~ N(0, σ²),
//
// estimated by ordinary least squares on t = HoldBack, …, n−1 (the first
// HoldBack values only serve as lags). The definitions follow statsmodels'
// AutoReg (Seabold and Perktold, 2010): σ² = SSR/nobs (not SSR/(nobs−k)),
// the covariance of the estimates σ²(XᵀX)⁻¹, the Gaussian log-likelihood
// llf = −nobs/2 (ln 2π + ln σ² + 1), and AIC and BIC counting k = p+1
// regression coefficients plus σ² as parameters.
type AR struct {
	Lags     int       // p
	HoldBack int       // observations used only as lags (≥ p)
	Nobs     int       // n − HoldBack, the observations regressed
	Params   []float64 // constant, then φ_1 … φ_p
	SE       []float64 // their standard errors
	Sigma2   float64   // residual variance SSR/nobs
	LLF      float64   // conditional Gaussian log-likelihood
	AIC      float64   // −2 llf + 2 (k+1)
	BIC      float64   // −2 llf + ln(nobs) (k+1)
	Resid    []float64 // residuals at t = HoldBack … n−1
}

// Fit fits AR(p) with a constant to y by conditional least squares,
// regressing y_t on 1, y_{t−1}, …, y_{t−p} for t = holdBack … len(y)−1
// (holdBack −1 means p, statsmodels' default). A common holdBack lets
// models of different orders be compared on the same observations.
func Fit(y []float64, p, holdBack int) (*AR, error) {
	if p < 0 {
		return nil, fmt.Errorf("AR: lags %d; want p ≥ 0", p)
	}
	if holdBack < 0 {
		holdBack = p
	}
	if holdBack < p {
		return nil, fmt.Errorf("AR: hold-back %d smaller than the %d lags", holdBack, p)
	}
	k := p + 1
	nobs := len(y) - holdBack
	if nobs <= k {
		return nil, fmt.Errorf("AR(%d): a series of %d values leaves %d observations after %d lags, fewer than %d; use fewer lags or a longer series", p, len(y), nobs, holdBack, k+1)
	}
	x := mat.NewDense(nobs, k, nil)
	target := mat.NewVecDense(nobs, nil)
	for i := 0; i < nobs; i++ {
		t := holdBack + i
		x.Set(i, 0, 1)
		for l := 1; l <= p; l++ {
			x.Set(i, l, y[t-l])
		}
		target.SetVec(i, y[t])
	}
	// Least squares by QR (no normal equations: their condition number is
	// the square of the design's).
	var qr mat.QR
	qr.Factorize(x)
	var beta mat.VecDense
	if err := qr.SolveVecTo(&beta, false, target); err != nil {
		return nil, fmt.Errorf("AR(%d): the lagged design is singular (a constant series?): %v", p, err)
	}
	var rd mat.Dense
	qr.RTo(&rd)
	r := mat.NewTriDense(k, mat.Upper, nil)
	for i := 0; i < k; i++ {
		for j := i; j < k; j++ {
			r.SetTri(i, j, rd.At(i, j))
		}
	}
	// (XᵀX)⁻¹ = R⁻¹R⁻ᵀ; its diagonal is the squared row norms of R⁻¹.
	var rinv mat.TriDense
	if err := rinv.InverseTri(r); err != nil {
		return nil, fmt.Errorf("AR(%d): the lagged design is singular (a constant series?): %v", p, err)
	}
	m := &AR{Lags: p, HoldBack: holdBack, Nobs: nobs, Params: make([]float64, k), SE: make([]float64, k), Resid: make([]float64, nobs)}
	for j := range m.Params {
		m.Params[j] = beta.AtVec(j)
	}
	ssr := 0.0
	for i := range m.Resid {
		e := target.AtVec(i) - mat.Dot(x.RowView(i), &beta)
		m.Resid[i] = e
		ssr += e * e
	}
	n := float64(nobs)
	m.Sigma2 = ssr / n
	for j := range m.SE {
		v := 0.0
		for l := j; l < k; l++ {
			v += rinv.At(j, l) * rinv.At(j, l)
		}
		m.SE[j] = math.Sqrt(m.Sigma2 * v)
	}
	m.LLF = -n / 2 * (math.Log(2*math.Pi) + math.Log(m.Sigma2) + 1)
	df := float64(k + 1)
	m.AIC = -2*m.LLF + 2*df
	m.BIC = -2*m.LLF + math.Log(n)*df
	return m, nil
}

// ParamNames returns the coefficient names: "const", then "y.L1" … "y.Lp"
// (statsmodels' names with y for the series).
func (m *AR) ParamNames() []string {
	names := []string{"const"}
	for l := 1; l <= m.Lags; l++ {
		names = append(names, fmt.Sprintf("y.L%d", l))
	}
	return names
}
