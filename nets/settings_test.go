package nets

import (
	"fmt"
	"runtime/debug"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
)

// Every model family, built from a bad setting, must return an error that
// names the setting, never panic. The fuzz targets build the families from
// fuzzed settings (sizes kept small so a build is cheap) and fail on a panic.

// builds runs build and turns a panic into a test failure.
func builds(t testing.TB, what string, try func() error) (err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("%s: panic: %v\n%s", what, r, debug.Stack())
		}
	}()
	return try()
}

// buildVAE builds every graph of the VAE family.
func buildVAE(cfg VAEConfig, batch int) error {
	if _, err := NewVAE(NewStore(1), cfg, batch, true); err != nil {
		return err
	}
	_, err := NewVAEDecoder(NewStore(1), cfg, batch)
	return err
}

// buildGAN builds every graph of the GAN family.
func buildGAN(cfg GANConfig, batch int) error {
	st := NewStore(1)
	if _, err := NewGANGenerator(st, cfg, batch, false); err != nil {
		return err
	}
	if _, err := NewGANDiscriminatorStep(st, cfg, batch); err != nil {
		return err
	}
	_, err := NewGANGeneratorStep(st, cfg, batch)
	return err
}

func buildClassifier(cfg ClassifierConfig, batch int) error {
	_, err := NewClassifier(NewStore(1), cfg, batch, true)
	return err
}

func buildTransformer(cfg TransformerConfig, batch int) error {
	_, err := NewTransformer(NewStore(1), cfg, batch, true)
	return err
}

// badCase is one bad setting of a family: change spoils a good configuration,
// want is what the error must mention.
type badCase[C any] struct {
	want   string
	change func(c *C)
}

// checkBad builds family from good (which must build) and from each bad case.
func checkBad[C any](t *testing.T, family string, good C, buildFamily func(C, int) error, cases []badCase[C]) {
	t.Helper()
	if err := builds(t, family, func() error { return buildFamily(good, 2) }); err != nil {
		t.Fatalf("%s: the good configuration fails: %v", family, err)
	}
	if err := builds(t, family, func() error { return buildFamily(good, 0) }); err == nil || !strings.Contains(err.Error(), "batch size") {
		t.Errorf("%s with batch 0: err = %v, want one naming the batch size", family, err)
	}
	for _, c := range cases {
		cfg := good
		c.change(&cfg)
		err := builds(t, fmt.Sprintf("%s %+v", family, cfg), func() error { return buildFamily(cfg, 2) })
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %+v: err = %v, want one naming %q", family, cfg, err, c.want)
		}
	}
}

func TestVAEBadSettings(t *testing.T) {
	common := []badCase[VAEConfig]{
		{"model.arch", func(c *VAEConfig) { c.Arch = "rnn" }},
		{"model.activation", func(c *VAEConfig) { c.Activation = "bogus" }},
		{"model.latent", func(c *VAEConfig) { c.Latent = 0 }},
		{"model.latent", func(c *VAEConfig) { c.Latent = -3 }},
		{"model.latent", func(c *VAEConfig) { c.Latent = 1 << 20 }},
		{"model.dropout", func(c *VAEConfig) { c.Dropout = 1 }},
		{"model.dropout", func(c *VAEConfig) { c.Dropout = -0.1 }},
		{"model.likelihood", func(c *VAEConfig) { c.Likelihood = "poisson" }},
		{"model.sigma", func(c *VAEConfig) { c.Likelihood, c.Sigma = "gaussian", 0 }},
		{"model.beta", func(c *VAEConfig) { c.Beta = -1 }},
		{"image shape", func(c *VAEConfig) { c.H = 0 }},
		{"image shape", func(c *VAEConfig) { c.C = -1 }},
	}
	mlp := VAEConfig{Arch: "mlp", C: 1, H: 4, W: 4, Hidden: []int{5, 3}, Latent: 2, Activation: "elu", Likelihood: "bernoulli", Beta: 1, BatchNorm: true, Dropout: 0.1}
	checkBad(t, "vae mlp", mlp, buildVAE, append(common,
		badCase[VAEConfig]{"model.hidden", func(c *VAEConfig) { c.Hidden = nil }},
		badCase[VAEConfig]{"model.hidden[1]", func(c *VAEConfig) { c.Hidden = []int{4, 0} }},
		badCase[VAEConfig]{"model.hidden[0]", func(c *VAEConfig) { c.Hidden = []int{-4} }},
		badCase[VAEConfig]{"model.hidden[0]", func(c *VAEConfig) { c.Hidden = []int{1 << 30} }},
		badCase[VAEConfig]{"model.hidden", func(c *VAEConfig) { c.Hidden = make([]int, 100) }},
	))
	conv := VAEConfig{Arch: "conv", C: 1, H: 8, W: 8, Channels: []int{2, 3}, Latent: 2, Activation: "relu", Likelihood: "gaussian", Sigma: 0.5, Beta: 1}
	checkBad(t, "vae conv", conv, buildVAE, append(common,
		badCase[VAEConfig]{"model.channels", func(c *VAEConfig) { c.Channels = nil }},
		badCase[VAEConfig]{"model.channels", func(c *VAEConfig) { c.Channels = []int{2, 2, 2, 2} }},
		badCase[VAEConfig]{"model.channels", func(c *VAEConfig) { c.Channels = make([]int, 70) }},
		badCase[VAEConfig]{"model.channels[0]", func(c *VAEConfig) { c.Channels = []int{0, 2} }},
		badCase[VAEConfig]{"model.channels", func(c *VAEConfig) { c.H = 6 }},
	))
}

func TestGANBadSettings(t *testing.T) {
	common := []badCase[GANConfig]{
		{"model.arch", func(c *GANConfig) { c.Arch = "vqgan" }},
		{"model.latent", func(c *GANConfig) { c.Latent = 0 }},
		{"model.latent", func(c *GANConfig) { c.Latent = 1 << 24 }},
		{"classes", func(c *GANConfig) { c.Classes = -2 }},
		{"model.conditional", func(c *GANConfig) { c.Classes, c.Projection = 0, true }},
		{"image shape", func(c *GANConfig) { c.W = -8 }},
	}
	mlp := GANConfig{Arch: "mlp", C: 1, H: 4, W: 4, Latent: 3, GHidden: []int{5}, DHidden: []int{4, 3}, BatchNorm: true}
	mlpBad := append(common,
		badCase[GANConfig]{"model.g_hidden", func(c *GANConfig) { c.GHidden = nil }},
		badCase[GANConfig]{"model.d_hidden", func(c *GANConfig) { c.DHidden = []int{} }},
		badCase[GANConfig]{"model.d_hidden[1]", func(c *GANConfig) { c.DHidden = []int{3, -1} }},
		badCase[GANConfig]{"model.g_hidden[0]", func(c *GANConfig) { c.GHidden = []int{maxSize + 1} }},
	)
	checkBad(t, "gan mlp", mlp, buildGAN, mlpBad)
	conditional := mlp
	conditional.Classes = 3
	checkBad(t, "gan mlp conditional", conditional, buildGAN, mlpBad)
	projection := conditional
	projection.Projection = true
	checkBad(t, "gan mlp projection", projection, buildGAN, mlpBad)
	dcgan := GANConfig{Arch: "dcgan", C: 1, H: 8, W: 8, Classes: 2, Latent: 3, GChannels: []int{4, 2}, DChannels: []int{2, 3}, BatchNorm: true, Projection: true}
	checkBad(t, "gan dcgan", dcgan, buildGAN, append(common,
		badCase[GANConfig]{"model.g_channels", func(c *GANConfig) { c.GChannels = nil }},
		badCase[GANConfig]{"model.g_channels", func(c *GANConfig) { c.GChannels = []int{2, 2, 2, 2} }},
		badCase[GANConfig]{"model.g_channels", func(c *GANConfig) { c.GChannels = make([]int, 64) }},
		badCase[GANConfig]{"model.d_channels", func(c *GANConfig) { c.DChannels = []int{2, 2, 2, 2} }},
		badCase[GANConfig]{"model.d_channels[0]", func(c *GANConfig) { c.DChannels = []int{0} }},
	))
}

func TestClassifierBadSettings(t *testing.T) {
	common := []badCase[ClassifierConfig]{
		{"model.arch", func(c *ClassifierConfig) { c.Arch = "svm" }},
		{"model.activation", func(c *ClassifierConfig) { c.Activation = "" }},
		{"classes", func(c *ClassifierConfig) { c.Classes = 1 }},
		{"model.dropout", func(c *ClassifierConfig) { c.Dropout = 2 }},
		{"model.hidden[0]", func(c *ClassifierConfig) { c.Hidden = []int{0} }},
		{"image shape", func(c *ClassifierConfig) { c.H = 0 }},
	}
	mlp := ClassifierConfig{Arch: "mlp", C: 1, H: 4, W: 4, Classes: 3, Hidden: []int{5}, Activation: "gelu", Dropout: 0.2, BatchNorm: true}
	checkBad(t, "classifier mlp", mlp, buildClassifier, append(common,
		badCase[ClassifierConfig]{"model.hidden", func(c *ClassifierConfig) { c.Hidden = nil }},
	))
	cnn := ClassifierConfig{Arch: "cnn", C: 2, H: 5, W: 6, Classes: 3, Channels: []int{2, 3}, Hidden: []int{4}, Activation: "leaky_relu", BatchNorm: true}
	checkBad(t, "classifier cnn", cnn, buildClassifier, append(common,
		badCase[ClassifierConfig]{"model.channels", func(c *ClassifierConfig) { c.Channels = nil }},
		badCase[ClassifierConfig]{"model.channels", func(c *ClassifierConfig) { c.Channels = []int{2, 2, 2} }},
		badCase[ClassifierConfig]{"model.channels[1]", func(c *ClassifierConfig) { c.Channels = []int{2, -2} }},
	))
}

func TestTransformerBadSettings(t *testing.T) {
	good := TransformerConfig{Vocab: 5, Block: 4, Layers: 2, Heads: 2, Embed: 4, Dropout: 0.1}
	checkBad(t, "transformer", good, buildTransformer, []badCase[TransformerConfig]{
		{"vocabulary", func(c *TransformerConfig) { c.Vocab = 1 }},
		{"model.block", func(c *TransformerConfig) { c.Block = 0 }},
		{"model.block", func(c *TransformerConfig) { c.Block = 1 << 20 }},
		{"model.layers", func(c *TransformerConfig) { c.Layers = 0 }},
		{"model.layers", func(c *TransformerConfig) { c.Layers = 1000 }},
		{"model.heads", func(c *TransformerConfig) { c.Heads = 0 }},
		{"model.heads", func(c *TransformerConfig) { c.Heads = 3 }},
		{"model.embed", func(c *TransformerConfig) { c.Embed = -4 }},
		{"model.dropout", func(c *TransformerConfig) { c.Dropout = -1 }},
	})
}

// TestLayerBadArguments calls layers with arguments no model passes today.
func TestLayerBadArguments(t *testing.T) {
	for _, c := range []struct {
		want  string
		build func(n *Net, x *G.Node) any
	}{
		{"kernel", func(n *Net, x *G.Node) any { return n.Conv2D("c", x, 2, 0, 1, 0) }},
		{"stride", func(n *Net, x *G.Node) any { return n.Conv2D("c", x, 2, 3, 0, 0) }},
		{"does not fit", func(n *Net, x *G.Node) any { return n.Conv2D("c", x, 2, 9, 1, 0) }},
		{"pooling", func(n *Net, x *G.Node) any { return n.MaxPool2D("p", x, 5) }},
		{"4-D", func(n *Net, x *G.Node) any { return n.Conv2D("c", n.Flatten("f", x), 2, 3, 1, 1) }},
		{"2-D", func(n *Net, x *G.Node) any { return n.Dense("d", x, 3) }},
		{"below 1", func(n *Net, x *G.Node) any { return n.Dense("d", n.Flatten("f", x), 0) }},
		{"heads", func(n *Net, x *G.Node) any { return n.CausalSelfAttention("a", n.Flatten("f", x), 1, 2, 5, 0.1, 0) }},
		{"missing", func(n *Net, x *G.Node) any { return n.Add(x, nil) }},
		{"is not known", func(n *Net, x *G.Node) any { return n.Activate("swish", x) }},
		{"dropout", func(n *Net, x *G.Node) any { return n.Dropout("d", x, 1) }},
	} {
		err := builds(t, c.want, func() error {
			n := NewNet(NewStore(1), true)
			x := n.Input("x", 2, 3, 4, 4)
			c.build(n, x)
			n.Dense("after", x, 2) // does nothing once an error is recorded
			return n.Err()
		})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("err = %v, want one mentioning %q", err, c.want)
		}
	}
}
