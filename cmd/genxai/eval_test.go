package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"genxai/xai/explain/explaintest"
)

// TestEvalCommand runs `genxai eval` end to end on a tiny digits VAE: the
// flags reach their keys, the table is printed and eval.json is written
// into the run directory with the numbers of the table.
func TestEvalCommand(t *testing.T) {
	dir := explaintest.Train(t, explaintest.DigitsVAE(3, 4))
	defer os.RemoveAll(dir)
	var out, log bytes.Buffer
	rootCmd.SetArgs([]string{"eval", "--run", dir, "--iwae-k", "50", "--test-images", "40", "--seed", "9"})
	rootCmd.SetOut(&out)
	rootCmd.SetErr(&log)
	defer func() { rootCmd.SetArgs(nil); rootCmd.SetOut(nil); rootCmd.SetErr(nil) }()
	if err := rootCmd.Execute(); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	b, err := os.ReadFile(filepath.Join(dir, "eval.json"))
	if err != nil {
		t.Fatal(err)
	}
	var js map[string]map[string]any
	_ = json.Unmarshal(b, &js) // the run fields are not objects; the metric entries are
	for _, k := range []string{"nll_iwae", "neg_elbo"} {
		if js[k]["seed"] != 9.0 || js[k]["samples"] != 40.0 || !strings.Contains(out.String(), k+" ") {
			t.Errorf("%s: eval.json entry %v; table\n%s", k, js[k], out.String())
		}
	}
	if !strings.Contains(log.String(), "wrote "+dir) {
		t.Errorf("no progress on stderr: %q", log.String())
	}
}
