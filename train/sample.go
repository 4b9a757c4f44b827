package train

import (
	"fmt"
	"math/rand"
	"path/filepath"
	"sort"

	"genxai/config"
	"genxai/data"
	"genxai/nets"
	"genxai/runs/checkpoint"
	"genxai/viz"
)

// SampleOptions are the flags of `genxai sample`. Each model family uses the
// ones that apply to it.
type SampleOptions struct {
	N           int     // images to draw
	Out         string  // output file (PNG for images, text for a language model)
	Seed        int64   // noise seed
	Class       int     // conditioning class of a conditional model; -1 = none
	Prompt      string  // language model prompt
	Tokens      int     // characters to generate
	Temperature float64 // sampling temperature
	TopK        int     // sample among the k most likely tokens; 0 = all
}

// Sampler draws from a trained run. It receives the run's resolved config and
// its checkpoint tensors and returns what it wrote.
type Sampler func(c *config.Config, ts []checkpoint.Tensor, meta checkpoint.Meta, o SampleOptions) (string, error)

var samplers = map[string]Sampler{"vae": sampleVAE}

// RegisterSampler adds the sampler for a model kind.
func RegisterSampler(kind string, s Sampler) { samplers[kind] = s }

// OpenRun loads a run directory's resolved config and verified checkpoint.
func OpenRun(runDir string) (*config.Config, []checkpoint.Tensor, checkpoint.Meta, error) {
	c, err := config.LoadTraining(filepath.Join(runDir, "config.yaml"), nil)
	if err != nil {
		return nil, nil, checkpoint.Meta{}, fmt.Errorf("reading the run's config: %w", err)
	}
	ts, meta, err := checkpoint.Load(runDir)
	if err != nil {
		return nil, nil, checkpoint.Meta{}, err
	}
	return c, ts, meta, nil
}

// Sample draws from the model trained in runDir.
func Sample(runDir string, o SampleOptions) (string, error) {
	c, ts, meta, err := OpenRun(runDir)
	if err != nil {
		return "", err
	}
	kind := c.String("model.kind")
	s, ok := samplers[kind]
	if !ok {
		known := make([]string, 0, len(samplers))
		for k := range samplers {
			known = append(known, k)
		}
		sort.Strings(known)
		return "", fmt.Errorf("%s holds a %q model, which has no sampler (known: %v)", runDir, kind, known)
	}
	if o.Out == "" {
		o.Out = filepath.Join(runDir, "samples.png")
	}
	return s(c, ts, meta, o)
}

// imageShapeOf returns the C, H, W of the data set a run was trained on,
// without loading it: Fashion-MNIST or the embedded digits.
func imageShapeOf(c *config.Config) (int, int, int, error) {
	spec := c.String("data.path")
	if spec == "builtin:digits" {
		return 1, 8, 8, nil
	}
	train, _, err := data.OpenImages(spec)
	if err != nil {
		return 0, 0, 0, err
	}
	return train.C, train.H, train.W, nil
}

// LoadVAEDecoder rebuilds a trained VAE's decoder from a run's config and checkpoint.
func LoadVAEDecoder(c *config.Config, ts []checkpoint.Tensor, batch int) (*nets.VAEDecoder, nets.VAEConfig, error) {
	ch, h, w, err := imageShapeOf(c)
	if err != nil {
		return nil, nets.VAEConfig{}, err
	}
	cfg := VAEConfigFrom(c, ch, h, w)
	store := nets.NewStore(int64(c.Int("seed")))
	dec, err := nets.NewVAEDecoder(store, cfg, batch)
	if err != nil {
		return nil, cfg, err
	}
	if err := RestoreStore(store, ts, "checkpoint"); err != nil {
		return nil, cfg, err
	}
	return dec, cfg, nil
}

func sampleVAE(c *config.Config, ts []checkpoint.Tensor, _ checkpoint.Meta, o SampleOptions) (string, error) {
	if o.N < 1 {
		return "", fmt.Errorf("-n must be at least 1, got %d", o.N)
	}
	dec, cfg, err := LoadVAEDecoder(c, ts, 64)
	if err != nil {
		return "", err
	}
	ex, err := NewExecutor("tape", dec.Net, false)
	if err != nil {
		return "", err
	}
	defer ex.Close()
	rng := rand.New(rand.NewSource(o.Seed))
	z := make([][]float32, o.N)
	for i := range z {
		z[i] = make([]float32, cfg.Latent)
		for j := range z[i] {
			z[i][j] = float32(rng.NormFloat64())
		}
	}
	imgs, err := DecodeVAE(dec, ex, z)
	if err != nil {
		return "", err
	}
	cols := 8
	if o.N < cols {
		cols = o.N
	}
	if err := viz.SavePNG(o.Out, viz.Grid(imgs, cfg.C, cfg.H, cfg.W, cols, max(1, 56/cfg.H), 1)); err != nil {
		return "", err
	}
	return o.Out, nil
}
