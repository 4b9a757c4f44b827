package nets

import (
	"fmt"
	"math"

	"genxai/engine"

	G "gorgonia.org/gorgonia"
)

// VAEConfig describes a variational autoencoder (Kingma and Welling,
// "Auto-Encoding Variational Bayes", 2014).
type VAEConfig struct {
	Arch       string  // "mlp" or "conv"
	C, H, W    int     // input image shape
	Hidden     []int   // MLP hidden widths of the encoder; the decoder mirrors them
	Channels   []int   // conv variant: encoder channels, each a stride-2 4×4 convolution; the decoder mirrors them with upsample+conv blocks
	Latent     int     // size of z
	Activation string  // see Activations
	Likelihood string  // "bernoulli" (binary cross-entropy summed over pixels) or "gaussian"
	Sigma      float64 // standard deviation of the Gaussian likelihood
	Beta       float64 // weight of the KL term (1 = the ELBO)
	BatchNorm  bool
	Dropout    float64
	Denoise    Corruption // the training graph's corruption of the encoder's input (none: a plain VAE)
}

// Validate checks the configuration against the input shape; an error names
// the setting at fault.
func (c VAEConfig) Validate() error {
	const family = "vae"
	arch := checkArch(family, c.Arch, map[string]func() error{
		"mlp": func() error { return checkSizes(family, "model.hidden", c.Hidden, true) },
		"conv": func() error {
			return firstError(checkSizes(family, "model.channels", c.Channels, true),
				checkGrid(family, "model.channels", len(c.Channels), c.H, c.W, true))
		},
	})
	var likelihood error
	switch {
	case c.Likelihood != "bernoulli" && c.Likelihood != "gaussian":
		likelihood = fmt.Errorf("vae: model.likelihood %q is not known (allowed: bernoulli, gaussian)", c.Likelihood)
	case c.Likelihood == "gaussian" && !(c.Sigma > 0):
		likelihood = fmt.Errorf("vae: model.sigma must be > 0 for the gaussian likelihood")
	case !(c.Beta >= 0):
		likelihood = fmt.Errorf("vae: model.beta is %v; the weight of the KL term cannot be negative", c.Beta)
	}
	var denoise error
	if err := c.Denoise.Validate(); err != nil {
		denoise = fmt.Errorf("vae: model.denoise %w", err)
	}
	return firstError(checkImage(family, c.C, c.H, c.W), arch, checkSize(family, "model.latent", c.Latent),
		CheckActivation("vae: model.activation", c.Activation), checkDropout(family, "model.dropout", c.Dropout), likelihood, denoise)
}

// VAE is the graph of a variational autoencoder for one batch size.
//
// Inputs (filled by the trainer): X, the images flattened to (batch, C·H·W) in
// [0,1]; Eps, standard normal noise (batch, latent) for the reparameterization
// z = μ + exp(½·log σ²)·ε; RowWeight, one weight per row (1/rows for real rows,
// 0 for padding), so a short last batch needs no second graph.
//
// A training graph whose Config.Denoise is not none is a denoising VAE: the
// encoder sees Corrupted, X corrupted in the graph (Net.Corrupt) from the
// random inputs Noise, while the loss scores the clean X. Evaluation graphs
// encode X as given.
//
// RowLoss is the negative ELBO of each image in nats: the reconstruction term
// (binary cross-entropy summed over pixels, computed from logits as
// softplus(l) − x·l, or the Gaussian negative log-likelihood) plus β times
// KL(q(z|x) ‖ N(0, I)) = −½ Σ (1 + log σ² − μ² − σ²). Loss is Σ RowWeight·RowLoss,
// the mean over real rows: the figure PyTorch's VAE example prints, divided by
// the number of images.
type VAE struct {
	Net    *Net
	Config VAEConfig
	Batch  int

	X, Eps, RowWeight *G.Node
	Corrupted         *G.Node              // the encoder's input: X, or X corrupted in a denoising training graph
	Noise             []engine.RandomInput // the corruption's random inputs (none unless denoising)
	Mu, LogVar, Z     *G.Node
	Logits            *G.Node // decoder output before the sigmoid, (batch, C·H·W)
	Mean              *G.Node // decoded image in [0,1]
	Recon, KL         *G.Node // per-row terms, (batch)
	RowLoss, Loss     *G.Node
}

// NewVAE builds a VAE graph for the given batch size, drawing parameters from store.
func NewVAE(store *Store, cfg VAEConfig, batch int, training bool) (*VAE, error) {
	m := &VAE{Config: cfg, Batch: batch}
	return build(m, &m.Net, "vae", cfg, store, batch, training, func(n *Net) {
		d := cfg.C * cfg.H * cfg.W
		m.X = n.Input("x", batch, d)
		m.Eps = n.Input("eps", batch, cfg.Latent)
		m.RowWeight = n.Input("row_weight", batch)

		m.Corrupted = m.X
		if training {
			m.Corrupted, m.Noise = n.Corrupt("corrupt", cfg.Denoise, m.X)
		}
		m.Mu, m.LogVar = vaeEncoder(n, cfg, m.Corrupted, batch)
		n.Layer("reparameterize")
		std := n.Exp(n.Scale(m.LogVar, 0.5))
		m.Z = n.Add(m.Mu, n.Mul(std, m.Eps))
		m.Logits, m.Mean = vaeDecoder(n, cfg, m.Z, batch)

		n.Layer("loss")
		switch cfg.Likelihood {
		case "bernoulli":
			bce := n.Sub(n.Softplus(m.Logits), n.Mul(m.X, m.Logits))
			m.Recon = n.Sum(bce, 1)
		case "gaussian":
			sq := n.Sum(n.Square(n.Sub(m.X, m.Mean)), 1)
			norm := float64(d) * math.Log(cfg.Sigma*math.Sqrt(2*math.Pi))
			m.Recon = n.AddConst(n.Scale(sq, 1/(2*cfg.Sigma*cfg.Sigma)), norm)
		}
		// KL = ½ Σ (μ² + σ² − log σ² − 1)
		klTerms := n.Sub(n.Add(n.Square(m.Mu), n.Exp(m.LogVar)), n.AddConst(m.LogVar, 1))
		m.KL = n.Scale(n.Sum(klTerms, 1), 0.5)
		m.RowLoss = n.Add(m.Recon, n.Scale(m.KL, cfg.Beta))
		m.Loss = n.Sum(n.Mul(m.RowLoss, m.RowWeight))
		n.Keep(m.Loss, m.RowLoss, m.Recon, m.KL, m.Mu, m.LogVar, m.Z, m.Mean)
	})
}

// VAEDecoder is a decoder-only graph: latent codes in, images out. It shares
// the decoder's parameters with the VAE built from the same Store.
type VAEDecoder struct {
	Net    *Net
	Z      *G.Node // (batch, latent)
	Logits *G.Node
	Mean   *G.Node // (batch, C·H·W) in [0,1]
}

// NewVAEDecoder builds a decoder-only graph for sampling and latent traversals.
func NewVAEDecoder(store *Store, cfg VAEConfig, batch int) (*VAEDecoder, error) {
	m := &VAEDecoder{}
	return build(m, &m.Net, "vae decoder", cfg, store, batch, false, func(n *Net) {
		m.Z = n.Input("z", batch, cfg.Latent)
		m.Logits, m.Mean = vaeDecoder(n, cfg, m.Z, batch)
		n.Keep(m.Mean)
	})
}

// vaeBlock is one hidden stage: optional batch norm, the activation, optional dropout.
func vaeBlock(n *Net, cfg VAEConfig, name string, x *G.Node) *G.Node {
	if cfg.BatchNorm {
		x = n.BatchNorm(name+".bn", x)
	}
	x = n.Activate(cfg.Activation, x)
	return n.Dropout(name+".drop", x, cfg.Dropout)
}

func vaeEncoder(n *Net, cfg VAEConfig, x *G.Node, batch int) (mu, logVar *G.Node) {
	h, layers := x, n.HiddenLayers(cfg.BatchNorm)
	switch cfg.Arch {
	case "mlp":
		for i, width := range cfg.Hidden {
			name := fmt.Sprintf("enc.fc%d", i+1)
			h = vaeBlock(n, cfg, name, layers.Dense(name, h, width))
		}
	case "conv":
		h = n.Reshape("enc.in", h, batch, cfg.C, cfg.H, cfg.W)
		for i, ch := range cfg.Channels {
			name := fmt.Sprintf("enc.conv%d", i+1)
			h = vaeBlock(n, cfg, name, layers.Conv2D(name, h, ch, 4, 2, 1))
		}
		h = n.Flatten("enc.flat", h)
	}
	return n.Dense("enc.mu", h, cfg.Latent), n.Dense("enc.logvar", h, cfg.Latent)
}

// vaeDecoder maps codes z to the decoder's logits and its mean image, their sigmoid.
func vaeDecoder(n *Net, cfg VAEConfig, z *G.Node, batch int) (logits, mean *G.Node) {
	logits = vaeDecoderLogits(n, cfg, z, batch)
	n.Layer("output")
	return logits, n.Sigmoid(logits)
}

func vaeDecoderLogits(n *Net, cfg VAEConfig, z *G.Node, batch int) *G.Node {
	d := cfg.C * cfg.H * cfg.W
	h, layers := z, n.HiddenLayers(cfg.BatchNorm)
	switch cfg.Arch {
	case "mlp":
		for i := len(cfg.Hidden) - 1; i >= 0; i-- {
			name := fmt.Sprintf("dec.fc%d", len(cfg.Hidden)-i)
			h = vaeBlock(n, cfg, name, layers.Dense(name, h, cfg.Hidden[i]))
		}
		return n.Dense("dec.out", h, d)
	case "conv":
		k := len(cfg.Channels)
		gh, gw := cfg.H>>k, cfg.W>>k
		top := cfg.Channels[k-1]
		h = vaeBlock(n, cfg, "dec.fc", layers.Dense("dec.fc", h, top*gh*gw))
		h = n.Reshape("dec.grid", h, batch, top, gh, gw)
		for i := k - 2; i >= 0; i-- {
			name := fmt.Sprintf("dec.up%d", k-1-i)
			h = vaeBlock(n, cfg, name, layers.UpConv(name, h, cfg.Channels[i]))
		}
		h = n.UpConv("dec.out", h, cfg.C)
		return n.Reshape("dec.flat", h, batch, d)
	}
	return nil
}
