package eval

import (
	"math"
	"math/rand"
)

// PolyKernel is the cubic polynomial kernel of the kernel inception
// distance, k(x, y) = (xᵀy/d + 1)³ with d the feature dimension (Bińkowski
// et al., "Demystifying MMD GANs", ICLR 2018, section 4).
func PolyKernel(x, y []float64) float64 {
	var dot float64
	for i := range x {
		dot += x[i] * y[i]
	}
	v := dot/float64(len(x)) + 1
	return v * v * v
}

// MMD2Unbiased is the unbiased estimator of the squared maximum mean
// discrepancy between the distributions of the rows of x (m rows) and y
// (n rows) under PolyKernel (Gretton et al., "A Kernel Two-Sample Test",
// JMLR 2012, eq. 3):
//
//	1/(m(m−1)) Σ_{i≠j} k(xᵢ, xⱼ) + 1/(n(n−1)) Σ_{i≠j} k(yᵢ, yⱼ) − 2/(mn) Σ_{i,j} k(xᵢ, yⱼ).
//
// It can be negative when the distributions are close. x and y need at
// least two rows each.
func MMD2Unbiased(x, y [][]float64) float64 {
	within := func(a [][]float64) float64 {
		var s float64
		for i := range a {
			for j := i + 1; j < len(a); j++ {
				s += PolyKernel(a[i], a[j])
			}
		}
		n := float64(len(a))
		return 2 * s / (n * (n - 1))
	}
	var cross float64
	for i := range x {
		for j := range y {
			cross += PolyKernel(x[i], y[j])
		}
	}
	return within(x) + within(y) - 2*cross/float64(len(x)*len(y))
}

// KIDSubsets averages MMD2Unbiased over subsets: the i-th estimate compares
// the rows idxReal[i] of real with the rows idxFake[i] of fake. It returns
// the mean and the standard deviation (divisor the number of subsets) of the
// estimates, as the reference implementation of Bińkowski et al. reports them.
func KIDSubsets(real, fake [][]float64, idxReal, idxFake [][]int) (mean, std float64) {
	est := make([]float64, len(idxReal))
	for s := range est {
		est[s] = MMD2Unbiased(rows(real, idxReal[s]), rows(fake, idxFake[s]))
		mean += est[s]
	}
	mean /= float64(len(est))
	for _, e := range est {
		std += (e - mean) * (e - mean)
	}
	return mean, math.Sqrt(std / float64(len(est)))
}

// KID is the kernel inception distance of Bińkowski et al. (2018) in the
// judge's feature space: MMD2Unbiased with the cubic polynomial kernel on
// subsets rows drawn without replacement from each of real and fake (size
// is lowered to the smaller set when it is larger; the paper uses 100
// subsets of 1,000), the mean and standard deviation over subsets. Its
// cost is subsets·3·size²·d multiply-adds. The subsets come from rng.
func KID(real, fake [][]float64, subsets, size int, rng *rand.Rand) (mean, std float64, err error) {
	if err := checkFeatures("KID", real, fake, 2); err != nil {
		return 0, 0, err
	}
	size = max(2, min(size, len(real), len(fake)))
	idxReal, idxFake := make([][]int, subsets), make([][]int, subsets)
	for s := range idxReal {
		idxReal[s] = rng.Perm(len(real))[:size]
		idxFake[s] = rng.Perm(len(fake))[:size]
	}
	mean, std = KIDSubsets(real, fake, idxReal, idxFake)
	return mean, std, nil
}

// rows returns the rows idx of x.
func rows(x [][]float64, idx []int) [][]float64 {
	out := make([][]float64, len(idx))
	for i, k := range idx {
		out[i] = x[k]
	}
	return out
}
