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
// of components chosen by BIC (gmm.PerClass).
type GMMGenerator struct {
	*gmm.PerClass
}

// FitGMMGenerator fits a mixture to the rows of each class (X is n×d,
// y the class of each row, classes 0..k−1), choosing the number of
// components among ks by BIC (gmm.FitPerClass), with the other settings
// from p.
func FitGMMGenerator(X []float64, n, d int, y []int, k int, ks []int, p gmm.Params) (*GMMGenerator, error) {
	g, err := gmm.FitPerClass(X, n, d, y, k, ks, p)
	if err != nil {
		return nil, err
	}
	return &GMMGenerator{g}, nil
}

// Sample draws n rows from the mixture of class.
func (g *GMMGenerator) Sample(class, n int, rng *rand.Rand) ([]float64, error) {
	if class < 0 || class >= len(g.Models) {
		return nil, fmt.Errorf("class %d out of range [0,%d)", class, len(g.Models))
	}
	return g.Models[class].Sample(n, rng), nil
}
