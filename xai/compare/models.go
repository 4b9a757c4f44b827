package compare

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"genxai/config"
	"genxai/xai/glassbox"
	"genxai/xai/gmm"
	"genxai/xai/svm"
)

// Model families.
const (
	Generative     = "generative"
	Discriminative = "discriminative"
)

// family returns the family of a model name of config.CompareModels.
func family(model string) string {
	if slices.Contains(config.CompareGenerative, model) {
		return Generative
	}
	return Discriminative
}

// seeded reports whether the fit of a model depends on the seed (the
// k-means++ starts of the mixtures, the initial weights, batches and noise
// of the VAE), so that each repetition refits it even on the same rows.
func seeded(model string) bool { return model == "gmm" || model == "cvae" }

// fitted is a trained classifier: Predict maps n rows to classes, Detail
// says something about the fit for the trial log (or ""), and Close (when
// not nil) releases what the model holds once it has predicted.
type fitted struct {
	Predict func(X []float64, n int) ([]int, error)
	Detail  string
	Close   func()
}

// infallible adapts a prediction that cannot fail to fitted.Predict.
func infallible(predict func(X []float64, n int) []int) func(X []float64, n int) ([]int, error) {
	return func(X []float64, n int) ([]int, error) { return predict(X, n), nil }
}

// fitModel trains the model named name on the n×d rows X with classes y in
// 0..k−1 under the settings s; seed drives the randomness (k-means++ starts
// of the mixtures).
func fitModel(name string, X []float64, n, d int, y []int, k int, s Settings, seed int64) (fitted, error) {
	switch name {
	case "naive_bayes":
		m, err := FitNaiveBayes(X, n, d, y, k, s.NBVarSmoothing)
		if err != nil {
			return fitted{}, err
		}
		return fitted{Predict: infallible(m.Predict)}, nil
	case "cvae":
		m, err := FitCVAE(X, n, d, y, k, s.CVAE, seed)
		if err != nil {
			return fitted{}, err
		}
		return fitted{Predict: m.Predict, Close: m.Close, Detail: fmt.Sprintf("final batch loss %.2f nats", m.FinalLoss)}, nil
	case "gmm":
		return fitClassGMM(X, n, d, y, k, s, seed)
	case "logreg":
		return fitLogReg(X, n, d, y, k, s.LogRegL2)
	case "svm_linear", "svm_rbf":
		p := svm.DefaultParams()
		p.Kernel, p.C, p.Gamma, p.Workers, p.Seed = "rbf", s.SVMC, s.SVMGamma, 1, seed
		if name == "svm_linear" {
			p.Kernel = "linear"
		}
		m, err := svm.Fit(X, n, d, y, p)
		if err != nil {
			return fitted{}, err
		}
		return fitted{Predict: infallible(m.Predict), Detail: fmt.Sprintf("%d support vectors", m.NSupport())}, nil
	}
	return fitted{}, fmt.Errorf("unknown model %q; use one of %v", name, config.CompareModels)
}

// fitClassGMM fits one Gaussian mixture per class (package xai/gmm, its
// number of components chosen by BIC among s.GMMComponents) and classifies
// a row by argmax_c log πc + log pc(x), the Bayes rule of the fitted class
// densities with the classes' training shares as priors.
func fitClassGMM(X []float64, n, d int, y []int, k int, s Settings, seed int64) (fitted, error) {
	rows := make([][]float64, k)
	counts := make([]int, k)
	for i, c := range y {
		rows[c] = append(rows[c], X[i*d:(i+1)*d]...)
		counts[c]++
	}
	models := make([]*gmm.Model, k)
	logPrior := make([]float64, k)
	detail := "components by BIC"
	for c := range models {
		if counts[c] < 2 {
			return fitted{}, fmt.Errorf("class %d has %d training row(s); a mixture needs at least 2", c, counts[c])
		}
		p := gmm.Params{Covariance: s.GMMCovariance, RegCovar: s.GMMRegCovar, MaxIter: s.GMMMaxIter, Seed: seed + int64(c)}
		m, _, err := gmm.SelectByBIC(rows[c], counts[c], d, s.GMMComponents, p)
		if err != nil {
			return fitted{}, fmt.Errorf("mixture of class %d: %w", c, err)
		}
		models[c], logPrior[c] = m, math.Log(float64(counts[c])/float64(n))
		detail += " " + strconv.Itoa(m.K)
	}
	predict := func(X []float64, n int) []int {
		scores := make([][]float64, k)
		for c, m := range models {
			scores[c] = m.ScoreSamples(X, n)
		}
		out := make([]int, n)
		row := make([]float64, k)
		for i := range out {
			for c := range row {
				row[c] = logPrior[c] + scores[c][i]
			}
			out[i] = argmax(row)
		}
		return out
	}
	return fitted{Predict: infallible(predict), Detail: detail}, nil
}

// fitLogReg fits a ridge-penalized binary or multinomial logistic
// regression by Newton's method (glassbox.FitLogReg) and predicts the most
// probable class.
func fitLogReg(X []float64, n, d int, y []int, k int, l2 float64) (fitted, error) {
	yf := make([]float64, n)
	for i, c := range y {
		yf[i] = float64(c)
	}
	features := make([]string, d)
	for j := range features {
		features[j] = "x" + strconv.Itoa(j)
	}
	classes := make([]string, k)
	for c := range classes {
		classes[c] = strconv.Itoa(c)
	}
	m, err := glassbox.FitLogReg(X, yf, features, classes, glassbox.LogRegOptions{L2: l2})
	if err != nil {
		return fitted{}, err
	}
	predict := func(X []float64, n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = m.Predict(X[i*d : (i+1)*d])
		}
		return out
	}
	return fitted{Predict: infallible(predict), Detail: fmt.Sprintf("%d Newton iterations", m.Iterations)}, nil
}
