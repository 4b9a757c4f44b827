// Package denoise measures how well a trained denoising VAE removes noise
// (genxai denoise): it corrupts test images in a graph (nets.Corrupter, the
// training corruption), reconstructs them with the VAE, filters them with a
// 3×3 median filter as the classical baseline, and scores noisy, denoised and
// median-filtered images against the clean ones by PSNR and SSIM.
package denoise

import (
	"fmt"
	"math"

	"genxai/viz"
)

// maxPSNR caps the PSNR of two images that are (nearly) equal, where
// 10·log₁₀(1/MSE) would be infinite: MSE ≤ 10⁻¹⁰.
const maxPSNR = 100

// PSNR is the peak signal-to-noise ratio of b against a in dB for images in
// [0, 1]: 10·log₁₀(1/MSE), capped at maxPSNR for identical images.
func PSNR(a, b []float32) float64 {
	var se float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		se += d * d
	}
	mse := se / float64(len(a))
	if mse <= 0 {
		return maxPSNR
	}
	return min(maxPSNR, -10*math.Log10(mse))
}

// SSIM constants of Wang, Bovik, Sheikh and Simoncelli, "Image Quality
// Assessment: From Error Visibility to Structural Similarity" (IEEE TIP,
// 2004), for a dynamic range L = 1: C₁ = (K₁L)², C₂ = (K₂L)², and the
// circular-symmetric Gaussian window of 11×11 taps with σ = 1.5, normalised
// to sum 1.
const (
	ssimK1     = 0.01
	ssimK2     = 0.03
	ssimRadius = 5
	ssimSigma  = 1.5
)

// ssimWindow is the normalised 1-D Gaussian whose outer product is the
// 11×11 window.
var ssimWindow = viz.GaussianKernel(ssimRadius, ssimSigma)

// SSIM is the mean structural similarity of images a and b (c channels of
// h×w, values in [0, 1]) after Wang et al. (2004): at every position where
// the 11×11 Gaussian window (σ = 1.5) fits inside the image, with weighted
// means μ, variances σ² and covariance σ_ab,
//
//	SSIM = (2μ_aμ_b + C₁)(2σ_ab + C₂) / ((μ_a² + μ_b² + C₁)(σ_a² + σ_b² + C₂)),
//
// averaged over the positions and the channels. This is scikit-image's
// structural_similarity with gaussian_weights=True, sigma=1.5,
// use_sample_covariance=False and data_range=1, and the MATLAB ssim_index
// of the paper. Images smaller than 11×11 are refused.
func SSIM(a, b []float32, c, h, w int) (float64, error) {
	k := 2*ssimRadius + 1
	if h < k || w < k {
		return 0, fmt.Errorf("SSIM needs images of at least %d×%d pixels, got %d×%d", k, k, h, w)
	}
	if len(a) != c*h*w || len(b) != c*h*w {
		return 0, fmt.Errorf("SSIM of images of %d and %d values, want %d×%d×%d", len(a), len(b), c, h, w)
	}
	c1, c2 := ssimK1*ssimK1, ssimK2*ssimK2
	var total float64
	for ch := range c {
		off := ch * h * w
		pa, pb := a[off:off+h*w], b[off:off+h*w]
		mA := filterValid(h, w, func(i int) float64 { return float64(pa[i]) })
		mB := filterValid(h, w, func(i int) float64 { return float64(pb[i]) })
		mAA := filterValid(h, w, func(i int) float64 { return float64(pa[i]) * float64(pa[i]) })
		mBB := filterValid(h, w, func(i int) float64 { return float64(pb[i]) * float64(pb[i]) })
		mAB := filterValid(h, w, func(i int) float64 { return float64(pa[i]) * float64(pb[i]) })
		var s float64
		for i := range mA {
			va, vb, cov := mAA[i]-mA[i]*mA[i], mBB[i]-mB[i]*mB[i], mAB[i]-mA[i]*mB[i]
			s += (2*mA[i]*mB[i] + c1) * (2*cov + c2) / ((mA[i]*mA[i] + mB[i]*mB[i] + c1) * (va + vb + c2))
		}
		total += s / float64(len(mA))
	}
	return total / float64(c), nil
}

// filterValid filters the h×w image whose pixel i is px(i) with the
// separable Gaussian window, keeping the (h−10)×(w−10) positions where the
// window fits.
func filterValid(h, w int, px func(i int) float64) []float64 {
	k := len(ssimWindow)
	ow, oh := w-k+1, h-k+1
	rows := make([]float64, h*ow) // horizontal pass
	for y := range h {
		for x := range ow {
			var s float64
			for t, g := range ssimWindow {
				s += g * px(y*w+x+t)
			}
			rows[y*ow+x] = s
		}
	}
	out := make([]float64, oh*ow)
	for y := range oh {
		for x := range ow {
			var s float64
			for t, g := range ssimWindow {
				s += g * rows[(y+t)*ow+x]
			}
			out[y*ow+x] = s
		}
	}
	return out
}
