package generate

import (
	"fmt"
	"math/rand"

	"genxai/engine"
	"genxai/models"
)

// genBatch is the batch size of the rebuilt generator graphs; chunk, the
// number of images drawn, encoded and written at a time, is a multiple of
// it, so the noise a seed gives each image does not depend on the chunk.
const (
	genBatch = 100
	chunk    = 10 * genBatch
)

// source draws images from a trained generator.
type source struct {
	c, h, w int
	classes int      // conditioning classes; 0 for an unconditional model
	names   []string // class names of the run's data set (nil when unknown)
	draw    func(classes []int, rng *rand.Rand) ([][]float32, error)
	ex      engine.Executor
}

// openSource rebuilds the generator of a VAE or GAN run with its trained
// weights: the VAE's decoder fed prior draws z ~ N(0, I), or the GAN's
// evaluation-mode generator fed z ~ N(0, I) and, when conditional, the
// one-hot class.
func openSource(r *models.Run) (*source, error) {
	switch r.Kind {
	case "vae":
		cfg, err := r.VAEConfig()
		if err != nil {
			return nil, err
		}
		dec, err := r.VAEDecoder(genBatch)
		if err != nil {
			return nil, err
		}
		ex, err := r.Executor(dec.Net)
		if err != nil {
			return nil, err
		}
		s := &source{c: cfg.C, h: cfg.H, w: cfg.W, ex: ex}
		s.draw = func(classes []int, rng *rand.Rand) ([][]float32, error) {
			z := make([][]float32, len(classes))
			for i := range z {
				z[i] = make([]float32, cfg.Latent)
				for j := range z[i] {
					z[i][j] = float32(rng.NormFloat64())
				}
			}
			return models.DecodeVAE(dec, ex, z)
		}
		return s, nil
	case "gan":
		g, cfg, names, err := r.GANGenerator(genBatch)
		if err != nil {
			return nil, err
		}
		ex, err := r.Executor(g.Net)
		if err != nil {
			return nil, err
		}
		s := &source{c: cfg.C, h: cfg.H, w: cfg.W, classes: cfg.Classes, names: names, ex: ex}
		s.draw = func(classes []int, rng *rand.Rand) ([][]float32, error) {
			return models.GenerateGAN(g, ex, cfg, classes, rng)
		}
		return s, nil
	}
	return nil, r.Expect("genxai generate", "vae", "gan")
}

// dim is the number of values of one image.
func (s *source) dim() int { return s.c * s.h * s.w }

// className names class k for messages.
func (s *source) className(k int) string {
	if k >= 0 && k < len(s.names) {
		return fmt.Sprintf("%d (%s)", k, s.names[k])
	}
	return fmt.Sprint(k)
}

// close releases the executor.
func (s *source) close() error { return s.ex.Close() }
