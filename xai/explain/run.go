// Package explain holds what the explanation methods of genxai share: opening
// a trained run directory and rebuilding its model as a differentiable graph
// (Run), choosing inputs by split and index (ParseInputs), gradients of model
// outputs with respect to model inputs (Scorer), the output run directory
// (Begin, Finish), and the picture helpers that turn attributions into
// labelled image sheets with colour bars (Sheet).
//
// Methods live in their own packages: xai/saliency, xai/featviz, xai/tokens,
// xai/latent and xai/counterfactual.
package explain

import (
	"fmt"
	"slices"
	"strings"

	"genxai/config"
	"genxai/data"
	"genxai/nets"
	"genxai/runs/checkpoint"
	"genxai/train"
)

// Run is a trained run directory opened for explanation: its resolved config
// and its verified checkpoint tensors.
type Run struct {
	Dir     string
	Config  *config.Config
	Tensors []checkpoint.Tensor
	Meta    checkpoint.Meta
	Kind    string // model.kind: vae, classifier, gan, lm

	train, test *data.Images
}

// Open loads the config.yaml and checkpoint of the run directory dir.
func Open(dir string) (*Run, error) {
	if strings.TrimSpace(dir) == "" {
		return nil, fmt.Errorf("no run directory given: pass --run DIR, a directory written by genxai train")
	}
	c, ts, meta, err := train.OpenRun(dir)
	if err != nil {
		return nil, fmt.Errorf("opening run %s: %w", dir, err)
	}
	return &Run{Dir: dir, Config: c, Tensors: ts, Meta: meta, Kind: c.String("model.kind")}, nil
}

// Expect returns an error unless the run holds one of the given model kinds;
// what names the explanation method for the message.
func (r *Run) Expect(what string, kinds ...string) error {
	if slices.Contains(kinds, r.Kind) {
		return nil
	}
	return fmt.Errorf("%s needs a run of kind %s, but %s holds a %q model (model.kind in %s/config.yaml)",
		what, strings.Join(kinds, " or "), r.Dir, r.Kind, r.Dir)
}

// Images returns the run's full image data set (data.path), training and test
// parts, with every class: classes left out of training by
// data.exclude_classes are still there, so they can be scored as anomalies.
// The sets are loaded once and shared by later calls.
func (r *Run) Images() (trainSet, testSet *data.Images, err error) {
	if r.train == nil {
		tr, te, err := data.OpenImages(r.Config.String("data.path"))
		if err != nil {
			return nil, nil, fmt.Errorf("loading the data of run %s (data.path %q): %w", r.Dir, r.Config.String("data.path"), err)
		}
		r.train, r.test = tr, te
	}
	return r.train, r.test, nil
}

// ExcludedClasses lists data.exclude_classes of a VAE run (nil for other kinds
// or when no class was left out).
func (r *Run) ExcludedClasses() []int {
	if !r.Config.Has("data.exclude_classes") {
		return nil
	}
	return r.Config.Ints("data.exclude_classes")
}

// Restore copies the run's checkpoint tensors into store, which must hold a
// model built from the run's config.
func (r *Run) Restore(store *nets.Store) error {
	return train.RestoreStore(store, r.Tensors, r.Dir)
}

// Seed is the run's seed, the seed its Store was built with.
func (r *Run) Seed() int64 { return int64(r.Config.Int("seed")) }

// VAEConfig returns the configuration of a VAE run.
func (r *Run) VAEConfig() (nets.VAEConfig, error) {
	if err := r.Expect("a VAE view", "vae"); err != nil {
		return nets.VAEConfig{}, err
	}
	tr, _, err := r.Images()
	if err != nil {
		return nets.VAEConfig{}, err
	}
	return train.VAEConfigFrom(r.Config, tr.C, tr.H, tr.W), nil
}

// VAE rebuilds the evaluation graph of a VAE run (batch rows, running
// batch-norm statistics, no dropout) with its trained weights.
func (r *Run) VAE(batch int) (*nets.VAE, error) {
	cfg, err := r.VAEConfig()
	if err != nil {
		return nil, err
	}
	store := nets.NewStore(r.Seed())
	m, err := nets.NewVAE(store, cfg, batch, false)
	if err != nil {
		return nil, err
	}
	if err := r.Restore(store); err != nil {
		return nil, err
	}
	return m, nil
}

// VAEDecoder rebuilds the decoder of a VAE run with its trained weights.
func (r *Run) VAEDecoder(batch int) (*nets.VAEDecoder, error) {
	cfg, err := r.VAEConfig()
	if err != nil {
		return nil, err
	}
	store := nets.NewStore(r.Seed())
	m, err := nets.NewVAEDecoder(store, cfg, batch)
	if err != nil {
		return nil, err
	}
	if err := r.Restore(store); err != nil {
		return nil, err
	}
	return m, nil
}

// ClassifierConfig returns the configuration of a classifier run.
func (r *Run) ClassifierConfig() (nets.ClassifierConfig, error) {
	if err := r.Expect("this explanation", "classifier"); err != nil {
		return nets.ClassifierConfig{}, err
	}
	tr, _, err := r.Images()
	if err != nil {
		return nets.ClassifierConfig{}, err
	}
	return train.ClassifierConfigFrom(r.Config, tr.C, tr.H, tr.W, tr.Classes), nil
}

// Classifier rebuilds the evaluation graph of a classifier run with its
// trained weights. With randomize, the weights are not restored: the graph
// keeps a fresh initialization drawn from seed, the "model randomization"
// of Adebayo et al., "Sanity Checks for Saliency Maps" (NeurIPS 2018).
func (r *Run) Classifier(batch int, randomize bool, seed int64) (*nets.Classifier, error) {
	cfg, err := r.ClassifierConfig()
	if err != nil {
		return nil, err
	}
	if !randomize {
		seed = r.Seed()
	}
	store := nets.NewStore(seed)
	m, err := nets.NewClassifier(store, cfg, batch, false)
	if err != nil {
		return nil, err
	}
	if !randomize {
		if err := r.Restore(store); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// GANConfig returns the configuration of a GAN run.
func (r *Run) GANConfig() (nets.GANConfig, error) {
	if err := r.Expect("this explanation", "gan"); err != nil {
		return nets.GANConfig{}, err
	}
	tr, _, err := r.Images()
	if err != nil {
		return nets.GANConfig{}, err
	}
	return train.GANConfigFrom(r.Config, tr.C, tr.H, tr.W, tr.Classes), nil
}

// Discriminator rebuilds the discriminator of a GAN run with its trained
// weights. The discriminator has no batch norm or dropout, so its training
// graph computes the same logits as an evaluation graph would. It reads
// images in [−1, 1].
func (r *Run) Discriminator(batch int) (*nets.GANDiscriminatorStep, nets.GANConfig, error) {
	cfg, err := r.GANConfig()
	if err != nil {
		return nil, cfg, err
	}
	store := nets.NewStore(r.Seed())
	m, err := nets.NewGANDiscriminatorStep(store, cfg, batch)
	if err != nil {
		return nil, cfg, err
	}
	if err := r.Restore(store); err != nil {
		return nil, cfg, err
	}
	return m, cfg, nil
}
