package featviz

import (
	"fmt"
	"math"
	"math/rand"

	"genxai/xai/progress"
)

// param is a parameterization of the pictures being optimized (Mordvintsev
// et al., "Differentiable Image Parameterizations", 2018): pixels, a
// decorrelated Fourier series or a generator's latent code.
type param interface {
	// render returns the current pictures in [0, 1], one per row.
	render() ([][]float32, error)
	// ascend takes one optimizer step (step counts from 1) given the
	// gradient of the objective with respect to each rendered picture.
	ascend(g [][]float32, step int) error
	Close() error
}

// layout places the pictures in rows: for each target, Diversity pictures,
// each searched from Restarts starts; row ((t·n)+k)·r + j.
type layout struct {
	targets []Target
	n, r    int
}

func (l layout) rows() int                { return len(l.targets) * l.n * l.r }
func (l layout) row(t, k, j int) int      { return (t*l.n+k)*l.r + j }
func (l layout) target(row int) Target    { return l.targets[row/(l.n*l.r)] }
func (l layout) group(row int) (int, int) { return row / (l.n * l.r), row % l.r } // (target, restart)

// synthesis is the outcome of the search: the pictures of every row and
// each row's value of its own target on the untransformed picture.
type synthesis struct {
	xs     [][]float32
	values []float64
	out    [][]float32 // the classifier's outputs on xs
}

// synthesize runs p.Steps steps of gradient ascent of each row's target
// (minus the diversity term) through the parameterization pr. The pixel
// prior sees its pictures rolled by the jitter; the freq prior through a
// random warp each step (transformation robustness); the generator prior
// as they are.
func synthesize(clf *classifier, pr param, l layout, o Options, c, h, w int, rng *rand.Rand, meter *progress.Meter) (*synthesis, error) {
	p := o.Params
	own := make([]Target, l.rows())
	for i := range own {
		own[i] = l.target(i)
	}
	for step := 1; step <= p.Steps; step++ {
		xs, err := pr.render()
		if err != nil {
			return nil, err
		}
		view, back := xs, func(g [][]float32) [][]float32 { return g }
		switch o.Prior {
		case "pixel":
			dx, dy := 0, 0
			if p.Jitter > 0 {
				dx, dy = rng.Intn(2*p.Jitter+1)-p.Jitter, rng.Intn(2*p.Jitter+1)-p.Jitter
			}
			view = make([][]float32, len(xs))
			for i, x := range xs {
				view[i] = roll(x, c, h, w, dx, dy)
			}
			back = func(g [][]float32) [][]float32 {
				out := make([][]float32, len(g))
				for i, gi := range g {
					out[i] = roll(gi, c, h, w, -dx, -dy)
				}
				return out
			}
		case "freq":
			wp := newWarp(h, w, p.Jitter, p.Rotate, p.Scale, rng)
			view = wp.apply(xs, c)
			back = func(g [][]float32) [][]float32 { return wp.adjoint(g, c) }
		}
		var extra [][]float32
		if l.n > 1 && o.DiversityWeight > 0 {
			first, err := clf.eval(view, nil, nil, nil)
			if err != nil {
				return nil, err
			}
			extra = diversityGrad(clf, first.out, l, o.DiversityWeight)
		}
		r, err := clf.eval(view, own, extra, nil)
		if err != nil {
			return nil, err
		}
		meter.Report(int64(step), int64(p.Steps), "steps", fmt.Sprintf("%d pictures", l.rows()), false)
		if err := pr.ascend(back(r.grad), step); err != nil {
			return nil, err
		}
	}
	xs, err := pr.render()
	if err != nil {
		return nil, err
	}
	r, err := clf.eval(xs, nil, nil, l.targets)
	if err != nil {
		return nil, err
	}
	s := &synthesis{xs: xs, values: make([]float64, len(xs)), out: r.out}
	for i := range xs {
		t, _ := l.group(i)
		s.values[i] = r.values[i][t]
	}
	return s, nil
}

// diversityGrad is the diversity term of Olah et al. (2017) in the
// classifier's feature space: each picture ascends −λ times its mean cosine
// similarity to the other pictures of its target (and restart), so the
// pictures of one target are pushed to differ in what the classifier sees.
// It returns, per row, the output weights on the features.
func diversityGrad(clf *classifier, out [][]float32, l layout, lambda float64) [][]float32 {
	feats := make([][]float32, len(out))
	norms := make([]float64, len(out))
	for i, o := range out {
		feats[i] = clf.feat(o)
		norms[i] = math.Max(math.Sqrt(dot(feats[i], feats[i])), 1e-12)
	}
	g := make([][]float32, len(out))
	for t := range l.targets {
		for j := range l.r {
			for a := range l.n {
				i := l.row(t, a, j)
				g[i] = make([]float32, len(feats[i]))
				for b := range l.n {
					if b == a {
						continue
					}
					k := l.row(t, b, j)
					cos := dot(feats[i], feats[k]) / (norms[i] * norms[k])
					for d := range g[i] {
						// ∂cos/∂f_i = f_k/(|f_i||f_k|) − cos·f_i/|f_i|².
						dc := float64(feats[k][d])/(norms[i]*norms[k]) - cos*float64(feats[i][d])/(norms[i]*norms[i])
						g[i][d] -= float32(lambda * dc / float64(l.n-1))
					}
				}
			}
		}
	}
	return g
}

// meanCosine is the mean pairwise cosine similarity of the features of the
// pictures xs (1 for fewer than two).
func meanCosine(clf *classifier, out [][]float32) float64 {
	if len(out) < 2 {
		return 1
	}
	var s float64
	var n int
	for a := range out {
		for b := a + 1; b < len(out); b++ {
			fa, fb := clf.feat(out[a]), clf.feat(out[b])
			s += dot(fa, fb) / math.Max(math.Sqrt(dot(fa, fa)*dot(fb, fb)), 1e-12)
			n++
		}
	}
	return s / float64(n)
}

func dot(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}
