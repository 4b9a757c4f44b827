package eval

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"genxai/config"
	"genxai/models"
	"genxai/xai/explain/explaintest"
)

func TestMain(m *testing.M) { explaintest.Main(m) }

// Tiny runs on the embedded digits and the project's corpus, trained once
// per test binary (explaintest.Train caches them by config text).
const (
	tinyGAN = `
model: {kind: gan, arch: mlp, conditional: true, latent: 8, g_hidden: [32], d_hidden: [32]}
seed: 6
device: cpu
data: {path: "builtin:digits"}
train: {epochs: 2, batch_size: 32, lr: 2.0e-4, beta1: 0.5}
`
	tinyLM = `
model: {kind: lm, block: 16, layers: 1, heads: 2, embed: 16}
seed: 4
device: cpu
data: {path: ../../data/corpus/genxai.txt}
train: {steps: 30, batch_size: 8, lr: 1.0e-2}
`
)

// evaluate runs Evaluate with the eval config built from sets, and returns
// the report, the printed table and eval.json as read back.
func evaluate(t *testing.T, sets ...string) (*Report, string, map[string]any) {
	t.Helper()
	c, err := config.Parse("test", []byte("{}\n"), config.EvalSchema(), sets)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep, err := Evaluate(c, &out, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	return rep, out.String(), readJSON(t, filepath.Join(c.String("run"), EvalFile))
}

// readJSON decodes the JSON object in the file path.
func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var m map[string]any
	if err := json.NewDecoder(f).Decode(&m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// summaryNumber reads key from a run's summary.json.
func summaryNumber(t *testing.T, dir, key string) float64 {
	t.Helper()
	v, ok := readJSON(t, filepath.Join(dir, "summary.json"))[key].(float64)
	if !ok {
		t.Fatalf("%s/summary.json has no number %q", dir, key)
	}
	return v
}

// TestEvalGAN measures a tiny conditional GAN against a tiny MLP judge:
// every generator key is in eval.json with the seed, the sample count and
// the judge's run and checkpoint hash; the values are in their ranges; the
// Fréchet distance is the one the metric function gives; without a judge
// the metrics are skipped with a message.
func TestEvalGAN(t *testing.T) {
	gan, judgeDir := explaintest.Train(t, tinyGAN), explaintest.Train(t, explaintest.ClassifierMLP)
	rep, table, js := evaluate(t, "run="+gan, "judge="+judgeDir, "samples=100", "kid_subsets=10", "kid_subset_size=50", "seed=3")
	judge, err := models.Open(judgeDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"fid", "kid", "kid_std", "precision", "recall", "density", "coverage", "cas", "cas_real"} {
		e, ok := js[k].(map[string]any)
		if !ok {
			t.Errorf("eval.json has no %q", k)
			continue
		}
		j, _ := e["judge"].(map[string]any)
		if e["seed"] != 3.0 || e["samples"] != 100.0 && k != "cas_real" || j["run"] != judgeDir || j["checkpoint_sha256"] != judge.Meta.TensorsSHA256 {
			t.Errorf("%s: %v; want seed 3, 100 samples, judge %s with hash %s", k, e, judgeDir, judge.Meta.TensorsSHA256)
		}
		if !strings.Contains(table, k+" ") {
			t.Errorf("the table has no row %s:\n%s", k, table)
		}
	}
	m := rep.Metrics
	for _, k := range []string{"precision", "recall", "coverage", "cas", "cas_real"} {
		if v := m[k].Value; v < 0 || v > 1 {
			t.Errorf("%s = %v, outside [0, 1]", k, v)
		}
	}
	if m["fid"].Value <= 0 || m["density"].Value < 0 || m["kid_std"].Value < 0 {
		t.Errorf("fid %v, density %v, kid_std %v", m["fid"].Value, m["density"].Value, m["kid_std"].Value)
	}
	if m["cas_real"].Value < 0.8 || m["cas"].Value >= m["cas_real"].Value {
		t.Errorf("cas %v, cas_real %v: a probe trained on real digits should reach 0.8 and beat one trained on a 2-epoch GAN's", m["cas"].Value, m["cas_real"].Value)
	}
	if js["checkpoint_sha256"] == "" || js["kind"] != "gan" {
		t.Errorf("eval.json run fields: %v %v", js["kind"], js["checkpoint_sha256"])
	}

	rep, table, _ = evaluate(t, "run="+gan, "samples=100")
	if len(rep.Metrics) != 0 || len(rep.Skipped) != 1 || !strings.Contains(table, "--judge") {
		t.Errorf("without a judge: metrics %v, table\n%s", rep.Metrics, table)
	}
}

// TestEvalVAE checks the bounds of a tiny digits VAE: nll_iwae at or below
// neg_elbo, and neg_elbo close to the test_loss training logged (the same
// quantity from the Gorgonia graph, with one draw per image).
func TestEvalVAE(t *testing.T) {
	dir := explaintest.Train(t, explaintest.DigitsVAE(4, 10))
	rep, _, js := evaluate(t, "run="+dir, "iwae_k=300", "test_images=0", "memory_mb=1")
	nll, elbo := rep.Metrics["nll_iwae"].Value, rep.Metrics["neg_elbo"].Value
	if !(nll <= elbo) {
		t.Errorf("nll_iwae %v > neg_elbo %v: the importance-weighted bound must be the tighter", nll, elbo)
	}
	if elbo-nll < 0.05 {
		t.Errorf("nll_iwae %v and neg_elbo %v nearly equal: with 300 samples the bound should tighten", nll, elbo)
	}
	near(t, "neg_elbo against training's test_loss", elbo, summaryNumber(t, dir, "test_loss"), 0.02)
	e, _ := js["nll_iwae"].(map[string]any)
	if e["samples"] != float64(rep.Metrics["nll_iwae"].Samples) || e["samples"].(float64) < 300 || e["judge"] != nil {
		t.Errorf("nll_iwae entry %v: want every test image counted and no judge", e)
	}
}

// TestEvalLM checks bits per character on the run's own validation text
// against the bits_per_char its training evaluation logged (the graph's
// row losses), and that a text with unseen characters is refused.
func TestEvalLM(t *testing.T) {
	dir := explaintest.Train(t, tinyLM)
	rep, _, _ := evaluate(t, "run="+dir)
	near(t, "bits_per_char against training's", rep.Metrics["bits_per_char"].Value, summaryNumber(t, dir, "bits_per_char"), 1e-4)
	text := filepath.Join(t.TempDir(), "held.txt")
	if err := os.WriteFile(text, []byte(strings.Repeat("the model ", 5)+"ü€"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, _ := config.Parse("test", []byte("{}\n"), config.EvalSchema(), []string{"run=" + dir, "text=" + text})
	if _, err := Evaluate(c, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "never saw") {
		t.Errorf("unseen characters: %v", err)
	}
}

// TestEvalRefusesClassifier checks the message for a run of another kind.
func TestEvalRefusesClassifier(t *testing.T) {
	dir := explaintest.Train(t, explaintest.ClassifierMLP)
	c, _ := config.Parse("test", []byte("{}\n"), config.EvalSchema(), []string{"run=" + dir})
	if _, err := Evaluate(c, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "--judge") {
		t.Errorf("a classifier run: %v", err)
	}
}
