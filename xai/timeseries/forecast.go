package timeseries

import "math"

// Forecast is an h-step-ahead forecast from the end of a series.
type Forecast struct {
	Mean     []float64 // ŷ_{n+1} … ŷ_{n+h}
	Var      []float64 // forecast error variances
	Lower    []float64 // lower bounds of the prediction intervals
	Upper    []float64 // upper bounds
	Level    float64   // the intervals' coverage, 1 − alpha
	PsiTerms []float64 // ψ_0 … ψ_{h−1}, the MA(∞) weights
}

// Forecast predicts y_{n+1} … y_{n+h} from the series y the model was
// fitted to, feeding forecasts back in as lags beyond the sample. The error
// variance of the step-j forecast is σ² Σ_{i<j} ψ_i², with ψ the MA(∞)
// weights of the fitted AR polynomial (ψ_0 = 1, ψ_i = Σ_{l=1}^{min(i,p)}
// φ_l ψ_{i−l}; Box and Jenkins, 1976, §5.2), and the interval is
// ŷ ± z_{1−alpha/2} √var, as statsmodels' AutoRegResults.get_prediction
// computes them.
func (m *AR) Forecast(y []float64, h int, alpha float64) *Forecast {
	p := m.Lags
	ext := append(append([]float64(nil), y...), make([]float64, h)...)
	f := &Forecast{Mean: make([]float64, h), Var: make([]float64, h), Lower: make([]float64, h), Upper: make([]float64, h), Level: 1 - alpha, PsiTerms: make([]float64, h)}
	z := math.Sqrt2 * math.Erfinv(1-alpha)
	cum := 0.0
	for j := 0; j < h; j++ {
		t := len(y) + j
		s := 0.0 // the lag terms summed in LagContributions' order
		for l := 1; l <= p; l++ {
			s += m.Params[l] * ext[t-l]
		}
		v := m.Params[0] + s
		ext[t] = v
		psi := 1.0
		if j > 0 {
			psi = 0
			for l := 1; l <= min(j, p); l++ {
				psi += m.Params[l] * f.PsiTerms[j-l]
			}
		}
		f.PsiTerms[j] = psi
		cum += psi * psi
		f.Mean[j], f.Var[j] = v, m.Sigma2*cum
		half := z * math.Sqrt(f.Var[j])
		f.Lower[j], f.Upper[j] = v-half, v+half
	}
	return f
}

// LagContributions explains each forecast of Forecast(y, len(means), ·):
// row j holds φ_l · y_{n+j+1−l} for l = 1 … p, the part of forecast j that
// lag l contributed, where lags beyond the sample are the earlier forecasts
// themselves. Each row sums to forecast − constant up to rounding (the
// forecast is computed as the same sum), the time-series counterpart of a
// token attribution that is causally exact.
func (m *AR) LagContributions(y, means []float64) [][]float64 {
	ext := append(append([]float64(nil), y...), means...)
	out := make([][]float64, len(means))
	for j := range out {
		t := len(y) + j
		out[j] = make([]float64, m.Lags)
		for l := 1; l <= m.Lags; l++ {
			out[j][l-1] = m.Params[l] * ext[t-l]
		}
	}
	return out
}
