package eval

import (
	"fmt"

	"genxai/models"
)

// FrechetDistance is the squared Fréchet distance between Gaussians fitted
// to the rows of real and fake (means and sample covariances with divisor
// n − 1): the FID of Heusel et al., "GANs Trained by a Two Time-Scale Update
// Rule Converge to a Local Nash Equilibrium" (NeurIPS 2017), here in the
// feature space of the judge classifier rather than Inception's. The formula
// is models.FrechetDistance, the one the GAN's training evaluation logs as
// fd_classifier; this function only fits the two Gaussians.
func FrechetDistance(real, fake [][]float64) (float64, error) {
	if err := checkFeatures("fréchet distance", real, fake, 2); err != nil {
		return 0, err
	}
	mu1, s1 := models.MeanCov(real)
	mu2, s2 := models.MeanCov(fake)
	return models.FrechetDistance(mu1, s1, mu2, s2)
}

// checkFeatures checks that real and fake are non-empty feature matrices of
// one width, each with at least min rows.
func checkFeatures(what string, real, fake [][]float64, min int) error {
	if len(real) < min || len(fake) < min {
		return fmt.Errorf("%s needs at least %d real and %d generated feature rows, got %d and %d", what, min, min, len(real), len(fake))
	}
	d := len(real[0])
	for _, set := range [][][]float64{real, fake} {
		for i, row := range set {
			if len(row) != d {
				return fmt.Errorf("%s: feature row %d has %d values, the first real row has %d", what, i, len(row), d)
			}
		}
	}
	if d == 0 {
		return fmt.Errorf("%s: the feature rows are empty", what)
	}
	return nil
}
