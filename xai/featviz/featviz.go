// Package featviz visualizes what a classifier responds to by activation
// maximization (Erhan et al., "Visualizing Higher-Layer Features of a Deep
// Network", 2009; Simonyan et al., 2014): starting from a grey image, it
// climbs the gradient of a class logit or of a hidden unit with respect to
// the input, regularized as Yosinski et al. ("Understanding Neural Networks
// Through Deep Visualization", 2015) and Mahendran and Vedaldi (2015) do: L2
// decay, random jitter, total variation and an occasional Gaussian blur,
// with pixels kept in [0, 1].
package featviz

import (
	"fmt"
	"math"
	"math/rand"

	"genxai/xai/explain"
	"genxai/xai/progress"
	"genxai/xai/saliency"
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
}

// Maximize returns, for each output index in targets, an image x in [0,1]
// (c×h×w) that makes the scorer's output large, and that output's final
// value on the unjittered image. All targets are optimized together, one per
// scorer row. Each step is reported on meter (nil: silent).
func Maximize(s *explain.Scorer, c, h, w int, targets []int, p Params, meter *progress.Meter) ([][]float32, []float64, error) {
	if p.Steps < 1 || !(p.LR > 0) || p.L2 < 0 || p.TV < 0 || p.Jitter < 0 || p.BlurEvery < 0 || p.BlurSigma < 0 {
		return nil, nil, fmt.Errorf("feature visualization: steps ≥ 1, lr > 0 and non-negative regularization weights are needed, got %+v", p)
	}
	d := c * h * w
	if d != s.Dim {
		return nil, nil, fmt.Errorf("feature visualization: images of %d×%d×%d have %d values, the model takes %d", c, h, w, d, s.Dim)
	}
	rng := rand.New(rand.NewSource(p.Seed))
	n := len(targets)
	xs := make([][]float32, n)
	m := make([][]float64, n) // Adam moments
	v := make([][]float64, n)
	for i := range xs {
		xs[i] = make([]float32, d)
		for j := range xs[i] {
			xs[i][j] = float32(0.5 + 0.01*rng.NormFloat64())
		}
		m[i], v[i] = make([]float64, d), make([]float64, d)
	}
	const b1, b2, eps = 0.9, 0.999, 1e-8
	qs := make([]explain.Query, n)
	for step := 1; step <= p.Steps; step++ {
		dx, dy := 0, 0
		if p.Jitter > 0 {
			dx, dy = rng.Intn(2*p.Jitter+1)-p.Jitter, rng.Intn(2*p.Jitter+1)-p.Jitter
		}
		for i := range qs {
			qs[i] = explain.Query{X: roll(xs[i], c, h, w, dx, dy), Output: targets[i], Class: targets[i]}
		}
		r, err := s.Eval(qs)
		if err != nil {
			return nil, nil, err
		}
		meter.Report(int64(step), int64(p.Steps), "steps", fmt.Sprintf("%d targets", n), false)
		for i := range xs {
			g := roll(r.Grad[i], c, h, w, -dx, -dy)
			tv := tvGrad(xs[i], c, h, w)
			for j := range g {
				// Ascent direction of f(x) − λ2‖x‖² − λtv·TV(x).
				gj := float64(g[j]) - 2*p.L2*float64(xs[i][j]) - p.TV*tv[j]
				m[i][j] = b1*m[i][j] + (1-b1)*gj
				v[i][j] = b2*v[i][j] + (1-b2)*gj*gj
				mh := m[i][j] / (1 - math.Pow(b1, float64(step)))
				vh := v[i][j] / (1 - math.Pow(b2, float64(step)))
				x := float64(xs[i][j]) + p.LR*mh/(math.Sqrt(vh)+eps)
				xs[i][j] = float32(math.Max(0, math.Min(1, x)))
			}
			if p.BlurEvery > 0 && step%p.BlurEvery == 0 && step < p.Steps {
				xs[i] = saliency.Blur(xs[i], c, h, w, p.BlurSigma)
			}
		}
	}
	for i := range qs {
		qs[i] = explain.Query{X: xs[i], Output: targets[i], Class: targets[i]}
	}
	r, err := s.Eval(qs)
	if err != nil {
		return nil, nil, err
	}
	return xs, r.Score, nil
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
