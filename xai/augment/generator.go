package augment

import (
	"fmt"
	"math/rand"

	"genxai/xai/gmm"
)

// Generator draws synthetic labelled samples. Sample returns n rows for
// class, row-major, in the feature space the SVM is trained in (the space
// of the real features after features.kind and features.standardize). The
// GMMGenerator is fitted in that space; the GANGenerator works in pixel space
// and maps its images through the same features (GANGenerator.WithFeatures)
// before returning them.
type Generator interface {
	Sample(class int, n int, rng *rand.Rand) ([]float64, error)
}

// GMMGenerator holds one Gaussian mixture per class, each with its number
// of components chosen by BIC.
type GMMGenerator struct {
	// Models holds the mixture of each class.
	Models []*gmm.Model
	// BICs holds, per class, the BIC of each candidate number of components.
	BICs [][]float64
}

// FitGMMGenerator fits a mixture to the rows of each class (X is n×d,
// y the class of each row, classes 0..k−1), choosing the number of
// components among ks by BIC (gmm.SelectByBIC), with the other settings
// from p. Candidates above a class's row count are skipped.
func FitGMMGenerator(X []float64, n, d int, y []int, k int, ks []int, p gmm.Params) (*GMMGenerator, error) {
	g := &GMMGenerator{Models: make([]*gmm.Model, k), BICs: make([][]float64, k)}
	rows := make([][]float64, k)
	counts := make([]int, k)
	for i := 0; i < n; i++ {
		rows[y[i]] = append(rows[y[i]], X[i*d:(i+1)*d]...)
		counts[y[i]]++
	}
	for c := 0; c < k; c++ {
		if counts[c] < 2 {
			return nil, fmt.Errorf("class %d has %d real row(s); a mixture needs at least 2", c, counts[c])
		}
		m, bics, err := gmm.SelectByBIC(rows[c], counts[c], d, ks, p)
		if err != nil {
			return nil, fmt.Errorf("class %d: %w", c, err)
		}
		g.Models[c], g.BICs[c] = m, bics
	}
	return g, nil
}

// Sample draws n rows from the mixture of class.
func (g *GMMGenerator) Sample(class, n int, rng *rand.Rand) ([]float64, error) {
	if class < 0 || class >= len(g.Models) {
		return nil, fmt.Errorf("class %d out of range [0,%d)", class, len(g.Models))
	}
	return g.Models[class].Sample(n, rng), nil
}

// Components returns the number of components chosen for each class.
func (g *GMMGenerator) Components() []int {
	out := make([]int, len(g.Models))
	for c, m := range g.Models {
		out[c] = m.K
	}
	return out
}
