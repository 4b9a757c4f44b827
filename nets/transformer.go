package nets

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
)

// TransformerConfig describes a character-level causal transformer language
// model in the shape of GPT-2 (Radford et al., "Language Models are
// Unsupervised Multitask Learners", 2019) as nanoGPT writes it: token and
// position embeddings, pre-LayerNorm blocks of causal multi-head
// self-attention and a GELU MLP, a final LayerNorm, and an output layer tied
// to the token embedding.
type TransformerConfig struct {
	Vocab   int     // number of distinct tokens (characters)
	Block   int     // context length T
	Layers  int     // number of blocks
	Heads   int     // attention heads per block
	Embed   int     // embedding size C, divisible by Heads
	Dropout float64 // dropout on embeddings, attention weights and residual branches
}

// Validate checks the configuration; an error names the setting at fault.
func (c TransformerConfig) Validate() error {
	const family = "transformer"
	if c.Vocab < 2 || c.Vocab > maxSize {
		return fmt.Errorf("transformer: the vocabulary has %d symbols; a corpus needs between 2 and %d distinct characters", c.Vocab, maxSize)
	}
	if err := firstError(checkSize(family, "model.block", c.Block), checkSize(family, "model.heads", c.Heads), checkSize(family, "model.embed", c.Embed)); err != nil {
		return err
	}
	if c.Layers < 1 || c.Layers > maxDepth {
		return fmt.Errorf("transformer: model.layers is %d; it must be between 1 and %d", c.Layers, maxDepth)
	}
	if c.Embed%c.Heads != 0 {
		return fmt.Errorf("transformer: model.embed (%d) must be a positive multiple of model.heads (%d)", c.Embed, c.Heads)
	}
	return checkDropout(family, "model.dropout", c.Dropout)
}

// Transformer is the graph of the language model for one batch size.
//
// Inputs (filled by the trainer): Tokens, the one-hot input characters
// (batch·T, vocab), row b·T+t for position t of sequence b; Target, the
// one-hot next characters, same shape; RowWeight, one weight per position
// (1/(real positions) for real ones, 0 for padding).
//
// Logits are (batch·T, vocab); RowLoss is the cross-entropy of each position
// in nats, Loss Σ RowWeight·RowLoss.
type Transformer struct {
	Net    *Net
	Config TransformerConfig
	Batch  int

	Tokens, Target, RowWeight *G.Node
	Logits                    *G.Node
	RowLoss, Loss             *G.Node
}

// NewTransformer builds the language model's graph for the given batch size,
// drawing parameters from store.
func NewTransformer(store *Store, cfg TransformerConfig, batch int, training bool) (*Transformer, error) {
	m := &Transformer{Config: cfg, Batch: batch}
	return build(m, &m.Net, "transformer", cfg, store, batch, training, func(n *Net) {
		T, C := cfg.Block, cfg.Embed
		rows := batch * T
		m.Tokens = n.Input("tokens", rows, cfg.Vocab)
		m.Target = n.Input("target", rows, cfg.Vocab)
		m.RowWeight = n.Input("row_weight", rows)

		x, wte := n.Embedding("wte", m.Tokens, C, 0.02)
		x = n.PositionEmbedding("wpe", x, batch, T, 0.02)
		x = n.Dropout("drop", x, cfg.Dropout)
		projStd := 0.02 / math.Sqrt(2*float64(cfg.Layers)) // GPT-2's scaled init of residual projections
		for i := 0; i < cfg.Layers; i++ {
			x = transformerBlock(n, fmt.Sprintf("h%d", i), x, cfg, batch, projStd)
		}
		x = n.LayerNorm("ln_f", x)

		// Output layer tied to the token embedding (Press and Wolf, 2017): logits = x·Eᵀ.
		n.Layer("lm_head")
		m.Logits = n.MatMul(x, n.Transpose(wte))
		m.RowLoss = n.CrossEntropy("loss", m.Logits, m.Target)
		n.Layer("loss")
		m.Loss = n.WeightedSum(m.RowLoss, m.RowWeight)
		n.Keep(m.Logits, m.RowLoss, m.Loss)
	})
}

// transformerBlock is one pre-LayerNorm block:
//
//	x = x + attn(ln1(x))
//	x = x + proj(gelu(fc(ln2(x))))
//
// with the MLP four times as wide as the embedding.
func transformerBlock(n *Net, name string, x *G.Node, cfg TransformerConfig, batch int, projStd float64) *G.Node {
	a := n.CausalSelfAttention(name+".attn", n.LayerNorm(name+".ln_1", x), batch, cfg.Block, cfg.Heads, projStd, cfg.Dropout)
	n.Layer(name + ".residual")
	x = n.Add(x, a)
	h := n.Linear(name+".mlp.fc", n.LayerNorm(name+".ln_2", x), 4*cfg.Embed, 0.02)
	h = n.Activate("gelu", h)
	h = n.Linear(name+".mlp.proj", h, cfg.Embed, projStd)
	h = n.Dropout(name+".mlp.drop", h, cfg.Dropout)
	n.Layer(name + ".residual")
	return n.Add(x, h)
}
