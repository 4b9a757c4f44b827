package models

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"genxai/config"
)

var update = flag.Bool("update", false, "rewrite docs/config.md from the registered schemas")

// trainingConfig matches the model.kind line of a training config.
var trainingConfig = regexp.MustCompile(`(?m)^model:\s*$`)

// TestRepositoryConfigs loads every config in configs/: training configs
// (those with a model section) against the schema of their family, the others
// with the command schema their file name starts with (svm-, gmm-,
// glassbox-logreg-, explain-saliency-, …).
func TestRepositoryConfigs(t *testing.T) {
	files, err := filepath.Glob("../configs/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	training, commands := 0, map[string]int{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if trainingConfig.Match(raw) {
			if _, err := LoadConfig(f, nil); err != nil {
				t.Errorf("%v", err)
			}
			training++
			continue
		}
		s, ok := commandSchemaOf(filepath.Base(f))
		if !ok {
			t.Logf("%s: skipped: neither a training config nor a command schema of package config (augment's schema is tested in xai/augment)", f)
			continue
		}
		if _, err := config.Load(f, s, nil); err != nil {
			t.Errorf("%v", err)
		}
		commands[s.Name]++
	}
	if training < 12 {
		t.Errorf("loaded %d training configs from ../configs, want the 12 there", training)
	}
	for _, name := range []string{"svm", "gmm", "glassbox logreg", "glassbox ebm", "explain saliency"} {
		if commands[name] == 0 {
			t.Errorf("no config in configs/ for the %s schema (loaded %v)", name, commands)
		}
	}
}

// commandSchemaOf returns the command schema whose name, with dashes for
// spaces, starts the file name: "explain-saliency-cnn.yaml" is
// "explain saliency".
func commandSchemaOf(file string) (config.Schema, bool) {
	for _, s := range config.CommandSchemas() {
		if strings.HasPrefix(file, strings.ReplaceAll(s.Name, " ", "-")+"-") {
			return s, true
		}
	}
	return config.Schema{}, false
}

// TestEveryFamilyComplete checks that each registered family can train, that
// its keys form a valid schema, and that the image families can be sampled.
func TestEveryFamilyComplete(t *testing.T) {
	if got := Kinds(); len(got) != 5 {
		t.Errorf("registered families %v, want classifier, forecaster, gan, lm and vae", got)
	}
	for _, k := range Kinds() {
		f, _ := Lookup(k)
		if _, err := config.TrainingSchema(k); err != nil {
			t.Errorf("%s: %v", k, err)
		}
		if f.NewTask == nil || (k != "classifier" && k != "forecaster" && f.Sample == nil) {
			t.Errorf("%s: NewTask or Sample missing", k)
		}
	}
	if _, err := Lookup("vea"); err == nil {
		t.Error("Lookup of an unknown kind gave no error")
	}
}

// TestReferenceUpToDate regenerates docs/config.md in memory and compares.
func TestReferenceUpToDate(t *testing.T) {
	const path = "../docs/config.md"
	want := config.FullReference()
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v: run go test ./models -run TestReferenceUpToDate -update", err)
	}
	if string(got) != want {
		t.Errorf("docs/config.md is out of date with the registered schemas: run go test ./models -run TestReferenceUpToDate -update")
	}
}
