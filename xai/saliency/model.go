package saliency

import (
	"fmt"
	"math"

	"genxai/engine"
	"genxai/models"
	"genxai/nets"
	"genxai/train"
	"genxai/xai/explain"
)

// model is a run rebuilt for attribution.
type model struct {
	scorer  *explain.Scorer
	outputs []string // names of the outputs
	what    string   // "class logit", "discriminator logit", …
	kind    string   // the run's model kind
	vaeOut  string   // a VAE's explained output: latent or recon
	// rebuild builds the scorer's graph again on a Store whose Override is
	// ov (DeepLIFT, guided backpropagation, Grad-CAM); nil for a model
	// whose nonlinearities cannot be overridden (a GAN discriminator).
	rebuild func(ov nets.Override) (*explain.Scorer, error)
	ruled   *ruledScorer // built by withRules on first use
}

// ruledScorer is a scorer whose nonlinearities follow rules.
type ruledScorer struct {
	scorer *explain.Scorer
	rules  *rules
}

// withRules returns the model rebuilt with rules on its nonlinearities,
// building it on the first call.
func (m *model) withRules(method string) (*ruledScorer, error) {
	if m.ruled != nil {
		return m.ruled, nil
	}
	if m.rebuild == nil {
		return nil, fmt.Errorf("%s needs a classifier or a VAE run; a %s cannot have its backward pass changed", method, m.what)
	}
	r := &rules{}
	s, err := m.rebuild(r.override)
	if err != nil {
		return nil, err
	}
	m.ruled = &ruledScorer{scorer: s, rules: r}
	return m.ruled, nil
}

// Close releases the executors.
func (m *model) Close() {
	m.scorer.Close()
	if m.ruled != nil {
		m.ruled.scorer.Close()
	}
}

// buildModel wraps the classifier's logits, the discriminator's logit or a
// VAE's latent means or reconstruction error (o.VAEOutput) in a Scorer of
// o.MaxBatch rows. With randomize, a classifier or VAE keeps freshly
// initialized weights drawn from seed.
func buildModel(run *models.Run, o Options, randomize bool, seed int64) (*model, error) {
	run.UseExecutor(o.Executor)
	_, testSet, err := run.Images()
	if err != nil {
		return nil, err
	}
	batch := o.MaxBatch
	// graph builds a graph on a fresh Store with the override ov, restoring
	// the trained weights unless randomize.
	graph := func(ov nets.Override, newGraph func(*nets.Store) error) error {
		st := nets.NewStore(run.Seed())
		if randomize {
			st = nets.NewStore(seed)
		}
		st.Override = ov
		if err := newGraph(st); err != nil {
			return err
		}
		if randomize {
			return nil
		}
		return train.RestoreStore(st, run.Tensors, run.Dir)
	}
	switch run.Kind {
	case "classifier":
		cfg, err := run.ClassifierConfig()
		if err != nil {
			return nil, err
		}
		build := func(ov nets.Override) (*explain.Scorer, error) {
			var c *nets.Classifier
			err := graph(ov, func(st *nets.Store) (err error) {
				c, err = nets.NewClassifier(st, cfg, batch, false)
				return err
			})
			if err != nil {
				return nil, err
			}
			return explain.NewScorer(c.Net, c.X, c.Logits, run.Executor)
		}
		s, err := build(nil)
		if err != nil {
			return nil, err
		}
		names := make([]string, cfg.Classes)
		for k := range names {
			names[k] = "logit(" + testSet.ClassName(k) + ")"
		}
		return &model{scorer: s, outputs: names, what: "class logit", kind: run.Kind, rebuild: build}, nil
	case "vae":
		cfg, err := run.VAEConfig()
		if err != nil {
			return nil, err
		}
		build := func(ov nets.Override) (*explain.Scorer, error) {
			var v *nets.VAE
			err := graph(ov, func(st *nets.Store) (err error) {
				v, err = nets.NewVAE(st, cfg, batch, false)
				return err
			})
			if err != nil {
				return nil, err
			}
			// eps stays 0: z = μ, so both outputs are deterministic.
			out := v.Mu
			if o.VAEOutput == "recon" {
				out = v.Recon
			}
			return explain.NewScorer(v.Net, v.X, out, run.Executor)
		}
		s, err := build(nil)
		if err != nil {
			return nil, err
		}
		m := &model{scorer: s, kind: run.Kind, vaeOut: o.VAEOutput, rebuild: build}
		if o.VAEOutput == "recon" {
			m.outputs, m.what = []string{"recon"}, "reconstruction error −log p(x|z=μ)"
		} else {
			m.what = "latent mean"
			for k := 0; k < cfg.Latent; k++ {
				m.outputs = append(m.outputs, fmt.Sprintf("mu_%d", k))
			}
		}
		return m, nil
	case "gan":
		if randomize {
			return nil, fmt.Errorf("the model-randomization check is implemented for classifiers and VAEs only")
		}
		d, cfg, err := run.Discriminator(batch)
		if err != nil {
			return nil, err
		}
		s, err := explain.NewScorer(d.Net, d.X, d.Logit, run.Executor)
		if err != nil {
			return nil, err
		}
		// The discriminator reads images in [−1, 1]: x' = 2x − 1.
		s.Scale, s.Shift = 2, -1
		if cfg.Conditional() {
			s.Condition = ganCondition(d, cfg)
		}
		return &model{scorer: s, outputs: []string{"D logit"}, what: "discriminator logit", kind: run.Kind}, nil
	}
	return nil, run.Expect("explain saliency", "classifier", "gan", "vae")
}

// ganCondition fills a conditional discriminator's label input for a row
// (its label planes are computed from it in the graph).
func ganCondition(d *nets.GANDiscriminatorStep, cfg nets.GANConfig) func(slot, class int) {
	return func(slot, class int) {
		k := cfg.Classes
		class = max(0, min(k-1, class))
		label := engine.Float32s(d.Label)
		row := label[slot*k : (slot+1)*k]
		clear(row)
		row[class] = 1
	}
}

// prediction is the model's output for an image.
type prediction struct {
	class int
	value float64
}

// queries builds the explained output of each image: the target class or the
// predicted one for a classifier, the single logit for a discriminator
// (conditioned on the image's label when the GAN is conditional), the
// latent unit target (or the one of largest |μ|) or the reconstruction
// error for a VAE.
func queries(m *model, pixels [][]float32, labels []int, target int) ([]explain.Query, []prediction, error) {
	qs := make([]explain.Query, len(pixels))
	for i := range pixels {
		qs[i] = explain.Query{X: pixels[i], Class: labels[i]}
	}
	r, err := m.scorer.Eval(qs)
	if err != nil {
		return nil, nil, err
	}
	preds := make([]prediction, len(pixels))
	for i := range qs {
		best := nets.Argmax(r.Outputs[i])
		out := 0
		switch {
		case m.kind == "classifier" || m.vaeOut == "latent":
			if m.kind == "vae" {
				best = argmaxAbs(r.Outputs[i])
			}
			out = best
			if target >= 0 {
				out = target
			}
		}
		qs[i].Output = out
		preds[i] = prediction{class: best, value: float64(r.Outputs[i][out])}
	}
	return qs, preds, nil
}

// argmaxAbs is the index of the largest |v|.
func argmaxAbs(v []float32) int {
	best := 0
	for i, x := range v {
		if math.Abs(float64(x)) > math.Abs(float64(v[best])) {
			best = i
		}
	}
	return best
}
