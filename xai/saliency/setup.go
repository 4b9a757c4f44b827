package saliency

import (
	"fmt"

	"genxai/data"
	"genxai/models"
	"genxai/xai/explain"
)

// session is what explain saliency and explain compare share before they
// attribute: the opened run and its data, the chosen images, the rebuilt
// model, the methods it supports among those asked for, and the queries.
type session struct {
	run               *models.Run
	trainSet, testSet *data.Images
	inputs            []explain.Input
	pixels            [][]float32
	labels            []int
	m                 *model
	chosen            []method
	qs                []explain.Query
	preds             []prediction
}

// open prepares a session for the command what ("explain saliency"): the
// images o.Inputs names, or the first defaultInputs test images. The caller
// closes s.m.
func open(o Options, what string, defaultInputs int) (*session, error) {
	inputs, err := explain.ParseInputs(o.Inputs)
	if err != nil {
		return nil, err
	}
	s := &session{inputs: inputs}
	if s.run, s.trainSet, s.testSet, err = explain.OpenImages(o.Run, what, "classifier", "gan", "vae"); err != nil {
		return nil, err
	}
	if len(s.inputs) == 0 {
		s.inputs = explain.FirstTest(defaultInputs, s.testSet)
	}
	if s.pixels, s.labels, err = explain.Resolve(s.inputs, s.trainSet, s.testSet); err != nil {
		return nil, err
	}
	if s.m, err = buildModel(s.run, o, false, 0); err != nil {
		return nil, err
	}
	if err = s.choose(o); err != nil {
		s.m.Close()
		return nil, err
	}
	return s, nil
}

// choose picks the methods and builds the queries of the session's model.
func (s *session) choose(o Options) (err error) {
	if s.chosen, err = choose(o.Methods, s.m); err != nil {
		return err
	}
	if o.Target >= len(s.m.outputs) || (s.run.Kind != "gan" && o.Target < -1) {
		return fmt.Errorf("--target %d is out of range: the model has outputs 0..%d (or -1 for each image's predicted class or largest latent unit)", o.Target, len(s.m.outputs)-1)
	}
	s.qs, s.preds, err = queries(s.m, s.pixels, s.labels, o.Target)
	return err
}
