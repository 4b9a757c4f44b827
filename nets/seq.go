package nets

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// This file holds the layers of sequence models. A sequence batch is kept as a
// matrix of shape (batch·T, C): row b·T+t is position t of sequence b, so the
// position-wise layers (Dense, LayerNorm, the MLP) see an ordinary 2-D input
// and only attention reshapes it.

// Linear is a fully connected layer y = x·W + b whose weights start from
// N(0, std²) and whose bias starts at zero, the initialization of GPT-2 and
// nanoGPT (where Dense uses PyTorch's fan-in uniform default).
func (n *Net) Linear(name string, x *G.Node, out int, std float64) *G.Node {
	return n.affine(name, x, out, Normal(std), Constant(0))
}

// LinearNoBias is Linear without the bias: the attention's key projection,
// whose bias adds the same score q·b to every key of a query, which the
// softmax cancels (so its gradient is zero and it would learn only from
// rounding noise).
func (n *Net) LinearNoBias(name string, x *G.Node, out int, std float64) *G.Node {
	return n.affine(name, x, out, Normal(std), nil)
}

// LayerNorm normalizes each row of x (rows, C) to zero mean and unit variance
// over its C features and applies a learned per-feature scale and shift (Ba,
// Kiros and Hinton, "Layer Normalization", 2016). Unlike BatchNorm it uses no
// batch statistics, so training and evaluation graphs compute the same thing.
// It is one node (nets/norm.go), which the plan runs as the backend's fused
// LayerNorm kernel and its gradient as LayerNormGrad; ε is 1e-5.
func (n *Net) LayerNorm(name string, x *G.Node) *G.Node {
	n.Layer(name)
	if !n.dims(x, 2, "layer norm") {
		return nil
	}
	c := x.Shape()[1]
	gamma := n.Param(name+".weight", []int{c}, c, c, Constant(1), Bias)
	beta := n.Param(name+".bias", []int{c}, c, c, Constant(0), Bias)
	return n.apply("layer norm", func() (*G.Node, error) { return layerNorm(x, gamma, beta) }, x, gamma, beta)
}

// Embedding maps tokens to learned vectors. onehot is (rows, vocab) with a
// single 1 per row (the trainer fills it); the result is onehot·E with E of
// shape (vocab, dim), initialized from N(0, std²). A one-hot product is the
// same lookup as indexing and keeps the gradient an ordinary matrix product;
// for a character vocabulary of a few dozen symbols it costs little. The
// table is the node E returned second, for weight tying.
func (n *Net) Embedding(name string, onehot *G.Node, dim int, std float64) (out, table *G.Node) {
	n.Layer(name)
	if !n.dims(onehot, 2, "an embedding") {
		return nil, nil
	}
	vocab := onehot.Shape()[1]
	e := n.Param(name+".weight", []int{vocab, dim}, vocab, dim, Normal(std), Weight)
	return n.MatMul(onehot, e), e
}

// PositionEmbedding adds a learned vector per position to x (batch·T, C):
// row b·T+t gets P[t], with P of shape (T, C) initialized from N(0, std²)
// (learned absolute positions, as GPT-2).
func (n *Net) PositionEmbedding(name string, x *G.Node, batch, T int, std float64) *G.Node {
	n.Layer(name)
	if !n.dims(x, 2, "a position embedding") {
		return nil
	}
	c := x.Shape()[1]
	p := n.Param(name+".weight", []int{T, c}, T, c, Normal(std), Weight)
	flatP := n.Reshape(name, p, T*c)
	rows := n.Reshape(name, x, batch, T*c)
	return n.Reshape(name, n.BroadcastAdd(rows, flatP, nil, []byte{0}), batch*T, c)
}

// CausalSelfAttention is multi-head scaled dot-product self-attention with a
// causal mask (Vaswani et al., "Attention Is All You Need", 2017; the decoder
// of Radford et al., GPT, 2018). x is (batch·T, C) with C divisible by heads.
// Per head of size D = C/heads:
//
//	att = softmax(Q·Kᵀ/√D + M)·V,   M[t][s] = −∞ for s > t, 0 otherwise,
//
// computed for all batch·heads pairs at once with BatchedMatMul; the heads are
// concatenated and projected back to C. The projections start from
// N(0, 0.02²), the output projection from N(0, (0.02/√(2·layers))²) as in
// GPT-2, passed as projStd. dropout applies to the attention weights and to
// the output.
func (n *Net) CausalSelfAttention(name string, x *G.Node, batch, T, heads int, projStd, dropout float64) *G.Node {
	n.Layer(name)
	if !n.dims(x, 2, "self-attention") {
		return nil
	}
	c := x.Shape()[1]
	if heads < 1 || c%heads != 0 {
		n.Fail(name, fmt.Errorf("embedding size %d is not divisible by %d heads", c, heads))
		return nil
	}
	d := c / heads
	q := n.splitHeads(name+".q", n.Linear(name+".q", x, c, 0.02), batch, T, heads, d)
	k := n.splitHeads(name+".k", n.LinearNoBias(name+".k", x, c, 0.02), batch, T, heads, d)
	v := n.splitHeads(name+".v", n.Linear(name+".v", x, c, 0.02), batch, T, heads, d)
	n.Layer(name)
	scores := n.Scale(n.BatchedMatMul(q, k, false, true), 1/math.Sqrt(float64(d))) // (batch·heads, T, T)
	masked := n.BroadcastAdd(n.Reshape(name, scores, batch*heads, T*T), n.causalMask(T), nil, []byte{0})
	att := n.SoftMax(n.Reshape(name, masked, batch*heads*T, T), 1)
	att = n.Dropout(name+".attn_drop", att, dropout)
	y := n.BatchedMatMul(n.Reshape(name, att, batch*heads, T, T), v, false, false) // (batch·heads, T, D)
	y = n.Transpose(n.Reshape(name, y, batch, heads, T, d), 0, 2, 1, 3)            // (batch, T, heads, D)
	y = n.Reshape(name, y, batch*T, c)
	y = n.Linear(name+".proj", y, c, projStd)
	return n.Dropout(name+".resid_drop", y, dropout)
}

// splitHeads turns (batch·T, heads·D) into (batch·heads, T, D).
func (n *Net) splitHeads(name string, x *G.Node, batch, T, heads, d int) *G.Node {
	x = n.Reshape(name, x, batch, T, heads, d)
	return n.Reshape(name, n.Transpose(x, 0, 2, 1, 3), batch*heads, T, d)
}

// maskValue stands for −∞ in the causal mask: exp(maskValue − max) is 0 in
// float32, and unlike −Inf it keeps 0·mask finite in the backward pass.
const maskValue = -1e9

// causalMask is the (T·T) matrix, a graph node that is not a parameter, M with M[t·T+s] = maskValue for s > t.
func (n *Net) causalMask(T int) *G.Node {
	if n.err != nil {
		return nil
	}
	m := make([]float32, T*T)
	for t := 0; t < T; t++ {
		for s := t + 1; s < T; s++ {
			m[t*T+s] = maskValue
		}
	}
	v := tensor.New(tensor.WithShape(T*T), tensor.WithBacking(m))
	return G.NewTensor(n.G, tensor.Float32, 1, G.WithShape(T*T), G.WithValue(v), G.WithName(fmt.Sprintf("causal_mask_%d", T)))
}
