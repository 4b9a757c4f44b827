package saliency

import (
	"fmt"
	"math/rand"

	"genxai/data"
	"genxai/xai/explain"
)

// A method is one attribution method: the name --methods takes, the title
// on its pictures and how it attributes the queries' outputs.
type method struct {
	name, title string
	attribute   func(s *explain.Scorer, qs []explain.Query, set *data.Images, o Options, rng *rand.Rand) ([][]float32, *IGResult, error)
}

// methods are the attribution methods in the order the command draws them.
var methods = []method{
	{"gradient", "Vanilla gradient df/dx", func(s *explain.Scorer, qs []explain.Query, _ *data.Images, _ Options, _ *rand.Rand) ([][]float32, *IGResult, error) {
		a, err := VanillaGradient(s, qs)
		return a, nil, err
	}},
	{"gradxinput", "Gradient x input", func(s *explain.Scorer, qs []explain.Query, _ *data.Images, _ Options, _ *rand.Rand) ([][]float32, *IGResult, error) {
		a, err := GradientTimesInput(s, qs)
		return a, nil, err
	}},
	{"smoothgrad", "SmoothGrad (mean gradient over noisy copies)", func(s *explain.Scorer, qs []explain.Query, _ *data.Images, o Options, rng *rand.Rand) ([][]float32, *IGResult, error) {
		a, err := SmoothGradient(s, qs, o.Samples, o.Noise, rng)
		return a, nil, err
	}},
	{"ig", "Integrated Gradients", integratedGradients},
}

// Methods lists the method names, as --methods takes them, in the order the
// command draws them.
var Methods = func() []string {
	names := make([]string, len(methods))
	for i, m := range methods {
		names[i] = m.name
	}
	return names
}()

// methodNamed returns the method called name.
func methodNamed(name string) (method, error) {
	for _, m := range methods {
		if m.name == name {
			return m, nil
		}
	}
	return method{}, fmt.Errorf("--methods: %q is not a saliency method (allowed: %v)", name, Methods)
}

// integratedGradients runs IntegratedGradients from the black or blurred
// baseline o.Baseline.
func integratedGradients(s *explain.Scorer, qs []explain.Query, set *data.Images, o Options, _ *rand.Rand) ([][]float32, *IGResult, error) {
	base := make([][]float32, len(qs))
	for i, q := range qs {
		if o.Baseline == "blur" {
			base[i] = BlurBaseline(q.X, set.C, set.H, set.W, o.BlurSigma)
		} else {
			base[i] = BlackBaseline(q.X)
		}
	}
	r, err := IntegratedGradients(s, qs, base, o.Steps)
	if err != nil {
		return nil, nil, err
	}
	return r.Attr, r, nil
}
