package nets

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
)

// CVAEConfig describes a class-conditional variational autoencoder over
// feature vectors (Sohn, Lee and Yan, "Learning Structured Output
// Representation using Deep Conditional Generative Models", NIPS 2015;
// Kingma, Rezende, Mohamed and Welling, "Semi-supervised Learning with Deep
// Generative Models", NIPS 2014, model M2 with the label observed): the
// one-hot label y is concatenated to the encoder's input, q(z|x,y), and to
// the decoder's input, p(x|z,y).
//
// The likelihood is Gaussian with a learned standard deviation per feature,
// σj = MinSigma + softplus(ρj), shared by all rows and classes: the
// features it models are real-valued (z-scored columns or principal
// components), and the floor keeps a feature that is constant within a class
// from driving its density to infinity.
type CVAEConfig struct {
	D          int     // features per row
	Classes    int     // number of classes of the one-hot label
	Hidden     []int   // widths of the encoder's hidden layers; the decoder mirrors them
	Latent     int     // size of z
	Activation string  // see Activations
	MinSigma   float64 // floor of the likelihood's standard deviations
}

// Validate checks the configuration; an error names the setting at fault.
func (c CVAEConfig) Validate() error {
	const family = "cvae"
	var classes, sigma error
	if c.Classes < 2 {
		classes = fmt.Errorf("cvae: %d classes; a class-conditional model needs at least 2", c.Classes)
	}
	if !(c.MinSigma > 0) {
		sigma = fmt.Errorf("cvae: the floor of the likelihood's standard deviation is %v; it must be > 0", c.MinSigma)
	}
	return firstError(checkSize(family, "features", c.D), classes, checkSizes(family, "hidden", c.Hidden, true),
		checkSize(family, "latent", c.Latent), CheckActivation("cvae: activation", c.Activation), sigma)
}

// CVAE is the graph of a class-conditional VAE for one batch size.
//
// Inputs: X (batch, D), the features; Label (batch, Classes), one-hot
// classes; Eps (batch, Latent), standard normal noise for z = μ + σ·ε;
// RowWeight (batch), 1/rows for real rows and 0 for padding.
//
// RowLoss is the negative ELBO of each row in nats,
// −log p(x|z,y) + KL(q(z|x,y) ‖ N(0, I)) with the Gaussian negative
// log-likelihood Σj ½((xj − mj)/σj)² + log σj + ½ log 2π; Loss is
// Σ RowWeight·RowLoss. LogPxz is log p(x|z,y) per row, which with Mu,
// LogVar, Z and Eps gives the importance weights of an importance-weighted
// bound (Burda, Grosse and Salakhutdinov, 2016).
type CVAE struct {
	Net    *Net
	Config CVAEConfig
	Batch  int

	X, Label, Eps, RowWeight *G.Node
	Mu, LogVar, Z, Mean      *G.Node
	LogPxz, KL               *G.Node // per row, (batch)
	RowLoss, Loss            *G.Node
}

// NewCVAE builds a CVAE graph for the given batch size, drawing parameters
// from store; graphs built from one Store share their parameters.
func NewCVAE(store *Store, cfg CVAEConfig, batch int, training bool) (*CVAE, error) {
	m := &CVAE{Config: cfg, Batch: batch}
	return build(m, &m.Net, "cvae", cfg, store, batch, training, func(n *Net) {
		m.X = n.Input("x", batch, cfg.D)
		m.Label = n.Input("label", batch, cfg.Classes)
		m.Eps = n.Input("eps", batch, cfg.Latent)
		m.RowWeight = n.Input("row_weight", batch)

		h := n.Concat(1, m.X, m.Label)
		for i, width := range cfg.Hidden {
			h = n.Activate(cfg.Activation, n.Dense(fmt.Sprintf("enc.fc%d", i+1), h, width))
		}
		m.Mu, m.LogVar = n.Dense("enc.mu", h, cfg.Latent), n.Dense("enc.logvar", h, cfg.Latent)
		n.Layer("reparameterize")
		m.Z = n.Add(m.Mu, n.Mul(n.Exp(n.Scale(m.LogVar, 0.5)), m.Eps))

		h = n.Concat(1, m.Z, m.Label)
		for i := len(cfg.Hidden) - 1; i >= 0; i-- {
			h = n.Activate(cfg.Activation, n.Dense(fmt.Sprintf("dec.fc%d", len(cfg.Hidden)-i), h, cfg.Hidden[i]))
		}
		m.Mean = n.Dense("dec.mean", h, cfg.D)

		n.Layer("loss")
		// log σj = log(MinSigma + softplus(ρj)), ρ started where σ = 1.
		rho := n.Param("dec.sigma_rho", []int{cfg.D}, cfg.D, cfg.D, Constant(float32(softplusInverse(1-cfg.MinSigma))), Bias)
		sigma := n.AddConst(n.Softplus(rho), cfg.MinSigma)
		invVar := n.Inverse(n.Square(sigma))
		logSigma := n.unary("log", G.Log, sigma)
		sq := n.Scale(n.BroadcastMul(n.Square(n.Sub(m.X, m.Mean)), invVar, nil, []byte{0}), 0.5)
		nll := n.Sum(n.BroadcastAdd(sq, logSigma, nil, []byte{0}), 1)
		nll = n.AddConst(nll, 0.5*float64(cfg.D)*math.Log(2*math.Pi))
		m.LogPxz = n.Neg(nll)
		// KL = ½ Σ (μ² + σ² − log σ² − 1)
		klTerms := n.Sub(n.Add(n.Square(m.Mu), n.Exp(m.LogVar)), n.AddConst(m.LogVar, 1))
		m.KL = n.Scale(n.Sum(klTerms, 1), 0.5)
		m.RowLoss = n.Add(nll, m.KL)
		m.Loss = n.Sum(n.Mul(m.RowLoss, m.RowWeight))
		n.Keep(m.Loss, m.RowLoss, m.LogPxz, m.KL, m.Mu, m.LogVar, m.Z)
	})
}

// softplusInverse is log(eˣ − 1), the ρ with softplus(ρ) = x > 0.
func softplusInverse(x float64) float64 {
	return x + math.Log(-math.Expm1(-x))
}
