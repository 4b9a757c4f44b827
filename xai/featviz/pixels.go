package featviz

import (
	"math"
	"math/rand"

	"genxai/xai/saliency"
)

// pixels is the plain parameterization: the picture's pixels themselves,
// kept in [0, 1], with the regularizers of Yosinski et al. (2015) and
// Mahendran and Vedaldi (2015): L2 decay, total variation and an occasional
// Gaussian blur (Params).
type pixels struct {
	xs      [][]float32
	opt     *adam
	p       Params
	c, h, w int
}

// newPixels starts every row from grey with a little noise drawn from rng.
func newPixels(rows, c, h, w int, p Params, rng *rand.Rand) *pixels {
	d := c * h * w
	px := &pixels{xs: make([][]float32, rows), opt: newAdam(p.LR, rows, d), p: p, c: c, h: h, w: w}
	for i := range px.xs {
		px.xs[i] = make([]float32, d)
		for j := range px.xs[i] {
			px.xs[i][j] = float32(0.5 + 0.01*rng.NormFloat64())
		}
	}
	return px
}

func (px *pixels) render() ([][]float32, error) { return px.xs, nil }

// ascend takes one step up f(x) − λ2‖x‖² − λtv·TV(x) given g = ∂f/∂x, then
// clips to [0, 1] and blurs every BlurEvery steps (not after the last).
func (px *pixels) ascend(g [][]float32, step int) error {
	p := px.p
	for i, x := range px.xs {
		tv := tvGrad(x, px.c, px.h, px.w)
		gi := make([]float64, len(x))
		for j := range gi {
			gi[j] = float64(g[i][j]) - 2*p.L2*float64(x[j]) - p.TV*tv[j]
		}
		px.opt.ascend(i, x, gi, step)
		for j, v := range x {
			x[j] = float32(math.Max(0, math.Min(1, float64(v))))
		}
		if p.BlurEvery > 0 && step%p.BlurEvery == 0 && step < p.Steps {
			px.xs[i] = saliency.Blur(x, px.c, px.h, px.w, p.BlurSigma)
		}
	}
	return nil
}

func (px *pixels) Close() error { return nil }
