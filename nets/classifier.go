package nets

import (
	"fmt"

	G "gorgonia.org/gorgonia"
)

// ClassifierConfig describes an image classifier: a multilayer perceptron or
// a small convolutional network in the style of LeNet (LeCun et al.,
// "Gradient-Based Learning Applied to Document Recognition", 1998): blocks of
// 3×3 convolution, activation and 2×2 max pooling, then a dense head.
type ClassifierConfig struct {
	Arch       string  // "mlp" or "cnn"
	C, H, W    int     // input image shape
	Classes    int     // number of classes
	Hidden     []int   // mlp: hidden widths; cnn: widths of the dense head before the output layer
	Channels   []int   // cnn: output channels of each conv+pool block
	Activation string  // see Activations
	Dropout    float64 // dropout probability after each hidden dense layer
	BatchNorm  bool    // batch normalization before each activation
}

// Validate checks the configuration against the input shape.
func (c ClassifierConfig) Validate() error {
	switch c.Arch {
	case "mlp":
		if len(c.Hidden) == 0 {
			return fmt.Errorf("classifier: model.hidden must list at least one width for the mlp variant")
		}
	case "cnn":
		if len(c.Channels) == 0 {
			return fmt.Errorf("classifier: model.channels must list at least one channel count for the cnn variant")
		}
		if c.H>>len(c.Channels) < 1 || c.W>>len(c.Channels) < 1 {
			return fmt.Errorf("classifier: the cnn variant halves the image once per entry of model.channels (%d entries), which leaves nothing of a %d×%d image: use fewer channels", len(c.Channels), c.H, c.W)
		}
	default:
		return fmt.Errorf("classifier: model.arch %q is not known (allowed: mlp, cnn)", c.Arch)
	}
	if c.Classes < 2 {
		return fmt.Errorf("classifier: the data has %d classes, at least 2 are needed", c.Classes)
	}
	if c.C < 1 || c.H < 1 || c.W < 1 {
		return fmt.Errorf("classifier: image shape %d×%d×%d is empty", c.C, c.H, c.W)
	}
	return nil
}

// Classifier is the graph of an image classifier for one batch size.
//
// Inputs (filled by the trainer): X, the images flattened to (batch, C·H·W);
// Target, the one-hot labels (batch, classes); RowWeight, one weight per row
// (1/rows for real rows, 0 for padding).
//
// Features is the last hidden layer (after its activation, before dropout):
// the feature space in which the GAN's Fréchet distance is measured.
// Logits are the unnormalized class scores, Probs their softmax. RowLoss is
// the softmax cross-entropy of each row in nats, Loss Σ RowWeight·RowLoss.
type Classifier struct {
	Net    *Net
	Config ClassifierConfig
	Batch  int

	X, Target, RowWeight *G.Node
	Features             *G.Node // (batch, last hidden width)
	Logits, Probs        *G.Node // (batch, classes)
	RowLoss, Loss        *G.Node
}

// NewClassifier builds a classifier graph for the given batch size, drawing
// parameters from store.
func NewClassifier(store *Store, cfg ClassifierConfig, batch int, training bool) (*Classifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	n := NewNet(store, training)
	m := &Classifier{Net: n, Config: cfg, Batch: batch}
	m.X = n.Input("x", batch, cfg.C*cfg.H*cfg.W)
	m.Target = n.Input("target", batch, cfg.Classes)
	m.RowWeight = n.Input("row_weight", batch)

	h := m.X
	if cfg.Arch == "cnn" {
		h = n.Reshape("in", h, batch, cfg.C, cfg.H, cfg.W)
		for i, ch := range cfg.Channels {
			name := fmt.Sprintf("conv%d", i+1)
			h = n.Conv2D(name, h, ch, 3, 1, 1)
			if cfg.BatchNorm {
				h = n.BatchNorm(name+".bn", h)
			}
			h = n.Activate(cfg.Activation, h)
			h = n.MaxPool2D(name+".pool", h, 2)
		}
		if n.Err() == nil {
			s := h.Shape()
			h = n.Reshape("flat", h, batch, s[1]*s[2]*s[3])
		}
	}
	for i, width := range cfg.Hidden {
		name := fmt.Sprintf("fc%d", i+1)
		h = n.Dense(name, h, width)
		if cfg.BatchNorm {
			h = n.BatchNorm(name+".bn", h)
		}
		h = n.Activate(cfg.Activation, h)
		m.Features = h
		h = n.Dropout(name+".drop", h, cfg.Dropout)
	}
	if m.Features == nil {
		m.Features = h // a cnn without a dense head: the flattened last block
	}
	m.Logits = n.Dense("out", h, cfg.Classes)
	m.RowLoss = n.CrossEntropy("loss", m.Logits, m.Target)
	// Probs as exp(log-softmax): Gorgonia v0.9.18 hashes SoftMax and
	// LogSoftMax of one node alike, so a graph holding both would merge them
	// (see TestSoftMaxAndLogSoftMaxMerge).
	n.Layer("softmax")
	m.Probs = n.Op(G.Exp(n.Op(G.LogSoftMax(m.Logits, 1))))
	n.Layer("loss")
	m.Loss = n.WeightedSum(m.RowLoss, m.RowWeight)
	if err := n.Err(); err != nil {
		return nil, fmt.Errorf("classifier: %w", err)
	}
	m.Net.Keep(m.Features, m.Logits, m.Probs, m.RowLoss, m.Loss)
	return m, nil
}

// CrossEntropy is the softmax cross-entropy of each row of logits (rows,
// classes) against target, a one-hot (or any probability) matrix of the same
// shape: −Σ_j target_j · log softmax(logits)_j, in nats, shape (rows). The
// log-softmax subtracts the row maximum first, so large logits do not overflow.
func (n *Net) CrossEntropy(name string, logits, target *G.Node) *G.Node {
	if n.err != nil {
		return nil
	}
	n.layer = name
	logp := n.Op(G.LogSoftMax(logits, 1))
	if n.err != nil {
		return nil
	}
	picked := n.Op(G.Sum(n.Op(G.HadamardProd(logp, target)), 1))
	if n.err != nil {
		return nil
	}
	return n.Op(G.Neg(picked))
}

// WeightedSum is Σ_i values_i·weights_i for two vectors, as their inner
// product. Unlike Sum(HadamardProd(values, weights)) it leaves values intact:
// Gorgonia's TapeMachine lets an elementwise product overwrite an input that
// no other node reads, and the trainers read per-row losses after a run
// (see TestWeightedSumKeepsRows).
func (n *Net) WeightedSum(values, weights *G.Node) *G.Node {
	if n.err != nil {
		return nil
	}
	return n.Op(G.Mul(values, weights))
}
