package nets

import (
	"strings"
	"testing"
)

// The fuzz targets build a model family from fuzzed settings and fail on a
// panic or on an error that does not say which family it comes from. Sizes
// are taken modulo small bounds (and may be zero or negative), so one build
// stays cheap.

// small maps v to (−bound/8, bound): mostly valid sizes, some zero or negative.
func small(v int8, bound int) int { return int(v) % bound }

// list is the first k (up to 4) of vs, each through small.
func list(k uint8, bound int, vs ...int8) []int {
	out := make([]int, 0, 4)
	for i := 0; i < int(k%5) && i < len(vs); i++ {
		out = append(out, small(vs[i], bound))
	}
	return out
}

// activation picks one of Activations or, for an out-of-range pick, the fuzzed name.
func activation(pick uint8, name string) string {
	if int(pick) < len(Activations) {
		return Activations[pick]
	}
	return name
}

func checkBuilt(t *testing.T, family string, err error) {
	if err != nil && !strings.HasPrefix(err.Error(), family) {
		t.Errorf("error does not name the %s family: %v", family, err)
	}
}

func FuzzVAESettings(f *testing.F) {
	f.Add(false, uint8(2), int8(1), int8(8), int8(8), uint8(1), int8(6), int8(4), int8(0), int8(3), uint8(0), "", true, 0.1, 1.0, 0.5, int8(2))
	f.Add(true, uint8(2), int8(1), int8(8), int8(8), uint8(2), int8(2), int8(3), int8(0), int8(2), uint8(5), "", false, 0.0, 1.0, 0.5, int8(2))
	f.Fuzz(func(t *testing.T, conv bool, depth uint8, c, h, w int8, gauss uint8, s0, s1, s2, latent int8, act uint8, actName string, bn bool, dropout, beta, sigma float64, batch int8) {
		cfg := VAEConfig{Arch: "mlp", C: small(c, 4), H: small(h, 17), W: small(w, 17), Latent: small(latent, 9),
			Activation: activation(act, actName), Likelihood: "bernoulli", Sigma: sigma, Beta: beta, BatchNorm: bn, Dropout: dropout}
		if conv {
			cfg.Arch, cfg.Channels = "conv", list(depth, 5, s0, s1, s2)
		} else {
			cfg.Hidden = list(depth, 17, s0, s1, s2)
		}
		if gauss%2 == 1 {
			cfg.Likelihood = "gaussian"
		}
		checkBuilt(t, "vae", builds(t, "vae", func() error { return buildVAE(cfg, small(batch, 5)) }))
	})
}

func FuzzGANSettings(f *testing.F) {
	f.Add(false, uint8(1), uint8(1), int8(1), int8(4), int8(4), int8(0), int8(3), int8(5), int8(4), int8(3), false, true, int8(2))
	f.Add(true, uint8(2), uint8(2), int8(1), int8(8), int8(8), int8(2), int8(3), int8(4), int8(2), int8(3), true, true, int8(2))
	f.Fuzz(func(t *testing.T, dcgan bool, gDepth, dDepth uint8, c, h, w, classes, latent, s0, s1, s2 int8, projection, bn bool, batch int8) {
		cfg := GANConfig{Arch: "mlp", C: small(c, 4), H: small(h, 17), W: small(w, 17), Classes: small(classes, 5), Latent: small(latent, 9),
			BatchNorm: bn, Projection: projection}
		if dcgan {
			cfg.Arch, cfg.GChannels, cfg.DChannels = "dcgan", list(gDepth, 5, s0, s1, s2), list(dDepth, 5, s2, s1, s0)
		} else {
			cfg.GHidden, cfg.DHidden = list(gDepth, 17, s0, s1, s2), list(dDepth, 17, s2, s1, s0)
		}
		checkBuilt(t, "gan", builds(t, "gan", func() error { return buildGAN(cfg, small(batch, 5)) }))
	})
}

func FuzzClassifierSettings(f *testing.F) {
	f.Add(false, uint8(1), uint8(0), int8(1), int8(4), int8(4), int8(3), int8(5), int8(4), int8(3), uint8(0), "", true, 0.2, int8(2))
	f.Add(true, uint8(1), uint8(2), int8(2), int8(7), int8(5), int8(3), int8(5), int8(4), int8(3), uint8(3), "", true, 0.0, int8(2))
	f.Fuzz(func(t *testing.T, cnn bool, hDepth, cDepth uint8, c, h, w, classes, s0, s1, s2 int8, act uint8, actName string, bn bool, dropout float64, batch int8) {
		cfg := ClassifierConfig{Arch: "mlp", C: small(c, 4), H: small(h, 17), W: small(w, 17), Classes: small(classes, 6),
			Hidden: list(hDepth, 17, s0, s1, s2), Activation: activation(act, actName), Dropout: dropout, BatchNorm: bn}
		if cnn {
			cfg.Arch, cfg.Channels = "cnn", list(cDepth, 5, s2, s1, s0)
		}
		checkBuilt(t, "classifier", builds(t, "classifier", func() error { return buildClassifier(cfg, small(batch, 5)) }))
	})
}

func FuzzTransformerSettings(f *testing.F) {
	f.Add(int8(5), int8(4), int8(2), int8(2), int8(4), 0.1, int8(2))
	f.Add(int8(3), int8(1), int8(1), int8(3), int8(6), 0.0, int8(1))
	f.Fuzz(func(t *testing.T, vocab, block, layers, heads, embed int8, dropout float64, batch int8) {
		cfg := TransformerConfig{Vocab: small(vocab, 9), Block: small(block, 9), Layers: small(layers, 4), Heads: small(heads, 5), Embed: small(embed, 17), Dropout: dropout}
		checkBuilt(t, "transformer", builds(t, "transformer", func() error { return buildTransformer(cfg, small(batch, 4)) }))
	})
}
