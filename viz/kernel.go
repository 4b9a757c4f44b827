package viz

import "math"

// GaussianKernel returns the 1-D Gaussian of standard deviation sigma
// sampled at −radius … radius and normalised to sum 1: the separable kernel
// of a Gaussian blur (its outer product with itself is the 2-D window).
func GaussianKernel(radius int, sigma float64) []float64 {
	k := make([]float64, 2*radius+1)
	var s float64
	for i := range k {
		d := float64(i - radius)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		s += k[i]
	}
	for i := range k {
		k[i] /= s
	}
	return k
}
