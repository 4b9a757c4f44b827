// Package saliency attributes a model's output to its input pixels with
// gradient methods: the vanilla gradient (Simonyan, Vedaldi and Zisserman,
// "Deep Inside Convolutional Networks", 2014), gradient × input (Shrikumar et
// al., 2016), SmoothGrad (Smilkov et al., 2017) and Integrated Gradients
// (Sundararajan, Taly and Yan, "Axiomatic Attribution for Deep Networks",
// 2017), and beside them occlusion (occlusion.go), Grad-CAM and guided
// Grad-CAM (gradcam.go), DeepLIFT (deeplift.go) and GradientSHAP
// (gradshap.go). It works on any model wrapped in an explain.Scorer: the
// logits of a classifier, the logit of a GAN discriminator, a VAE's latent
// means or reconstruction error. The path methods evaluate their perturbed
// inputs a chunk of --max-batch rows at a time (stream.go).
package saliency

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"sort"

	"genxai/viz"
	"genxai/xai/explain"
)

// VanillaGradient returns ∂f/∂x for each query, f the query's selected output.
func VanillaGradient(s *explain.Scorer, qs []explain.Query) ([][]float32, error) {
	r, err := s.Eval(qs)
	if err != nil {
		return nil, err
	}
	return r.Grad, nil
}

// GradientTimesInput returns x ⊙ ∂f/∂x for each query.
func GradientTimesInput(s *explain.Scorer, qs []explain.Query) ([][]float32, error) {
	g, err := VanillaGradient(s, qs)
	if err != nil {
		return nil, err
	}
	for i, q := range qs {
		for j := range g[i] {
			g[i][j] *= q.X[j]
		}
	}
	return g, nil
}

// SmoothGradient averages the gradient over samples copies of each input with
// Gaussian noise of standard deviation noise·(max x − min x) added
// (SmoothGrad; Smilkov et al. suggest noise 0.1–0.2 and 50 samples). The
// noise comes from rng.
func SmoothGradient(s *explain.Scorer, qs []explain.Query, samples int, noise float64, rng *rand.Rand) ([][]float32, error) {
	if samples < 1 {
		return nil, fmt.Errorf("smoothgrad: --samples must be at least 1, got %d", samples)
	}
	if noise < 0 {
		return nil, fmt.Errorf("smoothgrad: --noise must be ≥ 0, got %v", noise)
	}
	sd := make([]float64, len(qs))
	for i, q := range qs {
		lo, hi := slices.Min(q.X), slices.Max(q.X)
		sd[i] = noise * float64(hi-lo)
		if hi == lo {
			sd[i] = noise
		}
	}
	acc := newAccumulator(qs)
	err := stream(s, qs, samples, func(i, _, _ int, x []float32) {
		for j := range x {
			x[j] += float32(rng.NormFloat64() * sd[i])
		}
	}, func(i, _, _ int, _ float64, g []float32) { acc.add(i, 1, g) })
	if err != nil {
		return nil, err
	}
	return acc.scaled(1 / float64(samples)), nil
}

// IGResult holds Integrated Gradients attributions and their completeness
// check: Σ_j attribution_j should equal f(x) − f(baseline).
type IGResult struct {
	Attr      [][]float32
	FInput    []float64 // f(x)
	FBaseline []float64 // f(x')
	Sum       []float64 // Σ attributions
	Gap       []float64 // |Sum − (f(x) − f(x'))| / |f(x) − f(x')|
}

// IntegratedGradients computes (x − x')·∫₀¹ ∂f/∂x(x' + α(x − x')) dα for each
// query with baseline x', the integral by the trapezoidal rule on steps
// equal intervals (steps+1 gradient evaluations; the end points give f(x)
// and f(x') for the completeness check). Sundararajan et al. suggest 20 to
// 300 steps; the check tells whether they were enough.
func IntegratedGradients(s *explain.Scorer, qs []explain.Query, baselines [][]float32, steps int) (*IGResult, error) {
	if steps < 1 {
		return nil, fmt.Errorf("integrated gradients: --steps must be at least 1, got %d", steps)
	}
	if len(baselines) != len(qs) {
		return nil, fmt.Errorf("integrated gradients: %d baselines for %d inputs", len(baselines), len(qs))
	}
	for i, q := range qs {
		if len(baselines[i]) != len(q.X) {
			return nil, fmt.Errorf("integrated gradients: baseline %d has %d values, the input %d", i, len(baselines[i]), len(q.X))
		}
	}
	res := &IGResult{Attr: make([][]float32, len(qs)), FInput: make([]float64, len(qs)), FBaseline: make([]float64, len(qs)),
		Sum: make([]float64, len(qs)), Gap: make([]float64, len(qs))}
	avg := newAccumulator(qs)
	err := stream(s, qs, steps+1, func(i, k, _ int, x []float32) {
		a, b := float32(k)/float32(steps), baselines[i]
		for j := range x {
			x[j] = b[j] + a*(x[j]-b[j])
		}
	}, func(i, k, _ int, score float64, g []float32) {
		w := 1.0
		if k == 0 || k == steps {
			w = 0.5
		}
		avg.add(i, w, g)
		switch k {
		case 0:
			res.FBaseline[i] = score
		case steps:
			res.FInput[i] = score
		}
	})
	if err != nil {
		return nil, err
	}
	for i, q := range qs {
		attr := make([]float32, len(q.X))
		var sum float64
		for j := range attr {
			a := float64(q.X[j]-baselines[i][j]) * avg[i][j] / float64(steps)
			attr[j] = float32(a)
			sum += a
		}
		res.Attr[i] = attr
		res.Sum[i] = sum
		res.Gap[i] = gap(sum, res.FInput[i]-res.FBaseline[i])
	}
	return res, nil
}

// gap is the relative completeness error |sum − delta| / |delta| (|delta|
// floored at 1e-6).
func gap(sum, delta float64) float64 {
	return math.Abs(sum-delta) / math.Max(math.Abs(delta), 1e-6)
}

// BlackBaseline is the all-zero image.
func BlackBaseline(x []float32) []float32 { return make([]float32, len(x)) }

// BlurBaseline is x blurred by a Gaussian of standard deviation sigma pixels
// in each channel (separable, kernel radius ⌈3σ⌉, edges clamped), the blurred
// baseline of Sturmfels, Lundberg and Lee ("Visualizing the Impact of Feature
// Attribution Baselines", Distill 2020).
func BlurBaseline(x []float32, c, h, w int, sigma float64) []float32 {
	return Blur(x, c, h, w, sigma)
}

// Blur convolves each channel of a c×h×w image with a Gaussian of standard
// deviation sigma pixels (separable, radius ⌈3σ⌉, edges clamped). sigma ≤ 0
// returns a copy.
func Blur(x []float32, c, h, w int, sigma float64) []float32 {
	out := append([]float32(nil), x...)
	if sigma <= 0 {
		return out
	}
	r := int(math.Ceil(3 * sigma))
	k := viz.GaussianKernel(r, sigma)
	clamp := func(v, n int) int { return max(0, min(n-1, v)) }
	tmp := make([]float64, h*w)
	for ch := 0; ch < c; ch++ {
		p := x[ch*h*w : (ch+1)*h*w]
		for y := 0; y < h; y++ {
			for xx := 0; xx < w; xx++ {
				var s float64
				for i, kv := range k {
					s += kv * float64(p[y*w+clamp(xx+i-r, w)])
				}
				tmp[y*w+xx] = s
			}
		}
		for y := 0; y < h; y++ {
			for xx := 0; xx < w; xx++ {
				var s float64
				for i, kv := range k {
					s += kv * tmp[clamp(y+i-r, h)*w+xx]
				}
				out[ch*h*w+y*w+xx] = float32(s)
			}
		}
	}
	return out
}

// Spearman is the Spearman rank correlation of a and b: the Pearson
// correlation of their mid-ranks (ties share the mean of their ranks). It is
// NaN when either has no spread.
func Spearman(a, b []float64) float64 {
	ra, rb := ranks(a), ranks(b)
	n := float64(len(ra))
	var ma, mb float64
	for i := range ra {
		ma += ra[i]
		mb += rb[i]
	}
	ma /= n
	mb /= n
	var sab, saa, sbb float64
	for i := range ra {
		da, db := ra[i]-ma, rb[i]-mb
		sab += da * db
		saa += da * da
		sbb += db * db
	}
	return sab / math.Sqrt(saa*sbb)
}

// ranks returns the 1-based mid-ranks of v.
func ranks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	r := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && v[idx[j]] == v[idx[i]] {
			j++
		}
		mid := float64(i+j+1) / 2
		for k := i; k < j; k++ {
			r[idx[k]] = mid
		}
		i = j
	}
	return r
}
