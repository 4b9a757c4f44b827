package nets

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// This file holds the causal convolution body of the forecaster (model.arch
// tcn): the temporal convolutional network of Bai, Kolter and Koltun ("An
// Empirical Evaluation of Generic Convolutional and Recurrent Networks for
// Sequence Modeling", 2018), residual blocks of two dilated causal
// convolutions, the dilated causal convolution being WaveNet's (van den Oord
// et al., "WaveNet: A Generative Model for Raw Audio", 2016). It is built
// from this package's Conv2D; weight normalization is left out.

// maxTCNKernel bounds model.kernel, the taps of each causal convolution.
const maxTCNKernel = 64

// checkTCN checks the settings of the tcn body.
func (c ForecasterConfig) checkTCN(family string) error {
	if err := firstError(checkSize(family, "model.channels", c.Channels), checkSizes(family, "model.dilations", c.Dilations, true)); err != nil {
		return err
	}
	if c.Kernel < 1 || c.Kernel > maxTCNKernel {
		return fmt.Errorf("%s: model.kernel is %d; it must be between 1 and %d", family, c.Kernel, maxTCNKernel)
	}
	if l := c.tcnLength(); l > maxSize {
		return fmt.Errorf("%s: model.window %d rounded up to a multiple of every entry of model.dilations %v is %d, above %d: use dilations with a smaller common multiple", family, c.Window, c.Dilations, l, maxSize)
	}
	return nil
}

// tcnLength is the length of the sequence the blocks run on: the window
// rounded up to a multiple of the least common multiple of the dilations,
// so each dilated convolution can fold its input (see causalConv). The
// positions added before the window's first value are zeros (the training
// mean, on the standardized scale), as left padding would be.
func (c ForecasterConfig) tcnLength() int {
	m := 1
	for _, d := range c.Dilations {
		m = m / gcd(m, d) * d
		if m > maxSize {
			return maxSize + 1
		}
	}
	return (c.Window + m - 1) / m * m
}

// gcd is the greatest common divisor of two positive integers.
func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// ReceptiveField is the number of consecutive positions, ending at the last
// one, that the tcn body's output at the last position depends on:
// 1 + 2·(kernel−1)·Σ dilations (two convolutions per block). With a
// receptive field shorter than the window, the oldest lags reach the
// forecast only through the linear term.
func (c ForecasterConfig) ReceptiveField() int {
	sum := 0
	for _, d := range c.Dilations {
		sum += d
	}
	return 1 + 2*(c.Kernel-1)*sum
}

// tcnFeatures runs the residual blocks over the window x (batch, Window) and
// returns the features of the last position (batch, Channels), the one
// whose receptive field ends at lag 1. Block i maps h to
// act(drop(act(conv2(drop(act(conv1(h)))))) + r(h)), conv1 and conv2 causal
// convolutions with dilation Dilations[i] and r the identity, or a 1×1
// convolution where the channel count changes (the first block).
func (m *Forecaster) tcnFeatures(n *Net, x *G.Node) *G.Node {
	cfg, batch := m.Config, m.Batch
	length := cfg.tcnLength()
	h := n.Reshape("tcn.in", x, batch, 1, 1, cfg.Window)
	if length > cfg.Window {
		h = n.leftPad("tcn.pad", h, length-cfg.Window)
	}
	for i, d := range cfg.Dilations {
		name := fmt.Sprintf("block%d", i+1)
		z := n.Activate(cfg.Activation, n.causalConv(name+".conv1", h, cfg.Channels, cfg.Kernel, d))
		z = n.Dropout(name+".drop1", z, cfg.Dropout)
		z = n.Activate(cfg.Activation, n.causalConv(name+".conv2", z, cfg.Channels, cfg.Kernel, d))
		z = n.Dropout(name+".drop2", z, cfg.Dropout)
		res := h
		if i == 0 {
			res = n.causalConv(name+".residual", h, cfg.Channels, 1, 1)
		}
		h = n.Activate(cfg.Activation, n.Add(z, res))
	}
	if n.err != nil {
		return nil
	}
	// The last position, selected by a product with the one-hot column
	// e_{length−1}: (batch·channels, length) × (length, 1).
	n.Layer("tcn.last")
	sel := make([]float32, length)
	sel[length-1] = 1
	flat := n.Reshape("tcn.flat", h, batch*cfg.Channels, length)
	last := n.MatMul(flat, n.constant("tcn.last_position", sel, length, 1))
	return n.Reshape("tcn.features", last, batch, cfg.Channels)
}

// causalConv is a dilated causal convolution with a per-channel bias over x
// (N, C, 1, L): y[t] = b + Σ_{j<k} W_j x[t − (k−1−j)·d], with the values
// before position 0 zero. x is padded on the left only, by (k−1)·d zeros,
// then folded to (N, C, L/d + k − 1, d), so that a column holds the
// positions of one residue modulo d; a valid k×1 convolution down the
// columns is then the dilated convolution, and unfolding its output
// (N, O, L/d, d) gives (N, O, 1, L). L must be a multiple of d.
func (n *Net) causalConv(name string, x *G.Node, out, k, d int) *G.Node {
	if !n.dims(x, 4, "a causal convolution") {
		return nil
	}
	s := x.Shape()
	batch, in, length := s[0], s[1], s[3]
	if s[2] != 1 || length%d != 0 {
		n.Fail(name, fmt.Errorf("input %v must be (N, C, 1, L) with L a multiple of the dilation %d", s, d))
		return nil
	}
	h := x
	if pad := (k - 1) * d; pad > 0 {
		h = n.leftPad(name+".pad", h, pad)
	}
	n.Layer(name)
	h = n.Reshape(name+".fold", h, batch, in, length/d+k-1, d)
	w := n.Param(name+".weight", []int{out, in, k, 1}, in*k, out*k, UniformFanIn, Weight)
	y := n.apply("conv2d", func() (*G.Node, error) { return Conv2D(n.BLAS, h, w, 1, 0) }, h, w)
	y = n.Reshape(name+".unfold", y, batch, out, 1, length)
	b := n.Param(name+".bias", []int{1, out, 1, 1}, in*k, out*k, UniformFanIn, Bias)
	return n.apply("channel bias", func() (*G.Node, error) { return AddChannelBias(y, b) }, y, b)
}

// leftPad prepends pad zeros to the last axis of x (N, C, 1, L).
func (n *Net) leftPad(name string, x *G.Node, pad int) *G.Node {
	if n.err != nil {
		return nil
	}
	s := x.Shape()
	zeros := n.constant(name+".zeros", make([]float32, s[0]*s[1]*s[2]*pad), s[0], s[1], s[2], pad)
	return n.Concat(3, zeros, x)
}

// constant adds a float32 constant node of the given shape holding v; its
// name must be unique in the graph.
func (n *Net) constant(name string, v []float32, shape ...int) *G.Node {
	if n.err != nil {
		return nil
	}
	t := tensor.New(tensor.WithShape(shape...), tensor.WithBacking(v))
	return G.NewTensor(n.G, tensor.Float32, len(shape), G.WithShape(shape...), G.WithValue(t), G.WithName(name))
}
