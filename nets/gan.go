package nets

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// GANConfig describes a generative adversarial network (Goodfellow et al.,
// "Generative Adversarial Nets", 2014): an MLP pair, or a DCGAN-style pair
// (Radford, Metz and Chintala, 2016) whose generator grows the image with
// upsample+conv blocks and batch norm and whose discriminator is a stack of
// stride-2 convolutions with LeakyReLU. With Classes > 0 both networks are
// conditioned on a class (Mirza and Osindero, "Conditional Generative
// Adversarial Nets", 2014): the one-hot label is concatenated to the
// generator's noise and to the discriminator's input (as constant planes for
// the convolutional discriminator). With Projection the discriminator also
// reads the class at its end, as the projection discriminator of Miyato and
// Koyama ("cGANs with Projection Discriminator", 2018): the logit gains
// ⟨V·y, φ(x)⟩, the inner product of a learned class embedding with the
// discriminator's last features, which ties every feature to the class far
// more directly than input planes alone.
//
// Generated images have values in [−1, 1] (tanh output); the trainer maps
// real images from [0, 1] to [−1, 1].
type GANConfig struct {
	Arch      string // "mlp" or "dcgan"
	C, H, W   int    // image shape
	Classes   int    // > 0 for a conditional GAN: the number of classes
	Latent    int    // size of the noise z
	GHidden   []int  // mlp: generator hidden widths
	DHidden   []int  // mlp: discriminator hidden widths
	GChannels []int  // dcgan: generator channels, from the smallest grid up; each entry after the first is one upsample+conv block
	DChannels []int  // dcgan: discriminator channels of its stride-2 4×4 convolutions
	BatchNorm bool   // batch norm in the generator's hidden layers
	// Projection adds the class projection term to a conditional
	// discriminator's logit (Miyato and Koyama, 2018).
	Projection bool
}

// Validate checks the configuration against the image shape; an error names
// the setting at fault.
func (c GANConfig) Validate() error {
	const family = "gan"
	arch := checkArch(family, c.Arch, map[string]func() error{
		"mlp": func() error {
			return firstError(checkSizes(family, "model.g_hidden", c.GHidden, true), checkSizes(family, "model.d_hidden", c.DHidden, true))
		},
		"dcgan": func() error {
			return firstError(checkSizes(family, "model.g_channels", c.GChannels, true), checkSizes(family, "model.d_channels", c.DChannels, true),
				checkGrid(family, "model.g_channels", len(c.GChannels), c.H, c.W, true),
				checkGrid(family, "model.d_channels", len(c.DChannels), c.H, c.W, false))
		},
	})
	var classes error
	switch {
	case c.Classes < 0 || c.Classes > maxSize:
		classes = fmt.Errorf("gan: the number of classes (%d) must be between 0 and %d", c.Classes, maxSize)
	case c.Projection && c.Classes == 0:
		classes = fmt.Errorf("gan: model.projection conditions the discriminator on the class, so it needs model.conditional: true")
	}
	return firstError(checkImage(family, c.C, c.H, c.W), arch, checkSize(family, "model.latent", c.Latent), classes)
}

// GeneratorPrefix and DiscriminatorPrefix begin the parameter names of the
// two networks, so a trainer can update each with its own optimizer.
const (
	GeneratorPrefix     = "gen."
	DiscriminatorPrefix = "disc."
)

// Conditional reports whether the GAN is class-conditional.
func (c GANConfig) Conditional() bool { return c.Classes > 0 }

// GANGenerator is a generator-only graph: noise (and labels) in, images out.
// Inputs: Z (batch, latent) and, for a conditional GAN, Label (batch,
// classes), one-hot. Image is (batch, C·H·W) in [−1, 1].
type GANGenerator struct {
	Net      *Net
	Z, Label *G.Node
	Image    *G.Node
}

// NewGANGenerator builds a generator graph. A training graph uses batch
// statistics (and exposes them for the running averages); an evaluation graph
// the running averages.
func NewGANGenerator(store *Store, cfg GANConfig, batch int, training bool) (*GANGenerator, error) {
	m := &GANGenerator{}
	return build(m, &m.Net, "gan generator", cfg, store, batch, training, func(n *Net) {
		m.Z = n.Input("z", batch, cfg.Latent)
		if cfg.Conditional() {
			m.Label = n.Input("label", batch, cfg.Classes)
		}
		m.Image = ganGenerator(n, cfg, m.Z, m.Label, batch)
		n.Keep(m.Image)
	})
}

// GANDiscriminatorStep is the graph of the discriminator's update. Its batch
// holds real and generated images together; Sign is +1 for a real row and −1
// for a generated one, so the loss of the non-saturating GAN,
//
//	−log D(x) − log(1 − D(G(z))) = softplus(−l(x)) + softplus(l(G(z))),
//
// is Σ RowWeight·softplus(−Sign·Logit) with l the discriminator's logit. The
// inputs are X (batch, C·H·W) in [−1, 1], Label (conditional only; the
// convolutional discriminator's LabelMap, the one-hot label spread over the
// image as (batch, classes, H, W), is computed from it), Sign and RowWeight
// (batch).
type GANDiscriminatorStep struct {
	Net                  *Net
	X, Label, LabelMap   *G.Node
	Sign, RowWeight      *G.Node
	Logit, RowLoss, Loss *G.Node
}

// NewGANDiscriminatorStep builds the discriminator's training graph.
func NewGANDiscriminatorStep(store *Store, cfg GANConfig, batch int) (*GANDiscriminatorStep, error) {
	m := &GANDiscriminatorStep{}
	return build(m, &m.Net, "gan discriminator", cfg, store, batch, true, func(n *Net) {
		m.X = n.Input("x", batch, cfg.C*cfg.H*cfg.W)
		m.Label, m.LabelMap = ganLabelInputs(n, cfg, batch)
		m.Sign = n.Input("sign", batch)
		m.RowWeight = n.Input("row_weight", batch)
		m.Logit = ganDiscriminator(n, cfg, m.X, m.Label, m.LabelMap, batch)
		n.Layer("loss")
		m.RowLoss = n.Softplus(n.Neg(n.Mul(m.Logit, m.Sign)))
		m.Loss = n.WeightedSum(m.RowLoss, m.RowWeight)
		n.Keep(m.Logit, m.RowLoss, m.Loss)
	})
}

// GANGeneratorStep is the graph of the generator's update: generator and
// discriminator in series, with the non-saturating generator loss of
// Goodfellow et al. (2014), −log D(G(z)) = softplus(−l(G(z))), averaged with
// RowWeight. The trainer takes gradients with respect to the generator's
// parameters only (names starting with GeneratorPrefix).
type GANGeneratorStep struct {
	Net                *Net
	Z, Label, LabelMap *G.Node
	RowWeight          *G.Node
	Image, Logit, Loss *G.Node
}

// NewGANGeneratorStep builds the generator's training graph.
func NewGANGeneratorStep(store *Store, cfg GANConfig, batch int) (*GANGeneratorStep, error) {
	m := &GANGeneratorStep{}
	return build(m, &m.Net, "gan generator step", cfg, store, batch, true, func(n *Net) {
		m.Z = n.Input("z", batch, cfg.Latent)
		m.Label, m.LabelMap = ganLabelInputs(n, cfg, batch)
		m.RowWeight = n.Input("row_weight", batch)
		m.Image = ganGenerator(n, cfg, m.Z, m.Label, batch)
		m.Logit = ganDiscriminator(n, cfg, m.Image, m.Label, m.LabelMap, batch)
		n.Layer("loss")
		m.Loss = n.WeightedSum(n.Softplus(n.Neg(m.Logit)), m.RowWeight)
		n.Keep(m.Image, m.Logit, m.Loss)
	})
}

// ganLabelInputs adds the conditioning input, the one-hot labels, and for
// the convolutional discriminator their planes, computed in the graph (see
// labelPlanes).
func ganLabelInputs(n *Net, cfg GANConfig, batch int) (label, labelMap *G.Node) {
	if !cfg.Conditional() {
		return nil, nil
	}
	label = n.Input("label", batch, cfg.Classes)
	if cfg.Arch == "dcgan" {
		labelMap = n.labelPlanes(label, batch, cfg.Classes, cfg.H, cfg.W)
	}
	return label, labelMap
}

// labelPlanes spreads one-hot labels (batch, classes) over the image as
// (batch, classes, h, w): plane c of a row is all ones for the row's class
// and zeros otherwise, the conditioning a convolutional discriminator
// concatenates to its input (Mirza & Osindero 2014; Radford et al. 2016).
// It is a broadcast product of the labels with a plane of ones, so a step
// uploads batch·classes values instead of batch·classes·h·w (on a GPU, 4 MB
// per discriminator update of the Fashion-MNIST DCGAN), with the same bits.
func (n *Net) labelPlanes(label *G.Node, batch, classes, h, w int) *G.Node {
	if n.err != nil {
		return nil
	}
	ones := make([]float32, h*w)
	for i := range ones {
		ones[i] = 1
	}
	plane := G.NewTensor(n.G, tensor.Float32, 2, G.WithShape(1, h*w),
		G.WithValue(tensor.New(tensor.WithShape(1, h*w), tensor.WithBacking(ones))), G.WithName(fmt.Sprintf("ones_%dx%d", h, w)))
	col := n.Reshape("disc.label_column", label, batch*classes, 1)
	return n.Reshape("disc.label_planes", n.BroadcastMul(col, plane, []byte{1}, []byte{0}), batch, classes, h, w)
}

// ganGenerator maps z (and the one-hot label) to images in [−1, 1].
func ganGenerator(n *Net, cfg GANConfig, z, label *G.Node, batch int) *G.Node {
	h := z
	if label != nil {
		n.Layer("gen.condition")
		h = n.Concat(1, z, label)
	}
	d := cfg.C * cfg.H * cfg.W
	layers := n.HiddenLayers(cfg.BatchNorm)
	block := func(name string, x *G.Node) *G.Node {
		if cfg.BatchNorm {
			x = n.BatchNorm(name+".bn", x)
		}
		return n.Activate("relu", x)
	}
	switch cfg.Arch {
	case "mlp":
		for i, width := range cfg.GHidden {
			name := fmt.Sprintf("gen.fc%d", i+1)
			h = block(name, layers.Dense(name, h, width))
		}
		h = n.Dense("gen.out", h, d)
	case "dcgan":
		k := len(cfg.GChannels)
		gh, gw := cfg.H>>k, cfg.W>>k
		h = block("gen.fc", layers.Dense("gen.fc", h, cfg.GChannels[0]*gh*gw))
		h = n.Reshape("gen.grid", h, batch, cfg.GChannels[0], gh, gw)
		for i := 1; i < k; i++ {
			name := fmt.Sprintf("gen.up%d", i)
			h = block(name, layers.UpConv(name, h, cfg.GChannels[i]))
		}
		h = n.UpConv("gen.out", h, cfg.C)
		h = n.Reshape("gen.flat", h, batch, d)
	}
	return n.Activate("tanh", h)
}

// ganDiscriminator maps images in [−1, 1] (and labels) to one logit per row:
// log D/(1−D), the log-odds that the image is real.
func ganDiscriminator(n *Net, cfg GANConfig, x, label, labelMap *G.Node, batch int) *G.Node {
	h := x
	switch cfg.Arch {
	case "mlp":
		if label != nil {
			n.Layer("disc.condition")
			h = n.Concat(1, x, label)
		}
		for i, width := range cfg.DHidden {
			name := fmt.Sprintf("disc.fc%d", i+1)
			h = n.Activate("leaky_relu", n.Dense(name, h, width))
		}
	case "dcgan":
		h = n.Reshape("disc.in", h, batch, cfg.C, cfg.H, cfg.W)
		if labelMap != nil {
			n.Layer("disc.condition")
			h = n.Concat(1, h, labelMap)
		}
		for i, ch := range cfg.DChannels {
			name := fmt.Sprintf("disc.conv%d", i+1)
			h = n.Activate("leaky_relu", n.Conv2D(name, h, ch, 4, 2, 1))
		}
		h = n.Flatten("disc.flat", h)
	}
	logit := n.Reshape("disc.logit", n.Dense("disc.out", h, 1), batch)
	if cfg.Projection && label != nil && n.dims(h, 2, "the projection") {
		// ⟨V·y, φ(x)⟩ per row; V starts Glorot-normal (std √(2/(classes+F))).
		f := h.Shape()[1]
		embed, _ := n.Embedding("disc.embed", label, f, math.Sqrt(2/float64(cfg.Classes+f)))
		n.Layer("disc.projection")
		logit = n.Add(logit, n.Sum(n.Mul(embed, h), 1))
	}
	return logit
}
