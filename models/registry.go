// Package models is the one registry of genxai's model families. For each
// value of model.kind — vae, gan, classifier, lm — one file of this package
// holds everything the program knows about the family: its config keys, how
// a config maps onto the nets settings, its training task (graphs, step,
// evaluation, pictures), how a trained model is restored from a run
// directory, and how it is sampled.
//
// Every command that uses a trained model opens its run directory with Open,
// which returns a Run; the Run hands out the typed models (Run.VAE,
// Run.Classifier, Run.GANGenerator, Run.LM, ...) and the one executor
// constructor (Run.Executor). Training goes through Train, which picks the
// family's task and hands it to the loop in package train.
//
// Adding a model family touches one file in nets (the graph), one file here
// (a Family registered from init) and a config in configs/.
package models

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"genxai/config"
	"genxai/engine"
	"genxai/train"
)

// Family is one model family: a value of model.kind and what goes with it.
type Family struct {
	// Kind is the value of model.kind.
	Kind string
	// Keys are the keys the family adds to the shared training keys (its
	// model.*, and where it has them data.* and metrics.* keys).
	Keys []config.Key
	// Check, when set, holds the family's cross-key checks.
	Check func(*config.Config) []error
	// NewTask builds the training task from a validated config.
	NewTask train.TaskBuilder
	// Sample draws from a trained run (genxai sample); nil when the family
	// has nothing to sample (a classifier).
	Sample func(r *Run, o SampleOptions) (string, error)
}

// families holds the registered families by kind.
var families = map[string]*Family{}

// register adds a family: its keys join the training schema (package config)
// under its kind. Each family file calls it from init; a malformed or repeated
// family is a programming error and panics.
func register(f *Family) {
	if _, dup := families[f.Kind]; dup {
		panic(fmt.Sprintf("models: family %q registered twice", f.Kind))
	}
	if f.NewTask == nil {
		panic(fmt.Sprintf("models: family %q has no NewTask", f.Kind))
	}
	families[f.Kind] = f
	config.RegisterKind(f.Kind, f.Keys...)
	if f.Check != nil {
		config.RegisterCheck(f.Kind, f.Check)
	}
}

func init() {
	// The executors train.executor accepts are the engine's.
	for _, name := range engine.Kinds {
		config.RegisterExecutor(name)
	}
}

// Kinds lists the registered model kinds, sorted.
func Kinds() []string {
	ks := make([]string, 0, len(families))
	for k := range families {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Lookup returns the family of a model.kind, or an error listing the known ones.
func Lookup(kind string) (*Family, error) {
	f, ok := families[kind]
	if !ok {
		return nil, fmt.Errorf("model.kind %q is not a model family of this build (known: %v)", kind, Kinds())
	}
	return f, nil
}

// LoadConfig loads and validates a training config file (config.LoadTraining
// with the families registered here): the file, then GENXAI_* variables, then
// the --set overrides sets.
func LoadConfig(path string, sets []string) (*config.Config, error) {
	return config.LoadTraining(path, sets)
}

// ParseConfig is LoadConfig for a config held in memory (the demo's embedded
// config); name stands for the file in messages.
func ParseConfig(name string, raw []byte, sets []string) (*config.Config, error) {
	return config.ParseTraining(name, raw, sets)
}

// Train trains the model req.Config describes with its family's task (see
// train.Run for the run directory, resume and interruption).
func Train(ctx context.Context, req train.Request) (map[string]any, error) {
	f, err := Lookup(req.Config.String("model.kind"))
	if err != nil {
		return nil, err
	}
	req.NewTask = f.NewTask
	return train.Run(ctx, req)
}

// sampleKinds lists the kinds that can be sampled, for messages.
func sampleKinds() []string {
	var ks []string
	for _, k := range Kinds() {
		if families[k].Sample != nil {
			ks = append(ks, k)
		}
	}
	return slices.Clip(ks)
}
