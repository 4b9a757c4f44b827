package models

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"genxai/config"
)

var update = flag.Bool("update", false, "rewrite docs/config.md from the registered schemas")

// trainingConfig matches the model.kind line of a training config.
var trainingConfig = regexp.MustCompile(`(?m)^model:\s*$`)

// TestRepositoryConfigs loads every training config in configs/ (those with
// a model section) against the schema of its family.
func TestRepositoryConfigs(t *testing.T) {
	files, err := filepath.Glob("../configs/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	loaded := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !trainingConfig.Match(raw) {
			continue // the config of another command, with a schema of its own
		}
		if _, err := LoadConfig(f, nil); err != nil {
			t.Errorf("%v", err)
		}
		loaded++
	}
	if loaded < 10 {
		t.Errorf("loaded %d training configs from ../configs, want the 12 there", loaded)
	}
}

// TestEveryFamilyComplete checks that each registered family can train, that
// its keys form a valid schema, and that the image families can be sampled.
func TestEveryFamilyComplete(t *testing.T) {
	if got := Kinds(); len(got) != 4 {
		t.Errorf("registered families %v, want classifier, gan, lm and vae", got)
	}
	for _, k := range Kinds() {
		f, _ := Lookup(k)
		if _, err := config.TrainingSchema(k); err != nil {
			t.Errorf("%s: %v", k, err)
		}
		if f.NewTask == nil || (k != "classifier" && f.Sample == nil) {
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
	want := config.TrainingReference()
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
