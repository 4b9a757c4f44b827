package glassbox

import (
	"fmt"
	"math"
	"sort"
)

// Logit returns the model's score for one row of raw feature values: the
// log-odds of class 1 (classification) or the prediction (regression).
func (m *EBM) Logit(row []float64) float64 {
	s := m.Intercept
	for t := range m.Terms {
		s += m.termScore(t, row)
	}
	return s
}

// termScore is term t's contribution for a row.
func (m *EBM) termScore(t int, row []float64) float64 {
	term := &m.Terms[t]
	if len(term.Features) == 1 {
		j := term.Features[0]
		return term.Scores[m.Bins[j].Bin(row[j])]
	}
	a, b := term.Features[0], term.Features[1]
	return term.Scores[m.PairBins[a].Bin(row[a])*m.PairBins[b].NumBins()+m.PairBins[b].Bin(row[b])]
}

// Probability returns P(class 1 | row) for a classifier.
func (m *EBM) Probability(row []float64) float64 { return 1 / (1 + math.Exp(-m.Logit(row))) }

// Predict returns the predicted class (0 or 1) or, for regression, the
// predicted value.
func (m *EBM) Predict(row []float64) float64 {
	s := m.Logit(row)
	if m.Regression {
		return s
	}
	if s > 0 {
		return 1
	}
	return 0
}

// EBMScore holds evaluation metrics of an EBM on a data set.
type EBMScore struct {
	// Accuracy is the fraction of correct classes (classification).
	Accuracy float64
	// LogLik is the summed log-likelihood (classification).
	LogLik float64
	// LogLoss is the mean negative log-likelihood (classification).
	LogLoss float64
	// RMSE is the root mean squared error (regression).
	RMSE float64
	// R2 is the coefficient of determination (regression).
	R2 float64
}

// Score evaluates the model on rows x (row-major) with labels y.
func (m *EBM) Score(x, y []float64) (EBMScore, error) {
	p := len(m.Features)
	var s EBMScore
	if len(y) == 0 || len(x) != len(y)*p {
		return s, fmt.Errorf("EBM scoring: %d values do not form %d (≥1) rows of %d features", len(x), len(y), p)
	}
	if m.Regression {
		mu := 0.0
		for _, v := range y {
			mu += v
		}
		mu /= float64(len(y))
		sse, sst := 0.0, 0.0
		for i, v := range y {
			d := m.Logit(x[i*p:(i+1)*p]) - v
			sse += d * d
			sst += (v - mu) * (v - mu)
		}
		s.RMSE = math.Sqrt(sse / float64(len(y)))
		if sst > 0 {
			s.R2 = 1 - sse/sst
		}
		return s, nil
	}
	correct := 0
	for i, v := range y {
		if v != 0 && v != 1 {
			return s, fmt.Errorf("EBM scoring: row %d has label %v; the classifier knows 0 and 1", i, v)
		}
		z := m.Logit(x[i*p : (i+1)*p])
		if (z > 0) == (v == 1) {
			correct++
		}
		s.LogLik -= softplus(z) - v*z
	}
	s.Accuracy = float64(correct) / float64(len(y))
	s.LogLoss = -s.LogLik / float64(len(y))
	return s, nil
}

// Contribution is one term's part in a local explanation.
type Contribution struct {
	// Term is the term's name.
	Term string
	// Value describes the row's bin(s) of the term's feature(s).
	Value string
	// Score is the term's contribution to the logit (or prediction).
	Score float64
}

// Explanation is the local explanation of one row: the intercept and every
// term's contribution, which sum to Logit.
type Explanation struct {
	// Intercept is the model's constant.
	Intercept float64
	// Terms holds one contribution per model term, in model order.
	Terms []Contribution
	// Logit is the row's score: Intercept + Σ Terms[i].Score.
	Logit float64
}

// valueText names feature j's value in row: its level for a categorical
// feature read from text.
func (m *EBM) valueText(j int, row []float64) string {
	if b := &m.Bins[j]; b.Levels != nil && !math.IsNaN(row[j]) {
		return b.valueLabel(row[j])
	}
	return valueText(row[j])
}

// Explain returns the additive decomposition of one row's score.
func (m *EBM) Explain(row []float64) Explanation {
	e := Explanation{Intercept: m.Intercept, Logit: m.Intercept}
	for t := range m.Terms {
		term := &m.Terms[t]
		s := m.termScore(t, row)
		var val string
		if len(term.Features) == 1 {
			val = m.valueText(term.Features[0], row)
		} else {
			val = m.valueText(term.Features[0], row) + ", " + m.valueText(term.Features[1], row)
		}
		e.Terms = append(e.Terms, Contribution{Term: term.Name, Value: val, Score: s})
		e.Logit += s
	}
	return e
}

// Importance is a term's global importance.
type Importance struct {
	// Term is the term's name.
	Term string
	// Importance is the mean absolute contribution over the training rows.
	Importance float64
}

// Importances returns the terms' importances, most important first (ties
// keep model order).
func (m *EBM) Importances() []Importance {
	out := make([]Importance, len(m.Terms))
	for t, term := range m.Terms {
		out[t] = Importance{term.Name, term.Importance}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Importance > out[b].Importance })
	return out
}

// TermIndex returns the index of the term with the given name, or −1.
func (m *EBM) TermIndex(name string) int {
	for t := range m.Terms {
		if m.Terms[t].Name == name {
			return t
		}
	}
	return -1
}

// valueText formats a feature value for an explanation; NaN is "missing".
func valueText(v float64) string {
	if math.IsNaN(v) {
		return "missing"
	}
	return fmt.Sprintf("%g", v)
}
