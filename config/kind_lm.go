package config

// lmKeys are the model.* keys of kind "lm": a character-level causal
// transformer language model in the shape of GPT-2 (Radford et al. 2019) as
// nanoGPT writes it. data.path names any UTF-8 text file; its first 90% is the
// training text and the last 10% the validation text.
func lmKeys() []Key {
	return []Key{
		IntKey("model.block", 64, "context length in characters").Range(1, 8192),
		IntKey("model.layers", 4, "number of transformer blocks").Range(1, 256),
		IntKey("model.heads", 4, "attention heads per block; must divide model.embed").Range(1, 256),
		IntKey("model.embed", 128, "embedding size").Range(1, 65536),
		FloatKey("model.dropout", 0, "dropout on embeddings, attention weights and residual branches; 0 = off").AtLeast(0).LessThan(1),
		IntKey("model.eval_batches", 0, "validation windows scored after each epoch, in batches of 64; 0 = the whole validation text").AtLeast(0),
	}
}

func lmCheck(c *Config) []error {
	if e, h := c.Int("model.embed"), c.Int("model.heads"); e%h != 0 {
		return []error{c.Errorf("model.heads", "does not divide model.embed (%d): each head gets model.embed/model.heads features; pick a divisor of %d", e, e)}
	}
	return nil
}

func init() {
	RegisterKind("lm", lmKeys()...)
	RegisterCheck("lm", lmCheck)
}
