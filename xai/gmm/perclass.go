package gmm

import "fmt"

// PerClass holds one Gaussian mixture per class, each with its number of
// components chosen by BIC (Schwarz, "Estimating the dimension of a model",
// Ann. Statist. 1978): the class-conditional densities p(x | y) of a
// generative classifier, from which labelled synthetic rows are drawn.
type PerClass struct {
	// Models holds the mixture of each class.
	Models []*Model
	// BICs holds, per class, the BIC of each candidate number of components.
	BICs [][]float64
}

// FitPerClass fits a mixture to the rows of each class (X is n×d row-major,
// y the class of each row, classes 0..k−1), choosing the number of
// components among ks by BIC (SelectByBIC), with the other settings from p
// (p.Weights is ignored: the rows are split by class). Candidates above a
// class's row count are skipped by SelectByBIC. It fails, naming the class,
// when a class has fewer than 2 rows or no candidate can be fitted.
func FitPerClass(X []float64, n, d int, y []int, k int, ks []int, p Params) (*PerClass, error) {
	g := &PerClass{Models: make([]*Model, k), BICs: make([][]float64, k)}
	rows := make([][]float64, k)
	counts := make([]int, k)
	for i := 0; i < n; i++ {
		rows[y[i]] = append(rows[y[i]], X[i*d:(i+1)*d]...)
		counts[y[i]]++
	}
	p.Weights = nil
	for c := 0; c < k; c++ {
		if counts[c] < 2 {
			return nil, fmt.Errorf("class %d has %d real row(s); a mixture needs at least 2", c, counts[c])
		}
		m, bics, err := SelectByBIC(rows[c], counts[c], d, ks, p)
		if err != nil {
			return nil, fmt.Errorf("class %d: %w", c, err)
		}
		g.Models[c], g.BICs[c] = m, bics
	}
	return g, nil
}

// Components returns the number of components chosen for each class.
func (g *PerClass) Components() []int {
	out := make([]int, len(g.Models))
	for c, m := range g.Models {
		out[c] = m.K
	}
	return out
}
