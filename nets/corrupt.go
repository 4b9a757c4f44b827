package nets

import (
	"fmt"
	"strconv"
	"strings"

	"genxai/engine"

	G "gorgonia.org/gorgonia"
)

// Corruption is the noise a denoising autoencoder (Vincent, Larochelle,
// Bengio and Manzagol, "Extracting and Composing Robust Features with
// Denoising Autoencoders", 2008) puts on its input: the encoder sees the
// corrupted image, the loss scores the clean one. Kind is one of
// CorruptionKinds; Level is the Gaussian standard deviation σ, or the
// probability p that a pixel is hit by salt-and-pepper noise or masked.
type Corruption struct {
	Kind  string
	Level float64
}

// CorruptionKinds lists the kinds of Corruption: none, gaussian (x + σ·n,
// n ~ N(0, 1), clipped to [0, 1]), saltpepper (with probability p a pixel
// becomes 0 or 1, each with probability ½) and mask (with probability p a
// pixel becomes 0, the masking noise of Vincent et al.).
var CorruptionKinds = []string{"none", "gaussian", "saltpepper", "mask"}

// ParseCorruption reads a corruption written KIND:LEVEL (gaussian:0.3,
// saltpepper:0.1, mask:0.25) or none; the error says what is allowed.
func ParseCorruption(s string) (Corruption, error) {
	s = strings.TrimSpace(s)
	if s == "none" || s == "" {
		return Corruption{Kind: "none"}, nil
	}
	kind, level, ok := strings.Cut(s, ":")
	if !ok {
		return Corruption{}, fmt.Errorf("%q: want none or KIND:LEVEL with KIND one of gaussian, saltpepper, mask (e.g. gaussian:0.3)", s)
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(level), 64)
	if err != nil {
		return Corruption{}, fmt.Errorf("%q: the level %q is not a number (e.g. gaussian:0.3)", s, level)
	}
	c := Corruption{Kind: strings.TrimSpace(kind), Level: v}
	return c, c.Validate()
}

// String writes c as ParseCorruption reads it.
func (c Corruption) String() string {
	if c.Kind == "none" || c.Kind == "" {
		return "none"
	}
	return c.Kind + ":" + strconv.FormatFloat(c.Level, 'g', -1, 64)
}

// Validate checks the kind and the range of the level: σ in (0, 1] for
// gaussian, p in (0, 1) for saltpepper and mask.
func (c Corruption) Validate() error {
	switch c.Kind {
	case "none", "":
		return nil
	case "gaussian":
		if !(c.Level > 0 && c.Level <= 1) {
			return fmt.Errorf("the Gaussian standard deviation %v must be in (0, 1] (pixels are in [0, 1])", c.Level)
		}
	case "saltpepper", "mask":
		if !(c.Level > 0 && c.Level < 1) {
			return fmt.Errorf("the %s probability %v must be in (0, 1)", c.Kind, c.Level)
		}
	default:
		return fmt.Errorf("corruption kind %q is not known (allowed: %s)", c.Kind, strings.Join(CorruptionKinds, ", "))
	}
	return nil
}

// Corrupt adds c's corruption of x (values in [0, 1]) to the graph and
// returns the corrupted node and the random inputs its executor must fill
// from the counter-based generator (engine.RandomInput), in the order given:
//
//   - gaussian: a Normal(0, σ) input n; clip(x + n) with clip(y) = r − relu(r − 1),
//     r = relu(y), which is exact for y ≤ 2;
//   - mask: a Bernoulli keep mask k (engine.Dropout with probability p,
//     scaled back to 0 or 1) and x·k;
//   - saltpepper: the keep mask k and a fair coin s ∈ {0, 1} (engine.Dropout
//     at ½, halved), and x·k + (1 − k)·s.
//
// With kind none it returns x and no inputs. Everything runs in the graph,
// so every executor and backend applies the same corruption.
func (n *Net) Corrupt(name string, c Corruption, x *G.Node) (*G.Node, []engine.RandomInput) {
	if n.err != nil || c.Kind == "none" || c.Kind == "" {
		return x, nil
	}
	if err := c.Validate(); err != nil {
		n.Fail(name, err)
		return nil, nil
	}
	n.Layer(name)
	shape := x.Shape()
	switch c.Kind {
	case "gaussian":
		noise := n.Input(name+".noise", shape...)
		r := n.unary("relu", G.Rectify, n.Add(x, noise))
		return n.Sub(r, n.unary("relu", G.Rectify, n.AddConst(r, -1))), []engine.RandomInput{{Node: noise, Kind: engine.Normal, A: 0, B: c.Level}}
	case "mask":
		raw := n.Input(name+".keep", shape...)
		keep := n.Scale(raw, 1-c.Level)
		return n.Mul(x, keep), []engine.RandomInput{{Node: raw, Kind: engine.Dropout, A: c.Level}}
	default: // saltpepper
		raw := n.Input(name+".keep", shape...)
		coinRaw := n.Input(name+".coin", shape...)
		keep := n.Scale(raw, 1-c.Level)
		coin := n.Scale(coinRaw, 0.5)
		hit := n.AddConst(n.Neg(keep), 1)
		return n.Add(n.Mul(x, keep), n.Mul(hit, coin)), []engine.RandomInput{
			{Node: raw, Kind: engine.Dropout, A: c.Level}, {Node: coinRaw, Kind: engine.Dropout, A: 0.5}}
	}
}

// Corrupter is a graph that only corrupts: images in, corrupted images out,
// for measuring a denoiser on inputs corrupted exactly as in training.
type Corrupter struct {
	Net    *Net
	X      *G.Node // (batch, d) in [0, 1]
	Out    *G.Node // the corrupted images
	Random []engine.RandomInput
}

// corrupterConfig validates a Corrupter's settings for build.
type corrupterConfig struct {
	c Corruption
	d int
}

// Validate checks the corruption and the image size.
func (c corrupterConfig) Validate() error {
	if c.c.Kind == "none" || c.c.Kind == "" {
		return fmt.Errorf("corrupter: the corruption is none; give gaussian:σ, saltpepper:p or mask:p")
	}
	return firstError(c.c.Validate(), checkSize("corrupter", "image size", c.d))
}

// NewCorrupter builds a Corrupter for batches of batch images of d values.
func NewCorrupter(c Corruption, batch, d int) (*Corrupter, error) {
	m := &Corrupter{}
	return build(m, &m.Net, "corrupter", corrupterConfig{c, d}, NewStore(0), batch, false, func(n *Net) {
		m.X = n.Input("x", batch, d)
		m.Out, m.Random = n.Corrupt("corrupt", c, m.X)
		n.Keep(m.Out)
	})
}
