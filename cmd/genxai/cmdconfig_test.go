package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"genxai/config"
	"genxai/xai/saliency"
)

// runConfigured runs a command configured with the glassbox logreg schema
// and its flags on args, and returns the loaded config.
func runConfigured(t *testing.T, args ...string) (*config.Config, error) {
	t.Helper()
	var got *config.Config
	cmd := glassboxCmd(&cobra.Command{Use: "logreg"}, config.LogRegSchema(), []string{"l2", "standardize", "max_iter"},
		func(_ context.Context, c *config.Config, _, _ io.Writer) (string, error) { got = c; return "", nil })
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	err := cmd.Execute()
	return got, err
}

// TestFlagsAreShorthands checks the layers: a flag wins over --set, which
// wins over the file; --target is the alias of --label; --split alone
// means builtin; a bad flag value is reported by the flag's name; a missing
// required key by its flag.
func TestFlagsAreShorthands(t *testing.T) {
	file := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(file, []byte("train: a.csv\nl2: 1\nmax_iter: 5\nlabel: y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := runConfigured(t, "-c", file, "--set", "l2=2", "--set", "max_iter=7", "--l2", "3", "--target", "z", "--split", "--features", "a, b")
	if err != nil {
		t.Fatal(err)
	}
	if c.Float("l2") != 3 || c.Int("max_iter") != 7 || c.String("label") != "z" || c.String("split") != "builtin" ||
		strings.Join(c.Strings("features"), "|") != "a|b" || c.String("train") != "a.csv" {
		t.Errorf("resolved %v", c.Settings())
	}
	if c.Origin("l2") != "--set l2=3" {
		t.Errorf("l2 from %q", c.Origin("l2"))
	}
	if _, err := runConfigured(t, "--train", "a.csv", "--l2", "-1"); err == nil || !strings.HasPrefix(err.Error(), "--l2: l2 = -1") {
		t.Errorf("bad flag: %v", err)
	}
	if _, err := runConfigured(t, "--l2", "1"); err == nil || !strings.Contains(err.Error(), "--train is required") {
		t.Errorf("missing train: %v", err)
	}
	if _, err := runConfigured(t, "--set", "train=a.csv", "--set", "bogus=1"); err == nil || !strings.Contains(err.Error(), "bogus") {
		t.Errorf("unknown key: %v", err)
	}
}

// TestExplainTable checks that every explain method of the config package
// has one subcommand and that every key of its schema is a flag.
func TestExplainTable(t *testing.T) {
	if len(explainMethods) != len(config.ExplainMethods()) {
		t.Fatalf("%d explain subcommands, %d schemas", len(explainMethods), len(config.ExplainMethods()))
	}
	for _, m := range explainMethods {
		s, ok := config.ExplainSchema(m.name)
		if !ok {
			t.Fatalf("no schema for %s", m.name)
		}
		if m.name == "saliency" {
			if k := findKey(s, "methods"); !slices.Equal(k.Enum, saliency.Methods) {
				t.Errorf("saliency methods: schema %v, package %v", k.Enum, saliency.Methods)
			}
		}
		cmd := m.command()
		for _, k := range s.Keys {
			if cmd.Flags().Lookup(strings.ReplaceAll(k.Name, "_", "-")) == nil {
				t.Errorf("explain %s: key %s has no flag", m.name, k.Name)
			}
		}
	}
}
