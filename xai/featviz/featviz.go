// Package featviz visualizes what a classifier responds to by activation
// maximization (Erhan et al., "Visualizing Higher-Layer Features of a Deep
// Network", 2009; Simonyan et al., 2014): it climbs the gradient of a class
// logit or log-probability, a hidden unit, a channel or a neuron of a hidden
// layer (objective.go) with respect to a picture, under one of three priors:
//
//   - pixel: the pixels themselves from a grey start, regularized as
//     Yosinski et al. ("Understanding Neural Networks Through Deep
//     Visualization", 2015) and Mahendran and Vedaldi (2015) do: L2 decay,
//     random jitter, total variation and an occasional Gaussian blur, with
//     pixels kept in [0, 1] (pixels.go);
//   - freq: a Fourier series with 1/frequency-scaled coefficients under
//     random shifts, rotations and rescalings (Olah et al., "Feature
//     Visualization", Distill, 2017; fourier.go, warp.go);
//   - generator: the latent code of one of the project's VAE decoders or GAN
//     generators (Nguyen et al., 2016; generator.go).
//
// Several pictures per target can be pushed apart by a diversity term, and
// each picture can be judged by a VAE's ELBO (judge.go).
package featviz

import (
	"math"
)

// Params are the optimization settings.
type Params struct {
	Steps     int     // gradient-ascent steps
	LR        float64 // Adam step size in pixel units
	L2        float64 // weight λ of the L2 decay term −λ‖x‖²
	TV        float64 // weight of the total-variation term −λ·Σ|∇x| (smoothed)
	Jitter    int     // random shift of up to ±Jitter pixels per step
	BlurEvery int     // blur the image every this many steps; 0 = never
	BlurSigma float64 // standard deviation of that blur in pixels
	Seed      int64   // seed of the start image and the jitter
	Rotate    float64 // freq prior: random rotation of up to ±Rotate degrees per step
	Scale     float64 // freq prior: random rescaling by a factor in [1−Scale, 1+Scale] per step
}

// roll shifts each channel of a c×h×w image by (dx, dy) pixels, wrapping
// around (the jitter of Mordvintsev et al.'s DeepDream and Yosinski et al.).
func roll(x []float32, c, h, w, dx, dy int) []float32 {
	if dx == 0 && dy == 0 {
		return append([]float32(nil), x...)
	}
	out := make([]float32, len(x))
	for ch := 0; ch < c; ch++ {
		for y := 0; y < h; y++ {
			ty := ((y+dy)%h + h) % h
			for xx := 0; xx < w; xx++ {
				tx := ((xx+dx)%w + w) % w
				out[ch*h*w+ty*w+tx] = x[ch*h*w+y*w+xx]
			}
		}
	}
	return out
}

// tvGrad is the gradient of the smoothed total variation
// Σ √((x[y][x+1]−x[y][x])² + (x[y+1][x]−x[y][x])² + ε) (Rudin, Osher and
// Fatemi, 1992; Mahendran and Vedaldi, 2015), per channel.
func tvGrad(x []float32, c, h, w int) []float64 {
	const eps = 1e-4
	g := make([]float64, len(x))
	for ch := 0; ch < c; ch++ {
		o := ch * h * w
		for y := 0; y < h; y++ {
			for xx := 0; xx < w; xx++ {
				i := o + y*w + xx
				var gx, gy float64
				if xx+1 < w {
					gx = float64(x[i+1] - x[i])
				}
				if y+1 < h {
					gy = float64(x[i+w] - x[i])
				}
				n := math.Sqrt(gx*gx + gy*gy + eps)
				g[i] -= (gx + gy) / n
				if xx+1 < w {
					g[i+1] += gx / n
				}
				if y+1 < h {
					g[i+w] += gy / n
				}
			}
		}
	}
	return g
}
