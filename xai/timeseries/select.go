package timeseries

import "fmt"

// Criterion values for SelectOrder.
const (
	AIC = "aic"
	BIC = "bic"
)

// OrderScore is one candidate order of SelectOrder with its criteria on the
// common sample.
type OrderScore struct {
	Lags     int     `json:"lags"`
	AIC      float64 `json:"aic"`
	BIC      float64 `json:"bic"`
	Selected bool    `json:"selected"`
}

// SelectOrder chooses p in 0 … maxLag by AIC or BIC, as statsmodels'
// ar_select_order does (non-global search): every order is fitted on the
// same observations t = maxLag … n−1, so that the criteria compare models
// of the same sample, and the smallest criterion wins (the lower order on a
// tie). It returns the chosen p and every order's scores; the caller then
// refits AR(p) on its own full sample (Fit with hold-back p), as
// ar_select_order's model does.
func SelectOrder(y []float64, maxLag int, ic string) (int, []OrderScore, error) {
	if ic != AIC && ic != BIC {
		return 0, nil, fmt.Errorf("AR order selection: criterion %q unknown; use %s or %s", ic, AIC, BIC)
	}
	if maxLag < 1 {
		return 0, nil, fmt.Errorf("AR order selection: max lag %d; want at least 1", maxLag)
	}
	best, bestVal := 0, 0.0
	scores := make([]OrderScore, 0, maxLag+1)
	for p := 0; p <= maxLag; p++ {
		m, err := Fit(y, p, maxLag)
		if err != nil {
			return 0, nil, fmt.Errorf("AR order selection over 0..%d: %w", maxLag, err)
		}
		v := m.AIC
		if ic == BIC {
			v = m.BIC
		}
		if p == 0 || v < bestVal {
			best, bestVal = p, v
		}
		scores = append(scores, OrderScore{Lags: p, AIC: m.AIC, BIC: m.BIC})
	}
	scores[best].Selected = true
	return best, scores, nil
}
