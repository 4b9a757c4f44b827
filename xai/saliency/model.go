package saliency

import (
	"fmt"

	"genxai/engine"
	"genxai/models"
	"genxai/nets"
	"genxai/xai/explain"
)

// scorerBatch is the row count of the graphs built for attribution.
const scorerBatch = 128

// model is a run rebuilt for attribution.
type model struct {
	scorer  *explain.Scorer
	outputs []string // names of the outputs
	what    string   // "logit of class …" or "discriminator logit"
}

// buildModel wraps the classifier's logits or the discriminator's logit in a
// Scorer. With randomize, a classifier keeps freshly initialized weights.
func buildModel(run *models.Run, executor string, randomize bool, seed int64) (*model, error) {
	run.UseExecutor(executor)
	_, testSet, err := run.Images()
	if err != nil {
		return nil, err
	}
	switch run.Kind {
	case "classifier":
		m, err := run.Classifier(scorerBatch, randomize, seed)
		if err != nil {
			return nil, err
		}
		s, err := explain.NewScorer(m.Net, m.X, m.Logits, run.Executor)
		if err != nil {
			return nil, err
		}
		names := make([]string, m.Config.Classes)
		for k := range names {
			names[k] = testSet.ClassName(k)
		}
		return &model{scorer: s, outputs: names, what: "class logit"}, nil
	case "gan":
		if randomize {
			return nil, fmt.Errorf("the model-randomization check is implemented for classifiers only")
		}
		d, cfg, err := run.Discriminator(scorerBatch)
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
		return &model{scorer: s, outputs: []string{"real"}, what: "discriminator logit"}, nil
	}
	return nil, run.Expect("explain saliency", "classifier", "gan")
}

// ganCondition fills a conditional discriminator's label inputs for a row.
func ganCondition(d *nets.GANDiscriminatorStep, cfg nets.GANConfig) func(slot, class int) {
	return func(slot, class int) {
		k := cfg.Classes
		class = max(0, min(k-1, class))
		label := engine.Float32s(d.Label)
		row := label[slot*k : (slot+1)*k]
		clear(row)
		row[class] = 1
		if d.LabelMap != nil {
			hw := cfg.H * cfg.W
			planes := engine.Float32s(d.LabelMap)[slot*k*hw : (slot+1)*k*hw]
			clear(planes)
			for j := class * hw; j < (class+1)*hw; j++ {
				planes[j] = 1
			}
		}
	}
}

// prediction is the model's output for an image.
type prediction struct {
	class int
	value float64
}

// queries builds the explained output of each image: the target class or the
// predicted one for a classifier, the single logit for a discriminator
// (conditioned on the image's label when the GAN is conditional).
func queries(m *model, kind string, pixels [][]float32, labels []int, target int) ([]explain.Query, []prediction, error) {
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
		if kind == "classifier" {
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
