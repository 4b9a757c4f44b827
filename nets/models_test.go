package nets

import (
	"math/rand"
	"strings"
	"testing"

	"genxai/engine"

	G "gorgonia.org/gorgonia"
)

// modelGradCheck compares the symbolic gradient of a whole model's loss with
// finite differences on a few elements of every parameter.
func modelGradCheck(t *testing.T, name string, net *Net, loss *G.Node, params G.Nodes, fill func(rng *rand.Rand)) {
	t.Helper()
	rng := rand.New(rand.NewSource(9))
	fill(rng)
	if _, err := G.Grad(loss, params...); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	ex := engine.NewTape(net.G, params)
	defer ex.Close()
	run := func() float64 {
		if err := ex.Run(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return engine.Scalar(loss)
	}
	run()
	grads := make([][]float32, len(params))
	for i, p := range params {
		g, err := engine.Grad(p)
		if err != nil {
			t.Fatal(err)
		}
		grads[i] = append([]float32(nil), g...)
	}
	for i, p := range params {
		data := p.Value().Data().([]float32)
		for _, j := range rng.Perm(len(data))[:min(3, len(data))] {
			fd := centralDiff(data, j, 1e-3, run)
			if d := fd - float64(grads[i][j]); d > 0.02+0.05*abs(fd) || d < -0.02-0.05*abs(fd) {
				t.Errorf("%s: ∂loss/∂%s[%d]: symbolic %.5g, finite difference %.5g", name, p.Name(), j, grads[i][j], fd)
			}
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func fillNormal(d []float32, rng *rand.Rand, scale float64) {
	for i := range d {
		d[i] = float32(rng.NormFloat64() * scale)
	}
}

func fillOneHot(d []float32, k int, rng *rand.Rand) {
	clear(d)
	for r := 0; r < len(d)/k; r++ {
		d[r*k+rng.Intn(k)] = 1
	}
}

func TestClassifierShapesAndGradients(t *testing.T) {
	for _, arch := range []string{"mlp", "cnn"} {
		cfg := ClassifierConfig{Arch: arch, C: 1, H: 8, W: 8, Classes: 3, Hidden: []int{6}, Channels: []int{2, 3}, Activation: "tanh", BatchNorm: true}
		m, err := NewClassifier(NewStore(1), cfg, 4, true)
		if err != nil {
			t.Fatal(err)
		}
		if s := m.Logits.Shape(); s[0] != 4 || s[1] != 3 {
			t.Errorf("%s: logits %v", arch, s)
		}
		if s := m.Features.Shape(); s[0] != 4 || s[1] != 6 {
			t.Errorf("%s: features %v", arch, s)
		}
		modelGradCheck(t, "classifier "+arch, m.Net, m.Loss, m.Net.Params(), func(rng *rand.Rand) {
			fillNormal(m.Net.InputData("x"), rng, 1)
			fillOneHot(m.Net.InputData("target"), 3, rng)
			for i, w := 0, m.Net.InputData("row_weight"); i < len(w); i++ {
				w[i] = 0.25
			}
		})
	}
}

func TestTransformerShapesAndGradients(t *testing.T) {
	cfg := TransformerConfig{Vocab: 5, Block: 4, Layers: 2, Heads: 2, Embed: 4}
	m, err := NewTransformer(NewStore(2), cfg, 2, true)
	if err != nil {
		t.Fatal(err)
	}
	if s := m.Logits.Shape(); s[0] != 8 || s[1] != 5 {
		t.Errorf("logits %v, want (8, 5)", s)
	}
	modelGradCheck(t, "transformer", m.Net, m.Loss, m.Net.Params(), func(rng *rand.Rand) {
		fillOneHot(m.Net.InputData("tokens"), 5, rng)
		fillOneHot(m.Net.InputData("target"), 5, rng)
		for i, w := 0, m.Net.InputData("row_weight"); i < len(w); i++ {
			w[i] = 1.0 / 8
		}
	})
	if _, err := NewTransformer(NewStore(2), TransformerConfig{Vocab: 5, Block: 4, Layers: 1, Heads: 3, Embed: 4}, 1, false); err == nil || !strings.Contains(err.Error(), "multiple") {
		t.Errorf("embed 4 with 3 heads: err = %v", err)
	}
}

func TestGANShapesAndGradients(t *testing.T) {
	for _, cfg := range []GANConfig{
		{Arch: "dcgan", C: 1, H: 8, W: 8, Classes: 3, Latent: 3, GChannels: []int{4, 2}, DChannels: []int{2, 3}, BatchNorm: true},
		{Arch: "dcgan", C: 1, H: 8, W: 8, Classes: 3, Latent: 3, GChannels: []int{4, 2}, DChannels: []int{2, 3}, BatchNorm: true, Projection: true},
		{Arch: "mlp", C: 1, H: 4, W: 4, Latent: 3, GHidden: []int{5}, DHidden: []int{5}, BatchNorm: true},
		{Arch: "mlp", C: 1, H: 4, W: 4, Classes: 2, Latent: 3, GHidden: []int{5}, DHidden: []int{5}, Projection: true},
	} {
		st := NewStore(3)
		g, err := NewGANGeneratorStep(st, cfg, 2)
		if err != nil {
			t.Fatal(err)
		}
		if s := g.Image.Shape(); s[0] != 2 || s[1] != cfg.C*cfg.H*cfg.W {
			t.Errorf("%s: image %v", cfg.Arch, s)
		}
		d, err := NewGANDiscriminatorStep(st, cfg, 4)
		if err != nil {
			t.Fatal(err)
		}
		fillCond := func(n *Net, rng *rand.Rand) {
			if !cfg.Conditional() {
				return
			}
			fillOneHot(n.InputData("label"), cfg.Classes, rng)
		}
		var gParams G.Nodes
		for i, name := range g.Net.ParamNames() {
			if strings.HasPrefix(name, GeneratorPrefix) {
				gParams = append(gParams, g.Net.Params()[i])
			}
		}
		modelGradCheck(t, "gan generator step "+cfg.Arch, g.Net, g.Loss, gParams, func(rng *rand.Rand) {
			fillNormal(g.Net.InputData("z"), rng, 1)
			fillCond(g.Net, rng)
			for i, w := 0, g.Net.InputData("row_weight"); i < len(w); i++ {
				w[i] = 0.5
			}
		})
		modelGradCheck(t, "gan discriminator step "+cfg.Arch, d.Net, d.Loss, d.Net.Params(), func(rng *rand.Rand) {
			fillNormal(d.Net.InputData("x"), rng, 0.5)
			fillCond(d.Net, rng)
			copy(d.Net.InputData("sign"), []float32{1, 1, -1, -1})
			for i, w := 0, d.Net.InputData("row_weight"); i < len(w); i++ {
				w[i] = 0.5
			}
		})
		hasEmbed := false
		for _, name := range d.Net.ParamNames() {
			if !strings.HasPrefix(name, DiscriminatorPrefix) {
				t.Errorf("%s: discriminator graph holds %s", cfg.Arch, name)
			}
			hasEmbed = hasEmbed || name == "disc.embed.weight"
		}
		if hasEmbed != cfg.Projection {
			t.Errorf("%s: projection %v but class embedding present %v", cfg.Arch, cfg.Projection, hasEmbed)
		}
	}
	if _, err := NewGANDiscriminatorStep(NewStore(1), GANConfig{Arch: "mlp", C: 1, H: 4, W: 4, Latent: 2, GHidden: []int{2}, DHidden: []int{2}, Projection: true}, 2); err == nil || !strings.Contains(err.Error(), "model.conditional") {
		t.Errorf("projection without classes: got %v, want an error naming model.conditional", err)
	}
	if _, err := NewGANGenerator(NewStore(1), GANConfig{Arch: "dcgan", C: 1, H: 6, W: 6, Latent: 2, GChannels: []int{2, 2}, DChannels: []int{2}}, 1, false); err == nil {
		t.Error("a 6×6 image with two generator doublings should be refused")
	}
}
