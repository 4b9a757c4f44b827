package tokens

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"genxai/xai/explain/explaintest"
)

const lmTiny = `
model: {kind: lm, block: 32, layers: 2, heads: 2, embed: 16}
seed: 4
device: cpu
data: {path: ../../data/corpus/genxai.txt}
train: {steps: 150, batch_size: 16, lr: 3.0e-3}
`

func TestTokens(t *testing.T) {
	run := explaintest.Train(t, lmTiny)
	out := t.TempDir()
	s, err := Run(Options{Run: run, Out: out, Prompt: "The model ", Tokens: 12, Seed: 1, Executor: "tape"})
	if err != nil {
		t.Fatal(err)
	}
	explaintest.CheckPNG(t, filepath.Join(out, "tokens.png"), 200, 150)
	for l := 0; l < 2; l++ {
		for h := 0; h < 2; h++ {
			explaintest.CheckPNG(t, filepath.Join(out, "attention_l"+string(rune('0'+l))+"_h"+string(rune('0'+h))+".png"), 200, 200)
		}
	}
	// Causality: no later character matters for an earlier output, exactly.
	if v := s["causality_violations"].(int); v != 0 {
		t.Errorf("%d importances of later characters are non-zero (largest %v)", v, s["max_future_importance"])
	}
	imp := s["importance"].([][]float64)
	if len(imp) != 12 {
		t.Fatalf("%d rows of importance, want one per generated character (12)", len(imp))
	}
	for k, row := range imp {
		tpos := len(row) - 12 + k // output position of generated character k
		var past float64
		for u := 0; u < tpos; u++ {
			past += row[u]
		}
		if !(past > 0) || !(row[tpos] > 0) {
			t.Errorf("generated character %d: the earlier characters (sum %v) or the current one (%v) have no importance", k, past, row[tpos])
		}
	}
	page, err := os.ReadFile(filepath.Join(out, "tokens.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "mouseenter") || !strings.Contains(string(page), `class="gen"`) {
		t.Error("tokens.html has no hover rows")
	}
}

func TestTokensRejects(t *testing.T) {
	run := explaintest.Train(t, lmTiny)
	for i, o := range []Options{
		{Run: run, Out: t.TempDir(), Prompt: "", Tokens: 5},
		{Run: run, Out: t.TempDir(), Prompt: "Ωmega", Tokens: 5},
		{Run: run, Out: t.TempDir(), Prompt: "The", Tokens: 40},
	} {
		o.Executor = "tape"
		if _, err := Run(o); err == nil {
			t.Errorf("case %d: no error", i)
		}
	}
}
