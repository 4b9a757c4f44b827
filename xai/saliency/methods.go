package saliency

import (
	"fmt"
	"math/rand"

	"genxai/data"
	"genxai/xai/explain"
)

// env is what a method reads besides the queries: the model, the options,
// the data sets and the seeded source of the random methods.
type env struct {
	m             *model
	o             Options
	trainSet, set *data.Images
	rng           *rand.Rand
}

// A method is one attribution method: the name --methods takes, the title
// on its pictures, the summary key prefix of its completeness check ("" for
// none), what it needs of the model (nil: any) and how it attributes the
// queries' outputs.
type method struct {
	name, title string
	check       string
	needs       func(m *model) error
	attribute   func(e *env, qs []explain.Query) ([][]float32, *IGResult, error)
}

// plain adapts a method without a completeness check.
func plain(f func(e *env, qs []explain.Query) ([][]float32, error)) func(e *env, qs []explain.Query) ([][]float32, *IGResult, error) {
	return func(e *env, qs []explain.Query) ([][]float32, *IGResult, error) {
		a, err := f(e, qs)
		return a, nil, err
	}
}

// methods are the attribution methods in the order the command draws them.
var methods = []method{
	{name: "gradient", title: "Vanilla gradient df/dx", attribute: plain(func(e *env, qs []explain.Query) ([][]float32, error) {
		return VanillaGradient(e.m.scorer, qs)
	})},
	{name: "gradxinput", title: "Gradient x input", attribute: plain(func(e *env, qs []explain.Query) ([][]float32, error) {
		return GradientTimesInput(e.m.scorer, qs)
	})},
	{name: "smoothgrad", title: "SmoothGrad (mean gradient over noisy copies)", attribute: plain(func(e *env, qs []explain.Query) ([][]float32, error) {
		return SmoothGradient(e.m.scorer, qs, e.o.Samples, e.o.Noise, e.rng)
	})},
	{name: "ig", title: "Integrated Gradients", check: "ig_completeness", attribute: func(e *env, qs []explain.Query) ([][]float32, *IGResult, error) {
		r, err := IntegratedGradients(e.m.scorer, qs, e.baselines(qs), e.o.Steps)
		if err != nil {
			return nil, nil, err
		}
		return r.Attr, r, nil
	}},
	{name: "occlusion", title: "Occlusion (mean output drop of the covering windows)", attribute: plain(func(e *env, qs []explain.Query) ([][]float32, error) {
		return Occlusion(e.m.scorer, qs, e.set.C, e.set.H, e.set.W, e.o.Window, e.o.Stride, float32(e.o.OcclusionValue))
	})},
	{name: "gradcam", title: "Grad-CAM", needs: needsConv, attribute: plain(func(e *env, qs []explain.Query) ([][]float32, error) {
		rs, err := e.m.withRules("grad-cam")
		if err != nil {
			return nil, err
		}
		maps, err := GradCAM(rs, qs, e.o.Layer, e.set.H, e.set.W)
		if err != nil {
			return nil, err
		}
		out := make([][]float32, len(maps))
		for i, mp := range maps { // shared equally by the channels
			out[i] = make([]float32, e.set.C*len(mp))
			for ch := 0; ch < e.set.C; ch++ {
				for p, v := range mp {
					out[i][ch*len(mp)+p] = float32(v / float64(e.set.C))
				}
			}
		}
		return out, nil
	})},
	{name: "guided_gradcam", title: "Guided Grad-CAM", needs: needsConv, attribute: plain(func(e *env, qs []explain.Query) ([][]float32, error) {
		rs, err := e.m.withRules("guided grad-cam")
		if err != nil {
			return nil, err
		}
		return GuidedGradCAM(rs, qs, e.o.Layer, e.set.C, e.set.H, e.set.W)
	})},
	{name: "deeplift", title: "DeepLIFT (rescale rule)", check: "deeplift_summation", needs: needsRules, attribute: func(e *env, qs []explain.Query) ([][]float32, *IGResult, error) {
		rs, err := e.m.withRules("deeplift")
		if err != nil {
			return nil, nil, err
		}
		r, err := DeepLIFT(rs, qs, e.baselines(qs))
		if err != nil {
			return nil, nil, err
		}
		return r.Attr, r, nil
	}},
	{name: "gradshap", title: "GradientSHAP (expected gradients over training baselines)", attribute: plain(func(e *env, qs []explain.Query) ([][]float32, error) {
		pick := rand.New(rand.NewSource(e.o.Seed))
		base := make([][]float32, min(e.o.ShapBaselines, e.trainSet.N))
		for i := range base {
			base[i] = e.trainSet.Image(pick.Intn(e.trainSet.N))
		}
		return GradientSHAP(e.m.scorer, qs, base, e.o.ShapSamples, e.o.ShapNoise, e.rng)
	})},
}

// needsRules says why a model's nonlinearities cannot follow rules
// (DeepLIFT): a GAN discriminator, or a VAE's reconstruction error, which
// runs through the decoder's output nonlinearities and the likelihood.
func needsRules(m *model) error {
	if m.vaeOut == "recon" {
		return fmt.Errorf("deeplift explains a VAE's latent units (its encoder), not the reconstruction error: use --vae-output latent")
	}
	_, err := m.withRules("deeplift")
	return err
}

// needsConv says why Grad-CAM cannot run on a model: no rules, or no
// convolutional layer.
func needsConv(m *model) error {
	rs, err := m.withRules("grad-cam")
	if err != nil {
		return err
	}
	_, err = rs.rules.convStage("")
	return err
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

// baselines are the Integrated Gradients and DeepLIFT baselines of the
// queries: black, or blurred by o.BlurSigma.
func (e *env) baselines(qs []explain.Query) [][]float32 {
	base := make([][]float32, len(qs))
	for i, q := range qs {
		if e.o.Baseline == "blur" {
			base[i] = BlurBaseline(q.X, e.set.C, e.set.H, e.set.W, e.o.BlurSigma)
		} else {
			base[i] = BlackBaseline(q.X)
		}
	}
	return base
}
