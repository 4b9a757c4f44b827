// Package tokens explains a character-level transformer language model: for
// a prompt and the continuation the model generates, how important each input
// character is for each generated character, and where each attention head
// looks.
//
// Importance is gradient × input on the token embeddings (Denil et al., 2014;
// the "gradient × embedding" of Atanasova et al., 2020): for the output at
// position t, which predicts character s_{t+1}, the importance of input
// position u is ‖e_u ⊙ ∂log p(s_{t+1} | s_≤t)/∂e_u‖₂, e_u the embedding of
// the character at u (before the position embedding is added). Causal masking
// makes it exactly zero for u > t. The gradient is read from the position embedding, which is added to the token
// embeddings (one backward pass per generated character).
package tokens

import (
	"fmt"
	"math"
	"math/rand"
	"strings"

	G "gorgonia.org/gorgonia"

	"genxai/engine"
	"genxai/models"
	"genxai/xai/explain"
)

// Options are the settings of `genxai explain tokens`.
type Options struct {
	Run         string  // language model run directory
	Out         string  // output directory
	Prompt      string  // text to continue
	Tokens      int     // characters to generate
	Temperature float64 // 0 = greedy
	TopK        int
	Seed        int64
	Executor    string
}

// Flags returns the options as config.yaml settings.
func (o Options) Flags() map[string]any {
	return map[string]any{"run": o.Run, "prompt": o.Prompt, "tokens": o.Tokens, "temperature": o.Temperature,
		"top_k": o.TopK, "seed": o.Seed, "executor": o.Executor}
}

// Explanation is the result for one prompt.
type Explanation struct {
	Text       []rune          // the window explained: prompt (possibly cut on the left) and continuation
	Prompt     int             // characters of Text that are prompt
	Importance [][]float64     // [generated k][input position u], k for output position Prompt−1+k
	Attention  [][][][]float64 // [layer][head][t][u] for the window
}

// Explain generates the continuation and computes the importance matrix
// and the attention maps.
func Explain(o Options) (*Explanation, error) {
	if o.Tokens < 1 {
		return nil, fmt.Errorf("--tokens must be at least 1, got %d", o.Tokens)
	}
	if o.Prompt == "" {
		return nil, fmt.Errorf("--prompt is empty: give the text to continue")
	}
	run, err := explain.OpenKind(o.Run, "explain tokens", "lm")
	if err != nil {
		return nil, err
	}
	run.UseExecutor(o.Executor)
	gen, vocab, err := run.LM()
	if err != nil {
		return nil, fmt.Errorf("loading the language model of %s: %w", o.Run, err)
	}
	cfg := gen.Config
	T := cfg.Block
	if o.Tokens >= T {
		return nil, fmt.Errorf("--tokens %d does not fit the model's context of %d characters (model.block): ask for at most %d", o.Tokens, T, T-1)
	}
	index := map[rune]int{}
	for i, r := range vocab {
		index[r] = i
	}
	var prompt []int
	for i, r := range []rune(o.Prompt) {
		id, ok := index[r]
		if !ok {
			return nil, fmt.Errorf("--prompt: character %d, %q, is not in the model's vocabulary of %d characters (%q)", i+1, r, len(vocab), string(vocab))
		}
		prompt = append(prompt, id)
	}
	genEx, err := run.Executor(gen.Net)
	if err != nil {
		return nil, err
	}
	cont, err := models.Generate(gen, genEx, prompt, o.Tokens, o.Temperature, o.TopK, rand.New(rand.NewSource(o.Seed)))
	genEx.Close()
	if err != nil {
		return nil, err
	}
	// The window: the last T characters of prompt + continuation, minus the
	// final one (it is predicted, never read).
	seq := append(append([]int(nil), prompt...), cont...)
	keep := min(len(seq), T+1)
	seq = seq[len(seq)-keep:]
	n := len(seq) - 1      // input positions 0..n−1; output at t predicts seq[t+1]
	first := n - len(cont) // output position of the first generated character
	if first < 0 {
		first = 0
	}
	gens := n - first

	m, _, err := run.LM()
	if err != nil {
		return nil, err
	}
	store := m.Net.Store
	g := m.Net.G
	atts := attentionNodes(g, cfg.Heads*T, T)
	if len(atts) != cfg.Layers {
		return nil, fmt.Errorf("found %d attention maps in the transformer graph, want one per layer (%d)", len(atts), cfg.Layers)
	}
	// The position embedding P is added to the token embeddings, so with
	// one sequence in the batch ∂L/∂P[u] = ∂L/∂e_u: the gradient with respect
	// to the embedding of the character at u.
	var wpe *G.Node
	for i, name := range m.Net.ParamNames() {
		if name == "wpe.weight" {
			wpe = m.Net.Params()[i]
		}
	}
	wte := store.Data("wte.weight")
	if wpe == nil || wte == nil {
		return nil, fmt.Errorf("the transformer graph has no wpe.weight or wte.weight: it has changed shape")
	}
	if _, err := G.Grad(m.Loss, wpe); err != nil {
		return nil, fmt.Errorf("differentiating the language model: %w", err)
	}
	m.Net.Keep(atts...)
	ex, err := run.Executor(m.Net, wpe)
	if err != nil {
		return nil, err
	}
	defer ex.Close()
	V, C := cfg.Vocab, cfg.Embed
	tok, tgt, w := m.Net.InputData("tokens"), m.Net.InputData("target"), m.Net.InputData("row_weight")
	clear(tok)
	for u := 0; u < n; u++ {
		tok[u*V+seq[u]] = 1
	}
	res := &Explanation{Prompt: first + 1}
	for _, id := range seq {
		res.Text = append(res.Text, vocab[id])
	}
	for b := 0; b < gens; b++ {
		t := first + b
		clear(tgt)
		clear(w)
		tgt[t*V+seq[t+1]] = 1
		w[t] = 1
		if err := ex.Run(); err != nil {
			return nil, fmt.Errorf("running the language model: %w", err)
		}
		gp, err := engine.Grad(wpe)
		if err != nil {
			return nil, err
		}
		row := make([]float64, n)
		for u := 0; u < n; u++ {
			e := wte[seq[u]*C : (seq[u]+1)*C]
			var s float64
			for c := 0; c < C; c++ {
				v := float64(e[c]) * float64(gp[u*C+c])
				s += v * v
			}
			row[u] = math.Sqrt(s)
		}
		res.Importance = append(res.Importance, row)
	}
	for l := range atts {
		a, err := explain.Values(atts[l])
		if err != nil {
			return nil, err
		}
		var heads [][][]float64
		for h := 0; h < cfg.Heads; h++ {
			mat := make([][]float64, n)
			for t := 0; t < n; t++ {
				mat[t] = make([]float64, n)
				for u := 0; u < n; u++ {
					mat[t][u] = float64(a[(h*T+t)*T+u])
				}
			}
			heads = append(heads, mat)
		}
		res.Attention = append(res.Attention, heads)
	}
	return res, nil
}

// attentionNodes finds the attention weights: the (non-log) softmax nodes of
// shape (batch·heads·T, T), in layer order.
func attentionNodes(g *G.ExprGraph, rows, T int) []*G.Node {
	var out []*G.Node
	for _, n := range g.AllNodes() {
		if n.Op() == nil {
			continue
		}
		s := n.Op().String()
		if strings.HasPrefix(s, "Softmax{") && strings.Contains(s, "false}") {
			if sh := n.Shape(); len(sh) == 2 && sh[0] == rows && sh[1] == T {
				out = append(out, n)
			}
		}
	}
	return out
}
