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

// Validate checks the configuration against the input shape; an error names
// the setting at fault.
func (c ClassifierConfig) Validate() error {
	const family = "classifier"
	arch := checkArch(family, c.Arch, map[string]func() error{
		"mlp": func() error { return checkSizes(family, "model.hidden", c.Hidden, true) },
		"cnn": func() error {
			return firstError(checkSizes(family, "model.channels", c.Channels, true), checkSizes(family, "model.hidden", c.Hidden, false),
				checkGrid(family, "model.channels", len(c.Channels), c.H, c.W, false))
		},
	})
	var classes error
	if c.Classes < 2 || c.Classes > maxSize {
		classes = fmt.Errorf("classifier: the data has %d classes, between 2 and %d are needed", c.Classes, maxSize)
	}
	return firstError(checkImage(family, c.C, c.H, c.W), arch, classes,
		CheckActivation("classifier: model.activation", c.Activation), checkDropout(family, "model.dropout", c.Dropout))
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
	m := &Classifier{Config: cfg, Batch: batch}
	return build(m, &m.Net, "classifier", cfg, store, batch, training, func(n *Net) {
		m.X = n.Input("x", batch, cfg.C*cfg.H*cfg.W)
		m.Target = n.Input("target", batch, cfg.Classes)
		m.RowWeight = n.Input("row_weight", batch)

		h := m.X
		layers := n.HiddenLayers(cfg.BatchNorm)
		if cfg.Arch == "cnn" {
			h = n.Reshape("in", h, batch, cfg.C, cfg.H, cfg.W)
			for i, ch := range cfg.Channels {
				name := fmt.Sprintf("conv%d", i+1)
				h = layers.Conv2D(name, h, ch, 3, 1, 1)
				if cfg.BatchNorm {
					h = n.BatchNorm(name+".bn", h)
				}
				h = n.Activate(cfg.Activation, h)
				h = n.MaxPool2D(name+".pool", h, 2)
			}
			h = n.Flatten("flat", h)
		}
		for i, width := range cfg.Hidden {
			name := fmt.Sprintf("fc%d", i+1)
			h = layers.Dense(name, h, width)
			if cfg.BatchNorm {
				h = n.BatchNorm(name+".bn", h)
			}
			h = n.Activate(cfg.Activation, h)
			m.Features = h
			h = n.Dropout(name+".drop", h, cfg.Dropout)
		}
		if len(cfg.Hidden) == 0 {
			m.Features = h // a cnn without a dense head: the flattened last block
		}
		m.Logits = n.Dense("out", h, cfg.Classes)
		m.RowLoss = n.CrossEntropy("loss", m.Logits, m.Target)
		n.Layer("softmax")
		m.Probs = n.SoftMax(m.Logits, 1) // exp of the log-softmax above: see SoftMax
		n.Layer("loss")
		m.Loss = n.WeightedSum(m.RowLoss, m.RowWeight)
		n.Keep(m.Features, m.Logits, m.Probs, m.RowLoss, m.Loss)
	})
}

// CrossEntropy is the softmax cross-entropy of each row of logits (rows,
// classes) against target, a one-hot (or any probability) matrix of the same
// shape: −Σ_j target_j · log softmax(logits)_j, in nats, shape (rows). The
// log-softmax subtracts the row maximum first, so large logits do not overflow.
func (n *Net) CrossEntropy(name string, logits, target *G.Node) *G.Node {
	n.Layer(name)
	return n.Neg(n.Sum(n.Mul(n.LogSoftMax(logits, 1), target), 1))
}

// WeightedSum is Σ_i values_i·weights_i for two vectors, as their inner
// product (one dot product; the per-row values are read through Keep).
func (n *Net) WeightedSum(values, weights *G.Node) *G.Node {
	return n.MatMul(values, weights)
}
