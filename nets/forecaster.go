package nets

import (
	"fmt"

	G "gorgonia.org/gorgonia"
)

// ForecasterConfig describes a neural autoregressive forecaster of a real
// time series: a multilayer perceptron over the last Window values of a
// (standardized) series that predicts the next value, the nonlinear
// autoregressive model NAR(p) of Tong, "Non-linear Time Series", 1990,
// §3.3, fitted as a feed-forward network (Zhang, Patuwo and Hu,
// "Forecasting with artificial neural networks", Int. J. Forecasting, 1998).
// With Linear the output also gets a linear term over the window, so the
// network is an AR(p) model plus a learned nonlinear correction.
//
// Arch "tcn" replaces the perceptron by a temporal convolutional network
// over the window (forecaster_tcn.go): residual blocks of dilated causal
// convolutions whose features at the window's last position feed a linear
// output, with the same optional linear term.
type ForecasterConfig struct {
	Arch       string  // mlp (the default when empty) or tcn
	Window     int     // p: the past values the forecast reads
	Hidden     []int   // mlp: widths of the hidden dense layers
	Channels   int     // tcn: channels of every causal convolution
	Kernel     int     // tcn: taps of every causal convolution
	Dilations  []int   // tcn: the dilation of each residual block
	Activation string  // see Activations
	Dropout    float64 // dropout probability after each hidden layer (tcn: each convolution)
	Linear     bool    // add a linear term (no bias) over the window to the output
}

// Validate checks the configuration; an error names the setting at fault.
func (c ForecasterConfig) Validate() error {
	const family = "forecaster"
	arch := checkArch(family, c.arch(), map[string]func() error{
		"mlp": func() error { return checkSizes(family, "model.hidden", c.Hidden, true) },
		"tcn": func() error { return c.checkTCN(family) },
	})
	return firstError(checkSize(family, "model.window", c.Window), arch,
		CheckActivation("forecaster: model.activation", c.Activation), checkDropout(family, "model.dropout", c.Dropout))
}

// arch is the architecture, mlp when Arch is empty.
func (c ForecasterConfig) arch() string {
	if c.Arch == "" {
		return "mlp"
	}
	return c.Arch
}

// Forecaster is the graph of a forecaster for one batch size.
//
// Inputs (filled by the trainer): X, the windows (batch, Window), column
// Window−1 holding the value one step before the forecast (lag 1), column 0
// the value Window steps before (lag Window); Target, the next values
// (batch); RowWeight, one weight per row (1/rows for real rows, 0 for
// padding).
//
// Pred is the forecast of each row (batch). RowLoss is the squared error
// (Pred − Target)² of each row: in standardized units, twice the Gaussian
// negative log-likelihood with unit variance up to a constant. Loss is
// Σ RowWeight·RowLoss, the mean squared error of the batch.
type Forecaster struct {
	Net    *Net
	Config ForecasterConfig
	Batch  int

	X, Target, RowWeight *G.Node
	Pred                 *G.Node // (batch)
	RowLoss, Loss        *G.Node
}

// NewForecaster builds a forecaster graph for the given batch size, drawing
// parameters from store.
func NewForecaster(store *Store, cfg ForecasterConfig, batch int, training bool) (*Forecaster, error) {
	m := &Forecaster{Config: cfg, Batch: batch}
	return build(m, &m.Net, "forecaster", cfg, store, batch, training, func(n *Net) {
		m.X = n.Input("x", batch, cfg.Window)
		m.Target = n.Input("target", batch)
		m.RowWeight = n.Input("row_weight", batch)

		var h *G.Node
		if cfg.arch() == "tcn" {
			h = m.tcnFeatures(n, m.X)
		} else {
			h = m.X
			for i, width := range cfg.Hidden {
				name := fmt.Sprintf("fc%d", i+1)
				h = n.Activate(cfg.Activation, n.Dense(name, h, width))
				h = n.Dropout(name+".drop", h, cfg.Dropout)
			}
		}
		out := n.Dense("out", h, 1)
		if cfg.Linear {
			out = n.Add(out, n.DenseNoBias("linear", m.X, 1))
		}
		m.Pred = n.Reshape("pred", out, batch)
		n.Layer("loss")
		m.RowLoss = n.Square(n.Sub(m.Pred, m.Target))
		m.Loss = n.WeightedSum(m.RowLoss, m.RowWeight)
		n.Keep(m.Pred, m.RowLoss, m.Loss)
	})
}
