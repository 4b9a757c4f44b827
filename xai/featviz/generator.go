package featviz

import (
	"fmt"
	"math"
	"math/rand"

	"genxai/models"
	"genxai/xai/explain"
)

// generator is the deep-generator-network prior of Nguyen, Dosovitskiy,
// Yosinski, Brox and Clune ("Synthesizing the preferred inputs for neurons
// in neural networks via deep generator networks", NeurIPS 2016): the
// picture is G(z), the decoder of one of the project's VAEs or the
// generator of one of its GANs, and the search moves the code z, so every
// picture stays on the generator's image of the latent space. Gradients
// reach z as a vector-Jacobian product through G (a Scorer on G's graph)
// of the classifier's gradient with respect to the picture. A mild prior
// keeps z near the typical set of the standard normal the generator was
// trained on: the penalty λ(‖z‖ − √L)², L the latent width.
type generator struct {
	s       *explain.Scorer // z ↦ G(z); its gradient is the vector-Jacobian product
	gan     bool            // G's output is in [−1, 1] (a GAN), else [0, 1] (a VAE's mean)
	z       [][]float32
	classes []int // conditioning class of each row (a conditional GAN)
	opt     *adam
	lambda  float64
}

// newGenerator rebuilds the decoder (VAE) or generator (GAN) of run for
// rows rows, conditioned on classes (a conditional GAN only), and draws
// each row's start z ~ N(0, I) from rng.
func newGenerator(run *models.Run, rows int, classes []int, lr, lambda float64, rng *rand.Rand) (*generator, error) {
	g := &generator{classes: classes, lambda: lambda, gan: run.Kind == "gan"}
	var latent int
	switch run.Kind {
	case "vae":
		dec, err := run.VAEDecoder(rows)
		if err != nil {
			return nil, err
		}
		if g.s, err = explain.NewScorer(dec.Net, dec.Z, dec.Mean, run.Executor); err != nil {
			return nil, err
		}
		latent = dec.Z.Shape()[1]
	case "gan":
		gen, cfg, _, err := run.GANGenerator(rows)
		if err != nil {
			return nil, err
		}
		if g.s, err = explain.NewScorer(gen.Net, gen.Z, gen.Image, run.Executor); err != nil {
			return nil, err
		}
		if cfg.Conditional() {
			label := gen.Net.InputData("label")
			k := cfg.Classes
			g.s.Condition = func(slot, class int) {
				clear(label[slot*k : (slot+1)*k])
				label[slot*k+class] = 1
			}
		}
		latent = gen.Z.Shape()[1]
	default:
		return nil, fmt.Errorf("--generator %s is a %s run; the generator prior needs a vae or gan run", run.Dir, run.Kind)
	}
	g.z = make([][]float32, rows)
	for i := range g.z {
		g.z[i] = make([]float32, latent)
		for j := range g.z[i] {
			g.z[i][j] = float32(rng.NormFloat64())
		}
	}
	g.opt = newAdam(lr, rows, latent)
	return g, nil
}

// queries are the rows' codes with output weights w (nil: none needed).
func (g *generator) queries(w [][]float32) []explain.Query {
	qs := make([]explain.Query, len(g.z))
	for i, z := range g.z {
		qs[i] = explain.Query{X: z, Output: 0, Class: g.classes[i]}
		if w != nil {
			qs[i].Weights = w[i]
		}
	}
	return qs
}

// render decodes every row's code into a picture in [0, 1].
func (g *generator) render() ([][]float32, error) {
	r, err := g.s.Eval(g.queries(nil))
	if err != nil {
		return nil, err
	}
	out := make([][]float32, len(r.Outputs))
	for i, o := range r.Outputs {
		out[i] = make([]float32, len(o))
		for j, v := range o {
			if g.gan {
				v = (v + 1) / 2
			}
			out[i][j] = v
		}
	}
	return out, nil
}

// ascend takes one Adam step on the codes up f(G(z)) − λ(‖z‖ − √L)², given
// gx = ∂f/∂picture.
func (g *generator) ascend(gx [][]float32, step int) error {
	w := gx
	if g.gan { // picture = (G(z) + 1)/2
		w = make([][]float32, len(gx))
		for i, row := range gx {
			w[i] = make([]float32, len(row))
			for j, v := range row {
				w[i][j] = v / 2
			}
		}
	}
	r, err := g.s.Eval(g.queries(w))
	if err != nil {
		return err
	}
	for i, z := range g.z {
		norm := 0.0
		for _, v := range z {
			norm += float64(v) * float64(v)
		}
		norm = math.Sqrt(norm)
		pull := 2 * g.lambda * (norm - math.Sqrt(float64(len(z)))) / math.Max(norm, 1e-12)
		grad := make([]float64, len(z))
		for j, v := range z {
			grad[j] = float64(r.Grad[i][j]) - pull*float64(v)
		}
		g.opt.ascend(i, z, grad, step)
	}
	return nil
}

func (g *generator) Close() error { return g.s.Close() }
