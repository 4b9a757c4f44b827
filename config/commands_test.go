package config

import (
	"errors"
	"strings"
	"testing"
)

// TestCommandSchemasValid checks every command schema the way Load does and
// that each names the label column LabelKey where it has one.
func TestCommandSchemasValid(t *testing.T) {
	names := map[string]bool{}
	for _, s := range CommandSchemas() {
		if err := s.check(); err != nil {
			t.Error(err)
		}
		if names[s.Name] {
			t.Errorf("schema name %q appears twice", s.Name)
		}
		names[s.Name] = true
		for _, k := range s.Keys {
			if k.Name == "target" && !strings.HasPrefix(s.Name, "explain") || k.Name == "target_column" {
				t.Errorf("%s: label column key %q: name it %q", s.Name, k.Name, LabelKey)
			}
		}
	}
	for _, n := range []string{"svm", "gmm", "glassbox logreg", "glassbox ebm", "explain saliency", "explain counterfactual"} {
		if _, ok := CommandSchema(n); !ok {
			t.Errorf("no schema %q", n)
		}
	}
	if _, ok := ExplainSchema("bogus"); ok {
		t.Error("ExplainSchema(bogus) found a schema")
	}
}

// TestKeyAlias checks that an alias sets its key from the file, the
// environment and --set, and that the value is stored under the key.
func TestKeyAlias(t *testing.T) {
	s := Schema{Name: "a", Keys: []Key{StringKey("label", "", "label column").Alias("target"), IntKey("n", 1, "")}}
	c, err := load("x.yaml", []byte("target: y\n"), nil, s, nil, nil)
	if err != nil || c.String("label") != "y" || c.Origin("label") != "x.yaml:1" {
		t.Fatalf("file alias: %v %v", c, err)
	}
	if _, ok := c.Settings()["target"]; ok {
		t.Error("Settings holds the alias")
	}
	c, err = load("x.yaml", []byte("label: y\n"), nil, s, []string{"target=z"}, []string{"GENXAI_TARGET=w"})
	if err != nil || c.String("label") != "z" {
		t.Fatalf("--set alias over env alias over file: %v %v", c, err)
	}
	c, err = load("x.yaml", []byte("n: 2\n"), nil, s, nil, []string{"GENXAI_TARGET=w"})
	if err != nil || c.String("label") != "w" {
		t.Fatalf("env alias: %v %v", c, err)
	}
	_, err = load("x.yaml", []byte("target: [1]\n"), nil, s, nil, nil)
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(err.Error(), "x.yaml:1: label") {
		t.Errorf("a bad value under an alias: got %v, want a problem at x.yaml:1 naming label", err)
	}
	bad := Schema{Name: "b", Keys: []Key{StringKey("a", "", "").Alias("n"), IntKey("n", 1, "")}}
	if err := bad.check(); err == nil {
		t.Error("an alias naming another key passed the schema check")
	}
}
